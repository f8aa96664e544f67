package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Group commit: the units of work of concurrent callers run one after another in a single database transaction, so
 * one commit (the expensive, durable part) serves them all. Each unit runs inside a savepoint: a unit that throws is
 * undone alone and its caller gets the exception, while the rest of the group commits. After the commit, the items
 * the units asked for (e.g. deliveries to put on queues) are handed to the after-commit step in one call, and only
 * then are the callers answered. When the commit itself fails, every caller of the group gets that failure and
 * nothing of the group is stored.
 *
 * <p>Callers queue their unit and take the lock; whoever holds it runs everything queued (up to the group limit),
 * so a lone caller is a group of one and an idle system adds no delay. Units run in queue order and see the
 * uncommitted writes of earlier units of their group. A unit must do all its writes on the connection it is given:
 * writing through another connection could wait for a lock that its own group holds. Thread-safe.
 *
 * @param <A> what a unit asks the after-commit step to do
 */
public final class GroupCommit<A> {
    /** A unit of work: runs on the group's connection, adds what must happen after the commit to {@code after}. */
    @FunctionalInterface
    public interface Unit<T, A> {
        T run(Connection connection, List<A> after) throws SQLException;
    }

    /**
     * Runs once per committed group with the items of every unit that succeeded. When it throws, the callers whose
     * units added items get that exception (their database work is committed; the step must be safe to redo).
     */
    @FunctionalInterface
    public interface AfterCommit<A> {
        void run(List<A> items);
    }

    private final DataSource dataSource;
    private final int maxGroup;
    private final AfterCommit<A> afterCommit;
    private final ConcurrentLinkedQueue<Waiting<?, A>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    /** A caller's unit and, once its group is settled, its result or failure; written and read under the lock. */
    private static final class Waiting<T, A> {
        final Unit<T, A> unit;
        final List<A> after = new ArrayList<>();
        T result;
        Throwable failure;
        boolean done;

        Waiting(Unit<T, A> unit) {
            this.unit = unit;
        }

        void run(Connection connection) throws SQLException {
            result = unit.run(connection, after);
        }
    }

    public GroupCommit(DataSource dataSource, int maxGroup, AfterCommit<A> afterCommit) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be at least 1");
        }
        this.dataSource = Objects.requireNonNull(dataSource);
        this.maxGroup = maxGroup;
        this.afterCommit = Objects.requireNonNull(afterCommit);
    }

    /**
     * Runs {@code unit} in a group transaction; returns its result once the group is committed and the after-commit
     * step has run.
     *
     * @throws SQLException the unit's, or the group's commit failure
     */
    public <T> T execute(Unit<T, A> unit) throws SQLException {
        Waiting<T, A> mine = new Waiting<>(Objects.requireNonNull(unit));
        queue.add(mine);
        lock.lock();
        try {
            // Usually an earlier holder of the lock has run this unit with its group already.
            while (!mine.done) {
                runGroup();
            }
        } finally {
            lock.unlock();
        }
        return switch (mine.failure) {
            case null -> mine.result;
            case SQLException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(mine.failure);
        };
    }

    /** How many units wait for a group (for tests and monitoring). */
    public int waiting() {
        return queue.size();
    }

    /** Takes the next group from the queue and settles every member. Runs under the lock. */
    private void runGroup() {
        List<Waiting<?, A>> group = new ArrayList<>();
        for (Waiting<?, A> w = queue.poll(); w != null; w = group.size() < maxGroup ? queue.poll() : null) {
            group.add(w);
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            commit(group);
            List<A> items = new ArrayList<>();
            for (Waiting<?, A> w : group) {
                if (w.failure == null) {
                    items.addAll(w.after);
                }
            }
            if (!items.isEmpty()) {
                try {
                    afterCommit.run(items);
                } catch (RuntimeException e) {
                    for (Waiting<?, A> w : group) {
                        if (w.failure == null && !w.after.isEmpty()) {
                            w.failure = e;
                        }
                    }
                }
            }
        } catch (Throwable e) {
            // Every member must end settled, or its caller would wait for a group that no longer exists.
            for (Waiting<?, A> w : group) {
                if (w.failure == null) {
                    w.failure = e;
                }
            }
        } finally {
            for (Waiting<?, A> w : group) {
                w.done = true;
            }
        }
    }

    /** Runs every member in its own savepoint and commits; on a commit failure every member has failed. */
    private void commit(List<Waiting<?, A>> group) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Waiting<?, A> w : group) {
                    Savepoint savepoint = connection.setSavepoint();
                    try {
                        w.run(connection);
                        connection.releaseSavepoint(savepoint);
                    } catch (SQLException | RuntimeException e) {
                        connection.rollback(savepoint);
                        w.failure = e;
                        w.after.clear();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                for (Waiting<?, A> w : group) {
                    w.failure = e;
                }
                throw e;
            }
        }
    }
}
