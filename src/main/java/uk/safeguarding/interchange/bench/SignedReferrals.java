package uk.safeguarding.interchange.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.FhirEncoding;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * Distinct signed messages for load: copies of a template Bundle, each with a fresh {@code Bundle.id} (so each is a
 * new message, not an idempotent resend), signed now with one key, as compact JSON. Signing runs on every core and
 * before any clock starts, so a benchmark's client never competes with the gateway for CPU while it measures.
 */
public final class SignedReferrals {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignedReferrals() {}

    public static List<byte[]> sign(Path template, SigningKey key, int count) throws IOException {
        ObjectNode original = (ObjectNode) JSON.readTree(Files.readAllBytes(template));
        BundleSigner signer = new BundleSigner(key);
        Instant when = Instant.now();
        return IntStream.range(0, count)
                .parallel()
                .mapToObj(i -> {
                    ObjectNode bundle = original.deepCopy();
                    bundle.put("id", UUID.randomUUID().toString());
                    signer.sign(bundle, when);
                    return FhirEncoding.toJsonBytes(bundle);
                })
                .toList();
    }
}
