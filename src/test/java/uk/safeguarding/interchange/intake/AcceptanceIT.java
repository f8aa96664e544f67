package uk.safeguarding.interchange.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.broker.EmbeddedBroker;
import uk.safeguarding.interchange.broker.JmsRoutingQueue;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.store.Database;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.MasterKey;
import uk.safeguarding.interchange.store.PayloadKind;
import uk.safeguarding.interchange.store.PayloadStore;
import uk.safeguarding.interchange.store.RetentionPolicy;
import uk.safeguarding.interchange.testsupport.QueueContents;

/** Durable acceptance against a real H2 file database (Flyway-migrated) and a real embedded Artemis broker. */
class AcceptanceIT {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
    private static final String SCHOOL = "urn:interchange:school:100001";
    private static final String VENDOR = "urn:interchange:system:acme-safeguard";

    @TempDir
    Path tmp;

    Database database;
    EmbeddedBroker broker;
    JmsRoutingQueue queue;
    LedgerAppender ledger;
    PayloadStore payloads;
    GroupCommit group;
    RoutingPublisher routing;
    Acceptance acceptance;

    @BeforeEach
    void start() {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/test") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 10);
        broker = EmbeddedBroker.start(tmp.resolve("artemis"));
        queue = new JmsRoutingQueue(broker.connectionFactory());
        ledger = new LedgerAppender(CLOCK);
        payloads = new PayloadStore(new MasterKey(new byte[32]), RetentionPolicy.from(new java.util.Properties()));
        group = new GroupCommit(database.dataSource(), Acceptance.MAX_GROUP);
        routing = publisher(queue);
        acceptance = accepting(routing);
    }

    @AfterEach
    void stop() {
        routing.close();
        broker.close();
        database.close();
    }

    private RoutingPublisher publisher(RoutingQueue to) {
        return new RoutingPublisher(to, group, CLOCK, Duration.ofSeconds(10));
    }

    /** An outbox relay with a 30 s grace, 31 s after the tests' clock: rows accepted by then are its to publish. */
    private OutboxRelay relayAfterItsGrace() {
        return new OutboxRelay(
                database.dataSource(),
                group,
                queue,
                Clock.offset(CLOCK, Duration.ofSeconds(31)),
                Duration.ofSeconds(30));
    }

    private Acceptance accepting(RoutingPublisher to) {
        return new Acceptance(database.dataSource(), group, ledger, to, CLOCK, payloads, submission -> {});
    }

    private static Submission submission(String messageId, String sha) {
        return new Submission(
                UUID.randomUUID().toString(),
                SCHOOL,
                messageId,
                sha,
                EventCode.SAFEGUARDING_REFERRAL,
                VENDOR,
                "fhir",
                "<InterchangeMessage/>".getBytes(StandardCharsets.UTF_8));
    }

