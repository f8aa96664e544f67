package uk.safeguarding.interchange.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointSigner;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointVerifier;
import uk.safeguarding.interchange.ledger.checkpoint.NoteSigningKey;
import uk.safeguarding.interchange.ledger.checkpoint.NoteVerifierKey;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.ledger.merkle.NodeSource;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.Transactions;

/**
 * The database-backed ledger (appender, stored Merkle nodes, reader, checkpoints) against a real, freshly migrated
 * database; subclasses supply H2 or PostgreSQL.
 */
abstract class LedgerStoreContract {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T09:00:00.123Z"), ZoneOffset.UTC);
    static final String SCHOOL = "urn:interchange:school:100001";

    /** A freshly migrated, empty database. */
    abstract DataSource dataSource();

    final LedgerAppender appender = new LedgerAppender(CLOCK);

    static NoteSigningKey devKey() throws Exception {
        return NoteSigningKey.parse(Files.readString(Path.of("certs-dev/ledger-signing.key"), StandardCharsets.UTF_8)
                .trim());
    }

    static NoteVerifierKey devVerifierKey() throws Exception {
        return NoteVerifierKey.parse(Files.readString(Path.of("certs-dev/ledger-signing.vkey"), StandardCharsets.UTF_8)
                .trim());
    }

    long append(String trackingId) throws SQLException {
        return appender.appendAlone(
                dataSource(),
                new NewLedgerEntry(
                        "ACCEPTED",
                        trackingId,
                        "msg-" + trackingId,
                        SCHOOL,
                        SCHOOL,
                        "safeguarding-referral",
                        "a".repeat(64),
                        null));
    }

    List<LedgerExportLine> exportAll() throws SQLException {
        LedgerReader reader = new LedgerReader(dataSource());
        StringWriter out = new StringWriter();
        reader.export(0, reader.treeSize(), out);
        return out.toString().lines().map(LedgerExportLine::parse).toList();
    }

