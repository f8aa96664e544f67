package uk.safeguarding.interchange;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import uk.safeguarding.interchange.bench.CorpusCommand;
import uk.safeguarding.interchange.bench.LoadCommand;
import uk.safeguarding.interchange.cli.SubmitCommand;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.config.StartupException;
import uk.safeguarding.interchange.conformance.ConformanceCommand;
import uk.safeguarding.interchange.delivery.DlqCommand;
import uk.safeguarding.interchange.demo.DemoCommand;
import uk.safeguarding.interchange.ledger.LedgerKeyCommand;
import uk.safeguarding.interchange.ledger.LedgerVerifierCommand;
import uk.safeguarding.interchange.trust.devpki.DevPkiGenerator;

/** The gateway's command line: {@code start} runs the gateway; other commands are tools for operators. */
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "start" -> System.exit(start());
            case "help", "--help", "-h" -> printHelp();
            case "dev-pki" -> DevPkiGenerator.main(rest);
            case "submit" -> System.exit(SubmitCommand.run(rest));
            case "verify-ledger" -> System.exit(LedgerVerifierCommand.run(rest, System.out));
            case "ledger-key" -> System.exit(LedgerKeyCommand.run(rest, System.out));
            case "conformance" -> System.exit(ConformanceCommand.run(rest, System.out, System.err));
            case "bench" -> System.exit(bench(rest));
            case "dlq" -> System.exit(DlqCommand.run(rest, System.out, System.err));
            case "demo" -> System.exit(DemoCommand.run(rest, System.out, System.err));
            default -> {
                System.err.println("Unknown command: " + command + " (rest: " + rest.length + " arguments)");
                printHelp();
                System.exit(2);
            }
        }
    }

    private static int bench(String[] args) {
        if (args.length > 0 && args[0].equals("load")) {
            return LoadCommand.run(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && args[0].equals("corpus")) {
            return CorpusCommand.run(Arrays.copyOfRange(args, 1, args.length));
        }
        System.err.println(
                "Usage: ./gateway bench load ... | bench corpus ... | bench micro | bench autocannon ... (./gateway help)");
        return 2;
    }

    /** Runs the gateway until SIGTERM/Ctrl-C; returns the process exit code. */
    static int start() {
        GatewayRuntime runtime;
        try {
            runtime = GatewayRuntime.start(GatewaySettings.load());
        } catch (StartupException e) {
            System.err.println("Cannot start the gateway: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("Cannot start the gateway: " + oneLine(e) + " (details in the log above)");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            runtime.close();
                            stopped.countDown();
                        },
                        "gateway-shutdown"));
        System.out.println(banner(runtime));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String banner(GatewayRuntime runtime) {
        String base = runtime.baseUri().toString();
        return """

                Safeguarding Interchange Gateway %s is running (Ctrl-C stops it).
                  FHIR    %s/fhir   (metadata: %s/fhir/metadata)
                  Health  %s/health
                  Data    %s
                Every call needs a client certificate (mutual TLS), e.g. with the dev PKI:
                  curl --cert-type P12 --cert certs-dev/school-100001.p12:dev-only \\
                       --cacert certs-dev/root-ca.crt.pem %s/fhir/metadata
                """
                .formatted(
                        GatewayRuntime.version(),
                        base,
                        base,
                        base,
                        runtime.settings().dataDir(),
                        base);
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static void printHelp() {
        System.out.println(
                """
                Usage: ./gateway <command>
                  start       run the embedded gateway (HTTPS with mutual TLS on loopback)
                  test        run the full build and test suite
                  demo        [--data DIR] start an embedded gateway and replay a multi-agency story end to end
                              (concern, cross-border PPN, Operation Encompass, declined outcome, escalation), printing
                              each message's ledger trail and inclusion proofs checked against a signed checkpoint
                  submit      sign a FHIR Bundle and post it to $process-message with mutual TLS:
                              --cert <certs-dev name | file.p12> --file <bundle.json | .xml>
                              [--url https://localhost:8443] [--sign-as <name | file.p12>]
                  conformance --url https://HOST:PORT --client-cert X.p12 --signing-cert Y.p12 [--password PW]
                              [--cacert root.pem] [--out target/conformance]: run the vendor conformance kit
                              (conformance-tests/) against a gateway; JUnit XML + Markdown summary in --out
                  dev-pki     regenerate the dev PKI into certs-dev/ (or the directory given); dev only
                              --reissue NAME [dir]: replace only that certificate (gateway-signing or a dev
                              organisation's) with a fresh key from the same issuing CA; the rest stays valid
                  verify-ledger --export F --checkpoint F [--checkpoint F ...] --key F [--origin O]
                              check a ledger export against signed checkpoints (exit 0 ok, 1 problems)
                  ledger-key  [--name N] --out BASE: new ledger signing key (BASE.key secret, BASE.vkey public)
                  dlq list    parked (DELIVERY_FAILED) push deliveries; embedded DB: stop the gateway first
                  dlq replay <trackingId> [<recipient>]
                              deliver parked deliveries again (ledger: REPLAYED)
                  bench micro [JMH options]
                              JMH microbenchmarks of the intake stages (JSON in target/bench/)
                  bench load  (--rate N | --max) [--url https://localhost:8443] [--duration 60s] [--clients 16]
                              [--recipients la-850,mash-850] [--drain 120s] [--ackers 16] [--cert acme-safeguard]
                              load a running gateway with pre-signed referrals, take the deliveries from the
                              recipients' mailboxes; latency, throughput, delivery (JSON in target/bench/)
                  bench corpus [--count 30000] [--cert acme-safeguard] [--out target/bench/corpus.ndjson]
                              distinct pre-signed referrals, one JSON per line, for load clients that are not ours
                  bench autocannon [--rate 200 | --max] [--duration 60] [--connections 16] [--url ...]
                              autocannon (npm) posts the corpus over mutual TLS; LA 850 and the MASH drain
                              their mailboxes; throughput, latency, delivery (JSON in target/bench/)
                  help        this text
                """);
    }
}
