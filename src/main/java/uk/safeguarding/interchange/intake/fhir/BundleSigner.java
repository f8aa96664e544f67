package uk.safeguarding.interchange.intake.fhir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.OrganisationIds;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * Signs a FHIR message Bundle the way the interchange requires (docs/implementation-guide.md, "Signing a FHIR
 * message"): {@code Bundle.signature} with an author's signature by the key's organisation, whose {@code data} is the
 * detached JWS over the JCS of the Bundle's JSON without {@code signature}. For XML the signed form is the Bundle's
 * FHIR JSON ({@link FhirEncoding#jsonTree}). Used by the gateway for its replies and by the submit tool. Thread-safe.
 */
public final class BundleSigner {
    private final SigningKey key;

    public BundleSigner(SigningKey key) {
        this.key = key;
    }

    public SigningKey key() {
        return key;
    }

    /** Signs a JSON Bundle tree in place at {@code when}; returns it. */
    public ObjectNode sign(ObjectNode bundle, Instant when) {
        return BundleSignature.sign(bundle, key.key(), key.chain(), key.alg(), when, who(key.organisationId()));
    }

    /**
     * Signs a Bundle given as bytes in {@code format} and returns the signed Bundle in the same format. Any existing
     * {@code signature} is replaced; nothing else is changed.
     */
    public byte[] sign(byte[] bundle, FhirFormat format, Instant when) {
        FhirEncoding encoding = new FhirEncoding(Math.max(bundle.length, 1) * 2L);
        FhirEncoding.Decoded decoded = encoding.decode(bundle, format);
        ObjectNode tree = decoded.tree();
        tree.remove("signature");
        return FhirEncoding.encode(sign(tree, when), format);
    }

    /**
     * {@code Signature.who} for an organisation id: a logical reference by the identifier decision 0001 gives its kind
     * ({@code urn:interchange:school:100001} → system {@code urn:interchange:school-urn}, value {@code 100001}).
     */
    public static ObjectNode who(String organisationId) {
        String kind = OrganisationIds.kind(organisationId).orElseThrow();
        String value = OrganisationIds.value(organisationId).orElseThrow();
        ObjectNode who = JsonNodeFactory.instance.objectNode();
        ObjectNode identifier = who.putObject("identifier");
        identifier.put(
                "system",
                OrganisationKind.fromCode(kind)
                        .map(OrganisationKind::identifierSystem)
                        .orElse(OrganisationIds.PREFIX + kind));
        identifier.put("value", value);
        return who;
    }
}
