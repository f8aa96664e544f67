package uk.safeguarding.interchange.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.safeguarding.interchange.canonical.xml.ConcernCategory;
import uk.safeguarding.interchange.canonical.xml.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.error.GatewayException;

class CanonicalXmlExamplesTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();

    static Stream<Path> validExamples() {
        return ExampleFiles.valid("canonical");
    }

    static Stream<Path> invalidExamples() {
        return ExampleFiles.invalid("canonical");
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void validExampleValidatesAndRoundTrips(Path example) {
        InterchangeMessage first = CANONICAL.unmarshal(ExampleFiles.read(example));
        byte[] written = CANONICAL.marshal(first);
        InterchangeMessage second = CANONICAL.unmarshal(written);

        assertThat(second).usingRecursiveComparison().isEqualTo(first);
        assertThat(CANONICAL.marshal(second)).isEqualTo(written);
        assertThat(first.getEnvelope().getEvent()).isEqualTo(CanonicalXml.eventOf(first.getContent()));
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void invalidExampleIsRejectedWithItsExpectedError(Path example) {
        ExampleFiles.Expected expected = ExampleFiles.expected(example);

        GatewayException error =
                catchThrowableOfType(GatewayException.class, () -> CANONICAL.unmarshal(ExampleFiles.read(example)));

        assertThat(error).as("rejection of %s", example).isNotNull();
        assertThat(error.errorCode().code()).isEqualTo(expected.code());
        assertThat(error.getMessage()).contains(expected.fragments());
    }

    @Test
    void everyEventHasACanonicalExample() {
        Set<EventCode> covered = validExamples()
                .map(p ->
                        CANONICAL.unmarshal(ExampleFiles.read(p)).getEnvelope().getEvent())
                .collect(Collectors.toSet());

        assertThat(covered).containsExactlyInAnyOrder(EventCode.values());
    }

    @Test
    void bindsTheReferralExampleFieldByField() {
        InterchangeMessage message = CANONICAL.unmarshal(
                ExampleFiles.read(ExampleFiles.EXAMPLES.resolve("canonical/01-safeguarding-referral.xml")));

        var envelope = message.getEnvelope();
        assertThat(envelope.getTrackingId()).isEqualTo("3f6c1b2e-8a41-4c7e-9d2a-5b1e7c9a0f11");
        assertThat(envelope.getReceivedAt()).isEqualTo(Instant.parse("2025-11-17T09:42:13.250Z"));
        assertThat(envelope.getPriority()).isEqualTo(Priority.URGENT);
        assertThat(envelope.getSender().getOrgId()).isEqualTo("urn:interchange:school:100001");
        assertThat(envelope.getSubmittedBy().getOrgId()).isEqualTo("urn:interchange:system:acme-safeguard");
        assertThat(envelope.getSignature().getAlgorithm()).isEqualTo(SignatureAlgorithm.RSA_SHA_256);
        assertThat(envelope.getSignature().getSignedDigest()).hasSize(32);
        assertThat(envelope.getSignature().getSignerCertificate()).startsWith(0x30); // DER SEQUENCE

        var referral = message.getContent().getReferral();
        assertThat(referral.getConcernCategory())
                .containsExactly(
                        ConcernCategory.DOMESTIC_ABUSE, ConcernCategory.EMOTIONAL_ABUSE, ConcernCategory.NEGLECT);
        assertThat(referral.getChild().getNhsNumber()).isEqualTo("9434765919");
        assertThat(referral.getChild().getBirthDate()).isEqualTo(LocalDate.of(2016, 3, 14));
        assertThat(referral.getChild().getCurrentAddress().getPostcode()).isEqualTo("SP10 1AB");
        assertThat(referral.getRelatedPerson()).hasSize(3);
        assertThat(referral.getAttachment().get(0).getSha256()).hasSize(32);
    }

    @Test
    void examplesUseNhsNumbersWithAValidCheckDigit() {
        Stream.concat(validExamples(), ExampleFiles.valid("soap"))
                .map(p -> new String(ExampleFiles.read(p), StandardCharsets.UTF_8))
                .flatMap(xml -> java.util.regex.Pattern.compile("nhsNumber>(\\d{10})<")
                        .matcher(xml)
                        .results()
                        .map(m -> m.group(1)))
                .forEach(nhs -> assertThat(hasValidCheckDigit(nhs)).as(nhs).isTrue());
    }

    private static boolean hasValidCheckDigit(String nhs) {
        int[] digits = Arrays.stream(nhs.split("")).mapToInt(Integer::parseInt).toArray();
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += digits[i] * (10 - i);
        }
        int check = 11 - sum % 11;
        return check != 10 && (check == 11 ? 0 : check) == digits[9];
    }
}
