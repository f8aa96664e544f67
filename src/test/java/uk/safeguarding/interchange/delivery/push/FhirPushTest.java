package uk.safeguarding.interchange.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.testsupport.DevCerts;

/** Which messages fhir-push carries: every business event, no gateway notice (those go to the mailbox). */
class FhirPushTest {
    @Test
    void carriesBusinessMessagesButNotGatewayNotices() throws Exception {
        FhirPush push = new FhirPush(
                PushSigningTest.credentials(DevCerts.p12("gateway-signing")),
                FhirContext.forR4Cached(),
                Duration.ofSeconds(1),
                Clock.systemUTC());
        CanonicalXml canonical = new CanonicalXml();
        List<String> carried = new ArrayList<>();
        List<String> notCarried = new ArrayList<>();
        try (Stream<Path> examples = Files.list(Path.of("schemas/examples/canonical"))) {
            for (Path example :
                    examples.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                InterchangeMessage message = canonical.unmarshal(Files.readAllBytes(example));
                String event = message.getEnvelope().getEvent().value();
                (push.carries(message) ? carried : notCarried).add(event);
            }
        }

        assertThat(notCarried)
                .containsExactlyInAnyOrder("acknowledgement", "delivery-receipt", "non-delivery-report", "escalation");
        assertThat(carried)
                .contains("safeguarding-referral", "referral-outcome", "information-response")
                .doesNotContainAnyElementsOf(notCarried);
    }
}
