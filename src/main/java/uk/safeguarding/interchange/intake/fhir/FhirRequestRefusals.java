package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.intake.Rejection;
import uk.safeguarding.interchange.intake.Rejections;
import uk.safeguarding.interchange.server.ClientCertificateFilter;

/**
 * The requests HAPI's server refuses before any gateway code sees them (an unknown resource type or operation, a
 * method an operation does not take: the FHIR endpoint has only {@code POST $process-message} and {@code GET
 * metadata}) are answered as every other refusal: an OperationOutcome carrying a gateway error code, SCHEMA-009 (or
 * SYS-002 when HAPI itself failed), and a {@code REJECTED} ledger entry (spec §10: every rejection). HAPI's own text
 * is not passed on: it can quote the request. Registered on the FHIR server as a HAPI interceptor. Thread-safe.
 */
@Interceptor
public final class FhirRequestRefusals {
    private final Rejections rejections;

    public FhirRequestRefusals(Rejections rejections) {
        this.rejections = Objects.requireNonNull(rejections);
    }

    /** Answers the refusal itself; false tells HAPI that the response is written. */
    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean refuse(HttpServletRequest request, HttpServletResponse response, BaseServerResponseException e)
            throws IOException {
        ErrorCode code = e.getStatusCode() >= 500 ? ErrorCode.SYS_INTERNAL : ErrorCode.SCHEMA_UNKNOWN_OPERATION;
        // The client-certificate filter runs before HAPI: the caller is known unless the filter refused it already.
        String actor = request.getAttribute(ClientCertificateFilter.ORG_ID_ATTRIBUTE) instanceof String orgId
                ? orgId
                : FhirIntake.UNAUTHENTICATED;
        rejections.record(new Rejection(code, actor, null, null, null, "fhir"));
        String detail = code == ErrorCode.SYS_INTERNAL
                ? "The gateway could not answer the request."
                : "The FHIR endpoint has only POST $process-message and GET metadata.";
        byte[] body = FhirContexts.r4()
                .newJsonParser()
                .encodeResourceToString(OperationOutcomes.error(code, detail))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(code.httpStatus());
        response.setContentType(FhirFormat.JSON.mediaType() + ";charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        return false;
    }
}
