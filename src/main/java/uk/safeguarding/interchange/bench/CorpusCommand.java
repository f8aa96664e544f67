package uk.safeguarding.interchange.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * {@code ./gateway bench corpus [--count 30000] [--cert acme-safeguard] [--password dev-only]
 * [--file schemas/examples/fhir/safeguarding-referral.json] [--out target/bench/corpus.ndjson]}: writes distinct,
 * pre-signed {@code $process-message} bodies, one compact JSON Bundle per line, for load clients that are not ours
 * (docs/performance.md, "An independent load client"). Signatures age out after {@code gateway.fhir.signature.max.age}
 * (72 h by default): regenerate rather than reuse an old corpus.
 */
public final class CorpusCommand {
    private CorpusCommand() {}

    public static int run(String[] args) {
        java.util.Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("Usage: ./gateway bench corpus [--count N] [--cert NAME|FILE.p12] [--password PW]"
                        + " [--file TEMPLATE.json] [--out FILE.ndjson]");
                return 2;
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        int count = Integer.parseInt(options.getOrDefault("count", "30000"));
        String cert = options.getOrDefault("cert", "acme-safeguard");
        Path keyStore = cert.endsWith(".p12") ? Path.of(cert) : Path.of("certs-dev", cert + ".p12");
        Path out = Path.of(options.getOrDefault("out", "target/bench/corpus.ndjson"));
        try {
            SigningKey key = SigningKey.loadPkcs12(
                    keyStore, options.getOrDefault("password", "dev-only").toCharArray());
            List<byte[]> bodies = SignedReferrals.sign(
                    Path.of(options.getOrDefault("file", "schemas/examples/fhir/safeguarding-referral.json")),
                    key,
                    count);
            Files.createDirectories(out.toAbsolutePath().getParent());
            try (OutputStream o = Files.newOutputStream(out)) {
                for (byte[] body : bodies) {
                    o.write(body);
                    o.write('\n');
                }
            }
            System.out.println(count + " signed messages (as " + key.organisationId() + ") in " + out);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("bench corpus failed: " + e.getMessage());
            return 1;
        }
    }
}
