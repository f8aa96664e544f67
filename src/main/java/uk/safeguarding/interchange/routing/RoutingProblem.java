package uk.safeguarding.interchange.routing;

import java.util.Objects;
import uk.safeguarding.interchange.error.ErrorCode;

/**
 * Why a message could not be routed: the error code (ROUTE-*, RULE-004) and a reason for the sender's
 * non-delivery report. The reason never contains personal data (no names, addresses or postcodes).
 */
public record RoutingProblem(ErrorCode code, String reason) {
    public RoutingProblem {
        Objects.requireNonNull(code);
        Objects.requireNonNull(reason);
    }
}
