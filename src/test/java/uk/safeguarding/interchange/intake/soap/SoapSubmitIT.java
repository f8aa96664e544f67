package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.xml.ws.BindingProvider;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.ws.addressing.WSAddressingFeature;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.intake.soap.ws.GatewayFault;
import uk.safeguarding.interchange.intake.soap.ws.InterchangePortType;
import uk.safeguarding.interchange.intake.soap.ws.InterchangeService;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessage;
import uk.safeguarding.interchange.intake.soap.ws.SubmitMessageResponse;
import uk.safeguarding.interchange.testsupport.CpuPermitChecks;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/** Accepted submissions over SOAP: raw WSS4J-signed requests and a CXF JAX-WS client, idempotency, status. */
class SoapSubmitIT extends RealGateway {

    static SoapGatewayClient soap;

    @BeforeAll
    static void start() throws Exception {
        // About intake: what reaches the routing queue and the ledger; routing would consume the queue.
        gateway.camelContext().getRouteController().stopRoute("routing");
        soap = new SoapGatewayClient(gateway);
    }

    static String text(Document doc, String localName) {
        return doc.getElementsByTagNameNS(SoapXml.SERVICE_NS, localName).item(0).getTextContent();
    }

    @Test
    void acceptsASignedReferralDurablyAndAnswersWithASignedResponse() throws Exception {
        int queued = soap.routingQueueDepth();
        SignedEnvelopes.Spec spec = new SignedEnvelopes.Spec();
        byte[] request = SignedEnvelopes.bytes(
                SignedEnvelopes.signed(SoapIntakeIT.example("01-safeguarding-referral.xml"), spec));

        HttpResponse<byte[]> response = soap.post(SoapIntakeIT.ACME, request);

        assertThat(response.statusCode()).isEqualTo(200);
        Document reply = SoapGatewayClient.parse(response.body());
        assertThat(text(reply, "status")).isEqualTo("ok");
        assertThat(text(reply, "senderMessageId")).isEqualTo(spec.messageId);
        String trackingId = text(reply, "trackingId");
        assertThat(soap.lastLedgerEntry()).isEqualTo("ACCEPTED null urn:interchange:system:acme-safeguard");
        assertThat(soap.routingQueueDepth()).isEqualTo(queued + 1);
        // The reply passes the same WS-Security checks the gateway applies to requests, signed by the gateway.
        VerifiedEnvelope verified = SoapSecurityTest.security().verify(SoapXml.parse(response.body()));
        assertThat(verified.signer().organisationId()).isEqualTo("urn:interchange:gateway:national");
        assertThat(verified.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_SHA_256);
        assertThat(verified.operation().getLocalName()).isEqualTo("SubmitMessageResponse");

        // A resend (new signature, same MessageID and Body) gets the original acknowledgement; nothing new is queued.
        HttpResponse<byte[]> resend = soap.post(
                SoapIntakeIT.ACME,
                SignedEnvelopes.bytes(
                        SignedEnvelopes.signed(SoapIntakeIT.example("01-safeguarding-referral.xml"), spec)));
        assertThat(resend.statusCode()).isEqualTo(200);
        assertThat(text(SoapGatewayClient.parse(resend.body()), "trackingId")).isEqualTo(trackingId);
        assertThat(soap.routingQueueDepth()).isEqualTo(queued + 1);

        // The same MessageID with another Body is a conflict.
        soap.assertRejected(
                SoapIntakeIT.ACME,
                SignedEnvelopes.bytes(SignedEnvelopes.signed(
                        SoapIntakeIT.example("01-safeguarding-referral.xml")
                                .replace("Attendance is 82%", "Attendance is 80%"),
                        spec)),
                "DUP-001");

        // The submitter can read its status; another organisation cannot.
        String status = "<ix:GetMessageStatus xmlns:ix=\"urn:interchange:soap:v1\"><ix:trackingId>" + trackingId
                + "</ix:trackingId></ix:GetMessageStatus>";
        HttpResponse<byte[]> own = soap.post(
                SoapIntakeIT.ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(status, new SignedEnvelopes.Spec())));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(text(SoapGatewayClient.parse(own.body()), "event")).isEqualTo("safeguarding-referral");
        SignedEnvelopes.Spec dorset = new SignedEnvelopes.Spec();
        dorset.signer = "police-dorset";
        soap.assertRejected("police-dorset", SignedEnvelopes.bytes(SignedEnvelopes.signed(status, dorset)), "AUTH-006");
    }

    static InterchangePortType cxfClient(String certName) {
        InterchangePortType port = new InterchangeService().getInterchangePort(new WSAddressingFeature());
        ((BindingProvider) port)
                .getRequestContext()
                .put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, soap.endpoint().toString());
        Client client = ClientProxy.getClient(port);
        TLSClientParameters tls = new TLSClientParameters();
        tls.setSslContext(DevCerts.sslContext(certName));
        ((HTTPConduit) client.getConduit()).setTlsClientParameters(tls);

        Properties crypto = new Properties();
        crypto.put("org.apache.wss4j.crypto.provider", "org.apache.wss4j.common.crypto.Merlin");
        crypto.put("org.apache.wss4j.crypto.merlin.keystore.type", "PKCS12");
        crypto.put("org.apache.wss4j.crypto.merlin.keystore.password", DevCerts.PASSWORD);
        crypto.put(
                "org.apache.wss4j.crypto.merlin.keystore.file",
                DevCerts.p12(certName).toString());
        Map<String, Object> out = new HashMap<>();
        out.put(WSHandlerConstants.ACTION, WSHandlerConstants.TIMESTAMP + " " + WSHandlerConstants.SIGNATURE);
        out.put(WSHandlerConstants.USER, certName);
        out.put(WSHandlerConstants.SIG_PROP_REF_ID, "signingCrypto");
        out.put("signingCrypto", crypto);
        out.put(WSHandlerConstants.PW_CALLBACK_REF, (javax.security.auth.callback.CallbackHandler) callbacks -> {
            for (Callback callback : callbacks) {
                ((WSPasswordCallback) callback).setPassword(DevCerts.PASSWORD);
            }
        });
        out.put(WSHandlerConstants.SIG_KEY_ID, "DirectReference");
        out.put(
                WSHandlerConstants.SIG_ALGO,
                certName.equals("police-dorset") ? SoapSecurity.ECDSA_SHA256 : SoapSecurity.RSA_SHA256);
        out.put(WSHandlerConstants.SIG_DIGEST_ALGO, SoapSecurity.SHA256);
        out.put(WSHandlerConstants.SIG_C14N_ALGO, SoapXml.EXC_C14N);
        out.put(WSHandlerConstants.TTL_TIMESTAMP, "300");
        String wsa = "{Element}{" + SoapXml.WSA_NS + "}";
        out.put(
                WSHandlerConstants.SIGNATURE_PARTS,
                "{Element}{" + SoapXml.WSU_NS + "}Timestamp;{Element}{" + SoapXml.SOAP12_NS + "}Body;" + wsa + "Action;"
                        + wsa + "MessageID;" + wsa + "To;" + wsa + "ReplyTo");
        client.getOutInterceptors().add(new WSS4JOutInterceptor(out));
        return port;
    }

    @Test
    void aSubmissionParsesAndVerifiesOnlyWithACpuPermitAndGivesItBack() throws Exception {
        byte[] request = SignedEnvelopes.bytes(SignedEnvelopes.signed(
                SoapIntakeIT.example("01-safeguarding-referral.xml"), new SignedEnvelopes.Spec()));

        HttpResponse<byte[]> answered =
                CpuPermitChecks.sentWhileEveryPermitIsHeld(gateway, () -> soap.post(SoapIntakeIT.ACME, request));

        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(text(SoapGatewayClient.parse(answered.body()), "status")).isEqualTo("ok");
    }

    @Test
    void acceptsAPoliceNotificationSignedWithEcdsaByACxfClient() throws Exception {
        int queued = soap.routingQueueDepth();
        SubmitMessage request = soapBody("02-police-notification.xml");

        SubmitMessageResponse response = cxfClient("police-dorset").submitMessage(request);

        assertThat(response.getStatus().value()).isEqualTo("ok");
        assertThat(response.getTrackingId()).isNotBlank();
        assertThat(soap.lastLedgerEntry()).isEqualTo("ACCEPTED null urn:interchange:police:dorset");
        assertThat(soap.routingQueueDepth()).isEqualTo(queued + 1);
    }

    @Test
    void cxfClientSeesTheGatewayFaultWithItsCode() throws Exception {
        SubmitMessage request = soapBody("01-safeguarding-referral.xml");

        // Dorset Police may not send for a school: the signer is not the sender.
        assertThatThrownBy(() -> cxfClient("police-dorset").submitMessage(request))
                .isInstanceOfSatisfying(
                        GatewayFault.class,
                        f -> assertThat(f.getFaultInfo().getCode()).isEqualTo("SIG-009"));
    }

    static SubmitMessage soapBody(String example) throws Exception {
        jakarta.xml.bind.JAXBContext context = jakarta.xml.bind.JAXBContext.newInstance(
                uk.safeguarding.interchange.intake.soap.ws.ObjectFactory.class);
        Object value = context.createUnmarshaller().unmarshal(new java.io.StringReader(SoapIntakeIT.example(example)));
        return (SubmitMessage) (value instanceof jakarta.xml.bind.JAXBElement<?> e ? e.getValue() : value);
    }
}
