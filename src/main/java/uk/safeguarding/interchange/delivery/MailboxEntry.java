package uk.safeguarding.interchange.delivery;

import java.time.Instant;

/**
 * One message waiting in a mailbox: identifiers and codes only, no personal data.
 *
 * @param trackingId the message's tracking id
 * @param recipient the mailbox owner (the caller, or an organisation it acts for)
 * @param event the event code
 * @param sender the sending organisation's id
 * @param priority the priority code, or null for gateway notices
 * @param receivedAt when the gateway accepted the message
 * @param availableAt when it became available in the mailbox: the listing's order and paging position (unique)
 * @param acknowledged whether the recipient has acknowledged it
 */
public record MailboxEntry(
        String trackingId,
        String recipient,
        String event,
        String sender,
        String priority,
        Instant receivedAt,
        Instant availableAt,
        boolean acknowledged) {}
