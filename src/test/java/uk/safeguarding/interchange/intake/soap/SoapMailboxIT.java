package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * The SOAP mailbox operations on routing's real mailbox: a school's referral submitted over SOAP is routed to
 * Hampshire children's services, which lists, fetches and acknowledges it over SOAP; the sender then sees the
 * recipient DELIVERED through GetMessageStatus, and nobody else can fetch it. A client paging through ListInbox with
 * {@code since} sees every message once.
 */
class SoapMailboxIT extends RealGateway {
    private static final String HAMPSHIRE = "la-850";
    private static final String HAMPSHIRE_ID = "urn:interchange:la:850";

    static SoapGatewayClient soap;

    @BeforeAll
    static void start() {
        soap = new SoapGatewayClient(gateway);
    }

    private static Document call(String org, String operationXml) throws Exception {
        SignedEnvelopes.Spec spec = new SignedEnvelopes.Spec();
        spec.signer = org;
        HttpResponse<byte[]> response =
                soap.post(org, SignedEnvelopes.bytes(SignedEnvelopes.signed(operationXml, spec)));
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        return SoapGatewayClient.parse(response.body());
    }

    private static NodeList all(Document doc, String localName) {
        return doc.getElementsByTagNameNS(SoapXml.SERVICE_NS, localName);
    }

    private static boolean inboxHolds(String org, String trackingId) throws Exception {
        NodeList ids = all(call(org, SoapIntakeIT.LIST_INBOX), "trackingId");
        for (int i = 0; i < ids.getLength(); i++) {
            if (ids.item(i).getTextContent().equals(trackingId)) {
                return true;
            }
        }
        return false;
    }

    private static String submitReferral() throws Exception {
        HttpResponse<byte[]> submitted = soap.post(
                SoapIntakeIT.ACME,
                SignedEnvelopes.bytes(SignedEnvelopes.signed(
                        SoapIntakeIT.example("01-safeguarding-referral.xml"), new SignedEnvelopes.Spec())));
        assertThat(submitted.statusCode()).isEqualTo(200);
        return SoapSubmitIT.text(SoapGatewayClient.parse(submitted.body()), "trackingId");
    }

    /** One ListInbox summary: its tracking id and its two times, as the client received them. */
    private record Summary(String trackingId, String receivedAt, String availableAt) {}

    private static String child(Element parent, String localName) {
        return parent.getElementsByTagNameNS(SoapXml.SERVICE_NS, localName)
                .item(0)
                .getTextContent();
    }

