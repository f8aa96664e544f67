package uk.safeguarding.interchange.delivery;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.Envelope;
import uk.safeguarding.interchange.canonical.xml.GatewayNotice;
import uk.safeguarding.interchange.canonical.xml.Identifier;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.OrganisationRef;
import uk.safeguarding.interchange.canonical.xml.Recipient;
import uk.safeguarding.interchange.canonical.xml.RecipientRole;
import uk.safeguarding.interchange.canonical.xml.Sender;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.canonical.xml.SignatureEvidence;
import uk.safeguarding.interchange.trust.JwsAlgorithm;

/**
 * Builds the canonical messages the gateway originates: derived messages (a minimised Operation Encompass
 * notification made from a police notification) and notices (delivery receipts, non-delivery reports).
 *
 * <p>Their signature evidence names the gateway's signing certificate and the algorithm its key signs with (ES256 for
 * EC P-256, RS256 for RSA: {@link JwsAlgorithm#forKey}); {@code signedDigest} is the SHA-256 of the
 * canonical document written with a digest of 32 zero bytes, so anyone holding the document can recompute it. (The
 * outbound bindings sign what they send; the evidence records what the gateway vouched for.) Thread-safe.
 */
public final class GatewayMessages {
    /** The gateway's organisation id (decision 0001). */
    public static final String GATEWAY_ID = "urn:interchange:gateway:national";

    private static final int DIGEST_LENGTH = 32;
    private static final byte[] DIGEST_START = "<signedDigest>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGEST_END = "</signedDigest>".getBytes(StandardCharsets.US_ASCII);
    /** How JAXB writes 32 zero bytes as {@code xs:base64Binary}: 43 {@code A} and one {@code =}. */
    private static final byte[] ZERO_DIGEST_TEXT = Base64.getEncoder().encode(new byte[DIGEST_LENGTH]);

    private final CanonicalXml canonical;
    private final byte[] signerCertificate;
    /** Null when {@link #signerCertificate} is not a certificate: such an instance cannot {@link #seal}. */
    private final SignatureAlgorithm algorithm;

    private final Clock clock;

