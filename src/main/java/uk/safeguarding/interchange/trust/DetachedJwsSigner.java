package uk.safeguarding.interchange.trust;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Makes the compact detached JWS ({@code header..signature}) that {@link DetachedJwsVerifier} accepts: protected
 * header {@code {"alg":..,"x5c":[..]}}, signature over ASCII(BASE64URL(header)) || '.' || ASCII(BASE64URL(payload)).
 * Used by the gateway for its acknowledgements and by the submit and demo tools. Stateless and thread-safe.
 */
public final class DetachedJwsSigner {
    private DetachedJwsSigner() {}

    /**
     * Signs {@code payload}.
     *
     * @param chain the signer certificate (whose key pairs with {@code key}) then its intermediates
     * @throws IllegalArgumentException if the key or certificate does not fit {@code alg}, or the chain is empty
     */
    public static String sign(byte[] payload, PrivateKey key, List<X509Certificate> chain, JwsAlgorithm alg) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("The certificate chain is empty");
        }
        if (!alg.fitsKey(key) || !alg.fitsKey(chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("The key does not fit " + alg);
        }
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("alg", alg.name());
        ArrayNode x5c = header.putArray("x5c");
        try {
            for (X509Certificate certificate : chain) {
                x5c.add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("A certificate cannot be encoded", e);
        }
        String encodedHeader = Base64Url.encode(Jcs.canonicalize(header));
        try {
            Signature engine = alg.newSignature();
            engine.initSign(key);
            engine.update(DetachedJwsVerifier.signingInput(encodedHeader, payload));
            byte[] signature = engine.sign();
            if (alg == JwsAlgorithm.ES256) {
                signature = EcdsaEncoding.derToRaw(signature);
            }
            return encodedHeader + ".." + Base64Url.encode(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Signing with " + alg + " failed", e);
        }
    }

    /** As {@link #sign(byte[], PrivateKey, List, JwsAlgorithm)} with the algorithm by its JWS name. */
    public static String sign(byte[] payload, PrivateKey key, List<X509Certificate> chain, String alg) {
        return sign(
                payload,
                key,
                chain,
                JwsAlgorithm.fromHeader(alg).orElseThrow(() -> new IllegalArgumentException("Not allowed: " + alg)));
    }
}
