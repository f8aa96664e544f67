package uk.safeguarding.interchange.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.TestGateway;

/** The per-organisation rate limit at the HTTPS door: 429 LIMIT-004, ledgered against the caller, others unaffected. */
class RateLimitIT {
    @TempDir
    static Path tmp;

    static GatewayRuntime gateway;

    @BeforeAll
    static void start() {
        Map<String, String> overrides = TestGateway.overrides(tmp.resolve("data"), 0);
        // Two requests at once, then one every ten seconds: the third quick request is over the limit.
        overrides.put("gateway.rate.limit.per.second", "0.1");
        overrides.put("gateway.rate.limit.burst", "2");
        gateway = GatewayRuntime.start(GatewaySettings.load(overrides));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static HttpResponse<String> health(HttpClient client) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/health"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesASystemOverItsRateWithLimit004AndLedgersIt() throws Exception {
        HttpClient school = DevCerts.httpClient("school-100001");

        assertThat(health(school).statusCode()).isEqualTo(200);
        assertThat(health(school).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = health(school);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("\"code\":\"LIMIT-004\"");
        try (Connection c = gateway.dataSource().getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT event, actor FROM ledger_entry WHERE error_code = 'LIMIT-004'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("event")).isEqualTo("REJECTED");
            assertThat(rs.getString("actor")).isEqualTo("urn:interchange:school:100001");
        }
        // Another organisation has its own allowance.
        assertThat(health(DevCerts.httpClient("la-850")).statusCode()).isEqualTo(200);
    }
}
