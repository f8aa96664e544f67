package uk.safeguarding.interchange.canonical;

import static uk.safeguarding.interchange.canonical.FhirUrls.*;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.UUID;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import uk.safeguarding.interchange.canonical.xml.Address;
import uk.safeguarding.interchange.canonical.xml.Answer;
import uk.safeguarding.interchange.canonical.xml.Attachment;
import uk.safeguarding.interchange.canonical.xml.Child;
import uk.safeguarding.interchange.canonical.xml.ConcernCategory;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.Correlation;
import uk.safeguarding.interchange.canonical.xml.CorrelationRelation;
import uk.safeguarding.interchange.canonical.xml.EncompassNotification;
import uk.safeguarding.interchange.canonical.xml.Envelope;
import uk.safeguarding.interchange.canonical.xml.HandlingCaveat;
import uk.safeguarding.interchange.canonical.xml.InformationRequest;
import uk.safeguarding.interchange.canonical.xml.InformationResponse;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.LawfulBasis;
import uk.safeguarding.interchange.canonical.xml.OrganisationRef;
import uk.safeguarding.interchange.canonical.xml.OutcomeDecision;
import uk.safeguarding.interchange.canonical.xml.PersonName;
import uk.safeguarding.interchange.canonical.xml.PoliceIncident;
import uk.safeguarding.interchange.canonical.xml.PoliceNotification;
import uk.safeguarding.interchange.canonical.xml.Question;
import uk.safeguarding.interchange.canonical.xml.Referral;
import uk.safeguarding.interchange.canonical.xml.ReferralOutcome;
import uk.safeguarding.interchange.canonical.xml.ReferralUpdate;
import uk.safeguarding.interchange.canonical.xml.ReferralWithdrawal;
import uk.safeguarding.interchange.canonical.xml.Referrer;
import uk.safeguarding.interchange.canonical.xml.WithdrawalReason;

/**
 * Produces the FHIR message Bundle for a canonical party message, for delivery to a FHIR recipient and for mailbox
 * fetches (the inverse of {@code FhirToCanonical}; mapping in docs/canonical-schema.md). The Bundle conforms to the
 * interchange profiles except {@code Bundle.signature}, which the caller adds (the gateway signs what it delivers).
 * {@code Bundle.id} and {@code Bundle.identifier} (system {@code urn:interchange:tracking-id}) carry the gateway
 * tracking id; {@code MessageHeader.sender} is the original sender and {@code source.endpoint} the system that
 * submitted it. Entry {@code fullUrl}s are {@code urn:uuid:}s derived from the tracking id, so the output is
 * deterministic. Gateway-originated notices are refused (IllegalArgumentException). Stateless and thread-safe.
 */
public final class CanonicalToFhir {
    private static final String CHILD_UNKNOWN = "The child of the correlated message";

    /** The message Bundle, without signature; never null. */
    public Bundle toBundle(InterchangeMessage message) {
        Objects.requireNonNull(message, "message");
        return new Builder(message).build();
    }

    private static final class Builder {
        private final InterchangeMessage message;
        private final Envelope envelope;
        private final Bundle bundle = new Bundle();
        private final Map<String, Reference> organisations = new LinkedHashMap<>();
        private final List<Resource> resources = new ArrayList<>();
        private int next;

        Builder(InterchangeMessage message) {
            this.message = message;
            this.envelope = message.getEnvelope();
        }

        Bundle build() {
            bundle.setId(envelope.getTrackingId());
            bundle.getMeta().addProfile(BUNDLE_PROFILE);
            bundle.setIdentifier(new Identifier().setSystem(TRACKING_ID).setValue(envelope.getTrackingId()));
            bundle.setType(Bundle.BundleType.MESSAGE);
            bundle.setTimestamp(Date.from(envelope.getReceivedAt()));

            MessageHeader header = new MessageHeader();
            add(header);
            String event = envelope.getEvent().value();
            header.setEvent(new Coding(EVENT_SYSTEM, event, null));
            header.setSender(organisation(
                    envelope.getSender().getOrgId(), envelope.getSender().getName()));
            OrganisationRef submitter = envelope.getSubmittedBy();
            header.getSource()
                    .setEndpoint(
                            submitter != null
                                    ? submitter.getOrgId()
                                    : envelope.getSender().getOrgId());
            for (OrganisationRef destination : destinations()) {
                header.addDestination()
                        .setEndpoint(destination.getOrgId())
                        .setReceiver(organisation(destination.getOrgId(), destination.getName()));
            }
            for (Correlation correlation : envelope.getCorrelation()) {
                Extension ext = header.addExtension().setUrl(EXT_CORRELATION);
                ext.addExtension(
                        "relation", new CodeType(correlation.getRelation().value()));
                ext.addExtension(
                        "target",
                        correlation.getTrackingId() != null
                                ? new Identifier().setSystem(TRACKING_ID).setValue(correlation.getTrackingId())
                                : new Identifier()
                                        .setSystem(SENDER_MESSAGE_ID)
                                        .setValue(correlation.getSenderMessageId()));
            }
            header.addFocus(reference(focus(message.getContent())));

            for (Resource resource : resources) {
                bundle.addEntry().setFullUrl(resource.getId()).setResource(resource);
            }
            return bundle;
        }

