package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 file, with the gateway's {@code WRITE_DELAY=0}, grows with every small transaction (H2 runs no
 * housekeeping then); a graceful close rewrites it compactly and keeps every row, and the gateway's own housekeeping
 * while it runs keeps H2's chunks from growing with every commit (decision 0012).
 */
class DatabaseCompactionIT {
    private static final int ROWS = 2000;
    private static final String SETTINGS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";

    @TempDir
    Path tmp;

    @Test
    void closingRewritesTheGrownFileCompactlyAndKeepsTheData() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("db/compact") + SETTINGS;
        Path file = tmp.resolve("db/compact.mv.db");
        long grown;
        try (Database database = Database.open(url, "sa", "", 4)) {
            churn(database, () -> {});
            grown = Files.size(file);
        }

        assertThat(Files.size(file)).isLessThan(grown / 4);
        assertKeptEveryRow(url);
    }

    @Test
    void housekeepingWhileOpenKeepsTheChunksFromGrowingWithEveryCommitAndKeepsTheData() throws Exception {
        // RETENTION_TIME=0: H2 may rewrite a chunk as soon as it is written (after 45 s by default), so nothing waits.
        String without = "jdbc:h2:file:" + tmp.resolve("db/without") + SETTINGS + ";RETENTION_TIME=0";
        String with = "jdbc:h2:file:" + tmp.resolve("db/with") + SETTINGS + ";RETENTION_TIME=0";
        long chunksWithout;
        long chunksWith;
        try (Database database = Database.open(without, "sa", "", 4)) {
            H2Compaction housekeeping = H2Compaction.of(database.dataSource(), 1 << 20);
            churn(database, () -> {});
            chunksWithout = housekeeping.chunks();
        }
        try (Database database = Database.open(with, "sa", "", 4)) {
            H2Compaction housekeeping = H2Compaction.of(database.dataSource(), 1 << 20);
            int[] rewrote = {0};
            churn(database, () -> rewrote[0] += housekeeping.runOnce() ? 1 : 0);
            chunksWith = housekeeping.chunks();
            assertThat(rewrote[0]).isPositive();
        }

        assertThat(chunksWithout).isGreaterThan(ROWS / 4);
        assertThat(chunksWith)
                .as("chunks with housekeeping, %d without", chunksWithout)
                .isLessThan(chunksWithout / 3);
        assertKeptEveryRow(with);
    }

    @Test
    void theGatewaysHousekeepingRunsWhileTheDatabaseIsOpenAndStopsBeforeItCloses() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("db/scheduled") + SETTINGS;
        try (Database database = Database.open(url, "sa", "", 4, 4 << 20)) {
            assertThat(housekeepingThreads()).isEqualTo(1);
        }
        assertThat(housekeepingThreads()).isZero();
        try (Database database = Database.open(url, "sa", "", 4, 0)) {
            assertThat(housekeepingThreads()).isZero();
        }
    }

    private static long housekeepingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("h2-compaction") && t.isAlive())
                .count();
    }

    private static void assertKeptEveryRow(String url) throws SQLException {
        try (Database reopened = Database.open(url, "sa", "", 4);
                Connection c = reopened.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(CASE WHEN state = 'OLD' THEN 1 ELSE 0 END),"
                        + " MIN(body), MAX(body) FROM churn")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(ROWS);
            assertThat(rs.getInt(2)).isEqualTo(ROWS / 2);
            assertThat(rs.getBytes(3)).isEqualTo(bodyOf(0));
            assertThat(rs.getBytes(4)).isEqualTo(bodyOf(ROWS - 1));
        }
    }

    /**
     * Small transactions as the gateway makes them: an insert with a payload and an update of an older row; {@code
     * afterEach} runs after each commit.
     */
    private static void churn(Database database, Runnable afterEach) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE churn (id INT PRIMARY KEY, state VARCHAR(16), body BYTEA)");
        }
        for (int i = 0; i < ROWS; i++) {
            int id = i;
            Transactions.inTransaction(database.dataSource(), c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO churn VALUES (?, 'NEW', ?)")) {
                    insert.setInt(1, id);
                    insert.setBytes(2, bodyOf(id));
                    insert.executeUpdate();
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE churn SET state = 'OLD' WHERE id = ?")) {
                    update.setInt(1, id / 2);
                    return update.executeUpdate();
                }
            });
            afterEach.run();
        }
    }

    private static byte[] bodyOf(int id) {
        byte[] body = new byte[2048];
        Arrays.fill(body, (byte) (id % 100));
        return body;
    }
}
