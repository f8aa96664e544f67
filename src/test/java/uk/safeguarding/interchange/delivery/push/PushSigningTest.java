package uk.safeguarding.interchange.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.intake.soap.SoapSecurity;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.CrlStore;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.JwsAlgorithm;
import uk.safeguarding.interchange.trust.TrustAnchors;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * Push deliveries sign with the algorithm of the gateway key's type: fhir-push ES256 / RS256, soap-push
 * ECDSA-SHA256 / RSA-SHA256 (the SOAP signature itself is verified end to end in {@link SoapPushIT}).
 */
class PushSigningTest {
    @Test
    void theDevEcKeySignsFhirPushesEs256AndSoapPushesEcdsaSha256() throws Exception {
        GatewayCredentials credentials = credentials(DevCerts.p12("gateway-signing"));

        assertThat(credentials.alg()).isEqualTo(JwsAlgorithm.ES256);
        VerifiedSignature verified = fhirPushSignature(credentials);
        assertThat(verified.alg()).isEqualTo(JwsAlgorithm.ES256);
        assertThat(verified.signer()).isEqualTo(credentials.chain().get(0));
        assertThat(new SoapPush(credentials, Duration.ofSeconds(1)).signatureMethod())
                .isEqualTo(SoapSecurity.ECDSA_SHA256);
    }

    @Test
    void anRsaKeySignsFhirPushesRs256AndSoapPushesRsaSha256(@TempDir Path dir) throws Exception {
        GatewayCredentials credentials = credentials(RsaGatewayKey.p12(dir));

        assertThat(credentials.alg()).isEqualTo(JwsAlgorithm.RS256);
        assertThat(fhirPushSignature(credentials).alg()).isEqualTo(JwsAlgorithm.RS256);
        assertThat(new SoapPush(credentials, Duration.ofSeconds(1)).signatureMethod())
                .isEqualTo(SoapSecurity.RSA_SHA256);
    }

    private static VerifiedSignature fhirPushSignature(GatewayCredentials credentials) throws Exception {
        InterchangeMessage message = new CanonicalXml()
                .unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical/01-safeguarding-referral.xml")));
        byte[] bundle = new FhirPush(credentials, FhirContext.forR4Cached(), Duration.ofSeconds(1), Clock.systemUTC())
                .signedBundle(message);
        BundleSignature signature = BundleSignature.read(new ObjectMapper().readTree(bundle));
        return new DetachedJwsVerifier().verify(signature.compactJws(), signature.signingPayload());
    }

    static GatewayCredentials credentials(Path p12) throws java.io.IOException {
        return GatewayCredentials.load(p12, DevCerts.PASSWORD.toCharArray(), validator());
    }

    static CertificateValidator validator() throws java.io.IOException {
        return new CertificateValidator(
                TrustAnchors.load(DevCerts.DIR.resolve("truststore.p12"), DevCerts.PASSWORD.toCharArray()),
                CrlStore.fromPemFiles(
                        List.of(DevCerts.DIR.resolve("root-ca.crl.pem"), DevCerts.DIR.resolve("issuing-ca.crl.pem"))),
                Clock.systemUTC());
    }
}
