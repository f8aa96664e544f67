package uk.safeguarding.interchange.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.error.ErrorCode;

/** The kit as data: every case reads with the documented vocabulary, and every error code is covered or excused. */
class ConformanceKitTest {
    static final Path KIT = Path.of("conformance-tests");

    @Test
    void everyCaseReadsWithTheDocumentedVocabulary() {
        List<ConformanceCase> cases = CaseLoader.load(KIT);

        assertThat(cases).hasSizeGreaterThan(80);
        assertThat(cases).extracting(ConformanceCase::binding).contains("fhir", "soap", "api");
    }

    @Test
    void everyErrorCodeIsCoveredByACaseOrExplicitlyExcused() throws Exception {
        Set<String> covered = CaseLoader.expectedCodes(CaseLoader.load(KIT));
        Set<String> excused = excused();
        Set<String> catalogue = new TreeSet<>(
                Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());

        Set<String> missing = new TreeSet<>(catalogue);
        missing.removeAll(covered);
        missing.removeAll(excused);
        assertThat(missing)
                .as("codes neither covered by a case nor excused in index.yaml")
                .isEmpty();
        assertThat(covered).as("cases expect only catalogue codes").isSubsetOf(catalogue);
        assertThat(excused).as("excused codes exist").isSubsetOf(catalogue);
        Set<String> both = new TreeSet<>(excused);
        both.retainAll(covered);
        assertThat(both).as("codes both covered and excused").isEmpty();
    }

    @Test
    void everyEventIsSentOverBothBindings() {
        List<ConformanceCase> cases = CaseLoader.load(KIT);
        for (String binding : List.of("fhir", "soap")) {
            Set<String> examples = new TreeSet<>();
            for (ConformanceCase c : cases) {
                if (c.binding().equals(binding) && c.area().equals("events")) {
                    examples.add(c.steps().get(0).request().path("example").asText());
                }
            }
            assertThat(examples).as(binding).hasSize(10);
        }
    }

    @Test
    void requestFilesNamedByCasesExist() {
        for (ConformanceCase c : CaseLoader.load(KIT)) {
            for (ConformanceCase.Step step : c.steps()) {
                for (String key : List.of("raw", "file")) {
                    if (step.request().has(key)) {
                        assertThat(KIT.resolve(step.request().get(key).asText()))
                                .as(c.id())
                                .exists();
                    }
                }
            }
        }
    }

    @Test
    void rejectsAMisspeltExpectation(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cases/fhir/signatures"));
        Files.writeString(
                dir.resolve("typo.yaml"),
                "title: t\nrequest:\n  example: safeguarding-referral\nexpect:\n  status: 400\n  cdoe: SIG-004\n");

        assertThatThrownBy(() -> CaseLoader.load(tmp)).hasMessageContaining("unknown keys [cdoe]");
    }

    static Set<String> excused() throws Exception {
        JsonNode index = CaseLoader.YAML.readTree(KIT.resolve("index.yaml").toFile());
        Set<String> codes = new TreeSet<>();
        for (Iterator<String> it = index.path("excused").fieldNames(); it.hasNext(); ) {
            String code = it.next();
            assertThat(index.path("excused").get(code).asText())
                    .as("reason for " + code)
                    .hasSizeGreaterThan(20);
            codes.add(code);
        }
        return codes;
    }
}
