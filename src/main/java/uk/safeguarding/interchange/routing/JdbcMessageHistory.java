package uk.safeguarding.interchange.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import uk.safeguarding.interchange.canonical.EventCode;

/** {@link MessageHistory} over the {@code message} and {@code delivery} tables. Thread-safe. */
public final class JdbcMessageHistory implements MessageHistory {
    /**
     * {@link #byRecipient}: by the index of {@code uq_message_sender_id (sender_message_id, sender_id)} (V30), then the
     * delivery by its primary key, so a recipient's other deliveries are never read ({@code QueryPlansIT}).
     * Parameters: recipient, sender's message id.
     */
    public static final String BY_RECIPIENT_QUERY = "SELECT m.tracking_id, m.sender_id, m.event FROM message m"
            + " JOIN delivery d ON d.tracking_id = m.tracking_id WHERE d.recipient_id = ? AND m.sender_message_id = ?";

    private final DataSource dataSource;

    public JdbcMessageHistory(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource);
    }

    @Override
    public Optional<PriorMessage> byTrackingId(String trackingId) {
        return query("SELECT tracking_id, sender_id, event FROM message WHERE tracking_id = ?", trackingId);
    }

    @Override
    public Optional<PriorMessage> bySender(String senderId, String senderMessageId) {
        return query(
                "SELECT tracking_id, sender_id, event FROM message WHERE sender_id = ? AND sender_message_id = ?",
                senderId,
                senderMessageId);
    }

    @Override
    public Optional<PriorMessage> byRecipient(String recipientId, String senderMessageId) {
        return query(BY_RECIPIENT_QUERY, recipientId, senderMessageId);
    }

    private Optional<PriorMessage> query(String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            String trackingId;
            String senderId;
            String event;
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                trackingId = rs.getString(1);
                senderId = rs.getString(2);
                event = rs.getString(3);
                if (rs.next()) {
                    // Two messages match a sender's id: refuse to guess which one is meant.
                    return Optional.empty();
                }
            }
            return Optional.of(new PriorMessage(
                    trackingId, senderId, EventCode.fromCode(event).orElseThrow(), recipients(connection, trackingId)));
        } catch (SQLException e) {
            throw new IllegalStateException("The message store is unavailable", e);
        }
    }

    private static List<PlannedRecipient> recipients(Connection connection, String trackingId) throws SQLException {
        List<PlannedRecipient> recipients = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT recipient_id, role FROM delivery WHERE tracking_id = ? ORDER BY created_at, recipient_id")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    recipients.add(new PlannedRecipient(rs.getString(1), "copy".equals(rs.getString(2))));
                }
            }
        }
        return recipients;
    }
}
