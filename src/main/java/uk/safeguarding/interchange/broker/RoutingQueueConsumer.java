package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import uk.safeguarding.interchange.intake.RoutingQueue;
import uk.safeguarding.interchange.routing.RoutingBatch;
import uk.safeguarding.interchange.routing.RoutingPlan;

/**
 * Consumes the routing queue in batches (decision 0006) for the {@code routing} route (routes/routing.yaml): a
 * {@link QueueBatchConsumer} receives the tracking ids already waiting (up to a maximum) in one transacted JMS session,
 * {@link RoutingBatch} routes them with the rule chain of the {@value #RULES} route, and the JMS session is committed,
 * acknowledging the batch, only after the routing is committed in the database. When a message of the batch could not
 * be routed, the batch is redelivered (the messages already routed then commit nothing new) and the next messages are
 * routed one per session until the failing one is isolated (see {@link QueueBatchConsumer}).
 *
 * <p>Not for concurrent use: one scheduler thread calls {@link #routeNextBatch}; {@link #close} after Camel stopped.
 */
public final class RoutingQueueConsumer implements AutoCloseable {
    /** The direct route that applies the routing rules to one loaded plan. */
    public static final String RULES = "direct:routing-rules";

    private final QueueBatchConsumer queue;
    private final RoutingBatch batch;
    private volatile ProducerTemplate template;

    /**
     * @param maxBatch the most messages routed (and committed) together
     * @param idleWaitMillis how long one call waits for a first message before it returns (and closes the session)
     */
    public RoutingQueueConsumer(
            ConnectionFactory connectionFactory, RoutingBatch batch, int maxBatch, long idleWaitMillis) {
        this.queue = new QueueBatchConsumer(connectionFactory, RoutingQueue.ROUTING, maxBatch, idleWaitMillis);
        this.batch = Objects.requireNonNull(batch);
    }

    /** Lets the consumer call the rules route; call once Camel has started. Until then nothing is consumed. */
    public void attach(CamelContext context) {
        template = context.createProducerTemplate();
    }

    /**
     * Routes the next batch: waits up to the idle wait for a first message, takes whatever else is waiting, routes
     * them and settles the JMS session. Returns how many messages it received (0 when idle).
     */
    public int routeNextBatch() {
        ProducerTemplate rules = template;
        if (rules == null) {
            return 0;
        }
        UnaryOperator<RoutingPlan> chain = plan -> rules.requestBody(RULES, plan, RoutingPlan.class);
        return queue.receiveNextBatch(
                trackingIds -> batch.route(trackingIds, chain).complete());
    }

    /** How many batches were received since start (with {@link #received()}: the mean batch size). */
    public long batches() {
        return queue.batches();
    }

    /** How many routing messages were received since start, redeliveries included. */
    public long received() {
        return queue.received();
    }

    @Override
    public void close() {
        queue.close();
    }
}
