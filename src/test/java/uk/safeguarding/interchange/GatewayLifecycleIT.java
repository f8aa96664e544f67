package uk.safeguarding.interchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.config.StartupException;
import uk.safeguarding.interchange.testsupport.TestGateway;

/** Start, stop and restart of the real gateway: data survives, operator mistakes get one-line errors. */
class GatewayLifecycleIT {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void createPki() {}

    @Test
    void restartOnSameDataDirKeepsDatabaseRowsAndQueuedMessages() throws Exception {
        Path dataDir = tmp.resolve("restart-data");
        GatewaySettings settings = TestGateway.settings(dataDir, 0);

        try (GatewayRuntime first = GatewayRuntime.start(settings)) {
            insertMessageRow(first, "trk-restart-1");
            try (JMSContext jms = first.jmsConnectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
                Queue queue = jms.createQueue("it.restart");
                jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(queue, "kept across restart");
                jms.commit();
            }
        }
        assertThat(dataDir.resolve("artemis/journal")).isDirectory();
        assertThat(Files.list(dataDir.resolve("db")).map(p -> p.getFileName().toString()))
                .anyMatch(name -> name.startsWith("interchange"));

        try (GatewayRuntime second = GatewayRuntime.start(settings)) {
            assertThat(senderMessageIdOf(second, "trk-restart-1")).isEqualTo("msg-1");
            try (JMSContext jms = second.jmsConnectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
                JMSConsumer consumer = jms.createConsumer(jms.createQueue("it.restart"));
                Message received = consumer.receive(5_000);
                assertThat(received).isNotNull();
                assertThat(received.getBody(String.class)).isEqualTo("kept across restart");
                jms.commit();
            }
        }
    }

    @Test
    void refusesToStartWhenPortIsTakenWithOneLineAdvice() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            GatewaySettings settings = TestGateway.settings(tmp.resolve("port-data"), port);

            assertThatThrownBy(() -> GatewayRuntime.start(settings))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("Port " + port
                            + " on 127.0.0.1 is already in use: stop the other process or set gateway.https.port");
        }
        // Everything started before the failure was stopped again: the same data dir starts cleanly.
        try (GatewayRuntime again = GatewayRuntime.start(TestGateway.settings(tmp.resolve("port-data"), 0))) {
            assertThat(again.httpsPort()).isPositive();
        }
    }

    @Test
    void refusesToStartWithoutKeystoreNamingThePropertyToSet() {
        assertRefusesToStartBeforeTouchingTheDataDir(
                "gateway.tls.keystore",
                "certs-missing/gateway-tls.p12",
                "Certificate file certs-missing/gateway-tls.p12 not found: run ./gateway dev-pki"
                        + " or set gateway.tls.keystore");
    }

    @Test
    void refusesANegativeDatabaseHousekeepingBudgetNamingTheProperty() {
        assertRefusesToStartBeforeTouchingTheDataDir(
                "gateway.db.h2.compaction-bytes-per-second",
                "-1",
                "Configuration property gateway.db.h2.compaction-bytes-per-second must be 0 (no housekeeping) or a"
                        + " number of bytes up to 2147483647, not -1");
    }

    /** With {@code key} set to {@code value} the gateway refuses to start with {@code message}, data dir untouched. */
    private void assertRefusesToStartBeforeTouchingTheDataDir(String key, String value, String message) {
        Path dataDir = tmp.resolve("refused-" + key);
        Map<String, String> overrides = TestGateway.overrides(dataDir, 0);
        overrides.put(key, value);
        GatewaySettings settings = GatewaySettings.load(overrides);

        assertThatThrownBy(() -> GatewayRuntime.start(settings))
                .isInstanceOf(StartupException.class)
                .hasMessage(message);
        assertThat(dataDir).doesNotExist();
    }

    private static void insertMessageRow(GatewayRuntime gateway, String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event,"
                                + " received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, trackingId);
            ps.setString(2, "urn:interchange:school:100001");
            ps.setString(3, "msg-1");
            ps.setString(4, "0".repeat(64));
            ps.setString(5, "safeguarding-referral");
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static String senderMessageIdOf(GatewayRuntime gateway, String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT sender_message_id FROM message WHERE tracking_id = ?")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row survived the restart").isTrue();
                return rs.getString(1);
            }
        }
    }
}
