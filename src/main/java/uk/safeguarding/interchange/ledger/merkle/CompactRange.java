package uk.safeguarding.interchange.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right border of an append-only RFC 9162 Merkle tree: one perfect subtree hash per set bit of the tree size,
 * largest (leftmost) first. That is all an append needs, so appending costs O(log n) hashes and the root O(log n),
 * whatever the size; a ledger keeps the current range (or rebuilds it with {@link #of(long, NodeSource)}) and
 * stores the nodes each append reports to its {@link NodeSink} to serve proofs later.
 *
 * <p>Immutable and thread-safe: {@link #append} returns a new range.
 */
public final class CompactRange {
    private static final CompactRange EMPTY = new CompactRange(0, new byte[0][]);

    private final long size;
    private final byte[][] nodes;

    private CompactRange(long size, byte[][] nodes) {
        this.size = size;
        this.nodes = nodes;
    }

    /** The range of the empty tree. */
    public static CompactRange empty() {
        return EMPTY;
    }

    /**
     * The range of a tree of {@code size} leaves, read from stored perfect nodes (O(log n) reads): how a ledger
     * resumes after a restart.
     */
    public static CompactRange of(long size, NodeSource source) {
        if (size < 0) {
            throw new IllegalArgumentException("Negative tree size " + size);
        }
        byte[][] nodes = new byte[Long.bitCount(size)][];
        int i = 0;
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((size & (1L << level)) != 0) {
                nodes[i++] = MerkleTree.checkHash(source.perfectNode(level, start >> level))
                        .clone();
                start += 1L << level;
            }
        }
        return new CompactRange(size, nodes);
    }

    /** The number of leaves. */
    public long size() {
        return size;
    }

    /** The border hashes, largest subtree first (copies). */
    public List<byte[]> nodes() {
        List<byte[]> copy = new ArrayList<>(nodes.length);
        for (byte[] node : nodes) {
            copy.add(node.clone());
        }
        return copy;
    }

    /** Appends one leaf hash (not the entry: the caller has applied {@link MerkleTree#leafHash}). */
    public CompactRange append(byte[] leafHash) {
        return append(leafHash, NodeSink.NONE);
    }

    /**
     * Appends one leaf hash and reports to {@code sink} the leaf (level 0) and every perfect subtree it completes,
     * lowest level first.
     */
    public CompactRange append(byte[] leafHash, NodeSink sink) {
        if (size == Long.MAX_VALUE) {
            throw new IllegalStateException("Tree is full");
        }
        byte[] carry = MerkleTree.checkHash(leafHash).clone();
        long index = size;
        int level = 0;
        sink.accept(level, index, carry.clone());
        int kept = nodes.length;
        // Each set low bit of the old size is a sibling subtree that the new leaf completes.
        while ((size & (1L << level)) != 0) {
            carry = MerkleTree.nodeHash(nodes[--kept], carry);
            level++;
            index >>= 1;
            sink.accept(level, index, carry.clone());
        }
        byte[][] next = Arrays.copyOf(nodes, kept + 1);
        next[kept] = carry;
        return new CompactRange(size + 1, next);
    }

    /** The root hash MTH of the tree: SHA-256 of nothing when empty. */
    public byte[] root() {
        if (nodes.length == 0) {
            return MerkleTree.emptyRoot();
        }
        byte[] hash = nodes[nodes.length - 1];
        for (int i = nodes.length - 2; i >= 0; i--) {
            hash = MerkleTree.nodeHash(nodes[i], hash);
        }
        return hash.clone();
    }
}