        private List<OrganisationRef> destinations() {
            Map<String, OrganisationRef> byId = new LinkedHashMap<>();
            envelope.getRequestedDestination().forEach(d -> byId.putIfAbsent(d.getOrgId(), d));
            envelope.getRecipient().forEach(r -> byId.putIfAbsent(r.getOrgId(), r));
            return List.copyOf(byId.values());
        }

        private Resource focus(Content content) {
            if (content.getReferral() != null) {
                return referral(content.getReferral(), "safeguarding-referral");
            }
            if (content.getPoliceNotification() != null) {
                PoliceNotification ppn = content.getPoliceNotification();
                ServiceRequest sr = referral(ppn, "police-notification");
                PoliceIncident incident = ppn.getPoliceIncident();
                Extension ext = new Extension(EXT_POLICE_INCIDENT);
                ext.addExtension("incidentReference", new StringType(incident.getIncidentReference()));
                if (incident.getCrimeNumber() != null) {
                    ext.addExtension("crimeNumber", new StringType(incident.getCrimeNumber()));
                }
                ext.addExtension(
                        "force",
                        organisation(
                                incident.getForce().getOrgId(),
                                incident.getForce().getName()));
                ext.addExtension(
                        "incidentType", new CodeType(incident.getIncidentType().value()));
                ext.addExtension("incidentDateTime", dateTime(incident.getIncidentDateTime()));
                sr.getExtension().add(ext);
                return sr;
            }
            if (content.getEncompassNotification() != null) {
                return encompass(content.getEncompassNotification());
            }
            if (content.getReferralUpdate() != null) {
                return update(content.getReferralUpdate());
            }
            if (content.getReferralWithdrawal() != null) {
                return withdrawal(content.getReferralWithdrawal());
            }
            if (content.getReferralOutcome() != null) {
                return outcome(content.getReferralOutcome());
            }
            if (content.getInformationRequest() != null) {
                return informationRequest(content.getInformationRequest());
            }
            if (content.getInformationResponse() != null) {
                return informationResponse(content.getInformationResponse());
            }
            throw new IllegalArgumentException("gateway-originated notices are not delivered as FHIR messages");
        }

        // ------------------------------------------------------------------ ServiceRequest events

        private ServiceRequest serviceRequest(String category) {
            ServiceRequest sr = new ServiceRequest();
            add(sr);
            sr.addIdentifier().setSystem(RFC3986).setValue("urn:uuid:" + envelope.getTrackingId());
            sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
            sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
            sr.addCategory(new CodeableConcept(new Coding(EVENT_SYSTEM, category, null)));
            if (envelope.getPriority() != null) {
                sr.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(
                        envelope.getPriority().value()));
            }
            sr.setAuthoredOnElement(dateTime(authoredOn()));
            return sr;
        }

        private ServiceRequest referral(Referral referral, String category) {
            ServiceRequest sr = serviceRequest(category);
            lawfulBasesAndCaveats(sr, referral.getLawfulBasis(), referral.getHandlingCaveat());
            Reference child = reference(child(referral.getChild()));
            sr.setSubject(child);
            if (referral.getIncidentDate() != null) {
                sr.setOccurrence(new DateTimeType(referral.getIncidentDate().toString()));
            }
            sr.setRequester(reference(practitionerRole(referral.getReferrer())));
            concerns(referral.getConcernCategory()).forEach(sr::addReasonCode);
            referral.getRelatedPerson().forEach(p -> sr.addSupportingInfo(reference(relatedPerson(p, child))));
            referral.getAttachment().forEach(a -> sr.addSupportingInfo(reference(document(a))));
            sr.addNote(new Annotation().setText(referral.getNarrative()));
            return sr;
        }

