package uk.safeguarding.interchange.intake.fhir;

import static uk.safeguarding.interchange.canonical.FhirUrls.*;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import uk.safeguarding.interchange.canonical.CanonicalEnvelopes;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.xml.Answer;
import uk.safeguarding.interchange.canonical.xml.Attachment;
import uk.safeguarding.interchange.canonical.xml.Child;
import uk.safeguarding.interchange.canonical.xml.ConcernCategory;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.Correlation;
import uk.safeguarding.interchange.canonical.xml.CorrelationRelation;
import uk.safeguarding.interchange.canonical.xml.EncompassChild;
import uk.safeguarding.interchange.canonical.xml.EncompassNotification;
import uk.safeguarding.interchange.canonical.xml.Envelope;
import uk.safeguarding.interchange.canonical.xml.EventCode;
import uk.safeguarding.interchange.canonical.xml.Gender;
import uk.safeguarding.interchange.canonical.xml.HandlingCaveat;
import uk.safeguarding.interchange.canonical.xml.HandlingCaveatCode;
import uk.safeguarding.interchange.canonical.xml.InformationRequest;
import uk.safeguarding.interchange.canonical.xml.InformationResponse;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.LawfulBasis;
import uk.safeguarding.interchange.canonical.xml.LawfulBasisCode;
import uk.safeguarding.interchange.canonical.xml.NameUse;
import uk.safeguarding.interchange.canonical.xml.OutcomeAccepted;
import uk.safeguarding.interchange.canonical.xml.OutcomeDecision;
import uk.safeguarding.interchange.canonical.xml.OutcomeDeclined;
import uk.safeguarding.interchange.canonical.xml.OutcomeMoreInformationNeeded;
import uk.safeguarding.interchange.canonical.xml.OutcomeNoFurtherAction;
import uk.safeguarding.interchange.canonical.xml.OutcomeTransferred;
import uk.safeguarding.interchange.canonical.xml.PersonName;
import uk.safeguarding.interchange.canonical.xml.PoliceIncident;
import uk.safeguarding.interchange.canonical.xml.PoliceIncidentType;
import uk.safeguarding.interchange.canonical.xml.PoliceNotification;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.canonical.xml.Question;
import uk.safeguarding.interchange.canonical.xml.Referral;
import uk.safeguarding.interchange.canonical.xml.ReferralOutcome;
import uk.safeguarding.interchange.canonical.xml.ReferralUpdate;
import uk.safeguarding.interchange.canonical.xml.ReferralWithdrawal;
import uk.safeguarding.interchange.canonical.xml.Referrer;
import uk.safeguarding.interchange.canonical.xml.RelatedPersonRole;
import uk.safeguarding.interchange.canonical.xml.WithdrawalReason;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Translates a profile-valid FHIR message Bundle (spec §5, schemas/fhir) into the canonical message. The mapping
 * is the table in docs/canonical-schema.md; {@code CanonicalToFhir} is its inverse. References are resolved inside
 * the Bundle only (by {@code fullUrl}, {@code Type/id} or {@code urn:uuid:}); one that resolves to nothing is
 * RULE-001, and content the canonical form cannot hold (a missing postcode, an unknown code) is SCHEMA-004; error
 * details name the element path, never a value. Organisation names in the message are not copied (the directory is
 * the authority). The result is not schema-validated here: the caller validates with {@code CanonicalXml}.
 * Stateless and thread-safe.
 */
public final class FhirToCanonical {

    /** Translates; never returns null. */
    public InterchangeMessage translate(Bundle bundle, EnvelopeFacts facts) {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(facts, "facts");
        return new Translation(bundle).translate(facts);
    }

    private static final class Translation {
        private final Map<String, Resource> byUrl = new HashMap<>();
        private final MessageHeader header;

        Translation(Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource resource = entry.getResource();
                if (resource == null) {
                    continue;
                }
                if (entry.hasFullUrl()) {
                    byUrl.put(entry.getFullUrl(), resource);
                }
                if (resource.getIdElement().hasIdPart()) {
                    byUrl.putIfAbsent(
                            resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
                }
            }
            if (bundle.getEntry().isEmpty()
                    || !(bundle.getEntryFirstRep().getResource() instanceof MessageHeader first)) {
                throw new GatewayException(ErrorCode.SCHEMA_NOT_MESSAGE, "Bundle.entry[0] is not a MessageHeader");
            }
            header = first;
        }

