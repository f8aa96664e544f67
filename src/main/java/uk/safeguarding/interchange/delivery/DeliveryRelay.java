package uk.safeguarding.interchange.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts committed deliveries on their recipients' queues. Called right after the routing (or acknowledgement)
 * transaction commits, and periodically ({@link #relay}) for deliveries whose publish did not happen because the
 * gateway stopped in between. A second publish of the same (tracking id, recipient) is dropped by the broker's
 * duplicate detection, and the mailbox store is idempotent as well. Thread-safe.
 */
public final class DeliveryRelay {
    private static final Logger log = LoggerFactory.getLogger(DeliveryRelay.class);

    /** A delivery to publish. */
    public record Pending(String trackingId, String recipientId) {}

    private final DataSource dataSource;
    private final Deliveries deliveries;
    private final DeliveryQueue queue;

    public DeliveryRelay(DataSource dataSource, Deliveries deliveries, DeliveryQueue queue) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.queue = Objects.requireNonNull(queue);
    }

    /** Publishes each delivery and marks it queued; a failure is logged and left to {@link #relay}. */
    public void publish(List<Pending> pending) {
        for (Pending p : pending) {
            try {
                queue.publish(p.trackingId(), p.recipientId());
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    deliveries.markQueued(connection, p.trackingId(), p.recipientId());
                    connection.commit();
                }
            } catch (SQLException | RuntimeException e) {
                log.warn(
                        "Queueing {} for {} failed; the delivery relay will retry: {}",
                        p.trackingId(),
                        p.recipientId(),
                        e.toString());
            }
        }
    }

    /** Publishes up to {@code limit} routed deliveries that are not on their queue yet; returns how many. */
    public int relay(int limit) throws SQLException {
        List<Pending> pending;
        try (Connection connection = dataSource.getConnection()) {
            pending = deliveries.unqueued(connection, limit).stream()
                    .map(r -> new Pending(r[0], r[1]))
                    .toList();
        }
        publish(pending);
        return pending.size();
    }
}
