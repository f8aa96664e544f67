package uk.safeguarding.interchange.ledger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.trust.Jcs;

/**
 * Reads the ledger from the database: the committed tree size, roots and RFC 9162 proofs from the stored nodes,
 * searches, a message's trail and exports. Entries are given as they are stored, with the leaf hash recorded at
 * append time, even when a row no longer forms a valid entry (tampering is for the verifier to name, not for the
 * reader to hide). Thread-safe.
 */
public final class LedgerReader {
    private static final String COLUMNS = "seq, ts, event, tracking_id, sender_message_id, actor, counterparty,"
            + " message_type, payload_sha256, reason, error_code, leaf_hash";
    /** {@link #COLUMNS} of the entry table aliased {@code e}. */
    private static final String ENTRY_COLUMNS = "e." + COLUMNS.replace(", ", ", e.");

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final DataSource dataSource;

    public LedgerReader(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource);
    }

    /** The number of committed entries (the tree size). */
    public long treeSize() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return treeSize(c);
        }
    }

    static long treeSize(Connection c) throws SQLException {
        return nextSeq(c, "ledger_head");
    }

    /** The {@code next_seq} of a one-row head table: {@code ledger_head} or {@code ledger_search_head}. */
    static long nextSeq(Connection c, String headTable) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT next_seq FROM " + headTable + " WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException(headTable + " row is missing");
            }
            return rs.getLong(1);
        }
    }

    /** The root hash of the tree of the first {@code size} entries ({@code size} at most the tree size). */
    public byte[] root(long size) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            requireWithin(c, size);
            return root(c, size);
        }
    }

    static byte[] root(Connection c, long size) throws SQLException {
        if (size == 0) {
            return MerkleTree.emptyRoot();
        }
        try (LedgerNodes nodes = LedgerNodes.on(c)) {
            return MerkleTree.subtreeHash(0, size, nodes);
        } catch (LedgerNodes.StorageException e) {
            throw e.getCause();
        }
    }

    /** The inclusion proof of entry {@code seq} in the tree of {@code size} entries. */
    public List<byte[]> inclusionProof(long seq, long size) throws SQLException {
        if (seq < 0 || seq >= size) {
            throw new IllegalArgumentException("seq must be below the tree size");
        }
        try (Connection c = dataSource.getConnection();
                LedgerNodes nodes = LedgerNodes.on(c)) {
            requireWithin(c, size);
            return MerkleTree.inclusionProof(seq, size, nodes);
        } catch (LedgerNodes.StorageException e) {
            throw e.getCause();
        }
    }

    /** The consistency proof from the tree of {@code first} entries to the tree of {@code second}. */
    public List<byte[]> consistencyProof(long first, long second) throws SQLException {
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("first must be between 0 and second");
        }
        try (Connection c = dataSource.getConnection();
                LedgerNodes nodes = LedgerNodes.on(c)) {
            requireWithin(c, second);
            return MerkleTree.consistencyProof(first, second, nodes);
        } catch (LedgerNodes.StorageException e) {
            throw e.getCause();
        }
    }

    /** The leaf hash recorded for entry {@code seq}, from the tree's own level-0 node. */
    public byte[] leafHash(long seq) throws SQLException {
        try (Connection c = dataSource.getConnection();
                LedgerNodes nodes = LedgerNodes.on(c)) {
            requireWithin(c, seq + 1);
            return nodes.perfectNode(0, seq);
        } catch (LedgerNodes.StorageException e) {
            throw e.getCause();
        }
    }

    private static void requireWithin(Connection c, long size) throws SQLException {
        if (size < 0 || size > treeSize(c)) {
            throw new IllegalArgumentException("size is beyond the ledger's tree size");
        }
    }

    /**
     * The entries matching {@code query}, as export-line objects (the entry's fields plus {@code leafHash}), at most
     * {@code query.limit()}.
     */
    public List<ObjectNode> search(LedgerQuery query) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            SearchStatement statement = searchStatement(query, LedgerSearchIndex.head(c));
            try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
                for (int i = 0; i < statement.params().size(); i++) {
                    Object p = statement.params().get(i);
                    if (p instanceof Long l) {
                        ps.setLong(i + 1, l);
                    } else if (p instanceof Timestamp t) {
                        ps.setTimestamp(i + 1, t);
                    } else {
                        ps.setString(i + 1, (String) p);
                    }
                }
                List<ObjectNode> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(line(rs));
                    }
                }
                return rows;
            }
        }
    }

    /** A search's SQL and its parameters ({@code Long}, {@code Timestamp} or {@code String}), in order. */
    record SearchStatement(String sql, List<Object> params) {}

    /** One criterion: its column and value, applied to {@code ledger_search} or {@code ledger_entry} alike. */
    private record Criterion(String column, String operator, Object value) {}

    /**
     * The SQL of {@link #search} when entries below {@code indexedBelow} are in {@code ledger_search} (decision
     * 0016). A tracking id selects a few entries by {@code ledger_entry}'s own index, and the other criteria filter
     * them. Otherwise the search has two parts whose pages are merged in seq order: the entries below the head read
     * through {@code ledger_search}'s indexes (each found row joined to its entry by seq), and the entries from the
     * head on — what the index has not reached, about a second's worth — read from {@code ledger_entry} by seq.
     *
     * <p>In the indexed part an organisation is the actor or the counterparty of an entry; asked with {@code OR}, H2
     * read every entry from {@code afterSeq} on until it had a page, so an organisation with few entries cost a read
     * of the whole ledger. Instead each of the two is read by its own {@code (actor, seq)} or {@code (counterparty,
     * seq)} index in seq order, a page at most from each; an entry whose actor is also its counterparty is taken
     * once, from the first. An event alone is read the same way by {@code (event, seq)}, a sender's message id by
     * its own index.
     */
    static SearchStatement searchStatement(LedgerQuery query, long indexedBelow) {
        List<Criterion> criteria = new ArrayList<>();
        criteria.add(new Criterion("seq", ">", query.afterSeq()));
        if (query.senderMessageId() != null) {
            criteria.add(new Criterion("sender_message_id", "=", query.senderMessageId()));
        }
        if (query.event() != null) {
            criteria.add(new Criterion("event", "=", query.event().name()));
        }
        if (query.from() != null) {
            criteria.add(new Criterion("ts", ">=", Timestamp.from(query.from())));
        }
        if (query.to() != null) {
            criteria.add(new Criterion("ts", "<", Timestamp.from(query.to())));
        }
        String page = " FETCH FIRST " + query.limit() + " ROWS ONLY";
        String organisation = query.organisation();
        List<Object> params = new ArrayList<>();
        if (query.trackingId() != null) {
            criteria.add(new Criterion("tracking_id", "=", query.trackingId()));
            String filters = filters("", criteria, params) + organisationFilter("", organisation, params);
            return new SearchStatement(
                    "SELECT " + COLUMNS + " FROM ledger_entry WHERE " + filters + " ORDER BY seq" + page, params);
        }
        String indexed = "SELECT " + ENTRY_COLUMNS + " FROM ledger_search s JOIN ledger_entry e ON e.seq = s.seq";
        String below;
        // Each part's parameters are added as its text is built, left to right.
        if (organisation != null && query.senderMessageId() == null) {
            params.add(organisation);
            params.add(indexedBelow);
            String asActor = part(
                    indexed,
                    "s.actor = ? AND s.seq < ? AND " + filters("s.", criteria, params),
                    "s.actor, s.seq",
                    page);
            params.add(organisation);
            params.add(organisation);
            params.add(indexedBelow);
            String asCounterparty = part(
                    indexed,
                    "s.counterparty = ? AND s.actor IS DISTINCT FROM ? AND s.seq < ? AND "
                            + filters("s.", criteria, params),
                    "s.counterparty, s.seq",
                    page);
            below = asActor + " UNION ALL " + asCounterparty;
        } else {
            params.add(indexedBelow);
            // With the event fixed, "event, seq" is seq order, and it lets H2 read (event, seq) in order and stop.
            String order = query.event() != null && query.senderMessageId() == null ? "s.event, s.seq" : "s.seq";
            below = part(
                    indexed,
                    "s.seq < ? AND " + filters("s.", criteria, params) + organisationFilter("s.", organisation, params),
                    order,
                    page);
        }
        params.add(indexedBelow);
        String fromHead = part(
                "SELECT " + COLUMNS + " FROM ledger_entry",
                "seq >= ? AND " + filters("", criteria, params) + organisationFilter("", organisation, params),
                "seq",
                page);
        return new SearchStatement(below + " UNION ALL " + fromHead + " ORDER BY seq" + page, params);
    }

    /** One parenthesised part of a search: {@code select}, its conditions, its order and its page. */
    private static String part(String select, String where, String order, String page) {
        return "(" + select + " WHERE " + where + " ORDER BY " + order + page + ")";
    }

    private static String filters(String table, List<Criterion> criteria, List<Object> params) {
        StringBuilder sql = new StringBuilder();
        for (Criterion criterion : criteria) {
            if (!sql.isEmpty()) {
                sql.append(" AND ");
            }
            sql.append(table)
                    .append(criterion.column())
                    .append(' ')
                    .append(criterion.operator())
                    .append(" ?");
            params.add(criterion.value());
        }
        return sql.toString();
    }

    private static String organisationFilter(String table, String organisation, List<Object> params) {
        if (organisation == null) {
            return "";
        }
        params.add(organisation);
        params.add(organisation);
        return " AND (" + table + "actor = ? OR " + table + "counterparty = ?)";
    }

    /** Every entry about {@code trackingId}, across all its recipients, in seq order. */
    public List<ObjectNode> trail(String trackingId) throws SQLException {
        List<ObjectNode> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT " + COLUMNS + " FROM ledger_entry WHERE tracking_id = ? ORDER BY seq")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(line(rs));
                }
            }
        }
        return rows;
    }

    /**
     * Writes entries {@code [from, to)} as export lines ({@link LedgerExportLine}, JCS JSON, one per line) to {@code
     * out}, in seq order; returns how many were written. {@code to} must not exceed the tree size.
     */
    public long export(long from, long to, Writer out) throws SQLException {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("from must be between 0 and to");
        }
        long written = 0;
        try (Connection c = dataSource.getConnection()) {
            requireWithin(c, to);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM ledger_entry WHERE seq >= ? AND seq < ? ORDER BY seq")) {
                ps.setFetchSize(500);
                ps.setLong(1, from);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.write(Jcs.canonicalString(line(rs)));
                        out.write('\n');
                        written++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /**
     * One stored row as an export-line object. Through {@link LedgerEntry} when the row is a valid entry (so the
     * text is exactly the canonical form); a row that no longer is one is given field by field, for the verifier to
     * name.
     */
    private static ObjectNode line(ResultSet rs) throws SQLException {
        long seq = rs.getLong("seq");
        Instant time = rs.getTimestamp("ts").toInstant();
        byte[] leafHash = rs.getBytes("leaf_hash");
        String event = rs.getString("event");
        ObjectNode node;
        try {
            node = new LedgerEntry(
                            seq,
                            time,
                            LedgerEvent.valueOf(event),
                            rs.getString("tracking_id"),
                            rs.getString("sender_message_id"),
                            rs.getString("actor"),
                            rs.getString("counterparty"),
                            rs.getString("message_type"),
                            rs.getString("payload_sha256"),
                            rs.getString("reason"),
                            rs.getString("error_code"))
                    .toJson();
        } catch (IllegalArgumentException | NullPointerException e) {
            node = JsonNodeFactory.instance.objectNode();
            node.put("seq", seq);
            node.put("time", TIME.format(time));
            put(node, "event", event);
            put(node, "trackingId", rs.getString("tracking_id"));
            put(node, "senderMessageId", rs.getString("sender_message_id"));
            put(node, "actor", rs.getString("actor"));
            put(node, "counterparty", rs.getString("counterparty"));
            put(node, "messageType", rs.getString("message_type"));
            put(node, "payloadSha256", rs.getString("payload_sha256"));
            put(node, "reason", rs.getString("reason"));
            put(node, "errorCode", rs.getString("error_code"));
        }
        if (leafHash != null) {
            node.put(LedgerExportLine.LEAF_HASH, HEX.formatHex(leafHash));
        }
        return node;
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
