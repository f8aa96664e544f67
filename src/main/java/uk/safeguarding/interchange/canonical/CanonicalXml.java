package uk.safeguarding.interchange.canonical;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.MarshalException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import jakarta.xml.bind.ValidationEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import javax.xml.validation.Schema;
import javax.xml.validation.ValidatorHandler;
import org.glassfish.jaxb.runtime.v2.runtime.MarshallerImpl;
import org.glassfish.jaxb.runtime.v2.runtime.output.ForkXmlOutput;
import org.glassfish.jaxb.runtime.v2.runtime.output.SAXOutput;
import org.glassfish.jaxb.runtime.v2.runtime.output.XmlOutput;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.ObjectFactory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Reads and writes canonical documents ({@code urn:interchange:canonical:v1}, root {@code InterchangeMessage}),
 * always validated against schemas/canonical/interchange-canonical.xsd and checked that the content element matches
 * the event.
 *
 * <p>Parsing is hardened (see {@link SecureXml}): a DTD is rejected with SCHEMA_DTD_FORBIDDEN, a schema violation with
 * SCHEMA_XSD naming line and element. The JAXB context and schema are built once; instances are immutable and
 * thread-safe, so one instance serves the whole gateway.
 */
public final class CanonicalXml {
    public static final String NAMESPACE = "urn:interchange:canonical:v1";
    public static final String SCHEMA_RESOURCE = "/schemas/canonical/interchange-canonical.xsd";

    private static final ObjectFactory OBJECTS = new ObjectFactory();
    /** The schema's {@code OrgId} pattern (interchange-canonical.xsd); CanonicalXmlTest keeps the two in step. */
    private static final Pattern ORG_ID = Pattern.compile(
            "urn:interchange:(school|la|mash|police|health|system|auditor|gateway):[A-Za-z0-9][A-Za-z0-9\\-]{0,62}");

    private final JAXBContext context;
    private final Schema schema;
    /**
     * One schema validator per thread, fed the document's SAX events while it is written (a validator is not
     * thread-safe; building one is the expensive part).
     */
    private final ThreadLocal<ValidatorHandler> validators;

    public CanonicalXml() {
        try {
            this.context = JAXBContext.newInstance(ObjectFactory.class);
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot build the canonical JAXB context", e);
        }
        this.schema = SecureXml.loadSchema(SCHEMA_RESOURCE);
        this.validators = ThreadLocal.withInitial(() -> {
            ValidatorHandler validator = schema.newValidatorHandler();
            validator.setErrorHandler(SecureXml.FAIL_FAST);
            return validator;
        });
    }

    /** The compiled canonical schema (thread-safe), for callers that validate other representations of it. */
    public Schema schema() {
        return schema;
    }

