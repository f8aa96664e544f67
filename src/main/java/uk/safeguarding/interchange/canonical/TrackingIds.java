package uk.safeguarding.interchange.canonical;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The tracking ids the gateway assigns (spec §3, §4): RFC 9562 version 7 UUIDs, lower case. The first 48 bits are the
 * Unix time in milliseconds and the next 12 a counter within that millisecond, so the ids one gateway assigns sort in
 * the order it assigned them; the last 62 bits are random (from {@link SecureRandom}), so an id cannot be guessed.
 * Time order is why (decision 0008): every index keyed by tracking id (messages, deliveries, mailboxes, payload keys,
 * the ledger) then grows at its end, so a commit rewrites a few recent index pages instead of one page per new key.
 * Thread-safe.
 */
public final class TrackingIds {
    private static final TrackingIds SHARED = new TrackingIds(System::currentTimeMillis, new SecureRandom());
    private static final int COUNTER_BITS = 12;
    private static final long COUNTER_MAX = (1L << COUNTER_BITS) - 1;

    private final LongSupplier millis;
    private final RandomGenerator random;
    private long lastMillis = Long.MIN_VALUE;
    private long counter;

    /**
     * @param millis the wall clock in Unix milliseconds
     * @param random the source of the 62 random bits (and of each millisecond's starting counter)
     */
    public TrackingIds(LongSupplier millis, RandomGenerator random) {
        this.millis = Objects.requireNonNull(millis);
        this.random = Objects.requireNonNull(random);
    }

    /** A new tracking id from the gateway's shared generator. */
    public static String next() {
        return SHARED.nextId().toString();
    }

    /**
     * A new id, greater than every id this generator made before (a clock that steps back does not break the order:
     * the last time is kept until the clock passes it).
     */
    public UUID nextId() {
        long time;
        long count;
        synchronized (this) {
            long now = millis.getAsLong();
            if (now > lastMillis) {
                lastMillis = now;
                // Start each millisecond in the lower half, so that a burst rarely has to borrow the next one.
                counter = random.nextLong(COUNTER_MAX / 2 + 1);
            } else if (counter < COUNTER_MAX) {
                counter++;
            } else {
                // 4096 ids in one millisecond: borrow the next millisecond (RFC 9562 section 6.2).
                lastMillis++;
                counter = 0;
            }
            time = lastMillis;
            count = counter;
        }
        long mostSignificant = (time & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | count;
        long leastSignificant = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(mostSignificant, leastSignificant);
    }
}
