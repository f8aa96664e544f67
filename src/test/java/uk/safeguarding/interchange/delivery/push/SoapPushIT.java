package uk.safeguarding.interchange.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.delivery.PushTransport.Outcome;
import uk.safeguarding.interchange.delivery.PushTransport.Result;
import uk.safeguarding.interchange.intake.soap.ReplayCache;
import uk.safeguarding.interchange.intake.soap.SoapSecurity;
import uk.safeguarding.interchange.intake.soap.SoapXml;
import uk.safeguarding.interchange.intake.soap.VerifiedEnvelope;
import uk.safeguarding.interchange.server.ClientCertificateFilter;
import uk.safeguarding.interchange.server.ErrorResponses;
import uk.safeguarding.interchange.server.HttpsServer;
import uk.safeguarding.interchange.server.ServletMount;
import uk.safeguarding.interchange.server.TlsContexts;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.TrustAnchors;

/**
 * How {@link SoapPush} classifies what goes wrong, against a real TLS endpoint on loopback: a failure of the gateway's
 * own transport (here the endpoint presenting another organisation's certificate), which CXF reports as a Sender
 * fault, is transient and never reaches the endpoint; a Sender fault the recipient answers is permanent; a Receiver
 * fault is transient.
 */
class SoapPushIT {
    private static final String MASH_850 = "urn:interchange:mash:850";
    private static final String LA_850 = "urn:interchange:la:850";

