package uk.safeguarding.interchange.ledger.checkpoint;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Signs ledger checkpoints as c2sp.org/tlog-checkpoint signed notes with the gateway's Ed25519 ledger key. The time
 * line is the injected clock's instant at signing. The caller must only sign tree heads consistent with every earlier
 * one (the ledger only appends). Immutable and thread-safe.
 */
public final class CheckpointSigner {
    private final NoteSigningKey key;
    private final String origin;
    private final Clock clock;

    /** A signer whose origin line is the key name (what C2SP recommends). */
    public CheckpointSigner(NoteSigningKey key, Clock clock) {
        this(key, key.name(), clock);
    }

    public CheckpointSigner(NoteSigningKey key, String origin, Clock clock) {
        this.key = key;
        this.origin = Checkpoint.checkOrigin(origin);
        this.clock = clock;
    }

    public String origin() {
        return origin;
    }

    /** The checkpoint for a tree of {@code size} leaves with root {@code rootHash}, timed now. */
    public Checkpoint checkpoint(long size, byte[] rootHash) {
        return new Checkpoint(origin, size, rootHash, clock.instant());
    }

    /** The signed note for {@link #checkpoint(long, byte[])}: what the gateway stores and publishes. */
    public String sign(long size, byte[] rootHash) {
        return sign(checkpoint(size, rootHash));
    }

    /** The signed note of a checkpoint (whose origin must be this signer's). */
    public String sign(Checkpoint checkpoint) {
        if (!checkpoint.origin().equals(origin)) {
            throw new IllegalArgumentException("Checkpoint origin is not this signer's");
        }
        String body = checkpoint.body();
        byte[] signature = key.sign(body.getBytes(StandardCharsets.UTF_8));
        return new SignedNote(body, List.of(new SignedNote.Signature(key.name(), key.keyId(), signature))).encode();
    }
}
