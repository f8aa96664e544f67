package uk.safeguarding.interchange.delivery;

import java.time.Instant;
import java.util.List;

/**
 * A message's status for its sender (spec §9: {@code GetMessageStatus}, {@code GET /api/v1/messages/{id}}): ids, codes
 * and times only.
 *
 * @param trackingId the message's tracking id
 * @param event its event code
 * @param sender its sender's org id
 * @param acceptedAt when the gateway accepted it
 * @param routed false while it waits for routing
 * @param recipients one entry per recipient, in routing order (empty until routed, or when routing failed)
 * @param routingError the ROUTE-* (or RULE-004) code when routing failed, else null
 * @param derived tracking ids of messages the gateway derived from it (Operation Encompass notifications)
 */
public record MessageStatus(
        String trackingId,
        String event,
        String sender,
        Instant acceptedAt,
        boolean routed,
        List<RecipientStatus> recipients,
        String routingError,
        List<String> derived) {

    public MessageStatus {
        recipients = List.copyOf(recipients);
        derived = List.copyOf(derived);
    }

    /**
     * @param recipient the recipient's org id
     * @param role {@code primary} or {@code copy}
     * @param state the delivery state
     * @param outcome the outcome code when {@code state} is {@code OUTCOME}, else null
     * @param attempts how many times it was queued or pushed
     * @param lastError the last delivery error code, or null
     * @param updatedAt when the state last changed
     */
    public record RecipientStatus(
            String recipient,
            String role,
            DeliveryState state,
            String outcome,
            int attempts,
            String lastError,
            Instant updatedAt) {}
}
