package uk.safeguarding.interchange.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads the cases under {@code <kit>/cases/<binding>/<area>/NAME.yaml} in a stable order and rejects any key outside
 * the documented vocabulary, so a misspelt expectation fails loudly instead of being ignored.
 */
public final class CaseLoader {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Set<String> BINDINGS = Set.of("fhir", "soap", "api");
    private static final Set<String> CASE_KEYS = Set.of("title", "request", "expect", "steps");
    private static final Set<String> STEP_KEYS = Set.of("name", "binding", "request", "expect");
    private static final Set<String> REQUEST_KEYS = Set.of(
            "example",
            "file",
            "raw",
            "generate",
            "operation",
            "client",
            "sign-with",
            "set",
            "correlate-to",
            "signing-time",
            "tamper",
            "content-type",
            "format",
            "reuse-id-of",
            "replay-of",
            "soap-signature",
            "method",
            "path",
            "repeat",
            "headers");
    private static final Set<String> SOAP_SIGNATURE_KEYS =
            Set.of("body", "timestamp-signed", "addressing", "timestamp", "created", "ttl", "algorithm");
    private static final Set<String> EXPECT_KEYS = Set.of(
            "status",
            "code",
            "response",
            "retry-after",
            "reply-contains",
            "save-tracking-id",
            "same-tracking-id-as",
            "save",
            "then");
    private static final Set<String> CHECK_KEYS = Set.of(
            "mailbox-of",
            "contains",
            "lacks",
            "event",
            "mentions",
            "status-of",
            "as",
            "routing-error",
            "recipient",
            "state",
            "error",
            "save-derived");

    private CaseLoader() {}

    /** Every case under {@code kitDir/cases}, sorted by id. */
    public static List<ConformanceCase> load(Path kitDir) {
        Path root = kitDir.resolve("cases");
        try (Stream<Path> files = Files.walk(root)) {
            List<ConformanceCase> cases = new ArrayList<>();
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                cases.add(read(root, file));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConformanceCase read(Path root, Path file) throws IOException {
        Path relative = root.relativize(file);
        String id = relative.toString().replace('\\', '/').replaceAll("\\.yaml$", "");
        if (relative.getNameCount() != 3
                || !BINDINGS.contains(relative.getName(0).toString())) {
            throw new IllegalArgumentException(id + ": cases live at cases/<fhir|soap|api>/<area>/NAME.yaml");
        }
        String binding = relative.getName(0).toString();
        JsonNode node;
        try {
            node = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(id + ": not valid YAML: " + e.getMessage(), e);
        }
        return parse(id, binding, relative.getName(1).toString(), node);
    }

    /**
     * One case written in the kit's vocabulary (conformance-tests/README.md) outside the kit, e.g. the demo's story.
     *
     * @throws IllegalArgumentException if the text is not a valid case
     */
    public static ConformanceCase fromYaml(String id, String binding, String area, String yaml) {
        try {
            return parse(id, binding, area, YAML.readTree(yaml));
        } catch (IOException e) {
            throw new IllegalArgumentException(id + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    private static ConformanceCase parse(String id, String binding, String area, JsonNode node) {
        if (!(node instanceof ObjectNode)) {
            throw new IllegalArgumentException(id + ": not a YAML mapping");
        }
        keys(id, node, CASE_KEYS);
        if (!node.path("title").isTextual()) {
            throw new IllegalArgumentException(id + ": title is required");
        }
        List<ConformanceCase.Step> steps = new ArrayList<>();
        if (node.has("steps")) {
            if (node.has("request") || node.has("expect")) {
                throw new IllegalArgumentException(id + ": either steps or request/expect, not both");
            }
            int i = 0;
            for (JsonNode step : (ArrayNode) node.get("steps")) {
                i++;
                keys(id + " step " + i, step, STEP_KEYS);
                String stepBinding = step.path("binding").asText(binding);
                if (!BINDINGS.contains(stepBinding)) {
                    throw new IllegalArgumentException(id + ": unknown binding " + stepBinding);
                }
                steps.add(step(id + " step " + i, step.path("name").asText(null), stepBinding, step));
            }
        } else {
            steps.add(step(id, null, binding, node));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(id + ": no steps");
        }
        return new ConformanceCase(id, binding, area, node.get("title").asText(), steps);
    }

    private static ConformanceCase.Step step(String where, String name, String binding, JsonNode node) {
        JsonNode request = node.path("request");
        JsonNode expect = node.path("expect");
        if (!request.isObject() || !expect.isObject()) {
            throw new IllegalArgumentException(where + ": request and expect are required");
        }
        keys(where + " request", request, REQUEST_KEYS);
        if (request.has("soap-signature")) {
            keys(where + " soap-signature", request.get("soap-signature"), SOAP_SIGNATURE_KEYS);
        }
        keys(where + " expect", expect, EXPECT_KEYS);
        if (!expect.has("status")) {
            throw new IllegalArgumentException(where + ": expect.status is required");
        }
        for (JsonNode check : expect.path("then")) {
            keys(where + " then", check, CHECK_KEYS);
            if (check.has("mailbox-of") == check.has("status-of")) {
                throw new IllegalArgumentException(where + ": each check has exactly one of mailbox-of, status-of");
            }
        }
        return new ConformanceCase.Step(name, binding, request, expect);
    }

    private static void keys(String where, JsonNode node, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    where + ": unknown keys " + unknown + " (allowed: " + new TreeSet<>(allowed) + ")");
        }
    }

    /** Every error code a case expects (directly or as a routing error), for the coverage index. */
    public static Set<String> expectedCodes(List<ConformanceCase> cases) {
        Set<String> codes = new TreeSet<>();
        for (ConformanceCase c : cases) {
            for (ConformanceCase.Step step : c.steps()) {
                if (step.expect().hasNonNull("code")) {
                    codes.add(step.expect().get("code").asText());
                }
                for (JsonNode check : step.expect().path("then")) {
                    if (check.hasNonNull("routing-error")) {
                        codes.add(check.get("routing-error").asText());
                    }
                    if (check.hasNonNull("error")) {
                        codes.add(check.get("error").asText());
                    }
                }
            }
        }
        return codes;
    }
}
