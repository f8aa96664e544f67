package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

class BusinessRulesTest {
    private static final Path EXAMPLES = Path.of("schemas/examples/fhir");

    static Stream<Path> examples() throws IOException {
        return Stream.concat(Files.list(EXAMPLES), Files.list(EXAMPLES.resolve("invalid")))
                .filter(p -> p.toString().endsWith(".json"))
                .sorted();
    }

    private static Bundle parse(Path file) throws IOException {
        return FhirContexts.r4().newJsonParser().parseResource(Bundle.class, Files.readString(file));
    }

    /** The model walk finds exactly the references HAPI's reflective terser finds, the same objects in any order. */
    @ParameterizedTest
    @MethodSource("examples")
    void referenceWalkFindsWhatTheTerserFinds(Path file) throws IOException {
        Bundle bundle = parse(file);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null) {
                continue;
            }
            List<Reference> walked = new ArrayList<>();
            BusinessRules.collectReferences(resource, walked);
            List<Reference> terser =
                    FhirContexts.r4().newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class);
            assertThat(walked).as(file + " " + resource.fhirType()).containsExactlyInAnyOrderElementsOf(terser);
        }
    }

    @Test
    void theReferralExampleHasReferencesThatAllResolve() throws IOException {
        Bundle bundle = parse(EXAMPLES.resolve("safeguarding-referral.json"));
        List<Reference> found = new ArrayList<>();
        bundle.getEntry().forEach(e -> BusinessRules.collectReferences(e.getResource(), found));

        assertThat(found).hasSizeGreaterThan(5);
        assertThatCode(() -> BusinessRules.referencesResolve(bundle)).doesNotThrowAnyException();
    }

    @Test
    void aReferenceInsideAnExtensionMustResolve() throws IOException {
        Bundle bundle = parse(EXAMPLES.resolve("safeguarding-referral.json"));
        ServiceRequest request = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(ServiceRequest.class::isInstance)
                .map(ServiceRequest.class::cast)
                .findFirst()
                .orElseThrow();
        request.addExtension("urn:test:extension", new Reference("urn:uuid:5b0f1d0e-0000-4000-8000-0000000000ff"));

        assertThatThrownBy(() -> BusinessRules.referencesResolve(bundle))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.RULE_REFERENCE_UNRESOLVED));
    }

    @Test
    void aReferenceToAContainedResourceIsNotLookedUpInTheBundle() throws IOException {
        Bundle bundle = parse(EXAMPLES.resolve("safeguarding-referral.json"));
        bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(ServiceRequest.class::isInstance)
                .map(ServiceRequest.class::cast)
                .findFirst()
                .orElseThrow()
                .addSupportingInfo(new Reference("#contained-1"));

        assertThatCode(() -> BusinessRules.referencesResolve(bundle)).doesNotThrowAnyException();
    }

    @Test
    void aReferenceInAPrimitivesExtensionOrAContainedResourceMustResolve() throws IOException {
        Reference dangling = new Reference("urn:uuid:5b0f1d0e-0000-4000-8000-0000000000fe");
        Bundle onPrimitive = parse(EXAMPLES.resolve("safeguarding-referral.json"));
        serviceRequest(onPrimitive).getAuthoredOnElement().addExtension("urn:test:extension", dangling);
        Bundle inContained = parse(EXAMPLES.resolve("safeguarding-referral.json"));
        serviceRequest(inContained).addContained(new Patient().setGeneralPractitioner(List.of(dangling.copy())));

        for (Bundle bundle : List.of(onPrimitive, inContained)) {
            assertThatThrownBy(() -> BusinessRules.referencesResolve(bundle))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.RULE_REFERENCE_UNRESOLVED));
        }
    }

    private static ServiceRequest serviceRequest(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(ServiceRequest.class::isInstance)
                .map(ServiceRequest.class::cast)
                .findFirst()
                .orElseThrow();
    }
}
