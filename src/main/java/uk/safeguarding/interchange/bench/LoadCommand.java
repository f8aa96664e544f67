package uk.safeguarding.interchange.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./gateway bench load --url https://localhost:8443 (--rate N | --max) [--duration 60s] [--clients 16]
 * [--cert acme-safeguard] [--file schemas/examples/fhir/safeguarding-referral.json] [--recipients la-850,mash-850]
 * [--drain 120s] [--warmup 15s] [--out target/bench/load-TIME.json]}: runs a {@link LoadGenerator} against a running
 * gateway and writes its {@link LoadReport} as JSON. A benchmark, not a test: it prints numbers and judges nothing.
 */
public final class LoadCommand {
    private static final Set<String> OPTIONS = Set.of(
            "url",
            "rate",
            "duration",
            "clients",
            "cert",
            "file",
            "recipients",
            "drain",
            "out",
            "presign",
            "warmup",
            "password",
            "ackers");

    private LoadCommand() {}

    /** Runs the command; returns the process exit code (0 when the run completed, whatever its numbers). */
    public static int run(String[] args) {
        Map<String, String> options = new HashMap<>();
        boolean max = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--max")) {
                max = true;
            } else if (arg.startsWith("--") && OPTIONS.contains(arg.substring(2)) && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                return usage("unexpected argument " + arg);
            }
        }
        if (max == options.containsKey("rate")) {
            return usage("give exactly one of --rate N and --max");
        }
        try {
            Duration duration = duration(options.getOrDefault("duration", "60s"));
            int rate = max ? 0 : Integer.parseInt(options.get("rate"));
            int messages = options.containsKey("presign")
                    ? Integer.parseInt(options.get("presign"))
                    : max ? (int) Math.min(200_000, 600 * duration.toSeconds()) : (int) (rate * duration.toSeconds());
            LoadGenerator.Config config = new LoadGenerator.Config(
                    options.getOrDefault("url", "https://localhost:8443"),
                    rate,
                    duration,
                    Integer.parseInt(options.getOrDefault("clients", "16")),
                    options.getOrDefault("cert", "acme-safeguard"),
                    options.getOrDefault("password", "dev-only").toCharArray(),
                    Path.of(options.getOrDefault("file", "schemas/examples/fhir/safeguarding-referral.json")),
                    List.of(options.getOrDefault("recipients", "la-850,mash-850")
                            .split(",")),
                    duration(options.getOrDefault("drain", "120s")),
                    messages,
                    Integer.parseInt(options.getOrDefault("ackers", "16")),
                    duration(options.getOrDefault("warmup", "15s")));
            Path out = Path.of(options.getOrDefault(
                    "out",
                    "target/bench/load-"
                            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                                    .withZone(ZoneOffset.UTC)
                                    .format(Instant.now())
                            + ".json"));
            LoadReport report = new LoadGenerator(config, System.out).run();
            report.write(out);
            System.out.println(report.summary());
            System.out.println("Results: " + out);
            return 0;
        } catch (Exception e) {
            System.err.println("bench load failed: " + e);
            return 1;
        }
    }

    /** {@code 60s}, {@code 2m}, {@code 500ms} or ISO-8601 ({@code PT60S}). */
    static Duration duration(String text) {
        if (text.startsWith("PT") || text.startsWith("pt")) {
            return Duration.parse(text);
        }
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long value = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(value);
            case 'm' -> Duration.ofMinutes(value);
            default -> throw new IllegalArgumentException("duration " + text + ": use e.g. 60s, 2m or 500ms");
        };
    }

    private static int usage(String problem) {
        System.err.println("bench load: " + problem);
        System.err.println(
                "Usage: ./gateway bench load [--url https://localhost:8443] (--rate N | --max) [--duration 60s]"
                        + " [--clients 16] [--cert acme-safeguard] [--file referral.json] [--recipients la-850,mash-850]"
                        + " [--drain 120s] [--ackers 16] [--presign N] [--warmup 15s]"
                        + " [--out target/bench/load-TIME.json]");
        return 2;
    }
}
