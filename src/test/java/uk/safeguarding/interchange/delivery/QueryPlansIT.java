package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.routing.JdbcMessageHistory;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.testsupport.MessageRows;

/**
 * The timers' and operators' queries on the delivery table use their indexes on the embedded H2, with a table shaped
 * like a busy gateway's: thousands of ROUTED and DELIVERED deliveries to one recipient, a few waiting for a retry, a
 * few parked, a few awaiting an SLA deadline, all of them in LA 850's mailbox. Before V22 H2 answered the push-retry
 * query (run every second) by walking every ROUTED delivery; before V23 the SLA timer (every minute) read every ROUTED
 * and DELIVERED delivery and computed each one's deadline; before V24 a follow-up naming an earlier message by its
 * sender's id read every delivery to its recipient (since V30 the idempotency key's index finds the message). Since V27 the mailbox listing reads the delivery table (it read a
 * table of its own before).
 */
class QueryPlansIT {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    static Path tmp;

    private static Database database;

    @BeforeAll
    static void fill() throws SQLException {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/plans") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 2);
        try (Connection c = database.dataSource().getConnection()) {
            for (int i = 0; i < 6000; i++) {
                MessageRows.insert(c, "t-" + i, "urn:interchange:school:100001", "safeguarding-referral", null, NOW);
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO delivery (tracking_id, recipient_id, role, state, created_at, updated_at,"
                            + " next_attempt_at, dead_lettered_at, sla_due_at, available_at, acknowledged_at)"
                            + " VALUES (?, 'urn:interchange:la:850', 'primary', ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 6000; i++) {
                    String state = i < 3000 ? "ROUTED" : "DELIVERED";
                    Timestamp retry = null;
                    Timestamp parked = null;
                    Timestamp slaDue = null;
                    if (i % 1000 == 1) {
                        retry = Timestamp.from(NOW.minusSeconds((i / 1000) % 2 == 0 ? 60 : -60));
                        state = "ROUTED";
                    } else if (i % 1000 == 2) {
                        parked = Timestamp.from(NOW.minusSeconds(3600));
                        state = "DELIVERY_FAILED";
                    } else if (i % 1000 == 3) {
                        slaDue = Timestamp.from(NOW.minusSeconds((i / 1000) % 2 == 0 ? 60 : -60));
                    }
                    insert.setString(1, "t-" + i);
                    insert.setString(2, state);
                    insert.setTimestamp(3, Timestamp.from(NOW));
                    insert.setTimestamp(4, Timestamp.from(NOW));
                    insert.setTimestamp(5, retry);
                    insert.setTimestamp(6, parked);
                    insert.setTimestamp(7, slaDue);
                    // LA 850 takes its messages from its mailbox: each stored a second after the one before, the
                    // delivered ones acknowledged.
                    insert.setTimestamp(8, Timestamp.from(available(i)));
                    insert.setTimestamp(9, state.equals("DELIVERED") ? Timestamp.from(NOW) : null);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void theRetryTimerReadsOnlyDeliveriesWaitingForARetry() throws SQLException {
        String plan = plan(PushDelivery.DUE_QUERY, Timestamp.from(Instant.EPOCH), Timestamp.from(NOW), 100);

        assertThat(plan).contains("ix_delivery_retry").doesNotContain("tableScan");
        assertThat(scanCount(plan)).isLessThanOrEqualTo(10);
    }

    @Test
    void theSlaTimerReadsOnlyDeliveriesAwaitingADeadline() throws SQLException {
        String plan = plan(SlaMonitor.DUE_QUERY, Timestamp.from(Instant.EPOCH), Timestamp.from(NOW));

        assertThat(plan).contains("ix_delivery_sla_due").doesNotContain("tableScan");
        assertThat(scanCount(plan)).isLessThanOrEqualTo(10);
    }

    @Test
    void theSlaQueryFindsWhatIsDue() throws SQLException {
        List<String> due = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement query = c.prepareStatement(SlaMonitor.DUE_QUERY)) {
            query.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            query.setTimestamp(2, Timestamp.from(NOW));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getString(1));
                }
            }
        }
        // Rows 3, 2003 and 4003 were due a minute ago; 1003, 3003 and 5003 are due in a minute.
        assertThat(due).containsExactlyInAnyOrder("t-3", "t-2003", "t-4003");
    }

