package uk.safeguarding.interchange.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Per-recipient delivery states of a message, for its sender only: the sending organisation, the system that
 * submitted it, or a system the directory says acts for the sender. Anyone else — including for a tracking id that
 * does not exist — gets AUTH-006, recorded in the ledger. Shared by {@code GET /api/v1/messages/{trackingId}} and the
 * SOAP {@code GetMessageStatus} operation. Thread-safe.
 */
public final class MessageStatusService {
    private final DataSource dataSource;
    private final Supplier<Directory> directory;
    private final Deliveries deliveries;
    private final Mailbox refusals;

    public MessageStatusService(
            DataSource dataSource, Supplier<Directory> directory, Deliveries deliveries, Mailbox refusals) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.directory = Objects.requireNonNull(directory);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.refusals = Objects.requireNonNull(refusals);
    }

    /**
     * The status of {@code trackingId} as {@code callerId} may see it.
     *
     * @throws GatewayException AUTH-006 when the caller is not the sender (or the message does not exist),
     *     SYS-001 when the store is unavailable
     */
    public MessageStatus status(String callerId, String trackingId) {
        try (Connection connection = dataSource.getConnection()) {
            Optional<StoredMessage> message = StoredMessage.find(connection, trackingId);
            if (message.isEmpty() || !maySee(callerId, message.get())) {
                refusals.recordRefusal(callerId, trackingId, ErrorCode.AUTH_NOT_PERMITTED);
                throw new GatewayException(
                        ErrorCode.AUTH_NOT_PERMITTED, "Only the sender of a message may read its status.");
            }
            List<MessageStatus.RecipientStatus> recipients = new ArrayList<>();
            for (Deliveries.Row row : deliveries.of(connection, trackingId)) {
                recipients.add(new MessageStatus.RecipientStatus(
                        row.recipientId(),
                        row.role(),
                        row.state(),
                        row.outcome(),
                        row.attempts(),
                        row.lastError(),
                        row.updatedAt()));
            }
            StoredMessage m = message.get();
            return new MessageStatus(
                    m.trackingId(),
                    m.event().code(),
                    m.senderId(),
                    m.receivedAt(),
                    routed(connection, trackingId),
                    recipients,
                    routingError(connection, trackingId),
                    derived(connection, trackingId));
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The message store is unavailable.", e);
        }
    }

    private boolean maySee(String callerId, StoredMessage message) {
        return callerId.equals(message.senderId())
                || callerId.equals(message.submittedBy())
                || directory.get().mayActFor(callerId, message.senderId());
    }

    private static boolean routed(Connection connection, String trackingId) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT routed_at FROM message WHERE tracking_id = ?")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() && rs.getTimestamp(1) != null;
            }
        }
    }

    private static String routingError(Connection connection, String trackingId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT error_code FROM ledger_entry WHERE tracking_id = ? AND event = 'ROUTING_FAILED'")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> derived(Connection connection, String trackingId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT tracking_id FROM message WHERE derived_from = ? ORDER BY received_at, tracking_id")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