        InterchangeMessage translate(EnvelopeFacts facts) {
            EventCode event = event();
            Resource focus = resolve(header.getFocusFirstRep(), "MessageHeader.focus[0]", Resource.class);
            String senderOrgId = orgId(
                    resolve(header.getSender(), "MessageHeader.sender", Organization.class), "MessageHeader.sender");
            Envelope envelope = CanonicalEnvelopes.envelope(facts, event, priority(focus), senderOrgId);
            List<MessageHeader.MessageDestinationComponent> destinations = header.getDestination();
            for (int i = 0; i < destinations.size(); i++) {
                envelope.getRequestedDestination()
                        .add(CanonicalEnvelopes.organisation(destination(destinations.get(i), i)));
            }
            envelope.getCorrelation().addAll(correlations());
            Content content = new Content();
            switch (event) {
                case SAFEGUARDING_REFERRAL ->
                    content.setReferral(referral(new Referral(), as(focus, ServiceRequest.class, event), true));
                case POLICE_NOTIFICATION ->
                    content.setPoliceNotification(policeNotification(as(focus, ServiceRequest.class, event)));
                case ENCOMPASS_NOTIFICATION ->
                    content.setEncompassNotification(encompass(as(focus, ServiceRequest.class, event)));
                case REFERRAL_UPDATE -> content.setReferralUpdate(update(as(focus, ServiceRequest.class, event)));
                case REFERRAL_WITHDRAWAL ->
                    content.setReferralWithdrawal(withdrawal(as(focus, ServiceRequest.class, event)));
                case REFERRAL_OUTCOME -> content.setReferralOutcome(outcome(as(focus, Task.class, event)));
                case INFORMATION_REQUEST ->
                    content.setInformationRequest(informationRequest(as(focus, CommunicationRequest.class, event)));
                case INFORMATION_RESPONSE ->
                    content.setInformationResponse(informationResponse(as(focus, Communication.class, event)));
                default ->
                    throw new GatewayException(
                            ErrorCode.SCHEMA_UNKNOWN_EVENT, "MessageHeader.eventCoding is not a party event");
            }
            InterchangeMessage message = new InterchangeMessage();
            message.setEnvelope(envelope);
            message.setContent(content);
            return message;
        }

        // ------------------------------------------------------------------ envelope

        private EventCode event() {
            Coding coding = header.getEventCoding();
            if (!EVENT_SYSTEM.equals(coding.getSystem())) {
                throw new GatewayException(ErrorCode.SCHEMA_UNKNOWN_EVENT, "MessageHeader.eventCoding.system");
            }
            EventCode event = uk.safeguarding.interchange.canonical.EventCode.fromCode(coding.getCode())
                    .map(e -> EventCode.fromValue(e.code()))
                    .orElseThrow(() ->
                            new GatewayException(ErrorCode.SCHEMA_UNKNOWN_EVENT, "MessageHeader.eventCoding.code"));
            return event;
        }

        private static Priority priority(Resource focus) {
            String code = null;
            if (focus instanceof ServiceRequest sr && sr.hasPriority()) {
                code = sr.getPriority().toCode();
            } else if (focus instanceof Task task && task.hasPriority()) {
                code = task.getPriority().toCode();
            } else if (focus instanceof CommunicationRequest cr && cr.hasPriority()) {
                code = cr.getPriority().toCode();
            } else if (focus instanceof Communication c && c.hasPriority()) {
                code = c.getPriority().toCode();
            }
            return code == null ? null : Priority.fromValue(code);
        }

        private String destination(MessageHeader.MessageDestinationComponent destination, int i) {
            String path = "MessageHeader.destination[" + i + "]";
            if (destination.hasReceiver()) {
                return orgId(resolve(destination.getReceiver(), path + ".receiver", Organization.class), path);
            }
            String endpoint = destination.getEndpoint();
            if (endpoint != null && uk.safeguarding.interchange.trust.OrganisationIds.isValid(endpoint)) {
                return endpoint;
            }
            throw profile(path + ".endpoint is not an organisation id and no receiver is named");
        }

