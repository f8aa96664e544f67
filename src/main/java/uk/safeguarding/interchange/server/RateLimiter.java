package uk.safeguarding.interchange.server;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import uk.safeguarding.interchange.directory.RateLimit;

/**
 * A token bucket per authenticated organisation: {@code perSecond} requests a second on average, bursts of up to
 * {@code burst}, unless the directory gives the organisation its own {@link RateLimit} (looked up on every request,
 * so a directory reload applies at once). A default rate of zero turns limiting off for organisations without their
 * own quota. Time comes from the injected clock. Thread-safe.
 */
public final class RateLimiter {
    /** The default quota, or null when limiting is off by default. */
    private final RateLimit defaults;

    private final Function<String, Optional<RateLimit>> quotas;
    private final Clock clock;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst, Function<String, Optional<RateLimit>> quotas, Clock clock) {
        if (perSecond < 0 || burst < 1 && perSecond > 0) {
            throw new IllegalArgumentException("rate must be >= 0 and burst >= 1");
        }
        this.defaults = perSecond == 0 ? null : new RateLimit(perSecond, burst);
        this.quotas = Objects.requireNonNull(quotas);
        this.clock = Objects.requireNonNull(clock);
    }

    /** True when {@code orgId} may make one more request now (and takes a token), false when it is over its rate. */
    public boolean tryAcquire(String orgId) {
        RateLimit quota = quotas.apply(orgId).orElse(defaults);
        if (quota == null) {
            return true;
        }
        long now = clock.millis();
        return buckets.compute(
                        orgId,
                        (id, bucket) -> bucket == null || !bucket.quota.equals(quota) ? new Bucket(quota, now) : bucket)
                .take(now);
    }

    private static final class Bucket {
        private final RateLimit quota;
        private double tokens;
        private long lastMillis;

        Bucket(RateLimit quota, long now) {
            this.quota = quota;
            this.tokens = quota.burst();
            this.lastMillis = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(quota.burst(), tokens + Math.max(0, now - lastMillis) * quota.perSecond() / 1000.0);
            lastMillis = Math.max(lastMillis, now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
