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
        acceptance = new Acceptance(database.dataSource(), group, ledger, queue, CLOCK, payloads, submission -> {});
    }

    @AfterEach
    void stop() {
        broker.close();
        database.close();
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
    void aFailedPublishIsReportedTransientAndTheRelayDeliversItExactlyOnce() throws Exception {
        Acceptance brokerDown = new Acceptance(
                database.dataSource(),
                ledger,
                trackingId -> {
                    throw new IllegalStateException("broker down");
                },
                CLOCK,
                payloads);
        Submission s = submission("bundle-4", "e".repeat(64));

        assertThatThrownBy(() -> brokerDown.accept(s, ack()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SYS_UNAVAILABLE));
        assertThat(unpublishedOutboxRows()).isEqualTo(1);
        assertThat(routingQueue()).isEmpty();

        // Within the grace period the relay leaves the row to the acceptance that may still be publishing it.
        assertThat(new OutboxRelay(database.dataSource(), group, queue, CLOCK, Duration.ofSeconds(30)).relay(100))
                .isZero();
        OutboxRelay relay = new OutboxRelay(
                database.dataSource(),
                group,
                queue,
                Clock.offset(CLOCK, Duration.ofSeconds(31)),
                Duration.ofSeconds(30));
        assertThat(relay.relay(100)).isEqualTo(1);
        assertThat(relay.relay(100)).isZero();
        assertThat(routingQueue()).containsExactly(s.trackingId());

        // The sender's resend now gets the original acknowledgement.
        Accepted resend = acceptance.accept(submission("bundle-4", "e".repeat(64)), ack());
        assertThat(resend.duplicate()).isTrue();
        assertThat(resend.trackingId()).isEqualTo(s.trackingId());
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

    /** A routing queue whose first publish waits until the test lets it go, recording every group it is given. */
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
    void acceptancesThatArriveDuringACommitAreCommittedAndPublishedAsOneGroup() throws Exception {
        GatedQueue gated = new GatedQueue();
        gated.release.countDown();
        Acceptance grouped =
                new Acceptance(database.dataSource(), group, ledger, gated, CLOCK, payloads, submission -> {});
        ExecutorService pool = Executors.newFixedThreadPool(22);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdGroupOpen(group, pool, release);
        List<Future<Accepted>> all = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            String id = "group-" + i;
            all.add(pool.submit(() -> grouped.accept(submission(id, "1".repeat(64)), ack())));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> grouped.waiting() == 21);
        release.countDown();

        holder.get();
        List<String> trackingIds = new ArrayList<>();
        for (Future<Accepted> r : all) {
            trackingIds.add(r.get().trackingId());
        }
        pool.shutdown();

        assertThat(gated.groups).extracting(List::size).containsExactly(21);
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
        Acceptance grouped =
                new Acceptance(database.dataSource(), group, ledger, queue, CLOCK, payloads, submission -> {});
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdGroupOpen(group, pool, release);
        Future<Accepted> conflict = pool.submit(() -> grouped.accept(submission("known", "3".repeat(64)), ack()));
        Future<Accepted> a = pool.submit(() -> grouped.accept(submission("g-a", "2".repeat(64)), ack()));
        Future<Accepted> resend1 = pool.submit(() -> grouped.accept(submission("g-same", "2".repeat(64)), ack()));
        Future<Accepted> resend2 = pool.submit(() -> grouped.accept(submission("g-same", "2".repeat(64)), ack()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> grouped.waiting() == 4);
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

    private List<String> routingQueue() throws Exception {
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
