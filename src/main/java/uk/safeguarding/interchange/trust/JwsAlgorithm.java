package uk.safeguarding.interchange.trust;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * The interchange's JWS algorithm allow-list (spec §5): nothing else is ever accepted. Each algorithm fixes the key
 * type it may be used with, so a header can never choose the key type: RS256 and PS256 need an RSA key of at least
 * 2048 bits, ES256 an EC key on P-256.
 */
public enum JwsAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256. */
    RS256,
    /** RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt. */
    PS256,
    /** ECDSA on P-256 with SHA-256; the JWS signature is R || S, 32 bytes each. */
    ES256;

    /** The smallest RSA modulus accepted, in bits. */
    public static final int MIN_RSA_BITS = 2048;

    private static final ECParameterSpec P256 = p256();

    /** The algorithm named exactly (case-sensitive, as in JWS) by a header's {@code alg}, if it is allowed. */
    public static Optional<JwsAlgorithm> fromHeader(String alg) {
        return Arrays.stream(values()).filter(a -> a.name().equals(alg)).findFirst();
    }

    /**
     * The algorithm the interchange signs with for {@code key} (public or private): ES256 for an EC P-256 key, RS256
     * for an RSA key of at least {@link #MIN_RSA_BITS} bits. PS256 is accepted from senders but never chosen.
     *
     * @throws IllegalArgumentException for any other key
     */
    public static JwsAlgorithm forKey(Key key) {
        if (ES256.fitsKey(key)) {
            return ES256;
        }
        if (RS256.fitsKey(key)) {
            return RS256;
        }
        throw new IllegalArgumentException("A signing key must be EC P-256 or RSA of at least " + MIN_RSA_BITS
                + " bits, not " + key.getAlgorithm());
    }

    /** Whether this algorithm may be used with this (public or private) key. */
    public boolean fitsKey(Key key) {
        return switch (this) {
            case RS256, PS256 -> key instanceof RSAKey rsa && rsa.getModulus().bitLength() >= MIN_RSA_BITS;
            case ES256 -> key instanceof ECKey ec && isP256(ec.getParams());
        };
    }

    /** A fresh JCA signature engine configured for this algorithm. */
    Signature newSignature() throws GeneralSecurityException {
        return switch (this) {
            case RS256 -> Signature.getInstance("SHA256withRSA");
            case PS256 -> {
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                yield pss;
            }
            case ES256 -> Signature.getInstance("SHA256withECDSA");
        };
    }

    /** The length in bytes a JWS signature must have for this key. */
    int signatureLength(PublicKey key) {
        return switch (this) {
            case RS256, PS256 -> (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8;
            case ES256 -> 64;
        };
    }

    /** ES256 scalars must lie in [1, n-1]; checked here so no JCA provider bug can accept r = s = 0. */
    static boolean scalarsInRange(byte[] rawSignature, ECPublicKey key) {
        BigInteger n = key.getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(rawSignature, 32, 64));
        return r.signum() > 0 && s.signum() > 0 && r.compareTo(n) < 0 && s.compareTo(n) < 0;
    }

    private static boolean isP256(ECParameterSpec params) {
        return params != null
                && params.getCurve().equals(P256.getCurve())
                && params.getGenerator().equals(P256.getGenerator())
                && params.getOrder().equals(P256.getOrder())
                && params.getCofactor() == P256.getCofactor();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK has no P-256 support", e);
        }
    }
}
