package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of the gateway's own command-line clients ({@code ./gateway submit}, {@code conformance},
 * {@code bench load}): the client's key and certificate chain from a PKCS#12 file, and trust in exactly the PEM CA
 * certificates given (never the JDK's default trust store). Stateless.
 */
public final class ClientTls {
    private ClientTls() {}

    /**
     * @param p12 the client's key store, or null for a client that presents no certificate
     * @param password the key store's password (and its key's)
     * @param caCertificates a PEM file of the CA certificates the server's chain must lead to
     */
    public static SSLContext context(Path p12, char[] password, Path caCertificates)
            throws IOException, GeneralSecurityException {
        KeyManager[] keyManagers = null;
        if (p12 != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                keys.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            keyManagers = kmf.getKeyManagers();
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (var certificate : Pem.readCertificates(caCertificates)) {
            trust.setCertificateEntry("ca-" + i++, certificate);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }
}
