package uk.safeguarding.interchange.intake;

import java.util.Objects;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * A verified, validated and translated message that a binding hands to {@link Acceptance}. Carries no raw
 * payload: only the canonical document and what acceptance and the ledger need.
 *
 * @param trackingId the tracking id the binding assigned (used only if this is not a duplicate)
 * @param senderId the sending organisation's id ({@code urn:interchange:...}), from the verified message
 * @param senderMessageId the sender's idempotency key (Bundle.id / WS-Addressing MessageID)
 * @param contentSha256 hex SHA-256 of the signed content: equal for an exact resend, different otherwise
 * @param event the message's event
 * @param submittedBy the authenticated system that submitted it (TLS client org id)
 * @param binding {@code fhir} or {@code soap}
 * @param canonicalXml the canonical document, already validated against the canonical XSD
 */
public record Submission(
        String trackingId,
        String senderId,
        String senderMessageId,
        String contentSha256,
        EventCode event,
        String submittedBy,
        String binding,
        byte[] canonicalXml) {
    public Submission {
        Objects.requireNonNull(trackingId);
        Objects.requireNonNull(senderId);
        Objects.requireNonNull(senderMessageId);
        Objects.requireNonNull(contentSha256);
        Objects.requireNonNull(event);
        Objects.requireNonNull(submittedBy);
        Objects.requireNonNull(binding);
        Objects.requireNonNull(canonicalXml);
    }
}
