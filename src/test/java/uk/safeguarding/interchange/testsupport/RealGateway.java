package uk.safeguarding.interchange.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.config.GatewaySettings;

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

    /** Extra gateway settings for a test class, each {@code "property=value"}, applied when the gateway starts. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Settings {
        String[] value();
    }

    @BeforeAll
    static void startGateway(TestInfo info) {
        Map<String, String> overrides = TestGateway.overrides(tmp.resolve("data"), 0);
        Settings extra = info.getTestClass().orElseThrow().getAnnotation(Settings.class);
        if (extra != null) {
            for (String setting : extra.value()) {
                String[] kv = setting.split("=", 2);
                overrides.put(kv[0], kv[1]);
            }
        }
        gateway = GatewayRuntime.start(GatewaySettings.load(overrides));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }
}
