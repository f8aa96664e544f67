package uk.safeguarding.interchange.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's relational store: a pooled {@link DataSource} migrated by Flyway from {@code db/migration} on
 * start. H2 (file, PostgreSQL mode) is the embedded default; a {@code jdbc:postgresql:} URL selects PostgreSQL.
 * Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final String H2_FILE = "jdbc:h2:file:";

    private final HikariDataSource dataSource;
    private final H2Compaction compaction;

    private Database(HikariDataSource dataSource, H2Compaction compaction) {
        this.dataSource = dataSource;
        this.compaction = compaction;
    }

    /**
     * Opens the pool and applies pending migrations; closes the pool again if migration fails. An H2 file database
     * gets no housekeeping while open (short-lived commands, tests); the gateway opens it with
     * {@link #open(String, String, String, int, int)}.
     */
    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        return open(jdbcUrl, user, password, poolSize, 0);
    }

    /**
     * Opens the pool and applies pending migrations, then, for an H2 file database and a positive budget, starts H2's
     * housekeeping ({@link H2Compaction}) until {@link #close()}.
     *
     * @param compactionBytesPerSecond the most live bytes the housekeeping moves per second; 0 for none
     */
    public static Database open(
            String jdbcUrl, String user, String password, int poolSize, int compactionBytesPerSecond) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("interchange-db");
        config.setJdbcUrl(withH2Settings(jdbcUrl));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(true);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot open the database: " + rootMessage(e), e);
        }
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load();
            int applied = flyway.migrate().migrationsExecuted;
            log.info(
                    "Database ready (schema version {}, {} migrations applied now)",
                    flyway.info().current().getVersion(),
                    applied);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        H2Compaction compaction = null;
        if (jdbcUrl.startsWith(H2_FILE) && compactionBytesPerSecond > 0) {
            int bytesPerRun = (int) Math.max(1, compactionBytesPerSecond * H2Compaction.PERIOD_MILLIS / 1000);
            try {
                compaction = H2Compaction.of(ds, bytesPerRun).schedule();
            } catch (SQLException | RuntimeException e) {
                ds.close();
                throw new IllegalStateException("Cannot start the database's housekeeping: " + rootMessage(e), e);
            }
        }
        return new Database(ds, compaction);
    }

    /** Statements each H2 session keeps parsed (H2's default, 8, is fewer than one acknowledgement prepares). */
    static final int H2_QUERY_CACHE_SIZE = 256;

    /**
     * The settings every H2 URL gets unless it names them itself; other databases' URLs are returned unchanged.
     *
     * <ul>
     *   <li>{@code OPTIMIZE_REUSE_RESULTS=FALSE}: H2 2.3's per-session query result cache can hand a transaction a
     *       stale row under concurrent writers (h2database issues 3894 and 4208): on the ledger head that gave two
     *       transactions one sequence number and lost an increment at ~60 appends/s.
     *   <li>{@code QUERY_CACHE_SIZE}: H2 keeps the last 8 statements a session parsed; a group commit's units prepare
     *       dozens of different ones, so every statement was parsed again (6 % of the gateway's CPU under load,
     *       docs/performance.md section 11).
     * </ul>
     */
    static String withH2Settings(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return jdbcUrl;
        }
        String url = jdbcUrl;
        String upper = jdbcUrl.toUpperCase(java.util.Locale.ROOT);
        if (!upper.contains("OPTIMIZE_REUSE_RESULTS")) {
            url += ";OPTIMIZE_REUSE_RESULTS=FALSE";
        }
        if (!upper.contains("QUERY_CACHE_SIZE")) {
            url += ";QUERY_CACHE_SIZE=" + H2_QUERY_CACHE_SIZE;
        }
        return url;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** True when a connection can be taken and {@code SELECT 1} answers within two seconds. */
    public boolean isUp() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            try (var rs = s.executeQuery("SELECT 1")) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (compaction != null) {
            compaction.close();
        }
        compactIfH2File();
        dataSource.close();
        log.info("Database closed");
    }

    /**
     * Rewrites an H2 file compactly before the pool closes (decision 0012): with {@code WRITE_DELAY=0} H2 never
     * compacts while it runs, so the file grows with every write until a graceful stop does this. H2 writes the
     * compact copy beside the file and swaps it in, so a stop killed half-way leaves the old file intact.
     */
    private void compactIfH2File() {
        String url = dataSource.getJdbcUrl();
        if (!url.startsWith(H2_FILE)) {
            return;
        }
        Path file = Path.of(url.substring(H2_FILE.length()).split(";", 2)[0] + ".mv.db");
        long before = sizeOf(file);
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SHUTDOWN COMPACT");
        } catch (SQLException e) {
            // H2 answers the statement that shut it down with "database is already closed": that is success.
            if (e.getErrorCode() != org.h2.api.ErrorCode.DATABASE_CALLED_AT_SHUTDOWN) {
                log.warn("Could not compact the database file at shutdown: {}", e.toString());
                return;
            }
        }
        log.info(
                "Compacted the database file at shutdown in {} ms: {} MB -> {} MB",
                (System.nanoTime() - start) / 1_000_000,
                before >> 20,
                sizeOf(file) >> 20);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
