package uk.safeguarding.interchange;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.main.Main;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.audit.AuditApi;
import uk.safeguarding.interchange.broker.DeliveryConsumers;
import uk.safeguarding.interchange.broker.EmbeddedBroker;
import uk.safeguarding.interchange.broker.JmsDeliveryQueue;
import uk.safeguarding.interchange.broker.JmsRoutingQueue;
import uk.safeguarding.interchange.broker.MailboxQueues;
import uk.safeguarding.interchange.broker.RoutingQueueConsumer;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.config.StartupException;
import uk.safeguarding.interchange.delivery.Deliveries;
import uk.safeguarding.interchange.delivery.DeliveryApi;
import uk.safeguarding.interchange.delivery.DeliveryRelay;
import uk.safeguarding.interchange.delivery.GatewayMessages;
import uk.safeguarding.interchange.delivery.Mailbox;
import uk.safeguarding.interchange.delivery.MessageStatusService;
import uk.safeguarding.interchange.delivery.PushDelivery;
import uk.safeguarding.interchange.delivery.PushTransport;
import uk.safeguarding.interchange.delivery.RetryPolicy;
import uk.safeguarding.interchange.delivery.SlaMonitor;
import uk.safeguarding.interchange.delivery.push.FhirPush;
import uk.safeguarding.interchange.delivery.push.GatewayCredentials;
import uk.safeguarding.interchange.delivery.push.SoapPush;
import uk.safeguarding.interchange.directory.DeliveryMode;
import uk.safeguarding.interchange.directory.DirectoryException;
import uk.safeguarding.interchange.directory.DirectoryHolder;
import uk.safeguarding.interchange.directory.DirectoryReloader;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.health.HealthCheck;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.OutboxRelay;
import uk.safeguarding.interchange.intake.Rejection;
import uk.safeguarding.interchange.intake.Rejections;
import uk.safeguarding.interchange.intake.RoutingPublisher;
import uk.safeguarding.interchange.intake.RoutingQueue;
import uk.safeguarding.interchange.intake.SandboxFaults;
import uk.safeguarding.interchange.intake.StoredMessages;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.CapabilityStatementProvider;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;
import uk.safeguarding.interchange.intake.fhir.FhirIntake;
import uk.safeguarding.interchange.intake.fhir.FhirIntakeSettings;
import uk.safeguarding.interchange.intake.fhir.FhirReplies;
import uk.safeguarding.interchange.intake.fhir.FhirRequestRefusals;
import uk.safeguarding.interchange.intake.fhir.ProcessMessageProvider;
import uk.safeguarding.interchange.intake.fhir.validation.ConformanceResources;
import uk.safeguarding.interchange.intake.fhir.validation.ProfileValidator;
import uk.safeguarding.interchange.intake.soap.ReplayCache;
import uk.safeguarding.interchange.intake.soap.ResponseSigner;
import uk.safeguarding.interchange.intake.soap.SoapBinding;
import uk.safeguarding.interchange.intake.soap.SoapIntake;
import uk.safeguarding.interchange.intake.soap.SoapRequestAdapter;
import uk.safeguarding.interchange.intake.soap.SoapSecurity;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.LedgerCheckpoints;
import uk.safeguarding.interchange.ledger.LedgerSearchIndex;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointSigner;
import uk.safeguarding.interchange.ledger.checkpoint.NoteSigningKey;
import uk.safeguarding.interchange.routing.AcceptedDocuments;
import uk.safeguarding.interchange.routing.JdbcMessageHistory;
import uk.safeguarding.interchange.routing.PostcodeLookup;
import uk.safeguarding.interchange.routing.PostcodeTables;
import uk.safeguarding.interchange.routing.Router;
import uk.safeguarding.interchange.routing.RoutingBatch;
import uk.safeguarding.interchange.routing.RoutingRules;
import uk.safeguarding.interchange.server.AuthenticatedRequestProcessor;
import uk.safeguarding.interchange.server.CallerIdentity;
import uk.safeguarding.interchange.server.ClientAuthFailureListener;
import uk.safeguarding.interchange.server.ClientCertificateFilter;
import uk.safeguarding.interchange.server.CpuPermits;
import uk.safeguarding.interchange.server.ErrorResponses;
import uk.safeguarding.interchange.server.HttpsServer;
import uk.safeguarding.interchange.server.RateLimiter;
import uk.safeguarding.interchange.server.ServletMount;
import uk.safeguarding.interchange.server.TlsContexts;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.MasterKey;
import uk.safeguarding.interchange.store.PayloadErasure;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.store.RetentionPolicy;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.TrustAnchors;

