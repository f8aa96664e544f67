package uk.safeguarding.interchange.ledger.checkpoint;

/**
 * Verifies a signed checkpoint note against one trusted verifier key and an expected origin, per
 * c2sp.org/signed-note: signatures by other keys are ignored; a signature by the trusted key (same name and key id)
 * must verify, else the note is rejected; at least one must be present. The note text must then be a checkpoint of
 * the expected origin (see {@link Checkpoint#parseBody}). Immutable and thread-safe.
 */
public final class CheckpointVerifier {
    private final NoteVerifierKey key;
    private final String origin;

    /** A verifier expecting the origin to be the key name. */
    public CheckpointVerifier(NoteVerifierKey key) {
        this(key, key.name());
    }

    public CheckpointVerifier(NoteVerifierKey key, String origin) {
        this.key = key;
        this.origin = Checkpoint.checkOrigin(origin);
    }

    /**
     * The checkpoint the note carries, once its signature verifies.
     *
     * @throws InvalidCheckpointException saying why the note is not a valid checkpoint signed by the key
     */
    public Checkpoint verify(String note) {
        SignedNote parsed;
        try {
            parsed = SignedNote.parse(note);
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException("Malformed signed note: " + e.getMessage(), e);
        }
        boolean verified = false;
        for (SignedNote.Signature signature : parsed.signatures()) {
            if (!signature.keyName().equals(key.name()) || signature.keyId() != key.keyId()) {
                continue;
            }
            if (!key.verify(parsed.signedBytes(), signature.signature())) {
                throw new InvalidCheckpointException("The signature by " + key.name() + " does not verify");
            }
            verified = true;
        }
        if (!verified) {
            throw new InvalidCheckpointException(
                    "The note carries no signature by " + key.name() + "+" + NoteKeys.hex8(key.keyId()));
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parseBody(parsed.text());
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException("Signed note is not a checkpoint: " + e.getMessage(), e);
        }
        if (!checkpoint.origin().equals(origin)) {
            throw new InvalidCheckpointException("Checkpoint origin is not " + origin);
        }
        return checkpoint;
    }
}
