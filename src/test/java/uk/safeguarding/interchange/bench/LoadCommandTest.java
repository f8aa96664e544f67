package uk.safeguarding.interchange.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadCommandTest {
    @Test
    void durationsReadSecondsMinutesMillisecondsAndIso() {
        assertThat(LoadCommand.duration("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(LoadCommand.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(LoadCommand.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(LoadCommand.duration("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> LoadCommand.duration("5h")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactlyOneOfRateAndMaxIsRequired() {
        assertThat(LoadCommand.run(new String[] {"--duration", "1s"})).isEqualTo(2);
        assertThat(LoadCommand.run(new String[] {"--max", "--rate", "10"})).isEqualTo(2);
        assertThat(LoadCommand.run(new String[] {"--rate"})).isEqualTo(2);
    }
}
