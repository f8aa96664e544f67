package uk.safeguarding.interchange.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactRangeTest {

    @Test
    void incrementalRootEqualsRecursiveDefinitionAtEverySize() {
        List<byte[]> leaves = MerkleTreeTest.leaves(300);
        CompactRange range = CompactRange.empty();
        assertThat(range.root()).isEqualTo(MerkleTree.emptyRoot());
        for (int i = 0; i < leaves.size(); i++) {
            range = range.append(leaves.get(i));
            assertThat(range.size()).isEqualTo(i + 1);
            assertThat(range.nodes()).hasSize(Long.bitCount(i + 1));
            assertThat(range.root())
                    .as("size %d", i + 1)
                    .isEqualTo(MerkleTreeTest.referenceRoot(leaves.subList(0, i + 1)));
        }
    }

    @Test
    void storedNodesServeProofsThatMatchTheListBasedOnesForRandomSizes() {
        Random random = new Random(20260101L);
        for (int round = 0; round < 20; round++) {
            int size = 1 + random.nextInt(700);
            List<byte[]> leaves = new ArrayList<>();
            InMemoryNodeStore store = new InMemoryNodeStore();
            CompactRange range = CompactRange.empty();
            List<byte[]> roots = new ArrayList<>();
            roots.add(range.root());
            for (int i = 0; i < size; i++) {
                byte[] data = new byte[1 + random.nextInt(40)];
                random.nextBytes(data);
                byte[] leaf = MerkleTree.leafHash(data);
                leaves.add(leaf);
                range = range.append(leaf, store);
                roots.add(range.root());
            }
            NodeSource computed = NodeSource.ofLeafHashes(leaves);
            for (int probe = 0; probe < 30; probe++) {
                long treeSize = 1 + random.nextInt(size);
                long index = random.nextInt((int) treeSize);
                List<byte[]> proof = MerkleTree.inclusionProof(index, treeSize, store);
                assertThat(hex(proof)).isEqualTo(hex(MerkleTree.inclusionProof(index, treeSize, computed)));
                assertThat(MerkleTree.verifyInclusion(
                                index, treeSize, leaves.get((int) index), proof, roots.get((int) treeSize)))
                        .isTrue();
                long first = random.nextInt((int) treeSize + 1);
                List<byte[]> consistency = MerkleTree.consistencyProof(first, treeSize, store);
                assertThat(hex(consistency)).isEqualTo(hex(MerkleTree.consistencyProof(first, treeSize, computed)));
                assertThat(MerkleTree.verifyConsistency(
                                first, treeSize, consistency, roots.get((int) first), roots.get((int) treeSize)))
                        .isTrue();
                assertThat(MerkleTree.subtreeHash(0, treeSize, store)).isEqualTo(roots.get((int) treeSize));
            }
            CompactRange restored = CompactRange.of(size, store);
            assertThat(hex(restored.nodes())).isEqualTo(hex(range.nodes()));
            assertThat(restored.root()).isEqualTo(range.root());
        }
    }

    @Test
    void appendReportsTheLeafAndEveryCompletedSubtree() {
        List<String> reported = new ArrayList<>();
        CompactRange range = CompactRange.empty();
        for (byte[] leaf : MerkleTreeTest.leaves(4)) {
            range = range.append(leaf, (level, index, hash) -> reported.add(level + "/" + index));
        }
        assertThat(reported).containsExactly("0/0", "0/1", "1/0", "0/2", "0/3", "1/1", "2/0");
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(java.util.HexFormat.of()::formatHex).toList();
    }
}
