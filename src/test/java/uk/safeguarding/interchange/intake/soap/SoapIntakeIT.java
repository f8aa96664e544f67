package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * The SOAP binding on the real gateway (Jetty mutual TLS, Camel CXF, H2, Artemis): every bad request is a signed
 * SOAP Fault with the exact code, a REJECTED ledger entry, and nothing on the routing queue.
 */
class SoapIntakeIT extends RealGateway {
    static final String ACME = "acme-safeguard";
    static final String LIST_INBOX = "<ix:ListInbox xmlns:ix=\"urn:interchange:soap:v1\"/>";

    static SoapGatewayClient soap;

    @BeforeAll
    static void start() throws Exception {
        // About intake: what reaches the routing queue and the ledger; routing would consume the queue.
        gateway.camelContext().getRouteController().stopRoute("routing");
        soap = new SoapGatewayClient(gateway);
    }

    static String example(String name) throws Exception {
        return Files.readString(Path.of("schemas/examples/soap", name), StandardCharsets.UTF_8)
                .replaceFirst("<\\?xml[^>]*\\?>", "");
    }

    static SignedEnvelopes.Spec spec() {
        return new SignedEnvelopes.Spec();
    }

    static void assertRejected(String tlsClient, byte[] envelope, String code) throws Exception {
        soap.assertRejected(tlsClient, envelope, code);
    }

    @Test
    void servesTheWsdlOverMutualTls() throws Exception {
        HttpResponse<String> response = DevCerts.httpClient(ACME)
                .send(
                        HttpRequest.newBuilder(URI.create(soap.endpoint() + "?wsdl"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("InterchangeService").contains("SubmitMessage");
    }

    @Test
    void listsAnEmptyInboxWithASignedResponse() throws Exception {
        HttpResponse<byte[]> response =
                soap.post(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec())));

        assertThat(response.statusCode()).isEqualTo(200);
        Document reply = SoapGatewayClient.parse(response.body());
        assertThat(reply.getElementsByTagNameNS(SoapXml.SERVICE_NS, "ListInboxResponse")
                        .getLength())
                .isEqualTo(1);
        assertThat(reply.getElementsByTagNameNS(SoapXml.SERVICE_NS, "more")
                        .item(0)
                        .getTextContent())
                .isEqualTo("false");
        assertThat(reply.getElementsByTagNameNS(SoapXml.DSIG_NS, "SignatureValue")
                        .getLength())
                .isEqualTo(1);
    }

    @Test
    void rejectsRequestWithoutSignature() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        Document doc = SignedEnvelopes.envelope(LIST_INBOX, spec);

        assertRejected(ACME, SignedEnvelopes.bytes(doc), "SIG-001");
    }

