package uk.safeguarding.interchange.store;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One ledger-appending transaction at a time in this process (decision 0011). A transaction that appends to the
 * ledger holds the head row from its first append to its end; on H2 2.4 that row lock is not safe under concurrency
 * (a waiting {@code SELECT ... FOR UPDATE}, or a savepoint rolled back while another transaction waited, could leave
 * the head behind the entries, after which every append failed). So the head is never contended in the database:
 * the first append of a transaction takes this lock, and the owner of the transaction ({@link Transactions} or
 * {@link GroupCommit}) releases it after the commit or rollback, on the same thread. The critical section is only
 * "first append → commit": work before the first append (a push delivery's network call) runs unordered.
 *
 * <p>Appends must therefore run inside a transaction scope: {@link #beforeAppend} refuses one that is not, rather
 * than take a lock nobody would release. Other processes writing the same database (PostgreSQL) still order
 * themselves by the head row lock, which PostgreSQL keeps correctly. Thread-safe.
 */
public final class LedgerWriteOrder {
    private static final ReentrantLock LOCK = new ReentrantLock();
    /** How many transaction scopes the current thread is in (nested scopes share the outer transaction's lock). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /** Counts the holds of {@link #LOCK}; written and read only by its holder. */
    private static long hold;

    private LedgerWriteOrder() {}

    /**
     * Called by the ledger before each append: takes the order for the rest of the current transaction.
     *
     * @return the number of this hold of the order: the same for every append of one transaction, different for the
     *     next transaction that appends (so the ledger knows when nothing else can have appended in between)
     * @throws IllegalStateException when the caller is not inside {@link Transactions#inTransaction} or a
     *     {@link GroupCommit} unit
     */
    public static long beforeAppend() {
        if (DEPTH.get()[0] == 0) {
            throw new IllegalStateException(
                    "ledger appends must run in Transactions.inTransaction or a GroupCommit unit");
        }
        if (!LOCK.isHeldByCurrentThread()) {
            LOCK.lock();
            hold++;
        }
        return hold;
    }

    /** Whether the current thread holds the order (for tests). */
    static boolean heldByCurrentThread() {
        return LOCK.isHeldByCurrentThread();
    }

    /** Opens a transaction scope on this thread. */
    static void enter() {
        DEPTH.get()[0]++;
    }

    /** Closes a transaction scope; the outermost one gives the order up (its transaction has ended). */
    static void exit() {
        int[] depth = DEPTH.get();
        depth[0]--;
        if (depth[0] == 0) {
            while (LOCK.isHeldByCurrentThread()) {
                LOCK.unlock();
            }
        }
    }
}
