package uk.safeguarding.interchange.delivery.push;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import uk.safeguarding.interchange.canonical.CanonicalToFhir;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.delivery.PushTransport;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.trust.BundleSignature;

/**
 * {@code fhir-push}: POSTs the message as a FHIR message Bundle, signed by the gateway ({@code Bundle.signature},
 * detached JWS over the JCS form; ES256 with an EC P-256 key, RS256 with RSA: {@link GatewayCredentials#alg}), to {@code <endpoint>/$process-message} over mutual TLS with the gateway's
 * client certificate. The directory's endpoint is the recipient's FHIR base URL. Thread-safe.
 */
public final class FhirPush implements PushTransport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayCredentials credentials;
    private final FhirContext fhir;
    private final CanonicalToFhir toFhir = new CanonicalToFhir();
    private final Duration timeout;
    private final Clock clock;

    public FhirPush(GatewayCredentials credentials, FhirContext fhir, Duration timeout, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials);
        this.fhir = Objects.requireNonNull(fhir);
        this.timeout = Objects.requireNonNull(timeout);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The signed Bundle JSON that is sent for {@code message}. */
    public byte[] signedBundle(InterchangeMessage message) {
        try {
            String json = fhir.newJsonParser().encodeResourceToString(toFhir.toBundle(message));
            ObjectNode bundle = (ObjectNode) JSON.readTree(json);
            ObjectNode who = JSON.createObjectNode();
            ObjectNode identifier = who.putObject("identifier");
            identifier.put("system", "urn:interchange:system-id");
            identifier.put("value", "national");
            BundleSignature.sign(
                    bundle,
                    credentials.key(),
                    credentials.chain(),
                    credentials.alg(),
                    clock.instant().truncatedTo(ChronoUnit.SECONDS),
                    who);
            return JSON.writeValueAsBytes(bundle);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the Bundle", e);
        }
    }

    /** Gateway notices have no FHIR rendering yet: they go to the recipient's mailbox. */
    @Override
    public boolean carries(InterchangeMessage message) {
        // eventOf gives the schema's (JAXB) event type; the set holds the gateway's own EventCode.
        EventCode event = EventCode.fromCode(
                        CanonicalXml.eventOf(message.getContent()).value())
                .orElseThrow();
        return !OrganisationKind.GATEWAY_ORIGINATED.contains(event);
    }

    @Override
    public Result push(URI endpoint, InterchangeMessage message, String recipientId) {
        byte[] body = signedBundle(message);
        String base = endpoint.toString().replaceAll("/+$", "");
        URI target = URI.create(base.endsWith("$process-message") ? base : base + "/$process-message");
        HttpClient client = HttpClient.newBuilder()
                .sslContext(credentials.tlsTo(recipientId))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        try {
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(target)
                            .timeout(timeout)
                            .header("Content-Type", "application/fhir+json")
                            .header("Accept", "application/fhir+json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return Result.ofHttpStatus(response.statusCode());
        } catch (IOException e) {
            // Refused, reset, timed out, TLS failure: the endpoint may be back later.
            return Result.transientFailure(0, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.transientFailure(0, "interrupted");
        } finally {
            client.close();
        }
    }
}
