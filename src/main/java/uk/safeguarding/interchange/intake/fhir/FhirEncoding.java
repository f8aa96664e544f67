package uk.safeguarding.interchange.intake.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import uk.safeguarding.interchange.canonical.SecureXml;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.StrictJson;

/**
 * The one place FHIR bytes become a Bundle and back, for the intake, the replies and the submit tool, so that what
 * is signed is exactly what is parsed.
 *
 * <p>JSON: the body is parsed once, by {@link StrictJson} (the tree the signature covers), and HAPI's JSON parser in
 * strict mode builds the Bundle from that same tree (unknown elements and invalid values are errors, so HAPI cannot
 * silently drop content the signature covered, and no second, more lenient reading of the bytes can differ from it).
 * XML: the bytes are first checked by {@link SecureXml} (no DOCTYPE, entities, external references; bounded depth and
 * size), then parsed by HAPI's XML parser in strict mode; the tree the signature covers is <b>the Bundle's FHIR JSON as
 * HAPI FHIR encodes it</b> ({@link #jsonTree}), i.e. the standard FHIR JSON representation of the same content. For
 * that conversion HAPI is configured to keep the content as received ({@link #parser}: resource ids are not replaced
 * by {@code fullUrl}, reference versions are kept); {@code
 * FhirEncodingTest} proves JSON → XML → JSON is lossless under JCS for every example. The Bundle handed to validation
 * and translation is parsed with HAPI's defaults ({@link #modelParser}), which the profiles and translators expect.
 * Thread-safe.
 */
