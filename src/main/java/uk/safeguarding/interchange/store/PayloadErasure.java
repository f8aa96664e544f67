package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.LedgerEvent;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;

/**
 * Crypto-shredding: destroys payload keys whose retention has passed (or on request), each in one transaction with its
 * {@code ERASED} ledger entry ({@code actor} the gateway, {@code reason} why). Every payload of the message (all its
 * {@code payload} rows, whatever their {@link PayloadKind}) is encrypted under that one key: the ciphertexts stay and
 * can never be decrypted again; the ledger never held the payload, so it stays verifiable and the trail still shows the message's
 * life. Thread-safe.
 */
public final class PayloadErasure {
    /** The reason recorded when retention ran out. */
    public static final String RETENTION = "retention";

    private static final Logger log = LoggerFactory.getLogger(PayloadErasure.class);

    private final DataSource dataSource;
    private final LedgerAppender ledger;
    private final Clock clock;

    public PayloadErasure(DataSource dataSource, LedgerAppender ledger, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Erases up to {@code limit} payloads past their retention; returns how many were erased. */
    public int eraseExpired(int limit) throws SQLException {
        List<String> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement query = c.prepareStatement("SELECT tracking_id FROM message"
                        + " WHERE erased_at IS NULL AND retain_until <= ? ORDER BY retain_until LIMIT "
                        + Math.max(1, limit))) {
            query.setTimestamp(1, Timestamp.from(clock.instant()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getString(1));
                }
            }
        }
        int erased = 0;
        for (String trackingId : due) {
            if (erase(trackingId, RETENTION)) {
                erased++;
            }
        }
        if (erased > 0) {
            log.info("Erased {} payloads past their retention", erased);
        }
        return erased;
    }

    /**
     * Destroys one message's payload key and ledgers it; false when it was already erased or is unknown.
     *
     * @param reason a token for the ledger, e.g. {@link #RETENTION}
     */
    public boolean erase(String trackingId, String reason) throws SQLException {
        return Transactions.inTransaction(dataSource, c -> {
            String event;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT event FROM message WHERE tracking_id = ? AND wrapped_key IS NOT NULL FOR UPDATE")) {
                select.setString(1, trackingId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    event = rs.getString(1);
                }
            }
            Instant now = clock.instant();
            try (PreparedStatement shred =
                    c.prepareStatement("UPDATE message SET wrapped_key = NULL, erased_at = ? WHERE tracking_id = ?")) {
                shred.setTimestamp(1, Timestamp.from(now));
                shred.setString(2, trackingId);
                shred.executeUpdate();
            }
            ledger.append(
                    c,
                    new NewLedgerEntry(
                            LedgerEvent.ERASED.name(), trackingId, null, "gateway", null, event, null, null, reason));
            return true;
        });
    }
}
