package uk.safeguarding.interchange.ledger.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Every perfect subtree hash of a tree, in memory: a {@link NodeSink} to append into and a {@link NodeSource} to
 * prove from. About two hashes per leaf. For tests and modest trees; a ledger of millions of entries keeps the same
 * (level, index, hash) rows in its database. Not thread-safe.
 */
public final class InMemoryNodeStore implements NodeSink, NodeSource {
    private final List<List<byte[]>> levels = new ArrayList<>();

    @Override
    public void accept(int level, long index, byte[] hash) {
        while (levels.size() <= level) {
            levels.add(new ArrayList<>());
        }
        List<byte[]> nodes = levels.get(level);
        if (index != nodes.size()) {
            throw new IllegalStateException(
                    "Node " + level + "/" + index + " out of order (have " + nodes.size() + ")");
        }
        nodes.add(hash.clone());
    }

    @Override
    public byte[] perfectNode(int level, long index) {
        if (level < 0
                || level >= levels.size()
                || index < 0
                || index >= levels.get(level).size()) {
            throw new IllegalStateException("No perfect node at level " + level + " index " + index);
        }
        return levels.get(level).get((int) index);
    }
}