        private List<Correlation> correlations() {
            List<Correlation> result = new ArrayList<>();
            List<Extension> extensions = header.getExtensionsByUrl(EXT_CORRELATION);
            for (int i = 0; i < extensions.size(); i++) {
                String path = "MessageHeader.extension(correlation)[" + i + "]";
                Extension ext = extensions.get(i);
                Correlation correlation = new Correlation();
                correlation.setRelation(
                        CorrelationRelation.fromValue(code(ext.getExtensionByUrl("relation"), path + ".relation")));
                Extension target = ext.getExtensionByUrl("target");
                if (target == null || !(target.getValue() instanceof Identifier id)) {
                    throw profile(path + ".target");
                }
                if (TRACKING_ID.equals(id.getSystem())) {
                    correlation.setTrackingId(id.getValue());
                } else if (SENDER_MESSAGE_ID.equals(id.getSystem())) {
                    correlation.setSenderMessageId(id.getValue());
                } else {
                    throw profile(path + ".target.system");
                }
                result.add(correlation);
            }
            return result;
        }

        // ------------------------------------------------------------------ content

        private <T extends Referral> T referral(T referral, ServiceRequest sr, boolean withIncidentDate) {
            referral.getConcernCategory().addAll(concerns(sr.getReasonCode(), "ServiceRequest.reasonCode"));
            referral.getLawfulBasis().addAll(lawfulBases(sr, "ServiceRequest"));
            referral.getHandlingCaveat().addAll(caveats(sr, "ServiceRequest"));
            referral.setNarrative(notes(sr.getNote(), "ServiceRequest.note", true));
            if (withIncidentDate && sr.hasOccurrenceDateTimeType()) {
                referral.setIncidentDate(date(sr.getOccurrenceDateTimeType()));
            }
            referral.setChild(child(resolve(sr.getSubject(), "ServiceRequest.subject", Patient.class)));
            supportingInfo(sr, referral.getRelatedPerson(), referral.getAttachment());
            referral.setReferrer(referrer(sr.getRequester(), "ServiceRequest.requester"));
            return referral;
        }

        private PoliceNotification policeNotification(ServiceRequest sr) {
            PoliceNotification ppn = referral(new PoliceNotification(), sr, true);
            String path = "ServiceRequest.extension(police-incident)";
            Extension ext = sr.getExtensionByUrl(EXT_POLICE_INCIDENT);
            if (ext == null) {
                throw profile(path);
            }
            PoliceIncident incident = new PoliceIncident();
            incident.setIncidentReference(string(ext.getExtensionByUrl("incidentReference"), path, true));
            incident.setCrimeNumber(string(ext.getExtensionByUrl("crimeNumber"), path, false));
            Extension force = ext.getExtensionByUrl("force");
            if (force == null || !(force.getValue() instanceof Reference forceRef)) {
                throw profile(path + ".force");
            }
            incident.setForce(CanonicalEnvelopes.organisation(
                    orgId(resolve(forceRef, path + ".force", Organization.class), path + ".force")));
            incident.setIncidentType(
                    PoliceIncidentType.fromValue(code(ext.getExtensionByUrl("incidentType"), path + ".incidentType")));
            Extension when = ext.getExtensionByUrl("incidentDateTime");
            if (when == null || !(when.getValue() instanceof BaseDateTimeType dateTime)) {
                throw profile(path + ".incidentDateTime");
            }
            incident.setIncidentDateTime(instant(dateTime, path + ".incidentDateTime"));
            ppn.setPoliceIncident(incident);
            return ppn;
        }

        private EncompassNotification encompass(ServiceRequest sr) {
            // Minimised by construction: only these fields are read, whatever else the Bundle carries.
            EncompassNotification notification = new EncompassNotification();
            if (!sr.hasOccurrenceDateTimeType()) {
                throw profile("ServiceRequest.occurrenceDateTime");
            }
            notification.setIncidentDateTime(
                    instant(sr.getOccurrenceDateTimeType(), "ServiceRequest.occurrenceDateTime"));
            Patient patient = resolve(sr.getSubject(), "ServiceRequest.subject", Patient.class);
            EncompassChild child = new EncompassChild();
            if (!patient.hasName()) {
                throw profile("Patient.name");
            }
            child.setName(name(patient.getNameFirstRep(), "Patient.name[0]"));
            child.setBirthDate(patient.hasBirthDate() ? date(patient.getBirthDateElement()) : null);
            notification.setChild(child);
            notification.setSchoolUrn(schoolUrn(patient).orElseThrow(() -> profile("Patient.extension(child-school)")));
            notification.setNote(notes(sr.getNote(), "ServiceRequest.note", false));
            return notification;
        }

