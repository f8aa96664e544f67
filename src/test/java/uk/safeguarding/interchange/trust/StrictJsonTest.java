package uk.safeguarding.interchange.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.safeguarding.interchange.trust.GatewayExceptions.assertFailsWith;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.interchange.error.ErrorCode;

class StrictJsonTest {
    private final StrictJson json = new StrictJson(1_000_000);

    private JsonNode parse(String text) {
        return json.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsDecimalsExactly() {
        JsonNode node = parse("{\"a\": 4.50, \"b\": 1E+2, \"c\": 12345678901234567890123, \"d\": -0}");

        assertThat(node.get("a").decimalValue().toPlainString()).isEqualTo("4.50");
        assertThat(node.get("b").decimalValue()).isEqualByComparingTo("100");
        assertThat(node.get("c").bigIntegerValue()).hasToString("12345678901234567890123");
        assertThat(node.get("d").intValue()).isZero();
    }

    @Test
    void parsesNestedStructures() {
        JsonNode node = parse(" {\"a\":[1,{\"b\":null},true,\"x\"],\"c\":{}} \n");

        assertThat(node.get("a").get(1).get("b").isNull()).isTrue();
        assertThat(node.get("a").get(3).textValue()).isEqualTo("x");
        assertThat(node.get("c").isObject()).isTrue();
    }

    @Test
    void rejectsDuplicateKeys() {
        assertFailsWith(ErrorCode.SCHEMA_DUPLICATE_KEY, () -> parse("{\"id\":\"a\",\"id\":\"b\"}"));
    }

    @Test
    void rejectsDuplicateKeysNestedAndWithNullFirst() {
        assertFailsWith(ErrorCode.SCHEMA_DUPLICATE_KEY, () -> parse("{\"x\":[{\"a\":null,\"b\":1,\"a\":2}]}"));
    }

    @Test
    void allowsTheSameKeyInSiblingObjects() {
        assertThat(parse("[{\"a\":1},{\"a\":2}]").get(1).get("a").intValue()).isEqualTo(2);
    }

    @Test
    void rejects10000DeepArraysWithoutOverflowingTheStack() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);

        assertFailsWith(ErrorCode.LIMIT_TOO_DEEP, () -> parse(deep));
    }

    @Test
    void rejects10000DeepObjectsWithoutOverflowingTheStack() {
        String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);

        assertFailsWith(ErrorCode.LIMIT_TOO_DEEP, () -> parse(deep));
    }

    @Test
    void acceptsExactlyTheDepthLimitAndRejectsOneMore() {
        int limit = StrictJson.DEFAULT_MAX_DEPTH;

        assertThat(parse("[".repeat(limit) + "]".repeat(limit)).isArray()).isTrue();
        assertFailsWith(ErrorCode.LIMIT_TOO_DEEP, () -> parse("[".repeat(limit + 1) + "]".repeat(limit + 1)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "{",
                "{\"a\":1,}",
                "{'a':1}",
                "[01]",
                "[NaN]",
                "{\"a\":1} x",
                "{\"a\":1}{}",
                "{\"a\":1} 2",
                "// c\n{}",
                "[\"\\ud800\"]",
                "{\"\\udc00\":1}",
                "[1e400]",
                "[-1e400]"
            })
    void rejectsMalformedOrNonIJsonInput(String text) {
        assertFailsWith(ErrorCode.SCHEMA_MALFORMED, () -> parse(text));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] body = {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};

        assertFailsWith(ErrorCode.SCHEMA_MALFORMED, () -> json.parse(body));
    }

    @Test
    void rejectsBodiesOverTheByteLimit() {
        StrictJson small = new StrictJson(10);

        assertThat(small.parse("[1,2,3,4]".getBytes(StandardCharsets.UTF_8)).size())
                .isEqualTo(4);
        assertFailsWith(
                ErrorCode.LIMIT_BODY_TOO_LARGE, () -> small.parse("[1,2,3,4,5]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readBoundedStopsAtTheLimit() throws IOException {
        byte[] eleven = "12345678901".getBytes(StandardCharsets.US_ASCII);

        assertThat(StrictJson.readBounded(new ByteArrayInputStream(eleven), 11)).isEqualTo(eleven);
        assertFailsWith(
                ErrorCode.LIMIT_BODY_TOO_LARGE, () -> StrictJson.readBounded(new ByteArrayInputStream(eleven), 10));
    }

    @Test
    void errorDetailsDoNotQuoteValues() {
        try {
            parse("{\"name\": Jane Smith}");
        } catch (uk.safeguarding.interchange.error.GatewayException e) {
            assertThat(e.getMessage()).doesNotContain("Jane").doesNotContain("Smith");
            assertThat(e.getCause()).isNull();
            return;
        }
        throw new AssertionError("expected a SCHEMA_MALFORMED failure");
    }
}
