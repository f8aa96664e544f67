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
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.TrackingIds;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.GatewayNotice;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.directory.DeliveryMode;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.store.GroupCommit;

/**
 * The {@code mailbox} delivery mode (spec §9, as in NHS MESH): the per-recipient queue consumer {@link #storeAll
 * stores} each message once; the recipient {@link #list lists}, {@link #fetch fetches} and {@link #acknowledge acknowledges}
 * it. Acknowledging moves the delivery to {@code DELIVERED} and sends the original sender a {@code delivery-receipt}
 * (for messages the gateway did not originate), in one transaction: a sender that takes its messages from a mailbox
 * finds the receipt there when that transaction commits (decision 0018); a push sender's receipt is published to its
 * queue. Stores and acknowledgements that arrive together are committed together ({@link GroupCommit}); the receipts
 * a group publishes go in one broker transaction.
 *
 * <p>Every caller sees only its own mailbox and those of organisations it acts for; anything else is refused with
 * AUTH-006 and recorded in the ledger, whether or not the message exists (no probing). Thread-safe.
 */
public final class Mailbox {
    private static final Logger log = LoggerFactory.getLogger(Mailbox.class);
    /** The most messages one listing returns. */
    public static final int LIST_LIMIT = 500;

    /** Puts a routed, not withdrawn delivery in its recipient's mailbox, unless it is there already. */
    private static final String STORE = "UPDATE delivery SET available_at = ?"
            + " WHERE tracking_id = ? AND recipient_id = ? AND available_at IS NULL AND state <> '"
            + DeliveryState.WITHDRAWN.name() + "'";

    private final DataSource dataSource;
    private final Supplier<Directory> directory;
    private final Deliveries deliveries;
    private final GatewayMessages gatewayMessages;
    private final LedgerAppender ledger;
    private final Clock clock;
    /** Stores and acknowledgements commit in groups; the receipts they make are published together afterwards. */
    private final GroupCommit group;

    private final GroupCommit.Step<DeliveryRelay.Pending> publishReceipts;
    /** The last {@link #nextAvailableTime} given out. Guarded by this. */
    private Instant lastAvailable = Instant.EPOCH;

    /** @param group the group commit shared with the gateway's other writers */
    public Mailbox(
            DataSource dataSource,
            GroupCommit group,
            Supplier<Directory> directory,
            Deliveries deliveries,
            DeliveryRelay relay,
            GatewayMessages gatewayMessages,
            LedgerAppender ledger,
            Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.directory = Objects.requireNonNull(directory);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.gatewayMessages = Objects.requireNonNull(gatewayMessages);
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
        this.group = Objects.requireNonNull(group);
        this.publishReceipts = Objects.requireNonNull(relay)::publish;
    }

    /** The result of an acknowledgement: the delivery's state afterwards and the receipt sent, if any. */
    public record Acknowledged(String trackingId, String recipient, DeliveryState state, Optional<String> receipt) {}

    /**
     * Puts these messages, taken from the recipient's queue in this order, in the recipient's mailbox, together (one
     * unit of the group commit), each once: a message already in the mailbox (a redelivered queue message, or the same
     * one twice in the list) changes nothing. A delivery that was withdrawn before it arrived is not stored. Each
     * stored message gets its own {@linkplain #nextAvailableTime available time}, in list order.
     *
     * @return how many were stored now
     * @throws IllegalStateException when no delivery of one of them to the recipient was routed: then nothing of the
     *     list is stored (the queue consumer isolates that message, which ends in the dead-letter queue)
     */
    public int storeAll(List<String> trackingIds, String recipientId) throws SQLException {
        List<String> ids = List.copyOf(trackingIds);
        Objects.requireNonNull(recipientId);
        // No client waits for it (the recipient lists its mailbox when it likes): it rides in a group that commits
        // anyway when one comes soon.
        return group.executeUnhurried((connection, after) -> {
            int stored = 0;
            // One statement per message: the condition leaves a message already stored (or a withdrawn delivery)
            // as it is. Run one by one, so that a repeat later in the list finds the earlier one stored.
            try (PreparedStatement store = connection.prepareStatement(STORE)) {
                for (String trackingId : ids) {
                    store.setTimestamp(1, Timestamp.from(nextAvailableTime()));
                    store.setString(2, trackingId);
                    store.setString(3, recipientId);
                    if (store.executeUpdate() == 1) {
                        stored++;
                    } else if (deliveries
                            .find(connection, trackingId, recipientId)
                            .isEmpty()) {
                        throw new IllegalStateException(
                                "No delivery of " + trackingId + " to " + recipientId + " was routed");
                    }
                }
            }
            return stored;
        });
    }

    /**
     * Unacknowledged messages in the caller's mailboxes, oldest first, at most {@value #LIST_LIMIT} (as in NHS MESH:
     * a recipient acknowledges what it took and lists again), so a large backlog never makes one huge answer.
     */
    public List<MailboxEntry> list(String callerId) {
        return list(callerId, null, LIST_LIMIT);
    }

