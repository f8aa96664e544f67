package uk.safeguarding.interchange.ledger;

import java.time.Instant;

/**
 * A search over ledger entries; every criterion is optional (null) and they combine with AND. Results come in seq
 * order after {@code afterSeq}, at most {@code limit} of them.
 *
 * @param trackingId entries about this gateway tracking id
 * @param senderMessageId entries carrying this sender's message id
 * @param organisation entries whose actor or counterparty is this organisation id
 * @param event entries of this event
 * @param from entries at or after this time
 * @param to entries before this time
 * @param afterSeq the paging cursor: only entries with a larger seq (-1 from the start)
 * @param limit the page size, 1 to {@link #MAX_LIMIT}
 */
public record LedgerQuery(
        String trackingId,
        String senderMessageId,
        String organisation,
        LedgerEvent event,
        Instant from,
        Instant to,
        long afterSeq,
        int limit) {
    public static final int MAX_LIMIT = 1000;

    public LedgerQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (afterSeq < -1) {
            throw new IllegalArgumentException("afterSeq must be -1 or more");
        }
    }
}
