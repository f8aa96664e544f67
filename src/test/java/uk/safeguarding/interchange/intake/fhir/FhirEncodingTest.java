package uk.safeguarding.interchange.intake.fhir;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.Jcs;
import uk.safeguarding.interchange.trust.StrictJson;

/** The XML signing rule (JCS of the Bundle's FHIR JSON as HAPI encodes it) and the hardened decoding. */
class FhirEncodingTest {
    private static final FhirEncoding ENCODING = new FhirEncoding(1 << 20);

    static Stream<String> examples() throws Exception {
        try (Stream<Path> files = Files.list(SignedMessages.EXAMPLES)) {
            List<String> names = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .toList();
            assertThat(names).hasSizeGreaterThanOrEqualTo(10);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void jsonToXmlAndBackIsLosslessUnderJcs(String example) {
        byte[] json = Jsonish.bytes(SignedMessages.example(example));
        byte[] xml = FhirEncoding.convert(json, FhirFormat.XML);

        ObjectNode fromXml = ENCODING.decode(xml, FhirFormat.XML).tree();

        assertThat(Jcs.canonicalString(fromXml)).isEqualTo(Jcs.canonicalString(new StrictJson(1 << 20).parse(json)));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theJsonBundleIsHapisModelOfTheSignedTreeWhichStaysAsReceived(String example) {
        byte[] json = Jsonish.bytes(SignedMessages.example(example));

        FhirEncoding.Decoded decoded = ENCODING.decode(json, FhirFormat.JSON);

        assertThat(decoded.tree()).isEqualTo(new StrictJson(1 << 20).parse(json));
        IParser hapi = FhirEncoding.modelParser(FhirFormat.JSON);
        assertThat(hapi.encodeResourceToString(decoded.bundle()))
                .isEqualTo(hapi.encodeResourceToString(hapi.parseResource(new String(json, StandardCharsets.UTF_8))));
    }

    @Test
    void theSignaturesDataIsDecodedByTheJdkToWhatHapiDecodes() {
        byte[] json = Jsonish.bytes(SignedMessages.example("safeguarding-referral"));
        Bundle plain = (Bundle) FhirEncoding.modelParser(FhirFormat.JSON).parseResource(new String(json, UTF_8));

        Base64BinaryType data =
                ENCODING.decode(json, FhirFormat.JSON).bundle().getSignature().getDataElement();

        assertThat(data).isInstanceOf(JdkBase64BinaryType.class);
        assertThat(data.getValue()).isEqualTo(plain.getSignature().getData());
        assertThat(data.getValueAsString())
                .isEqualTo(plain.getSignature().getDataElement().getValueAsString());
    }

    @Test
    void signatureDataThatIsNotBase64IsRefusedAsHapiRefusesIt() {
        ObjectNode bundle = SignedMessages.example("safeguarding-referral");
        ((ObjectNode) bundle.get("signature")).put("data", "not base64!");
        byte[] json = Jsonish.bytes(bundle);
        IParser hapi = FhirEncoding.modelParser(FhirFormat.JSON);

        assertThatThrownBy(() -> hapi.parseResource(new String(json, UTF_8))).isInstanceOf(DataFormatException.class);
        assertThatThrownBy(() -> ENCODING.decode(json, FhirFormat.JSON))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_PROFILE));
    }

    @Test
    void theSignaturesDataKeepsItsIdAndExtensions() {
        ObjectNode bundle = SignedMessages.example("safeguarding-referral");
        ((ObjectNode) bundle.get("signature"))
                .putObject("_data")
                .put("id", "d1")
                .putArray("extension")
                .addObject()
                .put("url", "http://example.org/fhir/StructureDefinition/note")
                .put("valueString", "kept");
        byte[] json = Jsonish.bytes(bundle);

        FhirEncoding.Decoded decoded = ENCODING.decode(json, FhirFormat.JSON);

        Base64BinaryType data = decoded.bundle().getSignature().getDataElement();
        assertThat(data.getId()).isEqualTo("d1");
        assertThat(data.getExtensionString("http://example.org/fhir/StructureDefinition/note"))
                .isEqualTo("kept");
        assertThat(data.getValueAsString())
                .isEqualTo(bundle.at("/signature/data").textValue());
        assertThat(decoded.tree()).isEqualTo(new StrictJson(1 << 20).parse(json));
    }

    @Test
    void anXmlBundleSignedAsXmlVerifiesOverItsJsonForm() {
        byte[] xml = FhirEncoding.convert(Jsonish.bytes(SignedMessages.fresh("police-notification")), FhirFormat.XML);

        byte[] signed = new BundleSigner(SignedMessages.key("police-dorset")).sign(xml, FhirFormat.XML, Instant.now());

        assertThat(new String(signed, StandardCharsets.UTF_8))
                .startsWith("<Bundle")
                .contains("<signature>");
        BundleSignature signature =
                BundleSignature.read(ENCODING.decode(signed, FhirFormat.XML).tree());
        assertThat(new DetachedJwsVerifier()
                        .verify(signature.compactJws(), signature.signingPayload())
                        .alg()
                        .name())
                .isEqualTo("ES256");
    }

    @Test
    void rejectsADoctypeBeforeHapiSeesIt() {
        byte[] xml = ("<?xml version=\"1.0\"?><!DOCTYPE Bundle [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"&x;\"/></Bundle>")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ENCODING.decode(xml, FhirFormat.XML))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.SCHEMA_DTD_FORBIDDEN));
    }

    @Test
    void unknownJsonElementsAreNotSilentlyDropped() {
        ObjectNode bundle = SignedMessages.example("safeguarding-referral");
        bundle.put("smuggled", "covered by the signature, ignored by a lenient parser");

        assertThatThrownBy(() -> ENCODING.decode(Jsonish.bytes(bundle), FhirFormat.JSON))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_PROFILE));
    }

    @Test
    void aResourceOtherThanABundleIsNotAMessage() {
        byte[] patient = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ENCODING.decode(patient, FhirFormat.JSON))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SCHEMA_NOT_MESSAGE));
    }

    @Test
    void mediaTypesAreExact() {
        assertThat(FhirFormat.fromContentType("application/fhir+json; charset=UTF-8"))
                .contains(FhirFormat.JSON);
        assertThat(FhirFormat.fromContentType("application/fhir+xml")).contains(FhirFormat.XML);
        assertThat(FhirFormat.fromContentType("application/json")).isEmpty();
        assertThat(FhirFormat.fromContentType("application/fhir+json; charset=ISO-8859-1"))
                .isEmpty();
        assertThat(FhirFormat.fromContentType(null)).isEmpty();
    }

    /** JSON bytes of a tree. */
    private static final class Jsonish {
        static byte[] bytes(ObjectNode tree) {
            return FhirEncoding.toJsonBytes(tree);
        }
    }
}
