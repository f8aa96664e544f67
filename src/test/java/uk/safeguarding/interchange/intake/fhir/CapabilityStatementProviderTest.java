package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;

class CapabilityStatementProviderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);
    private static final String BASE = "https://gw.example:8443/fhir";

    static ConformanceResources resources;

    @BeforeAll
    static void load() {
        resources = ConformanceResources.loadDefault();
    }

    private static CapabilityStatement build() {
        return new CapabilityStatementProvider(
                        "1.2.3", resources, FhirContexts.r4().getResourceTypes(), CLOCK)
                .build(BASE);
    }

    @Test
    void listsEveryResourceProfileUnderItsTypeAndNoExtensions() {
        CapabilityStatement cs = build();

        List<String> listed = cs.getRestFirstRep().getResource().stream()
                .flatMap(r -> r.getSupportedProfile().stream())
                .map(CanonicalType::getValue)
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(resources.profiles());
        assertThat(listed).doesNotContainAnyElementsOf(resources.extensions());
        var bundle = cs.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals("Bundle"))
                .findFirst()
                .orElseThrow();
        assertThat(bundle.getSupportedProfile())
                .extracting(CanonicalType::getValue)
                .containsExactly(ConformanceResources.MESSAGE_BUNDLE_PROFILE);
    }

    @Test
    void describesSoftwareMessagingAndProcessMessage() {
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
        assertThat(cs.getFormat())
                .extracting(f -> f.getValue())
                .contains("application/fhir+json", "application/fhir+xml");
    }
}
