package uk.safeguarding.interchange.delivery;

import java.net.URI;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.directory.DeliveryMode;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.store.Transactions;

/**
 * The push delivery modes ({@code fhir-push}, {@code soap-push}, spec §9): one attempt per call, the outcome recorded
 * in the {@code delivery} and {@code delivery_attempt} tables with its ledger entry in the same transaction.
 *
 * <ul>
 *   <li>2xx / ok: {@code DELIVERED} (actor: the recipient) and a {@code delivery-receipt} to the sender.
 *   <li>Transient failure: {@code next_attempt_at} set by the {@link RetryPolicy} (backoff with jitter); the
 *       {@code push-retry} timer route calls {@link #retryDue} for deliveries that are due by the injected clock.
 *   <li>Permanent failure, attempt limit or time-to-live reached: {@code DELIVERY_FAILED} with DLV-001, parked as a
 *       dead letter ({@code dead_lettered_at}), and a {@code non-delivery-report} to the sender.
 *   <li>A message the mode cannot carry (a gateway notice for {@code fhir-push}): stored in the recipient's mailbox by
 *       {@link Mailbox#storeAll}, after the attempt's transaction.
 * </ul>
 *
 * <p>The delivery row is locked (SELECT ... FOR UPDATE) for the attempt, so the queue consumer and the retry timer
 * never push the same delivery at once, and a delivered row is never pushed again. A crash between the recipient's
 * 2xx and the commit makes the gateway push again after restart: recipients must treat the tracking id (the FHIR
 * MessageHeader id, the SOAP trackingId) as the idempotency key, as the implementation guide says. Thread-safe.
 */
public final class PushDelivery {
    /**
     * The deliveries due for a retry, by {@code ix_delivery_retry} (V22: only deliveries waiting for a retry have a
     * {@code next_attempt_at}), read from the epoch up: without that lower bound H2 walks the index's NULL entries,
     * i.e. every other delivery ({@code QueryPlansIT}). Parameters: the epoch, now, limit.
     */
    static final String DUE_QUERY = "SELECT tracking_id, recipient_id FROM delivery"
            + " WHERE next_attempt_at >= ? AND next_attempt_at <= ? AND state IN ('ROUTED','ESCALATED')"
            + " ORDER BY next_attempt_at FETCH FIRST ? ROWS ONLY";

    private static final Logger log = LoggerFactory.getLogger(PushDelivery.class);

    private final DataSource dataSource;
    private final Supplier<Directory> directory;
    private final Deliveries deliveries;
    private final DeliveryRelay relay;
    private final Mailbox mailbox;
    private final Notices notices;
    private final CanonicalXml canonical;
    private final Map<DeliveryMode, PushTransport> transports;
    private final RetryPolicy policy;
    private final Clock clock;

