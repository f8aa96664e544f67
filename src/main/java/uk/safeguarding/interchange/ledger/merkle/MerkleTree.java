package uk.safeguarding.interchange.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The RFC 9162 §2.1 Merkle tree with SHA-256: leaf hash {@code SHA-256(0x00 || data)}, interior node {@code
 * SHA-256(0x01 || left || right)}, MTH over {@code n} leaves split at the largest power of two below {@code n}, and
 * the empty tree's root {@code SHA-256("")}. Inclusion and consistency proofs are generated per §2.1.3.1 / §2.1.4.1
 * from a {@link NodeSource} and verified per §2.1.3.2 / §2.1.4.2. Proofs are lists of 32-byte hashes, nearest the leaf
 * first. Stateless and thread-safe; no method keeps or modifies the arrays it is given.
 */
public final class MerkleTree {
    /** Bytes in every hash. */
    public static final int HASH_SIZE = 32;

    private MerkleTree() {}

    /** {@code SHA-256("")}, the root of the empty tree. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** {@code SHA-256(0x00 || data)}. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest digest = sha256();
        digest.update((byte) 0x00);
        digest.update(data);
        return digest.digest();
    }

    /** {@code SHA-256(0x01 || left || right)}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = sha256();
        digest.update((byte) 0x01);
        digest.update(checkHash(left));
        digest.update(checkHash(right));
        return digest.digest();
    }

    /** MTH over the given leaf hashes, in one O(n) pass. */
    public static byte[] root(List<byte[]> leafHashes) {
        CompactRange range = CompactRange.empty();
        for (byte[] leafHash : leafHashes) {
            range = range.append(leafHash);
        }
        return range.root();
    }

