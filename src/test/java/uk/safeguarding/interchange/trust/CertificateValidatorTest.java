package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.trust.GatewayExceptions.assertFailsWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.error.ErrorCode;

class CertificateValidatorTest {
    private static final TestPki PKI = TestPki.DEFAULT;

    private final CertificateValidator validator = PKI.validator();
    private final Instant signedAt = PKI.now.minus(Duration.ofMinutes(5));

    private static List<X509Certificate> plus(List<X509Certificate> chain, X509Certificate extra) {
        List<X509Certificate> result = new ArrayList<>(chain);
        result.add(extra);
        return result;
    }

    @Test
    void acceptsRsaSignerChainedToTheIssuingCa() {
        ValidatedCertificate validated = validator.validateSigner(PKI.rsaSigner.chain(), signedAt);

        assertThat(validated.organisationId()).isEqualTo(TestPki.RSA_ORG);
        assertThat(validated.certificate()).isEqualTo(PKI.rsaSigner.certificate());
        assertThat(validated.path()).containsExactly(PKI.rsaSigner.certificate(), PKI.issuingCa.certificate());
        assertThat(validated.trustAnchor()).isEqualTo(PKI.root.certificate());
    }

    @Test
    void acceptsEcSignerWhoseChainAlsoCarriesOurOwnRoot() {
        ValidatedCertificate validated =
                validator.validateSigner(plus(PKI.ecSigner.chain(), PKI.root.certificate()), signedAt);

        assertThat(validated.organisationId()).isEqualTo(TestPki.EC_ORG);
        assertThat(validated.path()).hasSize(2);
    }

    @Test
    void acceptsIntermediatesInAnyOrderAndValidatesAVerifiedSignature() {
        byte[] payload = {1, 2, 3};
        String jws = DetachedJwsSigner.sign(payload, PKI.rsaSigner.key(), PKI.rsaSigner.chain(), JwsAlgorithm.PS256);
        VerifiedSignature verified = new DetachedJwsVerifier().verify(jws, payload);

        assertThat(validator.validateSigner(verified, signedAt).organisationId())
                .isEqualTo(TestPki.RSA_ORG);
    }

    @Test
    void rejectsSignerChainedToAnUntrustedCa() {
        assertFailsWith(
                ErrorCode.SIG_CERT_UNTRUSTED, () -> validator.validateSigner(PKI.untrustedSigner.chain(), signedAt));
    }

    @Test
    void rejectsSignerCarryingItsOwnSelfSignedRoot() {
        List<X509Certificate> chain = plus(PKI.untrustedSigner.chain(), PKI.untrustedRoot.certificate());

        assertFailsWith(ErrorCode.SIG_CERT_UNTRUSTED, () -> validator.validateSigner(chain, signedAt));
    }

    @Test
    void rejectsSelfSignedLeaf() {
        assertFailsWith(
                ErrorCode.SIG_CERT_UNTRUSTED,
                () -> validator.validateSigner(List.of(PKI.untrustedRoot.certificate()), signedAt));
    }

    @Test
    void rejectsSignerWithoutItsIntermediate() {
        assertFailsWith(
                ErrorCode.SIG_CERT_UNTRUSTED,
                () -> validator.validateSigner(List.of(PKI.rsaSigner.certificate()), signedAt));
    }

    @Test
    void rejectsExpiredSigner() {
        assertFailsWith(
                ErrorCode.SIG_CERT_EXPIRED, () -> validator.validateSigner(PKI.expiredSigner.chain(), signedAt));
    }

    @Test
    void rejectsExpiredSignerEvenWhenSignedWhileValid() {
        Instant whileValid =
                PKI.expiredSigner.certificate().getNotAfter().toInstant().minus(Duration.ofDays(1));

        assertFailsWith(
                ErrorCode.SIG_CERT_EXPIRED, () -> validator.validateSigner(PKI.expiredSigner.chain(), whileValid));
    }

    @Test
    void rejectsSigningTimeBeforeTheCertificateWasValid() {
        Instant beforeIssue =
                PKI.rsaSigner.certificate().getNotBefore().toInstant().minus(Duration.ofHours(1));

        assertFailsWith(ErrorCode.SIG_CERT_EXPIRED, () -> validator.validateSigner(PKI.rsaSigner.chain(), beforeIssue));
    }

    @Test
    void rejectsRevokedSigner() {
        assertFailsWith(
                ErrorCode.SIG_CERT_REVOKED, () -> validator.validateSigner(PKI.revokedSigner.chain(), signedAt));
    }

    @Test
    void rejectsSignerWithoutDigitalSignatureKeyUsage() {
        assertFailsWith(
                ErrorCode.SIG_CERT_KEY_USAGE, () -> validator.validateSigner(PKI.noDigitalSignature.chain(), signedAt));
    }

    @Test
    void failsClosedWithoutCrls() {
        CertificateValidator noCrls =
                new CertificateValidator(List.of(PKI.root.certificate()), CrlStore.empty(), PKI.clock());

        assertFailsWith(ErrorCode.SIG_CERT_UNTRUSTED, () -> noCrls.validateSigner(PKI.rsaSigner.chain(), signedAt));
    }

    @Test
    void failsClosedWhenTheCrlsAreStale() {
        Clock later = Clock.fixed(PKI.now.plus(Duration.ofDays(30)), ZoneOffset.UTC);
        CertificateValidator stale = new CertificateValidator(List.of(PKI.root.certificate()), PKI.crls(), later);

        assertFailsWith(ErrorCode.SIG_CERT_UNTRUSTED, () -> stale.validateSigner(PKI.rsaSigner.chain(), signedAt));
    }

