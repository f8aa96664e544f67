package uk.safeguarding.interchange.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.intake.fhir.FhirFormat;
import uk.safeguarding.interchange.intake.soap.SignedEnvelopes;
import uk.safeguarding.interchange.intake.soap.SoapSecurity;
import uk.safeguarding.interchange.intake.soap.SoapXml;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.ClientTls;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * Plays conformance cases against a gateway at any base URL, over mutual TLS, with the vendor's own key stores (and
 * the published dev certificates for counterparts), and judges each response only by what a client can observe:
 * HTTP status, error code, acknowledgement, mailboxes and message status. Message ids are fresh on every run, so
 * the kit can be run again and again against a long-lived sandbox. Not thread-safe: one run at a time.
 */
public final class ConformanceRunner {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FHIR_JSON = "application/fhir+json";
    static final String FHIR_XML = "application/fhir+xml";
    static final String SOAP = "application/soap+xml; charset=UTF-8";
    private static final Pattern VARIABLE = Pattern.compile("\\{([a-z0-9-]+)}");

    private final URI base;
    private final Credentials credentials;
    private final Path kitDir;
    private final Path examplesDir;
    private final Duration wait;
    private final Map<String, HttpClient> clients = new HashMap<>();

    /**
     * @param base the gateway, e.g. {@code https://sandbox.example:8443}
     * @param kitDir {@code conformance-tests/} (requests are resolved against it)
     * @param examplesDir {@code schemas/examples/} (the {@code example:} requests)
     * @param wait how long to poll mailboxes and status for asynchronous results
     */
    public ConformanceRunner(URI base, Credentials credentials, Path kitDir, Path examplesDir, Duration wait) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.credentials = credentials;
        this.kitDir = kitDir;
        this.examplesDir = examplesDir;
        this.wait = wait;
    }

    public List<CaseResult> run(List<ConformanceCase> cases) {
        List<CaseResult> results = new ArrayList<>();
        for (ConformanceCase c : cases) {
            results.add(run(c));
        }
        return results;
    }

    public CaseResult run(ConformanceCase c) {
        return run(c, new HashMap<>());
    }

    /**
     * Plays one case with {@code saved} as its saved values ({@code {name}} tracking ids and the like): values saved
     * by earlier cases are visible to this one, and this case's are added to the map (the demo tells one story).
     */
    public CaseResult run(ConformanceCase c, Map<String, String> saved) {
        long start = System.nanoTime();
        Run run = new Run(saved);
        try {
            List<String> seen = new ArrayList<>();
            int i = 0;
            for (ConformanceCase.Step step : c.steps()) {
                i++;
                String label = c.steps().size() == 1 ? "" : "step " + (step.name() == null ? i : step.name()) + ": ";
                Reply reply = send(step, run);
                String problem = judge(step, reply, run);
                if (problem != null) {
                    return new CaseResult(c, false, label + problem, millis(start));
                }
                seen.add(label + reply.summary() + thenSummary(step));
            }
            return new CaseResult(c, true, String.join("; ", seen), millis(start));
        } catch (Exception e) {
            return new CaseResult(c, false, "could not run: " + e, millis(start));
        }
    }

    /** The follow-up checks a step passed, briefly, for the report: {@code , then status-of referral ✓ ...}. */
    private static String thenSummary(ConformanceCase.Step step) {
        List<String> checks = new ArrayList<>();
        for (JsonNode check : step.expect().path("then")) {
            List<String> parts = new ArrayList<>();
            check.fields()
                    .forEachRemaining(
                            f -> parts.add(f.getKey() + " " + f.getValue().asText()));
            checks.add(String.join(" ", parts));
        }
        return checks.isEmpty() ? "" : ", then " + String.join(" ✓, ", checks) + " ✓";
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** State shared by the steps of one case: saved tracking ids, message ids, sent bytes. */
    private static final class Run {
        final Map<String, String> vars;
        final Map<String, String> messageIds = new HashMap<>();
        final Map<String, Sent> sent = new HashMap<>();

        Run(Map<String, String> vars) {
            this.vars = vars;
        }

        String substitute(String text) {
            Matcher m = VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = vars.get(m.group(1));
                if (value == null) {
                    throw new IllegalStateException("no saved value {" + m.group(1) + "}");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    private record Sent(String client, String contentType, byte[] body, String path) {}

    /** What came back: status, error code, acknowledgement code, tracking id, parsed body (JSON or null). */
    record Reply(
            int status,
            String code,
            String response,
            String trackingId,
            JsonNode json,
            String text,
            Optional<String> retryAfter) {
        String summary() {
            return "HTTP " + status + (code == null ? "" : " " + code) + (response == null ? "" : " " + response);
        }
    }

    // ------------------------------------------------------------------ requests

    private Reply send(ConformanceCase.Step step, Run run) throws Exception {
        JsonNode request = step.request();
        String client = request.path("client").asText(Credentials.VENDOR);
        Sent sent;
        if (request.has("replay-of")) {
            sent = run.sent.get(request.get("replay-of").asText());
            if (sent == null) {
                throw new IllegalStateException("replay-of names no earlier step");
            }
        } else {
            sent = switch (step.binding()) {
                case "fhir" -> fhirRequest(request, client, run, step.name());
                case "soap" -> soapRequest(request, client, run, step.name());
                default ->
                    new Sent(
                            client,
                            null,
                            null,
                            run.substitute(request.path("path").asText()));
            };
        }
        if (step.name() != null) {
            run.sent.put(step.name(), sent);
        }
        HttpRequest.Builder http =
                HttpRequest.newBuilder(URI.create(base + sent.path())).timeout(Duration.ofSeconds(60));
        String method = request.path("method").asText(sent.body() == null ? "GET" : "POST");
        request.path("headers")
                .fields()
                .forEachRemaining(h -> http.header(h.getKey(), h.getValue().asText()));
        if (sent.body() != null) {
            http.header("Content-Type", sent.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(sent.body()));
        } else {
            http.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response = sendWithOneResend(client(sent.client()), http.build());
        // repeat: the same request again, back to back (e.g. to exceed a rate limit); the last reply is judged.
        for (int i = 1; i < request.path("repeat").asInt(1); i++) {
            response = sendWithOneResend(client(sent.client()), http.build());
        }
        return parse(step.binding(), response);
    }

    /**
     * Sends once, and again only when the connection broke before any response arrived: a server may close a pooled
     * connection after refusing an over-long body, and the gateway's submissions are idempotent by message id, so
     * resending a request that got no answer is what a vendor's client should do too.
     */
    private static HttpResponse<byte[]> sendWithOneResend(HttpClient client, HttpRequest request) throws Exception {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException noResponse) {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private Sent fhirRequest(JsonNode request, String client, Run run, String stepName) throws Exception {
        String path = "/fhir/$process-message";
        FhirFormat format = request.path("format").asText("json").equals("xml") ? FhirFormat.XML : FhirFormat.JSON;
        String contentType = request.path("content-type").asText(format.mediaType());
        if (request.has("raw") || request.has("generate")) {
            return new Sent(client, contentType, rawBody(request), path);
        }
        ObjectNode bundle = (ObjectNode) JSON.readTree(
                request.has("file")
                        ? Files.readAllBytes(kitDir.resolve(request.get("file").asText()))
                        : Files.readAllBytes(examplesDir
                                .resolve("fhir")
                                .resolve(request.get("example").asText() + ".json")));
        String id = request.has("reuse-id-of")
                ? run.messageIds.get(request.get("reuse-id-of").asText())
                : null;
        bundle.put("id", id != null ? id : UUID.randomUUID().toString());
        if (stepName != null) {
            run.messageIds.put(stepName, bundle.get("id").asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = request.path("set").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            setFhir(
                    bundle,
                    e.getKey(),
                    e.getValue().isTextual()
                            ? JSON.getNodeFactory()
                                    .textNode(run.substitute(e.getValue().asText()))
                            : e.getValue());
        }
        if (request.has("correlate-to")) {
            String target = run.substitute("{" + request.get("correlate-to").asText() + "}");
            for (JsonNode ext : resource(bundle, "MessageHeader").path("extension")) {
                for (JsonNode part : ext.path("extension")) {
                    if (part.has("valueIdentifier")) {
                        ((ObjectNode) part.get("valueIdentifier")).put("value", target);
                    }
                }
            }
        }
        String signer = request.path("sign-with").asText(Credentials.VENDOR);
        Instant when = Instant.now().plus(duration(request.path("signing-time").asText("PT0S")));
        bundle.remove("signature");
        String tamper = request.path("tamper").asText("");
        if (signer.equals("none")) {
            return new Sent(client, contentType, encode(bundle, format), path);
        }
        SigningKey key =
                SigningKey.loadPkcs12(credentials.signingStore(signer), credentials.signingPasswordFor(signer));
        if (format == FhirFormat.XML) {
            byte[] xml = FhirEncoding.convert(FhirEncoding.toJsonBytes(bundle), FhirFormat.XML);
            return new Sent(client, contentType, new BundleSigner(key).sign(xml, FhirFormat.XML, when), path);
        }
        new BundleSigner(key).sign(bundle, when);
        switch (tamper) {
            case "" -> {}
            case "change-priority-after-signing" -> {
                ObjectNode sr = resource(bundle, "ServiceRequest");
                sr.put("priority", "routine".equals(sr.path("priority").asText()) ? "urgent" : "routine");
            }
            case "duplicate-json-key" -> {
                String json = new String(FhirEncoding.toJsonBytes(bundle), StandardCharsets.UTF_8);
                String twice =
                        json.replaceFirst("\"type\":\"message\"", "\"type\":\"message\",\"type\":\"collection\"");
                return new Sent(client, contentType, twice.getBytes(StandardCharsets.UTF_8), path);
            }
            case "garble-signature" -> ((ObjectNode) bundle.get("signature")).put("data", "bm90IGEgY29tcGFjdCBKV1M=");
            case "alg-none" -> setJws(bundle, b64url(header("none", key)) + "..");
            case "alg-hs256" -> {
                String header = b64url(header("HS256", key));
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.chain().get(0).getPublicKey().getEncoded(), "HmacSHA256"));
                byte[] payload = BundleSignature.signingPayload(bundle);
                byte[] tag = mac.doFinal((header + "." + b64url(payload)).getBytes(StandardCharsets.US_ASCII));
                setJws(bundle, header + ".." + b64url(tag));
            }
            default -> throw new IllegalArgumentException("unknown tamper " + tamper);
        }
        return new Sent(client, contentType, FhirEncoding.toJsonBytes(bundle), path);
    }

    private static byte[] encode(ObjectNode bundle, FhirFormat format) {
        byte[] json = FhirEncoding.toJsonBytes(bundle);
        return format == FhirFormat.XML ? FhirEncoding.convert(json, FhirFormat.XML) : json;
    }

    private static byte[] header(String alg, SigningKey key) throws Exception {
        List<String> certs = new ArrayList<>();
        for (var cert : key.chain()) {
            certs.add("\"" + Base64.getEncoder().encodeToString(cert.getEncoded()) + "\"");
        }
        return ("{\"alg\":\"" + alg + "\",\"x5c\":[" + String.join(",", certs) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void setJws(ObjectNode bundle, String compactJws) {
        ((ObjectNode) bundle.get("signature"))
                .put("data", Base64.getEncoder().encodeToString(compactJws.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * {@code Type.a.0.b}: the first resource of Type in the Bundle (or {@code Bundle}), then object fields and array
     * indexes; missing objects are created; a null value removes the field.
     */
    private static void setFhir(ObjectNode bundle, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        JsonNode node = parts[0].equals("Bundle") ? bundle : resource(bundle, parts[0]);
        for (int i = 1; i < parts.length - 1; i++) {
            JsonNode child = node.isArray() ? node.get(Integer.parseInt(parts[i])) : node.get(parts[i]);
            if (child == null) {
                child = ((ObjectNode) node).putObject(parts[i]);
            }
            node = child;
        }
        String last = parts[parts.length - 1];
        if (value == null || value.isNull()) {
            ((ObjectNode) node).remove(last);
        } else if (node.isArray()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) node).set(last, value);
        }
    }

    private static ObjectNode resource(ObjectNode bundle, String type) {
        for (JsonNode entry : bundle.path("entry")) {
            if (type.equals(entry.path("resource").path("resourceType").asText())) {
                return (ObjectNode) entry.get("resource");
            }
        }
        throw new IllegalArgumentException("no " + type + " in the Bundle");
    }

    private Sent soapRequest(JsonNode request, String client, Run run, String stepName) throws Exception {
        String path = "/soap/v1";
        String contentType = request.path("content-type").asText(SOAP);
        if (request.has("raw") || request.has("generate")) {
            return new Sent(client, contentType, rawBody(request), path);
        }
        String operation;
        if (request.has("example")) {
            operation = Files.readString(
                            examplesDir
                                    .resolve("soap")
                                    .resolve(request.get("example").asText() + ".xml"),
                            StandardCharsets.UTF_8)
                    .replaceFirst("<\\?xml[^>]*\\?>", "");
        } else if (request.has("file")) {
            operation = Files.readString(kitDir.resolve(request.get("file").asText()), StandardCharsets.UTF_8)
                    .replaceFirst("<\\?xml[^>]*\\?>", "");
        } else {
            operation = "<ix:" + request.path("operation").asText("ListInbox") + " xmlns:ix=\"" + SoapXml.SERVICE_NS
                    + "\"/>";
        }
        operation = run.substitute(operation);
        SignedEnvelopes.Spec spec = new SignedEnvelopes.Spec();
        if (request.has("reuse-id-of")) {
            spec.messageId = run.messageIds.get(request.get("reuse-id-of").asText());
        }
        if (stepName != null) {
            run.messageIds.put(stepName, spec.messageId);
        }
        Document doc = SignedEnvelopes.envelope(operation, spec);
        Element body = SignedEnvelopes.body(doc);
        for (Iterator<Map.Entry<String, JsonNode>> it = request.path("set").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            element(body, e.getKey()).setTextContent(run.substitute(e.getValue().asText()));
        }
        if (request.has("correlate-to")) {
            Element correlation = element(body, "correlation");
            element(correlation, "trackingId")
                    .setTextContent(
                            run.substitute("{" + request.get("correlate-to").asText() + "}"));
        }
        String signer = request.path("sign-with").asText(Credentials.VENDOR);
        if (!signer.equals("none")) {
            spec.keyStore = credentials.signingStore(signer);
            spec.password = credentials.signingPasswordFor(signer);
            JsonNode sig = request.path("soap-signature");
            spec.signBody = sig.path("body").asBoolean(true);
            spec.signTimestamp = sig.path("timestamp-signed").asBoolean(true);
            spec.signAddressing = sig.path("addressing").asBoolean(true);
            spec.timestamp = sig.path("timestamp").asBoolean(true);
            if (sig.has("created")) {
                spec.created = Instant.now().plus(duration(sig.get("created").asText()));
            }
            spec.ttlSeconds = sig.path("ttl").asInt(300);
            if (sig.has("algorithm")) {
                spec.signatureAlgorithm = switch (sig.get("algorithm").asText()) {
                    case "rsa-sha1" -> "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
                    case "rsa-sha256" -> SoapSecurity.RSA_SHA256;
                    case "ecdsa-sha256" -> SoapSecurity.ECDSA_SHA256;
                    default -> throw new IllegalArgumentException("unknown algorithm " + sig.get("algorithm"));
                };
            }
            SignedEnvelopes.sign(doc, spec);
        }
        switch (request.path("tamper").asText("")) {
            case "" -> {}
            case "change-priority-after-signing" -> {
                Element priority = element(SignedEnvelopes.body(doc), "priority");
                priority.setTextContent("routine".equals(priority.getTextContent()) ? "urgent" : "routine");
            }
            default -> throw new IllegalArgumentException("unknown tamper " + request.get("tamper"));
        }
        return new Sent(client, contentType, SignedEnvelopes.bytes(doc), path);
    }

    private static Element element(Element parent, String localName) {
        NodeList list = parent.getElementsByTagNameNS(SoapXml.SERVICE_NS, localName);
        if (list.getLength() == 0) {
            throw new IllegalArgumentException("no element " + localName + " in the request");
        }
        return (Element) list.item(0);
    }

    private byte[] rawBody(JsonNode request) throws Exception {
        if (request.has("raw")) {
            return Files.readAllBytes(kitDir.resolve(request.get("raw").asText()));
        }
        String generate = request.get("generate").asText();
        return switch (generate) {
            case "deep-json" -> ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
            case "oversize-json" -> padded("{", "}", (1 << 20) + (64 << 10));
            case "oversize-soap" ->
                padded(
                        "<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12_NS + "\"><soap:Body><!--",
                        "--></soap:Body></soap:Envelope>",
                        24 << 20);
            case "many-elements-soap" ->
                ("<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12_NS + "\"><soap:Body>" + "<x/>".repeat(100_000)
                                + "</soap:Body></soap:Envelope>")
                        .getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException("unknown generate " + generate);
        };
    }

    private static byte[] padded(String head, String tail, int size) {
        byte[] out = new byte[size];
        java.util.Arrays.fill(out, (byte) ' ');
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(t, 0, out, size - t.length, t.length);
        return out;
    }

    static Duration duration(String text) {
        return text.startsWith("-") ? Duration.parse(text.substring(1)).negated() : Duration.parse(text);
    }

    // ------------------------------------------------------------------ responses

    private static Reply parse(String binding, HttpResponse<byte[]> response) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        int status = response.statusCode();
        try {
            if (contentType.contains("xml") && (binding.equals("soap") || contentType.startsWith("application/soap"))) {
                Document doc = SoapXml.parse(response.body());
                // Only a Fault's detail carries a gateway error code; message content has its own "code" elements.
                boolean fault =
                        doc.getElementsByTagNameNS(SoapXml.SOAP12_NS, "Fault").getLength() > 0;
                String code = fault ? firstText(doc, "code") : null;
                String ack = code != null ? "fatal-error" : firstText(doc, "status");
                return new Reply(status, code, ack, firstText(doc, "trackingId"), null, text, retryAfter);
            }
            JsonNode json;
            if (contentType.startsWith(FHIR_XML)) {
                json = new FhirEncoding(1 << 24).decodeTree(response.body(), FhirFormat.XML);
            } else if (contentType.contains("json")) {
                json = JSON.readTree(response.body());
            } else {
                return new Reply(status, null, null, null, null, text, retryAfter);
            }
            if (json.has("error")) {
                return new Reply(
                        status, json.path("error").path("code").asText(null), null, null, json, text, retryAfter);
            }
            JsonNode outcome = json;
            String ack = null;
            String tracking = json.path("trackingId").asText(null);
            if ("Bundle".equals(json.path("resourceType").asText())) {
                tracking = json.path("identifier").path("value").asText(null);
                JsonNode code = json.path("entry")
                        .path(0)
                        .path("resource")
                        .path("response")
                        .path("code");
                ack = code.isMissingNode() ? null : code.asText();
                outcome = json.path("entry").path(1).path("resource");
            }
            String code = null;
            if ("OperationOutcome".equals(outcome.path("resourceType").asText())) {
                code = outcome.path("issue")
                        .path(0)
                        .path("details")
                        .path("coding")
                        .path(0)
                        .path("code")
                        .asText(null);
            }
            return new Reply(status, code, ack, tracking, json, text, retryAfter);
        } catch (RuntimeException | java.io.IOException e) {
            return new Reply(status, null, null, null, null, text, retryAfter);
        }
    }

    private static String firstText(Document doc, String localName) {
        NodeList list = doc.getElementsByTagNameNS(SoapXml.SERVICE_NS, localName);
        return list.getLength() == 0 ? null : list.item(0).getTextContent().trim();
    }

    // ------------------------------------------------------------------ expectations

    /** Null when the reply and every follow-up check meet the expectation, else why not. */
    private String judge(ConformanceCase.Step step, Reply reply, Run run) throws Exception {
        JsonNode expect = step.expect();
        String seen = reply.summary();
        int status = expect.get("status").asInt();
        if (reply.status() != status) {
            return "expected HTTP " + status + ", got " + seen + excerpt(reply);
        }
        String code = expect.path("code").asText(null);
        if (code != null && !code.equals(reply.code())) {
            return "expected code " + code + ", got " + seen + excerpt(reply);
        }
        if (code == null && reply.code() != null) {
            return "expected no error code, got " + seen;
        }
        String ack = expect.path("response").asText(null);
        if (ack != null && !ack.equals(reply.response())) {
            return "expected acknowledgement " + ack + ", got " + seen;
        }
        if (expect.has("reply-contains")) {
            String wanted = run.substitute(expect.get("reply-contains").asText());
            if (!reply.text().contains(wanted)) {
                return "expected the reply to contain " + wanted + ", got " + seen + excerpt(reply);
            }
        }
        if (expect.path("retry-after").asBoolean(false) && reply.retryAfter().isEmpty()) {
            return "expected a Retry-After header, got none (" + seen + ")";
        }
        if (expect.has("save-tracking-id")) {
            if (reply.trackingId() == null || reply.trackingId().isBlank()) {
                return "expected a tracking id in the reply, got none (" + seen + ")";
            }
            run.vars.put(expect.get("save-tracking-id").asText(), reply.trackingId());
        }
        if (expect.has("same-tracking-id-as")) {
            String earlier = run.vars.get(expect.get("same-tracking-id-as").asText());
            if (earlier == null || !earlier.equals(reply.trackingId())) {
                return "expected the tracking id " + earlier + " again, got " + reply.trackingId();
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expect.path("save").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value =
                    reply.json() == null ? null : reply.json().get(e.getValue().asText());
            if (value == null || value.isNull()) {
                return "expected field " + e.getValue().asText() + " in the reply, got " + excerpt(reply);
            }
            run.vars.put(e.getKey(), value.asText());
        }
        for (JsonNode check : expect.path("then")) {
            String problem = check(check, run);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String excerpt(Reply reply) {
        String text = reply.text().replaceAll("(?s)\"signature\"\\s*:.*|<(\\w+:)?Security.*?</(\\w+:)?Security>", "");
        text = text.replaceAll("\\s+", " ");
        return " [" + (text.length() > 300 ? text.substring(0, 300) + "…" : text) + "]";
    }

    private String check(JsonNode check, Run run) throws Exception {
        if (check.has("mailbox-of")) {
            String who = check.get("mailbox-of").asText();
            if (check.has("lacks")) {
                String id = run.substitute("{" + check.get("lacks").asText() + "}");
                List<String> ids = mailboxIds(who, null);
                return ids.contains(id)
                        ? "mailbox of " + who + " holds " + check.get("lacks").asText() + " but must not"
                        : null;
            }
            String event = check.path("event").asText(null);
            if (check.has("contains")) {
                String name = check.get("contains").asText();
                String id = run.substitute("{" + name + "}");
                return poll(() -> mailboxIds(who, event).contains(id))
                        ? null
                        : "mailbox of " + who + " never showed " + name + (event == null ? "" : " as " + event)
                                + " within " + wait.toSeconds() + "s";
            }
            String mentions = run.substitute(check.path("mentions").asText());
            return poll(() -> {
                        for (String id : mailboxIds(who, event)) {
                            HttpResponse<String> fetched = get(who, "/api/v1/mailbox/" + id);
                            if (fetched.statusCode() == 200 && fetched.body().contains(mentions)) {
                                return true;
                            }
                        }
                        return false;
                    })
                    ? null
                    : "mailbox of " + who + " never showed a " + event + " about "
                            + check.path("mentions").asText();
        }
        String name = check.get("status-of").asText();
        String id = run.substitute("{" + name + "}");
        String who = check.path("as").asText(Credentials.VENDOR);
        String[] last = {""};
        boolean ok = poll(() -> {
            HttpResponse<String> response = get(who, "/api/v1/messages/" + id);
            last[0] = "HTTP " + response.statusCode() + " " + response.body();
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode status = JSON.readTree(response.body());
            if (check.has("routing-error")
                    && !status.path("routingError")
                            .toString()
                            .contains(check.get("routing-error").asText())) {
                return false;
            }
            if (check.has("save-derived")) {
                JsonNode derived = status.path("derived").path(0);
                if (derived.isMissingNode()) {
                    return false;
                }
                run.vars.put(
                        check.get("save-derived").asText(),
                        derived.isObject() ? derived.path("trackingId").asText() : derived.asText());
            }
            if (check.has("recipient")) {
                String recipient = check.get("recipient").asText();
                for (JsonNode r : status.path("recipients")) {
                    if (r.path("recipient").asText().equals(recipient)
                            && (!check.has("state")
                                    || r.path("state")
                                            .asText()
                                            .equals(check.get("state").asText()))
                            && (!check.has("error")
                                    || r.path("lastError")
                                            .asText()
                                            .equals(check.get("error").asText()))) {
                        return true;
                    }
                }
                return false;
            }
            return true;
        });
        return ok ? null : "status of " + name + " never matched " + check + "; last seen " + shorten(last[0]);
    }

    private static String shorten(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }

    interface Probe {
        boolean test() throws Exception;
    }

    private boolean poll(Probe probe) throws Exception {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            if (probe.test()) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            // A client of an asynchronous interchange polls; a quarter second keeps the sandbox load negligible.
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
    }

    private List<String> mailboxIds(String who, String event) throws Exception {
        HttpResponse<String> response = get(who, "/api/v1/mailbox");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("mailbox of " + who + ": HTTP " + response.statusCode());
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode m : JSON.readTree(response.body()).path("messages")) {
            if (event == null || event.equals(m.path("event").asText())) {
                ids.add(m.path("trackingId").asText());
            }
        }
        return ids;
    }

    private HttpResponse<String> get(String who, String path) throws Exception {
        return call(who, "GET", path);
    }

    /**
     * A request without a body to the gateway as {@code who} (a dev certificate name, or {@code vendor}) over mutual
     * TLS: the REST APIs (mailbox, status, auditor).
     */
    public HttpResponse<String> call(String who, String method, String path) throws Exception {
        return client(who)
                .send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(30))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------ TLS

    private HttpClient client(String who) {
        return clients.computeIfAbsent(who == null ? Credentials.VENDOR : who, w -> {
            try {
                return HttpClient.newBuilder()
                        .sslContext(ClientTls.context(
                                credentials.tlsStore(w), credentials.tlsPasswordFor(w), credentials.caCert()))
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the TLS key store for " + w + ": " + e.getMessage(), e);
            }
        });
    }
}
