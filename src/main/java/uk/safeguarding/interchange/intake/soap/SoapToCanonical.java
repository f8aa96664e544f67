package uk.safeguarding.interchange.intake.soap;

import java.util.Objects;
import uk.safeguarding.interchange.canonical.CanonicalEnvelopes;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.Correlation;
import uk.safeguarding.interchange.canonical.xml.EncompassNotification;
import uk.safeguarding.interchange.canonical.xml.Envelope;
import uk.safeguarding.interchange.canonical.xml.EventCode;
import uk.safeguarding.interchange.canonical.xml.InformationRequest;
import uk.safeguarding.interchange.canonical.xml.InformationResponse;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.PoliceNotification;
import uk.safeguarding.interchange.canonical.xml.Referral;
import uk.safeguarding.interchange.canonical.xml.ReferralOutcome;
import uk.safeguarding.interchange.canonical.xml.ReferralUpdate;
import uk.safeguarding.interchange.canonical.xml.ReferralWithdrawal;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.soap.ws.OrganisationRef;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessage;
import uk.safeguarding.interchange.intake.soap.ws.SubmittedContent;

/**
 * Translates a verified, schema-valid SOAP {@code SubmitMessage} body into the canonical message. The business
 * content is copied field for field (the schemas share it); the envelope follows {@link CanonicalEnvelopes}
 * exactly as the FHIR translation does, so one message over either binding yields one canonical document.
 * Organisation names supplied by the sender are dropped (the directory is the authority). The caller validates the
 * result ({@code CanonicalXml}); an event that does not match the content element is SCHEMA-005. Thread-safe.
 */
public final class SoapToCanonical {

    /** Translates; never returns null. */
    public InterchangeMessage translate(SubmitMessage body, EnvelopeFacts facts) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(facts, "facts");
        if (body.getEvent() == null || body.getSender() == null || body.getContent() == null) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "SubmitMessage lacks event, sender or content");
        }
        EventCode event = body.getEvent().value();
        Envelope envelope = CanonicalEnvelopes.envelope(
                facts, event, body.getPriority(), body.getSender().getOrgId());
        for (OrganisationRef destination : body.getDestination()) {
            envelope.getRequestedDestination().add(CanonicalEnvelopes.organisation(destination.getOrgId()));
        }
        for (uk.safeguarding.interchange.intake.soap.ws.Correlation soap : body.getCorrelation()) {
            Correlation correlation = new Correlation();
            correlation.setRelation(soap.getRelation());
            correlation.setTrackingId(soap.getTrackingId());
            correlation.setSenderMessageId(soap.getSenderMessageId());
            envelope.getCorrelation().add(correlation);
        }
        InterchangeMessage message = new InterchangeMessage();
        message.setEnvelope(envelope);
        message.setContent(content(event, body.getContent()));
        return message;
    }

    private static Content content(EventCode event, SubmittedContent soap) {
        Content content = new Content();
        EventCode actual;
        if (soap.getReferral() != null) {
            content.setReferral(JaxbBridge.toCanonical(soap.getReferral(), Referral.class));
            actual = EventCode.SAFEGUARDING_REFERRAL;
        } else if (soap.getPoliceNotification() != null) {
            PoliceNotification ppn = JaxbBridge.toCanonical(soap.getPoliceNotification(), PoliceNotification.class);
            if (ppn.getPoliceIncident() != null && ppn.getPoliceIncident().getForce() != null) {
                ppn.getPoliceIncident().getForce().setName(null);
            }
            content.setPoliceNotification(ppn);
            actual = EventCode.POLICE_NOTIFICATION;
        } else if (soap.getEncompassNotification() != null) {
            content.setEncompassNotification(
                    JaxbBridge.toCanonical(soap.getEncompassNotification(), EncompassNotification.class));
            actual = EventCode.ENCOMPASS_NOTIFICATION;
        } else if (soap.getReferralUpdate() != null) {
            content.setReferralUpdate(JaxbBridge.toCanonical(soap.getReferralUpdate(), ReferralUpdate.class));
            actual = EventCode.REFERRAL_UPDATE;
        } else if (soap.getReferralWithdrawal() != null) {
            content.setReferralWithdrawal(
                    JaxbBridge.toCanonical(soap.getReferralWithdrawal(), ReferralWithdrawal.class));
            actual = EventCode.REFERRAL_WITHDRAWAL;
        } else if (soap.getReferralOutcome() != null) {
            content.setReferralOutcome(JaxbBridge.toCanonical(soap.getReferralOutcome(), ReferralOutcome.class));
            actual = EventCode.REFERRAL_OUTCOME;
        } else if (soap.getInformationRequest() != null) {
            content.setInformationRequest(
                    JaxbBridge.toCanonical(soap.getInformationRequest(), InformationRequest.class));
            actual = EventCode.INFORMATION_REQUEST;
        } else if (soap.getInformationResponse() != null) {
            content.setInformationResponse(
                    JaxbBridge.toCanonical(soap.getInformationResponse(), InformationResponse.class));
            actual = EventCode.INFORMATION_RESPONSE;
        } else {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "SubmitMessage/content has no content element");
        }
        if (actual != event) {
            throw new GatewayException(
                    ErrorCode.SCHEMA_XSD, "SubmitMessage/content does not match SubmitMessage/event " + event.value());
        }
        return content;
    }
}
