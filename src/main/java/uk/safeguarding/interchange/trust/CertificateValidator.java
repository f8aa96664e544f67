package uk.safeguarding.interchange.trust;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
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
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * AUTH_CLIENT_CERT_UNTRUSTED / AUTH_CLIENT_CERT_INVALID.
 *
 * <p>Successful validations are remembered per (purpose, exact chain offered) until the earliest moment the answer
 * could change: the first {@code notAfter} in the path or of its anchor, or the first {@code nextUpdate} of the CRLs
 * (after which PKIX fails closed for want of a current CRL). The CRLs are fixed for the life of a validator, so a
 * remembered answer is the one a full validation would give; failures are never remembered, and a signing time
 * outside the remembered path's validity goes through full validation (for its precise error). Thread-safe.
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
    private final Instant crlsFrom;
    private final Instant crlsUntil;
    private final ConcurrentHashMap<CacheKey, Remembered> remembered = new ConcurrentHashMap<>();

    private static final int REMEMBER_AT_MOST = 4096;

    /** The purpose and the SHA-256 of the offered chain's encodings, in order. */
    private record CacheKey(Purpose purpose, String chainDigest) {}

    /** A successful validation and the interval of "now" in which it stays the answer. */
    private record Remembered(ValidatedCertificate result, Instant from, Instant until) {}

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
        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        for (X509CRL crl : crls.crls()) {
            from = later(from, crl.getThisUpdate().toInstant());
            if (crl.getNextUpdate() != null) {
                until = earlier(until, crl.getNextUpdate().toInstant());
            }
        }
        this.crlsFrom = from;
        this.crlsUntil = until;
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
        Instant now = clock.instant();
        CacheKey key = cacheKey(chain, purpose);
        Remembered hit = key == null ? null : remembered.get(key);
        if (hit != null
                && !now.isBefore(hit.from())
                && now.isBefore(hit.until())
                && (signingTime == null || validThroughout(hit.result().path(), signingTime))) {
            return hit.result();
        }
        ValidatedCertificate result = validateFully(chain, signingTime, purpose, now);
        if (key != null) {
            if (remembered.size() >= REMEMBER_AT_MOST) {
                remembered.clear(); // Crude but bounded; real deployments have a few hundred systems.
            }
            Instant from = crlsFrom;
            Instant until =
                    earlier(crlsUntil, result.trustAnchor().getNotAfter().toInstant());
            for (X509Certificate certificate : result.path()) {
                from = later(from, certificate.getNotBefore().toInstant());
                until = earlier(until, certificate.getNotAfter().toInstant());
            }
            remembered.put(key, new Remembered(result, from, until));
        }
        return result;
    }

    private static boolean validThroughout(List<X509Certificate> path, Instant at) {
        for (X509Certificate certificate : path) {
            if (at.isBefore(certificate.getNotBefore().toInstant())
                    || at.isAfter(certificate.getNotAfter().toInstant())) {
                return false;
            }
        }
        return true;
    }

    private static CacheKey cacheKey(List<X509Certificate> chain, Purpose purpose) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (X509Certificate certificate : chain) {
                byte[] encoded = certificate.getEncoded();
                sha256.update(ByteBuffer.allocate(4).putInt(encoded.length).array());
                sha256.update(encoded);
            }
            return new CacheKey(purpose, HexFormat.of().formatHex(sha256.digest()));
        } catch (GeneralSecurityException e) {
            return null; // Not remembered; full validation reports what is wrong with it.
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private ValidatedCertificate validateFully(
            List<X509Certificate> chain, Instant signingTime, Purpose purpose, Instant now) {
        X509Certificate leaf = chain.get(0);
        List<X509Certificate> path = buildPath(leaf, chain.subList(1, chain.size()));
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
