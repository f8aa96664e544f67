package uk.safeguarding.interchange.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The gateway master key that wraps every message's payload key (AES-256). Read from a file holding the key in
 * base64 (lines starting with {@code #} are comments); its id, the first 8 bytes of SHA-256 of the key in hex, is
 * stored with each wrapped key so a rotated key can be told apart. Immutable; never printed.
 */
public final class MasterKey {
    private final byte[] key;
    private final String id;

    public MasterKey(byte[] key) {
        if (key == null || key.length != PayloadCipher.KEY_BYTES) {
            throw new IllegalArgumentException("A master key is 32 bytes (AES-256)");
        }
        this.key = key.clone();
        try {
            this.id = HexFormat.of()
                    .formatHex(
                            Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a key file.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it does not hold one base64 32-byte key
     */
    public static MasterKey read(Path file) throws IOException {
        String text = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .reduce("", String::concat);
        try {
            return new MasterKey(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The master key file does not hold a base64 32-byte key");
        }
    }

    /** A new random key, base64 (what a key file holds). */
    public static String generateBase64() {
        return Base64.getEncoder().encodeToString(PayloadCipher.newKey());
    }

    public String id() {
        return id;
    }

    byte[] wrap(String trackingId, byte[] dataKey) {
        return PayloadCipher.encrypt(key, "interchange-payload-key/v1/" + trackingId, dataKey);
    }

    byte[] unwrap(String trackingId, byte[] wrapped) {
        return PayloadCipher.decrypt(key, "interchange-payload-key/v1/" + trackingId, wrapped);
    }

    @Override
    public String toString() {
        return "MasterKey[id=" + id + "]";
    }
}
