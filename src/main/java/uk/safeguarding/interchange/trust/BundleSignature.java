package uk.safeguarding.interchange.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * The FHIR binding's signature (spec §5) read from, or written into, a Bundle's JSON tree: {@code
 * Bundle.signature.data} is base64 of a compact detached JWS whose payload is the JCS form of the Bundle without its
 * {@code signature} element.
 *
 * @param compactJws the decoded {@code Bundle.signature.data} ({@code header..signature})
 * @param when {@code Bundle.signature.when}, the claimed signing time
 * @param signingPayload the detached payload: JCS of the Bundle without {@code signature}
 */
public record BundleSignature(String compactJws, Instant when, byte[] signingPayload) {
    /** {@code Signature.sigFormat} required by the interchange. */
    public static final String SIG_FORMAT = "application/jose";
    /** ASTM E1762 signature type code system and the author's signature code. */
    public static final String ASTM_SYSTEM = "urn:iso-astm:E1762-95:2013";

    public static final String AUTHOR_SIGNATURE = "1.2.840.10065.1.12.1.1";

    public BundleSignature {
        Objects.requireNonNull(compactJws);
        Objects.requireNonNull(when);
        signingPayload = signingPayload.clone();
    }

    @Override
    public byte[] signingPayload() {
        return signingPayload.clone();
    }

    /**
     * Reads the signature of a Bundle parsed by {@link StrictJson}.
     *
     * @throws GatewayException SIG_MISSING without {@code Bundle.signature}; SIG_MALFORMED if it lacks {@code
     *     data} or {@code when}, has another {@code sigFormat}, or {@code data} is not base64
     */
    public static BundleSignature read(JsonNode bundle) {
        JsonNode signature = bundle.get("signature");
        if (signature == null || signature.isNull()) {
            throw new GatewayException(ErrorCode.SIG_MISSING, "The Bundle has no signature.");
        }
        if (!signature.isObject()) {
            throw malformed("Bundle.signature is not an object.");
        }
        JsonNode sigFormat = signature.get("sigFormat");
        if (sigFormat == null || !SIG_FORMAT.equals(sigFormat.textValue())) {
            throw malformed("Bundle.signature.sigFormat must be " + SIG_FORMAT + ".");
        }
        JsonNode data = signature.get("data");
        if (data == null || !data.isTextual()) {
            throw malformed("Bundle.signature.data is missing.");
        }
        String compactJws;
        try {
            compactJws = new String(Base64.getDecoder().decode(data.textValue()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw malformed("Bundle.signature.data is not base64.");
        }
        JsonNode when = signature.get("when");
        if (when == null || !when.isTextual()) {
            throw malformed("Bundle.signature.when is missing.");
        }
        Instant signingTime;
        try {
            signingTime = OffsetDateTime.parse(when.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed("Bundle.signature.when is not a FHIR instant.");
        }
        return new BundleSignature(compactJws, signingTime, signingPayload(bundle));
    }

    /** The detached payload: the JCS bytes of {@code bundle} without its top-level {@code signature}. */
    public static byte[] signingPayload(JsonNode bundle) {
        if (!bundle.isObject()) {
            throw new IllegalArgumentException("A Bundle is a JSON object");
        }
        // A shallow copy: the members are shared, read only by the canonicalisation (a deep copy of the whole tree
        // allocated 30 KB more per verification, docs/performance.md section 26).
        ObjectNode unsigned = JsonNodeFactory.instance.objectNode();
        bundle.properties().forEach(member -> {
            if (!"signature".equals(member.getKey())) {
                unsigned.set(member.getKey(), member.getValue());
            }
        });
        return Jcs.canonicalize(unsigned);
    }

    /**
     * Signs {@code bundle} in place: replaces {@code Bundle.signature} with an author's signature by {@code who} (a
     * FHIR Reference, e.g. {@code {"identifier":{...}}}) at {@code when}.
     *
     * @return {@code bundle}, for chaining
     */
    public static ObjectNode sign(
            ObjectNode bundle,
            PrivateKey key,
            List<X509Certificate> chain,
            JwsAlgorithm alg,
            Instant when,
            JsonNode who) {
        String jws = DetachedJwsSigner.sign(signingPayload(bundle), key, chain, alg);
        ObjectNode signature = bundle.putObject("signature");
        ObjectNode type = signature.putArray("type").addObject();
        type.put("system", ASTM_SYSTEM);
        type.put("code", AUTHOR_SIGNATURE);
        type.put("display", "Author's Signature");
        signature.put("when", when.toString());
        signature.set("who", who.deepCopy());
        signature.put("sigFormat", SIG_FORMAT);
        signature.put("data", Base64.getEncoder().encodeToString(jws.getBytes(StandardCharsets.US_ASCII)));
        return bundle;
    }

    private static GatewayException malformed(String detail) {
        return new GatewayException(ErrorCode.SIG_MALFORMED, detail);
    }
}