        private ReferralUpdate update(ServiceRequest sr) {
            ReferralUpdate update = new ReferralUpdate();
            update.getConcernCategory().addAll(concerns(sr.getReasonCode(), "ServiceRequest.reasonCode"));
            update.getLawfulBasis().addAll(lawfulBases(sr, "ServiceRequest"));
            update.getHandlingCaveat().addAll(caveats(sr, "ServiceRequest"));
            update.setNarrative(notes(sr.getNote(), "ServiceRequest.note", true));
            if (sr.getSubject().hasReference()) {
                update.setChild(child(resolve(sr.getSubject(), "ServiceRequest.subject", Patient.class)));
            }
            supportingInfo(sr, update.getRelatedPerson(), update.getAttachment());
            if (sr.hasRequester() && isPractitionerRole(sr.getRequester(), "ServiceRequest.requester")) {
                update.setReferrer(referrer(sr.getRequester(), "ServiceRequest.requester"));
            }
            return update;
        }

        private ReferralWithdrawal withdrawal(ServiceRequest sr) {
            ReferralWithdrawal withdrawal = new ReferralWithdrawal();
            withdrawal.setReason(WithdrawalReason.fromValue(
                    code(sr.getExtensionByUrl(EXT_WITHDRAWAL_REASON), "ServiceRequest.extension(withdrawal-reason)")));
            withdrawal.setExplanation(notes(sr.getNote(), "ServiceRequest.note", false));
            return withdrawal;
        }

        private ReferralOutcome outcome(Task task) {
            ReferralOutcome outcome = new ReferralOutcome();
            String code = task.getBusinessStatus().getCoding().stream()
                    .filter(c -> OUTCOME_SYSTEM.equals(c.getSystem()))
                    .map(Coding::getCode)
                    .findFirst()
                    .orElseThrow(() -> profile("Task.businessStatus"));
            String reason = task.getStatusReason().getText();
            OutcomeDecision decision = new OutcomeDecision();
            switch (code) {
                case "accepted" -> {
                    OutcomeAccepted accepted = new OutcomeAccepted();
                    accepted.setPathway(reason);
                    decision.setAccepted(accepted);
                }
                case "declined" -> {
                    if (reason == null || reason.isBlank()) {
                        throw new GatewayException(ErrorCode.RULE_DECLINE_REASON_REQUIRED, "Task.statusReason.text");
                    }
                    OutcomeDeclined declined = new OutcomeDeclined();
                    declined.setReason(reason);
                    decision.setDeclined(declined);
                }
                case "more-information-needed" -> {
                    OutcomeMoreInformationNeeded more = new OutcomeMoreInformationNeeded();
                    List<Task.ParameterComponent> inputs = task.getInput();
                    for (int i = 0; i < inputs.size(); i++) {
                        Task.ParameterComponent input = inputs.get(i);
                        if (QUESTION.equals(input.getType().getText())) {
                            more.getQuestion().add(question(input.getId(), input.getValue(), "Task.input[" + i + "]"));
                        }
                    }
                    decision.setMoreInformationNeeded(more);
                }
                case "no-further-action" -> {
                    OutcomeNoFurtherAction nfa = new OutcomeNoFurtherAction();
                    nfa.setReason(reason);
                    decision.setNoFurtherAction(nfa);
                }
                case "transferred" -> {
                    Extension ext = task.getExtensionByUrl(EXT_TRANSFER);
                    if (ext == null
                            || !(ext.getValue() instanceof Identifier la)
                            || !LA_CODE.equals(la.getSystem())
                            || la.getValue() == null) {
                        throw new GatewayException(
                                ErrorCode.RULE_TRANSFER_TARGET_REQUIRED, "Task.extension(transfer-destination)");
                    }
                    OutcomeTransferred transferred = new OutcomeTransferred();
                    transferred.setTransferTo(la.getValue());
                    transferred.setReason(reason);
                    decision.setTransferred(transferred);
                }
                default -> throw profile("Task.businessStatus");
            }
            outcome.setDecision(decision);
            if (!task.hasLastModified()) {
                throw profile("Task.lastModified");
            }
            outcome.setDecidedAt(task.getLastModified().toInstant());
            task.getIdentifier().stream()
                    .filter(id -> CASE_REFERENCE.equals(id.getSystem()))
                    .findFirst()
                    .ifPresent(id -> outcome.setCaseReference(id.getValue()));
            outcome.setNote(notes(task.getNote(), "Task.note", false));
            if (task.hasRequester()) {
                outcome.setDecidedBy(referrer(task.getRequester(), "Task.requester"));
            }
            return outcome;
        }

