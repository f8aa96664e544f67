package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class OrganisationIdsTest {
    private static final KeyPair KEYS = ecKeys();

    @Test
    void readsTheOneInterchangeUriAmongOtherNames() throws Exception {
        X509Certificate cert = certificate(
                new GeneralName(GeneralName.dNSName, "school.example"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "https://school.example/"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:interchange:school:100001"));
        assertThat(OrganisationIds.fromCertificate(cert)).contains("urn:interchange:school:100001");
    }

    @Test
    void namesNoOrganisationWhenThereIsNoneOrMoreThanOne() throws Exception {
        assertThat(OrganisationIds.fromCertificate(certificate())).isEmpty();
        assertThat(OrganisationIds.fromCertificate(
                        certificate(new GeneralName(GeneralName.dNSName, "urn:interchange:school:100001"))))
                .isEmpty();
        assertThat(OrganisationIds.fromCertificate(certificate(
                        new GeneralName(GeneralName.uniformResourceIdentifier, "urn:interchange:school:100001"),
                        new GeneralName(GeneralName.uniformResourceIdentifier, "urn:interchange:school:100002"))))
                .isEmpty();
        assertThat(OrganisationIds.fromCertificate(
                        certificate(new GeneralName(GeneralName.uniformResourceIdentifier, "urn:interchange:school"))))
                .isEmpty();
    }

    @Test
    void committedGatewayCertificatesNameTheGateway() {
        assertThat(OrganisationIds.fromCertificate(Pem.readCertificate(Path.of("certs-dev/gateway-tls.crt.pem"))))
                .contains("urn:interchange:gateway:national");
        assertThat(OrganisationIds.fromCertificate(Pem.readCertificate(Path.of("certs-dev/root-ca.crt.pem"))))
                .isEmpty();
    }

    @Test
    void splitsWellFormedIds() {
        assertThat(OrganisationIds.isValid("urn:interchange:health:RHM")).isTrue();
        assertThat(OrganisationIds.isValid("urn:interchange:school:")).isFalse();
        assertThat(OrganisationIds.isValid("urn:other:school:100001")).isFalse();
        assertThat(OrganisationIds.kind("urn:interchange:police:dorset")).contains("police");
        assertThat(OrganisationIds.value("urn:interchange:police:dorset")).contains("dorset");
        assertThat(OrganisationIds.kind("nonsense")).isEmpty();
        assertThat(OrganisationIds.value(null)).isEmpty();
    }

    @Test
    void pemRoundTripsCertificatesKeysAndRejectsWrongContent() throws Exception {
        X509Certificate cert = certificate();
        String pem = Pem.encode(cert, KEYS.getPrivate());
        assertThat(pem).contains("-----BEGIN CERTIFICATE-----").contains("-----BEGIN PRIVATE KEY-----");
        assertThat(Pem.parseCertificates(pem, "test")).containsExactly(cert);
        assertThat(Pem.parsePrivateKey(pem, "test").getEncoded())
                .isEqualTo(KEYS.getPrivate().getEncoded());
        assertThatThrownBy(() -> Pem.parseCertificates(Pem.encode(KEYS.getPrivate()), "key-only"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No certificate in key-only");
        assertThatThrownBy(() -> Pem.parsePrivateKey(Pem.encode(cert), "cert-only"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cert-only");
        assertThatThrownBy(() -> Pem.parseCrl(pem, "no-crl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No CRL in no-crl");
    }

    private static X509Certificate certificate(GeneralName... names) throws Exception {
        X500Name subject = new X500Name("CN=test, OU=DEV ONLY - NOT FOR PRODUCTION");
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject, BigInteger.TWO, Date.from(now), Date.from(now.plusSeconds(3600)), subject, KEYS.getPublic());
        if (names.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEYS.getPrivate())));
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
