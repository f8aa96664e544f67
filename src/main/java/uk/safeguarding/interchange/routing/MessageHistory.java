package uk.safeguarding.interchange.routing;

import java.util.Optional;

/** Earlier messages, for the rules that route follow-ups. Implementations must be thread-safe. */
public interface MessageHistory {
    /** The message with this tracking id. */
    Optional<PriorMessage> byTrackingId(String trackingId);

    /** The message {@code senderId} sent with its own id {@code senderMessageId}. */
    Optional<PriorMessage> bySender(String senderId, String senderMessageId);

    /** The message with sender's id {@code senderMessageId} that was routed to {@code recipientId}. */
    Optional<PriorMessage> byRecipient(String recipientId, String senderMessageId);
}
