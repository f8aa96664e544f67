package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.rest.annotation.Metadata;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.StructureDefinition;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;

/**
 * Answers {@code GET /fhir/metadata}: the gateway's CapabilityStatement, built per request from the loaded
 * conformance resources ({@link ConformanceResources}, the one loader of {@code schemas/fhir/}) and the server base
 * the client used. Registered with HAPI's
 * {@code RestfulServer#setServerConformanceProvider}. Thread-safe.
 */
public final class CapabilityStatementProvider {
    public static final String SOFTWARE_NAME = "Safeguarding Interchange Gateway";
    public static final String PROCESS_MESSAGE_DEFINITION =
            "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message";
    static final String MESSAGE_TRANSPORT = "http://terminology.hl7.org/CodeSystem/message-transport";

    private final String softwareVersion;
    private final ConformanceResources resources;
    private final Set<String> resourceTypes;
    private final Clock clock;

    /**
     * @param resourceTypes the FHIR resource type names (profiles of other kinds are not listed per resource)
     */
    public CapabilityStatementProvider(
            String softwareVersion, ConformanceResources resources, Set<String> resourceTypes, Clock clock) {
        this.softwareVersion = softwareVersion;
        this.resources = resources;
        this.resourceTypes = Set.copyOf(resourceTypes);
        this.clock = clock;
    }

    /** HAPI hands every conformance provider its server; this one needs nothing from it. */
    public void setRestfulServer(ca.uhn.fhir.rest.server.RestfulServer server) {
        // The statement is built from the request's base url and the profiles, not from registered providers.
    }

    @Metadata(cacheMillis = 0)
    public CapabilityStatement getServerConformance(RequestDetails requestDetails) {
        return build(requestDetails.getFhirServerBase());
    }

    /** The CapabilityStatement for a server whose FHIR base url is {@code base}. */
    public CapabilityStatement build(String base) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setUrl(base + "/metadata");
        cs.setName("SafeguardingInterchangeGateway");
        cs.setTitle(SOFTWARE_NAME);
        cs.setStatus(PublicationStatus.ACTIVE);
        cs.setDate(Date.from(clock.instant()));
        cs.setPublisher("Safeguarding Interchange");
        cs.setKind(CapabilityStatementKind.INSTANCE);
        cs.setFhirVersion(FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.addFormat("application/fhir+xml");
        cs.getSoftware().setName(SOFTWARE_NAME).setVersion(softwareVersion);
        cs.getImplementation()
                .setDescription("National safeguarding interchange: signed FHIR messages between schools, police,"
                        + " children's services and health, over HTTPS with mutual TLS")
                .setUrl(base);

        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Submit messages with $process-message; every call needs a client certificate.");
        rest.getSecurity()
                .setDescription("Mutual TLS: the client certificate must chain to the interchange trust anchors"
                        + " and name the calling organisation as a urn:interchange: SAN URI.");
        rest.addOperation().setName("process-message").setDefinition(PROCESS_MESSAGE_DEFINITION);

        Map<String, CapabilityStatement.CapabilityStatementRestResourceComponent> byType = new LinkedHashMap<>();
        List<StructureDefinition> profiles = resources.structureDefinitions().stream()
                .filter(sd -> sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE)
                .filter(sd -> resourceTypes.contains(sd.getType()))
                .sorted(Comparator.comparing(StructureDefinition::getUrl))
                .toList();
        for (StructureDefinition profile : profiles) {
            byType.computeIfAbsent(profile.getType(), t -> rest.addResource().setType(t))
                    .addSupportedProfile(profile.getUrl());
        }

        CapabilityStatement.CapabilityStatementMessagingComponent messaging = cs.addMessaging();
        messaging
                .addEndpoint()
                .setProtocol(new Coding(MESSAGE_TRANSPORT, "http", "HTTP"))
                .setAddress(base + "/$process-message");
        messaging.setDocumentation("Message Bundles (MessageHeader first) signed with a detached JWS in"
                + " Bundle.signature; the synchronous reply is a signed response message.");
        return cs;
    }
}