        private ServiceRequest encompass(EncompassNotification notification) {
            ServiceRequest sr = serviceRequest("encompass-notification");
            Patient patient = new Patient();
            add(patient);
            patient.addName(name(notification.getChild().getName()));
            if (notification.getChild().getBirthDate() != null) {
                patient.setBirthDateElement(date(notification.getChild().getBirthDate()));
            }
            patient.addExtension(
                    EXT_CHILD_SCHOOL, new Identifier().setSystem(SCHOOL_URN).setValue(notification.getSchoolUrn()));
            sr.setSubject(reference(patient));
            sr.setOccurrence(dateTime(notification.getIncidentDateTime()));
            // Required by the profile (isg-bdl-5): an Encompass notification is about domestic abuse.
            sr.addReasonCode(new CodeableConcept(new Coding(CONCERN_SYSTEM, "domestic-abuse", null)));
            sr.setRequester(organisation(
                    envelope.getSender().getOrgId(), envelope.getSender().getName()));
            if (notification.getNote() != null) {
                sr.addNote(new Annotation().setText(notification.getNote()));
            }
            return sr;
        }

        private ServiceRequest update(ReferralUpdate update) {
            ServiceRequest sr = serviceRequest("safeguarding-referral");
            lawfulBasesAndCaveats(sr, update.getLawfulBasis(), update.getHandlingCaveat());
            Reference child = update.getChild() != null
                    ? reference(child(update.getChild()))
                    : new Reference().setDisplay(CHILD_UNKNOWN);
            sr.setSubject(child);
            if (update.getReferrer() != null) {
                sr.setRequester(reference(practitionerRole(update.getReferrer())));
            }
            concerns(update.getConcernCategory()).forEach(sr::addReasonCode);
            update.getRelatedPerson().forEach(p -> sr.addSupportingInfo(reference(relatedPerson(p, child))));
            update.getAttachment().forEach(a -> sr.addSupportingInfo(reference(document(a))));
            sr.addNote(new Annotation().setText(update.getNarrative()));
            return sr;
        }

        private ServiceRequest withdrawal(ReferralWithdrawal withdrawal) {
            ServiceRequest sr = serviceRequest("safeguarding-referral");
            WithdrawalReason reason = withdrawal.getReason();
            sr.setStatus(
                    reason == WithdrawalReason.SUPERSEDED || reason == WithdrawalReason.OTHER
                            ? ServiceRequest.ServiceRequestStatus.REVOKED
                            : ServiceRequest.ServiceRequestStatus.ENTEREDINERROR);
            sr.addExtension(EXT_WITHDRAWAL_REASON, new CodeType(reason.value()));
            sr.setSubject(new Reference().setDisplay(CHILD_UNKNOWN));
            if (withdrawal.getExplanation() != null) {
                sr.addNote(new Annotation().setText(withdrawal.getExplanation()));
            }
            return sr;
        }

        // ------------------------------------------------------------------ other events

