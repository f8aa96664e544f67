package uk.safeguarding.interchange;

import java.util.Arrays;
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
            case "help", "--help", "-h" -> printHelp();
            case "dev-pki" -> DevPkiGenerator.main(rest);
            case "verify-ledger" -> System.exit(LedgerVerifierCommand.run(rest, System.out));
            case "ledger-key" -> System.exit(LedgerKeyCommand.run(rest, System.out));
            default -> {
                System.err.println("Unknown command: " + command + " (rest: " + rest.length + " arguments)");
                printHelp();
                System.exit(2);
            }
        }
    }

    private static void printHelp() {
        System.out.println(
                """
                Usage: ./gateway <command>
                  start       run the embedded gateway (HTTPS with mutual TLS on loopback)
                  test        run the full build and test suite
                  dev-pki     regenerate the dev PKI into certs-dev/ (or the directory given); dev only
                  verify-ledger --export F --checkpoint F [--checkpoint F ...] --key F [--origin O]
                              check a ledger export against signed checkpoints (exit 0 ok, 1 problems)
                  ledger-key  [--name N] --out BASE: new ledger signing key (BASE.key secret, BASE.vkey public)
                  help        this text
                """);
    }
}
