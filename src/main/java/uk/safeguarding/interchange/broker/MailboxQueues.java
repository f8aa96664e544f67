package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.delivery.DeliveryQueue;
import uk.safeguarding.interchange.delivery.Mailbox;

/**
 * The queue consumers of the {@code mailbox}-mode recipients (routes/mailbox-delivery.yaml, decision 0010): one
 * {@link QueueBatchConsumer} per recipient queue ({@link DeliveryQueue#queueName}), made on first use, that takes the
 * deliveries already waiting (up to a maximum) and stores them with one {@link Mailbox#storeAll} before it
 * acknowledges them. A batch that cannot be stored (a delivery that was never routed, the database unavailable) is
 * redelivered and then taken one message at a time, so a poison message ends in the dead-letter queue alone.
 *
 * <p>Thread-safe: each recipient's route calls {@link #storeNextBatch} from its own timer thread; one caller per
 * recipient keeps that queue's order. {@link #close} after Camel stopped.
 */
public final class MailboxQueues implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailboxQueues.class);

    private final ConnectionFactory connectionFactory;
    private final Mailbox mailbox;
    private final int maxBatch;
    private final long idleWaitMillis;
    /** By recipient id; guarded by {@code this}. */
    private final Map<String, QueueBatchConsumer> consumers = new HashMap<>();

    private boolean closed;

    /**
     * @param maxBatch the most deliveries stored (and acknowledged) together
     * @param idleWaitMillis how long one call waits for a first message before it returns (and closes its session)
     */
    public MailboxQueues(ConnectionFactory connectionFactory, Mailbox mailbox, int maxBatch, long idleWaitMillis) {
        if (maxBatch < 1 || idleWaitMillis < 1) {
            throw new IllegalArgumentException("maxBatch and idleWaitMillis must be positive");
        }
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
        this.mailbox = Objects.requireNonNull(mailbox);
        this.maxBatch = maxBatch;
        this.idleWaitMillis = idleWaitMillis;
    }

    /**
     * Stores the next batch of the recipient's queue in its mailbox: waits up to the idle wait for a first delivery,
     * takes whatever else is waiting, stores them and acknowledges them. Returns how many it received (0 when idle).
     */
    public int storeNextBatch(String recipientId) {
        QueueBatchConsumer consumer = consumer(Objects.requireNonNull(recipientId));
        if (consumer == null) {
            return 0;
        }
        return consumer.receiveNextBatch(trackingIds -> store(trackingIds, recipientId));
    }

    private boolean store(List<String> trackingIds, String recipientId) {
        try {
            mailbox.storeAll(trackingIds, recipientId);
            return true;
        } catch (SQLException | RuntimeException e) {
            log.warn(
                    "Storing {} deliveries to {} failed; they will be redelivered: {}",
                    trackingIds.size(),
                    recipientId,
                    e.toString());
            return false;
        }
    }

    private synchronized QueueBatchConsumer consumer(String recipientId) {
        if (closed) {
            return null;
        }
        return consumers.computeIfAbsent(
                recipientId,
                r -> new QueueBatchConsumer(connectionFactory, DeliveryQueue.queueName(r), maxBatch, idleWaitMillis));
    }

    /** How many batches the recipient's consumer received since start (0 when it has none). */
    public synchronized long batches(String recipientId) {
        QueueBatchConsumer consumer = consumers.get(recipientId);
        return consumer == null ? 0 : consumer.batches();
    }

    /** How many deliveries the recipient's consumer received since start, redeliveries included. */
    public synchronized long received(String recipientId) {
        QueueBatchConsumer consumer = consumers.get(recipientId);
        return consumer == null ? 0 : consumer.received();
    }

    /** Closes every consumer; later calls receive nothing. Idempotent. */
    @Override
    public void close() {
        List<QueueBatchConsumer> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(consumers.values());
        }
        // Outside the lock: a consumer in the middle of a batch finishes it first.
        for (QueueBatchConsumer consumer : open) {
            consumer.close();
        }
    }
}
