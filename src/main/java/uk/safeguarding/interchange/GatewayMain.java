package uk.safeguarding.interchange;

import java.util.Arrays;

/** The gateway's command line: {@code start} runs the gateway; other commands are tools for operators. */
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "help", "--help", "-h" -> printHelp();
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
                  help        this text
                """);
    }
}
