package uk.safeguarding.interchange.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one {@link LoadGenerator} run, written as JSON under {@code target/bench/}. Latencies are in
 * milliseconds; {@code loadAverage*} is the machine's 1/5/15-minute load, which the numbers must be read against;
 * {@code clientCpuSeconds} is this load client's own CPU (all its threads) from the first measured send to the end of
 * the delivery drain, the signing and the warm-up excluded: on a machine shared with the gateway it is CPU the gateway
 * did not have. {@code warmUpAccepted} referrals were accepted during the {@code warmUpSeconds} before the measured run
 * (checked for delivery, not counted in {@code accepted} or the latencies).
 */
public record LoadReport(
        String finishedAt,
        String url,
        String mode,
        int targetRatePerSecond,
        long durationSeconds,
        int clients,
        int cpus,
        String loadAverageBefore,
        String loadAverageAfter,
        long sent,
        long accepted,
        Map<String, Long> failures,
        double sendSeconds,
        double acceptedPerSecond,
        Latency acceptanceLatencyMs,
        Delivery delivery,
        double clientCpuSeconds,
        double warmUpSeconds,
        long warmUpAccepted) {

    /** Percentiles of a histogram recorded in microseconds, in milliseconds. */
    public record Latency(long count, double p50, double p95, double p99, double p999, double max, double mean) {
        static Latency of(Histogram micros) {
            return new Latency(
                    micros.getTotalCount(),
                    micros.getValueAtPercentile(50) / 1000.0,
                    micros.getValueAtPercentile(95) / 1000.0,
                    micros.getValueAtPercentile(99) / 1000.0,
                    micros.getValueAtPercentile(99.9) / 1000.0,
                    micros.getMaxValue() / 1000.0,
                    micros.getMean() / 1000.0);
        }
    }

    /**
     * @param deliveredToAll accepted messages acknowledged by every recipient
     * @param missing (message, recipient) pairs never delivered within the drain time (the warm-up's included)
     * @param duplicates (message, recipient) pairs delivered more than once (the warm-up's included)
     * @param unexpected messages in the mailboxes that this run was not told were accepted
     * @param preexisting messages from earlier runs acknowledged before this one started
     * @param latencyMs intended send time → first seen in the recipient's mailbox, per (message, recipient)
     */
    public record Delivery(
            List<String> recipients,
            long deliveredToAll,
            long missing,
            long duplicates,
            long unexpected,
            int preexisting,
            double drainSeconds,
            Latency latencyMs) {}

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    public String summary() {
        return String.format(
                "sent %d, accepted %d (%.1f/s over %.1f s), failures %s; before it, %.0f s of warm-up: %d accepted"
                        + " (not measured)%n"
                        + "acceptance latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n"
                        + "delivered to all of %s: %d of %d (missing %d, duplicates %d, unexpected %d);"
                        + " delivery latency ms: p50 %.1f  p99 %.1f  max %.1f%n"
                        + "load average before %s, after %s (%d cpus); load client CPU %.1f s (%.2f ms per accepted"
                        + " referral)",
                sent,
                accepted,
                acceptedPerSecond,
                sendSeconds,
                failures,
                warmUpSeconds,
                warmUpAccepted,
                acceptanceLatencyMs.p50(),
                acceptanceLatencyMs.p95(),
                acceptanceLatencyMs.p99(),
                acceptanceLatencyMs.max(),
                delivery.recipients(),
                delivery.deliveredToAll(),
                accepted,
                delivery.missing(),
                delivery.duplicates(),
                delivery.unexpected(),
                delivery.latencyMs().p50(),
                delivery.latencyMs().p99(),
                delivery.latencyMs().max(),
                loadAverageBefore,
                loadAverageAfter,
                cpus,
                clientCpuSeconds,
                accepted > 0 ? 1000 * clientCpuSeconds / accepted : 0);
    }

    /** CPU seconds this JVM has used so far, all threads (NaN where the platform does not say). */
    static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? Double.NaN : nanos / 1e9;
        }
        return Double.NaN;
    }

    /** The first three fields of /proc/loadavg, or "unknown" off Linux. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
