package uk.safeguarding.interchange.intake.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;

/**
 * Validates FHIR resources against the interchange profiles, offline: the validation support chain holds the
 * FHIR core definitions (from the classpath), our conformance resources and in-memory terminology, and no
 * remote support, so validation never touches the network.
 *
 * <p>Build one at start-up and share it: construction loads and snapshots the profiles, validates a built-in
 * warm-up resource (a few seconds); the first {@link #validate(Bundle)} starts compiling the {@link
 * FastProfileValidator} in the background (until it is ready, and if it ever fails to compile, HAPI validates
 * every message). {@link #validate} is thread-safe.
 *
 * <p>HAPI's validator and the FHIR core definitions it loads (about 140 MB of a 512 MB heap) are released when
 * HAPI has not validated for {@link #HAPI_IDLE_RELEASE} and loaded again, in one to a few seconds, for the next
 * message the fast path does not accept: equally strict, that one message is slower.
 *
 * <p>Message Bundles ({@link #validate(Bundle)}) go through the {@link FastProfileValidator} first: when it
 * ACCEPTs (everything in the message is covered by a rule it models, and all hold) the result is valid with no
 * issues and HAPI is not called (tens of µs instead of tens of ms); when it REJECTs or DEFERs, HAPI's full
 * validation runs and its result, with HAPI's messages, is returned. The fast path never decides a rejection on
 * its own, and {@code FastProfileValidatorDifferentialTest} checks that its ACCEPTs are HAPI-valid.
 * {@link #validate(IBaseResource, String)} always runs HAPI.
 *
 * <p>Strictness: unknown extensions are errors, unknown profiles are errors, references inside the Bundle are
 * resolved and checked against their target profiles, terminology is checked against the in-memory value sets.
 *
 * <p>One check is left out on purpose: the HL7 validator's own cryptographic verification of {@code
 * Bundle.signature} (its issues are dropped, see {@link #isSignatureVerificationIssue}). The gateway verifies the
 * detached JWS itself (RFC 8785 payload, algorithm allow-list, PKIX against the gateway's trust anchors) and
 * reports failures as {@code SIG-*} codes; the HL7 check is declared work in progress by its authors, defaults
 * to a different canonicalization and knows no trust anchors, so it would turn signature problems into
 * SCHEMA-004. The structural rules on {@code Bundle.signature} (present, sigFormat, type, who, when, data) stay
 * enforced by the Bundle profile.
 */
public final class ProfileValidator {
    /** How many errors {@link #requireValid} names in the exception detail. */
    static final int ERRORS_IN_DETAIL = 3;

    /** base64 of the compact JWS {@code {"alg":"RS256"}..placeholder}: never verifies, never crashes the HL7 check. */
    private static final byte[] SIGNATURE_PLACEHOLDER = java.util.Base64.getDecoder()
            .decode("ZXlKaGJHY2lPaUpTVXpJMU5pSjkuLmNHeGhZMlZvYjJ4a1pYSXRjMmxuYm1GMGRYSmxMVzV2ZEMxaExYSmxZV3d0YjI1bA==");