/**
 * The whole embedded gateway in one JVM: database (Flyway-migrated), Artemis broker, Camel Main with the YAML
 * routes from {@code routes/}, and the HTTPS server with mutual TLS. {@code ./gateway start} and the ITs start
 * exactly this.
 *
 * <p>Starts in dependency order (database, broker, Camel, HTTPS) and {@link #close() closes} in reverse (HTTPS
 * stops accepting first). If a step fails, whatever already started is closed again. Not thread-safe for
 * start/close; accessors may be used from any thread.
 */
public final class GatewayRuntime implements AutoCloseable {
    /** Camel registry name of the {@link DataSource}. */
    public static final String DATA_SOURCE = "dataSource";
    /** Camel registry name of the Jakarta JMS {@link ConnectionFactory} (in-VM Artemis). */
    public static final String JMS_CONNECTION_FACTORY = "jmsConnectionFactory";
    /** Camel registry name of the camel-jms component (transacted, CACHE_CONSUMER). */
    public static final String JMS_COMPONENT = "jms";
    /** Camel registry name of the {@link Acceptance} bean (durable acceptance shared by the bindings). */
    public static final String ACCEPTANCE = "acceptance";
    /** Camel registry name of the {@link Rejections} bean (REJECTED ledger entries). */
    public static final String REJECTIONS = "rejections";
    /** Camel registry name of the {@link OutboxRelay} bean. */
    public static final String OUTBOX_RELAY = "outboxRelay";
    /** Camel registry name of the {@link HealthCheck} bean. */
    public static final String HEALTH_CHECK = "healthCheck";
    /** Camel registry name of the shared R4 {@link FhirContext}. */
    public static final String FHIR_CONTEXT = "fhirContext";
    /** Camel registry name of the injected {@link Clock}. */
    public static final String CLOCK = "clock";
    /** Camel registry name of the {@link LedgerCheckpoints} bean (signed checkpoints). */
    public static final String LEDGER_CHECKPOINTS = "ledgerCheckpoints";
    /** Camel registry name of the {@link LedgerSearchIndex} bean (the auditors' search index, decision 0016). */
    public static final String LEDGER_SEARCH_INDEX = "ledgerSearchIndex";
    /** Camel registry name of the {@link AuditApi} bean. */
    public static final String AUDIT_API = "auditApi";
    /** Camel registry name of the {@link AuthenticatedRequestProcessor} servlet routes use. */
    public static final String AUTHENTICATED_REQUEST = "authenticatedRequest";
    /** Camel registry name of the {@link PayloadStore} (per-message payload encryption). */
    public static final String PAYLOAD_STORE = "payloadStore";
    /** Camel registry name of the {@link PayloadErasure} bean (crypto-shredding past retention). */
    public static final String PAYLOAD_ERASURE = "payloadErasure";
    /** Camel registry name of the live, reloadable {@link DirectoryHolder} ({@code gateway.directory.file}). */
    public static final String DIRECTORY = "directory";
    /** Camel registry name of the {@link Router} (load an accepted message, commit its routing). */
    public static final String ROUTER = "router";
    /** Camel registry name of the {@link AcceptedDocuments} hand-off from intake to routing. */
    public static final String ACCEPTED_DOCUMENTS = "acceptedDocuments";
    /** The most units of work (acceptances, mailbox stores, acknowledgements) committed together. */
    private static final int GROUP_COMMIT_MAX = 64;

