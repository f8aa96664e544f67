package uk.safeguarding.interchange.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts committed deliveries on their recipients' queues. Called right after the routing (or acknowledgement)
 * transaction commits, and periodically ({@link #relay}) for deliveries whose publish did not happen because the
 * gateway stopped in between. A second publish of the same (tracking id, recipient) is dropped by the broker's
 * duplicate detection, and the mailbox store is idempotent as well.
 *
 * <p>The periodic relay takes only deliveries routed more than a grace period ago, so it does not race the router
 * that is publishing the same deliveries at this moment: Artemis duplicate detection does not reliably catch two
 * transactions with the same id committing concurrently, which could put a delivery on its queue twice. Thread-safe.
 */
public final class DeliveryRelay {
    private static final Logger log = LoggerFactory.getLogger(DeliveryRelay.class);

    /** A delivery to publish. */
    public record Pending(String trackingId, String recipientId) {}

    private final DataSource dataSource;
    private final Deliveries deliveries;
    private final DeliveryQueue queue;
    private final Clock clock;
    private final Duration grace;

    /**
     * @param grace how long after routing a delivery that is not on its queue yet is left to the router that made it
     */
    public DeliveryRelay(
            DataSource dataSource, Deliveries deliveries, DeliveryQueue queue, Clock clock, Duration grace) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.queue = Objects.requireNonNull(queue);
        this.clock = Objects.requireNonNull(clock);
        this.grace = Objects.requireNonNull(grace);
    }

    /**
     * Publishes the deliveries (one broker transaction) and marks them queued (one database transaction); a failure
     * is logged and left to {@link #relay}.
     */
    public void publish(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            queue.publishAll(pending);
        } catch (RuntimeException e) {
            log.warn("Publishing {} deliveries failed; the relay will retry: {}", pending.size(), e.toString());
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Pending p : pending) {
                    deliveries.markQueued(connection, p.trackingId(), p.recipientId());
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            // Harmless: the relay republishes after the grace period and duplicate detection drops it.
            log.warn(
                    "Marking {} deliveries queued failed; the relay will republish them: {}",
                    pending.size(),
                    e.toString());
        }
    }

    /**
     * Publishes up to {@code limit} deliveries routed more than the grace period ago that are not on their queue yet;
     * returns how many.
     */
    public int relay(int limit) throws SQLException {
        List<Pending> pending;
        try (Connection connection = dataSource.getConnection()) {
            pending = deliveries.unqueued(connection, limit, clock.instant().minus(grace)).stream()
                    .map(r -> new Pending(r[0], r[1]))
                    .toList();
        }
        publish(pending);
        return pending.size();
    }
}
