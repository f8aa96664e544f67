package uk.safeguarding.interchange.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The FHIR examples of the party events are the SOAP examples' stories, derived by the translations. Run with
 * {@code -Dregenerate.examples=true} to rewrite them after changing a SOAP example or the mapping.
 */
class FhirExamplesTest {
    static final List<TranslationFixtures.Example> EXAMPLES = TranslationFixtures.EXAMPLES;

    @ParameterizedTest
    @FieldSource("EXAMPLES")
    void fhirExampleIsTheSoapExampleTranslated(TranslationFixtures.Example example) throws IOException {
        String derived = FhirExamples.json(FhirExamples.submission(example));
        if (Boolean.getBoolean("regenerate.examples")) {
            Files.writeString(example.fhirFile(), derived, StandardCharsets.UTF_8);
        }

        assertThat(Files.readString(example.fhirFile(), StandardCharsets.UTF_8)).isEqualTo(derived);
    }
}
