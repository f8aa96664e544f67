package uk.safeguarding.interchange.intake;

import java.time.Instant;

/**
 * Renders a binding's acknowledgement (FHIR response Bundle, SOAP response) for a message being accepted. Called
 * inside the acceptance transaction, before commit, so the stored acknowledgement is exactly what the sender gets
 * and what a duplicate gets again.
 */
@FunctionalInterface
public interface AcknowledgementRenderer {
    byte[] render(String trackingId, Instant acceptedAt);
}
