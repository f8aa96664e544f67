package uk.safeguarding.interchange.intake.fhir;

/**
 * A request body read within the limit, in a supported format.
 *
 * @param sha256 hex SHA-256 of {@code body} (for the ledger)
 */
public record RawMessage(FhirFormat format, byte[] body, String sha256, String clientOrgId) {}
