package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FHIRPath modulus-11 invariant isg-pat-1 of the child profile agrees with the NHS number algorithm. */
class NhsNumberInvariantTest {
    private static final String CHILD_PROFILE =
            ConformanceResources.CANONICAL_BASE + "/StructureDefinition/interchange-child";
    private static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    @ParameterizedTest
    @ValueSource(strings = {"9434765919", "9434765870", "4010232137", "9000000009", "9876543210"})
    void acceptsValidNhsNumbers(String nhsNumber) {
        assertThat(checksumIsValid(nhsNumber)).as("reference algorithm").isTrue();
        assertThat(invariantFailed(nhsNumber)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "9434765918", // wrong check digit
                "9434765871", // wrong check digit
                "1234567890", // wrong check digit
                "943476591", // 9 digits
                "94347659190", // 11 digits
                "943476591X", // not a digit
                "943 476 5919", // spaces are not part of the identifier value
                "-434765919"
            })
    void rejectsInvalidNhsNumbers(String nhsNumber) {
        assertThat(invariantFailed(nhsNumber)).isTrue();
    }

    @Test
    void rejectsNumbersWhoseCheckDigitWouldBeTen() {
        // A prefix whose weighted sum leaves remainder 1 would need check digit 10: no tenth digit completes it.
        String prefix = IntStream.iterate(100000000, i -> i + 1)
                .mapToObj(String::valueOf)
                .filter(p -> weightedSum(p) % 11 == 1)
                .findFirst()
                .orElseThrow();
        for (int lastDigit = 0; lastDigit <= 9; lastDigit++) {
            String candidate = prefix + lastDigit;
            assertThat(checksumIsValid(candidate)).isFalse();
            assertThat(invariantFailed(candidate)).as(candidate).isTrue();
        }
    }

    @Test
    void agreesWithReferenceAlgorithmForEveryCheckDigitOfSomePrefixes() {
        Stream.of("943476591", "401023213", "123456789", "000000001").forEach(prefix -> {
            for (int lastDigit = 0; lastDigit <= 9; lastDigit++) {
                String candidate = prefix + lastDigit;
                assertThat(invariantFailed(candidate)).as(candidate).isEqualTo(!checksumIsValid(candidate));
            }
        });
    }

    @Test
    void childWithoutNhsNumberIsAllowed() {
        Patient child = child(null);

        assertThat(SharedValidator.get().validate(child, CHILD_PROFILE).errors())
                .isEmpty();
    }

    private static boolean invariantFailed(String nhsNumber) {
        ProfileValidationResult result = SharedValidator.get().validate(child(nhsNumber), CHILD_PROFILE);
        assertThat(result.errors())
                .as("only the NHS number invariant may fail for %s", nhsNumber)
                .allSatisfy(i -> assertThat(i.messageId()).endsWith("#isg-pat-1"));
        return !result.errors().isEmpty();
    }

    private static Patient child(String nhsNumber) {
        Patient child = new Patient();
        if (nhsNumber != null) {
            child.addIdentifier().setSystem(NHS_SYSTEM).setValue(nhsNumber);
        }
        child.addName(new HumanName().setFamily("Carter").addGiven("Maisie"));
        child.setGender(AdministrativeGender.FEMALE);
        child.getBirthDateElement().setValueAsString("2016-03-14");
        return child;
    }

    /** The NHS number check: weights 10..2 on the first nine digits, check digit = 11 - (sum mod 11), 11 -> 0. */
    static boolean checksumIsValid(String nhsNumber) {
        if (!nhsNumber.matches("[0-9]{10}")) {
            return false;
        }
        int check = 11 - weightedSum(nhsNumber.substring(0, 9)) % 11;
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == nhsNumber.charAt(9) - '0';
    }

    private static int weightedSum(String nineDigits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nineDigits.charAt(i) - '0') * (10 - i);
        }
        return sum;
    }
}
