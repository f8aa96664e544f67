package uk.safeguarding.interchange.intake.soap;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers the signature values of verified requests until their timestamp can no longer pass the freshness check,
 * so the same signed request cannot be accepted twice (DUP-002). In memory, per gateway process: a replay across a
 * restart or to another node is still bounded by the timestamp TTL. Bounded in size; thread-safe.
 */
public final class ReplayCache {
    private final Clock clock;
    private final int maxEntries;
    private final Map<String, Instant> seen = new LinkedHashMap<>();

    public ReplayCache(Clock clock, int maxEntries) {
        this.clock = Objects.requireNonNull(clock);
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Records {@code key} until {@code keepUntil}.
     *
     * @return false when the key was already recorded and has not expired (a replay)
     */
    public synchronized boolean firstSeen(String key, Instant keepUntil) {
        Instant now = clock.instant();
        Instant until = seen.get(key);
        if (until != null && until.isAfter(now)) {
            return false;
        }
        evictExpired(now);
        if (seen.size() >= maxEntries) {
            // Oldest first: those are the nearest to expiry, and their timestamps will soon fail on their own.
            Iterator<String> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        seen.put(key, keepUntil);
        return true;
    }

    /** Entries arrive roughly in expiry order, so trimming expired ones from the head is enough. */
    private void evictExpired(Instant now) {
        Iterator<Instant> head = seen.values().iterator();
        while (head.hasNext() && !head.next().isAfter(now)) {
            head.remove();
        }
    }
}
