package uk.safeguarding.interchange.store;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.Accepted;
import uk.safeguarding.interchange.intake.Submission;
import uk.safeguarding.interchange.ledger.LedgerVerifierCommand;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * Retention and crypto-shredding in the real gateway: referrals kept for no time at all, so the erasure route
 * destroys their keys at once; the ledger stays verifiable and the trail shows the erasure.
 */
@RealGateway.Settings({"gateway.payload.retention.safeguarding-referral=PT0S", "gateway.payload.erasure.period=200"})
class PayloadErasureIT extends RealGateway {
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] DOCUMENT =
            "<InterchangeMessage>the child</InterchangeMessage>".getBytes(StandardCharsets.UTF_8);

    static <T> T bean(String name, Class<T> type) {
        return gateway.camelContext().getRegistry().lookupByNameAndType(name, type);
    }

    static HttpResponse<String> auditor(String method, String path) throws Exception {
        return DevCerts.httpClient("dev-auditor")
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static Submission referral(String trackingId, String messageId) {
        return new Submission(
                trackingId,
                "urn:interchange:school:100001",
                messageId,
                "e".repeat(64),
                EventCode.SAFEGUARDING_REFERRAL,
                "urn:interchange:system:acme-safeguard",
                "fhir",
                DOCUMENT);
    }

    @Test
    void erasesPayloadsPastRetentionByDestroyingTheKeyAndTheLedgerStillVerifies() throws Exception {
        Acceptance acceptance = bean(GatewayRuntime.ACCEPTANCE, Acceptance.class);
        String messageId = "bundle-" + UUID.randomUUID();
        Accepted accepted = acceptance.accept(
                referral(UUID.randomUUID().toString(), messageId), (id, at) -> ("ack " + id).getBytes());
        String trackingId = accepted.trackingId();
        PayloadStore payloads = bean(GatewayRuntime.PAYLOAD_STORE, PayloadStore.class);

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Connection c = gateway.dataSource().getConnection()) {
                return payloads.read(c, trackingId, PayloadKind.CANONICAL_XML).isEmpty();
            }
        });

        try (Connection c = gateway.dataSource().getConnection()) {
            for (PayloadKind kind : PayloadKind.values()) {
                assertThat(payloads.read(c, trackingId, kind)).as(kind.name()).isEmpty();
            }
            assertThat(payloads.readRouted(c, trackingId)).isEmpty();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT wrapped_key, erased_at FROM message WHERE tracking_id = ?")) {
                ps.setString(1, trackingId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).as("the key is gone").isNull();
                    assertThat(rs.getTimestamp(2)).isNotNull();
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT kind, content FROM payload WHERE tracking_id = ? ORDER BY kind")) {
                ps.setString(1, trackingId);
                List<String> kinds = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        kinds.add(rs.getString(1));
                        assertThat(rs.getBytes(2)).as("the ciphertext stays").isNotEmpty();
                        assertThat(new String(rs.getBytes(2), StandardCharsets.ISO_8859_1))
                                .doesNotContain("child");
                    }
                }
                assertThat(kinds).containsExactly("ack_payload", "canonical_xml");
            }
        }
        JsonNode trail = JSON.readTree(
                auditor("GET", "/audit/v1/messages/" + trackingId + "/trail").body());
        List<String> events = new ArrayList<>();
        trail.path("entries").forEach(e -> events.add(e.path("event").asText()));
        assertThat(events).startsWith("ACCEPTED", "ERASED");
        JsonNode erased = trail.path("entries").get(1);
        assertThat(erased.path("reason").asText()).isEqualTo("retention");
        assertThat(erased.path("actor").asText()).isEqualTo("urn:interchange:gateway:national");
        assertThat(erased.path("messageType").asText()).isEqualTo("safeguarding-referral");

        HttpResponse<String> export = auditor("GET", "/audit/v1/export");
        String size = export.headers().firstValue("Ledger-Checkpoint-Size").orElseThrow();
        Path exportFile = Files.writeString(tmp.resolve("export.jsonl"), export.body());
        Path checkpoint = Files.writeString(
                tmp.resolve("checkpoint.txt"),
                auditor("GET", "/audit/v1/checkpoints/" + size).body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = LedgerVerifierCommand.run(
                new String[] {
                    "--export",
                    exportFile.toString(),
                    "--checkpoint",
                    checkpoint.toString(),
                    "--key",
                    "certs-dev/ledger-signing.vkey"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK");
        assertThat(status).isZero();

        // The sender's resend of the erased message still gets its acceptance (re-rendered: the original is shredded).
        Accepted resend = acceptance.accept(
                referral(UUID.randomUUID().toString(), messageId), (id, at) -> ("ack " + id).getBytes());
        assertThat(resend.duplicate()).isTrue();
        assertThat(resend.trackingId()).isEqualTo(trackingId);
        assertThat(resend.acknowledgement()).isEqualTo(("ack " + trackingId).getBytes());
    }
}
