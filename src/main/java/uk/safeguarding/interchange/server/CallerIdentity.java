package uk.safeguarding.interchange.server;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.common.HttpMessage;

/**
 * Copies the organisation the {@link ClientCertificateFilter} authenticated into the header {@link #HEADER} of a
 * camel-servlet exchange, replacing anything the client sent (Camel-prefixed request headers are dropped by the HTTP
 * header filter in any case, and never echoed back). Without an authenticated request the header is removed, and
 * the beans refuse the call. Stateless and thread-safe.
 */
public final class CallerIdentity implements Processor {
    /** The header routes pass to beans as the caller's organisation id. */
    public static final String HEADER = "CamelInterchangeCaller";

    @Override
    public void process(Exchange exchange) {
        exchange.getIn().removeHeader(HEADER);
        if (exchange.getIn() instanceof HttpMessage http) {
            HttpServletRequest request = http.getRequest();
            Object orgId = request == null ? null : request.getAttribute(ClientCertificateFilter.ORG_ID_ATTRIBUTE);
            if (orgId instanceof String id && !id.isBlank()) {
                exchange.getIn().setHeader(HEADER, id);
            }
        }
    }
}