    private final AtomicInteger calls = new AtomicInteger();
    private volatile byte[] lastRequest;
    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anEndpointPresentingAnotherOrganisationsCertificateIsATransientTransportFailure() throws Exception {
        server = endpoint("la-850", "Sender");

        Result result = push(MASH_850);

        assertThat(result.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(result.detail()).contains("SSL").doesNotContain("SOAP fault");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aSenderFaultFromTheRecipientIsPermanentAndItsReasonIsKept() throws Exception {
        server = endpoint("la-850", "Sender");

        Result result = push(LA_850);

        assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
        assertThat(result.detail()).isEqualTo("SOAP fault Sender: refused by the test recipient");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aReceiverFaultIsTransient() throws Exception {
        server = endpoint("la-850", "Receiver");

        Result result = push(LA_850);

        assertThat(result.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(result.detail()).startsWith("SOAP fault Receiver");
        assertThat(calls).hasValue(1);
    }

    @Test
    void theDevEcKeySignsTheDeliveryEcdsaSha256() throws Exception {
        server = endpoint("la-850", "Sender");

        push(LA_850, DevCerts.p12("gateway-signing"));

        VerifiedEnvelope verified = verifiedRequest();
        assertThat(verified.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_SHA_256);
        assertThat(verified.signer().organisationId()).isEqualTo("urn:interchange:gateway:national");
        assertThat(verified.operation().getLocalName()).isEqualTo("DeliverMessage");
    }

    @Test
    void anRsaGatewayKeySignsTheDeliveryRsaSha256(@TempDir Path dir) throws Exception {
        server = endpoint("la-850", "Sender");

        push(LA_850, RsaGatewayKey.p12(dir));

        VerifiedEnvelope verified = verifiedRequest();
        assertThat(verified.algorithm()).isEqualTo(SignatureAlgorithm.RSA_SHA_256);
        assertThat(verified.signer().organisationId()).isEqualTo("urn:interchange:gateway:national");
    }

    /** The last request the endpoint received, through the gateway's own WS-Security checks. */
    private VerifiedEnvelope verifiedRequest() throws Exception {
        assertThat(lastRequest).isNotNull();
        Clock clock = Clock.systemUTC();
        return new SoapSecurity(
                        validator(),
                        Pem.readCertificates(DevCerts.DIR.resolve("issuing-ca.crt.pem")),
                        new ReplayCache(clock, 10),
                        clock,
                        Duration.ofSeconds(60))
                .verify(SoapXml.parse(lastRequest));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "01-safeguarding-referral.xml",
                "02-police-notification.xml",
                "03-encompass-notification.xml",
                "04-referral-update.xml",
                "05-referral-withdrawal.xml",
                "06-referral-outcome-accepted.xml",
                "09-information-request.xml",
                "10-information-response.xml",
                "12-delivery-receipt.xml",
                "13-non-delivery-report.xml",
                "14-escalation.xml"
            })
    void theRequestBodyIsADeliverMessageValidAgainstThePublishedSchema(String example) throws Exception {
        InterchangeMessage message =
                new CanonicalXml().unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical", example)));
        String recipient = message.getEnvelope().getRecipient().get(0).getOrgId();
        SoapPush push = new SoapPush(
                GatewayCredentials.load(DevCerts.p12("gateway-signing"), DevCerts.PASSWORD.toCharArray(), validator()),
                Duration.ofSeconds(5));

        byte[] payload = push.payload(message, recipient);

        javax.xml.validation.SchemaFactory.newDefaultInstance()
                .newSchema(Path.of("schemas/soap/interchange-soap.xsd").toFile())
                .newValidator()
                .validate(new javax.xml.transform.stream.StreamSource(new java.io.ByteArrayInputStream(payload)));
        assertThat(new String(payload, StandardCharsets.UTF_8))
                .contains("DeliverMessage")
                .contains(message.getEnvelope().getTrackingId());
    }

    private Result push(String recipientId) throws Exception {
        return push(recipientId, DevCerts.p12("gateway-signing"));
    }

    private Result push(String recipientId, Path gatewayKey) throws Exception {
        CertificateValidator validator = validator();
        SoapPush push = new SoapPush(
                GatewayCredentials.load(gatewayKey, DevCerts.PASSWORD.toCharArray(), validator), Duration.ofSeconds(5));
        InterchangeMessage message = new CanonicalXml()
                .unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical/01-safeguarding-referral.xml")));
        return push.push(URI.create("https://localhost:" + server.port() + "/soap/deliver"), message, recipientId);
    }

    private static CertificateValidator validator() throws Exception {
        return new CertificateValidator(
                TrustAnchors.load(DevCerts.DIR.resolve("truststore.p12"), DevCerts.PASSWORD.toCharArray()),
                CrlStore.fromPemFiles(
                        List.of(DevCerts.DIR.resolve("root-ca.crl.pem"), DevCerts.DIR.resolve("issuing-ca.crl.pem"))),
                Clock.systemUTC());
    }

    /** A SOAP 1.2 endpoint presenting {@code certName}'s certificate that answers every call with a fault. */
    private HttpsServer endpoint(String certName, String faultCode) throws Exception {
        HttpServlet servlet = new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                lastRequest = req.getInputStream().readAllBytes();
                calls.incrementAndGet();
                resp.setStatus(500);
                resp.setContentType("application/soap+xml; charset=UTF-8");
                resp.getOutputStream()
                        .write(("<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>"
                                        + "<soap:Fault><soap:Code><soap:Value>soap:" + faultCode
                                        + "</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang=\"en\">"
                                        + "refused by the test recipient</soap:Text></soap:Reason></soap:Fault>"
                                        + "</soap:Body></soap:Envelope>")
                                .getBytes(StandardCharsets.UTF_8));
            }
        };
        return HttpsServer.start(
                "127.0.0.1",
                0,
                TlsContexts.serverContext(DevCerts.p12(certName), DevCerts.PASSWORD.toCharArray()),
                new ClientCertificateFilter(
                        validator(),
                        new ErrorResponses(FhirContext.forR4Cached()),
                        r -> {},
                        new uk.safeguarding.interchange.server.RateLimiter(
                                0, 1, id -> java.util.Optional.empty(), java.time.Clock.systemUTC())),
                List.of(ServletMount.of("soap", servlet, "/soap/*")));
    }
}
