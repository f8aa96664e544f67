package uk.safeguarding.interchange.server;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.common.HttpMessage;

/**
 * The one place where a camel-servlet route reads the servlet request: puts an {@link HttpRequestFacts} (method,
 * path, query, the authenticated org id from {@link ClientCertificateFilter#ORG_ID_ATTRIBUTE}) in the exchange
 * property {@link #PROPERTY}, so beans decide on plain values and never on client-controlled headers. A request
 * without an authenticated org id (it cannot pass the filter without one) fails the exchange. Stateless, thread-safe.
 */
public final class AuthenticatedRequestProcessor implements Processor {
    /** The exchange property holding the {@link HttpRequestFacts}. */
    public static final String PROPERTY = "interchangeRequest";

    @Override
    public void process(Exchange exchange) {
        HttpServletRequest request = exchange.getIn() instanceof HttpMessage message ? message.getRequest() : null;
        if (request == null) {
            request = exchange.getIn().getBody(HttpServletRequest.class);
        }
        if (request == null) {
            throw new IllegalStateException("Not a servlet request");
        }
        Object orgId = request.getAttribute(ClientCertificateFilter.ORG_ID_ATTRIBUTE);
        if (!(orgId instanceof String id)) {
            throw new IllegalStateException("The request carries no authenticated organisation");
        }
        exchange.setProperty(
                PROPERTY,
                new HttpRequestFacts(
                        request.getMethod(),
                        request.getRequestURI(),
                        HttpRequestFacts.parseQuery(request.getQueryString()),
                        id));
    }
}
