package uk.safeguarding.interchange.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.intake.fhir.FhirFormat;
import uk.safeguarding.interchange.trust.ClientTls;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * {@code ./gateway submit --cert NAME|FILE.p12 --file BUNDLE.json|.xml [--url URL] [--sign-as NAME|FILE.p12]
 * [--password PW] [--cacert PEM]}: signs the Bundle (replacing any {@code Bundle.signature}; ES256 for an EC key, RS256
 * for RSA), posts it to {@code $process-message} over mutual TLS with the {@code --cert} key store, and prints the
 * status, tracking id and code of the reply. A development and conformance tool: the sender in the file is left as is.
 */
public final class SubmitCommand {
    private SubmitCommand() {}

    /** Runs the command; returns the process exit code (0 when the message was accepted). */
    public static int run(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                return usage("unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !options.containsKey("cert") || !options.containsKey("file")) {
            return usage("--cert and --file are required");
        }
        try {
            char[] password = options.getOrDefault("password", "dev-only").toCharArray();
            Path tlsStore = keyStore(options.get("cert"));
            Path signStore = keyStore(options.getOrDefault("sign-as", options.get("cert")));
            Path file = Path.of(options.get("file"));
            FhirFormat format =
                    file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")
                            ? FhirFormat.XML
                            : FhirFormat.JSON;
            byte[] signed = new BundleSigner(SigningKey.loadPkcs12(signStore, password))
                    .sign(Files.readAllBytes(file), format, Instant.now());
            URI url = URI.create(options.getOrDefault("url", "https://localhost:8443") + "/fhir/$process-message");
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(ClientTls.context(
                            tlsStore, password, Path.of(options.getOrDefault("cacert", "certs-dev/root-ca.crt.pem"))))
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<byte[]> response = client.send(
                    HttpRequest.newBuilder(url)
                            .header("Content-Type", format.mediaType())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(signed))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            System.out.println(describe(response, format));
            return response.statusCode() == 200 ? 0 : 1;
        } catch (Exception e) {
            System.err.println("submit failed: " + e.getMessage());
            return 1;
        }
    }

    /** {@code NAME} → {@code certs-dev/NAME.p12}; anything ending in .p12 is a path. */
    static Path keyStore(String nameOrPath) {
        return nameOrPath.endsWith(".p12") ? Path.of(nameOrPath) : Path.of("certs-dev", nameOrPath + ".p12");
    }

    private static String describe(HttpResponse<byte[]> response, FhirFormat requested) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        FhirFormat format = contentType.startsWith(FhirFormat.XML.mediaType()) ? FhirFormat.XML : FhirFormat.JSON;
        String tracking = "-";
        String code = "-";
        String outcome = "-";
        try {
            JsonNode reply = new FhirEncoding(1 << 22).decodeTree(response.body(), format);
            JsonNode root = reply;
            if ("Bundle".equals(reply.path("resourceType").asText())) {
                tracking = reply.path("identifier").path("value").asText("-");
                outcome = reply.path("entry")
                        .path(0)
                        .path("resource")
                        .path("response")
                        .path("code")
                        .asText("-");
                root = reply.path("entry").path(1).path("resource");
            }
            JsonNode coding =
                    root.path("issue").path(0).path("details").path("coding").path(0);
            code = coding.path("code").asText("-");
            if (code.equals("-")) {
                code = "ok";
            }
        } catch (RuntimeException e) {
            code = "unreadable reply";
        }
        return "HTTP " + response.statusCode() + "  response " + outcome + "  tracking id " + tracking + "  code "
                + code + "  (sent as " + requested.mediaType() + ")";
    }

    private static int usage(String problem) {
        System.err.println("submit: " + problem);
        System.err.println(
                "Usage: ./gateway submit --cert <certs-dev name | file.p12> --file <bundle.json | bundle.xml>"
                        + " [--url https://localhost:8443] [--sign-as <name | file.p12>] [--password dev-only]"
                        + " [--cacert certs-dev/root-ca.crt.pem]");
        return 2;
    }
}
