package uk.safeguarding.interchange.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import uk.safeguarding.interchange.store.GroupCommit;

/**
 * Publishes accepted messages that acceptance stored but the {@link RoutingPublisher} did not mark published
 * ({@code message.published_at} NULL: the gateway stopped or the broker failed in between, or the publisher's backlog
 * was full). Only messages older than a grace period are taken, so the relay does not race the publisher while it
 * publishes the same row (Artemis duplicate detection does not reliably catch two transactions with the same id
 * committing concurrently); a row left over from a crash is published on the first run after the grace period.
 * Consumers are idempotent by tracking id as a second line of defence.
 * Thread-safe.
 */
public final class OutboxRelay {
    /**
     * Accepted messages not yet handed to routing, received before a time, oldest first. Ordered by both columns of
     * {@code ix_message_unpublished} so that H2 reads that index in order and stops after a page.
     */
    static final String UNPUBLISHED_QUERY = "SELECT tracking_id FROM message WHERE published_at IS NULL"
            + " AND received_at < ? ORDER BY published_at, received_at FETCH FIRST ? ROWS ONLY";

    private final DataSource dataSource;
    private final GroupCommit group;
    private final RoutingQueue routingQueue;
    private final Clock clock;
    private final Duration grace;

    /** @param group the gateway's shared group commit, in which acceptance's "published" marks ride */
    public OutboxRelay(
            DataSource dataSource, GroupCommit group, RoutingQueue routingQueue, Clock clock, Duration grace) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.group = Objects.requireNonNull(group);
        this.routingQueue = Objects.requireNonNull(routingQueue);
        this.clock = Objects.requireNonNull(clock);
        this.grace = Objects.requireNonNull(grace);
    }

    /**
     * Publishes up to {@code limit} unpublished messages received more than the grace period ago, oldest first; returns
     * how many it published.
     */
    public int relay(int limit) throws SQLException {
        // Marks still waiting for a group would otherwise make their rows look unpublished.
        group.flush();
        List<String> pending = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(UNPUBLISHED_QUERY)) {
            query.setTimestamp(1, java.sql.Timestamp.from(clock.instant().minus(grace)));
            query.setInt(2, limit);
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
