package uk.safeguarding.interchange.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.cxf.BusFactory;
import org.h2.jdbcx.JdbcDataSource;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.audit.AuditApi;
import uk.safeguarding.interchange.broker.DeliveryConsumers;
import uk.safeguarding.interchange.broker.JmsDeliveryQueue;
import uk.safeguarding.interchange.broker.JmsRoutingQueue;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.delivery.Deliveries;
import uk.safeguarding.interchange.delivery.DeliveryApi;
import uk.safeguarding.interchange.delivery.DeliveryRelay;
import uk.safeguarding.interchange.delivery.GatewayMessages;
import uk.safeguarding.interchange.delivery.Mailbox;
import uk.safeguarding.interchange.delivery.MessageStatusService;
import uk.safeguarding.interchange.directory.DirectoryHolder;
import uk.safeguarding.interchange.directory.DirectoryReloader;
import uk.safeguarding.interchange.health.HealthCheck;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.OutboxRelay;
import uk.safeguarding.interchange.intake.Rejections;
import uk.safeguarding.interchange.intake.RoutingPublisher;
import uk.safeguarding.interchange.intake.RoutingQueue;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.FhirIntake;
import uk.safeguarding.interchange.intake.fhir.FhirIntakeSettings;
import uk.safeguarding.interchange.intake.fhir.FhirReplies;
import uk.safeguarding.interchange.intake.fhir.validation.SharedValidator;
import uk.safeguarding.interchange.intake.soap.SoapBinding;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.LedgerCheckpoints;
import uk.safeguarding.interchange.ledger.LedgerSearchIndex;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointSigner;
import uk.safeguarding.interchange.ledger.checkpoint.NoteSigningKey;
import uk.safeguarding.interchange.routing.JdbcMessageHistory;
import uk.safeguarding.interchange.routing.PostcodeTables;
import uk.safeguarding.interchange.routing.Router;
import uk.safeguarding.interchange.routing.RoutingRules;
import uk.safeguarding.interchange.server.AuthenticatedRequestProcessor;
import uk.safeguarding.interchange.server.CallerIdentity;
import uk.safeguarding.interchange.server.CpuPermits;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.MasterKey;
import uk.safeguarding.interchange.store.PayloadErasure;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.store.RetentionPolicy;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.TrustAnchors;

/**
 * Checks Camel YAML route files the way the (unavailable) Camel YAML DSL validator plugin would: against the
 * JSON Schema shipped in camel-yaml-dsl, then by creating the routes in a Camel context that has the gateway's
 * registry names bound, which catches unknown components, endpoint options and bean references.
 */
