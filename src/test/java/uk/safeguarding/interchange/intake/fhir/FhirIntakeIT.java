package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.intake.fhir.SignedMessages.example;
import static uk.safeguarding.interchange.intake.fhir.SignedMessages.fresh;
import static uk.safeguarding.interchange.intake.fhir.SignedMessages.resource;
import static uk.safeguarding.interchange.intake.fhir.SignedMessages.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.testsupport.CpuPermitChecks;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.QueueContents;
import uk.safeguarding.interchange.testsupport.TestGateway;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.JwsAlgorithm;
import uk.safeguarding.interchange.trust.OrganisationIds;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.StrictJson;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * {@code POST /fhir/$process-message} against the real gateway (Jetty with mutual TLS, Camel route, H2, Artemis),
 * started once. Every refused input asserts the HTTP status, the exact code in the OperationOutcome, one REJECTED
 * ledger row without personal data, and nothing new on the routing queue.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirIntakeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/fhir+json";
    private static final String XML_TYPE = "application/fhir+xml";
    /** The vendor system acting for schools 100001 and 100002. */
    private static final String VENDOR = "acme-safeguard";
    /** The committed Node-signed vector was signed on a fixed date; the window is widened so it stays acceptable. */
    private static final String NODE_VECTOR = "src/test/resources/vectors/fhir/safeguarding-referral.node-signed.json";

    @TempDir
    static Path tmp;

    static GatewayRuntime gateway;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> overrides = TestGateway.overrides(tmp.resolve("data"), 0);
        overrides.put("gateway.fhir.signature.max.age", "P800D");
        overrides.put("gateway.fhir.max.body.bytes", "262144");
        gateway = GatewayRuntime.start(uk.safeguarding.interchange.config.GatewaySettings.load(overrides));
        // These tests are about intake: what reaches the routing queue and the ledger. Routing (tested in
        // RoutingAndDeliveryIT) would consume the queue and append ROUTED entries, so it is paused here.
        gateway.camelContext().getRouteController().stopRoute("routing");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---------------------------------------------------------------- accepted messages

    @ParameterizedTest(name = "{0} signed by {1}")
    @CsvSource({
        "safeguarding-referral, acme-safeguard",
        "referral-update, acme-safeguard",
        "referral-withdrawal, school-100001",
        "police-notification, police-dorset",
        "encompass-notification, police-hampshire",
        "information-request, mash-850",
        "information-response, police-dorset",
        "referral-outcome-accepted, la-850",
        "referral-outcome-declined, la-850",
        "referral-outcome-transferred, la-850",
    })
    @Order(1)
    void acceptsEveryPartyEventWithASignedOkReply(String example, String signer) throws Exception {
        ObjectNode bundle = fresh(example);
        int queued = routingQueue().size();

        HttpResponse<byte[]> response = post(signer, JSON_TYPE, sign(bundle, signer, Instant.now()));

        assertThat(response.statusCode()).as(summary(response)).isEqualTo(200);
        assertThat(response.headers().allValues("Cache-Control")).containsExactly("no-store");
        Bundle reply = okReply(response, bundle);
        String trackingId = reply.getIdentifier().getValue();
        assertThat(routingQueue()).hasSize(queued + 1).contains(trackingId);
        assertThat(lastLedgerRow()).containsEntry("event", "ACCEPTED").containsEntry("tracking_id", trackingId);
    }

    @Test
    @Order(2)
    void acceptsAnXmlSubmissionAndAnswersInXml() throws Exception {
        ObjectNode bundle = fresh("police-notification");
        byte[] xml = FhirEncoding.convert(FhirEncoding.toJsonBytes(bundle), FhirFormat.XML);
        byte[] signed = new BundleSigner(SignedMessages.key("police-dorset")).sign(xml, FhirFormat.XML, Instant.now());
        int queued = routingQueue().size();

        HttpResponse<byte[]> response = post("police-dorset", XML_TYPE, signed);

        assertThat(response.statusCode()).as(summary(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith(XML_TYPE));
        assertThat(body(response)).startsWith("<Bundle");
        // The XML reply's signature covers its FHIR JSON form, exactly like a vendor's XML submission.
        FhirEncoding.Decoded decoded = new FhirEncoding(1 << 20).decode(response.body(), FhirFormat.XML);
        assertGatewaySigned(decoded.tree());
        assertThat(routingQueue()).hasSize(queued + 1);
    }

    @Test
    @Order(2)
    void eachStageOfASubmissionIsAJfrEventOnItsRequestThreadInOrder() throws Exception {
        byte[] accepted = sign(fresh("safeguarding-referral"), VENDOR, Instant.now());
        byte[] futureSigned =
                sign(fresh("safeguarding-referral"), VENDOR, Instant.now().plus(Duration.ofHours(1)));
        Path file = Files.createTempFile("intake-stages", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("uk.safeguarding.interchange.IntakeStage").withThreshold(Duration.ZERO);
            recording.start();
            assertThat(post(VENDOR, JSON_TYPE, accepted).statusCode()).isEqualTo(200);
            assertThat(post(VENDOR, JSON_TYPE, futureSigned).statusCode()).isEqualTo(400);
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("uk.safeguarding.interchange.IntakeStage"))
                .toList();
        Files.delete(file);
        // The two requests ran one after the other: in time order, the accepted one's stages, then the refused one's,
        // which stops at verify (its failure's time is recorded too).
        assertThat(events.stream()
                        .sorted(Comparator.comparing(RecordedEvent::getStartTime))
                        .map(e -> e.getString("stage")))
                .containsExactly(
                        "read",
                        "parse",
                        "verify",
                        "authorise",
                        "validate",
                        "rules",
                        "translate",
                        "accept",
                        "read",
                        "parse",
                        "verify");
        assertThat(events)
                .allSatisfy(e -> assertThat(e.getThread().getJavaName()).startsWith("https-"));
    }

    @Test
    @Order(3)
    void anExactResendGetsTheSameAcknowledgementAndQueuesNothingMore() throws Exception {
        byte[] signed = sign(fresh("safeguarding-referral"), VENDOR, Instant.now());
        HttpResponse<byte[]> first = post(VENDOR, JSON_TYPE, signed);
        int queued = routingQueue().size();

        HttpResponse<byte[]> again = post(VENDOR, JSON_TYPE, signed);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(routingQueue()).hasSize(queued);
    }

    @Test
    @Order(4)
    void sameIdWithDifferentContentIsDup001() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertThat(post(VENDOR, JSON_TYPE, sign(bundle.deepCopy(), VENDOR, Instant.now()))
                        .statusCode())
                .isEqualTo(200);
        resource(bundle, "ServiceRequest").put("priority", "stat");

        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())), 409, ErrorCode.DUP_CONFLICT, bundle);
    }

    @Test
    @Order(5)
    void acceptsTheBundleSignedByNodeJose() throws Exception {
        byte[] signed = Files.readAllBytes(Path.of(NODE_VECTOR));

        HttpResponse<byte[]> response = post(VENDOR, JSON_TYPE, signed);

        assertThat(response.statusCode()).as(summary(response)).isEqualTo(200);
        okReply(response, (ObjectNode) JSON.readTree(signed));
    }

    @Test
    @Order(6)
    void theSubmitCommandSignsAndPostsJsonAndXml() throws Exception {
        Path json = tmp.resolve("referral.json");
        Files.write(json, FhirEncoding.toJsonBytes(fresh("safeguarding-referral")));
        Path xml = tmp.resolve("notification.xml");
        Files.write(xml, FhirEncoding.convert(FhirEncoding.toJsonBytes(fresh("police-notification")), FhirFormat.XML));
        int queued = routingQueue().size();

        int jsonExit = uk.safeguarding.interchange.cli.SubmitCommand.run(new String[] {
            "--cert",
            VENDOR,
            "--file",
            json.toString(),
            "--url",
            gateway.baseUri().toString()
        });
        int xmlExit = uk.safeguarding.interchange.cli.SubmitCommand.run(new String[] {
            "--cert",
            "police-dorset",
            "--file",
            xml.toString(),
            "--url",
            gateway.baseUri().toString()
        });
        int wrongSigner = uk.safeguarding.interchange.cli.SubmitCommand.run(new String[] {
            "--cert",
            VENDOR,
            "--sign-as",
            "police-dorset",
            "--file",
            json.toString(),
            "--url",
            gateway.baseUri().toString()
        });

        assertThat(jsonExit).isZero();
        assertThat(xmlExit).isZero();
        assertThat(wrongSigner).isEqualTo(1);
        assertThat(routingQueue()).hasSize(queued + 2);
        assertThat(lastLedgerRow()).containsEntry("error_code", "SIG-009");
    }

    // ---------------------------------------------------------------- transport identity

    @Test
    void noClientCertificateIsAuth001() throws Exception {
        assertRefused(
                post(null, JSON_TYPE, sign(fresh("safeguarding-referral"), VENDOR, Instant.now())),
                401,
                ErrorCode.AUTH_NO_CLIENT_CERT,
                example("safeguarding-referral"));
    }

    @Test
    void untrustedClientCertificateIsAuth002() throws Exception {
        assertRefused(
                post("untrusted", JSON_TYPE, sign(fresh("safeguarding-referral"), VENDOR, Instant.now())),
                401,
                ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED,
                example("safeguarding-referral"));
    }

    @Test
    void clientNotActingForTheSenderIsAuth007() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post("police-hampshire", JSON_TYPE, sign(bundle, VENDOR, Instant.now())),
                403,
                ErrorCode.AUTH_NOT_ACTING_FOR_SENDER,
                bundle);
    }

    /** Whatever HAPI's server refuses before the intake sees it is answered with a gateway code and ledgered. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /fhir/Patient",
        "GET, /fhir/Patient/1",
        "GET, /fhir/$process-message",
        "POST, /fhir/Bundle",
        "POST, /fhir/$validate",
        "DELETE, /fhir/metadata",
    })
    void aResourceOrOperationTheFhirEndpointDoesNotHaveIsSchema009(String method, String path) throws Exception {
        byte[] body = sign(fresh("safeguarding-referral"), VENDOR, Instant.now());
        HttpResponse<byte[]> response = DevCerts.httpClient(VENDOR)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + path))
                                .header("Content-Type", JSON_TYPE)
                                .method(
                                        method,
                                        "POST".equals(method)
                                                ? HttpRequest.BodyPublishers.ofByteArray(body)
                                                : HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());

        assertRefused(response, 400, ErrorCode.SCHEMA_UNKNOWN_OPERATION, null);
        assertThat(lastLedgerRow()).containsEntry("actor", "urn:interchange:system:" + VENDOR);
    }

    // ---------------------------------------------------------------- signatures

    @Test
    void unsignedBundleIsSig001() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        bundle.remove("signature");
        assertRefused(post(VENDOR, JSON_TYPE, FhirEncoding.toJsonBytes(bundle)), 400, ErrorCode.SIG_MISSING, bundle);
    }

    @Test
    void payloadChangedAfterSigningIsSig004() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        sign(bundle, VENDOR, Instant.now());
        resource(bundle, "ServiceRequest").put("priority", "routine");
        assertRefused(post(VENDOR, JSON_TYPE, FhirEncoding.toJsonBytes(bundle)), 400, ErrorCode.SIG_INVALID, bundle);
    }

    @Test
    void signatureDataThatIsNotBase64IsSchema004() throws Exception {
        // HAPI's base64 check decides (FhirEncoding swaps in the JDK's codec only after it): refused before the
        // signature is read, with a ledger record and nothing queued.
        ObjectNode bundle = fresh("safeguarding-referral");
        sign(bundle, VENDOR, Instant.now());
        ((ObjectNode) bundle.get("signature")).put("data", "not base64!");
        assertRefused(post(VENDOR, JSON_TYPE, FhirEncoding.toJsonBytes(bundle)), 422, ErrorCode.SCHEMA_PROFILE, bundle);
    }

    @Test
    void algNoneIsSig003() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        sign(bundle, VENDOR, Instant.now());
        String header = b64url(("{\"alg\":\"none\",\"x5c\":" + x5c(VENDOR) + "}").getBytes(StandardCharsets.UTF_8));
        setJws(bundle, header + "..");
        assertRefused(
                post(VENDOR, JSON_TYPE, FhirEncoding.toJsonBytes(bundle)), 400, ErrorCode.SIG_ALG_NOT_ALLOWED, bundle);
    }

    @Test
    void hs256WithThePublicKeyAsSecretIsSig003() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        sign(bundle, VENDOR, Instant.now());
        SigningKey key = SignedMessages.key(VENDOR);
        String header = b64url(("{\"alg\":\"HS256\",\"x5c\":" + x5c(VENDOR) + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.chain().get(0).getPublicKey().getEncoded(), "HmacSHA256"));
        byte[] payload = BundleSignature.signingPayload(bundle);
        byte[] tag = mac.doFinal((header + "." + b64url(payload)).getBytes(StandardCharsets.US_ASCII));
        setJws(bundle, header + ".." + b64url(tag));
        assertRefused(
                post(VENDOR, JSON_TYPE, FhirEncoding.toJsonBytes(bundle)), 400, ErrorCode.SIG_ALG_NOT_ALLOWED, bundle);
    }

    @Test
    void x5cChainedToAnUntrustedCaIsSig005() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, "untrusted", Instant.now())),
                400,
                ErrorCode.SIG_CERT_UNTRUSTED,
                bundle);
    }

    @Test
    void expiredSignerCertificateIsSig006() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, "expired", Instant.now())),
                400,
                ErrorCode.SIG_CERT_EXPIRED,
                bundle);
    }

    @Test
    void revokedSignerCertificateIsSig007() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, "revoked", Instant.now())),
                400,
                ErrorCode.SIG_CERT_REVOKED,
                bundle);
    }

    @Test
    void signerNeitherSenderNorDelegatedIsSig009() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, "police-dorset", Instant.now())),
                403,
                ErrorCode.SIG_SIGNER_NOT_SENDER,
                bundle);
    }

    @Test
    void signingTimeInTheFutureIsSig012() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now().plus(Duration.ofHours(1)))),
                400,
                ErrorCode.SIG_SIGNING_TIME,
                bundle);
    }

    @Test
    void signingTimeOlderThanTheWindowIsSig012() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now().minus(Duration.ofDays(801)))),
                400,
                ErrorCode.SIG_SIGNING_TIME,
                bundle);
    }

    // ---------------------------------------------------------------- syntax and limits

    @Test
    void malformedJsonIsSchema001() throws Exception {
        assertRefused(
                post(VENDOR, JSON_TYPE, "{\"resourceType\": \"Bundle\",".getBytes(StandardCharsets.UTF_8)),
                400,
                ErrorCode.SCHEMA_MALFORMED,
                null);
    }

    @Test
    void duplicateJsonKeysAreSchema002() throws Exception {
        byte[] signed = sign(fresh("safeguarding-referral"), VENDOR, Instant.now());
        String json = new String(signed, StandardCharsets.UTF_8);
        byte[] duplicated = json.replaceFirst("\"type\":\"message\"", "\"type\":\"message\",\"type\":\"collection\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(duplicated).isNotEqualTo(signed);
        assertRefused(post(VENDOR, JSON_TYPE, duplicated), 400, ErrorCode.SCHEMA_DUPLICATE_KEY, null);
    }

    @Test
    void nesting10000DeepIsLimit002() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertRefused(
                post(VENDOR, JSON_TYPE, deep.getBytes(StandardCharsets.UTF_8)), 400, ErrorCode.LIMIT_TOO_DEEP, null);
    }

    @Test
    void bodyOverTheSizeLimitIsLimit001() throws Exception {
        byte[] big = new byte[262_145];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        assertRefused(post(VENDOR, JSON_TYPE, big), 413, ErrorCode.LIMIT_BODY_TOO_LARGE, null);
    }

    @Test
    void wrongContentTypeIsSchema008() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        assertRefused(
                post(VENDOR, "text/plain", sign(bundle, VENDOR, Instant.now())),
                415,
                ErrorCode.SCHEMA_MEDIA_TYPE,
                bundle);
    }

    @Test
    void xmlWithADtdIsSchema003() throws Exception {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE Bundle [<!ENTITY x \"boom\">]>"
                + "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"&x;\"/><type value=\"message\"/></Bundle>";
        assertRefused(
                post(VENDOR, XML_TYPE, xml.getBytes(StandardCharsets.UTF_8)),
                400,
                ErrorCode.SCHEMA_DTD_FORBIDDEN,
                null);
    }

    @Test
    void xmlWithAnExternalEntityIsSchema003() throws Exception {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE Bundle [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/><type value=\"message\"/>"
                + "<entry><resource><Basic><text><div xmlns=\"http://www.w3.org/1999/xhtml\">&x;</div></text>"
                + "</Basic></resource></entry></Bundle>";
        HttpResponse<byte[]> response = post(VENDOR, XML_TYPE, xml.getBytes(StandardCharsets.UTF_8));
        assertRefused(response, 400, ErrorCode.SCHEMA_DTD_FORBIDDEN, null);
        assertThat(body(response)).doesNotContain("root:");
    }

    // ---------------------------------------------------------------- content

    @Test
    void unknownEventIsSchema007() throws Exception {
        ObjectNode bundle = fresh("invalid/unknown-event");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())),
                400,
                ErrorCode.SCHEMA_UNKNOWN_EVENT,
                bundle);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"invalid/missing-child", "invalid/invalid-nhs-number", "invalid/missing-priority"})
    void profileViolationsAreSchema004(String example) throws Exception {
        ObjectNode bundle = fresh(example);
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())), 422, ErrorCode.SCHEMA_PROFILE, bundle);
    }

    @Test
    void unknownRecipientIsRoute003() throws Exception {
        ObjectNode bundle = withDestination(fresh("safeguarding-referral"), "urn:interchange:la:999");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())),
                422,
                ErrorCode.ROUTE_UNKNOWN_DESTINATION,
                bundle);
    }

    @Test
    void recipientThatDoesNotReceiveTheEventIsRoute004() throws Exception {
        ObjectNode bundle = withDestination(fresh("safeguarding-referral"), "urn:interchange:auditor:dev-auditor");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())),
                422,
                ErrorCode.ROUTE_DESTINATION_NOT_PERMITTED,
                bundle);
    }

    @Test
    void eventTheSendersKindMayNotSendIsAuth005() throws Exception {
        // A school may not send a police notification, even through its vendor.
        ObjectNode bundle = fresh("safeguarding-referral");
        ((ObjectNode) resource(bundle, "MessageHeader").get("eventCoding")).put("code", "police-notification");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())),
                403,
                ErrorCode.AUTH_EVENT_NOT_PERMITTED,
                bundle);
    }

    @Test
    void referenceOutsideTheBundleIsRule001() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        ((ObjectNode) resource(bundle, "ServiceRequest").get("subject")).put("reference", "Patient/missing");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())),
                422,
                ErrorCode.RULE_REFERENCE_UNRESOLVED,
                bundle);
    }

    @Test
    void birthDateInTheFutureIsRule002() throws Exception {
        ObjectNode bundle = fresh("safeguarding-referral");
        resource(bundle, "Patient").put("birthDate", "2099-01-01");
        assertRefused(
                post(VENDOR, JSON_TYPE, sign(bundle, VENDOR, Instant.now())), 422, ErrorCode.RULE_DATE_INVALID, bundle);
    }

    @Test
    @Order(7)
    void aSubmissionComputesOnlyWithACpuPermitAndGivesItBack() throws Exception {
        byte[] signed = sign(fresh("safeguarding-referral"), VENDOR, Instant.now());

        assertThat(CpuPermitChecks.sentWhileEveryPermitIsHeld(gateway, () -> post(VENDOR, JSON_TYPE, signed))
                        .statusCode())
                .isEqualTo(200);
    }

    // ---------------------------------------------------------------- after the attack series

    @Test
    @Order(Integer.MAX_VALUE)
    void theGatewayIsStillHealthyAfterTheAttackSeries() throws Exception {
        HttpResponse<String> health = DevCerts.httpClient(VENDOR)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/health"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
        assertThat(post(VENDOR, JSON_TYPE, sign(fresh("safeguarding-referral"), VENDOR, Instant.now()))
                        .statusCode())
                .isEqualTo(200);
    }

    // ---------------------------------------------------------------- helpers

    private static HttpResponse<byte[]> post(String clientCert, String contentType, byte[] body) throws Exception {
        return DevCerts.httpClient(clientCert)
                .send(
                        HttpRequest.newBuilder(URI.create(gateway.baseUri() + "/fhir/$process-message"))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The refusal: status, exact code, a signed fatal-error reply (the filter's AUTH-00x answers are plain
     * OperationOutcomes), one new REJECTED ledger row carrying the code and no personal data, nothing queued.
     */
    private static void assertRefused(HttpResponse<byte[]> response, int status, ErrorCode code, JsonNode submitted)
            throws Exception {
        assertThat(response.statusCode()).as(summary(response)).isEqualTo(status);
        assertThat(errorCodeOf(response)).isEqualTo(code.code());
        Map<String, String> row = lastLedgerRow();
        assertThat(row).containsEntry("event", "REJECTED").containsEntry("error_code", code.code());
        assertThat(row.get("tracking_id")).isNull();
        if (submitted != null) {
            String all =
                    String.join("|", row.values().stream().map(String::valueOf).toList());
            for (String personal : SignedMessages.personalData(submitted)) {
                assertThat(all).doesNotContain(personal);
            }
            assertThat(SignedMessages.personalData(submitted)).isNotEmpty();
        }
        assertThat(routingQueue()).containsExactlyInAnyOrderElementsOf(acceptedTrackingIds());
    }

    private static String errorCodeOf(HttpResponse<byte[]> response) throws Exception {
        JsonNode json = response.headers().firstValue("Content-Type").orElse("").startsWith(XML_TYPE)
                ? new FhirEncoding(1 << 20)
                        .decode(response.body(), FhirFormat.XML)
                        .tree()
                : new StrictJson(1 << 20).parse(response.body());
        JsonNode outcome = json;
        if ("Bundle".equals(json.path("resourceType").asText())) {
            assertGatewaySigned((ObjectNode) json);
            Bundle reply = (Bundle) FhirEncoding.parser(FhirFormat.JSON).parseResource(json.toString());
            MessageHeader header = (MessageHeader) reply.getEntryFirstRep().getResource();
            assertThat(header.getResponse().getCode()).isEqualTo(MessageHeader.ResponseType.FATALERROR);
            outcome = json.path("entry").get(1).path("resource");
        }
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        JsonNode coding =
                outcome.path("issue").get(0).path("details").path("coding").get(0);
        assertThat(coding.path("system").asText()).isEqualTo(ErrorCode.SYSTEM);
        return coding.path("code").asText();
    }

    /** An ok reply: signed by the gateway, echoing the request's MessageHeader.id, carrying a tracking id. */
    private static Bundle okReply(HttpResponse<byte[]> response, ObjectNode request) throws Exception {
        ObjectNode tree = (ObjectNode) new StrictJson(1 << 20).parse(response.body());
        assertGatewaySigned(tree);
        Bundle reply = (Bundle) FhirEncoding.parser(FhirFormat.JSON).parseResource(tree.toString());
        assertThat(reply.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
        MessageHeader header = (MessageHeader) reply.getEntryFirstRep().getResource();
        assertThat(header.getResponse().getCode()).isEqualTo(MessageHeader.ResponseType.OK);
        JsonNode requestHeader = request.path("entry").get(0);
        String requestHeaderId = requestHeader.path("resource").has("id")
                ? requestHeader.path("resource").path("id").asText()
                : requestHeader.path("fullUrl").asText().substring("urn:uuid:".length());
        assertThat(header.getResponse().getIdentifier()).isEqualTo(requestHeaderId);
        assertThat(reply.getIdentifier().getSystem()).isEqualTo(FhirReplies.TRACKING_ID_SYSTEM);
        assertThat(reply.getIdentifier().getValue()).matches("[0-9a-f-]{36}");
        Resource outcome = reply.getEntry().get(1).getResource();
        assertThat(outcome).isInstanceOf(OperationOutcome.class);
        return reply;
    }

    /** The reply's signature verifies with our verifier and is made by the gateway's signing certificate. */
    private static void assertGatewaySigned(ObjectNode reply) {
        BundleSignature signature = BundleSignature.read(reply);
        VerifiedSignature verified =
                new DetachedJwsVerifier().verify(signature.compactJws(), signature.signingPayload());
        assertThat(OrganisationIds.fromCertificate(verified.signer())).contains(FhirReplies.GATEWAY_ID);
        assertThat(verified.alg()).as("the dev gateway key is EC P-256").isEqualTo(JwsAlgorithm.ES256);
    }

    private static ObjectNode withDestination(ObjectNode bundle, String endpoint) {
        ObjectNode header = resource(bundle, "MessageHeader");
        header.putArray("destination").addObject().put("endpoint", endpoint);
        return bundle;
    }

    private static String x5c(String certName) throws Exception {
        List<String> certs = new ArrayList<>();
        for (var cert : SignedMessages.key(certName).chain()) {
            certs.add("\"" + Base64.getEncoder().encodeToString(cert.getEncoded()) + "\"");
        }
        return "[" + String.join(",", certs) + "]";
    }

    private static void setJws(ObjectNode bundle, String compactJws) {
        ((ObjectNode) bundle.get("signature"))
                .put("data", Base64.getEncoder().encodeToString(compactJws.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The reply without its signature (for assertion messages). */
    private static String summary(HttpResponse<byte[]> response) {
        String text = body(response).replaceAll("(?s)\"signature\".*|<signature>.*", "");
        return text.substring(0, Math.min(text.length(), 800));
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static List<String> routingQueue() throws Exception {
        return QueueContents.routingQueue(gateway);
    }

    /** Tracking ids of every accepted message: the routing queue must hold exactly these (nothing for a refusal). */
    private static List<String> acceptedTrackingIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT tracking_id FROM message")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static Map<String, String> lastLedgerRow() throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT * FROM ledger_entry ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            ResultSetMetaData meta = rs.getMetaData();
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
            }
            return row;
        }
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
