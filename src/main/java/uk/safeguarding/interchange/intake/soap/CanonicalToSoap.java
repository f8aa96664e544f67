package uk.safeguarding.interchange.intake.soap;

import java.util.Objects;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.Envelope;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.Recipient;
import uk.safeguarding.interchange.intake.soap.ws.Correlation;
import uk.safeguarding.interchange.intake.soap.ws.DeliveredContent;
import uk.safeguarding.interchange.intake.soap.ws.DeliveredMessage;
import uk.safeguarding.interchange.intake.soap.ws.EncompassNotification;
import uk.safeguarding.interchange.intake.soap.ws.GatewayNotice;
import uk.safeguarding.interchange.intake.soap.ws.InformationRequest;
import uk.safeguarding.interchange.intake.soap.ws.InformationResponse;
import uk.safeguarding.interchange.intake.soap.ws.OrganisationRef;
import uk.safeguarding.interchange.intake.soap.ws.PoliceNotification;
import uk.safeguarding.interchange.intake.soap.ws.Referral;
import uk.safeguarding.interchange.intake.soap.ws.ReferralOutcome;
import uk.safeguarding.interchange.intake.soap.ws.ReferralUpdate;
import uk.safeguarding.interchange.intake.soap.ws.ReferralWithdrawal;

/**
 * Produces the {@code FetchMessageResponse/message} element ({@link DeliveredMessage}) that one recipient fetches
 * from its mailbox: the envelope facts a recipient may see (tracking id, sender's id, event, priority, sender, who
 * signed the original, this recipient's role, received time, correlations) and the business content copied from the
 * canonical form. Acknowledgements are answers to submissions, not mailbox items, and are refused. Thread-safe.
 */
public final class CanonicalToSoap {

    /**
     * The delivered message for {@code recipientOrgId}, which must be one of the message's routed recipients
     * (IllegalArgumentException otherwise: the caller asked for someone else's mail).
     */
    public DeliveredMessage toDelivered(InterchangeMessage message, String recipientOrgId) {
        Objects.requireNonNull(message, "message");
        Envelope envelope = message.getEnvelope();
        Recipient recipient = envelope.getRecipient().stream()
                .filter(r -> r.getOrgId().equals(recipientOrgId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a recipient of this message"));
        DeliveredMessage delivered = new DeliveredMessage();
        delivered.setTrackingId(envelope.getTrackingId());
        delivered.setSenderMessageId(envelope.getSenderMessageId());
        delivered.setEvent(envelope.getEvent());
        delivered.setPriority(envelope.getPriority());
        delivered.setSender(
                ref(envelope.getSender().getOrgId(), envelope.getSender().getName()));
        if (envelope.getSignature() != null) {
            delivered.setSignedBy(ref(envelope.getSignature().getSignerOrgId(), null));
        }
        delivered.setRecipientRole(recipient.getRole());
        delivered.setReceivedAt(envelope.getReceivedAt());
        for (uk.safeguarding.interchange.canonical.xml.Correlation c : envelope.getCorrelation()) {
            Correlation correlation = new Correlation();
            correlation.setRelation(c.getRelation());
            correlation.setTrackingId(c.getTrackingId());
            correlation.setSenderMessageId(c.getSenderMessageId());
            delivered.getCorrelation().add(correlation);
        }
        delivered.setContent(content(message.getContent()));
        return delivered;
    }

    private static DeliveredContent content(Content c) {
        DeliveredContent d = new DeliveredContent();
        if (c.getReferral() != null) {
            d.setReferral(JaxbBridge.toSoap(c.getReferral(), Referral.class));
        } else if (c.getPoliceNotification() != null) {
            d.setPoliceNotification(JaxbBridge.toSoap(c.getPoliceNotification(), PoliceNotification.class));
        } else if (c.getEncompassNotification() != null) {
            d.setEncompassNotification(JaxbBridge.toSoap(c.getEncompassNotification(), EncompassNotification.class));
        } else if (c.getReferralUpdate() != null) {
            d.setReferralUpdate(JaxbBridge.toSoap(c.getReferralUpdate(), ReferralUpdate.class));
        } else if (c.getReferralWithdrawal() != null) {
            d.setReferralWithdrawal(JaxbBridge.toSoap(c.getReferralWithdrawal(), ReferralWithdrawal.class));
        } else if (c.getReferralOutcome() != null) {
            d.setReferralOutcome(JaxbBridge.toSoap(c.getReferralOutcome(), ReferralOutcome.class));
        } else if (c.getInformationRequest() != null) {
            d.setInformationRequest(JaxbBridge.toSoap(c.getInformationRequest(), InformationRequest.class));
        } else if (c.getInformationResponse() != null) {
            d.setInformationResponse(JaxbBridge.toSoap(c.getInformationResponse(), InformationResponse.class));
        } else if (c.getDeliveryReceipt() != null) {
            d.setDeliveryReceipt(JaxbBridge.toSoap(c.getDeliveryReceipt(), GatewayNotice.class));
        } else if (c.getNonDeliveryReport() != null) {
            d.setNonDeliveryReport(JaxbBridge.toSoap(c.getNonDeliveryReport(), GatewayNotice.class));
        } else if (c.getEscalation() != null) {
            d.setEscalation(JaxbBridge.toSoap(c.getEscalation(), GatewayNotice.class));
        } else {
            throw new IllegalArgumentException("this content is not delivered to a mailbox");
        }
        return d;
    }

    private static OrganisationRef ref(String orgId, String name) {
        OrganisationRef ref = new OrganisationRef();
        ref.setOrgId(orgId);
        ref.setName(name);
        return ref;
    }
}
