package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.broker.EmbeddedBroker;
import uk.safeguarding.interchange.broker.MailboxQueues;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.DirectAcceptance;
import uk.safeguarding.interchange.testsupport.QueueContents;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * Batched mailbox delivery (decision 0010) in the real gateway (the real routes, Artemis, H2, HTTPS): LA 850's
 * consumer route is stopped while its queue fills, so that the deliveries are received in batches when it starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailboxBatchIT extends RealGateway {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHOOL_1 = "urn:interchange:school:100001";
    private static final String ACME = "urn:interchange:system:acme-safeguard";
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String QUEUE = DeliveryQueue.queueName(LA_850);
    private static final String ROUTE = "deliver-la-850";

    static final List<String> stored = new ArrayList<>();
    static Instant lastAccepted = Instant.EPOCH;

    @Test
    @Order(1)
    void manyDeliveriesToOneMailboxAreStoredInBatchesOnceEachAndListedInQueueOrder() throws Exception {
        gateway.camelContext().getRouteController().stopRoute(ROUTE);
        long batches = queues().batches(LA_850);
        long received = queues().received(LA_850);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(accept());
        }
        await().atMost(WAIT).until(() -> queued(QUEUE).containsAll(sent));
        assertThat(queued(QUEUE)).containsExactlyElementsOf(sent);
        gateway.camelContext().getRouteController().startRoute(ROUTE);

        await().atMost(WAIT).until(() -> listed().containsAll(sent));
        assertThat(listed()).containsExactlyElementsOf(sent);
        assertThat(restListing()).containsExactlyElementsOf(sent);
        for (String id : sent) {
            assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL", id))
                    .as(id)
                    .isEqualTo(1);
        }
        // Each delivery was received once (no redelivery), in fewer receptions than deliveries: batches were used.
        assertThat(queues().received(LA_850) - received).isEqualTo(sent.size());
        assertThat(queues().batches(LA_850) - batches).isBetween(1L, sent.size() / 2L);
        // Each has its own available time, in queue order (the listing's order and paging position).
        assertThat(new ArrayList<>(availableTimes(sent).values()))
                .doesNotHaveDuplicates()
                .isSorted();
        stored.addAll(sent);
    }

    @Test
    @Order(2)
    void aDeliveryThatWasNeverRoutedIsDeadLetteredAloneAndTheRestOfItsBatchIsStored() throws Exception {
        gateway.camelContext().getRouteController().stopRoute(ROUTE);
        String first = accept();
        String second = accept();
        await().atMost(WAIT).until(() -> queued(QUEUE).containsAll(List.of(first, second)));
        String poison = UUID.randomUUID().toString();
        sendRaw(poison);
        String third = accept();
        await().atMost(WAIT).until(() -> queued(QUEUE).contains(third));
        assertThat(queued(QUEUE)).containsExactly(first, second, poison, third);
        gateway.camelContext().getRouteController().startRoute(ROUTE);

        await().atMost(WAIT)
                .until(() -> queued(EmbeddedBroker.DEAD_LETTER_ADDRESS).contains(poison));
        await().atMost(WAIT).until(() -> listed().containsAll(List.of(first, second, third)));
        assertThat(queued(EmbeddedBroker.DEAD_LETTER_ADDRESS))
                .containsOnlyOnce(poison)
                .doesNotContain(first, second, third);
        assertThat(listed()).containsSubsequence(first, second, third);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL", poison))
                .isZero();
        for (String id : List.of(first, second, third)) {
            assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL", id))
                    .as(id)
                    .isEqualTo(1);
        }
        stored.addAll(List.of(first, second, third));
    }

    @Test
    @Order(3)
    void aRedeliveredBatchStoresNothingTwice() throws Exception {
        Map<String, Instant> before = availableTimes(stored);
        gateway.camelContext().getRouteController().stopRoute(ROUTE);
        long received = queues().received(LA_850);
        String fresh = accept();
        await().atMost(WAIT).until(() -> queued(QUEUE).contains(fresh));
        // Bypassing duplicate detection, as a redelivery after the broker's id cache forgot the ids would.
        for (String id : stored) {
            sendRaw(id);
        }
        sendRaw(fresh);
        int sent = stored.size() + 2;
        gateway.camelContext().getRouteController().startRoute(ROUTE);

        await().atMost(WAIT).until(() -> queues().received(LA_850) - received >= sent);
        await().atMost(WAIT).until(() -> queued(QUEUE).isEmpty());
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL", fresh))
                .isEqualTo(1);
        assertThat(availableTimes(stored)).isEqualTo(before);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE recipient_id = ? AND available_at IS NOT NULL", LA_850))
                .isEqualTo(stored.size() + 1);
        assertThat(queued(EmbeddedBroker.DEAD_LETTER_ADDRESS))
                .doesNotContain(fresh)
                .doesNotContainAnyElementsOf(stored);
    }

    // ------------------------------------------------------------------ helpers

    private static MailboxQueues queues() {
        return gateway.camelContext()
                .getRegistry()
                .lookupByNameAndType(GatewayRuntime.MAILBOX_QUEUES, MailboxQueues.class);
    }

    /** LA 850's mailbox listing (the one the REST and SOAP listings use). */
    private static List<String> listed() {
        Mailbox mailbox =
                gateway.camelContext().getRegistry().lookupByNameAndType(GatewayRuntime.MAILBOX, Mailbox.class);
        return mailbox.list(LA_850).stream().map(MailboxEntry::trackingId).toList();
    }

    private static List<String> restListing() throws Exception {
        HttpResponse<String> response = DevCerts.httpClient("la-850")
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/api/v1/mailbox"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode m : JSON.readTree(response.body()).get("messages")) {
            ids.add(m.get("trackingId").asText());
        }
        return ids;
    }

    /**
     * Accepts a routine referral for LA 850 (no MASH copy) as the bindings do. Each gets its own acceptance
     * millisecond, so that acceptance order is one order.
     */
    private static String accept() throws Exception {
        Instant previous = lastAccepted;
        await().pollInterval(Duration.ofMillis(1))
                .until(() -> Instant.now().truncatedTo(ChronoUnit.MILLIS).isAfter(previous));
        InterchangeMessage message = CANONICAL.unmarshal(
                Files.readAllBytes(Path.of("schemas/examples/canonical", "01-safeguarding-referral.xml")));
        String trackingId = UUID.randomUUID().toString();
        message.getEnvelope().setTrackingId(trackingId);
        message.getEnvelope().setSenderMessageId("urn:uuid:" + UUID.randomUUID());
        message.getEnvelope().setPriority(Priority.ROUTINE);
        message.getEnvelope().getRecipient().clear();
        message.getEnvelope().getRequestedDestination().clear();
        DirectAcceptance.accept(gateway, message, SCHOOL_1, ACME, true);
        lastAccepted = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return trackingId;
    }

    private static void sendRaw(String body) {
        try (JMSContext context = gateway.jmsConnectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(context.createQueue(QUEUE), body);
            context.commit();
        }
    }

    private static List<String> queued(String queue) throws Exception {
        return QueueContents.bodies(gateway.jmsConnectionFactory(), queue);
    }

    private static Map<String, Instant> availableTimes(List<String> trackingIds) throws Exception {
        Map<String, Instant> times = new LinkedHashMap<>();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT available_at FROM delivery WHERE tracking_id = ? AND recipient_id = ?")) {
            for (String id : trackingIds) {
                ps.setString(1, id);
                ps.setString(2, LA_850);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as(id).isTrue();
                    times.put(id, rs.getTimestamp(1).toInstant());
                }
            }
        }
        return times;
    }

    private static long count(String sql, String value) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
