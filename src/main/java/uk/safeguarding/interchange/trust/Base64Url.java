package uk.safeguarding.interchange.trust;

import java.util.Base64;
import java.util.Optional;

/** Strict unpadded base64url (RFC 7515 §2): only the canonical encoding of the bytes is accepted. */
final class Base64Url {
    private Base64Url() {}

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Optional<byte[]> decode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alphabet =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!alphabet) {
                return Optional.empty();
            }
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(text);
            // Rejects non-zero padding bits, so one signature has exactly one accepted spelling.
            return encode(bytes).equals(text) ? Optional.of(bytes) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
