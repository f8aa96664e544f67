package uk.safeguarding.interchange.intake.fhir;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
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
 * fatal-error}; the focus is an OperationOutcome whose issue details carry the gateway error code. Thread-safe.
 */
public final class FhirReplies {
    /** {@code Bundle.identifier.system} of the tracking id in an {@code ok} reply. */
    public static final String TRACKING_ID_SYSTEM = "https://interchange.safeguarding.uk/fhir/tracking-id";
    /** {@code MessageHeader.source.endpoint} of every reply. */
    public static final String GATEWAY_ID = "urn:interchange:gateway:national";
    /** {@code MessageHeader.response.identifier} when the request's MessageHeader.id could not be read. */
    public static final String UNKNOWN_REQUEST = "unknown";

    private final BundleSigner signer;

    public FhirReplies(BundleSigner signer) {
        this.signer = signer;
    }

    /** The signed {@code ok} reply as JSON bytes: the acknowledgement stored with the message. */
    public byte[] okJson(String requestHeaderId, String trackingId, Instant acceptedAt) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics("Accepted; tracking id " + trackingId + ".");
        Bundle reply = reply(requestHeaderId, MessageHeader.ResponseType.OK, outcome, acceptedAt);
        reply.getIdentifier().setSystem(TRACKING_ID_SYSTEM).setValue(trackingId);
        return FhirEncoding.toJsonBytes(sign(reply, acceptedAt));
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

    private static Bundle reply(
            String requestHeaderId, MessageHeader.ResponseType code, OperationOutcome outcome, Instant at) {
        Bundle bundle = new Bundle();
        bundle.setId(UUID.randomUUID().toString());
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestamp(Date.from(at));
        String outcomeUrl = "urn:uuid:" + UUID.randomUUID();
        MessageHeader header = new MessageHeader();
        header.setId(UUID.randomUUID().toString());
        header.setEvent(
                new Coding(MessageAuthorisation.EVENT_SYSTEM, EventCode.ACKNOWLEDGEMENT.code(), "Acknowledgement"));
        header.getSource().setName("Safeguarding Interchange Gateway").setEndpoint(GATEWAY_ID);
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

    private ObjectNode sign(Bundle reply, Instant at) {
        ObjectNode tree = new FhirEncoding(Long.MAX_VALUE / 4).jsonTree(reply);
        return signer.sign(tree, at);
    }
}
