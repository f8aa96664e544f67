package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

final class GatewayExceptions {
    private GatewayExceptions() {}

    static void assertFailsWith(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(GatewayException.class)
                .extracting(e -> ((GatewayException) e).errorCode())
                .isEqualTo(code);
    }
}