final class RouteFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonSchema SCHEMA = loadSchema();

    private RouteFiles() {}

    static List<Path> inDirectory(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Schema violations of one route file (empty when valid). */
    static List<String> schemaErrors(Path file) throws IOException {
        JsonNode routes = YAML.readTree(file.toFile());
        return SCHEMA.validate(routes).stream()
                .map(ValidationMessage::getMessage)
                .toList();
    }

    /**
     * Creates (but does not start consumers of) the routes in a Camel context with the gateway's bean names
     * bound; throws when a route cannot be created.
     */
    static int createRoutes(List<Path> files) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.setAutoStartup(false);
            ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://99");
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:mem:routes;MODE=PostgreSQL");
            Map<String, Object> beans = new HashMap<>();
            beans.put(GatewayRuntime.DATA_SOURCE, ds);
            beans.put(GatewayRuntime.JMS_CONNECTION_FACTORY, cf);
            beans.put(GatewayRuntime.JMS_COMPONENT, JmsComponent.jmsComponent(cf));
            beans.put(GatewayRuntime.HEALTH_CHECK, new HealthCheck(Map.of()));
            beans.put(GatewayRuntime.CLOCK, Clock.systemUTC());
            LedgerAppender ledger = new LedgerAppender(Clock.systemUTC());
            GroupCommit group = new GroupCommit(ds, 8);
            RoutingQueue queue = new JmsRoutingQueue(cf);
            PayloadStore payloads =
                    new PayloadStore(new MasterKey(new byte[32]), RetentionPolicy.from(new java.util.Properties()));
            beans.put(GatewayRuntime.PAYLOAD_STORE, payloads);
            beans.put(GatewayRuntime.PAYLOAD_ERASURE, new PayloadErasure(ds, ledger, Clock.systemUTC()));
            beans.put(GatewayRuntime.ACCEPTANCE, acceptance(ds, group, ledger, queue, payloads));
            LedgerCheckpoints checkpoints = new LedgerCheckpoints(
                    ds,
                    new CheckpointSigner(NoteSigningKey.generate("test/ledger"), Clock.systemUTC()),
                    Clock.systemUTC(),
                    1000,
                    java.time.Duration.ofMinutes(5));
            beans.put(GatewayRuntime.LEDGER_CHECKPOINTS, checkpoints);
            beans.put(GatewayRuntime.LEDGER_SEARCH_INDEX, new LedgerSearchIndex(ds, LedgerSearchIndex.DEFAULT_BATCH));
            beans.put(GatewayRuntime.AUDIT_API, new AuditApi(ds, ledger, checkpoints));
            beans.put(GatewayRuntime.AUTHENTICATED_REQUEST, new AuthenticatedRequestProcessor());
            beans.put(GatewayRuntime.REJECTIONS, new Rejections(ds, ledger));
            beans.put(
                    GatewayRuntime.OUTBOX_RELAY,
                    new OutboxRelay(ds, group, queue, Clock.systemUTC(), java.time.Duration.ofSeconds(30)));
            bindRoutingAndDelivery(beans, ds, cf, group, ledger, payloads);
            beans.put(GatewayRuntime.FHIR_INTAKE, fhirIntake(ds, ledger, queue, payloads));
            beans.put(GatewayRuntime.SANDBOX_FAULTS, new uk.safeguarding.interchange.intake.SandboxFaults(false));
            // The SOAP route: a real CXF endpoint bean; the adapter's decisions are tested in intake.soap.
            beans.put(
                    SoapBinding.ENDPOINT_BEAN,
                    SoapBinding.endpoint(BusFactory.newInstance().createBus()));
            beans.put(SoapBinding.REQUESTS_BEAN, new Object() {
                @SuppressWarnings("unused")
                public void handle(org.apache.camel.Exchange exchange) {}
            });
            beans.forEach(context.getRegistry()::bind);
            for (Path file : files) {
                PluginHelper.getRoutesLoader(context)
                        .loadRoutes(ResourceHelper.resolveResource(context, "file:" + file.toAbsolutePath()));
            }
            context.start();
            return context.getRoutes().size();
        }
    }

    private static void bindRoutingAndDelivery(
            Map<String, Object> beans,
            JdbcDataSource ds,
            ActiveMQConnectionFactory cf,
            GroupCommit group,
            LedgerAppender ledger,
            PayloadStore payloads) {
        Clock clock = Clock.systemUTC();
        DirectoryHolder directory = new DirectoryHolder(Path.of("config/directory.yaml"));
        Deliveries deliveries = new Deliveries(
                ledger, clock, payloads, uk.safeguarding.interchange.sla.SlaPolicy.load(Path.of("config/sla.yaml")));
        DeliveryRelay relay = new DeliveryRelay(
                ds, group, deliveries, new JmsDeliveryQueue(cf), clock, java.time.Duration.ofSeconds(30));
        GatewayMessages messages = new GatewayMessages(new CanonicalXml(), new byte[] {1}, clock);
        Mailbox mailbox = new Mailbox(ds, group, directory::current, deliveries, relay, messages, ledger, clock);
        MessageStatusService status = new MessageStatusService(ds, directory::current, deliveries, mailbox);
        beans.put(GatewayRuntime.DIRECTORY, directory);
        beans.put("directoryReloader", new DirectoryReloader(directory));
        Router router = new Router(
                ds,
                group,
                directory::current,
                new CanonicalXml(),
                deliveries,
                relay,
                messages,
                ledger,
                new uk.safeguarding.interchange.routing.AcceptedDocuments(10),
                clock);
        beans.put(GatewayRuntime.ROUTER, router);
        beans.put(
                GatewayRuntime.ROUTING_QUEUE_CONSUMER,
                new uk.safeguarding.interchange.broker.RoutingQueueConsumer(
                        cf, new uk.safeguarding.interchange.routing.RoutingBatch(router), 10, 100));
        beans.put(
                GatewayRuntime.ROUTING_RULES,
                new RoutingRules(
                        PostcodeTables.loadTable(Path.of("config/postcode-la.csv")), new JdbcMessageHistory(ds)));
        beans.put("deliveryRelay", relay);
        beans.put(GatewayRuntime.MAILBOX, mailbox);
        beans.put(
                GatewayRuntime.MAILBOX_QUEUES,
                new uk.safeguarding.interchange.broker.MailboxQueues(cf, mailbox, 10, 100));
        beans.put(GatewayRuntime.MESSAGE_STATUS, status);
        beans.put("deliveryApi", new DeliveryApi(mailbox, status));
        beans.put("deliveryConsumers", new DeliveryConsumers(directory::current));
        beans.put("callerIdentity", new CallerIdentity());
        beans.put(
                GatewayRuntime.PUSH_DELIVERY,
                new uk.safeguarding.interchange.delivery.PushDelivery(
                        ds,
                        directory::current,
                        deliveries,
                        relay,
                        mailbox,
                        messages,
                        new CanonicalXml(),
                        Map.of(),
                        uk.safeguarding.interchange.delivery.RetryPolicy.from(new java.util.Properties()),
                        clock));
        beans.put(
                GatewayRuntime.SLA_MONITOR,
                new uk.safeguarding.interchange.delivery.SlaMonitor(
                        ds,
                        directory::current,
                        deliveries,
                        relay,
                        messages,
                        uk.safeguarding.interchange.sla.SlaPolicy.load(Path.of("config/sla.yaml")),
                        clock));
    }

    /** The real intake bean over the committed dev PKI, directory and FHIR resources (its dependencies are ours). */
    private static FhirIntake fhirIntake(
            DataSource ds, LedgerAppender ledger, RoutingQueue queue, PayloadStore payloads) throws IOException {
        Clock clock = Clock.systemUTC();
        CertificateValidator validator = new CertificateValidator(
                TrustAnchors.load(Path.of("certs-dev/truststore.p12"), "dev-only".toCharArray()),
                CrlStore.fromPemFiles(
                        List.of(Path.of("certs-dev/issuing-ca.crl.pem"), Path.of("certs-dev/root-ca.crl.pem"))),
                clock);
        return new FhirIntake(
                FhirIntakeSettings.defaults(),
                validator,
                new DirectoryHolder(Path.of("config/directory.yaml")),
                SharedValidator.get(),
                new CanonicalXml(),
                acceptance(ds, new GroupCommit(ds, 8), ledger, queue, payloads),
                new Rejections(ds, ledger),
                new FhirReplies(new BundleSigner(
                        SigningKey.loadPkcs12(Path.of("certs-dev/gateway-signing.p12"), "dev-only".toCharArray()))),
                clock,
                new CpuPermits(CpuPermits.perCore()));
    }

    /** Acceptance as the gateway wires it; its publisher's thread is a daemon and idles when nothing is accepted. */
    private static Acceptance acceptance(
            DataSource ds, GroupCommit group, LedgerAppender ledger, RoutingQueue queue, PayloadStore payloads) {
        Clock clock = Clock.systemUTC();
        RoutingPublisher routing = new RoutingPublisher(queue, group, clock, java.time.Duration.ofSeconds(5));
        return new Acceptance(ds, group, ledger, routing, clock, payloads, submission -> {});
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = RouteFiles.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            if (in == null) {
                throw new IllegalStateException("schema/camelYamlDsl.json is not on the classpath (camel-yaml-dsl)");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
