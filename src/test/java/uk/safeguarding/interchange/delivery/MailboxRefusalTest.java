package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.store.Database;

/**
 * A refused fetch or acknowledgement is answered AUTH-006 and recorded in the ledger even when the pool has a single
 * free connection: the refusal's entry is written after the read's connection went back to the pool. (They held it,
 * and the entry waited for a second connection: with none free, it waited out the pool's 30 s and was lost.)
 */
class MailboxRefusalTest {
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String NOT_THERE = "01930000-0000-7000-8000-0000000000ff";

    @Test
    void aRefusedFetchOrAcknowledgementIsRecordedWithTheOnlyFreePooledConnection() throws Exception {
        try (Database db = Database.open(
                        "jdbc:h2:mem:refusal-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                        "sa",
                        "",
                        2);
                Connection busy = db.dataSource().getConnection()) {
            Mailbox mailbox = MailboxTableMigration.mailbox(db.dataSource());

            assertThatThrownBy(() -> mailbox.fetch(LA_850, NOT_THERE))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.AUTH_NOT_PERMITTED));
            assertThatThrownBy(() -> mailbox.acknowledge(LA_850, NOT_THERE))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.AUTH_NOT_PERMITTED));

            assertThat(refusals(busy)).isEqualTo(2);
        }
    }

    private static int refusals(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM ledger_entry WHERE event = 'REJECTED'"
                + " AND tracking_id = ? AND actor = ? AND error_code = 'AUTH-006'")) {
            q.setString(1, NOT_THERE);
            q.setString(2, LA_850);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
