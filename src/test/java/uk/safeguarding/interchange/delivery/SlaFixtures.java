package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.directory.DirectoryHolder;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.MasterKey;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.store.RetentionPolicy;
import uk.safeguarding.interchange.testsupport.MessageRows;
import uk.safeguarding.interchange.testsupport.MigratedTo;

/**
 * SLA escalation over a real database: a {@link SlaMonitor} wired as the gateway wires it (config/sla.yaml, the dev
 * directory, whose MASH 850 has an e-mail escalation contact: an escalation is an {@code escalation_notice} row), and
 * the upgrade scenario of V23 run on H2 ({@link SlaMonitorIT}) and PostgreSQL ({@code MigrationsOnPostgresIT}).
 */
public final class SlaFixtures {
    /** A Monday: an urgent referral is due by Tuesday 10:00 (one working day), a stat one by 11:00. */
    static final Instant ACCEPTED = Instant.parse("2026-11-23T10:00:00Z");

    static final String MASH_850 = "urn:interchange:mash:850";
    static final String POLICE = "urn:interchange:police:hampshire";
    static final String SCHOOL = "urn:interchange:school:100001";

    private SlaFixtures() {}

    static SlaPolicy policy() {
        return SlaPolicy.load(Path.of("config/sla.yaml"));
    }

    static Deliveries deliveries(Clock clock, SlaPolicy policy) {
        return new Deliveries(
                new LedgerAppender(clock),
                clock,
                new PayloadStore(new MasterKey(new byte[32]), RetentionPolicy.from(new Properties())),
                policy);
    }

    static SlaMonitor monitor(DataSource ds, Clock clock, SlaPolicy policy) {
        Deliveries deliveries = deliveries(clock, policy);
        DeliveryQueue queue = new DeliveryQueue() {
            @Override
            public void publish(String trackingId, String recipientId) {}

            @Override
            public void publishAll(List<DeliveryRelay.Pending> pending) {}
        };
        DeliveryRelay relay =
                new DeliveryRelay(ds, new GroupCommit(ds, 4), deliveries, queue, clock, Duration.ofSeconds(30));
        return new SlaMonitor(
                ds,
                new DirectoryHolder(Path.of("config/directory.yaml"))::current,
                deliveries,
                relay,
                new GatewayMessages(new CanonicalXml(), new byte[] {1}, clock),
                policy,
                clock);
    }

    static Clock at(Duration sinceAccepted) {
        return Clock.fixed(ACCEPTED.plus(sinceAccepted), ZoneOffset.UTC);
    }

    static void insertMessage(Connection c, String trackingId, String event, String priority) throws SQLException {
        MessageRows.insert(c, trackingId, "urn:interchange:police:hampshire", event, priority, ACCEPTED);
    }

    static String state(DataSource ds, String trackingId, String recipientId) throws SQLException {
        return string(
                ds, "SELECT state FROM delivery WHERE tracking_id = ? AND recipient_id = ?", trackingId, recipientId);
    }

    static Instant dueAt(DataSource ds, String trackingId, String recipientId) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement query = c.prepareStatement(
                        "SELECT sla_due_at FROM delivery WHERE tracking_id = ? AND recipient_id = ?")) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).as(trackingId + " " + recipientId).isTrue();
                Timestamp due = rs.getTimestamp(1);
                return due == null ? null : due.toInstant();
            }
        }
    }

    /** How many escalation notices (e-mail contacts) were written for the message. */
    static int notices(DataSource ds, String trackingId) throws SQLException {
        return Integer.parseInt(string(ds, "SELECT COUNT(*) FROM escalation_notice WHERE tracking_id = ?", trackingId));
    }

    /** How many ESCALATED ledger entries the message has. */
    static int escalatedEntries(DataSource ds, String trackingId) throws SQLException {
        return Integer.parseInt(string(
                ds, "SELECT COUNT(*) FROM ledger_entry WHERE tracking_id = ? AND event = 'ESCALATED'", trackingId));
    }

    /** The first column of the query's first row, as a string; null when there is none. */
    static String string(DataSource ds, String sql, String... parameters) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement query = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * V23 on a database holding deliveries routed before it (no SLA columns): an urgent referral's primary delivery
     * still awaiting its outcome, its copy (owes none), an answered one and one no rule concerns. Until the first start
     * computed their deadlines the timer sees none; after it, the breached one is escalated, once.
     */
    public static void upgradeKeepsEscalations(String jdbcUrl, String user, String password) throws Exception {
        MigratedTo.version("22", jdbcUrl, user, password);
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            insertMessage(c, "old-urgent", "safeguarding-referral", "urgent");
            insertOldDelivery(c, "old-urgent", MASH_850, "primary", "DELIVERED");
            insertOldDelivery(c, "old-urgent", POLICE, "copy", "DELIVERED");
            insertMessage(c, "old-answered", "safeguarding-referral", "urgent");
            insertOldDelivery(c, "old-answered", MASH_850, "primary", "OUTCOME");
            insertMessage(c, "old-routine", "safeguarding-referral", "routine");
            insertOldDelivery(c, "old-routine", MASH_850, "primary", "DELIVERED");
        }
        SlaPolicy policy = policy();
        try (Database db = Database.open(jdbcUrl, user, password, 2)) {
            DataSource ds = db.dataSource();
            SlaMonitor monitor = monitor(ds, at(Duration.ofDays(2)), policy);
            assertThat(monitor.check()).as("no deadline stored yet").isZero();

            assertThat(monitor.applyPolicy())
                    .as("the three that may still await a deadline")
                    .isEqualTo(3);
            assertThat(dueAt(ds, "old-urgent", MASH_850)).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
            assertThat(dueAt(ds, "old-urgent", POLICE)).isNull();
            assertThat(dueAt(ds, "old-routine", MASH_850)).isNull();
            assertThat(monitor.applyPolicy()).as("applied once per policy").isEqualTo(-1);

            assertThat(monitor.check()).isEqualTo(1);
            assertThat(monitor.check()).isZero();
            assertThat(state(ds, "old-urgent", MASH_850)).isEqualTo("ESCALATED");
            assertThat(state(ds, "old-urgent", POLICE)).isEqualTo("DELIVERED");
            assertThat(state(ds, "old-answered", MASH_850)).isEqualTo("OUTCOME");
            assertThat(notices(ds, "old-urgent")).isEqualTo(1);
            assertThat(escalatedEntries(ds, "old-urgent")).isEqualTo(1);
            assertThat(dueAt(ds, "old-urgent", MASH_850)).isNull();
        }
    }

    private static void insertOldDelivery(
            Connection c, String trackingId, String recipientId, String role, String state) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO delivery (tracking_id, recipient_id, role, state, created_at, updated_at)"
                        + " VALUES (?,?,?,?,?,?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, recipientId);
            insert.setString(3, role);
            insert.setString(4, state);
            insert.setTimestamp(5, Timestamp.from(ACCEPTED));
            insert.setTimestamp(6, Timestamp.from(ACCEPTED));
            insert.executeUpdate();
        }
    }
}
