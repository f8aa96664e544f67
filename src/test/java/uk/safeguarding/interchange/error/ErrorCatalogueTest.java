package uk.safeguarding.interchange.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ErrorCatalogueTest {
    private static final Pattern ROW =
            Pattern.compile("^\\| `([A-Z]+-\\d{3})` \\| (\\w+) \\| (\\d{3}) \\| (yes|no) \\| (.+?) \\| (.+) \\|$");

    @Test
    void codesAreUniqueAndWellFormed() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code))
                .doesNotHaveDuplicates()
                .allMatch(code -> code.matches("(SIG|AUTH|SCHEMA|RULE|ROUTE|DUP|LIMIT|DLV|SYS)-\\d{3}"));
    }

    @Test
    void documentedCatalogueMatchesTheEnumExactly() throws IOException {
        Map<String, String[]> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/error-codes.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                documented.put(m.group(1), new String[] {m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)});
            }
        }
        assertThat(documented.keySet())
                .containsExactlyElementsOf(
                        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
        for (ErrorCode code : ErrorCode.values()) {
            String[] row = documented.get(code.code());
            assertThat(row[0]).as(code.code() + " name").isEqualTo(code.name());
            assertThat(Integer.parseInt(row[1])).as(code.code() + " HTTP").isEqualTo(code.httpStatus());
            assertThat(row[2]).as(code.code() + " retryable").isEqualTo(code.retryable() ? "yes" : "no");
            assertThat(row[3]).as(code.code() + " meaning").isEqualTo(code.meaning());
            assertThat(row[4]).as(code.code() + " example").isNotBlank();
        }
    }
}
