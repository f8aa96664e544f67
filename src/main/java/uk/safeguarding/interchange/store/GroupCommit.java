package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: the units of work of concurrent callers run one after another in a single database transaction, so
 * one commit (the expensive, durable part: with H2 every commit rewrites the changed pages) serves them all. One
 * instance is shared by every writer that can wait for it (acceptance, mailbox stores and acknowledgements), so their
 * units share commits too. Each unit runs inside a savepoint: a unit that throws is undone alone and its caller gets
 * the exception, while the rest of the group commits. After the commit, what the units asked for is done step by
 * step ({@link Step}, e.g. publishing to a queue), each step once with the items of every unit that asked for it, and
 * only then are the callers answered. When the commit itself fails, every caller of the group gets that failure and
 * nothing of the group is stored.
 *
 * <p>Callers queue their unit and take the lock; whoever holds it runs everything queued (up to the group limit),
 * gives the lock up and commits, so a lone caller is a group of one and an idle system adds no delay. The next group's
 * units run while the previous group commits; groups commit in the order they ran (decision 0020). The steps run
 * after the commit; steps of different groups may run at the same time (a step must be thread-safe) and in either
 * order (a caller is answered only after its own group's steps, so work that waits for an answer always follows it).
 * Units run in queue order and see the uncommitted writes of earlier units of their group, not those of a group still
 * committing. A unit must do all its writes on the connection it is given: writing through another connection could
 * wait for a lock that its own group holds.
 *
 * <p>Bookkeeping that may be lost, because a relay redoes it (marking outbox rows published, deliveries queued), is
 * queued with {@link #later} instead: nobody waits for it; it rides in the next group that commits anyway, so it
 * costs no commit of its own. Work that must be durable but answers no waiting client (routing, storing in mailboxes),
 * or a client that can wait a little (a recipient's acknowledgement), uses {@link #executeUnhurried}: it waits a little
 * for a group that commits anyway before it commits alone.
 * Thread-safe.
 */
public final class GroupCommit {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** How long {@link #executeUnhurried} waits for another group by default. */
    public static final Duration DEFAULT_PATIENCE = Duration.ofMillis(20);

    /** A unit of work: runs on the group's connection, asks {@code after} for what must happen after the commit. */
    @FunctionalInterface
    public interface Unit<T> {
        T run(Connection connection, After after) throws SQLException;
    }

    /**
     * Something to do after a commit, once per group with the items of every unit that succeeded and asked for it.
     * When it throws, the callers whose units added items to it get that exception (their database work is
     * committed; the step must be safe to redo). Steps are told apart by identity: keep one instance per purpose.
     */
    @FunctionalInterface
    public interface Step<A> {
        void run(List<A> items);
    }

    /** What one unit asks to be done after the commit. */
    public static final class After {
        private final Map<Step<?>, List<Object>> items = new LinkedHashMap<>();

        public <A> void add(Step<A> step, A item) {
            items.computeIfAbsent(Objects.requireNonNull(step), s -> new ArrayList<>())
                    .add(Objects.requireNonNull(item));
        }
    }

    /** Set while this thread runs a group's units. */
    private static final ThreadLocal<Boolean> RUNNING_UNITS = ThreadLocal.withInitial(() -> false);

    private final DataSource dataSource;
    private final int maxGroup;
    private final Duration patience;
    private final ConcurrentLinkedQueue<Waiting<?>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * A caller's unit and, once its group is settled, its result or failure. {@code taken} is written and read under
     * the lock; the rest is written by the group's leader before {@code settled} is counted down.
     */
    private static final class Waiting<T> {
        final Unit<T> unit;
        /** Queued by {@link #later}: no caller waits; a failure is only logged. */
        final boolean detached;

        final CountDownLatch settled = new CountDownLatch(1);
        After after = new After();
        boolean taken;
        T result;
        Throwable failure;

        Waiting(Unit<T> unit, boolean detached) {
            this.unit = unit;
            this.detached = detached;
        }

        void run(Connection connection) throws SQLException {
            result = unit.run(connection, after);
        }
    }

    public GroupCommit(DataSource dataSource, int maxGroup) {
        this(dataSource, maxGroup, DEFAULT_PATIENCE);
    }

    /** @param patience how long {@link #executeUnhurried} waits for another group before it commits alone */
    public GroupCommit(DataSource dataSource, int maxGroup, Duration patience) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be at least 1");
        }
        if (patience.isNegative()) {
            throw new IllegalArgumentException("patience must not be negative");
        }
        this.dataSource = Objects.requireNonNull(dataSource);
        this.maxGroup = maxGroup;
        this.patience = patience;
    }

    /**
     * Runs {@code unit} in a group transaction; returns its result once the group is committed and the after-commit
     * steps it asked for have run.
     *
     * @throws SQLException the unit's, or the group's commit failure
     */
    public <T> T execute(Unit<T> unit) throws SQLException {
        return settle(enqueue(unit));
    }

    /**
     * Runs {@code unit} as {@link #execute} does, but first gives a group that commits anyway (an acceptance's, an
     * acknowledgement's) up to the patience to take it, and only then commits it alone. For durable work that no
     * client waits on, or whose client can wait that long: at a moderate rate most such units then cost no commit of
     * their own (each H2 commit rewrites the pages it changed, and its chunk layout, whatever it holds); under load a
     * group takes them at once anyway.
     */
    public <T> T executeUnhurried(Unit<T> unit) throws SQLException {
        Waiting<T> mine = enqueue(unit);
        try {
            mine.settled.await(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return settle(mine);
    }

    private <T> Waiting<T> enqueue(Unit<T> unit) {
        if (RUNNING_UNITS.get()) {
            // It would wait for a group that cannot start until this unit's group commits.
            throw new IllegalStateException("A group commit unit cannot wait for another group");
        }
        Waiting<T> mine = new Waiting<>(Objects.requireNonNull(unit), false);
        queue.add(mine);
        return mine;
    }

    /** Commits groups until {@code mine} is settled (or waits for the group that took it); its result. */
    private <T> T settle(Waiting<T> mine) throws SQLException {
        while (mine.settled.getCount() > 0) {
            Group group = null;
            lock.lock();
            try {
                // Usually an earlier holder of the lock has taken this unit into its group already.
                if (!mine.taken) {
                    group = runNextGroup();
                }
            } finally {
                lock.unlock();
            }
            if (group == null) {
                awaitUninterruptibly(mine.settled);
            } else {
                // Outside the lock: the next group runs its units while this one commits and runs its steps.
                group.commit();
                finish(group.members);
            }
        }
        return switch (mine.failure) {
            case null -> mine.result;
            case SQLException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(mine.failure);
        };
    }

    /**
     * Queues {@code unit} for the next group that commits, without waiting for it (see the type's documentation).
     * When the gateway is idle the next group is the next {@link #flush}; when it stops first, or the unit fails, the
     * unit is lost (a failure is logged), so use it only for work that is redone when lost.
     */
    public void later(Unit<?> unit) {
        queue.add(new Waiting<>(Objects.requireNonNull(unit), true));
    }

    /**
     * Commits what {@link #later} queued, if anything is still waiting, and returns when it is done. The relays call
     * it before they look for work that was not marked done.
     */
    public void flush() throws SQLException {
        if (!queue.isEmpty()) {
            execute((connection, after) -> null);
        }
    }

    /** How many units wait for a group (for tests and monitoring). */
    public int waiting() {
        return queue.size();
    }

    /** Takes the next group from the queue and runs its units; null when nothing is queued. Runs under the lock. */
    private Group runNextGroup() {
        List<Waiting<?>> members = new ArrayList<>();
        takeQueued(members);
        if (members.isEmpty()) {
            return null;
        }
        Group group = new Group(members);
        group.runUnits();
        return group;
    }

    /** Moves queued units into {@code group} until the queue is empty or the group is full. Runs under the lock. */
    private void takeQueued(List<Waiting<?>> group) {
        for (Waiting<?> w = group.size() < maxGroup ? queue.poll() : null;
                w != null;
                w = group.size() < maxGroup ? queue.poll() : null) {
            w.taken = true;
            group.add(w);
        }
    }

    /** Runs the committed group's steps and answers every member. */
    private void finish(List<Waiting<?>> group) {
        try {
            Map<Step<?>, List<Object>> steps = new LinkedHashMap<>();
            for (Waiting<?> w : group) {
                if (w.failure == null) {
                    w.after.items.forEach((step, items) ->
                            steps.computeIfAbsent(step, s -> new ArrayList<>()).addAll(items));
                }
            }
            steps.forEach((step, items) -> runStep(step, items, group));
        } catch (Throwable e) {
            // Every member must end settled, or its caller would wait for a group that no longer exists.
            for (Waiting<?> w : group) {
                if (w.failure == null) {
                    w.failure = e;
                }
            }
        } finally {
            for (Waiting<?> w : group) {
                w.settled.countDown();
                if (w.detached && w.failure != null) {
                    log.warn(
                            "Bookkeeping queued for a group commit failed; its relay will redo it: {}",
                            w.failure.toString());
                }
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private static void runStep(Step<?> step, List<Object> items, List<Waiting<?>> group) {
        try {
            ((Step<Object>) step).run(items);
        } catch (RuntimeException e) {
            for (Waiting<?> w : group) {
                if (w.failure == null && w.after.items.containsKey(step)) {
                    w.failure = e;
                }
            }
        }
    }

    /**
     * A group in its own transaction, run in two parts by its leader's thread: {@link #runUnits} under the group lock,
     * then {@link #commit} outside it. Between them the transaction holds the {@link LedgerWriteOrder}, so groups
     * commit in the order they ran, and the next group's units run while this one writes its ledger appends and
     * commits (on H2 ~60 % of a group's time, the commit serialising every page the group changed). A unit of the
     * next group that reads what this one wrote sees it as before this group (it is not committed yet) and one that
     * writes a row this one wrote waits for this commit, as between any two transactions.
     */
    private final class Group {
        final List<Waiting<?>> members;
        final CommitEvent event = new CommitEvent();
        Connection connection;
        /** Set when the group failed before its commit (every member has its failure then). */
        boolean failed;

        Group(List<Waiting<?>> members) {
            this.members = members;
        }

        /**
         * Runs every member in its own savepoint (undoing a failed member's ledger appends with it), then takes the
         * commit order; on a failure of the transaction itself every member has failed and the transaction is over.
         */
        void runUnits() {
            event.begin();
            event.group = true;
            LedgerWriteOrder.enter();
            RUNNING_UNITS.set(true);
            try {
                connection = dataSource.getConnection();
                connection.setAutoCommit(false);
                // Units queued while the group runs join it before the commit (up to the limit): a commit costs far
                // more than a unit, and their callers would otherwise wait for this commit and then pay another.
                for (int i = 0; i < members.size(); i++) {
                    runInSavepoint(members.get(i));
                    if (i == members.size() - 1) {
                        takeQueued(members);
                    }
                }
                long ordering = System.nanoTime();
                LedgerWriteOrder.take();
                event.orderWait = System.nanoTime() - ordering;
            } catch (SQLException | RuntimeException | Error e) {
                failed = true;
                end(e);
            } finally {
                RUNNING_UNITS.set(false);
            }
        }

        private void runInSavepoint(Waiting<?> w) throws SQLException {
            Savepoint savepoint = connection.setSavepoint();
            int deferred = LedgerWriteOrder.mark();
            try {
                w.run(connection);
                connection.releaseSavepoint(savepoint);
            } catch (SQLException | RuntimeException e) {
                connection.rollback(savepoint);
                LedgerWriteOrder.discardFrom(deferred);
                w.failure = e;
                w.after = new After();
            }
        }

        /** Writes the deferred ledger appends and commits; on a failure every member has failed. */
        void commit() {
            if (failed) {
                return;
            }
            long start = System.nanoTime();
            Throwable failure = null;
            try {
                LedgerWriteOrder.writeDeferred(connection);
                connection.commit();
                event.committed = true;
            } catch (SQLException | RuntimeException | Error e) {
                failure = e;
            }
            event.committing = System.nanoTime() - start;
            end(failure);
        }

        /** Ends the transaction (rolled back when {@code failure} is set, which every member then gets). */
        private void end(Throwable failure) {
            try {
                if (failure != null) {
                    for (Waiting<?> w : members) {
                        w.failure = failure;
                    }
                    if (connection != null) {
                        connection.rollback();
                    }
                }
            } catch (SQLException e) {
                failure.addSuppressed(e);
            } finally {
                try {
                    if (connection != null) {
                        connection.close();
                    }
                } catch (SQLException e) {
                    log.warn("Closing a group commit's connection failed: {}", e.toString());
                } finally {
                    LedgerWriteOrder.exit();
                    event.units = members.size();
                    event.commit();
                }
            }
        }
    }
}
