package uk.safeguarding.interchange.server;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.intake.fhir.OperationOutcomes;

/**
 * Writes a gateway error to an HTTP response: a FHIR {@code OperationOutcome} ({@code application/fhir+json})
 * under {@code /fhir/}, elsewhere {@code {"error":{"code","system","message","retryable"}}}. The status is
 * {@link ErrorCode#httpStatus()}. Thread-safe.
 */
public final class ErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FhirContext fhirContext;

    public ErrorResponses(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
            throws IOException {
        response.setStatus(code.httpStatus());
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String body;
        if (request.getRequestURI().startsWith("/fhir")) {
            response.setContentType("application/fhir+json");
            body = fhirContext.newJsonParser().encodeResourceToString(OperationOutcomes.error(code, detail));
        } else {
            response.setContentType("application/json");
            ObjectNode root = JSON.createObjectNode();
            ObjectNode error = root.putObject("error");
            error.put("code", code.code());
            error.put("system", ErrorCode.SYSTEM);
            error.put("message", detail);
            error.put("retryable", code.retryable());
            body = JSON.writeValueAsString(root);
        }
        response.getWriter().write(body);
    }
}
