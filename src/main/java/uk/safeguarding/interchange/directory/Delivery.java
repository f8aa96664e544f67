package uk.safeguarding.interchange.directory;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A recipient's delivery mode; push modes have an HTTPS endpoint, the mailbox has none. {@code maxAttempts}, push
 * only, overrides the gateway's retry limit ({@code gateway.delivery.retry.max-attempts}) for this recipient.
 */
public record Delivery(DeliveryMode mode, Optional<URI> endpoint, OptionalInt maxAttempts) {
    public static final Delivery MAILBOX = new Delivery(DeliveryMode.MAILBOX, Optional.empty(), OptionalInt.empty());

    public Delivery {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(maxAttempts, "maxAttempts");
        if (endpoint.isPresent() == (mode == DeliveryMode.MAILBOX)) {
            throw new IllegalArgumentException("mode " + mode.code() + " "
                    + (mode == DeliveryMode.MAILBOX ? "takes no endpoint" : "needs an endpoint"));
        }
        if (maxAttempts.isPresent() && (mode == DeliveryMode.MAILBOX || maxAttempts.getAsInt() < 1)) {
            throw new IllegalArgumentException("maxAttempts is for push modes and at least 1");
        }
    }
}