    /** Camel registry name of the {@link RoutingQueueConsumer} (routes/routing.yaml). */
    public static final String ROUTING_QUEUE_CONSUMER = "routingQueueConsumer";
    /** Camel registry name of the {@link RoutingRules}. */
    public static final String ROUTING_RULES = "routingRules";
    /** Camel registry name of the {@link Mailbox} (mailbox delivery mode). */
    public static final String MAILBOX = "mailbox";
    /** Camel registry name of the {@link MailboxQueues} (routes/mailbox-delivery.yaml). */
    public static final String MAILBOX_QUEUES = "mailboxQueues";
    /** Camel registry name of the {@link MessageStatusService} (per-recipient states for the sender). */
    public static final String MESSAGE_STATUS = "messageStatus";
    /** Camel registry name of the one {@link CertificateValidator} (TLS clients and message signers). */
    public static final String CERTIFICATE_VALIDATOR = "certificateValidator";
    /** Camel registry name of the {@link ProfileValidator} (built once at start-up). */
    public static final String PROFILE_VALIDATOR = "profileValidator";
    /** Camel registry name of the {@link FhirIntake} bean (routes/fhir-intake.yaml). */
    public static final String FHIR_INTAKE = "fhirIntake";
    /** Camel registry name of the {@link SandboxFaults} (routes/fhir-intake.yaml). */
    public static final String SANDBOX_FAULTS = "sandboxFaults";
    /** Camel registry name of the {@link PushDelivery} (fhir-push, soap-push, retries). */
    public static final String PUSH_DELIVERY = "pushDelivery";
    /** Camel registry name of the {@link SlaMonitor} (config/sla.yaml escalations). */
    public static final String SLA_MONITOR = "slaMonitor";
    /** Servlet name that camel-servlet consumers ({@code servlet:/path}) attach to; mounted at {@code /*}. */
    public static final String CAMEL_SERVLET = "CamelServlet";

    private static final Logger log = LoggerFactory.getLogger(GatewayRuntime.class);

    private final GatewaySettings settings;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private Database database;
    private EmbeddedBroker broker;
    private Main camel;
    private HttpsServer https;
    private FhirContext fhirContext;
    private DeliveryConsumers deliveryConsumers;
    private RoutingQueueConsumer routingQueueConsumer;
    /** One group commit for acceptance and the mailbox, so their writes share commits (decision 0007). */
    private GroupCommit groupCommit;
    /** Bounds the request threads that compute at once, so the group commit keeps its share (decision 0019). */
    private CpuPermits cpuPermits;
    /** Intake hands accepted documents to routing through it (decision 0006). */
    private AcceptedDocuments acceptedDocuments;
    /** Publishes acceptances to the routing queue after their answer (decision 0017). */
    private RoutingPublisher routingPublisher;
    // Built with routing and delivery; the SOAP mailbox operations use the same ones as the REST API.
    private Mailbox mailbox;
    private MessageStatusService messageStatus;
    private Rejections rejections;
    private CertificateValidator validator;
    private Bus soapBus;

    private GatewayRuntime(GatewaySettings settings) {
        this.settings = settings;
    }

    /** Starts the gateway with the system clock. */
    public static GatewayRuntime start(GatewaySettings settings) {
        return start(settings, Clock.systemUTC());
    }

