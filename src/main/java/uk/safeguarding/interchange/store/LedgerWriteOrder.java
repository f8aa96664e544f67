package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ledger-appending transaction at a time in this process (decision 0011), and the ledger's appends deferred to
 * just before their transaction commits. A ledger append does not write when it is made: it is {@linkplain #defer
 * deferred} in the current transaction scope (opened by {@link Transactions} or {@link GroupCommit}), and the owner of
 * the transaction {@linkplain #writeDeferred writes} every deferred append at once right before it commits, after
 * taking this order; it gives the order up after the commit or rollback, on the same thread. So the ledger's head row,
 * whose lock is not safe under concurrency on H2 2.4 (a waiting {@code SELECT ... FOR UPDATE}, or a savepoint rolled
 * back while another transaction waited, could leave the head behind the entries), is never contended in the
 * database, and the order is held only for "deferred writes → commit": the work of the transaction before that (a
 * push delivery's network call, a group's units) runs unordered. A transaction may also {@link #take} the order
 * itself to order its whole commit (the group commit does, so groups commit in the order they ran).
 *
 * <p>Appends must therefore run inside a transaction scope: {@link #defer} refuses one that is not, rather than keep
 * work nobody would write. A unit of a group that fails is undone to its savepoint, and its deferred appends with it
 * ({@link #mark}, {@link #discardFrom}). Other processes writing the same database (PostgreSQL) still order
 * themselves by the head row lock, which PostgreSQL keeps correctly. Thread-safe.
 */
public final class LedgerWriteOrder {
    private static final ReentrantLock LOCK = new ReentrantLock();
    /** The transaction scopes the current thread is in, innermost first (a scope nests inside a group's unit). */
    private static final ThreadLocal<ArrayDeque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);
    /** Counts the holds of {@link #LOCK}; written and read only by its holder. */
    private static long holds;

    /** Writes what transactions deferred, on the transaction's connection, in the order they were deferred. */
    @FunctionalInterface
    public interface Deferred<T> {
        void write(Connection connection, List<T> items) throws SQLException;
    }

    private record Item(Deferred<Object> writer, Object value) {}

    /** One transaction: its deferred items, and its hold of the order once it took it. */
    private static final class Scope {
        final List<Item> items = new ArrayList<>();
        long hold;
    }

    private LedgerWriteOrder() {}

    /**
     * Defers {@code item} to {@code writer}, which is called before the current transaction commits with every item
     * deferred to it, under the order. Writers are told apart by identity: keep one instance per purpose.
     *
     * @throws IllegalStateException when the caller is not inside {@link Transactions#inTransaction} or a
     *     {@link GroupCommit} unit
     */
    @SuppressWarnings("unchecked")
    public static <T> void defer(Deferred<T> writer, T item) {
        current().items.add(new Item((Deferred<Object>) Objects.requireNonNull(writer), Objects.requireNonNull(item)));
    }

    /**
     * Takes the order for the rest of the current transaction (once; later calls return the same hold).
     *
     * @return the number of this hold of the order: the same for the whole transaction, different for the next
     *     transaction that takes it (so the ledger knows when nothing else can have appended in between)
     * @throws IllegalStateException outside a transaction scope
     */
    public static long take() {
        Scope scope = current();
        if (scope.hold == 0) {
            LOCK.lock();
            scope.hold = ++holds;
        }
        return scope.hold;
    }

    /** Whether the current thread holds the order (for tests). */
    static boolean heldByCurrentThread() {
        return LOCK.isHeldByCurrentThread();
    }

    /** Opens a transaction scope on this thread. */
    static void enter() {
        SCOPES.get().push(new Scope());
    }

    /** Closes the innermost transaction scope; gives the order up if it took it (its transaction has ended). */
    static void exit() {
        Scope scope = SCOPES.get().pop();
        if (scope.hold != 0) {
            LOCK.unlock();
        }
    }

    /** How many items the current scope has deferred: a unit's savepoint. */
    static int mark() {
        return current().items.size();
    }

    /** Forgets what the current scope deferred after {@code mark} (the unit that deferred it was rolled back). */
    static void discardFrom(int mark) {
        List<Item> items = current().items;
        items.subList(mark, items.size()).clear();
    }

    /**
     * Writes the current scope's deferred items on {@code connection}, taking the order first if there are any: each
     * writer once per run of consecutive items deferred to it, so the items are written in the order deferred.
     */
    static void writeDeferred(Connection connection) throws SQLException {
        List<Item> items = current().items;
        if (items.isEmpty()) {
            return;
        }
        take();
        int start = 0;
        while (start < items.size()) {
            Deferred<Object> writer = items.get(start).writer();
            int end = start + 1;
            while (end < items.size() && items.get(end).writer() == writer) {
                end++;
            }
            List<Object> values = new ArrayList<>(end - start);
            for (Item item : items.subList(start, end)) {
                values.add(item.value());
            }
            writer.write(connection, values);
            start = end;
        }
        items.clear();
    }

    private static Scope current() {
        Scope scope = SCOPES.get().peek();
        if (scope == null) {
            throw new IllegalStateException(
                    "ledger appends must run in Transactions.inTransaction or a GroupCommit unit");
        }
        return scope;
    }
}
