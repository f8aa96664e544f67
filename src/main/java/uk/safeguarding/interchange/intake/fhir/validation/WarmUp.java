package uk.safeguarding.interchange.intake.fhir.validation;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * A synthetic Bundle with one resource of every profiled type, validated once at start-up so that HAPI
 * generates every snapshot and fills its caches before the first real message. It holds no personal data and
 * is not meant to be valid.
 */
final class WarmUp {
    private WarmUp() {}

    static Bundle bundle() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.setId("warm-up");
        List<Resource> resources = List.of(
                new MessageHeader(),
                new ServiceRequest(),
                new Patient(),
                new RelatedPerson(),
                new Organization(),
                new PractitionerRole(),
                new Task(),
                new CommunicationRequest(),
                new Communication());
        int n = 0;
        for (Resource resource : resources) {
            bundle.addEntry()
                    .setFullUrl("urn:uuid:00000000-0000-4000-8000-00000000000" + n++)
                    .setResource(resource);
        }
        return bundle;
    }
}