    /**
     * Unacknowledged messages in the caller's mailboxes that became available after {@code since} (when given), in the
     * order they became available, at most {@code limit}. A client pages by passing the last entry's
     * {@link MailboxEntry#availableAt}: available times are unique and a message becomes visible only after every
     * message with an earlier one ({@link #nextAvailableTime}), so paging never skips or repeats a message. (Acceptance time
     * and tracking id order rows with equal times, which only rows stored before decision 0014 can have.)
     */
    public List<MailboxEntry> list(String callerId, Instant since, int limit) {
        Set<String> owners = owners(callerId, null);
        List<MailboxEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(listQuery(owners.size(), since != null, limit))) {
            int i = 1;
            for (String owner : owners) {
                query.setString(i++, owner);
            }
            if (since != null) {
                query.setTimestamp(i, Timestamp.from(since));
            }
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    entries.add(new MailboxEntry(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getTimestamp(6).toInstant(),
                            rs.getTimestamp(7).toInstant(),
                            rs.getTimestamp(8) != null));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return entries;
    }

    /**
     * The listing's query: the unacknowledged messages in the mailboxes of {@code owners} recipients (parameters 1 to
     * {@code owners}), available after parameter {@code owners + 1} when {@code since}; ix_delivery_mailbox reads
     * them.
     */
    static String listQuery(int owners, boolean since, int limit) {
        return "SELECT m.tracking_id, d.recipient_id, m.event, m.sender_id, m.priority, m.received_at,"
                + " d.available_at, d.acknowledged_at"
                + " FROM delivery d JOIN message m ON m.tracking_id = d.tracking_id"
                + " WHERE d.recipient_id IN (" + String.join(",", Collections.nCopies(owners, "?")) + ")"
                + " AND d.acknowledged_at IS NULL AND d.available_at IS NOT NULL"
                + (since ? " AND d.available_at > ?" : "")
                + " ORDER BY d.available_at, m.received_at, m.tracking_id FETCH FIRST "
                + Math.max(1, limit)
                + " ROWS ONLY";
    }

