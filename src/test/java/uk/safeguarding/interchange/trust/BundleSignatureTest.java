package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.trust.GatewayExceptions.assertFailsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.error.ErrorCode;

class BundleSignatureTest {
    private static final TestPki PKI = TestPki.DEFAULT;
    private final StrictJson json = new StrictJson(1_000_000);

    private ObjectNode bundle() {
        return (ObjectNode) json.parse(
                "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"entry\":[{\"resource\":{\"value\":4.50}}]}"
                        .getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode who() {
        return json.parse("{\"identifier\":{\"system\":\"urn:interchange:system-id\",\"value\":\"acme-safeguard\"}}"
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void signsAndReadsBackABundle() {
        Instant when = PKI.now;
        ObjectNode signed = BundleSignature.sign(
                bundle(), PKI.ecSigner.key(), PKI.ecSigner.chain(), JwsAlgorithm.ES256, when, who());

        BundleSignature signature = BundleSignature.read(signed);
        VerifiedSignature verified =
                new DetachedJwsVerifier().verify(signature.compactJws(), signature.signingPayload());

        assertThat(signature.when()).isEqualTo(when);
        assertThat(new String(signature.signingPayload(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"entry\":[{\"resource\":{\"value\":4.5}}],\"resourceType\":\"Bundle\",\"type\":\"message\"}");
        assertThat(PKI.validator().validateSigner(verified, signature.when()).organisationId())
                .isEqualTo(TestPki.EC_ORG);
        assertThat(signed.at("/signature/sigFormat").textValue()).isEqualTo("application/jose");
    }

    @Test
    void thePayloadLeavesOutOnlyTheTopLevelSignatureAndTheTreeAsItWas() {
        ObjectNode bundle = (ObjectNode) json.parse(("{\"signature\":{\"data\":\"x\"},\"resourceType\":\"Bundle\","
                        + "\"entry\":[{\"resource\":{\"signature\":[{\"data\":\"y\"}]}}]}")
                .getBytes(StandardCharsets.UTF_8));
        ObjectNode before = bundle.deepCopy();

        byte[] payload = BundleSignature.signingPayload(bundle);

        assertThat(new String(payload, StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"entry\":[{\"resource\":{\"signature\":[{\"data\":\"y\"}]}}],\"resourceType\":\"Bundle\"}");
        assertThat(bundle).isEqualTo(before);
        assertThat(bundle.fieldNames()).toIterable().containsExactly("signature", "resourceType", "entry");
    }

    @Test
    void reportsAMissingSignature() {
        assertFailsWith(ErrorCode.SIG_MISSING, () -> BundleSignature.read(bundle()));
    }

    @Test
    void reportsAMalformedSignatureElement() {
        ObjectNode signed = BundleSignature.sign(
                bundle(), PKI.rsaSigner.key(), PKI.rsaSigner.chain(), JwsAlgorithm.RS256, PKI.now, who());
        ObjectNode badData = signed.deepCopy();
        ((ObjectNode) badData.get("signature")).put("data", "not base64!");
        ObjectNode badFormat = signed.deepCopy();
        ((ObjectNode) badFormat.get("signature")).put("sigFormat", "application/pkcs7-signature");
        ObjectNode noWhen = signed.deepCopy();
        ((ObjectNode) noWhen.get("signature")).remove("when");

        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> BundleSignature.read(badData));
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> BundleSignature.read(badFormat));
        assertFailsWith(ErrorCode.SIG_MALFORMED, () -> BundleSignature.read(noWhen));
    }
}
