package uk.safeguarding.interchange.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * The per-organisation rate limit at the HTTPS door: 429 LIMIT-004, ledgered against the caller, others unaffected.
 * Two requests at once, then one every ten seconds: the third quick request is over the limit.
 */
@RealGateway.Settings({"gateway.rate.limit.per.second=0.1", "gateway.rate.limit.burst=2"})
class RateLimitIT extends RealGateway {
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
