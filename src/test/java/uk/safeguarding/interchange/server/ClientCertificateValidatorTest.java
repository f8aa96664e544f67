package uk.safeguarding.interchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.testsupport.TestPki;

class ClientCertificateValidatorTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path tmp;

    static TestPki pki;
    static ClientCertificateValidator validator;

    @BeforeAll
    static void setUp() {
        pki = TestPki.create(tmp, NOW);
        validator = ClientCertificateValidator.fromFiles(
                pki.truststore, TestPki.PASSWORD.toCharArray(), List.of(pki.crl), CLOCK);
    }

    @Test
    void authenticatesTrustedClientAsItsSanOrganisationId() {
        AuthenticatedClient client = validator.validate(TestPki.chainOf(pki.school));

        assertThat(client.orgId()).isEqualTo(TestPki.SCHOOL_ORG_ID);
    }

    @Test
    void authenticatesLeafSentWithoutIntermediateWhenTheIssuingCaIsAnAnchor() {
        var withIssuingAnchor =
                new ClientCertificateValidator(List.of(pki.rootCert, pki.issuingCert), List.of(), CLOCK);
        var leafOnly = new java.security.cert.X509Certificate[] {TestPki.chainOf(pki.school)[0]};

        assertThat(withIssuingAnchor.validate(leafOnly).orgId()).isEqualTo(TestPki.SCHOOL_ORG_ID);
    }

    @Test
    void rejectsMissingCertificateWithAuth001() {
        assertCode(() -> validator.validate(null), ErrorCode.AUTH_NO_CLIENT_CERT);
        assertCode(() -> validator.validate(new java.security.cert.X509Certificate[0]), ErrorCode.AUTH_NO_CLIENT_CERT);
    }

    @Test
    void rejectsCertificateFromAnotherRootWithAuth002() {
        assertCode(() -> validator.validate(TestPki.chainOf(pki.untrusted)), ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED);
    }

    @Test
    void rejectsExpiredCertificateWithAuth003() {
        assertCode(() -> validator.validate(TestPki.chainOf(pki.expired)), ErrorCode.AUTH_CLIENT_CERT_INVALID);
    }

    @Test
    void rejectsCertificateNotYetValidWithAuth003() {
        var early = new ClientCertificateValidator(
                List.of(pki.rootCert), List.of(), Clock.fixed(NOW.minus(Duration.ofDays(10)), ZoneOffset.UTC));

        assertCode(() -> early.validate(TestPki.chainOf(pki.school)), ErrorCode.AUTH_CLIENT_CERT_INVALID);
    }

    @Test
    void rejectsRevokedCertificateWithAuth003() {
        assertCode(() -> validator.validate(TestPki.chainOf(pki.revoked)), ErrorCode.AUTH_CLIENT_CERT_INVALID);
    }

    @Test
    void acceptsRevokedCertificateOnlyWhenNoCrlIsConfigured() {
        var noCrl = new ClientCertificateValidator(List.of(pki.rootCert), List.of(), CLOCK);

        assertThat(noCrl.checksRevocation()).isFalse();
        assertThat(noCrl.validate(TestPki.chainOf(pki.revoked)).orgId()).isEqualTo(TestPki.SCHOOL_ORG_ID);
    }

    @Test
    void rejectsCertificateWhoseRevocationStatusIsUnknownWithAuth002() {
        // A CRL after its nextUpdate no longer says anything: the status cannot be established.
        var stale = ClientCertificateValidator.fromFiles(
                pki.truststore, TestPki.PASSWORD.toCharArray(), List.of(pki.staleCrl), CLOCK);

        assertCode(() -> stale.validate(TestPki.chainOf(pki.school)), ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED);
    }

    @Test
    void rejectsCertificateWithoutOrganisationIdWithAuth004() {
        assertCode(() -> validator.validate(TestPki.chainOf(pki.noOrgId)), ErrorCode.AUTH_UNKNOWN_SYSTEM);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(GatewayException.class)
                .extracting(e -> ((GatewayException) e).errorCode())
                .isEqualTo(code);
    }
}
