package uk.safeguarding.interchange.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import uk.safeguarding.interchange.ledger.merkle.CompactRange;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.ledger.merkle.NodeSource;

/**
 * The Merkle tree's perfect subtree nodes, served from the database: a {@link NodeSource} over one connection (proofs
 * and roots for any size up to the committed tree size) and the inserts an append makes. Not thread-safe (one
 * connection).
 *
 * <p>Only every {@value #STORED_EVERY}th level is stored ({@code ledger_node}, levels 4, 8, ...: about one row per 15
 * entries), and level 0 is the leaf hash each {@code ledger_entry} row records. A node of another level is computed
 * from at most 2^{@value #STORED_EVERY - 1} consecutive nodes of the stored level below it, read with one range
 * query. Storing every level cost two rows per entry, and on H2 each commit rewrote the tail page of every level
 * it touched (docs/performance.md, section 13).
 */
public final class LedgerNodes implements NodeSource, AutoCloseable {
    /** The stored levels are the positive multiples of this. */
    static final int STORED_EVERY = 4;

    /** A node an append completed. */
    record Node(int level, long index, byte[] hash) {}

    /** Wraps a database failure met while reading nodes through the {@link NodeSource} interface. */
    public static final class StorageException extends RuntimeException {
        StorageException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private final PreparedStatement leaves;
    private final PreparedStatement nodes;

    private LedgerNodes(Connection connection) throws SQLException {
        this.leaves = connection.prepareStatement(
                "SELECT leaf_hash FROM ledger_entry WHERE seq >= ? AND seq < ? ORDER BY seq");
        this.nodes = connection.prepareStatement(
                "SELECT hash FROM ledger_node WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx");
    }

    /** A node source reading through {@code connection}; close it before the connection. */
    public static LedgerNodes on(Connection connection) throws SQLException {
        return new LedgerNodes(connection);
    }

    /** Whether nodes of {@code level} are stored in {@code ledger_node} (level 0 is in {@code ledger_entry}). */
    static boolean stored(int level) {
        return level > 0 && level % STORED_EVERY == 0;
    }

    /**
     * @throws IllegalStateException when the node is not stored (the tree is smaller, or rows were removed)
     * @throws StorageException when the database fails
     */
    @Override
    public byte[] perfectNode(int level, long index) {
        if (level < 0 || level > 62 || index < 0 || index > (Long.MAX_VALUE >> level)) {
            throw new IllegalStateException("No ledger node at level " + level + " index " + index);
        }
        int base = level - level % STORED_EVERY;
        int above = level - base;
        long first = index << above;
        int count = 1 << above;
        List<byte[]> hashes;
        try {
            hashes = base == 0 ? read(leaves, first, count) : read(nodes, base, first, count);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
        if (hashes.size() != count || hashes.contains(null)) {
            throw new IllegalStateException("No ledger node at level " + level + " index " + index);
        }
        while (hashes.size() > 1) {
            List<byte[]> parents = new ArrayList<>(hashes.size() / 2);
            for (int i = 0; i < hashes.size(); i += 2) {
                parents.add(MerkleTree.nodeHash(hashes.get(i), hashes.get(i + 1)));
            }
            hashes = parents;
        }
        return hashes.get(0);
    }

    private static List<byte[]> read(PreparedStatement query, long first, int count) throws SQLException {
        query.setLong(1, first);
        query.setLong(2, first + count);
        return hashes(query, count);
    }

    private static List<byte[]> read(PreparedStatement query, int level, long first, int count) throws SQLException {
        query.setInt(1, level);
        query.setLong(2, first);
        query.setLong(3, first + count);
        return hashes(query, count);
    }

    private static List<byte[]> hashes(PreparedStatement query, int count) throws SQLException {
        List<byte[]> hashes = new ArrayList<>(count);
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                hashes.add(rs.getBytes(1));
            }
        }
        return hashes;
    }

    @Override
    public void close() throws SQLException {
        try (leaves) {
            nodes.close();
        }
    }

    /** The compact range of the tree of {@code size} leaves, from O(log n) stored nodes. */
    static CompactRange range(Connection connection, long size) throws SQLException {
        try (LedgerNodes nodes = on(connection)) {
            return CompactRange.of(size, nodes);
        } catch (StorageException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new SQLException(
                    "The ledger's Merkle nodes do not cover its " + size + " entries: refusing to append", e);
        }
    }

    /** Inserts the nodes of stored levels; the others are dropped. */
    static void insert(Connection connection, List<Node> completed) throws SQLException {
        List<Node> nodes = completed.stream().filter(n -> stored(n.level())).toList();
        if (nodes.isEmpty()) {
            return;
        }
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO ledger_node (level, idx, hash) VALUES (?,?,?)")) {
            for (Node node : nodes) {
                insert.setInt(1, node.level());
                insert.setLong(2, node.index());
                insert.setBytes(3, node.hash());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
