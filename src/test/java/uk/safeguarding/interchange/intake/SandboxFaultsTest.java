package uk.safeguarding.interchange.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.SigningKey;

class SandboxFaultsTest {
    private static final X509Certificate DEV_GATEWAY = SigningKey.loadPkcs12(
                    Path.of("certs-dev/gateway-signing.p12"), "dev-only".toCharArray())
            .chain()
            .get(0);

    @Test
    void autoIsOnWithDevelopmentCertificatesAndOffWithAnyOther() throws Exception {
        assertThat(SandboxFaults.fromSetting("auto", DEV_GATEWAY).enabled()).isTrue();
        assertThat(SandboxFaults.fromSetting("auto", productionCertificate()).enabled())
                .isFalse();
        assertThat(SandboxFaults.fromSetting("off", DEV_GATEWAY).enabled()).isFalse();
        assertThat(SandboxFaults.fromSetting("on", productionCertificate()).enabled())
                .isTrue();
        assertThatThrownBy(() -> SandboxFaults.fromSetting("yes", DEV_GATEWAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.sandbox.faults");
    }

    @Test
    void raisesTheRequestedFaultOnlyWhenEnabled() {
        SandboxFaults on = new SandboxFaults(true);
        SandboxFaults off = new SandboxFaults(false);

        assertThatThrownBy(() -> on.raise("SYS-001"))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SYS_UNAVAILABLE));
        assertThatThrownBy(() -> on.raise("SYS-002"))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(GatewayException.class);
        assertThatCode(() -> on.raise(null)).doesNotThrowAnyException();
        assertThatCode(() -> on.raise("SIG-004")).doesNotThrowAnyException();
        assertThatCode(() -> off.raise("SYS-001")).doesNotThrowAnyException();
        assertThatCode(() -> off.raise("SYS-002")).doesNotThrowAnyException();
    }

    /** A real CA certificate from the JDK's trust store: issued by nobody's dev PKI. */
    private static X509Certificate productionCertificate() throws Exception {
        KeyStore cacerts = KeyStore.getInstance("PKCS12");
        try (InputStream in =
                Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            cacerts.load(in, "changeit".toCharArray());
        }
        for (String alias : Collections.list(cacerts.aliases())) {
            if (cacerts.getCertificate(alias) instanceof X509Certificate certificate) {
                return certificate;
            }
        }
        throw new IllegalStateException("the JDK trust store holds no certificate");
    }
}
