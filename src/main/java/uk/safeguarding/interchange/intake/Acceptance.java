package uk.safeguarding.interchange.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.store.PayloadStore;

/**
 * Durable acceptance, shared by every binding. One database transaction stores the message and its
 * acknowledgement (both encrypted under the message's own key, {@link PayloadStore}), appends the {@code ACCEPTED} ledger entry and writes an outbox row; after commit the tracking
 * id is published to the routing queue and the outbox row marked published. A crash after commit and before
 * the publish loses nothing: {@link OutboxRelay} republishes unpublished rows, and the queue's duplicate detection
 * (keyed by tracking id) drops a publish that had in fact happened. The caller may answer {@code ok} only when
 * {@link #accept} returns.
 *
 * <p>Group commit: concurrent acceptances are committed together. Each caller queues its submission and takes the
 * writer lock; whoever holds it drains the queue (up to {@value #MAX_GROUP}), stores the whole group in one database
 * transaction (ledger entries appended in queue order, so the sequence stays gap-free), publishes the group in one
 * broker transaction and marks the outbox rows in one more; callers whose submission was in that group find it
 * done when they get the lock. Nobody is answered before the group's database and broker commits, so "acknowledged
 * implies durable" holds for every member. A lone request is a group of one, so an idle gateway adds no delay. When
 * the group transaction fails (a duplicate conflict, a unique-key race with a resend, a database error), it is
 * rolled back and each member is stored on its own, so one bad submission cannot fail the others.
 *
 * <p>Idempotency: the same sender and message id with the same content returns the original acceptance
 * (including its acknowledgement bytes); with different content it throws {@link ErrorCode#DUP_CONFLICT}.
 * Thread-safe.
 */
public final class Acceptance {
    private static final Logger log = LoggerFactory.getLogger(Acceptance.class);
    /** The largest group committed together; bounds one transaction's size and the lock's hold time. */
    static final int MAX_GROUP = 64;

    private final DataSource dataSource;
    private final LedgerAppender ledger;
    private final RoutingQueue routingQueue;
    private final Clock clock;
    private final PayloadStore payloads;
    private final Consumer<Submission> onCommitted;
    private final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();

    /** A submission waiting for its group's commit; written and read under {@link #writer}. */
    private static final class Waiting {
        final Submission submission;
        final AcknowledgementRenderer renderer;
        /** In the database (committed), not yet answerable: a new acceptance is answered once it is on the queue. */
        Accepted stored;

        Accepted accepted;
        RuntimeException failure;

        Waiting(Submission submission, AcknowledgementRenderer renderer) {
            this.submission = submission;
            this.renderer = renderer;
        }

        boolean done() {
            return accepted != null || failure != null;
        }

        String key() {
            return submission.senderId() + '\n' + submission.senderMessageId();
        }
    }

    /**
     * @param payloads encrypts the stored canonical document and acknowledgement with the message's own key
     */
    public Acceptance(
            DataSource dataSource,
            LedgerAppender ledger,
            RoutingQueue routingQueue,
            Clock clock,
            PayloadStore payloads) {
        this(dataSource, ledger, routingQueue, clock, payloads, submission -> {});
    }