    @Test
    void pagingBySinceListsEveryMessageOnceWhenOneAcceptedEarlierBecameAvailableLater() throws Exception {
        String acceptedFirst = submitReferral();
        String acceptedSecond = submitReferral();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> inboxHolds(HAMPSHIRE, acceptedFirst) && inboxHolds(HAMPSHIRE, acceptedSecond));
        // The message accepted first becomes available after the second one (as after a slow route or a
        // redelivery): the listing's order and the acceptance order now differ.
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT available_at FROM delivery WHERE tracking_id = ? AND recipient_id = ?");
                PreparedStatement move = c.prepareStatement(
                        "UPDATE delivery SET available_at = ? WHERE tracking_id = ? AND recipient_id = ?")) {
            read.setString(1, acceptedSecond);
            read.setString(2, HAMPSHIRE_ID);
            Instant second;
            try (ResultSet rs = read.executeQuery()) {
                assertThat(rs.next()).isTrue();
                second = rs.getTimestamp(1).toInstant();
            }
            move.setTimestamp(1, Timestamp.from(second.plusMillis(1)));
            move.setString(2, acceptedFirst);
            move.setString(3, HAMPSHIRE_ID);
            assertThat(move.executeUpdate()).isEqualTo(1);
        }

        // A client pages one message at a time, each time from the last message it was given.
        List<Summary> listed = new ArrayList<>();
        String since = null;
        boolean more = true;
        while (more) {
            assertThat(listed).as("pages end").hasSizeLessThan(100);
            Document page = call(
                    HAMPSHIRE,
                    "<ix:ListInbox xmlns:ix=\"urn:interchange:soap:v1\">"
                            + (since == null ? "" : "<ix:since>" + since + "</ix:since>")
                            + "<ix:limit>1</ix:limit></ix:ListInbox>");
            NodeList messages = all(page, "message");
            assertThat(messages.getLength()).isLessThanOrEqualTo(1);
            for (int i = 0; i < messages.getLength(); i++) {
                Element m = (Element) messages.item(i);
                listed.add(new Summary(child(m, "trackingId"), child(m, "receivedAt"), child(m, "availableAt")));
                since = child(m, "availableAt");
            }
            more = Boolean.parseBoolean(all(page, "more").item(0).getTextContent());
        }

        List<String> ids = listed.stream().map(Summary::trackingId).toList();
        assertThat(ids).doesNotHaveDuplicates().containsSubsequence(acceptedSecond, acceptedFirst);
        Summary first = listed.get(ids.indexOf(acceptedFirst));
        Summary second = listed.get(ids.indexOf(acceptedSecond));
        assertThat(Instant.parse(first.receivedAt())).isBefore(Instant.parse(second.receivedAt()));
        assertThat(Instant.parse(first.availableAt())).isAfter(Instant.parse(second.availableAt()));
    }

    @Test
    void recipientListsFetchesAndAcknowledgesOverSoapAndTheSenderSeesItDelivered() throws Exception {
        String trackingId = submitReferral();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> inboxHolds(HAMPSHIRE, trackingId));
        assertThat(summaryRecipient(HAMPSHIRE, trackingId, "safeguarding-referral"))
                .isEqualTo(HAMPSHIRE_ID);

        String byId =
                "<ix:%s xmlns:ix=\"urn:interchange:soap:v1\"><ix:trackingId>" + trackingId + "</ix:trackingId></ix:%s>";
        Document fetched = call(HAMPSHIRE, byId.formatted("FetchMessage", "FetchMessage"));
        Element message = (Element) all(fetched, "message").item(0);
        assertThat(message.getElementsByTagNameNS(SoapXml.SERVICE_NS, "trackingId")
                        .item(0)
                        .getTextContent())
                .isEqualTo(trackingId);
        assertThat(all(fetched, "event").item(0).getTextContent()).isEqualTo("safeguarding-referral");

        // Another organisation cannot fetch it.
        SignedEnvelopes.Spec dorset = new SignedEnvelopes.Spec();
        dorset.signer = "police-dorset";
        HttpResponse<byte[]> refused = soap.post(
                "police-dorset",
                SignedEnvelopes.bytes(SignedEnvelopes.signed(byId.formatted("FetchMessage", "FetchMessage"), dorset)));
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(SoapGatewayClient.faultCode(refused.body())).isEqualTo("AUTH-006");

        Document acknowledged = call(HAMPSHIRE, byId.formatted("AcknowledgeMessage", "AcknowledgeMessage"));
        assertThat(all(acknowledged, "status").item(0).getTextContent()).isEqualTo("ok");
        assertThat(inboxHolds(HAMPSHIRE, trackingId)).isFalse();

        Document status = call(SoapIntakeIT.ACME, byId.formatted("GetMessageStatus", "GetMessageStatus"));
        NodeList recipients = all(status, "recipientStatus");
        boolean hampshireDelivered = false;
        for (int i = 0; i < recipients.getLength(); i++) {
            Element r = (Element) recipients.item(i);
            String org = r.getElementsByTagNameNS(SoapXml.SERVICE_NS, "orgId")
                    .item(0)
                    .getTextContent();
            String state = r.getElementsByTagNameNS(SoapXml.SERVICE_NS, "state")
                    .item(0)
                    .getTextContent();
            if (org.equals("urn:interchange:la:850") && state.equals("DELIVERED")) {
                hampshireDelivered = true;
            }
        }
        assertThat(hampshireDelivered)
                .as("la:850 DELIVERED in GetMessageStatus")
                .isTrue();

        // The receipt goes to the sender's mailbox; the vendor system acting for that school and another one lists
        // it and sees whose mailbox it is in.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> summaryRecipient(SoapIntakeIT.ACME, null, "delivery-receipt") != null);
        assertThat(summaryRecipient(SoapIntakeIT.ACME, null, "delivery-receipt"))
                .isEqualTo("urn:interchange:school:100001");
    }

    /**
     * The recipient org id of the first ListInbox summary for {@code org} with this tracking id (any, when null) and
     * event, or null when there is none.
     */
    private static String summaryRecipient(String org, String trackingId, String event) throws Exception {
        NodeList messages = all(call(org, SoapIntakeIT.LIST_INBOX), "message");
        for (int i = 0; i < messages.getLength(); i++) {
            Element m = (Element) messages.item(i);
            if ((trackingId == null || child(m, "trackingId").equals(trackingId))
                    && child(m, "event").equals(event)) {
                Element recipient = (Element) m.getElementsByTagNameNS(SoapXml.SERVICE_NS, "recipient")
                        .item(0);
                return child(recipient, "orgId");
            }
        }
        return null;
    }
}
