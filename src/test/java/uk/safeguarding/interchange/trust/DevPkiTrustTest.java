package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/** The committed dev PKI works with the gateway's own signer validation, CRLs included. */
class DevPkiTrustTest {
    private static final Path DIR = Path.of("certs-dev");
    private static CertificateValidator validator;
    private static Instant now;

    @BeforeAll
    static void loadCommittedPki() throws Exception {
        // Validate at a time when every committed dev certificate except `expired` is inside its validity.
        now = Pem.readCertificate(DIR.resolve("school-100001.crt.pem"))
                .getNotBefore()
                .toInstant()
                .plusSeconds(7200);
        validator = new CertificateValidator(
                List.of(Pem.readCertificate(DIR.resolve("root-ca.crt.pem"))),
                CrlStore.fromDirectory(DIR),
                Clock.fixed(now, java.time.ZoneOffset.UTC));
    }

    private static List<java.security.cert.X509Certificate> chain(String name) {
        return Pem.readCertificates(DIR.resolve(name + ".chain.pem"));
    }

    @Test
    void acceptsEveryOrganisationCertificate() {
        for (String name : List.of(
                "acme-safeguard",
                "school-100001",
                "school-100002",
                "la-850",
                "mash-850",
                "la-839",
                "police-hampshire",
                "police-dorset",
                "dev-auditor",
                "gateway-signing")) {
            assertThat(validator.validateSigner(chain(name), now).organisationId())
                    .as(name)
                    .startsWith("urn:interchange:");
        }
    }

    @Test
    void rejectsTheNegativeCertificatesWithTheirExactCodes() {
        assertCode("revoked", ErrorCode.SIG_CERT_REVOKED);
        assertCode("expired", ErrorCode.SIG_CERT_EXPIRED);
        assertCode("untrusted", ErrorCode.SIG_CERT_UNTRUSTED);
        assertCode("no-digital-signature", ErrorCode.SIG_CERT_KEY_USAGE);
    }

    private static void assertCode(String name, ErrorCode expected) {
        assertThatThrownBy(() -> validator.validateSigner(chain(name), now))
                .as(name)
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(expected));
    }
}
