package uk.safeguarding.interchange.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.ledger.merkle.NodeSource;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.Transactions;
import uk.safeguarding.interchange.testsupport.MigratedTo;

/**
 * Migration V26 on a ledger written before it, which stored the perfect nodes of every level: only levels 4, 8, ...
 * stay, and the tree still serves its roots and takes appends.
 */
class LedgerNodeLevelsMigrationTest {
    @TempDir
    Path tmp;

    @Test
    void keepsOnlyTheStoredLevelsAndTheTreeStillServesAndGrows() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("v25") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        MigratedTo.version("25", url, "sa", "");
        LedgerAppender appender = new LedgerAppender(LedgerStoreContract.CLOCK);
        List<byte[]> leaves = new ArrayList<>();
        JdbcDataSource atV25 = new JdbcDataSource();
        atV25.setURL(url);
        atV25.setUser("sa");
        Transactions.inTransaction(atV25, c -> {
            for (int i = 0; i < 40; i++) {
                appender.append(c, new NewLedgerEntry("ACCEPTED", "t-" + i, null, "gateway", null, null, null, null));
            }
            return null;
        });
        try (Connection c = atV25.getConnection()) {
            c.setAutoCommit(false);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT leaf_hash FROM ledger_entry ORDER BY seq")) {
                while (rs.next()) {
                    leaves.add(rs.getBytes(1));
                }
            }
            insertTheLevelsStoredBefore(c, leaves);
            c.commit();
        }

        try (Database database = Database.open(url, "sa", "", 2)) {
            try (Connection c = database.dataSource().getConnection();
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT level, idx FROM ledger_node ORDER BY level, idx")) {
                List<String> kept = new ArrayList<>();
                while (rs.next()) {
                    kept.add(rs.getInt(1) + "/" + rs.getLong(2));
                }
                assertThat(kept).containsExactly("4/0", "4/1");
            }
            LedgerReader reader = new LedgerReader(database.dataSource());
            assertThat(reader.root(40)).isEqualTo(MerkleTree.root(leaves));
            assertThat(reader.root(33)).isEqualTo(MerkleTree.root(leaves.subList(0, 33)));

            LedgerAppender restarted = new LedgerAppender(LedgerStoreContract.CLOCK);
            restarted.appendAlone(
                    database.dataSource(),
                    new NewLedgerEntry("ACCEPTED", "t-40", null, "gateway", null, null, null, null));
            try (Connection c = database.dataSource().getConnection();
                    ResultSet rs =
                            c.createStatement().executeQuery("SELECT leaf_hash FROM ledger_entry WHERE seq = 40")) {
                assertThat(rs.next()).isTrue();
                leaves.add(rs.getBytes(1));
            }
            assertThat(reader.root(41)).isEqualTo(MerkleTree.root(leaves));
        }
    }

    /** Every perfect node below level 6 that the 40 entries complete, as the appender stored them before V26. */
    private static void insertTheLevelsStoredBefore(Connection c, List<byte[]> leaves) throws SQLException {
        NodeSource tree = NodeSource.ofLeafHashes(leaves);
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO ledger_node (level, idx, hash) VALUES (?,?,?)")) {
            for (int level = 0; level < 6; level++) {
                if (level == 4) {
                    continue; // already stored by today's appender
                }
                for (long index = 0; (index + 1) << level <= leaves.size(); index++) {
                    insert.setInt(1, level);
                    insert.setLong(2, index);
                    insert.setBytes(3, tree.perfectNode(level, index));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
