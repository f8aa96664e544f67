package uk.safeguarding.interchange.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's journal keeps durable messages and duplicate ids across a broker restart. */
class EmbeddedBrokerIT {
    @TempDir
    Path dataDir;

    @Test
    void persistentMessageOnDurableQueueSurvivesBrokerRestart() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir)) {
            assertThat(broker.isActive()).isTrue();
            try (JMSContext jms = broker.connectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
                jms.createProducer()
                        .setDeliveryMode(DeliveryMode.PERSISTENT)
                        .send(jms.createQueue("delivery.test"), "survives");
                jms.commit();
            }
        }

        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir);
                JMSContext jms = broker.connectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            Message message =
                    jms.createConsumer(jms.createQueue("delivery.test")).receive(5_000);
            assertThat(message).isNotNull();
            assertThat(message.getBody(String.class)).isEqualTo("survives");
            jms.commit();
            assertThat(jms.createConsumer(jms.createQueue("delivery.test")).receiveNoWait())
                    .as("delivered once")
                    .isNull();
        }
    }

    @Test
    void duplicateIdCacheSurvivesBrokerRestart() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir);
                JMSContext jms = broker.connectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            var message = jms.createTextMessage("first");
            message.setStringProperty("_AMQ_DUPL_ID", "trk-1/recipient-a");
            jms.createProducer().send(jms.createQueue("dup.test"), message);
            jms.commit();
            // Drain it so only the duplicate-id cache remembers it.
            assertThat(jms.createConsumer(jms.createQueue("dup.test")).receive(5_000))
                    .isNotNull();
            jms.commit();
        }

        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir);
                JMSContext jms = broker.connectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            var again = jms.createTextMessage("again");
            again.setStringProperty("_AMQ_DUPL_ID", "trk-1/recipient-a");
            jms.createProducer().send(jms.createQueue("dup.test"), again);
            // Artemis refuses (rolls back) a transaction carrying a duplicate id it remembers from the journal.
            assertThatThrownBy(jms::commit).hasMessageContaining("Duplicate message detected");
            assertThat(jms.createConsumer(jms.createQueue("dup.test")).receive(500))
                    .as("the duplicate was dropped")
                    .isNull();
        }
    }
}
