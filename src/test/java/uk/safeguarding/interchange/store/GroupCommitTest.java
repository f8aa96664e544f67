package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.awaitility.Awaitility;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    private JdbcDataSource dataSource;
    private Connection keepAlive;
    /** Threads of their own: the common pool may have one thread on a 2-core machine. */
    private final ExecutorService callers = Executors.newCachedThreadPool();

    private final List<List<String>> published = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void database() throws SQLException {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:groupcommit-" + System.nanoTime() + ";MODE=PostgreSQL");
        keepAlive = dataSource.getConnection();
        try (Statement s = keepAlive.createStatement()) {
            s.execute("CREATE TABLE item (name VARCHAR(20) PRIMARY KEY)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        callers.shutdownNow();
        keepAlive.close();
    }

    @Test
    void aLoneUnitCommitsAndItsItemsArePublishedAfterTheCommit() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        GroupCommit.Step<String> publish = items -> {
            assertThat(stored()).containsAll(items); // committed, and visible to others, before publishing
            published.add(List.copyOf(items));
        };

        String result = group.execute((connection, after) -> {
            insert(connection, "a");
            after.add(publish, "a");
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(stored()).containsExactly("a");
        assertThat(published).containsExactly(List.of("a"));
    }

    @Test
    void unitsQueuedWhileAGroupRunsJoinItBeforeItsCommitAndPublishOnce() throws Exception {
        Set<Connection> connections = ConcurrentHashMap.newKeySet();

        runWhileTheFirstUnitWaits(new GroupCommit(dataSource, 8), connections, List.of("b", "c", "d"));

        assertThat(connections).hasSize(1); // one transaction, one commit for the four
        assertThat(stored()).containsExactlyInAnyOrder("first", "b", "c", "d");
        assertThat(published).hasSize(1);
        assertThat(published.get(0)).startsWith("first").containsExactlyInAnyOrder("first", "b", "c", "d");
    }

    @Test
    void aGroupTakesNoMoreThanItsLimitAndTheRestCommitInTheNextGroup() throws Exception {
        Set<Connection> connections = ConcurrentHashMap.newKeySet();

        runWhileTheFirstUnitWaits(new GroupCommit(dataSource, 2), connections, List.of("b", "c", "d"));

        assertThat(stored()).containsExactlyInAnyOrder("first", "b", "c", "d");
        // The two groups' steps may run in either order (after-commit steps run outside the lock).
        assertThat(published)
                .hasSize(2)
                .allSatisfy(items -> assertThat(items).hasSize(2))
                .anySatisfy(items -> assertThat(items).startsWith("first"));
    }

    /**
     * Runs a unit that waits until the units named {@code later} are queued behind it, then lets them all finish;
     * every unit inserts its name and publishes it.
     */
    @Test
    void eachTransactionIsAJfrEventWithItsUnits(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("commits.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("uk.safeguarding.interchange.Commit");
            recording.start();
            runWhileTheFirstUnitWaits(new GroupCommit(dataSource, 8), ConcurrentHashMap.newKeySet(), List.of("b", "c"));
            Transactions.inTransaction(dataSource, c -> {
                insert(c, "alone");
                return null;
            });
            assertThatThrownBy(() -> Transactions.inTransaction(dataSource, c -> {
                        insert(c, "alone");
                        return null;
                    }))
                    .isInstanceOf(SQLException.class);
            recording.stop();
            recording.dump(file);
        }

        List<String> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("uk.safeguarding.interchange.Commit"))
                .sorted(java.util.Comparator.comparing(jdk.jfr.consumer.RecordedEvent::getStartTime))
                .map(e -> e.getInt("units")
                        + (e.getBoolean("group") ? " group" : " alone")
                        + (e.getBoolean("committed") ? " committed" : " rolled back"))
                .toList();
        assertThat(events).containsExactly("3 group committed", "1 alone committed", "1 alone rolled back");
    }

    private void runWhileTheFirstUnitWaits(GroupCommit group, Set<Connection> connections, List<String> later)
            throws Exception {
        GroupCommit.Step<String> publish = items -> published.add(List.copyOf(items));
        CountDownLatch firstIsRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    firstIsRunning.countDown();
                    awaitRelease(releaseFirst);
                    connections.add(connection);
                    insert(connection, "first");
                    after.add(publish, "first");
                    return "first";
                }),
                callers);
        assertThat(firstIsRunning.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (String name : later) {
            queued.add(CompletableFuture.supplyAsync(
                    () -> run(group, (connection, after) -> {
                        connections.add(connection);
                        insert(connection, name);
                        after.add(publish, name);
                        return name;
                    }),
                    callers));
        }
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> group.waiting() == later.size());
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        for (CompletableFuture<String> f : queued) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isIn(later);
        }
    }

    @Test
    void aFailingUnitIsUndoneAloneAndItsItemsAreNotPublished() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        GroupCommit.Step<String> publish = items -> published.add(List.copyOf(items));
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<String> first = holdGroupOpen(group, releaseFirst);
        CompletableFuture<String> good = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    insert(connection, "good");
                    after.add(publish, "good");
                    return "good";
                }),
                callers);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> group.waiting() == 1);
        CompletableFuture<String> bad = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    insert(connection, "bad-written");
                    after.add(publish, "bad");
                    insert(connection, "good"); // duplicate key: this unit fails after writing
                    return "bad";
                }),
                callers);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> group.waiting() == 2);
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo("good");
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(SQLException.class);
        assertThat(stored()).containsExactly("good");
        assertThat(published).containsExactly(List.of("good"));
    }

    @Test
    void aFailedAfterCommitStepFailsTheUnitsThatAskedForItAndKeepsTheirWork() throws Exception {
        IllegalStateException brokerDown = new IllegalStateException("broker down");
        GroupCommit group = new GroupCommit(dataSource, 8);
        GroupCommit.Step<String> publish = items -> {
            throw brokerDown;
        };

        String quiet = group.execute((connection, after) -> {
            insert(connection, "quiet");
            return "quiet";
        });
        assertThat(quiet).isEqualTo("quiet");
        assertThatThrownBy(() -> group.execute((connection, after) -> {
                    insert(connection, "loud");
                    after.add(publish, "loud");
                    return "loud";
                }))
                .isSameAs(brokerDown);
        assertThat(stored()).containsExactlyInAnyOrder("quiet", "loud");
    }

    @Test
    void aFailedCommitFailsEveryUnitAndStoresNothing() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        GroupCommit.Step<String> publish = items -> published.add(items);

        assertThatThrownBy(() -> group.execute((connection, after) -> {
                    insert(connection, "x");
                    after.add(publish, "x");
                    connection.close(); // the commit that follows fails
                    return "x";
                }))
                .isInstanceOf(SQLException.class);
        assertThat(stored()).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void eachStepRunsOnceAfterTheCommitWithTheItemsOfTheUnitsThatAskedForIt() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        List<List<String>> queued = Collections.synchronizedList(new ArrayList<>());
        GroupCommit.Step<String> publish = items -> published.add(List.copyOf(items));
        GroupCommit.Step<String> queue = items -> queued.add(List.copyOf(items));
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CompletableFuture<String> first = holdGroupOpen(group, releaseFirst);
        CompletableFuture<String> both = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    after.add(publish, "p1");
                    after.add(queue, "q1");
                    return "both";
                }),
                callers);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> group.waiting() == 1);
        CompletableFuture<String> one = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    after.add(queue, "q2");
                    return "one";
                }),
                callers);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> group.waiting() == 2);
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(both.get(10, TimeUnit.SECONDS)).isEqualTo("both");
        assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo("one");
        assertThat(published).containsExactly(List.of("p1"));
        assertThat(queued).containsExactly(List.of("q1", "q2"));
    }

    @Test
    void theNextGroupCommitsWhileAnEarlierGroupsStepsStillRun() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        CountDownLatch stepIsRunning = new CountDownLatch(1);
        CountDownLatch releaseStep = new CountDownLatch(1);
        GroupCommit.Step<String> slowPublish = items -> {
            stepIsRunning.countDown();
            awaitRelease(releaseStep);
            published.add(List.copyOf(items));
        };
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    insert(connection, "slow");
                    after.add(slowPublish, "slow");
                    return "slow";
                }),
                callers);
        assertThat(stepIsRunning.await(10, TimeUnit.SECONDS)).isTrue();

        String next = group.execute((connection, after) -> {
            insert(connection, "next");
            return "next";
        });

        assertThat(next).isEqualTo("next");
        assertThat(slow).isNotDone(); // answered only after its own step
        releaseStep.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
        assertThat(stored()).containsExactly("next", "slow");
        assertThat(published).containsExactly(List.of("slow"));
    }

    @Test
    void theNextGroupsUnitsRunWhileAnEarlierGroupCommitsAndGroupsCommitInTheOrderTheyRan() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        List<String> committing = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstIsCommitting = new CountDownLatch(1);
        CountDownLatch releaseCommit = new CountDownLatch(1);
        // Deferred work (as the ledger's appends) runs in the commit part, outside the group's lock.
        LedgerWriteOrder.Deferred<String> slowWrite = (connection, items) -> {
            committing.addAll(items);
            firstIsCommitting.countDown();
            awaitRelease(releaseCommit);
        };
        LedgerWriteOrder.Deferred<String> write = (connection, items) -> committing.addAll(items);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    insert(connection, "first");
                    LedgerWriteOrder.defer(slowWrite, "first");
                    return "first";
                }),
                callers);
        assertThat(firstIsCommitting.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch nextUnitRan = new CountDownLatch(1);

        CompletableFuture<String> next = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    insert(connection, "next");
                    LedgerWriteOrder.defer(write, "next");
                    nextUnitRan.countDown();
                    return "next";
                }),
                callers);

        assertThat(nextUnitRan.await(10, TimeUnit.SECONDS)).isTrue(); // while the first group commits
        assertThatThrownBy(() -> next.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(stored()).isEmpty();
        releaseCommit.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
        assertThat(committing).containsExactly("first", "next");
        assertThat(stored()).containsExactly("first", "next");
    }

    /** Starts a unit that holds its group open until {@code release}; returns once that unit runs. */
    private CompletableFuture<String> holdGroupOpen(GroupCommit group, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(
                () -> run(group, (connection, after) -> {
                    running.countDown();
                    awaitRelease(release);
                    return "first";
                }),
                callers);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    @Test
    void workQueuedForLaterRidesInTheNextGroupAndCostsNoCommitOfItsOwn() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);

        group.later((connection, after) -> {
            insert(connection, "mark");
            return null;
        });
        assertThat(stored()).isEmpty(); // nobody committed yet
        assertThat(group.waiting()).isEqualTo(1);

        group.execute((connection, after) -> {
            insert(connection, "member");
            return null;
        });

        assertThat(stored()).containsExactly("mark", "member");
        assertThat(group.waiting()).isZero();
    }

    @Test
    void flushCommitsWhatWasQueuedForLaterWhenNoGroupComes() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        group.flush(); // nothing queued: nothing to do
        group.later((connection, after) -> {
            insert(connection, "mark");
            return null;
        });

        group.flush();

        assertThat(stored()).containsExactly("mark");
    }

    @Test
    void aFailingLaterUnitIsUndoneAloneAndTheMembersOfItsGroupCommit() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8);
        group.later((connection, after) -> {
            insert(connection, "lost");
            insert(connection, "lost"); // duplicate key: this unit fails after a write
            return null;
        });

        String result = group.execute((connection, after) -> {
            insert(connection, "member");
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(stored()).containsExactly("member");
    }

    @Test
    void anUnhurriedUnitWaitsForAGroupThatCommitsAnywayAndRidesInIt() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8, Duration.ofSeconds(30));
        GroupCommit.Step<String> publish = items -> published.add(List.copyOf(items));

        CompletableFuture<String> unhurried = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return group.executeUnhurried((connection, after) -> {
                            insert(connection, "routed");
                            after.add(publish, "routed");
                            return "stored";
                        });
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                },
                callers);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> group.waiting() == 1);
        Thread.sleep(200);
        assertThat(group.waiting()).isEqualTo(1); // still waiting: it did not commit alone
        assertThat(stored()).isEmpty();

        group.execute((connection, after) -> {
            insert(connection, "accepted");
            after.add(publish, "accepted");
            return null;
        });

        // Answered long before its patience ran out, committed and published with the group that took it.
        assertThat(unhurried.get(10, TimeUnit.SECONDS)).isEqualTo("stored");
        assertThat(stored()).containsExactly("accepted", "routed");
        assertThat(published).containsExactly(List.of("routed", "accepted"));
    }

    @Test
    void anUnhurriedUnitThatNoGroupTakesCommitsAloneWhenItsPatienceRunsOut() throws Exception {
        GroupCommit group = new GroupCommit(dataSource, 8, Duration.ofMillis(50));

        String result = group.executeUnhurried((connection, after) -> {
            insert(connection, "stored");
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(stored()).containsExactly("stored");
        assertThat(group.waiting()).isZero();
    }

    private static <T> T run(GroupCommit group, GroupCommit.Unit<T> unit) {
        try {
            return group.execute(unit);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void insert(Connection connection, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO item (name) VALUES (?)")) {
            insert.setString(1, name);
            insert.executeUpdate();
        }
    }

    private List<String> stored() {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM item ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
