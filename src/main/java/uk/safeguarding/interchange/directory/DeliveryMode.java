package uk.safeguarding.interchange.directory;

import java.util.Arrays;
import java.util.Optional;

/** How the gateway delivers to a recipient (spec §9). */
public enum DeliveryMode {
    /** The recipient lists, fetches and acknowledges its messages (as in NHS MESH); no endpoint. */
    MAILBOX("mailbox"),
    /** The gateway POSTs a signed {@code $process-message} to the recipient's HTTPS endpoint. */
    FHIR_PUSH("fhir-push"),
    /** The gateway calls the recipient's SOAP endpoint over HTTPS with WS-Security. */
    SOAP_PUSH("soap-push");

    private final String code;

    DeliveryMode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<DeliveryMode> fromCode(String code) {
        return Arrays.stream(values()).filter(mode -> mode.code.equals(code)).findFirst();
    }
}
