package uk.safeguarding.interchange.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.Recipient;
import uk.safeguarding.interchange.canonical.xml.RecipientRole;
import uk.safeguarding.interchange.error.GatewayException;

/** Writing a validated document without validating it again (the router's recipients), and the id check it relies on. */
class CanonicalXmlUnvalidatedTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();

    static Stream<Path> validExamples() {
        return ExampleFiles.valid("canonical");
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void writesTheSameBytesAsTheValidatingMarshal(Path example) {
        InterchangeMessage message = CANONICAL.unmarshal(ExampleFiles.read(example));
        message.getEnvelope().getRecipient().add(recipient("urn:interchange:la:850"));

        assertThat(CANONICAL.marshalValidatedDocument(message)).isEqualTo(CANONICAL.marshal(message));
    }

    @Test
    void theOrgIdCheckAgreesWithTheSchema() {
        List<String> ids = List.of(
                "urn:interchange:la:850",
                "urn:interchange:mash:850",
                "urn:interchange:school:100001",
                "urn:interchange:system:acme-safeguard",
                "urn:interchange:la:with.dot",
                "urn:interchange:la:with_underscore",
                "urn:interchange:council:850",
                "urn:interchange:la:-850",
                "urn:interchange:la:" + "x".repeat(63),
                "urn:interchange:la:" + "x".repeat(64),
                " urn:interchange:la:850",
                "urn:interchange:la:850\n");
        InterchangeMessage message = CANONICAL.unmarshal(
                ExampleFiles.read(ExampleFiles.EXAMPLES.resolve("canonical/01-safeguarding-referral.xml")));
        for (String id : ids) {
            message.getEnvelope().getRecipient().clear();
            message.getEnvelope().getRecipient().add(recipient(id));
            boolean schemaAccepts;
            try {
                CANONICAL.marshal(message);
                schemaAccepts = true;
            } catch (GatewayException e) {
                schemaAccepts = false;
            }
            assertThat(CanonicalXml.isOrgId(id)).as(id).isEqualTo(schemaAccepts);
        }
        assertThat(CanonicalXml.isOrgId("urn:interchange:la:850")).isTrue();
        assertThat(CanonicalXml.isOrgId("urn:interchange:la:with.dot")).isFalse();
    }

    private static Recipient recipient(String orgId) {
        Recipient recipient = new Recipient();
        recipient.setOrgId(orgId);
        recipient.setRole(RecipientRole.PRIMARY);
        return recipient;
    }
}
