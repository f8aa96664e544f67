package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.directory.DirectoryHolder;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.MasterKey;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.store.RetentionPolicy;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.MigratedTo;
import uk.safeguarding.interchange.trust.Pem;

/**
 * Migration V27 (the mailbox table folded into the delivery table) on a database holding LA 850's mailbox as V26 kept
 * it: a message stored and not acknowledged, one acknowledged, and a delivery not yet stored (no mailbox row). After
 * the upgrade the mailbox lists, refuses and acknowledges them as before. Run on H2 ({@code DatabaseTest}) and
 * PostgreSQL ({@code MigrationsOnPostgresIT}) against an empty database.
 */
public final class MailboxTableMigration {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String SCHOOL = "urn:interchange:school:100001";
    // Tracking ids are UUIDs (the receipts name them in canonical documents).
    private static final String WAITING = "01930000-0000-7000-8000-000000000001";
    private static final String ACKNOWLEDGED = "01930000-0000-7000-8000-000000000002";
    private static final String NOT_STORED = "01930000-0000-7000-8000-000000000003";
    private static final String NEVER_ROUTED = "01930000-0000-7000-8000-000000000004";
    private static final Instant WAITING_AVAILABLE = Instant.parse("2026-11-30T10:00:00.000001Z");
    private static final Instant ACKNOWLEDGED_AVAILABLE = Instant.parse("2026-11-30T09:00:00Z");

    private MailboxTableMigration() {}

    public static void run(String jdbcUrl, String user, String password) throws Exception {
        MigratedTo.version("26", jdbcUrl, user, password);
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            insertMessage(c, WAITING);
            insertDelivery(c, WAITING, "ROUTED");
            insertMailboxRow(c, WAITING, WAITING_AVAILABLE, null);
            insertMessage(c, ACKNOWLEDGED);
            insertDelivery(c, ACKNOWLEDGED, "DELIVERED");
            insertMailboxRow(c, ACKNOWLEDGED, ACKNOWLEDGED_AVAILABLE, ACKNOWLEDGED_AVAILABLE.plusSeconds(60));
            insertMessage(c, NOT_STORED);
            insertDelivery(c, NOT_STORED, "ROUTED");
        }

        try (Database db = Database.open(jdbcUrl, user, password, 2)) {
            try (Connection c = db.dataSource().getConnection()) {
                assertThatThrownBy(() ->
                                c.prepareStatement("SELECT 1 FROM mailbox").executeQuery())
                        .isInstanceOf(SQLException.class);
            }
            Mailbox mailbox = mailbox(db.dataSource());

            assertThat(mailbox.list(LA_850)).singleElement().satisfies(entry -> {
                assertThat(entry.trackingId()).isEqualTo(WAITING);
                assertThat(entry.availableAt()).isEqualTo(WAITING_AVAILABLE);
            });
            assertThat(mailbox.acknowledge(LA_850, ACKNOWLEDGED))
                    .as("acknowledged before the upgrade: no second receipt")
                    .isEqualTo(
                            new Mailbox.Acknowledged(ACKNOWLEDGED, LA_850, DeliveryState.DELIVERED, Optional.empty()));
            assertThatThrownBy(() -> mailbox.acknowledge(LA_850, NOT_STORED))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.AUTH_NOT_PERMITTED));

            Mailbox.Acknowledged first = mailbox.acknowledge(LA_850, WAITING);
            assertThat(first.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(first.receipt()).as("a delivery receipt to the school").isPresent();
            assertThat(mailbox.acknowledge(LA_850, WAITING).receipt())
                    .as("acknowledging again sends nothing")
                    .isEmpty();
            assertThat(mailbox.list(LA_850)).isEmpty();

            // A batch naming a message never routed to LA 850 stores nothing of it.
            assertThatThrownBy(() -> mailbox.storeAll(List.of(NOT_STORED, NEVER_ROUTED), LA_850))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(mailbox.list(LA_850)).isEmpty();

            // The consumer stores the delivery that had not arrived yet, once, and leaves the others as they are.
            assertThat(mailbox.storeAll(List.of(NOT_STORED, WAITING, ACKNOWLEDGED, NOT_STORED), LA_850))
                    .isEqualTo(1);
            assertThat(mailbox.list(LA_850))
                    .extracting(MailboxEntry::trackingId)
                    .containsExactly(NOT_STORED);
        }
    }

    static Mailbox mailbox(DataSource ds) throws Exception {
        LedgerAppender ledger = new LedgerAppender(CLOCK);
        Deliveries deliveries = new Deliveries(
                ledger,
                CLOCK,
                new PayloadStore(new MasterKey(new byte[32]), RetentionPolicy.from(new Properties())),
                SlaPolicy.load(Path.of("config/sla.yaml")));
        DeliveryQueue queue = new DeliveryQueue() {
            @Override
            public void publish(String trackingId, String recipientId) {}

            @Override
            public void publishAll(List<DeliveryRelay.Pending> pending) {}
        };
        GroupCommit group = new GroupCommit(ds, 4);
        return new Mailbox(
                ds,
                group,
                new DirectoryHolder(Path.of("config/directory.yaml"))::current,
                deliveries,
                new DeliveryRelay(ds, group, deliveries, queue, CLOCK, Duration.ofSeconds(30)),
                new GatewayMessages(
                        new CanonicalXml(),
                        Pem.readCertificate(DevCerts.DIR.resolve("gateway-signing.crt.pem"))
                                .getEncoded(),
                        CLOCK),
                ledger,
                CLOCK);
    }

    private static void insertMessage(Connection c, String trackingId) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at,"
                        + " binding, priority, routed_at) VALUES (?, ?, ?, ?, 'safeguarding-referral', ?, 'fhir',"
                        + " 'routine', ?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, SCHOOL);
            insert.setString(3, "msg-" + trackingId);
            insert.setString(4, "0".repeat(64));
            insert.setTimestamp(5, Timestamp.from(ACKNOWLEDGED_AVAILABLE.minusSeconds(600)));
            insert.setTimestamp(6, Timestamp.from(ACKNOWLEDGED_AVAILABLE.minusSeconds(600)));
            insert.executeUpdate();
        }
    }

    private static void insertDelivery(Connection c, String trackingId, String state) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO delivery (tracking_id, recipient_id, role, state, created_at, updated_at, queued_at)"
                        + " VALUES (?, ?, 'primary', ?, ?, ?, ?)")) {
            Timestamp routed = Timestamp.from(ACKNOWLEDGED_AVAILABLE.minusSeconds(600));
            insert.setString(1, trackingId);
            insert.setString(2, LA_850);
            insert.setString(3, state);
            insert.setTimestamp(4, routed);
            insert.setTimestamp(5, routed);
            insert.setTimestamp(6, routed);
            insert.executeUpdate();
        }
    }

    private static void insertMailboxRow(Connection c, String trackingId, Instant available, Instant acknowledged)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO mailbox (tracking_id, recipient_id, available_at, acknowledged_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, LA_850);
            insert.setTimestamp(3, Timestamp.from(available));
            insert.setTimestamp(4, acknowledged == null ? null : Timestamp.from(acknowledged));
            insert.executeUpdate();
        }
    }
}
