package uk.safeguarding.interchange.broker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch consumer against the embedded broker: what an idle wait releases, what a rollback redelivers. */
class QueueBatchConsumerIT {
    private static final String QUEUE = "batch.test";

    @TempDir
    Path dataDir;

    private EmbeddedBroker broker;
    private final List<String> handled = new ArrayList<>();

    @BeforeEach
    void start() {
        broker = EmbeddedBroker.start(dataDir);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void send(String body) {
        try (JMSContext jms = broker.connectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(jms.createQueue(QUEUE), body);
            jms.commit();
        }
    }

    private int next(QueueBatchConsumer consumer) {
        return consumer.receiveNextBatch(bodies -> handled.addAll(bodies));
    }

    @Test
    void anIdleWaitClosesTheConsumerSoNothingIsHeldButKeepsTheSession() {
        try (QueueBatchConsumer consumer = new QueueBatchConsumer(broker.connectionFactory(), QUEUE, 10, 20)) {
            send("a");
            assertThat(next(consumer)).isEqualTo(1);
            assertThat(next(consumer)).isZero();
            assertThat(consumer.sessionOpen()).isTrue();
            // The caller stopped calling: another consumer gets the next message (none is buffered for the first).
            send("b");
            try (JMSContext other = broker.connectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
                assertThat(other.createConsumer(other.createQueue(QUEUE)).receive(5_000))
                        .isNotNull();
                other.rollback();
            }
            assertThat(next(consumer)).isEqualTo(1);
            assertThat(handled).containsExactly("a", "b");
            assertThat(consumer.sessionOpen()).isTrue();
        }
    }

    @Test
    void aRolledBackBatchIsRedeliveredOnTheOpenSession() {
        try (QueueBatchConsumer consumer = new QueueBatchConsumer(broker.connectionFactory(), QUEUE, 10, 20)) {
            send("a");
            assertThat(consumer.receiveNextBatch(bodies -> false)).isEqualTo(1);
            assertThat(next(consumer)).isEqualTo(1);
            assertThat(handled).containsExactly("a");
            assertThat(next(consumer)).isZero();
            assertThat(handled).containsExactly("a");
        }
    }
}
