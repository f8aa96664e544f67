package uk.safeguarding.interchange.intake.fhir.validation;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;

class HapiProfileScratchTest {
    @Test
    void one() throws Exception {
        Bundle b =
                FhirContexts.r4().newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("/tmp/m.json")));
        System.out.println("FAST " + SharedValidator.get().fastPath().verdict(b));
        System.out.println("HAPI "
                + SharedValidator.get()
                        .validate(b, ConformanceResources.MESSAGE_BUNDLE_PROFILE)
                        .errors());
        System.out.println("ENC "
                + FhirContexts.r4()
                        .newJsonParser()
                        .encodeResourceToString(b.getEntry().get(2).getResource()));
    }
}
