package uk.safeguarding.interchange.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.GatewayProcess;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * The whole conformance kit as a vendor runs it: the gateway started on its own ({@code GatewayMain start} in a
 * separate JVM, mutual TLS, Camel, H2, Artemis, routing and delivery running), and the runner's command line
 * ({@code ./gateway conformance}) pointed at its URL with the vendor's own key stores: files of the vendor's, under
 * the vendor's passwords, a separate one for TLS and for signing. Fails if any case fails, naming each failure.
 * {@code -Dconformance.only=fhir/signatures} runs a subset.
 */
class ConformanceKitIT {
    private static final Path WORK = Path.of("target", "conformance-kit-it").toAbsolutePath();
    private static final Path OUT = Path.of("target", "conformance");

    static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayProcess.start(WORK, "gateway", GatewayProcess.freePort(), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aSeparatelyStartedGatewayPassesEveryCaseWithTheVendorsOwnKeyStores() throws Exception {
        Path vendor = Files.createDirectories(WORK.resolve("vendor"));
        Path tls = repack("acme-safeguard", vendor.resolve("my-system-tls.p12"), "tls-secret");
        Path signing = repack("acme-safeguard", vendor.resolve("my-system-signing.p12"), "signing-secret");
        List<String> args = new ArrayList<>(List.of(
                "--url", gateway.baseUri().toString(),
                "--client-cert", tls.toString(),
                "--password", "tls-secret",
                "--signing-cert", signing.toString(),
                "--signing-password", "signing-secret",
                "--cacert", "certs-dev/root-ca.crt.pem",
                "--dev-certs", "certs-dev",
                "--wait", "20",
                "--out", OUT.toString()));
        String only = System.getProperty("conformance.only");
        if (only != null) {
            args.addAll(List.of("--only", only));
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(printed, System.out), true, StandardCharsets.UTF_8);

        int exit = ConformanceCommand.run(args.toArray(String[]::new), out, out);

        String lines = printed.toString(StandardCharsets.UTF_8);
        assertThat(lines.lines().filter(l -> l.startsWith("FAIL")))
                .as("failed cases (see target/conformance/conformance-summary.md); gateway log:\n" + gateway.logTail())
                .isEmpty();
        assertThat(exit).isZero();
        int cases = CaseLoader.load(Path.of("conformance-tests")).size();
        if (only == null) {
            assertThat(lines).contains(cases + " of " + cases + " cases passed");
        }
        assertThat(Files.readString(OUT.resolve(Reports.SUMMARY))).contains("**PASS**");
        assertThat(Files.readString(OUT.resolve(Reports.JUNIT))).contains("failures=\"0\"");
    }

    /** A dev identity's key and chain in a PKCS#12 file of the vendor's own, under the vendor's own password. */
    private static Path repack(String devName, Path file, String password) throws Exception {
        SigningKey dev = SigningKey.loadPkcs12(DevCerts.p12(devName), DevCerts.PASSWORD.toCharArray());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "my-system", dev.key(), password.toCharArray(), dev.chain().toArray(Certificate[]::new));
        try (OutputStream o = Files.newOutputStream(file)) {
            store.store(o, password.toCharArray());
        }
        return file;
    }

    /** Writes to both: the test keeps the runner's lines, the build log shows them as they come. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
