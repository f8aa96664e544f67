package uk.safeguarding.interchange.trust.devpki;

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
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
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
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import uk.safeguarding.interchange.trust.Pem;

/**
 * Generates the development PKI (spec §7, §12) into a directory: a root and an issuing CA with their CRLs,
 * the gateway's TLS and signing certificates, one certificate per dev organisation of decision 0001, and
 * the negative-test certificates (expired, revoked, untrusted, no digitalSignature). File names are fixed;
 * keys are fresh on every run. certs-dev/README.md describes the output. Dev only: keys are unprotected.
 *
 * <p>Not thread-safe (holds a random source); create one per run.
 */
public final class DevPkiGenerator {
    /** Password of every PKCS#12 file written. */
    public static final String PASSWORD = "dev-only";
    /** Validity of end-entity certificates (and the CRLs' next update) from the generation time. */
    public static final Duration END_ENTITY_VALIDITY = Duration.ofDays(825);

    static final String DEV_ONLY_OU = "DEV ONLY - NOT FOR PRODUCTION";
    static final String SCHOOL_100001 = "urn:interchange:school:100001";
    static final String SCHOOL_100001_NAME = "Harewood Primary School (dev)";

    /** RFC 9336 id-kp-documentSigning: states that the key signs documents (messages), not just TLS. */
    static final KeyPurposeId DOCUMENT_SIGNING =
            KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.5.5.7.3.36"));
    /** Oracle's trusted-certificate attribute: without it the JDK ignores a key-less certificate in a PKCS#12. */
    private static final ASN1ObjectIdentifier ORACLE_TRUSTED_KEY_USAGE =
            new ASN1ObjectIdentifier("2.16.840.1.113894.746875.1.1");

    private static final Duration CA_BACKDATE = Duration.ofDays(730);
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final int PKCS12_ITERATIONS = 10_000;

    /** One dev organisation that gets a client/signing certificate (decision 0001). */
    record DevOrganisation(String fileName, String organisationId, String name, boolean ecKey) {}

    static final List<DevOrganisation> ORGANISATIONS = List.of(
            new DevOrganisation(
                    "acme-safeguard",
                    "urn:interchange:system:acme-safeguard",
                    "Acme Safeguard (dev vendor system)",
                    false),
            new DevOrganisation("school-100001", SCHOOL_100001, SCHOOL_100001_NAME, false),
            new DevOrganisation("school-100002", "urn:interchange:school:100002", "Cliffside Academy (dev)", false),
            new DevOrganisation(
                    "la-850", "urn:interchange:la:850", "Hampshire County Council Children's Services", false),
            new DevOrganisation("mash-850", "urn:interchange:mash:850", "Hampshire MASH", false),
            new DevOrganisation(
                    "la-839",
                    "urn:interchange:la:839",
                    "Bournemouth, Christchurch and Poole Children's Services",
                    false),
            new DevOrganisation(
                    "police-hampshire",
                    "urn:interchange:police:hampshire",
                    "Hampshire and Isle of Wight Constabulary",
                    false),
            new DevOrganisation("police-dorset", "urn:interchange:police:dorset", "Dorset Police", true),
            new DevOrganisation(
                    "dev-auditor", "urn:interchange:auditor:dev-auditor", "Interchange Audit (dev)", false));

    /** File name of the gateway's message-signing certificate (EC P-256). */
    public static final String GATEWAY_SIGNING = "gateway-signing";

    static final String GATEWAY_ID = "urn:interchange:gateway:national";
    static final String GATEWAY_NAME = "Safeguarding Interchange Gateway";
    static final String INTERCHANGE_NAME = "Safeguarding Interchange (dev)";

    private final Clock clock;
    private final SecureRandom random;
    private final BouncyCastleProvider bc = new BouncyCastleProvider();
    private final JcaX509ExtensionUtils extensions;

    public DevPkiGenerator(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
        try {
            this.extensions = new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 for key identifiers is unavailable", e);
        }
    }

