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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.PayloadKind;
import uk.safeguarding.interchange.store.PayloadStore;

/**
 * The {@code delivery} table: one row per (message, recipient) moving through {@link DeliveryState}. Every insert and
 * every change of state appends its ledger entry through the caller's connection, so the two commit together.
 * Methods take a connection that is not in auto-commit mode. Thread-safe (stateless apart from collaborators).
 */
public final class Deliveries {
    /** The ledger actor for what the gateway does by itself (routing, queueing). */
    public static final String GATEWAY_ACTOR = "gateway";

    private final LedgerAppender ledger;
    private final Clock clock;
    private final PayloadStore payloads;
    private final SlaDue sla;

    /** {@code sla}: the service levels whose deadlines new deliveries get (the same the {@link SlaMonitor} uses). */
    public Deliveries(LedgerAppender ledger, Clock clock, PayloadStore payloads, SlaPolicy sla) {
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
        this.payloads = Objects.requireNonNull(payloads);
        this.sla = new SlaDue(sla);
    }

    /** The payload store through which stored canonical documents are read and written (encrypted per message). */
    public PayloadStore payloads() {
        return payloads;
    }

    /** One delivery as stored. {@code outcome} is the decision code once in {@code OUTCOME}, else null. */
    public record Row(
            String trackingId,
            String recipientId,
            String role,
            DeliveryState state,
            String outcome,
            int attempts,
            String lastError,
            Instant createdAt,
            Instant updatedAt) {}

