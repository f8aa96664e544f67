package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.delivery.SlaFixtures.ACCEPTED;
import static uk.safeguarding.interchange.delivery.SlaFixtures.MASH_850;
import static uk.safeguarding.interchange.delivery.SlaFixtures.POLICE;
import static uk.safeguarding.interchange.delivery.SlaFixtures.SCHOOL;
import static uk.safeguarding.interchange.delivery.SlaFixtures.at;
import static uk.safeguarding.interchange.delivery.SlaFixtures.dueAt;
import static uk.safeguarding.interchange.delivery.SlaFixtures.escalatedEntries;
import static uk.safeguarding.interchange.delivery.SlaFixtures.notices;
import static uk.safeguarding.interchange.delivery.SlaFixtures.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.Transactions;

/**
 * The sla-timer against a real, migrated H2 database: deliveries carry their deadline from routing on, leave the due
 * set when they meet it, and a breached one is escalated exactly once; deliveries routed before V23 get theirs at the
 * first start.
 */
class SlaMonitorIT {
    private static final Clock CLOCK = Clock.fixed(ACCEPTED, ZoneOffset.UTC);
    private static final Instant TUESDAY_10 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path tmp;

    Database database;
    DataSource ds;
    SlaPolicy policy = SlaFixtures.policy();
    Deliveries deliveries;

