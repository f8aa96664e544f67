package uk.safeguarding.interchange.conformance;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./gateway conformance --url URL --client-cert X.p12 --signing-cert Y.p12 [--password PW]
 * [--signing-password PW] [--cacert PEM]
 * [--dev-certs DIR] [--kit DIR] [--examples DIR] [--only PREFIX] [--wait SECONDS] [--out DIR]}: runs the kit and
 * writes {@code conformance-junit.xml} and {@code conformance-summary.md}; exit 0 only when every case passed.
 */
public final class ConformanceCommand {
    private ConformanceCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage(err, "unexpected argument " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        if (!o.containsKey("url")) {
            return usage(err, "--url is required");
        }
        Credentials dev = Credentials.devDefaults();
        Path client = Path.of(o.getOrDefault("client-cert", dev.clientStore().toString()));
        char[] password = o.containsKey("password") ? o.get("password").toCharArray() : dev.clientPassword();
        char[] signingPassword =
                o.containsKey("signing-password") ? o.get("signing-password").toCharArray() : password;
        Credentials credentials = new Credentials(
                client,
                password,
                Path.of(o.getOrDefault("signing-cert", client.toString())),
                signingPassword,
                Path.of(o.getOrDefault("cacert", dev.caCert().toString())),
                Path.of(o.getOrDefault("dev-certs", dev.devCerts().toString())),
                o.getOrDefault("dev-password", "dev-only").toCharArray());
        Path out_ = Path.of(o.getOrDefault("out", "target/conformance"));
        try {
            List<ConformanceCase> cases = CaseLoader.load(Path.of(o.getOrDefault("kit", "conformance-tests")));
            String only = o.get("only");
            if (only != null) {
                cases = cases.stream().filter(c -> c.id().startsWith(only)).toList();
            }
            ConformanceRunner runner = new ConformanceRunner(
                    URI.create(o.get("url")),
                    credentials,
                    Path.of(o.getOrDefault("kit", "conformance-tests")),
                    Path.of(o.getOrDefault("examples", "schemas/examples")),
                    Duration.ofSeconds(Long.parseLong(o.getOrDefault("wait", "30"))));
            List<CaseResult> results = runner.run(cases);
            Reports.write(out_, o.get("url"), results);
            long failed = results.stream().filter(r -> !r.passed()).count();
            for (CaseResult r : results) {
                out.println((r.passed() ? "pass  " : "FAIL  ")
                        + r.conformanceCase().id()
                        + (r.passed() ? "" : "  " + r.detail()));
            }
            out.println((results.size() - failed) + " of " + results.size() + " cases passed; reports in "
                    + out_.toAbsolutePath());
            return failed == 0 ? 0 : 1;
        } catch (Exception e) {
            err.println("conformance: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("conformance: " + problem);
        err.println("Usage: ./gateway conformance --url https://HOST:PORT --client-cert X.p12 --signing-cert Y.p12"
                + " [--password PW] [--signing-password PW] [--cacert root.pem] [--dev-certs certs-dev]"
                + " [--only fhir/signatures]"
                + " [--wait 30] [--out target/conformance]");
        return 2;
    }
}
