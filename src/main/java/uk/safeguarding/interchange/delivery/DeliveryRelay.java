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
import uk.safeguarding.interchange.store.GroupCommit;

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
    private final GroupCommit group;
    private final Deliveries deliveries;
    private final DeliveryQueue queue;
    private final Clock clock;
    private final Duration grace;

    /**
     * @param group the gateway's shared group commit, in which the "queued" marks ride
     * @param grace how long after routing a delivery that is not on its queue yet is left to the router that made it
     */
    public DeliveryRelay(
            DataSource dataSource,
            GroupCommit group,
            Deliveries deliveries,
            DeliveryQueue queue,
            Clock clock,
            Duration grace) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.group = Objects.requireNonNull(group);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.queue = Objects.requireNonNull(queue);
        this.clock = Objects.requireNonNull(clock);
        this.grace = Objects.requireNonNull(grace);
    }

    /**
     * Publishes the deliveries (one broker transaction) and has them marked queued in the next group commit
     * ({@link GroupCommit#later}: a mark costs no commit of its own). A failure, or a mark lost in a stop, is left to
     * {@link #relay}, which republishes after the grace period (duplicate detection and the idempotent mailbox store
     * make that harmless).
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
        List<Pending> published = List.copyOf(pending);
        group.later((connection, after) -> {
            deliveries.markQueued(connection, published);
            return null;
        });
    }

    /**
     * Publishes up to {@code limit} deliveries routed more than the grace period ago that are not on their queue yet;
     * returns how many.
     */
    public int relay(int limit) throws SQLException {
        // Marks still waiting for a group would otherwise make their deliveries look unqueued.
        group.flush();
        List<Pending> pending;
        try (Connection connection = dataSource.getConnection()) {
            pending = deliveries.unqueued(connection, limit, clock.instant().minus(grace)).stream()
                    .map(r -> new Pending(r[0], r[1]))
                    .toList();
        }
        publish(pending);
        // The relay runs rarely: its marks need not wait for a group, so they are committed now.
        group.flush();
        return pending.size();
    }
}
