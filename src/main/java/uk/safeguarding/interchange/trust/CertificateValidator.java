package uk.safeguarding.interchange.trust;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * PKIX validation of message-signer and TLS client certificates against the gateway's OWN trust anchors (spec §7).
 *
 * <p>The path is built from the sender's certificates, but a self-signed certificate among them is dropped: trust
 * comes only from the configured anchors. The path is validated with revocation from the {@link CrlStore} only (no
 * OCSP, no fetching; a CA without a current CRL fails closed) at {@code clock.instant()}, and a signer's path again,
 * without revocation, at the signing time. The end-entity certificate must carry the {@code digitalSignature} key
 * usage and exactly one organisation id as a SAN URI {@code urn:interchange:<kind>:<value>}. Signer failures map to
 * SIG_CERT_UNTRUSTED / SIG_CERT_EXPIRED / SIG_CERT_REVOKED / SIG_CERT_KEY_USAGE; client certificate failures to
 * AUTH_CLIENT_CERT_UNTRUSTED / AUTH_CLIENT_CERT_INVALID. Immutable and thread-safe.
 */
public final class CertificateValidator {
    /** An organisation id (decision 0001): kind, then a value of letters, digits and hyphens. */
    public static final Pattern ORGANISATION_ID =
            Pattern.compile("urn:interchange:(school|la|mash|police|health|system|auditor|gateway):[A-Za-z0-9-]+");

    private static final int DIGITAL_SIGNATURE = 0;
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int MAX_PATH = 8;

    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> anchorCertificates;
    private final CrlStore crls;
    private final Clock clock;

    /** Which error codes a failure maps to, per kind of certificate: one validation core, two vocabularies. */
    private enum Purpose {
        SIGNER(
                "signer certificate",
                ErrorCode.SIG_MISSING,
                ErrorCode.SIG_CERT_UNTRUSTED,
                ErrorCode.SIG_CERT_UNTRUSTED,
                ErrorCode.SIG_CERT_EXPIRED,
                ErrorCode.SIG_CERT_REVOKED,
                ErrorCode.SIG_CERT_KEY_USAGE),
        CLIENT(
                "TLS client certificate",
                ErrorCode.AUTH_NO_CLIENT_CERT,
                ErrorCode.AUTH_UNKNOWN_SYSTEM,
                ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED,
                ErrorCode.AUTH_CLIENT_CERT_INVALID,
                ErrorCode.AUTH_CLIENT_CERT_INVALID,
                ErrorCode.AUTH_CLIENT_CERT_INVALID);

        final String noun;
        final ErrorCode missing;
        final ErrorCode noOrganisation;
        final ErrorCode untrusted;
        final ErrorCode expired;
        final ErrorCode revoked;
        final ErrorCode keyUsage;

        Purpose(
                String noun,
                ErrorCode missing,
                ErrorCode noOrganisation,
                ErrorCode untrusted,
                ErrorCode expired,
                ErrorCode revoked,
                ErrorCode keyUsage) {
            this.noun = noun;
            this.missing = missing;
            this.noOrganisation = noOrganisation;
            this.untrusted = untrusted;
            this.expired = expired;
            this.revoked = revoked;
            this.keyUsage = keyUsage;
        }
    }

