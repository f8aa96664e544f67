package uk.safeguarding.interchange.intake.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.OrganisationIds;

/**
 * Spec §7 for one FHIR message, against one directory snapshot: the event is an interchange party event
 * (SCHEMA-007); the submitting TLS client is in the directory (AUTH-004); the sender (MessageHeader.sender, by its
 * identifier) is in the directory (AUTH-004); the signer is the sender or acts for it (SIG-009); the TLS client is the
 * sender or acts for it (AUTH-007); the sender's kind may send the event (AUTH-005); every explicit destination is in
 * the directory (ROUTE-003) and receives the event (ROUTE-004). Stateless and thread-safe.
 */
public final class MessageAuthorisation {
    /** The code system of {@code MessageHeader.eventCoding}. */
    public static final String EVENT_SYSTEM = "https://interchange.safeguarding.uk/fhir/CodeSystem/interchange-event";

    private MessageAuthorisation() {}

    public static AuthorisedMessage authorise(VerifiedMessage message, Directory directory) {
        ParsedMessage parsed = message.parsed();
        MessageHeader header = parsed.header();
        EventCode event = partyEvent(header);
        String clientId = parsed.raw().clientOrgId();
        if (directory.find(clientId).isEmpty()) {
            throw new GatewayException(ErrorCode.AUTH_UNKNOWN_SYSTEM, "The submitting system is not in the directory.");
        }
        BundleReferences references = new BundleReferences(parsed.bundle());
        String senderId = sender(header.getSender(), references, directory);
        String signerId = message.signer().organisationId();
        if (!directory.mayActFor(signerId, senderId)) {
            throw new GatewayException(
                    ErrorCode.SIG_SIGNER_NOT_SENDER,
                    "The signer " + signerId + " is neither the sender " + senderId + " nor delegated to act for it.");
        }
        if (!directory.mayActFor(clientId, senderId)) {
            throw new GatewayException(
                    ErrorCode.AUTH_NOT_ACTING_FOR_SENDER,
                    "The submitting system " + clientId + " may not submit for the sender " + senderId + ".");
        }
        if (!directory.maySend(senderId, event)) {
            throw new GatewayException(
                    ErrorCode.AUTH_EVENT_NOT_PERMITTED,
                    "The sender " + senderId + " may not send " + event.code() + ".");
        }
        List<String> destinations = new ArrayList<>();
        for (MessageHeader.MessageDestinationComponent destination : header.getDestination()) {
            String id = destination(destination, references, directory);
            Organisation organisation = directory
                    .find(id)
                    .orElseThrow(() -> new GatewayException(
                            ErrorCode.ROUTE_UNKNOWN_DESTINATION,
                            "The destination " + id + " is not in the directory."));
            if (!organisation.receives(event)) {
                throw new GatewayException(
                        ErrorCode.ROUTE_DESTINATION_NOT_PERMITTED,
                        "The destination " + id + " does not receive " + event.code() + ".");
            }
            destinations.add(id);
        }
        return new AuthorisedMessage(message, senderId, event, destinations);
    }

    /** The event of the header if it is one a party may send (gateway-originated events are not). */
    static EventCode partyEvent(MessageHeader header) {
        if (!header.hasEventCoding()
                || !EVENT_SYSTEM.equals(header.getEventCoding().getSystem())) {
            throw new GatewayException(
                    ErrorCode.SCHEMA_UNKNOWN_EVENT, "MessageHeader.eventCoding is not from " + EVENT_SYSTEM + ".");
        }
        return EventCode.fromCode(header.getEventCoding().getCode())
                .filter(e -> !OrganisationKind.GATEWAY_ORIGINATED.contains(e))
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.SCHEMA_UNKNOWN_EVENT, "MessageHeader.eventCoding.code is not an interchange event."));
    }

    private static String sender(Reference sender, BundleReferences references, Directory directory) {
        if (sender == null || sender.isEmpty()) {
            throw new GatewayException(ErrorCode.SCHEMA_PROFILE, "MessageHeader.sender is missing.");
        }
        return organisation(sender, references, directory)
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.AUTH_UNKNOWN_SYSTEM, "MessageHeader.sender names no organisation in the directory."));
    }

    private static String destination(
            MessageHeader.MessageDestinationComponent destination, BundleReferences references, Directory directory) {
        String endpoint = destination.getEndpoint();
        Optional<String> receiver = destination.hasReceiver()
                ? Optional.of(organisation(destination.getReceiver(), references, directory)
                        .orElseThrow(() -> new GatewayException(
                                ErrorCode.ROUTE_UNKNOWN_DESTINATION,
                                "MessageHeader.destination.receiver names no organisation in the directory.")))
                : Optional.empty();
        if (OrganisationIds.isValid(endpoint)
                && receiver.isPresent()
                && !receiver.get().equals(endpoint)) {
            // Translation routes to the receiver; authorising the endpoint instead would check the wrong party.
            throw new GatewayException(
                    ErrorCode.ROUTE_AMBIGUOUS,
                    "MessageHeader.destination.endpoint " + endpoint + " and its receiver " + receiver.get()
                            + " name different organisations.");
        }
        if (receiver.isPresent()) {
            return receiver.get();
        }
        if (OrganisationIds.isValid(endpoint)) {
            return endpoint;
        }
        throw new GatewayException(
                ErrorCode.ROUTE_UNKNOWN_DESTINATION,
                "MessageHeader.destination names no organisation in the directory.");
    }

    /** The directory organisation a reference names: by its identifier, or by the referenced Organization's. */
    private static Optional<String> organisation(
            Reference reference, BundleReferences references, Directory directory) {
        if (reference == null) {
            return Optional.empty();
        }
        List<Identifier> identifiers = new ArrayList<>();
        if (reference.hasIdentifier()) {
            identifiers.add(reference.getIdentifier());
        }
        references
                .resolve(reference)
                .filter(Organization.class::isInstance)
                .map(Organization.class::cast)
                .ifPresent(org -> identifiers.addAll(org.getIdentifier()));
        return identifiers.stream()
                .map(i -> directory.byIdentifier(i.getSystem(), i.getValue()))
                .flatMap(Optional::stream)
                .map(Organisation::id)
                .findFirst();
    }
}
