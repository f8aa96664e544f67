package uk.safeguarding.interchange.intake;

import java.util.Objects;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;

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
 * @param document the bound document {@code canonicalXml} was marshalled from, or null; when present it is handed to
 *     routing once the acceptance commits (so routing need not parse the stored bytes again), so the binding must not
 *     change it after building the submission
 */
public record Submission(
        String trackingId,
        String senderId,
        String senderMessageId,
        String contentSha256,
        EventCode event,
        String submittedBy,
        String binding,
        byte[] canonicalXml,
        InterchangeMessage document) {
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

    /** A submission without its bound document: routing reads the stored bytes. */
    public Submission(
            String trackingId,
            String senderId,
            String senderMessageId,
            String contentSha256,
            EventCode event,
            String submittedBy,
            String binding,
            byte[] canonicalXml) {
        this(trackingId, senderId, senderMessageId, contentSha256, event, submittedBy, binding, canonicalXml, null);
    }
}
