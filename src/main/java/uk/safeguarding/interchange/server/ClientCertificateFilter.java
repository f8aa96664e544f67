package uk.safeguarding.interchange.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.ValidatedCertificate;

/**
 * Authenticates every request by its TLS client certificate ({@link CertificateValidator#validateClient}). On success
 * the request carries the {@link AuthenticatedClient} in {@link #CLIENT_ATTRIBUTE} and the organisation id in
 * {@link #ORG_ID_ATTRIBUTE}; otherwise it is answered with the {@code AUTH-*} error and reported to the
 * {@link ClientAuthFailureListener}, and no servlet sees it. A path or method that no servlet serves is answered
 * SCHEMA-009 and reported the same way.
 */
public final class ClientCertificateFilter implements Filter {
    public static final String CLIENT_ATTRIBUTE = "uk.safeguarding.interchange.client";
    public static final String ORG_ID_ATTRIBUTE = "uk.safeguarding.interchange.orgId";
    private static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final CertificateValidator validator;
    private final ErrorResponses errors;
    private final ClientAuthFailureListener listener;
    private final RateLimiter rateLimiter;

    public ClientCertificateFilter(
            CertificateValidator validator,
            ErrorResponses errors,
            ClientAuthFailureListener listener,
            RateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.validator = validator;
        this.errors = errors;
        this.listener = listener;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!request.isSecure()) {
            // Only the HTTPS connector exists; refuse rather than trust a request that did not come over TLS.
            reject(request, response, new GatewayException(ErrorCode.AUTH_NO_CLIENT_CERT, "TLS is required"));
            return;
        }
        AuthenticatedClient client;
        try {
            X509Certificate[] presented = (X509Certificate[]) request.getAttribute(CERTIFICATES_ATTRIBUTE);
            ValidatedCertificate validated =
                    validator.validateClient(presented == null ? List.of() : Arrays.asList(presented));
            client = new AuthenticatedClient(validated.organisationId(), validated.certificate());
        } catch (GatewayException e) {
            reject(request, response, e);
            return;
        }
        if (!rateLimiter.tryAcquire(client.orgId())) {
            response.setHeader("Retry-After", "1");
            reject(
                    request,
                    response,
                    client.orgId(),
                    new GatewayException(ErrorCode.LIMIT_RATE, "Too many requests from this system; resend later."));
            return;
        }
        request.setAttribute(CLIENT_ATTRIBUTE, client);
        request.setAttribute(ORG_ID_ATTRIBUTE, client.orgId());
        chain.doFilter(request, new UnknownResources(request, response, client.orgId()));
    }

    /**
     * A servlet's "no such resource" or "no such method" ({@code sendError} 404 or 405: a path no route serves) is
     * answered as every other refusal, SCHEMA-009 in the gateway's error shape and reported to the listener (ledgered),
     * instead of the container's HTML page.
     */
    private final class UnknownResources extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private final String orgId;

        UnknownResources(HttpServletRequest request, HttpServletResponse response, String orgId) {
            super(response);
            this.request = request;
            this.orgId = orgId;
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            if (!refusedAsUnknown(status)) {
                super.sendError(status, message);
            }
        }

        @Override
        public void sendError(int status) throws IOException {
            if (!refusedAsUnknown(status)) {
                super.sendError(status);
            }
        }

        private boolean refusedAsUnknown(int status) throws IOException {
            if ((status != HttpServletResponse.SC_NOT_FOUND && status != HttpServletResponse.SC_METHOD_NOT_ALLOWED)
                    || isCommitted()) {
                return false;
            }
            resetBuffer();
            reject(
                    request,
                    (HttpServletResponse) getResponse(),
                    orgId,
                    new GatewayException(ErrorCode.SCHEMA_UNKNOWN_OPERATION, "No such resource or method."));
            return true;
        }
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, GatewayException e)
            throws IOException {
        reject(request, response, null, e);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, String orgId, GatewayException e)
            throws IOException {
        listener.rejected(new ClientAuthFailureListener.Rejection(
                e.errorCode(), orgId, request.getMethod(), request.getRequestURI(), request.getRemoteAddr()));
        errors.write(request, response, e.errorCode(), e.getMessage());
    }
}
