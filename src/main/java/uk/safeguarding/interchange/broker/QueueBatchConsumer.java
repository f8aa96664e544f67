package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one queue in batches for a handler that commits its database work before the messages may be acknowledged
 * (decisions 0006 and 0010): receives the messages already waiting (up to a maximum) in one transacted JMS session,
 * hands their text bodies to the handler, and commits the JMS session only after the handler reported the whole batch
 * done. When it did not (or threw), the session is rolled back instead: the broker redelivers the batch (the handler
 * must be idempotent, so what it already committed commits nothing new), and the next messages are taken one per
 * session until as many as the failed batch held went through, so that a failing message reaches the broker's attempt
 * limit (and the dead-letter queue) alone and the others are not charged its redeliveries.
 *
 * <p>The consumer is closed whenever the queue is idle, so a caller that stopped calling holds no messages (the
 * broker takes back what the consumer had buffered); the session stays open for the next call. (Closing the session
 * too, as before, cost a session set-up and an Artemis exception with its stack trace at every idle wait, even under
 * load: 3 % of the gateway's allocation, docs/performance.md section 17.) After a JMS failure the session and the
 * connection are opened again on the next call. Not for concurrent use by design (one caller keeps the queue order),
 * though its methods are synchronized; {@link #close} when the caller stopped.
 */
public final class QueueBatchConsumer implements AutoCloseable {
    /** Does a batch's work. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles the bodies of a batch, in queue order (a message without a text body is given as {@code ""}).
         *
         * @return true when every message is done and committed, so the batch may be acknowledged; false to have the
         *     batch redelivered
         */
        boolean handle(List<String> bodies);
    }

    private static final Logger log = LoggerFactory.getLogger(QueueBatchConsumer.class);

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final int maxBatch;
    private final long idleWaitMillis;
    private JMSContext connection;
    private JMSContext session;
    private JMSConsumer consumer;
    private boolean closed;
    /** How many more messages to take one per session after a failed batch. */
    private int alone;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    /**
     * @param queue the queue's name
     * @param maxBatch the most messages handled (and acknowledged) together
     * @param idleWaitMillis how long one call waits for a first message before it returns (and closes the consumer)
     */
    public QueueBatchConsumer(ConnectionFactory connectionFactory, String queue, int maxBatch, long idleWaitMillis) {
        if (maxBatch < 1 || idleWaitMillis < 1) {
            throw new IllegalArgumentException("maxBatch and idleWaitMillis must be positive");
        }
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
        this.queue = Objects.requireNonNull(queue);
        this.maxBatch = maxBatch;
        this.idleWaitMillis = idleWaitMillis;
    }

    /** The queue this consumer reads. */
    public String queue() {
        return queue;
    }

    /**
     * Handles the next batch: waits up to the idle wait for a first message, takes whatever else is waiting, hands
     * the bodies to {@code handler} and settles the JMS session. Returns how many messages it received (0 when idle
     * or closed). An exception of the handler is rethrown after the batch was rolled back.
     */
    public synchronized int receiveNextBatch(Handler handler) {
        Objects.requireNonNull(handler);
        if (closed) {
            return 0;
        }
        List<String> bodies = new ArrayList<>();
        try {
            if (consumer == null) {
                open();
            }
            Message first = consumer.receive(idleWaitMillis);
            if (first == null) {
                closeConsumer();
                return 0;
            }
            bodies.add(body(first));
            int max = alone > 0 ? 1 : maxBatch;
            for (Message next = bodies.size() < max ? consumer.receiveNoWait() : null;
                    next != null;
                    next = bodies.size() < max ? consumer.receiveNoWait() : null) {
                bodies.add(body(next));
            }
            batches.incrementAndGet();
            received.addAndGet(bodies.size());
            if (handler.handle(List.copyOf(bodies))) {
                session.commit();
                alone = Math.max(0, alone - bodies.size());
            } else {
                session.rollback();
                alone = bodies.size();
            }
            return bodies.size();
        } catch (JMSRuntimeException | JMSException e) {
            // The handlers are idempotent: whatever was received is redelivered and done again (or found done).
            log.warn("The session on queue {} failed; its messages will be redelivered: {}", queue, e.toString());
            closeSession();
            closeConnection();
            return bodies.size();
        } catch (RuntimeException | Error e) {
            // Never leave received messages in an open session: a later commit would acknowledge them undone.
            closeSession();
            alone = Math.max(alone, bodies.size());
            throw e;
        }
    }

    private static String body(Message message) throws JMSException {
        // A message without a text body is handed over as an unknown id: it fails, is redelivered, dead-lettered.
        String body = message.getBody(String.class);
        return body == null ? "" : body;
    }

    private void open() {
        if (connection == null) {
            connection = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
        }
        if (session == null) {
            session = connection.createContext(JMSContext.SESSION_TRANSACTED);
        }
        consumer = session.createConsumer(session.createQueue(queue));
    }

    /** Called with nothing received in the session's transaction: the broker takes back what was buffered. */
    private void closeConsumer() {
        JMSConsumer open = consumer;
        consumer = null;
        try {
            open.close();
        } catch (RuntimeException e) {
            // A broken consumer: drop the session too; its buffered messages go back to the queue with it.
            closeSession();
        }
    }

    private void closeSession() {
        JMSContext open = session;
        session = null;
        consumer = null;
        if (open != null) {
            try {
                open.close();
            } catch (RuntimeException e) {
                // Closing a broken session rolls it back: the messages are redelivered.
            }
        }
    }

    private void closeConnection() {
        JMSContext open = connection;
        connection = null;
        if (open != null) {
            try {
                open.close();
            } catch (RuntimeException e) {
                // Nothing left to release.
            }
        }
    }

    /** Whether a session is open now (tests). */
    synchronized boolean sessionOpen() {
        return session != null;
    }

    /** How many batches were received since start (with {@link #received()}: the mean batch size). */
    public long batches() {
        return batches.get();
    }

    /** How many messages were received since start, redeliveries included. */
    public long received() {
        return received.get();
    }

    /** Releases the session and connection; later calls receive nothing. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        closeSession();
        closeConnection();
    }
}
