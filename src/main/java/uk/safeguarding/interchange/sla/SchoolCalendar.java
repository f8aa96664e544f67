package uk.safeguarding.interchange.sla;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Set;

/**
 * Working and school days in one time zone: Monday to Friday except the listed bank holidays (and school closures,
 * which only affect school days). Immutable; thread-safe.
 */
public record SchoolCalendar(ZoneId zone, Set<LocalDate> bankHolidays, Set<LocalDate> schoolClosures) {
    public SchoolCalendar {
        Objects.requireNonNull(zone, "zone");
        bankHolidays = Set.copyOf(bankHolidays);
        schoolClosures = Set.copyOf(schoolClosures);
    }

    public boolean isWorkingDay(LocalDate day) {
        return day.getDayOfWeek() != DayOfWeek.SATURDAY
                && day.getDayOfWeek() != DayOfWeek.SUNDAY
                && !bankHolidays.contains(day);
    }

    public boolean isSchoolDay(LocalDate day) {
        return isWorkingDay(day) && !schoolClosures.contains(day);
    }

    /** The first school day's {@code start} that is strictly after {@code from}. */
    public Instant nextSchoolDayStart(Instant from, LocalTime start) {
        ZonedDateTime local = from.atZone(zone);
        LocalDate day = local.toLocalDate();
        if (!isSchoolDay(day) || !local.toLocalTime().isBefore(start)) {
            day = day.plusDays(1);
            while (!isSchoolDay(day)) {
                day = day.plusDays(1);
            }
        }
        return day.atTime(start).atZone(zone).toInstant();
    }

    /**
     * {@code from} plus {@code days} working days, at the same local time: a Friday 10:00 plus one working day is the
     * next Monday 10:00 (or Tuesday after a bank holiday Monday); a Saturday counts from the next working day.
     */
    public Instant plusWorkingDays(Instant from, int days) {
        ZonedDateTime local = from.atZone(zone);
        LocalDate day = local.toLocalDate();
        LocalTime time = local.toLocalTime();
        if (!isWorkingDay(day)) {
            time = LocalTime.MIDNIGHT;
        }
        for (int counted = 0; counted < days; ) {
            day = day.plusDays(1);
            if (isWorkingDay(day)) {
                counted++;
            }
        }
        return day.atTime(time).atZone(zone).toInstant();
    }
}
