package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.junit.jupiter.api.Test;

/**
 * The fast path and the business rules' reference walk read each element of a model value by name
 * ({@link ModelElements}) instead of listing them all with {@link Base#children()}: over every value of every example
 * message, both give the same elements with the same values.
 */
class ElementAccessTest {

    @Test
    void readingByNameGivesWhatChildrenLists() throws IOException {
        int values = 0;
        try (Stream<Path> files = Files.list(SharedValidator.EXAMPLES)) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                List<Base> todo = new ArrayList<>(List.of(SharedValidator.bundle(file)));
                while (!todo.isEmpty()) {
                    Base value = todo.remove(todo.size() - 1);
                    if (value instanceof PrimitiveType<?>) {
                        continue;
                    }
                    values++;
                    Map<String, String> elements = ModelElements.of(value.getClass());
                    assertThat(elements).as("%s in %s", value.fhirType(), file).isNotNull();
                    List<String> listed = new ArrayList<>();
                    for (Property p : value.children()) {
                        listed.add(p.getName());
                        String property = elements.get(p.getName());
                        assertThat(property)
                                .as("%s.%s", value.fhirType(), p.getName())
                                .isNotNull();
                        assertThat(ModelElements.values(value, property))
                                .as("%s.%s in %s", value.fhirType(), p.getName(), file)
                                .containsExactlyElementsOf(p.getValues());
                        p.getValues().stream().filter(v -> v != null).forEach(todo::add);
                    }
                    assertThat(elements.keySet()).containsExactlyElementsOf(listed);
                }
            }
        }
        assertThat(values).isGreaterThan(100);
    }
}
