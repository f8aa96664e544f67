package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;
import java.util.Objects;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.Message;
import uk.safeguarding.interchange.intake.RoutingQueue;

/**
 * {@link RoutingQueue} on Artemis over Jakarta JMS: a persistent message in a transacted session (durable in the
 * journal on commit) whose Artemis duplicate-detection id is the tracking id. Thread-safe: each publish uses its
 * own short-lived context (in-VM, cheap).
 */
public final class JmsRoutingQueue implements RoutingQueue {
    private final ConnectionFactory connectionFactory;

    public JmsRoutingQueue(ConnectionFactory connectionFactory) {
        this.connectionFactory = Objects.requireNonNull(connectionFactory);
    }

    @Override
    public void publish(String trackingId) {
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            TextMessage message = context.createTextMessage(trackingId);
            message.setStringProperty(Message.HDR_DUPLICATE_DETECTION_ID.toString(), trackingId);
            message.setStringProperty("trackingId", trackingId);
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(context.createQueue(ROUTING), message);
            context.commit();
        } catch (jakarta.jms.JMSException e) {
            throw new jakarta.jms.JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
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
