package uk.safeguarding.interchange.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
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
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.intake.fhir.FhirToCanonical;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;
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
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class StageBenchmarks {
    private static final char[] PASSWORD = "dev-only".toCharArray();
    private static final Path CERTS = Path.of("certs-dev");

    private final FhirEncoding encoding = new FhirEncoding(1 << 20);
    private final DetachedJwsVerifier jwsVerifier = new DetachedJwsVerifier();
    private final FhirToCanonical translator = new FhirToCanonical();
    private CanonicalXml canonicalXml;
    private CertificateValidator certificates;
    private ProfileValidator profiles;
    private byte[] signed;
    private ObjectNode tree;
    private Bundle bundle;
    private EnvelopeFacts facts;
    private InterchangeMessage canonical;

    private Path dataDir;
    private Database database;
    private LedgerAppender ledger;
    private EmbeddedBroker broker;
    private JmsRoutingQueue routingQueue;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ObjectNode example = (ObjectNode) new ObjectMapper()
                .readTree(Files.readAllBytes(Path.of("schemas/examples/fhir/safeguarding-referral.json")));
        SigningKey key = SigningKey.loadPkcs12(CERTS.resolve("acme-safeguard.p12"), PASSWORD);
        Instant when = Instant.now();
        new BundleSigner(key).sign(example, when);
        signed = FhirEncoding.toJsonBytes(example);

        FhirEncoding.Decoded decoded = encoding.decode(signed, uk.safeguarding.interchange.intake.fhir.FhirFormat.JSON);
        tree = decoded.tree();
        bundle = decoded.bundle();
        certificates = new CertificateValidator(
                TrustAnchors.load(CERTS.resolve("truststore.p12"), PASSWORD),
                CrlStore.fromPemFiles(List.of(CERTS.resolve("root-ca.crl.pem"), CERTS.resolve("issuing-ca.crl.pem"))),
                Clock.systemUTC());
        ValidatedCertificate signer = verify();
        profiles = new ProfileValidator(ConformanceResources.loadDefault());
        canonicalXml = new CanonicalXml();
        BundleSignature signature = BundleSignature.read(tree);
        VerifiedSignature verified = jwsVerifier.verify(signature.compactJws(), signature.signingPayload());
        facts = new EnvelopeFacts(
                UUID.randomUUID().toString(),
                Instant.now(),
                Binding.FHIR,
                bundle.getIdElement().getIdPart(),
                key.organisationId(),
                new EnvelopeFacts.Signature(
                        signer.certificate().getEncoded(),
                        signer.organisationId(),
                        SignatureAlgorithm.fromValue(verified.alg().name()),
                        verified.payloadSha256(),
                        signature.when()));
        canonical = translator.translate(bundle, facts);

        dataDir = Files.createTempDirectory("stage-bench");
        database = Database.open(
                "jdbc:h2:file:" + dataDir.resolve("db/interchange").toAbsolutePath()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE",
                "sa",
                "",
                4);
        ledger = new LedgerAppender(Clock.systemUTC());
        broker = EmbeddedBroker.start(dataDir.resolve("artemis"));
        routingQueue = new JmsRoutingQueue(broker.connectionFactory());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        broker.close();
        database.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Strict JSON (duplicate keys, depth, size) into the signed tree, then HAPI's parser into a Bundle. */
    @Benchmark
    public FhirEncoding.Decoded fhirParse() {
        return encoding.decode(signed, uk.safeguarding.interchange.intake.fhir.FhirFormat.JSON);
    }

    /** JCS payload, detached JWS (ES256) and the signer's chain with CRLs (PKIX). */
    @Benchmark
    public ValidatedCertificate signatureVerify() {
        return verify();
    }

    private ValidatedCertificate verify() {
        BundleSignature signature = BundleSignature.read(tree);
        VerifiedSignature verified = jwsVerifier.verify(signature.compactJws(), signature.signingPayload());
        return certificates.validateSigner(verified, signature.when());
    }

    /** HAPI's FhirInstanceValidator against our profiles. */
    @Benchmark
    public ProfileValidationResult profileValidate() {
        return profiles.validate(bundle);
    }

    @Benchmark
    public InterchangeMessage translate() {
        return translator.translate(bundle, facts);
    }

    /** JAXB marshal with the canonical schema check. */
    @Benchmark
    public byte[] canonicalMarshal() {
        return canonicalXml.marshal(canonical);
    }

    /** One ledger entry in its own committed transaction, H2 file database (the embedded default). */
    @Benchmark
    public long ledgerAppend() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            long seq = ledger.append(
                    connection,
                    new NewLedgerEntry(
                            "ACCEPTED",
                            UUID.randomUUID().toString(),
                            "bench",
                            "urn:interchange:system:acme-safeguard",
                            null,
                            "safeguarding-referral",
                            null,
                            null));
            connection.commit();
            return seq;
        }
    }

    /** A persistent, transacted send to the routing queue of an embedded Artemis (journal on disk). */
    @Benchmark
    public void brokerEnqueue() {
        routingQueue.publish(UUID.randomUUID().toString());
    }
}
