package uk.safeguarding.interchange.intake.fhir;

import java.io.InputStream;
import java.util.Objects;
import uk.safeguarding.interchange.intake.SandboxFaults;

/**
 * A {@code $process-message} request as the HTTP layer hands it to the intake route: the body is still unread, so
 * the intake reads it within its limit.
 *
 * @param contentType the Content-Type header, or null
 * @param body the request body stream (read once, by {@link FhirIntake#read})
 * @param clientOrgId the organisation id of the authenticated TLS client
 * @param sandboxFault the {@code X-Sandbox-Fault} header, or null (see {@link SandboxFaults})
 */
public record FhirRequest(String contentType, InputStream body, String clientOrgId, String sandboxFault) {
    public FhirRequest {
        Objects.requireNonNull(body);
        Objects.requireNonNull(clientOrgId);
    }

    /** The format replies use: the request's, or JSON when the request's is not supported. */
    public FhirFormat replyFormat() {
        return FhirFormat.fromContentType(contentType).orElse(FhirFormat.JSON);
    }
}
