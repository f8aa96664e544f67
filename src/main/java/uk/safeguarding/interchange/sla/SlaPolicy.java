package uk.safeguarding.interchange.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * Service levels (spec §9) from {@code config/sla.yaml}: for an event and priority, by when a recipient must reach a
 * state ({@code DELIVERED} or {@code OUTCOME}). The first matching rule wins; a message no rule matches has no
 * deadline. Deadlines: an ISO-8601 duration ({@code PT1H}), {@code working-days N}, or {@code next-school-day HH:MM}.
 * Immutable; thread-safe.
 */
public final class SlaPolicy {
    /** The state a recipient must reach by the deadline. */
    public enum Awaits {
        DELIVERED,
        OUTCOME
    }

    /** A computed deadline. {@code rule} names the rule for logs and the ledger-free escalation notice. */
    public record Deadline(Instant at, Awaits awaits, String rule) {}

    /**
     * One rule; {@code event} and {@code priority} are null for "any".
     *
     * @param deadline the deadline expression as written in the file
     */
    public record Rule(EventCode event, String priority, Awaits awaits, String deadline) {}

    private static final Pattern WORKING_DAYS = Pattern.compile("working-days (\\d+)");
    private static final Pattern SCHOOL_DAY = Pattern.compile("next-school-day (\\d{2}:\\d{2})");

    private final SchoolCalendar calendar;
    private final List<Rule> rules;

    public SlaPolicy(SchoolCalendar calendar, List<Rule> rules) {
        this.calendar = Objects.requireNonNull(calendar);
        this.rules = List.copyOf(rules);
        for (Rule rule : this.rules) {
            // Fail at load, not at the first breach.
            deadline(rule, Instant.EPOCH);
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    public SchoolCalendar calendar() {
        return calendar;
    }

    /**
     * A SHA-256 (hex) of everything deadlines depend on (time zone, bank holidays, school closures, rules in order):
     * equal policies have equal fingerprints, so the gateway knows at start whether stored deadlines are still right.
     */
    public String fingerprint() {
        StringBuilder text =
                new StringBuilder("v1\n").append(calendar.zone().getId()).append('\n');
        calendar.bankHolidays().stream()
                .sorted()
                .forEach(d -> text.append("holiday ").append(d).append('\n'));
        calendar.schoolClosures().stream()
                .sorted()
                .forEach(d -> text.append("closure ").append(d).append('\n'));
        for (Rule rule : rules) {
            text.append(describe(rule)).append('\n');
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** The deadline for a message of {@code event} and {@code priority} (null: none) accepted at {@code acceptedAt}. */
    public Optional<Deadline> deadline(EventCode event, String priority, Instant acceptedAt) {
        for (Rule rule : rules) {
            if ((rule.event() == null || rule.event() == event)
                    && (rule.priority() == null || rule.priority().equals(priority))) {
                return Optional.of(new Deadline(deadline(rule, acceptedAt), rule.awaits(), describe(rule)));
            }
        }
        return Optional.empty();
    }

    private Instant deadline(Rule rule, Instant from) {
        String d = rule.deadline().trim();
        Matcher m = WORKING_DAYS.matcher(d);
        if (m.matches()) {
            return calendar.plusWorkingDays(from, Integer.parseInt(m.group(1)));
        }
        m = SCHOOL_DAY.matcher(d);
        if (m.matches()) {
            return calendar.nextSchoolDayStart(from, LocalTime.parse(m.group(1)));
        }
        try {
            return from.plus(Duration.parse(d));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("SLA deadline '" + d
                    + "' is not an ISO-8601 duration, 'working-days N' or 'next-school-day HH:MM'");
        }
    }

    private static String describe(Rule rule) {
        return (rule.event() == null ? "*" : rule.event().code()) + "/"
                + (rule.priority() == null ? "*" : rule.priority()) + " " + rule.awaits() + " " + rule.deadline();
    }

    /** Reads {@code config/sla.yaml}; IllegalArgumentException for an invalid file. */
    public static SlaPolicy load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the SLA file " + file + ": " + e.getMessage());
        }
        if (root == null || root.path("version").asInt() != 1) {
            throw new IllegalArgumentException(file + ": version: 1 is required");
        }
        SchoolCalendar calendar = new SchoolCalendar(
                ZoneId.of(root.path("timeZone").asText("Europe/London")),
                dates(root.path("bankHolidays")),
                dates(root.path("schoolClosures")));
        List<Rule> rules = new ArrayList<>();
        for (JsonNode r : root.path("rules")) {
            EventCode event = r.hasNonNull("event")
                    ? EventCode.fromCode(r.get("event").asText())
                            .orElseThrow(() -> new IllegalArgumentException(
                                    file + ": unknown event " + r.get("event").asText()))
                    : null;
            String priority = r.hasNonNull("priority") ? r.get("priority").asText() : null;
            Awaits awaits = Awaits.valueOf(r.path("awaits").asText("DELIVERED"));
            if (!r.hasNonNull("deadline")) {
                throw new IllegalArgumentException(file + ": every rule needs a deadline");
            }
            rules.add(new Rule(event, priority, awaits, r.get("deadline").asText()));
        }
        return new SlaPolicy(calendar, rules);
    }

    private static Set<LocalDate> dates(JsonNode list) {
        Set<LocalDate> dates = new HashSet<>();
        list.forEach(d -> dates.add(LocalDate.parse(d.asText())));
        return dates;
    }
}
