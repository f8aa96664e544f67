package uk.safeguarding.interchange.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./gateway demo} in-process: the whole story against a real embedded gateway, and what it prints. */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void theStoryRunsEndToEndAndPrintsTrailsAndVerifiedProofs() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = DemoCommand.run(
                new String[] {"--data", tmp.resolve("demo").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stderr: %s%nstdout: %s", err, printed).isZero();
        assertThat(printed)
                .contains("1. Harewood Primary School (via Acme Safeguard")
                .contains("routed to Hampshire County Council Children's Services (la:850, primary) and Hampshire MASH"
                        + " (mash:850, copy)")
                .contains("2. Dorset Police sends a police protection notice")
                .contains("3. The gateway derives an Operation Encompass notification")
                .contains("Encompass notification → DELIVERED")
                .contains("4. Hampshire County Council Children's Services declines the school's referral")
                .contains("now OUTCOME")
                .contains("the delivery to LA 850 is ESCALATED")
                .contains("Trail of the school's concern")
                .contains("ACCEPTED")
                .contains("ROUTED")
                .contains("Demo complete: every step behaved as expected.")
                .contains("the Dorset notification, equally urgent and still without an outcome, is ESCALATED too")
                .containsPattern("Inclusion proof for entry #\\d+ \\(ESCALATED\\) verified against signed checkpoint"
                        + " \\(size \\d+, root [A-Za-z0-9+/]{43}=\\)");
        assertThat(printed.lines().filter(l -> l.contains("Inclusion proof for entry #") && l.contains(" verified ")))
                .hasSize(5);
        assertThat(printed.lines().filter(l -> l.contains(" OUTCOME ") && l.contains("reason declined")))
                .hasSize(1);
        // The trails carry ids and codes only: no names, dates of birth or postcodes from the example messages.
        assertThat(printed).doesNotContain("SP10 1AB").doesNotContain("BH1 2AB");
    }
}