    public PushDelivery(
            DataSource dataSource,
            Supplier<Directory> directory,
            Deliveries deliveries,
            DeliveryRelay relay,
            Mailbox mailbox,
            GatewayMessages gatewayMessages,
            CanonicalXml canonical,
            Map<DeliveryMode, PushTransport> transports,
            RetryPolicy policy,
            Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.directory = Objects.requireNonNull(directory);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.relay = Objects.requireNonNull(relay);
        this.mailbox = Objects.requireNonNull(mailbox);
        this.notices = new Notices(deliveries, gatewayMessages);
        this.canonical = Objects.requireNonNull(canonical);
        this.transports = Map.copyOf(transports);
        this.policy = Objects.requireNonNull(policy);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Called by the recipient's queue consumer: attempts the delivery unless it is already done, failed, withdrawn
     * or waiting for a scheduled retry (a redelivered queue message then changes nothing).
     *
     * @return the state of the delivery afterwards, or null when there is no such delivery
     */
    public DeliveryState deliver(String trackingId, String recipientId) throws SQLException {
        return attempt(trackingId, recipientId, false);
    }

    /** Attempts up to {@code limit} deliveries whose retry is due by the clock; returns how many were attempted. */
    public int retryDue(int limit) throws SQLException {
        List<String[]> due = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(DUE_QUERY)) {
            query.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            query.setTimestamp(2, Timestamp.from(now()));
            query.setInt(3, limit);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    due.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        for (String[] d : due) {
            try {
                attempt(d[0], d[1], true);
            } catch (SQLException | RuntimeException e) {
                log.warn("Retrying {} for {} failed: {}", d[0], d[1], e.toString());
            }
        }
        return due.size();
    }

    private DeliveryState attempt(String trackingId, String recipientId, boolean retry) throws SQLException {
        List<DeliveryRelay.Pending> toQueue = new ArrayList<>();
        MailboxInstead instead = new MailboxInstead();
        DeliveryState after = Transactions.inTransaction(
                dataSource, connection -> attempt(connection, trackingId, recipientId, retry, toQueue, instead));
        relay.publish(toQueue);
        if (instead.store) {
            // Stored by the mailbox's own group commit, which gives mailbox rows their listing order (Mailbox.list);
            // the retry is cancelled only afterwards, so a crash in between leaves it due and it stores again.
            mailbox.storeAll(List.of(trackingId), recipientId);
            if (instead.retryScheduled) {
                Transactions.inTransaction(dataSource, connection -> {
                    schedule(connection, trackingId, recipientId, null);
                    return null;
                });
            }
        }
        return after;
    }

    /** Set by an attempt whose message this transport cannot carry: it goes to the recipient's mailbox instead. */
    private static final class MailboxInstead {
        boolean store;
        /** Whether the delivery was waiting for a retry, which storing it makes pointless. */
        boolean retryScheduled;
    }

    private DeliveryState attempt(
            Connection connection,
            String trackingId,
            String recipientId,
            boolean retry,
            List<DeliveryRelay.Pending> toQueue,
            MailboxInstead instead)
            throws SQLException {
        Optional<Locked> locked = lock(connection, trackingId, recipientId);
        if (locked.isEmpty()) {
            return null;
        }
        Locked row = locked.get();
        Instant now = now();
        boolean pending = row.state() == DeliveryState.ROUTED || row.state() == DeliveryState.ESCALATED;
        if (!pending
                || (!retry && row.nextAttemptAt() != null && row.nextAttemptAt().isAfter(now))) {
            return row.state();
        }
        StoredMessage message = StoredMessage.load(connection, trackingId);
        Optional<Organisation> recipient = directory.get().find(recipientId);
        PushTransport transport =
                recipient.map(o -> transports.get(o.delivery().mode())).orElse(null);
        if (transport == null || recipient.get().delivery().endpoint().isEmpty()) {
            // The directory no longer names a push endpoint for it: nothing to push to, so stop retrying.
            return giveUp(
                    connection, message, recipientId, row.attempts(), "The recipient has no push endpoint.", toQueue);
        }
        if (!now.isBefore(policy.expiry(message.receivedAt()))) {
            return giveUp(
                    connection, message, recipientId, row.attempts(), "The message expired before delivery.", toQueue);
        }
        URI endpoint = recipient.get().delivery().endpoint().get();
        InterchangeMessage document = canonical.unmarshal(loadXml(connection, trackingId));
        if (!transport.carries(document)) {
            instead.store = true;
            instead.retryScheduled = row.nextAttemptAt() != null;
            return row.state();
        }
        PushTransport.Result result;
        try {
            result = transport.push(endpoint, document, recipientId);
        } catch (RuntimeException e) {
            // A message this mode cannot render: retrying cannot help, and must not loop on the queue.
            log.error("Cannot push {} to {}: {}", trackingId, recipientId, e.toString());
            result = PushTransport.Result.permanentFailure(0, e.getClass().getSimpleName());
        }
        int attempt = row.attempts() + 1;
        recordAttempt(connection, trackingId, recipientId, attempt, result, now);
        log.info("Push {} of {} to {}: {} ({})", attempt, trackingId, recipientId, result.outcome(), result.detail());
        return switch (result.outcome()) {
            case DELIVERED -> delivered(connection, message, recipientId, toQueue);
            case PERMANENT ->
                giveUp(connection, message, recipientId, attempt, "The recipient refused the message.", toQueue);
            case TRANSIENT -> {
                Instant next =
                        policy.forRecipient(recipient.get().delivery()).nextAttempt(attempt, message.receivedAt(), now);
                if (next == null) {
                    yield giveUp(
                            connection,
                            message,
                            recipientId,
                            attempt,
                            "The recipient could not be reached before the retry limit or the message's time-to-live.",
                            toQueue);
                }
                schedule(connection, trackingId, recipientId, next);
                yield row.state();
            }
        };
    }

    private DeliveryState delivered(
            Connection connection, StoredMessage message, String recipientId, List<DeliveryRelay.Pending> toQueue)
            throws SQLException {
        schedule(connection, message.trackingId(), recipientId, null);
        Optional<DeliveryState> before = deliveries.move(
                connection,
                message.trackingId(),
                recipientId,
                Deliveries.Move.to(DeliveryState.DELIVERED, recipientId, message.event()));
        if (before.isPresent()) {
            notices.send(
                    connection,
                    message,
                    EventCode.DELIVERY_RECEIPT,
                    message.senderId(),
                    recipientId,
                    uk.safeguarding.interchange.canonical.xml.DeliveryState.DELIVERED,
                    now(),
                    Notices.Detail.NONE,
                    toQueue);
        }
        return DeliveryState.DELIVERED;
    }

    /**
     * {@code DELIVERY_FAILED} (DLV-001) with its ledger entry, the delivery parked as a dead letter, and a
     * non-delivery report to the sender.
     */
    private DeliveryState giveUp(
            Connection connection,
            StoredMessage message,
            String recipientId,
            int attempts,
            String reason,
            List<DeliveryRelay.Pending> toQueue)
            throws SQLException {
        ErrorCode code = ErrorCode.DELIVERY_FAILED;
        Optional<DeliveryState> before = deliveries.move(
                connection,
                message.trackingId(),
                recipientId,
                Deliveries.Move.failed(code.code(), Deliveries.GATEWAY_ACTOR, message.event()));
        if (before.isEmpty()) {
            return null;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET dead_lettered_at = ?, next_attempt_at = NULL WHERE tracking_id = ?"
                        + " AND recipient_id = ?")) {
            update.setTimestamp(1, Timestamp.from(now()));
            update.setString(2, message.trackingId());
            update.setString(3, recipientId);
            update.executeUpdate();
        }
        notices.send(
                connection,
                message,
                EventCode.NON_DELIVERY_REPORT,
                message.senderId(),
                recipientId,
                uk.safeguarding.interchange.canonical.xml.DeliveryState.DELIVERY_FAILED,
                now(),
                new Notices.Detail(null, attempts, code.code(), reason),
                toQueue);
        log.warn(
                "Delivery of {} to {} failed after {} attempts ({}); parked for replay",
                message.trackingId(),
                recipientId,
                attempts,
                code.code());
        return DeliveryState.DELIVERY_FAILED;
    }

