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
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.intake.RoutingQueue;
import uk.safeguarding.interchange.routing.RoutingBatch;
import uk.safeguarding.interchange.routing.RoutingPlan;

/**
 * Consumes the routing queue in batches (decision 0006) for the {@code routing} route (routes/routing.yaml): receives
 * the tracking ids already waiting (up to a maximum) in one transacted JMS session, has {@link RoutingBatch} route
 * them with the rule chain of the {@value #RULES} route, and commits the JMS session, acknowledging the batch, only
 * after the routing is committed in the database. When a message of the batch could not be routed, the session is
 * rolled back instead: the broker redelivers the whole batch (the messages already routed then commit nothing new),
 * and the next messages are routed one per session until as many as the failed batch held went through, so that a
 * failing message reaches the broker's attempt limit (and the dead-letter queue) alone and the others are not
 * charged its redeliveries.
 *
 * <p>The session is closed whenever the queue is idle, so a stopped route holds no messages. Not for concurrent use:
 * one scheduler thread calls {@link #routeNextBatch}; {@link #close} after Camel stopped.
 */
public final class RoutingQueueConsumer implements AutoCloseable {
    /** The direct route that applies the routing rules to one loaded plan. */
    public static final String RULES = "direct:routing-rules";

    private static final Logger log = LoggerFactory.getLogger(RoutingQueueConsumer.class);

    private final ConnectionFactory connectionFactory;
    private final RoutingBatch batch;
    private final int maxBatch;
    private final long idleWaitMillis;
    private ProducerTemplate template;
    private JMSContext connection;
    private JMSContext session;
    private JMSConsumer consumer;
    /** How many more messages to route one per session after a failed batch. */
    private int alone;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    /**
     * @param maxBatch the most messages routed (and committed) together
     * @param idleWaitMillis how long one call waits for a first message before it returns (and closes the session)
     */
    public RoutingQueueConsumer(
            ConnectionFactory connectionFactory, RoutingBatch batch, int maxBatch, long idleWaitMillis) {
        if (maxBatch < 1 || idleWaitMillis < 1) {
            throw new IllegalArgumentException("maxBatch and idleWaitMillis must be positive");
        }
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
        this.batch = Objects.requireNonNull(batch);
        this.maxBatch = maxBatch;
        this.idleWaitMillis = idleWaitMillis;
    }

    /** Lets the consumer call the rules route; call once Camel has started. Until then nothing is consumed. */
    public synchronized void attach(CamelContext context) {
        template = context.createProducerTemplate();
    }

    /**
     * Routes the next batch: waits up to the idle wait for a first message, takes whatever else is waiting, routes
     * them and settles the JMS session. Returns how many messages it received (0 when idle).
     */
    public synchronized int routeNextBatch() {
        if (template == null) {
            return 0;
        }
        ProducerTemplate rules = template;
        List<String> trackingIds = new ArrayList<>();
        try {
            if (session == null) {
                open();
            }
            Message first = consumer.receive(idleWaitMillis);
            if (first == null) {
                closeSession();
                return 0;
            }
            trackingIds.add(body(first));
            int max = alone > 0 ? 1 : maxBatch;
            for (Message next = trackingIds.size() < max ? consumer.receiveNoWait() : null;
                    next != null;
                    next = trackingIds.size() < max ? consumer.receiveNoWait() : null) {
                trackingIds.add(body(next));
            }
            batches.incrementAndGet();
            received.addAndGet(trackingIds.size());
            UnaryOperator<RoutingPlan> chain = plan -> rules.requestBody(RULES, plan, RoutingPlan.class);
            RoutingBatch.Result result = batch.route(trackingIds, chain);
            if (result.complete()) {
                session.commit();
                alone = Math.max(0, alone - trackingIds.size());
            } else {
                session.rollback();
                alone = trackingIds.size();
            }
            return trackingIds.size();
        } catch (JMSRuntimeException | JMSException e) {
            // The database commits are idempotent: whatever was received is redelivered and routed (or found routed).
            log.warn("The routing queue session failed; its messages will be redelivered: {}", e.toString());
            closeSession();
            closeConnection();
            return trackingIds.size();
        } catch (RuntimeException | Error e) {
            // Never leave received messages in an open session: a later commit would acknowledge them unrouted.
            closeSession();
            alone = Math.max(alone, trackingIds.size());
            throw e;
        }
    }

    private static String body(Message message) throws JMSException {
        // A message without a text body is routed as an unknown tracking id: it fails, is redelivered, dead-lettered.
        String body = message.getBody(String.class);
        return body == null ? "" : body;
    }

    private void open() {
        if (connection == null) {
            connection = connectionFactory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
        }
        session = connection.createContext(JMSContext.SESSION_TRANSACTED);
        consumer = session.createConsumer(session.createQueue(RoutingQueue.ROUTING));
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

    /** How many batches were received since start (with {@link #received()}: the mean batch size). */
    public long batches() {
        return batches.get();
    }

    /** How many routing messages were received since start, redeliveries included. */
    public long received() {
        return received.get();
    }

    @Override
    public synchronized void close() {
        closeSession();
        closeConnection();
    }
}
