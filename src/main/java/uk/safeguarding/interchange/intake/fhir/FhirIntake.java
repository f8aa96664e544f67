package uk.safeguarding.interchange.intake.fhir;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.TrackingIds;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.directory.DirectoryHolder;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.Accepted;
import uk.safeguarding.interchange.intake.Rejection;
import uk.safeguarding.interchange.intake.Rejections;
import uk.safeguarding.interchange.intake.Submission;
import uk.safeguarding.interchange.intake.fhir.validation.ProfileValidator;
import uk.safeguarding.interchange.server.CpuPermits;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.ValidatedCertificate;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * The FHIR intake's decisions, one method per step of {@code routes/fhir-intake.yaml}: read (media type, size) →
 * parse → verify the signature → authorise → validate against the profiles → business rules → translate to the
 * canonical form (schema-checked) → accept durably → reply. Every step either returns the next step's input or throws
 * a {@link GatewayException}; {@link #reject} turns any failure into a ledger record and a signed error reply. The
 * steps that only compute (parse, verify, validate, rules, translate) each hold a {@link CpuPermits} permit (decision
 * 0019); reading the body and accepting (which waits for the group commit) do not. Thread-safe.
 */
public final class FhirIntake {
    public static final String BINDING = "fhir";
    /** The ledger actor of a rejection when the caller could not be identified. */
    public static final String UNAUTHENTICATED = "unauthenticated";

    private static final Logger log = LoggerFactory.getLogger(FhirIntake.class);

    private final FhirIntakeSettings settings;
    private final FhirEncoding encoding;
    private final DetachedJwsVerifier verifier = new DetachedJwsVerifier();
    private final CertificateValidator certificates;
    private final DirectoryHolder directory;
    private final ProfileValidator profiles;
    private final FhirToCanonical translator = new FhirToCanonical();
    private final CanonicalXml canonicalXml;
    private final Acceptance acceptance;
    private final Rejections rejections;
    private final FhirReplies replies;
    private final Clock clock;
    private final CpuPermits cpu;

    public FhirIntake(
            FhirIntakeSettings settings,
            CertificateValidator certificates,
            DirectoryHolder directory,
            ProfileValidator profiles,
            CanonicalXml canonicalXml,
            Acceptance acceptance,
            Rejections rejections,
            FhirReplies replies,
            Clock clock,
            CpuPermits cpu) {
        this.settings = Objects.requireNonNull(settings);
        this.encoding = new FhirEncoding(settings.maxBodyBytes());
        this.certificates = Objects.requireNonNull(certificates);
        this.directory = Objects.requireNonNull(directory);
        this.profiles = Objects.requireNonNull(profiles);
        this.canonicalXml = Objects.requireNonNull(canonicalXml);
        this.acceptance = Objects.requireNonNull(acceptance);
        this.rejections = Objects.requireNonNull(rejections);
        this.replies = Objects.requireNonNull(replies);
        this.clock = Objects.requireNonNull(clock);
        this.cpu = Objects.requireNonNull(cpu);
    }

    /**
     * Reads the body within the size limit.
     *
     * @throws GatewayException SCHEMA_MEDIA_TYPE, LIMIT_BODY_TOO_LARGE
     */
    public RawMessage read(FhirRequest request) throws IOException {
        IntakeStageEvent stage = IntakeStageEvent.start("read");
        try {
            FhirFormat format = FhirFormat.fromContentType(request.contentType())
                    .orElseThrow(() -> new GatewayException(
                            ErrorCode.SCHEMA_MEDIA_TYPE,
                            "Content-Type must be application/fhir+json or application/fhir+xml (UTF-8)."));
            byte[] body =
                    uk.safeguarding.interchange.trust.StrictJson.readBounded(request.body(), settings.maxBodyBytes());
            return new RawMessage(format, body, sha256Hex(body), request.clientOrgId());
        } finally {
            stage.commit();
        }
    }

    /**
     * Parses the body into the signed JSON tree and a HAPI Bundle, and checks it is a message Bundle.
     *
     * @throws GatewayException SCHEMA_MALFORMED, SCHEMA_DUPLICATE_KEY, SCHEMA_DTD_FORBIDDEN, LIMIT_*,
     *     SCHEMA_NOT_MESSAGE, SCHEMA_PROFILE
     */
    public ParsedMessage parse(RawMessage raw) {
        IntakeStageEvent stage = IntakeStageEvent.start("parse");
        try (CpuPermits.Permit permit = cpu.take()) {
            FhirEncoding.Decoded decoded = encoding.decode(raw.body(), raw.format());
            Bundle bundle = decoded.bundle();
            if (bundle.getType() != Bundle.BundleType.MESSAGE
                    || bundle.getEntry().isEmpty()
                    || !(bundle.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
                throw new GatewayException(
                        ErrorCode.SCHEMA_NOT_MESSAGE,
                        "The Bundle is not of type message with its MessageHeader first.");
            }
            if (!bundle.getIdElement().hasIdPart()) {
                throw new GatewayException(ErrorCode.SCHEMA_PROFILE, "Bundle.id (the idempotency key) is missing.");
            }
            String event = header.hasEventCoding() ? header.getEventCoding().getCode() : null;
            return new ParsedMessage(
                    raw, decoded.tree(), bundle, bundle.getIdElement().getIdPart(), event);
        } finally {
            stage.commit();
        }
    }

    /**
     * Verifies the detached JWS over the JCS payload, the signing time window, and the signer certificate.
     *
     * @throws GatewayException SIG_MISSING, SIG_MALFORMED, SIG_ALG_NOT_ALLOWED, SIG_INVALID, SIG_SIGNING_TIME,
     *     SIG_CERT_*
     */
    public VerifiedMessage verify(ParsedMessage parsed) {
        IntakeStageEvent stage = IntakeStageEvent.start("verify");
        try (CpuPermits.Permit permit = cpu.take()) {
            BundleSignature signature = BundleSignature.read(parsed.tree());
            VerifiedSignature verified = verifier.verify(signature.compactJws(), signature.signingPayload());
            Instant now = clock.instant();
            if (signature.when().isAfter(now.plus(settings.clockSkew()))) {
                throw new GatewayException(ErrorCode.SIG_SIGNING_TIME, "Bundle.signature.when is in the future.");
            }
            if (signature.when().isBefore(now.minus(settings.signatureMaxAge()))) {
                throw new GatewayException(
                        ErrorCode.SIG_SIGNING_TIME,
                        "Bundle.signature.when is older than " + settings.signatureMaxAge()
                                + ": sign the message again.");
            }
            ValidatedCertificate signer = certificates.validateSigner(verified, signature.when());
            return new VerifiedMessage(parsed, verified, signer, signature.when());
        } finally {
            stage.commit();
        }
    }

    /** Spec §7 against the current directory (see {@link MessageAuthorisation}). */
    public AuthorisedMessage authorise(VerifiedMessage message) {
        IntakeStageEvent stage = IntakeStageEvent.start("authorise");
        try {
            return MessageAuthorisation.authorise(message, directory.current());
        } finally {
            stage.commit();
        }
    }

    /** @throws GatewayException SCHEMA_PROFILE naming the first errors, values redacted */
    public AuthorisedMessage validateProfile(AuthorisedMessage message) {
        IntakeStageEvent stage = IntakeStageEvent.start("validate");
        try (CpuPermits.Permit permit = cpu.take()) {
            profiles.requireValid(message.parsed().bundle());
            return message;
        } finally {
            stage.commit();
        }
    }

    /** @throws GatewayException RULE_REFERENCE_UNRESOLVED, RULE_DATE_INVALID */
    public AuthorisedMessage checkRules(AuthorisedMessage message) {
        IntakeStageEvent stage = IntakeStageEvent.start("rules");
        try (CpuPermits.Permit permit = cpu.take()) {
            BusinessRules.check(message.parsed().bundle(), clock.instant(), settings.clockSkew());
            return message;
        } finally {
            stage.commit();
        }
    }

    /**
     * Translates to the canonical form and writes it, schema-validated.
     *
     * @throws GatewayException SCHEMA_PROFILE, RULE_* from the translation, SCHEMA_XSD from the canonical schema
     */
    public TranslatedMessage translate(AuthorisedMessage message) {
        IntakeStageEvent stage = IntakeStageEvent.start("translate");
        try (CpuPermits.Permit permit = cpu.take()) {
            VerifiedMessage verified = message.verified();
            ParsedMessage parsed = verified.parsed();
            String trackingId = TrackingIds.next();
            EnvelopeFacts facts = new EnvelopeFacts(
                    trackingId,
                    clock.instant(),
                    Binding.FHIR,
                    parsed.messageId(),
                    parsed.raw().clientOrgId(),
                    new EnvelopeFacts.Signature(
                            der(verified),
                            verified.signer().organisationId(),
                            SignatureAlgorithm.fromValue(
                                    verified.signature().alg().name()),
                            verified.signature().payloadSha256(),
                            verified.signingTime()));
            InterchangeMessage canonical = translator.translate(parsed.bundle(), facts);
            byte[] xml = canonicalXml.marshal(canonical);
            Submission submission = new Submission(
                    trackingId,
                    message.senderId(),
                    parsed.messageId(),
                    verified.signature().payloadSha256Hex(),
                    message.event(),
                    parsed.raw().clientOrgId(),
                    BINDING,
                    xml,
                    canonical);
            return new TranslatedMessage(
                    submission, headerId(parsed), parsed.raw().format());
        } finally {
            stage.commit();
        }
    }

    /**
     * Accepts durably and answers {@code ok} (an exact resend gets the original acknowledgement).
     *
     * @throws GatewayException DUP_CONFLICT, SYS_UNAVAILABLE
     */
    public FhirReply accept(TranslatedMessage message) {
        IntakeStageEvent stage = IntakeStageEvent.start("accept");
        try {
            Accepted accepted = acceptance.accept(
                    message.submission(), (trackingId, at) -> replies.okJson(message.headerId(), trackingId, at));
            return replies.ok(accepted.acknowledgement(), message.format(), accepted.trackingId());
        } finally {
            stage.commit();
        }
    }

    /**
     * Records a refused request in the ledger (ids, codes and the body hash only) and builds the signed error reply.
     * Any exception other than a {@link GatewayException} is an internal error (SYS-002); its details are logged,
     * not returned. {@code raw} and {@code parsed} are null when the request failed before those steps.
     */
    public FhirReply reject(Exception failure, FhirRequest request, RawMessage raw, ParsedMessage parsed) {
        GatewayException error = null;
        for (Throwable t = failure; t != null && error == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GatewayException gatewayException) {
                error = gatewayException;
            }
        }
        if (error == null) {
            log.error("FHIR intake failed unexpectedly", failure);
            error = new GatewayException(
                    ErrorCode.SYS_INTERNAL, "The gateway could not process the message; nothing was accepted.");
        }
        String actor = request == null ? UNAUTHENTICATED : request.clientOrgId();
        String messageId = parsed == null ? null : parsed.messageId();
        String event = parsed == null
                ? null
                : EventCode.fromCode(parsed.eventCode()).map(EventCode::code).orElse(null);
        rejections.record(
                new Rejection(error.errorCode(), actor, messageId, raw == null ? null : raw.sha256(), event, BINDING));
        log.info(
                "Rejected a FHIR message from {}: {} {}",
                actor,
                error.errorCode().code(),
                error.getMessage());
        String headerId = parsed == null ? null : headerId(parsed);
        FhirFormat format = raw != null ? raw.format() : request == null ? FhirFormat.JSON : request.replyFormat();
        return replies.error(error.errorCode(), error.getMessage(), headerId, format, clock.instant());
    }

    /**
     * The request's MessageHeader.id as received, or, when the header has none, the UUID of its {@code urn:uuid:}
     * fullUrl (the examples identify the header that way); null when neither is there.
     */
    public static String headerId(ParsedMessage parsed) {
        com.fasterxml.jackson.databind.JsonNode entry =
                parsed.tree().path("entry").path(0);
        String id = entry.path("resource").path("id").textValue();
        if (id != null) {
            return id;
        }
        String fullUrl = entry.path("fullUrl").textValue();
        return fullUrl != null && fullUrl.startsWith("urn:uuid:") ? fullUrl.substring("urn:uuid:".length()) : null;
    }

    private static byte[] der(VerifiedMessage verified) {
        try {
            return verified.signer().certificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("A validated certificate cannot be encoded", e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
