package uk.safeguarding.interchange.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrackingIdsTest {
    /** The canonical schema's Uuid type (schemas/canonical). */
    private static final String XSD_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final AtomicLong clock = new AtomicLong(1_790_000_000_000L);
    private final TrackingIds ids = new TrackingIds(clock::get, new Random(7));

    @Test
    void isAVersion7UuidCarryingTheTimeItWasMadeAt() {
        UUID id = ids.nextId();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(clock.get());
        assertThat(id.toString()).matches(XSD_UUID);
        assertThat(TrackingIds.next()).matches(XSD_UUID);
    }

    @Test
    void idsSortInTheOrderTheyWereMadeWithinAndAcrossMilliseconds() {
        List<String> made = new ArrayList<>();
        for (int ms = 0; ms < 5; ms++) {
            for (int i = 0; i < 1000; i++) {
                made.add(ids.nextId().toString());
            }
            clock.incrementAndGet();
        }

        assertThat(made).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aClockThatStepsBackDoesNotBreakTheOrder() {
        String before = ids.nextId().toString();
        clock.addAndGet(-60_000);

        String after = ids.nextId().toString();

        assertThat(after).isGreaterThan(before);
    }

    @Test
    void moreIdsThanTheCounterHoldsInOneMillisecondBorrowTheNext() {
        long start = clock.get();
        List<UUID> made = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            made.add(ids.nextId());
        }

        assertThat(made.stream().map(UUID::toString).toList()).isSorted();
        assertThat(made.getLast().getMostSignificantBits() >>> 16).isEqualTo(start + 1);
        assertThat(new HashSet<>(made)).hasSize(5000);
    }

    @Test
    void theRandomPartDiffersBetweenIdsOfTheSameMillisecond() {
        UUID first = ids.nextId();
        UUID second = ids.nextId();

        assertThat(second.getLeastSignificantBits()).isNotEqualTo(first.getLeastSignificantBits());
    }
}
