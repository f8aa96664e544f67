package uk.safeguarding.interchange.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.Accepted;
import uk.safeguarding.interchange.intake.Submission;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.LedgerCheckpoints;
import uk.safeguarding.interchange.ledger.LedgerExportLine;
import uk.safeguarding.interchange.ledger.LedgerVerifierCommand;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointVerifier;
import uk.safeguarding.interchange.ledger.checkpoint.NoteVerifierKey;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/** The auditor API of the real gateway over mutual TLS: search, trail, export, checkpoints, proofs, access control. */
@RealGateway.Settings({
    "gateway.ledger.checkpoint.every-entries=5",
    "gateway.ledger.checkpoint.max-age=PT24H",
    "gateway.ledger.checkpoint.check-period=200",
    "gateway.ledger.search.index-period=200"
})
class AuditApiIT extends RealGateway {
    static final String AUDITOR = "urn:interchange:auditor:dev-auditor";
    static final String SCHOOL = "urn:interchange:school:100001";
    static final String VENDOR = "urn:interchange:system:acme-safeguard";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path VKEY = Path.of("certs-dev/ledger-signing.vkey");

    static HttpResponse<String> call(String cert, String method, String path) throws Exception {
        return DevCerts.httpClient(cert)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode auditorGet(String path) throws Exception {
        HttpResponse<String> response = call("dev-auditor", "GET", path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static Accepted accept() {
        Acceptance acceptance =
                gateway.camelContext().getRegistry().lookupByNameAndType(GatewayRuntime.ACCEPTANCE, Acceptance.class);
        String trackingId = UUID.randomUUID().toString();
        return acceptance.accept(
                new Submission(
                        trackingId,
                        SCHOOL,
                        "bundle-" + trackingId,
                        "c".repeat(64),
                        EventCode.SAFEGUARDING_REFERRAL,
                        VENDOR,
                        "fhir",
                        "<InterchangeMessage/>".getBytes(StandardCharsets.UTF_8)),
                (id, at) -> ("ack " + id).getBytes(StandardCharsets.UTF_8));
    }

    /** What routing and delivery will append: per-recipient state changes for one message. */
    static void appendState(String event, String trackingId, String recipient) throws SQLException {
        new LedgerAppender(java.time.Clock.systemUTC())
                .appendAlone(
                        gateway.dataSource(),
                        new NewLedgerEntry(event, trackingId, null, "gateway", recipient, null, null, null));
    }

    static List<String> texts(JsonNode entries, String field) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.path(field).asText(null)));
        return out;
    }

    static LedgerCheckpoints checkpoints() {
        return gateway.camelContext()
                .getRegistry()
                .lookupByNameAndType(GatewayRuntime.LEDGER_CHECKPOINTS, LedgerCheckpoints.class);
    }

    static Checkpoint verifiedCheckpoint(String note) throws Exception {
        return new CheckpointVerifier(
                        NoteVerifierKey.parse(Files.readString(VKEY).trim()))
                .verify(note);
    }

