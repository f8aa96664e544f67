package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file from growing without bound (decision 0012). With {@code WRITE_DELAY=0} (needed: every
 * commit written before it is acknowledged) H2 starts no background housekeeping, so chunks that still hold a few
 * live pages are never rewritten and the file grows with every write (1.5 GB after ~7 000 referrals in a load run).
 * {@link #compactIfSparse} compacts the file when the live share of its chunks is below a threshold, for at most a
 * given time: H2 holds its store lock while it moves chunks, so commits wait for that long. Called periodically by
 * routes/database-housekeeping.yaml; does nothing on other databases (PostgreSQL has its own vacuum). Thread-safe.
 */
public final class H2Housekeeping {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);

    /** What one call found and did. Sizes in bytes; both -1 when the database is not an H2 file. */
    public record Result(boolean compacted, int liveShare, long sizeBefore, long sizeAfter) {}

    private final DataSource dataSource;
    private final int compactBelowPercent;
    private final int maxMillis;

    /**
     * @param compactBelowPercent compact when less than this share of the chunks' bytes is live (1–100)
     * @param maxMillis the longest one compaction may hold H2's store lock (commits wait meanwhile)
     */
    public H2Housekeeping(DataSource dataSource, int compactBelowPercent, int maxMillis) {
        if (compactBelowPercent < 1 || compactBelowPercent > 100 || maxMillis < 1) {
            throw new IllegalArgumentException("compactBelowPercent must be 1–100 and maxMillis positive");
        }
        this.dataSource = Objects.requireNonNull(dataSource);
        this.compactBelowPercent = compactBelowPercent;
        this.maxMillis = maxMillis;
    }

    /** Compacts the file if it is sparse enough (see the type's documentation). */
    public Result compactIfSparse() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)) {
                return new Result(false, -1, -1, -1);
            }
            MVStore store = ((SessionLocal)
                            connection.unwrap(JdbcConnection.class).getSession())
                    .getDatabase()
                    .getStore()
                    .getMvStore();
            if (store.getFileStore() == null) {
                return new Result(false, -1, -1, -1); // an in-memory database has no file to compact
            }
            int live = store.getFileStore().getChunksFillRate();
            long before = store.getFileStore().size();
            if (live >= compactBelowPercent) {
                return new Result(false, live, before, before);
            }
            long start = System.nanoTime();
            store.compactFile(maxMillis);
            long after = store.getFileStore().size();
            log.info(
                    "Compacted the database file in {} ms: {} MB → {} MB ({} % of the chunks' bytes were live)",
                    (System.nanoTime() - start) / 1_000_000, before >> 20, after >> 20, live);
            return new Result(true, live, before, after);
        }
    }
}
