package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.util.List;
import java.util.Map;
import uk.safeguarding.interchange.delivery.DeliveryQueue;
import uk.safeguarding.interchange.delivery.DeliveryRelay;

/**
 * {@link DeliveryQueue} on Artemis: a persistent message (body: the tracking id; property {@code recipientId}) on the
 * recipient's queue, with duplicate-detection id {@code <trackingId>:<recipientId>}; {@link #publishAll} commits a
 * group in one broker transaction. Thread-safe; {@link #close} releases the pooled broker connections (call before
 * the broker stops).
 */
public final class JmsDeliveryQueue implements DeliveryQueue, AutoCloseable {
    private final DurablePublisher publisher;

    public JmsDeliveryQueue(ConnectionFactory connectionFactory) {
        this.publisher = new DurablePublisher(connectionFactory);
    }

    @Override
    public void publish(String trackingId, String recipientId) {
        publishAll(List.of(new DeliveryRelay.Pending(trackingId, recipientId)));
    }

    @Override
    public void publishAll(List<DeliveryRelay.Pending> deliveries) {
        publisher.publishAll(deliveries.stream()
                .map(p -> new DurablePublisher.Item(
                        DeliveryQueue.queueName(p.recipientId()),
                        p.trackingId(),
                        DeliveryQueue.duplicateId(p.trackingId(), p.recipientId()),
                        Map.of("trackingId", p.trackingId(), "recipientId", p.recipientId())))
                .toList());
    }

    @Override
    public void close() {
        publisher.close();
    }
}
