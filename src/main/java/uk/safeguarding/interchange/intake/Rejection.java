package uk.safeguarding.interchange.intake;

import java.util.Objects;
import uk.safeguarding.interchange.error.ErrorCode;

/**
 * A refused request, for the ledger. Never personal data: ids, codes and hashes only.
 *
 * @param code why it was refused
 * @param actor the authenticated caller's org id, or {@code "unauthenticated"}
 * @param senderMessageId the sender's message id if it could be read, else null
 * @param payloadSha256 hex SHA-256 of the raw request body, or null when there was none
 * @param messageType the event code if it could be read, else null
 * @param binding {@code fhir}, {@code soap} or {@code http}
 */
public record Rejection(
        ErrorCode code,
        String actor,
        String senderMessageId,
        String payloadSha256,
        String messageType,
        String binding) {
    public Rejection {
        Objects.requireNonNull(code);
        Objects.requireNonNull(actor);
        Objects.requireNonNull(binding);
    }
}
