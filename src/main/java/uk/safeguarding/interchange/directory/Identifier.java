package uk.safeguarding.interchange.directory;

import java.util.Objects;

/** A business identifier of an organisation, as a FHIR {@code Identifier} (system and value). Non-null. */
public record Identifier(String system, String value) {
    public Identifier {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(value, "value");
    }
}
