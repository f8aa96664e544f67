package uk.safeguarding.interchange.trust.devpki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.interchange.trust.OrganisationIds;
import uk.safeguarding.interchange.trust.Pem;

class DevPkiGeneratorTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");
    private static final Path COMMITTED = Path.of("certs-dev");
    private static final int KEY_USAGE_DIGITAL_SIGNATURE = 0;
    private static final int KEY_USAGE_KEY_ENCIPHERMENT = 2;
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() {
        new DevPkiGenerator(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom()).generate(dir);
    }

    static final List<String> GOOD_LEAVES = List.of(
            "gateway-tls",
            "gateway-signing",
            "acme-safeguard",
            "school-100001",
            "school-100002",
            "la-850",
            "mash-850",
            "la-839",
            "police-hampshire",
            "police-dorset",
            "dev-auditor");

    @Test
    void goodCertificatesValidateAgainstTheRootWithRevocationChecking() throws Exception {
        for (String name : GOOD_LEAVES) {
            assertThat(validate(dir, name, NOW)).as(name).isNull();
        }
        assertThat(validate(dir, "no-digital-signature", NOW))
                .as("key usage is not PKIX's concern")
                .isNull();
    }

    @Test
    void revokedCertificateFailsPkixAsRevoked() throws Exception {
        assertThat(validate(dir, "revoked", NOW).getReason()).isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
        assertThat(Pem.readCrl(dir.resolve("issuing-ca.crl.pem"))
                        .isRevoked(Pem.readCertificate(dir.resolve("revoked.crt.pem"))))
                .isTrue();
        assertThat(Pem.readCrl(dir.resolve("root-ca.crl.pem")).getRevokedCertificates())
                .isNull();
    }

    @Test
    void expiredCertificateFailsPkixAsExpiredAndWasNeverValidAfterGeneration() throws Exception {
        assertThat(validate(dir, "expired", NOW).getReason()).isEqualTo(CertPathValidatorException.BasicReason.EXPIRED);
        assertThat(Pem.readCertificate(dir.resolve("expired.crt.pem")).getNotAfter())
                .isBefore(Date.from(NOW));
    }

    @Test
    void untrustedCertificateHasNoTrustAnchor() throws Exception {
        assertThat(validate(dir, "untrusted", NOW).getReason()).isEqualTo(PKIXReason.NO_TRUST_ANCHOR);
        X509Certificate untrustedRoot = Pem.readCertificate(dir.resolve("untrusted-root-ca.crt.pem"));
        assertThat(untrustedRoot.getSubjectX500Principal().getName()).contains("CN=Untrusted Dev Root CA");
        assertThat(Pem.readCertificate(dir.resolve("untrusted.crt.pem")).getIssuerX500Principal())
                .isEqualTo(untrustedRoot.getSubjectX500Principal());
    }

    @Test
    void caCertificatesHaveTheRightConstraintsAndLifetimes() {
        X509Certificate root = Pem.readCertificate(dir.resolve("root-ca.crt.pem"));
        X509Certificate issuing = Pem.readCertificate(dir.resolve("issuing-ca.crt.pem"));
        assertThat(root.getSubjectX500Principal().getName()).contains("CN=Interchange Dev Root CA");
        assertThat(issuing.getSubjectX500Principal().getName()).contains("CN=Interchange Dev Issuing CA");
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(issuing.getBasicConstraints()).isZero();
        assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(issuing.getNotAfter()).isBefore(root.getNotAfter());
    }

    @Test
    void organisationCertificatesCarryTheOrganisationIdAndAreForClientAuthAndSigning() throws Exception {
        for (DevPkiGenerator.DevOrganisation org : DevPkiGenerator.ORGANISATIONS) {
            X509Certificate cert = Pem.readCertificate(dir.resolve(org.fileName() + ".crt.pem"));
            assertThat(OrganisationIds.fromCertificate(cert)).as(org.fileName()).contains(org.organisationId());
            assertThat(cert.getSubjectX500Principal().getName())
                    .contains("O=" + org.name().replace(",", "\\,"))
                    .contains("CN=");
            assertThat(cert.getKeyUsage()[KEY_USAGE_DIGITAL_SIGNATURE]).isTrue();
            assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.15");
            assertThat(cert.getExtendedKeyUsage()).contains(CLIENT_AUTH);
            assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(825)));
            assertThat(cert.getPublicKey()).isInstanceOf(org.ecKey() ? ECPublicKey.class : RSAPublicKey.class);
            if (cert.getPublicKey() instanceof RSAPublicKey rsa) {
                assertThat(rsa.getModulus().bitLength()).isEqualTo(2048);
            }
        }
        assertThat(Pem.readCertificate(dir.resolve("police-dorset.crt.pem"))
                        .getPublicKey()
                        .getAlgorithm())
                .isEqualTo("EC");
    }

    @Test
    void gatewayCertificatesServeTlsOnLoopbackAndSignAsTheGateway() throws Exception {
        X509Certificate tls = Pem.readCertificate(dir.resolve("gateway-tls.crt.pem"));
        assertThat(tls.getSubjectX500Principal().getName()).contains("CN=localhost");
        assertThat(tls.getExtendedKeyUsage()).contains(SERVER_AUTH);
        assertThat(tls.getSubjectAlternativeNames())
                .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        X509Certificate signing = Pem.readCertificate(dir.resolve("gateway-signing.crt.pem"));
        assertThat(OrganisationIds.fromCertificate(signing)).contains("urn:interchange:gateway:national");
        assertThat(signing.getKeyUsage()[KEY_USAGE_DIGITAL_SIGNATURE]).isTrue();
        assertThat(signing.getExtendedKeyUsage()).contains(CLIENT_AUTH);
        assertThat(signing.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) signing.getPublicKey()).getParams().getOrder().bitLength())
                .as("P-256")
                .isEqualTo(256);
        assertThat(tls.getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(Pem.readCertificate(COMMITTED.resolve("gateway-signing.crt.pem"))
                        .getPublicKey())
                .as("committed")
                .isInstanceOf(ECPublicKey.class);
    }

    @Test
    void reissueReplacesOnlyThatCertificateFromTheSameIssuerAndPeriod(@TempDir Path copy) throws Exception {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        X509Certificate before = Pem.readCertificate(copy.resolve("gateway-signing.crt.pem"));
        byte[] schoolBefore = Files.readAllBytes(copy.resolve("school-100001.p12"));

        new DevPkiGenerator(Clock.fixed(NOW.plus(Duration.ofDays(3)), ZoneOffset.UTC), new SecureRandom())
                .reissue(copy, "gateway-signing");

        X509Certificate after = Pem.readCertificate(copy.resolve("gateway-signing.crt.pem"));
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.getPublicKey()).isNotEqualTo(before.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(after.getNotBefore()).isEqualTo(before.getNotBefore());
        assertThat(after.getNotAfter()).isEqualTo(before.getNotAfter());
        assertThat(after.getSubjectX500Principal()).isEqualTo(before.getSubjectX500Principal());
        assertThat(OrganisationIds.fromCertificate(after)).contains("urn:interchange:gateway:national");
        assertThat(validate(copy, "gateway-signing", NOW)).isNull();
        assertThat(Files.readAllBytes(copy.resolve("school-100001.p12"))).isEqualTo(schoolBefore);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(copy.resolve("gateway-signing.p12"))) {
            store.load(in, DevPkiGenerator.PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("gateway-signing", DevPkiGenerator.PASSWORD.toCharArray());
        assertThat(key.getEncoded())
                .isEqualTo(Pem.readPrivateKey(copy.resolve("gateway-signing.key.pem"))
                        .getEncoded());
        assertThat(signAndVerify(key, after)).isTrue();
        assertThat(signAndVerify(key, before)).isFalse();

        assertThatThrownBy(() -> new DevPkiGenerator(Clock.systemUTC(), new SecureRandom()).reissue(copy, "revoked"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("revoked");
    }

    @Test
    void negativeCertificatesImpersonateSchool100001() {
        for (String name : List.of("expired", "revoked", "untrusted", "no-digital-signature")) {
            X509Certificate cert = Pem.readCertificate(dir.resolve(name + ".crt.pem"));
            assertThat(OrganisationIds.fromCertificate(cert)).as(name).contains("urn:interchange:school:100001");
        }
        X509Certificate noSignature = Pem.readCertificate(dir.resolve("no-digital-signature.crt.pem"));
        assertThat(noSignature.getKeyUsage()[KEY_USAGE_DIGITAL_SIGNATURE]).isFalse();
        assertThat(noSignature.getKeyUsage()[KEY_USAGE_KEY_ENCIPHERMENT]).isTrue();
    }

    @Test
    void everyCertificateIsMarkedDevOnly() throws Exception {
        try (var files = Files.list(dir)) {
            List<Path> certs =
                    files.filter(p -> p.toString().endsWith(".crt.pem")).toList();
            assertThat(certs).hasSize(18);
            for (Path file : certs) {
                X509Certificate cert = Pem.readCertificate(file);
                assertThat(cert.getSubjectX500Principal().getName())
                        .as(file.toString())
                        .contains("DEV ONLY");
                assertThat(cert.getIssuerX500Principal().getName())
                        .as(file.toString())
                        .contains("DEV ONLY");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"school-100001", "police-dorset", "gateway-tls", "revoked"})
    void keyStoreHoldsTheKeyAndChainAndMatchesThePemFiles(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            store.load(in, DevPkiGenerator.PASSWORD.toCharArray());
        }
        assertThat(store.isKeyEntry(name)).isTrue();
        PrivateKey key = (PrivateKey) store.getKey(name, DevPkiGenerator.PASSWORD.toCharArray());
        assertThat(key.getEncoded())
                .isEqualTo(Pem.readPrivateKey(dir.resolve(name + ".key.pem")).getEncoded());
        assertThat(List.of(store.getCertificateChain(name)))
                .containsExactlyElementsOf(Pem.readCertificates(dir.resolve(name + ".chain.pem")));
        X509Certificate cert = (X509Certificate) store.getCertificate(name);
        assertThat(signAndVerify(key, cert)).isTrue();
    }

    @Test
    void trustStoreHoldsOnlyTheRoot() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("truststore.p12"))) {
            store.load(in, DevPkiGenerator.PASSWORD.toCharArray());
        }
        assertThat(store.size()).isEqualTo(1);
        String alias = store.aliases().nextElement();
        assertThat(store.isCertificateEntry(alias)).isTrue();
        assertThat(store.getCertificate(alias)).isEqualTo(Pem.readCertificate(dir.resolve("root-ca.crt.pem")));
    }

    @Test
    void keyStoreWithWrongPasswordIsRejected() {
        assertThatThrownBy(() -> {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    try (InputStream in = Files.newInputStream(dir.resolve("school-100001.p12"))) {
                        store.load(in, "wrong".toCharArray());
                    }
                })
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void committedDevPkiIsConsistent() throws Exception {
        X509CRL issuingCrl = Pem.readCrl(COMMITTED.resolve("issuing-ca.crl.pem"));
        // Validate at the committed generation time (the CRL is issued an hour before it) so that this
        // checks consistency, not the calendar.
        Instant generated = issuingCrl.getThisUpdate().toInstant().plus(Duration.ofHours(1));
        for (String name : GOOD_LEAVES) {
            assertThat(validate(COMMITTED, name, generated)).as(name).isNull();
            assertThat(Files.exists(COMMITTED.resolve(name + ".p12"))).as(name).isTrue();
            assertThat(signAndVerify(
                            Pem.readPrivateKey(COMMITTED.resolve(name + ".key.pem")),
                            Pem.readCertificate(COMMITTED.resolve(name + ".crt.pem"))))
                    .as(name + " key matches certificate")
                    .isTrue();
        }
        assertThat(issuingCrl.isRevoked(Pem.readCertificate(COMMITTED.resolve("revoked.crt.pem"))))
                .isTrue();
        assertThat(validate(COMMITTED, "revoked", generated).getReason())
                .isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
        assertThat(validate(COMMITTED, "expired", generated).getReason())
                .isEqualTo(CertPathValidatorException.BasicReason.EXPIRED);
        assertThat(validate(COMMITTED, "untrusted", generated).getReason()).isEqualTo(PKIXReason.NO_TRUST_ANCHOR);
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(COMMITTED.resolve("truststore.p12"))) {
            trustStore.load(in, DevPkiGenerator.PASSWORD.toCharArray());
        }
        assertThat(trustStore.getCertificate(trustStore.aliases().nextElement()))
                .isEqualTo(Pem.readCertificate(COMMITTED.resolve("root-ca.crt.pem")));
    }

    /** PKIX validation of NAME.chain.pem against root-ca with both CRLs; null when valid. */
    private static CertPathValidatorException validate(Path directory, String name, Instant at) throws Exception {
        X509Certificate root = Pem.readCertificate(directory.resolve("root-ca.crt.pem"));
        List<X509Certificate> chain = Pem.readCertificates(directory.resolve(name + ".chain.pem"));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(true);
        parameters.setDate(Date.from(at));
        parameters.addCertStore(CertStore.getInstance(
                "Collection",
                new CollectionCertStoreParameters(List.of(
                        Pem.readCrl(directory.resolve("root-ca.crl.pem")),
                        Pem.readCrl(directory.resolve("issuing-ca.crl.pem"))))));
        try {
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return e;
        }
    }

    private static boolean signAndVerify(PrivateKey key, X509Certificate cert) throws Exception {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] data = "dev".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(cert);
        verifier.update(data);
        return verifier.verify(signature);
    }
}
