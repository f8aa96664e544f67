package uk.safeguarding.interchange.intake.fhir;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

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
     * Every {@link Reference} in {@code element} and below it (extensions and contained resources included), through
     * the model's own child lists: HAPI's {@code FhirTerser} finds the same ones by reflection, at twice the cost.
     */
    static void collectReferences(Base element, List<Reference> found) {
        if (element instanceof Reference reference) {
            found.add(reference);
        }
        for (Property child : element.children()) {
            if (child.hasValues()) {
                for (Base value : child.getValues()) {
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
