package uk.safeguarding.interchange.intake.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.trust.SigningKey;

/** Example messages from schemas/examples/fhir/, edited and signed at test time with a dev certificate. */
final class SignedMessages {
    static final Path EXAMPLES = Path.of("schemas", "examples", "fhir");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignedMessages() {}

    /** An example as a mutable JSON tree, e.g. {@code example("safeguarding-referral")} or {@code "invalid/missing-child"}. */
    static ObjectNode example(String name) {
        try {
            return (ObjectNode) JSON.readTree(Files.readAllBytes(EXAMPLES.resolve(name + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example with a fresh Bundle.id, so acceptance tests do not depend on each other. */
    static ObjectNode fresh(String name) {
        ObjectNode bundle = example(name);
        bundle.put("id", UUID.randomUUID().toString());
        return bundle;
    }

    static SigningKey key(String certName) {
        return SigningKey.loadPkcs12(DevCerts.p12(certName), DevCerts.PASSWORD.toCharArray());
    }

    /** Signs in place as {@code certName} at {@code when}; returns the JSON bytes. */
    static byte[] sign(ObjectNode bundle, String certName, Instant when) {
        new BundleSigner(key(certName)).sign(bundle, when);
        return FhirEncoding.toJsonBytes(bundle);
    }

    /** The first resource of this type in the Bundle. */
    static ObjectNode resource(ObjectNode bundle, String type) {
        for (JsonNode entry : bundle.path("entry")) {
            if (type.equals(entry.path("resource").path("resourceType").textValue())) {
                return (ObjectNode) entry.get("resource");
            }
        }
        throw new IllegalArgumentException("No " + type + " in the Bundle");
    }

    /** Personal data in the Bundle (people's names, identifiers, birth dates, addresses, phone numbers). */
    static List<String> personalData(JsonNode bundle) {
        List<String> values = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            String type = resource.path("resourceType").asText();
            if (!List.of("Patient", "RelatedPerson", "Practitioner").contains(type)) {
                continue;
            }
            for (JsonNode name : resource.path("name")) {
                values.add(name.path("family").asText());
                name.path("given").forEach(g -> values.add(g.asText()));
            }
            resource.path("identifier").forEach(i -> values.add(i.path("value").asText()));
            resource.path("telecom").forEach(t -> values.add(t.path("value").asText()));
            values.add(resource.path("birthDate").asText());
            for (JsonNode address : resource.path("address")) {
                values.add(address.path("postalCode").asText());
                address.path("line").forEach(l -> values.add(l.asText()));
            }
        }
        values.removeIf(v -> v.length() < 3);
        return values;
    }
}
