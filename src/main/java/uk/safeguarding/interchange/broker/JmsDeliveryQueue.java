package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.util.Map;
import uk.safeguarding.interchange.delivery.DeliveryQueue;

/**
 * {@link DeliveryQueue} on Artemis: a persistent message (body: the tracking id; property {@code recipientId}) on the
 * recipient's queue, with duplicate-detection id {@code <trackingId>:<recipientId>}. Thread-safe.
 */
public final class JmsDeliveryQueue implements DeliveryQueue {
    private final DurablePublisher publisher;

    public JmsDeliveryQueue(ConnectionFactory connectionFactory) {
        this.publisher = new DurablePublisher(connectionFactory);
    }

    @Override
    public void publish(String trackingId, String recipientId) {
        publisher.publish(
                DeliveryQueue.queueName(recipientId),
                trackingId,
                DeliveryQueue.duplicateId(trackingId, recipientId),
                Map.of("trackingId", trackingId, "recipientId", recipientId));
    }
}