    @Test
    void refusesANonAuditorWithAuth006AndLedgersTheRefusal() throws Exception {
        HttpResponse<String> refused = call("school-100001", "GET", "/audit/v1/entries?event=ACCEPTED");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asText())
                .isEqualTo("AUTH-006");
        assertThat(call("police-hampshire", "POST", "/audit/v1/checkpoints").statusCode())
                .isEqualTo(403);
        JsonNode rejected = auditorGet("/audit/v1/entries?event=REJECTED&organisation=" + SCHOOL)
                .path("entries");
        assertThat(rejected).isNotEmpty();
        JsonNode last = rejected.get(rejected.size() - 1);
        assertThat(last.path("actor").asText()).isEqualTo(SCHOOL);
        assertThat(last.path("errorCode").asText()).isEqualTo("AUTH-006");
        assertThat(last.path("reason").asText()).isEqualTo("audit-api");
    }

    @Test
    void ledgersARequestWithoutClientCertificateAsAnUnauthenticatedRejection() throws Exception {
        assertThat(call(null, "GET", "/health").statusCode()).isEqualTo(401);

        JsonNode rejected = auditorGet(
                        "/audit/v1/entries?event=REJECTED&organisation=" + LedgerAppender.UNAUTHENTICATED)
                .path("entries");
        assertThat(texts(rejected, "errorCode")).contains("AUTH-001");
    }

    @Test
    void ledgersEveryAuditorQueryItself() throws Exception {
        String trackingId = accept().trackingId();

        auditorGet("/audit/v1/messages/" + trackingId + "/trail");
        auditorGet("/audit/v1/entries?trackingId=" + trackingId);

        JsonNode accesses = auditorGet("/audit/v1/entries?event=AUDIT_ACCESS&trackingId=" + trackingId)
                .path("entries");
        // The third query is ledgered before it is answered, so it sees itself too.
        assertThat(texts(accesses, "reason")).containsExactly("trail", "search", "search");
        assertThat(texts(accesses, "actor")).containsOnly(AUDITOR);
    }

    @Test
    void searchesByOrganisationAndEventInPages() throws Exception {
        List<String> ids = List.of(accept().trackingId(), accept().trackingId(), accept().trackingId());
        String base = "/audit/v1/entries?event=ACCEPTED&organisation=" + SCHOOL + "&from=2000-01-01T00:00:00Z";

        List<String> seen = new ArrayList<>();
        JsonNode page = auditorGet(base + "&limit=2");
        while (true) {
            seen.addAll(texts(page.path("entries"), "trackingId"));
            assertThat(page.path("entries").size()).isLessThanOrEqualTo(2);
            if (!page.has("nextAfterSeq")) {
                break;
            }
            page = auditorGet(
                    base + "&limit=2&afterSeq=" + page.path("nextAfterSeq").asLong());
        }
        assertThat(seen).containsSubsequence(ids).doesNotHaveDuplicates();
        assertThat(auditorGet("/audit/v1/entries?event=ACCEPTED&to=2000-01-01T00:00:00Z")
                        .path("entries"))
                .isEmpty();
        HttpResponse<String> bad = call("dev-auditor", "GET", "/audit/v1/entries?event=SHREDDED");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("SCHEMA-009");
    }

    @Test
    void showsAMessagesTrailAcrossAllItsRecipients() throws Exception {
        String trackingId = accept().trackingId();
        appendState("ROUTED", trackingId, "urn:interchange:la:850");
        appendState("ROUTED", trackingId, "urn:interchange:mash:850");
        appendState("DELIVERED", trackingId, "urn:interchange:mash:850");

        JsonNode trail = auditorGet("/audit/v1/messages/" + trackingId + "/trail");

        assertThat(trail.path("trackingId").asText()).isEqualTo(trackingId);
        // The trail query is ledgered (about this tracking id) before it is answered, so it ends the trail.
        assertThat(texts(trail.path("entries"), "event"))
                .containsExactly("ACCEPTED", "ROUTED", "ROUTED", "DELIVERED", "AUDIT_ACCESS");
        assertThat(texts(trail.path("entries"), "counterparty"))
                .containsExactly(
                        SCHOOL, "urn:interchange:la:850", "urn:interchange:mash:850", "urn:interchange:mash:850", null);
    }

    @Test
    void proofsFromTheApiVerifyAgainstSignedCheckpoints() throws Exception {
        accept();
        HttpResponse<String> first = call("dev-auditor", "POST", "/audit/v1/checkpoints");
        assertThat(first.statusCode()).isEqualTo(200);
        Checkpoint small = verifiedCheckpoint(first.body());
        accept();
        accept();
        Checkpoint large = verifiedCheckpoint(
                call("dev-auditor", "POST", "/audit/v1/checkpoints").body());
        assertThat(large.size()).isGreaterThan(small.size());
        assertThat(call("dev-auditor", "GET", "/audit/v1/checkpoints/" + large.size())
                        .body())
                .isEqualTo(checkpoints().at(large.size()).orElseThrow().note());

        long seq = small.size() - 1;
        JsonNode inclusion = auditorGet("/audit/v1/proofs/inclusion?seq=" + seq + "&treeSize=" + large.size());
        byte[] leafHash = Base64.getDecoder().decode(inclusion.path("leaf_hash").asText());
        List<byte[]> path = hashes(inclusion.path("inclusion_path"));
        assertThat(inclusion.path("leaf_index").asLong()).isEqualTo(seq);
        assertThat(MerkleTree.verifyInclusion(seq, large.size(), leafHash, path, large.rootHash()))
                .isTrue();
        assertThat(MerkleTree.verifyInclusion(
                        seq, large.size(), MerkleTree.leafHash(new byte[0]), path, large.rootHash()))
                .as("another leaf")
                .isFalse();
        String exported = call("dev-auditor", "GET", "/audit/v1/export?from=" + seq + "&to=" + (seq + 1))
                .body();
        assertThat(LedgerExportLine.parse(exported.strip()).entry().leafHash()).isEqualTo(leafHash);

        JsonNode consistency =
                auditorGet("/audit/v1/proofs/consistency?first=" + small.size() + "&second=" + large.size());
        assertThat(MerkleTree.verifyConsistency(
                        small.size(),
                        large.size(),
                        hashes(consistency.path("consistency_path")),
                        small.rootHash(),
                        large.rootHash()))
                .isTrue();
        assertThat(call("dev-auditor", "GET", "/audit/v1/proofs/inclusion?seq=0&treeSize=999999999")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void exportVerifiesOfflineAndTheVerifierNamesAnEntryEditedInTheDatabase() throws Exception {
        String trackingId = accept().trackingId();
        HttpResponse<String> export = call("dev-auditor", "GET", "/audit/v1/export");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/x-ndjson"));
        long size = Long.parseLong(
                export.headers().firstValue(AuditApi.CHECKPOINT_SIZE_HEADER).orElseThrow());
        assertThat(export.body().lines()).hasSize((int) size);
        Path dir = Files.createTempDirectory(tmp, "export");
        Path firstExport = Files.writeString(dir.resolve("export-1.jsonl"), export.body());
        Path firstCheckpoint = Files.writeString(
                dir.resolve("checkpoint-1.txt"),
                call("dev-auditor", "GET", "/audit/v1/checkpoints/" + size).body());
        assertThat(verify(firstExport, firstCheckpoint)).startsWith("OK: " + size + " entries read");

        long tampered = export.body()
                .lines()
                .map(LedgerExportLine::parse)
                .filter(l -> trackingId.equals(l.entry().trackingId()))
                .findFirst()
                .orElseThrow()
                .entry()
                .seq();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE ledger_entry SET counterparty = 'urn:interchange:school:100002' WHERE seq = ?")) {
            ps.setLong(1, tampered);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        HttpResponse<String> again = call("dev-auditor", "GET", "/audit/v1/export");
        long size2 = Long.parseLong(
                again.headers().firstValue(AuditApi.CHECKPOINT_SIZE_HEADER).orElseThrow());
        Path secondExport = Files.writeString(dir.resolve("export-2.jsonl"), again.body());
        Path secondCheckpoint = Files.writeString(
                dir.resolve("checkpoint-2.txt"),
                call("dev-auditor", "GET", "/audit/v1/checkpoints/" + size2).body());

        String report = verify(secondExport, firstCheckpoint, secondCheckpoint);
        assertThat(report).startsWith("FAILED").contains("ENTRY_ALTERED seq " + tampered + ":");
        assertThat(report.lines().filter(l -> l.strip().startsWith("ENTRY_ALTERED")))
                .hasSize(1);
    }

    @Test
    void theTimerRouteSignsACheckpointWhenTheTreeGrewByTheConfiguredCount() throws Exception {
        long before = treeSize();
        for (int i = 0; i < 5; i++) {
            accept();
        }

        // The tree grew by 5 since whatever checkpoint came before, so the timer must sign one past `before`
        // (this test issues none itself).
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checkpoints().latest().map(c -> c.size() > before).orElse(false));
        Checkpoint latest =
                verifiedCheckpoint(checkpoints().latest().orElseThrow().note());
        assertThat(latest.rootHash())
                .isEqualTo(
                        new uk.safeguarding.interchange.ledger.LedgerReader(gateway.dataSource()).root(latest.size()));
    }

    @Test
    void theTimerRouteIndexesNewEntriesForSearches() throws Exception {
        accept();
        long size = treeSize();

        // Decision 0016: searches see unindexed entries too, so only the index's own head shows the route ran.
        await().atMost(Duration.ofSeconds(20)).until(() -> searchIndexHead() >= size);
        try (Connection c = gateway.dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT COUNT(*) FROM ledger_search s JOIN ledger_entry e ON e.seq = s.seq"
                                + " WHERE s.seq < " + size + " AND s.actor = e.actor AND s.event = e.event")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(size);
        }
    }

    static long searchIndexHead() throws SQLException {
        try (Connection c = gateway.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT next_seq FROM ledger_search_head")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long treeSize() throws SQLException {
        return new uk.safeguarding.interchange.ledger.LedgerReader(gateway.dataSource()).treeSize();
    }

    static List<byte[]> hashes(JsonNode array) {
        List<byte[]> out = new ArrayList<>();
        array.forEach(node -> out.add(Base64.getDecoder().decode(node.asText())));
        return out;
    }

    static String verify(Path export, Path... checkpointFiles) {
        List<String> args = new ArrayList<>(List.of("--export", export.toString(), "--key", VKEY.toString()));
        for (Path checkpoint : checkpointFiles) {
            args.add("--checkpoint");
            args.add(checkpoint.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LedgerVerifierCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
