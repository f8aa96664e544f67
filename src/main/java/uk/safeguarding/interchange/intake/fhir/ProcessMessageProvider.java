package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.intake.SandboxFaults;
import uk.safeguarding.interchange.server.AuthenticatedClient;
import uk.safeguarding.interchange.server.ClientCertificateFilter;

/**
 * HAPI plain provider for {@code POST /fhir/$process-message}. It only wires HTTP to the {@value #ROUTE} route: HAPI
 * neither reads nor parses the body ({@code manualRequest}), so the intake reads the raw bytes itself and the
 * signature covers exactly what is parsed; the route's reply is written as is ({@code manualResponse}). The caller is
 * already authenticated by {@link ClientCertificateFilter}. Thread-safe.
 */
public final class ProcessMessageProvider {
    /** The Camel endpoint of the intake route (routes/fhir-intake.yaml). */
    public static final String ROUTE = "direct:fhir-intake";

    private static final Logger log = LoggerFactory.getLogger(ProcessMessageProvider.class);

    private final ProducerTemplate producer;

    public ProcessMessageProvider(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Operation(name = "$process-message", manualRequest = true, manualResponse = true, idempotent = false)
    public void processMessage(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthenticatedClient client =
                (AuthenticatedClient) request.getAttribute(ClientCertificateFilter.CLIENT_ATTRIBUTE);
        if (client == null) {
            throw new IllegalStateException("No authenticated client: the client-certificate filter is not installed");
        }
        FhirReply reply;
        try {
            reply = producer.requestBody(
                    ROUTE,
                    new FhirRequest(
                            request.getContentType(),
                            request.getInputStream(),
                            client.orgId(),
                            request.getHeader(SandboxFaults.HEADER)),
                    FhirReply.class);
        } catch (RuntimeException e) {
            // The route answers every failure itself; reaching here means the route is missing or broken.
            log.error("The FHIR intake route failed", e);
            byte[] body = FhirContexts.r4()
                    .newJsonParser()
                    .encodeResourceToString(OperationOutcomes.error(
                            ErrorCode.SYS_INTERNAL, "The gateway could not process the message; nothing was accepted."))
                    .getBytes(StandardCharsets.UTF_8);
            write(response, ErrorCode.SYS_INTERNAL.httpStatus(), FhirFormat.JSON.mediaType(), body);
            return;
        }
        write(response, reply.status(), reply.contentType(), reply.body());
    }

    private static void write(HttpServletResponse response, int status, String contentType, byte[] body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(contentType + ";charset=UTF-8");
        if (status == 413) {
            // The rest of the over-long body was not read: tell the client this connection will not be reused.
            response.setHeader("Connection", "close");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
