package uk.safeguarding.interchange.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Appends ledger entries inside the caller's transaction. The head row lock makes sequence numbers gap-free and
 * ordered by commit: a rolled-back transaction releases its number with the lock. Thread-safe (stateless apart
 * from the clock).
 */
public final class LedgerAppender {
    private final Clock clock;

    public LedgerAppender(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Appends {@code entry} using {@code connection}, which must not be in auto-commit mode; the entry becomes
     * visible when the caller commits.
     *
     * @return the entry's sequence number
     */
    public long append(Connection connection, NewLedgerEntry entry) throws SQLException {
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("ledger appends must run inside the caller's transaction");
        }
        long seq;
        try (PreparedStatement lock =
                        connection.prepareStatement("SELECT next_seq FROM ledger_head WHERE id = 1 FOR UPDATE");
                ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("ledger_head row is missing");
            }
            seq = rs.getLong(1);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ledger_entry (seq, ts, event, tracking_id, sender_message_id, actor, counterparty,"
                        + " message_type, payload_sha256, outcome, error_code) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            insert.setLong(1, seq);
            insert.setTimestamp(2, Timestamp.from(now));
            insert.setString(3, entry.event());
            insert.setString(4, entry.trackingId());
            insert.setString(5, entry.senderMessageId());
            insert.setString(6, entry.actor());
            insert.setString(7, entry.counterparty());
            insert.setString(8, entry.messageType());
            insert.setString(9, entry.payloadSha256());
            insert.setString(10, entry.event());
            insert.setString(11, entry.errorCode());
            insert.executeUpdate();
        }
        try (PreparedStatement advance =
                connection.prepareStatement("UPDATE ledger_head SET next_seq = next_seq + 1 WHERE id = 1")) {
            advance.executeUpdate();
        }
        return seq;
    }
}
