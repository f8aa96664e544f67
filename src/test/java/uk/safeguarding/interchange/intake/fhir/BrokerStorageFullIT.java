package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static uk.safeguarding.interchange.intake.fhir.SignedMessages.fresh;
import static uk.safeguarding.interchange.intake.fhir.SignedMessages.sign;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * A broker that blocks producers for lack of disk space (here: a limit of 1 % of the file system, so any disk counts
 * as full): the health endpoint says so, and submissions are still accepted and answered (decision 0017), durable in
 * the database and waiting there for routing.
 */
@RealGateway.Settings({"gateway.broker.max-disk-usage=1"})
class BrokerStorageFullIT extends RealGateway {
    private static final String VENDOR = "acme-safeguard";

    @Test
    void healthReportsTheFullStorageAndSubmissionsAreStillAcceptedDurably() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> health = get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body())
                    .contains("\"broker\":{\"status\":\"UP\"}")
                    .contains("\"broker-storage\":{\"status\":\"DOWN\"}")
                    .contains("\"database\":{\"status\":\"UP\"}");
        });

        HttpResponse<byte[]> response = DevCerts.httpClient(VENDOR)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/fhir/$process-message"))
                                .header("Content-Type", "application/fhir+json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(
                                        sign(fresh("safeguarding-referral"), VENDOR, Instant.now())))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM message m JOIN ledger_entry l"
                        + " ON l.tracking_id = m.tracking_id AND l.event = 'ACCEPTED' WHERE m.published_at IS NULL");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("accepted, ledgered, waiting for the broker")
                    .isEqualTo(1);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return DevCerts.httpClient(VENDOR)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
