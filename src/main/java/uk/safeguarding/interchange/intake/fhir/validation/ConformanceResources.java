package uk.safeguarding.interchange.intake.fhir.validation;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;

/**
 * The interchange's FHIR conformance resources (StructureDefinition, ValueSet, CodeSystem), read from the JSON
 * files of {@code schemas/fhir/}. Loading reads local files only: no package download, no terminology server.
 * Immutable and thread-safe once loaded; the resources themselves must not be modified by callers.
 */
public final class ConformanceResources {
    /** Where the gateway finds the resources when run from the project directory. */
    public static final Path DEFAULT_DIR = Path.of("schemas", "fhir");

    /** The canonical base of every interchange conformance resource (decision 0001). */
    public static final String CANONICAL_BASE = "https://interchange.safeguarding.uk/fhir";

    /** The profile every submitted message Bundle is validated against. */
    public static final String MESSAGE_BUNDLE_PROFILE =
            CANONICAL_BASE + "/StructureDefinition/interchange-message-bundle";

    private final List<StructureDefinition> structureDefinitions;
    private final List<ValueSet> valueSets;
    private final List<CodeSystem> codeSystems;

    private ConformanceResources(
            List<StructureDefinition> structureDefinitions, List<ValueSet> valueSets, List<CodeSystem> codeSystems) {
        this.structureDefinitions = List.copyOf(structureDefinitions);
        this.valueSets = List.copyOf(valueSets);
        this.codeSystems = List.copyOf(codeSystems);
    }

    /** Loads {@link #DEFAULT_DIR}. */
    public static ConformanceResources loadDefault() {
        return load(DEFAULT_DIR);
    }

    /**
     * Loads every {@code *.json} file directly in {@code dir} (sorted by name). Each must be a
     * StructureDefinition, ValueSet or CodeSystem with a canonical URL under {@link #CANONICAL_BASE}.
     *
     * @throws IllegalStateException if the directory cannot be read or a file is not such a resource
     */
    public static ConformanceResources load(Path dir) {
        IParser parser = FhirContexts.r4().newJsonParser();
        List<StructureDefinition> sds = new ArrayList<>();
        List<ValueSet> vss = new ArrayList<>();
        List<CodeSystem> css = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list FHIR conformance resources in " + dir, e);
        }
        for (Path file : files) {
            Object resource;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                resource = parser.parseResource(reader);
            } catch (IOException | DataFormatException e) {
                throw new IllegalStateException("Cannot read FHIR conformance resource " + file, e);
            }
            switch (resource) {
                case StructureDefinition sd -> sds.add(checked(sd, file));
                case ValueSet vs -> vss.add(checked(vs, file));
                case CodeSystem cs -> css.add(checked(cs, file));
                default ->
                    throw new IllegalStateException(file + " is not a StructureDefinition, ValueSet or CodeSystem");
            }
        }
        if (sds.stream().noneMatch(sd -> MESSAGE_BUNDLE_PROFILE.equals(sd.getUrl()))) {
            throw new IllegalStateException(dir + " has no " + MESSAGE_BUNDLE_PROFILE);
        }
        return new ConformanceResources(sds, vss, css);
    }

    private static <T extends MetadataResource> T checked(T resource, Path file) {
        if (!resource.hasUrl() || !resource.getUrl().startsWith(CANONICAL_BASE + "/")) {
            throw new IllegalStateException(file + " has no canonical URL under " + CANONICAL_BASE);
        }
        return resource;
    }

    public List<StructureDefinition> structureDefinitions() {
        return structureDefinitions;
    }

    public List<ValueSet> valueSets() {
        return valueSets;
    }

    public List<CodeSystem> codeSystems() {
        return codeSystems;
    }

    /** The canonical URLs of the resource profiles (not extensions), for the CapabilityStatement. */
    public List<String> profiles() {
        return structureDefinitions.stream()
                .filter(sd -> sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE)
                .map(StructureDefinition::getUrl)
                .sorted()
                .toList();
    }

    /** The canonical URLs of the extension definitions. */
    public List<String> extensions() {
        return structureDefinitions.stream()
                .filter(sd -> "Extension".equals(sd.getType()))
                .map(StructureDefinition::getUrl)
                .sorted()
                .toList();
    }

    /** The resource profile (not extension) constraining the given resource type, if there is one. */
    public Optional<String> profileFor(String resourceType) {
        return structureDefinitions.stream()
                .filter(sd -> sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE)
                .filter(sd -> resourceType.equals(sd.getType()))
                .map(StructureDefinition::getUrl)
                .findFirst();
    }
}
