package uk.safeguarding.interchange.config;

/**
 * The gateway cannot start for a reason an operator can fix (a port in use, a missing certificate file, a bad
 * setting). The message is one line that says what is wrong and what to do; {@code ./gateway start} prints it
 * without a stack trace.
 */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