    /**
     * @param signerCertificate DER of the gateway's message-signing certificate; bytes that are not a certificate make
     *     an instance that builds messages but refuses to {@link #seal} them
     * @throws IllegalArgumentException when the certificate's key is neither EC P-256 nor RSA 2048+
     */
    public GatewayMessages(CanonicalXml canonical, byte[] signerCertificate, Clock clock) {
        this.canonical = Objects.requireNonNull(canonical);
        this.signerCertificate = signerCertificate.clone();
        this.algorithm = algorithmOf(signerCertificate);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The evidence algorithm of {@link #seal}: follows the certificate's key type. */
    public SignatureAlgorithm algorithm() {
        if (algorithm == null) {
            throw new IllegalStateException("The gateway signing certificate is not an X.509 certificate");
        }
        return algorithm;
    }

    private static SignatureAlgorithm algorithmOf(byte[] der) {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            return null;
        }
        return SignatureAlgorithm.fromValue(
                JwsAlgorithm.forKey(certificate.getPublicKey()).name());
    }

    /**
     * A new message made from {@code original}: same sender, priority and binding, its own tracking id, one primary
     * recipient, no correlation in the document (the link is kept in the store) and only {@code content}.
     */
    public InterchangeMessage derived(
            InterchangeMessage original, String trackingId, EventCode event, String recipientId, Content content) {
        Envelope source = original.getEnvelope();
        Envelope envelope = new Envelope();
        envelope.setTrackingId(trackingId);
        envelope.setSenderMessageId("gateway-derived-" + trackingId);
        envelope.setEvent(uk.safeguarding.interchange.canonical.xml.EventCode.fromValue(event.code()));
        envelope.setBinding(source.getBinding());
        envelope.setReceivedAt(now());
        envelope.setPriority(source.getPriority());
        Sender sender = new Sender();
        sender.setOrgId(source.getSender().getOrgId());
        sender.setIdentifier(source.getSender().getIdentifier());
        sender.setName(source.getSender().getName());
        envelope.setSender(sender);
        envelope.setSubmittedBy(gatewayRef());
        envelope.getRecipient().add(recipient(recipientId, RecipientRole.PRIMARY));
        InterchangeMessage message = new InterchangeMessage();
        message.setEnvelope(envelope);
        message.setContent(content);
        return message;
    }

    /**
     * A gateway notice ({@code delivery-receipt} or {@code non-delivery-report}) to {@code to} about the message
     * {@code concerns}.
     */
    public InterchangeMessage notice(
            EventCode event,
            String trackingId,
            String to,
            uk.safeguarding.interchange.canonical.xml.Binding binding,
            GatewayNotice notice) {
        Envelope envelope = new Envelope();
        envelope.setTrackingId(trackingId);
        envelope.setSenderMessageId("gateway-" + trackingId);
        envelope.setEvent(uk.safeguarding.interchange.canonical.xml.EventCode.fromValue(event.code()));
        envelope.setBinding(binding);
        envelope.setReceivedAt(now());
        Sender sender = new Sender();
        sender.setOrgId(GATEWAY_ID);
        Identifier identifier = new Identifier();
        identifier.setSystem("urn:interchange:system-id");
        identifier.setValue("national");
        sender.setIdentifier(identifier);
        sender.setName("Safeguarding Interchange Gateway");
        envelope.setSender(sender);
        envelope.getRecipient().add(recipient(to, RecipientRole.PRIMARY));
        Content content = new Content();
        switch (event) {
            case DELIVERY_RECEIPT -> content.setDeliveryReceipt(notice);
            case NON_DELIVERY_REPORT -> content.setNonDeliveryReport(notice);
            case ESCALATION -> content.setEscalation(notice);
            default -> throw new IllegalArgumentException(event.code() + " is not a gateway notice");
        }
        InterchangeMessage message = new InterchangeMessage();
        message.setEnvelope(envelope);
        message.setContent(content);
        return message;
    }

    /**
     * Adds the gateway's signature evidence and writes the document (validated against the canonical schema).
     *
     * <p>The document is written and validated once, with the zero digest; its SHA-256 then replaces the zero
     * digest's text in those bytes. The two encodings have the same length and nothing else in the document depends
     * on the digest, so the result is byte for byte what writing the graph again with the digest set gives (the old
     * procedure, kept as the reference in {@code GatewayMessagesTest}); a receipt is sealed for every delivery, and
     * the second writing was 10-15 % of its cost (docs/performance.md section 10). Only the schema-valid {@code Sha256} text changes, so validating the
     * first writing covers the result.
     */
    public byte[] seal(InterchangeMessage message) {
        SignatureEvidence evidence = new SignatureEvidence();
        evidence.setSignerCertificate(signerCertificate);
        evidence.setSignerOrgId(GATEWAY_ID);
        evidence.setAlgorithm(algorithm());
        evidence.setSignedDigest(new byte[DIGEST_LENGTH]);
        evidence.setSigningTime(now());
        message.getEnvelope().setSignature(evidence);
        byte[] unsealed = canonical.marshal(message);
        byte[] digest = sha256(unsealed);
        evidence.setSignedDigest(digest);
        byte[] sealed = withDigest(unsealed, digest);
        if (sealed == null) {
            // Only a change of the JAXB runtime's writing could cause this; GatewayMessagesTest covers every kind.
            throw new IllegalStateException("The canonical writer did not write signedDigest as expected");
        }
        return sealed;
    }

    /**
     * {@code document} (as written by {@link CanonicalXml}, with a digest of 32 zero bytes) with the content of its
     * {@code signedDigest} element replaced by the base64 of {@code digest}, as JAXB writes {@code xs:base64Binary}.
     * The element is found by its tags, which occur exactly once: the schema has one {@code signedDigest} element and
     * no wildcard content, and JAXB escapes every {@code <} in text and attribute values. Null when the tags are not
     * there exactly once around exactly the zero digest's text: nothing is replaced on a guess.
     */
    static byte[] withDigest(byte[] document, byte[] digest) {
        if (digest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("A SHA-256 digest has 32 bytes");
        }
        int start = indexOf(document, DIGEST_START, 0);
        if (start < 0 || indexOf(document, DIGEST_START, start + 1) >= 0) {
            return null;
        }
        int text = start + DIGEST_START.length;
        int end = text + ZERO_DIGEST_TEXT.length;
        if (end + DIGEST_END.length > document.length
                || !Arrays.equals(document, text, end, ZERO_DIGEST_TEXT, 0, ZERO_DIGEST_TEXT.length)
                || !Arrays.equals(document, end, end + DIGEST_END.length, DIGEST_END, 0, DIGEST_END.length)) {
            return null;
        }
        byte[] sealed = document.clone();
        byte[] encoded = Base64.getEncoder().encode(digest);
        System.arraycopy(encoded, 0, sealed, text, encoded.length);
        return sealed;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        byte first = needle[0];
        for (int i = from, last = haystack.length - needle.length; i <= last; i++) {
            if (haystack[i] == first && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    public static OrganisationRef gatewayRef() {
        OrganisationRef ref = new OrganisationRef();
        ref.setOrgId(GATEWAY_ID);
        ref.setName("Safeguarding Interchange Gateway");
        return ref;
    }

    public static Recipient recipient(String orgId, RecipientRole role) {
        Recipient recipient = new Recipient();
        recipient.setOrgId(orgId);
        recipient.setRole(role);
        return recipient;
    }

    public static OrganisationRef ref(String orgId) {
        OrganisationRef ref = new OrganisationRef();
        ref.setOrgId(orgId);
        return ref;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
