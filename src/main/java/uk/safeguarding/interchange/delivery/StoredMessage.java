package uk.safeguarding.interchange.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import uk.safeguarding.interchange.canonical.EventCode;

/** The envelope columns of a stored message (no content). */
record StoredMessage(
        String trackingId,
        String senderId,
        String senderMessageId,
        String submittedBy,
        EventCode event,
        String binding,
        String priority,
        Instant receivedAt,
        String derivedFrom) {

    static StoredMessage load(Connection connection, String trackingId) throws SQLException {
        return find(connection, trackingId)
                .orElseThrow(() -> new IllegalStateException("No stored message has tracking id " + trackingId));
    }

    static Optional<StoredMessage> find(Connection connection, String trackingId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT tracking_id, sender_id, sender_message_id, submitted_by, event, binding, priority,"
                        + " received_at, derived_from FROM message WHERE tracking_id = ?")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredMessage(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        EventCode.fromCode(rs.getString(5)).orElseThrow(),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getTimestamp(8).toInstant(),
                        rs.getString(9)));
            }
        }
    }
}
