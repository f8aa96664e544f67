package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain and the JWS algorithm it signs with (RS256 for RSA, ES256 for EC P-256),
 * read from a PKCS#12 key store holding exactly one key entry. The gateway signs its replies with one; the submit
 * tool signs messages with one.
 *
 * @param key the private key
 * @param chain the signer certificate first, then its intermediates (as stored in the key store)
 * @param alg the algorithm used for this key
 */
public record SigningKey(PrivateKey key, List<X509Certificate> chain, JwsAlgorithm alg) {
    public SigningKey {
        Objects.requireNonNull(key);
        chain = List.copyOf(chain);
        Objects.requireNonNull(alg);
        if (chain.isEmpty() || !alg.fitsKey(key)) {
            throw new IllegalArgumentException("The key does not fit " + alg + " or the chain is empty");
        }
    }

    /** The organisation id of the signer certificate's SAN URI, if it has exactly one. */
    public String organisationId() {
        return OrganisationIds.fromCertificate(chain.get(0))
                .orElseThrow(() -> new IllegalArgumentException("The certificate names no urn:interchange: id"));
    }

    /**
     * Loads the single key entry of a PKCS#12 file.
     *
     * @throws IllegalArgumentException when the file cannot be read, has no or several keys, or the key is neither
     *     RSA (2048+) nor EC P-256
     */
    public static SigningKey loadPkcs12(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new IllegalArgumentException(
                        file + " must hold exactly one private key, not " + keyAliases.size());
            }
            String alias = keyAliases.get(0);
            PrivateKey key = (PrivateKey) store.getKey(alias, password);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : store.getCertificateChain(alias)) {
                chain.add((X509Certificate) certificate);
            }
            return new SigningKey(key, chain, JwsAlgorithm.forKey(key));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "Cannot read the signing key store " + file + " (wrong password or not PKCS#12?): "
                            + e.getMessage(),
                    e);
        }
    }
}