    @Test
    void rejectsSignerThatExpiredSinceSigning() {
        Clock afterExpiry = Clock.fixed(
                PKI.rsaSigner.certificate().getNotAfter().toInstant().plusSeconds(60), ZoneOffset.UTC);
        CertificateValidator late = new CertificateValidator(List.of(PKI.root.certificate()), PKI.crls(), afterExpiry);

        assertFailsWith(ErrorCode.SIG_CERT_EXPIRED, () -> late.validateSigner(PKI.rsaSigner.chain(), signedAt));
    }

    /** A clock the test moves; the validator under test remembers successes, so time must pass within one. */
    private static final class MovableClock extends Clock {
        volatile Instant now = PKI.now;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aRememberedValidationEndsWhenTheCertificateExpiresOrTheCrlsGoStale() {
        MovableClock clock = new MovableClock();
        CertificateValidator remembering = new CertificateValidator(List.of(PKI.root.certificate()), PKI.crls(), clock);
        assertThat(remembering.validateClient(PKI.rsaSigner.chain()).organisationId())
                .isEqualTo(TestPki.RSA_ORG);
        assertThat(remembering.validateSigner(PKI.rsaSigner.chain(), signedAt).organisationId())
                .isEqualTo(TestPki.RSA_ORG);

        clock.now = PKI.now.plus(Duration.ofDays(30));
        assertFailsWith(ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED, () -> remembering.validateClient(PKI.rsaSigner.chain()));
        assertFailsWith(
                ErrorCode.SIG_CERT_UNTRUSTED, () -> remembering.validateSigner(PKI.rsaSigner.chain(), signedAt));

        clock.now = PKI.rsaSigner.certificate().getNotAfter().toInstant().plusSeconds(1);
        assertFailsWith(ErrorCode.SIG_CERT_EXPIRED, () -> remembering.validateSigner(PKI.rsaSigner.chain(), signedAt));
    }

    @Test
    void aRememberedSignerIsStillCheckedAtEachSigningTime() {
        assertThat(validator.validateSigner(PKI.rsaSigner.chain(), signedAt).organisationId())
                .isEqualTo(TestPki.RSA_ORG);
        Instant beforeIssue =
                PKI.rsaSigner.certificate().getNotBefore().toInstant().minus(Duration.ofHours(1));

        assertFailsWith(ErrorCode.SIG_CERT_EXPIRED, () -> validator.validateSigner(PKI.rsaSigner.chain(), beforeIssue));
        assertFailsWith(
                ErrorCode.SIG_CERT_UNTRUSTED,
                () -> validator.validateSigner(List.of(PKI.rsaSigner.certificate()), signedAt));
    }

    @Test
    void mapsClientCertificateFailuresToAuthCodes() {
        assertThat(validator.validateClient(PKI.ecSigner.chain()).organisationId())
                .isEqualTo(TestPki.EC_ORG);
        assertFailsWith(
                ErrorCode.AUTH_CLIENT_CERT_UNTRUSTED, () -> validator.validateClient(PKI.untrustedSigner.chain()));
        assertFailsWith(ErrorCode.AUTH_CLIENT_CERT_INVALID, () -> validator.validateClient(PKI.expiredSigner.chain()));
        assertFailsWith(ErrorCode.AUTH_CLIENT_CERT_INVALID, () -> validator.validateClient(PKI.revokedSigner.chain()));
        assertFailsWith(
                ErrorCode.AUTH_CLIENT_CERT_INVALID, () -> validator.validateClient(PKI.noDigitalSignature.chain()));
        assertFailsWith(ErrorCode.AUTH_NO_CLIENT_CERT, () -> validator.validateClient(List.of()));
    }

    @Test
    void extractsTheOrganisationIdFromTheSanUri() {
        assertThat(OrganisationIds.fromCertificate(PKI.ecSigner.certificate())).contains(TestPki.EC_ORG);
        assertThat(OrganisationIds.fromCertificate(PKI.root.certificate())).isEmpty();
    }

    @Test
    void loadsAnchorsFromAKeyStoreAndCrlsFromPemFiles(@TempDir Path dir) throws Exception {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("root", PKI.root.certificate());
        TestPki.write(dir.resolve("root.crl.pem"), TestPki.pem("X509 CRL", PKI.rootCrl.getEncoded()));
        TestPki.write(dir.resolve("issuing-ca.crl"), TestPki.pem("X509 CRL", PKI.issuingCaCrl.getEncoded()));
        TestPki.write(dir.resolve("readme.txt"), "not a CRL");
        CrlStore crls = CrlStore.fromDirectory(dir);

        CertificateValidator fromFiles = CertificateValidator.fromKeyStore(trustStore, crls, PKI.clock());

        assertThat(crls.crls()).hasSize(2);
        assertThat(fromFiles.validateSigner(PKI.rsaSigner.chain(), signedAt).organisationId())
                .isEqualTo(TestPki.RSA_ORG);
        assertFailsWith(
                ErrorCode.SIG_CERT_REVOKED, () -> fromFiles.validateSigner(PKI.revokedSigner.chain(), signedAt));
    }

    @Test
    void readsPemCertificatesAndKeys(@TempDir Path dir) throws Exception {
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        TestPki.write(
                chain,
                TestPki.pem("CERTIFICATE", PKI.ecSigner.certificate().getEncoded())
                        + TestPki.pem("CERTIFICATE", PKI.issuingCa.certificate().getEncoded()));
        TestPki.write(key, TestPki.pem("PRIVATE KEY", PKI.ecSigner.key().getEncoded()));

        assertThat(Pem.readCertificates(chain)).containsExactlyElementsOf(PKI.ecSigner.chain());
        assertThat(Pem.readPrivateKey(key)).isEqualTo(PKI.ecSigner.key());
        assertThat(Files.size(key)).isPositive();
    }
}
