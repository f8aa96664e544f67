package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.TrustAnchors;

/** WS-Security verification without a server: the dev PKI, the system clock. */
class SoapSecurityTest {
    static SoapSecurity security() throws Exception {
        Clock clock = Clock.systemUTC();
        CertificateValidator validator = new CertificateValidator(
                TrustAnchors.load(Path.of("certs-dev/truststore.p12"), "dev-only".toCharArray()),
                CrlStore.fromPemFiles(
                        List.of(Path.of("certs-dev/root-ca.crl.pem"), Path.of("certs-dev/issuing-ca.crl.pem"))),
                clock);
        return new SoapSecurity(
                validator,
                Pem.readCertificates(Path.of("certs-dev/issuing-ca.crt.pem")),
                new ReplayCache(clock, 1000),
                clock,
                Duration.ofSeconds(60));
    }

    @Test
    void verifiesAnRsaSignedRequestAndReturnsTheBodysOperation() throws Exception {
        byte[] bytes =
                SignedEnvelopes.bytes(SignedEnvelopes.signed(SoapIntakeIT.LIST_INBOX, new SignedEnvelopes.Spec()));

        VerifiedEnvelope verified = security().verify(SoapXml.parse(bytes));

        assertThat(verified.operation().getLocalName()).isEqualTo("ListInbox");
        assertThat(verified.signer().organisationId()).isEqualTo("urn:interchange:system:acme-safeguard");
    }
}
