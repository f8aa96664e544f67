package uk.safeguarding.interchange.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for tests, written to a directory as the dev PKI lays it out: root and issuing CA, the
 * gateway's TLS certificate, a trusted school, an untrusted (other root), an expired and a revoked client, a
 * client without an organisation id, the truststore and the issuing CA's CRL. Passwords are {@value #PASSWORD}.
 */
public final class TestPki {
    public static final String PASSWORD = "dev-only";
    public static final String SCHOOL_ORG_ID = "urn:interchange:school:100001";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path dir;
    public final Path gatewayTls;
    public final Path truststore;
    public final Path crl;
    /** A CRL of the issuing CA whose nextUpdate has passed: it establishes nothing. */
    public final Path staleCrl;

    public final Path school;
    public final Path untrusted;
    public final Path expired;
    public final Path revoked;
    public final Path noOrgId;
    public final X509Certificate rootCert;
    public final X509Certificate issuingCert;

    private TestPki(Path dir, Instant now) throws GeneralSecurityException, IOException, OperatorCreationException {
        this.dir = dir;
        Instant from = now.minus(Duration.ofDays(1));
        Instant to = now.plus(Duration.ofDays(365));

        KeyPair rootKey = ecKey();
        rootCert = ca(new X500Name("CN=Test Root CA,O=Interchange Test"), rootKey, null, null, from, to);
        KeyPair issuingKey = ecKey();
        issuingCert = ca(
                new X500Name("CN=Test Issuing CA,O=Interchange Test"),
                issuingKey,
                rootCert,
                rootKey.getPrivate(),
                from,
                to);

        KeyPair gwKey = ecKey();
        X509Certificate gw = leaf(
                "CN=localhost,O=Safeguarding Interchange Gateway",
                gwKey,
                issuingCert,
                issuingKey.getPrivate(),
                from,
                to,
                "urn:interchange:gateway:national",
                true);
        gatewayTls = writeP12("gateway-tls.p12", gwKey.getPrivate(), gw, issuingCert, rootCert);

        KeyPair schoolKey = ecKey();
        school = writeP12(
                "school-100001.p12",
                schoolKey.getPrivate(),
                leaf(
                        "CN=Harewood Primary School,O=Harewood Primary School",
                        schoolKey,
                        issuingCert,
                        issuingKey.getPrivate(),
                        from,
                        to,
                        SCHOOL_ORG_ID,
                        false),
                issuingCert);

        KeyPair otherRootKey = ecKey();
        X509Certificate otherRoot = ca(new X500Name("CN=Untrusted Root"), otherRootKey, null, null, from, to);
        KeyPair untrustedKey = ecKey();
        untrusted = writeP12(
                "untrusted.p12",
                untrustedKey.getPrivate(),
                leaf(
                        "CN=Untrusted",
                        untrustedKey,
                        otherRoot,
                        otherRootKey.getPrivate(),
                        from,
                        to,
                        "urn:interchange:school:100002",
                        false),
                otherRoot);

        KeyPair expiredKey = ecKey();
        expired = writeP12(
                "expired.p12",
                expiredKey.getPrivate(),
                leaf(
                        "CN=Expired",
                        expiredKey,
                        issuingCert,
                        issuingKey.getPrivate(),
                        now.minus(Duration.ofDays(30)),
                        now.minus(Duration.ofDays(2)),
                        SCHOOL_ORG_ID,
                        false),
                issuingCert);

        KeyPair revokedKey = ecKey();
        X509Certificate revokedCert =
                leaf("CN=Revoked", revokedKey, issuingCert, issuingKey.getPrivate(), from, to, SCHOOL_ORG_ID, false);
        revoked = writeP12("revoked.p12", revokedKey.getPrivate(), revokedCert, issuingCert);

        KeyPair noIdKey = ecKey();
        noOrgId = writeP12(
                "no-org-id.p12",
                noIdKey.getPrivate(),
                leaf("CN=No Id", noIdKey, issuingCert, issuingKey.getPrivate(), from, to, null, false),
                issuingCert);

        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("root-ca", rootCert);
        truststore = dir.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(truststore)) {
            ts.store(out, PASSWORD.toCharArray());
        }

        X509v2CRLBuilder crlBuilder = new X509v2CRLBuilder(
                X500Name.getInstance(issuingCert.getSubjectX500Principal().getEncoded()), Date.from(from));
        crlBuilder.setNextUpdate(Date.from(to));
        crlBuilder.addCRLEntry(revokedCert.getSerialNumber(), Date.from(from), CRLReason.keyCompromise);
        X509CRL x509Crl = new JcaX509CRLConverter().getCRL(crlBuilder.build(signer(issuingKey.getPrivate())));
        crl = dir.resolve("issuing-ca.crl.pem");
        Files.writeString(crl, pem("X509 CRL", x509Crl.getEncoded()), StandardCharsets.US_ASCII);
        X509v2CRLBuilder stale = new X509v2CRLBuilder(
                X500Name.getInstance(issuingCert.getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofDays(10))));
        stale.setNextUpdate(Date.from(now.minus(Duration.ofDays(1))));
        staleCrl = dir.resolve("stale.crl.pem");
        Files.writeString(
                staleCrl,
                pem(
                        "X509 CRL",
                        new JcaX509CRLConverter()
                                .getCRL(stale.build(signer(issuingKey.getPrivate())))
                                .getEncoded()),
                StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("root-ca.crt.pem"), pem("CERTIFICATE", rootCert.getEncoded()));
    }

    /** Generates the PKI into {@code dir} with validity around {@code now}. */
    public static TestPki create(Path dir, Instant now) {
        try {
            Files.createDirectories(dir);
            return new TestPki(dir, now);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTPS client trusting the test root, presenting {@code clientP12} (or no certificate when null). */
    public HttpClient httpClient(Path clientP12) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", rootCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientP12 != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(clientP12)) {
                    ks.load(in, PASSWORD.toCharArray());
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASSWORD.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            SSLParameters params = ctx.getDefaultSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3"});
            return HttpClient.newBuilder()
                    .sslContext(ctx)
                    .sslParameters(params)
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate chain (end-entity first) of a client PKCS#12 written by this PKI. */
    public static X509Certificate[] chainOf(Path p12) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(p12)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            var chain = ks.getCertificateChain(ks.aliases().nextElement());
            return List.of(chain).toArray(new X509Certificate[0]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static X509Certificate ca(
            X500Name subject, KeyPair key, X509Certificate issuer, PrivateKey issuerKey, Instant from, Instant to)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        X500Name issuerName = issuer == null
                ? subject
                : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuerName, serial(), Date.from(from), Date.from(to), subject, key.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer == null ? 1 : 0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key.getPublic()));
        if (issuer != null) {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(signer(issuer == null ? key.getPrivate() : issuerKey)));
    }

    private static X509Certificate leaf(
            String subject,
            KeyPair key,
            X509Certificate issuer,
            PrivateKey issuerKey,
            Instant from,
            Instant to,
            String orgId,
            boolean server)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                serial(),
                Date.from(from),
                Date.from(to),
                new X500Name(subject),
                key.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
        List<GeneralName> names = new java.util.ArrayList<>();
        if (server) {
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        }
        if (orgId != null) {
            names.add(new GeneralName(GeneralName.uniformResourceIdentifier, orgId));
        }
        if (!names.isEmpty()) {
            b.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
    }

    private Path writeP12(String name, PrivateKey key, X509Certificate... chain)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key, PASSWORD.toCharArray(), chain);
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
