package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
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
 * recipient DELIVERED through GetMessageStatus, and nobody else can fetch it.
 */
class SoapMailboxIT extends RealGateway {
    private static final String HAMPSHIRE = "la-850";

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

    @Test
    void recipientListsFetchesAndAcknowledgesOverSoapAndTheSenderSeesItDelivered() throws Exception {
        HttpResponse<byte[]> submitted = soap.post(
                SoapIntakeIT.ACME,
                SignedEnvelopes.bytes(SignedEnvelopes.signed(
                        SoapIntakeIT.example("01-safeguarding-referral.xml"), new SignedEnvelopes.Spec())));
        assertThat(submitted.statusCode()).isEqualTo(200);
        String trackingId = SoapSubmitIT.text(SoapGatewayClient.parse(submitted.body()), "trackingId");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> inboxHolds(HAMPSHIRE, trackingId));

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
    }
}
