package uk.safeguarding.interchange.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.Transactions;

/** The database-backed ledger on the embedded default: H2 (file, PostgreSQL mode), migrated by Flyway. */
class LedgerStoreOnH2IT extends LedgerStoreContract {
    @TempDir
    Path tmp;

    Database database;

    @BeforeEach
    void open() {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/ledger") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 16);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Override
    DataSource dataSource() {
        return database.dataSource();
    }

    @Test
    void aSearchByOrganisationOrEventReadsOnlyAPageOfItsIndexWhetherItHasManyEntriesOrFew() throws Exception {
        String busy = "urn:interchange:la:850";
        String quiet = "urn:interchange:la:999";
        appendRouted(3000, busy);
        appender.appendAlone(
                dataSource(), new NewLedgerEntry("ROUTED", "t-quiet", null, SCHOOL, quiet, null, null, null));
        new LedgerSearchIndex(dataSource(), LedgerSearchIndex.DEFAULT_BATCH).indexNew();
        // Entries the index has not reached yet (decision 0016): read from the ledger by seq, these and no others.
        appendRouted(100, busy);
        long head = 3001;

        for (String organisation : List.of(busy, quiet)) {
            LedgerReader.SearchStatement statement = LedgerReader.searchStatement(
                    new LedgerQuery(null, null, organisation, null, null, null, 10, 100), head);
            String plan = explain(statement);
            // Before V25 the quiet authority's search read the ledger from seq 10 on, the busy one's every entry.
            assertThat(plan)
                    .contains("ix_ledger_search_actor")
                    .contains("ix_ledger_search_counterparty")
                    .contains("index sorted");
            assertThat(scanCounts(plan)).as(plan).allSatisfy(count -> assertThat(count)
                    .isLessThanOrEqualTo(300));
        }
        String byEvent = explain(LedgerReader.searchStatement(
                new LedgerQuery(null, null, null, LedgerEvent.ROUTED, null, null, 10, 100), head));
        assertThat(byEvent).contains("ix_ledger_search_event").contains("index sorted");
        assertThat(scanCounts(byEvent)).as(byEvent).allSatisfy(count -> assertThat(count)
                .isLessThanOrEqualTo(300));
    }

    private void appendRouted(int count, String busy) throws SQLException {
        Transactions.inTransaction(dataSource(), c -> {
            for (int i = 0; i < count; i++) {
                appender.append(
                        c,
                        new NewLedgerEntry(
                                "ROUTED", "t-" + i, null, i % 2 == 0 ? busy : SCHOOL, busy, null, null, null));
            }
            return null;
        });
    }

    private String explain(LedgerReader.SearchStatement statement) throws SQLException {
        try (Connection c = dataSource().getConnection();
                PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + statement.sql())) {
            for (int i = 0; i < statement.params().size(); i++) {
                explain.setObject(i + 1, statement.params().get(i));
            }
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<Integer> scanCounts(String plan) {
        return Pattern.compile("scanCount: (\\d+)")
                .matcher(plan)
                .results()
                .map(m -> Integer.parseInt(m.group(1)))
                .toList();
    }
}
