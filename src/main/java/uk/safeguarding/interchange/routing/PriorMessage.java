package uk.safeguarding.interchange.routing;

import java.util.List;
import java.util.Objects;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * An earlier message that a follow-up (update, withdrawal, outcome, response) refers to, as routing needs it.
 *
 * @param trackingId its tracking id
 * @param senderId its sender
 * @param event its event
 * @param recipients everyone it was routed to (including re-routes after a transfer), in routing order
 */
public record PriorMessage(String trackingId, String senderId, EventCode event, List<PlannedRecipient> recipients) {
    public PriorMessage {
        Objects.requireNonNull(trackingId);
        Objects.requireNonNull(senderId);
        Objects.requireNonNull(event);
        recipients = List.copyOf(recipients);
    }

    public boolean wasRoutedTo(String orgId) {
        return recipients.stream().anyMatch(r -> r.orgId().equals(orgId));
    }
}
