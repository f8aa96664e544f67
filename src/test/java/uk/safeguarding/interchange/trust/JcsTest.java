package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JcsTest {
    private final StrictJson json = new StrictJson(1_000_000);

    private String canonical(String text) {
        return new String(Jcs.canonicalize(json.parse(text.getBytes(StandardCharsets.UTF_8))), StandardCharsets.UTF_8);
    }

    /** RFC 8785 Appendix B. */
    @ParameterizedTest
    @CsvSource(
            delimiter = ' ',
            value = {
                "0000000000000000 0",
                "8000000000000000 0",
                "0000000000000001 5e-324",
                "8000000000000001 -5e-324",
                "7fefffffffffffff 1.7976931348623157e+308",
                "ffefffffffffffff -1.7976931348623157e+308",
                "4340000000000000 9007199254740992",
                "c340000000000000 -9007199254740992",
                "4430000000000000 295147905179352830000",
                "44b52d02c7e14af5 9.999999999999997e+22",
                "44b52d02c7e14af6 1e+23",
                "44b52d02c7e14af7 1.0000000000000001e+23",
                "444b1ae4d6e2ef4e 999999999999999700000",
                "444b1ae4d6e2ef4f 999999999999999900000",
                "444b1ae4d6e2ef50 1e+21",
                "3eb0c6f7a0b5ed8c 9.999999999999997e-7",
                "3eb0c6f7a0b5ed8d 0.000001",
                "41b3de4355555553 333333333.3333332",
                "41b3de4355555554 333333333.33333325",
                "41b3de4355555555 333333333.3333333",
                "41b3de4355555556 333333333.3333334",
                "41b3de4355555557 333333333.33333343",
                "becbf647612f3696 -0.0000033333333333333333",
                "43143ff3c1cb0959 1424953923781206.2"
            })
    void serializesRfc8785AppendixBNumbers(String bits, String expected) {
        assertThat(Jcs.numberToString(Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16))))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1e30, 1e+30", "4.35, 4.35", "0.002, 0.002", "1e-7, 1e-7", "100, 100", "1e21, 1e+21", "0.1, 0.1"})
    void serializesCommonNumbers(double value, String expected) {
        assertThat(Jcs.numberToString(value)).isEqualTo(expected);
    }

    @Test
    void rejectsNonFiniteNumbers() {
        assertThatThrownBy(() -> Jcs.numberToString(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Jcs.numberToString(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Jcs.canonicalize(JsonNodeFactory.instance.numberNode(Double.NEGATIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** 6,500 doubles serialized by Node.js (src/test/node/number-vectors.mjs): an independent ECMAScript oracle. */
    @Test
    void matchesEcmaScriptOnNodeGeneratedNumbers() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int count = 0;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/vectors/es-numbers.txt"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] parts = line.split(" ");
                double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
                String actual = Jcs.numberToString(value);
                count++;
                if (!actual.equals(parts[1])) {
                    mismatches.add(line + " -> " + actual);
                }
            }
        }
        assertThat(count).isGreaterThan(6000);
        assertThat(mismatches).isEmpty();
    }

    /** RFC 8785 §3.2.2, the example object, parsed from its JSON text. */
    @Test
    void canonicalizesTheRfc8785ExampleObject() {
        String input = "{\n"
                + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n"
                + "}";

        assertThat(canonical(input))
                .isEqualTo("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    /** RFC 8785 §3.2.3: members sorted by UTF-16 code units, not code points. */
    @Test
    void sortsKeysByUtf16CodeUnits() {
        String input =
                "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                        + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                        + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

        assertThat(canonical(input))
                .isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                        + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                        + "\"\uD83D\uDE00\":\"Emoji: Grinning Face\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void escapesOnlyWhatJsonStringifyEscapes() {
        String input = "[\"\\b\\t\\n\\f\\r\\u0000\\u001f\\u007f\\u2028\\u2029\\ud83d\\ude00/<>&\\u00e9\"]";

        assertThat(canonical(input))
                .isEqualTo("[\"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f\u2028\u2029\uD83D\uDE00/<>&é\"]");
    }

    @ParameterizedTest
    @CsvSource({"'a\uD83D'", "'\uDE00a'", "'\uD83Da'", "'\uDE00\uD83D'"})
    void rejectsLoneSurrogatesWhereverTheyAre(String text) {
        assertThatThrownBy(() -> Jcs.canonicalString(JsonNodeFactory.instance.textNode(text)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copiesTextBetweenEscapesUnchanged() {
        assertThat(Jcs.canonicalString(JsonNodeFactory.instance.textNode("ab\"cd\n\uD83D\uDE00ef")))
                .isEqualTo("\"ab\\\"cd\\n\uD83D\uDE00ef\"");
    }

    @Test
    void writesUtf8BytesWithoutWhitespace() {
        JsonNode node = json.parse("{ \"b\" : [ 1 , 2 ] , \"a\" : \"é\" }".getBytes(StandardCharsets.UTF_8));

        assertThat(Jcs.canonicalize(node))
                .isEqualTo("{\"a\":\"é\",\"b\":[1,2]}".getBytes(StandardCharsets.UTF_8))
                .hasSize(20);
    }

    @Test
    void serializesLargeIntegersAsDoubles() {
        assertThat(canonical("[12345678901234567890123, 9007199254740993, -0, 1.0, 10.50e1]"))
                .isEqualTo("[1.2345678901234568e+22,9007199254740992,0,1,105]");
    }
}
