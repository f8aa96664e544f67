package uk.safeguarding.interchange.ledger;

import java.util.Objects;

/**
 * An entry about to be appended: everything but the sequence number and time, which the appender assigns. No
 * personal data, ever: org ids, message ids, event codes, hashes and error codes only.
 *
 * @param event what happened (ACCEPTED, REJECTED, ROUTED, DELIVERED, ...)
 * @param trackingId the gateway tracking id, or null (a rejection before acceptance has none)
 * @param senderMessageId the sender's message id, or null
 * @param actor who acted (org id, or {@code "gateway"}, or {@code "unauthenticated"})
 * @param counterparty the other party (recipient, sender), or null
 * @param messageType the message's event code, or null
 * @param payloadSha256 hex SHA-256 of the payload concerned, or null
 * @param errorCode the error code for a rejection or failure, or null
 */
public record NewLedgerEntry(
        String event,
        String trackingId,
        String senderMessageId,
        String actor,
        String counterparty,
        String messageType,
        String payloadSha256,
        String errorCode) {
    public NewLedgerEntry {
        Objects.requireNonNull(event);
        Objects.requireNonNull(actor);
    }
}
