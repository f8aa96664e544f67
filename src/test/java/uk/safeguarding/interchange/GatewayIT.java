package uk.safeguarding.interchange;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/** The real gateway (Jetty, Artemis, H2, Camel) over real mutual TLS on a loopback port. */
class GatewayIT extends RealGateway {

    private static HttpResponse<String> get(String clientCert, String path) throws Exception {
        HttpClient client = DevCerts.httpClient(clientCert);
        return client.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesCapabilityStatementOverMutualTls() throws Exception {
        HttpResponse<String> response = get("school-100001", "/fhir/metadata");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/fhir+json"));
        CapabilityStatement cs =
                FhirContext.forR4Cached().newJsonParser().parseResource(CapabilityStatement.class, response.body());
        assertThat(cs.getSoftware().getName()).isEqualTo("Safeguarding Interchange Gateway");
        assertThat(cs.getSoftware().getVersion()).isNotBlank().isNotEqualTo("unknown");
        assertThat(cs.getRestFirstRep().getOperation())
                .extracting(o -> o.getName())
                .containsExactly("process-message");
        assertThat(cs.getMessagingFirstRep().getEndpointFirstRep().getAddress())
                .isEqualTo(gateway.baseUri() + "/fhir/$process-message");
    }

    @Test
    void refusesConnectionWithoutClientCertificate() throws Exception {
        HttpResponse<String> response = get(null, "/fhir/metadata");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCodeOf(response)).isEqualTo("AUTH-001");
    }

    @Test
    void refusesUntrustedClientCertificate() throws Exception {
        HttpResponse<String> response = get("untrusted", "/fhir/metadata");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCodeOf(response)).isEqualTo("AUTH-002");
    }

    @Test
    void refusesExpiredClientCertificate() throws Exception {
        HttpResponse<String> response = get("expired", "/fhir/metadata");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCodeOf(response)).isEqualTo("AUTH-003");
    }

    @Test
    void refusesRevokedClientCertificate() throws Exception {
        HttpResponse<String> response = get("revoked", "/fhir/metadata");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCodeOf(response)).isEqualTo("AUTH-003");
    }

    @Test
    void refusesNonFhirPathsWithJsonErrorToo() throws Exception {
        HttpResponse<String> response = get(null, "/health");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.body()).contains("\"code\":\"AUTH-001\"");
    }

    /** Nothing the gateway answers may be kept by a cache: answers, refusals and health alike. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "school-100001 /health",
                "school-100001 /fhir/metadata",
                "school-100001 /fhir/Patient",
                "- /health",
                "school-100001 /x"
            })
    void forbidsCachingEveryAnswer(String callerAndPath) throws Exception {
        String[] parts = callerAndPath.split(" ");
        HttpResponse<String> response = get(parts[0].equals("-") ? null : parts[0], parts[1]);

        assertThat(response.headers().allValues("Cache-Control")).containsExactly("no-store");
    }

    @Test
    void reportsHealthUpFromRealChecks() throws Exception {
        HttpResponse<String> response = get("school-100001", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.headers().firstValue("Content-Length"))
                .hasValue(String.valueOf(response.body().length()));
        assertThat(response.body())
                .isEqualTo("{\"status\":\"UP\",\"components\":{\"broker\":{\"status\":\"UP\"},"
                        + "\"broker-storage\":{\"status\":\"UP\"},\"database\":{\"status\":\"UP\"},"
                        + "\"routing-publisher\":{\"status\":\"UP\"},\"camel\":{\"status\":\"UP\"}}}");
    }

    /** After authentication, a path or method no route serves is SCHEMA-009 in the JSON error shape, ledgered. */
    @ParameterizedTest
    @ValueSource(strings = {"/no-such-thing", "/api/v2/mailbox", "/health/extra"})
    void answersAPathNothingServesWithSchema009AndLedgersIt(String path) throws Exception {
        HttpResponse<String> response = get("school-100001", path);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.body()).contains("\"code\":\"SCHEMA-009\"");
        try (var c = gateway.dataSource().getConnection();
                var rs = c.createStatement()
                        .executeQuery("SELECT event, actor, error_code FROM ledger_entry ORDER BY seq DESC"
                                + " FETCH FIRST 1 ROWS ONLY")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("REJECTED");
            assertThat(rs.getString(2)).isEqualTo("urn:interchange:school:100001");
            assertThat(rs.getString(3)).isEqualTo("SCHEMA-009");
        }
    }

    @Test
    void bindsDataSourceAndTransactedJmsComponentInCamelRegistry() {
        var camel = gateway.camelContext();
        assertThat(camel.getRegistry().lookupByName(GatewayRuntime.DATA_SOURCE)).isSameAs(gateway.dataSource());
        assertThat(camel.getRegistry().lookupByName(GatewayRuntime.JMS_CONNECTION_FACTORY))
                .isSameAs(gateway.jmsConnectionFactory());
        var jms = camel.getComponent("jms", org.apache.camel.component.jms.JmsComponent.class);
        assertThat(jms.getConfiguration().isTransacted()).isTrue();
        assertThat(jms.getConfiguration().getCacheLevelName()).isEqualTo("CACHE_CONSUMER");

        try (var producer = camel.createProducerTemplate();
                var consumer = camel.createConsumerTemplate()) {
            producer.sendBody("jms:queue:it.camel-jms", "through camel-jms");
            assertThat(consumer.receiveBody("jms:queue:it.camel-jms", 5_000, String.class))
                    .isEqualTo("through camel-jms");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String errorCodeOf(HttpResponse<String> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertThat(contentType).startsWith("application/fhir+json");
        OperationOutcome outcome =
                FhirContext.forR4Cached().newJsonParser().parseResource(OperationOutcome.class, response.body());
        var coding = outcome.getIssueFirstRep().getDetails().getCodingFirstRep();
        assertThat(coding.getSystem()).isEqualTo(ErrorCode.SYSTEM);
        return coding.getCode();
    }
}