        private InformationRequest informationRequest(CommunicationRequest cr) {
            InformationRequest request = new InformationRequest();
            request.getConcernCategory().addAll(concerns(cr.getReasonCode(), "CommunicationRequest.reasonCode"));
            request.getLawfulBasis().addAll(lawfulBases(cr, "CommunicationRequest"));
            request.getHandlingCaveat().addAll(caveats(cr, "CommunicationRequest"));
            request.setChild(child(resolve(cr.getSubject(), "CommunicationRequest.subject", Patient.class)));
            List<Reference> about = cr.getAbout();
            for (int i = 0; i < about.size(); i++) {
                request.getRelatedPerson()
                        .add(relatedPerson(
                                resolve(about.get(i), "CommunicationRequest.about[" + i + "]", RelatedPerson.class)));
            }
            List<CommunicationRequest.CommunicationRequestPayloadComponent> payload = cr.getPayload();
            for (int i = 0; i < payload.size(); i++) {
                request.getQuestion()
                        .add(question(
                                payload.get(i).getId(),
                                payload.get(i).getContent(),
                                "CommunicationRequest.payload[" + i + "]"));
            }
            if (cr.hasOccurrencePeriod() && cr.getOccurrencePeriod().hasEnd()) {
                request.setRespondBy(
                        instant(cr.getOccurrencePeriod().getEndElement(), "CommunicationRequest.occurrencePeriod.end"));
            }
            request.setRequester(referrer(cr.getRequester(), "CommunicationRequest.requester"));
            return request;
        }

        private InformationResponse informationResponse(Communication communication) {
            InformationResponse response = new InformationResponse();
            Identifier basedOn = communication.getBasedOnFirstRep().getIdentifier();
            String value = basedOn.getValue();
            if (!RFC3986.equals(basedOn.getSystem()) || value == null || !value.startsWith("urn:uuid:")) {
                throw profile("Communication.basedOn[0].identifier");
            }
            response.setRequestTrackingId(value.substring("urn:uuid:".length()));
            response.getLawfulBasis().addAll(lawfulBases(communication, "Communication"));
            response.getHandlingCaveat().addAll(caveats(communication, "Communication"));
            List<Communication.CommunicationPayloadComponent> payload = communication.getPayload();
            for (int i = 0; i < payload.size(); i++) {
                String path = "Communication.payload[" + i + "]";
                Type content = payload.get(i).getContent();
                if (content instanceof Reference ref) {
                    response.getAttachment()
                            .add(attachment(resolve(ref, path + ".contentReference", DocumentReference.class), path));
                } else if (!(content instanceof StringType text) || !text.hasValue()) {
                    throw profile(path + ".contentString");
                } else if (payload.get(i).hasId()) {
                    Answer answer = new Answer();
                    answer.setQuestionId(payload.get(i).getId());
                    answer.setValue(text.getValue());
                    response.getAnswer().add(answer);
                } else if (response.getNoInformationHeld() == null) {
                    response.setNoInformationHeld(text.getValue());
                } else {
                    throw profile(path + ".id");
                }
            }
            if (response.getNoInformationHeld() != null && !response.getAnswer().isEmpty()) {
                throw profile("Communication.payload: answers and no-information-held together");
            }
            response.setResponder(referrer(communication.getSender(), "Communication.sender"));
            return response;
        }

        // ------------------------------------------------------------------ parts

        private Child child(Patient patient) {
            Child child = new Child();
            patient.getIdentifier().stream()
                    .filter(id -> NHS_NUMBER.equals(id.getSystem()))
                    .findFirst()
                    .ifPresent(id -> child.setNhsNumber(id.getValue()));
            List<HumanName> names = patient.getName();
            for (int i = 0; i < names.size(); i++) {
                child.getName().add(name(names.get(i), "Patient.name[" + i + "]"));
            }
            if (patient.hasBirthDate()) {
                child.setBirthDate(date(patient.getBirthDateElement()));
            }
            child.setGender(gender(patient.getGender()));
            List<Address> addresses = patient.getAddress();
            for (int i = 0; i < addresses.size(); i++) {
                Address fhir = addresses.get(i);
                var address = address(fhir, "Patient.address[" + i + "]");
                if (fhir.getUse() != Address.AddressUse.OLD && child.getCurrentAddress() == null) {
                    child.setCurrentAddress(address);
                } else {
                    child.getPreviousAddress().add(address);
                }
            }
            schoolUrn(patient).ifPresent(child::setSchoolUrn);
            return child;
        }

