package uk.safeguarding.interchange.trust;

import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A detached JWS whose signature verified with the key of {@code signer}. Says nothing yet about trust in the
 * certificate: {@link CertificateValidator#validateSigner} decides that.
 *
 * @param signer the certificate whose key made the signature ({@code x5c[0]})
 * @param chain every certificate of {@code x5c} in header order, signer first (may include a sender's root, which is
 *     never trusted as such)
 * @param alg the verified algorithm
 * @param payloadSha256 SHA-256 of the detached payload bytes (for the ledger and duplicate detection)
 * @param compactJws the compact detached JWS as received ({@code header..signature})
 */
public record VerifiedSignature(
        X509Certificate signer,
        List<X509Certificate> chain,
        JwsAlgorithm alg,
        byte[] payloadSha256,
        String compactJws) {
    public VerifiedSignature {
        Objects.requireNonNull(signer);
        chain = List.copyOf(chain);
        Objects.requireNonNull(alg);
        payloadSha256 = payloadSha256.clone();
        Objects.requireNonNull(compactJws);
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] payloadSha256() {
        return payloadSha256.clone();
    }

    /** The payload digest as lower-case hex. */
    public String payloadSha256Hex() {
        return HexFormat.of().formatHex(payloadSha256);
    }
}
