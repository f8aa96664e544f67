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
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.TrackingIds;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Transactions;

/**
 * Escalates missed service levels (spec §9): called by the {@code sla-timer} route, it finds deliveries whose
 * {@link SlaPolicy} deadline has passed by the injected clock without the awaited state ({@code DELIVERED}, or
 * {@code OUTCOME} for primary recipients), and for each, once, in one transaction: {@code ESCALATED} with its ledger
 * entry, {@code escalated_at}, and an {@code escalation} notice to the recipient's {@code escalationContact} — its
 * mailbox/push when the contact is an organisation in the directory, else (an e-mail address) a row in
 * {@code escalation_notice} for the out-of-band notifier. The deadlines are stored per delivery ({@link SlaDue}), so a
 * check reads only the deliveries due, however many there are. Thread-safe.
 */
public final class SlaMonitor {
    private static final Logger log = LoggerFactory.getLogger(SlaMonitor.class);

    /**
     * The deliveries whose deadline passed and that still await it, by {@code ix_delivery_sla_due}: a range from the
     * epoch, as H2 walks the index's NULL entries (every delivery without a pending deadline) for a bare {@code <= ?}
     * ({@code QueryPlansIT}). Parameters: the epoch, now.
     */
    static final String DUE_QUERY = "SELECT tracking_id, recipient_id FROM delivery"
            + " WHERE sla_due_at >= ? AND sla_due_at <= ? AND escalated_at IS NULL AND state IN ('ROUTED','DELIVERED')";

    private final DataSource dataSource;
    private final Supplier<Directory> directory;
    private final Deliveries deliveries;
    private final DeliveryRelay relay;
    private final Notices notices;
    private final SlaPolicy policy;
    private final SlaDue due;
    private final Clock clock;

    public SlaMonitor(
            DataSource dataSource,
            Supplier<Directory> directory,
            Deliveries deliveries,
            DeliveryRelay relay,
            GatewayMessages gatewayMessages,
            SlaPolicy policy,
            Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.directory = Objects.requireNonNull(directory);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.relay = Objects.requireNonNull(relay);
        this.notices = new Notices(deliveries, gatewayMessages);
        this.policy = Objects.requireNonNull(policy);
        this.due = new SlaDue(policy);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * At gateway start, before the timer: brings the deliveries' stored deadlines in line with this policy
     * ({@link SlaDue#apply}); returns how many were recomputed, -1 when none needed to be.
     */
    public long applyPolicy() throws SQLException {
        return due.apply(dataSource, clock);
    }

    /** Escalates every breached delivery; returns how many were escalated now. */
    public int check() throws SQLException {
        List<String[]> breached = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(DUE_QUERY)) {
            query.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            query.setTimestamp(2, Timestamp.from(clock.instant()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    breached.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        int escalated = 0;
        for (String[] b : breached) {
            try {
                if (escalate(b[0], b[1])) {
                    escalated++;
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("Escalating {} for {} failed; next check retries: {}", b[0], b[1], e.toString());
            }
        }
        return escalated;
    }

    private boolean escalate(String trackingId, String recipientId) throws SQLException {
        List<DeliveryRelay.Pending> toQueue = new ArrayList<>();
        boolean escalated = Transactions.inTransaction(dataSource, connection -> {
            StoredMessage message = StoredMessage.load(connection, trackingId);
            Optional<SlaPolicy.Deadline> deadline =
                    policy.deadline(message.event(), message.priority(), message.receivedAt());
            Optional<DeliveryState> before = deadline.isEmpty()
                    ? Optional.empty()
                    : deliveries.move(
                            connection,
                            trackingId,
                            recipientId,
                            Deliveries.Move.to(DeliveryState.ESCALATED, Deliveries.GATEWAY_ACTOR, message.event()));
            // Re-checked under the row lock: acknowledged or answered meanwhile, or escalated by another check.
            if (before.isEmpty()
                    || !SlaDue.awaiting(
                            deadline.get().awaits(), roleOf(connection, trackingId, recipientId), before.get())
                    || escalatedAt(connection, trackingId, recipientId)) {
                connection.rollback();
                return false;
            }
            markEscalated(connection, trackingId, recipientId);
            notify(connection, message, recipientId, deadline.get(), toQueue);
            return true;
        });
        if (!escalated) {
            return false;
        }
        relay.publish(toQueue);
        return true;
    }

    private void notify(
            Connection connection,
            StoredMessage message,
            String recipientId,
            SlaPolicy.Deadline deadline,
            List<DeliveryRelay.Pending> toQueue)
            throws SQLException {
        Directory current = directory.get();
        Optional<String> contact = current.find(recipientId).flatMap(Organisation::escalationContact);
        if (contact.isEmpty()) {
            log.warn(
                    "{} has no escalation contact; escalation of {} is in the ledger only",
                    recipientId,
                    message.trackingId());
            return;
        }
        String to = contact.get();
        if (current.find(to).isPresent()) {
            notices.send(
                    connection,
                    message,
                    EventCode.ESCALATION,
                    to,
                    recipientId,
                    uk.safeguarding.interchange.canonical.xml.DeliveryState.ESCALATED,
                    now(),
                    new Notices.Detail(
                            deadline.at().truncatedTo(ChronoUnit.MILLIS),
                            0,
                            null,
                            "Missed service level: " + deadline.rule()),
                    toQueue);
            log.info("Escalated {} for {} to {}", message.trackingId(), recipientId, to);
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO escalation_notice (id, tracking_id, recipient_id, contact, deadline, created_at)"
                        + " VALUES (?,?,?,?,?,?)")) {
            insert.setString(1, TrackingIds.next());
            insert.setString(2, message.trackingId());
            insert.setString(3, recipientId);
            insert.setString(4, to);
            insert.setTimestamp(5, Timestamp.from(deadline.at()));
            insert.setTimestamp(6, Timestamp.from(now()));
            insert.executeUpdate();
        }
        // The address is contact data of an organisation, but it stays out of the log all the same.
        log.info("Escalated {} for {} to its e-mail contact (escalation_notice)", message.trackingId(), recipientId);
    }

    private static String roleOf(Connection connection, String trackingId, String recipientId) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT role FROM delivery WHERE tracking_id = ? AND recipient_id = ?")) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private static boolean escalatedAt(Connection connection, String trackingId, String recipientId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT escalated_at FROM delivery WHERE tracking_id = ? AND recipient_id = ?")) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() && rs.getTimestamp(1) != null;
            }
        }
    }

    private void markEscalated(Connection connection, String trackingId, String recipientId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET escalated_at = ? WHERE tracking_id = ? AND recipient_id = ?")) {
            update.setTimestamp(1, Timestamp.from(now()));
            update.setString(2, trackingId);
            update.setString(3, recipientId);
            update.executeUpdate();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