    /**
     * {@code ./gateway dev-pki [directory]}: regenerates certs-dev/ (or the given directory); {@code ./gateway dev-pki
     * --reissue NAME [directory]} replaces only that certificate ({@link #reissue}).
     */
    public static void main(String[] args) {
        DevPkiGenerator generator = new DevPkiGenerator(Clock.systemUTC(), new SecureRandom());
        if (args.length > 0 && args[0].equals("--reissue")) {
            if (args.length < 2) {
                throw new IllegalArgumentException("--reissue needs a certificate name, e.g. " + GATEWAY_SIGNING);
            }
            Path directory = Path.of(args.length > 2 ? args[2] : "certs-dev");
            generator.reissue(directory, args[1]);
            System.out.println("Reissued " + args[1] + " in "
                    + directory.toAbsolutePath().normalize() + " (dev only; PKCS#12 password " + PASSWORD + ")");
            return;
        }
        Path directory = Path.of(args.length > 0 ? args[0] : "certs-dev");
        generator.generate(directory);
        System.out.println("Wrote the dev PKI to " + directory.toAbsolutePath().normalize()
                + " (dev only; PKCS#12 password " + PASSWORD + ")");
    }

    /** A certificate with its private key and chain (leaf first, trust anchor excluded). */
    public record Issued(String name, X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {}

    /** Everything generated: entities by file name, and the two CRLs. */
    public record DevPki(Map<String, Issued> entities, X509CRL rootCrl, X509CRL issuingCrl) {
        public Issued get(String name) {
            Issued issued = entities.get(name);
            if (issued == null) {
                throw new IllegalArgumentException("No dev PKI entity " + name);
            }
            return issued;
        }
    }

    /** Generates the whole dev PKI and writes it into {@code directory} (created if needed, files overwritten). */
    public DevPki generate(Path directory) {
        try {
            DevPki pki = build();
            write(pki, directory);
            return pki;
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalStateException("Dev PKI generation failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the dev PKI to " + directory, e);
        }
    }

    private DevPki build() throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant caStart = now.minus(CA_BACKDATE);
        Instant eeStart = now.minus(CLOCK_SKEW);
        Instant eeEnd = now.plus(END_ENTITY_VALIDITY);
        Map<String, Issued> entities = new LinkedHashMap<>();

        KeyPair rootKeys = rsa();
        X500Name rootName = name("Interchange Dev Root CA", INTERCHANGE_NAME);
        X509Certificate root = ca(
                rootName, rootKeys.getPublic(), rootName, rootKeys, null, caStart, now.plus(Duration.ofDays(3650)), -1);
        entities.put("root-ca", new Issued("root-ca", root, rootKeys.getPrivate(), List.of(root)));

        KeyPair issuingKeys = rsa();
        X509Certificate issuing = ca(
                name("Interchange Dev Issuing CA", INTERCHANGE_NAME),
                issuingKeys.getPublic(),
                rootName,
                rootKeys,
                root,
                caStart,
                now.plus(Duration.ofDays(1825)),
                0);
        Issued issuingCa = new Issued("issuing-ca", issuing, issuingKeys.getPrivate(), List.of(issuing, root));
        entities.put("issuing-ca", issuingCa);

        KeyPair tlsKeys = rsa();
        X509Certificate tls = endEntity(
                issuingCa,
                name("localhost", GATEWAY_NAME),
                tlsKeys.getPublic(),
                eeStart,
                eeEnd,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth},
                new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1"),
                    new GeneralName(GeneralName.uniformResourceIdentifier, GATEWAY_ID)
                }));
        put(entities, "gateway-tls", tls, tlsKeys, issuing);

        entities.put(GATEWAY_SIGNING, reissuable(GATEWAY_SIGNING, issuingCa, eeStart, eeEnd));
        for (DevOrganisation org : ORGANISATIONS) {
            entities.put(org.fileName(), reissuable(org.fileName(), issuingCa, eeStart, eeEnd));
        }

        KeyPair expiredKeys = rsa();
        X509Certificate expired = organisationCertificate(
                issuingCa,
                SCHOOL_100001_NAME + " - expired",
                SCHOOL_100001_NAME,
                SCHOOL_100001,
                expiredKeys,
                now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(35)),
                true);
        put(entities, "expired", expired, expiredKeys, issuing);

        KeyPair revokedKeys = rsa();
        X509Certificate revoked = organisationCertificate(
                issuingCa,
                SCHOOL_100001_NAME + " - revoked",
                SCHOOL_100001_NAME,
                SCHOOL_100001,
                revokedKeys,
                eeStart,
                eeEnd,
                true);
        put(entities, "revoked", revoked, revokedKeys, issuing);

        KeyPair noSignatureKeys = rsa();
        X509Certificate noSignature = organisationCertificate(
                issuingCa,
                SCHOOL_100001_NAME + " - no digitalSignature",
                SCHOOL_100001_NAME,
                SCHOOL_100001,
                noSignatureKeys,
                eeStart,
                eeEnd,
                false);
        put(entities, "no-digital-signature", noSignature, noSignatureKeys, issuing);

        KeyPair untrustedRootKeys = rsa();
        X500Name untrustedRootName = name("Untrusted Dev Root CA", "Untrusted Issuer (dev)");
        X509Certificate untrustedRoot = ca(
                untrustedRootName,
                untrustedRootKeys.getPublic(),
                untrustedRootName,
                untrustedRootKeys,
                null,
                caStart,
                now.plus(Duration.ofDays(3650)),
                -1);
        Issued untrustedCa =
                new Issued("untrusted-root-ca", untrustedRoot, untrustedRootKeys.getPrivate(), List.of(untrustedRoot));
        entities.put("untrusted-root-ca", untrustedCa);
        KeyPair untrustedKeys = rsa();
        X509Certificate untrusted = organisationCertificate(
                untrustedCa,
                SCHOOL_100001_NAME + " - untrusted issuer",
                SCHOOL_100001_NAME,
                SCHOOL_100001,
                untrustedKeys,
                eeStart,
                eeEnd,
                true);
        put(entities, "untrusted", untrusted, untrustedKeys, untrustedRoot);

        // CRLs are current from the end-entity start, so the revocation status is known whenever the
        // certificates are valid; the JDK ignores an entry revoked at or after the validation time, so
        // the revocation date is also back-dated.
        X509CRL rootCrl = crl(root, rootKeys.getPrivate(), eeStart, eeEnd, List.of());
        X509CRL issuingCrl = crl(issuing, issuingKeys.getPrivate(), eeStart, eeEnd, List.of(revoked.getSerialNumber()));
        return new DevPki(Map.copyOf(entities), rootCrl, issuingCrl);
    }

    /**
     * A fresh key and certificate for {@code name}, the gateway's signing certificate or a dev organisation's, issued
     * by {@code issuingCa}.
     */
    private Issued reissuable(String name, Issued issuingCa, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509Certificate issuer = issuingCa.certificate();
        if (name.equals(GATEWAY_SIGNING)) {
            // EC P-256: the gateway signs every reply and several notices per message, and a P-256 signature costs a
            // fraction of an RSA-2048 one. It is also the TLS client certificate of push deliveries.
            KeyPair keys = ec();
            X509Certificate cert = organisationCertificate(
                    issuingCa,
                    GATEWAY_NAME + " message signing",
                    GATEWAY_NAME,
                    GATEWAY_ID,
                    keys,
                    notBefore,
                    notAfter,
                    true);
            return new Issued(name, cert, keys.getPrivate(), List.of(cert, issuer));
        }
        DevOrganisation org = ORGANISATIONS.stream()
                .filter(o -> o.fileName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "Only " + GATEWAY_SIGNING + " and the dev organisations can be reissued, not " + name));
        KeyPair keys = org.ecKey() ? ec() : rsa();
        X509Certificate cert = organisationCertificate(
                issuingCa, org.name(), org.name(), org.organisationId(), keys, notBefore, notAfter, true);
        return new Issued(name, cert, keys.getPrivate(), List.of(cert, issuer));
    }

    /**
     * Replaces one certificate of the dev PKI in {@code directory} ({@link #GATEWAY_SIGNING} or a dev organisation's)
     * with a fresh key and certificate of the type this generator makes for it, issued by the issuing CA whose key is
     * in the directory and valid over the same period as the certificate it replaces, so the rest of the PKI (and every
     * test vector signed with it) stays as it is. Writes NAME.crt.pem, .key.pem, .chain.pem and .p12 only.
     *
     * @throws IllegalArgumentException when {@code name} cannot be reissued
     */
    public Issued reissue(Path directory, String name) {
        try {
            X509Certificate issuing = Pem.readCertificate(directory.resolve("issuing-ca.crt.pem"));
            Issued issuingCa = new Issued(
                    "issuing-ca",
                    issuing,
                    Pem.readPrivateKey(directory.resolve("issuing-ca.key.pem")),
                    Pem.readCertificates(directory.resolve("issuing-ca.chain.pem")));
            X509Certificate previous = Pem.readCertificate(directory.resolve(name + ".crt.pem"));
            Issued issued = reissuable(
                    name,
                    issuingCa,
                    previous.getNotBefore().toInstant(),
                    previous.getNotAfter().toInstant());
            writeEntity(issued, directory);
            return issued;
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalStateException("Reissuing " + name + " failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + name + " to " + directory, e);
        }
    }

    private static void put(
            Map<String, Issued> entities, String name, X509Certificate cert, KeyPair keys, X509Certificate issuer) {
        entities.put(name, new Issued(name, cert, keys.getPrivate(), List.of(cert, issuer)));
    }

    private static X500Name name(String commonName, String organisation) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.C, "GB")
                .addRDN(BCStyle.O, organisation)
                .addRDN(BCStyle.OU, DEV_ONLY_OU)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private X509Certificate ca(
            X500Name subject,
            PublicKey publicKey,
            X500Name issuerName,
            KeyPair issuerKeys,
            X509Certificate issuerCert,
            Instant notBefore,
            Instant notAfter,
            int pathLength)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuerName, serial(), Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        builder.addExtension(
                Extension.basicConstraints,
                true,
                pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey));
        builder.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                issuerCert == null
                        ? extensions.createAuthorityKeyIdentifier(publicKey)
                        : extensions.createAuthorityKeyIdentifier(issuerCert));
        return sign(builder, issuerKeys.getPrivate());
    }

    private X509Certificate organisationCertificate(
            Issued issuer,
            String commonName,
            String organisationName,
            String organisationId,
            KeyPair keys,
            Instant notBefore,
            Instant notAfter,
            boolean digitalSignature)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        return endEntity(
                issuer,
                name(commonName, organisationName),
                keys.getPublic(),
                notBefore,
                notAfter,
                new KeyUsage(digitalSignature ? KeyUsage.digitalSignature : KeyUsage.keyEncipherment),
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, DOCUMENT_SIGNING},
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, organisationId)));
    }

    private X509Certificate endEntity(
            Issued issuer,
            X500Name subject,
            PublicKey publicKey,
            Instant notBefore,
            Instant notAfter,
            KeyUsage keyUsage,
            KeyPurposeId[] purposes,
            GeneralNames subjectAltNames)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer.certificate(), serial(), Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, keyUsage);
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey));
        builder.addExtension(
                Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer.certificate()));
        return sign(builder, issuer.key());
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKey)));
    }

    private X509CRL crl(
            X509Certificate issuer,
            PrivateKey issuerKey,
            Instant thisUpdate,
            Instant nextUpdate,
            List<BigInteger> revokedSerials)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (BigInteger serial : revokedSerials) {
            builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
        }
        builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
        builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer));
        return new JcaX509CRLConverter().getCRL(builder.build(signer(issuerKey)));
    }

    private ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaContentSignerBuilder(algorithm).setSecureRandom(random).build(key);
    }

    private BigInteger serial() {
        // Positive, 127 bits of randomness, never zero: unpredictable serials as CAs are required to use.
        return new BigInteger(127, random).setBit(127);
    }

    private KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        return generator.generateKeyPair();
    }

    private KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private void write(DevPki pki, Path directory)
            throws IOException, GeneralSecurityException, OperatorCreationException, PKCSException {
        Files.createDirectories(directory);
        for (Issued issued : pki.entities().values()) {
            writeEntity(issued, directory);
        }
        writeText(directory.resolve("root-ca.crl.pem"), Pem.encode(pki.rootCrl()));
        writeText(directory.resolve("issuing-ca.crl.pem"), Pem.encode(pki.issuingCrl()));
        Files.write(
                directory.resolve("truststore.p12"),
                trustStore(pki.get("root-ca").certificate()));
    }

    private void writeEntity(Issued issued, Path directory)
            throws IOException, GeneralSecurityException, OperatorCreationException, PKCSException {
        String name = issued.name();
        writeText(directory.resolve(name + ".crt.pem"), Pem.encode(issued.certificate()));
        writeText(directory.resolve(name + ".key.pem"), Pem.encode(issued.key()));
        if (issued.chain().size() > 1) {
            writeText(
                    directory.resolve(name + ".chain.pem"),
                    Pem.encode(issued.chain().toArray()));
        }
        if (!isCa(issued.certificate())) {
            Files.write(directory.resolve(name + ".p12"), keyStore(issued));
        }
    }

    private static boolean isCa(X509Certificate certificate) {
        return certificate.getBasicConstraints() >= 0;
    }

    private static void writeText(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private byte[] keyStore(Issued issued)
            throws IOException, GeneralSecurityException, OperatorCreationException, PKCSException {
        char[] password = PASSWORD.toCharArray();
        OutputEncryptor encryptor = encryptor(password);
        ASN1Encodable localKeyId =
                extensions.createSubjectKeyIdentifier(issued.certificate().getPublicKey());
        List<PKCS12SafeBag> certificateBags = new ArrayList<>();
        for (X509Certificate certificate : issued.chain()) {
            PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(certificate);
            if (certificate.equals(issued.certificate())) {
                bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(issued.name()));
                bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
            }
            certificateBags.add(bag.build());
        }
        PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(issued.key(), encryptor);
        keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(issued.name()));
        keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
        PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
        pfx.addEncryptedData(encryptor, certificateBags.toArray(PKCS12SafeBag[]::new));
        pfx.addData(keyBag.build());
        return seal(pfx, password);
    }

    private byte[] trustStore(X509Certificate anchor) throws IOException, OperatorCreationException, PKCSException {
        char[] password = PASSWORD.toCharArray();
        PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(anchor);
        bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString("root-ca"));
        bag.addBagAttribute(ORACLE_TRUSTED_KEY_USAGE, KeyPurposeId.anyExtendedKeyUsage.toOID());
        PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
        pfx.addEncryptedData(encryptor(password), new PKCS12SafeBag[] {bag.build()});
        return seal(pfx, password);
    }

    /** PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC): readable by the JDK and by OpenSSL 3 / Node.js without legacy mode. */
    private OutputEncryptor encryptor(char[] password) throws OperatorCreationException {
        return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                .setProvider(bc)
                .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                .setIterationCount(PKCS12_ITERATIONS)
                .setRandom(random)
                .build(password);
    }

    private byte[] seal(PKCS12PfxPduBuilder pfx, char[] password)
            throws IOException, PKCSException, OperatorCreationException {
        PKCS12PfxPdu pdu = pfx.build(
                new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
                        .setProvider(bc)
                        .setIterationCount(PKCS12_ITERATIONS),
                password);
        return pdu.getEncoded();
    }
}