    private record Locked(DeliveryState state, int attempts, Instant nextAttemptAt) {}

    private static Optional<Locked> lock(Connection connection, String trackingId, String recipientId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT state, next_attempt_at, generation FROM delivery WHERE tracking_id = ? AND recipient_id = ?"
                        + " FOR UPDATE")) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                DeliveryState state = DeliveryState.valueOf(rs.getString(1));
                Timestamp next = rs.getTimestamp(2);
                int generation = rs.getInt(3);
                return Optional.of(new Locked(
                        state,
                        attemptsSince(connection, trackingId, recipientId, generation),
                        next == null ? null : next.toInstant()));
            }
        }
    }

    /** Attempts of the current generation (an operator's replay starts the count again). */
    private static int attemptsSince(Connection connection, String trackingId, String recipientId, int generation)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM delivery_attempt WHERE tracking_id = ? AND recipient_id = ? AND attempt > ?")) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            query.setInt(3, generation * ATTEMPTS_PER_GENERATION);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Attempt numbers of generation g start at {@code g * ATTEMPTS_PER_GENERATION + 1}, so every attempt of every
     * replay keeps its own row.
     */
    static final int ATTEMPTS_PER_GENERATION = 1_000;

    private static void recordAttempt(
            Connection connection,
            String trackingId,
            String recipientId,
            int attempt,
            PushTransport.Result result,
            Instant at)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO delivery_attempt (tracking_id, recipient_id, attempt, at, result, http_status)"
                        + " SELECT ?, ?, generation * ? + ?, ?, ?, ? FROM delivery WHERE tracking_id = ?"
                        + " AND recipient_id = ?")) {
            insert.setString(1, trackingId);
            insert.setString(2, recipientId);
            insert.setInt(3, ATTEMPTS_PER_GENERATION);
            insert.setInt(4, attempt);
            insert.setTimestamp(5, Timestamp.from(at));
            insert.setString(6, result.outcome().name());
            if (result.httpStatus() > 0) {
                insert.setInt(7, result.httpStatus());
            } else {
                insert.setNull(7, java.sql.Types.INTEGER);
            }
            insert.setString(8, trackingId);
            insert.setString(9, recipientId);
            insert.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET attempts = ?, updated_at = ? WHERE tracking_id = ? AND recipient_id = ?")) {
            update.setInt(1, attempt);
            update.setTimestamp(2, Timestamp.from(at));
            update.setString(3, trackingId);
            update.setString(4, recipientId);
            update.executeUpdate();
        }
    }

    private static void schedule(Connection connection, String trackingId, String recipientId, Instant next)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET next_attempt_at = ? WHERE tracking_id = ? AND recipient_id = ?")) {
            update.setTimestamp(1, next == null ? null : Timestamp.from(next));
            update.setString(2, trackingId);
            update.setString(3, recipientId);
            update.executeUpdate();
        }
    }

    private byte[] loadXml(Connection connection, String trackingId) throws SQLException {
        // Decrypted with the message's own key; erased content cannot be pushed any more.
        return deliveries
                .payloads()
                .readRouted(connection, trackingId)
                .orElseThrow(() -> new IllegalStateException("The message's content is erased or missing"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
