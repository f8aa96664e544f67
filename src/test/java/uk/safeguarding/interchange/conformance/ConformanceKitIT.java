package uk.safeguarding.interchange.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.testsupport.TestGateway;

/**
 * The whole conformance kit against the real embedded gateway (mutual TLS, Camel, H2, Artemis, routing running),
 * through the same runner and reports vendors use: fails if any case fails, naming each failure and why.
 */
class ConformanceKitIT {
    @TempDir
    static Path tmp;

    static GatewayRuntime gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayRuntime.start(TestGateway.settings(tmp.resolve("data"), 0));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theEmbeddedGatewayPassesEveryCase() throws Exception {
        List<ConformanceCase> cases = CaseLoader.load(Path.of("conformance-tests"));
        String only = System.getProperty("conformance.only");
        if (only != null) {
            cases = cases.stream().filter(c -> c.id().startsWith(only)).toList();
        }
        ConformanceRunner runner = new ConformanceRunner(
                gateway.baseUri(),
                Credentials.devDefaults(),
                Path.of("conformance-tests"),
                Path.of("schemas/examples"),
                Duration.ofSeconds(20));

        List<CaseResult> results = runner.run(cases);
        Path out = Path.of("target", "conformance");
        Reports.write(out, gateway.baseUri().toString(), results);

        assertThat(results).hasSize(cases.size());
        assertThat(results.stream()
                        .filter(r -> !r.passed())
                        .map(r -> r.conformanceCase().id() + ": " + r.detail()))
                .as("failed cases (see target/conformance/conformance-summary.md)")
                .isEmpty();
        assertThat(Files.readString(out.resolve(Reports.SUMMARY))).contains("**PASS**");
        assertThat(Files.readString(out.resolve(Reports.JUNIT))).contains("failures=\"0\"");
    }
}