    /**
     * How long HAPI's validator stays loaded after it last validated: then it is released with the FHIR core
     * definitions it loaded, and built again when a message needs it.
     */
    static final Duration HAPI_IDLE_RELEASE = Duration.ofMinutes(2);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProfileValidator.class);

    private final FhirContext context;
    private final ConformanceResources resources;
    private final DefaultProfileValidationSupport coreDefinitions;
    private final ValidationSupportChain supportChain;
    private final long idleReleaseNanos;

    /**
     * Held (shared) while HAPI validates or the fast path asks the support chain; {@link #releaseIfIdle} takes it
     * exclusively, so the definitions are never released under a validation. One per JVM, like the FHIR core
     * definitions themselves ({@link DefaultProfileValidationSupport} keeps them in a static map, shared by every
     * instance).
     */
    private static final ReentrantReadWriteLock HAPI_LOCK = new ReentrantReadWriteLock();

    /** HAPI's validator while loaded; null once released (built again by {@link #hapi()}). */
    private volatile FhirValidator hapi;

    private volatile long lastHapiUse = System.nanoTime();

    private final AtomicInteger hapiLoads = new AtomicInteger();

    /**
     * Compiled in the background when the first message Bundle is validated, so start-up is neither delayed nor
     * competed with; until it is ready HAPI validates every message.
     */
    private final CompletableFuture<FastProfileValidator> fast = new CompletableFuture<>();

    private final AtomicBoolean compilationStarted = new AtomicBoolean();

    public ProfileValidator(ConformanceResources resources) {
        this(resources, HAPI_IDLE_RELEASE);
    }

    /** With another idle time before HAPI's validator is released (tests). */
    ProfileValidator(ConformanceResources resources, Duration hapiIdleRelease) {
        this.context = FhirContexts.r4();
        this.resources = Objects.requireNonNull(resources);
        this.coreDefinitions = new DefaultProfileValidationSupport(context);
        this.supportChain = offlineSupportChain(context, coreDefinitions, resources);
        this.idleReleaseNanos = hapiIdleRelease.toNanos();
        warmUp();
    }

    /** HAPI's validator over the support chain, as strict as the class comment says. */
    private FhirValidator newHapiValidator() {
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(supportChain);
        // A national interchange accepts only extensions it (or FHIR core) defines.
        instanceValidator.setAnyExtensionsAllowed(false);
        instanceValidator.setErrorForUnknownProfiles(true);
        instanceValidator.setNoTerminologyChecks(false);
        instanceValidator.setNoExtensibleWarnings(false);
        instanceValidator.setBestPracticeWarningLevel(
                org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel.Ignore);

        FhirValidator fhirValidator = context.newValidator();
        fhirValidator.setValidateAgainstStandardSchema(false);
        fhirValidator.setValidateAgainstStandardSchematron(false);
        fhirValidator.registerValidatorModule(instanceValidator);
        return fhirValidator;
    }

    /** The loaded validator, built first if it was released. Call with {@link #HAPI_LOCK} held (shared). */
    private FhirValidator hapi() {
        FhirValidator loaded = hapi;
        if (loaded == null) {
            synchronized (this) {
                loaded = hapi;
                if (loaded == null) {
                    LOG.info("Loading HAPI's validator (the FHIR core definitions load with its first validation)");
                    loaded = newHapiValidator();
                    hapi = loaded;
                    hapiLoads.incrementAndGet();
                }
            }
        }
        lastHapiUse = System.nanoTime();
        return loaded;
    }

    /**
     * Releases HAPI's validator, the FHIR core definitions and the chain's caches (about 140 MB) when HAPI has not
     * validated for {@link #HAPI_IDLE_RELEASE}: while the fast path accepts every message they are not needed, and a
     * smaller live set leaves the young generation room (docs/performance.md section 17). Never waits: when a
     * validation holds the definitions, a later call releases them.
     */
    private void releaseIfIdle() {
        if (hapi == null
                || System.nanoTime() - lastHapiUse < idleReleaseNanos
                || !HAPI_LOCK.writeLock().tryLock()) {
            return;
        }
        try {
            if (hapi == null || System.nanoTime() - lastHapiUse < idleReleaseNanos) {
                return;
            }
            hapi = null;
            coreDefinitions.flush();
            supportChain.invalidateCaches();
            LOG.info(
                    "Released HAPI's validator: the fast path accepted every message for {}",
                    Duration.ofNanos(idleReleaseNanos));
        } finally {
            HAPI_LOCK.writeLock().unlock();
        }
    }

    /** Whether HAPI's validator is loaded now (tests). */
    boolean hapiLoaded() {
        return hapi != null;
    }

    /** How many times HAPI's validator has been built (tests). */
    int hapiLoads() {
        return hapiLoads.get();
    }

    private void startCompilation() {
        if (!compilationStarted.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(
                () -> {
                    // Compiling reads the definitions: no release meanwhile (by another instance, in tests).
                    HAPI_LOCK.readLock().lock();
                    try {
                        fast.complete(new FastProfileValidator(context, supportChain, resources, HAPI_LOCK.readLock()));
                    } catch (RuntimeException | Error e) {
                        // Never fatal: every message then goes to HAPI, which is slower but as strict.
                        LOG.error(
                                "The fast profile validator could not be compiled; validating every message with HAPI",
                                e);
                        fast.completeExceptionally(e);
                    } finally {
                        HAPI_LOCK.readLock().unlock();
                    }
                },
                "fast-profile-validator-compiler");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The chain: FHIR core definitions, our resources, snapshot generation (our profiles are differential
     * only), in-memory terminology (value sets whose code systems are loaded), and the common code systems
     * HAPI knows without a server (MIME types, languages, countries, UCUM). No remote terminology service.
     */
    static ValidationSupportChain offlineSupportChain(
            FhirContext context, DefaultProfileValidationSupport coreDefinitions, ConformanceResources resources) {
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(context);
        resources.structureDefinitions().forEach(ours::addStructureDefinition);
        resources.valueSets().forEach(ours::addValueSet);
        resources.codeSystems().forEach(ours::addCodeSystem);
        return new ValidationSupportChain(
                coreDefinitions,
                ours,
                new SnapshotGeneratingValidationSupport(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context));
    }

    /**
     * The fast path compiled from the same support chain (for benchmarks and the differential test); waits for the
     * background compilation.
     *
     * @throws java.util.concurrent.CompletionException if it could not be compiled
     */
    public FastProfileValidator fastPath() {
        startCompilation();
        return fast.join();
    }

    /** The validation supports in use, outermost first (for tests that prove no remote support is present). */
    List<IValidationSupport> supports() {
        return supportChain.getValidationSupports();
    }

    /**
     * Validates a message Bundle against the interchange message Bundle profile (whatever its meta.profile). The
     * {@link FastProfileValidator} answers first: on ACCEPT the result is valid with no issues and HAPI is not
     * called; otherwise HAPI's full validation decides and its issues are returned.
     */
    public ProfileValidationResult validate(Bundle bundle) {
        startCompilation();
        FastProfileValidator compiled = fast.isDone() && !fast.isCompletedExceptionally() ? fast.join() : null;
        if (compiled != null && compiled.verdict(bundle).verdict() == FastProfileValidator.Verdict.ACCEPT) {
            releaseIfIdle();
            return new ProfileValidationResult(List.of());
        }
        return validate(bundle, ConformanceResources.MESSAGE_BUNDLE_PROFILE);
    }

    /** Validates any resource against the given profile (and its meta.profile, if any). */
    public ProfileValidationResult validate(IBaseResource resource, String profileUrl) {
        Objects.requireNonNull(resource);
        if (resource instanceof Bundle bundle && bundle.getSignature().hasData()) {
            // With a real JWS in Bundle.signature.data the HL7 validator runs its own JOSE verification, which
            // fails with NoClassDefFoundError (commons-net is not on the class path) and is dropped anyway (see the
            // class comment): a copy with a fixed placeholder keeps the structural checks on data.
            Bundle copy = bundle.copy();
            copy.getSignature().setData(SIGNATURE_PLACEHOLDER);
            resource = copy;
        }
        ValidationOptions options = new ValidationOptions().addProfile(profileUrl);
        List<SingleValidationMessage> messages;
        HAPI_LOCK.readLock().lock();
        try {
            messages = hapi().validateWithResult(resource, options).getMessages();
        } finally {
            HAPI_LOCK.readLock().unlock();
        }
        List<ValidationIssue> issues = messages.stream()
                .filter(m -> !isSignatureVerificationIssue(m))
                .map(ProfileValidator::issue)
                .toList();
        return new ProfileValidationResult(issues);
    }

    /**
     * Validates a message Bundle and throws when it has any error.
     *
     * @throws GatewayException {@link ErrorCode#SCHEMA_PROFILE} naming the first errors, values redacted
     */
    public ProfileValidationResult requireValid(Bundle bundle) {
        ProfileValidationResult result = validate(bundle);
        if (!result.isValid()) {
            throw new GatewayException(ErrorCode.SCHEMA_PROFILE, result.redactedSummary(ERRORS_IN_DETAIL));
        }
        return result;
    }

    public ConformanceResources resources() {
        return resources;
    }

    /**
     * Generates the snapshots and primes the caches by validating a built-in Bundle once, so the first real
     * message is not slow. Called by the constructor; the result is deliberately ignored.
     */
    private void warmUp() {
        validate(WarmUp.bundle(), ConformanceResources.MESSAGE_BUNDLE_PROFILE); // HAPI only: no fast-path compile yet
    }

    /**
     * Whether HAPI reported this while verifying the JWS in {@code Bundle.signature} (see the class comment).
     * Those issues sit on the Bundle itself and carry a {@code BUNDLE_SIGNATURE_*} id, or no id and a text about
     * the signature.
     */
    static boolean isSignatureVerificationIssue(SingleValidationMessage m) {
        if (!"Bundle".equals(m.getLocationString())) {
            return false;
        }
        String id = m.getMessageId() == null ? "" : m.getMessageId();
        String text = m.getMessage() == null ? "" : m.getMessage();
        return id.startsWith("BUNDLE_SIGNATURE_")
                || (id.isEmpty() && text.toLowerCase(Locale.ROOT).contains("signature"));
    }

    private static ValidationIssue issue(SingleValidationMessage m) {
        ValidationIssue.Severity severity =
                switch (m.getSeverity() == null ? ResultSeverityEnum.ERROR : m.getSeverity()) {
                    case FATAL, ERROR -> ValidationIssue.Severity.ERROR;
                    case WARNING -> ValidationIssue.Severity.WARNING;
                    case INFORMATION -> ValidationIssue.Severity.INFORMATION;
                };
        return new ValidationIssue(severity, m.getLocationString(), m.getMessageId(), m.getMessage());
    }
}
