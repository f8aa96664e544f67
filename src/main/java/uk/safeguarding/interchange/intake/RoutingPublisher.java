package uk.safeguarding.interchange.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.store.GroupCommit;

/**
 * Hands committed acceptances to the routing queue after their senders were answered (decision 0017). Acceptance
 * gives it the tracking ids of a group whose database transaction committed; one thread of its own publishes whatever
 * has gathered in one broker transaction (one journal sync for all of them) and marks the rows published in the next
 * group commit ({@link GroupCommit#later}). So a sender waits for one durable write, the database's, not two.
 *
 * <p>Nothing is lost when a publish does not happen: the rows stay unpublished ({@code message.published_at} NULL)
 * and {@link OutboxRelay} publishes them after its grace period, whether the broker failed, the backlog was full, an
 * {@link Error} ended the publisher's thread ({@link #running}, reported by {@code /health}) or the gateway was
 * killed. {@link #close} publishes what is still waiting, for a bounded time. Thread-safe.
 */
public final class RoutingPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoutingPublisher.class);
    /** Tracking ids waiting for their publish; beyond this (a stalled broker) they are left to the relay. */
    static final int BACKLOG = 10_000;
    /** The most tracking ids published in one broker transaction. */
    static final int MAX_BATCH = 256;

    private final RoutingQueue routingQueue;
    private final GroupCommit group;
    private final Clock clock;
    private final Duration closeWait;
    private final BlockingQueue<String> waiting = new LinkedBlockingQueue<>(BACKLOG);
    /** Queued or being published: counted up before a tracking id is queued, down once its publish is over. */
    private final AtomicInteger unfinished = new AtomicInteger();

    private final Thread thread;
    private volatile boolean closing;

    /**
     * Starts the publishing thread.
     *
     * @param group the group commit in which the "published" marks ride
     * @param closeWait how long {@link #close} waits for the backlog to be published
     */
    public RoutingPublisher(RoutingQueue routingQueue, GroupCommit group, Clock clock, Duration closeWait) {
        this.routingQueue = Objects.requireNonNull(routingQueue);
        this.group = Objects.requireNonNull(group);
        this.clock = Objects.requireNonNull(clock);
        this.closeWait = Objects.requireNonNull(closeWait);
        this.thread = Thread.ofPlatform().name("routing-publisher").daemon().start(this::run);
    }

    /**
     * Queues committed acceptances for the routing queue and returns at once. A tracking id that does not fit in the
     * backlog, or comes after {@link #close}, is left to the outbox relay.
     */
    public void publishLater(List<String> trackingIds) {
        int left = 0;
        boolean stopped = !thread.isAlive();
        for (String trackingId : trackingIds) {
            unfinished.incrementAndGet();
            if (closing || stopped || !waiting.offer(trackingId)) {
                unfinished.decrementAndGet();
                left++;
            }
        }
        if (left > 0) {
            log.warn(
                    "{} accepted messages not queued for routing ({}); the outbox relay will publish them",
                    left,
                    closing ? "stopping" : stopped ? "the publisher has stopped" : "backlog of " + BACKLOG + " full");
        }
    }

    /**
     * Whether its thread runs (for {@code /health}): false once closed, or after an {@link Error} ended it. Nothing
     * is lost while it does not run, but every acceptance waits for the outbox relay's grace period to be routed.
     */
    public boolean running() {
        return thread.isAlive();
    }

    /**
     * How many tracking ids were handed over and are not yet published or left to the relay (tests and monitoring):
     * zero means the routing queue holds every acceptance this publisher will publish.
     */
    public int unfinished() {
        return unfinished.get();
    }

    private void run() {
        try {
            publishUntilClosed();
        } catch (Error e) {
            // Not restarted: an Error means the JVM is in trouble. What waits is the relay's; so is what comes next.
            List<String> left = new ArrayList<>();
            waiting.drainTo(left);
            unfinished.addAndGet(-left.size());
            log.error(
                    "The routing publisher stopped ({} accepted messages waiting); the outbox relay will publish them"
                            + " and every later acceptance after its grace period",
                    left.size(),
                    e);
            throw e;
        }
    }

    private void publishUntilClosed() {
        List<String> batch = new ArrayList<>(MAX_BATCH);
        while (!(closing && waiting.isEmpty())) {
            String first;
            try {
                first = waiting.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return; // close gave up waiting; the rest is the relay's
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, MAX_BATCH - 1);
            try {
                publish(List.copyOf(batch));
            } finally {
                unfinished.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void publish(List<String> batch) {
        try {
            routingQueue.publishAll(batch);
        } catch (RuntimeException e) {
            log.warn(
                    "Publishing {} accepted messages to the routing queue failed; the outbox relay will publish them",
                    batch.size(),
                    e);
            return;
        }
        // Lost or failed, the mark is harmless: the relay republishes and the queue's duplicate detection drops it.
        Instant publishedAt = clock.instant();
        group.later((connection, after) -> {
            OutboxRows.markPublished(connection, batch, publishedAt);
            return null;
        });
    }

    /**
     * Publishes what is waiting (up to the close wait), stops the thread and commits the last "published" marks. Call
     * once no acceptance can run any more and before the broker stops.
     */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(closeWait.toMillis());
            if (thread.isAlive()) {
                log.warn(
                        "{} accepted messages still unpublished after {}; the outbox relay will publish them",
                        waiting.size(),
                        closeWait);
                thread.interrupt();
            }
            group.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.sql.SQLException e) {
            log.warn("The last \"published\" marks were not stored; the outbox relay will redo them: {}", e.toString());
        }
    }
}
