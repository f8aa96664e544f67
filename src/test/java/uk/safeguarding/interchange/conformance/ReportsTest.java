package uk.safeguarding.interchange.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reports name every case with pass/fail and why; the command refuses to run without a target. */
class ReportsTest {
    static ConformanceCase aCase(String id) {
        var node = JsonNodeFactory.instance.objectNode();
        return new ConformanceCase(
                id,
                "fhir",
                "signatures",
                "A <tampered> & signed Bundle",
                List.of(new ConformanceCase.Step(null, "fhir", node, node)));
    }

    @Test
    void junitAndMarkdownListEveryCaseWithTheReason() {
        List<CaseResult> results = List.of(
                new CaseResult(aCase("fhir/signatures/ok"), true, "HTTP 400 SIG-004", 12),
                new CaseResult(aCase("fhir/signatures/bad"), false, "expected code SIG-004, got HTTP 200 | ok", 34));

        String junit = Reports.junit(results);
        String md = Reports.markdown("https://sandbox", results);

        assertThat(junit)
                .contains("tests=\"2\" failures=\"1\"")
                .contains("name=\"fhir/signatures/bad\"")
                .contains("<failure message=\"expected code SIG-004, got HTTP 200 | ok\"")
                .contains("A &lt;tampered&gt; &amp; signed Bundle");
        assertThat(md)
                .contains("**FAIL**, 1 of 2 cases passed")
                .contains("| `fhir/signatures/bad` | **FAIL** |")
                .contains("got HTTP 200 \\| ok");
    }

    @Test
    void commandWithoutUrlIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ConformanceCommand.run(
                new String[] {"--client-cert", "x.p12"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--url is required");
    }
}
