package uk.safeguarding.interchange.intake.fhir;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Resolves references inside one message Bundle only (never over the network): by an entry's {@code fullUrl}, or by
 * {@code Type/id} of an entry's resource. Immutable after construction.
 */
final class BundleReferences {
    private final Map<String, Resource> byReference = new HashMap<>();

    BundleReferences(Bundle bundle) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null) {
                continue;
            }
            if (entry.hasFullUrl()) {
                byReference.put(entry.getFullUrl(), resource);
            }
            if (resource.getIdElement().hasIdPart()) {
                byReference.putIfAbsent(
                        resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
            }
        }
    }

    /** The resource a literal reference string points to, if it is in the Bundle. */
    Optional<Resource> resolve(String reference) {
        return Optional.ofNullable(reference == null ? null : byReference.get(reference));
    }

    Optional<Resource> resolve(Reference reference) {
        return reference == null ? Optional.empty() : resolve(reference.getReference());
    }
}
