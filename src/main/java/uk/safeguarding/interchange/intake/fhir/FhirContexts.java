package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.context.FhirContext;

/**
 * The one shared FHIR R4 context. A {@link FhirContext} is expensive to build (it scans the model) and is
 * thread-safe once built, so the whole gateway shares this instance.
 */
public final class FhirContexts {
    private static final FhirContext R4 = FhirContext.forR4Cached();

    private FhirContexts() {}

    /** The shared, thread-safe R4 context. */
    public static FhirContext r4() {
        return R4;
    }
}