    @Test
    void concurrentAppendsKeepAGapFreeSequenceAndTheStoredTreeEqualsTheRecursiveRoot() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<Long>> seqs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String trackingId = "t-" + i;
            seqs.add(pool.submit(() -> append(trackingId)));
        }
        List<Long> assigned = new ArrayList<>();
        for (Future<Long> seq : seqs) {
            assigned.add(seq.get());
        }
        pool.shutdown();

        assertThat(assigned).doesNotHaveDuplicates().hasSize(300);
        List<LedgerExportLine> lines = exportAll();
        assertThat(lines).extracting(l -> l.entry().seq()).containsExactlyElementsOf(range(300));
        List<byte[]> recomputed = new ArrayList<>();
        for (LedgerExportLine line : lines) {
            assertThat(line.recordedLeafHash()).isEqualTo(line.entry().leafHash());
            recomputed.add(line.entry().leafHash());
        }
        LedgerReader reader = new LedgerReader(dataSource());
        assertThat(reader.treeSize()).isEqualTo(300);
        assertThat(reader.root(300)).isEqualTo(MerkleTree.root(recomputed));
        for (long size : List.of(1L, 7L, 64L, 255L, 300L)) {
            byte[] root = MerkleTree.root(recomputed.subList(0, (int) size));
            assertThat(reader.root(size)).isEqualTo(root);
            for (long seq : List.of(0L, size / 2, size - 1)) {
                assertThat(MerkleTree.verifyInclusion(
                                seq, size, recomputed.get((int) seq), reader.inclusionProof(seq, size), root))
                        .as("inclusion of %d in %d", seq, size)
                        .isTrue();
            }
            assertThat(MerkleTree.verifyConsistency(
                            size, 300, reader.consistencyProof(size, 300), root, reader.root(300)))
                    .as("consistency %d..300", size)
                    .isTrue();
        }
        assertServesEveryPerfectNodeFromTheStoredLevels(recomputed);
    }

    /**
     * Every perfect node of the tree equals the one computed from the leaves, though only levels 4, 8, ... are stored
     * (one row per 16 entries at level 4, one per 256 at level 8).
     */
    void assertServesEveryPerfectNodeFromTheStoredLevels(List<byte[]> leaves) throws SQLException {
        NodeSource expected = NodeSource.ofLeafHashes(leaves);
        try (Connection c = dataSource().getConnection();
                LedgerNodes nodes = LedgerNodes.on(c)) {
            for (int level = 0; (1L << level) <= leaves.size(); level++) {
                for (long index = 0; (index + 1) << level <= leaves.size(); index++) {
                    assertThat(nodes.perfectNode(level, index))
                            .as("level %d index %d", level, index)
                            .isEqualTo(expected.perfectNode(level, index));
                }
                long beyond = leaves.size() >> level;
                int atLevel = level;
                assertThatThrownBy(() -> nodes.perfectNode(atLevel, beyond))
                        .as("level %d beyond the tree", level)
                        .isInstanceOf(IllegalStateException.class);
            }
            try (ResultSet rs = c.createStatement()
                    .executeQuery("SELECT level, COUNT(*) FROM ledger_node GROUP BY level ORDER BY level")) {
                List<String> counts = new ArrayList<>();
                while (rs.next()) {
                    counts.add(rs.getInt(1) + ":" + rs.getLong(2));
                }
                assertThat(counts).containsExactly("4:" + leaves.size() / 16, "8:" + leaves.size() / 256);
            }
        }
    }

    /** Every stored root (from the Merkle nodes) equals the root recomputed from the stored leaves. */
    void assertStoredTreeMatchesItsLeaves() throws SQLException {
        List<byte[]> leaves = new ArrayList<>();
        for (LedgerExportLine line : exportAll()) {
            leaves.add(line.recordedLeafHash());
        }
        LedgerReader reader = new LedgerReader(dataSource());
        for (int size = 1; size <= leaves.size(); size++) {
            assertThat(reader.root(size)).as("root of %d", size).isEqualTo(MerkleTree.root(leaves.subList(0, size)));
        }
    }

    NewLedgerEntry entry(String trackingId, String event) {
        return new NewLedgerEntry(
                event, trackingId, "msg-" + trackingId, SCHOOL, SCHOOL, "safeguarding-referral", "a".repeat(64), null);
    }

    @Test
    void anAppendRolledBackLeavesNoTraceInTheNextAppendsTree() throws Exception {
        append("t-0");
        append("t-1");
        assertThatThrownBy(() -> Transactions.inTransaction(dataSource(), c -> {
                    appender.append(c, entry("t-rolled-back", "ACCEPTED"));
                    appender.append(c, entry("t-rolled-back", "ROUTED"));
                    throw new SQLException("rolled back on purpose");
                }))
                .hasMessageContaining("on purpose");
        for (int i = 2; i < 9; i++) {
            append("t-" + i);
        }

        assertThat(exportAll()).extracting(l -> l.entry().trackingId()).doesNotContain("t-rolled-back");
        assertStoredTreeMatchesItsLeaves();
    }

    /**
     * Within one transaction (as a group commit runs its units) the appender writes the appends of every unit at once
     * and trusts the tree its earlier writes left without reading: a unit rolled back to its savepoint must take its
     * appends with it, and another appender's entries in between must still make it read the stored tree.
     */
    @Test
    void aUnitRolledBackOrAnotherAppenderWithinOneGroupLeavesACorrectTree() throws Exception {
        LedgerAppender other = new LedgerAppender(Clock.offset(CLOCK, Duration.ofSeconds(5)));
        GroupCommit group = new GroupCommit(dataSource(), 16);
        append("t-0");
        // Queued without waiting, then committed by one flush: one group, one transaction, units in this order.
        group.later((c, after) -> {
            appender.append(c, entry("t-1", "ACCEPTED"));
            return null;
        });
        group.later((c, after) -> {
            appender.append(c, entry("t-undone", "ACCEPTED"));
            appender.append(c, entry("t-undone", "ROUTED"));
            throw new SQLException("this unit is undone on purpose");
        });
        group.later((c, after) -> {
            appender.append(c, entry("t-2", "ACCEPTED"));
            other.append(c, entry("t-3", "ACCEPTED"));
            appender.append(c, entry("t-4", "ACCEPTED"));
            return null;
        });
        group.flush();
        append("t-5");

        assertThat(exportAll())
                .extracting(l -> l.entry().trackingId())
                .containsExactly("t-0", "t-1", "t-2", "t-3", "t-4", "t-5");
        assertStoredTreeMatchesItsLeaves();
    }

    /**
     * Another writer (another gateway process on the same PostgreSQL, or another appender) takes the position this
     * appender had used in a rolled-back transaction: this appender's remembered tree then has the right size but a
     * different last leaf, and must not be used.
     */
    @Test
    void anotherWriterAtTheSamePositionIsNotMistakenForThisAppendersTree() throws Exception {
        LedgerAppender other = new LedgerAppender(Clock.offset(CLOCK, Duration.ofSeconds(5)));
        append("t-0");
        append("t-1");
        assertThatThrownBy(() -> Transactions.inTransaction(dataSource(), c -> {
                    appender.append(c, entry("t-mine", "ACCEPTED"));
                    throw new SQLException("rolled back on purpose");
                }))
                .hasMessageContaining("on purpose");
        other.appendAlone(dataSource(), entry("t-other", "ACCEPTED"));
        // The head is now 3 again, as this appender's remembered tree: only the stored leaf 2 tells them apart.
        append("t-3");
        append("t-4");

        assertThat(exportAll())
                .extracting(l -> l.entry().trackingId())
                .containsExactly("t-0", "t-1", "t-other", "t-3", "t-4");
        assertStoredTreeMatchesItsLeaves();
    }

    @Test
    void appendRecordsTheCanonicalEntryWithTheInjectedTime() throws Exception {
        long seq = append("t-time");

        LedgerExportLine line = exportAll().get((int) seq);
        assertThat(line.entry().time()).isEqualTo(Instant.parse("2026-11-21T09:00:00.123Z"));
        assertThat(line.entry().event()).isEqualTo(LedgerEvent.ACCEPTED);
        assertThat(line.toJsonLine()).contains("\"trackingId\":\"t-time\"");
    }

    @Test
    void aHeadBehindItsEntriesIsMovedUpAtStartAndAppendsWorkAgain() throws Exception {
        append("h-0");
        append("h-1");
        append("h-2");
        setHead(1); // as H2 left it once: every later append collided with entry 1

        assertThat(appender.reconcileHead(dataSource())).isEqualTo(3);

        assertThat(append("h-3")).isEqualTo(3);
        assertThat(new LedgerReader(dataSource()).treeSize()).isEqualTo(4);
    }

    @Test
    void aHeadBeyondItsEntriesStopsTheStartBecauseEntriesAreMissing() throws Exception {
        append("m-0");
        setHead(5);

        assertThatThrownBy(() -> appender.reconcileHead(dataSource()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entries are missing");
    }

    @Test
    void aConsistentHeadIsLeftAsItIs() throws Exception {
        assertThat(appender.reconcileHead(dataSource())).isZero();
        append("c-0");

        assertThat(appender.reconcileHead(dataSource())).isEqualTo(1);
    }

    private void setHead(long next) throws SQLException {
        try (Connection c = dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE ledger_head SET next_seq = ? WHERE id = 1")) {
            ps.setLong(1, next);
            ps.executeUpdate();
        }
    }

    @Test
    void refusesAnUnknownEventNameAndWritesNothing() throws Exception {
        assertThatThrownBy(() -> appender.appendAlone(
                        dataSource(), new NewLedgerEntry("SHREDDED", null, null, SCHOOL, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a ledger event");
        assertThat(new LedgerReader(dataSource()).treeSize()).isZero();
    }

    @Test
    void searchesAnOrganisationAsActorOrCounterpartyInSeqOrderEachEntryOnceAndInPages() throws Exception {
        String la = "urn:interchange:la:850";
        String police = "urn:interchange:police:44";
        Transactions.inTransaction(dataSource(), c -> {
            appender.append(c, entry("ACCEPTED", SCHOOL, la)); // 0: the LA as counterparty
            appender.append(c, entry("ROUTED", la, police)); // 1: as actor
            appender.append(c, entry("RECEIPT", la, la)); // 2: as both: once
            appender.append(c, entry("ACCEPTED", SCHOOL, police)); // 3: not the LA
            appender.append(c, entry("ROUTED", police, la)); // 4: as counterparty
            return null;
        });
        List<Long> seqs = exportAll().stream().map(l -> l.entry().seq()).toList();
        LedgerReader reader = new LedgerReader(dataSource());

        assertThat(searchSeqs(reader, new LedgerQuery(null, null, la, null, null, null, -1, 10)))
                .containsExactly(seqs.get(0), seqs.get(1), seqs.get(2), seqs.get(4));
        assertThat(searchSeqs(reader, new LedgerQuery(null, null, la, null, null, null, -1, 2)))
                .containsExactly(seqs.get(0), seqs.get(1));
        assertThat(searchSeqs(reader, new LedgerQuery(null, null, la, null, null, null, seqs.get(1), 2)))
                .containsExactly(seqs.get(2), seqs.get(4));
        assertThat(searchSeqs(reader, new LedgerQuery(null, null, la, LedgerEvent.ROUTED, null, null, -1, 10)))
                .containsExactly(seqs.get(1), seqs.get(4));
        assertThat(searchSeqs(reader, new LedgerQuery(null, null, SCHOOL, null, null, null, -1, 10)))
                .containsExactly(seqs.get(0), seqs.get(3));
        assertThat(searchSeqs(
                        reader, new LedgerQuery(null, null, null, LedgerEvent.ROUTED, null, null, seqs.get(1), 10)))
                .containsExactly(seqs.get(4));
        assertThat(searchSeqs(reader, new LedgerQuery("t-ROUTED", null, la, null, null, null, -1, 10)))
                .containsExactly(seqs.get(1), seqs.get(4));
    }

    /**
     * Decision 0016: the search index is built behind the ledger, and a search reads what it has not reached from the
     * entries themselves. Every combination of criteria gives exactly the entries a plain filter of the whole ledger
     * gives, whether the index has reached none, some or all of them.
     */
    @Test
    void searchesFindTheSameEntriesWhetherTheSearchIndexHasReachedThemOrNot() throws Exception {
        String la = "urn:interchange:la:850";
        String police = "urn:interchange:police:44";
        List<String> organisations = List.of(SCHOOL, la, police);
        List<LedgerEvent> events = List.of(LedgerEvent.ACCEPTED, LedgerEvent.ROUTED, LedgerEvent.RECEIPT);
        Instant start = Instant.parse("2026-11-21T09:00:00Z");
        Instant[] now = {start};
        LedgerAppender stepping = new LedgerAppender(new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
        List<NewLedgerEntry> appended = new ArrayList<>();
        LedgerSearchIndex index = new LedgerSearchIndex(dataSource(), 7);
        LedgerReader reader = new LedgerReader(dataSource());
        List<LedgerQuery> queries = new ArrayList<>();
        for (String organisation : java.util.Arrays.asList(null, SCHOOL, la, police, "urn:interchange:la:1")) {
            for (LedgerEvent event : java.util.Arrays.asList(null, LedgerEvent.ROUTED, LedgerEvent.ACCEPTED)) {
                for (String senderMessageId : java.util.Arrays.asList(null, "m-3")) {
                    for (String trackingId : java.util.Arrays.asList(null, "t-5")) {
                        for (Instant from : java.util.Arrays.asList(null, start.plusSeconds(10))) {
                            for (Instant to : java.util.Arrays.asList(null, start.plusSeconds(40))) {
                                for (long afterSeq : new long[] {-1, 17}) {
                                    for (int limit : new int[] {3, 1000}) {
                                        queries.add(new LedgerQuery(
                                                trackingId,
                                                senderMessageId,
                                                organisation,
                                                event,
                                                from,
                                                to,
                                                afterSeq,
                                                limit));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++) {
                int n = appended.size();
                NewLedgerEntry entry = new NewLedgerEntry(
                        events.get(n % 3).name(),
                        "t-" + n % 7,
                        n % 4 == 0 ? null : "m-" + n % 5,
                        organisations.get(n % 3),
                        n % 5 == 0 ? null : organisations.get(n % 2 + 1),
                        null,
                        null,
                        null);
                // One transaction each: an entry is timed when its transaction writes it.
                stepping.appendAlone(dataSource(), entry);
                appended.add(entry);
                now[0] = now[0].plusSeconds(1);
            }
            if (round == 1) {
                index.indexNew();
            }
            for (LedgerQuery query : queries) {
                assertThat(searchSeqs(reader, query))
                        .as("%s after round %d", query, round)
                        .isEqualTo(expectedSeqs(appended, start, query));
            }
        }
        assertThat(index.indexNew()).isEqualTo(20);
        assertThat(index.indexNew()).isZero();
        for (LedgerQuery query : queries) {
            assertThat(searchSeqs(reader, query))
                    .as("%s all indexed", query)
                    .isEqualTo(expectedSeqs(appended, start, query));
        }
    }

    /** What a search must find: a plain filter of every entry appended (entry n at seq n, {@code start + n} s). */
    private static List<Long> expectedSeqs(List<NewLedgerEntry> appended, Instant start, LedgerQuery query) {
        List<Long> seqs = new ArrayList<>();
        for (int n = 0; n < appended.size() && seqs.size() < query.limit(); n++) {
            NewLedgerEntry e = appended.get(n);
            Instant time = start.plusSeconds(n);
            if (n > query.afterSeq()
                    && (query.trackingId() == null || query.trackingId().equals(e.trackingId()))
                    && (query.senderMessageId() == null
                            || query.senderMessageId().equals(e.senderMessageId()))
                    && (query.event() == null || query.event().name().equals(e.event()))
                    && (query.organisation() == null
                            || query.organisation().equals(e.actor())
                            || query.organisation().equals(e.counterparty()))
                    && (query.from() == null || !time.isBefore(query.from()))
                    && (query.to() == null || time.isBefore(query.to()))) {
                seqs.add((long) n);
            }
        }
        return seqs;
    }

    @Test
    void theSearchIndexIsBuiltInBatchesOnceForEachEntryEvenByIndexersRacing() throws Exception {
        Transactions.inTransaction(dataSource(), c -> {
            for (int i = 0; i < 50; i++) {
                appender.append(c, entry("ROUTED", SCHOOL, "urn:interchange:la:850"));
            }
            return null;
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> new LedgerSearchIndex(dataSource(), 3).indexNew()));
            }
            long indexed = 0;
            for (Future<Long> run : runs) {
                indexed += run.get();
            }
            // Racing batches: one of each pair commits, the other finds the head moved and stops. What is left
            // over is indexed by the next run.
            indexed += new LedgerSearchIndex(dataSource(), 3).indexNew();
            assertThat(indexed).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT COUNT(*), MIN(seq), MAX(seq), (SELECT next_seq FROM ledger_search_head)"
                                + " FROM ledger_search")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                    .containsExactly(50L, 0L, 49L, 50L);
        }
    }

    private static NewLedgerEntry entry(String event, String actor, String counterparty) {
        return new NewLedgerEntry(event, "t-" + event, null, actor, counterparty, null, null, null);
    }

    private static List<Long> searchSeqs(LedgerReader reader, LedgerQuery query) throws SQLException {
        return reader.search(query).stream()
                .map(line -> line.get("seq").asLong())
                .toList();
    }

    @Test
    void mapsTheGatewayAndUnauthenticatedActorsToOrganisationIds() throws Exception {
        Transactions.inTransaction(dataSource(), c -> {
            appender.append(
                    c, new NewLedgerEntry("REJECTED", null, null, "unauthenticated", null, null, null, "AUTH-001"));
            appender.append(
                    c, new NewLedgerEntry("ERASED", "t-1", null, "gateway", null, null, null, null, "retention"));
            return null;
        });
        assertThat(exportAll())
                .extracting(l -> l.entry().actor())
                .containsExactly(LedgerAppender.UNAUTHENTICATED, LedgerAppender.GATEWAY);
        assertThat(exportAll().get(1).entry().reason()).isEqualTo("retention");
    }

    @Test
    void checkpointsAreSignedWhenDueAndVerifyWithTheDevVerifierKey() throws Exception {
        LedgerCheckpoints checkpoints = new LedgerCheckpoints(
                dataSource(), new CheckpointSigner(devKey(), CLOCK), CLOCK, 5, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            append("c-" + i);
        }
        StoredCheckpoint first = checkpoints.issueIfDue().orElseThrow();
        assertThat(first.size()).isEqualTo(3);
        for (int i = 3; i < 7; i++) {
            append("c-" + i);
        }
        assertThat(checkpoints.issueIfDue()).as("grew by 4 < 5 within max age").isEmpty();
        append("c-7");
        StoredCheckpoint second = checkpoints.issueIfDue().orElseThrow();

        assertThat(second.size()).isEqualTo(8);
        Checkpoint verified = new CheckpointVerifier(devVerifierKey()).verify(second.note());
        assertThat(verified.size()).isEqualTo(8);
        assertThat(verified.rootHash()).isEqualTo(new LedgerReader(dataSource()).root(8));
        assertThat(checkpoints.issue().note()).as("no growth: the latest").isEqualTo(second.note());
        assertThat(checkpoints.list(-1, 10)).extracting(StoredCheckpoint::size).containsExactly(3L, 8L);
    }

    @Test
    void refusesToSignATreeInconsistentWithThePreviousCheckpoint() throws Exception {
        LedgerCheckpoints checkpoints = new LedgerCheckpoints(
                dataSource(), new CheckpointSigner(devKey(), CLOCK), CLOCK, 1, Duration.ofHours(1));
        for (int i = 0; i < 8; i++) {
            append("r-" + i);
        }
        checkpoints.issue();
        // Rewrite history: the recorded leaf hash of entry 5, from which the subtree over entries 0..7 is computed.
        try (Connection c = dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE ledger_entry SET leaf_hash = ? WHERE seq = 5")) {
            ps.setBytes(1, MerkleTree.leafHash(new byte[] {1}));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        append("r-8");

        assertThatThrownBy(checkpoints::issue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not consistent");
        assertThat(checkpoints.latest().orElseThrow().size()).isEqualTo(8);
        try (Connection c = dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM checkpoint")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    static List<Long> range(long n) {
        List<Long> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
