package uk.safeguarding.interchange.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import uk.safeguarding.interchange.store.Transactions;

/**
 * Builds the auditors' search index behind the ledger (decision 0016): copies the searched columns of entries not yet
 * indexed into {@code ledger_search}, many entries per transaction, and moves {@code ledger_search_head} past them
 * in the same transaction. Appends never touch the search indexes; {@link LedgerReader#search} reads entries below the
 * head through them and the rest from {@code ledger_entry} by seq, so how far behind this runs changes a search's
 * cost, never its result. Several gateways on one database may run it at once: a batch moves the head only from the
 * value it read, so only one of two racing batches commits. Thread-safe (stateless).
 */
public final class LedgerSearchIndex {
    /** Entries indexed per transaction. */
    public static final int DEFAULT_BATCH = 2000;

    private final DataSource dataSource;
    private final int batch;

    public LedgerSearchIndex(DataSource dataSource, int batch) {
        this.dataSource = Objects.requireNonNull(dataSource);
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive");
        }
        this.batch = batch;
    }

    /**
     * Indexes every entry committed when it looks, in batches of at most {@code batch}.
     *
     * @return how many entries it indexed
     */
    public long indexNew() throws SQLException {
        long total = 0;
        int indexed;
        do {
            indexed = Transactions.inTransaction(dataSource, this::indexBatch);
            total += indexed;
        } while (indexed == batch);
        return total;
    }

    /**
     * The head: entries below it are in {@code ledger_search}. It commits with the rows it covers and those rows never
     * change, so a search may read it first and the rows in a later statement.
     */
    static long head(Connection c) throws SQLException {
        return LedgerReader.nextSeq(c, "ledger_search_head");
    }

    /**
     * Indexes the committed entries from the head on, up to {@code batch} of them and only an unbroken run of seqs
     * (appends commit in seq order, so a gap would be an entry not yet visible; it is indexed next time).
     */
    private int indexBatch(Connection c) throws SQLException {
        long from = head(c);
        int count = 0;
        try (PreparedStatement read = c.prepareStatement(
                        "SELECT seq, ts, event, sender_message_id, actor, counterparty FROM ledger_entry"
                                + " WHERE seq >= ? ORDER BY seq FETCH FIRST " + batch + " ROWS ONLY");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO ledger_search (seq, ts, event, sender_message_id, actor, counterparty)"
                                + " VALUES (?,?,?,?,?,?)")) {
            read.setLong(1, from);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next() && rs.getLong(1) == from + count) {
                    insert.setLong(1, rs.getLong(1));
                    insert.setTimestamp(2, rs.getTimestamp(2));
                    insert.setString(3, rs.getString(3));
                    insert.setString(4, rs.getString(4));
                    insert.setString(5, rs.getString(5));
                    insert.setString(6, rs.getString(6));
                    insert.addBatch();
                    count++;
                }
            }
            if (count == 0) {
                return 0;
            }
            // Claim the run first: another indexer that read the same head waits here, then finds it moved.
            try (PreparedStatement advance =
                    c.prepareStatement("UPDATE ledger_search_head SET next_seq = ? WHERE id = 1 AND next_seq = ?")) {
                advance.setLong(1, from + count);
                advance.setLong(2, from);
                if (advance.executeUpdate() != 1) {
                    return 0;
                }
            }
            insert.executeBatch();
        }
        return count;
    }
}
