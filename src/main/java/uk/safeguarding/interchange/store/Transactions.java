package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work in one database transaction: commit when it returns, roll back when it throws. Stateless. */
public final class Transactions {
    private Transactions() {}

    /** Work on a connection whose transaction {@link #inTransaction} commits or rolls back. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction; the ledger appends it deferred are written just before the commit, under
     * {@link LedgerWriteOrder}.
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        CommitEvent event = new CommitEvent();
        event.begin();
        event.units = 1;
        LedgerWriteOrder.enter();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                LedgerWriteOrder.writeDeferred(connection);
                connection.commit();
                event.committed = true;
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } finally {
            LedgerWriteOrder.exit();
            event.commit();
        }
    }
}