    /**
     * Parses, validates and binds a canonical document.
     *
     * @throws GatewayException SCHEMA_DTD_FORBIDDEN, SCHEMA_MALFORMED, SCHEMA_XSD or a LIMIT code
     */
    public InterchangeMessage unmarshal(byte[] xml) {
        UnmarshallerHandler handler;
        try {
            Unmarshaller unmarshaller = context.createUnmarshaller();
            unmarshaller.setEventHandler(event -> event.getSeverity() == ValidationEvent.WARNING);
            handler = unmarshaller.getUnmarshallerHandler();
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot create a canonical unmarshaller", e);
        }
        SecureXml.parse(xml, schema, handler);
        Object result;
        try {
            result = handler.getResult();
        } catch (JAXBException | IllegalStateException e) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "The canonical document cannot be bound.", e);
        }
        // The root element's type is named, so JAXB returns it wrapped in a JAXBElement.
        if (result instanceof JAXBElement<?> element) {
            result = element.getValue();
        }
        if (!(result instanceof InterchangeMessage message)) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "The root element is not InterchangeMessage.");
        }
        checkEventMatchesContent(message);
        return message;
    }

    /** Validates a canonical document without binding it (same checks as {@link #unmarshal(byte[])}). */
    public void validate(byte[] xml) {
        unmarshal(xml);
    }

    /**
     * Writes a canonical document (UTF-8, indented), refusing to produce one that violates the schema.
     *
     * @throws GatewayException SCHEMA_XSD when the message is incomplete or inconsistent
     */
    public byte[] marshal(InterchangeMessage message) {
        return marshal(message, true);
    }

    /**
     * Writes a canonical document as {@link #marshal} does but without validating it against the schema. Only for a
     * document that was validated as a whole (read with {@link #unmarshal} or written with {@link #marshal}) and then
     * changed only in ways the caller checked itself (the router adds envelope recipients, each checked with
     * {@link #isOrgId}): validating our own unchanged object graph again costs as much as writing it.
     */
    public byte[] marshalValidatedDocument(InterchangeMessage message) {
        return marshal(message, false);
    }

    /** Whether {@code value} is an organisation id the schema accepts (its {@code OrgId} type). */
    public static boolean isOrgId(String value) {
        return value != null && ORG_ID.matcher(value).matches();
    }

    /**
     * Writes the document; when {@code validate}, the JAXB runtime's serializer also feeds each SAX event to this
     * thread's schema validator as it writes. The runtime makes the same fork for {@code Marshaller.setSchema}, but
     * builds a new validator for every document, which costs more than the writing (docs/performance.md, section 9);
     * validating the events costs less than reading the written bytes back (section 16). {@link
     * #marshalValidatedDocument} writes through the same serializer without the fork, so the bytes are the same
     * (CanonicalXmlUnvalidatedTest).
     */
    private byte[] marshal(InterchangeMessage message, boolean validate) {
        checkEventMatchesContent(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            // The gateway's JAXB runtime is the reference implementation (jaxb-runtime), whose marshaller writes to
            // an XmlOutput: the only way to hand it the fork.
            MarshallerImpl marshaller = (MarshallerImpl) context.createMarshaller();
            marshaller.setEventHandler(event -> event.getSeverity() == ValidationEvent.WARNING);
            marshaller.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, Boolean.TRUE);
            XmlOutput output = marshaller.createWriter(out, StandardCharsets.UTF_8.name());
            if (validate) {
                output = new ForkXmlOutput(new SAXOutput(validators.get()), output);
            }
            marshaller.marshal(OBJECTS.createInterchangeMessage(message), output);
        } catch (MarshalException e) {
            throw new GatewayException(
                    ErrorCode.SCHEMA_XSD, "The canonical document to write violates the schema: " + describe(e), e);
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot marshal a canonical document", e);
        }
        return out.toByteArray();
    }

    /** The event a content element belongs to; the schema's choice guarantees exactly one is present. */
    public static EventCode eventOf(Content content) {
        if (content == null) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "The canonical document has no content.");
        }
        if (content.getReferral() != null) return EventCode.SAFEGUARDING_REFERRAL;
        if (content.getPoliceNotification() != null) return EventCode.POLICE_NOTIFICATION;
        if (content.getEncompassNotification() != null) return EventCode.ENCOMPASS_NOTIFICATION;
        if (content.getReferralUpdate() != null) return EventCode.REFERRAL_UPDATE;
        if (content.getReferralWithdrawal() != null) return EventCode.REFERRAL_WITHDRAWAL;
        if (content.getReferralOutcome() != null) return EventCode.REFERRAL_OUTCOME;
        if (content.getInformationRequest() != null) return EventCode.INFORMATION_REQUEST;
        if (content.getInformationResponse() != null) return EventCode.INFORMATION_RESPONSE;
        if (content.getAcknowledgement() != null) return EventCode.ACKNOWLEDGEMENT;
        if (content.getDeliveryReceipt() != null) return EventCode.DELIVERY_RECEIPT;
        if (content.getNonDeliveryReport() != null) return EventCode.NON_DELIVERY_REPORT;
        if (content.getEscalation() != null) return EventCode.ESCALATION;
        throw new GatewayException(ErrorCode.SCHEMA_XSD, "The canonical document's content is empty.");
    }

    private static void checkEventMatchesContent(InterchangeMessage message) {
        if (message.getEnvelope() == null || message.getEnvelope().getEvent() == null) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "The canonical document has no envelope event.");
        }
        EventCode declared = message.getEnvelope().getEvent();
        EventCode carried = eventOf(message.getContent());
        if (declared != carried) {
            throw new GatewayException(
                    ErrorCode.SCHEMA_XSD,
                    "The content element is for event '" + carried.value() + "' but the envelope says '"
                            + declared.value() + "'.");
        }
    }

    private static String describe(MarshalException e) {
        Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        return SecureXml.sanitise(cause != null ? cause.getMessage() : e.getMessage());
    }
}
