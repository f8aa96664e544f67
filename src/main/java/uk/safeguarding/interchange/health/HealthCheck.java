package uk.safeguarding.interchange.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Computes a {@link HealthReport} by running each named probe; a probe that throws counts as down. Bound in
 * the Camel registry as {@code healthCheck} and called by the {@code health-check} route. Thread-safe when the
 * probes are.
 */
public final class HealthCheck {
    private final Map<String, BooleanSupplier> probes;

    /** @param probes component name → probe, in the order the report lists them */
    public HealthCheck(Map<String, BooleanSupplier> probes) {
        this.probes = new LinkedHashMap<>(probes);
    }

    public HealthReport check() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        probes.forEach((name, probe) -> results.put(name, safely(probe)));
        return new HealthReport(results);
    }

    private static boolean safely(BooleanSupplier probe) {
        try {
            return probe.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
