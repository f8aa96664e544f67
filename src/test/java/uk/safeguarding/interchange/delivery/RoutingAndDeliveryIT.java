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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.broker.EmbeddedBroker;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.intake.RoutingQueue;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.DirectAcceptance;
import uk.safeguarding.interchange.testsupport.QueueContents;
import uk.safeguarding.interchange.testsupport.RealGateway;
import uk.safeguarding.interchange.testsupport.TestGateway;

/**
 * Routing and mailbox delivery in the real gateway (Jetty with mutual TLS, Artemis, H2, Camel with the real YAML
 * routes): messages are accepted through the {@code acceptance} bean, as the bindings do, and read back over HTTPS
 * with the dev certificates.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingAndDeliveryIT extends RealGateway {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String SCHOOL_1 = "urn:interchange:school:100001";
    private static final String ACME = "urn:interchange:system:acme-safeguard";
    private static final String DORSET = "urn:interchange:police:dorset";
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String MASH_850 = "urn:interchange:mash:850";

    static String referral;
    static String ppn;

    @Test
    @Order(1)
    void schoolReferralReachesTheHampshireMailboxAndTheMashGetsTheUrgentCopy() throws Exception {
        referral = accept("01-safeguarding-referral.xml", SCHOOL_1, ACME, m -> {});

        await().atMost(WAIT).until(() -> mailbox("la-850").contains(referral));
        await().atMost(WAIT).until(() -> mailbox("mash-850").contains(referral));
        JsonNode entry = mailboxEntry("la-850", referral);
        assertThat(entry.get("event").asText()).isEqualTo("safeguarding-referral");
        assertThat(entry.get("sender").asText()).isEqualTo(SCHOOL_1);
        assertThat(entry.get("priority").asText()).isEqualTo("urgent");
        assertThat(entry.has("child")).isFalse();
        assertThat(mailbox("la-839")).doesNotContain(referral);

        HttpResponse<String> fetched = get("la-850", "/api/v1/mailbox/" + referral);
        assertThat(fetched.statusCode()).isEqualTo(200);
        // A document about a child: never cached; written whole, with its length (not chunked).
        assertThat(fetched.headers().allValues("Cache-Control")).containsExactly("no-store");
        assertThat(fetched.headers().firstValue("Content-Length"))
                .hasValue(String.valueOf(fetched.body().getBytes(StandardCharsets.UTF_8).length));
        InterchangeMessage document = CANONICAL.unmarshal(fetched.body().getBytes(StandardCharsets.UTF_8));
        assertThat(document.getEnvelope().getTrackingId()).isEqualTo(referral);
        assertThat(document.getEnvelope().getRecipient())
                .extracting(r -> r.getRole().value() + " " + r.getOrgId())
                .containsExactly("primary " + LA_850, "copy " + MASH_850);
        assertThat(ledger(referral)).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
    }

    @Test
    @Order(2)
    void anotherOrganisationCannotFetchOrAcknowledgeItAndTheRefusalIsLedgered() throws Exception {
        HttpResponse<String> fetch = get("school-100002", "/api/v1/mailbox/" + referral);
        HttpResponse<String> ack = post("la-839", "/api/v1/mailbox/" + referral + "/ack");
        HttpResponse<String> auditor = get("dev-auditor", "/api/v1/mailbox");

        assertThat(fetch.statusCode()).isEqualTo(403);
        assertThat(errorCode(fetch)).isEqualTo("AUTH-006");
        assertThat(ack.statusCode()).isEqualTo(403);
        assertThat(errorCode(ack)).isEqualTo("AUTH-006");
        assertThat(auditor.statusCode()).isEqualTo(403);
        assertThat(errorCode(auditor)).isEqualTo("AUTH-006");
        assertThat(ledger(referral))
                .contains("REJECTED urn:interchange:school:100002 AUTH-006", "REJECTED urn:interchange:la:839 AUTH-006")
                .doesNotContain("DELIVERED " + LA_850);
        assertThat(state(referral, LA_850)).isEqualTo("ROUTED");
    }

    @Test
    @Order(3)
    void aMailboxPathOrMethodTheApiDoesNotHaveIsAnUnknownOperationLedgeredAndChangesNothing() throws Exception {
        int before = unknownOperationsBy(LA_850);
        List<HttpResponse<String>> answers = List.of(
                post("la-850", "/api/v1/mailbox"),
                get("la-850", "/api/v1/mailbox/" + referral + "/ack"),
                post("la-850", "/api/v1/mailbox/" + referral),
                get("la-850", "/api/v1/mailbox/" + referral.toUpperCase(Locale.ROOT)),
                get("la-850", "/api/v1/mailbox/" + referral + "/"),
                post("la-850", "/api/v1/mailbox/not-a-tracking-id/ack"),
                get("la-850", "/api/v1/messages/not-a-tracking-id"));

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.uri().toString()).isEqualTo(400);
            assertThat(errorCode(answer)).as(answer.uri().toString()).isEqualTo("SCHEMA-009");
        }
        // Every rejection is in the ledger (spec section 10): one entry per request, by the caller, with the code.
        assertThat(unknownOperationsBy(LA_850)).isEqualTo(before + answers.size());
        assertThat(state(referral, LA_850)).isEqualTo("ROUTED");
        assertThat(mailbox("la-850")).contains(referral);
    }

    private static int unknownOperationsBy(String actor) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ledger_entry WHERE event = 'REJECTED'"
                        + " AND actor = ? AND error_code = 'SCHEMA-009' AND tracking_id IS NULL")) {
            ps.setString(1, actor);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    @Order(4)
    void acknowledgingDeliversAndSendsTheSenderAReceipt() throws Exception {
        // The school takes its messages from a mailbox: the receipt is there once the acknowledgement is answered, put
        // in by the acknowledgement's own transaction, not by the school's queue consumer (decision 0018), which is
        // stopped meanwhile (a receipt that went by the school's queue would wait there).
        String schoolsConsumer = "deliver-school-100001";
        HttpResponse<String> ack;
        String receipt;
        gateway.camelContext().getRouteController().stopRoute(schoolsConsumer);
        try {
            ack = post("la-850", "/api/v1/mailbox/" + referral + "/ack");

            assertThat(ack.statusCode()).isEqualTo(200);
            receipt = JSON.readTree(ack.body()).get("receiptTrackingId").asText();
            assertThat(mailbox("school-100001")).contains(receipt);
        } finally {
            gateway.camelContext().getRouteController().startRoute(schoolsConsumer);
        }
        assertThat(JSON.readTree(ack.body()).get("state").asText()).isEqualTo("DELIVERED");
        assertThat(mailbox("la-850")).doesNotContain(referral);

        assertThat(mailboxEntry("school-100001", receipt).get("event").asText()).isEqualTo("delivery-receipt");
        // The vendor system acting for the school reads the school's mailbox too.
        assertThat(mailbox("acme-safeguard")).contains(receipt);
        InterchangeMessage document = CANONICAL.unmarshal(
                get("school-100001", "/api/v1/mailbox/" + receipt).body().getBytes(StandardCharsets.UTF_8));
        assertThat(document.getContent().getDeliveryReceipt().getConcernsTrackingId())
                .isEqualTo(referral);
        assertThat(document.getContent().getDeliveryReceipt().getRecipient().getOrgId())
                .isEqualTo(LA_850);

        // Acknowledging again changes nothing and sends no second receipt.
        HttpResponse<String> again = post("la-850", "/api/v1/mailbox/" + referral + "/ack");
        assertThat(JSON.readTree(again.body()).has("receiptTrackingId")).isFalse();
        assertThat(ledger(referral)).containsOnlyOnce("DELIVERED " + LA_850);
        assertThat(ledger(receipt)).containsExactly("ACCEPTED", "ROUTED " + SCHOOL_1);
    }

    @Test
    @Order(5)
    void statusShowsPerRecipientStatesToTheSenderOnly() throws Exception {
        for (String sender : List.of("school-100001", "acme-safeguard")) {
            HttpResponse<String> status = get(sender, "/api/v1/messages/" + referral);
            assertThat(status.statusCode()).as(sender).isEqualTo(200);
            JsonNode body = JSON.readTree(status.body());
            assertThat(body.get("routed").asBoolean()).isTrue();
            List<String> states = new ArrayList<>();
            body.get("recipients")
                    .forEach(r -> states.add(r.get("recipient").asText() + " "
                            + r.get("role").asText() + " " + r.get("state").asText()));
            assertThat(states).containsExactly(LA_850 + " primary DELIVERED", MASH_850 + " copy ROUTED");
        }
        HttpResponse<String> recipient = get("la-850", "/api/v1/messages/" + referral);
        HttpResponse<String> unknown = get("school-100001", "/api/v1/messages/" + UUID.randomUUID());
        assertThat(recipient.statusCode()).isEqualTo(403);
        assertThat(errorCode(recipient)).isEqualTo("AUTH-006");
        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(errorCode(unknown)).isEqualTo("AUTH-006");
    }

    @Test
    @Order(6)
    void dorsetPpnAboutAHampshireFamilyLandsInHampshireAndAnEncompassNotificationAtTheSchool() throws Exception {
        ppn = accept("02-police-notification.xml", DORSET, DORSET, m -> {});

        await().atMost(WAIT).until(() -> mailbox("la-850").contains(ppn));
        assertThat(mailbox("la-839")).doesNotContain(ppn);
        await().atMost(WAIT).until(() -> derivedOf(ppn).size() == 1);
        String encompass = derivedOf(ppn).get(0);
        await().atMost(WAIT).until(() -> mailbox("school-100001").contains(encompass));
        assertThat(mailbox("school-100001")).doesNotContain(ppn);
        assertThat(get("school-100001", "/api/v1/mailbox/" + ppn).statusCode()).isEqualTo(403);

        String xml = get("school-100001", "/api/v1/mailbox/" + encompass).body();
        InterchangeMessage document = CANONICAL.unmarshal(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(document.getEnvelope().getEvent().value()).isEqualTo("encompass-notification");
        assertThat(document.getEnvelope().getSender().getOrgId()).isEqualTo(DORSET);
        assertThat(document.getContent().getEncompassNotification().getSchoolUrn())
                .isEqualTo("100001");
        // Minimised: none of the PPN's narrative, addresses, other people or incident details.
        assertThat(xml)
                .doesNotContain("Holloway")
                .doesNotContain("SP10")
                .doesNotContain("narrative")
                .doesNotContain("DP-20251122-0457")
                .doesNotContain(ppn);
        assertThat(ledger(encompass)).containsExactly("ACCEPTED", "ROUTED urn:interchange:school:100001");
    }

    @Test
    @Order(7)
    void unroutableReferralIsLedgeredAndTheSenderGetsANonDeliveryReport() throws Exception {
        String lost = accept(
                "01-safeguarding-referral.xml",
                SCHOOL_1,
                ACME,
                m -> m.getContent().getReferral().getChild().getCurrentAddress().setPostcode("SW1A 1AA"));

        await().atMost(WAIT).until(() -> ledger(lost).contains("ROUTING_FAILED ROUTE-001"));
        JsonNode status =
                JSON.readTree(get("school-100001", "/api/v1/messages/" + lost).body());
        assertThat(status.get("routingError").asText()).isEqualTo("ROUTE-001");
        assertThat(status.get("recipients")).isEmpty();
        await().atMost(WAIT).until(() -> mailboxEvents("school-100001").contains("non-delivery-report"));
    }

    @Test
    @Order(8)
    void aRedeliveredRoutingMessageDeliversNothingTwice() throws Exception {
        // Bypass the broker's duplicate detection, as a redelivery after its id cache forgot the id would.
        try (JMSContext context = gateway.jmsConnectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(RoutingQueue.ROUTING), referral);
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(RoutingQueue.ROUTING), ppn);
            context.commit();
        }
        // The routing queue is consumed in order: once this later message is routed, the republished ones were too.
        String marker = accept("01-safeguarding-referral.xml", SCHOOL_1, ACME, m -> m.getEnvelope()
                .setPriority(Priority.ROUTINE));
        await().atMost(WAIT).until(() -> mailbox("la-850").contains(marker));

        assertThat(ledger(referral)).containsOnlyOnce("ROUTED " + LA_850).containsOnlyOnce("ROUTED " + MASH_850);
        assertThat(ledger(ppn)).containsOnlyOnce("ROUTED " + LA_850);
        assertThat(derivedOf(ppn)).hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL", ppn))
                .isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ?", marker))
                .isEqualTo(1);
    }

    @Test
    @Order(9)
    void aRestartMidWayLosesNothingAndDuplicatesNothing() throws Exception {
        String inFlight = accept("01-safeguarding-referral.xml", SCHOOL_1, ACME, m -> {});
        // As if the gateway had stopped between committing the routing and publishing to the recipients' queues.
        gateway.close();
        // The delivery relay takes deliveries left unqueued for longer than its grace period (30 s by default, as
        // long as WAIT): shortened, so the test waits for the relay's work and not for the clock.
        Map<String, String> settings = TestGateway.overrides(tmp.resolve("data"), 0);
        settings.put("gateway.delivery.relay.period", "500");
        settings.put("gateway.delivery.relay.grace.seconds", "2");
        gateway = GatewayRuntime.start(GatewaySettings.load(settings));
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE delivery SET queued_at = NULL")) {
            ps.executeUpdate();
        }

        await().atMost(WAIT).until(() -> mailbox("la-850").contains(inFlight));
        await().atMost(WAIT).until(() -> mailbox("mash-850").contains(inFlight));
        await().atMost(WAIT)
                .until(() ->
                        count("SELECT COUNT(*) FROM delivery WHERE queued_at IS NULL AND state = 'ROUTED'", null) == 0);

        for (String id : List.of(referral, ppn, inFlight)) {
            assertThat(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND available_at IS NOT NULL", id))
                    .as(id)
                    .isEqualTo(count("SELECT COUNT(*) FROM delivery WHERE tracking_id = ?", id));
            List<String> ledger = ledger(id);
            assertThat(ledger.stream().filter(e -> e.startsWith("ROUTED")).toList())
                    .as(id)
                    .doesNotHaveDuplicates();
        }
        assertThat(ledger(inFlight)).containsExactly("ACCEPTED", "ROUTED " + LA_850, "ROUTED " + MASH_850);
        // The acknowledged referral stays acknowledged: it is not offered again.
        assertThat(mailbox("la-850")).doesNotContain(referral);
    }

    @Test
    @Order(10)
    void aListingShowsTheOldestFiveHundredOfALargeBacklog() throws Exception {
        // 501 messages waiting for LA 839, made directly in the store (routing them would take the test minutes).
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement messages = c.prepareStatement("INSERT INTO message (tracking_id, sender_id,"
                        + " sender_message_id, content_sha256, event, received_at, binding, submitted_by)"
                        + " SELECT 'backlog-' || \"X\", sender_id, 'backlog-' || \"X\", content_sha256, event, received_at,"
                        + " binding, submitted_by FROM message, SYSTEM_RANGE(1, 501) WHERE tracking_id = ?");
                PreparedStatement stored = c.prepareStatement("INSERT INTO delivery (tracking_id, recipient_id,"
                        + " role, state, created_at, updated_at, queued_at, available_at)"
                        + " SELECT 'backlog-' || \"X\", 'urn:interchange:la:839', 'primary', 'ROUTED', T, T, T,"
                        + " T + \"X\" * INTERVAL '1' SECOND"
                        + " FROM (SELECT TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00' AS T),"
                        + " SYSTEM_RANGE(1, 501)")) {
            messages.setString(1, referral);
            assertThat(messages.executeUpdate()).isEqualTo(501);
            assertThat(stored.executeUpdate()).isEqualTo(501);
        }

        List<String> listed = mailbox("la-839");

        assertThat(listed)
                .hasSize(Mailbox.LIST_LIMIT)
                .startsWith("backlog-1", "backlog-2")
                .doesNotContain("backlog-501");
    }

    @Test
    @Order(11)
    void aRoutingMessageThatKeepsFailingIsRolledBackRedeliveredAndFinallyDeadLettered() throws Exception {
        String unknown = "no-such-message-" + UUID.randomUUID();
        try (JMSContext context = gateway.jmsConnectionFactory().createContext(JMSContext.SESSION_TRANSACTED)) {
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(RoutingQueue.ROUTING), unknown);
            context.commit();
        }

        // Routing fails for it (nothing is stored under that id): each failure must roll the JMS session back, so the
        // broker redelivers it until its attempts are used up and then parks it for an operator.
        await().atMost(WAIT)
                .until(() -> browse(EmbeddedBroker.DEAD_LETTER_ADDRESS).contains(unknown));
        assertThat(browse(RoutingQueue.ROUTING)).doesNotContain(unknown);
    }

    private static List<String> browse(String queue) throws Exception {
        return QueueContents.bodies(gateway.jmsConnectionFactory(), queue);
    }

    // ------------------------------------------------------------------ helpers

    private static String accept(String example, String sender, String submittedBy, Consumer<InterchangeMessage> change)
            throws Exception {
        InterchangeMessage message =
                CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical", example)));
        String trackingId = UUID.randomUUID().toString();
        String messageId = "urn:uuid:" + UUID.randomUUID();
        message.getEnvelope().setTrackingId(trackingId);
        message.getEnvelope().setSenderMessageId(messageId);
        message.getEnvelope().getRecipient().clear();
        change.accept(message);
        DirectAcceptance.accept(gateway, message, sender, submittedBy, false);
        return trackingId;
    }

    private static HttpResponse<String> get(String cert, String path) throws Exception {
        return DevCerts.httpClient(cert)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String cert, String path) throws Exception {
        return DevCerts.httpClient(cert)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode mailboxList(String cert) throws Exception {
        HttpResponse<String> response = get(cert, "/api/v1/mailbox");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("messages");
    }

    private static List<String> mailbox(String cert) throws Exception {
        List<String> ids = new ArrayList<>();
        mailboxList(cert).forEach(m -> ids.add(m.get("trackingId").asText()));
        return ids;
    }

    private static List<String> mailboxEvents(String cert) throws Exception {
        List<String> events = new ArrayList<>();
        mailboxList(cert).forEach(m -> events.add(m.get("event").asText()));
        return events;
    }

    private static JsonNode mailboxEntry(String cert, String trackingId) throws Exception {
        for (JsonNode m : mailboxList(cert)) {
            if (m.get("trackingId").asText().equals(trackingId)) {
                return m;
            }
        }
        throw new AssertionError(trackingId + " is not in the mailbox of " + cert);
    }

    private static String errorCode(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("error").get("code").asText();
    }

    /** The message's ledger trail: event, then the recipient or the refused actor and code. */
    private static List<String> ledger(String trackingId) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event, actor, counterparty, error_code FROM ledger_entry WHERE tracking_id = ?"
                                + " ORDER BY seq")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String event = rs.getString(1);
                    rows.add(
                            switch (event) {
                                case "ACCEPTED" -> event;
                                case "REJECTED" -> event + " " + rs.getString(2) + " " + rs.getString(4);
                                case "ROUTING_FAILED" -> event + " " + rs.getString(4);
                                default -> event + " " + rs.getString(3);
                            });
                }
            }
        }
        return rows;
    }

    private static String state(String trackingId, String recipient) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT state FROM delivery WHERE tracking_id = ? AND recipient_id = ?")) {
            ps.setString(1, trackingId);
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> derivedOf(String trackingId) throws Exception {
        JsonNode status = JSON.readTree(
                get("police-dorset", "/api/v1/messages/" + trackingId).body());
        List<String> ids = new ArrayList<>();
        status.get("derived").forEach(d -> ids.add(d.asText()));
        return ids;
    }

    private static int count(String sql, String parameter) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
