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
 * housekeeping then); a graceful close rewrites it compactly and keeps every row (decision 0012).
 */
class DatabaseCompactionIT {
    private static final int ROWS = 2000;

    @TempDir
    Path tmp;

    @Test
    void closingRewritesTheGrownFileCompactlyAndKeepsTheData() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("db/compact")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        Path file = tmp.resolve("db/compact.mv.db");
        long grown;
        try (Database database = Database.open(url, "sa", "", 4)) {
            churn(database);
            grown = Files.size(file);
        }

        assertThat(Files.size(file)).isLessThan(grown / 4);
        try (Database reopened = Database.open(url, "sa", "", 4);
                Connection c = reopened.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*), SUM(CASE WHEN state = 'OLD' THEN 1 ELSE 0 END)," + " MAX(body) FROM churn")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(ROWS);
            assertThat(rs.getInt(2)).isEqualTo(ROWS / 2);
            assertThat(rs.getBytes(3)).isEqualTo(bodyOf(ROWS - 1));
        }
    }

    /** Small transactions as the gateway makes them: an insert with a payload and an update of an older row. */
    private static void churn(Database database) throws SQLException {
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
        Arrays.fill(body, (byte) (id % 100));
        return body;
    }
}
