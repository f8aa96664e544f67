package uk.safeguarding.interchange.ledger.checkpoint;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The gateway's ledger signing key: an Ed25519 signed-note signer key. Its text form is the note "skey" format
 * {@code PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 || 32-byte seed)>} (golang.org/x/mod/sumdb/note), so Go's
 * note tools read it too. {@link #verifierKey()} is what is published to auditors. The key is secret: never log
 * {@link #encode()}; in production it lives in an HSM or a secret store, not in a file in the repository.
 * Immutable and thread-safe.
 */
public final class NoteSigningKey {
    private static final String PREFIX = "PRIVATE+KEY+";

    private final Ed25519PrivateKeyParameters privateKey;
    private final NoteVerifierKey verifierKey;

    private NoteSigningKey(String name, byte[] seed) {
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.verifierKey =
                new NoteVerifierKey(name, privateKey.generatePublicKey().getEncoded());
    }

    /** A fresh key named {@code name} (e.g. {@code interchange.safeguarding.uk/ledger/v1}). */
    public static NoteSigningKey generate(String name, SecureRandom random) {
        byte[] seed = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
        random.nextBytes(seed);
        return new NoteSigningKey(NoteKeys.checkName(name), seed);
    }

    /** {@link #generate(String, SecureRandom)} with a new {@link SecureRandom}. */
    public static NoteSigningKey generate(String name) {
        return generate(name, new SecureRandom());
    }

    /**
     * Parses an skey. Rejects another algorithm, a bad length, and a key id that does not match name and key.
     *
     * @throws IllegalArgumentException when the text is not a valid Ed25519 signer key (the message never quotes it)
     */
    public static NoteSigningKey parse(String skey) {
        String text = skey == null ? "" : skey.strip();
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("Not a signer key PRIVATE+KEY+<name>+<hash>+<key>");
        }
        String[] parts = text.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3 || !parts[1].matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("Not a signer key PRIVATE+KEY+<name>+<hash>+<key>");
        }
        byte[] typed;
        try {
            typed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Signer key material is not base64");
        }
        if (typed.length != 33 || typed[0] != NoteKeys.ED25519) {
            throw new IllegalArgumentException("Not an Ed25519 (type 0x01) signer key");
        }
        NoteSigningKey key = new NoteSigningKey(NoteKeys.checkName(parts[0]), Arrays.copyOfRange(typed, 1, 33));
        Arrays.fill(typed, (byte) 0);
        if (!NoteKeys.hex8(key.keyId()).equals(parts[1])) {
            throw new IllegalArgumentException("Signer key hash does not match its name and key");
        }
        return key;
    }

    public String name() {
        return verifierKey.name();
    }

    public int keyId() {
        return verifierKey.keyId();
    }

    /** The public half, to publish. */
    public NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    /** The secret skey text form. */
    public String encode() {
        byte[] typed = new byte[33];
        typed[0] = NoteKeys.ED25519;
        System.arraycopy(privateKey.getEncoded(), 0, typed, 1, 32);
        return PREFIX + name() + "+" + NoteKeys.hex8(keyId()) + "+"
                + Base64.getEncoder().encodeToString(typed);
    }

    /** The 64-byte Ed25519 signature (RFC 8032, deterministic) of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        // Never the secret.
        return "NoteSigningKey[" + verifierKey.encode() + "]";
    }
}
