package uk.safeguarding.interchange.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.trust.Jcs;
import uk.safeguarding.interchange.trust.StrictJson;

/**
 * One line of a ledger export (JSON lines, decision 0004): the entry's fields exactly as in its canonical form, plus
 * {@code leafHash}, the hex leaf hash the gateway recorded when it appended the entry. The line is itself written in
 * JCS form. The recorded hash is evidence, not trust: the verifier authenticates the recorded hashes against a
 * signed checkpoint root and then compares each with the hash it recomputes from the entry's fields, which names an
 * altered entry exactly. Immutable.
 */
public record LedgerExportLine(LedgerEntry entry, byte[] recordedLeafHash) {
    /** The extra member an export line carries. */
    public static final String LEAF_HASH = "leafHash";

    private static final StrictJson JSON = new StrictJson(64 * 1024);
    private static final HexFormat HEX = HexFormat.of();

    public LedgerExportLine {
        if (entry == null || recordedLeafHash == null || recordedLeafHash.length != MerkleTree.HASH_SIZE) {
            throw new IllegalArgumentException("An export line needs an entry and a 32-byte leaf hash");
        }
        recordedLeafHash = recordedLeafHash.clone();
    }

    /** The line for an entry whose recorded leaf hash is its own (what an honest ledger exports). */
    public static LedgerExportLine of(LedgerEntry entry) {
        return new LedgerExportLine(entry, entry.leafHash());
    }

    @Override
    public byte[] recordedLeafHash() {
        return recordedLeafHash.clone();
    }

    /** The JSON line, without its terminating newline. */
    public String toJsonLine() {
        ObjectNode node = entry.toJson();
        node.put(LEAF_HASH, HEX.formatHex(recordedLeafHash));
        return Jcs.canonicalString(node);
    }

    /**
     * Parses one line (without its newline). Rejects malformed JSON, duplicate keys, unknown members and anything
     * {@link LedgerEntry#fromJson(JsonNode, Set)} rejects.
     *
     * @throws IllegalArgumentException naming what is wrong, never a field's value
     */
    public static LedgerExportLine parse(String line) {
        JsonNode node;
        try {
            node = JSON.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (GatewayException e) {
            throw new IllegalArgumentException(
                    "not a JSON object (" + e.errorCode().code() + ")", e);
        }
        LedgerEntry entry = LedgerEntry.fromJson(node, Set.of(LEAF_HASH));
        JsonNode leafHash = node.get(LEAF_HASH);
        if (leafHash == null || !leafHash.isTextual() || !leafHash.textValue().matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(LEAF_HASH + " is missing or not 64 lower-case hex digits");
        }
        return new LedgerExportLine(entry, HEX.parseHex(leafHash.textValue()));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LedgerExportLine that
                && entry.equals(that.entry)
                && java.util.Arrays.equals(recordedLeafHash, that.recordedLeafHash);
    }

    @Override
    public int hashCode() {
        return entry.hashCode() * 31 + java.util.Arrays.hashCode(recordedLeafHash);
    }

    @Override
    public String toString() {
        return "LedgerExportLine[seq=" + entry.seq() + ", leafHash=" + HEX.formatHex(recordedLeafHash) + "]";
    }
}
