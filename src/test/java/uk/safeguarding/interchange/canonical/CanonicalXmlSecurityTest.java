package uk.safeguarding.interchange.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

class CanonicalXmlSecurityTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();

    private static GatewayException rejection(String xml) {
        GatewayException error = catchThrowableOfType(
                GatewayException.class, () -> CANONICAL.unmarshal(xml.getBytes(StandardCharsets.UTF_8)));
        assertThat(error).as("expected a rejection").isNotNull();
        return error;
    }

    private static String referral() {
        return new String(
                ExampleFiles.read(ExampleFiles.EXAMPLES.resolve("canonical/01-safeguarding-referral.xml")),
                StandardCharsets.UTF_8);
    }

    @Test
    void rejectsExternalEntityWithDtdForbidden() {
        String xxe =
                "<?xml version=\"1.0\"?>\n<!DOCTYPE InterchangeMessage [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                        + "<InterchangeMessage xmlns=\"urn:interchange:canonical:v1\">&xxe;</InterchangeMessage>";

        assertThat(rejection(xxe).errorCode()).isEqualTo(ErrorCode.SCHEMA_DTD_FORBIDDEN);
    }

    @Test
    void rejectsEntityExpansionWithDtdForbidden() {
        String laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n"
                + "<lolz>&lol3;</lolz>";

        assertThat(rejection(laughs).errorCode()).isEqualTo(ErrorCode.SCHEMA_DTD_FORBIDDEN);
    }

    @Test
    void rejectsExternalDtdReferenceWithDtdForbidden() {
        String external =
                "<?xml version=\"1.0\"?>\n<!DOCTYPE InterchangeMessage SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n"
                        + "<InterchangeMessage xmlns=\"urn:interchange:canonical:v1\"/>";

        assertThat(rejection(external).errorCode()).isEqualTo(ErrorCode.SCHEMA_DTD_FORBIDDEN);
    }

    @Test
    void rejectsUndeclaredEntityAsMalformed() {
        String xml = referral().replace("Ellie (Year 4) told", "&undeclared; Ellie (Year 4) told");

        assertThat(rejection(xml).errorCode()).isEqualTo(ErrorCode.SCHEMA_MALFORMED);
    }

    @Test
    void rejectsMalformedXml() {
        GatewayException error = rejection("<InterchangeMessage xmlns=\"urn:interchange:canonical:v1\"><envelope>");

        assertThat(error.errorCode()).isEqualTo(ErrorCode.SCHEMA_MALFORMED);
    }

    // Against a schema, fail-fast validation rejects such documents at their first unexpected element; the limits
    // still bound the parse when no schema is applied, and for repeatable elements a schema allows.
    @Test
    void rejectsDeepNesting() {
        String deep = "<a>".repeat(SecureXml.MAX_DEPTH + 1) + "</a>".repeat(SecureXml.MAX_DEPTH + 1);

        assertThat(parseRejection(deep).errorCode()).isEqualTo(ErrorCode.LIMIT_TOO_DEEP);
        assertThat(rejection(deep).errorCode()).isEqualTo(ErrorCode.SCHEMA_XSD);
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        String deep = "<a>".repeat(SecureXml.MAX_DEPTH) + "</a>".repeat(SecureXml.MAX_DEPTH);

        SecureXml.parse(deep.getBytes(StandardCharsets.UTF_8), null, null);
    }

    @Test
    void rejectsTooManyElements() {
        String wide = "<a>" + "<b/>".repeat(SecureXml.MAX_NODES) + "</a>";

        assertThat(parseRejection(wide).errorCode()).isEqualTo(ErrorCode.LIMIT_TOO_MANY_ELEMENTS);
    }

    @Test
    void rejectsTooManyRecipientsThatTheSchemaWouldAllow() {
        String recipient = "<recipient role=\"copy\"><orgId>urn:interchange:la:850</orgId></recipient>";
        String xml = referral().replaceFirst("<recipient ", recipient.repeat(SecureXml.MAX_NODES / 3) + "<recipient ");

        assertThat(rejection(xml).errorCode()).isEqualTo(ErrorCode.LIMIT_TOO_MANY_ELEMENTS);
    }

    @Test
    void rejectsDtdEvenWithoutASchema() {
        assertThat(parseRejection("<!DOCTYPE a []><a/>").errorCode()).isEqualTo(ErrorCode.SCHEMA_DTD_FORBIDDEN);
    }

    private static GatewayException parseRejection(String xml) {
        GatewayException error = catchThrowableOfType(
                GatewayException.class, () -> SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8), null, null));
        assertThat(error).as("expected a rejection").isNotNull();
        return error;
    }

    @Test
    void rejectsAForeignRootElement() {
        GatewayException error = rejection("<InterchangeMessage xmlns=\"urn:example:other\"/>");

        assertThat(error.errorCode()).isEqualTo(ErrorCode.SCHEMA_XSD);
        assertThat(error.getMessage()).contains("cvc-elt.1.a", "line 1");
    }

    @Test
    void schemaErrorNamesLineAndElementButWithholdsTheValue() {
        String xml = referral().replace(">SP10 1AB<", ">ZZ99 PERSONAL<");

        GatewayException error = rejection(xml);

        assertThat(error.errorCode()).isEqualTo(ErrorCode.SCHEMA_XSD);
        assertThat(error.getMessage())
                .contains("line ", "/InterchangeMessage/content/referral/child/currentAddress/postcode")
                .doesNotContain("ZZ99", "PERSONAL");
    }

    @Test
    void refusesToWriteADocumentThatViolatesTheSchema() {
        InterchangeMessage message = CANONICAL.unmarshal(referral().getBytes(StandardCharsets.UTF_8));
        message.getContent().getReferral().getChild().setNhsNumber("12345");

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> CANONICAL.marshal(message));

        assertThat(error).isNotNull();
        assertThat(error.errorCode()).isEqualTo(ErrorCode.SCHEMA_XSD);
        assertThat(error.getMessage()).contains("NhsNumber").doesNotContain("12345");
    }

    @Test
    void aRefusedWriteLeavesTheThreadsReusedValidatorReadyForTheNextDocument() {
        InterchangeMessage invalid = CANONICAL.unmarshal(referral().getBytes(StandardCharsets.UTF_8));
        invalid.getContent().getReferral().getChild().setNhsNumber("12345");
        assertThat(catchThrowableOfType(GatewayException.class, () -> CANONICAL.marshal(invalid)))
                .isNotNull();

        InterchangeMessage valid = CANONICAL.unmarshal(referral().getBytes(StandardCharsets.UTF_8));
        byte[] written = CANONICAL.marshal(valid);

        assertThat(CANONICAL
                        .unmarshal(written)
                        .getContent()
                        .getReferral()
                        .getChild()
                        .getNhsNumber())
                .isEqualTo(valid.getContent().getReferral().getChild().getNhsNumber());
    }

    @Test
    void sanitiseKeepsStructuralMessagesAndDropsValues() {
        assertThat(
                        SecureXml.sanitise(
                                "cvc-pattern-valid: Value 'Secret' is not facet-valid with respect to pattern '\\d{10}' for type 'NhsNumber'."))
                .isEqualTo("cvc-pattern-valid: the value is not valid for type 'NhsNumber' (value withheld)");
        assertThat(SecureXml.sanitise("cvc-type.3.1.3: The value 'Secret' of element 'nhsNumber' is not valid."))
                .doesNotContain("Secret");
        assertThat(SecureXml.sanitise("cvc-complex-type.2.4.b: The content of element 'declined' is not complete."))
                .contains("declined");
    }
}
