package uk.safeguarding.interchange.delivery;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.TrackingIds;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.GatewayNotice;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.directory.OrganisationKind;

/**
 * Stores gateway notices about one delivery (delivery receipt, non-delivery report, escalation) in the caller's
 * transaction and lists them for publishing after commit. No notice is made about a gateway-originated message (no
 * receipt for a receipt). Thread-safe.
 */
final class Notices {
    private final Deliveries deliveries;
    private final GatewayMessages gatewayMessages;

    Notices(Deliveries deliveries, GatewayMessages gatewayMessages) {
        this.deliveries = Objects.requireNonNull(deliveries);
        this.gatewayMessages = Objects.requireNonNull(gatewayMessages);
    }

    /**
     * A notice about {@code message}'s delivery to {@code recipient}, sent to {@code to}.
     *
     * @return the notice's tracking id, or null when none is sent (the message is gateway-originated)
     */
    String send(
            Connection connection,
            StoredMessage message,
            EventCode kind,
            String to,
            String recipient,
            uk.safeguarding.interchange.canonical.xml.DeliveryState state,
            Instant at,
            Detail detail,
            List<DeliveryRelay.Pending> toQueue)
            throws SQLException {
        if (OrganisationKind.GATEWAY_ORIGINATED.contains(message.event())) {
            return null;
        }
        GatewayNotice notice = new GatewayNotice();
        notice.setConcernsTrackingId(message.trackingId());
        notice.setConcernsSenderMessageId(message.senderMessageId());
        notice.setConcernsEvent(uk.safeguarding.interchange.canonical.xml.EventCode.fromValue(
                message.event().code()));
        notice.setRecipient(GatewayMessages.ref(recipient));
        notice.setState(state);
        notice.setAt(at);
        if (detail.deadline() != null) {
            notice.setDeadline(detail.deadline());
        }
        if (detail.attempts() > 0) {
            notice.setAttempts(BigInteger.valueOf(detail.attempts()));
        }
        notice.setErrorCode(detail.errorCode());
        notice.setReason(detail.reason());
        String id = TrackingIds.next();
        InterchangeMessage document =
                gatewayMessages.notice(kind, id, to, Binding.fromValue(message.binding()), notice);
        deliveries.storeGatewayMessage(
                connection,
                deliveries.prepare(id, kind, message.binding(), null, gatewayMessages.seal(document)),
                GatewayMessages.GATEWAY_ID,
                to,
                null);
        toQueue.add(new DeliveryRelay.Pending(id, to));
        return id;
    }

    /** Optional parts of a notice; a reason never holds personal data. */
    record Detail(Instant deadline, int attempts, String errorCode, String reason) {
        static final Detail NONE = new Detail(null, 0, null, null);
    }
}
