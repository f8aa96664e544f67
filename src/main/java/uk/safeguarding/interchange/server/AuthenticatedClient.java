package uk.safeguarding.interchange.server;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The organisation a mutual-TLS connection authenticated as: its {@code urn:interchange:} id (SAN URI) and the
 * validated end-entity certificate.
 */
public record AuthenticatedClient(String orgId, X509Certificate certificate) {
    public AuthenticatedClient {
        Objects.requireNonNull(orgId);
        Objects.requireNonNull(certificate);
    }
}
