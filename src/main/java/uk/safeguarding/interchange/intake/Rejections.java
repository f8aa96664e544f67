package uk.safeguarding.interchange.intake;

import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;

/**
 * Records every refused request as a {@code REJECTED} ledger entry in its own transaction (ids, codes and the
 * payload hash only). A failure to record is logged and does not change the answer the caller gets: the refusal
 * stands. Thread-safe.
 */
public final class Rejections {
    private static final Logger log = LoggerFactory.getLogger(Rejections.class);

    private final DataSource dataSource;
    private final LedgerAppender ledger;

    public Rejections(DataSource dataSource, LedgerAppender ledger) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.ledger = Objects.requireNonNull(ledger);
    }

    /**
     * Appends the rejection to the ledger; returns its sequence number, or -1 if it could not be recorded. A field the
     * ledger refuses (a message id or event code of a form no entry may hold) is dropped rather than losing the
     * rejection. Never throws.
     */
    public long record(Rejection rejection) {
        try {
            return append(rejection, true);
        } catch (IllegalArgumentException e) {
            return append(rejection, false);
        }
    }

    private long append(Rejection rejection, boolean withDetails) {
        try {
            return ledger.appendAlone(
                    dataSource,
                    new NewLedgerEntry(
                            "REJECTED",
                            null,
                            withDetails ? rejection.senderMessageId() : null,
                            rejection.actor(),
                            null,
                            withDetails ? rejection.messageType() : null,
                            withDetails ? rejection.payloadSha256() : null,
                            rejection.code().code()));
        } catch (IllegalArgumentException e) {
            if (withDetails) {
                throw e;
            }
            log.error(
                    "Could not record a {} rejection in the ledger",
                    rejection.code().code(),
                    e);
            return -1;
        } catch (SQLException | RuntimeException e) {
            log.error(
                    "Could not record a {} rejection in the ledger",
                    rejection.code().code(),
                    e);
            return -1;
        }
    }
}