        private Task outcome(ReferralOutcome outcome) {
            Task task = new Task();
            add(task);
            if (outcome.getCaseReference() != null) {
                task.addIdentifier().setSystem(CASE_REFERENCE).setValue(outcome.getCaseReference());
            }
            task.addBasedOn(new Reference()
                    .setType("ServiceRequest")
                    .setIdentifier(new Identifier()
                            .setSystem(RFC3986)
                            .setValue(correlatedUuid(CorrelationRelation.OUTCOME_OF))));
            task.setIntent(Task.TaskIntent.ORDER);
            if (envelope.getPriority() != null) {
                task.setPriority(
                        Task.TaskPriority.fromCode(envelope.getPriority().value()));
            }
            OutcomeDecision decision = outcome.getDecision();
            String code;
            String reason = null;
            if (decision.getAccepted() != null) {
                code = "accepted";
                task.setStatus(Task.TaskStatus.ACCEPTED);
                reason = decision.getAccepted().getPathway();
            } else if (decision.getDeclined() != null) {
                code = "declined";
                task.setStatus(Task.TaskStatus.REJECTED);
                reason = decision.getDeclined().getReason();
            } else if (decision.getMoreInformationNeeded() != null) {
                code = "more-information-needed";
                task.setStatus(Task.TaskStatus.ONHOLD);
                for (Question question : decision.getMoreInformationNeeded().getQuestion()) {
                    Task.ParameterComponent input = task.addInput();
                    input.setId(question.getId());
                    input.setType(new CodeableConcept().setText(QUESTION));
                    input.setValue(new StringType(question.getValue()));
                }
            } else if (decision.getNoFurtherAction() != null) {
                code = "no-further-action";
                task.setStatus(Task.TaskStatus.COMPLETED);
                reason = decision.getNoFurtherAction().getReason();
            } else {
                code = "transferred";
                task.setStatus(Task.TaskStatus.CANCELLED);
                reason = decision.getTransferred().getReason();
                task.addExtension(
                        EXT_TRANSFER,
                        new Identifier()
                                .setSystem(LA_CODE)
                                .setValue(decision.getTransferred().getTransferTo()));
            }
            task.setBusinessStatus(new CodeableConcept(new Coding(OUTCOME_SYSTEM, code, null)));
            if (reason != null) {
                task.setStatusReason(new CodeableConcept().setText(reason));
            }
            task.setLastModifiedElement(dateTime(outcome.getDecidedAt()));
            task.setOwner(organisation(
                    envelope.getSender().getOrgId(), envelope.getSender().getName()));
            if (outcome.getDecidedBy() != null) {
                task.setRequester(reference(practitionerRole(outcome.getDecidedBy())));
            }
            if (outcome.getNote() != null) {
                task.addNote(new Annotation().setText(outcome.getNote()));
            }
            return task;
        }

        private CommunicationRequest informationRequest(InformationRequest request) {
            CommunicationRequest cr = new CommunicationRequest();
            add(cr);
            lawfulBasesAndCaveats(cr, request.getLawfulBasis(), request.getHandlingCaveat());
            cr.addIdentifier().setSystem(RFC3986).setValue("urn:uuid:" + envelope.getTrackingId());
            cr.setStatus(CommunicationRequest.CommunicationRequestStatus.ACTIVE);
            concerns(request.getConcernCategory()).forEach(cr::addReasonCode);
            if (envelope.getPriority() != null) {
                cr.setPriority(CommunicationRequest.CommunicationPriority.fromCode(
                        envelope.getPriority().value()));
            }
            Reference child = reference(child(request.getChild()));
            cr.setSubject(child);
            request.getRelatedPerson().forEach(p -> cr.addAbout(reference(relatedPerson(p, child))));
            for (Question question : request.getQuestion()) {
                CommunicationRequest.CommunicationRequestPayloadComponent payload = cr.addPayload();
                payload.setId(question.getId());
                payload.setContent(new StringType(question.getValue()));
            }
            if (request.getRespondBy() != null) {
                cr.setOccurrence(new Period().setEndElement(dateTime(request.getRespondBy())));
            }
            cr.setAuthoredOnElement(dateTime(authoredOn()));
            cr.setRequester(reference(practitionerRole(request.getRequester())));
            for (OrganisationRef destination : destinations()) {
                cr.addRecipient(organisation(destination.getOrgId(), destination.getName()));
            }
            return cr;
        }

        private Communication informationResponse(InformationResponse response) {
            Communication communication = new Communication();
            add(communication);
            lawfulBasesAndCaveats(communication, response.getLawfulBasis(), response.getHandlingCaveat());
            communication.addIdentifier().setSystem(RFC3986).setValue("urn:uuid:" + envelope.getTrackingId());
            communication.addBasedOn(new Reference()
                    .setType("CommunicationRequest")
                    .setIdentifier(new Identifier()
                            .setSystem(RFC3986)
                            .setValue("urn:uuid:" + response.getRequestTrackingId())));
            communication.setStatus(Communication.CommunicationStatus.COMPLETED);
            if (envelope.getPriority() != null) {
                communication.setPriority(Communication.CommunicationPriority.fromCode(
                        envelope.getPriority().value()));
            }
            communication.setSentElement(dateTime(authoredOn()));
            communication.setSender(reference(practitionerRole(response.getResponder())));
            for (OrganisationRef destination : destinations()) {
                communication.addRecipient(organisation(destination.getOrgId(), destination.getName()));
            }
            for (Answer answer : response.getAnswer()) {
                Communication.CommunicationPayloadComponent payload = communication.addPayload();
                payload.setId(answer.getQuestionId());
                payload.setContent(new StringType(answer.getValue()));
            }
            if (response.getNoInformationHeld() != null) {
                communication.addPayload().setContent(new StringType(response.getNoInformationHeld()));
            }
            for (Attachment attachment : response.getAttachment()) {
                communication.addPayload().setContent(reference(document(attachment)));
            }
            return communication;
        }

