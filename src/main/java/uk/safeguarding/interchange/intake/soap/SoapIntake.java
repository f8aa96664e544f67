package uk.safeguarding.interchange.intake.soap;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import jakarta.xml.bind.ValidationEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.validation.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.SecureXml;
import uk.safeguarding.interchange.canonical.TrackingIds;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.OutcomeCode;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.canonical.xml.RecipientRole;
import uk.safeguarding.interchange.delivery.Mailbox;
import uk.safeguarding.interchange.delivery.MailboxEntry;
import uk.safeguarding.interchange.delivery.MessageStatus;
import uk.safeguarding.interchange.delivery.MessageStatusService;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.DirectoryHolder;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.Accepted;
import uk.safeguarding.interchange.intake.Rejection;
import uk.safeguarding.interchange.intake.Rejections;
import uk.safeguarding.interchange.intake.SandboxFaults;
import uk.safeguarding.interchange.intake.StoredMessages;
import uk.safeguarding.interchange.intake.StoredMessages.StoredMessage;
import uk.safeguarding.interchange.intake.Submission;
import uk.safeguarding.interchange.intake.soap.ws.AcknowledgeMessage;
import uk.safeguarding.interchange.intake.soap.ws.AcknowledgeMessageResponse;
import uk.safeguarding.interchange.intake.soap.ws.AcknowledgementStatus;
import uk.safeguarding.interchange.intake.soap.ws.FetchMessage;
import uk.safeguarding.interchange.intake.soap.ws.FetchMessageResponse;
import uk.safeguarding.interchange.intake.soap.ws.GatewayFaultDetail;
import uk.safeguarding.interchange.intake.soap.ws.GetMessageStatus;
import uk.safeguarding.interchange.intake.soap.ws.GetMessageStatusResponse;
import uk.safeguarding.interchange.intake.soap.ws.ListInbox;
import uk.safeguarding.interchange.intake.soap.ws.ListInboxResponse;
import uk.safeguarding.interchange.intake.soap.ws.MessageSummary;
import uk.safeguarding.interchange.intake.soap.ws.ObjectFactory;
import uk.safeguarding.interchange.intake.soap.ws.OrganisationRef;
import uk.safeguarding.interchange.intake.soap.ws.RecipientStatus;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessage;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessageResponse;
import uk.safeguarding.interchange.server.AuthenticatedClient;
import uk.safeguarding.interchange.server.CpuPermits;

/**
 * The SOAP binding's decisions, from raw request bytes to a signed reply (spec §6): hardened parsing and limits,
 * WS-Security ({@link SoapSecurity}), the operation, XSD validation of the verified Body, authorisation against the
 * directory, translation to the canonical schema and the shared {@link Acceptance}; every refusal is a SOAP Fault with
 * the gateway error code and a {@code REJECTED} ledger entry ({@link Rejections}).
 *
 * <p>Idempotency key: the signed {@code wsa:MessageID}. Content hash: SHA-256 of the exclusive C14N of the verified
 * Body's operation element (the Body element itself carries a fresh {@code wsu:Id} on every signing, so it is left
 * out). Thread-safe.
 */
public final class SoapIntake {
    public static final String BINDING = "soap";
    public static final String SCHEMA_RESOURCE = "/schemas/soap/interchange-soap.xsd";
    public static final String ACTION_PREFIX = SoapXml.SERVICE_NS + ":";
    public static final String FAULT_ACTION = ACTION_PREFIX + "GatewayFault";

    private static final Logger log = LoggerFactory.getLogger(SoapIntake.class);
    private static final ObjectFactory OBJECTS = new ObjectFactory();
    private static final CanonicalToSoap TO_SOAP = new CanonicalToSoap();
    /** ListInbox without a limit returns at most this many summaries (the schema allows up to 500). */
    private static final int DEFAULT_INBOX_LIMIT = 100;

    /** The WSDL's operations, by Body element local name. */
    enum Operation {
        SubmitMessage,
        GetMessageStatus,
        ListInbox,
        FetchMessage,
        AcknowledgeMessage;

        String action() {
            return ACTION_PREFIX + name();
        }

        String responseAction() {
            return ACTION_PREFIX + name() + "Response";
        }

        static Operation of(Element element) {
            if (SoapXml.SERVICE_NS.equals(element.getNamespaceURI())) {
                for (Operation operation : values()) {
                    if (operation.name().equals(element.getLocalName())) {
                        return operation;
                    }
                }
            }
            throw new GatewayException(ErrorCode.SCHEMA_UNKNOWN_OPERATION, "The SOAP operation does not exist.");
        }
    }

