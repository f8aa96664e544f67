package uk.safeguarding.interchange.ledger.merkle;

import java.util.List;

/**
 * Read access to the hashes of the perfect (complete, power-of-two sized) subtrees of an RFC 9162 Merkle tree.
 *
 * <p>{@code perfectNode(level, index)} is MTH over the {@code 2^level} leaves {@code [index * 2^level, (index + 1) *
 * 2^level)}; level 0 nodes are leaf hashes. Such a node never changes once the tree has grown past it, which is why
 * a ledger can store it once, at append time (see {@link CompactRange#append(byte[], NodeSink)}). Callers only ask for
 * nodes that lie entirely within the tree size they are working on. Implementations return a hash the caller may
 * not modify, or throw {@link IllegalStateException} when the node is unknown.
 */
@FunctionalInterface
public interface NodeSource {
    byte[] perfectNode(int level, long index);

    /**
     * A source computing every node from an in-memory list of leaf hashes (O(2^level) per node): for tests, the
     * offline verifier and small trees. The list is not copied; it must not change while the source is used.
     */
    static NodeSource ofLeafHashes(List<byte[]> leafHashes) {
        return new NodeSource() {
            @Override
            public byte[] perfectNode(int level, long index) {
                long start = index << level;
                long end = start + (1L << level);
                if (level < 0 || index < 0 || end > leafHashes.size()) {
                    throw new IllegalStateException("No perfect node at level " + level + " index " + index);
                }
                return compute(level, start);
            }

            private byte[] compute(int level, long start) {
                if (level == 0) {
                    return leafHashes.get(Math.toIntExact(start));
                }
                long half = 1L << (level - 1);
                return MerkleTree.nodeHash(compute(level - 1, start), compute(level - 1, start + half));
            }
        };
    }
}