    @BeforeEach
    void start() {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/sla") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 4);
        ds = database.dataSource();
        deliveries = SlaFixtures.deliveries(CLOCK, policy);
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void aBreachedDeliveryIsEscalatedOnceAndOnesThatMetTheirDeadlineOrOweNoneAreNot() throws Exception {
        Transactions.inTransaction(ds, c -> {
            SlaFixtures.insertMessage(c, "urgent", "safeguarding-referral", "urgent");
            route(c, "urgent", MASH_850, "primary");
            route(c, "urgent", POLICE, "copy");
            SlaFixtures.insertMessage(c, "answered", "safeguarding-referral", "urgent");
            route(c, "answered", MASH_850, "primary");
            SlaFixtures.insertMessage(c, "encompass-read", "encompass-notification", null);
            route(c, "encompass-read", SCHOOL, "primary");
            SlaFixtures.insertMessage(c, "encompass-unread", "encompass-notification", null);
            route(c, "encompass-unread", SCHOOL, "primary");
            return null;
        });
        assertThat(dueAt(ds, "urgent", MASH_850)).isEqualTo(TUESDAY_10);
        assertThat(dueAt(ds, "urgent", POLICE)).as("a copy owes no outcome").isNull();
        Instant schoolStarts = Instant.parse("2026-11-24T08:30:00Z");
        assertThat(dueAt(ds, "encompass-unread", SCHOOL)).isEqualTo(schoolStarts);

        move("urgent", MASH_850, DeliveryState.DELIVERED, null);
        move("urgent", POLICE, DeliveryState.DELIVERED, null);
        move("answered", MASH_850, DeliveryState.DELIVERED, null);
        move("answered", MASH_850, DeliveryState.OUTCOME, "accepted");
        move("encompass-read", SCHOOL, DeliveryState.DELIVERED, null);
        assertThat(dueAt(ds, "urgent", MASH_850))
                .as("acknowledged, still awaiting its outcome")
                .isEqualTo(TUESDAY_10);
        assertThat(dueAt(ds, "answered", MASH_850)).as("answered").isNull();
        assertThat(dueAt(ds, "encompass-read", SCHOOL))
                .as("delivered was all it awaited")
                .isNull();

        assertThat(monitorAt(Duration.ofHours(22)).check())
                .as("Tuesday 08:00: nothing due")
                .isZero();
        assertThat(monitorAt(Duration.ofHours(23)).check())
                .as("Tuesday 09:00: the unread notification")
                .isEqualTo(1);
        assertThat(monitorAt(Duration.ofDays(1)).check())
                .as("Tuesday 10:00: the referral")
                .isEqualTo(1);
        assertThat(monitorAt(Duration.ofDays(3)).check()).isZero();

        assertThat(state(ds, "urgent", MASH_850)).isEqualTo("ESCALATED");
        assertThat(state(ds, "encompass-unread", SCHOOL)).isEqualTo("ESCALATED");
        assertThat(state(ds, "urgent", POLICE)).isEqualTo("DELIVERED");
        assertThat(state(ds, "answered", MASH_850)).isEqualTo("OUTCOME");
        assertThat(state(ds, "encompass-read", SCHOOL)).isEqualTo("DELIVERED");
        for (String escalated : new String[] {"urgent", "encompass-unread"}) {
            assertThat(notices(ds, escalated)).as(escalated).isEqualTo(1);
            assertThat(escalatedEntries(ds, escalated)).as(escalated).isEqualTo(1);
        }
        assertThat(notices(ds, "answered") + notices(ds, "encompass-read")).isZero();
        assertThat(dueAt(ds, "urgent", MASH_850)).isNull();

        // Acknowledged after the escalation: it does not come back into the due set.
        move("urgent", MASH_850, DeliveryState.DELIVERED, null);
        assertThat(dueAt(ds, "urgent", MASH_850)).isNull();
        assertThat(monitorAt(Duration.ofDays(4)).check()).isZero();
    }

    @Test
    void aDeadLetterAwaitsNoDeadlineUntilAnOperatorReplaysIt() throws Exception {
        Transactions.inTransaction(ds, c -> {
            SlaFixtures.insertMessage(c, "stat", "safeguarding-referral", "stat");
            route(c, "stat", MASH_850, "primary");
            return null;
        });
        move("stat", MASH_850, DeliveryState.DELIVERY_FAILED, "DLV-001");
        try (Connection c = ds.getConnection();
                PreparedStatement park =
                        c.prepareStatement("UPDATE delivery SET dead_lettered_at = ? WHERE tracking_id = 'stat'")) {
            park.setTimestamp(1, Timestamp.from(ACCEPTED));
            park.executeUpdate();
        }
        assertThat(dueAt(ds, "stat", MASH_850)).isNull();
        assertThat(monitorAt(Duration.ofHours(2)).check()).isZero();

        new DeadLetters(ds, new LedgerAppender(CLOCK), CLOCK).replay("stat", MASH_850, "operator:test");

        assertThat(dueAt(ds, "stat", MASH_850)).isEqualTo(ACCEPTED.plus(Duration.ofHours(1)));
        assertThat(monitorAt(Duration.ofHours(2)).check()).isEqualTo(1);
        assertThat(state(ds, "stat", MASH_850)).isEqualTo("ESCALATED");
    }

    @Test
    void aChangedPolicyAppliesToDeliveriesAlreadyRouted() throws Exception {
        Transactions.inTransaction(ds, c -> {
            SlaFixtures.insertMessage(c, "stat", "safeguarding-referral", "stat");
            route(c, "stat", MASH_850, "primary");
            return null;
        });
        assertThat(SlaFixtures.monitor(ds, CLOCK, policy).applyPolicy()).isEqualTo(1);
        assertThat(SlaFixtures.monitor(ds, CLOCK, policy).applyPolicy()).isEqualTo(-1);
        Path changed = Files.writeString(
                tmp.resolve("sla.yaml"),
                Files.readString(Path.of("config/sla.yaml"))
                        .replace(
                                "{ event: safeguarding-referral, priority: stat, awaits: OUTCOME, deadline: PT1H }",
                                "{ event: safeguarding-referral, priority: stat, awaits: OUTCOME, deadline: PT2H }"));
        SlaPolicy twoHours = SlaPolicy.load(changed);
        assertThat(twoHours.fingerprint()).isNotEqualTo(policy.fingerprint());

        assertThat(SlaFixtures.monitor(ds, CLOCK, twoHours).applyPolicy()).isEqualTo(1);

        assertThat(dueAt(ds, "stat", MASH_850)).isEqualTo(ACCEPTED.plus(Duration.ofHours(2)));
        assertThat(SlaFixtures.monitor(ds, at(Duration.ofMinutes(90)), twoHours).check())
                .isZero();
        assertThat(SlaFixtures.monitor(ds, at(Duration.ofHours(2)), twoHours).check())
                .isEqualTo(1);
    }

    @Test
    void deliveriesRoutedBeforeV23AreEscalatedAfterTheFirstStart() throws Exception {
        SlaFixtures.upgradeKeepsEscalations(
                "jdbc:h2:file:" + tmp.resolve("db/v22") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    }

    private void route(Connection c, String trackingId, String recipientId, String role) throws SQLException {
        EventCode event = EventCode.fromCode(
                        trackingId.startsWith("encompass") ? "encompass-notification" : "safeguarding-referral")
                .orElseThrow();
        assertThat(deliveries.route(c, trackingId, recipientId, role, event)).isTrue();
    }

    private void move(String trackingId, String recipientId, DeliveryState to, String detail) throws Exception {
        EventCode event = EventCode.fromCode(
                        trackingId.startsWith("encompass") ? "encompass-notification" : "safeguarding-referral")
                .orElseThrow();
        Transactions.inTransaction(
                        ds,
                        c -> deliveries.move(
                                c,
                                trackingId,
                                recipientId,
                                new Deliveries.Move(
                                        to,
                                        to == DeliveryState.OUTCOME ? detail : null,
                                        to == DeliveryState.DELIVERY_FAILED ? detail : null,
                                        recipientId,
                                        event)))
                .orElseThrow();
    }

    private SlaMonitor monitorAt(Duration sinceAccepted) {
        return SlaFixtures.monitor(ds, at(sinceAccepted), policy);
    }
}
