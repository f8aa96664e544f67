package uk.safeguarding.interchange.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Read access to accepted messages for the status operations of the bindings (no content, no personal data).
 * Authorisation is the caller's job. Thread-safe.
 */
public final class StoredMessages {
    /**
     * One accepted message's envelope facts.
     *
     * @param submittedBy the authenticated system that submitted it
     */
    public record StoredMessage(
            String trackingId,
            String senderId,
            String senderMessageId,
            String event,
            Instant receivedAt,
            String submittedBy) {}

    private static final String COLUMNS =
            "SELECT tracking_id, sender_id, sender_message_id, event, received_at, submitted_by FROM message";

    private final DataSource dataSource;

    public StoredMessages(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource);
    }

    public Optional<StoredMessage> byTrackingId(String trackingId) {
        List<StoredMessage> found = query(COLUMNS + " WHERE tracking_id = ?", trackingId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Every sender's message with this sender message id (callers keep those they may see). */
    public List<StoredMessage> bySenderMessageId(String senderMessageId) {
        return query(COLUMNS + " WHERE sender_message_id = ? ORDER BY received_at", senderMessageId);
    }

    private List<StoredMessage> query(String sql, String parameter) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            List<StoredMessage> out = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredMessage(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5).toInstant(),
                            rs.getString(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The message store is unavailable.", e);
        }
    }
}
