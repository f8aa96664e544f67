package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.Message;

/**
 * Puts persistent text messages on Artemis queues in a transacted session (durable in the journal when a publish
 * returns), each with an Artemis duplicate-detection id. A second publish with the same id is dropped by the broker
 * and treated as success: that is what lets relays republish after a crash without creating duplicates.
 *
 * <p>{@link #publishAll} commits a whole group in one transaction, so one journal sync covers all of them (group
 * commit); when the group contains an id the broker already has, the broker refuses the whole transaction and the
 * group is published one message per transaction instead, so the others still go and the duplicate is dropped.
 *
 * <p>Thread-safe: transacted contexts (one connection each) are pooled and each is used by one thread at a time;
 * a context that failed is closed, not reused.
 */
final class DurablePublisher implements AutoCloseable {
    /** One message to publish. */
    record Item(String queue, String body, String duplicateId, Map<String, String> properties) {}

    private static final int MAX_IDLE = 8;

    private final ConnectionFactory connectionFactory;
    private final ConcurrentLinkedDeque<JMSContext> idle = new ConcurrentLinkedDeque<>();

    DurablePublisher(ConnectionFactory connectionFactory) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
    }

    void publish(String queue, String body, String duplicateId, Map<String, String> properties) {
        publishAll(List.of(new Item(queue, body, duplicateId, properties)));
    }

    /** Publishes every item, durable when this returns (see the type's documentation). */
    void publishAll(List<Item> items) {
        if (items.isEmpty()) {
            return;
        }
        try {
            send(items);
        } catch (RuntimeException e) {
            if (!isDuplicate(e)) {
                throw e;
            }
            if (items.size() == 1) {
                return; // Already on the queue (a relay republish after a crash): what duplicate detection is for.
            }
            for (Item item : items) {
                publishAll(List.of(item));
            }
        }
    }

    private void send(List<Item> items) {
        JMSContext context = idle.pollFirst();
        if (context == null) {
            context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED);
        }
        boolean healthy = false;
        try {
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            for (Item item : items) {
                TextMessage message = context.createTextMessage(item.body());
                message.setStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), item.duplicateId());
                for (Map.Entry<String, String> property : item.properties().entrySet()) {
                    message.setStringProperty(property.getKey(), property.getValue());
                }
                producer.send(context.createQueue(item.queue()), message);
            }
            context.commit();
            healthy = true;
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } finally {
            if (healthy && idle.size() < MAX_IDLE) {
                idle.addFirst(context);
            } else {
                closeQuietly(context);
            }
        }
    }

    @Override
    public void close() {
        for (JMSContext context = idle.pollFirst(); context != null; context = idle.pollFirst()) {
            closeQuietly(context);
        }
    }

    private static void closeQuietly(JMSContext context) {
        try {
            context.close();
        } catch (RuntimeException e) {
            // Closing a broken context: nothing left to do.
        }
    }

    private static boolean isDuplicate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ActiveMQDuplicateIdException) {
                return true;
            }
        }
        return false;
    }
}
