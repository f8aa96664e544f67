package uk.safeguarding.interchange.store;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How long each event's payloads are kept before their key is destroyed: {@code gateway.payload.retention.<event
 * code>} (ISO-8601 duration, e.g. {@code P30D}), else {@code gateway.payload.retention.default}. Immutable.
 */
public record RetentionPolicy(Duration defaultPeriod, Map<String, Duration> byEvent) {
    public static final String PREFIX = "gateway.payload.retention.";

    public RetentionPolicy {
        Objects.requireNonNull(defaultPeriod);
        byEvent = Map.copyOf(byEvent);
        if (defaultPeriod.isNegative() || byEvent.values().stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("A retention period cannot be negative");
        }
    }

    /** The period for an event code. */
    public Duration periodFor(String eventCode) {
        return byEvent.getOrDefault(eventCode, defaultPeriod);
    }

    /**
     * Reads {@code gateway.payload.retention.*}.
     *
     * @throws IllegalArgumentException naming the property whose value is not an ISO-8601 duration
     */
    public static RetentionPolicy from(Properties properties) {
        Duration defaultPeriod = Duration.ofDays(2557);
        Map<String, Duration> byEvent = new java.util.HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            Duration period;
            try {
                period = Duration.parse(properties.getProperty(key).trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key + " must be an ISO-8601 duration like P30D");
            }
            String event = key.substring(PREFIX.length());
            if (event.equals("default")) {
                defaultPeriod = period;
            } else {
                byEvent.put(event, period);
            }
        }
        return new RetentionPolicy(defaultPeriod, byEvent);
    }
}
