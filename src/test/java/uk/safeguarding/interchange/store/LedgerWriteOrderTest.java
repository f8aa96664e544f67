package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LedgerWriteOrderTest {
    private final ExecutorService other = Executors.newSingleThreadExecutor();
    /** What the writers were given: "writer:items" per call. */
    private final List<String> written = new ArrayList<>();

    private final LedgerWriteOrder.Deferred<String> first = (connection, items) -> written.add("first:" + items);
    private final LedgerWriteOrder.Deferred<String> second = (connection, items) -> written.add("second:" + items);

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    @Test
    void anAppendOutsideATransactionScopeIsRefusedRatherThanKeptForAWriteThatNeverComes() {
        assertThatThrownBy(() -> LedgerWriteOrder.defer(first, "a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(LedgerWriteOrder::take).isInstanceOf(IllegalStateException.class);
        assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();
    }

    @Test
    void deferredItemsAreWrittenInOrderOnceWithTheOrderTakenAndAUnitsItemsCanBeDiscarded() throws Exception {
        LedgerWriteOrder.enter();
        try {
            LedgerWriteOrder.defer(first, "a");
            LedgerWriteOrder.defer(first, "b");
            int unit = LedgerWriteOrder.mark();
            LedgerWriteOrder.defer(first, "undone");
            LedgerWriteOrder.discardFrom(unit);
            LedgerWriteOrder.defer(second, "c");
            LedgerWriteOrder.defer(first, "d");
            assertThat(written).isEmpty();
            assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();

            LedgerWriteOrder.writeDeferred((Connection) null);

            assertThat(written).containsExactly("first:[a, b]", "second:[c]", "first:[d]");
            assertThat(LedgerWriteOrder.heldByCurrentThread()).isTrue();
            LedgerWriteOrder.writeDeferred((Connection) null); // written once
            assertThat(written).hasSize(3);
        } finally {
            LedgerWriteOrder.exit();
        }
        assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();
    }

    @Test
    void aNestedScopeIsATransactionOfItsOwnAndGivesUpOnlyTheOrderItTook() throws Exception {
        LedgerWriteOrder.enter();
        LedgerWriteOrder.defer(first, "outer");
        LedgerWriteOrder.enter();
        LedgerWriteOrder.defer(first, "inner");
        long innerHold = LedgerWriteOrder.take();
        LedgerWriteOrder.writeDeferred((Connection) null);
        LedgerWriteOrder.exit();
        assertThat(written).containsExactly("first:[inner]");
        assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();

        long outerHold = LedgerWriteOrder.take();
        assertThat(outerHold).isNotEqualTo(innerHold).isEqualTo(LedgerWriteOrder.take());
        LedgerWriteOrder.writeDeferred((Connection) null);
        LedgerWriteOrder.exit();

        assertThat(written).containsExactly("first:[inner]", "first:[outer]");
        assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();
    }

    @Test
    void anotherTransactionWritesOnlyAfterTheHolderEnded() throws Exception {
        LedgerWriteOrder.enter();
        LedgerWriteOrder.take();
        CompletableFuture<Void> next = CompletableFuture.runAsync(
                () -> {
                    LedgerWriteOrder.enter();
                    try {
                        LedgerWriteOrder.defer(second, "x");
                        LedgerWriteOrder.writeDeferred(null);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        LedgerWriteOrder.exit();
                    }
                },
                other);

        assertThatThrownBy(() -> next.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        LedgerWriteOrder.exit();

        next.get(10, TimeUnit.SECONDS);
        assertThat(written).containsExactly("second:[x]");
    }
}
