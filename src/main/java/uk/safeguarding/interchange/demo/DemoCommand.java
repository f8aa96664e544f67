package uk.safeguarding.interchange.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.conformance.ConformanceRunner;
import uk.safeguarding.interchange.conformance.Credentials;
import uk.safeguarding.interchange.directory.DirectoryLoader;
import uk.safeguarding.interchange.sla.SlaPolicy;

/**
 * {@code ./gateway demo [--data DIR]}: starts the embedded gateway on a free loopback port with a fresh data
 * directory (a temporary one, removed afterwards, unless {@code --data} names one) and a clock the demo moves forward,
 * tells the multi-agency {@link Story} with the dev certificates, and stops the gateway. Exit 0 when every step
 * behaved as expected, 1 (with the step and the reason) otherwise, 2 for bad arguments.
 */
public final class DemoCommand {
    private DemoCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else {
                err.println("Usage: ./gateway demo [--data DIR]  (unknown argument: " + args[i] + ")");
                return 2;
            }
        }
        // The story is the output; the gateway's and libraries' INFO log would drown it (our warnings still show).
        Map<Logger, Level> quieted = new HashMap<>();
        quiet(quieted, Logger.ROOT_LOGGER_NAME, Level.WARN);
        quiet(quieted, "uk.safeguarding.interchange", Level.WARN);
        quiet(quieted, "ca.uhn.fhir", Level.ERROR);
        boolean temporary = dataDir == null;
        try {
            if (temporary) {
                dataDir = Files.createTempDirectory("gateway-demo");
            } else if (Files.exists(dataDir)) {
                err.println("The demo needs a fresh data directory; " + dataDir + " already exists");
                return 2;
            }
            return play(dataDir, out, err);
        } catch (IOException e) {
            err.println("Demo FAILED: cannot create a data directory: " + e.getMessage());
            return 1;
        } finally {
            quieted.forEach(Logger::setLevel);
            if (temporary && dataDir != null) {
                deleteQuietly(dataDir);
            }
        }
    }

    private static int play(Path dataDir, PrintStream out, PrintStream err) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("gateway.data.dir", dataDir.toString());
        overrides.put("gateway.https.host", "127.0.0.1");
        overrides.put("gateway.https.port", "0");
        // Check service levels every half second so the escalation follows the clock jump at once.
        overrides.put("gateway.sla.check.period", "500");
        GatewaySettings settings = GatewaySettings.load(overrides);
        DemoClock clock = new DemoClock(Clock.systemUTC());
        out.println("Safeguarding Interchange Gateway demo: starting the embedded gateway (data in " + dataDir + ") …");
        try (GatewayRuntime gateway = GatewayRuntime.start(settings, clock)) {
            out.println("Gateway " + GatewayRuntime.version() + " is running at " + gateway.baseUri()
                    + " (mutual TLS, dev certificates)");
            var p = settings.properties();
            Story story = new Story(
                    new ConformanceRunner(
                            gateway.baseUri(),
                            Credentials.devDefaults(),
                            Path.of("conformance-tests"),
                            Path.of("schemas/examples"),
                            Duration.ofSeconds(20)),
                    DirectoryLoader.load(Path.of(p.getProperty("gateway.directory.file", "config/directory.yaml"))),
                    SlaPolicy.load(Path.of(p.getProperty("gateway.sla.file", "config/sla.yaml"))),
                    // The demo runs on the dev PKI, whose published ledger verifier key this is.
                    Story.readKey(Path.of("certs-dev/ledger-signing.vkey")),
                    clock,
                    out);
            story.tell();
            out.println();
            out.println("Demo complete: every step behaved as expected.");
            return 0;
        } catch (Story.DemoFailure e) {
            err.println();
            err.println("Demo FAILED: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println();
            err.println("Demo FAILED: " + e);
            return 1;
        }
    }

    private static void quiet(Map<Logger, Level> previous, String name, Level level) {
        Logger logger = (Logger) LoggerFactory.getLogger(name);
        previous.put(logger, logger.getLevel());
        logger.setLevel(level);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
