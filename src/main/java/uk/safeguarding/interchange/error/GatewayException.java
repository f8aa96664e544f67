package uk.safeguarding.interchange.error;

import java.util.Objects;

/**
 * The one exception type that carries an {@link ErrorCode}. The message must not contain personal data: it
 * is returned to the caller and may be logged.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorCode errorCode;

    public GatewayException(ErrorCode errorCode, String detail) {
        super(detail);
        this.errorCode = Objects.requireNonNull(errorCode);
    }

    public GatewayException(ErrorCode errorCode, String detail, Throwable cause) {
        super(detail, cause);
        this.errorCode = Objects.requireNonNull(errorCode);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
