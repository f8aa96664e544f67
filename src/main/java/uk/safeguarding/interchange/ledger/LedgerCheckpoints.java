package uk.safeguarding.interchange.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointSigner;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;

/**
 * Issues and keeps the ledger's signed checkpoints ({@code checkpoint} table). A checkpoint is issued on demand
 * ({@link #issue()}) or when due ({@link #issueIfDue()}: the tree grew by {@code everyEntries} or it grew and the
 * latest checkpoint is {@code maxAge} old). Issuing holds the ledger head lock, so the signed size is exactly the
 * committed tree, and it <b>never signs a tree inconsistent with the previous checkpoint</b>: it first checks, with a
 * consistency proof from the stored nodes, that the previous signed root is a prefix of the new tree, and refuses
 * (throws) otherwise. Thread-safe.
 */
public final class LedgerCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(LedgerCheckpoints.class);

    private final DataSource dataSource;
    private final CheckpointSigner signer;
    private final Clock clock;
    private final long everyEntries;
    private final Duration maxAge;

    public LedgerCheckpoints(
            DataSource dataSource, CheckpointSigner signer, Clock clock, long everyEntries, Duration maxAge) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.signer = Objects.requireNonNull(signer);
        this.clock = Objects.requireNonNull(clock);
        if (everyEntries < 1) {
            throw new IllegalArgumentException("everyEntries must be positive");
        }
        this.everyEntries = everyEntries;
        this.maxAge = Objects.requireNonNull(maxAge);
    }

    /** The origin line of the notes this gateway signs. */
    public String origin() {
        return signer.origin();
    }

    /**
     * A checkpoint of the current tree: the latest one when the tree has not grown since, else a newly signed one.
     *
     * @throws IllegalStateException when the current tree is not consistent with the previous checkpoint (nothing is
     *     signed; the ledger has been tampered with or lost entries)
     */
    public StoredCheckpoint issue() throws SQLException {
        return issue(true).orElseThrow();
    }

    /** Issues a checkpoint if one is due (see the type's documentation); empty when none is. */
    public Optional<StoredCheckpoint> issueIfDue() throws SQLException {
        return issue(false);
    }

    private Optional<StoredCheckpoint> issue(boolean onDemand) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // A plain read, never FOR UPDATE: the committed head already bounds a committed, unchanging prefix
                // (appends take the head in the transaction that inserts their entries, so the head commits with
                // them, in sequence order). On H2 2.4 a FOR UPDATE that waited for an appender could lock — and so
                // write back — the head as it was before that appender committed: the head went back, and every
                // later append collided with an existing entry (LedgerHeadConcurrencyIT).
                long size = LedgerReader.treeSize(c);
                Optional<StoredCheckpoint> latest = latest(c);
                if (latest.isPresent() && latest.get().size() == size) {
                    c.rollback();
                    return onDemand ? latest : Optional.empty();
                }
                if (!onDemand && !due(size, latest)) {
                    c.rollback();
                    return Optional.empty();
                }
                byte[] root = LedgerReader.root(c, size);
                latest.ifPresent(previous -> requireConsistent(c, previous, size, root));
                Checkpoint checkpoint = signer.checkpoint(size, root);
                String note = signer.sign(checkpoint);
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO checkpoint (tree_size, root_hash, issued_at, note) VALUES (?,?,?,?)")) {
                    insert.setLong(1, size);
                    insert.setBytes(2, root);
                    insert.setTimestamp(3, Timestamp.from(checkpoint.time()));
                    insert.setString(4, note);
                    insert.executeUpdate();
                }
                c.commit();
                log.info("Signed ledger checkpoint at tree size {}", size);
                return Optional.of(new StoredCheckpoint(size, root, checkpoint.time(), note));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private boolean due(long size, Optional<StoredCheckpoint> latest) {
        if (latest.isEmpty()) {
            return true;
        }
        StoredCheckpoint previous = latest.get();
        return size - previous.size() >= everyEntries
                || !previous.issuedAt().plus(maxAge).isAfter(clock.instant());
    }

    private static void requireConsistent(Connection c, StoredCheckpoint previous, long size, byte[] root) {
        if (previous.size() > size) {
            throw new IllegalStateException("The ledger is smaller than its latest checkpoint: refusing to sign");
        }
        List<byte[]> proof;
        try (LedgerNodes nodes = LedgerNodes.on(c)) {
            proof = MerkleTree.consistencyProof(previous.size(), size, nodes);
        } catch (SQLException | LedgerNodes.StorageException e) {
            throw new IllegalStateException("Cannot read the ledger's nodes to check consistency", e);
        }
        if (!MerkleTree.verifyConsistency(previous.size(), size, proof, previous.rootHash(), root)) {
            throw new IllegalStateException("The ledger at size " + size
                    + " is not consistent with the checkpoint at size " + previous.size() + ": refusing to sign");
        }
    }

    /** The latest (largest) checkpoint. */
    public Optional<StoredCheckpoint> latest() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return latest(c);
        }
    }

    private static Optional<StoredCheckpoint> latest(Connection c) throws SQLException {
        return one(
                c,
                "SELECT tree_size, root_hash, issued_at, note FROM checkpoint ORDER BY tree_size DESC LIMIT 1",
                null);
    }

    /** The checkpoint of exactly {@code size} entries, if one was issued. */
    public Optional<StoredCheckpoint> at(long size) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return one(c, "SELECT tree_size, root_hash, issued_at, note FROM checkpoint WHERE tree_size = ?", size);
        }
    }

    /** The largest checkpoint of at most {@code size} entries. */
    public Optional<StoredCheckpoint> latestAtOrBelow(long size) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return one(
                    c,
                    "SELECT tree_size, root_hash, issued_at, note FROM checkpoint WHERE tree_size <= ?"
                            + " ORDER BY tree_size DESC LIMIT 1",
                    size);
        }
    }

    /** Checkpoints with a size above {@code afterSize}, smallest first, at most {@code limit}. */
    public List<StoredCheckpoint> list(long afterSize, int limit) throws SQLException {
        List<StoredCheckpoint> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, issued_at, note FROM checkpoint"
                        + " WHERE tree_size > ? ORDER BY tree_size LIMIT " + Math.max(1, limit))) {
            ps.setLong(1, afterSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    private static Optional<StoredCheckpoint> one(Connection c, String sql, Long size) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (size != null) {
                ps.setLong(1, size);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static StoredCheckpoint row(ResultSet rs) throws SQLException {
        return new StoredCheckpoint(
                rs.getLong(1), rs.getBytes(2), rs.getTimestamp(3).toInstant(), rs.getString(4));
    }
}
