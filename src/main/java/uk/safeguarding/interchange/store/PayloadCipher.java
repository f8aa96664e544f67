package uk.safeguarding.interchange.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a fresh random 96-bit nonce per encryption and the context bound as associated data, so a
 * ciphertext moved to another message or field does not decrypt. Format: {@code 0x01 || nonce(12) ||
 * ciphertext+tag(16)}. Thread-safe.
 */
public final class PayloadCipher {
    static final int KEY_BYTES = 32;
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PayloadCipher() {}

    /** A new random 256-bit key. */
    static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    static byte[] encrypt(byte[] key, String context, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            // Ciphertext and tag written straight after the nonce: no second copy of the payload.
            byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            if (written != out.length - 1 - NONCE_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes, not its announced size");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the ciphertext is malformed, altered, or not for this key and context
     */
    static byte[] decrypt(byte[] key, String context, byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != VERSION) {
            throw new IllegalArgumentException("Not a payload ciphertext");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(ciphertext, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("The ciphertext was altered or is not for this key and context", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }
}
