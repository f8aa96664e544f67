package uk.safeguarding.interchange.canonical;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The example documents under schemas/examples, as test data (valid ones and invalid ones with their expectations). */
public final class ExampleFiles {
    public static final Path EXAMPLES = Path.of("schemas", "examples");

    private ExampleFiles() {}

    /** The valid examples directly in {@code schemas/examples/<binding>/}, sorted by name. */
    public static Stream<Path> valid(String binding) {
        return xmlFilesIn(EXAMPLES.resolve(binding));
    }

    /** The invalid examples in {@code schemas/examples/<binding>/invalid/}, sorted by name. */
    public static Stream<Path> invalid(String binding) {
        return xmlFilesIn(EXAMPLES.resolve(binding).resolve("invalid"));
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The expectation beside an invalid example ({@code name.expected.txt}): the first line is the error code, each
     * further line a fragment the error message must contain.
     */
    public static Expected expected(Path invalidExample) {
        String name = invalidExample.getFileName().toString().replaceFirst("\\.xml$", ".expected.txt");
        try {
            List<String> lines =
                    Files.readAllLines(invalidExample.resolveSibling(name), StandardCharsets.UTF_8).stream()
                            .filter(line -> !line.isBlank())
                            .toList();
            return new Expected(lines.get(0).strip(), lines.subList(1, lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("Missing " + name + " beside " + invalidExample, e);
        }
    }

    public record Expected(String code, List<String> fragments) {}

    private static Stream<Path> xmlFilesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> xml =
                    files.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
            if (xml.isEmpty()) {
                throw new IllegalStateException("No examples in " + dir.toAbsolutePath());
            }
            return xml.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