    /**
     * MTH over leaves {@code [start, end)}, where {@code start} is a multiple of the largest power of two not above
     * {@code end - start} (true of every subtree RFC 9162's proofs use and of every prefix): the perfect subtrees the range splits into,
     * folded from the right. O(log n) node reads.
     */
    public static byte[] subtreeHash(long start, long end, NodeSource source) {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("Empty or negative range [" + start + ", " + end + ")");
        }
        long length = end - start;
        // The leftmost part must be a stored perfect subtree; the smaller parts after it are then aligned too.
        if ((start & (Long.highestOneBit(length) - 1)) != 0) {
            throw new IllegalArgumentException("Range [" + start + ", " + end + ") is not a subtree");
        }
        List<byte[]> parts = new ArrayList<>();
        long position = start;
        for (int level = 63; level >= 0; level--) {
            if ((length & (1L << level)) != 0) {
                parts.add(checkHash(source.perfectNode(level, position >> level)));
                position += 1L << level;
            }
        }
        byte[] hash = parts.get(parts.size() - 1);
        for (int i = parts.size() - 2; i >= 0; i--) {
            hash = nodeHash(parts.get(i), hash);
        }
        return hash.clone();
    }

    /** The inclusion proof (audit path) of leaf {@code index} in the tree of {@code size} leaves (§2.1.3.1). */
    public static List<byte[]> inclusionProof(long index, long size, NodeSource source) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("Leaf " + index + " is not in a tree of size " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        path(index, 0, size, source, proof);
        return Collections.unmodifiableList(proof);
    }

    /** {@link #inclusionProof(long, long, NodeSource)} over an in-memory list of leaf hashes. */
    public static List<byte[]> inclusionProof(List<byte[]> leafHashes, long index, long size) {
        requireWithin(leafHashes, size);
        return inclusionProof(index, size, NodeSource.ofLeafHashes(leafHashes));
    }

    // PATH(m, D[start:end]); appends the deepest sibling first, as the RFC's concatenation order gives.
    private static void path(long m, long start, long end, NodeSource source, List<byte[]> proof) {
        if (end - start == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(end - start);
        if (m < start + k) {
            path(m, start, start + k, source, proof);
            proof.add(subtreeHash(start + k, end, source));
        } else {
            path(m, start + k, end, source, proof);
            proof.add(subtreeHash(start, start + k, source));
        }
    }

    /**
     * The consistency proof between the trees of sizes {@code first} and {@code second} (§2.1.4.1); empty when
     * {@code first} is 0 or equals {@code second}.
     */
    public static List<byte[]> consistencyProof(long first, long second, NodeSource source) {
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("No consistency proof from size " + first + " to " + second);
        }
        List<byte[]> proof = new ArrayList<>();
        if (first > 0 && first < second) {
            subproof(first, 0, second, true, source, proof);
        }
        return Collections.unmodifiableList(proof);
    }

    /** {@link #consistencyProof(long, long, NodeSource)} over an in-memory list of leaf hashes. */
    public static List<byte[]> consistencyProof(List<byte[]> leafHashes, long first, long second) {
        requireWithin(leafHashes, second);
        return consistencyProof(first, second, NodeSource.ofLeafHashes(leafHashes));
    }

    // SUBPROOF(m, D[start:end], b), with m counted from start.
    private static void subproof(long m, long start, long end, boolean whole, NodeSource source, List<byte[]> proof) {
        long n = end - start;
        if (m == n) {
            if (!whole) {
                proof.add(subtreeHash(start, end, source));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, whole, source, proof);
            proof.add(subtreeHash(start + k, end, source));
        } else {
            subproof(m - k, start + k, end, false, source, proof);
            proof.add(subtreeHash(start, start + k, source));
        }
    }

    /**
     * Whether {@code proof} proves that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves
     * whose root is {@code root}: the algorithm of RFC 9162 §2.1.3.2, step by step.
     */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (!isHash(leafHash) || !isHash(root) || !allHashes(proof)) {
            return false;
        }
        // 1. leaf_index must be below tree_size.
        if (index < 0 || index >= size) {
            return false;
        }
        // 2. fn = leaf_index, sn = tree_size - 1. 3. r = hash.
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        // 4. For each p in inclusion_path:
        for (byte[] p : proof) {
            // a. sn == 0: the path is longer than the tree is high.
            if (sn == 0) {
                return false;
            }
            // b. fn is a right child, or the last node of its level: p is on the left.
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                // Skip the levels where the node has no right sibling (it is promoted unchanged).
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            // c. One level up.
            fn >>= 1;
            sn >>= 1;
        }
        // 5. The path must end at the root, and reproduce it.
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * Whether {@code proof} proves that the tree of {@code first} leaves with root {@code firstRoot} is a prefix of
     * the tree of {@code second} leaves with root {@code secondRoot}: RFC 9162 §2.1.4.2, step by step. The RFC
     * leaves the trivial sizes to the caller; here {@code first == second} holds with an empty proof and equal roots,
     * and {@code first == 0} with an empty proof (the empty tree is a prefix of every tree).
     */
    public static boolean verifyConsistency(
            long first, long second, List<byte[]> proof, byte[] firstRoot, byte[] secondRoot) {
        if (!isHash(firstRoot) || !isHash(secondRoot) || !allHashes(proof)) {
            return false;
        }
        if (first < 0 || first > second) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        // 1. An empty consistency_path fails.
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        // 2. If first is an exact power of 2, prepend first_hash.
        if (Long.bitCount(first) == 1) {
            path.add(0, firstRoot);
        }
        // 3. fn = first - 1, sn = second - 1.
        long fn = first - 1;
        long sn = second - 1;
        // 4. While LSB(fn) is set, shift both right.
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        // 5. fr = sr = the first value of the path.
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        // 6. For each subsequent value c:
        for (byte[] c : path.subList(1, path.size())) {
            // a.
            if (sn == 0) {
                return false;
            }
            // b.
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            // c.
            fn >>= 1;
            sn >>= 1;
        }
        // 7.
        return MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot) && sn == 0;
    }

    /** The largest power of two strictly below {@code n} (n &gt; 1). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    static byte[] checkHash(byte[] hash) {
        if (!isHash(hash)) {
            throw new IllegalArgumentException("Not a " + HASH_SIZE + "-byte hash");
        }
        return hash;
    }

    private static boolean isHash(byte[] hash) {
        return hash != null && hash.length == HASH_SIZE;
    }

    private static boolean allHashes(List<byte[]> proof) {
        if (proof == null) {
            return false;
        }
        for (byte[] hash : proof) {
            if (!isHash(hash)) {
                return false;
            }
        }
        return true;
    }

    private static void requireWithin(List<byte[]> leafHashes, long size) {
        if (size > leafHashes.size()) {
            throw new IllegalArgumentException("Tree size " + size + " exceeds the " + leafHashes.size() + " leaves");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