    private final SoapSecurity security;
    private final ResponseSigner signer;
    private final DirectoryHolder directory;
    private final Acceptance acceptance;
    private final Rejections rejections;
    private final Mailbox mailbox;
    private final MessageStatusService statuses;
    private final StoredMessages messages;
    private final SoapToCanonical translator = new SoapToCanonical();
    private final CanonicalXml canonicalXml;
    private final Clock clock;
    private final int maxRequestBytes;
    private final JAXBContext jaxb;
    private final Schema schema;
    private final SandboxFaults sandboxFaults;
    private final CpuPermits cpu;

    public SoapIntake(
            SoapSecurity security,
            ResponseSigner signer,
            DirectoryHolder directory,
            Acceptance acceptance,
            Rejections rejections,
            StoredMessages messages,
            Mailbox mailbox,
            MessageStatusService statuses,
            CanonicalXml canonicalXml,
            Clock clock,
            int maxRequestBytes,
            SandboxFaults sandboxFaults,
            CpuPermits cpu) {
        this.sandboxFaults = Objects.requireNonNull(sandboxFaults);
        this.cpu = Objects.requireNonNull(cpu);
        this.mailbox = Objects.requireNonNull(mailbox);
        this.statuses = Objects.requireNonNull(statuses);
        this.security = Objects.requireNonNull(security);
        this.signer = Objects.requireNonNull(signer);
        this.directory = Objects.requireNonNull(directory);
        this.acceptance = Objects.requireNonNull(acceptance);
        this.rejections = Objects.requireNonNull(rejections);
        this.messages = Objects.requireNonNull(messages);
        this.canonicalXml = Objects.requireNonNull(canonicalXml);
        this.clock = Objects.requireNonNull(clock);
        this.maxRequestBytes = maxRequestBytes;
        try {
            this.jaxb = JAXBContext.newInstance(ObjectFactory.class);
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot build the SOAP JAXB context", e);
        }
        this.schema = SecureXml.loadSchema(SCHEMA_RESOURCE);
    }

    /** Mutable facts gathered while handling one request, for the ledger record of a refusal. */
    private static final class Facts {
        String sandboxFault;
        String messageId;
        String event;
        String payloadSha256;
    }

    /**
     * Handles one request read from {@code request} (at most the configured number of bytes) sent by {@code client},
     * with the request's {@code X-Sandbox-Fault} header or null ({@link SandboxFaults}). Never throws for a bad
     * request: the reply is then a signed SOAP Fault.
     */
    public SoapReply handle(InputStream request, AuthenticatedClient client, String sandboxFault) {
        Objects.requireNonNull(client);
        Facts facts = new Facts();
        facts.sandboxFault = sandboxFault;
        try {
            byte[] bytes = readBounded(request);
            facts.payloadSha256 = HexFormat.of().formatHex(SoapSecurity.sha256(bytes));
            VerifiedEnvelope verified;
            try (CpuPermits.Permit permit = cpu.take()) {
                verified = security.verify(SoapXml.parse(bytes));
            }
            facts.messageId = verified.messageId();
            Operation operation = Operation.of(verified.operation());
            if (verified.action() != null && !verified.action().equals(operation.action())) {
                throw new GatewayException(
                        ErrorCode.SCHEMA_UNKNOWN_OPERATION, "wsa:Action does not name the Body's operation.");
            }
            Object response =
                    switch (operation) {
                        case SubmitMessage -> submit(verified, client, facts);
                        case GetMessageStatus -> status(verified, client);
                        case ListInbox -> inbox(verified, client);
                        case FetchMessage -> fetch(verified, client);
                        case AcknowledgeMessage -> acknowledge(verified, client);
                    };
            Element body = response instanceof Element element ? element : null;
            return reply(200, operation.responseAction(), verified.messageId(), body, response);
        } catch (GatewayException e) {
            return refuse(e, client, facts);
        } catch (RuntimeException e) {
            log.error("SOAP request failed unexpectedly", e);
            return refuse(
                    new GatewayException(ErrorCode.SYS_INTERNAL, "The gateway could not process the request.", e),
                    client,
                    facts);
        }
    }

