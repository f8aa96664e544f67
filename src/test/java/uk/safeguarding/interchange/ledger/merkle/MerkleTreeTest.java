package uk.safeguarding.interchange.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RFC 6962 reference vectors and exhaustive proof checks.
 *
 * <p>Vectors: the certificate-transparency reference test data as carried by transparency-dev/merkle,
 * proof/verify_test.go ({@code leaves}, {@code roots}, {@code inclusionProofs}, {@code consistencyProofs}; the Go
 * file numbers leaves from 1, here from 0). Also github.com/google/certificate-transparency
 * cpp/merkletree/merkle_tree_test.cc.
 */
class MerkleTreeTest {
    private static final HexFormat HEX = HexFormat.of();

    static final List<byte[]> LEAF_DATA = List.of(
            hex(""),
            hex("00"),
            hex("10"),
            hex("2021"),
            hex("3031"),
            hex("40414243"),
            hex("5051525354555657"),
            hex("606162636465666768696a6b6c6d6e6f"));

    /** Roots of the trees of sizes 1..8 over {@link #LEAF_DATA}. */
    static final List<String> ROOTS = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    record InclusionVector(long index, long size, List<String> proof) {}

    record ConsistencyVector(long first, long second, List<String> proof) {}

    static final List<InclusionVector> INCLUSION = List.of(
            new InclusionVector(0, 1, List.of()),
            new InclusionVector(
                    0,
                    8,
                    List.of(
                            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new InclusionVector(
                    5,
                    8,
                    List.of(
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new InclusionVector(2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new InclusionVector(
                    1,
                    5,
                    List.of(
                            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

    static final List<ConsistencyVector> CONSISTENCY = List.of(
            new ConsistencyVector(1, 1, List.of()),
            new ConsistencyVector(
                    1,
                    8,
                    List.of(
                            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new ConsistencyVector(
                    6,
                    8,
                    List.of(
                            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new ConsistencyVector(
                    2,
                    5,
                    List.of(
                            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new ConsistencyVector(
                    6,
                    7,
                    List.of(
                            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    private static final List<byte[]> LEAF_HASHES =
            LEAF_DATA.stream().map(MerkleTree::leafHash).toList();

    @Test
    void emptyTreeRootIsSha256OfNothing() {
        assertThat(HEX.formatHex(MerkleTree.emptyRoot()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(MerkleTree.root(List.of())).isEqualTo(MerkleTree.emptyRoot());
    }

    @Test
    void rootsMatchReferenceVectorsForSizesOneToEight() {
        for (int size = 1; size <= 8; size++) {
            List<byte[]> prefix = LEAF_HASHES.subList(0, size);
            assertThat(HEX.formatHex(MerkleTree.root(prefix)))
                    .as("root of size %d", size)
                    .isEqualTo(ROOTS.get(size - 1));
            assertThat(HEX.formatHex(referenceRoot(prefix))).isEqualTo(ROOTS.get(size - 1));
        }
    }

    @Test
    void inclusionProofsMatchReferenceVectorsAndVerify() {
        for (InclusionVector vector : INCLUSION) {
            List<byte[]> proof = MerkleTree.inclusionProof(LEAF_HASHES, vector.index(), vector.size());
            assertThat(proof.stream().map(HEX::formatHex).toList())
                    .as("proof of %d in %d", vector.index(), vector.size())
                    .isEqualTo(vector.proof());
            byte[] root = hex(ROOTS.get((int) vector.size() - 1));
            assertThat(MerkleTree.verifyInclusion(
                            vector.index(),
                            vector.size(),
                            LEAF_HASHES.get((int) vector.index()),
                            hexes(vector.proof()),
                            root))
                    .isTrue();
        }
    }

    @Test
    void consistencyProofsMatchReferenceVectorsAndVerify() {
        for (ConsistencyVector vector : CONSISTENCY) {
            List<byte[]> proof = MerkleTree.consistencyProof(LEAF_HASHES, vector.first(), vector.second());
            assertThat(proof.stream().map(HEX::formatHex).toList())
                    .as("proof %d to %d", vector.first(), vector.second())
                    .isEqualTo(vector.proof());
            assertThat(MerkleTree.verifyConsistency(
                            vector.first(),
                            vector.second(),
                            hexes(vector.proof()),
                            hex(ROOTS.get((int) vector.first() - 1)),
                            hex(ROOTS.get((int) vector.second() - 1))))
                    .isTrue();
        }
    }

    @Test
    void everyInclusionProofUpToSixtyFourVerifiesAndEveryTamperingFails() {
        List<byte[]> leaves = leaves(64);
        for (int size = 1; size <= 64; size++) {
            byte[] root = referenceRoot(leaves.subList(0, size));
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = MerkleTree.inclusionProof(leaves, index, size);
                byte[] leaf = leaves.get(index);
                assertThat(MerkleTree.verifyInclusion(index, size, leaf, proof, root))
                        .as("leaf %d of %d", index, size)
                        .isTrue();
                assertThat(MerkleTree.verifyInclusion(index, size, leaves.get((index + 1) % 64), proof, root))
                        .isFalse();
                assertThat(MerkleTree.verifyInclusion(index + 1, size, leaf, proof, root))
                        .isFalse();
                if (index > 0) {
                    assertThat(MerkleTree.verifyInclusion(index - 1, size, leaf, proof, root))
                            .isFalse();
                }
                assertThat(MerkleTree.verifyInclusion(index, size * 2L, leaf, proof, root))
                        .isFalse();
                assertThat(MerkleTree.verifyInclusion(index, size, leaf, proof, MerkleTree.emptyRoot()))
                        .isFalse();
                assertThat(MerkleTree.verifyInclusion(index, size, leaf, append(proof, root), root))
                        .isFalse();
                assertThat(MerkleTree.verifyInclusion(index, size, leaf, prepend(root, proof), root))
                        .isFalse();
                for (int i = 0; i < proof.size(); i++) {
                    assertThat(MerkleTree.verifyInclusion(index, size, leaf, flipBit(proof, i), root))
                            .as("leaf %d of %d, proof[%d] flipped", index, size, i)
                            .isFalse();
                    assertThat(MerkleTree.verifyInclusion(index, size, leaf, without(proof, i), root))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void everyConsistencyProofUpToSixtyFourVerifiesAndEveryTamperingFails() {
        List<byte[]> leaves = leaves(64);
        List<byte[]> roots = new ArrayList<>();
        for (int size = 0; size <= 64; size++) {
            roots.add(referenceRoot(leaves.subList(0, size)));
        }
        for (int second = 0; second <= 64; second++) {
            for (int first = 0; first <= second; first++) {
                List<byte[]> proof = MerkleTree.consistencyProof(leaves, first, second);
                byte[] r1 = roots.get(first);
                byte[] r2 = roots.get(second);
                assertThat(MerkleTree.verifyConsistency(first, second, proof, r1, r2))
                        .as("%d to %d", first, second)
                        .isTrue();
                if (first == 0 || first == second) {
                    assertThat(proof).isEmpty();
                    continue;
                }
                assertThat(MerkleTree.verifyConsistency(first, second, proof, r2, r1))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first, second, proof, roots.get(first - 1), r2))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first - 1, second, proof, r1, r2))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first + 1, second, proof, r1, r2))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first, second * 2L, proof, r1, r2))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first, second, List.of(), r1, r2))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first, second, append(proof, r2), r1, r2))
                        .isFalse();
                assertThat(MerkleTree.verifyConsistency(first, second, prepend(r1, proof), r1, r2))
                        .isFalse();
                for (int i = 0; i < proof.size(); i++) {
                    assertThat(MerkleTree.verifyConsistency(first, second, flipBit(proof, i), r1, r2))
                            .as("%d to %d, proof[%d] flipped", first, second, i)
                            .isFalse();
                    assertThat(MerkleTree.verifyConsistency(first, second, without(proof, i), r1, r2))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void trivialConsistencyCasesFollowTheDocumentedRules() {
        byte[] a = MerkleTree.leafHash(new byte[] {1});
        byte[] b = MerkleTree.leafHash(new byte[] {2});
        assertThat(MerkleTree.verifyConsistency(3, 3, List.of(), a, a)).isTrue();
        assertThat(MerkleTree.verifyConsistency(3, 3, List.of(), a, b)).isFalse();
        assertThat(MerkleTree.verifyConsistency(3, 3, List.of(a), a, a)).isFalse();
        assertThat(MerkleTree.verifyConsistency(0, 3, List.of(a), a, b)).isFalse();
        assertThat(MerkleTree.verifyConsistency(4, 3, List.of(a), a, b)).isFalse();
    }

    @Test
    void rejectsMalformedHashesInsteadOfVerifying() {
        byte[] leaf = LEAF_HASHES.get(0);
        assertThat(MerkleTree.verifyInclusion(0, 1, leaf, List.of(), new byte[31]))
                .isFalse();
        assertThat(MerkleTree.verifyInclusion(0, 1, new byte[0], List.of(), leaf))
                .isFalse();
        assertThat(MerkleTree.verifyInclusion(0, 0, leaf, List.of(), leaf)).isFalse();
        assertThatThrownBy(() -> MerkleTree.nodeHash(new byte[32], new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MerkleTree.inclusionProof(LEAF_HASHES, 8, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** MTH exactly as RFC 9162 §2.1.1 writes it: recursive, split at the largest power of two below n. */
    static byte[] referenceRoot(List<byte[]> leafHashes) {
        int n = leafHashes.size();
        if (n == 0) {
            return sha256(new byte[0]);
        }
        if (n == 1) {
            return leafHashes.get(0);
        }
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        byte[] left = referenceRoot(leafHashes.subList(0, k));
        byte[] right = referenceRoot(leafHashes.subList(k, n));
        byte[] input = new byte[65];
        input[0] = 1;
        System.arraycopy(left, 0, input, 1, 32);
        System.arraycopy(right, 0, input, 33, 32);
        return sha256(input);
    }

    static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(MerkleTree.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> flipBit(List<byte[]> proof, int i) {
        List<byte[]> copy = new ArrayList<>(proof);
        byte[] changed = copy.get(i).clone();
        changed[0] ^= 8;
        copy.set(i, changed);
        return copy;
    }

    private static List<byte[]> without(List<byte[]> proof, int i) {
        List<byte[]> copy = new ArrayList<>(proof);
        copy.remove(i);
        return copy;
    }

    private static List<byte[]> append(List<byte[]> proof, byte[] extra) {
        List<byte[]> copy = new ArrayList<>(proof);
        copy.add(extra);
        return copy;
    }

    private static List<byte[]> prepend(byte[] extra, List<byte[]> proof) {
        List<byte[]> copy = new ArrayList<>();
        copy.add(extra);
        copy.addAll(proof);
        return copy;
    }

    static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    private static List<byte[]> hexes(List<String> hexes) {
        return hexes.stream().map(MerkleTreeTest::hex).toList();
    }
}
