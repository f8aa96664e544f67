package uk.safeguarding.interchange.directory;

/**
 * An organisation's own request quota at the HTTPS door, overriding {@code gateway.rate.limit.*}: {@code perSecond}
 * requests a second on average, bursts of up to {@code burst}.
 */
public record RateLimit(double perSecond, double burst) {
    public RateLimit {
        if (!(perSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("rateLimit needs perSecond > 0 and burst >= 1");
        }
    }
}
