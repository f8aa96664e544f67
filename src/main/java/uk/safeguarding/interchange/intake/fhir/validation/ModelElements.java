package uk.safeguarding.interchange.intake.fhir.validation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;

/**
 * The elements of a HAPI model class, each read by the name its generated {@link Base#getProperty(int, String,
 * boolean)} knows. {@link Base#children()} lists the same elements with their values, but builds a {@link Property}
 * (name, type, definition, cardinality, a list of values) for every element of every value it is asked about; reading
 * by name allocates only the array of values. The fast validator and the business rules' reference walk read the
 * model this way. Thread-safe.
 */
public final class ModelElements {
    private static final ClassValue<Map<String, String>> ELEMENTS = new ClassValue<>() {
        @Override
        protected Map<String, String> computeValue(Class<?> type) {
            Base instance;
            try {
                instance = (Base) type.getConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException e) {
                return null;
            }
            Map<String, String> elements = new LinkedHashMap<>();
            for (Property p : instance.children()) {
                String name = p.getName();
                String property = name.endsWith("[x]") ? name.substring(0, name.length() - 3) : name;
                if (instance.getProperty(property.hashCode(), property, false) == null) {
                    return null;
                }
                elements.put(name, property);
            }
            return Collections.unmodifiableMap(elements);
        }
    };

    private ModelElements() {}

    /**
     * The elements of {@code type} as {@link Base#children()} names them (choices as {@code value[x]}), in its order,
     * each with the name {@link #values} reads it by ({@code value[x]} → {@code value}); null if the class has no
     * public no-argument constructor or names an element it cannot read by name (the fast validator then defers to
     * HAPI, the reference walk lists {@code children()}).
     */
    public static Map<String, String> of(Class<?> type) {
        return ELEMENTS.get(type);
    }

    /** The values of one element of {@code value}, {@code property} being a name from {@link #of} (empty if none). */
    public static Base[] values(Base value, String property) {
        return value.getProperty(property.hashCode(), property, false);
    }
}
