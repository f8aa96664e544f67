package uk.safeguarding.interchange.testsupport;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.GatewayRuntime;

/**
 * For a test class that runs against the real embedded gateway (Jetty with mutual TLS on a loopback port, Artemis,
 * H2, Camel with the real routes, the dev PKI): started once in a temp data directory before the class's own
 * {@code @BeforeAll} methods, stopped after the class. A test may restart it by assigning {@link #gateway}; the one
 * assigned last is stopped. Test classes run one at a time, so the static fields serve one class at a time.
 */
public abstract class RealGateway {
    @TempDir
    protected static Path tmp;

    protected static GatewayRuntime gateway;

    @BeforeAll
    static void startGateway() {
        gateway = GatewayRuntime.start(TestGateway.settings(tmp.resolve("data"), 0));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }
}
