package uk.safeguarding.interchange.server;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket per authenticated organisation: {@code perSecond} requests a second on average, bursts of up to
 * {@code burst}. A rate of zero turns limiting off. Time comes from the injected clock. Thread-safe.
 */
public final class RateLimiter {
    private final double perSecond;
    private final double burst;
    private final Clock clock;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst, Clock clock) {
        if (perSecond < 0 || burst < 1 && perSecond > 0) {
            throw new IllegalArgumentException("rate must be >= 0 and burst >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = Objects.requireNonNull(clock);
    }

    /** True when {@code orgId} may make one more request now (and takes a token), false when it is over its rate. */
    public boolean tryAcquire(String orgId) {
        if (perSecond == 0) {
            return true;
        }
        return buckets.computeIfAbsent(orgId, id -> new Bucket(burst, clock.millis()))
                .take(clock.millis());
    }

    private final class Bucket {
        private double tokens;
        private long lastMillis;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastMillis = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - lastMillis) * perSecond / 1000.0);
            lastMillis = Math.max(lastMillis, now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
