package uk.safeguarding.interchange.sla;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.canonical.EventCode;

/** config/sla.yaml as committed: Europe/London, England and Wales bank holidays 2026. */
class SlaPolicyTest {
    private static final SlaPolicy POLICY = SlaPolicy.load(Path.of("config/sla.yaml"));

    private static Instant deadline(EventCode event, String priority, String acceptedAt) {
        return POLICY.deadline(event, priority, Instant.parse(acceptedAt))
                .orElseThrow()
                .at();
    }

    @Test
    void encompassIsDueAtHalfPastEightOnTheNextSchoolDaySkippingTheWeekend() {
        // Friday 6 March 2026, 22:10 GMT -> Monday 9 March 08:30 GMT.
        assertThat(deadline(EventCode.ENCOMPASS_NOTIFICATION, "urgent", "2026-03-06T22:10:00Z"))
                .isEqualTo(Instant.parse("2026-03-09T08:30:00Z"));
        // Tuesday 07:00 -> the same day's 08:30.
        assertThat(deadline(EventCode.ENCOMPASS_NOTIFICATION, null, "2026-03-10T07:00:00Z"))
                .isEqualTo(Instant.parse("2026-03-10T08:30:00Z"));
    }

    @Test
    void encompassSkipsBankHolidaysAndUsesLocalTimeInSummer() {
        // Thursday 2 April 2026 19:00 BST; Good Friday and Easter Monday are bank holidays -> Tuesday 7 April 08:30
        // BST.
        assertThat(deadline(EventCode.ENCOMPASS_NOTIFICATION, null, "2026-04-02T18:00:00Z"))
                .isEqualTo(Instant.parse("2026-04-07T07:30:00Z"));
    }

    @Test
    void urgentReferralNeedsAnOutcomeWithinOneWorkingDay() {
        SlaPolicy.Deadline d = POLICY.deadline(
                        EventCode.SAFEGUARDING_REFERRAL, "urgent", Instant.parse("2026-03-06T15:00:00Z"))
                .orElseThrow();

        assertThat(d.at()).isEqualTo(Instant.parse("2026-03-09T15:00:00Z"));
        assertThat(d.awaits()).isEqualTo(SlaPolicy.Awaits.OUTCOME);
    }

    @Test
    void statNeedsAnOutcomeWithinTheHourAndRoutineHasNoDeadline() {
        assertThat(deadline(EventCode.POLICE_NOTIFICATION, "stat", "2026-03-07T23:30:00Z"))
                .isEqualTo(Instant.parse("2026-03-08T00:30:00Z"));
        assertThat(POLICY.deadline(EventCode.SAFEGUARDING_REFERRAL, "routine", Instant.parse("2026-03-07T23:30:00Z")))
                .isEmpty();
    }

    @Test
    void rejectsAnUnknownDeadlineExpression(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(
                tmp.resolve("sla.yaml"),
                "version: 1\nrules:\n  - { priority: stat, awaits: OUTCOME, deadline: \"tomorrow-ish\" }\n");

        assertThatThrownBy(() -> SlaPolicy.load(file)).hasMessageContaining("tomorrow-ish");
    }

    @Test
    void theFingerprintChangesWithAnythingDeadlinesDependOnAndOnlyThen(@TempDir Path tmp) throws Exception {
        String yaml = Files.readString(Path.of("config/sla.yaml"));
        Path same = Files.writeString(tmp.resolve("same.yaml"), "# reworded comment\n" + yaml);
        Path holiday = Files.writeString(
                tmp.resolve("holiday.yaml"), yaml.replace("schoolClosures: []", "schoolClosures: [2026-12-01]"));
        Path rule = Files.writeString(tmp.resolve("rule.yaml"), yaml.replace("working-days 1", "working-days 2"));

        assertThat(SlaPolicy.load(same).fingerprint())
                .isEqualTo(POLICY.fingerprint())
                .hasSize(64);
        assertThat(SlaPolicy.load(holiday).fingerprint()).isNotEqualTo(POLICY.fingerprint());
        assertThat(SlaPolicy.load(rule).fingerprint()).isNotEqualTo(POLICY.fingerprint());
    }
}
