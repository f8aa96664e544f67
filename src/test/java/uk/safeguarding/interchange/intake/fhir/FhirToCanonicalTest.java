package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.FhirUrls;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.ConcernCategory;
import uk.safeguarding.interchange.canonical.xml.CorrelationRelation;
import uk.safeguarding.interchange.canonical.xml.Gender;
import uk.safeguarding.interchange.canonical.xml.HandlingCaveatCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.LawfulBasisCode;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.canonical.xml.RelatedPersonRole;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.TranslationFixtures;
import uk.safeguarding.interchange.intake.TranslationFixtures.Example;

class FhirToCanonicalTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private final FhirToCanonical translator = new FhirToCanonical();

    private static Example example(String name) {
        return TranslationFixtures.EXAMPLES.stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Bundle bundle(String name) {
        return TranslationFixtures.fhir(example(name).fhirFile());
    }

    private InterchangeMessage translate(String name, Bundle bundle) {
        InterchangeMessage message = translator.translate(bundle, example(name).facts(Binding.FHIR));
        CANONICAL.marshal(message); // validates against the canonical XSD
        return message;
    }

    private static <T extends Resource> T first(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow();
    }

    private static String xml(InterchangeMessage message) {
        return new String(CANONICAL.marshal(message), StandardCharsets.UTF_8);
    }

    @Test
    void envelopeComesFromFactsAndMessageHeader() {
        InterchangeMessage message = translate("safeguarding-referral", bundle("safeguarding-referral"));
        var envelope = message.getEnvelope();
        var facts = example("safeguarding-referral").facts(Binding.FHIR);

        assertThat(envelope.getTrackingId()).isEqualTo(facts.trackingId());
        assertThat(envelope.getSenderMessageId()).isEqualTo(facts.senderMessageId());
        assertThat(envelope.getBinding()).isEqualTo(Binding.FHIR);
        assertThat(envelope.getSender().getOrgId()).isEqualTo("urn:interchange:school:100001");
        assertThat(envelope.getSender().getIdentifier().getSystem()).isEqualTo("urn:interchange:school-urn");
        assertThat(envelope.getSender().getIdentifier().getValue()).isEqualTo("100001");
        assertThat(envelope.getSender().getName())
                .as("names come from the directory")
                .isNull();
        assertThat(envelope.getSubmittedBy().getOrgId()).isEqualTo(TranslationFixtures.ACME);
        assertThat(envelope.getRecipient()).as("filled by routing").isEmpty();
        assertThat(envelope.getSignature().getSignerOrgId()).isEqualTo(TranslationFixtures.ACME);
    }

    @Test
    void submittedByIsOmittedWhenTheSenderConnectedItself() {
        InterchangeMessage message = translate("police-notification", bundle("police-notification"));

        assertThat(message.getEnvelope().getSubmittedBy()).isNull();
    }

    @Test
    void priorityComesFromTheFocus() {
        Bundle bundle = bundle("safeguarding-referral");
        first(bundle, ServiceRequest.class).setPriority(ServiceRequest.ServiceRequestPriority.STAT);

        assertThat(translate("safeguarding-referral", bundle).getEnvelope().getPriority())
                .isEqualTo(Priority.STAT);
    }

    @Test
    void explicitDestinationsBecomeRequestedDestinations() {
        Bundle bundle = bundle("information-request");

        assertThat(translate("information-request", bundle).getEnvelope().getRequestedDestination())
                .extracting(d -> d.getOrgId())
                .containsExactly("urn:interchange:police:dorset");
    }

    @Test
    void destinationWithoutReceiverUsesItsEndpointOrgId() {
        Bundle bundle = bundle("information-request");
        MessageHeader header = first(bundle, MessageHeader.class);
        header.getDestinationFirstRep().setReceiver(null).setEndpoint("urn:interchange:la:839");

        assertThat(translate("information-request", bundle).getEnvelope().getRequestedDestination())
                .extracting(d -> d.getOrgId())
                .containsExactly("urn:interchange:la:839");
    }

    @Test
    void senderOrganizationWithoutInterchangeIdentifierIsRejected() {
        Bundle bundle = bundle("safeguarding-referral");
        MessageHeader header = first(bundle, MessageHeader.class);
        Organization sender = (Organization) resolve(bundle, header.getSender());
        sender.getIdentifier().clear();
        sender.addIdentifier().setSystem("urn:example:elsewhere").setValue("100001");

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .isInstanceOf(GatewayException.class)
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("MessageHeader.sender");
    }

    @Test
    void concernCategoriesLawfulBasesAndCaveatsKeepTheirOrder() {
        Bundle bundle = bundle("safeguarding-referral");
        ServiceRequest sr = first(bundle, ServiceRequest.class);
        sr.addExtension(
                FhirUrls.EXT_LAWFUL_BASIS,
                new CodeableConcept(new Coding(FhirUrls.LAWFUL_BASIS_SYSTEM, "other", null))
                        .setText("Crime and Disorder Act 1998 s115"));
        sr.addExtension(
                FhirUrls.EXT_CAVEAT,
                new CodeableConcept(new Coding(FhirUrls.CAVEAT_SYSTEM, "other", null)).setText("Ask the DSL first"));

        var referral = translate("safeguarding-referral", bundle).getContent().getReferral();

        assertThat(referral.getConcernCategory())
                .containsExactly(
                        ConcernCategory.DOMESTIC_ABUSE, ConcernCategory.EMOTIONAL_ABUSE, ConcernCategory.NEGLECT);
        assertThat(referral.getLawfulBasis())
                .extracting(b -> b.getCode())
                .containsExactly(
                        LawfulBasisCode.UK_GDPR_6_1_E_PUBLIC_TASK,
                        LawfulBasisCode.UK_GDPR_9_2_G_SUBSTANTIAL_PUBLIC_INTEREST,
                        LawfulBasisCode.DPA_2018_SCH_1_PARA_18_SAFEGUARDING,
                        null);
        assertThat(referral.getLawfulBasis().get(3).getOther()).isEqualTo("Crime and Disorder Act 1998 s115");
        assertThat(referral.getHandlingCaveat())
                .extracting(c -> c.getCode())
                .containsExactly(HandlingCaveatCode.DO_NOT_CONTACT_PARENTS, null);
        assertThat(referral.getHandlingCaveat().get(1).getOther()).isEqualTo("Ask the DSL first");
    }

    @Test
    void otherLawfulBasisWithoutTextIsRejected() {
        Bundle bundle = bundle("safeguarding-referral");
        first(bundle, ServiceRequest.class)
                .addExtension(
                        FhirUrls.EXT_LAWFUL_BASIS,
                        new CodeableConcept(new Coding(FhirUrls.LAWFUL_BASIS_SYSTEM, "other", null)));

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("extension(lawful-basis).text");
    }

    @Test
    void unknownConcernCodeIsRejectedWithoutRepeatingIt() {
        Bundle bundle = bundle("safeguarding-referral");
        first(bundle, ServiceRequest.class)
                .addReasonCode(new CodeableConcept(new Coding(FhirUrls.CONCERN_SYSTEM, "witchcraft-xyz", null)));

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("ServiceRequest.reasonCode[3]")
                .hasMessageNotContaining("witchcraft");
    }

    @Test
    void childCarriesIdentityNamesAddressesAndSchool() {
        var child = translate("safeguarding-referral", bundle("safeguarding-referral"))
                .getContent()
                .getReferral()
                .getChild();

        assertThat(child.getNhsNumber()).isEqualTo("9434765919");
        assertThat(child.getName().get(0).getGiven()).containsExactly("Ellie", "May");
        assertThat(child.getName().get(0).getFamily()).isEqualTo("Marsh");
        assertThat(child.getBirthDate()).isEqualTo(LocalDate.of(2016, 3, 14));
        assertThat(child.getGender()).isEqualTo(Gender.FEMALE);
        assertThat(child.getCurrentAddress().getPostcode()).isEqualTo("SP10 1AB");
        assertThat(child.getCurrentAddress().getTown()).isEqualTo("Andover");
        assertThat(child.getCurrentAddress().getFrom()).isEqualTo(LocalDate.of(2024, 9, 1));
        assertThat(child.getPreviousAddress()).singleElement().satisfies(a -> {
            assertThat(a.getPostcode()).isEqualTo("BH1 2AB");
            assertThat(a.getTo()).isEqualTo(LocalDate.of(2024, 8, 31));
        });
        assertThat(child.getSchoolUrn()).isEqualTo("100001");
    }

    @Test
    void oldAddressListedFirstStaysPrevious() {
        Bundle bundle = bundle("safeguarding-referral");
        Patient patient = first(bundle, Patient.class);
        var addresses = new java.util.ArrayList<>(patient.getAddress());
        java.util.Collections.reverse(addresses);
        patient.setAddress(addresses);

        var child = translate("safeguarding-referral", bundle)
                .getContent()
                .getReferral()
                .getChild();

        assertThat(child.getCurrentAddress().getPostcode()).isEqualTo("SP10 1AB");
        assertThat(child.getPreviousAddress()).extracting(a -> a.getPostcode()).containsExactly("BH1 2AB");
    }

    @Test
    void addressWithoutPostcodeIsRejectedNamingThePathNotTheValue() {
        Bundle bundle = bundle("safeguarding-referral");
        Address address = first(bundle, Patient.class).getAddressFirstRep();
        address.setPostalCode(null);

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("Patient.address[0].postalCode")
                .hasMessageNotContaining("Fictional Close");
    }

    @Test
    void relatedPersonsKeepRoleDescriptionHouseholdAddressAndTelephone() {
        var people = translate("safeguarding-referral", bundle("safeguarding-referral"))
                .getContent()
                .getReferral()
                .getRelatedPerson();

        assertThat(people)
                .extracting(p -> p.getRole())
                .containsExactly(
                        RelatedPersonRole.PARENT, RelatedPersonRole.SIBLING, RelatedPersonRole.ALLEGED_PERPETRATOR);
        assertThat(people.get(0).getRoleDescription()).isEqualTo("mother");
        assertThat(people.get(0).getTelephone()).isEqualTo("07700 900123");
        assertThat(people.get(0).isLivesWithChild()).isTrue();
        assertThat(people.get(2).isLivesWithChild()).isFalse();
        assertThat(people.get(2).getAddress().getPostcode()).isEqualTo("BH1 3CD");
    }

    @Test
    void attachmentsTravelByHash() {
        var attachment = translate("safeguarding-referral", bundle("safeguarding-referral"))
                .getContent()
                .getReferral()
                .getAttachment()
                .get(0);

        assertThat(attachment.getSha256())
                .isEqualTo(Base64.getDecoder().decode("9DqlIu1qQr+Xbop9hPT5Wg1PDSMBUjUygnn1N5fjDz0="));
        assertThat(attachment.getSize()).isEqualTo(48213L);
        assertThat(attachment.getFilename()).isEqualTo("harewood-welfare-log-extract.pdf");
        assertThat(attachment.getMediaType()).isEqualTo("application/pdf");
    }

    @Test
    void correlationsByTrackingIdAndBySenderMessageId() {
        assertThat(translate("referral-update", bundle("referral-update"))
                        .getEnvelope()
                        .getCorrelation())
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getRelation()).isEqualTo(CorrelationRelation.UPDATE);
                    assertThat(c.getTrackingId()).isEqualTo("3f6c1b2e-8a41-4c7e-9d2a-5b1e7c9a0f11");
                });
        assertThat(translate("referral-withdrawal", bundle("referral-withdrawal"))
                        .getEnvelope()
                        .getCorrelation())
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getRelation()).isEqualTo(CorrelationRelation.WITHDRAWAL);
                    assertThat(c.getSenderMessageId()).isEqualTo("urn:uuid:2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182");
                });
    }

    @Test
    void correlationWithAnotherIdentifierSystemIsRejected() {
        Bundle bundle = bundle("referral-update");
        Extension correlation = first(bundle, MessageHeader.class).getExtensionByUrl(FhirUrls.EXT_CORRELATION);
        correlation
                .getExtensionByUrl("target")
                .setValue(new Identifier().setSystem("urn:x").setValue("1"));

        assertThatThrownBy(() -> translate("referral-update", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("MessageHeader.extension(correlation)[0].target.system");
    }

    @Test
    void policeIncidentComesFromItsExtension() {
        var incident = translate("police-notification", bundle("police-notification"))
                .getContent()
                .getPoliceNotification()
                .getPoliceIncident();

        assertThat(incident.getIncidentReference()).isEqualTo("DP-20251122-0457");
        assertThat(incident.getCrimeNumber()).isEqualTo("55250123456");
        assertThat(incident.getForce().getOrgId()).isEqualTo("urn:interchange:police:dorset");
        assertThat(incident.getIncidentDateTime()).hasToString("2025-11-22T22:40:00Z");
    }

    @Test
    void withdrawalReasonAndExplanation() {
        var withdrawal = translate("referral-withdrawal", bundle("referral-withdrawal"))
                .getContent()
                .getReferralWithdrawal();

        assertThat(withdrawal.getReason().value()).isEqualTo("wrong-child");
        assertThat(withdrawal.getExplanation()).startsWith("The referral was attached");
    }

    @Test
    void declinedOutcomeCarriesItsReason() {
        var declined = translate("referral-outcome-declined", bundle("referral-outcome-declined"))
                .getContent()
                .getReferralOutcome()
                .getDecision()
                .getDeclined();

        assertThat(declined.getReason()).startsWith("Threshold for statutory intervention not met");
    }

    @Test
    void declinedOutcomeWithoutReasonIsRule003() {
        Bundle bundle = bundle("referral-outcome-declined");
        first(bundle, Task.class).setStatusReason(null);

        assertThatThrownBy(() -> translate("referral-outcome-declined", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.RULE_DECLINE_REASON_REQUIRED);
    }

    @Test
    void transferredOutcomeNamesItsTargetLocalAuthority() {
        var outcome = translate("referral-outcome-transferred", bundle("referral-outcome-transferred"))
                .getContent()
                .getReferralOutcome();

        assertThat(outcome.getDecision().getTransferred().getTransferTo()).isEqualTo("839");
        assertThat(outcome.getDecidedAt()).hasToString("2025-11-25T09:12:00Z");
    }

    @Test
    void transferredOutcomeWithoutTargetIsRule005() {
        Bundle bundle = bundle("referral-outcome-transferred");
        first(bundle, Task.class).getExtension().clear();

        assertThatThrownBy(() -> translate("referral-outcome-transferred", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.RULE_TRANSFER_TARGET_REQUIRED);
    }

    @Test
    void encompassCarriesNothingBeyondTheAllowedFields() {
        Bundle bundle = bundle("encompass-notification");
        // A sender that over-shares: everything below must be left out of the canonical form.
        Patient patient = first(bundle, Patient.class);
        patient.addIdentifier().setSystem(FhirUrls.NHS_NUMBER).setValue("9434765919");
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        patient.addAddress().setPostalCode("SP10 1AB").addLine("12 Fictional Close");
        ServiceRequest sr = first(bundle, ServiceRequest.class);
        sr.addExtension(
                FhirUrls.EXT_LAWFUL_BASIS,
                new CodeableConcept(new Coding(FhirUrls.LAWFUL_BASIS_SYSTEM, "dpa-2018-s-31-law-enforcement", null)));
        RelatedPerson perpetrator = new RelatedPerson();
        perpetrator.setId("urn:uuid:00000000-0000-0000-0000-00000000beef");
        perpetrator.addName().setFamily("Holloway");
        bundle.addEntry().setFullUrl(perpetrator.getId()).setResource(perpetrator);
        sr.addSupportingInfo(new Reference(perpetrator.getId()));

        String xml = xml(translate("encompass-notification", bundle));
        String content = xml.substring(xml.indexOf("<content>"));
        Matcher elements = Pattern.compile("<([A-Za-z]+)[ >]").matcher(content);
        java.util.Set<String> names = new java.util.TreeSet<>();
        while (elements.find()) {
            names.add(elements.group(1));
        }

        assertThat(names)
                .containsExactlyInAnyOrder(
                        "content",
                        "encompassNotification",
                        "incidentDateTime",
                        "child",
                        "name",
                        "given",
                        "family",
                        "birthDate",
                        "schoolUrn",
                        "note");
        assertThat(content).doesNotContain("9434765919", "SP10", "Holloway", "law-enforcement");
    }

    @Test
    void unresolvedReferenceIsRule001NamingThePath() {
        Bundle bundle = bundle("safeguarding-referral");
        first(bundle, ServiceRequest.class).setSubject(new Reference("urn:uuid:11111111-2222-3333-4444-555555555555"));

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.RULE_REFERENCE_UNRESOLVED)
                .hasMessageContaining("ServiceRequest.subject")
                .hasMessageNotContaining("11111111");
    }

    @Test
    void unresolvedSenderAndSupportingInfoAreRule001() {
        Bundle noSender = bundle("safeguarding-referral");
        first(noSender, MessageHeader.class).setSender(new Reference("Organization/missing"));
        Bundle noPerson = bundle("safeguarding-referral");
        first(noPerson, ServiceRequest.class).getSupportingInfo().get(1).setReference("RelatedPerson/gone");

        assertThatThrownBy(() -> translate("safeguarding-referral", noSender))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.RULE_REFERENCE_UNRESOLVED)
                .hasMessageContaining("MessageHeader.sender");
        assertThatThrownBy(() -> translate("safeguarding-referral", noPerson))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.RULE_REFERENCE_UNRESOLVED)
                .hasMessageContaining("ServiceRequest.supportingInfo[1]");
    }

    @Test
    void referencesResolveByTypeAndId() {
        Bundle bundle = bundle("safeguarding-referral");
        Patient patient = first(bundle, Patient.class);
        Bundle.BundleEntryComponent entry = bundle.getEntry().stream()
                .filter(e -> e.getResource() == patient)
                .findFirst()
                .orElseThrow();
        entry.setFullUrl("https://school.example.org/fhir/Patient/ellie");
        patient.setId("Patient/ellie");
        first(bundle, ServiceRequest.class).setSubject(new Reference("Patient/ellie"));
        for (RelatedPerson person : bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(RelatedPerson.class::isInstance)
                .map(RelatedPerson.class::cast)
                .toList()) {
            person.setPatient(new Reference("Patient/ellie"));
        }

        assertThat(translate("safeguarding-referral", bundle)
                        .getContent()
                        .getReferral()
                        .getChild()
                        .getNhsNumber())
                .isEqualTo("9434765919");
    }

    @Test
    void focusOfTheWrongTypeIsRejected() {
        Bundle bundle = bundle("safeguarding-referral");
        first(bundle, MessageHeader.class)
                .getFocusFirstRep()
                .setReference(first(bundle, MessageHeader.class).getSender().getReference());

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("MessageHeader.focus[0]");
    }

    @Test
    void gatewayEventsAreNotTranslated() {
        Bundle bundle = bundle("safeguarding-referral");
        first(bundle, MessageHeader.class).setEvent(new Coding(FhirUrls.EVENT_SYSTEM, "acknowledgement", null));

        assertThatThrownBy(() -> translate("safeguarding-referral", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_UNKNOWN_EVENT);
    }

    @Test
    void informationRequestAndResponseKeepQuestionIds() {
        var request = translate("information-request", bundle("information-request"))
                .getContent()
                .getInformationRequest();
        var response = translate("information-response", bundle("information-response"))
                .getContent()
                .getInformationResponse();

        assertThat(request.getQuestion()).extracting(q -> q.getId()).containsExactly("q1", "q2");
        assertThat(request.getRespondBy()).hasToString("2025-11-25T16:00:00Z");
        assertThat(response.getAnswer()).extracting(a -> a.getQuestionId()).containsExactly("q1", "q2");
        assertThat(response.getRequestTrackingId()).isEqualTo("f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f708192");
        assertThat(response.getAttachment()).singleElement().satisfies(a -> assertThat(a.getSize())
                .isEqualTo(91544L));
    }

    @Test
    void withdrawalWithoutReasonExtensionIsRejected() {
        Bundle bundle = bundle("referral-withdrawal");
        ServiceRequest sr = first(bundle, ServiceRequest.class);
        sr.getExtension().removeIf(e -> e.getUrl().equals(FhirUrls.EXT_WITHDRAWAL_REASON));
        sr.addExtension("urn:x", new CodeType("y"));

        assertThatThrownBy(() -> translate("referral-withdrawal", bundle))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.SCHEMA_PROFILE)
                .hasMessageContaining("withdrawal-reason");
    }

    private static Resource resolve(Bundle bundle, Reference reference) {
        return bundle.getEntry().stream()
                .filter(e -> e.getFullUrl().equals(reference.getReference()))
                .map(Bundle.BundleEntryComponent::getResource)
                .findFirst()
                .orElseThrow();
    }
}
