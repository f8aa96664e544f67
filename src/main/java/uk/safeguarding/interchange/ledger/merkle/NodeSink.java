package uk.safeguarding.interchange.ledger.merkle;

/**
 * Receives each perfect subtree hash as it becomes final during {@link CompactRange#append(byte[], NodeSink)}: the
 * new leaf (level 0) and every subtree the leaf completes. A store that keeps them can serve as a {@link
 * NodeSource} for proofs. The hash array is the caller's to keep.
 */
@FunctionalInterface
public interface NodeSink {
    void accept(int level, long index, byte[] hash);

    /** A sink that keeps nothing. */
    NodeSink NONE = (level, index, hash) -> {};
}
