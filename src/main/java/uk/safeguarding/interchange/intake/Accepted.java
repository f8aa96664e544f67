package uk.safeguarding.interchange.intake;

import java.time.Instant;

/**
 * The outcome of {@link Acceptance#accept}: the message is durably stored, ledgered and queued for routing.
 *
 * @param trackingId the gateway's tracking id (the original one for a duplicate)
 * @param acceptedAt when it was first accepted
 * @param duplicate true when this was an exact resend of an already accepted message
 * @param acknowledgement the acknowledgement bytes rendered at first acceptance (returned again for duplicates)
 * @param binding the binding the acknowledgement was rendered for
 */
public record Accepted(
        String trackingId, Instant acceptedAt, boolean duplicate, byte[] acknowledgement, String binding) {}
