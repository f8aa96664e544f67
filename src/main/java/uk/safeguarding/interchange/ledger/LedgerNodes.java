package uk.safeguarding.interchange.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import uk.safeguarding.interchange.ledger.merkle.CompactRange;
import uk.safeguarding.interchange.ledger.merkle.NodeSource;

/**
 * The Merkle tree's perfect subtree nodes in the {@code ledger_node} table: a {@link NodeSource} over one connection
 * (proofs and roots for any size up to the committed tree size) and the inserts an append makes. Not thread-safe
 * (one connection).
 */
public final class LedgerNodes implements NodeSource, AutoCloseable {
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

    private final PreparedStatement select;

    private LedgerNodes(Connection connection) throws SQLException {
        this.select = connection.prepareStatement("SELECT hash FROM ledger_node WHERE level = ? AND idx = ?");
    }

    /** A node source reading through {@code connection}; close it before the connection. */
    public static LedgerNodes on(Connection connection) throws SQLException {
        return new LedgerNodes(connection);
    }

    /**
     * @throws IllegalStateException when the node is not stored (the tree is smaller, or rows were removed)
     * @throws StorageException when the database fails
     */
    @Override
    public byte[] perfectNode(int level, long index) {
        try {
            select.setInt(1, level);
            select.setLong(2, index);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No ledger node at level " + level + " index " + index);
                }
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        select.close();
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

    static void insert(Connection connection, List<Node> nodes) throws SQLException {
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