    private byte[] readBounded(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(maxRequestBytes + 1);
            if (bytes.length > maxRequestBytes) {
                throw new GatewayException(
                        ErrorCode.LIMIT_BODY_TOO_LARGE,
                        "The request body is larger than " + maxRequestBytes + " bytes.");
            }
            return bytes;
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The request body could not be read.", e);
        }
    }

    private Element submit(VerifiedEnvelope verified, AuthenticatedClient client, Facts facts) {
        Submission submission;
        try (CpuPermits.Permit permit = cpu.take()) {
            submission = checkAndTranslate(verified, client, facts);
        }
        sandboxFaults.raise(facts.sandboxFault);
        String messageId = verified.messageId();
        Accepted accepted = acceptance.accept(submission, (id, at) -> marshal(submitResponse(id, messageId, at)));
        byte[] acknowledgement = BINDING.equals(accepted.binding())
                ? accepted.acknowledgement()
                : marshal(submitResponse(accepted.trackingId(), messageId, accepted.acceptedAt()));
        return SoapXml.parse(acknowledgement).getDocumentElement();
    }

    /** The submission's authorisation, translation and canonical document (decision 0019: under a CPU permit). */
    private Submission checkAndTranslate(VerifiedEnvelope verified, AuthenticatedClient client, Facts facts) {
        byte[] content = SoapXml.exclusiveC14n(verified.operation());
        SubmitMessage body = unmarshal(content, SubmitMessage.class);
        facts.event = body.getEvent().value().value();
        String messageId = verified.messageId();
        if (messageId == null || messageId.isEmpty()) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "SubmitMessage requires a signed wsa:MessageID header.");
        }
        Directory dir = directory.current();
        String sender = body.getSender().getOrgId();
        if (!dir.mayActFor(verified.signer().organisationId(), sender)) {
            throw new GatewayException(
                    ErrorCode.SIG_SIGNER_NOT_SENDER,
                    "The signer is neither the sender nor a system delegated to act for it.");
        }
        if (!dir.mayActFor(client.orgId(), sender)) {
            throw new GatewayException(
                    ErrorCode.AUTH_NOT_ACTING_FOR_SENDER, "The calling system may not submit for this sender.");
        }
        EventCode event = EventCode.fromCode(facts.event)
                .orElseThrow(() -> new GatewayException(ErrorCode.SCHEMA_UNKNOWN_EVENT, "Unknown event."));
        if (!dir.maySend(sender, event)) {
            throw new GatewayException(ErrorCode.AUTH_EVENT_NOT_PERMITTED, "The sender may not send this event.");
        }
        String trackingId = TrackingIds.next();
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        EnvelopeFacts envelopeFacts = new EnvelopeFacts(
                trackingId,
                receivedAt,
                Binding.SOAP,
                messageId,
                client.orgId(),
                new EnvelopeFacts.Signature(
                        encoded(verified.signer().certificate()),
                        verified.signer().organisationId(),
                        verified.algorithm(),
                        verified.signedInfoSha256(),
                        verified.signingTime()));
        InterchangeMessage document = translator.translate(body, envelopeFacts);
        byte[] canonical = canonicalXml.marshal(document);
        return new Submission(
                trackingId,
                sender,
                messageId,
                HexFormat.of().formatHex(SoapSecurity.sha256(content)),
                event,
                client.orgId(),
                BINDING,
                canonical,
                document);
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("A validated certificate cannot be encoded", e);
        }
    }

    private static SubmitMessageResponse submitResponse(String trackingId, String messageId, Instant at) {
        SubmitMessageResponse response = OBJECTS.createSubmitMessageResponse();
        response.setTrackingId(trackingId);
        response.setSenderMessageId(messageId);
        response.setStatus(AcknowledgementStatus.OK);
        response.setReceivedAt(at);
        return response;
    }

    private Object status(VerifiedEnvelope verified, AuthenticatedClient client) {
        requireSignerIsClient(verified, client);
        GetMessageStatus request = unmarshal(SoapXml.exclusiveC14n(verified.operation()), GetMessageStatus.class);
        Directory dir = directory.current();
        List<StoredMessage> candidates = request.getTrackingId() != null
                ? messages.byTrackingId(request.getTrackingId()).stream().toList()
                : messages.bySenderMessageId(request.getSenderMessageId());
        StoredMessage message = candidates.stream()
                .filter(m -> m.submittedBy().equals(client.orgId()) || dir.mayActFor(client.orgId(), m.senderId()))
                .findFirst()
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.AUTH_NOT_PERMITTED, "No message of the calling organisation has this id."));
        GetMessageStatusResponse response = OBJECTS.createGetMessageStatusResponse();
        response.setTrackingId(message.trackingId());
        response.setSenderMessageId(message.senderMessageId());
        response.setEvent(uk.safeguarding.interchange.canonical.xml.EventCode.fromValue(message.event()));
        response.setReceivedAt(message.receivedAt());
        for (MessageStatus.RecipientStatus r :
                statuses.status(client.orgId(), message.trackingId()).recipients()) {
            RecipientStatus recipient = OBJECTS.createRecipientStatus();
            recipient.setRecipient(organisation(r.recipient()));
            recipient.setRole(RecipientRole.fromValue(r.role()));
            recipient.setState(uk.safeguarding.interchange.canonical.xml.DeliveryState.fromValue(
                    r.state().name()));
            recipient.setSince(r.updatedAt());
            if (r.outcome() != null) {
                recipient.setOutcome(OutcomeCode.fromValue(r.outcome()));
            }
            recipient.setErrorCode(r.lastError());
            response.getRecipientStatus().add(recipient);
        }
        return response;
    }

    private Object inbox(VerifiedEnvelope verified, AuthenticatedClient client) {
        requireSignerIsClient(verified, client);
        ListInbox request = unmarshal(SoapXml.exclusiveC14n(verified.operation()), ListInbox.class);
        int limit = request.getLimit() == null ? DEFAULT_INBOX_LIMIT : request.getLimit();
        // One more than asked for tells whether there are more.
        List<MailboxEntry> waiting = mailbox.list(client.orgId(), request.getSince(), limit + 1);
        ListInboxResponse response = OBJECTS.createListInboxResponse();
        for (MailboxEntry entry : waiting.subList(0, Math.min(limit, waiting.size()))) {
            MessageSummary summary = OBJECTS.createMessageSummary();
            summary.setTrackingId(entry.trackingId());
            summary.setEvent(uk.safeguarding.interchange.canonical.xml.EventCode.fromValue(entry.event()));
            if (entry.priority() != null) {
                summary.setPriority(Priority.fromValue(entry.priority()));
            }
            summary.setSender(organisation(entry.sender()));
            summary.setReceivedAt(entry.receivedAt());
            summary.setAvailableAt(entry.availableAt());
            summary.setRecipient(organisation(entry.recipient()));
            response.getMessage().add(summary);
        }
        response.setMore(waiting.size() > limit);
        return response;
    }

    private Object fetch(VerifiedEnvelope verified, AuthenticatedClient client) {
        requireSignerIsClient(verified, client);
        FetchMessage request = unmarshal(SoapXml.exclusiveC14n(verified.operation()), FetchMessage.class);
        InterchangeMessage message = canonicalXml.unmarshal(mailbox.fetch(client.orgId(), request.getTrackingId()));
        Directory dir = directory.current();
        String recipient = message.getEnvelope().getRecipient().stream()
                .map(r -> r.getOrgId())
                .filter(id -> id.equals(client.orgId()) || dir.mayActFor(client.orgId(), id))
                .findFirst()
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.AUTH_NOT_PERMITTED,
                        "The calling organisation's mailbox holds no message with this id."));
        FetchMessageResponse response = OBJECTS.createFetchMessageResponse();
        response.setMessage(TO_SOAP.toDelivered(message, recipient));
        return response;
    }

    private Object acknowledge(VerifiedEnvelope verified, AuthenticatedClient client) {
        requireSignerIsClient(verified, client);
        AcknowledgeMessage request = unmarshal(SoapXml.exclusiveC14n(verified.operation()), AcknowledgeMessage.class);
        mailbox.acknowledge(client.orgId(), request.getTrackingId());
        AcknowledgeMessageResponse response = OBJECTS.createAcknowledgeMessageResponse();
        response.setTrackingId(request.getTrackingId());
        response.setStatus(AcknowledgementStatus.OK);
        return response;
    }

    private static OrganisationRef organisation(String orgId) {
        OrganisationRef ref = OBJECTS.createOrganisationRef();
        ref.setOrgId(orgId);
        return ref;
    }

    /** Mailbox and status reads are the caller's own: the signer must be the organisation on the TLS connection. */
    private static void requireSignerIsClient(VerifiedEnvelope verified, AuthenticatedClient client) {
        if (!verified.signer().organisationId().equals(client.orgId())) {
            throw new GatewayException(
                    ErrorCode.SIG_SIGNER_NOT_SENDER, "Mailbox requests must be signed by the calling organisation.");
        }
    }

    /** Validates {@code xml} against the SOAP XSD while binding it (SCHEMA_XSD, SCHEMA_MALFORMED, LIMIT_*). */
    private <T> T unmarshal(byte[] xml, Class<T> type) {
        UnmarshallerHandler handler;
        try {
            var unmarshaller = jaxb.createUnmarshaller();
            unmarshaller.setEventHandler(event -> event.getSeverity() == ValidationEvent.WARNING);
            handler = unmarshaller.getUnmarshallerHandler();
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot create a SOAP unmarshaller", e);
        }
        SecureXml.parse(xml, schema, handler);
        Object result;
        try {
            result = handler.getResult();
        } catch (JAXBException | IllegalStateException e) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "The SOAP Body cannot be bound.", e);
        }
        if (result instanceof JAXBElement<?> element) {
            result = element.getValue();
        }
        if (!type.isInstance(result)) {
            throw new GatewayException(ErrorCode.SCHEMA_UNKNOWN_OPERATION, "Unexpected Body element.");
        }
        return type.cast(result);
    }

    private byte[] marshal(Object value) {
        try {
            Marshaller marshaller = jaxb.createMarshaller();
            marshaller.setSchema(schema);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            marshaller.marshal(value, out);
            return out.toByteArray();
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot write a SOAP response body", e);
        }
    }

    private SoapReply refuse(GatewayException e, AuthenticatedClient client, Facts facts) {
        log.info(
                "SOAP request from {} refused: {}",
                client.orgId(),
                e.errorCode().code());
        rejections.record(new Rejection(
                e.errorCode(), client.orgId(), facts.messageId, facts.payloadSha256, facts.event, BINDING));
        GatewayFaultDetail detail = OBJECTS.createGatewayFaultDetail();
        detail.setCode(e.errorCode().code());
        detail.setMeaning(e.errorCode().meaning());
        detail.setRetryable(e.errorCode().retryable());
        detail.setDetail(e.getMessage());
        Document document = envelope(FAULT_ACTION, facts.messageId);
        Element body = body(document);
        Element fault = document.createElementNS(SoapXml.SOAP12_NS, "soap:Fault");
        Element code = child(fault, "Code");
        child(code, "Value").setTextContent(e.errorCode().retryable() ? "soap:Receiver" : "soap:Sender");
        Element text = child(child(fault, "Reason"), "Text");
        text.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:lang", "en");
        text.setTextContent(e.errorCode().code() + " " + e.errorCode().meaning());
        Element faultDetail = child(fault, "Detail");
        try {
            jaxb.createMarshaller().marshal(OBJECTS.createGatewayFaultDetail(detail), faultDetail);
        } catch (JAXBException jaxbException) {
            throw new IllegalStateException("Cannot write a SOAP fault detail", jaxbException);
        }
        body.appendChild(fault);
        return sign(500, document);
    }

    private SoapReply reply(int status, String action, String relatesTo, Element parsed, Object jaxbValue) {
        Document document = envelope(action, relatesTo);
        Element body = body(document);
        if (parsed != null) {
            body.appendChild(document.importNode(parsed, true));
        } else {
            try {
                jaxb.createMarshaller().marshal(jaxbValue, body);
            } catch (JAXBException e) {
                throw new IllegalStateException("Cannot write a SOAP response body", e);
            }
        }
        return sign(status, document);
    }

    private static Document envelope(String action, String relatesTo) {
        Document document = SoapXml.newDocument();
        Element envelope = document.createElementNS(SoapXml.SOAP12_NS, "soap:Envelope");
        document.appendChild(envelope);
        Element header = document.createElementNS(SoapXml.SOAP12_NS, "soap:Header");
        envelope.appendChild(header);
        envelope.appendChild(document.createElementNS(SoapXml.SOAP12_NS, "soap:Body"));
        addressing(header, "Action", action);
        addressing(header, "MessageID", "urn:uuid:" + UUID.randomUUID());
        if (relatesTo != null && !relatesTo.isEmpty()) {
            addressing(header, "RelatesTo", relatesTo);
        }
        return document;
    }

    private static void addressing(Element header, String name, String value) {
        Element e = header.getOwnerDocument().createElementNS(SoapXml.WSA_NS, "wsa:" + name);
        e.setTextContent(value);
        header.appendChild(e);
    }

    private static Element body(Document document) {
        return SoapXml.children(document.getDocumentElement(), SoapXml.SOAP12_NS, "Body")
                .get(0);
    }

    private static Element child(Element parent, String localName) {
        Element e = parent.getOwnerDocument().createElementNS(SoapXml.SOAP12_NS, "soap:" + localName);
        parent.appendChild(e);
        return e;
    }

    private SoapReply sign(int status, Document document) {
        signer.sign(document);
        try {
            Transformer transformer = TransformerFactory.newDefaultInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty(OutputKeys.INDENT, "no");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return new SoapReply(status, out.toByteArray());
        } catch (TransformerException e) {
            throw new IllegalStateException("Cannot serialise a SOAP response", e);
        }
    }
}
