package uk.safeguarding.interchange.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
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
        RateLimiter limiter = new RateLimiter(2, 3, clock);

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
        RateLimiter limiter = new RateLimiter(1, 1, new ManualClock());

        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isFalse();
        assertThat(limiter.tryAcquire("urn:interchange:la:850")).isTrue();
    }

    @Test
    void aRateOfZeroTurnsLimitingOff() {
        RateLimiter limiter = new RateLimiter(0, 1, new ManualClock());

        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire("urn:interchange:school:100001")).isTrue();
        }
    }
}
