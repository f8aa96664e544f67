package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.directory.Delivery;
import uk.safeguarding.interchange.directory.DeliveryMode;

class RetryPolicyTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private static RetryPolicy policy(double random) {
        return new RetryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(4), 6, Duration.ofHours(1), () -> random);
    }

    @Test
    void delaysDoubleUpToTheCapWithHalfOfEachDelayJittered() {
        RetryPolicy low = policy(0.0);
        RetryPolicy high = policy(0.999_999);

        assertThat(low.delayAfter(1)).isEqualTo(Duration.ofSeconds(15));
        assertThat(high.delayAfter(1)).isBetween(Duration.ofMillis(29_990), Duration.ofSeconds(30));
        assertThat(low.delayAfter(2)).isEqualTo(Duration.ofSeconds(30));
        assertThat(low.delayAfter(3)).isEqualTo(Duration.ofSeconds(60));
        assertThat(low.delayAfter(4)).isEqualTo(Duration.ofSeconds(120));
        assertThat(low.delayAfter(5)).isEqualTo(Duration.ofSeconds(120));
        assertThat(low.delayAfter(60)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void givesUpAtTheAttemptLimit() {
        assertThat(policy(0).nextAttempt(5, T0, T0)).isEqualTo(T0.plusSeconds(120));
        assertThat(policy(0).nextAttempt(6, T0, T0)).isNull();
    }

    @Test
    void givesUpWhenTheNextTryWouldBeAfterTheTimeToLive() {
        Instant late = T0.plus(Duration.ofSeconds(59 * 60 + 50));

        assertThat(policy(0).nextAttempt(1, T0, late)).isNull();
        assertThat(policy(0).nextAttempt(1, T0, T0.plus(Duration.ofMinutes(50))))
                .isNotNull();
    }

    @Test
    void aRecipientsOwnAttemptLimitReplacesTheGatewaysOnly() {
        Delivery push = new Delivery(
                DeliveryMode.FHIR_PUSH, Optional.of(URI.create("https://la.example/fhir")), OptionalInt.of(1));
        Delivery standard = new Delivery(
                DeliveryMode.FHIR_PUSH, Optional.of(URI.create("https://la.example/fhir")), OptionalInt.empty());

        assertThat(policy(0).forRecipient(push).nextAttempt(1, T0, T0)).isNull();
        assertThat(policy(0).forRecipient(push).delayAfter(1)).isEqualTo(Duration.ofSeconds(15));
        assertThat(policy(0).forRecipient(standard).nextAttempt(1, T0, T0)).isEqualTo(T0.plusSeconds(15));
    }
}
