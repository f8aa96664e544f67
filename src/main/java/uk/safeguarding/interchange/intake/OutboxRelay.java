package uk.safeguarding.interchange.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Publishes outbox rows that acceptance stored but did not mark published (the gateway stopped or the broker
 * failed in between). Safe to run at any time and concurrently with acceptance: a republished tracking id is
 * dropped by the queue's duplicate detection. Thread-safe.
 */
public final class OutboxRelay {
    private final DataSource dataSource;
    private final RoutingQueue routingQueue;
    private final Clock clock;

    public OutboxRelay(DataSource dataSource, RoutingQueue routingQueue, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.routingQueue = Objects.requireNonNull(routingQueue);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Publishes up to {@code limit} unpublished rows, oldest first; returns how many it published. */
    public int relay(int limit) throws SQLException {
        List<String> pending = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT tracking_id FROM outbox WHERE published_at IS NULL ORDER BY id FETCH FIRST ? ROWS ONLY")) {
            query.setInt(1, limit);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    pending.add(rs.getString(1));
                }
            }
        }
        for (String trackingId : pending) {
            routingQueue.publish(trackingId);
            OutboxRows.markPublished(dataSource, trackingId, clock.instant());
        }
        return pending.size();
    }
}
