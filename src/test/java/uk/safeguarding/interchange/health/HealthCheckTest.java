package uk.safeguarding.interchange.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
    @Test
    void isUpWith200WhenEveryComponentIsUp() {
        HealthReport report = check(() -> true, () -> true);

        assertThat(report.up()).isTrue();
        assertThat(report.httpStatus()).isEqualTo(200);
        assertThat(report.json())
                .isEqualTo("{\"status\":\"UP\",\"components\":{\"broker\":{\"status\":\"UP\"},"
                        + "\"database\":{\"status\":\"UP\"}}}");
    }

    @Test
    void isDownWith503WhenAComponentIsDownOrItsProbeThrows() {
        HealthReport down = check(() -> true, () -> false);
        HealthReport throwing = check(
                () -> {
                    throw new IllegalStateException("boom");
                },
                () -> true);

        assertThat(down.httpStatus()).isEqualTo(503);
        assertThat(down.json()).startsWith("{\"status\":\"DOWN\"").contains("\"database\":{\"status\":\"DOWN\"}");
        assertThat(throwing.httpStatus()).isEqualTo(503);
        assertThat(throwing.json()).contains("\"broker\":{\"status\":\"DOWN\"}");
    }

    private static HealthReport check(BooleanSupplier broker, BooleanSupplier database) {
        Map<String, BooleanSupplier> probes = new LinkedHashMap<>();
        probes.put("broker", broker);
        probes.put("database", database);
        return new HealthCheck(probes).check();
    }
}