    private static AcknowledgementRenderer ack() {
        return (trackingId, at) -> ("ack " + trackingId + " " + at).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsDurablyWithLedgerEntryAndOneRoutingMessage() throws Exception {
        Submission s = submission("bundle-1", "a".repeat(64));

        Accepted accepted = acceptance.accept(s, ack());

        assertThat(accepted.duplicate()).isFalse();
        assertThat(accepted.trackingId()).isEqualTo(s.trackingId());
        assertThat(new String(accepted.acknowledgement(), StandardCharsets.UTF_8))
                .isEqualTo("ack " + s.trackingId() + " 2026-11-21T09:00:00Z");
        assertThat(routingQueue()).containsExactly(s.trackingId());
        assertThat(ledgerRows()).containsExactly("0 ACCEPTED " + s.trackingId() + " bundle-1 " + VENDOR);
        group.flush(); // the "published" marks ride in the next group commit
        assertThat(unpublishedOutboxRows()).isZero();
    }

    @Test
    void storesTheCanonicalDocumentAndAcknowledgementEncryptedUnderTheMessagesOwnKey() throws Exception {
        Submission s = submission("bundle-enc", "9".repeat(64));
        Accepted accepted = acceptance.accept(s, ack());

        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT kind, content FROM payload WHERE tracking_id = ? ORDER BY kind")) {
            ps.setString(1, s.trackingId());
            List<String> kinds = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.add(rs.getString(1));
                    assertThat(new String(rs.getBytes(2), StandardCharsets.ISO_8859_1))
                            .doesNotContain("InterchangeMessage")
                            .doesNotContain("ack ");
                }
            }
            assertThat(kinds)
                    .as("the accepted document and the acknowledgement")
                    .containsExactly("ack_payload", "canonical_xml");
            assertThat(payloads.read(c, s.trackingId(), PayloadKind.CANONICAL_XML))
                    .hasValue(s.canonicalXml());
            assertThat(payloads.read(c, s.trackingId(), PayloadKind.ACK_PAYLOAD))
                    .hasValue(accepted.acknowledgement());
            assertThat(payloads.read(c, s.trackingId(), PayloadKind.ROUTED_XML))
                    .as("not routed yet")
                    .isEmpty();
            PayloadStore otherMaster = new PayloadStore(
                    new MasterKey("k".repeat(32).getBytes(StandardCharsets.US_ASCII)),
                    RetentionPolicy.from(new java.util.Properties()));
            assertThatThrownBy(() -> otherMaster.read(c, s.trackingId(), PayloadKind.CANONICAL_XML))
                    .isInstanceOf(java.sql.SQLException.class)
                    .hasMessageContaining("another master key");
        }
    }

    @Test
    void exactResendReturnsTheOriginalAcknowledgementAndQueuesNothingMore() throws Exception {
        Accepted first = acceptance.accept(submission("bundle-2", "b".repeat(64)), ack());

        // A renderer that would say something else: the stored acknowledgement (payload ack_payload) is returned.
        Accepted again = acceptance.accept(
                submission("bundle-2", "b".repeat(64)), (id, at) -> "rendered again".getBytes(StandardCharsets.UTF_8));

        assertThat(again.duplicate()).isTrue();
        assertThat(again.trackingId()).isEqualTo(first.trackingId());
        assertThat(again.acknowledgement()).isEqualTo(first.acknowledgement());
        assertThat(routingQueue()).containsExactly(first.trackingId());
        assertThat(ledgerRows()).hasSize(1);
    }

    @Test
    void sameIdWithOtherContentIsRejectedAndNothingIsQueued() throws Exception {
        Accepted first = acceptance.accept(submission("bundle-3", "c".repeat(64)), ack());

        assertThatThrownBy(() -> acceptance.accept(submission("bundle-3", "d".repeat(64)), ack()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUP_CONFLICT));
        assertThat(routingQueue()).containsExactly(first.trackingId());
        assertThat(ledgerRows()).hasSize(1);
    }

    @Test
    void theRelayReadsOnlyUnpublishedMessagesThroughTheirIndex() throws Exception {
        for (int i = 0; i < 300; i++) {
            acceptance.accept(submission("bundle-p" + i, String.format("%064x", i)), ack());
        }
        awaitPublished();
        group.flush(); // the last "published" marks wait for a next group
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + OutboxRelay.UNPUBLISHED_QUERY)) {
            explain.setTimestamp(1, Timestamp.from(CLOCK.instant().plusSeconds(60)));
            explain.setInt(2, 100);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                String plan = rs.getString(1);
                // 300 published messages, none of them read: the index's NULL range is empty.
                assertThat(plan).contains("ix_message_unpublished").contains("index sorted");
                assertThat(plan).containsPattern("scanCount: [01]\\b");
            }
        }
    }

    @Test
    void aFailedPublishIsAnsweredOkAndTheRelayPublishesItExactlyOnce() throws Exception {
        RoutingPublisher brokerDown = publisher(trackingId -> {
            throw new IllegalStateException("broker down");
        });
        Submission s = submission("bundle-4", "e".repeat(64));

        // Durable in the database is what "ok" needs; the routing queue is the publisher's and the relay's business.
        Accepted accepted = accepting(brokerDown).accept(s, ack());
        brokerDown.close(); // returns once its publish has been tried

        assertThat(accepted.duplicate()).isFalse();
        assertThat(unpublishedOutboxRows()).isEqualTo(1);
        assertThat(routingQueue()).isEmpty();
        // Within the grace period the relay leaves the row to the publisher that may still be publishing it.
        assertThat(new OutboxRelay(database.dataSource(), group, queue, CLOCK, Duration.ofSeconds(30)).relay(100))
                .isZero();
        OutboxRelay relay = relayAfterItsGrace();
        assertThat(relay.relay(100)).isEqualTo(1);
        assertThat(relay.relay(100)).isZero();
        assertThat(routingQueue()).containsExactly(s.trackingId());

        // A resend gets the original acknowledgement.
        Accepted resend = acceptance.accept(submission("bundle-4", "e".repeat(64)), ack());
        assertThat(resend.duplicate()).isTrue();
        assertThat(resend.acknowledgement()).isEqualTo(accepted.acknowledgement());
    }

    @Test
    void aPublisherEndedByAnErrorSaysSoAndLeavesEveryAcceptanceToTheRelay() throws Exception {
        RoutingPublisher broken = publisher(trackingId -> {
            throw new InternalError("simulated");
        });
        Accepted first = accepting(broken).accept(submission("bundle-err-1", "a1".repeat(32)), ack());
        // The Error ends the publisher's thread, as meant: Awaitility must not rethrow it here.
        Awaitility.await()
                .dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !broken.running());

        Accepted second = accepting(broken).accept(submission("bundle-err-2", "a2".repeat(32)), ack());

        // Answered and durable; nothing waits for a thread that is gone: both are the relay's, after its grace.
        assertThat(broken.unfinished()).isZero();
        assertThat(unpublishedOutboxRows()).isEqualTo(2);
        assertThat(relayAfterItsGrace().relay(100)).isEqualTo(2);
        assertThat(routingQueue()).containsExactlyInAnyOrder(first.trackingId(), second.trackingId());
        broken.close();
    }

    @Test
    void republishingATrackingIdIsDroppedByDuplicateDetection() throws Exception {
        queue.publish("t-1");
        queue.publish("t-1");

        assertThat(routingQueue()).containsExactly("t-1");
    }

    @Test
    void concurrentAcceptancesKeepTheLedgerSequenceGapFree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Accepted>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "concurrent-" + i;
            results.add(pool.submit(() -> acceptance.accept(submission(id, "f".repeat(64)), ack())));
        }
        for (Future<Accepted> result : results) {
            assertThat(result.get().duplicate()).isFalse();
        }
        pool.shutdown();

        List<Long> seqs = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT seq FROM ledger_entry ORDER BY seq")) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 200; i++) {
            expected.add(i);
        }
        assertThat(seqs).isEqualTo(expected);
        assertThat(routingQueue()).hasSize(200);
    }

    /** A routing queue whose first publish waits until the test lets it go, recording every batch it is given. */
    private final class GatedQueue implements RoutingQueue {
        final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void publish(String trackingId) {
            publishAll(List.of(trackingId));
        }

        @Override
        public void publishAll(List<String> trackingIds) {
            groups.add(List.copyOf(trackingIds));
            if (groups.size() == 1) {
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            queue.publishAll(trackingIds);
        }
    }

    @Test
    void sendersAreAnsweredWhileAPublishIsHeldAndWhatGathersMeanwhileIsPublishedInOneBrokerTransaction()
            throws Exception {
        GatedQueue gated = new GatedQueue();
        RoutingPublisher held = publisher(gated);
        Acceptance heldAcceptance = accepting(held);
        String first = heldAcceptance
                .accept(submission("first", "4".repeat(64)), ack())
                .trackingId();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gated.groups.size() == 1);

        List<String> next = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            next.add(heldAcceptance
                    .accept(submission("next-" + i, "5".repeat(64)), ack())
                    .trackingId());
        }
        assertThat(held.unfinished())
                .as("the first, held, and the 20 answered meanwhile")
                .isEqualTo(21);
        gated.release.countDown();
        held.close(); // publishes what waits, then commits the "published" marks

        assertThat(gated.groups).containsExactly(List.of(first), next);
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(next);
        assertThat(routingQueue()).containsExactlyElementsOf(all);
        assertThat(unpublishedOutboxRows()).isZero();
    }

    @Test
    void whatDoesNotFitTheBacklogOrComesAfterCloseIsLeftToTheRelay() throws Exception {
        GatedQueue gated = new GatedQueue();
        RoutingPublisher held = publisher(gated);
        held.publishLater(List.of("held"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gated.groups.size() == 1);
        List<String> many = java.util.stream.IntStream.range(0, RoutingPublisher.BACKLOG + 5)
                .mapToObj(i -> "t-" + i)
                .toList();

        held.publishLater(many);

        assertThat(held.unfinished()).isEqualTo(1 + RoutingPublisher.BACKLOG);
        gated.release.countDown();
        held.close();
        assertThat(held.unfinished()).isZero();
        held.publishLater(List.of("after-close"));
        assertThat(held.unfinished()).isZero();
        assertThat(gated.groups.stream().flatMap(List::stream))
                .hasSize(1 + RoutingPublisher.BACKLOG)
                .doesNotContain("t-" + RoutingPublisher.BACKLOG, "after-close");
    }

    @Test
    void acceptancesThatArriveDuringACommitAreCommittedTogetherAndAllPublished() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(22);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdGroupOpen(group, pool, release);
        List<Future<Accepted>> all = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            String id = "group-" + i;
            all.add(pool.submit(() -> acceptance.accept(submission(id, "1".repeat(64)), ack())));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acceptance.waiting() == 21);
        release.countDown();

        holder.get();
        List<String> trackingIds = new ArrayList<>();
        for (Future<Accepted> r : all) {
            trackingIds.add(r.get().trackingId());
        }
        pool.shutdown();

        assertThat(routingQueue()).containsExactlyInAnyOrderElementsOf(trackingIds);
        assertThat(ledgerRows()).hasSize(21);
        assertThat(ledgerRows())
                .extracting(row -> row.split(" ")[0])
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 21)
                        .mapToObj(String::valueOf)
                        .toList());
        group.flush(); // the "published" marks ride in the next group commit
        assertThat(unpublishedOutboxRows()).isZero();
    }

    /** Holds the group commit's current group open (its one unit waits) until {@code release}. */
    private static Future<?> holdGroupOpen(GroupCommit group, ExecutorService pool, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Future<?> holder = pool.submit(() -> group.execute((connection, after) -> {
            running.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }));
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        return holder;
    }

    @Test
    void aConflictOrAResendInAGroupSettlesAloneAndTheRestOfTheGroupIsAccepted() throws Exception {
        acceptance.accept(submission("known", "2".repeat(64)), ack());
        awaitPublished(); // so that its "published" mark is queued before the group below is held open
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdGroupOpen(group, pool, release);
        Future<Accepted> conflict = pool.submit(() -> acceptance.accept(submission("known", "3".repeat(64)), ack()));
        Future<Accepted> a = pool.submit(() -> acceptance.accept(submission("g-a", "2".repeat(64)), ack()));
        Future<Accepted> resend1 = pool.submit(() -> acceptance.accept(submission("g-same", "2".repeat(64)), ack()));
        Future<Accepted> resend2 = pool.submit(() -> acceptance.accept(submission("g-same", "2".repeat(64)), ack()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acceptance.waiting() == 4);
        release.countDown();

        holder.get();
        assertThatThrownBy(conflict::get)
                .hasCauseInstanceOf(GatewayException.class)
                .cause()
                .satisfies(e -> assertThat(((GatewayException) e).errorCode()).isEqualTo(ErrorCode.DUP_CONFLICT));
        assertThat(a.get().duplicate()).isFalse();
        assertThat(resend1.get().trackingId()).isEqualTo(resend2.get().trackingId());
        assertThat(List.of(resend1.get().duplicate(), resend2.get().duplicate()))
                .containsExactlyInAnyOrder(true, false);
        pool.shutdown();

        assertThat(routingQueue()).hasSize(3).doesNotHaveDuplicates();
        assertThat(ledgerRows()).hasSize(3);
        group.flush(); // the "published" marks ride in the next group commit
        assertThat(unpublishedOutboxRows()).isZero();
    }

    /** Until the test's publisher has finished with every acceptance so far (and queued their "published" marks). */
    private void awaitPublished() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> routing.unfinished() == 0);
    }

    /** The routing queue once the test's publisher has finished with every acceptance so far. */
    private List<String> routingQueue() throws Exception {
        awaitPublished();
        return QueueContents.bodies(broker.connectionFactory(), RoutingQueue.ROUTING);
    }

    private List<String> ledgerRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT seq, event, tracking_id, sender_message_id, actor FROM ledger_entry ORDER BY seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getString(5));
            }
        }
        return rows;
    }

    private int unpublishedOutboxRows() throws Exception {
        try (Connection c = database.dataSource().getConnection();
                ResultSet rs =
                        c.createStatement().executeQuery("SELECT COUNT(*) FROM message WHERE published_at IS NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
