package uk.safeguarding.interchange.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import uk.safeguarding.interchange.trust.Pem;

/**
 * The committed dev PKI ({@code certs-dev/}) as tests use it: file paths by certificate name, and HTTPS
 * clients that present one of them (mutual TLS) and trust the dev root for the gateway's server certificate.
 */
public final class DevCerts {
    public static final Path DIR = Path.of("certs-dev");
    public static final String PASSWORD = "dev-only";

    private DevCerts() {}

    /** {@code certs-dev/NAME.p12}, e.g. {@code p12("school-100001")}. */
    public static Path p12(String name) {
        return DIR.resolve(name + ".p12");
    }

    /** An HTTP/1.1 client over TLS 1.3 presenting {@code certs-dev/NAME.p12}, or no certificate when null. */
    public static HttpClient httpClient(String name) {
        return HttpClient.newBuilder()
                .sslContext(sslContext(name))
                .sslParameters(tls13())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A TLS context presenting {@code certs-dev/NAME.p12} (none when null) and trusting the dev root. */
    public static SSLContext sslContext(String name) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", Pem.readCertificate(DIR.resolve("root-ca.crt.pem")));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (name != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(p12(name))) {
                    keys.load(in, PASSWORD.toCharArray());
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLParameters tls13() {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {"TLSv1.3"});
        return params;
    }
}
