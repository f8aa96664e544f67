package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Objects;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.error.ErrorCode;

/**
 * The gateway's synchronous replies to {@code $process-message} (spec §5): a response message Bundle, signed by the
 * gateway like any interchange message. {@code Bundle.identifier} carries the tracking id (system {@link
 * #TRACKING_ID_SYSTEM}) when the message was accepted; {@code MessageHeader.response} carries the request's
 * MessageHeader.id ({@code unknown} when it could not be read) and {@code ok}, {@code transient-error} or {@code
 * fatal-error}; the focus is an OperationOutcome whose issue details carry the gateway error code. {@code
 * Bundle.timestamp} is written in UTC ({@code +00:00}), whatever the JVM's default zone. Thread-safe.
 *
 * <p>The {@code ok} reply is made for every accepted message, so its JSON tree is built directly rather than as a HAPI
 * Bundle encoded to a string and parsed back (that was ~30 µs of a ~190 µs reply, the rest is mostly the ES256
 * signature; docs/performance.md section 10). {@code FhirRepliesTest} proves the tree is exactly the one HAPI's
 * encoding of {@link #reply} gives. The rare error replies keep the HAPI path.
 */
public final class FhirReplies {
    /** {@code Bundle.identifier.system} of the tracking id in an {@code ok} reply. */
    public static final String TRACKING_ID_SYSTEM = "https://interchange.safeguarding.uk/fhir/tracking-id";
    /** {@code MessageHeader.source.endpoint} of every reply. */
    public static final String GATEWAY_ID = "urn:interchange:gateway:national";
    /** {@code MessageHeader.response.identifier} when the request's MessageHeader.id could not be read. */
    public static final String UNKNOWN_REQUEST = "unknown";

    private static final String GATEWAY_NAME = "Safeguarding Interchange Gateway";
    private static final String EVENT_DISPLAY = "Acknowledgement";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BundleSigner signer;
    /** The resource ids of each reply (random; a test makes them predictable to compare two ways of building one). */
    private final Supplier<UUID> ids;
    /** The zone of {@code Bundle.timestamp} (HAPI writes an instant with its zone's offset). Never modified. */
    private final TimeZone zone;

    public FhirReplies(BundleSigner signer) {
        this(signer, UUID::randomUUID, ZoneOffset.UTC);
    }

    /** With predictable ids and another zone, for the test that compares the two ways of building a reply. */
    FhirReplies(BundleSigner signer, Supplier<UUID> ids, ZoneId zone) {
        this.signer = Objects.requireNonNull(signer);
        this.ids = Objects.requireNonNull(ids);
        this.zone = TimeZone.getTimeZone(zone);
    }

    /** The signed {@code ok} reply as JSON bytes: the acknowledgement stored with the message. */
    public byte[] okJson(String requestHeaderId, String trackingId, Instant acceptedAt) {
        return FhirEncoding.toJsonBytes(signer.sign(okTree(requestHeaderId, trackingId, acceptedAt), acceptedAt));
    }

    /**
     * The unsigned {@code ok} reply as the JSON tree HAPI would encode from {@link #reply} plus the tracking
     * identifier: same members in the same order, ids drawn in the same order. What HAPI's encoding does to values is
     * done here too: a blank string leaves its member out, and the string goes through UTF-8 (an unpaired surrogate
     * becomes {@code ?}) because the HAPI path encoded to a string and parsed its UTF-8 bytes. Neither happens with our
     * tracking ids or with header ids read by StrictJson; they are kept so the bytes cannot differ from the old path.
     */
    ObjectNode okTree(String requestHeaderId, String trackingId, Instant acceptedAt) {
        String bundleId = ids.get().toString();
        String outcomeId = ids.get().toString();
        String headerId = ids.get().toString();

        ObjectNode bundle = NODES.objectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("id", bundleId);
        ObjectNode identifier = bundle.putObject("identifier");
        identifier.put("system", TRACKING_ID_SYSTEM);
        putUnlessBlank(identifier, "value", trackingId);
        bundle.put("type", Bundle.BundleType.MESSAGE.toCode());
        // HAPI's own formatting of the instant, as the HAPI path writes it.
        bundle.put("timestamp", timestamp(acceptedAt).getValueAsString());
        ArrayNode entries = bundle.putArray("entry");

        ObjectNode headerEntry = entries.addObject();
        headerEntry.put("fullUrl", "urn:uuid:" + headerId);
        ObjectNode header = headerEntry.putObject("resource");
        header.put("resourceType", "MessageHeader");
        header.put("id", headerId);
        ObjectNode event = header.putObject("eventCoding");
        event.put("system", MessageAuthorisation.EVENT_SYSTEM);
        event.put("code", EventCode.ACKNOWLEDGEMENT.code());
        event.put("display", EVENT_DISPLAY);
        ObjectNode source = header.putObject("source");
        source.put("name", GATEWAY_NAME);
        source.put("endpoint", GATEWAY_ID);
        ObjectNode response = header.putObject("response");
        putUnlessBlank(response, "identifier", requestHeaderId == null ? UNKNOWN_REQUEST : requestHeaderId);
        response.put("code", MessageHeader.ResponseType.OK.toCode());
        header.putArray("focus").addObject().put("reference", "urn:uuid:" + outcomeId);

        ObjectNode outcomeEntry = entries.addObject();
        outcomeEntry.put("fullUrl", "urn:uuid:" + outcomeId);
        ObjectNode outcome = outcomeEntry.putObject("resource");
        outcome.put("resourceType", "OperationOutcome");
        outcome.put("id", outcomeId);
        ObjectNode issue = outcome.putArray("issue").addObject();
        issue.put("severity", OperationOutcome.IssueSeverity.INFORMATION.toCode());
        issue.put("code", OperationOutcome.IssueType.INFORMATIONAL.toCode());
        putUnlessBlank(issue, "diagnostics", okDiagnostics(trackingId));
        return bundle;
    }

