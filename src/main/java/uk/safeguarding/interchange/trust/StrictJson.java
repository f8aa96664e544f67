package uk.safeguarding.interchange.trust;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Parses a JSON request body into a Jackson tree, rejecting anything a signature could be ambiguous about:
 * duplicate object keys ({@link ErrorCode#SCHEMA_DUPLICATE_KEY}), nesting deeper than the limit ({@link
 * ErrorCode#LIMIT_TOO_DEEP}), bodies over the byte limit ({@link ErrorCode#LIMIT_BODY_TOO_LARGE}), and malformed
 * JSON, trailing content, lone surrogates or numbers outside the IEEE-754 double range, i.e. not I-JSON ({@link
 * ErrorCode#SCHEMA_MALFORMED}).
 *
 * <p>Floating-point numbers are kept exactly as {@link java.math.BigDecimal} (trailing zeros included); integers as
 * int, long or BigInteger nodes. The tree is built iteratively, so hostile nesting cannot overflow the stack. Error
 * details carry positions and key names only, never values (they may be personal data). Immutable and thread-safe.
 */
public final class StrictJson {
    /** The default maximum nesting depth of objects and arrays. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final int MAX_KEY_IN_MESSAGE = 64;
    /**
     * The factory of the default depth, shared: a factory keeps the field names it has seen for its parsers to reuse,
     * and building one per parse (a StrictJson per request) threw that away with every body.
     */
    private static final JsonFactory DEFAULT_DEPTH_FACTORY = factory(DEFAULT_MAX_DEPTH);

    private final long maxBytes;
    private final int maxDepth;
    private final JsonFactory factory;

    /** A parser with the {@link #DEFAULT_MAX_DEPTH default depth limit}. */
    public StrictJson(long maxBytes) {
        this(maxBytes, DEFAULT_MAX_DEPTH);
    }

    public StrictJson(long maxBytes, int maxDepth) {
        if (maxBytes < 0 || maxDepth < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 0 and maxDepth >= 1");
        }
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
        this.factory = maxDepth == DEFAULT_MAX_DEPTH ? DEFAULT_DEPTH_FACTORY : factory(maxDepth);
    }

    /** Jackson enforces the depth itself, before it allocates anything for the deeper level. */
    private static JsonFactory factory(int maxDepth) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .build())
                .build();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /**
     * Parses one JSON value that must fill the whole body (whitespace aside).
     *
     * @throws GatewayException with the codes listed on the class
     */
    public JsonNode parse(byte[] body) {
        if (body.length > maxBytes) {
            throw new GatewayException(
                    ErrorCode.LIMIT_BODY_TOO_LARGE, "The JSON body is over the limit of " + maxBytes + " bytes.");
        }
        try (JsonParser parser = factory.createParser(body)) {
            JsonNode root = readTree(parser);
            if (parser.nextToken() != null) {
                throw malformed("Trailing content after the JSON value", parser.currentTokenLocation());
            }
            return root;
        } catch (StreamConstraintsException e) {
            // Depth is handled in readTree; any other constraint (e.g. a 1,000-digit number) is malformed input.
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The JSON exceeds a parser limit.");
        } catch (JsonProcessingException e) {
            throw malformed("Malformed JSON", e.getLocation());
        } catch (IOException e) {
            // Invalid UTF-8 and the like; Jackson's message can quote input bytes, so it is not passed on.
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The body is not well-formed UTF-8 JSON.");
        }
    }

    /**
     * Reads a whole stream, failing with {@link ErrorCode#LIMIT_BODY_TOO_LARGE} as soon as it passes {@code
     * maxBytes}, so an oversized body is never buffered in full.
     */
    public static byte[] readBounded(InputStream in, int maxBytes) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes);
        if (bytes.length == maxBytes && in.read() != -1) {
            throw new GatewayException(
                    ErrorCode.LIMIT_BODY_TOO_LARGE, "The body is over the limit of " + maxBytes + " bytes.");
        }
        return bytes;
    }

    private JsonNode readTree(JsonParser parser) throws IOException {
        Deque<ContainerNode<?>> open = new ArrayDeque<>();
        String fieldName = null;
        JsonNode root = null;
        JsonToken token;
        do {
            try {
                token = parser.nextToken();
            } catch (StreamConstraintsException e) {
                if (open.size() >= maxDepth) {
                    throw new GatewayException(
                            ErrorCode.LIMIT_TOO_DEEP, "The JSON nesting is deeper than " + maxDepth + " levels.");
                }
                throw e;
            }
            if (token == null) {
                throw malformed(root == null ? "Empty body" : "Truncated JSON", parser.currentLocation());
            }
            JsonNode value;
            switch (token) {
                case FIELD_NAME -> {
                    fieldName = parser.currentName();
                    requireWellFormed(fieldName, parser);
                    if (((ObjectNode) open.peek()).has(fieldName)) {
                        throw new GatewayException(
                                ErrorCode.SCHEMA_DUPLICATE_KEY,
                                "Duplicate object key '" + abbreviate(fieldName) + "' at "
                                        + position(parser.currentTokenLocation()) + ".");
                    }
                    continue;
                }
                case END_OBJECT, END_ARRAY -> {
                    open.pop();
                    continue;
                }
                case START_OBJECT -> value = NODES.objectNode();
                case START_ARRAY -> value = NODES.arrayNode();
                case VALUE_STRING -> {
                    String text = parser.getText();
                    requireWellFormed(text, parser);
                    value = NODES.textNode(text);
                }
                case VALUE_NUMBER_INT -> {
                    requireDoubleRange(parser);
                    value = switch (parser.getNumberType()) {
                        case INT -> NODES.numberNode(parser.getIntValue());
                        case LONG -> NODES.numberNode(parser.getLongValue());
                        default -> NODES.numberNode(parser.getBigIntegerValue());
                    };
                }
                case VALUE_NUMBER_FLOAT -> {
                    requireDoubleRange(parser);
                    value = NODES.numberNode(parser.getDecimalValue());
                }
                case VALUE_TRUE -> value = NODES.booleanNode(true);
                case VALUE_FALSE -> value = NODES.booleanNode(false);
                case VALUE_NULL -> value = NODES.nullNode();
                default -> throw malformed("Unsupported JSON token", parser.currentTokenLocation());
            }
            ContainerNode<?> parent = open.peek();
            if (parent == null) {
                root = value;
            } else if (parent instanceof ObjectNode object) {
                object.set(fieldName, value);
            } else {
                ((ArrayNode) parent).add(value);
            }
            if (value instanceof ContainerNode<?> container) {
                open.push(container);
            }
        } while (!open.isEmpty());
        return root;
    }

    /** I-JSON (RFC 7493): a number must fit an IEEE-754 double, or JCS cannot canonicalize it. */
    private static void requireDoubleRange(JsonParser parser) throws IOException {
        if (Double.isInfinite(Double.parseDouble(parser.getText()))) {
            throw malformed("Number outside the IEEE-754 double range", parser.currentTokenLocation());
        }
    }

    /** I-JSON (RFC 7493): no lone surrogates (they cannot be encoded as UTF-8 and break canonicalization). */
    private static void requireWellFormed(String s, JsonParser parser) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw malformed("Lone surrogate in a string", parser.currentTokenLocation());
            }
        }
    }

    private static GatewayException malformed(String what, JsonLocation location) {
        return new GatewayException(ErrorCode.SCHEMA_MALFORMED, what + " at " + position(location) + ".");
    }

    private static String position(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String abbreviate(String key) {
        return key.length() <= MAX_KEY_IN_MESSAGE ? key : key.substring(0, MAX_KEY_IN_MESSAGE) + "...";
    }
}
