package uk.safeguarding.interchange.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.testsupport.RealGateway;

/**
 * {@code bench load} against the real embedded gateway, briefly: its own HTTP/1.1 client ({@link BenchHttp}) submits
 * over mutual TLS, the recipients list, fetch and acknowledge, and the report counts every message delivered once.
 * Numbers are not checked (benchmarks print them); what is checked is that the generator measures what happened.
 */
class LoadGeneratorIT extends RealGateway {
    private static final List<String> RECIPIENTS = List.of("la-850", "mash-850");

    private LoadReport run(int rate, Duration duration, int messages, Duration warmUp) throws Exception {
        var config = new LoadGenerator.Config(
                "https://localhost:" + gateway.httpsPort(),
                rate,
                duration,
                3,
                "acme-safeguard",
                "dev-only".toCharArray(),
                Path.of("schemas/examples/fhir/safeguarding-referral.json"),
                RECIPIENTS,
                Duration.ofSeconds(60),
                messages,
                2,
                warmUp);
        var printed = new ByteArrayOutputStream();
        return new LoadGenerator(config, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
    }

    @Test
    void atAFixedRateEveryAcceptedReferralIsDeliveredToEveryRecipientOnceAndTheWarmUpIsNotMeasured() throws Exception {
        LoadReport report = run(20, Duration.ofSeconds(2), 40, Duration.ofSeconds(1));

        assertThat(report.failures()).isEmpty();
        assertThat(report.warmUpAccepted()).isEqualTo(20);
        assertThat(report.sent()).isEqualTo(40);
        assertThat(report.accepted()).isEqualTo(40);
        assertThat(report.acceptanceLatencyMs().count()).isEqualTo(40);
        assertThat(report.delivery().deliveredToAll()).isEqualTo(40);
        assertThat(report.delivery().missing()).isZero();
        assertThat(report.delivery().duplicates()).isZero();
        assertThat(report.delivery().unexpected()).isZero();
        assertThat(report.delivery().latencyMs().count()).isEqualTo(80);
    }

    @Test
    void flatOutTheNextRunStartsFromEmptyMailboxes() throws Exception {
        LoadReport report = run(0, Duration.ofSeconds(1), 30, Duration.ZERO);

        assertThat(report.failures()).isEmpty();
        assertThat(report.accepted()).isEqualTo(report.sent()).isPositive();
        assertThat(report.warmUpAccepted()).isZero();
        assertThat(report.delivery().deliveredToAll()).isEqualTo(report.accepted());
        assertThat(report.delivery().missing()).isZero();
        assertThat(report.delivery().duplicates()).isZero();
        assertThat(report.delivery().unexpected()).isZero();
    }
}
