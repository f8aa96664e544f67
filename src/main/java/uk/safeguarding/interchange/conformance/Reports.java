package uk.safeguarding.interchange.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Writes a run's results as JUnit XML (for CI) and a Markdown summary (for people), both into one directory. */
public final class Reports {
    public static final String JUNIT = "conformance-junit.xml";
    public static final String SUMMARY = "conformance-summary.md";

    private Reports() {}

    public static void write(Path outDir, String target, List<CaseResult> results) throws IOException {
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve(JUNIT), junit(results), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve(SUMMARY), markdown(target, results), StandardCharsets.UTF_8);
    }

    static String junit(List<CaseResult> results) {
        long failures = results.stream().filter(r -> !r.passed()).count();
        double seconds = results.stream().mapToLong(CaseResult::millis).sum() / 1000.0;
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"interchange-conformance\" tests=\"")
                .append(results.size())
                .append("\" failures=\"")
                .append(failures)
                .append("\" errors=\"0\" skipped=\"0\" time=\"")
                .append(seconds)
                .append("\" timestamp=\"")
                .append(Instant.now())
                .append("\">\n");
        for (CaseResult r : results) {
            ConformanceCase c = r.conformanceCase();
            xml.append("  <testcase classname=\"conformance.")
                    .append(esc(c.binding() + "." + c.area()))
                    .append("\" name=\"")
                    .append(esc(c.id()))
                    .append("\" time=\"")
                    .append(r.millis() / 1000.0)
                    .append("\">");
            if (!r.passed()) {
                xml.append("\n    <failure message=\"")
                        .append(esc(r.detail()))
                        .append("\">")
                        .append(esc(c.title() + "\n" + r.detail()))
                        .append("</failure>\n  ");
            } else {
                xml.append("<system-out>").append(esc(r.detail())).append("</system-out>");
            }
            xml.append("</testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    static String markdown(String target, List<CaseResult> results) {
        long passed = results.stream().filter(CaseResult::passed).count();
        StringBuilder md = new StringBuilder("# Interchange conformance report\n\n");
        md.append("Gateway: `").append(target).append("`  \n");
        md.append("Run at: ").append(Instant.now()).append("  \n");
        md.append("Result: **")
                .append(passed == results.size() ? "PASS" : "FAIL")
                .append("**, ")
                .append(passed)
                .append(" of ")
                .append(results.size())
                .append(" cases passed.\n\n");
        md.append("| case | result | title | why |\n|---|---|---|---|\n");
        for (CaseResult r : results) {
            md.append("| `")
                    .append(r.conformanceCase().id())
                    .append("` | ")
                    .append(r.passed() ? "pass" : "**FAIL**")
                    .append(" | ")
                    .append(cell(r.conformanceCase().title()))
                    .append(" | ")
                    .append(cell(r.detail()))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replaceAll("\\s+", " ");
    }

    private static String esc(String text) {
        StringBuilder out = new StringBuilder();
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (ch >= 0x20 || ch == '\n' || ch == '\t') {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}
