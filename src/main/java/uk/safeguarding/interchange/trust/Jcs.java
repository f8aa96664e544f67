package uk.safeguarding.interchange.trust;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the canonical UTF-8 bytes of a JSON tree.
 *
 * <p>Object members are sorted by the UTF-16 code units of their keys, there is no whitespace, strings are escaped
 * as ECMAScript {@code JSON.stringify} does, and numbers are serialized as ECMAScript {@code Number.prototype.toString}
 * serializes the nearest IEEE-754 double. So a FHIR decimal such as {@code 4.50} is signed as {@code 4.5}: the
 * signing payload uses the JCS number form, exactly what any JCS library produces, even though the FHIR content
 * itself keeps its precision. Throws {@link IllegalArgumentException} for what JCS cannot represent (lone
 * surrogates, non-finite numbers, binary or POJO nodes); {@link StrictJson} rejects such input earlier. Stateless and
 * thread-safe.
 */
public final class Jcs {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Jcs() {}

    /** The canonical form as UTF-8 bytes (the form that is signed). */
    public static byte[] canonicalize(JsonNode node) {
        return canonicalString(node).getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical form as a string (lone surrogates have been rejected, so it encodes to UTF-8 losslessly). */
    public static String canonicalString(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
                node.fields().forEachRemaining(members::add);
                // String.compareTo compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
                members.sort(Map.Entry.comparingByKey());
                out.append('{');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeString(members.get(i).getKey(), out);
                    out.append(':');
                    write(members.get(i).getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                Iterator<JsonNode> elements = node.elements();
                boolean first = true;
                while (elements.hasNext()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(elements.next(), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> out.append(numberToString(toDouble(node)));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("JCS cannot serialize a " + node.getNodeType() + " node");
        }
    }

    private static double toDouble(JsonNode node) {
        // Parsing the decimal text is correctly rounded; BigDecimal#doubleValue was not on every JDK.
        if (node.isBigDecimal()) {
            return Double.parseDouble(node.decimalValue().toString());
        }
        if (node.isBigInteger()) {
            return Double.parseDouble(node.bigIntegerValue().toString());
        }
        return node.doubleValue();
    }

    /**
     * RFC 8785 §3.2.2.2: the ECMAScript JSON.stringify escaping. Characters that need no escaping are copied in runs
     * (most strings have none), not one by one.
     */
    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            out.append(s, run, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        throw new IllegalArgumentException("JCS cannot serialize a lone surrogate");
                    }
                }
            }
            run = i + 1;
        }
        out.append(s, run, s.length()).append('"');
    }

    /**
     * ECMAScript {@code Number.prototype.toString(d)} (RFC 8785 §3.2.2.3): the shortest decimal that reads back as
     * {@code d} (closest to {@code d} if several, even last digit on a tie), laid out in plain notation for
     * 1e-6 &lt;= |d| &lt; 1e21 and as {@code d.ddde+n}/{@code de-n} otherwise; both zeros give {@code "0"}.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot carry
     */
    public static String numberToString(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JCS cannot serialize NaN or Infinity");
        }
        if (d == 0) {
            return "0";
        }
        if (d < 0) {
            return "-" + numberToString(-d);
        }
        BigDecimal shortest = shortestDecimal(d);
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        // ECMAScript's n: d = 0.digits x 10^n.
        int n = k - shortest.scale();
        StringBuilder out = new StringBuilder();
        if (k <= n && n <= 21) {
            out.append(digits).repeat('0', n - k);
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").repeat('0', -n).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }

    /**
     * The shortest decimal (no trailing zeros) that rounds to the positive finite {@code d}. Written out rather than
     * taken from {@link Double#toString}, which may pick a closer two-digit decimal where one digit suffices (it
     * prints Double.MIN_VALUE as 4.9E-324, ECMAScript as 5e-324).
     */
    private static BigDecimal shortestDecimal(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal below = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal above = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean belowWorks = Double.parseDouble(below.toString()) == d;
            boolean aboveWorks = Double.parseDouble(above.toString()) == d;
            BigDecimal chosen;
            if (belowWorks && aboveWorks) {
                int cmp = exact.subtract(below).compareTo(above.subtract(exact));
                if (cmp < 0) {
                    chosen = below;
                } else if (cmp > 0) {
                    chosen = above;
                } else {
                    chosen = below.unscaledValue().testBit(0) ? above : below;
                }
            } else if (belowWorks) {
                chosen = below;
            } else if (aboveWorks) {
                chosen = above;
            } else {
                continue;
            }
            return chosen.stripTrailingZeros();
        }
        // 17 significant digits always round-trip a double.
        throw new IllegalStateException("No round-trip decimal for " + d);
    }
}
