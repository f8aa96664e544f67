package uk.safeguarding.interchange.ledger;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.NoteSigningKey;

/**
 * {@code ledger-key [--name NAME] --out BASE}: generates a ledger signing key pair, writing {@code BASE.key} (the
 * secret signer key, owner-only permissions where the file system allows) and {@code BASE.vkey} (the verifier key to
 * give auditors). Refuses to overwrite. The name defaults to {@link Checkpoint#DEFAULT_ORIGIN}. Exit status: 0 done,
 * 2 bad usage or an I/O error.
 */
public final class LedgerKeyCommand {
    private LedgerKeyCommand() {}

    public static int run(String[] args, PrintStream out) {
        String name = Checkpoint.DEFAULT_ORIGIN;
        String base = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--name" -> name = args[i + 1];
                case "--out" -> base = args[i + 1];
                default -> base = null;
            }
        }
        if (base == null || args.length % 2 != 0) {
            out.println("Usage: ledger-key [--name NAME] --out BASE   (writes BASE.key and BASE.vkey)");
            return 2;
        }
        try {
            NoteSigningKey key = NoteSigningKey.generate(name);
            writeKeyPair(key, Path.of(base + ".key"), Path.of(base + ".vkey"));
            out.println(key.verifierKey().encode());
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            out.println("ERROR: " + e.getMessage());
            return 2;
        }
    }

    /** Writes the signer key (owner-only where POSIX) and the verifier key, each a single line; never overwrites. */
    public static void writeKeyPair(NoteSigningKey key, Path signerFile, Path verifierFile) throws IOException {
        if (Files.exists(signerFile) || Files.exists(verifierFile)) {
            throw new FileAlreadyExistsException(
                    Files.exists(signerFile) ? signerFile.toString() : verifierFile.toString());
        }
        Files.writeString(signerFile, "", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(signerFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the operator protects the file.
        }
        Files.writeString(signerFile, key.encode() + "\n", StandardCharsets.UTF_8);
        Files.writeString(verifierFile, key.verifierKey().encode() + "\n", StandardCharsets.UTF_8);
    }
}
