package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilityStatementProviderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);
    private static final String BASE = "https://gw.example:8443/fhir";

    @TempDir
    Path schemas;

    private CapabilityStatement build() {
        return new CapabilityStatementProvider(
                        "1.2.3",
                        new StructureDefinitionReader(schemas),
                        FhirContext.forR4Cached().getResourceTypes(),
                        CLOCK)
                .build(BASE);
    }

    @Test
    void listsProfilesFromSchemasDirectoryUnderTheirResourceType() throws Exception {
        Files.writeString(
                schemas.resolve("bundle.json"),
                """
                {"resourceType":"StructureDefinition","url":"https://interchange.safeguarding.uk/fhir/StructureDefinition/interchange-bundle",
                 "type":"Bundle","kind":"resource"}""");
        Files.writeString(
                schemas.resolve("ext.json"),
                """
                {"resourceType":"StructureDefinition","url":"https://interchange.safeguarding.uk/fhir/StructureDefinition/caveat",
                 "type":"Extension","kind":"complex-type"}""");
        Files.writeString(
                schemas.resolve("vs.json"),
                """
                {"resourceType":"ValueSet","url":"https://interchange.safeguarding.uk/fhir/ValueSet/concern"}""");
        Files.writeString(schemas.resolve("broken.json"), "{not json");

        CapabilityStatement cs = build();

        assertThat(cs.getRestFirstRep().getResource()).hasSize(1);
        var bundle = cs.getRestFirstRep().getResourceFirstRep();
        assertThat(bundle.getType()).isEqualTo("Bundle");
        assertThat(bundle.getSupportedProfile())
                .extracting(CanonicalType::getValue)
                .containsExactly("https://interchange.safeguarding.uk/fhir/StructureDefinition/interchange-bundle");
        assertThat(new StructureDefinitionReader(schemas).urls()).hasSize(2);
    }

    @Test
    void describesSoftwareMessagingAndProcessMessageWithoutProfiles() {
        CapabilityStatement cs = build();

        assertThat(cs.getSoftware().getName()).isEqualTo("Safeguarding Interchange Gateway");
        assertThat(cs.getSoftware().getVersion()).isEqualTo("1.2.3");
        assertThat(cs.getImplementation().getUrl()).isEqualTo(BASE);
        assertThat(cs.getImplementation().getDescription()).contains("mutual TLS");
        assertThat(cs.getDate()).isEqualTo(java.util.Date.from(CLOCK.instant()));
        assertThat(cs.getRestFirstRep().getOperationFirstRep().getName()).isEqualTo("process-message");
        assertThat(cs.getRestFirstRep().getOperationFirstRep().getDefinition())
                .isEqualTo(CapabilityStatementProvider.PROCESS_MESSAGE_DEFINITION);
        assertThat(cs.getMessagingFirstRep().getEndpointFirstRep().getAddress()).isEqualTo(BASE + "/$process-message");
        assertThat(cs.getRestFirstRep().getResource()).isEmpty();
    }

    @Test
    void readsNoProfilesFromMissingDirectory() {
        assertThat(new StructureDefinitionReader(schemas.resolve("absent")).get())
                .isEmpty();
    }
}
