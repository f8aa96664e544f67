package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;

/**
 * The gateway's SOAP responses are signed ECDSA-SHA256 with the dev EC P-256 key and RSA-SHA256 with an RSA key, and
 * pass the checks the gateway applies to requests.
 */
class ResponseSignerTest {
    @Test
    void theDevGatewayKeySignsResponsesEcdsaSha256() throws Exception {
        ResponseSigner signer = ResponseSigner.fromPkcs12(
                DevCerts.p12("gateway-signing"), DevCerts.PASSWORD.toCharArray(), null, Clock.systemUTC());

        VerifiedEnvelope verified = signAndVerify(signer);

        assertThat(signer.signatureAlgorithm()).isEqualTo(SoapSecurity.ECDSA_SHA256);
        assertThat(verified.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_SHA_256);
        assertThat(verified.signer().organisationId()).isEqualTo("urn:interchange:gateway:national");
    }

    @Test
    void anRsaGatewayKeySignsResponsesRsaSha256(@TempDir Path dir) throws Exception {
        ResponseSigner signer = ResponseSigner.fromPkcs12(
                RsaGatewayKey.p12(dir), DevCerts.PASSWORD.toCharArray(), "", Clock.systemUTC());

        VerifiedEnvelope verified = signAndVerify(signer);

        assertThat(signer.signatureAlgorithm()).isEqualTo(SoapSecurity.RSA_SHA256);
        assertThat(verified.algorithm()).isEqualTo(SignatureAlgorithm.RSA_SHA_256);
        assertThat(verified.signer().organisationId()).isEqualTo("urn:interchange:gateway:national");
    }

    private static VerifiedEnvelope signAndVerify(ResponseSigner signer) throws Exception {
        Document response = SignedEnvelopes.envelope(
                "<ListInboxResponse xmlns=\"urn:interchange:soap:v1\"/>", new SignedEnvelopes.Spec());
        signer.sign(response);
        return SoapSecurityTest.security().verify(SoapXml.parse(SignedEnvelopes.bytes(response)));
    }
}
