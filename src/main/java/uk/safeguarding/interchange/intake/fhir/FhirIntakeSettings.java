package uk.safeguarding.interchange.intake.fhir;

import java.time.Duration;
import java.util.Properties;
import uk.safeguarding.interchange.config.StartupException;

/**
 * Limits of the FHIR intake.
 *
 * @param maxBodyBytes the largest request body accepted ({@code gateway.fhir.max.body.bytes}, default 1 MiB)
 * @param signatureMaxAge how old {@code Bundle.signature.when} may be ({@code gateway.fhir.signature.max.age}, ISO-8601
 *     duration, default {@code PT72H}: a sender's queue may hold a message over a weekend outage, not longer)
 * @param clockSkew how far in the future signing and message times may be ({@code gateway.fhir.clock.skew}, default
 *     {@code PT5M})
 */
public record FhirIntakeSettings(int maxBodyBytes, Duration signatureMaxAge, Duration clockSkew) {
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public FhirIntakeSettings {
        if (maxBodyBytes < 1 || signatureMaxAge.isNegative() || clockSkew.isNegative()) {
            throw new IllegalArgumentException("FHIR intake limits must be positive");
        }
    }

    public static FhirIntakeSettings defaults() {
        return new FhirIntakeSettings(DEFAULT_MAX_BODY_BYTES, Duration.ofHours(72), Duration.ofMinutes(5));
    }

    /** Reads the {@code gateway.fhir.*} keys, with the defaults above. */
    public static FhirIntakeSettings from(Properties p) {
        try {
            return new FhirIntakeSettings(
                    Integer.parseInt(p.getProperty("gateway.fhir.max.body.bytes", "" + DEFAULT_MAX_BODY_BYTES)
                            .trim()),
                    Duration.parse(p.getProperty("gateway.fhir.signature.max.age", "PT72H")
                            .trim()),
                    Duration.parse(
                            p.getProperty("gateway.fhir.clock.skew", "PT5M").trim()));
        } catch (RuntimeException e) {
            throw new StartupException("Invalid gateway.fhir.* setting: " + e.getMessage());
        }
    }
}
