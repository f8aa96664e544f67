package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.trust.GatewayExceptions.assertFailsWith;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.interchange.error.ErrorCode;

class DetachedJwsVerifierTest {
    private static final TestPki PKI = TestPki.DEFAULT;
    private static final byte[] PAYLOAD =
            "{\"resourceType\":\"Bundle\",\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8);

    private final DetachedJwsVerifier verifier = new DetachedJwsVerifier();

    private static TestPki.Issued signerFor(JwsAlgorithm alg) {
        return alg == JwsAlgorithm.ES256 ? PKI.ecSigner : PKI.rsaSigner;
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String b64url(String text) {
        return b64url(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String x5c(List<X509Certificate> chain) throws Exception {
        StringBuilder out = new StringBuilder("[");
        for (X509Certificate certificate : chain) {
            out.append(out.length() > 1 ? "," : "")
                    .append('"')
                    .append(Base64.getEncoder().encodeToString(certificate.getEncoded()))
                    .append('"');
        }
        return out.append(']').toString();
    }

    /** A JWS with an arbitrary header, signed by the JCA algorithm given (raw JCA output, so RSA only). */
    private static String craft(String headerJson, byte[] payload, PrivateKey key, String jcaAlgorithm)
            throws Exception {
        String header = b64url(headerJson);
        Signature signature = Signature.getInstance(jcaAlgorithm);
        signature.initSign(key);
        signature.update((header + "." + b64url(payload)).getBytes(StandardCharsets.US_ASCII));
        return header + ".." + b64url(signature.sign());
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void verifiesEachAllowedAlgorithm(JwsAlgorithm alg) throws Exception {
        TestPki.Issued signer = signerFor(alg);
        String jws = DetachedJwsSigner.sign(PAYLOAD, signer.key(), signer.chain(), alg);

        VerifiedSignature verified = verifier.verify(jws, PAYLOAD);

        assertThat(verified.signer()).isEqualTo(signer.certificate());
        assertThat(verified.chain()).containsExactlyElementsOf(signer.chain());
        assertThat(verified.alg()).isEqualTo(alg);
        assertThat(verified.payloadSha256())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(PAYLOAD));
        assertThat(verified.compactJws()).isEqualTo(jws);
        assertThat(jws).contains("..");
    }

    @Test
    void es256SignatureIsRawRAndS() {
        String jws = DetachedJwsSigner.sign(PAYLOAD, PKI.ecSigner.key(), PKI.ecSigner.chain(), JwsAlgorithm.ES256);

        assertThat(Base64.getUrlDecoder().decode(jws.substring(jws.lastIndexOf('.') + 1)))
                .hasSize(64);
    }

    /** PS256 parameters checked against an engine configured independently of JwsAlgorithm. */
    @Test
    void ps256UsesSha256Mgf1AndA32ByteSalt() throws Exception {
        String header = b64url("{\"alg\":\"PS256\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}");
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new java.security.spec.PSSParameterSpec(
                "SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        pss.initSign(PKI.rsaSigner.key());
        pss.update((header + "." + b64url(PAYLOAD)).getBytes(StandardCharsets.US_ASCII));

        assertThat(verifier.verify(header + ".." + b64url(pss.sign()), PAYLOAD).alg())
                .isEqualTo(JwsAlgorithm.PS256);
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void rejectsPayloadChangedAfterSigning(JwsAlgorithm alg) {
        TestPki.Issued signer = signerFor(alg);
        String jws = DetachedJwsSigner.sign(PAYLOAD, signer.key(), signer.chain(), alg);
        byte[] changed = PAYLOAD.clone();
        changed[changed.length - 3]++;

        assertFailsWith(ErrorCode.SIG_INVALID, () -> verifier.verify(jws, changed));
    }

    @Test
    void rejectsSignatureByAnotherKeyThanTheCertificates() throws Exception {
        String jws = craft(
                "{\"alg\":\"RS256\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}",
                PAYLOAD,
                PKI.revokedSigner.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_INVALID, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsAlgNone() throws Exception {
        String jws = b64url("{\"alg\":\"none\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}") + "..";

        assertFailsWith(ErrorCode.SIG_ALG_NOT_ALLOWED, () -> verifier.verify(jws, PAYLOAD));
    }

    /** The classic key-confusion attack: HMAC keyed with the signer's public key, in DER and in PEM. */
    @Test
    void rejectsHs256KeyedWithThePublicKey() throws Exception {
        byte[] der = PKI.rsaSigner.certificate().getPublicKey().getEncoded();
        byte[] pem = TestPki.pem("PUBLIC KEY", der).getBytes(StandardCharsets.US_ASCII);
        for (byte[] secret : List.of(der, pem)) {
            String header = b64url("{\"alg\":\"HS256\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String jws = header + ".."
                    + b64url(mac.doFinal((header + "." + b64url(PAYLOAD)).getBytes(StandardCharsets.US_ASCII)));

            assertFailsWith(ErrorCode.SIG_ALG_NOT_ALLOWED, () -> verifier.verify(jws, PAYLOAD));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS512", "ES384", "PS512", "EdDSA", "rs256", "RS256 ", "HS512"})
    void rejectsAlgorithmsOffTheAllowList(String alg) throws Exception {
        String jws = craft(
                "{\"alg\":\"" + alg + "\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA512withRSA");

        assertFailsWith(ErrorCode.SIG_ALG_NOT_ALLOWED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsRs256HeaderWithAnEcCertificate() throws Exception {
        String jws = craft(
                "{\"alg\":\"RS256\",\"x5c\":" + x5c(PKI.ecSigner.chain()) + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_ALG_NOT_ALLOWED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsEs256HeaderWithAnRsaCertificate() throws Exception {
        String jws = craft(
                "{\"alg\":\"ES256\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_ALG_NOT_ALLOWED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsRsaKeysShorterThan2048Bits() throws Exception {
        String jws = craft(
                "{\"alg\":\"RS256\",\"x5c\":" + x5c(PKI.rsa1024Signer.chain()) + "}",
                PAYLOAD,
                PKI.rsa1024Signer.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_ALG_NOT_ALLOWED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsEs256WithZeroScalars() throws Exception {
        String jws =
                b64url("{\"alg\":\"ES256\",\"x5c\":" + x5c(PKI.ecSigner.chain()) + "}") + ".." + b64url(new byte[64]);

        assertFailsWith(ErrorCode.SIG_INVALID, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsSignatureOfTheWrongLength() throws Exception {
        String jws =
                b64url("{\"alg\":\"RS256\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}") + ".." + b64url(new byte[255]);

        assertFailsWith(ErrorCode.SIG_INVALID, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsMalformedBase64() throws Exception {
        String good = DetachedJwsSigner.sign(PAYLOAD, PKI.rsaSigner.key(), PKI.rsaSigner.chain(), JwsAlgorithm.RS256);
        String header = good.substring(0, good.indexOf('.'));
        String signature = good.substring(good.lastIndexOf('.') + 1);

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(header + "..%%%" + signature, PAYLOAD));
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(header + ".." + signature + "=", PAYLOAD));
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify("*" + header + ".." + signature, PAYLOAD));
        assertFailsWith(
                ErrorCode.SIG_MALFORMED,
                () -> verifier.verify(
                        b64url("{\"alg\":\"RS256\",\"x5c\":[\"not base64!\"]}") + ".." + signature, PAYLOAD));
        assertFailsWith(
                ErrorCode.SIG_MALFORMED,
                () -> verifier.verify(b64url("{\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}") + ".." + signature, PAYLOAD));
    }

    @Test
    void rejectsX5cInBase64UrlInsteadOfStandardBase64() throws Exception {
        String standard =
                Base64.getEncoder().encodeToString(PKI.rsaSigner.certificate().getEncoded());
        String urlSafe = standard.replace('+', '-').replace('/', '_');
        org.junit.jupiter.api.Assumptions.assumeTrue(!urlSafe.equals(standard), "certificate has no + or /");
        String jws = craft(
                "{\"alg\":\"RS256\",\"x5c\":[\"" + urlSafe + "\"]}", PAYLOAD, PKI.rsaSigner.key(), "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "no dots at all",
                "one.dot",
                "a..b.c",
                "",
            })
    void rejectsNonCompactSerializations(String jws) {
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsAnAttachedPayload() {
        String jws = DetachedJwsSigner.sign(PAYLOAD, PKI.rsaSigner.key(), PKI.rsaSigner.chain(), JwsAlgorithm.RS256);
        String attached = jws.replace("..", "." + b64url(PAYLOAD) + ".");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(attached, PAYLOAD));
    }

    @Test
    void rejectsMissingX5c() throws Exception {
        String jws = craft("{\"alg\":\"RS256\"}", PAYLOAD, PKI.rsaSigner.key(), "SHA256withRSA");
        String empty = craft("{\"alg\":\"RS256\",\"x5c\":[]}", PAYLOAD, PKI.rsaSigner.key(), "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(empty, PAYLOAD));
    }

    @Test
    void rejectsMissingAlg() throws Exception {
        String jws =
                craft("{\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}", PAYLOAD, PKI.rsaSigner.key(), "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"jku\":\"https://evil.example/keys\"",
                "\"x5u\":\"https://evil.example/cert\"",
                "\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}"
            })
    void rejectsKeyReferencesInTheHeader(String parameter) throws Exception {
        String jws = craft(
                "{\"alg\":\"RS256\"," + parameter + ",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void rejectsUnknownCriticalExtensions() throws Exception {
        String jws = craft(
                "{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"exp\":1,\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void acceptsB64TrueAsCriticalButRejectsUnencodedPayloads() throws Exception {
        String chain = x5c(PKI.rsaSigner.chain());
        String b64True = craft(
                "{\"alg\":\"RS256\",\"b64\":true,\"crit\":[\"b64\"],\"x5c\":" + chain + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");
        String b64False = craft(
                "{\"alg\":\"RS256\",\"b64\":false,\"crit\":[\"b64\"],\"x5c\":" + chain + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");

        assertThat(verifier.verify(b64True, PAYLOAD).alg()).isEqualTo(JwsAlgorithm.RS256);
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(b64False, PAYLOAD));
    }

    @Test
    void rejectsDuplicateKeysInTheHeader() throws Exception {
        String jws = craft(
                "{\"alg\":\"RS256\",\"alg\":\"none\",\"x5c\":" + x5c(PKI.rsaSigner.chain()) + "}",
                PAYLOAD,
                PKI.rsaSigner.key(),
                "SHA256withRSA");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> verifier.verify(jws, PAYLOAD));
    }

    @Test
    void signerRefusesAKeyThatDoesNotFitTheAlgorithm() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        DetachedJwsSigner.sign(PAYLOAD, PKI.ecSigner.key(), PKI.ecSigner.chain(), JwsAlgorithm.RS256))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> DetachedJwsSigner.sign(PAYLOAD, PKI.rsaSigner.key(), PKI.rsaSigner.chain(), "HS256"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