public final class FhirEncoding {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, false);

    /** Valid base64 that HAPI decodes in place of a signature's {@code data} (see {@link #parseHapi(ObjectNode)}). */
    private static final TextNode SIGNATURE_DATA_PLACEHOLDER = TextNode.valueOf("AA==");

    private final long maxBytes;

    /** @param maxBytes the body limit also applied to the JSON form of an XML submission */
    public FhirEncoding(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A HAPI parser for {@code format} configured as the class describes (a fresh one: parsers are not shared). */
    public static IParser parser(FhirFormat format) {
        IParser parser = format == FhirFormat.JSON
                ? FhirContexts.r4().newJsonParser()
                : FhirContexts.r4().newXmlParser();
        parser.setParserErrorHandler(new StrictErrorHandler());
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        parser.setStripVersionsFromReferences(false);
        parser.setOmitResourceId(false);
        parser.setPrettyPrint(false);
        return parser;
    }

    /** HAPI's default parser for {@code format} in strict mode: the Bundle model for validation and translation. */
    public static IParser modelParser(FhirFormat format) {
        IParser parser = format == FhirFormat.JSON
                ? FhirContexts.r4().newJsonParser()
                : FhirContexts.r4().newXmlParser();
        parser.setParserErrorHandler(new StrictErrorHandler());
        return parser;
    }

    /**
     * A received body as a Bundle plus the JSON tree its signature covers.
     *
     * @param tree the JSON the signature covers (for JSON: exactly the body; for XML: {@link #jsonTree})
     */
    public record Decoded(ObjectNode tree, Bundle bundle) {}

    /**
     * Decodes a request body.
     *
     * @throws GatewayException SCHEMA_MALFORMED, SCHEMA_DUPLICATE_KEY, SCHEMA_DTD_FORBIDDEN, LIMIT_*, SCHEMA_NOT_MESSAGE
     *     (not a Bundle) or SCHEMA_PROFILE (not valid FHIR structure)
     */
    public Decoded decode(byte[] body, FhirFormat format) {
        if (format == FhirFormat.JSON) {
            JsonNode tree = new StrictJson(maxBytes).parse(body);
            if (!tree.isObject()) {
                throw new GatewayException(ErrorCode.SCHEMA_NOT_MESSAGE, "The body is not a JSON object.");
            }
            if (!"Bundle".equals(tree.path("resourceType").textValue())) {
                throw new GatewayException(ErrorCode.SCHEMA_NOT_MESSAGE, "The resource is not a Bundle.");
            }
            return new Decoded((ObjectNode) tree, parseHapi((ObjectNode) tree));
        }
        // Before HAPI sees it: no DTD, no entities, bounded; the exact codes come from SecureXml.
        SecureXml.parse(body, null, null);
        ObjectNode signed = jsonTree(parseHapi(parser(format), format, body));
        return new Decoded(signed, parseHapi(modelParser(format), format, body));
    }

    private static Bundle parseHapi(IParser parser, FhirFormat format, byte[] body) {
        IBaseResource resource;
        try {
            resource = parser.parseResource(new ByteArrayInputStream(body));
        } catch (DataFormatException e) {
            throw notFhir(format);
        }
        return bundle(resource);
    }

    /**
     * HAPI's model of the very tree the signature covers: HAPI reads {@code tree} instead of parsing the bytes a second
     * time with its own, more lenient JSON settings. The tree is left as it was received; while HAPI reads it,
     * {@code Bundle.signature.data} (a non-empty string) is a short placeholder, and the real value is then set as a
     * {@link JdkBase64BinaryType} after HAPI's own validity check, so the verdict is HAPI's and the decoding is the
     * JDK's (docs/performance.md section 26).
     */
    private static Bundle parseHapi(ObjectNode tree) {
        ObjectNode signature = tree.get("signature") instanceof ObjectNode s ? s : null;
        JsonNode data = signature == null ? null : signature.get("data");
        boolean swapped = data != null && data.isTextual() && !data.textValue().isEmpty();
        if (swapped) {
            signature.replace("data", SIGNATURE_DATA_PLACEHOLDER);
        }
        JacksonStructure structure = new JacksonStructure();
        structure.setNativeObject(tree);
        IBaseResource resource;
        try {
            resource = ((IJsonLikeParser) modelParser(FhirFormat.JSON)).parseResource(structure);
        } catch (DataFormatException e) {
            throw notFhir(FhirFormat.JSON);
        } finally {
            if (swapped) {
                signature.replace("data", data);
            }
        }
        Bundle bundle = bundle(resource);
        if (swapped) {
            Base64BinaryType parsed = bundle.getSignature().getDataElement();
            JdkBase64BinaryType real = new JdkBase64BinaryType();
            try {
                real.setValueAsString(data.textValue()); // HAPI's checkValidBase64 first, as its parser does
            } catch (DataFormatException e) {
                throw notFhir(FhirFormat.JSON);
            }
            parsed.copyValues(real); // id and extensions (from "_data")
            bundle.getSignature().setDataElement(real);
        }
        return bundle;
    }

    private static GatewayException notFhir(FhirFormat format) {
        // HAPI's message can quote values; only the kind of problem is returned.
        return new GatewayException(ErrorCode.SCHEMA_PROFILE, "The body is not valid FHIR R4 " + format + ".");
    }

    private static Bundle bundle(IBaseResource resource) {
        if (!(resource instanceof Bundle bundle)) {
            throw new GatewayException(ErrorCode.SCHEMA_NOT_MESSAGE, "The resource is not a Bundle.");
        }
        return bundle;
    }

    /**
     * A reply or request as a JSON tree without profile checks (any resource type): JSON as is, XML through HAPI.
     */
    public ObjectNode decodeTree(byte[] body, FhirFormat format) {
        if (format == FhirFormat.JSON) {
            return (ObjectNode) new StrictJson(maxBytes).parse(body);
        }
        SecureXml.parse(body, null, null);
        IBaseResource resource = parser(format).parseResource(new ByteArrayInputStream(body));
        String json = parser(FhirFormat.JSON).encodeResourceToString(resource);
        return (ObjectNode) new StrictJson(maxBytes * 2).parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The Bundle's FHIR JSON as HAPI encodes it (the signing form of XML submissions and replies). */
    public ObjectNode jsonTree(Bundle bundle) {
        String json = parser(FhirFormat.JSON).encodeResourceToString(bundle);
        return (ObjectNode)
                new StrictJson(Math.max(maxBytes * 2, 1 << 20)).parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Serialises a (signed) JSON tree as UTF-8 JSON. */
    public static byte[] toJsonBytes(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree cannot be serialised", e);
        }
    }

    /**
     * Encodes a signed JSON Bundle tree in {@code format}: JSON as is; XML as HAPI's XML encoding of the same Bundle
     * (whose FHIR JSON is again the signed tree, so the signature verifies in either form).
     */
    public static byte[] encode(JsonNode signedTree, FhirFormat format) {
        return convert(toJsonBytes(signedTree), format);
    }

    /** FHIR JSON bytes of a Bundle in {@code format} (XML: HAPI's XML encoding of the same Bundle). */
    public static byte[] convert(byte[] json, FhirFormat format) {
        if (format == FhirFormat.JSON) {
            return json;
        }
        Bundle bundle = (Bundle) parser(FhirFormat.JSON).parseResource(new ByteArrayInputStream(json));
        return parser(FhirFormat.XML).encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
    }
}
