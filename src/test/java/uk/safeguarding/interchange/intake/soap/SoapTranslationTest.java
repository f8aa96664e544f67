package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.PartyEventCode;
import uk.safeguarding.interchange.canonical.xml.Recipient;
import uk.safeguarding.interchange.canonical.xml.RecipientRole;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.intake.TranslationFixtures;
import uk.safeguarding.interchange.intake.soap.ws.DeliveredMessage;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessage;

class SoapTranslationTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final TranslationFixtures.Example PPN = TranslationFixtures.EXAMPLES.get(1);
    private static final TranslationFixtures.Example REFERRAL = TranslationFixtures.EXAMPLES.get(0);

    @Test
    void translatesEnvelopeAndContentAndValidates() {
        SubmitMessage body = TranslationFixtures.soap(REFERRAL.soapFile());

        InterchangeMessage message = new SoapToCanonical().translate(body, REFERRAL.facts(Binding.SOAP));
        String xml = new String(CANONICAL.marshal(message), StandardCharsets.UTF_8);

        assertThat(message.getEnvelope().getSender().getOrgId()).isEqualTo("urn:interchange:school:100001");
        assertThat(message.getEnvelope().getSender().getName())
                .as("names come from the directory")
                .isNull();
        assertThat(message.getEnvelope().getSubmittedBy().getOrgId()).isEqualTo(TranslationFixtures.ACME);
        assertThat(message.getEnvelope().getBinding()).isEqualTo(Binding.SOAP);
        assertThat(message.getContent().getReferral().getChild().getNhsNumber()).isEqualTo("9434765919");
        assertThat(xml).contains("<name use=\"official\">");
    }

    @Test
    void dropsOrganisationNamesSuppliedBySender() {
        SubmitMessage body = TranslationFixtures.soap(PPN.soapFile());
        body.getSender().setName("Not Really Dorset Police");
        body.getContent().getPoliceNotification().getPoliceIncident().getForce().setName("Pretend force");

        InterchangeMessage message = new SoapToCanonical().translate(body, PPN.facts(Binding.SOAP));

        assertThat(message.getEnvelope().getSender().getName()).isNull();
        assertThat(message.getContent()
                        .getPoliceNotification()
                        .getPoliceIncident()
                        .getForce()
                        .getName())
                .isNull();
    }

    @Test
    void eventThatDoesNotMatchTheContentIsSchema005() {
        SubmitMessage body = TranslationFixtures.soap(PPN.soapFile());
        body.setEvent(PartyEventCode.SAFEGUARDING_REFERRAL);

        assertThatThrownBy(() -> new SoapToCanonical().translate(body, PPN.facts(Binding.SOAP)))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_XSD)
                .hasMessageContaining("SubmitMessage/event");
    }

    @Test
    void deliveredMessageForARecipientCarriesItsRoleAndTheSameContent() {
        InterchangeMessage message =
                new SoapToCanonical().translate(TranslationFixtures.soap(PPN.soapFile()), PPN.facts(Binding.SOAP));
        Recipient copy = new Recipient();
        copy.setOrgId("urn:interchange:mash:850");
        copy.setRole(RecipientRole.COPY);
        message.getEnvelope().getRecipient().add(copy);

        DeliveredMessage delivered = new CanonicalToSoap().toDelivered(message, "urn:interchange:mash:850");

        assertThat(delivered.getRecipientRole()).isEqualTo(RecipientRole.COPY);
        assertThat(delivered.getTrackingId()).isEqualTo(message.getEnvelope().getTrackingId());
        assertThat(delivered.getSignedBy().getOrgId()).isEqualTo("urn:interchange:police:dorset");
        assertThat(delivered
                        .getContent()
                        .getPoliceNotification()
                        .getPoliceIncident()
                        .getIncidentReference())
                .isEqualTo("DP-20251122-0457");
        byte[] before = CANONICAL.marshal(message);
        // Back to canonical: the same content.
        var again = JaxbBridge.toCanonical(
                delivered.getContent().getPoliceNotification(),
                uk.safeguarding.interchange.canonical.xml.PoliceNotification.class);
        message.getContent().setPoliceNotification(again);
        assertThat(CANONICAL.marshal(message)).isEqualTo(before);
    }

    @Test
    void refusesToDeliverToAnOrganisationThatIsNotARecipient() {
        InterchangeMessage message =
                new SoapToCanonical().translate(TranslationFixtures.soap(PPN.soapFile()), PPN.facts(Binding.SOAP));

        assertThatThrownBy(() -> new CanonicalToSoap().toDelivered(message, "urn:interchange:la:850"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
