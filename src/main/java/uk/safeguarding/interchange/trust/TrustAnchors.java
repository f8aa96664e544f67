package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Reads the gateway's configured trust anchors: a PKCS#12 truststore, or PEM certificates. Stateless. */
public final class TrustAnchors {
    private TrustAnchors() {}

    /**
     * The trusted certificates in {@code file} ({@code .pem}/{@code .crt}: every certificate; otherwise PKCS#12).
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no trusted certificate
     */
    public static List<X509Certificate> load(Path file, char[] password) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pem") || name.endsWith(".crt")) {
            return requireSome(Pem.readCertificates(file), file);
        }
        try {
            List<X509Certificate> certs = trustedCertificates(KeyStore.getInstance("PKCS12"), file, password);
            if (certs.isEmpty()) {
                // The JDK ignores PKCS#12 certificate bags without its own "trusted" attribute; Bouncy Castle
                // reads every certificate, which is what a truststore written by other tools holds.
                certs = trustedCertificates(KeyStore.getInstance("PKCS12", new BouncyCastleProvider()), file, password);
            }
            return requireSome(certs, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot read the truststore " + file + " (wrong password or not PKCS#12?): " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> trustedCertificates(KeyStore store, Path file, char[] password)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isCertificateEntry(alias) && store.getCertificate(alias) instanceof X509Certificate c) {
                certs.add(c);
            }
        }
        return certs;
    }

    private static List<X509Certificate> requireSome(List<X509Certificate> certs, Path file) {
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("The truststore " + file + " holds no trusted certificates");
        }
        return certs;
    }
}
