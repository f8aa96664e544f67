package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2's housekeeping while the gateway runs (decision 0012). With {@code WRITE_DELAY=0} H2 starts no background
 * writer, so nothing rewrites the chunks that hold a few live pages: every commit's chunk stays in the file, in H2's
 * chunk layout (rewritten in part at every commit) and in the heap (one object per chunk, ~230 bytes), without bound.
 * Each {@link #runOnce() run} does what H2's own background writer would: while less than {@value #TARGET_FILL_PERCENT}
 * % of the chunks' bytes are live, it moves the live pages of the sparsest chunks older than H2's retention time (up to
 * a byte budget) into a new chunk, so the old ones die and their space is reused.
 * Thread-safe.
 */
final class H2Compaction implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Compaction.class);

    /** How often a run starts while the database is open. */
    static final long PERIOD_MILLIS = 250;

    /** Runs rewrite nothing while at least this share of the chunks' bytes is live. */
    static final int TARGET_FILL_PERCENT = 50;

    private final MVStore store;
    private final int bytesPerRun;
    private ScheduledExecutorService timer;

    private H2Compaction(MVStore store, int bytesPerRun) {
        this.store = store;
        this.bytesPerRun = bytesPerRun;
    }

    /**
     * The housekeeping of the H2 database behind {@code dataSource}, not yet scheduled.
     *
     * @param bytesPerRun the most live bytes one run moves
     */
    static H2Compaction of(DataSource dataSource, int bytesPerRun) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
            return new H2Compaction(session.getDatabase().getStore().getMvStore(), bytesPerRun);
        }
    }

    /** Starts a run every {@value #PERIOD_MILLIS} ms on a daemon thread of its own, until {@link #close()}. */
    synchronized H2Compaction schedule() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "h2-compaction");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::runQuietly, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * One run: rewrites the live pages of the sparsest old chunks, up to the budget, and commits them. Waits at most
     * 10 ms for H2's store lock (a commit in progress) and does nothing if it does not get it.
     *
     * @return whether anything was rewritten
     */
    boolean runOnce() {
        boolean rewrote = store.compact(TARGET_FILL_PERCENT, bytesPerRun);
        if (rewrote) {
            store.tryCommit();
        }
        return rewrote;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // The next run tries again; if the store itself has failed, every transaction reports it already.
            log.warn("H2 housekeeping failed: {}", e.toString());
        }
    }

    /** The number of chunks H2 keeps (each one an entry in its layout and an object in the heap). */
    long chunks() {
        Map<String, String> info = new HashMap<>();
        store.getFileStore().populateInfo(info::put);
        return Long.parseLong(info.get("info.CHUNK_COUNT"));
    }

    /** Stops the runs; returns once a run in progress has ended. */
    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("H2 housekeeping did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