        // ------------------------------------------------------------------ parts

        private Patient child(Child child) {
            Patient patient = new Patient();
            add(patient);
            if (child.getSchoolUrn() != null) {
                patient.addExtension(
                        EXT_CHILD_SCHOOL, new Identifier().setSystem(SCHOOL_URN).setValue(child.getSchoolUrn()));
            }
            if (child.getNhsNumber() != null) {
                patient.addIdentifier().setSystem(NHS_NUMBER).setValue(child.getNhsNumber());
            }
            child.getName().forEach(n -> patient.addName(name(n)));
            if (child.getGender() != null) {
                patient.setGender(Enumerations.AdministrativeGender.fromCode(
                        child.getGender().value()));
            }
            if (child.getBirthDate() != null) {
                patient.setBirthDateElement(date(child.getBirthDate()));
            }
            if (child.getCurrentAddress() != null) {
                patient.addAddress(address(child.getCurrentAddress(), org.hl7.fhir.r4.model.Address.AddressUse.HOME));
            }
            child.getPreviousAddress()
                    .forEach(a -> patient.addAddress(address(a, org.hl7.fhir.r4.model.Address.AddressUse.OLD)));
            return patient;
        }

        private RelatedPerson relatedPerson(
                uk.safeguarding.interchange.canonical.xml.RelatedPerson person, Reference child) {
            RelatedPerson fhir = new RelatedPerson();
            add(fhir);
            if (person.isLivesWithChild() != null) {
                fhir.addExtension(EXT_LIVES_WITH_CHILD, new BooleanType(person.isLivesWithChild()));
            }
            fhir.setPatient(child);
            CodeableConcept relationship =
                    new CodeableConcept(new Coding(ROLE_SYSTEM, person.getRole().value(), null));
            relationship.setText(person.getRoleDescription());
            fhir.addRelationship(relationship);
            fhir.addName(name(person.getName()));
            if (person.getTelephone() != null) {
                fhir.addTelecom()
                        .setSystem(ContactPoint.ContactPointSystem.PHONE)
                        .setValue(person.getTelephone());
            }
            if (person.getGender() != null) {
                fhir.setGender(Enumerations.AdministrativeGender.fromCode(
                        person.getGender().value()));
            }
            if (person.getBirthDate() != null) {
                fhir.setBirthDateElement(date(person.getBirthDate()));
            }
            if (person.getAddress() != null) {
                fhir.addAddress(address(person.getAddress(), null));
            }
            return fhir;
        }

        private PractitionerRole practitionerRole(Referrer referrer) {
            Practitioner practitioner = new Practitioner();
            add(practitioner);
            practitioner.addName(name(referrer.getName()));
            PractitionerRole role = new PractitionerRole();
            add(role);
            role.setPractitioner(reference(practitioner));
            role.setOrganization(organisation(
                    envelope.getSender().getOrgId(), envelope.getSender().getName()));
            role.addCode(new CodeableConcept().setText(referrer.getRole()));
            if (referrer.getTelephone() != null) {
                role.addTelecom()
                        .setSystem(ContactPoint.ContactPointSystem.PHONE)
                        .setValue(referrer.getTelephone());
            }
            if (referrer.getEmail() != null) {
                role.addTelecom()
                        .setSystem(ContactPoint.ContactPointSystem.EMAIL)
                        .setValue(referrer.getEmail());
            }
            return role;
        }

        private DocumentReference document(Attachment attachment) {
            DocumentReference document = new DocumentReference();
            add(document);
            document.setMasterIdentifier(new Identifier()
                    .setSystem(SHA256)
                    .setValue(Base64.getEncoder().encodeToString(attachment.getSha256())));
            document.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
            document.setDescription(attachment.getDescription());
            org.hl7.fhir.r4.model.Attachment content = document.addContent().getAttachment();
            content.setContentType(attachment.getMediaType());
            content.setTitle(attachment.getFilename());
            content.setSize(Math.toIntExact(attachment.getSize()));
            return document;
        }

