package uk.safeguarding.interchange.server;

import java.util.concurrent.Semaphore;

/**
 * How many request threads may compute at once (decision 0019). The stages of a submission that only compute
 * (parsing, the signature and certificate checks, profile validation, business rules, translation) each take a permit
 * for their duration; reading the body, waiting for the group commit and writing the answer take none. With one permit
 * per core, a burst of submissions no longer splits the cores between dozens of threads while the group commit's
 * one-at-a-time part, which every accepted message waits for, gets a share as small as theirs. Thread-safe.
 */
public final class CpuPermits {
    private final Semaphore semaphore;

    /** @param permits how many threads may compute at once (the number of cores is the usual choice) */
    public CpuPermits(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        this.semaphore = new Semaphore(permits);
    }

    /** One permit per core the JVM may use. */
    public static int perCore() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Waits for a permit (not interruptibly: a request stage has no way to give up); close it to give it back. */
    public Permit take() {
        semaphore.acquireUninterruptibly();
        return new Permit();
    }

    /** Permits not taken at the moment (for tests and monitoring). */
    public int available() {
        return semaphore.availablePermits();
    }

    /** A taken permit. Closing it again does nothing. Used by the thread that took it. */
    public final class Permit implements AutoCloseable {
        private boolean closed;

        private Permit() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                semaphore.release();
            }
        }
    }
}
