package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.GatewayNotice;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.canonical.xml.SignatureEvidence;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * The signature evidence of gateway-originated messages names the algorithm of the gateway key's type, and {@link
 * GatewayMessages#seal} (one writing, the digest put into its bytes) gives exactly the bytes of the procedure it
 * replaced (write with a zero digest, hash, set the digest, write again), kept here as the reference.
 */
class GatewayMessagesTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void theDevGatewayCertificateSealsWithEs256() throws Exception {
        byte[] certificate = Pem.readCertificate(DevCerts.DIR.resolve("gateway-signing.crt.pem"))
                .getEncoded();

        SignatureEvidence evidence = sealedEvidence(new GatewayMessages(CANONICAL, certificate, CLOCK));

        assertThat(evidence.getAlgorithm()).isEqualTo(SignatureAlgorithm.ES_256);
        assertThat(evidence.getSignerCertificate()).isEqualTo(certificate);
        assertThat(evidence.getSignerOrgId()).isEqualTo(GatewayMessages.GATEWAY_ID);
    }

    @Test
    void anRsaGatewayCertificateSealsWithRs256(@TempDir Path dir) throws Exception {
        byte[] certificate = SigningKey.loadPkcs12(RsaGatewayKey.p12(dir), DevCerts.PASSWORD.toCharArray())
                .chain()
                .get(0)
                .getEncoded();

        SignatureEvidence evidence = sealedEvidence(new GatewayMessages(CANONICAL, certificate, CLOCK));

        assertThat(evidence.getAlgorithm()).isEqualTo(SignatureAlgorithm.RS_256);
    }

    @Test
    void bytesThatAreNotACertificateCannotSeal() throws Exception {
        GatewayMessages messages = new GatewayMessages(CANONICAL, new byte[] {1}, CLOCK);

        assertThatThrownBy(() -> messages.seal(example())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSealedMessageIsByteForByteTheTwoWritingsItReplaced(@TempDir Path dir) throws Exception {
        byte[] ec = Pem.readCertificate(DevCerts.DIR.resolve("gateway-signing.crt.pem"))
                .getEncoded();
        byte[] rsa = SigningKey.loadPkcs12(RsaGatewayKey.p12(dir), DevCerts.PASSWORD.toCharArray())
                .chain()
                .get(0)
                .getEncoded();
        Random random = new Random(20261122);
        int sealed = 0;
        for (byte[] certificate : List.of(ec, rsa)) {
            for (int i = 0; i < 40; i++) {
                Clock clock = Clock.fixed(
                        Instant.parse("2026-11-21T12:00:00Z").plusNanos(random.nextLong(1L << 50)), ZoneOffset.UTC);
                GatewayMessages messages = new GatewayMessages(CANONICAL, certificate, clock);
                for (InterchangeMessage message :
                        everyKind(messages, new UUID(random.nextLong(), random.nextLong()).toString(), i)) {
                    assertSealedAsBefore(messages, message);
                    sealed++;
                }
            }
        }
        assertThat(sealed).isEqualTo(2 * 40 * 4);
    }

    /** The digest element is found by its tags; the same text inside a value (escaped by JAXB) is not mistaken. */
    @Test
    void theDigestIsPutIntoTheElementNotIntoLookalikeText() throws Exception {
        byte[] certificate = Pem.readCertificate(DevCerts.DIR.resolve("gateway-signing.crt.pem"))
                .getEncoded();
        GatewayMessages messages = new GatewayMessages(CANONICAL, certificate, CLOCK);
        String zero = Base64.getEncoder().encodeToString(new byte[32]);
        GatewayNotice notice = noticeOf("14-escalation.xml");
        notice.setReason("<signedDigest>" + zero + "</signedDigest> " + zero);
        InterchangeMessage message = messages.notice(
                EventCode.ESCALATION, UUID.randomUUID().toString(), "urn:interchange:la:850", Binding.FHIR, notice);

        byte[] sealed = assertSealedAsBefore(messages, message);

        assertThat(CANONICAL.unmarshal(sealed).getContent().getEscalation().getReason())
                .isEqualTo(notice.getReason());
    }

    @Test
    void withDigestRefusesADocumentWithoutExactlyOneZeroDigestElement() {
        byte[] digest = new byte[32];
        digest[0] = 1;
        String zero = Base64.getEncoder().encodeToString(new byte[32]);
        String element = "<signedDigest>" + zero + "</signedDigest>";

        assertThat(GatewayMessages.withDigest(utf8("<a>" + element + "</a>"), digest))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("<a><signedDigest>AQ" + zero.substring(2) + "</signedDigest></a>");
        assertThat(GatewayMessages.withDigest(utf8("<a></a>"), digest)).isNull();
        assertThat(GatewayMessages.withDigest(utf8("<a>" + element + element + "</a>"), digest))
                .isNull();
        assertThat(GatewayMessages.withDigest(
                        utf8("<a><signedDigest>AQ" + zero.substring(2) + "</signedDigest></a>"), digest))
                .isNull();
        assertThat(GatewayMessages.withDigest(utf8("<a><signedDigest>" + zero + "A</signedDigest></a>"), digest))
                .isNull();
        assertThat(GatewayMessages.withDigest(utf8("<a><signedDigest>" + zero), digest))
                .isNull();
        assertThatThrownBy(() -> GatewayMessages.withDigest(utf8("<a>" + element + "</a>"), new byte[20]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Seals {@code message} and checks the result against the old procedure on the same graph, the digest against
     * the zero-digest writing, and that the one-writing path (not its fallback) made it.
     */
    private static byte[] assertSealedAsBefore(GatewayMessages messages, InterchangeMessage message) {
        byte[] sealed = messages.seal(message);

        SignatureEvidence evidence = message.getEnvelope().getSignature();
        byte[] digest = evidence.getSignedDigest();
        evidence.setSignedDigest(new byte[32]);
        byte[] unsealed = CANONICAL.marshal(message);
        assertThat(digest).isEqualTo(GatewayMessages.sha256(unsealed));
        assertThat(GatewayMessages.withDigest(unsealed, digest))
                .as("the one-writing path")
                .isEqualTo(sealed);
        assertThat(new String(sealed, StandardCharsets.UTF_8))
                .isEqualTo(new String(twoWritings(message), StandardCharsets.UTF_8));
        assertThat(CANONICAL.unmarshal(sealed).getEnvelope().getSignature().getSignedDigest())
                .isEqualTo(digest);
        return sealed;
    }

    /** The seal before this change, from CanonicalXml calls: write with a zero digest, hash, set, write again. */
    private static byte[] twoWritings(InterchangeMessage message) {
        SignatureEvidence evidence = message.getEnvelope().getSignature();
        evidence.setSignedDigest(new byte[32]);
        byte[] unsealed = CANONICAL.marshalValidatedDocument(message);
        evidence.setSignedDigest(GatewayMessages.sha256(unsealed));
        return CANONICAL.marshal(message);
    }

    /** One message of each kind the gateway seals: the three notices and a derived Encompass notification. */
    private static List<InterchangeMessage> everyKind(GatewayMessages messages, String trackingId, int variant)
            throws Exception {
        List<InterchangeMessage> made = new ArrayList<>();
        String suffix = " (" + variant + ")";
        GatewayNotice receipt = noticeOf("12-delivery-receipt.xml");
        receipt.setConcernsTrackingId(trackingId);
        made.add(messages.notice(
                EventCode.DELIVERY_RECEIPT, trackingId, "urn:interchange:school:100001", Binding.FHIR, receipt));
        GatewayNotice report = noticeOf("13-non-delivery-report.xml");
        report.setReason(report.getReason() + suffix);
        made.add(messages.notice(
                EventCode.NON_DELIVERY_REPORT, trackingId, "urn:interchange:police:dorset", Binding.SOAP, report));
        GatewayNotice escalation = noticeOf("14-escalation.xml");
        escalation.setReason(escalation.getReason() + suffix);
        made.add(messages.notice(EventCode.ESCALATION, trackingId, "urn:interchange:la:850", Binding.FHIR, escalation));
        InterchangeMessage police = read("02-police-notification.xml");
        made.add(messages.derived(
                police,
                trackingId,
                EventCode.ENCOMPASS_NOTIFICATION,
                "urn:interchange:school:100001",
                read("03-encompass-notification.xml").getContent()));
        return made;
    }

    private static GatewayNotice noticeOf(String example) throws Exception {
        InterchangeMessage message = read(example);
        var content = message.getContent();
        return content.getDeliveryReceipt() != null
                ? content.getDeliveryReceipt()
                : content.getNonDeliveryReport() != null ? content.getNonDeliveryReport() : content.getEscalation();
    }

    private static InterchangeMessage read(String example) throws Exception {
        return CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical/" + example)));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static SignatureEvidence sealedEvidence(GatewayMessages messages) throws Exception {
        byte[] sealed = messages.seal(example());
        return CANONICAL.unmarshal(sealed).getEnvelope().getSignature();
    }

    private static InterchangeMessage example() throws Exception {
        return CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical/12-delivery-receipt.xml")));
    }
}
