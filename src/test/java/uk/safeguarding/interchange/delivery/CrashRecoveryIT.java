package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.intake.fhir.FhirReplies;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.GatewayProcess;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * Issue #5's crash test: the gateway runs in its own JVM ({@code GatewayMain start} from {@code target/classes} and
 * {@code target/lib}), receives a stream of signed referrals over HTTPS from several threads, is killed with SIGKILL
 * in the middle of it and restarted on the same data directory. Every referral the gateway acknowledged must then be
 * in the mailbox of each of its recipients (LA 850 and, the referral being urgent, the Hampshire MASH) exactly once —
 * counted by tracking id over the mailbox API — and the ledger must hold exactly one ACCEPTED per message and one
 * ROUTED per (message, recipient).
 */
class CrashRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VENDOR = "acme-safeguard";
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String MASH_850 = "urn:interchange:mash:850";
    private static final int SENDERS = 4;
    private static final int ACKS_BEFORE_KILL = 16;

    /** Kept after the run (data directory and both process logs) for a post-mortem when the test fails. */
    private final Path tmp = Path.of("target", "crash-recovery-it").toAbsolutePath();

    private GatewayProcess gateway;
    private int port;

    @AfterEach
    void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.kill();
        }
    }

    @BeforeEach
    void cleanWorkDirectory() throws IOException {
        if (Files.exists(tmp)) {
            try (var paths = Files.walk(tmp)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(tmp);
    }

    @Test
    void everyAcknowledgedMessageIsDeliveredExactlyOnceToEveryRecipientAfterAKillDashNine() throws Exception {
        port = GatewayProcess.freePort();
        gateway = startGateway("first");

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failedCalls = new AtomicInteger();
        SigningKey key = SigningKey.loadPkcs12(DevCerts.p12(VENDOR), DevCerts.PASSWORD.toCharArray());
        HttpClient client = DevCerts.httpClient(VENDOR);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int i = 0; i < SENDERS; i++) {
            senders.submit(() -> {
                while (!stop.get()) {
                    try {
                        trackingIdOfOk(submit(client, key)).ifPresent(acknowledged::add);
                    } catch (IOException e) {
                        // The gateway died under this call: the message was not acknowledged, whatever became of it.
                        failedCalls.incrementAndGet();
                    }
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= ACKS_BEFORE_KILL);
        // SIGKILL while the senders are still posting: no shutdown hook, no orderly Camel/Artemis/H2 close.
        gateway.kill();
        stop.set(true);
        senders.shutdown();
        assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        Set<String> acked = Set.copyOf(acknowledged);
        assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        assertThat(failedCalls.get()).as("calls cut off by the kill").isPositive();

        gateway = startGateway("second");

        Map<String, List<String>> mailboxes = new HashMap<>();
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (String recipient : List.of("la-850", "mash-850")) {
                        List<String> ids = mailbox(recipient);
                        mailboxes.put(recipient, ids);
                        assertThat(ids).as(recipient).containsAll(acked);
                    }
                });
        for (String recipient : List.of("la-850", "mash-850")) {
            assertThat(mailboxes.get(recipient))
                    .as("%s's mailbox holds each message once", recipient)
                    .doesNotHaveDuplicates();
        }

        // An orderly stop releases the embedded H2 database so that the test can read the ledger.
        assertThat(gateway.stop(Duration.ofSeconds(40))).isTrue();
        try (Connection db = DriverManager.getConnection(
                "jdbc:h2:file:" + tmp.resolve("data").resolve("db").resolve("interchange")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "sa",
                "")) {
            for (String trackingId : acked) {
                assertThat(ledgerCount(db, trackingId, "ACCEPTED", null))
                        .as("ACCEPTED %s", trackingId)
                        .isEqualTo(1);
                for (String recipient : List.of(LA_850, MASH_850)) {
                    assertThat(ledgerCount(db, trackingId, "ROUTED", recipient))
                            .as("ROUTED %s %s", trackingId, recipient)
                            .isEqualTo(1);
                }
            }
            // Nothing in the ledger twice, acknowledged or not.
            assertThat(rows(
                            db,
                            "SELECT tracking_id, event, counterparty FROM ledger_entry"
                                    + " WHERE event IN ('ACCEPTED', 'ROUTED') GROUP BY tracking_id, event, counterparty"
                                    + " HAVING COUNT(*) > 1"))
                    .isEmpty();
            // Each stored in both mailboxes (its delivery row, one per recipient, holds when it became available).
            for (String trackingId : acked) {
                assertThat(storedFor(db, trackingId)).as(trackingId).containsExactlyInAnyOrder(LA_850, MASH_850);
            }
        }
    }

    // ------------------------------------------------------------------ the gateway process

    private GatewayProcess startGateway(String name) throws IOException {
        // Quick recovery of what the kill left half-done: accepted but not yet routed (outbox), routed but not yet
        // queued (delivery relay).
        return GatewayProcess.start(
                tmp,
                name,
                port,
                Map.of(
                        "gateway.outbox.relay.period", "500",
                        "gateway.outbox.relay.grace.seconds", "2",
                        "gateway.delivery.relay.period", "500",
                        "gateway.delivery.relay.grace.seconds", "2",
                        "gateway.directory.reload.period", "600000"));
    }

    // ------------------------------------------------------------------ API calls

    /** A fresh safeguarding referral (new Bundle.id and MessageHeader id) signed by the vendor now. */
    private HttpResponse<byte[]> submit(HttpClient client, SigningKey key) throws IOException {
        ObjectNode bundle;
        try {
            bundle = (ObjectNode) JSON.readTree(
                    Files.readAllBytes(Path.of("schemas", "examples", "fhir", "safeguarding-referral.json")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        bundle.put("id", UUID.randomUUID().toString());
        ObjectNode headerEntry = (ObjectNode) bundle.path("entry").get(0);
        String headerId = UUID.randomUUID().toString();
        headerEntry.put("fullUrl", "urn:uuid:" + headerId);
        if (headerEntry.path("resource").has("id")) {
            ((ObjectNode) headerEntry.get("resource")).put("id", headerId);
        }
        new BundleSigner(key).sign(bundle, Instant.now());
        try {
            return client.send(
                    HttpRequest.newBuilder(uri("/fhir/$process-message"))
                            .header("Content-Type", "application/fhir+json")
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(FhirEncoding.toJsonBytes(bundle)))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The tracking id of an {@code ok} reply; anything else is not an acknowledgement. */
    private static java.util.Optional<String> trackingIdOfOk(HttpResponse<byte[]> response) throws IOException {
        if (response.statusCode() != 200) {
            return java.util.Optional.empty();
        }
        JsonNode reply = JSON.readTree(response.body());
        JsonNode header = reply.path("entry").path(0).path("resource");
        if (!"ok".equals(header.path("response").path("code").asText())
                || !FhirReplies.TRACKING_ID_SYSTEM.equals(
                        reply.path("identifier").path("system").asText())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(reply.path("identifier").path("value").asText());
    }

    /** The tracking ids of the safeguarding referrals in {@code certName}'s mailbox, duplicates kept. */
    private List<String> mailbox(String certName) throws Exception {
        HttpResponse<byte[]> response = DevCerts.httpClient(certName)
                .send(
                        HttpRequest.newBuilder(uri("/api/v1/mailbox")).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode message : JSON.readTree(response.body()).path("messages")) {
            if ("safeguarding-referral".equals(message.path("event").asText())) {
                ids.add(message.path("trackingId").asText());
            }
        }
        return ids;
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    // ------------------------------------------------------------------ the database

    private static int ledgerCount(Connection db, String trackingId, String event, String counterparty)
            throws Exception {
        String sql = "SELECT COUNT(*) FROM ledger_entry WHERE tracking_id = ? AND event = ?"
                + (counterparty == null ? "" : " AND counterparty = ?");
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, trackingId);
            ps.setString(2, event);
            if (counterparty != null) {
                ps.setString(3, counterparty);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The recipients in whose mailboxes the message was stored. */
    private static List<String> storedFor(Connection db, String trackingId) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT recipient_id FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static List<String> rows(Connection db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
