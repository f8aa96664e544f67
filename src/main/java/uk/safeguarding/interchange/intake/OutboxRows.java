package uk.safeguarding.interchange.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The outbox's one update, shared by acceptance and the relay: {@code message.published_at}, NULL while an accepted
 * message waits to be handed to routing (V29; a table of its own before).
 */
final class OutboxRows {
    private OutboxRows() {}

    /** Marks the rows of all {@code trackingIds} published, in the caller's transaction. */
    static void markPublished(Connection connection, java.util.List<String> trackingIds, Instant at)
            throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement(
                "UPDATE message SET published_at = ? WHERE tracking_id = ? AND published_at IS NULL")) {
            for (String trackingId : trackingIds) {
                mark.setTimestamp(1, Timestamp.from(at));
                mark.setString(2, trackingId);
                mark.executeUpdate();
            }
        }
    }

    static void markPublished(DataSource dataSource, String trackingId, Instant at) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement mark = connection.prepareStatement(
                        "UPDATE message SET published_at = ? WHERE tracking_id = ? AND published_at IS NULL")) {
            mark.setTimestamp(1, Timestamp.from(at));
            mark.setString(2, trackingId);
            mark.executeUpdate();
        }
    }
}