        private static Optional<String> schoolUrn(Patient patient) {
            Extension school = patient.getExtensionByUrl(EXT_CHILD_SCHOOL);
            return school != null && school.getValue() instanceof Identifier urn
                    ? Optional.ofNullable(urn.getValue())
                    : Optional.empty();
        }

        private void supportingInfo(
                ServiceRequest sr,
                List<uk.safeguarding.interchange.canonical.xml.RelatedPerson> people,
                List<Attachment> attachments) {
            List<Reference> info = sr.getSupportingInfo();
            for (int i = 0; i < info.size(); i++) {
                String path = "ServiceRequest.supportingInfo[" + i + "]";
                Resource resource = resolve(info.get(i), path, Resource.class);
                if (resource instanceof RelatedPerson person) {
                    people.add(relatedPerson(person));
                } else if (resource instanceof DocumentReference document) {
                    attachments.add(attachment(document, path));
                } else {
                    throw profile(path + " is neither a RelatedPerson nor a DocumentReference");
                }
            }
        }

        private static uk.safeguarding.interchange.canonical.xml.RelatedPerson relatedPerson(RelatedPerson fhir) {
            var person = new uk.safeguarding.interchange.canonical.xml.RelatedPerson();
            CodeableConcept relationship = fhir.getRelationshipFirstRep();
            person.setRole(RelatedPersonRole.fromValue(relationship.getCoding().stream()
                    .filter(c -> ROLE_SYSTEM.equals(c.getSystem()))
                    .map(Coding::getCode)
                    .findFirst()
                    .orElseThrow(() -> profile("RelatedPerson.relationship"))));
            person.setRoleDescription(relationship.getText());
            if (!fhir.hasName()) {
                throw profile("RelatedPerson.name");
            }
            person.setName(name(fhir.getNameFirstRep(), "RelatedPerson.name[0]"));
            if (fhir.hasBirthDate()) {
                person.setBirthDate(date(fhir.getBirthDateElement()));
            }
            person.setGender(gender(fhir.getGender()));
            if (fhir.hasAddress()) {
                person.setAddress(address(fhir.getAddressFirstRep(), "RelatedPerson.address[0]"));
            }
            person.setTelephone(telecom(fhir.getTelecom(), ContactPoint.ContactPointSystem.PHONE));
            Extension lives = fhir.getExtensionByUrl(EXT_LIVES_WITH_CHILD);
            if (lives != null && lives.getValue() instanceof org.hl7.fhir.r4.model.BooleanType flag) {
                person.setLivesWithChild(flag.getValue());
            }
            return person;
        }

        private boolean isPractitionerRole(Reference reference, String path) {
            return resolve(reference, path, Resource.class) instanceof PractitionerRole;
        }

        private Referrer referrer(Reference reference, String path) {
            PractitionerRole role = resolve(reference, path, PractitionerRole.class);
            Practitioner practitioner =
                    resolve(role.getPractitioner(), "PractitionerRole.practitioner", Practitioner.class);
            Referrer referrer = new Referrer();
            if (!practitioner.hasName()) {
                throw profile("Practitioner.name");
            }
            referrer.setName(name(practitioner.getNameFirstRep(), "Practitioner.name[0]"));
            String text = role.getCodeFirstRep().getText();
            if (text == null) {
                text = role.getCodeFirstRep().getCodingFirstRep().getDisplay();
            }
            if (text == null || text.isBlank()) {
                throw profile("PractitionerRole.code.text");
            }
            referrer.setRole(text);
            referrer.setTelephone(telecom(role.getTelecom(), ContactPoint.ContactPointSystem.PHONE));
            referrer.setEmail(telecom(role.getTelecom(), ContactPoint.ContactPointSystem.EMAIL));
            return referrer;
        }

        private static Attachment attachment(DocumentReference document, String path) {
            org.hl7.fhir.r4.model.Attachment fhir =
                    document.getContentFirstRep().getAttachment();
            Attachment attachment = new Attachment();
            attachment.setFilename(fhir.getTitle());
            attachment.setMediaType(fhir.getContentType());
            Identifier hash = document.getMasterIdentifier();
            if (!SHA256.equals(hash.getSystem()) || hash.getValue() == null) {
                throw profile(path + ": DocumentReference.masterIdentifier (sha256)");
            }
            try {
                attachment.setSha256(Base64.getDecoder().decode(hash.getValue()));
            } catch (IllegalArgumentException e) {
                throw profile(path + ": DocumentReference.masterIdentifier.value is not base64");
            }
            if (!fhir.hasSize()) {
                throw profile(path + ": DocumentReference.content.attachment.size");
            }
            attachment.setSize(fhir.getSize());
            attachment.setDescription(document.getDescription());
            return attachment;
        }

