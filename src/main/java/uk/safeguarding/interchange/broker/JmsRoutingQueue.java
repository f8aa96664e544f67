package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.util.Map;
import uk.safeguarding.interchange.intake.RoutingQueue;

/**
 * {@link RoutingQueue} on Artemis: a persistent message (body: the tracking id) whose duplicate-detection id is the
 * tracking id. Thread-safe.
 */
public final class JmsRoutingQueue implements RoutingQueue {
    private final DurablePublisher publisher;

    public JmsRoutingQueue(ConnectionFactory connectionFactory) {
        this.publisher = new DurablePublisher(connectionFactory);
    }

    @Override
    public void publish(String trackingId) {
        publisher.publish(ROUTING, trackingId, trackingId, Map.of("trackingId", trackingId));
    }
}
