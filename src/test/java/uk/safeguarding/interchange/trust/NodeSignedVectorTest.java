package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.trust.GatewayExceptions.assertFailsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.interchange.error.ErrorCode;

/**
 * Vectors signed by npm jose + canonicalize (src/test/node/sign-vector.mjs, run once and committed): the gateway must
 * compute the same JCS payload and verify the signatures. Node is not needed at test time.
 */
class NodeSignedVectorTest {
    private static final Clock VECTOR_CLOCK = Clock.fixed(VectorPkiWriter.VECTOR_TIME, ZoneOffset.UTC);

    private final StrictJson json = new StrictJson(1_000_000);
    private final DetachedJwsVerifier verifier = new DetachedJwsVerifier();

    private static Path vectors() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(NodeSignedVectorTest.class.getResource("/vectors/bundle.json"))
                        .toURI())
                .getParent();
    }

    private static CertificateValidator validator(Path pki) throws IOException {
        return new CertificateValidator(
                Pem.readCertificates(pki.resolve("root.pem")),
                CrlStore.fromPemFiles(List.of(pki.resolve("root.crl.pem"), pki.resolve("issuing-ca.crl.pem"))),
                VECTOR_CLOCK);
    }

    @ParameterizedTest
    @CsvSource({
        "rs256, RS256, urn:interchange:system:acme-safeguard",
        "ps256, PS256, urn:interchange:system:acme-safeguard",
        "es256, ES256, urn:interchange:police:dorset"
    })
    void verifiesTheNodeSignedDetachedJwsOverOurOwnJcs(String name, JwsAlgorithm alg, String orgId) throws Exception {
        Path dir = vectors();
        JsonNode bundle = json.parse(Files.readAllBytes(dir.resolve("bundle.json")));
        byte[] ourPayload = BundleSignature.signingPayload(bundle);
        String jws = Files.readString(dir.resolve("bundle." + name + ".jws"), StandardCharsets.US_ASCII);

        assertThat(ourPayload).isEqualTo(Files.readAllBytes(dir.resolve("bundle." + name + ".jcs")));
        VerifiedSignature verified = verifier.verify(jws, ourPayload);
        assertThat(verified.alg()).isEqualTo(alg);
        ValidatedCertificate signer =
                validator(dir.resolve("pki")).validateSigner(verified, Instant.parse("2026-03-01T11:55:00Z"));
        assertThat(signer.organisationId()).isEqualTo(orgId);
    }

    @ParameterizedTest
    @CsvSource({"rs256", "ps256", "es256"})
    void readsAndVerifiesTheNodeSignedBundle(String name) throws Exception {
        Path dir = vectors();
        JsonNode signed = json.parse(Files.readAllBytes(dir.resolve("bundle." + name + ".signed.json")));

        BundleSignature signature = BundleSignature.read(signed);
        VerifiedSignature verified = verifier.verify(signature.compactJws(), signature.signingPayload());

        assertThat(signature.when()).isEqualTo(Instant.parse("2026-03-01T11:55:00Z"));
        assertThat(validator(dir.resolve("pki"))
                        .validateSigner(verified, signature.when())
                        .path())
                .hasSize(2);
    }

    @ParameterizedTest
    @CsvSource({"rs256", "es256"})
    void rejectsTheNodeSignedBundleOnceADecimalChanges(String name) throws Exception {
        Path dir = vectors();
        ObjectNode signed = (ObjectNode) json.parse(Files.readAllBytes(dir.resolve("bundle." + name + ".signed.json")));
        ((ObjectNode) signed.at("/entry/1/resource/valueQuantity")).put("value", new java.math.BigDecimal("4.51"));

        BundleSignature signature = BundleSignature.read(signed);

        assertFailsWith(
                ErrorCode.SIG_INVALID, () -> verifier.verify(signature.compactJws(), signature.signingPayload()));
    }
}
