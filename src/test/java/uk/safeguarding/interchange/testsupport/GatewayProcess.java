package uk.safeguarding.interchange.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway in its own JVM, as an operator runs it: {@code GatewayMain start} from {@code target/classes} and
 * {@code target/lib} (built by {@code package}, before the integration tests), its data under a directory of the
 * test's, on a loopback port, its output in {@code NAME.log} beside the data. Not thread-safe.
 */
public final class GatewayProcess implements AutoCloseable {
    private final Path workDir;
    private final String name;
    private final int port;
    private final Process process;

    private GatewayProcess(Path workDir, String name, int port, Process process) {
        this.workDir = workDir;
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** A free loopback port, for a gateway that must keep its port across restarts. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts {@code GatewayMain start} with data in {@code workDir/data} on {@code port}, with {@code properties}
     * as {@code -D} settings, and waits until {@code /fhir/metadata} answers over mutual TLS.
     */
    public static GatewayProcess start(Path workDir, String name, int port, Map<String, String> properties)
            throws IOException {
        Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + Path.of("target", "lib").toAbsolutePath() + java.io.File.separator + "*";
        List<String> command = new ArrayList<>(List.of(
                javaBinary.toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                "-Dgateway.data.dir=" + workDir.resolve("data"),
                "-Dgateway.https.host=127.0.0.1",
                "-Dgateway.https.port=" + port));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("uk.safeguarding.interchange.GatewayMain", "start"));
        Files.createDirectories(workDir);
        Process process = new ProcessBuilder(command)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile())
                .start();
        GatewayProcess gateway = new GatewayProcess(workDir, name, port, process);
        gateway.awaitReady();
        return gateway;
    }

    public URI baseUri() {
        return URI.create("https://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return workDir.resolve("data");
    }

    /** SIGKILL: no shutdown hook, no orderly close of Camel, Artemis or the database. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway process did not die");
        }
    }

    /** An orderly stop (SIGTERM, the shutdown hook closes everything); true when it ended within the time. */
    public boolean stop(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !stop(Duration.ofSeconds(30))) {
            kill();
        }
    }

    /** The last lines the process wrote, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(workDir.resolve(name + ".log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitReady() {
        HttpClient client = DevCerts.httpClient("acme-safeguard");
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .failFast("the gateway process exited: " + logTail(), () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> client.send(
                                        HttpRequest.newBuilder(baseUri().resolve("/fhir/metadata"))
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }
}
