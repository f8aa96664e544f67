package uk.safeguarding.interchange.intake.fhir.validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;

/** One validator for all tests in the JVM: building it takes seconds, exactly as in the gateway. */
public final class SharedValidator {
    static final Path EXAMPLES = Path.of("schemas", "examples", "fhir");
    static final Path INVALID = EXAMPLES.resolve("invalid");

    private static final class Holder {
        static final ProfileValidator VALIDATOR = new ProfileValidator(ConformanceResources.loadDefault());
    }

    private SharedValidator() {}

    public static ProfileValidator get() {
        return Holder.VALIDATOR;
    }

    static Bundle bundle(Path file) {
        try {
            return FhirContexts.r4()
                    .newJsonParser()
                    .parseResource(Bundle.class, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
