package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * A SOAP client from another toolkit than CXF: the vendor example {@code examples/node-soap-client/submit.mjs} (npm
 * {@code soap} with its X.509 WS-Security signing, pinned by package-lock.json) submits a referral to the real
 * gateway. Needs {@code node} and {@code npm} on the PATH (and the npm registry the first time, for {@code npm ci}).
 */
class NodeSoapClientIT extends RealGateway {
    static final Path CLIENT = Path.of("examples/node-soap-client");

    static SoapGatewayClient soap;

    @BeforeAll
    static void start() throws Exception {
        // About intake: what reaches the routing queue and the ledger; routing would consume the queue.
        gateway.camelContext().getRouteController().stopRoute("routing");
        soap = new SoapGatewayClient(gateway);
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command)
                .directory(CLIENT.toFile())
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(240, TimeUnit.SECONDS))
                .as("%s finished", command)
                .isTrue();
        assertThat(process.exitValue())
                .as("%s exit code, output: %s", command, out)
                .isZero();
        return out.trim();
    }

    @Test
    void nodeSoapClientSubmitsASignedReferral() throws Exception {
        assumeTrue(
                onPath("node") && onPath("npm"), "node and npm are not on the PATH: the Node SOAP client is not run");
        if (!Files.isDirectory(CLIENT.resolve("node_modules/soap"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
        int queued = soap.routingQueueDepth();

        String out = run(List.of(
                "node",
                "--no-deprecation",
                "submit.mjs",
                soap.endpoint().toString(),
                "acme-safeguard",
                "../../schemas/examples/soap/01-safeguarding-referral.xml"));

        assertThat(out).contains("\"status\":\"ok\"").contains("\"trackingId\":\"");
        assertThat(soap.lastLedgerEntry()).isEqualTo("ACCEPTED null urn:interchange:system:acme-safeguard");
        assertThat(soap.routingQueueDepth()).isEqualTo(queued + 1);
    }
}
