package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.util.List;
import java.util.Map;
import uk.safeguarding.interchange.intake.RoutingQueue;

/**
 * {@link RoutingQueue} on Artemis: a persistent message (body: the tracking id) whose duplicate-detection id is the
 * tracking id; {@link #publishAll} commits a group in one broker transaction. Thread-safe; {@link #close} releases
 * the pooled broker connections (call before the broker stops).
 */
public final class JmsRoutingQueue implements RoutingQueue, AutoCloseable {
    private final DurablePublisher publisher;

    public JmsRoutingQueue(ConnectionFactory connectionFactory) {
        this.publisher = new DurablePublisher(connectionFactory);
    }

    @Override
    public void publish(String trackingId) {
        publishAll(List.of(trackingId));
    }

    @Override
    public void publishAll(List<String> trackingIds) {
        publisher.publishAll(trackingIds.stream()
                .map(id -> new DurablePublisher.Item(ROUTING, id, id, Map.of("trackingId", id)))
                .toList());
    }

    @Override
    public void close() {
        publisher.close();
    }
}
