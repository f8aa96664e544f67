package uk.safeguarding.interchange.intake.fhir.validation;

import java.util.Objects;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;

/** FHIR pattern[x] matching: every value the pattern has, the instance has too (lists: each pattern item in some instance item). */
final class Patterns {
    private Patterns() {}

    static boolean matches(Base pattern, Base value) {
        if (pattern instanceof PrimitiveType<?> p) {
            return value instanceof PrimitiveType<?> v && Objects.equals(p.getValueAsString(), v.getValueAsString());
        }
        if (value == null || !pattern.fhirType().equals(value.fhirType())) {
            return false;
        }
        for (Property property : pattern.children()) {
            if (!property.hasValues()) {
                continue;
            }
            Property actual = value.getNamedProperty(property.getName());
            for (Base wanted : property.getValues()) {
                if (wanted == null || wanted.isEmpty()) {
                    continue;
                }
                boolean found = false;
                if (actual != null) {
                    for (Base candidate : actual.getValues()) {
                        if (candidate != null && matches(wanted, candidate)) {
                            found = true;
                            break;
                        }
                    }
                }
                if (!found) {
                    return false;
                }
            }
        }
        return true;
    }
}