        private void lawfulBasesAndCaveats(
                DomainResource resource, List<LawfulBasis> bases, List<HandlingCaveat> caveats) {
            for (LawfulBasis basis : bases) {
                resource.addExtension(
                        EXT_LAWFUL_BASIS,
                        basis.getCode() != null
                                ? new CodeableConcept(new Coding(
                                        LAWFUL_BASIS_SYSTEM, basis.getCode().value(), null))
                                : new CodeableConcept(new Coding(LAWFUL_BASIS_SYSTEM, "other", null))
                                        .setText(basis.getOther()));
            }
            for (HandlingCaveat caveat : caveats) {
                resource.addExtension(
                        EXT_CAVEAT,
                        caveat.getCode() != null
                                ? new CodeableConcept(new Coding(
                                        CAVEAT_SYSTEM, caveat.getCode().value(), null))
                                : new CodeableConcept(new Coding(CAVEAT_SYSTEM, "other", null))
                                        .setText(caveat.getOther()));
            }
        }

        private static List<CodeableConcept> concerns(List<ConcernCategory> concerns) {
            return concerns.stream()
                    .map(c -> new CodeableConcept(new Coding(CONCERN_SYSTEM, c.value(), null)))
                    .toList();
        }

        private static HumanName name(PersonName name) {
            HumanName fhir = new HumanName();
            fhir.setUse(HumanName.NameUse.fromCode(name.getUse().value()));
            name.getGiven().forEach(fhir::addGiven);
            fhir.setFamily(name.getFamily());
            return fhir;
        }

        private static org.hl7.fhir.r4.model.Address address(
                Address address, org.hl7.fhir.r4.model.Address.AddressUse use) {
            org.hl7.fhir.r4.model.Address fhir = new org.hl7.fhir.r4.model.Address();
            fhir.setUse(use);
            address.getLine().forEach(fhir::addLine);
            fhir.setCity(address.getTown());
            fhir.setPostalCode(address.getPostcode());
            if (address.getFrom() != null || address.getTo() != null) {
                Period period = new Period();
                if (address.getFrom() != null) {
                    period.setStartElement(new DateTimeType(address.getFrom().toString()));
                }
                if (address.getTo() != null) {
                    period.setEndElement(new DateTimeType(address.getTo().toString()));
                }
                fhir.setPeriod(period);
            }
            return fhir;
        }

        /** The Organization entry for an org id, added once; its reference. */
        private Reference organisation(String orgId, String name) {
            Reference existing = organisations.get(orgId);
            if (existing != null) {
                return new Reference(existing.getReference());
            }
            Organization organization = new Organization();
            add(organization);
            var kind = CanonicalEnvelopes.kindOf(orgId);
            organization
                    .addIdentifier()
                    .setSystem(kind.identifierSystem())
                    .setValue(uk.safeguarding.interchange.trust.OrganisationIds.value(orgId)
                            .orElseThrow());
            organization.setActive(true);
            // The profile requires a name; the org id stands in when the canonical form has none.
            organization.setName(name != null ? name : orgId);
            Reference reference = reference(organization);
            organisations.put(orgId, reference);
            return new Reference(reference.getReference());
        }

        private String correlatedUuid(CorrelationRelation relation) {
            for (Correlation correlation : envelope.getCorrelation()) {
                if (correlation.getRelation() == relation) {
                    if (correlation.getTrackingId() != null) {
                        return "urn:uuid:" + correlation.getTrackingId();
                    }
                    String id = correlation.getSenderMessageId();
                    return id.startsWith("urn:uuid:")
                            ? id
                            : "urn:uuid:" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
                }
            }
            throw new IllegalArgumentException("the message has no " + relation.value() + " correlation");
        }

        private Instant authoredOn() {
            return envelope.getSignature() != null
                    ? envelope.getSignature().getSigningTime()
                    : envelope.getReceivedAt();
        }

        private void add(Resource resource) {
            UUID id =
                    UUID.nameUUIDFromBytes((envelope.getTrackingId() + "/" + next++).getBytes(StandardCharsets.UTF_8));
            resource.setId("urn:uuid:" + id);
            resources.add(resource);
        }

        private static Reference reference(Resource resource) {
            return new Reference(resource.getId());
        }

        private static DateType date(LocalDate date) {
            return new DateType(date.toString());
        }

        private static DateTimeType dateTime(Instant instant) {
            DateTimeType value = new DateTimeType(
                    Date.from(instant),
                    instant.getNano() % 1_000_000_000 == 0 ? TemporalPrecisionEnum.SECOND : TemporalPrecisionEnum.MILLI,
                    TimeZone.getTimeZone("UTC"));
            return value;
        }
    }
}