    @Test
    void theDeadLetterListReadsOnlyParkedDeliveries() throws SQLException {
        String plan = plan(DeadLetters.LIST_QUERY, Timestamp.from(Instant.EPOCH));

        assertThat(plan).contains("ix_delivery_parked").doesNotContain("delivery.tableScan");
    }

    @Test
    void aFollowUpNamingAMessageByItsSendersIdReadsThatMessageNotEveryDeliveryToItsRecipient() throws SQLException {
        String plan = plan(JdbcMessageHistory.BY_RECIPIENT_QUERY, "urn:interchange:la:850", "msg-t-4242");

        // Since V30 the idempotency key's own index (sender_message_id, sender_id) finds it.
        assertThat(plan).contains("uq_message_sender_id").doesNotContain("tableScan");
        assertThat(scanCount(plan)).isLessThanOrEqualTo(10);
        assertThat(new JdbcMessageHistory(database.dataSource()).byRecipient("urn:interchange:la:850", "msg-t-4242"))
                .hasValueSatisfying(prior -> assertThat(prior.trackingId()).isEqualTo("t-4242"));
        assertThat(new JdbcMessageHistory(database.dataSource()).byRecipient("urn:interchange:la:851", "msg-t-4242"))
                .isEmpty();
    }

    @Test
    void theRetryQueryStillFindsWhatIsDue() throws SQLException {
        List<String> due = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement query = c.prepareStatement(PushDelivery.DUE_QUERY)) {
            query.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            query.setTimestamp(2, Timestamp.from(NOW));
            query.setInt(3, 100);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getString(1));
                }
            }
        }
        // Rows 1, 2001 and 4001 were due a minute ago; 1001, 3001 and 5001 are due in a minute.
        assertThat(due).containsExactlyInAnyOrder("t-1", "t-2001", "t-4001");
    }

    @Test
    void theMailboxListingReadsOnlyTheRecipientsUnacknowledgedDeliveries() throws SQLException {
        String first = plan(Mailbox.listQuery(1, false, Mailbox.LIST_LIMIT), "urn:interchange:la:850");
        String next = plan(
                Mailbox.listQuery(1, true, Mailbox.LIST_LIMIT),
                "urn:interchange:la:850",
                Timestamp.from(available(2990)));

        assertThat(first).contains("ix_delivery_mailbox").doesNotContain("delivery.tableScan");
        // The first scan count is the delivery table's (the second counts the message rows joined, two per row).
        assertThat(firstScanCount(first)).as("the unacknowledged ones only").isBetween(3000, 3100);
        assertThat(next).contains("ix_delivery_mailbox").doesNotContain("tableScan");
        assertThat(firstScanCount(next))
                .as("those available after the last one listed")
                .isLessThanOrEqualTo(20);
    }

    @Test
    void theMailboxListingFindsTheUnacknowledgedDeliveriesInTheOrderTheyBecameAvailable() throws SQLException {
        List<String> listed = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement query = c.prepareStatement(Mailbox.listQuery(2, true, Mailbox.LIST_LIMIT))) {
            query.setString(1, "urn:interchange:la:850");
            query.setString(2, "urn:interchange:la:851");
            query.setTimestamp(3, Timestamp.from(available(2990)));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    listed.add(rs.getString(1));
                }
            }
        }
        // After 2990: 2991 to 2999 (ROUTED), 3001, 4001 and 5001 (waiting for a retry), 3002, 4002 and 5002 (parked),
        // none acknowledged; LA 851 has no deliveries.
        assertThat(listed)
                .containsExactly(
                        "t-2991", "t-2992", "t-2993", "t-2994", "t-2995", "t-2996", "t-2997", "t-2998", "t-2999",
                        "t-3001", "t-3002", "t-4001", "t-4002", "t-5001", "t-5002");
    }

    /** When delivery {@code i} of the table became available in LA 850's mailbox. */
    private static Instant available(int i) {
        return NOW.minusSeconds(6000 - i);
    }

    private static String plan(String sql, Object... parameters) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static int firstScanCount(String plan) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(m.find()).as(plan).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int scanCount(String plan) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        int max = 0;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }
}
