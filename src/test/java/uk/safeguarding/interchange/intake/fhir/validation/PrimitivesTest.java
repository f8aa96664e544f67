package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The format checks {@link Primitives} writes out by hand agree with the regular expressions they stand for, on
 * edge cases and on many random strings over the characters that matter to them.
 */
class PrimitivesTest {
    private static final Pattern NO_WS = Pattern.compile("\\S+");
    private static final Pattern CODE = Pattern.compile("[^\\s]+( [^\\s]+)*");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern UUID =
            Pattern.compile("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SAFE_URI = Pattern.compile("[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+");
    private static final Pattern OID = Pattern.compile("urn:oid:[0-2](\\.(0|[1-9][0-9]*))+");

    @Test
    void writtenOutChecksMatchTheirRegularExpressions() {
        for (String s : samples()) {
            assertThat(Primitives.noWhitespace(s))
                    .as("\\S+ on [%s]", s)
                    .isEqualTo(NO_WS.matcher(s).matches());
            assertThat(Primitives.id(s))
                    .as("id on [%s]", s)
                    .isEqualTo(ID.matcher(s).matches());
            assertThat(Primitives.check("id", s) == Primitives.Outcome.OK)
                    .as("id on [%s]", s)
                    .isEqualTo(ID.matcher(s).matches());
            assertThat(Primitives.check("code", s) == Primitives.Outcome.OK)
                    .as("code on [%s]", s)
                    .isEqualTo(CODE.matcher(s).matches());
            assertThat(Primitives.check("uuid", s) == Primitives.Outcome.OK)
                    .as("uuid on [%s]", s)
                    .isEqualTo(UUID.matcher(s).matches());
            assertThat(Primitives.check("uri", s)).as("uri on [%s]", s).isEqualTo(uriByRegex(s));
        }
    }

    /** The uri check as it was written with regular expressions. */
    private static Primitives.Outcome uriByRegex(String s) {
        if (!NO_WS.matcher(s).matches()) {
            return s.isEmpty() ? Primitives.Outcome.UNKNOWN : Primitives.Outcome.INVALID;
        }
        if (s.startsWith("urn:uuid:")) {
            return UUID.matcher(s).matches() ? Primitives.Outcome.OK : Primitives.Outcome.UNKNOWN;
        }
        if (s.startsWith("urn:oid:") || s.startsWith("oid:") || s.startsWith("uuid:")) {
            return OID.matcher(s).matches() ? Primitives.Outcome.OK : Primitives.Outcome.UNKNOWN;
        }
        return SAFE_URI.matcher(s).matches() ? Primitives.Outcome.OK : Primitives.Outcome.UNKNOWN;
    }

    private static List<String> samples() {
        List<String> samples = new ArrayList<>(List.of(
                "",
                " ",
                "a",
                "a b",
                "a  b",
                " a",
                "a ",
                "a\tb",
                "a\u000Bb",
                "a\u00A0b",
                "a\u2028b",
                "é",
                "x".repeat(64),
                "x".repeat(65),
                "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
                "urn:uuid:0F8FAD5B-d9cb-469f-a165-70867728950e",
                "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950",
                "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e0",
                "urn:uuid:0f8fad5bd-9cb-469f-a165-70867728950e",
                "urn:oid:1.2.840",
                "https://example.org/fhir/StructureDefinition/x?y=1#z",
                "http://example.org/a b",
                "http://example.org/<x>"));
        String alphabet = "ab09AZ-.:/ \t\n\u000B\u00A0_~?#@!$&'()*+,;=%<>\"é";
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder(random.nextBoolean() ? "urn:uuid:" : "");
            int length = random.nextInt(n % 10 == 0 ? 70 : 8);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            samples.add(s.toString());
        }
        String hex = "0123456789abcdefA-";
        for (int n = 0; n < 5_000; n++) {
            char[] uuid = "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e".toCharArray();
            uuid[9 + random.nextInt(36)] = hex.charAt(random.nextInt(hex.length()));
            samples.add(new String(uuid));
        }
        return samples;
    }
}
