package uk.safeguarding.interchange.ledger.checkpoint;

import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 signed-note verifier key, in the note "vkey" text form {@code <name>+<key id, 8 hex>+<base64(0x01 ||
 * 32-byte public key)>} (golang.org/x/mod/sumdb/note, c2sp.org/signed-note). This is what an auditor is given, out of
 * band, to verify the gateway's checkpoints. Immutable and thread-safe.
 */
public final class NoteVerifierKey {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{8}");

    private final String name;
    private final int keyId;
    private final byte[] publicKey;

    NoteVerifierKey(String name, byte[] publicKey) {
        this.name = NoteKeys.checkName(name);
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("An Ed25519 public key is 32 bytes");
        }
        this.publicKey = publicKey.clone();
        this.keyId = NoteKeys.keyId(name, publicKey);
    }

    /**
     * Parses a vkey. Rejects another algorithm, a bad length, and a key id that does not match name and key.
     *
     * @throws IllegalArgumentException when the text is not a valid Ed25519 verifier key
     */
    public static NoteVerifierKey parse(String vkey) {
        String text = vkey == null ? "" : vkey.strip();
        // The name has no '+', and the hash none either; the base64 part may contain '+'.
        String[] parts = text.split("\\+", 3);
        if (parts.length != 3 || !HASH.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException("Not a verifier key <name>+<hash>+<key>");
        }
        byte[] typed;
        try {
            typed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Verifier key material is not base64", e);
        }
        if (typed.length != 33 || typed[0] != NoteKeys.ED25519) {
            throw new IllegalArgumentException("Not an Ed25519 (type 0x01) verifier key");
        }
        NoteVerifierKey key = new NoteVerifierKey(parts[0], Arrays.copyOfRange(typed, 1, 33));
        if (!NoteKeys.hex8(key.keyId).equals(parts[1])) {
            throw new IllegalArgumentException("Verifier key hash does not match its name and key");
        }
        return key;
    }

    public String name() {
        return name;
    }

    /** The 4-byte key id as a big-endian int. */
    public int keyId() {
        return keyId;
    }

    /** The 32-byte Ed25519 public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The vkey text form. */
    public String encode() {
        byte[] typed = new byte[33];
        typed[0] = NoteKeys.ED25519;
        System.arraycopy(publicKey, 0, typed, 1, 32);
        return name + "+" + NoteKeys.hex8(keyId) + "+" + Base64.getEncoder().encodeToString(typed);
    }

    /** Whether {@code signature} (64 bytes, without the key id) is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NoteVerifierKey that
                && name.equals(that.name)
                && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return encode();
    }
}
