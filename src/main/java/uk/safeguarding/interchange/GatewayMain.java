package uk.safeguarding.interchange;

import java.util.Arrays;
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
                  help        this text
                """);
    }
}
