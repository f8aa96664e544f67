package uk.safeguarding.interchange.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import uk.safeguarding.interchange.config.StartupException;
import uk.safeguarding.interchange.trust.ChainCheckingTrustManager;

/**
 * Builds the server's {@link SSLContext}. The TLS layer only requests a client certificate and accepts any
 * non-empty chain (the handshake still proves the client holds the private key); trust is decided per request
 * by {@link ClientCertificateFilter}, so that a missing or untrusted certificate gets a documented error code
 * instead of a bare handshake failure.
 */
public final class TlsContexts {
    /** TLS versions the connector offers. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** AEAD suites with forward secrecy only. */
    public static final String[] CIPHER_SUITES = {
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    };

    private TlsContexts() {}

    /** The server context: key and certificate chain from the PKCS#12 {@code keystore}, deferred client trust. */
    public static SSLContext serverContext(Path keystore, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), new TrustManager[] {new DeferredClientTrust()}, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("Cannot read the TLS keystore " + keystore
                    + " (wrong password or not PKCS#12? set gateway.tls.keystore.password): " + e.getMessage());
        }
    }

    /**
     * Accepts any well-formed (non-empty) client chain at the handshake and advertises no acceptable issuers, so
     * that clients send the certificate they have and the application can say why it is not trusted.
     */
    static final class DeferredClientTrust extends ChainCheckingTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0 || chain[0] == null) {
                throw new CertificateException("empty client certificate chain");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager only serves the server side");
        }
    }
}
