package uk.safeguarding.interchange.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import uk.safeguarding.interchange.config.StartupException;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Decides whether a TLS client certificate chain authenticates an interchange organisation: full PKIX path
 * validation against the configured trust anchors (never a root the client sent), validity now, revocation of
 * the end-entity certificate by the configured CRLs, and an organisation id as SAN URI.
 *
 * <p>Outcomes: {@code AUTH-001} no certificate, {@code AUTH-002} no path to a trust anchor (or revocation
 * status undeterminable), {@code AUTH-003} expired, not yet valid or revoked, {@code AUTH-004} no
 * {@code urn:interchange:} SAN URI. Immutable and thread-safe; CRLs are read once at construction.
 */
public final class ClientCertificateValidator {
    /** Extended key usage id-kp-clientAuth. */
    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";

    private static final String ORG_ID_PREFIX = "urn:interchange:";
    private static final int SAN_URI = 6;

    private final Set<TrustAnchor> anchors;
    private final List<X509CRL> crls;
    private final Clock clock;

    public ClientCertificateValidator(Collection<X509Certificate> trustAnchors, List<X509CRL> crls, Clock clock) {
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("at least one trust anchor is required");
        }
        Set<TrustAnchor> set = new HashSet<>();
        trustAnchors.forEach(c -> set.add(new TrustAnchor(c, null)));
        this.anchors = Collections.unmodifiableSet(set);
        this.crls = List.copyOf(crls);
        this.clock = clock;
    }

    /** Reads the trust anchors (PKCS#12, or PEM for a {@code .pem}/{@code .crt} file) and the CRL files. */
    public static ClientCertificateValidator fromFiles(
            Path truststore, char[] password, List<Path> crlFiles, Clock clock) {
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : crlFiles) {
            crls.addAll(readCrls(file));
        }
        return new ClientCertificateValidator(readTrustAnchors(truststore, password), crls, clock);
    }

    /** True when revocation is checked (at least one CRL configured). */
    public boolean checksRevocation() {
        return !crls.isEmpty();
    }

    /**
     * Validates the chain the client presented (end-entity first) and returns the authenticated client.
     *
     * @throws GatewayException with an {@code AUTH-*} code when the chain does not authenticate
     */
    public AuthenticatedClient validate(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            throw new GatewayException(ErrorCode.AUTH_NO_CLIENT_CERT, "No TLS client certificate was presented");
        }
        X509Certificate leaf = chain[0];
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new GatewayException(ErrorCode.AUTH_CLIENT_CERT_INVALID, "The TLS client certificate has expired");
        } catch (CertificateNotYetValidException e) {
            throw new GatewayException(
                    ErrorCode.AUTH_CLIENT_CERT_INVALID, "The TLS client certificate is not yet valid");
        }
        CertPath path = buildPath(leaf, chain, now);
        if (!crls.isEmpty()) {
            checkRevocation(path, now);
        }
        checkClientAuthUsage(leaf);
        String orgId = organisationId(leaf)
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.AUTH_UNKNOWN_SYSTEM,
                        "The TLS client certificate carries no " + ORG_ID_PREFIX + " organisation id (SAN URI)"));
        return new AuthenticatedClient(orgId, leaf);
    }

    private CertPath buildPath(X509Certificate leaf, X509Certificate[] chain, Date now) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setDate(now);
            params.setRevocationEnabled(false);
            // The client's intermediates help build the path; a root it sends is never an anchor.
            params.addCertStore(
                    CertStore.getInstance("Collection", new CollectionCertStoreParameters(Arrays.asList(chain))));
            return ((PKIXCertPathBuilderResult)
                            CertPathBuilder.getInstance("PKIX").build(params))
                    .getCertPath();
        } catch (CertPathBuilderException e) {
            throw new GatewayException(
                    ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED,
                    "The TLS client certificate does not chain to the interchange's trust anchors");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX is unavailable in this JVM", e);
        }
    }

    private void checkRevocation(CertPath path, Date now) {
        try {
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters params = new PKIXParameters(anchors);
            params.setDate(now);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
            // CRLs only, from the configured files: no OCSP or CRL download at request time.
            checker.setOptions(EnumSet.of(
                    PKIXRevocationChecker.Option.PREFER_CRLS,
                    PKIXRevocationChecker.Option.NO_FALLBACK,
                    PKIXRevocationChecker.Option.ONLY_END_ENTITY));
            params.addCertPathChecker(checker);
            params.setRevocationEnabled(true);
            validator.validate(path, params);
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                throw new GatewayException(
                        ErrorCode.AUTH_CLIENT_CERT_INVALID, "The TLS client certificate has been revoked");
            }
            throw new GatewayException(
                    ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED,
                    "The TLS client certificate's revocation status cannot be established ("
                            + String.valueOf(e.getReason()).toLowerCase(Locale.ROOT) + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX is unavailable in this JVM", e);
        }
    }

    private static void checkClientAuthUsage(X509Certificate leaf) {
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH_EKU) && !eku.contains("2.5.29.37.0")) {
                throw new GatewayException(
                        ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED,
                        "The TLS client certificate's extended key usage does not allow client authentication");
            }
        } catch (CertificateParsingException e) {
            throw new GatewayException(
                    ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED, "The TLS client certificate's extensions cannot be parsed");
        }
    }

    /** The first SAN URI that is an interchange organisation id, if any. */
    static Optional<String> organisationId(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            return names.stream()
                    .filter(n -> n.size() == 2 && Integer.valueOf(SAN_URI).equals(n.get(0)))
                    .map(n -> String.valueOf(n.get(1)))
                    .filter(uri -> uri.startsWith(ORG_ID_PREFIX))
                    .findFirst();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }

    static List<X509Certificate> readTrustAnchors(Path file, char[] password) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".pem") || name.endsWith(".crt")) {
                try (InputStream in = Files.newInputStream(file)) {
                    List<X509Certificate> certs = new ArrayList<>();
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        certs.add((X509Certificate) c);
                    }
                    return requireSome(certs, file);
                }
            }
            List<X509Certificate> certs = trustedCertificates(KeyStore.getInstance("PKCS12"), file, password);
            if (certs.isEmpty()) {
                // The JDK ignores PKCS#12 certificate bags without its own "trusted" attribute; Bouncy Castle
                // reads every certificate, which is what a truststore written by other tools holds.
                certs = trustedCertificates(KeyStore.getInstance("PKCS12", new BouncyCastleProvider()), file, password);
            }
            return requireSome(certs, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException(
                    "Cannot read the truststore " + file + " (wrong password or not PKCS#12?): " + e.getMessage());
        }
    }

    private static List<X509Certificate> trustedCertificates(KeyStore ks, Path file, char[] password)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isCertificateEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
                certs.add(c);
            }
        }
        return certs;
    }

    private static List<X509Certificate> requireSome(List<X509Certificate> certs, Path file) {
        if (certs.isEmpty()) {
            throw new StartupException("The truststore " + file + " holds no trusted certificates");
        }
        return certs;
    }

    static List<X509CRL> readCrls(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509CRL> out = new ArrayList<>();
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                out.add((X509CRL) crl);
            }
            if (out.isEmpty()) {
                throw new StartupException("The CRL file " + file + " holds no CRL");
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("Cannot read the CRL file " + file + ": " + e.getMessage());
        }
    }
}
