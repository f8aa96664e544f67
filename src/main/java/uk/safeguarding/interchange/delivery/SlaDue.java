package uk.safeguarding.interchange.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Transactions;

/**
 * The SLA columns of a delivery (V23): {@code sla_deadline} and {@code sla_awaits} from the {@link SlaPolicy} when
 * the rule concerns the delivery's role, and {@code sla_due_at}, the deadline while the delivery still awaits it and
 * was not escalated (else NULL), which the {@code sla-timer} reads through {@code ix_delivery_sla_due}.
 * {@link #apply} brings the stored deadlines in line with the policy at start. Immutable; thread-safe.
 */
public final class SlaDue {
    private static final Logger log = LoggerFactory.getLogger(SlaDue.class);
    private static final int BATCH = 1000;

    /** A delivery's service level: its deadline and the state it awaits. */
    record Terms(Instant deadline, SlaPolicy.Awaits awaits) {}

    private final SlaPolicy policy;

    public SlaDue(SlaPolicy policy) {
        this.policy = Objects.requireNonNull(policy);
    }

    public SlaPolicy policy() {
        return policy;
    }

    /**
     * The service level of the delivery of a message (event, priority, accepted at) to a recipient in {@code role}:
     * empty when no rule matches or the rule does not concern the role (an outcome is owed by primary recipients
     * only). A present one is awaited in {@code ROUTED}, whatever it awaits.
     */
    Optional<Terms> terms(EventCode event, String priority, Instant receivedAt, String role) {
        return policy.deadline(event, priority, receivedAt)
                .filter(d -> awaiting(d.awaits(), role, DeliveryState.ROUTED))
                .map(d -> new Terms(d.at(), d.awaits()));
    }

    /** Whether a delivery in {@code role} and {@code state} still awaits a deadline that awaits {@code awaits}. */
    static boolean awaiting(SlaPolicy.Awaits awaits, String role, DeliveryState state) {
        return switch (awaits) {
            case DELIVERED -> state == DeliveryState.ROUTED;
            case OUTCOME ->
                "primary".equals(role) && (state == DeliveryState.ROUTED || state == DeliveryState.DELIVERED);
        };
    }

    /** The {@code sla_due_at} of a delivery with these stored terms, in {@code state}. */
    static Instant dueAt(
            Instant deadline, SlaPolicy.Awaits awaits, String role, DeliveryState state, boolean escalated) {
        return deadline != null && awaits != null && !escalated && awaiting(awaits, role, state) ? deadline : null;
    }

    /**
     * Run at gateway start, before the routes: when the policy's fingerprint differs from the one the deliveries'
     * deadlines were computed with (or none was recorded: the first start after V23), recomputes the SLA columns of
     * every delivery that may still await a deadline, in batches, then records the fingerprint. Deliveries routed
     * before the upgrade thus keep their escalations, and a changed config/sla.yaml applies to deliveries already
     * routed, as it did when the timer computed every deadline itself. Another gateway on the same database must run
     * the same policy.
     *
     * @return the deliveries recomputed, or -1 when the stored deadlines were already this policy's
     */
    public long apply(DataSource dataSource, Clock clock) throws SQLException {
        String fingerprint = policy.fingerprint();
        if (fingerprint.equals(appliedFingerprint(dataSource).orElse(null))) {
            return -1;
        }
        long started = System.nanoTime();
        long updated = 0;
        String[] after = {"", ""};
        while (true) {
            int done = Transactions.inTransaction(dataSource, connection -> recomputeBatch(connection, after));
            updated += done;
            if (done < BATCH) {
                break;
            }
        }
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sla_policy_applied")) {
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sla_policy_applied (id, fingerprint, applied_at) VALUES (1, ?, ?)")) {
                insert.setString(1, fingerprint);
                insert.setTimestamp(2, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
            return null;
        });
        log.info(
                "SLA deadlines computed for {} deliveries that may still await one (first start after V23 or"
                        + " config/sla.yaml changed; fingerprint {}) in {} ms",
                updated,
                fingerprint.substring(0, 12),
                (System.nanoTime() - started) / 1_000_000);
        return updated;
    }

    /** Recomputes the next batch after the key {@code after} (advanced); returns the rows read. */
    private int recomputeBatch(Connection connection, String[] after) throws SQLException {
        record Found(
                String trackingId,
                String recipientId,
                String state,
                Instant deadline,
                SlaPolicy.Awaits awaits,
                Instant dueAt) {}
        List<Found> found = new ArrayList<>();
        // Escalated deliveries and those past any awaiting (OUTCOME, WITHDRAWN, EXPIRED) never await again;
        // DELIVERY_FAILED may be replayed (DeadLetters), so it keeps a deadline.
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT d.tracking_id, d.recipient_id, d.role, d.state, m.event, m.priority, m.received_at"
                        + " FROM delivery d JOIN message m ON m.tracking_id = d.tracking_id"
                        + " WHERE (d.tracking_id > ? OR (d.tracking_id = ? AND d.recipient_id > ?))"
                        + " AND d.escalated_at IS NULL AND d.state IN ('ROUTED','DELIVERED','DELIVERY_FAILED')"
                        + " ORDER BY d.tracking_id, d.recipient_id FETCH FIRST " + BATCH + " ROWS ONLY")) {
            query.setString(1, after[0]);
            query.setString(2, after[0]);
            query.setString(3, after[1]);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String role = rs.getString(3);
                    DeliveryState state = DeliveryState.valueOf(rs.getString(4));
                    String priority = rs.getString(6);
                    Instant receivedAt = rs.getTimestamp(7).toInstant();
                    Optional<Terms> terms =
                            EventCode.fromCode(rs.getString(5)).flatMap(e -> terms(e, priority, receivedAt, role));
                    Instant deadline = terms.map(Terms::deadline).orElse(null);
                    SlaPolicy.Awaits awaits = terms.map(Terms::awaits).orElse(null);
                    found.add(new Found(
                            rs.getString(1),
                            rs.getString(2),
                            state.name(),
                            deadline,
                            awaits,
                            dueAt(deadline, awaits, role, state, false)));
                }
            }
        }
        if (found.isEmpty()) {
            return 0;
        }
        // The state guard leaves a delivery that moved meanwhile (another gateway instance) as that move left it.
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE delivery SET sla_deadline = ?, sla_awaits = ?, sla_due_at = ?"
                        + " WHERE tracking_id = ? AND recipient_id = ? AND state = ? AND escalated_at IS NULL")) {
            for (Found f : found) {
                update.setTimestamp(1, f.deadline() == null ? null : Timestamp.from(f.deadline()));
                update.setString(2, f.awaits() == null ? null : f.awaits().name());
                update.setTimestamp(3, f.dueAt() == null ? null : Timestamp.from(f.dueAt()));
                update.setString(4, f.trackingId());
                update.setString(5, f.recipientId());
                update.setString(6, f.state());
                update.addBatch();
            }
            update.executeBatch();
        }
        Found last = found.get(found.size() - 1);
        after[0] = last.trackingId();
        after[1] = last.recipientId();
        return found.size();
    }

    private static Optional<String> appliedFingerprint(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("SELECT fingerprint FROM sla_policy_applied WHERE id = 1");
                ResultSet rs = query.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }
}
