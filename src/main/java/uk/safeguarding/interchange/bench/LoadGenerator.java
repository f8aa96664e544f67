package uk.safeguarding.interchange.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import uk.safeguarding.interchange.trust.ClientTls;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * An end-to-end load generator for a running gateway. Referrals are signed before the clock starts (a fresh Bundle.id
 * each), then submitted to {@code $process-message} by {@code clients} mutual-TLS HTTP/1.1 clients ({@link BenchHttp}),
 * each reusing its connection, after an unmeasured warm-up at the same rate. At a fixed rate the send times are
 * scheduled up front (open model) and acceptance latency runs from the intended send time, so a slow gateway cannot
 * hide its queueing (no coordinated omission); {@code --max} sends flat out and measures service time. Meanwhile each
 * recipient takes deliveries from its mailbox (list, fetch, acknowledge) and the generator checks that every accepted
 * message reached every recipient exactly once.
 */
public final class LoadGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(30);
    private static final byte[] NO_BODY = new byte[0];

    /**
     * @param rate messages per second, or 0 for flat out
     * @param recipients certs-dev names of the organisations expected to receive every message
     * @param messages how many referrals to sign before the run (the run stops early when they run out)
     * @param ackers how many deliveries each recipient takes (fetch + acknowledge) at the same time
     * @param warmUp how long to send at the same rate (or flat out) before the measured run, so that the generator's
     *     own JVM has compiled its code and opened its connections first: on the gateway's cores, a fresh client took
     *     up to half the machine for its first ~10 s (docs/performance.md section 23). Referrals sent then are checked
     *     for delivery like the others but counted apart.
     */
    public record Config(
            String url,
            int rate,
            Duration duration,
            int clients,
            String cert,
            char[] password,
            Path file,
            List<String> recipients,
            Duration drain,
            int messages,
            int ackers,
            Duration warmUp) {
        public Config {
            Objects.requireNonNull(url);
            Objects.requireNonNull(warmUp);
            if (clients < 1 || rate < 0 || messages < 1 || ackers < 1) {
                throw new IllegalArgumentException("clients, messages and ackers must be positive, rate not negative");
            }
        }
    }

    private record Job(int index, long intendedNanos) {}

    private record Sent(long intendedNanos, long acceptedNanos) {}

    private static final class Seen {
        final long firstNanos;
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicInteger listedAfterAck = new AtomicInteger();

        Seen(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    private final Config config;
    private final PrintStream out;
    private final Histogram acceptance = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    private final Map<String, Sent> accepted = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Seen>> seenByRecipient = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Set<String> warmUpAccepted = ConcurrentHashMap.newKeySet();
    /** Set while the warm-up sends: what is sent then is not measured. */
    private volatile boolean warmingUp;

    private final LongAdder sent = new LongAdder();
    private final AtomicBoolean polling = new AtomicBoolean(true);

    public LoadGenerator(Config config, PrintStream out) {
        this.config = Objects.requireNonNull(config);
        this.out = Objects.requireNonNull(out);
    }

    /** Signs, sends, takes deliveries and reports. Blocks for the duration plus the delivery drain. */
    public LoadReport run() throws Exception {
        String loadBefore = LoadReport.loadAverage();
        out.printf("Signing %d referrals as %s...%n", warmUpMessages() + config.messages(), config.cert());
        List<byte[]> bodies = sign();
        String submit = path("/fhir/$process-message");
        List<BenchHttp> senders = IntStream.range(0, config.clients())
                .mapToObj(i -> client(config.cert()))
                .toList();
        Map<String, BenchHttp> mailboxes = new TreeMap<>();
        config.recipients().forEach(r -> mailboxes.put(r, client(r)));
        try {
            return run(senders, mailboxes, submit, loadBefore, bodies);
        } finally {
            senders.forEach(BenchHttp::close);
            mailboxes.values().forEach(BenchHttp::close);
        }
    }

    private LoadReport run(
            List<BenchHttp> senders,
            Map<String, BenchHttp> mailboxes,
            String submit,
            String loadBefore,
            List<byte[]> bodies)
            throws Exception {
        int preexisting = 0;
        for (var mailbox : mailboxes.entrySet()) {
            preexisting += drainOld(mailbox.getKey(), mailbox.getValue());
        }
        ExecutorService pollers = Executors.newFixedThreadPool(mailboxes.size());
        List<java.util.concurrent.Future<?>> pollersDone = new ArrayList<>();
        mailboxes.forEach((name, client) -> {
            seenByRecipient.put(name, new ConcurrentHashMap<>());
            pollersDone.add(pollers.submit(() -> poll(name, client)));
        });

        int warm = warmUpMessages();
        if (warm > 0) {
            out.printf("Warming up for %s (not measured)%n", config.warmUp());
            warmingUp = true;
            sendPhase(bodies.subList(0, warm), senders, submit, config.warmUp());
            warmingUp = false;
            out.printf("Warm-up over: %d accepted%n", warmUpAccepted.size());
        }
        out.printf(
                "Sending %s for %s with %d clients to %s%n",
                config.rate() == 0 ? "flat out" : config.rate() + "/s", config.duration(), config.clients(), submit);
        double cpuBefore = LoadReport.processCpuSeconds();
        long start = sendPhase(bodies.subList(warm, bodies.size()), senders, submit, config.duration());
        long sendEnd = System.nanoTime();
        double sendSeconds = (sendEnd - start) / 1e9;
        out.printf(
                "Send phase over: %d sent, %d accepted in %.1f s; waiting up to %s for deliveries%n",
                sent.sum(), accepted.size(), sendSeconds, config.drain());

        long drainDeadline = System.nanoTime() + config.drain().toNanos();
        while (System.nanoTime() < drainDeadline && !allDelivered()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        double drainSeconds = (System.nanoTime() - sendEnd) / 1e9;
        polling.set(false);
        pollers.shutdown();
        pollers.awaitTermination(30, TimeUnit.SECONDS);
        return report(loadBefore, sendSeconds, drainSeconds, preexisting, LoadReport.processCpuSeconds() - cpuBefore);
    }

    private List<byte[]> sign() throws IOException {
        return SignedReferrals.sign(
                config.file(),
                SigningKey.loadPkcs12(keyStore(config.cert()), config.password()),
                warmUpMessages() + config.messages());
    }

    /** Referrals signed for the warm-up: its duration at the rate, or flat out at up to 600/s. */
    private int warmUpMessages() {
        long perSecond = config.rate() > 0 ? config.rate() : 600;
        return (int) Math.min(200_000, perSecond * config.warmUp().toMillis() / 1000);
    }

    /**
     * Sends {@code bodies} at the configured rate or flat out, starting in 200 ms, for {@code duration}.
     *
     * @return when the sending started ({@link System#nanoTime})
     */
    private long sendPhase(List<byte[]> bodies, List<BenchHttp> senders, String submit, Duration duration)
            throws InterruptedException {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long end = start + duration.toNanos();
        if (config.rate() > 0) {
            sendAtFixedRate(bodies, senders, submit, start, end);
        } else {
            sendFlatOut(bodies, senders, submit, start, end);
        }
        return start;
    }

    private void sendAtFixedRate(List<byte[]> bodies, List<BenchHttp> senders, String submit, long start, long end)
            throws InterruptedException {
        BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(bodies.size() + senders.size());
        List<Thread> workers = new ArrayList<>();
        for (BenchHttp client : senders) {
            workers.add(Thread.ofPlatform().name("bench-sender").start(() -> {
                try {
                    for (Job job = jobs.take(); job.index() >= 0; job = jobs.take()) {
                        send(client, submit, bodies.get(job.index()), job.intendedNanos());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long period = TimeUnit.SECONDS.toNanos(1) / config.rate();
        for (int i = 0; i < bodies.size(); i++) {
            long intended = start + i * period;
            if (intended >= end) {
                break;
            }
            for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            jobs.put(new Job(i, intended));
        }
        for (int i = 0; i < senders.size(); i++) {
            jobs.put(new Job(-1, 0));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private void sendFlatOut(List<byte[]> bodies, List<BenchHttp> senders, String submit, long start, long end)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (BenchHttp client : senders) {
            workers.add(Thread.ofPlatform().name("bench-sender").start(() -> {
                while (System.nanoTime() < start) {
                    LockSupport.parkNanos(start - System.nanoTime());
                }
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    send(client, submit, bodies.get(i), now);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private void send(BenchHttp client, String submit, byte[] body, long intendedNanos) {
        boolean warm = warmingUp;
        String failure = warm ? "warm-up " : "";
        if (!warm) {
            sent.increment();
        }
        try {
            // Not sent again on a fresh connection: the first attempt may have been accepted.
            BenchHttp.Response response = client.post(submit, "application/fhir+json", body, false);
            long done = System.nanoTime();
            if (response.status() != 200) {
                failures.computeIfAbsent(failure + "HTTP " + response.status(), k -> new LongAdder())
                        .increment();
                return;
            }
            String trackingId = JSON.readTree(response.body())
                    .path("identifier")
                    .path("value")
                    .asText(null);
            if (trackingId == null) {
                failures.computeIfAbsent(failure + "no tracking id", k -> new LongAdder())
                        .increment();
                return;
            }
            if (warm) {
                warmUpAccepted.add(trackingId);
                return;
            }
            acceptance.recordValue(Math.min(HIGHEST_MICROS, (done - intendedNanos) / 1000));
            accepted.put(trackingId, new Sent(intendedNanos, done));
        } catch (IOException e) {
            failures.computeIfAbsent(failure + e.getClass().getSimpleName(), k -> new LongAdder())
                    .increment();
        }
    }

    /** Acknowledges whatever an earlier run left in the mailbox, so this run counts only its own messages. */
    private int drainOld(String recipient, BenchHttp client) throws Exception {
        int drained = 0;
        for (List<String> listed = list(recipient, client); !listed.isEmpty(); listed = list(recipient, client)) {
            for (String trackingId : listed) {
                if (!acknowledge(recipient, client, trackingId)) {
                    throw new IOException("cannot empty the mailbox of " + recipient + " before the run");
                }
                drained++;
            }
        }
        return drained;
    }

    private void poll(String recipient, BenchHttp client) {
        ExecutorService ackers = Executors.newFixedThreadPool(config.ackers());
        Map<String, Seen> seen = seenByRecipient.get(recipient);
        try {
            while (polling.get()) {
                List<String> listed;
                try {
                    listed = list(recipient, client);
                } catch (IOException e) {
                    failures.computeIfAbsent("mailbox " + e.getClass().getSimpleName(), k -> new LongAdder())
                            .increment();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                    continue;
                }
                long now = System.nanoTime();
                List<Callable<Void>> acks = new ArrayList<>();
                for (String trackingId : listed) {
                    Seen entry = seen.computeIfAbsent(trackingId, k -> new Seen(now));
                    if (entry.acknowledged.get() > 0) {
                        entry.listedAfterAck.incrementAndGet();
                    }
                    acks.add(() -> {
                        if (acknowledge(recipient, client, trackingId)) {
                            entry.acknowledged.incrementAndGet();
                        }
                        return null;
                    });
                }
                ackers.invokeAll(acks);
                if (listed.isEmpty()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ackers.shutdownNow();
        }
    }

    private List<String> list(String recipient, BenchHttp client) throws IOException {
        BenchHttp.Response response = client.get(path("/api/v1/mailbox"));
        if (response.status() != 200) {
            throw new IOException("mailbox of " + recipient + ": HTTP " + response.status());
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode message : JSON.readTree(response.body()).path("messages")) {
            ids.add(message.path("trackingId").asText());
        }
        return ids;
    }

    /** Takes one delivery as a recipient system would: fetches the document, then acknowledges it. */
    private boolean acknowledge(String recipient, BenchHttp client, String trackingId) throws IOException {
        BenchHttp.Response document = client.get(path("/api/v1/mailbox/" + trackingId));
        if (document.status() != 200 || document.body().length == 0) {
            failures.computeIfAbsent("fetch HTTP " + document.status() + " (" + recipient + ")", k -> new LongAdder())
                    .increment();
            return false;
        }
        // A second acknowledgement changes nothing (docs/routing-and-delivery.md), so one that met a connection the
        // gateway had closed is sent again.
        BenchHttp.Response response = client.post(path("/api/v1/mailbox/" + trackingId + "/ack"), null, NO_BODY, true);
        if (response.status() != 200) {
            failures.computeIfAbsent("ack HTTP " + response.status() + " (" + recipient + ")", k -> new LongAdder())
                    .increment();
            return false;
        }
        return true;
    }

    private boolean allDelivered() {
        for (Map<String, Seen> seen : seenByRecipient.values()) {
            for (String trackingId : allAccepted()) {
                Seen entry = seen.get(trackingId);
                if (entry == null || entry.acknowledged.get() == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The tracking ids of every accepted referral, the warm-up's included. */
    private Set<String> allAccepted() {
        Set<String> all = new java.util.HashSet<>(accepted.keySet());
        all.addAll(warmUpAccepted);
        return all;
    }

    private LoadReport report(
            String loadBefore, double sendSeconds, double drainSeconds, int preexisting, double cpuSeconds) {
        Histogram delivery = new Histogram(HIGHEST_MICROS, 3);
        long deliveredToAll = 0;
        long missing = 0;
        long duplicates = 0;
        for (var message : accepted.entrySet()) {
            boolean all = true;
            for (Map<String, Seen> seen : seenByRecipient.values()) {
                Seen entry = seen.get(message.getKey());
                if (entry == null || entry.acknowledged.get() == 0) {
                    all = false;
                    missing++;
                    continue;
                }
                if (entry.acknowledged.get() > 1 || entry.listedAfterAck.get() > 0) {
                    duplicates++;
                }
                long micros = Math.max(0, (entry.firstNanos - message.getValue().intendedNanos()) / 1000);
                delivery.recordValue(Math.min(HIGHEST_MICROS, micros));
            }
            if (all) {
                deliveredToAll++;
            }
        }
        for (String trackingId : warmUpAccepted) {
            for (Map<String, Seen> seen : seenByRecipient.values()) {
                Seen entry = seen.get(trackingId);
                if (entry == null || entry.acknowledged.get() == 0) {
                    missing++;
                } else if (entry.acknowledged.get() > 1 || entry.listedAfterAck.get() > 0) {
                    duplicates++;
                }
            }
        }
        long unexpected = seenByRecipient.values().stream()
                .flatMap(m -> m.keySet().stream())
                .filter(id -> !accepted.containsKey(id) && !warmUpAccepted.contains(id))
                .count();
        Map<String, Long> failed = new TreeMap<>();
        failures.forEach((k, v) -> failed.put(k, v.sum()));
        return new LoadReport(
                Instant.now().toString(),
                config.url(),
                config.rate() == 0 ? "max" : "rate",
                config.rate(),
                config.duration().toSeconds(),
                config.clients(),
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                LoadReport.loadAverage(),
                sent.sum(),
                accepted.size(),
                failed,
                sendSeconds,
                accepted.size() / sendSeconds,
                LoadReport.Latency.of(acceptance),
                new LoadReport.Delivery(
                        config.recipients(),
                        deliveredToAll,
                        missing,
                        duplicates,
                        unexpected,
                        preexisting,
                        drainSeconds,
                        LoadReport.Latency.of(delivery)),
                cpuSeconds,
                config.warmUp().toMillis() / 1000.0,
                warmUpAccepted.size());
    }

    /** A path on the gateway, after the path of {@code --url} if it has one. */
    private String path(String path) {
        String base = URI.create(config.url()).getRawPath();
        return (base == null || base.equals("/") ? "" : base.replaceAll("/+$", "")) + path;
    }

    private BenchHttp client(String certName) {
        SSLContext context;
        try {
            context = ClientTls.context(keyStore(certName), config.password(), Path.of("certs-dev", "root-ca.crt.pem"));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load " + keyStore(certName) + ": " + e.getMessage(), e);
        }
        return new BenchHttp(context, URI.create(config.url()));
    }

    private static Path keyStore(String nameOrPath) {
        return nameOrPath.endsWith(".p12") ? Path.of(nameOrPath) : Path.of("certs-dev", nameOrPath + ".p12");
    }
}
