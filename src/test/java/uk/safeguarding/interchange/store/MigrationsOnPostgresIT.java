package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Flyway migrations run on real PostgreSQL (the production database) as well as on H2. */
class MigrationsOnPostgresIT {
    static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void migratesPostgresAndEnforcesTheIdempotencyKey() throws Exception {
        try (Database db = Database.open(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", 2)) {
            assertThat(db.isUp()).isTrue();
            insert(db.dataSource(), "trk-1", "msg-1");

            assertThatThrownBy(() -> insert(db.dataSource(), "trk-2", "msg-1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("uq_message_sender_id");
        }
    }

    @Test
    void movesPayloadsOfOldMessagesIntoThePayloadTableReadableAndErasable() throws Exception {
        OldPayloadColumnsMigration.run(newDatabase("at_v20"), "postgres", "postgres");
    }

    @Test
    void deliveriesRoutedBeforeV23KeepTheirEscalations() throws Exception {
        uk.safeguarding.interchange.delivery.SlaFixtures.upgradeKeepsEscalations(
                newDatabase("at_v22"), "postgres", "postgres");
    }

    @Test
    void mailboxesKeptInTheMailboxTableBeforeV27AreListedAndAcknowledgedAsBefore() throws Exception {
        uk.safeguarding.interchange.delivery.MailboxTableMigration.run(newDatabase("at_v26"), "postgres", "postgres");
    }

    /** The URL of a new, empty database in the embedded server. */
    private static String newDatabase(String name) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return pg.getJdbcUrl("postgres", name);
    }

    private static void insert(DataSource ds, String trackingId, String senderMessageId) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event,"
                                + " received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, trackingId);
            ps.setString(2, "urn:interchange:school:100001");
            ps.setString(3, senderMessageId);
            ps.setString(4, "a".repeat(64));
            ps.setString(5, "safeguarding-referral");
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }
}
