package uk.safeguarding.interchange.intake.fhir;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.fhir.validation.ModelElements;

/**
 * The rules the profiles cannot express. RULE-001: every literal reference in the Bundle (other than to a contained
 * resource) resolves to an entry of the Bundle, by {@code fullUrl} or {@code Type/id}; HAPI's validator only warns.
 * RULE-002: no birth date after today (UK time), no {@code Bundle.timestamp} or {@code ServiceRequest.authoredOn}
 * in the future beyond the allowed clock skew, and no referral authored before the child's birth. Details name
 * element paths, never values. Stateless and thread-safe.
 */
public final class BusinessRules {
    private static final ZoneId UK = ZoneId.of("Europe/London");

    private BusinessRules() {}

    public static void check(Bundle bundle, Instant now, Duration skew) {
        referencesResolve(bundle);
        datesAreSane(bundle, now, skew);
    }

    static void referencesResolve(Bundle bundle) {
        BundleReferences references = new BundleReferences(bundle);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null) {
                continue;
            }
            List<Reference> all = new ArrayList<>();
            collectReferences(resource, all);
            for (Reference reference : all) {
                String target = reference.getReferenceElement().getValue();
                if (target == null || target.startsWith("#")) {
                    continue;
                }
                if (references.resolve(target).isEmpty()) {
                    throw new GatewayException(
                            ErrorCode.RULE_REFERENCE_UNRESOLVED,
                            "A reference in " + resource.fhirType() + " resolves to no entry in the Bundle.");
                }
            }
        }
    }

    /**
     * Every {@link Reference} in {@code element} and below it (extensions and contained resources included), reading
     * each model value's elements by name ({@link ModelElements}): {@link Base#children()} finds the same ones but
     * builds a {@link Property} for every element of every value (most of this rule's cost), HAPI's {@code FhirTerser}
     * by reflection at twice that. A primitive's only child that can hold a reference is its extensions.
     */
    static void collectReferences(Base element, List<Reference> found) {
        if (element instanceof Reference reference) {
            found.add(reference);
        }
        if (element instanceof PrimitiveType<?> primitive) {
            for (Extension extension : primitive.getExtension()) {
                collectReferences(extension, found);
            }
            return;
        }
        Map<String, String> elements = ModelElements.of(element.getClass());
        if (elements == null) {
            for (Property child : element.children()) {
                for (Base value : child.getValues()) {
                    collectReferences(value, found);
                }
            }
            return;
        }
        for (String property : elements.values()) {
            for (Base value : ModelElements.values(element, property)) {
                if (value != null) {
                    collectReferences(value, found);
                }
            }
        }
    }

    static void datesAreSane(Bundle bundle, Instant now, Duration skew) {
        LocalDate today = LocalDate.ofInstant(now, UK);
        Instant latest = now.plus(skew);
        if (bundle.hasTimestamp() && bundle.getTimestamp().toInstant().isAfter(latest)) {
            throw invalid("Bundle.timestamp is in the future.");
        }
        LocalDate childBirth = null;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            DateType birthDate = null;
            if (resource instanceof Patient patient) {
                birthDate = patient.getBirthDateElement();
                if (birthDate.hasValue()) {
                    childBirth = earliestDay(birthDate);
                }
            } else if (resource instanceof RelatedPerson person) {
                birthDate = person.getBirthDateElement();
            } else if (resource instanceof Practitioner practitioner) {
                birthDate = practitioner.getBirthDateElement();
            }
            if (birthDate != null
                    && birthDate.hasValue()
                    && earliestDay(birthDate).isAfter(today)) {
                throw invalid(resource.fhirType() + ".birthDate is in the future.");
            }
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof ServiceRequest request && request.hasAuthoredOn()) {
                Instant authored = request.getAuthoredOn().toInstant();
                if (authored.isAfter(latest)) {
                    throw invalid("ServiceRequest.authoredOn is in the future.");
                }
                if (childBirth != null && LocalDate.ofInstant(authored, UK).isBefore(childBirth)) {
                    throw invalid("ServiceRequest.authoredOn is before the child's birthDate.");
                }
            }
        }
    }

    /** The first calendar day a FHIR date names ({@code 2016} → 2016-01-01); dates carry no time zone. */
    private static LocalDate earliestDay(DateType date) {
        String value = date.getValueAsString();
        return switch (value.length()) {
            case 4 -> LocalDate.of(Integer.parseInt(value), 1, 1);
            case 7 -> LocalDate.parse(value + "-01");
            default -> LocalDate.parse(value.substring(0, 10));
        };
    }

    private static GatewayException invalid(String detail) {
        return new GatewayException(ErrorCode.RULE_DATE_INVALID, detail);
    }
}
