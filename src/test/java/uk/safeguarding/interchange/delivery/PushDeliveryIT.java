package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.xml.ws.Endpoint;
import jakarta.xml.ws.Provider;
import jakarta.xml.ws.Service;
import jakarta.xml.ws.ServiceMode;
import jakarta.xml.ws.WebServiceProvider;
import jakarta.xml.ws.soap.SOAPBinding;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.xml.transform.Source;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.server.ClientCertificateFilter;
import uk.safeguarding.interchange.server.ErrorResponses;
import uk.safeguarding.interchange.server.HttpsServer;
import uk.safeguarding.interchange.server.ServletMount;
import uk.safeguarding.interchange.server.TlsContexts;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.DirectAcceptance;
import uk.safeguarding.interchange.testsupport.TestGateway;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.TrustAnchors;

/**
 * Push delivery against real receivers on loopback with mutual TLS: LA 850 is {@code fhir-push} (a servlet presenting
 * la-850's certificate, not listening at first), the Hampshire MASH is {@code soap-push} (a CXF endpoint presenting
 * mash-850's certificate that faults while "down"). Retries are due by the gateway's mutable clock, which the test
 * moves; receivers count what they get by tracking id.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushDeliveryIT {
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHOOL_1 = "urn:interchange:school:100001";
    private static final String ACME = "urn:interchange:system:acme-safeguard";
    private static final String LA_850 = "urn:interchange:la:850";
    private static final String MASH_850 = "urn:interchange:mash:850";

    @TempDir
    static Path tmp;

    static MutableClock clock = new MutableClock(startTime());
    static GatewayRuntime gateway;
    static HttpsServer fhirReceiver;
    static HttpsServer soapReceiver;
    static int fhirPort;
    static final List<String> fhirBodies = Collections.synchronizedList(new ArrayList<>());
    static final List<String> soapBodies = Collections.synchronizedList(new ArrayList<>());
    static final AtomicBoolean soapDown = new AtomicBoolean(true);
    static String referral;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            fhirPort = s.getLocalPort();
        }
        soapReceiver = soapReceiver();
        String directory = Files.readString(Path.of("config/directory.yaml"));
        directory = directory
                .replace(
                        "receives: [safeguarding-referral, police-notification, referral-update, referral-withdrawal,"
                                + " information-request, information-response]\n    delivery: { mode: mailbox }\n"
                                + "    escalationContact: urn:interchange:mash:850",
                        "receives: [safeguarding-referral, police-notification, referral-update, referral-withdrawal,"
                                + " information-request, information-response]\n    delivery: { mode: fhir-push, endpoint:"
                                + " \"https://localhost:" + fhirPort + "/fhir\" }\n"
                                + "    escalationContact: urn:interchange:mash:850")
                .replace(
                        "information-response]\n    delivery: { mode: mailbox }\n"
                                + "    escalationContact: mash-duty-manager@hampshire-cs.example",
                        "information-response]\n    delivery: { mode: soap-push, endpoint: \"https://localhost:"
                                + soapReceiver.port() + "/soap/deliver\" }\n"
                                + "    escalationContact: mash-duty-manager@hampshire-cs.example");
        assertThat(directory).contains("fhir-push").contains("soap-push");
        Path directoryFile = Files.writeString(tmp.resolve("directory.yaml"), directory);
        Map<String, String> o = TestGateway.overrides(tmp.resolve("data"), 0);
        o.put("gateway.directory.file", directoryFile.toString());
        o.put("gateway.delivery.retry.base", "PT10S");
        o.put("gateway.delivery.retry.cap", "PT1M");
        o.put("gateway.delivery.retry.max-attempts", "4");
        o.put("gateway.delivery.retry.period", "200");
        o.put("gateway.delivery.push.timeout", "PT5S");
        o.put("gateway.sla.check.period", "200");
        gateway = GatewayRuntime.start(GatewaySettings.load(o), clock);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (fhirReceiver != null) {
            fhirReceiver.close();
        }
        if (soapReceiver != null) {
            soapReceiver.close();
        }
    }

    @Test
    @Order(1)
    void messagesWaitWhileTheEndpointsAreDownAndAreDeliveredOnceWhenTheyAreBack() throws Exception {
        referral = accept("01-safeguarding-referral.xml");

        await().atMost(WAIT).until(() -> attempts(referral, LA_850) >= 1 && attempts(referral, MASH_850) >= 1);
        assertThat(state(referral, LA_850)).isEqualTo("ROUTED");
        assertThat(state(referral, MASH_850)).isEqualTo("ROUTED");
        // Backoff: the retry is due 5 to 10 s (base 10 s, equal jitter) after the failed attempt by the gateway's
        // clock, so while that clock stands still the retry timer (every 200 ms) tries nothing.
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> attempts(referral, LA_850) == 1 && attempts(referral, MASH_850) == 1);
        clock.advance(Duration.ofSeconds(4));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> attempts(referral, LA_850) == 1 && attempts(referral, MASH_850) == 1);
        clock.advance(Duration.ofSeconds(7));
        await().atMost(WAIT).until(() -> attempts(referral, LA_850) >= 2 && attempts(referral, MASH_850) >= 2);
        assertThat(fhirBodies).isEmpty();

        fhirReceiver = fhirReceiver(fhirPort);
        soapDown.set(false);
        clock.advance(Duration.ofSeconds(30));

        await().atMost(WAIT)
                .until(() ->
                        "DELIVERED".equals(state(referral, LA_850)) && "DELIVERED".equals(state(referral, MASH_850)));
        assertThat(count(fhirBodies, referral)).isEqualTo(1);
        assertThat(count(soapBodies, referral)).isEqualTo(1);
        String fhir = fhirBodies.stream()
                .filter(b -> b.contains(referral))
                .findFirst()
                .orElseThrow();
        assertThat(fhir).contains("\"resourceType\":\"Bundle\"").contains("\"sigFormat\":\"application/jose\"");
        String soap = soapBodies.stream()
                .filter(b -> b.contains(referral))
                .findFirst()
                .orElseThrow();
        assertThat(soap)
                .contains("DeliverMessage")
                .contains("BinarySecurityToken")
                .contains("SignatureValue");
        assertThat(ledger(referral))
                .containsSubsequence("ROUTED " + LA_850, "DELIVERED " + LA_850)
                .containsSubsequence("ROUTED " + MASH_850, "DELIVERED " + MASH_850);
        assertThat(ledger(referral).stream().filter(e -> e.startsWith("DELIVERED")))
                .hasSize(2);
        // One delivery receipt per recipient, in the school's mailbox.
        await().atMost(WAIT)
                .until(() -> countSql(
                                "SELECT COUNT(*) FROM message m JOIN delivery b ON b.tracking_id = m.tracking_id"
                                        + " WHERE m.event = 'delivery-receipt' AND b.recipient_id = ?"
                                        + " AND b.available_at IS NOT NULL",
                                SCHOOL_1)
                        == 2);
        // Later retries do nothing more.
        clock.advance(Duration.ofMinutes(5));
        assertThat(count(fhirBodies, referral)).isEqualTo(1);
    }

    @Test
    @Order(2)
    void afterTheAttemptLimitTheDeliveryFailsTheSenderGetsANonDeliveryReportAndAReplayDeliversIt() throws Exception {
        soapDown.set(true);
        String failing = accept("01-safeguarding-referral.xml");
        for (int attempt = 1; attempt <= 4; attempt++) {
            int expected = attempt;
            await().atMost(WAIT).until(() -> attempts(failing, MASH_850) >= expected);
            clock.advance(Duration.ofMinutes(2));
        }
        await().atMost(WAIT).until(() -> "DELIVERY_FAILED".equals(state(failing, MASH_850)));
        assertThat(state(failing, LA_850)).isEqualTo("DELIVERED");
        assertThat(ledger(failing)).contains("DELIVERY_FAILED " + MASH_850 + " DLV-001");
        await().atMost(WAIT)
                .until(() -> countSql(
                                "SELECT COUNT(*) FROM message m JOIN delivery b ON b.tracking_id = m.tracking_id"
                                        + " WHERE m.event = 'non-delivery-report' AND b.recipient_id = ?"
                                        + " AND b.available_at IS NOT NULL",
                                SCHOOL_1)
                        == 1);
        DeadLetters letters = new DeadLetters(gateway.dataSource(), new LedgerAppender(clock), clock);
        assertThat(letters.list())
                .extracting(DeadLetters.DeadLetter::trackingId, DeadLetters.DeadLetter::recipientId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(failing, MASH_850));

        soapDown.set(false);
        assertThat(letters.replay(failing, MASH_850, "operator:test")).containsExactly(MASH_850);

        await().atMost(WAIT).until(() -> "DELIVERED".equals(state(failing, MASH_850)));
        assertThat(count(soapBodies, failing)).isEqualTo(1);
        assertThat(letters.list()).isEmpty();
        assertThat(ledger(failing))
                .containsSubsequence(
                        "DELIVERY_FAILED " + MASH_850 + " DLV-001", "REPLAYED " + MASH_850, "DELIVERED " + MASH_850);
    }

    @Test
    @Order(3)
    void anUrgentReferralWithoutOutcomeAfterOneWorkingDayIsEscalatedOnceToTheContact() throws Exception {
        assertThat(state(referral, LA_850)).isEqualTo("DELIVERED");

        clock.advance(Duration.ofDays(1));

        await().atMost(WAIT).until(() -> "ESCALATED".equals(state(referral, LA_850)));
        // LA 850's contact is the Hampshire MASH (soap-push): the escalation is pushed to it.
        await().atMost(WAIT)
                .until(() -> soapBodies.stream().anyMatch(b -> b.contains("escalation") && b.contains(referral)));
        assertThat(ledger(referral)).containsSubsequence("DELIVERED " + LA_850, "ESCALATED " + LA_850);
        // The MASH held only a copy: it owes no outcome and is not escalated.
        assertThat(state(referral, MASH_850)).isEqualTo("DELIVERED");
        clock.advance(Duration.ofDays(1));
        await().pollDelay(Duration.ofMillis(800)).atMost(WAIT).until(() -> true);
        assertThat(ledger(referral).stream().filter(e -> e.startsWith("ESCALATED")))
                .hasSize(1);
    }

    @Test
    @Order(4)
    void aReceiptForAFhirPushRecipientGoesToItsMailboxAfterEverythingAvailableBefore() throws Exception {
        // LA 850 answers the school's referral; the school acknowledges the outcome from its mailbox, so LA 850
        // (fhir-push) gets a delivery receipt, which has no FHIR rendering: it goes to LA 850's mailbox instead.
        InterchangeMessage outcome = CANONICAL.unmarshal(
                Files.readAllBytes(Path.of("schemas/examples/canonical", "06-referral-outcome-accepted.xml")));
        String outcomeId = UUID.randomUUID().toString();
        outcome.getEnvelope().setTrackingId(outcomeId);
        outcome.getEnvelope().setSenderMessageId("urn:uuid:" + UUID.randomUUID());
        outcome.getEnvelope().setReceivedAt(clock.instant());
        outcome.getEnvelope().getRecipient().clear();
        outcome.getEnvelope().getCorrelation().get(0).setTrackingId(referral);
        DirectAcceptance.accept(gateway, outcome, LA_850, LA_850, true);
        Mailbox mailbox =
                gateway.camelContext().getRegistry().lookupByNameAndType(GatewayRuntime.MAILBOX, Mailbox.class);
        await().atMost(WAIT).until(() -> mailbox.list(SCHOOL_1).stream()
                .anyMatch(e -> e.trackingId().equals(outcomeId)));
        Instant schoolsLatest = mailbox.list(SCHOOL_1).stream()
                .map(MailboxEntry::availableAt)
                .max(Instant::compareTo)
                .orElseThrow();

        String receipt = mailbox.acknowledge(SCHOOL_1, outcomeId).receipt().orElseThrow();

        await().atMost(WAIT).until(() -> mailbox.list(LA_850).stream()
                .anyMatch(e -> e.trackingId().equals(receipt)));
        MailboxEntry stored = mailbox.list(LA_850).stream()
                .filter(e -> e.trackingId().equals(receipt))
                .findFirst()
                .orElseThrow();
        // Stored by the mailbox itself, so it pages after every row that was available before it.
        assertThat(stored.availableAt()).isAfter(schoolsLatest);
        assertThat(mailbox.list(LA_850, schoolsLatest, 500))
                .extracting(MailboxEntry::trackingId)
                .contains(receipt);
        assertThat(state(receipt, LA_850)).isEqualTo("ROUTED");
        assertThat(count(fhirBodies, receipt)).isZero();
        assertThat(countSql(
                        "SELECT COUNT(*) FROM delivery WHERE tracking_id = ? AND next_attempt_at IS NOT NULL", receipt))
                .isZero();
    }

    // ------------------------------------------------------------------ receivers

    private static CertificateValidator validator() throws Exception {
        return new CertificateValidator(
                TrustAnchors.load(DevCerts.DIR.resolve("truststore.p12"), DevCerts.PASSWORD.toCharArray()),
                CrlStore.fromPemFiles(
                        List.of(DevCerts.DIR.resolve("root-ca.crl.pem"), DevCerts.DIR.resolve("issuing-ca.crl.pem"))),
                Clock.systemUTC());
    }

    private static HttpsServer fhirReceiver(int port) throws Exception {
        HttpServlet servlet = new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
                if (!"urn:interchange:gateway:national"
                                .equals(req.getAttribute(ClientCertificateFilter.ORG_ID_ATTRIBUTE))
                        || !req.getRequestURI().endsWith("/fhir/$process-message")) {
                    resp.setStatus(403);
                    return;
                }
                fhirBodies.add(new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                resp.setStatus(200);
                resp.setContentType("application/fhir+json");
                resp.getWriter().write("{\"resourceType\":\"Bundle\",\"type\":\"message\"}");
            }
        };
        return HttpsServer.start(
                "127.0.0.1",
                port,
                TlsContexts.serverContext(DevCerts.p12("la-850"), DevCerts.PASSWORD.toCharArray()),
                new ClientCertificateFilter(
                        validator(),
                        new ErrorResponses(FhirContext.forR4Cached()),
                        r -> {},
                        new uk.safeguarding.interchange.server.RateLimiter(
                                0, 1, id -> java.util.Optional.empty(), java.time.Clock.systemUTC())),
                List.of(ServletMount.of("fhir", servlet, "/fhir/*")));
    }

    @WebServiceProvider(
            serviceName = "RecipientService",
            portName = "RecipientPort",
            targetNamespace = "urn:interchange:soap:v1")
    @ServiceMode(Service.Mode.MESSAGE)
    public static final class SoapReceiver implements Provider<Source> {
        @Override
        public Source invoke(Source request) {
            try {
                StringWriter xml = new StringWriter();
                TransformerFactory.newInstance().newTransformer().transform(request, new StreamResult(xml));
                if (soapDown.get()) {
                    throw new jakarta.xml.ws.soap.SOAPFaultException(
                            jakarta.xml.soap.SOAPFactory.newInstance(jakarta.xml.soap.SOAPConstants.SOAP_1_2_PROTOCOL)
                                    .createFault(
                                            "down for maintenance",
                                            new javax.xml.namespace.QName(
                                                    "http://www.w3.org/2003/05/soap-envelope", "Receiver")));
                }
                soapBodies.add(xml.toString());
                return new StreamSource(
                        new StringReader(
                                "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\">"
                                        + "<soap:Body><DeliverMessageResponse xmlns=\"urn:interchange:soap:v1\"/></soap:Body></soap:Envelope>"));
            } catch (jakarta.xml.ws.soap.SOAPFaultException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static HttpsServer soapReceiver() throws Exception {
        Bus bus = BusFactory.newInstance().createBus();
        CXFNonSpringServlet servlet = new CXFNonSpringServlet();
        servlet.setBus(bus);
        Bus previous = BusFactory.getThreadDefaultBus(false);
        BusFactory.setThreadDefaultBus(bus);
        try {
            Endpoint endpoint = Endpoint.create(SOAPBinding.SOAP12HTTP_BINDING, new SoapReceiver());
            // The receiver checks the gateway's WS-Security signature against the dev PKI (root and issuing CA).
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(
                    "root",
                    uk.safeguarding.interchange.trust.Pem.readCertificate(DevCerts.DIR.resolve("root-ca.crt.pem")));
            trust.setCertificateEntry(
                    "issuing",
                    uk.safeguarding.interchange.trust.Pem.readCertificate(DevCerts.DIR.resolve("issuing-ca.crt.pem")));
            org.apache.wss4j.common.crypto.Merlin merlin = new org.apache.wss4j.common.crypto.Merlin();
            merlin.setTrustStore(trust);
            Map<String, Object> in = new java.util.HashMap<>();
            in.put("action", "Timestamp Signature");
            in.put("signatureVerificationPropRefId", "verifyCrypto");
            in.put("verifyCrypto", merlin);
            ((org.apache.cxf.jaxws.EndpointImpl) endpoint)
                    .getInInterceptors()
                    .add(new org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor(in));
            endpoint.publish("/deliver");
        } finally {
            BusFactory.setThreadDefaultBus(previous);
        }
        return HttpsServer.start(
                "127.0.0.1",
                0,
                TlsContexts.serverContext(DevCerts.p12("mash-850"), DevCerts.PASSWORD.toCharArray()),
                new ClientCertificateFilter(
                        validator(),
                        new ErrorResponses(FhirContext.forR4Cached()),
                        r -> {},
                        new uk.safeguarding.interchange.server.RateLimiter(
                                0, 1, id -> java.util.Optional.empty(), java.time.Clock.systemUTC())),
                List.of(ServletMount.of("soap", servlet, "/soap/*")));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * 09:00 UTC on a coming working day whose next day is a working day too: inside the dev certificates' validity
     * (issued when {@code ./gateway dev-pki} last ran, which a fixed date would eventually precede — the endpoint
     * certificates were then "not yet valid" by the gateway's clock and every push failed the TLS handshake) and with
     * a plain one-working-day SLA ahead of it.
     */
    private static Instant startTime() {
        var calendar = uk.safeguarding.interchange.sla.SlaPolicy.load(Path.of("config/sla.yaml"))
                .calendar();
        java.time.LocalDate day = java.time.LocalDate.now(ZoneOffset.UTC).plusDays(1);
        while (!calendar.isWorkingDay(day) || !calendar.isWorkingDay(day.plusDays(1))) {
            day = day.plusDays(1);
        }
        return day.atTime(9, 0).toInstant(ZoneOffset.UTC);
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static long count(List<String> bodies, String trackingId) {
        synchronized (bodies) {
            return bodies.stream().filter(b -> b.contains(trackingId)).count();
        }
    }

    private static String accept(String example) throws Exception {
        InterchangeMessage message =
                CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical", example)));
        String trackingId = UUID.randomUUID().toString();
        String messageId = "urn:uuid:" + UUID.randomUUID();
        message.getEnvelope().setTrackingId(trackingId);
        message.getEnvelope().setSenderMessageId(messageId);
        message.getEnvelope().setReceivedAt(clock.instant());
        message.getEnvelope().getRecipient().clear();
        DirectAcceptance.accept(gateway, message, SCHOOL_1, ACME, false);
        return trackingId;
    }

    private static List<String> ledger(String trackingId) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event, counterparty, error_code FROM ledger_entry WHERE tracking_id = ? ORDER BY seq")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String row = rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2));
                    rows.add(rs.getString(3) == null ? row : row + " " + rs.getString(3));
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

    private static int attempts(String trackingId, String recipient) throws Exception {
        return countSql(
                "SELECT COUNT(*) FROM delivery_attempt WHERE tracking_id = '" + trackingId + "' AND recipient_id = ?",
                recipient);
    }

    private static int countSql(String sql, String parameter) throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
