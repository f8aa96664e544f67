package uk.safeguarding.interchange.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** A {@code message} row written directly, with only the columns the current schema requires plus a priority. */
public final class MessageRows {
    private MessageRows() {}

    /** Inserts an accepted message; its sender message id is {@code "msg-" + trackingId}, its content hash zeros. */
    public static void insert(
            Connection c, String trackingId, String senderId, String event, String priority, Instant receivedAt)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at,"
                        + " priority) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, senderId);
            insert.setString(3, "msg-" + trackingId);
            insert.setString(4, "0".repeat(64));
            insert.setString(5, event);
            insert.setTimestamp(6, Timestamp.from(receivedAt));
            insert.setString(7, priority);
            insert.executeUpdate();
        }
    }
}
