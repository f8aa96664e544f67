package uk.safeguarding.interchange.intake.fhir;

/**
 * What the HTTP layer writes back: status, content type and the (signed) response message Bundle.
 *
 * @param trackingId the gateway tracking id when the message was accepted, else null
 * @param code the gateway error code, or null for {@code ok}
 */
public record FhirReply(int status, String contentType, byte[] body, String trackingId, String code) {}
