package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.delivery.SlaFixtures.ACCEPTED;
import static uk.safeguarding.interchange.delivery.SlaFixtures.MASH_850;
import static uk.safeguarding.interchange.delivery.SlaFixtures.POLICE;
import static uk.safeguarding.interchange.delivery.SlaFixtures.dueAt;
import static uk.safeguarding.interchange.delivery.SlaFixtures.state;
import static uk.safeguarding.interchange.delivery.SlaFixtures.string;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.Transactions;

/**
 * {@link Deliveries#acknowledge} against a real, migrated H2 database: the first acknowledgement of a message in the
 * mailbox sets its time and moves the delivery to DELIVERED with one ledger entry; a repeat, a message not in the
 * mailbox, and a delivery whose state does not allow DELIVERED move nothing.
 */
class AcknowledgementIT {
    private static final Clock CLOCK = Clock.fixed(ACCEPTED.plus(Duration.ofMinutes(5)), ZoneOffset.UTC);
    private static final Instant AT = CLOCK.instant();
    private static final EventCode REFERRAL =
            EventCode.fromCode("safeguarding-referral").orElseThrow();

    @TempDir
    Path tmp;

    Database database;
    DataSource ds;
    Deliveries deliveries;

    @BeforeEach
    void start() throws Exception {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/ack") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 2);
        ds = database.dataSource();
        deliveries = SlaFixtures.deliveries(CLOCK, SlaFixtures.policy());
        Transactions.inTransaction(ds, c -> {
            SlaFixtures.insertMessage(c, "urgent", "safeguarding-referral", "urgent");
            deliveries.route(c, "urgent", MASH_850, "primary", REFERRAL);
            deliveries.route(c, "urgent", POLICE, "copy", REFERRAL);
            return null;
        });
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void theFirstAcknowledgementDeliversOnceAndARepeatChangesNothing() throws Exception {
        Instant due = dueAt(ds, "urgent", MASH_850);
        storeInMailbox("urgent", MASH_850);

        assertThat(acknowledge("urgent", MASH_850)).hasValue(DeliveryState.ROUTED);
        assertThat(state(ds, "urgent", MASH_850)).isEqualTo("DELIVERED");
        assertThat(acknowledged("urgent", MASH_850)).isTrue();
        assertThat(dueAt(ds, "urgent", MASH_850))
                .as("the primary still awaits its outcome")
                .isEqualTo(due)
                .isNotNull();
        assertThat(deliveredEntries("urgent", MASH_850)).isEqualTo(1);

        assertThat(acknowledge("urgent", MASH_850)).isEmpty();
        assertThat(state(ds, "urgent", MASH_850)).isEqualTo("DELIVERED");
        assertThat(deliveredEntries("urgent", MASH_850)).isEqualTo(1);
    }

    @Test
    void aMessageNotInTheMailboxIsNotAcknowledged() throws Exception {
        assertThat(acknowledge("urgent", POLICE)).isEmpty();
        assertThat(state(ds, "urgent", POLICE)).isEqualTo("ROUTED");
        assertThat(acknowledged("urgent", POLICE)).isFalse();
        assertThat(acknowledge("unknown", POLICE)).isEmpty();
        assertThat(deliveredEntries("urgent", POLICE)).isZero();
    }

    @Test
    void aWithdrawnDeliveryIsAcknowledgedButNotDelivered() throws Exception {
        storeInMailbox("urgent", POLICE);
        Transactions.inTransaction(
                ds,
                c -> deliveries.move(
                        c,
                        "urgent",
                        POLICE,
                        Deliveries.Move.to(DeliveryState.WITHDRAWN, SlaFixtures.POLICE, REFERRAL)));

        assertThat(acknowledge("urgent", POLICE)).isEmpty();
        assertThat(state(ds, "urgent", POLICE)).isEqualTo("WITHDRAWN");
        assertThat(acknowledged("urgent", POLICE)).as("it was read").isTrue();
        assertThat(deliveredEntries("urgent", POLICE)).isZero();
    }

    private Optional<DeliveryState> acknowledge(String trackingId, String recipientId) throws Exception {
        return Transactions.inTransaction(
                ds, c -> deliveries.acknowledge(c, trackingId, recipientId, AT, recipientId, REFERRAL));
    }

    private void storeInMailbox(String trackingId, String recipientId) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement store = c.prepareStatement(
                        "UPDATE delivery SET available_at = ? WHERE tracking_id = ? AND recipient_id = ?")) {
            store.setTimestamp(1, Timestamp.from(ACCEPTED));
            store.setString(2, trackingId);
            store.setString(3, recipientId);
            assertThat(store.executeUpdate()).isEqualTo(1);
        }
    }

    private boolean acknowledged(String trackingId, String recipientId) throws Exception {
        return Boolean.parseBoolean(string(
                ds,
                "SELECT acknowledged_at IS NOT NULL FROM delivery WHERE tracking_id = ? AND recipient_id = ?",
                trackingId,
                recipientId));
    }

    private int deliveredEntries(String trackingId, String recipientId) throws Exception {
        return Integer.parseInt(string(
                ds,
                "SELECT COUNT(*) FROM ledger_entry WHERE tracking_id = ? AND counterparty = ? AND event = 'DELIVERED'",
                trackingId,
                recipientId));
    }
}