        private static Question question(String id, Type value, String path) {
            if (id == null || !(value instanceof StringType text) || !text.hasValue()) {
                throw profile(path + " needs an id and a string");
            }
            Question question = new Question();
            question.setId(id);
            question.setValue(text.getValue());
            return question;
        }

        private static PersonName name(HumanName fhir, String path) {
            if (!fhir.hasFamily()) {
                throw profile(path + ".family");
            }
            PersonName name = new PersonName();
            fhir.getGiven().forEach(given -> name.getGiven().add(given.getValue()));
            name.setFamily(fhir.getFamily());
            // The canonical use defaults to official and is always stated, so that it reads back identically.
            name.setUse(NameUse.OFFICIAL);
            if (fhir.hasUse()) {
                switch (fhir.getUse()) {
                    case USUAL -> name.setUse(NameUse.USUAL);
                    case NICKNAME -> name.setUse(NameUse.NICKNAME);
                    case OLD, MAIDEN -> name.setUse(NameUse.OLD);
                    default -> {
                        // official, temp and anonymous: official (the canonical form has no temp or anonymous).
                    }
                }
            }
            return name;
        }

        private static uk.safeguarding.interchange.canonical.xml.Address address(Address fhir, String path) {
            if (!fhir.hasPostalCode()) {
                throw profile(path + ".postalCode");
            }
            var address = new uk.safeguarding.interchange.canonical.xml.Address();
            fhir.getLine().forEach(line -> address.getLine().add(line.getValue()));
            address.setTown(fhir.getCity());
            address.setPostcode(fhir.getPostalCode());
            if (fhir.getPeriod().hasStart()) {
                address.setFrom(date(fhir.getPeriod().getStartElement()));
            }
            if (fhir.getPeriod().hasEnd()) {
                address.setTo(date(fhir.getPeriod().getEndElement()));
            }
            return address;
        }

        private static Gender gender(AdministrativeGender gender) {
            return gender == null || gender == AdministrativeGender.NULL ? null : Gender.fromValue(gender.toCode());
        }

        private static String telecom(List<ContactPoint> telecom, ContactPoint.ContactPointSystem system) {
            return telecom.stream()
                    .filter(t -> t.getSystem() == system)
                    .map(ContactPoint::getValue)
                    .findFirst()
                    .orElse(null);
        }

        private static List<ConcernCategory> concerns(List<CodeableConcept> reasons, String path) {
            List<ConcernCategory> result = new ArrayList<>();
            for (int i = 0; i < reasons.size(); i++) {
                String code = reasons.get(i).getCoding().stream()
                        .filter(c -> CONCERN_SYSTEM.equals(c.getSystem()))
                        .map(Coding::getCode)
                        .findFirst()
                        .orElseThrow(profileSupplier(path + "[" + i + "]"));
                result.add(enumValue(() -> ConcernCategory.fromValue(code), path + "[" + i + "]"));
            }
            return result;
        }

        private static List<LawfulBasis> lawfulBases(DomainResource resource, String type) {
            List<LawfulBasis> result = new ArrayList<>();
            for (Extension ext : resource.getExtensionsByUrl(EXT_LAWFUL_BASIS)) {
                String path = type + ".extension(lawful-basis)";
                CodeableConcept concept = concept(ext, path);
                String code = codeIn(concept, LAWFUL_BASIS_SYSTEM, path);
                LawfulBasis basis = new LawfulBasis();
                if ("other".equals(code)) {
                    basis.setOther(textOf(concept, path));
                } else {
                    basis.setCode(enumValue(() -> LawfulBasisCode.fromValue(code), path));
                }
                result.add(basis);
            }
            return result;
        }

        private static List<HandlingCaveat> caveats(DomainResource resource, String type) {
            List<HandlingCaveat> result = new ArrayList<>();
            for (Extension ext : resource.getExtensionsByUrl(EXT_CAVEAT)) {
                String path = type + ".extension(handling-caveat)";
                CodeableConcept concept = concept(ext, path);
                String code = codeIn(concept, CAVEAT_SYSTEM, path);
                HandlingCaveat caveat = new HandlingCaveat();
                if ("other".equals(code)) {
                    caveat.setOther(textOf(concept, path));
                } else {
                    caveat.setCode(enumValue(() -> HandlingCaveatCode.fromValue(code), path));
                }
                result.add(caveat);
            }
            return result;
        }

