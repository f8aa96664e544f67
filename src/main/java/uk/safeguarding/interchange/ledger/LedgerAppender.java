package uk.safeguarding.interchange.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.ledger.merkle.CompactRange;
import uk.safeguarding.interchange.store.LedgerWriteOrder;
import uk.safeguarding.interchange.store.Transactions;

/**
 * Appends ledger entries inside the caller's transaction. The head row lock makes sequence numbers gap-free and
 * ordered by commit: a rolled-back transaction releases its numbers with the lock. An append is checked when made and
 * written just before the transaction commits, with the transaction's other appends (decision 0020): their numbers
 * claimed in one statement, each built as a {@link LedgerEntry} (time from the injected clock), its leaf hash recorded
 * and appended to the RFC 9162 Merkle tree, storing the perfect subtree nodes it completes on the levels
 * {@link LedgerNodes} keeps, so roots and proofs are served from the database (decision 0004). Thread-safe: its one
 * piece of state, the frontier of its latest write, is written under {@link LedgerWriteOrder}.
 */
public final class LedgerAppender {
    private static final Logger log = LoggerFactory.getLogger(LedgerAppender.class);
    /** The gateway's own organisation id (decision 0001); {@code "gateway"} as an actor means this. */
    public static final String GATEWAY = "urn:interchange:gateway:national";
    /**
     * The actor of a request refused before any client certificate was validated; {@code "unauthenticated"} as an
     * actor means this. An organisation-id-shaped token so every entry's actor has one form.
     */
    public static final String UNAUTHENTICATED = "urn:interchange:unauthenticated:anonymous";

    private final Clock clock;

    /**
     * The tree as this appender's latest append left it, so the next append need not read O(log n) stored nodes to
     * rebuild it. Written only under {@link LedgerWriteOrder} (one appending transaction at a time in this process),
     * and used only when it provably describes the tree the database holds now: its size is the sequence number just
     * claimed (a rolled-back append leaves the head below the frontier, so it no longer matches), and either it was
     * left in this same hold of the order (this transaction holds the head row, so nobody else appended since) or its
     * last leaf is the stored leaf before it (any other writer — another process on the same PostgreSQL, another
     * appender — that appended at that position wrote a different leaf). Otherwise the nodes are read as before.
     */
    private record Frontier(CompactRange range, byte[] lastLeaf, long hold) {}

    private volatile Frontier frontier;

    /** Writes the appends a transaction deferred (one instance: {@link LedgerWriteOrder} groups items by writer). */
    private final LedgerWriteOrder.Deferred<LedgerEntry> writer = this::write;

    public LedgerAppender(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Checks at start that the head numbers the next entry (decision 0011): the entries are the record, the head only
     * counts them. A head behind the entries (H2 once lost increments under concurrency) would make every append fail
     * on a duplicate number, so it is moved up to the entries and the repair is logged; a head beyond them means
     * entries are missing, and the gateway must not start on such a ledger.
     *
     * @return the head after the check
     * @throws IllegalStateException when entries below the head are missing
     */
    public long reconcileHead(DataSource dataSource) throws SQLException {
        return Transactions.inTransaction(dataSource, connection -> {
            long head;
            long entries;
            long next;
            try (PreparedStatement read = connection.prepareStatement(
                            "SELECT (SELECT next_seq FROM ledger_head WHERE id = 1), (SELECT COUNT(*) FROM ledger_entry),"
                                    + " (SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entry)");
                    ResultSet rs = read.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
                entries = rs.getLong(2);
                next = rs.getLong(3);
            }
            if (entries != next || head > next) {
                throw new IllegalStateException("The ledger has " + entries + " entries numbered up to " + (next - 1)
                        + " with the head at " + head + ": entries are missing; restore the database before starting");
            }
            if (head < next) {
                try (PreparedStatement repair =
                        connection.prepareStatement("UPDATE ledger_head SET next_seq = ? WHERE id = 1")) {
                    repair.setLong(1, next);
                    repair.executeUpdate();
                }
                log.error("The ledger head was {} behind its {} entries; moved it to {}", next - head, entries, next);
            }
            return next;
        });
    }

    /**
     * Appends {@code entry} in a transaction of its own (a refusal, an auditor's access): visible when this returns.
     *
     * @return the entry's sequence number
     */
    public long appendAlone(DataSource dataSource, NewLedgerEntry entry) throws SQLException {
        LedgerEntry checked = check(entry);
        return Transactions.inTransaction(dataSource, connection -> write(connection, List.of(checked)));
    }

    /**
     * Appends {@code entry} to the transaction of {@code connection}, which must not be in auto-commit mode and must
     * be the connection of a {@link Transactions#inTransaction} or group commit unit: the entry is written, numbered
     * and timed just before that transaction commits, with the transaction's other appends in the order appended
     * (decision 0020), and becomes visible with the commit. A unit rolled back to its savepoint takes its appends
     * with it.
     *
     * @throws IllegalArgumentException when the event is not a {@link LedgerEvent} name or a field is not of the form
     *     {@link LedgerEntry} allows (the message names the field, never its value); nothing was appended
     */
    public void append(Connection connection, NewLedgerEntry entry) throws SQLException {
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("ledger appends must run inside the caller's transaction");
        }
        LedgerWriteOrder.defer(writer, check(entry));
    }

