package uk.safeguarding.interchange.ledger;

import java.util.Objects;

/**
 * An entry about to be appended: everything but the sequence number and time, which the appender assigns. No
 * personal data, ever: org ids, message ids, event codes, hashes and error codes only. The appender validates the
 * fields ({@link LedgerEntry}'s rules) and refuses an unknown {@code event} name.
 *
 * @param event what happened: a {@link LedgerEvent} constant name (ACCEPTED, REJECTED, ROUTED, DELIVERED, ...)
 * @param trackingId the gateway tracking id, or null (a rejection before acceptance has none)
 * @param senderMessageId the sender's message id, or null
 * @param actor who acted: an org id, or {@code "gateway"} ({@link LedgerAppender#GATEWAY}), or {@code
 *     "unauthenticated"} ({@link LedgerAppender#UNAUTHENTICATED})
 * @param counterparty the other party (recipient, sender) as an org id, or null
 * @param messageType the message's event code, or null
 * @param payloadSha256 hex SHA-256 of the payload concerned, or null
 * @param errorCode the error code for a rejection or failure, or null
 * @param reason a token saying more (an outcome code, the audit operation, why a key was erased), or null
 */
public record NewLedgerEntry(
        String event,
        String trackingId,
        String senderMessageId,
        String actor,
        String counterparty,
        String messageType,
        String payloadSha256,
        String errorCode,
        String reason) {
    public NewLedgerEntry {
        Objects.requireNonNull(event);
        Objects.requireNonNull(actor);
    }

    /** An entry without a reason (the original eight fields). */
    public NewLedgerEntry(
            String event,
            String trackingId,
            String senderMessageId,
            String actor,
            String counterparty,
            String messageType,
            String payloadSha256,
            String errorCode) {
        this(event, trackingId, senderMessageId, actor, counterparty, messageType, payloadSha256, errorCode, null);
    }
}
