package uk.safeguarding.interchange.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import uk.safeguarding.interchange.config.GatewaySettings;

/** Settings for a real gateway in a test: a temp data dir, the committed dev PKI, loopback, the given port. */
public final class TestGateway {
    private TestGateway() {}

    public static GatewaySettings settings(Path dataDir, int port) {
        return GatewaySettings.load(overrides(dataDir, port));
    }

    public static Map<String, String> overrides(Path dataDir, int port) {
        Map<String, String> o = new HashMap<>();
        o.put("gateway.data.dir", dataDir.toString());
        o.put("gateway.https.host", "127.0.0.1");
        o.put("gateway.https.port", Integer.toString(port));
        return o;
    }
}