    /**
     * @param trustAnchors the gateway's trust anchors (from its configuration, never from a message)
     * @param crls the CRLs of every CA under those anchors
     * @param clock the gateway clock; "now" is {@code clock.instant()}
     */
    public CertificateValidator(Collection<X509Certificate> trustAnchors, CrlStore crls, Clock clock) {
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("At least one trust anchor is required");
        }
        this.anchorCertificates = List.copyOf(trustAnchors);
        Set<TrustAnchor> set = new LinkedHashSet<>();
        anchorCertificates.forEach(c -> set.add(new TrustAnchor(c, null)));
        this.anchors = Collections.unmodifiableSet(set);
        this.crls = Objects.requireNonNull(crls);
        this.clock = Objects.requireNonNull(clock);
    }

    /** A validator whose anchors are the trusted-certificate entries of {@code trustStore}. */
    public static CertificateValidator fromKeyStore(KeyStore trustStore, CrlStore crls, Clock clock)
            throws KeyStoreException {
        List<X509Certificate> anchors = new ArrayList<>();
        for (String alias : Collections.list(trustStore.aliases())) {
            if (trustStore.isCertificateEntry(alias)
                    && trustStore.getCertificate(alias) instanceof X509Certificate certificate) {
                anchors.add(certificate);
            }
        }
        return new CertificateValidator(anchors, crls, clock);
    }

    /** Validates the certificates of a verified detached JWS at its signing time and now. */
    public ValidatedCertificate validateSigner(VerifiedSignature signature, Instant signingTime) {
        return validateSigner(signature.chain(), signingTime);
    }

    /**
     * Validates a message signer's certificate ({@code chain.get(0)}, with the sender's intermediates after it).
     *
     * @param signingTime the signing time claimed by the message ({@code Bundle.signature.when})
     * @throws GatewayException SIG_CERT_UNTRUSTED, SIG_CERT_EXPIRED, SIG_CERT_REVOKED or SIG_CERT_KEY_USAGE
     */
    public ValidatedCertificate validateSigner(List<X509Certificate> chain, Instant signingTime) {
        return validate(chain, Objects.requireNonNull(signingTime), Purpose.SIGNER);
    }

    /**
     * Validates a TLS client certificate chain as presented in the handshake (client certificate first). The
     * certificate must also allow TLS client authentication if it restricts its extended key usage.
     *
     * @throws GatewayException AUTH_CLIENT_CERT_UNTRUSTED or AUTH_CLIENT_CERT_INVALID
     */
    public ValidatedCertificate validateClient(List<X509Certificate> chain) {
        ValidatedCertificate validated = validate(chain, null, Purpose.CLIENT);
        try {
            List<String> extendedKeyUsage = validated.certificate().getExtendedKeyUsage();
            if (extendedKeyUsage != null
                    && !extendedKeyUsage.contains(CLIENT_AUTH)
                    && !extendedKeyUsage.contains(ANY_EXTENDED_KEY_USAGE)) {
                throw new GatewayException(
                        ErrorCode.AUTH_CLIENT_CERT_INVALID,
                        "The TLS client certificate does not allow client authentication.");
            }
        } catch (CertificateParsingException e) {
            throw new GatewayException(
                    ErrorCode.AUTH_CLIENT_CERT_INVALID, "The TLS client certificate's extensions cannot be read.", e);
        }
        return validated;
    }

    private ValidatedCertificate validate(List<X509Certificate> chain, Instant signingTime, Purpose purpose) {
        if (chain.isEmpty()) {
            throw new GatewayException(purpose.missing, "No " + purpose.noun + " was presented.");
        }
        X509Certificate leaf = chain.get(0);
        List<X509Certificate> path = buildPath(leaf, chain.subList(1, chain.size()));
        Instant now = clock.instant();
        // Validity first, without revocation, so an expired certificate is reported as expired even when its
        // CRL is stale too; then revocation, which needs a current CRL for every CA in the path.
        validatePath(path, now, false, "now", purpose);
        if (signingTime != null) {
            validatePath(path, signingTime, false, "at the signing time", purpose);
        }
        PKIXCertPathValidatorResult result = validatePath(path, now, true, "now", purpose);
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage == null || !keyUsage[DIGITAL_SIGNATURE]) {
            throw new GatewayException(
                    purpose.keyUsage, "The " + purpose.noun + " lacks the digitalSignature key usage.");
        }
        String organisationId = OrganisationIds.fromCertificate(leaf)
                .orElseThrow(() -> new GatewayException(
                        purpose.noOrganisation,
                        "The " + purpose.noun + " carries no single urn:interchange organisation id SAN URI."));
        return new ValidatedCertificate(
                leaf, organisationId, path, result.getTrustAnchor().getTrustedCert());
    }

    /**
     * Orders the sender's certificates from the leaf up to (excluding) one of our anchors. Self-signed certificates
     * are never used: a root the sender supplies must not become trusted by appearing in the path.
     */
    private List<X509Certificate> buildPath(X509Certificate leaf, List<X509Certificate> offered) {
        List<X509Certificate> candidates = new ArrayList<>();
        for (X509Certificate certificate : offered) {
            if (!isSelfSigned(certificate)) {
                candidates.add(certificate);
            }
        }
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate current = leaf;
        while (path.size() < MAX_PATH && !issuedByAnchor(current)) {
            X509Certificate issuer = null;
            for (X509Certificate candidate : candidates) {
                if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && verifies(current, candidate)) {
                    issuer = candidate;
                    break;
                }
            }
            if (issuer == null) {
                break;
            }
            candidates.remove(issuer);
            path.add(issuer);
            current = issuer;
        }
        return path;
    }

    private boolean issuedByAnchor(X509Certificate certificate) {
        for (X509Certificate anchor : anchorCertificates) {
            if (anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                    && verifies(certificate, anchor)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSelfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && verifies(certificate, certificate);
    }

    private static boolean verifies(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private PKIXCertPathValidatorResult validatePath(
            List<X509Certificate> path, Instant at, boolean checkRevocation, String when, Purpose purpose) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setDate(Date.from(at));
            if (checkRevocation) {
                PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
                // CRLs from our store only: no OCSP, no fallback to anything the certificate points at.
                revocation.setOptions(
                        EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
                parameters.addCertPathChecker(revocation);
                parameters.addCertStore(
                        CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls.crls())));
                parameters.setRevocationEnabled(true);
            } else {
                parameters.setRevocationEnabled(false);
            }
            return (PKIXCertPathValidatorResult) validator.validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw classify(e, when, purpose);
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("Invalid PKIX parameters", e);
        } catch (GeneralSecurityException e) {
            throw new GatewayException(purpose.untrusted, "The " + purpose.noun + " path cannot be processed.", e);
        }
    }

    private static GatewayException classify(CertPathValidatorException e, String when, Purpose purpose) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == BasicReason.REVOKED) {
            return new GatewayException(
                    purpose.revoked, "A certificate in the " + purpose.noun + " path is revoked.", e);
        }
        if (reason == BasicReason.EXPIRED || reason == BasicReason.NOT_YET_VALID) {
            return new GatewayException(
                    purpose.expired,
                    "A certificate in the " + purpose.noun + " path is not valid " + when + " (" + reason + ").",
                    e);
        }
        // NO_TRUST_ANCHOR, INVALID_SIGNATURE, UNDETERMINED_REVOCATION_STATUS (no current CRL), CA constraints, ...
        return new GatewayException(
                purpose.untrusted,
                "The " + purpose.noun + " does not validate against the gateway's trust anchors " + when + " (" + reason
                        + ").",
                e);
    }
}
