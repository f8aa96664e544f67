package uk.safeguarding.interchange.audit;

import java.util.Map;
import java.util.Objects;

/**
 * An answer of the auditor API, for the route to write: HTTP status, content type, body and extra headers.
 * Immutable.
 */
public record AuditResponse(int status, String contentType, String body, Map<String, String> headers) {
    public AuditResponse {
        Objects.requireNonNull(contentType);
        Objects.requireNonNull(body);
        headers = Map.copyOf(headers);
    }

    static AuditResponse json(String body) {
        return new AuditResponse(200, "application/json", body, Map.of());
    }

    static AuditResponse text(String body) {
        return new AuditResponse(200, "text/plain; charset=utf-8", body, Map.of());
    }
}
