package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes PEM: X.509 certificates and chains, unencrypted PKCS#8 private keys ({@code PRIVATE
 * KEY}) and CRLs. Stateless and thread-safe. Read methods throw {@link IllegalArgumentException} naming the
 * source when the content is not what was asked for, and {@link UncheckedIOException} when a file cannot be
 * read.
 */
public final class Pem {
    private Pem() {}

    /** Every certificate in the file, in file order (a chain file lists the leaf first). Never empty. */
    public static List<X509Certificate> readCertificates(Path file) {
        return certificates(parse(read(file), file.toString()), file.toString());
    }

    /** The first certificate in the file (the leaf of a chain file). */
    public static X509Certificate readCertificate(Path file) {
        return readCertificates(file).get(0);
    }

    /** The one PKCS#8 private key in the file (RSA or EC). */
    public static PrivateKey readPrivateKey(Path file) {
        return privateKey(parse(read(file), file.toString()), file.toString());
    }

    /** The first CRL in the file. */
    public static X509CRL readCrl(Path file) {
        return crls(parse(read(file), file.toString()), file.toString()).get(0);
    }

    /** Every CRL in the file, in file order. Never empty. */
    public static List<X509CRL> readCrls(Path file) {
        return crls(parse(read(file), file.toString()), file.toString());
    }

    /** Every certificate in PEM text; {@code source} names it in error messages. Never empty. */
    public static List<X509Certificate> parseCertificates(String pem, String source) {
        return certificates(parse(pem, source), source);
    }

    /** The one PKCS#8 private key in PEM text; {@code source} names it in error messages. */
    public static PrivateKey parsePrivateKey(String pem, String source) {
        return privateKey(parse(pem, source), source);
    }

    /** The first CRL in PEM text; {@code source} names it in error messages. */
    public static X509CRL parseCrl(String pem, String source) {
        return crls(parse(pem, source), source).get(0);
    }

    /**
     * PEM text for certificates, CRLs and private keys, in argument order. Private keys are written as
     * unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}).
     */
    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                if (object instanceof PrivateKey key) {
                    writer.writeObject(new JcaPKCS8Generator(key, null));
                } else if (object instanceof X509Certificate || object instanceof X509CRL) {
                    writer.writeObject(object);
                } else {
                    throw new IllegalArgumentException("Cannot write "
                            + (object == null ? "null" : object.getClass().getName()) + " as PEM");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static List<Object> parse(String pem, String source) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = new StringReader(pem);
                PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Malformed PEM in " + source, e);
        }
        return objects;
    }

    private static List<X509Certificate> certificates(List<Object> objects, String source) {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (Object object : objects) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("Unreadable certificate in " + source, e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("No certificate in " + source);
        }
        return List.copyOf(certificates);
    }

    private static PrivateKey privateKey(List<Object> objects, String source) {
        List<PrivateKeyInfo> keys = objects.stream()
                .filter(PrivateKeyInfo.class::isInstance)
                .map(PrivateKeyInfo.class::cast)
                .toList();
        if (keys.size() != 1) {
            throw new IllegalArgumentException(
                    "Expected exactly one unencrypted PKCS#8 private key in " + source + ", found " + keys.size());
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(keys.get(0));
        } catch (IOException e) {
            throw new IllegalArgumentException("Unreadable private key in " + source, e);
        }
    }

    private static List<X509CRL> crls(List<Object> objects, String source) {
        JcaX509CRLConverter converter = new JcaX509CRLConverter();
        List<X509CRL> crls = new ArrayList<>();
        try {
            for (Object object : objects) {
                if (object instanceof X509CRLHolder holder) {
                    crls.add(converter.getCRL(holder));
                }
            }
        } catch (CRLException e) {
            throw new IllegalArgumentException("Unreadable CRL in " + source, e);
        }
        if (crls.isEmpty()) {
            throw new IllegalArgumentException("No CRL in " + source);
        }
        return List.copyOf(crls);
    }
}