    /**
     * @param onCommitted told of every new acceptance (not a duplicate) once its database transaction committed and
     *     before its tracking id goes to the routing queue (the hand-off of the bound document to routing); must be
     *     quick and thread-safe; what it throws is logged and ignored
     */
    public Acceptance(
            DataSource dataSource,
            LedgerAppender ledger,
            RoutingQueue routingQueue,
            Clock clock,
            PayloadStore payloads,
            Consumer<Submission> onCommitted) {
        this.onCommitted = Objects.requireNonNull(onCommitted);
        this.payloads = Objects.requireNonNull(payloads);
        this.dataSource = Objects.requireNonNull(dataSource);
        this.ledger = Objects.requireNonNull(ledger);
        this.routingQueue = Objects.requireNonNull(routingQueue);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Accepts {@code submission} durably, or returns the original acceptance of an exact duplicate.
     *
     * @throws GatewayException DUP_CONFLICT for a reused message id with other content; SYS_UNAVAILABLE when the
     *     database or the broker fails (nothing is acknowledged; a resend is safe)
     */
    public Accepted accept(Submission submission, AcknowledgementRenderer renderer) {
        Waiting mine = new Waiting(Objects.requireNonNull(submission), Objects.requireNonNull(renderer));
        queue.add(mine);
        writer.lock();
        try {
            // Usually another holder of the lock committed this submission with its group already.
            while (!mine.done()) {
                commitGroup();
            }
        } finally {
            writer.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.accepted;
    }

    /** How many submissions wait for a group commit (tests). */
    int waiting() {
        return queue.size();
    }

    /** Takes the next group from the queue and settles every member of it. Runs under {@link #writer}. */
    private void commitGroup() {
        List<Waiting> group = new ArrayList<>();
        List<Waiting> later = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Waiting w = queue.poll(); w != null; w = group.size() < MAX_GROUP ? queue.poll() : null) {
            // A resend of the same message in the same group would fail the group on the unique key: next group.
            (keys.add(w.key()) ? group : later).add(w);
        }
        queue.addAll(later);
        if (group.isEmpty()) {
            return;
        }
        try {
            try {
                storeGroup(group);
            } catch (SQLException | RuntimeException e) {
                if (group.size() == 1) {
                    settleAlone(group.get(0), e);
                } else {
                    for (Waiting w : group) {
                        settleAlone(w, null);
                    }
                }
            }
            publishGroup(group);
        } catch (Error e) {
            // Every member must end settled, or its caller would wait for a group that no longer exists.
            for (Waiting w : group) {
                if (!w.done()) {
                    w.failure = new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The gateway failed.", e);
                }
            }
            throw e;
        }
    }

    /** Stores one submission in a transaction of its own ({@code earlier}: its failure in a group of one). */
    private void settleAlone(Waiting w, Exception earlier) {
        try {
            if (earlier != null) {
                throw earlier;
            }
            w.stored = store(w.submission, w.renderer);
        } catch (GatewayException e) {
            w.failure = e;
        } catch (SQLException e) {
            // A concurrent resend of the same message may have won the unique key: answer as for a duplicate.
            Optional<Accepted> existing;
            try {
                existing = existing(w.submission, w.renderer);
            } catch (GatewayException conflict) {
                w.failure = conflict;
                return;
            }
            w.failure = existing.isPresent()
                    ? null
                    : new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The message store is unavailable.", e);
            w.stored = existing.orElse(null);
        } catch (Exception e) {
            w.failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Stores every member of the group in one transaction, or throws having stored none. */
    private void storeGroup(List<Waiting> group) throws SQLException {
        List<Accepted> results = new ArrayList<>(group.size());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Waiting w : group) {
                    results.add(storeIn(connection, w.submission, w.renderer));
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).stored = results.get(i);
        }
    }

    /**
     * Publishes the group's new acceptances in one broker transaction and marks their outbox rows; then every stored
     * member is answerable.
     */
    private void publishGroup(List<Waiting> group) {
        List<String> fresh = new ArrayList<>();
        for (Waiting w : group) {
            if (w.stored != null && !w.stored.duplicate()) {
                fresh.add(w.stored.trackingId());
                committed(w.submission);
            }
        }
        if (!fresh.isEmpty()) {
            boolean published = false;
            try {
                routingQueue.publishAll(fresh);
                published = true;
            } catch (RuntimeException e) {
                // The messages are stored and their outbox rows unpublished, so the relay will publish them; but the
                // spec allows "ok" only once a message is on the queue, so the senders are told to resend (and will
                // get the original acknowledgements then).
                log.warn(
                        "Publishing {} accepted messages to the routing queue failed; the outbox relay will retry",
                        fresh.size(),
                        e);
                GatewayException unavailable =
                        new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The routing queue is unavailable.", e);
                for (Waiting w : group) {
                    if (w.stored != null && !w.stored.duplicate()) {
                        w.failure = unavailable;
                    }
                }
            }
            if (published) {
                try {
                    OutboxRows.markPublished(dataSource, fresh, clock.instant());
                } catch (SQLException e) {
                    // Harmless: the relay republishes and duplicate detection drops it.
                    log.warn("Marking {} outbox rows published failed; the relay will republish them", fresh.size(), e);
                }
            }
        }
        for (Waiting w : group) {
            if (w.failure == null && w.stored != null) {
                w.accepted = w.stored;
            }
        }
    }

    private void committed(Submission submission) {
        try {
            onCommitted.accept(submission);
        } catch (RuntimeException e) {
            log.warn("The acceptance hook failed; routing will read the stored document", e);
        }
    }

    private Accepted store(Submission submission, AcknowledgementRenderer renderer) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Accepted accepted = storeIn(connection, submission, renderer);
                connection.commit();
                return accepted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** The acceptance of {@code submission} inside the caller's transaction: the earlier one, or a new one. */
    private Accepted storeIn(Connection connection, Submission submission, AcknowledgementRenderer renderer)
            throws SQLException {
        Optional<Accepted> previous = find(connection, submission, renderer);
        if (previous.isPresent()) {
            return previous.get();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] acknowledgement = renderer.render(submission.trackingId(), now);
        PayloadStore.PayloadKey key = payloads.newKey(submission.trackingId());
        insertMessage(connection, submission, now, key, acknowledgement);
        payloads.save(connection, key, submission.event().code(), now);
        ledger.append(
                connection,
                new NewLedgerEntry(
                        "ACCEPTED",
                        submission.trackingId(),
                        submission.senderMessageId(),
                        submission.submittedBy(),
                        submission.senderId(),
                        submission.event().code(),
                        submission.contentSha256(),
                        null));
        insertOutbox(connection, submission.trackingId(), now);
        return new Accepted(submission.trackingId(), now, false, acknowledgement, submission.binding());
    }

    private Optional<Accepted> existing(Submission submission, AcknowledgementRenderer renderer) {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, submission, renderer);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private Optional<Accepted> find(Connection connection, Submission submission, AcknowledgementRenderer renderer)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT tracking_id, content_sha256, received_at, ack_payload, binding FROM message"
                        + " WHERE sender_id = ? AND sender_message_id = ?")) {
            query.setString(1, submission.senderId());
            query.setString(2, submission.senderMessageId());
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!rs.getString("content_sha256").equals(submission.contentSha256())) {
                    throw new GatewayException(
                            ErrorCode.DUP_CONFLICT,
                            "Message id " + submission.senderMessageId()
                                    + " was already used by this sender for different content.");
                }
                String trackingId = rs.getString("tracking_id");
                Instant receivedAt = rs.getTimestamp("received_at").toInstant();
                byte[] storedAck = rs.getBytes("ack_payload");
                Optional<PayloadStore.PayloadKey> key = payloads.key(connection, trackingId);
                // After erasure the original acknowledgement is gone with its key; the same tracking id and time
                // rendered again say the same thing.
                byte[] acknowledgement = key.isPresent() && storedAck != null
                        ? key.get().decrypt(PayloadStore.ACK_PAYLOAD, storedAck)
                        : renderer.render(trackingId, receivedAt);
                return Optional.of(
                        new Accepted(trackingId, receivedAt, true, acknowledgement, rs.getString("binding")));
            }
        }
    }

    private static void insertMessage(
            Connection connection, Submission s, Instant now, PayloadStore.PayloadKey key, byte[] acknowledgement)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at,"
                        + " canonical_xml, ack_payload, binding, submitted_by) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, s.trackingId());
            insert.setString(2, s.senderId());
            insert.setString(3, s.senderMessageId());
            insert.setString(4, s.contentSha256());
            insert.setString(5, s.event().code());
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setBytes(7, key.encrypt(PayloadStore.CANONICAL_XML, s.canonicalXml()));
            insert.setBytes(8, key.encrypt(PayloadStore.ACK_PAYLOAD, acknowledgement));
            insert.setString(9, s.binding());
            insert.setString(10, s.submittedBy());
            insert.executeUpdate();
        }
    }

    private static void insertOutbox(Connection connection, String trackingId, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (tracking_id, recipient_id, destination, created_at) VALUES (?,?,?,?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, "gateway");
            insert.setString(3, RoutingQueue.ROUTING);
            insert.setTimestamp(4, Timestamp.from(now));
            insert.executeUpdate();
        }
    }
}
