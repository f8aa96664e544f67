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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.PayloadKind;
import uk.safeguarding.interchange.store.PayloadStore;

/**
 * Durable acceptance, shared by every binding. One database transaction stores the message and its
 * acknowledgement (both encrypted under the message's own key, {@link PayloadStore}) and appends the {@code ACCEPTED}
 * ledger entry; the message row is its own outbox entry ({@code published_at} NULL). Once that transaction has
 * committed the caller may answer {@code ok}: the spec's "ok only after the message is durably persisted". The
 * tracking id is handed to the {@link RoutingPublisher}, which puts it on the routing queue after the answer and marks
 * the row published (decision 0017); whatever it does not publish (a broker failure, a crash) {@link OutboxRelay}
 * publishes later, and the queue's duplicate detection (keyed by tracking id) drops a publish that had in fact
 * happened.
 *
 * <p>Group commit ({@link GroupCommit}): concurrent acceptances are stored in one database transaction (up to
 * {@value #MAX_GROUP}; ledger entries appended in queue order, so the sequence stays gap-free), each in a savepoint
 * of its own, so one bad submission (a duplicate conflict, a unique-key race with a resend) is undone alone. Nobody
 * is answered before the group's database commit, so "acknowledged implies durable" holds for every member. A lone
 * request is a group of one, so an idle gateway adds no delay. A resend of a message in the same group sees the
 * first one (same transaction) and is answered as a duplicate.
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
    private final RoutingPublisher routing;
    private final Clock clock;
    private final PayloadStore payloads;
    private final Consumer<Submission> onCommitted;
    private final GroupCommit group;
    /** After a group's commit: its new acceptances go to routing. */
    private final GroupCommit.Step<Submission> publish = this::publish;

    /**
     * @param group the group commit shared with the gateway's other writers
     * @param routing publishes committed acceptances to the routing queue after their answer
     * @param payloads encrypts the stored canonical document and acknowledgement with the message's own key
     * @param onCommitted told of every new acceptance (not a duplicate) once its database transaction committed and
     *     before its tracking id goes to the routing queue (the hand-off of the bound document to routing); must be
     *     quick and thread-safe; what it throws is logged and ignored
     */
    public Acceptance(
            DataSource dataSource,
            GroupCommit group,
            LedgerAppender ledger,
            RoutingPublisher routing,
            Clock clock,
            PayloadStore payloads,
            Consumer<Submission> onCommitted) {
        this.group = Objects.requireNonNull(group);
        this.onCommitted = Objects.requireNonNull(onCommitted);
        this.payloads = Objects.requireNonNull(payloads);
        this.dataSource = Objects.requireNonNull(dataSource);
        this.ledger = Objects.requireNonNull(ledger);
        this.routing = Objects.requireNonNull(routing);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Accepts {@code submission} durably, or returns the original acceptance of an exact duplicate.
     *
     * @throws GatewayException DUP_CONFLICT for a reused message id with other content; SYS_UNAVAILABLE when the
     *     database fails (nothing is acknowledged; a resend is safe)
     */
    public Accepted accept(Submission submission, AcknowledgementRenderer renderer) {
        Objects.requireNonNull(submission);
        Objects.requireNonNull(renderer);
        // Rendered (and signed) before joining the group, so signing runs in parallel and outside the transaction;
        // unused when the submission turns out to be a resend.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] acknowledgement = renderer.render(submission.trackingId(), now);
        // Encrypted before joining the group too: the group's units run one at a time.
        PayloadStore.Sealed sealed = payloads.seal(
                submission.trackingId(),
                Map.of(PayloadKind.CANONICAL_XML, submission.canonicalXml(), PayloadKind.ACK_PAYLOAD, acknowledgement));
        try {
            return group.execute((connection, after) -> {
                Accepted accepted = storeIn(connection, submission, renderer, now, acknowledgement, sealed);
                if (!accepted.duplicate()) {
                    after.add(publish, submission);
                }
                return accepted;
            });
        } catch (SQLException e) {
            // A concurrent resend of the same message may have won the unique key: answer as for a duplicate.
            return existing(submission, renderer)
                    .orElseThrow(() ->
                            new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The message store is unavailable.", e));
        }
    }

    /** How many submissions wait for a group commit (tests). */
    int waiting() {
        return group.waiting();
    }

    /** Hands a group's new acceptances to routing: the bound documents, then the tracking ids' publish. */
    private void publish(List<Submission> committed) {
        List<String> fresh = new ArrayList<>(committed.size());
        for (Submission submission : committed) {
            fresh.add(submission.trackingId());
            try {
                onCommitted.accept(submission);
            } catch (RuntimeException e) {
                log.warn("The acceptance hook failed; routing will read the stored document", e);
            }
        }
        routing.publishLater(fresh);
    }

    /** The acceptance of {@code submission} inside the caller's transaction: the earlier one, or a new one. */
    private Accepted storeIn(
            Connection connection,
            Submission submission,
            AcknowledgementRenderer renderer,
            Instant now,
            byte[] acknowledgement,
            PayloadStore.Sealed sealed)
            throws SQLException {
        Optional<Accepted> previous = find(connection, submission, renderer);
        if (previous.isPresent()) {
            return previous.get();
        }
        insertMessage(connection, submission, now, sealed);
        payloads.store(connection, sealed);
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
        try (PreparedStatement query =
                connection.prepareStatement("SELECT tracking_id, content_sha256, received_at, binding FROM message"
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
                String binding = rs.getString("binding");
                // After erasure the original acknowledgement is gone with its key; the same tracking id and time
                // rendered again say the same thing.
                byte[] acknowledgement = payloads.read(connection, trackingId, PayloadKind.ACK_PAYLOAD)
                        .orElseGet(() -> renderer.render(trackingId, receivedAt));
                return Optional.of(new Accepted(trackingId, receivedAt, true, acknowledgement, binding));
            }
        }
    }

    /** The message row, with its payload key. */
    private void insertMessage(Connection connection, Submission s, Instant now, PayloadStore.Sealed sealed)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at,"
                        + " binding, submitted_by, " + PayloadStore.KEY_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, s.trackingId());
            insert.setString(2, s.senderId());
            insert.setString(3, s.senderMessageId());
            insert.setString(4, s.contentSha256());
            insert.setString(5, s.event().code());
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setString(7, s.binding());
            insert.setString(8, s.submittedBy());
            payloads.bindKey(insert, 9, sealed, s.event().code(), now);
            insert.executeUpdate();
        }
    }
}
