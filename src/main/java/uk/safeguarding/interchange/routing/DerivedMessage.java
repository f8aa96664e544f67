package uk.safeguarding.interchange.routing;

import java.util.Objects;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.Content;

/**
 * A new message routing derives from the one being routed (a minimised {@code encompass-notification} from a
 * police notification): its own tracking id is assigned when it is stored, correlated to the original.
 *
 * @param event the derived message's event
 * @param recipientId its one (primary) recipient
 * @param content its content, holding nothing the event's schema does not allow
 */
public record DerivedMessage(EventCode event, String recipientId, Content content) {
    public DerivedMessage {
        Objects.requireNonNull(event);
        Objects.requireNonNull(recipientId);
        Objects.requireNonNull(content);
    }
}