    /**
     * Inserts a {@code ROUTED} delivery and its {@code ROUTED} ledger entry, unless the (message, recipient) already
     * has one (then nothing happens: routing is idempotent). Its SLA deadline comes from the message row's priority
     * and acceptance time, so the message row must carry its priority by then.
     *
     * @return true when a row was inserted
     */
    public boolean route(Connection connection, String trackingId, String recipientId, String role, EventCode event)
            throws SQLException {
        Optional<SlaDue.Terms> terms = Optional.empty();
        // One read for both: whether the delivery exists, and what its deadline is computed from.
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT d.state, m.priority, m.received_at FROM message m LEFT JOIN delivery d"
                        + " ON d.tracking_id = m.tracking_id AND d.recipient_id = ? WHERE m.tracking_id = ?")) {
            query.setString(1, recipientId);
            query.setString(2, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    if (rs.getString(1) != null) {
                        return false;
                    }
                    terms = sla.terms(event, rs.getString(2), rs.getTimestamp(3).toInstant(), role);
                }
            }
        }
        insertRouted(connection, trackingId, recipientId, role, event, terms, null);
        return true;
    }

    /**
     * Inserts a new {@code ROUTED} delivery with these SLA terms, and its ledger entry.
     *
     * @param availableAt when it is put straight into the recipient's mailbox (queued once, then), else null: a
     *     queue publish follows
     */
    private void insertRouted(
            Connection connection,
            String trackingId,
            String recipientId,
            String role,
            EventCode event,
            Optional<SlaDue.Terms> terms,
            Instant availableAt)
            throws SQLException {
        Instant now = now();
        Timestamp deadline = terms.map(t -> Timestamp.from(t.deadline())).orElse(null);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO delivery (tracking_id, recipient_id, role, state, created_at, updated_at, sla_deadline,"
                        + " sla_awaits, sla_due_at, available_at, queued_at, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, recipientId);
            insert.setString(3, role);
            insert.setString(4, DeliveryState.ROUTED.name());
            insert.setTimestamp(5, Timestamp.from(now));
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setTimestamp(7, deadline);
            insert.setString(8, terms.map(t -> t.awaits().name()).orElse(null));
            // Every deadline that concerns a delivery is awaited in ROUTED.
            insert.setTimestamp(9, deadline);
            insert.setTimestamp(10, availableAt == null ? null : Timestamp.from(availableAt));
            insert.setTimestamp(11, availableAt == null ? null : Timestamp.from(now));
            insert.setInt(12, availableAt == null ? 0 : 1);
            insert.executeUpdate();
        }
        ledger.append(
                connection,
                new NewLedgerEntry(
                        DeliveryState.ROUTED.name(),
                        trackingId,
                        null,
                        GATEWAY_ACTOR,
                        recipientId,
                        event.code(),
                        null,
                        null));
    }

    /**
     * A move of a delivery and what its ledger entry says: the state it moves {@code to}, the decision code for
     * {@link DeliveryState#OUTCOME} ({@code outcome}, the entry's reason) or the error code of a failure ({@code
     * errorCode}), who moved it and the event of the message it delivers.
     */
    public record Move(DeliveryState to, String outcome, String errorCode, String actor, EventCode event) {
        public Move {
            Objects.requireNonNull(to);
        }

        /** A move with neither an outcome nor an error code. */
        public static Move to(DeliveryState to, String actor, EventCode event) {
            return new Move(to, null, null, actor, event);
        }

        /** The recipient's business outcome ({@code accepted}, {@code declined}, ...). */
        public static Move outcome(String decisionCode, String actor, EventCode event) {
            return new Move(DeliveryState.OUTCOME, decisionCode, null, actor, event);
        }

        /** A failed delivery, with its error code. */
        public static Move failed(String errorCode, String actor, EventCode event) {
            return new Move(DeliveryState.DELIVERY_FAILED, null, errorCode, actor, event);
        }
    }

    /**
     * Moves a delivery to {@code move.to()} if the transition table allows it, with its ledger entry ({@code
     * OUTCOME(code)} for outcomes), and its {@code sla_due_at} set to its deadline if it still awaits it in the new
     * state, else cleared. The row is locked for the rest of the caller's transaction.
     *
     * @return the state before, or empty when there is no such delivery or the transition is not allowed
     */
    public Optional<DeliveryState> move(Connection connection, String trackingId, String recipientId, Move move)
            throws SQLException {
        return move(connection, lock(connection, trackingId, recipientId), move);
    }

    /**
     * A recipient's acknowledgement of a message in its mailbox: the first one sets {@code acknowledged_at} and, when
     * the transition table allows, moves the delivery to {@code DELIVERED} as {@link #move} does; a repeat changes
     * nothing. The usual case is one UPDATE on the state just read (the time and the move together, conditional on
     * that state and on no acknowledgement yet); when it updates nothing (a repeat, a delivery not in the mailbox, or
     * a row another transaction changed since the read) the two steps are taken apart.
     *
     * @return the state before when this first acknowledgement moved the delivery, else empty
     */
    public Optional<DeliveryState> acknowledge(
            Connection connection, String trackingId, String recipientId, Instant at, String actor, EventCode event)
            throws SQLException {
        Optional<Locked> read = select(connection, trackingId, recipientId, false);
        if (read.isPresent() && read.get().row().state().canMoveTo(DeliveryState.DELIVERED)) {
            Locked locked = read.get();
            DeliveryState before = locked.row().state();
            Instant due = locked.dueIn(DeliveryState.DELIVERED);
            try (PreparedStatement update = connection.prepareStatement("UPDATE delivery SET acknowledged_at = ?,"
                    + " state = ?, updated_at = ?, sla_due_at = ? WHERE tracking_id = ? AND recipient_id = ?"
                    + " AND available_at IS NOT NULL AND acknowledged_at IS NULL AND state = ?")) {
                update.setTimestamp(1, Timestamp.from(at));
                update.setString(2, DeliveryState.DELIVERED.name());
                update.setTimestamp(3, Timestamp.from(now()));
                update.setTimestamp(4, due == null ? null : Timestamp.from(due));
                update.setString(5, trackingId);
                update.setString(6, recipientId);
                update.setString(7, before.name());
                if (update.executeUpdate() == 1) {
                    recordMove(connection, trackingId, recipientId, Move.to(DeliveryState.DELIVERED, actor, event));
                    return Optional.of(before);
                }
            }
        }
        // Only the first acknowledgement changes the row: the condition makes a repeat (or a concurrent one, which
        // waits for the row lock and then finds it set) change nothing.
        try (PreparedStatement update = connection.prepareStatement("UPDATE delivery SET acknowledged_at = ?"
                + " WHERE tracking_id = ? AND recipient_id = ? AND available_at IS NOT NULL"
                + " AND acknowledged_at IS NULL")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setString(2, trackingId);
            update.setString(3, recipientId);
            if (update.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        // This transaction has just updated the row and so holds it locked: read without FOR UPDATE, which in H2
        // writes the row once more (a version and an undo entry) only to lock it.
        return move(
                connection,
                select(connection, trackingId, recipientId, false),
                Move.to(DeliveryState.DELIVERED, actor, event));
    }

    private Optional<DeliveryState> move(Connection connection, Optional<Locked> found, Move move) throws SQLException {
        DeliveryState to = move.to();
        if (found.isEmpty() || !found.get().row().state().canMoveTo(to)) {
            return Optional.empty();
        }
        Locked locked = found.get();
        String trackingId = locked.row().trackingId();
        String recipientId = locked.row().recipientId();
        Instant due = locked.dueIn(to);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET state = ?, outcome = COALESCE(?, outcome), last_error = COALESCE(?, last_error),"
                        + " updated_at = ?, sla_due_at = ? WHERE tracking_id = ? AND recipient_id = ?")) {
            update.setString(1, to.name());
            update.setString(2, move.outcome());
            update.setString(3, move.errorCode());
            update.setTimestamp(4, Timestamp.from(now()));
            update.setTimestamp(5, due == null ? null : Timestamp.from(due));
            update.setString(6, trackingId);
            update.setString(7, recipientId);
            update.executeUpdate();
        }
        recordMove(connection, trackingId, recipientId, move);
        return Optional.of(locked.row().state());
    }

    /** The ledger entry of a move to {@code to}. */
    private void recordMove(Connection connection, String trackingId, String recipientId, Move move)
            throws SQLException {
        // The outcome code (accepted, declined, ...) is the entry's reason; the event is the state's name.
        ledger.append(
                connection,
                new NewLedgerEntry(
                        move.to().name(),
                        trackingId,
                        null,
                        move.actor(),
                        recipientId,
                        move.event().code(),
                        null,
                        move.errorCode(),
                        move.to() == DeliveryState.OUTCOME ? move.outcome() : null));
    }

    /** The delivery of one message to one recipient. */
    public Optional<Row> find(Connection connection, String trackingId, String recipientId) throws SQLException {
        return select(connection, trackingId, recipientId, false).map(Locked::row);
    }

    /** A locked row with the columns its next state's {@code sla_due_at} is computed from. */
    private record Locked(Row row, Instant slaDeadline, SlaPolicy.Awaits slaAwaits, boolean escalated) {
        /** The {@code sla_due_at} of the row once in {@code state}. */
        Instant dueIn(DeliveryState state) {
            return SlaDue.dueAt(slaDeadline, slaAwaits, row.role(), state, escalated);
        }
    }

    private Optional<Locked> lock(Connection connection, String trackingId, String recipientId) throws SQLException {
        return select(connection, trackingId, recipientId, true);
    }

    private static Optional<Locked> select(Connection connection, String trackingId, String recipientId, boolean lock)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM delivery WHERE tracking_id = ? AND recipient_id = ?" + (lock ? " FOR UPDATE" : ""))) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp deadline = rs.getTimestamp("sla_deadline");
                String awaits = rs.getString("sla_awaits");
                return Optional.of(new Locked(
                        row(rs),
                        deadline == null ? null : deadline.toInstant(),
                        awaits == null ? null : SlaPolicy.Awaits.valueOf(awaits),
                        rs.getTimestamp("escalated_at") != null));
            }
        }
    }

    /** Every delivery of a message, in the order they were routed. */
    public List<Row> of(Connection connection, String trackingId) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM delivery WHERE tracking_id = ? ORDER BY created_at, recipient_id")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
        }
        return rows;
    }

    /**
     * A gateway-originated message (derived or notice) made ready to store: its sealed canonical document hashed and
     * encrypted. Made before the transaction that stores it, so the cryptography runs outside a group commit's
     * one-at-a-time part.
     */
    public record GatewayMessage(
            String trackingId,
            EventCode event,
            String binding,
            String priority,
            String contentSha256,
            PayloadStore.Sealed payload) {}

    /** Hashes and encrypts a gateway-originated message's sealed canonical document (no database access). */
    public GatewayMessage prepare(
            String trackingId, EventCode event, String binding, String priority, byte[] canonicalXml) {
        // Born routed (to its one recipient): the routed document is the only one.
        return new GatewayMessage(
                trackingId,
                event,
                binding,
                priority,
                HexFormat.of().formatHex(GatewayMessages.sha256(canonicalXml)),
                payloads.seal(trackingId, Map.of(PayloadKind.ROUTED_XML, canonicalXml)));
    }

    /**
     * Stores a gateway-originated message already routed to its one recipient: the message row, its {@code ACCEPTED}
     * ledger entry (actor {@code gateway}) and its {@code ROUTED} delivery. The caller publishes it to the recipient's
     * queue after commit.
     *
     * @param derivedFrom the tracking id it was made from (derived messages), else null
     */
    public void storeGatewayMessage(
            Connection connection, GatewayMessage message, String senderId, String recipientId, String derivedFrom)
            throws SQLException {
        storeGatewayMessage(connection, message, senderId, recipientId, derivedFrom, null);
    }

    /**
     * {@link #storeGatewayMessage} for a {@code mailbox} recipient, with the message put straight into its mailbox,
     * available at {@code availableAt} (decision 0018): no queue publish follows. The time must come from {@link
     * Mailbox}'s order of available times, inside a group-commit unit.
     */
    public void storeGatewayMessageInMailbox(
            Connection connection, GatewayMessage message, String recipientId, Instant availableAt)
            throws SQLException {
        storeGatewayMessage(
                connection,
                message,
                GatewayMessages.GATEWAY_ID,
                recipientId,
                null,
                Objects.requireNonNull(availableAt));
    }

    private void storeGatewayMessage(
            Connection connection,
            GatewayMessage message,
            String senderId,
            String recipientId,
            String derivedFrom,
            Instant availableAt)
            throws SQLException {
        Instant now = now();
        String trackingId = message.trackingId();
        EventCode event = message.event();
        String senderMessageId = (derivedFrom != null ? "gateway-derived-" : "gateway-") + trackingId;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at,"
                        + " binding, submitted_by, priority, derived_from, routed_at, published_at, "
                        + PayloadStore.KEY_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, senderId);
            insert.setString(3, senderMessageId);
            insert.setString(4, message.contentSha256());
            insert.setString(5, event.code());
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setString(7, message.binding());
            insert.setString(8, GatewayMessages.GATEWAY_ID);
            insert.setString(9, message.priority());
            insert.setString(10, derivedFrom);
            insert.setTimestamp(11, Timestamp.from(now));
            // Born routed: nothing to hand to routing (message.published_at NULL is the outbox, OutboxRelay).
            insert.setTimestamp(12, Timestamp.from(now));
            payloads.bindKey(insert, 13, message.payload(), event.code(), now);
            insert.executeUpdate();
        }
        payloads.store(connection, message.payload());
        ledger.append(
                connection,
                new NewLedgerEntry(
                        "ACCEPTED",
                        trackingId,
                        senderMessageId,
                        GATEWAY_ACTOR,
                        senderId,
                        event.code(),
                        message.contentSha256(),
                        null));
        // A new message has no deliveries yet: no need to look (as route does) before inserting its one.
        insertRouted(
                connection,
                trackingId,
                recipientId,
                "primary",
                event,
                sla.terms(event, message.priority(), now, "primary"),
                availableAt);
    }

    /** Records that these (message, recipient) pairs are on their recipients' queues: one statement, run as a batch. */
    public void markQueued(Connection connection, List<DeliveryRelay.Pending> queued) throws SQLException {
        Timestamp now = Timestamp.from(now());
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET queued_at = ?, attempts = attempts + 1 WHERE tracking_id = ? AND recipient_id = ?"
                        + " AND queued_at IS NULL")) {
            for (DeliveryRelay.Pending p : queued) {
                update.setTimestamp(1, now);
                update.setString(2, p.trackingId());
                update.setString(3, p.recipientId());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /**
     * Deliveries not yet on their recipient's queue that were routed before {@code routedBefore}, oldest first.
     */
    public List<String[]> unqueued(Connection connection, int limit, Instant routedBefore) throws SQLException {
        List<String[]> pending = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT tracking_id, recipient_id FROM delivery WHERE queued_at IS NULL AND state = 'ROUTED'"
                        + " AND created_at < ? ORDER BY created_at FETCH FIRST ? ROWS ONLY")) {
            query.setTimestamp(1, Timestamp.from(routedBefore));
            query.setInt(2, limit);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    pending.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return pending;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString("tracking_id"),
                rs.getString("recipient_id"),
                rs.getString("role"),
                DeliveryState.valueOf(rs.getString("state")),
                rs.getString("outcome"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