        private static CodeableConcept concept(Extension ext, String path) {
            if (!(ext.getValue() instanceof CodeableConcept concept)) {
                throw profile(path + ".valueCodeableConcept");
            }
            return concept;
        }

        private static String codeIn(CodeableConcept concept, String system, String path) {
            return concept.getCoding().stream()
                    .filter(c -> system.equals(c.getSystem()))
                    .map(Coding::getCode)
                    .findFirst()
                    .orElseThrow(profileSupplier(path + ".coding"));
        }

        private static String textOf(CodeableConcept concept, String path) {
            if (!concept.hasText()) {
                throw profile(path + ".text");
            }
            return concept.getText();
        }

        private static String notes(List<org.hl7.fhir.r4.model.Annotation> notes, String path, boolean required) {
            // Several notes become one text, separated by a blank line (the canonical form has one narrative).
            List<String> texts = notes.stream()
                    .map(org.hl7.fhir.r4.model.Annotation::getText)
                    .filter(t -> t != null && !t.isBlank())
                    .toList();
            if (texts.isEmpty()) {
                if (required) {
                    throw profile(path);
                }
                return null;
            }
            return String.join("\n\n", texts);
        }

        private static String code(Extension ext, String path) {
            if (ext == null || ext.getValue() == null || !ext.getValue().isPrimitive()) {
                throw profile(path);
            }
            return ext.getValue().primitiveValue();
        }

        private static String string(Extension ext, String path, boolean required) {
            if (ext == null) {
                if (required) {
                    throw profile(path);
                }
                return null;
            }
            return code(ext, path);
        }

        private static LocalDate date(BaseDateTimeType value) {
            String text = value.getValueAsString();
            if (text == null || text.length() < 10) {
                throw profile("a date needs day precision");
            }
            return LocalDate.parse(text.substring(0, 10));
        }

        private static Instant instant(BaseDateTimeType value, String path) {
            if (value.getPrecision().compareTo(ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND) < 0
                    || value.getTimeZone() == null) {
                throw profile(path + " needs a time and a zone");
            }
            return value.getValue().toInstant();
        }

        private static <E> E enumValue(java.util.function.Supplier<E> parse, String path) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                throw profile(path + ": unknown code");
            }
        }

        private <T extends Resource> T as(Resource focus, Class<T> type, EventCode event) {
            if (!type.isInstance(focus)) {
                throw profile("MessageHeader.focus[0] is not a " + type.getSimpleName() + " for " + event.value());
            }
            return type.cast(focus);
        }

        private static String orgId(Organization organization, String path) {
            for (Identifier identifier : organization.getIdentifier()) {
                Optional<String> orgId = CanonicalEnvelopes.orgIdFor(identifier.getSystem(), identifier.getValue());
                if (orgId.isPresent()) {
                    return orgId.get();
                }
            }
            throw profile(path + ": Organization.identifier names no interchange organisation");
        }

        /** Resolves a literal reference inside the Bundle; RULE-001 naming {@code path} when it does not. */
        private <T extends Resource> T resolve(Reference reference, String path, Class<T> type) {
            String ref = reference == null ? null : reference.getReference();
            if (ref == null || ref.isBlank()) {
                throw new GatewayException(ErrorCode.RULE_REFERENCE_UNRESOLVED, path + " has no reference");
            }
            Resource target = byUrl.get(ref);
            if (target == null && !ref.startsWith("urn:")) {
                // An absolute RESTful URL resolves by its last Type/id.
                String[] parts = ref.split("/");
                if (parts.length >= 2) {
                    target = byUrl.get(parts[parts.length - 2] + "/" + parts[parts.length - 1]);
                }
            }
            if (target == null) {
                throw new GatewayException(
                        ErrorCode.RULE_REFERENCE_UNRESOLVED, path + " resolves to no entry in the Bundle");
            }
            if (!type.isInstance(target)) {
                throw profile(path + " is not a " + type.getSimpleName());
            }
            return type.cast(target);
        }

        private static GatewayException profile(String detail) {
            return new GatewayException(ErrorCode.SCHEMA_PROFILE, detail);
        }

        private static java.util.function.Supplier<GatewayException> profileSupplier(String detail) {
            return () -> profile(detail);
        }
    }
}
