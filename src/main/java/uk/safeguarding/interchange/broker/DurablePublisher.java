package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import java.util.Map;
import java.util.Objects;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.Message;

/**
 * Puts one persistent text message on an Artemis queue in a transacted session (durable in the journal when this
 * returns) with an Artemis duplicate-detection id. A second publish with the same id is dropped by the broker and
 * treated as success: that is what lets relays republish after a crash without creating duplicates. Thread-safe:
 * each publish uses its own short-lived in-VM context.
 */
final class DurablePublisher {
    private final ConnectionFactory connectionFactory;

    DurablePublisher(ConnectionFactory connectionFactory) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
    }

    void publish(String queue, String body, String duplicateId, Map<String, String> properties) {
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            TextMessage message = context.createTextMessage(body);
            message.setStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), duplicateId);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(context.createQueue(queue), message);
            context.commit();
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } catch (RuntimeException e) {
            if (!isDuplicate(e)) {
                throw e;
            }
            // Already on the queue (a relay republish after a crash): exactly what duplicate detection is for.
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
