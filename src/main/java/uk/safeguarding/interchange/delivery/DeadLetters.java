package uk.safeguarding.interchange.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.store.Transactions;
import uk.safeguarding.interchange.trust.OrganisationIds;

/**
 * The dead-letter queue of push deliveries: deliveries given up ({@code DELIVERY_FAILED}, {@code dead_lettered_at}
 * set). {@link #replay} puts one back: {@code ROUTED}, a new generation (the attempt count starts again), due for the
 * push-retry timer now, and a {@code REPLAYED} ledger entry (actor: the operator), in one transaction. Thread-safe.
 */
public final class DeadLetters {
    /**
     * Every parked delivery, by {@code ix_delivery_parked}: a range from the epoch rather than {@code IS NOT NULL},
     * which H2 answers with a table scan ({@code QueryPlansIT}). Parameter: the epoch.
     */
    static final String LIST_QUERY =
            "SELECT d.tracking_id, d.recipient_id, m.event, d.attempts, d.last_error, d.dead_lettered_at"
                    + " FROM delivery d JOIN message m ON m.tracking_id = d.tracking_id"
                    + " WHERE d.dead_lettered_at >= ? AND d.state = 'DELIVERY_FAILED'"
                    + " ORDER BY d.dead_lettered_at, d.tracking_id, d.recipient_id";

    /** One parked delivery. */
    public record DeadLetter(
            String trackingId, String recipientId, String event, int attempts, String lastError, Instant parkedAt) {}

    private final DataSource dataSource;
    private final LedgerAppender ledger;
    private final Clock clock;

    public DeadLetters(DataSource dataSource, LedgerAppender ledger, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Every parked delivery, oldest first. */
    public List<DeadLetter> list() throws SQLException {
        List<DeadLetter> letters = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(LIST_QUERY)) {
            query.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    letters.add(new DeadLetter(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getString(5),
                            rs.getTimestamp(6).toInstant()));
                }
            }
        }
        return letters;
    }

    /**
     * Replays the parked deliveries of {@code trackingId} (to {@code recipientId} only, when not null).
     *
     * @param operator who asked, for the ledger (an operator name or id, not personal data beyond that)
     * @return the recipients replayed
     */
    public List<String> replay(String trackingId, String recipientId, String operator) throws SQLException {
        List<String> replayed = new ArrayList<>();
        Transactions.inTransaction(dataSource, connection -> {
            List<String[]> parked = new ArrayList<>();
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT d.recipient_id, m.event FROM delivery d JOIN message m ON m.tracking_id = d.tracking_id"
                            + " WHERE d.tracking_id = ? AND d.state = 'DELIVERY_FAILED'"
                            + " AND d.dead_lettered_at IS NOT NULL FOR UPDATE")) {
                lock.setString(1, trackingId);
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        if (recipientId == null || recipientId.equals(rs.getString(1))) {
                            parked.add(new String[] {rs.getString(1), rs.getString(2)});
                        }
                    }
                }
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            for (String[] p : parked) {
                // Back in ROUTED it awaits its SLA deadline again (every stored deadline is awaited in ROUTED),
                // unless it was escalated once already (SlaDue).
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE delivery SET state = 'ROUTED', dead_lettered_at = NULL, next_attempt_at = ?,"
                                + " generation = generation + 1, attempts = 0, updated_at = ?,"
                                + " sla_due_at = CASE WHEN escalated_at IS NULL THEN sla_deadline END"
                                + " WHERE tracking_id = ? AND recipient_id = ?")) {
                    update.setTimestamp(1, Timestamp.from(now));
                    update.setTimestamp(2, Timestamp.from(now));
                    update.setString(3, trackingId);
                    update.setString(4, p[0]);
                    update.executeUpdate();
                }
                ledger.append(
                        connection,
                        new NewLedgerEntry("REPLAYED", trackingId, null, operatorId(operator), p[0], p[1], null, null));
                replayed.add(p[0]);
            }
            return null;
        });
        return replayed;
    }

    /**
     * The ledger's actor for an operator: entries name organisation ids, so an operator "name" (or
     * "operator:name") becomes {@code urn:interchange:operator:<name>}, with anything but letters, digits, dot,
     * underscore and hyphen replaced.
     */
    static String operatorId(String operator) {
        if (operator.startsWith(OrganisationIds.PREFIX)) {
            return operator;
        }
        String name = operator.startsWith("operator:") ? operator.substring("operator:".length()) : operator;
        name = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return OrganisationIds.PREFIX + "operator:"
                + (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0)) ? "x" + name : name);
    }
}
