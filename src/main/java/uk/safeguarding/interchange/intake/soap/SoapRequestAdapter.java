package uk.safeguarding.interchange.intake.soap;

import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.util.Objects;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.cxf.message.Message;
import org.apache.cxf.transport.http.AbstractHTTPDestination;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.SandboxFaults;
import uk.safeguarding.interchange.server.AuthenticatedClient;
import uk.safeguarding.interchange.server.ClientCertificateFilter;

/**
 * The only Camel-aware piece of the SOAP binding: takes the raw request stream and the mutual-TLS identity from a
 * Camel CXF (RAW data format) exchange, lets {@link SoapIntake} decide, and writes its reply back. Thread-safe.
 */
public final class SoapRequestAdapter {
    private final SoapIntake intake;

    public SoapRequestAdapter(SoapIntake intake) {
        this.intake = Objects.requireNonNull(intake);
    }

    public void handle(Exchange exchange) {
        HttpServletRequest http = httpRequest(exchange);
        AuthenticatedClient client = client(http);
        SoapReply reply = intake.handle(
                exchange.getIn().getBody(InputStream.class), client, http.getHeader(SandboxFaults.HEADER));
        org.apache.camel.Message out = exchange.getMessage();
        // Request headers must not echo into the response.
        out.removeHeaders("*");
        out.setBody(reply.envelope());
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, reply.httpStatus());
        out.setHeader(Exchange.CONTENT_TYPE, SoapReply.CONTENT_TYPE);
    }

    private static HttpServletRequest httpRequest(Exchange exchange) {
        Message cxf = exchange.getIn().getHeader(CxfConstants.CAMEL_CXF_MESSAGE, Message.class);
        if (cxf != null && cxf.get(AbstractHTTPDestination.HTTP_REQUEST) instanceof HttpServletRequest http) {
            return http;
        }
        throw new GatewayException(ErrorCode.AUTH_NO_CLIENT_CERT, "No HTTP request behind this SOAP exchange.");
    }

    private static AuthenticatedClient client(HttpServletRequest http) {
        if (http.getAttribute(ClientCertificateFilter.CLIENT_ATTRIBUTE) instanceof AuthenticatedClient client) {
            return client;
        }
        // ClientCertificateFilter runs before every servlet, so this means a wiring error, not a client error.
        throw new GatewayException(ErrorCode.AUTH_NO_CLIENT_CERT, "No authenticated TLS client on this request.");
    }
}
