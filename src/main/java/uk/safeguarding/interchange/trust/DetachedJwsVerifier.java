package uk.safeguarding.interchange.trust;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Verifies a compact detached JWS ({@code header..signature}, RFC 7515 Appendix F) over a detached payload, as
 * carried in {@code Bundle.signature.data} (spec §5).
 *
 * <p>The protected header must name an allowed {@code alg} ({@link JwsAlgorithm}; anything else, {@code none} and
 * HMAC included, is {@link ErrorCode#SIG_ALG_NOT_ALLOWED}, as is an {@code alg} that does not fit the key type of
 * the certificate) and carry {@code x5c} (standard base64 DER, signer first). Keys are never fetched or taken from the
 * header: {@code jku}, {@code x5u} and {@code jwk} are rejected, as is a {@code crit} naming anything but {@code b64},
 * and {@code b64: false} (the interchange always signs BASE64URL(payload)). Structural problems are {@link
 * ErrorCode#SIG_MALFORMED}; a signature that does not verify is {@link ErrorCode#SIG_INVALID}. Certificate trust is
 * not checked here (see {@link CertificateValidator}). Stateless and thread-safe.
 */
public final class DetachedJwsVerifier {
    /** The most certificates accepted in {@code x5c}. */
    public static final int MAX_X5C = 8;
    /** The longest compact JWS accepted, in characters (a header with a few certificates fits easily). */
    public static final int MAX_JWS_LENGTH = 64 * 1024;

    private static final Set<String> FORBIDDEN_HEADERS = Set.of("jku", "x5u", "jwk");
    private static final Set<String> UNDERSTOOD_CRIT = Set.of("b64");
    private static final StrictJson HEADER_JSON = new StrictJson(MAX_JWS_LENGTH, 4);

    /**
     * Verifies the signature and returns what it proves.
     *
     * @param compactJws the compact serialization with an empty payload part
     * @param payload the detached payload (for a Bundle: {@link BundleSignature#signingPayload})
     * @throws GatewayException SIG_MALFORMED, SIG_ALG_NOT_ALLOWED or SIG_INVALID
     */
    public VerifiedSignature verify(String compactJws, byte[] payload) {
        if (compactJws.length() > MAX_JWS_LENGTH) {
            throw malformed("The JWS is longer than " + MAX_JWS_LENGTH + " characters.");
        }
        int firstDot = compactJws.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : compactJws.indexOf('.', firstDot + 1);
        if (secondDot < 0 || compactJws.indexOf('.', secondDot + 1) >= 0) {
            throw malformed("The JWS is not in compact serialization (header..signature).");
        }
        if (secondDot != firstDot + 1) {
            throw malformed("The JWS carries its payload: the interchange requires a detached payload.");
        }
        String encodedHeader = compactJws.substring(0, firstDot);
        String encodedSignature = compactJws.substring(secondDot + 1);

        JsonNode header = parseHeader(encodedHeader);
        JwsAlgorithm alg = algorithm(header);
        checkHeaderParameters(header);
        List<X509Certificate> chain = certificates(header);
        X509Certificate signer = chain.get(0);
        PublicKey key = signer.getPublicKey();
        if (!alg.fitsKey(key)) {
            throw new GatewayException(
                    ErrorCode.SIG_ALG_NOT_ALLOWED,
                    "The algorithm " + alg + " does not fit the signer certificate's " + key.getAlgorithm()
                            + " key (RS256/PS256 need RSA >= " + JwsAlgorithm.MIN_RSA_BITS
                            + " bits, ES256 needs EC P-256).");
        }

        byte[] signature =
                Base64Url.decode(encodedSignature).orElseThrow(() -> malformed("The JWS signature is not base64url."));
        if (signature.length != alg.signatureLength(key)
                || (alg == JwsAlgorithm.ES256 && !JwsAlgorithm.scalarsInRange(signature, (ECPublicKey) key))) {
            throw invalid();
        }
        byte[] signingInput = signingInput(encodedHeader, payload);
        try {
            Signature engine = alg.newSignature();
            engine.initVerify(key);
            engine.update(signingInput);
            byte[] jcaSignature = alg == JwsAlgorithm.ES256 ? EcdsaEncoding.rawToDer(signature) : signature;
            if (!engine.verify(jcaSignature)) {
                throw invalid();
            }
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ErrorCode.SIG_INVALID, "The signature does not verify.", e);
        }
        return new VerifiedSignature(signer, chain, alg, sha256(payload), compactJws);
    }

    /** ASCII(BASE64URL(header)) || '.' || ASCII(BASE64URL(payload)) (RFC 7515 §5.2). */
    static byte[] signingInput(String encodedHeader, byte[] payload) {
        return (encodedHeader + "." + Base64Url.encode(payload)).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }

    private static JsonNode parseHeader(String encodedHeader) {
        byte[] json = Base64Url.decode(encodedHeader)
                .orElseThrow(() -> malformed("The JWS protected header is not base64url."));
        JsonNode header;
        try {
            header = HEADER_JSON.parse(json);
        } catch (GatewayException e) {
            throw new GatewayException(
                    ErrorCode.SIG_MALFORMED, "The JWS protected header is not strict JSON: " + e.getMessage(), e);
        }
        if (!header.isObject()) {
            throw malformed("The JWS protected header is not a JSON object.");
        }
        return header;
    }

    private static JwsAlgorithm algorithm(JsonNode header) {
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw malformed("The JWS protected header has no alg.");
        }
        return JwsAlgorithm.fromHeader(alg.textValue())
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.SIG_ALG_NOT_ALLOWED,
                        "The algorithm is not on the allow-list (RS256, PS256, ES256)."));
    }

    private static void checkHeaderParameters(JsonNode header) {
        for (String forbidden : FORBIDDEN_HEADERS) {
            if (header.has(forbidden)) {
                throw malformed("The JWS header parameter " + forbidden
                        + " is not accepted: keys come only from x5c and the gateway's trust anchors.");
            }
        }
        JsonNode crit = header.get("crit");
        if (crit != null) {
            if (!crit.isArray() || crit.isEmpty()) {
                throw malformed("The JWS crit parameter must be a non-empty array.");
            }
            for (JsonNode name : crit) {
                if (!name.isTextual() || !UNDERSTOOD_CRIT.contains(name.textValue()) || !header.has(name.textValue())) {
                    throw malformed("The JWS crit parameter names an extension the gateway does not understand.");
                }
            }
        }
        JsonNode b64 = header.get("b64");
        if (b64 != null) {
            if (!b64.isBoolean()) {
                throw malformed("The JWS b64 parameter must be a boolean.");
            }
            if (!b64.booleanValue()) {
                throw malformed("Unencoded payloads (b64: false) are not accepted: sign BASE64URL(payload).");
            }
        }
    }

    private static List<X509Certificate> certificates(JsonNode header) {
        JsonNode x5c = header.get("x5c");
        if (x5c == null || !x5c.isArray() || x5c.isEmpty()) {
            throw malformed("The JWS protected header has no x5c certificate chain.");
        }
        if (x5c.size() > MAX_X5C) {
            throw malformed("The x5c chain has more than " + MAX_X5C + " certificates.");
        }
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("The JDK has no X.509 support", e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        Iterator<JsonNode> entries = x5c.elements();
        while (entries.hasNext()) {
            JsonNode entry = entries.next();
            if (!entry.isTextual()) {
                throw malformed("An x5c entry is not a string.");
            }
            byte[] der;
            try {
                // x5c is standard base64 (RFC 7515 §4.1.6), not base64url.
                der = Base64.getDecoder().decode(entry.textValue());
            } catch (IllegalArgumentException e) {
                throw malformed("An x5c entry is not standard base64.");
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | ClassCastException e) {
                throw new GatewayException(ErrorCode.SIG_MALFORMED, "An x5c entry is not a DER certificate.", e);
            }
        }
        return chain;
    }

    private static GatewayException malformed(String detail) {
        return new GatewayException(ErrorCode.SIG_MALFORMED, detail);
    }

    private static GatewayException invalid() {
        return new GatewayException(ErrorCode.SIG_INVALID, "The signature does not verify.");
    }
}