    /**
     * Starts the gateway.
     *
     * @throws StartupException for a problem an operator can fix (missing certificate file, port in use, ...)
     */
    public static GatewayRuntime start(GatewaySettings settings, Clock clock) {
        GatewayRuntime runtime = new GatewayRuntime(settings);
        try {
            runtime.doStart(clock);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * The one validator for TLS client certificates and message signers: the configured anchors and CRLs (every CA
     * in a path needs a current CRL; revocation fails closed).
     */
    private CertificateValidator certificateValidator(Clock clock) {
        try {
            return new CertificateValidator(
                    TrustAnchors.load(settings.tlsTruststore(), settings.tlsTruststorePassword()),
                    CrlStore.fromPemFiles(settings.crlFiles()),
                    clock);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new StartupException(e.getMessage());
        }
    }

    private void doStart(Clock clock) {
        log.info("Starting the gateway: {}", settings);
        // Everything that can be checked without side effects first, so a typo does not touch the data dir.
        settings.requireCertificateFilesPresent();
        long compactionBudget = longProperty("gateway.db.h2.compaction-bytes-per-second", 4L << 20);
        if (compactionBudget < 0 || compactionBudget > Integer.MAX_VALUE) {
            throw new StartupException("Configuration property gateway.db.h2.compaction-bytes-per-second must be 0"
                    + " (no housekeeping) or a number of bytes up to " + Integer.MAX_VALUE + ", not "
                    + compactionBudget);
        }
        int compaction = (int) compactionBudget;
        SSLContext sslContext = TlsContexts.serverContext(settings.tlsKeystore(), settings.tlsKeystorePassword());
        validator = certificateValidator(clock);
        fhirContext = FhirContexts.r4();
        DirectoryHolder directory = directory();
        SigningKey signingKey = signingKey();
        ConformanceResources conformance = conformanceResources();
        // Built once: it generates snapshots and warms itself up, which takes seconds.
        ProfileValidator profileValidator = new ProfileValidator(conformance);

        database = Database.open(
                settings.dbUrl(), settings.dbUser(), settings.dbPassword(), settings.dbPoolSize(), compaction);
        started.push(database);
        try {
            new LedgerAppender(clock).reconcileHead(database.dataSource());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot check the ledger head", e);
        }

        long maxDiskUsage = longProperty("gateway.broker.max-disk-usage", EmbeddedBroker.DEFAULT_MAX_DISK_USAGE);
        if (maxDiskUsage < -1 || maxDiskUsage > 100) {
            throw new StartupException(
                    "Configuration property gateway.broker.max-disk-usage must be a percentage (or -1 for no limit), not "
                            + maxDiskUsage);
        }
        broker = EmbeddedBroker.start(settings.dataDir().resolve("artemis"), (int) maxDiskUsage);
        started.push(broker);

        soapBus = BusFactory.newInstance().createBus();
        started.push(() -> soapBus.shutdown(true));

        camel = startCamel(clock, validator, directory, profileValidator, signingKey);
        started.push(this::stopCamel);

        ErrorResponses errors = new ErrorResponses(fhirContext);
        Properties limits = settings.properties();
        RateLimiter rateLimiter = new RateLimiter(
                Double.parseDouble(limits.getProperty("gateway.rate.limit.per.second", "0")),
                Double.parseDouble(limits.getProperty("gateway.rate.limit.burst", "1")),
                orgId -> directory.current().find(orgId).flatMap(Organisation::rateLimit),
                clock);
        ClientCertificateFilter authFilter =
                new ClientCertificateFilter(validator, errors, authFailureListener(), rateLimiter);
        https = HttpsServer.start(
                settings.httpsHost(), settings.httpsPort(), sslContext, authFilter, servlets(clock, conformance));
        started.push(https);
        log.info("Gateway started on {}", baseUri());
    }

    private DirectoryHolder directory() {
        Path file = Path.of(settings.properties().getProperty("gateway.directory.file", "config/directory.yaml"));
        try {
            return new DirectoryHolder(file);
        } catch (DirectoryException e) {
            throw new StartupException("Cannot load the directory " + file + ": " + e.getMessage());
        }
    }

    private SigningKey signingKey() {
        Path file =
                Path.of(settings.properties().getProperty("gateway.signing.keystore", "certs-dev/gateway-signing.p12"));
        if (!Files.isRegularFile(file)) {
            throw new StartupException(
                    "Signing key store " + file + " not found: run ./gateway dev-pki or set gateway.signing.keystore");
        }
        try {
            return SigningKey.loadPkcs12(
                    file,
                    settings.properties()
                            .getProperty("gateway.signing.keystore.password", "")
                            .toCharArray());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
    }

    private ConformanceResources conformanceResources() {
        try {
            return ConformanceResources.load(settings.fhirSchemasDir());
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage());
        }
    }

    private Main startCamel(
            Clock clock,
            CertificateValidator validator,
            DirectoryHolder directory,
            ProfileValidator profileValidator,
            SigningKey signingKey) {
        Main main = new Main();
        Properties camelProperties = settings.properties();
        main.setOverrideProperties(camelProperties);
        main.bind(DATA_SOURCE, database.dataSource());
        main.bind(JMS_CONNECTION_FACTORY, broker.connectionFactory());
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(broker.connectionFactory());
        // Local JMS transactions: a message is removed from its queue only when the route completes. The listener
        // container's own transacted session, not a JmsTransactionManager: that would open a new broker connection
        // for every message and ignore the cache level.
        jms.setTransacted(true);
        jms.setLazyCreateTransactionManager(false);
        jms.setCacheLevelName("CACHE_CONSUMER");
        main.bind(JMS_COMPONENT, jms);
        main.bind(FHIR_CONTEXT, fhirContext);
        main.bind(CLOCK, clock);
        main.bind(HEALTH_CHECK, new HealthCheck(healthProbes()));
        LedgerAppender ledger = new LedgerAppender(clock);
        RoutingQueue routingQueue = new JmsRoutingQueue(broker.connectionFactory());
        PayloadStore payloads = payloadStore();
        main.bind(PAYLOAD_STORE, payloads);
        main.bind(PAYLOAD_ERASURE, new PayloadErasure(database.dataSource(), ledger, clock));
        groupCommit = new GroupCommit(database.dataSource(), GROUP_COMMIT_MAX);
        long permits = longProperty("gateway.cpu.permits", CpuPermits.perCore());
        if (permits < 1 || permits > 1024) {
            throw new StartupException("gateway.cpu.permits must be between 1 and 1024, not " + permits);
        }
        cpuPermits = new CpuPermits((int) permits);
        acceptedDocuments = new AcceptedDocuments((int) longProperty("gateway.routing.handoff.max", 2000));
        AcceptedDocuments handOff = acceptedDocuments;
        // Closed after Camel (no acceptance runs any more) and before the broker.
        routingPublisher = new RoutingPublisher(routingQueue, groupCommit, clock, Duration.ofSeconds(10));
        started.push(routingPublisher);
        Acceptance acceptance = new Acceptance(
                database.dataSource(), groupCommit, ledger, routingPublisher, clock, payloads, submission -> {
                    if (submission.document() != null) {
                        handOff.put(submission.trackingId(), submission.document());
                    }
                });
        rejections = new Rejections(database.dataSource(), ledger);
        main.bind(ACCEPTANCE, acceptance);
        main.bind(REJECTIONS, rejections);
        LedgerCheckpoints checkpoints = new LedgerCheckpoints(
                database.dataSource(),
                new CheckpointSigner(ledgerSigningKey(), clock),
                clock,
                longProperty("gateway.ledger.checkpoint.every-entries", 1000),
                durationProperty("gateway.ledger.checkpoint.max-age", Duration.ofMinutes(5)));
        main.bind(LEDGER_CHECKPOINTS, checkpoints);
        main.bind(LEDGER_SEARCH_INDEX, new LedgerSearchIndex(database.dataSource(), LedgerSearchIndex.DEFAULT_BATCH));
        main.bind(AUDIT_API, new AuditApi(database.dataSource(), ledger, checkpoints));
        main.bind(AUTHENTICATED_REQUEST, new AuthenticatedRequestProcessor());
        main.bind(CERTIFICATE_VALIDATOR, validator);
        main.bind(DIRECTORY, directory);
        main.bind(PROFILE_VALIDATOR, profileValidator);
        SandboxFaults sandboxFaults = SandboxFaults.fromSetting(
                settings.properties().getProperty("gateway.sandbox.faults", "auto"),
                signingKey.chain().get(0));
        if (sandboxFaults.enabled()) {
            log.warn(
                    "Sandbox faults are ON: clients may ask for SYS-001/SYS-002 with the {} header."
                            + " Never in production (gateway.sandbox.faults=off).",
                    SandboxFaults.HEADER);
        }
        main.bind(SANDBOX_FAULTS, sandboxFaults);
        main.bind(
                FHIR_INTAKE,
                new FhirIntake(
                        FhirIntakeSettings.from(settings.properties()),
                        validator,
                        directory,
                        profileValidator,
                        new CanonicalXml(),
                        acceptance,
                        rejections,
                        new FhirReplies(new BundleSigner(signingKey)),
                        clock,
                        cpuPermits));
        main.bind(
                OUTBOX_RELAY,
                new OutboxRelay(
                        database.dataSource(),
                        groupCommit,
                        routingQueue,
                        clock,
                        Duration.ofSeconds(Long.parseLong(
                                settings.properties().getProperty("gateway.outbox.relay.grace.seconds", "30")))));
        bindRoutingAndDelivery(main, directory, ledger, clock, validator, payloads);
        main.bind(SoapBinding.ENDPOINT_BEAN, SoapBinding.endpoint(soapBus));
        main.bind(
                SoapBinding.REQUESTS_BEAN,
                new SoapRequestAdapter(soapIntake(clock, directory, acceptance, rejections, sandboxFaults)));
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("Camel failed to start: " + e.getMessage(), e);
        }
        if (main.getCamelContext() == null || !main.getCamelContext().isStarted()) {
            throw new IllegalStateException("Camel failed to start (see the log above)");
        }
        deliveryConsumers.attach(main.getCamelContext());
        routingQueueConsumer.attach(main.getCamelContext());
        log.info(
                "Camel started with {} routes",
                main.getCamelContext().getRoutes().size());
        return main;
    }

    /**
     * The directory (reloadable), the postcode table, the routing rules and the mailbox delivery beans that
     * routes/routing.yaml, routes/mailbox-*.yaml and routes/directory-reload.yaml wire.
     */
    private void bindRoutingAndDelivery(
            Main main,
            DirectoryHolder directory,
            LedgerAppender ledger,
            Clock clock,
            CertificateValidator validator,
            PayloadStore payloads) {
        Properties p = settings.properties();
        PostcodeLookup postcodes;
        byte[] gatewayCertificate;
        GatewayCredentials credentials;
        RetryPolicy retryPolicy;
        SlaPolicy slaPolicy;
        Duration pushTimeout;
        try {
            String ons = p.getProperty("gateway.postcode.ons.file", "").trim();
            postcodes = ons.isEmpty()
                    ? PostcodeTables.loadTable(
                            Path.of(p.getProperty("gateway.postcode.table", "config/postcode-la.csv")))
                    : PostcodeTables.loadOns(
                            Path.of(ons),
                            Path.of(p.getProperty("gateway.postcode.ons.mapping", "config/ons-la-codes.csv")));
            gatewayCertificate = Pem.readCertificate(
                            Path.of(p.getProperty("gateway.signing.certificate", "certs-dev/gateway-signing.crt.pem")))
                    .getEncoded();
            credentials = GatewayCredentials.load(
                    Path.of(p.getProperty("gateway.signing.keystore", "certs-dev/gateway-signing.p12")),
                    p.getProperty("gateway.signing.keystore.password", "").toCharArray(),
                    validator);
            retryPolicy = RetryPolicy.from(p);
            pushTimeout = Duration.parse(p.getProperty("gateway.delivery.push.timeout", "PT10S"));
            slaPolicy = SlaPolicy.load(Path.of(p.getProperty("gateway.sla.file", "config/sla.yaml")));
        } catch (DirectoryException
                | IllegalArgumentException
                | java.time.DateTimeException
                | java.io.UncheckedIOException e) {
            throw new StartupException(e.getMessage());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new StartupException("Cannot read the gateway signing certificate: " + e.getMessage());
        }
        log.info("Postcode table loaded: {} entries", postcodes.size());
        DataSource ds = database.dataSource();
        CanonicalXml canonical = new CanonicalXml();
        Deliveries deliveries = new Deliveries(ledger, clock, payloads, slaPolicy);
        JmsDeliveryQueue deliveryQueue = new JmsDeliveryQueue(broker.connectionFactory());
        started.push(deliveryQueue);
        DeliveryRelay relay = new DeliveryRelay(
                ds,
                groupCommit,
                deliveries,
                deliveryQueue,
                clock,
                Duration.ofSeconds(Long.parseLong(p.getProperty("gateway.delivery.relay.grace.seconds", "30"))));
        GatewayMessages gatewayMessages = new GatewayMessages(canonical, gatewayCertificate, clock);
        mailbox = new Mailbox(ds, groupCommit, directory::current, deliveries, relay, gatewayMessages, ledger, clock);
        messageStatus = new MessageStatusService(ds, directory::current, deliveries, mailbox);
        deliveryConsumers = new DeliveryConsumers(directory::current);
        main.bind("directoryReloader", new DirectoryReloader(directory));
        Router router = new Router(
                ds,
                groupCommit,
                directory::current,
                canonical,
                deliveries,
                relay,
                gatewayMessages,
                ledger,
                acceptedDocuments,
                clock);
        main.bind(ROUTER, router);
        main.bind(ACCEPTED_DOCUMENTS, acceptedDocuments);
        routingQueueConsumer = new RoutingQueueConsumer(
                broker.connectionFactory(),
                new RoutingBatch(router),
                (int) longProperty("gateway.routing.batch.max", 50),
                500);
        started.push(routingQueueConsumer);
        main.bind(ROUTING_QUEUE_CONSUMER, routingQueueConsumer);
        main.bind(ROUTING_RULES, new RoutingRules(postcodes, new JdbcMessageHistory(ds)));
        main.bind("deliveryRelay", relay);
        main.bind(MAILBOX, mailbox);
        MailboxQueues mailboxQueues = new MailboxQueues(
                broker.connectionFactory(), mailbox, (int) longProperty("gateway.delivery.batch.max", 50), 500);
        started.push(mailboxQueues);
        main.bind(MAILBOX_QUEUES, mailboxQueues);
        main.bind(MESSAGE_STATUS, messageStatus);
        main.bind("deliveryApi", new DeliveryApi(mailbox, messageStatus));
        main.bind("deliveryConsumers", deliveryConsumers);
        Map<DeliveryMode, PushTransport> transports = Map.of(
                DeliveryMode.FHIR_PUSH, new FhirPush(credentials, fhirContext, pushTimeout, clock),
                DeliveryMode.SOAP_PUSH, new SoapPush(credentials, pushTimeout));
        main.bind(
                PUSH_DELIVERY,
                new PushDelivery(
                        ds,
                        directory::current,
                        deliveries,
                        relay,
                        mailbox,
                        gatewayMessages,
                        canonical,
                        transports,
                        retryPolicy,
                        clock));
        SlaMonitor slaMonitor =
                new SlaMonitor(ds, directory::current, deliveries, relay, gatewayMessages, slaPolicy, clock);
        try {
            // Before any route runs: deliveries routed before V23 or under another config/sla.yaml get this one's.
            slaMonitor.applyPolicy();
        } catch (java.sql.SQLException e) {
            throw new StartupException("Cannot compute the SLA deadlines of stored deliveries: " + e.getMessage(), e);
        }
        main.bind(SLA_MONITOR, slaMonitor);
        main.bind("callerIdentity", new CallerIdentity());
    }

    private SoapIntake soapIntake(
            Clock clock,
            DirectoryHolder directory,
            Acceptance acceptance,
            Rejections rejections,
            SandboxFaults sandboxFaults) {
        Properties p = settings.properties();
        List<X509Certificate> intermediates = new ArrayList<>();
        for (String file : p.getProperty("gateway.trust.intermediates", "").split(",")) {
            if (!file.isBlank()) {
                intermediates.addAll(Pem.readCertificates(Path.of(file.trim())));
            }
        }
        Duration skew =
                Duration.ofSeconds(Long.parseLong(p.getProperty("gateway.soap.timestamp.future.skew.seconds", "60")));
        SoapSecurity security =
                new SoapSecurity(validator, intermediates, new ReplayCache(clock, 100_000), clock, skew);
        ResponseSigner signer = ResponseSigner.fromPkcs12(
                Path.of(p.getProperty("gateway.soap.signing.keystore", "certs-dev/gateway-signing.p12")),
                p.getProperty("gateway.soap.signing.keystore.password", "").toCharArray(),
                p.getProperty("gateway.soap.signing.alias", ""),
                clock);
        return new SoapIntake(
                security,
                signer,
                directory,
                acceptance,
                rejections,
                new StoredMessages(database.dataSource()),
                mailbox,
                messageStatus,
                new CanonicalXml(),
                clock,
                Integer.parseInt(p.getProperty("gateway.soap.max.request.bytes", "5242880")),
                sandboxFaults,
                cpuPermits);
    }

    private Map<String, BooleanSupplier> healthProbes() {
        Map<String, BooleanSupplier> probes = new LinkedHashMap<>();
        probes.put("broker", () -> broker != null && broker.isActive());
        // Down while the broker blocks producers for lack of disk space: submissions are still accepted, but nothing
        // is routed or delivered (docs/operations.md).
        probes.put("broker-storage", () -> broker != null && !broker.isStorageFull());
        probes.put("database", () -> database != null && database.isUp());
        // Down when the routing publisher's thread has ended (an Error): acceptances are then routed only by the outbox
        // relay, each after its grace period (decision 0017).
        probes.put("routing-publisher", () -> routingPublisher != null && routingPublisher.running());
        probes.put(
                "camel",
                () -> camel != null
                        && camel.getCamelContext() != null
                        && camel.getCamelContext().isStarted());
        return probes;
    }

    /**
     * Every servlet on the HTTPS connector, all behind the client-certificate filter. To add one (SOAP, audit
     * API), add a {@link ServletMount} here; prefer a camel-servlet route ({@code from: servlet:/api/...}),
     * which needs no new servlet at all.
     */
    private List<ServletMount> servlets(Clock clock, ConformanceResources conformance) {
        RestfulServer fhir = new RestfulServer(fhirContext);
        fhir.registerProvider(new ProcessMessageProvider(camel.getCamelContext().createProducerTemplate()));
        fhir.registerInterceptor(new FhirRequestRefusals(rejections));
        fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
        fhir.setServerName(CapabilityStatementProvider.SOFTWARE_NAME);
        fhir.setServerVersion(version());
        fhir.setServerConformanceProvider(
                new CapabilityStatementProvider(version(), conformance, fhirContext.getResourceTypes(), clock));
        return List.of(
                ServletMount.of("fhir", fhir, "/fhir/*"),
                ServletMount.of("soap", SoapBinding.servlet(soapBus), SoapBinding.SERVLET_PATH),
                ServletMount.of(CAMEL_SERVLET, new CamelHttpTransportServlet(), "/*"));
    }

    /** Logs and ledgers every request refused for its client certificate (spec §10: every rejection). */
    private ClientAuthFailureListener authFailureListener() {
        Rejections ledgered = rejections;
        return r -> {
            // Certificate contents (names) stay out of the log; the code and path say enough to investigate.
            log.warn(
                    "Refused {} {} from {}: {}",
                    r.method(),
                    r.path(),
                    r.remoteAddress(),
                    r.errorCode().code());
            ledgered.record(new Rejection(
                    r.errorCode(),
                    r.orgId() == null ? FhirIntake.UNAUTHENTICATED : r.orgId(),
                    null,
                    null,
                    null,
                    "http"));
        };
    }

    private NoteSigningKey ledgerSigningKey() {
        Path file = Path.of(settings.properties()
                .getProperty("gateway.ledger.signing.key", "")
                .trim());
        try {
            return NoteSigningKey.parse(
                    Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("Cannot read the ledger signing key " + file
                    + ": run ./gateway ledger-key or set gateway.ledger.signing.key (" + e.getMessage() + ")");
        }
    }

    private PayloadStore payloadStore() {
        Path file = Path.of(settings.properties()
                .getProperty("gateway.payload.master-key", "")
                .trim());
        try {
            return new PayloadStore(MasterKey.read(file), RetentionPolicy.from(settings.properties()));
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("Cannot read the payload master key " + file
                    + ": set gateway.payload.master-key (" + e.getMessage() + ")");
        }
    }

    private long longProperty(String key, long defaultValue) {
        String value = settings.properties().getProperty(key);
        try {
            return value == null || value.isBlank() ? defaultValue : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new StartupException("Configuration property " + key + " must be a number, not '" + value + "'");
        }
    }

    private Duration durationProperty(String key, Duration defaultValue) {
        String value = settings.properties().getProperty(key);
        try {
            return value == null || value.isBlank() ? defaultValue : Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new StartupException(
                    "Configuration property " + key + " must be an ISO-8601 duration like PT5M, not '" + value + "'");
        }
    }

    /** The running version of the gateway (from the build), e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        try (InputStream in = GatewayRuntime.class.getResourceAsStream("/gateway-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("gateway.version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    public GatewaySettings settings() {
        return settings;
    }

    /** The bound HTTPS port (the real one when the settings asked for 0). */
    public int httpsPort() {
        return https.port();
    }

    /** {@code https://localhost:<port>} (or the configured host when it is not loopback). */
    public URI baseUri() {
        String host = settings.httpsHost();
        if (host.equals("127.0.0.1") || host.equals("::1") || host.equals("0.0.0.0")) {
            host = "localhost";
        }
        return URI.create("https://" + host + ":" + httpsPort());
    }

    public DataSource dataSource() {
        return database.dataSource();
    }

    public ConnectionFactory jmsConnectionFactory() {
        return broker.connectionFactory();
    }

    /** The permits the intake's computing steps take (decision 0019). */
    public CpuPermits cpuPermits() {
        return cpuPermits;
    }

    /** Publishes acceptances to the routing queue after their answer (tests wait for it to finish with them). */
    public RoutingPublisher routingPublisher() {
        return routingPublisher;
    }

    public CamelContext camelContext() {
        return camel.getCamelContext();
    }

    public FhirContext fhirContext() {
        return fhirContext;
    }

    /** Stops in reverse start order: HTTPS, Camel, broker, database. Idempotent. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                log.warn("A component did not stop cleanly: {}", e.toString());
            }
        }
        log.info("Gateway stopped");
    }

    private void stopCamel() {
        try {
            camel.stop();
        } finally {
            log.info("Camel stopped");
        }
    }
}
