package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An in-memory test PKI with the shapes of certs-dev/: a root, an issuing CA, RSA and EC P-256 signers, an expired,
 * a revoked and a no-digitalSignature signer, CRLs for both CAs, and a second (untrusted) root with its own CA and
 * signer. Everything is valid around {@link #now}; tests use {@link #clock()}.
 */
final class TestPki {
    /** One shared PKI per JVM: key generation is the slow part, and the PKI is immutable. */
    static final TestPki DEFAULT = new TestPki(Instant.parse("2026-03-01T12:00:00Z"), Duration.ofDays(365));

    static final String RSA_ORG = "urn:interchange:system:acme-safeguard";
    static final String EC_ORG = "urn:interchange:police:dorset";

    record Issued(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain) {}

    final Instant now;
    final Issued root;
    final Issued issuingCa;
    final Issued rsaSigner;
    final Issued ecSigner;
    final Issued rsa1024Signer;
    final Issued expiredSigner;
    final Issued revokedSigner;
    final Issued noDigitalSignature;
    final Issued untrustedRoot;
    final Issued untrustedCa;
    final Issued untrustedSigner;
    final X509CRL rootCrl;
    final X509CRL issuingCaCrl;

    private final AtomicLong serials = new AtomicLong(1000);

    TestPki(Instant now, Duration leafLifetime) {
        this.now = now;
        try {
            Instant caFrom = now.minus(Duration.ofDays(30));
            Instant caTo = now.plus(Duration.ofDays(3650));
            Instant leafFrom = now.minus(Duration.ofDays(1));
            Instant leafTo = now.plus(leafLifetime);
            root = ca("Interchange Test Root CA", null, caFrom, caTo);
            issuingCa = ca("Interchange Test Issuing CA", root, caFrom, caTo);
            rsaSigner = leaf("Acme Safeguard", RSA_ORG, rsa(2048), issuingCa, leafFrom, leafTo, true);
            ecSigner = leaf("Dorset Police", EC_ORG, ec(), issuingCa, leafFrom, leafTo, true);
            rsa1024Signer = leaf("Weak Key Ltd", RSA_ORG, rsa(1024), issuingCa, leafFrom, leafTo, true);
            expiredSigner = leaf(
                    "Expired Org",
                    RSA_ORG,
                    rsa(2048),
                    issuingCa,
                    now.minus(Duration.ofDays(400)),
                    now.minus(Duration.ofDays(10)),
                    true);
            revokedSigner = leaf("Revoked Org", RSA_ORG, rsa(2048), issuingCa, leafFrom, leafTo, true);
            noDigitalSignature = leaf("No KU Org", RSA_ORG, rsa(2048), issuingCa, leafFrom, leafTo, false);
            untrustedRoot = ca("Interchange Test Root CA", null, caFrom, caTo);
            untrustedCa = ca("Interchange Test Issuing CA", untrustedRoot, caFrom, caTo);
            untrustedSigner = leaf("Impostor", RSA_ORG, rsa(2048), untrustedCa, leafFrom, leafTo, true);
            rootCrl = crl(root, List.of());
            issuingCaCrl = crl(issuingCa, List.of(revokedSigner.certificate()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("Cannot build the test PKI", e);
        }
    }

    Clock clock() {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    CrlStore crls() {
        return CrlStore.of(List.of(rootCrl, issuingCaCrl));
    }

    CertificateValidator validator() {
        return new CertificateValidator(List.of(root.certificate()), crls(), clock());
    }

    private Issued ca(String name, Issued issuer, Instant from, Instant to)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPair keys = rsa(2048);
        X500Name subject = new X500Name("CN=" + name + ",O=Safeguarding Interchange (test)");
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer == null
                        ? subject
                        : X500Name.getInstance(
                                issuer.certificate().getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(serials.incrementAndGet()),
                Date.from(from),
                Date.from(to),
                subject,
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer == null ? 1 : 0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.key();
        if (issuer != null) {
            builder.addExtension(
                    Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer.certificate()));
        }
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signingKey)));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        if (issuer != null) {
            chain.addAll(issuer.chain());
        }
        return new Issued(keys.getPrivate(), certificate, List.copyOf(chain));
    }

    private Issued leaf(
            String organisation,
            String orgId,
            KeyPair keys,
            Issued issuer,
            Instant from,
            Instant to,
            boolean digitalSignature)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer.certificate(),
                BigInteger.valueOf(serials.incrementAndGet()),
                Date.from(from),
                Date.from(to),
                new X500Name("CN=" + organisation + " signing,O=" + organisation),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(digitalSignature ? KeyUsage.digitalSignature : KeyUsage.keyEncipherment));
        builder.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, orgId)));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        builder.addExtension(
                Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer.certificate()));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuer.key())));
        // x5c order: signer then intermediates; the root is not sent.
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuer.chain().subList(0, issuer.chain().size() - 1));
        return new Issued(keys.getPrivate(), certificate, List.copyOf(chain));
    }

    private X509CRL crl(Issued ca, List<X509Certificate> revoked)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofDays(1))));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(
                    certificate.getSerialNumber(), Date.from(now.minus(Duration.ofHours(12))), CRLReason.keyCompromise);
        }
        builder.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
        builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
        return new JcaX509CRLConverter()
                .getCRL(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** PEM text of DER bytes. */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
