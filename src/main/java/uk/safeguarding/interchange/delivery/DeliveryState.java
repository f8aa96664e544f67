package uk.safeguarding.interchange.delivery;

import java.util.EnumSet;
import java.util.Set;

/**
 * The state of one message for one recipient (spec §9): {@code ROUTED → DELIVERED → OUTCOME}, with the side states
 * {@code DELIVERY_FAILED}, {@code ESCALATED}, {@code WITHDRAWN} and {@code EXPIRED}. ({@code ACCEPTED} is the message's
 * state before routing, recorded by acceptance; it has no recipient yet.) {@link #canMoveTo} is the one transition
 * table; every change is also a ledger entry named after the target state.
 */
public enum DeliveryState {
    ROUTED,
    DELIVERED,
    OUTCOME,
    DELIVERY_FAILED,
    ESCALATED,
    WITHDRAWN,
    EXPIRED;

    /** Whether a delivery in this state may move to {@code next}. */
    public boolean canMoveTo(DeliveryState next) {
        return successors().contains(next);
    }

    private Set<DeliveryState> successors() {
        return switch (this) {
            // An outcome may arrive before the recipient acknowledged (it evidently read the message).
            case ROUTED -> EnumSet.of(DELIVERED, OUTCOME, DELIVERY_FAILED, ESCALATED, WITHDRAWN, EXPIRED);
            case DELIVERED -> EnumSet.of(OUTCOME, ESCALATED, WITHDRAWN);
            case ESCALATED -> EnumSet.of(DELIVERED, OUTCOME, WITHDRAWN, DELIVERY_FAILED, EXPIRED);
            // A later outcome (more-information-needed, then accepted) replaces the earlier one.
            case OUTCOME -> EnumSet.of(OUTCOME, WITHDRAWN);
            // An operator's replay from the dead-letter queue routes a failed delivery again (ledger: REPLAYED).
            case DELIVERY_FAILED -> EnumSet.of(DELIVERED, ROUTED);
            case WITHDRAWN, EXPIRED -> EnumSet.noneOf(DeliveryState.class);
        };
    }

    public boolean isFinal() {
        return successors().isEmpty();
    }
}
