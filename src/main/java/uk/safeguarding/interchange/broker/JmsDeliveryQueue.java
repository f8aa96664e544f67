package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;
import java.util.Objects;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.Message;
import uk.safeguarding.interchange.delivery.DeliveryQueue;

/**
 * {@link DeliveryQueue} on Artemis: a persistent message (body: the tracking id; property {@code recipientId}) in a
 * transacted session on the recipient's queue, with duplicate-detection id {@code <trackingId>:<recipientId>}.
 * Thread-safe.
 */
public final class JmsDeliveryQueue implements DeliveryQueue {
    private final ConnectionFactory connectionFactory;

    public JmsDeliveryQueue(ConnectionFactory connectionFactory) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
    }

    @Override
    public void publish(String trackingId, String recipientId) {
        String duplicateId = DeliveryQueue.duplicateId(trackingId, recipientId);
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            TextMessage message = context.createTextMessage(trackingId);
            message.setStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), duplicateId);
            message.setStringProperty("trackingId", trackingId);
            message.setStringProperty("recipientId", recipientId);
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(context.createQueue(DeliveryQueue.queueName(recipientId)), message);
            context.commit();
        } catch (jakarta.jms.JMSException e) {
            throw new jakarta.jms.JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } catch (RuntimeException e) {
            if (!isDuplicate(e)) {
                throw e;
            }
            // Already queued (a relay after a crash): duplicate detection did its job.
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
