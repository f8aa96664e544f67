package uk.safeguarding.interchange.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock plus an offset the demo can move forward, so the gateway's service-level timer sees a working day
 * pass in a second. Thread-safe; the offset only grows.
 */
public final class DemoClock extends Clock {
    private final Clock system;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public DemoClock(Clock system) {
        this.system = system;
    }

    /** Moves the clock forward to {@code target} (no-op if it is already later). */
    public void advanceTo(Instant target) {
        offset.updateAndGet(current -> {
            Duration needed = Duration.between(system.instant(), target);
            return needed.compareTo(current) > 0 ? needed : current;
        });
    }

    /** How far ahead of the system clock this clock runs. */
    public Duration offset() {
        return offset.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the demo clock is UTC only");
    }

    @Override
    public Instant instant() {
        return system.instant().plus(offset.get());
    }
}
