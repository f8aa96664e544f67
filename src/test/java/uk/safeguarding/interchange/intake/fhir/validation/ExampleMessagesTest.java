package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every committed example message is valid; every committed invalid example fails with its expected message. */
class ExampleMessagesTest {

    static Stream<Path> validExamples() throws IOException {
        return jsonFiles(SharedValidator.EXAMPLES);
    }

    static Stream<Path> invalidExamples() throws IOException {
        return jsonFiles(SharedValidator.INVALID);
    }

    private static Stream<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void validExampleHasNoErrors(Path file) {
        ProfileValidationResult result = SharedValidator.get().validate(SharedValidator.bundle(file));

        result.issues().forEach(i -> System.out.println(file.getFileName() + " " + i));
        assertThat(result.errors()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void invalidExampleFailsWithExpectedMessage(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        String expected = Files.readString(file.resolveSibling(name + ".expected.txt"), StandardCharsets.UTF_8)
                .strip();

        ProfileValidationResult result = SharedValidator.get().validate(SharedValidator.bundle(file));

        result.errors().forEach(i -> System.out.println(name + " " + i));
        assertThat(result.errors())
                .as("errors of %s", name)
                .anySatisfy(i -> assertThat(i.messageId() + " " + i.message()).contains(expected));
    }
}
