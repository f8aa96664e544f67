package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LedgerWriteOrderTest {
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    @Test
    void anAppendOutsideATransactionScopeIsRefusedRatherThanTakingALockNobodyReleases() {
        assertThatThrownBy(LedgerWriteOrder::beforeAppend).isInstanceOf(IllegalStateException.class);
        assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();
    }

    @Test
    void theFirstAppendTakesTheOrderAndTheOutermostScopeGivesItUp() {
        LedgerWriteOrder.enter();
        LedgerWriteOrder.enter(); // a nested scope shares the outer transaction's order
        LedgerWriteOrder.beforeAppend();
        LedgerWriteOrder.beforeAppend();
        LedgerWriteOrder.exit();
        assertThat(LedgerWriteOrder.heldByCurrentThread()).isTrue();

        LedgerWriteOrder.exit();

        assertThat(LedgerWriteOrder.heldByCurrentThread()).isFalse();
    }

    @Test
    void anotherTransactionAppendsOnlyAfterTheHolderEnded() throws Exception {
        LedgerWriteOrder.enter();
        LedgerWriteOrder.beforeAppend();
        CompletableFuture<Void> second = CompletableFuture.runAsync(
                () -> {
                    LedgerWriteOrder.enter();
                    try {
                        LedgerWriteOrder.beforeAppend();
                    } finally {
                        LedgerWriteOrder.exit();
                    }
                },
                other);

        assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        LedgerWriteOrder.exit();

        second.get(10, TimeUnit.SECONDS);
    }
}