    /**
     * The canonical document of a message in one of the caller's mailboxes.
     *
     * @throws GatewayException AUTH-006 when it is in none of them (or does not exist)
     */
    public byte[] fetch(String callerId, String trackingId) {
        Set<String> owners = owners(callerId, trackingId);
        boolean held;
        Optional<byte[]> content = Optional.empty();
        try (Connection connection = dataSource.getConnection()) {
            held = ownerHolding(connection, owners, trackingId).isPresent();
            if (held) {
                content = deliveries.payloads().readRouted(connection, trackingId);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        if (!held) {
            // Refused once the connection is back in the pool: the refusal's ledger entry takes one of its own.
            throw refused(callerId, trackingId);
        }
        return content.orElseThrow(() -> new GatewayException(
                ErrorCode.SCHEMA_UNKNOWN_OPERATION,
                "The message's content was erased at the end of its retention period."));
    }

    /**
     * Acknowledges a message in one of the caller's mailboxes: {@code DELIVERED} with its ledger entry, and a
     * {@code delivery-receipt} to the sender. Acknowledging again changes nothing and sends no second receipt.
     *
     * @throws GatewayException AUTH-006 when it is in none of the caller's mailboxes
     */
    public Acknowledged acknowledge(String callerId, String trackingId) {
        Set<String> owners = owners(callerId, trackingId);
        try {
            Optional<String> holding;
            StoredMessage loaded = null;
            try (Connection connection = dataSource.getConnection()) {
                holding = ownerHolding(connection, owners, trackingId);
                if (holding.isPresent()) {
                    loaded = StoredMessage.load(connection, trackingId);
                }
            }
            if (holding.isEmpty()) {
                // As in fetch: refused (and its ledger entry written) with no connection held.
                throw refused(callerId, trackingId);
            }
            String owner = holding.get();
            StoredMessage message = loaded;
            // The receipt is made (signed and encrypted) before joining the group, so that work runs in parallel and
            // outside the group's transaction, whose units run one at a time; it is used only when this
            // acknowledgement is the first.
            Optional<Receipt> receipt = receiptFor(message, owner);
            // Unhurried (decision 0007): at a moderate rate the acknowledgement rides in a submission's group rather
            // than paying a commit of its own; the recipient waits at most the patience (20 ms) longer.
            return group.executeUnhurried(
                    (connection, after) -> acknowledge(connection, callerId, owner, message, receipt, after));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * A delivery receipt made ahead of the acknowledgement that may send it; {@code toMailbox} when its sender takes
     * its messages from a mailbox.
     */
    private record Receipt(Deliveries.GatewayMessage message, String senderId, boolean toMailbox) {}

    /** The receipt the first acknowledgement by {@code recipient} sends; none for gateway-originated messages. */
    private Optional<Receipt> receiptFor(StoredMessage message, String recipient) {
        if (OrganisationKind.GATEWAY_ORIGINATED.contains(message.event())) {
            return Optional.empty();
        }
        GatewayNotice notice = new GatewayNotice();
        notice.setConcernsTrackingId(message.trackingId());
        notice.setConcernsSenderMessageId(message.senderMessageId());
        notice.setConcernsEvent(uk.safeguarding.interchange.canonical.xml.EventCode.fromValue(
                message.event().code()));
        notice.setRecipient(GatewayMessages.ref(recipient));
        notice.setState(uk.safeguarding.interchange.canonical.xml.DeliveryState.DELIVERED);
        notice.setAt(now());
        String receiptId = TrackingIds.next();
        InterchangeMessage receipt = gatewayMessages.notice(
                EventCode.DELIVERY_RECEIPT,
                receiptId,
                message.senderId(),
                Binding.fromValue(message.binding()),
                notice);
        boolean toMailbox = directory
                .get()
                .find(message.senderId())
                .map(sender -> sender.delivery().mode() == DeliveryMode.MAILBOX)
                .orElse(false);
        return Optional.of(new Receipt(
                deliveries.prepare(
                        receiptId, EventCode.DELIVERY_RECEIPT, message.binding(), null, gatewayMessages.seal(receipt)),
                message.senderId(),
                toMailbox));
    }

    private Acknowledged acknowledge(
            Connection connection,
            String callerId,
            String recipient,
            StoredMessage message,
            Optional<Receipt> receipt,
            GroupCommit.After after)
            throws SQLException {
        String trackingId = message.trackingId();
        // Only the first acknowledgement moves the delivery: a repeat (or a concurrent one) sends no second receipt.
        Optional<DeliveryState> before =
                deliveries.acknowledge(connection, trackingId, recipient, now(), callerId, message.event());
        if (before.isEmpty() || receipt.isEmpty()) {
            DeliveryState state = before.isPresent()
                    ? DeliveryState.DELIVERED
                    : deliveries
                            .find(connection, trackingId, recipient)
                            .orElseThrow()
                            .state();
            return new Acknowledged(trackingId, recipient, state, Optional.empty());
        }
        Receipt r = receipt.get();
        if (r.toMailbox()) {
            // Into the sender's mailbox in this transaction (decision 0018): the queue would only bring it back here.
            deliveries.storeGatewayMessageInMailbox(connection, r.message(), r.senderId(), nextAvailableTime());
        } else {
            deliveries.storeGatewayMessage(connection, r.message(), GatewayMessages.GATEWAY_ID, r.senderId(), null);
            after.add(publishReceipts, new DeliveryRelay.Pending(r.message().trackingId(), r.senderId()));
        }
        return new Acknowledged(
                trackingId,
                recipient,
                DeliveryState.DELIVERED,
                Optional.of(r.message().trackingId()));
    }

    private Set<String> owners(String callerId, String trackingId) {
        try {
            return Access.mailboxesOf(directory.get(), callerId);
        } catch (GatewayException e) {
            recordRefusal(callerId, trackingId, e.errorCode());
            throw e;
        }
    }

    /** Whether the message is in the recipient's mailbox: its delivery was stored there. */
    private static boolean exists(Connection connection, String trackingId, String recipientId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM delivery"
                + " WHERE tracking_id = ? AND recipient_id = ? AND available_at IS NOT NULL")) {
            query.setString(1, trackingId);
            query.setString(2, recipientId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String> ownerHolding(Connection connection, Set<String> owners, String trackingId)
            throws SQLException {
        for (String owner : owners) {
            if (exists(connection, trackingId, owner)) {
                return Optional.of(owner);
            }
        }
        return Optional.empty();
    }

    private GatewayException refused(String callerId, String trackingId) {
        recordRefusal(callerId, trackingId, ErrorCode.AUTH_NOT_PERMITTED);
        return new GatewayException(
                ErrorCode.AUTH_NOT_PERMITTED, "The message is not in a mailbox the calling system may read.");
    }

    /** A refused request is a ledger entry of its own (its own transaction), with ids and the code only. */
    void recordRefusal(String callerId, String trackingId, ErrorCode code) {
        try {
            ledger.appendAlone(
                    dataSource,
                    new NewLedgerEntry("REJECTED", trackingId, null, callerId, null, null, null, code.code()));
        } catch (SQLException e) {
            log.error("Could not record a {} refusal in the ledger", code.code(), e);
        }
    }

    private static GatewayException unavailable(SQLException e) {
        return new GatewayException(ErrorCode.SYS_UNAVAILABLE, "The message store is unavailable.", e);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * The time a message being stored becomes available: the clock to the microsecond, but always after the last one
     * given out, so that no two messages in mailboxes share one. Called only inside group-commit units, which run and
     * commit one group at a time: a message stored later therefore has a later time than every one already visible,
     * as long as the clock does not go back across a restart (within one run it may: the times stay increasing).
     */
    private synchronized Instant nextAvailableTime() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        lastAvailable = now.isAfter(lastAvailable) ? now : lastAvailable.plus(1, ChronoUnit.MICROS);
        return lastAvailable;
    }
}
