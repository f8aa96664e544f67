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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded H2 file (with the gateway's WRITE_DELAY=0) grows with every write until housekeeping compacts it. */
class H2HousekeepingIT {
    private static final int ROWS = 2000;

    @TempDir
    Path tmp;

    private Database database;

    @BeforeEach
    void open() {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/house")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0",
                "sa",
                "",
                4);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aSparseFileIsCompactedAndItsDataKept() throws Exception {
        churn();
        long grown = Files.size(file());

        H2Housekeeping.Result result = new H2Housekeeping(database.dataSource(), 50, 2_000).compactIfSparse();

        assertThat(result.compacted()).isTrue();
        assertThat(result.liveShare()).isLessThan(50);
        assertThat(result.sizeBefore()).isEqualTo(grown);
        assertThat(result.sizeAfter()).isLessThan(result.sizeBefore() / 2);
        assertThat(rows()).isEqualTo(ROWS);
        assertThat(body(ROWS - 1)).isEqualTo(bodyOf(ROWS - 1));
    }

    @Test
    void aFileWithEnoughLiveDataIsLeftAlone() throws Exception {
        churn();

        H2Housekeeping.Result result = new H2Housekeeping(database.dataSource(), 1, 2_000).compactIfSparse();

        assertThat(result.compacted()).isFalse();
        assertThat(result.sizeAfter()).isEqualTo(result.sizeBefore()).isEqualTo(Files.size(file()));
    }

    private Path file() {
        return tmp.resolve("db/house.mv.db");
    }

    /** Small transactions as the gateway makes them: an insert with a payload and an update of an older row. */
    private void churn() throws SQLException {
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
        }
    }

    private static byte[] bodyOf(int id) {
        byte[] body = new byte[2048];
        Arrays.fill(body, (byte) id);
        return body;
    }

    private int rows() throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM churn")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private byte[] body(int id) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement q = c.prepareStatement("SELECT body FROM churn WHERE id = ?")) {
            q.setInt(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }
}
