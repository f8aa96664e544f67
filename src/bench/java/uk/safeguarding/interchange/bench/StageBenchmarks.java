package uk.safeguarding.interchange.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import uk.safeguarding.interchange.broker.EmbeddedBroker;
import uk.safeguarding.interchange.broker.JmsRoutingQueue;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EnvelopeFacts;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.BusinessRules;
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.intake.fhir.FhirFormat;
import uk.safeguarding.interchange.intake.fhir.FhirToCanonical;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;
import uk.safeguarding.interchange.intake.fhir.validation.FastProfileValidator;
import uk.safeguarding.interchange.intake.fhir.validation.ProfileValidationResult;
import uk.safeguarding.interchange.intake.fhir.validation.ProfileValidator;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.TrustAnchors;
import uk.safeguarding.interchange.trust.ValidatedCertificate;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * One benchmark per stage of the FHIR intake, each on the same signed referral ({@code
 * schemas/examples/fhir/safeguarding-referral.json}, 10 resources, signed as {@code certs-dev/acme-safeguard}). Run
 * with {@code ./gateway bench micro} from the project root (the stages read certs-dev/ and schemas/ relative to it).
 * Average time per operation, single thread: the cost of one message in each stage.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Djmh.shutdownTimeout=2")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class StageBenchmarks {
    static final char[] PASSWORD = "dev-only".toCharArray();
    static final Path CERTS = Path.of("certs-dev");

    /** The signed referral, parsed, verified and translated once: the input of every in-memory stage. */
    @State(Scope.Benchmark)
    public static class Message {
        final FhirEncoding encoding = new FhirEncoding(1 << 20);
        final DetachedJwsVerifier jwsVerifier = new DetachedJwsVerifier();
        final FhirToCanonical translator = new FhirToCanonical();
        CertificateValidator certificates;
        byte[] signed;
        ObjectNode tree;
        Bundle bundle;
        EnvelopeFacts facts;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            ObjectNode example = (ObjectNode) new ObjectMapper()
                    .readTree(Files.readAllBytes(Path.of("schemas/examples/fhir/safeguarding-referral.json")));
            SigningKey key = SigningKey.loadPkcs12(CERTS.resolve("acme-safeguard.p12"), PASSWORD);
            new BundleSigner(key).sign(example, Instant.now());
            signed = FhirEncoding.toJsonBytes(example);
            FhirEncoding.Decoded decoded = encoding.decode(signed, FhirFormat.JSON);
            tree = decoded.tree();
            bundle = decoded.bundle();
            certificates = devCertificates();
            BundleSignature signature = BundleSignature.read(tree);
            VerifiedSignature verified = jwsVerifier.verify(signature.compactJws(), signature.signingPayload());
            ValidatedCertificate signer = certificates.validateSigner(verified, signature.when());
            facts = facts(bundle, key.organisationId(), signer, verified, signature.when());
        }

        ValidatedCertificate verify() {
            BundleSignature signature = BundleSignature.read(tree);
            VerifiedSignature verified = jwsVerifier.verify(signature.compactJws(), signature.signingPayload());
            return certificates.validateSigner(verified, signature.when());
        }
    }

    /** The profile validator, built (seconds) and warmed once, exactly as at gateway start. */
    @State(Scope.Benchmark)
    public static class Profiles {
        ProfileValidator validator;

        @Setup(Level.Trial)
        public void setUp() {
            validator = new ProfileValidator(ConformanceResources.loadDefault());
            validator.fastPath(); // wait for the background compilation
        }
    }

    /** The canonical form of the message and the schema-checking marshaller. */
    @State(Scope.Benchmark)
    public static class Canonical {
        CanonicalXml xml;
        InterchangeMessage message;

        @Setup(Level.Trial)
        public void setUp(Message input) {
            xml = new CanonicalXml();
            message = input.translator.translate(input.bundle, input.facts);
        }
    }

    /** A fresh H2 file database with the gateway's schema (the embedded default). */
    @State(Scope.Benchmark)
    public static class Ledger {
        Path dir;
        Database database;
        final LedgerAppender appender = new LedgerAppender(Clock.systemUTC());

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("ledger-bench");
            database = Database.open(
                    "jdbc:h2:file:" + dir.resolve("interchange").toAbsolutePath()
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE",
                    "sa",
                    "",
                    4);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            database.close();
            delete(dir);
        }
    }

    /** A fresh embedded Artemis with its journal on disk, as the gateway runs it. */
    @State(Scope.Benchmark)
    public static class Broker {
        Path dir;
        EmbeddedBroker broker;
        JmsRoutingQueue queue;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("broker-bench");
            broker = EmbeddedBroker.start(dir.resolve("artemis"));
            queue = new JmsRoutingQueue(broker.connectionFactory());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            if (broker.connectionFactory() instanceof AutoCloseable factory) {
                factory.close();
            }
            broker.close();
            delete(dir);
        }
    }

    /** Strict JSON (duplicate keys, depth, size) into the signed tree, then HAPI's parser into a Bundle. */
    @Benchmark
    public FhirEncoding.Decoded fhirParse(Message m) {
        return m.encoding.decode(m.signed, FhirFormat.JSON);
    }

    /** JCS payload, detached JWS (RS256: acme-safeguard is RSA-2048) and the signer's chain with CRLs (PKIX). */
    @Benchmark
    public ValidatedCertificate signatureVerify(Message m) {
        return m.verify();
    }

    /** ProfileValidator.validate: the fast path, then HAPI only on DEFER or REJECT (this referral: fast ACCEPT). */
    @Benchmark
    public ProfileValidationResult profileValidate(Message m, Profiles p) {
        return p.validator.validate(m.bundle);
    }

    /** HAPI's FhirInstanceValidator alone against our profiles (what every message cost before the fast path). */
    @Benchmark
    public ProfileValidationResult profileValidateHapi(Message m, Profiles p) {
        return p.validator.validate(m.bundle, ConformanceResources.MESSAGE_BUNDLE_PROFILE);
    }

    /** The fast path alone (FastProfileValidator.verdict): ACCEPT on this referral, no HAPI call. */
    @Benchmark
    public FastProfileValidator.Result profileValidateFast(Message m, Profiles p) {
        return p.validator.fastPath().verdict(m.bundle);
    }

    @Benchmark
    public void businessRules(Message m) {
        BusinessRules.check(m.bundle, Instant.now(), Duration.ofMinutes(5));
    }

    @Benchmark
    public InterchangeMessage translate(Message m) {
        return m.translator.translate(m.bundle, m.facts);
    }

    /** JAXB marshal with the canonical schema check. */
    @Benchmark
    public byte[] canonicalMarshal(Canonical c) {
        return c.xml.marshal(c.message);
    }

    /** One ledger entry in its own committed transaction. */
    @Benchmark
    public long ledgerAppend(Ledger l) throws SQLException {
        return l.appender.appendAlone(
                l.database.dataSource(),
                new NewLedgerEntry(
                        "ACCEPTED",
                        UUID.randomUUID().toString(),
                        "bench",
                        "urn:interchange:system:acme-safeguard",
                        null,
                        "safeguarding-referral",
                        null,
                        null));
    }

    /** A persistent, transacted send to the routing queue (committed to the journal). */
    @Benchmark
    public void brokerEnqueue(Broker b) {
        b.queue.publish(UUID.randomUUID().toString());
    }

    /** The envelope facts intake derives from a verified FHIR submission, with a new tracking id. */
    static EnvelopeFacts facts(
            Bundle bundle, String senderOrg, ValidatedCertificate signer, VerifiedSignature verified, Instant signedAt)
            throws CertificateEncodingException {
        return new EnvelopeFacts(
                UUID.randomUUID().toString(),
                Instant.now(),
                Binding.FHIR,
                bundle.getIdElement().getIdPart(),
                senderOrg,
                new EnvelopeFacts.Signature(
                        signer.certificate().getEncoded(),
                        signer.organisationId(),
                        SignatureAlgorithm.fromValue(verified.alg().name()),
                        verified.payloadSha256(),
                        signedAt));
    }

    /** The signer checks of the gateway with the dev trust anchors and CRLs (PKIX with CRLs, as at intake). */
    static CertificateValidator devCertificates() throws IOException {
        return new CertificateValidator(
                TrustAnchors.load(CERTS.resolve("truststore.p12"), PASSWORD),
                CrlStore.fromPemFiles(List.of(CERTS.resolve("root-ca.crl.pem"), CERTS.resolve("issuing-ca.crl.pem"))),
                Clock.systemUTC());
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
