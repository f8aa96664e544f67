package uk.safeguarding.interchange.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.BusinessRules;
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.intake.fhir.FhirFormat;
import uk.safeguarding.interchange.intake.fhir.FhirReplies;
import uk.safeguarding.interchange.intake.fhir.FhirToCanonical;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;
import uk.safeguarding.interchange.intake.fhir.validation.ProfileValidator;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.ValidatedCertificate;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * The FHIR intake's computing stages together (parse, signature check, profiles, business rules, translation,
 * canonical writing with its schema check, the signed acknowledgement) over distinct signed referrals, one referral at
 * a time or a batch stage by stage, with or without a sweep of {@code evictMiB} of memory between referrals (the
 * gateway's other work between two referrals on a core). Asks whether the stages cost more in the gateway than alone
 * because each finds its code and data out of the caches, and whether running several referrals through one stage
 * before the next would win that back: on one thread, little (within the error, for large batches only); in the
 * gateway, batching the steps of concurrent submissions showed no gain this machine could measure
 * (docs/performance.md, section 27). Average time per referral.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Djmh.shutdownTimeout=2")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class PipelineBenchmarks {
    private static final char[] PASSWORD = StageBenchmarks.PASSWORD;
    private static final Path CERTS = StageBenchmarks.CERTS;
    static final int BATCH = 8;
    private static final int REFERRALS = 64;

    @State(Scope.Benchmark)
    public static class Pipeline {
        /** MiB of memory swept between referrals (0: none): stands in for the gateway's other work. */
        @Param({"0", "8"})
        public int evictMiB;

        final FhirEncoding encoding = new FhirEncoding(1 << 20);
        final DetachedJwsVerifier jwsVerifier = new DetachedJwsVerifier();
        final FhirToCanonical translator = new FhirToCanonical();
        final CanonicalXml xml = new CanonicalXml();
        final byte[][] signed = new byte[REFERRALS][];
        CertificateValidator certificates;
        ProfileValidator profiles;
        FhirReplies replies;
        String signerOrg;
        long[] sweep;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            byte[] example = Files.readAllBytes(Path.of("schemas/examples/fhir/safeguarding-referral.json"));
            SigningKey key = SigningKey.loadPkcs12(CERTS.resolve("acme-safeguard.p12"), PASSWORD);
            signerOrg = key.organisationId();
            BundleSigner signer = new BundleSigner(key);
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < REFERRALS; i++) {
                ObjectNode referral = (ObjectNode) json.readTree(example);
                referral.put("id", UUID.randomUUID().toString());
                signer.sign(referral, Instant.now());
                signed[i] = FhirEncoding.toJsonBytes(referral);
            }
            certificates = StageBenchmarks.devCertificates();
            profiles = new ProfileValidator(ConformanceResources.loadDefault());
            profiles.fastPath(); // wait for the background compilation
            replies = new FhirReplies(
                    new BundleSigner(SigningKey.loadPkcs12(CERTS.resolve("gateway-signing.p12"), PASSWORD)));
            sweep = new long[evictMiB * (1 << 20) / Long.BYTES];
        }

        byte[] nextReferral() {
            byte[] referral = signed[next];
            next = (next + 1) % REFERRALS;
            return referral;
        }

        /** Reads and writes every cache line of {@code evictMiB}: the caches hold the sweep afterwards. */
        long evict() {
            long sum = 0;
            for (int i = 0; i < sweep.length; i += 8) {
                sum += sweep[i]++;
            }
            return sum;
        }
    }

    /** One referral's way through the stages; the in-between results, so a batch can run stage by stage. */
    static final class Referral {
        final byte[] signed;
        FhirEncoding.Decoded decoded;
        VerifiedSignature verified;
        ValidatedCertificate signer;
        BundleSignature signature;
        InterchangeMessage canonical;
        byte[] document;
        byte[] reply;

        Referral(byte[] signed) {
            this.signed = signed;
        }

        void parse(Pipeline p) {
            decoded = p.encoding.decode(signed, FhirFormat.JSON);
        }

        void verify(Pipeline p) {
            signature = BundleSignature.read(decoded.tree());
            verified = p.jwsVerifier.verify(signature.compactJws(), signature.signingPayload());
            signer = p.certificates.validateSigner(verified, signature.when());
        }

        void validate(Pipeline p) {
            if (!p.profiles.validate(decoded.bundle()).isValid()) {
                throw new IllegalStateException("the bench referral must be valid");
            }
        }

        void rules() {
            BusinessRules.check(decoded.bundle(), Instant.now(), Duration.ofMinutes(5));
        }

        void translate(Pipeline p) throws Exception {
            EnvelopeFacts facts =
                    StageBenchmarks.facts(decoded.bundle(), p.signerOrg, signer, verified, signature.when());
            canonical = p.translator.translate(decoded.bundle(), facts);
        }

        void write(Pipeline p) {
            document = p.xml.marshal(canonical);
        }

        void reply(Pipeline p) {
            reply = p.replies.okJson(decoded.bundle().getIdElement().getIdPart(), "tracking-id", Instant.now());
        }
    }

    /** {@value #BATCH} referrals, each through every stage before the next starts (as the gateway runs them). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void oneAtATime(Pipeline p, Blackhole out) throws Exception {
        for (int i = 0; i < BATCH; i++) {
            Referral r = new Referral(p.nextReferral());
            r.parse(p);
            r.verify(p);
            r.validate(p);
            r.rules();
            r.translate(p);
            r.write(p);
            r.reply(p);
            out.consume(r.document);
            out.consume(r.reply);
            out.consume(p.evict());
        }
    }

    /**
     * The same {@value #BATCH} referrals in cohorts of {@code cohort}, each cohort through one stage before the next
     * (cohort 1 is {@link #oneAtATime}); a sweep after each referral's last stage, as there.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void stageByStage(Pipeline p, Cohort c, Blackhole out) throws Exception {
        for (int first = 0; first < BATCH; first += c.cohort) {
            Referral[] cohort = new Referral[c.cohort];
            for (int i = 0; i < cohort.length; i++) {
                cohort[i] = new Referral(p.nextReferral());
            }
            for (Referral r : cohort) r.parse(p);
            for (Referral r : cohort) r.verify(p);
            for (Referral r : cohort) r.validate(p);
            for (Referral r : cohort) r.rules();
            for (Referral r : cohort) r.translate(p);
            for (Referral r : cohort) r.write(p);
            for (Referral r : cohort) r.reply(p);
            for (Referral r : cohort) {
                out.consume(r.document);
                out.consume(r.reply);
                out.consume(p.evict());
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Cohort {
        /** Referrals run through one stage together (a divisor of {@value #BATCH}). */
        @Param({"2", "4", "8"})
        public int cohort;
    }

    /** The sweeps alone ({@value #BATCH} per invocation, as in the others), to subtract. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sweepsAlone(Pipeline p, Blackhole out) {
        for (int i = 0; i < BATCH; i++) {
            out.consume(p.evict());
        }
    }
}
