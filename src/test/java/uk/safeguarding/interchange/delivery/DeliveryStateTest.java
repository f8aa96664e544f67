package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.delivery.DeliveryState.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryStateTest {
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        "ROUTED, DELIVERED, true",
        "ROUTED, OUTCOME, true",
        "ROUTED, DELIVERY_FAILED, true",
        "ROUTED, WITHDRAWN, true",
        "ROUTED, EXPIRED, true",
        "DELIVERED, OUTCOME, true",
        "DELIVERED, WITHDRAWN, true",
        "DELIVERED, ROUTED, false",
        "DELIVERED, DELIVERED, false",
        "DELIVERED, DELIVERY_FAILED, false",
        "OUTCOME, OUTCOME, true",
        "OUTCOME, DELIVERED, false",
        "DELIVERY_FAILED, DELIVERED, true",
        "DELIVERY_FAILED, OUTCOME, false",
        "WITHDRAWN, DELIVERED, false",
        "WITHDRAWN, OUTCOME, false",
        "EXPIRED, DELIVERED, false",
        "ESCALATED, DELIVERED, true",
    })
    void transitionsFollowTheSpecStateMachine(DeliveryState from, DeliveryState to, boolean allowed) {
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"WITHDRAWN", "EXPIRED"})
    void withdrawnAndExpiredAreFinal(DeliveryState state) {
        assertThat(state.isFinal()).isTrue();
        assertThat(ROUTED.isFinal()).isFalse();
    }
}
