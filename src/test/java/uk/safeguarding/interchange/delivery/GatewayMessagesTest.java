package uk.safeguarding.interchange.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.canonical.xml.SignatureEvidence;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.SigningKey;

/** The signature evidence of gateway-originated messages names the algorithm of the gateway key's type. */
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

    private static SignatureEvidence sealedEvidence(GatewayMessages messages) throws Exception {
        byte[] sealed = messages.seal(example());
        return CANONICAL.unmarshal(sealed).getEnvelope().getSignature();
    }

    private static InterchangeMessage example() throws Exception {
        return CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical/12-delivery-receipt.xml")));
    }
}
