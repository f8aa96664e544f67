package uk.safeguarding.interchange.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One conformance case as read from {@code conformance-tests/cases/<binding>/<area>/NAME.yaml}: a title and one or
 * more steps, each a request and its expected outcome (see conformance-tests/README.md for the vocabulary).
 *
 * @param id {@code <binding>/<area>/NAME}
 */
public record ConformanceCase(String id, String binding, String area, String title, List<Step> steps) {
    public ConformanceCase {
        steps = List.copyOf(steps);
    }

    /** A request and what must follow; {@code name} labels the step's message ids for later steps (may be null). */
    public record Step(String name, String binding, JsonNode request, JsonNode expect) {}
}
