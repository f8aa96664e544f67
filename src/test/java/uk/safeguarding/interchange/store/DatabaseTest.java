package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migrations on H2 in PostgreSQL mode, the embedded default. */
class DatabaseTest {
    @Test
    void migratesH2AndRejectsASecondMessageWithTheSameSenderId() throws Exception {
        try (Database db = Database.open("jdbc:h2:mem:dbtest;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 2);
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThat(db.isUp()).isTrue();
            String insert = "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event,"
                    + " received_at) VALUES ('%s', 'urn:interchange:school:100001', 'm-1', '%s',"
                    + " 'safeguarding-referral', CURRENT_TIMESTAMP)";
            s.executeUpdate(insert.formatted("t-1", "a".repeat(64)));

            assertThatThrownBy(() -> s.executeUpdate(insert.formatted("t-2", "b".repeat(64))))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("uq_message_sender_id");
            // The key is the pair: another sender may use the same message id.
            s.executeUpdate(insert.replace("school:100001", "school:100002").formatted("t-3", "c".repeat(64)));
            s.executeUpdate("INSERT INTO ledger_entry (seq, ts, event, actor, outcome)"
                    + " VALUES (1, CURRENT_TIMESTAMP, 'rejected', 'urn:interchange:gateway:national', 'AUTH-001')");
        }
    }

    @Test
    void h2UrlsGetTheGatewaysSettingsUnlessTheyNameThemAndOtherUrlsAreLeftAlone() {
        assertThat(Database.withH2Settings("jdbc:h2:mem:x;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:mem:x;MODE=PostgreSQL;OPTIMIZE_REUSE_RESULTS=FALSE;QUERY_CACHE_SIZE="
                        + Database.H2_QUERY_CACHE_SIZE);
        assertThat(Database.withH2Settings("jdbc:h2:mem:x;query_cache_size=16"))
                .isEqualTo("jdbc:h2:mem:x;query_cache_size=16;OPTIMIZE_REUSE_RESULTS=FALSE");
        assertThat(Database.withH2Settings("jdbc:postgresql://localhost/db"))
                .isEqualTo("jdbc:postgresql://localhost/db");
    }

    @Test
    void anOpenedH2DatabaseRunsWithTheLargerStatementCache() throws Exception {
        try (Database db = Database.open("jdbc:h2:mem:cachetest;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 2);
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery(
                        "SELECT setting_value FROM information_schema.settings WHERE setting_name = 'QUERY_CACHE_SIZE'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(Database.H2_QUERY_CACHE_SIZE);
        }
    }

    @Test
    void mailboxesKeptInTheMailboxTableBeforeV27AreListedAndAcknowledgedAsBefore(@TempDir Path tmp) throws Exception {
        uk.safeguarding.interchange.delivery.MailboxTableMigration.run(
                "jdbc:h2:file:" + tmp.resolve("v26") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    }

    @Test
    void movesPayloadsOfOldMessagesIntoThePayloadTableReadableAndErasable(@TempDir Path tmp) throws Exception {
        OldPayloadColumnsMigration.run(
                "jdbc:h2:file:" + tmp.resolve("v20") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    }
}
