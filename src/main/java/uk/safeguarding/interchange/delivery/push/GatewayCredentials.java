package uk.safeguarding.interchange.delivery.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.ChainCheckingTrustManager;
import uk.safeguarding.interchange.trust.JwsAlgorithm;
import uk.safeguarding.interchange.trust.ValidatedCertificate;

/**
 * The gateway's outbound identity for push deliveries: the signing key and chain from a PKCS#12 file (the dev
 * {@code certs-dev/gateway-signing.p12}, EKU clientAuth and digitalSignature), used both to sign what is pushed and as
 * the TLS client certificate. The key is EC P-256 (signatures ES256 / ECDSA-SHA256) or RSA of at least 2048 bits
 * (RS256 / RSA-SHA256): {@link #alg} follows it. {@link #tlsTo} makes a TLS context that accepts the recipient endpoint only when its
 * certificate validates against the gateway's trust anchors and CRLs and names the recipient organisation (URI SAN):
 * the endpoint's identity is pinned to the organisation, not to a host name. Immutable; thread-safe.
 */
public final class GatewayCredentials {
    private final KeyStore keyStore;
    private final char[] password;
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final JwsAlgorithm alg;
    private final CertificateValidator validator;

    private GatewayCredentials(
            KeyStore keyStore,
            char[] password,
            PrivateKey key,
            List<X509Certificate> chain,
            CertificateValidator validator) {
        this.keyStore = keyStore;
        this.password = password.clone();
        this.key = key;
        this.chain = List.copyOf(chain);
        this.alg = JwsAlgorithm.forKey(key);
        if (chain.isEmpty() || !alg.fitsKey(this.chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("The gateway signing certificate does not match its " + alg + " key");
        }
        this.validator = Objects.requireNonNull(validator);
    }

    /**
     * Loads the first key entry of {@code p12}.
     *
     * @throws IllegalArgumentException when it cannot be read or its key is neither EC P-256 nor RSA 2048+
     */
    public static GatewayCredentials load(Path p12, char[] password, CertificateValidator validator) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, password);
            }
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : ks.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                    return new GatewayCredentials(
                            ks, password, (PrivateKey) ks.getKey(alias, password), chain, validator);
                }
            }
            throw new IllegalArgumentException(p12 + " holds no private key");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot read the gateway signing keystore " + p12 + ": " + e.getMessage());
        }
    }

    public PrivateKey key() {
        return key;
    }

    /** The JWS algorithm of the key: ES256 for EC P-256, RS256 for RSA. */
    public JwsAlgorithm alg() {
        return alg;
    }

    /** The signing certificate first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** A TLS context presenting the gateway's certificate and accepting only {@code recipientId}'s endpoint. */
    public SSLContext tlsTo(String recipientId) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), new TrustManager[] {new RecipientTrust(validator, recipientId)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot make the push TLS context", e);
        }
    }

    /** Server-side trust for one push: the interchange PKI and the recipient's organisation id. */
    static final class RecipientTrust extends ChainCheckingTrustManager {
        private final CertificateValidator validator;
        private final String recipientId;

        RecipientTrust(CertificateValidator validator, String recipientId) {
            this.validator = validator;
            this.recipientId = recipientId;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the endpoint presented no certificate");
            }
            ValidatedCertificate validated;
            try {
                validated = validator.validateClient(Arrays.asList(chain));
            } catch (GatewayException e) {
                throw new CertificateException(
                        "the endpoint certificate is not trusted ("
                                + e.errorCode().code() + ")",
                        e);
            }
            if (!validated.organisationId().equals(recipientId)) {
                throw new CertificateException("the endpoint certificate names another organisation");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }
    }
}
