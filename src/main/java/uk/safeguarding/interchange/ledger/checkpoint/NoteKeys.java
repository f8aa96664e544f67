package uk.safeguarding.interchange.ledger.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Shared rules of c2sp.org/signed-note keys: names and Ed25519 key ids. */
final class NoteKeys {
    static final byte ED25519 = 0x01;

    private NoteKeys() {}

    /** Key names are non-empty and have no Unicode spaces and no '+' (signed-note). */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Empty key name");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp < 0x20 || cp == 0x7F) {
                throw new IllegalArgumentException("Key name has a space, '+' or control character");
            }
            i += Character.charCount(cp);
        }
        return name;
    }

    /** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4], big-endian. */
    static int keyId(String name, byte[] publicKey) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0x0A);
            digest.update(ED25519);
            digest.update(publicKey);
            byte[] hash = digest.digest();
            return ((hash[0] & 0xFF) << 24) | ((hash[1] & 0xFF) << 16) | ((hash[2] & 0xFF) << 8) | (hash[3] & 0xFF);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    static String hex8(int keyId) {
        return String.format("%08x", keyId);
    }
}
