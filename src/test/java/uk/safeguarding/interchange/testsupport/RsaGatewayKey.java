package uk.safeguarding.interchange.testsupport;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import uk.safeguarding.interchange.trust.Pem;

/**
 * An RSA-2048 gateway signing key, as a production operator may still supply one: a certificate for {@code
 * urn:interchange:gateway:national} like {@code certs-dev/gateway-signing} (digitalSignature, clientAuth, document
 * signing) but with an RSA key, issued by the committed dev issuing CA and valid for a day around now, so the dev trust
 * anchors and CRLs accept it.
 */
public final class RsaGatewayKey {
    /** The alias of the key entry in the written key store. */
    public static final String ALIAS = "gateway-signing-rsa";

    private RsaGatewayKey() {}

    /** Writes {@code dir/gateway-signing-rsa.p12} (password {@link DevCerts#PASSWORD}) and returns its path. */
    public static Path p12(Path dir) throws Exception {
        X509Certificate issuer = Pem.readCertificate(DevCerts.DIR.resolve("issuing-ca.crt.pem"));
        PrivateKey issuerKey = Pem.readPrivateKey(DevCerts.DIR.resolve("issuing-ca.key.pem"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, new SecureRandom()).setBit(127),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("C=GB,O=Safeguarding Interchange Gateway,OU=DEV ONLY - NOT FOR PRODUCTION,"
                        + "CN=Safeguarding Interchange Gateway RSA message signing (test)"),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
            KeyPurposeId.id_kp_clientAuth, KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36"))
        }));
        builder.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, "urn:interchange:gateway:national")));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                ALIAS, keys.getPrivate(), DevCerts.PASSWORD.toCharArray(), new Certificate[] {certificate, issuer});
        Path file = dir.resolve(ALIAS + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, DevCerts.PASSWORD.toCharArray());
        }
        return file;
    }
}
