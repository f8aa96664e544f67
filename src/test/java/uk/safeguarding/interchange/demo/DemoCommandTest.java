package uk.safeguarding.interchange.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return DemoCommand.run(
                args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void refusesUnknownArguments() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: ./gateway demo");
    }

    @Test
    void refusesADataDirectoryThatAlreadyExists() throws Exception {
        Path existing = Files.createDirectory(tmp.resolve("data"));
        assertThat(run("--data", existing.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("fresh data directory");
    }

    @Test
    void theClockOnlyMovesForward() {
        Instant start = Instant.parse("2026-11-20T17:00:00Z");
        DemoClock clock = new DemoClock(Clock.fixed(start, ZoneOffset.UTC));
        clock.advanceTo(start.plusSeconds(3600));
        clock.advanceTo(start.plusSeconds(60));
        assertThat(clock.instant()).isEqualTo(start.plusSeconds(3600));
    }
}
