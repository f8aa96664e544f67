package uk.safeguarding.interchange.testsupport;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.awaitility.Awaitility;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.intake.RoutingQueue;

/** What a broker queue holds, read with a browser (nothing is consumed). */
public final class QueueContents {
    private QueueContents() {}

    /** The text bodies of the messages on {@code queue}, in queue order. */
    public static List<String> bodies(ConnectionFactory connectionFactory, String queue) throws JMSException {
        List<String> bodies = new ArrayList<>();
        try (JMSContext context = connectionFactory.createContext();
                QueueBrowser browser = context.createBrowser(context.createQueue(queue))) {
            for (Enumeration<?> messages = browser.getEnumeration(); messages.hasMoreElements(); ) {
                bodies.add(((Message) messages.nextElement()).getBody(String.class));
            }
        }
        return bodies;
    }

    /**
     * The routing queue of a running gateway once its routing publisher has finished with every acceptance answered
     * so far (acceptances are published after their answer): the tracking ids, in queue order.
     */
    public static List<String> routingQueue(GatewayRuntime gateway) throws JMSException {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> gateway.routingPublisher().unfinished() == 0);
        return bodies(gateway.jmsConnectionFactory(), RoutingQueue.ROUTING);
    }
}
