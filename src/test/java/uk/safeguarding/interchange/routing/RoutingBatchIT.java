package uk.safeguarding.interchange.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.broker.EmbeddedBroker;
import uk.safeguarding.interchange.broker.RoutingQueueConsumer;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.Correlation;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.intake.RoutingQueue;
import uk.safeguarding.interchange.store.PayloadKind;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.testsupport.DirectAcceptance;
import uk.safeguarding.interchange.testsupport.PayloadRows;
import uk.safeguarding.interchange.testsupport.QueueContents;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * Batched routing (decision 0006) in the real gateway (the real routes, Artemis, H2): the routing route is stopped
 * while messages queue up, so that they are received as one batch when it starts again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingBatchIT extends RealGateway {
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHOOL_1 = "urn:interchange:school:100001";
    private static final String ACME = "urn:interchange:system:acme-safeguard";
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String MASH_850 = "urn:interchange:mash:850";
    private static final String DEAD_LETTERS = EmbeddedBroker.DEAD_LETTER_ADDRESS;

    static List<String> routed = new ArrayList<>();

    @Test
    @Order(1)
    void aFailingMemberIsDeadLetteredAloneAndTheRestOfItsBatchIsRoutedOnce() throws Exception {
        stopRouting();
        String first = accept("01-safeguarding-referral.xml", true, m -> {});
        String unknown = UUID.randomUUID().toString();
        sendRaw(unknown);
        String erased = accept("01-safeguarding-referral.xml", true, m -> {});
        // Its document is still handed over (so it loads), but its commit fails: the payload key is gone.
        execute("UPDATE message SET wrapped_key = NULL, erased_at = ? WHERE tracking_id = ?", erased);
        String second = accept("01-safeguarding-referral.xml", true, m -> {});
        String third = accept("01-safeguarding-referral.xml", false, m -> {});
        startRouting();

        await().atMost(WAIT).until(() -> deadLetters().containsAll(List.of(unknown, erased)));
        for (String id : List.of(first, second, third)) {
            await().atMost(WAIT).until(() -> ledger(id).size() == 3);
            assertThat(ledger(id)).as(id).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        }
        assertThat(ledger(erased)).containsExactly("ACCEPTED");
        assertThat(count("SELECT COUNT(*) FROM message WHERE tracking_id = ? AND routed_at IS NOT NULL", erased))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ?", erased))
                .isZero();
        assertThat(deadLetters()).containsOnlyOnce(unknown, erased).doesNotContain(first, second, third);
        await().atMost(WAIT).until(() -> queued(RoutingQueue.ROUTING).isEmpty());
        routed.addAll(List.of(first, second, third));
    }

    @Test
    @Order(2)
    void aFollowUpRightBehindItsOriginalIsRoutedToTheOriginalsRecipients() throws Exception {
        stopRouting();
        long batches = consumer().batches();
        String original = accept("01-safeguarding-referral.xml", true, m -> {});
        String update = accept("04-referral-update.xml", true, m -> correlateTo(m, original));
        String withdrawal = accept("05-referral-withdrawal.xml", false, m -> correlateTo(m, original));
        String after = accept("01-safeguarding-referral.xml", true, m -> {});
        startRouting();

        await().atMost(WAIT).until(() -> ledger(after).size() == 3);
        await().atMost(WAIT).until(() -> ledger(withdrawal).size() == 3);
        assertThat(ledger(original)).startsWith("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        assertThat(ledger(update)).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        assertThat(ledger(withdrawal)).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        assertThat(states(original)).containsExactly("WITHDRAWN", "WITHDRAWN");
        assertThat(ledger(after)).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        // All four were waiting when routing started: fewer receptions than messages means they were batched.
        assertThat(consumer().batches() - batches).isLessThan(4);
        routed.addAll(List.of(original, update, withdrawal, after));
    }

    @Test
    @Order(3)
    void redeliveredAndRepeatedRoutingMessagesInOneBatchCommitNothingNew() throws Exception {
        stopRouting();
        String fresh = accept("01-safeguarding-referral.xml", true, m -> {});
        // Bypassing duplicate detection, as a redelivery after the broker's id cache forgot the ids would.
        for (String id : routed) {
            sendRaw(id);
        }
        sendRaw(fresh);
        List<String> before = new ArrayList<>();
        for (String id : routed) {
            before.add(id + " " + ledger(id) + " " + states(id) + " " + payloadKinds(id));
        }
        startRouting();

        await().atMost(WAIT).until(() -> ledger(fresh).size() == 3);
        await().atMost(WAIT).until(() -> queued(RoutingQueue.ROUTING).isEmpty());
        assertThat(ledger(fresh)).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ?", fresh))
                .isEqualTo(2);
        List<String> after = new ArrayList<>();
        for (String id : routed) {
            after.add(id + " " + ledger(id) + " " + states(id) + " " + payloadKinds(id));
        }
        assertThat(after).isEqualTo(before);
        assertThat(before).allSatisfy(b -> assertThat(b).endsWith("[ack_payload, canonical_xml, routed_xml]"));
        assertThat(deadLetters()).doesNotContain(fresh).doesNotContainAnyElementsOf(routed);
    }

    @Test
    @Order(4)
    void aHandedOverDocumentIsRoutedAndStoredExactlyAsTheStoredOneWouldBe() throws Exception {
        stopRouting();
        AcceptedDocuments handOff = gateway.camelContext()
                .getRegistry()
                .lookupByNameAndType(GatewayRuntime.ACCEPTED_DOCUMENTS, AcceptedDocuments.class);
        String messageId = "urn:uuid:" + UUID.randomUUID();
        String handedOver =
                accept("02-police-notification.xml", true, m -> m.getEnvelope().setSenderMessageId(messageId));
        String read =
                accept("02-police-notification.xml", false, m -> m.getEnvelope().setSenderMessageId(messageId + "-2"));
        assertThat(handOff.size()).isEqualTo(1);
        startRouting();

        String routedAt = "SELECT COUNT(*) FROM message WHERE tracking_id = ? AND routed_at IS NOT NULL";
        await().atMost(WAIT).until(() -> count(routedAt, handedOver) + count(routedAt, read) == 2);
        assertThat(ledger(handedOver)).isEqualTo(ledger(read)).contains("ROUTED " + LA_850);
        assertThat(handOff.size()).isZero();
        String viaHandOff = stored(handedOver).replace(handedOver, "ID").replace(messageId, "MID");
        String viaStore = stored(read).replace(read, "ID").replace(messageId + "-2", "MID");
        assertThat(viaHandOff).isEqualTo(viaStore).contains("<recipient role=\"primary\">");
        assertThat(CANONICAL
                        .unmarshal(stored(handedOver).getBytes(StandardCharsets.UTF_8))
                        .getEnvelope()
                        .getRecipient())
                .extracting(r -> r.getOrgId())
                .contains(LA_850);
        // The document as accepted is kept beside the routed one: no recipients (the sender named none).
        assertThat(CANONICAL
                        .unmarshal(accepted(handedOver).getBytes(StandardCharsets.UTF_8))
                        .getEnvelope()
                        .getRecipient())
                .isEmpty();
        assertThat(accepted(read)).doesNotContain("<recipient ");
    }

    // ------------------------------------------------------------------ helpers

    private static RoutingQueueConsumer consumer() {
        return gateway.camelContext()
                .getRegistry()
                .lookupByNameAndType(GatewayRuntime.ROUTING_QUEUE_CONSUMER, RoutingQueueConsumer.class);
    }

    private static void stopRouting() throws Exception {
        gateway.camelContext().getRouteController().stopRoute("routing");
    }

    private static void startRouting() throws Exception {
        gateway.camelContext().getRouteController().startRoute("routing");
    }

    private static void correlateTo(InterchangeMessage message, String original) {
        message.getEnvelope().getCorrelation().clear();
        Correlation correlation = new Correlation();
        correlation.setRelation(
                message.getEnvelope().getEvent().value().equals("referral-update")
                        ? uk.safeguarding.interchange.canonical.xml.CorrelationRelation.UPDATE
                        : uk.safeguarding.interchange.canonical.xml.CorrelationRelation.WITHDRAWAL);
        correlation.setTrackingId(original);
        message.getEnvelope().getCorrelation().add(correlation);
    }

    /** Accepts an example as the bindings do: with its bound document ({@code handOver}) or with the bytes only. */
    private static String accept(String example, boolean handOver, Consumer<InterchangeMessage> change)
            throws Exception {
        InterchangeMessage message =
                CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical", example)));
        String trackingId = UUID.randomUUID().toString();
        message.getEnvelope().setTrackingId(trackingId);
        message.getEnvelope().setSenderMessageId("urn:uuid:" + UUID.randomUUID());
        message.getEnvelope().getRecipient().clear();
        message.getEnvelope().getRequestedDestination().clear();
        change.accept(message);
        DirectAcceptance.accept(gateway, message, SCHOOL_1, ACME, handOver);
        return trackingId;
    }

    private static void sendRaw(String body) {
        try (JMSContext context = gateway.jmsConnectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(RoutingQueue.ROUTING), body);
            context.commit();
        }
    }

    private static List<String> deadLetters() throws Exception {
        return queued(DEAD_LETTERS);
    }

    private static List<String> queued(String queue) throws Exception {
        return QueueContents.bodies(gateway.jmsConnectionFactory(), queue);
    }

    /** The document to deliver (as routed). */
    private static String stored(String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection()) {
            return new String(payloads().readRouted(c, trackingId).orElseThrow(), StandardCharsets.UTF_8);
        }
    }

    /** The document as intake accepted it. */
    private static String accepted(String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection()) {
            return new String(
                    payloads().read(c, trackingId, PayloadKind.CANONICAL_XML).orElseThrow(), StandardCharsets.UTF_8);
        }
    }

    private static PayloadStore payloads() {
        return gateway.camelContext()
                .getRegistry()
                .lookupByNameAndType(GatewayRuntime.PAYLOAD_STORE, PayloadStore.class);
    }

    private static List<String> payloadKinds(String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection()) {
            return PayloadRows.kinds(c, trackingId);
        }
    }

    private static void execute(String sql, String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setString(2, trackingId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** The message's ledger trail: event, then the recipient (or the error code of a routing failure). */
    private static List<String> ledger(String trackingId) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event, counterparty, error_code FROM ledger_entry WHERE tracking_id = ? ORDER BY seq")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String event = rs.getString(1);
                    rows.add(
                            switch (event) {
                                case "ACCEPTED" -> event;
                                case "ROUTING_FAILED" -> event + " " + rs.getString(3);
                                default -> event + " " + rs.getString(2);
                            });
                }
            }
        }
        return rows;
    }

    private static List<String> states(String trackingId) throws Exception {
        List<String> states = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT state FROM delivery WHERE tracking_id = ? ORDER BY recipient_id")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.add(rs.getString(1));
                }
            }
        }
        return states;
    }

    private static long count(String sql, String trackingId) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
