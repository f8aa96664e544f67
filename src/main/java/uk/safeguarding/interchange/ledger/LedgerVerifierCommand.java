package uk.safeguarding.interchange.ledger;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import uk.safeguarding.interchange.ledger.checkpoint.NoteVerifierKey;

/**
 * {@code verify-ledger --export F --checkpoint F [--checkpoint F ...] --key F [--origin O]}: runs {@link
 * LedgerVerifier} over files and prints its report. The key file holds the verifier key text ({@code
 * <name>+<hash>+<key>}); the origin defaults to the key name. Exit status: 0 verified, 1 problems found, 2 bad
 * usage or unreadable input.
 */
public final class LedgerVerifierCommand {
    private LedgerVerifierCommand() {}

    public static int run(String[] args, PrintStream out) {
        Path export = null;
        Path key = null;
        String origin = null;
        List<Path> checkpoints = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                return usage(out, "missing value for " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--export" -> export = Path.of(value);
                case "--checkpoint" -> checkpoints.add(Path.of(value));
                case "--key" -> key = Path.of(value);
                case "--origin" -> origin = value;
                default -> {
                    return usage(out, "unknown option " + option);
                }
            }
        }
        if (export == null || key == null || checkpoints.isEmpty()) {
            return usage(out, "--export, --checkpoint and --key are required");
        }
        try {
            NoteVerifierKey verifierKey = NoteVerifierKey.parse(Files.readString(key, StandardCharsets.UTF_8));
            LedgerVerifier verifier =
                    origin == null ? new LedgerVerifier(verifierKey) : new LedgerVerifier(verifierKey, origin);
            LedgerVerificationReport report = verifier.verify(export, checkpoints);
            out.print(report.describe());
            return report.ok() ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            out.println("ERROR: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream out, String problem) {
        out.println("ERROR: " + problem);
        out.println("Usage: verify-ledger --export FILE --checkpoint FILE [--checkpoint FILE ...] --key FILE"
                + " [--origin ORIGIN]");
        return 2;
    }
}
