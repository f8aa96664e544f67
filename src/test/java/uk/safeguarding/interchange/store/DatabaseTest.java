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
            s.executeUpdate("INSERT INTO ledger_entry (seq, ts, event, actor, outcome)"
                    + " VALUES (1, CURRENT_TIMESTAMP, 'rejected', 'urn:interchange:gateway:national', 'AUTH-001')");
        }
    }

    @Test
    void movesPayloadsOfOldMessagesIntoThePayloadTableReadableAndErasable(@TempDir Path tmp) throws Exception {
        OldPayloadColumnsMigration.run(
                "jdbc:h2:file:" + tmp.resolve("v20") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    }
}
