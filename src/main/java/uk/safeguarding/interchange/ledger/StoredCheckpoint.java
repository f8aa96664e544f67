package uk.safeguarding.interchange.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A checkpoint the gateway signed and keeps: the tree size, its root, when it was signed and the signed note
 * (c2sp.org/tlog-checkpoint text, what auditors verify). Immutable.
 */
public record StoredCheckpoint(long size, byte[] rootHash, Instant issuedAt, String note) {
    public StoredCheckpoint {
        Objects.requireNonNull(rootHash);
        Objects.requireNonNull(issuedAt);
        Objects.requireNonNull(note);
        rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }
}
