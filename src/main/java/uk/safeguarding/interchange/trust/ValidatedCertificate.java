package uk.safeguarding.interchange.trust;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate that passed PKIX validation against the gateway's own trust anchors.
 *
 * @param certificate the end-entity certificate (signer or TLS client)
 * @param organisationId the organisation id from its SAN URI, e.g. {@code urn:interchange:police:dorset}
 * @param path the validated path, end entity first, trust anchor excluded
 * @param trustAnchor the gateway trust anchor the path ends at
 */
public record ValidatedCertificate(
        X509Certificate certificate, String organisationId, List<X509Certificate> path, X509Certificate trustAnchor) {
    public ValidatedCertificate {
        Objects.requireNonNull(certificate);
        Objects.requireNonNull(organisationId);
        path = List.copyOf(path);
        Objects.requireNonNull(trustAnchor);
    }
}
