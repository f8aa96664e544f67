package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.error.ErrorCode;

/** The published gateway-error CodeSystem and the ErrorCode enum list exactly the same codes and meanings. */
class ErrorCodeSystemTest {
    private static final ConformanceResources RESOURCES = ConformanceResources.loadDefault();

    private static CodeSystem errorCodeSystem() {
        return RESOURCES.codeSystems().stream()
                .filter(cs -> ErrorCode.SYSTEM.equals(cs.getUrl()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void codeSystemListsExactlyTheEnumCodes() {
        Map<String, String> published = errorCodeSystem().getConcept().stream()
                .collect(Collectors.toMap(
                        CodeSystem.ConceptDefinitionComponent::getCode,
                        CodeSystem.ConceptDefinitionComponent::getDisplay));
        Map<String, String> enumCodes =
                Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::code, ErrorCode::meaning));

        assertThat(published).isEqualTo(enumCodes);
        assertThat(errorCodeSystem().getCount()).isEqualTo(ErrorCode.values().length);
    }

    @Test
    void codeSystemCarriesHttpStatusAndRetryableOfEachCode() {
        Map<String, ErrorCode> byCode =
                Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::code, Function.identity()));

        assertThat(errorCodeSystem().getConcept()).allSatisfy(concept -> {
            ErrorCode code = byCode.get(concept.getCode());
            Map<String, Object> properties = concept.getProperty().stream()
                    .collect(
                            Collectors.toMap(p -> p.getCode(), p -> p.getValue().primitiveValue()));
            assertThat(properties)
                    .containsEntry("httpStatus", String.valueOf(code.httpStatus()))
                    .containsEntry("retryable", String.valueOf(code.retryable()));
        });
    }
}
