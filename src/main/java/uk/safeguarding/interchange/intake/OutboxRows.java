package uk.safeguarding.interchange.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/** The outbox table's one update, shared by acceptance and the relay. */
final class OutboxRows {
    private OutboxRows() {}

    /** Marks the rows of all {@code trackingIds} published, in the caller's transaction. */
    static void markPublished(Connection connection, java.util.List<String> trackingIds, Instant at)
            throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement(
                "UPDATE outbox SET published_at = ? WHERE tracking_id = ? AND published_at IS NULL")) {
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
                        "UPDATE outbox SET published_at = ? WHERE tracking_id = ? AND published_at IS NULL")) {
            mark.setTimestamp(1, Timestamp.from(at));
            mark.setString(2, trackingId);
            mark.executeUpdate();
        }
    }
}