    @Test
    void rejectsSignatureNotCoveringTheBody() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signBody = false;

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-010");
    }

    @Test
    void rejectsSignatureNotCoveringTheTimestamp() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signTimestamp = false;

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-010");
    }

    @Test
    void rejectsSignatureNotCoveringTheAddressingHeaders() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signAddressing = false;

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-010");
    }

    @Test
    void rejectsBodyChangedAfterSigning() throws Exception {
        Document doc = SignedEnvelopes.signed(
                "<ix:ListInbox xmlns:ix=\"urn:interchange:soap:v1\"><ix:limit>5</ix:limit></ix:ListInbox>", spec());
        SignedEnvelopes.body(doc)
                .getElementsByTagNameNS(SoapXml.SERVICE_NS, "limit")
                .item(0)
                .setTextContent("500");

        assertRejected(ACME, SignedEnvelopes.bytes(doc), "SIG-004");
    }

    @Test
    void rejectsSignedBodyMovedIntoAHeaderWithAForgedBodyInItsPlace() throws Exception {
        Document doc = SignedEnvelopes.signed(LIST_INBOX, spec());
        Element signedBody = SignedEnvelopes.body(doc);
        Element wrapper = doc.createElementNS("urn:attacker", "x:Wrapper");
        SignedEnvelopes.header(doc).appendChild(wrapper);
        Element forged = doc.createElementNS(SoapXml.SOAP12_NS, "soap:Body");
        forged.appendChild(doc.importNode(
                SoapGatewayClient.parse(
                                "<ix:ListInbox xmlns:ix=\"urn:interchange:soap:v1\"><ix:limit>500</ix:limit></ix:ListInbox>"
                                        .getBytes(StandardCharsets.UTF_8))
                        .getDocumentElement(),
                true));
        doc.getDocumentElement().replaceChild(forged, signedBody);
        wrapper.appendChild(signedBody);

        assertRejected(ACME, SignedEnvelopes.bytes(doc), "SIG-010");
    }

    @Test
    void rejectsForgedBodyCarryingTheSignedBodysId() throws Exception {
        Document doc = SignedEnvelopes.signed(LIST_INBOX, spec());
        Element signedBody = SignedEnvelopes.body(doc);
        Element forged = (Element) signedBody.cloneNode(true);
        Element wrapper = doc.createElementNS("urn:attacker", "x:Wrapper");
        SignedEnvelopes.header(doc).appendChild(wrapper);
        doc.getDocumentElement().replaceChild(forged, signedBody);
        wrapper.appendChild(signedBody);

        assertRejected(ACME, SignedEnvelopes.bytes(doc), "SIG-010");
    }

    @Test
    void rejectsSignedBodyHiddenInsideTheSignatureWithAForgedBody() throws Exception {
        Document doc = SignedEnvelopes.signed(LIST_INBOX, spec());
        Element signedBody = SignedEnvelopes.body(doc);
        Element signature = (Element)
                doc.getElementsByTagNameNS(SoapXml.DSIG_NS, "Signature").item(0);
        Element object = doc.createElementNS(SoapXml.DSIG_NS, "ds:Object");
        signature.appendChild(object);
        Element forged = doc.createElementNS(SoapXml.SOAP12_NS, "soap:Body");
        forged.appendChild(doc.createElementNS(SoapXml.SERVICE_NS, "ix:ListInbox"));
        doc.getDocumentElement().replaceChild(forged, signedBody);
        object.appendChild(signedBody);

        assertRejected(ACME, SignedEnvelopes.bytes(doc), "SIG-010");
    }

    @Test
    void rejectsExpiredTimestamp() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.created = Instant.now().minusSeconds(600);

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-011");
    }

    @Test
    void rejectsTimestampTooFarInTheFuture() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.created = Instant.now().plusSeconds(600);

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-011");
    }

    @Test
    void rejectsTimestampLivingLongerThanFiveMinutes() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.ttlSeconds = 3600;

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-011");
    }

    @Test
    void rejectsMissingTimestamp() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.timestamp = false;

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-011");
    }

    @Test
    void rejectsReplayedSignedRequest() throws Exception {
        byte[] envelope = SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec()));
        assertThat(soap.post(ACME, envelope).statusCode()).isEqualTo(200);

        assertRejected(ACME, envelope, "DUP-002");
    }

    @Test
    void rejectsRsaSha1Signature() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signatureAlgorithm = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-003");
    }

    @Test
    void rejectsSignerFromAnUntrustedCa() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signer = "untrusted";

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-005");
    }

    @Test
    void rejectsExpiredSignerCertificate() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signer = "expired";

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-006");
    }

    @Test
    void rejectsRevokedSignerCertificate() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signer = "revoked";

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-007");
    }

    @Test
    void rejectsSignerWithoutDigitalSignatureKeyUsage() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signer = "no-digital-signature";

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(LIST_INBOX, spec)), "SIG-008");
    }

    @Test
    void rejectsSubmissionSignedByAnOrganisationThatIsNotTheSender() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signer = "school-100002";

        assertRejected(
                ACME,
                SignedEnvelopes.bytes(SignedEnvelopes.signed(example("01-safeguarding-referral.xml"), spec)),
                "SIG-009");
    }

    @Test
    void rejectsSubmissionByASystemNotActingForTheSender() throws Exception {
        SignedEnvelopes.Spec spec = spec();
        spec.signer = "school-100001";

        assertRejected(
                "police-dorset",
                SignedEnvelopes.bytes(SignedEnvelopes.signed(example("01-safeguarding-referral.xml"), spec)),
                "AUTH-007");
    }

    @Test
    void rejectsEventTheSenderMayNotSend() throws Exception {
        assertRejected(
                ACME,
                SignedEnvelopes.bytes(SignedEnvelopes.signed(
                        example("02-police-notification.xml")
                                .replaceFirst("urn:interchange:police:dorset", "urn:interchange:school:100001"),
                        spec())),
                "AUTH-005");
    }

    @Test
    void rejectsBodyViolatingTheSchema() throws Exception {
        String invalid = Files.readString(Path.of("schemas/examples/soap/invalid/bad-priority.xml"))
                .replaceFirst("<\\?xml[^>]*\\?>", "");

        assertRejected(ACME, SignedEnvelopes.bytes(SignedEnvelopes.signed(invalid, spec())), "SCHEMA-005");
    }

    @Test
    void rejectsUnknownOperation() throws Exception {
        assertRejected(
                ACME,
                SignedEnvelopes.bytes(
                        SignedEnvelopes.signed("<ix:DeleteEverything xmlns:ix=\"urn:interchange:soap:v1\"/>", spec())),
                "SCHEMA-009");
    }

    @Test
    void rejectsDoctypeWithExternalEntity() throws Exception {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12_NS + "\"><soap:Body>&x;</soap:Body></soap:Envelope>";

        assertRejected(ACME, xml.getBytes(StandardCharsets.UTF_8), "SCHEMA-003");
    }

    @Test
    void rejectsBillionLaughs() throws Exception {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        dtd.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
        for (int i = 2; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            dtd.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        String xml = dtd + "<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12_NS
                + "\"><soap:Body>&lol9;</soap:Body></soap:Envelope>";

        assertRejected(ACME, xml.getBytes(StandardCharsets.UTF_8), "SCHEMA-003");
    }

    @Test
    void rejectsAHundredThousandSiblingElements() throws Exception {
        String xml = "<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12_NS + "\"><soap:Body><ix:ListInbox xmlns:ix=\""
                + SoapXml.SERVICE_NS + "\">" + "<a/>".repeat(100_000) + "</ix:ListInbox></soap:Body></soap:Envelope>";

        assertRejected(ACME, xml.getBytes(StandardCharsets.UTF_8), "LIMIT-003");
    }

    @Test
    void rejectsOversizedBody() throws Exception {
        String xml = "<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12_NS + "\"><soap:Body><x>"
                + "a".repeat(6 * 1024 * 1024) + "</x></soap:Body></soap:Envelope>";

        assertRejected(ACME, xml.getBytes(StandardCharsets.UTF_8), "LIMIT-001");
    }
}
