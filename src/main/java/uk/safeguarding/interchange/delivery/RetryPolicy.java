package uk.safeguarding.interchange.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.function.DoubleSupplier;
import uk.safeguarding.interchange.directory.Delivery;

/**
 * When a push delivery that failed transiently is tried again, and when the gateway gives up: exponential backoff
 * ({@code base · 2^(attempt-1)}, at most {@code cap}) with "equal jitter" (half the delay fixed, half random, so
 * recipients coming back are not hit by every gateway thread at once), at most {@code maxAttempts} attempts, and
 * never after the message's time-to-live. Immutable; thread-safe when {@code random} is.
 *
 * @param random values in [0, 1); {@code Math::random} in production, a constant in tests
 */
public record RetryPolicy(Duration base, Duration cap, int maxAttempts, Duration timeToLive, DoubleSupplier random) {
    public RetryPolicy {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(random, "random");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("retry policy needs 0 < base <= cap and at least one attempt");
        }
    }

    /**
     * From {@code gateway.delivery.retry.base} (default PT30S), {@code .cap} (PT1H), {@code .max-attempts} (12) and
     * {@code gateway.delivery.ttl} (PT72H), ISO-8601 durations.
     */
    public static RetryPolicy from(Properties p) {
        return new RetryPolicy(
                Duration.parse(p.getProperty("gateway.delivery.retry.base", "PT30S")),
                Duration.parse(p.getProperty("gateway.delivery.retry.cap", "PT1H")),
                Integer.parseInt(p.getProperty("gateway.delivery.retry.max-attempts", "12")),
                Duration.parse(p.getProperty("gateway.delivery.ttl", "PT72H")),
                Math::random);
    }

    /** This policy with the recipient's own attempt limit, if its directory entry sets one. */
    public RetryPolicy forRecipient(Delivery delivery) {
        return delivery.maxAttempts().isPresent()
                ? new RetryPolicy(base, cap, delivery.maxAttempts().getAsInt(), timeToLive, random)
                : this;
    }

    /** The delay after the {@code attempt}-th attempt failed (attempt 1 is the first). */
    public Duration delayAfter(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        long baseMillis = base.toMillis();
        long full = baseMillis > (cap.toMillis() >> doublings)
                ? cap.toMillis()
                : Math.min(cap.toMillis(), baseMillis << doublings);
        long half = full / 2;
        return Duration.ofMillis(full - half + (long) (half * random.getAsDouble()));
    }

    /**
     * When to try again after the {@code attempt}-th attempt failed at {@code now}, or null to give up (attempt limit
     * reached, or the next try would be after the message expires at {@code acceptedAt + timeToLive}).
     */
    public Instant nextAttempt(int attempt, Instant acceptedAt, Instant now) {
        if (attempt >= maxAttempts) {
            return null;
        }
        Instant next = now.plus(delayAfter(attempt));
        return next.isAfter(expiry(acceptedAt)) ? null : next;
    }

    /** When a message accepted at {@code acceptedAt} expires. */
    public Instant expiry(Instant acceptedAt) {
        return acceptedAt.plus(timeToLive);
    }
}
