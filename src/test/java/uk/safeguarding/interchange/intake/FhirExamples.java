package uk.safeguarding.interchange.intake;

import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import uk.safeguarding.interchange.canonical.CanonicalToFhir;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;
import uk.safeguarding.interchange.intake.soap.SoapToCanonical;

/**
 * Derives the FHIR example of each event from its SOAP example (SOAP → canonical → FHIR), turned into what a
 * sender submits: {@code Bundle.id} is the sender's message id, no gateway tracking id, and a placeholder
 * signature (structurally valid, not verifiable, like every example signature).
 */
final class FhirExamples {
    static final String PLACEHOLDER_JWS =
            "ZXlKaGJHY2lPaUpTVXpJMU5pSjkuLmNHeGhZMlZvYjJ4a1pYSXRjMmxuYm1GMGRYSmxMVzV2ZEMxaExYSmxZV3d0YjI1bA==";

    private FhirExamples() {}

    static Bundle submission(TranslationFixtures.Example example) {
        var facts = example.facts(Binding.SOAP);
        InterchangeMessage canonical =
                new SoapToCanonical().translate(TranslationFixtures.soap(example.soapFile()), facts);
        Bundle bundle = new CanonicalToFhir().toBundle(canonical);
        bundle.setId(facts.senderMessageId());
        bundle.setIdentifier(null);
        bundle.setTimestamp(Date.from(facts.signature().signingTime()));
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        org.hl7.fhir.r4.model.Signature signature = bundle.getSignature();
        signature.addType(new Coding("urn:iso-astm:E1762-95:2013", "1.2.840.10065.1.12.1.1", "Author's Signature"));
        signature.setWhen(Date.from(facts.signature().signingTime()));
        signature.setWho(new Reference(header.getSender().getReference()));
        signature.setSigFormat("application/jose");
        signature.setDataElement(new org.hl7.fhir.r4.model.Base64BinaryType(PLACEHOLDER_JWS));
        return bundle;
    }

    static String json(Bundle bundle) {
        return FhirContexts.r4().newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle) + "\n";
    }
}
