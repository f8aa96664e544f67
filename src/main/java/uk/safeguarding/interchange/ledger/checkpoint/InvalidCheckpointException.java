package uk.safeguarding.interchange.ledger.checkpoint;

/** A checkpoint note that is malformed, unsigned by the trusted key, badly signed or of another origin. */
public final class InvalidCheckpointException extends RuntimeException {
    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
