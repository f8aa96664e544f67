package uk.safeguarding.interchange.intake.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the StructureDefinitions in a directory of FHIR JSON files (e.g. {@code schemas/fhir/}), sorted by url.
 * Reads the directory on every call, so profiles added while the gateway runs appear; a missing or empty
 * directory gives an empty list; files that are not StructureDefinitions are skipped, unreadable JSON is
 * logged and skipped. Thread-safe.
 */
public final class StructureDefinitionReader implements Supplier<List<StructureDefinitionReader.Profile>> {
    private static final Logger log = LoggerFactory.getLogger(StructureDefinitionReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One StructureDefinition: canonical {@code url}, constrained {@code type} (e.g. {@code Bundle}) and
     * {@code kind} ({@code resource}, {@code complex-type}, ...).
     */
    public record Profile(String url, String type, String kind) {}

    private final Path directory;

    public StructureDefinitionReader(Path directory) {
        this.directory = directory;
    }

    @Override
    public List<Profile> get() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .filter(Files::isRegularFile)
                    .map(StructureDefinitionReader::read)
                    .flatMap(Optional::stream)
                    .sorted(Comparator.comparing(Profile::url))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical urls only. */
    public List<String> urls() {
        return get().stream().map(Profile::url).toList();
    }

    private static Optional<Profile> read(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null
                    || !"StructureDefinition".equals(root.path("resourceType").asText())) {
                return Optional.empty();
            }
            String url = root.path("url").asText("");
            if (url.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Profile(
                    url, root.path("type").asText(""), root.path("kind").asText("")));
        } catch (IOException e) {
            log.warn("Skipping {}: not readable JSON ({})", file, e.getMessage());
            return Optional.empty();
        }
    }
}
