package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.JwsAlgorithm;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * The gateway's signed acknowledgement takes its JWS algorithm from the signing key: ES256 (R || S, 64 bytes) with
 * the dev EC P-256 key, RS256 with an RSA key. Each is checked with the JDK against the certificate's public key
 * directly, not only through our verifier.
 */
class GatewayReplySigningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant ACCEPTED = Instant.parse("2026-11-21T12:00:00Z");

    @Test
    void theDevGatewayAcknowledgementIsEs256AndVerifiesWithTheCertificatesPublicKey() throws Exception {
        SigningKey key = SigningKey.loadPkcs12(DevCerts.p12("gateway-signing"), DevCerts.PASSWORD.toCharArray());
        X509Certificate certificate = Pem.readCertificate(DevCerts.DIR.resolve("gateway-signing.crt.pem"));
        assertThat(key.alg()).isEqualTo(JwsAlgorithm.ES256);

        Jws jws = acknowledgement(key);

        assertThat(jws.header().path("alg").asText()).isEqualTo("ES256");
        assertThat(Base64.getDecoder().decode(jws.header().path("x5c").get(0).asText()))
                .isEqualTo(certificate.getEncoded());
        assertThat(jws.signature()).as("JOSE R || S, not DER").hasSize(64);
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(certificate.getPublicKey());
        ecdsa.update(jws.signingInput());
        assertThat(ecdsa.verify(jws.signature())).isTrue();
        assertThat(jws.verified().alg()).isEqualTo(JwsAlgorithm.ES256);
        assertThat(jws.verified().signer()).isEqualTo(certificate);
    }

    @Test
    void anRsaGatewayKeyStillSignsRs256(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.loadPkcs12(RsaGatewayKey.p12(dir), DevCerts.PASSWORD.toCharArray());
        assertThat(key.alg()).isEqualTo(JwsAlgorithm.RS256);

        Jws jws = acknowledgement(key);

        assertThat(jws.header().path("alg").asText()).isEqualTo("RS256");
        assertThat(jws.signature()).hasSize(256);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key.chain().get(0).getPublicKey());
        rsa.update(jws.signingInput());
        assertThat(rsa.verify(jws.signature())).isTrue();
        assertThat(jws.verified().alg()).isEqualTo(JwsAlgorithm.RS256);
        assertThat(jws.verified().signer()).isEqualTo(key.chain().get(0));
    }

    /** The detached JWS of the {@code ok} reply the gateway stores and sends, taken apart. */
    private record Jws(JsonNode header, byte[] signingInput, byte[] signature, VerifiedSignature verified) {}

    private static Jws acknowledgement(SigningKey key) throws Exception {
        byte[] reply = new FhirReplies(new BundleSigner(key)).okJson("request-header", "tracking-1", ACCEPTED);
        JsonNode bundle = JSON.readTree(reply);
        BundleSignature signature = BundleSignature.read(bundle);
        String compact = signature.compactJws();
        String[] parts = compact.split("\\.", -1);
        assertThat(parts).hasSize(3);
        assertThat(parts[1]).as("detached").isEmpty();
        byte[] signingInput = (parts[0] + "."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.signingPayload()))
                .getBytes(StandardCharsets.US_ASCII);
        return new Jws(
                JSON.readTree(Base64.getUrlDecoder().decode(parts[0])),
                signingInput,
                Base64.getUrlDecoder().decode(parts[2]),
                new DetachedJwsVerifier().verify(compact, signature.signingPayload()));
    }
}