    /** {@code OperationOutcome.issue.diagnostics} of an {@code ok} reply. */
    static String okDiagnostics(String trackingId) {
        return "Accepted; tracking id " + trackingId + ".";
    }

    /** As HAPI encodes a string element: absent when blank, otherwise as its UTF-8 bytes read back. */
    private static void putUnlessBlank(ObjectNode object, String name, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        object.put(
                name,
                hasSurrogate(value)
                        ? new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                        : value);
    }

    private static boolean hasSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** An acknowledgement (stored JSON bytes) in the request's format. */
    public FhirReply ok(byte[] acknowledgementJson, FhirFormat format, String trackingId) {
        byte[] body = FhirEncoding.convert(acknowledgementJson, format);
        return new FhirReply(200, format.mediaType(), body, trackingId, null);
    }

    /** A signed error reply with the code's HTTP status. {@code detail} must not carry personal data. */
    public FhirReply error(ErrorCode code, String detail, String requestHeaderId, FhirFormat format, Instant now) {
        Bundle reply = reply(
                requestHeaderId,
                code.retryable() ? MessageHeader.ResponseType.TRANSIENTERROR : MessageHeader.ResponseType.FATALERROR,
                OperationOutcomes.error(code, detail),
                now);
        return new FhirReply(
                code.httpStatus(),
                format.mediaType(),
                FhirEncoding.encode(sign(reply, now), format),
                null,
                code.code());
    }

    /**
     * A reply Bundle on HAPI's model (the error replies; the reference {@link #okTree} is tested against). Draws the
     * Bundle id, the OperationOutcome id and the MessageHeader id from {@link #ids}, in that order.
     */
    Bundle reply(String requestHeaderId, MessageHeader.ResponseType code, OperationOutcome outcome, Instant at) {
        Bundle bundle = new Bundle();
        bundle.setId(ids.get().toString());
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestampElement(timestamp(at));
        String outcomeUrl = "urn:uuid:" + ids.get();
        MessageHeader header = new MessageHeader();
        header.setId(ids.get().toString());
        header.setEvent(new Coding(MessageAuthorisation.EVENT_SYSTEM, EventCode.ACKNOWLEDGEMENT.code(), EVENT_DISPLAY));
        header.getSource().setName(GATEWAY_NAME).setEndpoint(GATEWAY_ID);
        header.getResponse()
                .setIdentifier(requestHeaderId == null ? UNKNOWN_REQUEST : requestHeaderId)
                .setCode(code);
        header.addFocus(new Reference(outcomeUrl));
        bundle.addEntry()
                .setFullUrl("urn:uuid:" + header.getIdElement().getIdPart())
                .setResource(header);
        outcome.setId(outcomeUrl.substring("urn:uuid:".length()));
        bundle.addEntry().setFullUrl(outcomeUrl).setResource(outcome);
        return bundle;
    }

    /** {@code Bundle.timestamp}: millisecond precision (HAPI's default for an instant), in the replies' zone. */
    private InstantType timestamp(Instant at) {
        return new InstantType(Date.from(at), TemporalPrecisionEnum.MILLI, zone);
    }

    private ObjectNode sign(Bundle reply, Instant at) {
        ObjectNode tree = new FhirEncoding(Long.MAX_VALUE / 4).jsonTree(reply);
        return signer.sign(tree, at);
    }
}
