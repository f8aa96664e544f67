package uk.safeguarding.interchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CpuPermitsTest {
    @Test
    void noMoreThreadsComputeAtOnceThanThereArePermits() throws Exception {
        CpuPermits permits = new CpuPermits(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int round = 0; round < 20; round++) {
                    try (CpuPermits.Permit permit = permits.take()) {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.onSpinWait();
                        Thread.yield();
                        inside.decrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(most.get()).isBetween(1, 2);
        assertThat(permits.available()).isEqualTo(2);
    }

    @Test
    void aTakerWaitsUntilAPermitIsGivenBack() throws Exception {
        CpuPermits permits = new CpuPermits(1);
        CpuPermits.Permit first = permits.take();
        CountDownLatch taken = new CountDownLatch(1);
        Thread second = Thread.ofPlatform().start(() -> {
            try (CpuPermits.Permit permit = permits.take()) {
                taken.countDown();
            }
        });

        assertThat(taken.await(200, TimeUnit.MILLISECONDS)).isFalse();
        first.close();
        assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
        second.join();
        assertThat(permits.available()).isEqualTo(1);
    }

    @Test
    void closingAPermitTwiceGivesItBackOnce() {
        CpuPermits permits = new CpuPermits(1);
        CpuPermits.Permit permit = permits.take();
        permit.close();
        permit.close();

        assertThat(permits.available()).isEqualTo(1);
    }

    @Test
    void atLeastOnePermit() {
        assertThatThrownBy(() -> new CpuPermits(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CpuPermits.perCore()).isPositive();
    }
}
