package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM files: certificates, CRLs and unencrypted PKCS#8 private keys (RSA or EC). */
public final class Pem {
    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {}

    /** Every certificate in the file, in file order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> result = new ArrayList<>();
            certificates.forEach(c -> result.add((X509Certificate) c));
            return result;
        } catch (CertificateException e) {
            throw new IOException("Not a PEM certificate file: " + file, e);
        }
    }

    /** Every CRL in the file, in file order. */
    public static List<X509CRL> readCrls(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends CRL> crls =
                    CertificateFactory.getInstance("X.509").generateCRLs(in);
            List<X509CRL> result = new ArrayList<>();
            crls.forEach(c -> result.add((X509CRL) c));
            return result;
        } catch (GeneralSecurityException e) {
            throw new IOException("Not a PEM CRL file: " + file, e);
        }
    }

    /** The first unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) RSA or EC key in the file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Matcher matcher = PKCS8.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!matcher.find()) {
            throw new IOException("No unencrypted PKCS#8 private key in " + file);
        }
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this key type: try the next.
            }
        }
        throw new IOException("The private key in " + file + " is neither RSA nor EC");
    }
}
