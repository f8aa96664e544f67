package uk.safeguarding.interchange.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {
    @Test
    void defaultsServeLoopbackWithDevCertificatesAndH2UnderTheDataDir() {
        GatewaySettings s = GatewaySettings.load();

        assertThat(s.httpsHost()).isEqualTo("127.0.0.1");
        assertThat(s.httpsPort()).isEqualTo(8443);
        assertThat(s.tlsKeystore()).isEqualTo(Path.of("certs-dev/gateway-tls.p12"));
        assertThat(s.tlsTruststore()).isEqualTo(Path.of("certs-dev/truststore.p12"));
        assertThat(s.crlFiles())
                .containsExactly(Path.of("certs-dev/root-ca.crl.pem"), Path.of("certs-dev/issuing-ca.crl.pem"));
        assertThat(s.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(s.dbUrl())
                .startsWith("jdbc:h2:file:" + Path.of("data").toAbsolutePath() + "/db/interchange;MODE=PostgreSQL");
        assertThat(s.properties().getProperty("camel.main.routesIncludePattern"))
                .isEqualTo("file:routes/*.yaml");
    }

    @Test
    void overridesWinAndPlaceholdersFollowThem() {
        GatewaySettings s = GatewaySettings.load(
                Map.of("gateway.data.dir", "/srv/gw", "gateway.https.port", "9443", "gateway.tls.crl.files", ""));

        assertThat(s.httpsPort()).isEqualTo(9443);
        assertThat(s.dataDir()).isEqualTo(Path.of("/srv/gw"));
        assertThat(s.dbUrl()).startsWith("jdbc:h2:file:/srv/gw/db/interchange;");
        assertThat(s.crlFiles()).isEmpty();
    }

    @Test
    void aRelativeDataDirectoryGivesTheDatabaseAnAbsolutePath() {
        GatewaySettings s =
                GatewaySettings.load(Map.of("gateway.data.dir", "target/some-data", "gateway.tls.crl.files", ""));

        assertThat(s.dataDir()).isEqualTo(Path.of("target/some-data").toAbsolutePath());
        assertThat(s.dbUrl())
                .startsWith("jdbc:h2:file:" + Path.of("target/some-data").toAbsolutePath() + "/db/interchange;");
    }

    @Test
    void refusesNonNumericPortWithTheKeyToFix() {
        assertThatThrownBy(() -> GatewaySettings.load(Map.of("gateway.https.port", "eighty")))
                .isInstanceOf(StartupException.class)
                .hasMessage("Configuration property gateway.https.port must be a number, not 'eighty'");
    }

    @Test
    void namesEnvironmentVariablesAfterTheKey() {
        assertThat(GatewaySettings.envName("gateway.https.port")).isEqualTo("GATEWAY_HTTPS_PORT");
        assertThat(GatewaySettings.envName("gateway.tls.crl-files")).isEqualTo("GATEWAY_TLS_CRL_FILES");
    }

    @Test
    void keepsPasswordsOutOfToString() {
        GatewaySettings s = GatewaySettings.load(Map.of(
                "gateway.db.url", "jdbc:postgresql://db/gw?user=gw&password=secret",
                "gateway.tls.keystore.password", "hunter2"));

        assertThat(s.toString()).doesNotContain("secret").doesNotContain("hunter2");
    }

    @Test
    void refusesMissingCertificateFileNamingThePropertyToSet() {
        GatewaySettings s = GatewaySettings.load(Map.of("gateway.tls.keystore", "nowhere/gw.p12"));

        assertThatThrownBy(s::requireCertificateFilesPresent)
                .isInstanceOf(StartupException.class)
                .hasMessage(
                        "Certificate file nowhere/gw.p12 not found: run ./gateway dev-pki or set gateway.tls.keystore");
    }
}
