package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.RoutingPublisher;
import uk.safeguarding.interchange.intake.Submission;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.sla.SlaPolicy;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.MasterKey;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.store.RetentionPolicy;
import uk.safeguarding.interchange.store.Transactions;

/** The delivery relay against a real, migrated H2 database: it leaves fresh deliveries to the router. */
class DeliveryRelayIT {
    private static final Instant ROUTED_AT = Instant.parse("2026-11-21T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(ROUTED_AT, ZoneOffset.UTC);
    private static final String LA = "urn:interchange:la:850";
    private static final String MASH = "urn:interchange:mash:850";

    @TempDir
    Path tmp;

    Database database;
    Deliveries deliveries;
    /** One group commit for every relay of a test, as in the gateway: the relays' marks ride in it. */
    GroupCommit group;

    final List<DeliveryRelay.Pending> published = new ArrayList<>();
    final List<Integer> groups = new ArrayList<>();

    /** Records what reaches the queue; groups as the relay hands them over. */
    final DeliveryQueue queue = new DeliveryQueue() {
        @Override
        public void publish(String trackingId, String recipientId) {
            publishAll(List.of(new DeliveryRelay.Pending(trackingId, recipientId)));
        }

        @Override
        public void publishAll(List<DeliveryRelay.Pending> pending) {
            groups.add(pending.size());
            published.addAll(pending);
        }
    };

    @BeforeEach
    void start() {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/relay") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 4);
        group = new GroupCommit(database.dataSource(), 8);
        LedgerAppender ledger = new LedgerAppender(CLOCK);
        PayloadStore payloads = new PayloadStore(new MasterKey(new byte[32]), RetentionPolicy.from(new Properties()));
        deliveries = new Deliveries(ledger, CLOCK, payloads, SlaPolicy.load(Path.of("config/sla.yaml")));
        try (RoutingPublisher routing = new RoutingPublisher(trackingId -> {}, group, CLOCK, Duration.ofSeconds(5))) {
            new Acceptance(database.dataSource(), group, ledger, routing, CLOCK, payloads, submission -> {})
                    .accept(
                            new Submission(
                                    "t-1",
                                    "urn:interchange:school:100001",
                                    "bundle-1",
                                    "a".repeat(64),
                                    EventCode.SAFEGUARDING_REFERRAL,
                                    "urn:interchange:system:acme-safeguard",
                                    "fhir",
                                    "<InterchangeMessage/>".getBytes(StandardCharsets.UTF_8)),
                            (trackingId, at) -> UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterEach
    void stop() {
        database.close();
    }

    private void route(String recipient) throws Exception {
        Transactions.inTransaction(
                database.dataSource(),
                c -> deliveries.route(c, "t-1", recipient, "primary", EventCode.SAFEGUARDING_REFERRAL));
    }

    private DeliveryRelay relayAt(Duration sinceRouting) {
        return new DeliveryRelay(
                database.dataSource(),
                group,
                deliveries,
                queue,
                Clock.offset(CLOCK, sinceRouting),
                Duration.ofSeconds(30));
    }

    @Test
    void leavesDeliveriesWithinTheGracePeriodToTheRouterThenPublishesThemOnce() throws Exception {
        route(LA);
        route(MASH);

        assertThat(relayAt(Duration.ofSeconds(10)).relay(100)).isZero();
        assertThat(published).isEmpty();

        DeliveryRelay late = relayAt(Duration.ofSeconds(31));
        assertThat(late.relay(100)).isEqualTo(2);
        assertThat(late.relay(100)).isZero();
        assertThat(published)
                .containsExactlyInAnyOrder(
                        new DeliveryRelay.Pending("t-1", LA), new DeliveryRelay.Pending("t-1", MASH));
        assertThat(groups).containsExactly(2);
    }

    @Test
    void theRoutersOwnPublishMarksItsDeliveriesQueuedInOneGroup() throws Exception {
        route(LA);
        route(MASH);
        DeliveryRelay relay = relayAt(Duration.ZERO);

        relay.publish(List.of(new DeliveryRelay.Pending("t-1", LA), new DeliveryRelay.Pending("t-1", MASH)));

        assertThat(groups).containsExactly(2);
        assertThat(relayAt(Duration.ofMinutes(5)).relay(100)).isZero();
    }
}
