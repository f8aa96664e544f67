package uk.safeguarding.interchange.trust;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Organisation ids ({@code urn:interchange:<kind>:<value>}, decision 0001) and how certificates carry them:
 * as a subject alternative name of type URI. Stateless and thread-safe.
 */
public final class OrganisationIds {
    /** Every organisation id starts with this prefix. */
    public static final String PREFIX = "urn:interchange:";

    private static final int SAN_URI = 6;
    private static final Pattern ORGANISATION_ID =
            Pattern.compile("urn:interchange:([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]*)");

    private OrganisationIds() {}

    /**
     * The organisation id the certificate names: its one SAN URI starting with {@value #PREFIX}. Empty when
     * the certificate has none, more than one (ambiguous identity is no identity), or an unparsable SAN
     * extension.
     */
    public static Optional<String> fromCertificate(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        List<String> ids = names.stream()
                .filter(name -> name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0)))
                .map(name -> String.valueOf(name.get(1)))
                .filter(uri -> uri.startsWith(PREFIX))
                .toList();
        return ids.size() == 1 && isValid(ids.get(0)) ? Optional.of(ids.get(0)) : Optional.empty();
    }

    /** Whether the string is a well-formed organisation id (syntax only, not whether it is in the directory). */
    public static boolean isValid(String organisationId) {
        return organisationId != null && ORGANISATION_ID.matcher(organisationId).matches();
    }

    /** The kind part of a well-formed organisation id, e.g. {@code school}; empty when malformed. */
    public static Optional<String> kind(String organisationId) {
        var matcher = organisationId == null ? null : ORGANISATION_ID.matcher(organisationId);
        return matcher != null && matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The value part of a well-formed organisation id, e.g. {@code 100001}; empty when malformed. */
    public static Optional<String> value(String organisationId) {
        var matcher = organisationId == null ? null : ORGANISATION_ID.matcher(organisationId);
        return matcher != null && matcher.matches() ? Optional.of(matcher.group(2)) : Optional.empty();
    }
}
