package uk.safeguarding.interchange.directory;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/** A recipient's delivery mode; push modes have an HTTPS endpoint, the mailbox has none. */
public record Delivery(DeliveryMode mode, Optional<URI> endpoint) {
    public static final Delivery MAILBOX = new Delivery(DeliveryMode.MAILBOX, Optional.empty());

    public Delivery {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.isPresent() == (mode == DeliveryMode.MAILBOX)) {
            throw new IllegalArgumentException("mode " + mode.code() + " "
                    + (mode == DeliveryMode.MAILBOX ? "takes no endpoint" : "needs an endpoint"));
        }
    }
}