    /** {@code entry} checked as a {@link LedgerEntry}, whose seq and time stay placeholders until it is written. */
    private static LedgerEntry check(NewLedgerEntry entry) {
        return new LedgerEntry(
                0,
                Instant.EPOCH,
                event(entry.event()),
                entry.trackingId(),
                entry.senderMessageId(),
                actor(entry.actor()),
                entry.counterparty(),
                entry.messageType(),
                entry.payloadSha256(),
                entry.reason(),
                entry.errorCode());
    }

    /**
     * Writes {@code entries} in the order given, under the order (taken here if the transaction has not yet): claims
     * their numbers in one statement, times them now, inserts them and the Merkle nodes they complete.
     *
     * @return the first entry's sequence number
     */
    private long write(Connection connection, List<LedgerEntry> entries) throws SQLException {
        long hold = LedgerWriteOrder.take();
        long first = claimSequences(connection, entries.size());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<LedgerNodes.Node> nodes = new ArrayList<>(entries.size() + 1);
        CompactRange range = rangeBefore(connection, first, hold);
        byte[] leafHash = null;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ENTRY)) {
            for (int i = 0; i < entries.size(); i++) {
                LedgerEntry built = entries.get(i).numbered(first + i, now);
                leafHash = built.leafHash();
                range = range.append(
                        leafHash, (level, index, hash) -> nodes.add(new LedgerNodes.Node(level, index, hash)));
                bindEntry(insert, built, leafHash);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        LedgerNodes.insert(connection, nodes);
        frontier = new Frontier(range, leafHash, hold);
        return first;
    }

    /** The compact range of the first {@code size} leaves: the frontier when it is provably current, else stored. */
    private CompactRange rangeBefore(Connection connection, long size, long hold) throws SQLException {
        Frontier known = frontier;
        if (known != null && known.range().size() == size && known.hold() == hold) {
            // Left by an earlier append of this same transaction, which has held the head row since: nobody else can
            // have appended in between, and a rolled-back savepoint would have lowered the head below the size.
            return known.range();
        }
        if (known != null && known.range().size() == size && size > 0) {
            try (PreparedStatement read =
                    connection.prepareStatement("SELECT leaf_hash FROM ledger_entry WHERE seq = ?")) {
                read.setLong(1, size - 1);
                try (ResultSet rs = read.executeQuery()) {
                    if (rs.next() && Arrays.equals(rs.getBytes(1), known.lastLeaf())) {
                        return known.range();
                    }
                }
            }
        }
        return LedgerNodes.range(connection, size);
    }

    /**
     * Takes the head row lock by advancing the head by {@code count}, and reads the first number this transaction now
     * owns from the same statement (the updated column returned as a generated key: H2 returns the row after the
     * update, PostgreSQL's driver adds {@code RETURNING}). Not "SELECT ... FOR UPDATE, then UPDATE": on H2 2.3 a FOR
     * UPDATE that waited for another writer could still return the row as it was before that writer committed (two
     * transactions with one number, a lost increment) even with the query result cache off; an UPDATE that waited
     * works on the committed row. Same locking on PostgreSQL.
     */
    private static long claimSequences(Connection connection, int count) throws SQLException {
        try (PreparedStatement advance = connection.prepareStatement(
                "UPDATE ledger_head SET next_seq = next_seq + ? WHERE id = 1", new String[] {"next_seq"})) {
            advance.setInt(1, count);
            if (advance.executeUpdate() != 1) {
                throw new SQLException("ledger_head row is missing");
            }
            try (ResultSet rs = advance.getGeneratedKeys()) {
                if (!rs.next()) {
                    throw new SQLException("the ledger head's new value was not returned");
                }
                return rs.getLong(1) - count;
            }
        }
    }

    /** The {@link LedgerEvent} named {@code name}; unknown names are refused, never recorded as free text. */
    static LedgerEvent event(String name) {
        try {
            return LedgerEvent.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event is not a ledger event name", e);
        }
    }

    private static String actor(String actor) {
        return switch (actor) {
            case "gateway" -> GATEWAY;
            case "unauthenticated" -> UNAUTHENTICATED;
            default -> actor;
        };
    }

    private static final String INSERT_ENTRY =
            "INSERT INTO ledger_entry (seq, ts, event, tracking_id, sender_message_id, actor, counterparty,"
                    + " message_type, payload_sha256, outcome, error_code, reason, leaf_hash)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private static void bindEntry(PreparedStatement insert, LedgerEntry e, byte[] leafHash) throws SQLException {
        insert.setLong(1, e.seq());
        insert.setTimestamp(2, Timestamp.from(e.time()));
        insert.setString(3, e.event().name());
        insert.setString(4, e.trackingId());
        insert.setString(5, e.senderMessageId());
        insert.setString(6, e.actor());
        insert.setString(7, e.counterparty());
        insert.setString(8, e.messageType());
        insert.setString(9, e.payloadSha256());
        insert.setString(10, e.event().name());
        insert.setString(11, e.errorCode());
        insert.setString(12, e.reason());
        insert.setBytes(13, leafHash);
    }
}
