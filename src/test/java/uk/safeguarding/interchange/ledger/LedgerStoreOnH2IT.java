package uk.safeguarding.interchange.ledger;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.store.Database;

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
}
