package uk.safeguarding.interchange.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import uk.safeguarding.interchange.config.GatewaySettings;

/** Settings for a real gateway in a test: temp data dir, a {@link TestPki}, loopback, the given port. */
public final class TestGateway {
    private TestGateway() {}

    public static GatewaySettings settings(Path dataDir, TestPki pki, int port) {
        return GatewaySettings.load(overrides(dataDir, pki, port));
    }

    public static Map<String, String> overrides(Path dataDir, TestPki pki, int port) {
        Map<String, String> o = new HashMap<>();
        o.put("gateway.data.dir", dataDir.toString());
        o.put("gateway.https.host", "127.0.0.1");
        o.put("gateway.https.port", Integer.toString(port));
        o.put("gateway.tls.keystore", pki.gatewayTls.toString());
        o.put("gateway.tls.keystore.password", TestPki.PASSWORD);
        o.put("gateway.tls.truststore", pki.truststore.toString());
        o.put("gateway.tls.truststore.password", TestPki.PASSWORD);
        o.put("gateway.tls.crl.files", pki.crl.toString());
        return o;
    }
}
