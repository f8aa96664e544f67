package uk.safeguarding.interchange.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.Recipient;
import uk.safeguarding.interchange.canonical.xml.RecipientRole;
import uk.safeguarding.interchange.intake.TranslationFixtures;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;
import uk.safeguarding.interchange.intake.fhir.validation.ProfileValidator;
import uk.safeguarding.interchange.intake.fhir.validation.ValidationIssue;
import uk.safeguarding.interchange.intake.soap.SoapToCanonical;

class CanonicalToFhirTest {
    static final List<TranslationFixtures.Example> EXAMPLES = TranslationFixtures.EXAMPLES;

    private static final class Validator {
        static final ProfileValidator INSTANCE = new ProfileValidator(ConformanceResources.loadDefault());
    }

    private static InterchangeMessage routed(TranslationFixtures.Example example) {
        InterchangeMessage message = new SoapToCanonical()
                .translate(TranslationFixtures.soap(example.soapFile()), example.facts(Binding.SOAP));
        Recipient recipient = new Recipient();
        recipient.setOrgId("urn:interchange:la:839");
        recipient.setName("Bournemouth, Christchurch and Poole Children's Services");
        recipient.setRole(RecipientRole.PRIMARY);
        message.getEnvelope().getRecipient().add(recipient);
        return message;
    }

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void deliveredBundleConformsExceptForTheSignatureTheCallerAdds(TranslationFixtures.Example example) {
        Bundle bundle = new CanonicalToFhir().toBundle(routed(example));

        List<ValidationIssue> errors = Validator.INSTANCE.validate(bundle).errors();

        assertThat(errors).isNotEmpty().allSatisfy(issue -> assertThat(issue.location() + " " + issue.message())
                .contains("Bundle.signature"));
    }

    @Test
    void carriesTheTrackingIdAndTheOriginalSender() {
        TranslationFixtures.Example example = TranslationFixtures.EXAMPLES.get(0);
        InterchangeMessage message = routed(example);

        Bundle bundle = new CanonicalToFhir().toBundle(message);
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        Organization sender = bundle.getEntry().stream()
                .filter(e -> e.getFullUrl().equals(header.getSender().getReference()))
                .map(e -> (Organization) e.getResource())
                .findFirst()
                .orElseThrow();

        assertThat(bundle.getIdElement().getIdPart())
                .isEqualTo(message.getEnvelope().getTrackingId());
        assertThat(bundle.getIdentifier().getSystem()).isEqualTo(FhirUrls.TRACKING_ID);
        assertThat(bundle.getIdentifier().getValue())
                .isEqualTo(message.getEnvelope().getTrackingId());
        assertThat(sender.getIdentifierFirstRep().getSystem()).isEqualTo("urn:interchange:school-urn");
        assertThat(sender.getIdentifierFirstRep().getValue()).isEqualTo("100001");
        assertThat(header.getSource().getEndpoint()).isEqualTo(TranslationFixtures.ACME);
        assertThat(header.getDestination())
                .extracting(MessageHeader.MessageDestinationComponent::getEndpoint)
                .containsExactly("urn:interchange:la:839");
        assertThat(bundle.hasSignature()).isFalse();
    }

    @Test
    void outputIsDeterministic() {
        InterchangeMessage message = routed(TranslationFixtures.EXAMPLES.get(1));
        var parser = uk.safeguarding.interchange.intake.fhir.FhirContexts.r4().newJsonParser();

        assertThat(parser.encodeResourceToString(new CanonicalToFhir().toBundle(message)))
                .isEqualTo(parser.encodeResourceToString(new CanonicalToFhir().toBundle(message)));
    }

    @Test
    void gatewayNoticesAreRefused() throws Exception {
        byte[] xml = java.nio.file.Files.readAllBytes(TranslationFixtures.CANONICAL.resolve("12-delivery-receipt.xml"));
        InterchangeMessage receipt = new CanonicalXml().unmarshal(xml);

        assertThatThrownBy(() -> new CanonicalToFhir().toBundle(receipt)).isInstanceOf(IllegalArgumentException.class);
    }
}
