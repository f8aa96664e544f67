package uk.safeguarding.interchange.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.directory.RateLimit;

class RateLimiterTest {
    private static final Function<String, Optional<RateLimit>> NO_OWN_QUOTAS = id -> Optional.empty();
    private static final String SCHOOL = "urn:interchange:school:100002";
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void allowsTheBurstThenRefusesUntilTokensRefill() {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = new RateLimiter(2, 3, NO_OWN_QUOTAS, clock);

        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isFalse();

        clock.advance(Duration.ofMillis(499));
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
    }

    @Test
    void eachOrganisationHasItsOwnBucket() {
        RateLimiter limiter = new RateLimiter(1, 1, NO_OWN_QUOTAS, new ManualClock());

        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isFalse();
        assertThat(limiter.tryAcquire("urn:interchange:la:850")).isTrue();
    }

    @Test
    void aRateOfZeroTurnsLimitingOff() {
        RateLimiter limiter = new RateLimiter(0, 1, NO_OWN_QUOTAS, new ManualClock());

        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        }
    }

    @Test
    void anOrganisationsOwnQuotaOverridesTheDefaultAndAReloadAppliesAtOnce() {
        ManualClock clock = new ManualClock();
        Map<String, RateLimit> directory = new HashMap<>(Map.of(SCHOOL, new RateLimit(1, 2)));
        RateLimiter limiter = new RateLimiter(0, 1, id -> Optional.ofNullable(directory.get(id)), clock);

        assertThat(limiter.tryAcquire(SCHOOL)).isTrue();
        assertThat(limiter.tryAcquire(SCHOOL)).isTrue();
        assertThat(limiter.tryAcquire(SCHOOL)).isFalse();
        assertThat(limiter.tryAcquire("urn:interchange:la:850")).isTrue();

        directory.put(SCHOOL, new RateLimit(1, 5));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(SCHOOL)).isTrue();
        }
        assertThat(limiter.tryAcquire(SCHOOL)).isFalse();

        directory.remove(SCHOOL);
        assertThat(limiter.tryAcquire(SCHOOL)).isTrue();
    }
}
