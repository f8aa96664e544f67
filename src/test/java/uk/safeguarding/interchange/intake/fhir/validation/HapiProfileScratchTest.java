package uk.safeguarding.interchange.intake.fhir.validation;

import java.nio.file.Files;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class HapiProfileScratchTest {
    @Test
    void loop() throws Exception {
        FastProfileValidator f = SharedValidator.get().fastPath();
        f.unimplementedInvariants().stream().sorted().forEach(u -> System.out.println("UNIMPL " + u));
        try (var files = Files.list(SharedValidator.EXAMPLES)) {
            for (var p :
                    files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                Bundle b = SharedValidator.bundle(p);
                System.out.println("VERDICT " + p.getFileName() + " " + f.verdict(b));
            }
        }
        try (var files = Files.list(SharedValidator.INVALID)) {
            for (var p :
                    files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                Bundle b = SharedValidator.bundle(p);
                System.out.println("INVALID " + p.getFileName() + " " + f.verdict(b));
            }
        }
    }
}
