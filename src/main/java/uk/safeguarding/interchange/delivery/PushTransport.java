package uk.safeguarding.interchange.delivery;

import java.net.URI;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;

/**
 * Sends one message to one recipient's endpoint (a push delivery mode) and says how it went. Implementations sign
 * what they send with the gateway's key and present the gateway's client certificate. Thread-safe.
 */
public interface PushTransport {
    /**
     * One attempt. Never throws for a failure of the recipient or the network: that is a {@link Result}.
     *
     * @param message the canonical message, recipients filled in
     */
    Result push(URI endpoint, InterchangeMessage message, String recipientId);

    /** Whether this mode can carry the message at all; others wait in the recipient's mailbox instead. */
    default boolean carries(InterchangeMessage message) {
        return true;
    }

    /** How one attempt went. */
    enum Outcome {
        /** 2xx / SOAP ok: the recipient has the message. */
        DELIVERED,
        /** Connection refused, timeout, 5xx, 408, 429, a transient SOAP fault: try again later. */
        TRANSIENT,
        /** Any other refusal (4xx, a non-transient fault): retrying cannot help. */
        PERMANENT
    }

    /**
     * @param httpStatus the HTTP status when there was a response, else 0
     * @param detail a short technical description for the log (no message content)
     */
    record Result(Outcome outcome, int httpStatus, String detail) {
        public static Result delivered(int status) {
            return new Result(Outcome.DELIVERED, status, "ok");
        }

        public static Result transientFailure(int status, String detail) {
            return new Result(Outcome.TRANSIENT, status, detail);
        }

        public static Result permanentFailure(int status, String detail) {
            return new Result(Outcome.PERMANENT, status, detail);
        }

        /** Classifies an HTTP status: 2xx delivered, 408/425/429/5xx transient, anything else permanent. */
        public static Result ofHttpStatus(int status) {
            if (status >= 200 && status < 300) {
                return delivered(status);
            }
            if (status == 408 || status == 425 || status == 429 || status >= 500) {
                return transientFailure(status, "HTTP " + status);
            }
            return permanentFailure(status, "HTTP " + status);
        }
    }
}
