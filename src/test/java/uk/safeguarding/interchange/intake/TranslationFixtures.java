package uk.safeguarding.interchange.intake;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.xml.transform.stream.StreamSource;
import org.hl7.fhir.r4.model.Bundle;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessage;

/** The example messages of every party event in both bindings, and fixed envelope facts for translating them. */
public final class TranslationFixtures {
    public static final Path FHIR = Path.of("schemas", "examples", "fhir");
    public static final Path SOAP = Path.of("schemas", "examples", "soap");
    public static final Path CANONICAL = Path.of("schemas", "examples", "canonical");
    public static final String ACME = "urn:interchange:system:acme-safeguard";

    /** One party message, described by the same story in the three example folders. */
    public record Example(String fhirName, String soapName, String senderOrgId) {
        public String name() {
            return fhirName;
        }

        public Path fhirFile() {
            return FHIR.resolve(fhirName + ".json");
        }

        public Path soapFile() {
            return SOAP.resolve(soapName + ".xml");
        }

        public Path canonicalFile() {
            return CANONICAL.resolve(soapName + ".xml");
        }

        /** A school's messages arrive through its vendor system; everyone else connects directly. */
        public String submittedBy() {
            return senderOrgId.startsWith("urn:interchange:school:") ? ACME : senderOrgId;
        }

        public EnvelopeFacts facts(Binding binding) {
            UUID tracking = UUID.nameUUIDFromBytes(("tracking/" + fhirName).getBytes(StandardCharsets.UTF_8));
            UUID sent = UUID.nameUUIDFromBytes(("sent/" + fhirName).getBytes(StandardCharsets.UTF_8));
            byte[] certificate = new byte[96];
            Arrays.fill(certificate, (byte) 0x30);
            byte[] digest = new byte[32];
            Arrays.fill(digest, (byte) 7);
            return new EnvelopeFacts(
                    tracking.toString(),
                    Instant.parse("2025-11-17T09:42:13.250Z"),
                    binding,
                    sent.toString(),
                    submittedBy(),
                    new EnvelopeFacts.Signature(
                            certificate,
                            submittedBy(),
                            binding == Binding.FHIR ? SignatureAlgorithm.RS_256 : SignatureAlgorithm.RSA_SHA_256,
                            digest,
                            Instant.parse("2025-11-17T09:42:00Z")));
        }

        @Override
        public String toString() {
            return fhirName;
        }
    }

    public static final List<Example> EXAMPLES = List.of(
            new Example("safeguarding-referral", "01-safeguarding-referral", "urn:interchange:school:100001"),
            new Example("police-notification", "02-police-notification", "urn:interchange:police:dorset"),
            new Example("encompass-notification", "03-encompass-notification", "urn:interchange:police:hampshire"),
            new Example("referral-update", "04-referral-update", "urn:interchange:school:100001"),
            new Example("referral-withdrawal", "05-referral-withdrawal", "urn:interchange:school:100001"),
            new Example("referral-outcome-accepted", "06-referral-outcome-accepted", "urn:interchange:la:850"),
            new Example("referral-outcome-declined", "07-referral-outcome-declined", "urn:interchange:la:850"),
            new Example("referral-outcome-transferred", "08-referral-outcome-transferred", "urn:interchange:la:850"),
            new Example("information-request", "09-information-request", "urn:interchange:mash:850"),
            new Example("information-response", "10-information-response", "urn:interchange:police:dorset"));

    private static final JAXBContext SOAP_CONTEXT = soapContext();

    private TranslationFixtures() {}

    public static SubmitMessage soap(Path file) {
        try {
            return SOAP_CONTEXT
                    .createUnmarshaller()
                    .unmarshal(new StreamSource(file.toFile()), SubmitMessage.class)
                    .getValue();
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Bundle fhir(Path file) {
        try {
            return FhirContexts.r4()
                    .newJsonParser()
                    .parseResource(Bundle.class, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JAXBContext soapContext() {
        try {
            return JAXBContext.newInstance(uk.safeguarding.interchange.intake.soap.ws.ObjectFactory.class);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }
}
