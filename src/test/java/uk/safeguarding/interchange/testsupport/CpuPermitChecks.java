package uk.safeguarding.interchange.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.server.CpuPermits;

/** Checks that a request computes only with one of the gateway's CPU permits (decision 0019). */
public final class CpuPermitChecks {
    private CpuPermitChecks() {}

    /**
     * Sends {@code request} from another thread while this one holds every CPU permit of {@code gateway}: checks that
     * it is still waiting a second later, gives the permits back, and returns its answer once every permit is back.
     */
    public static <T> T sentWhileEveryPermitIsHeld(GatewayRuntime gateway, Callable<T> request) throws Exception {
        CpuPermits permits = gateway.cpuPermits();
        int all = permits.available();
        List<CpuPermits.Permit> taken = new ArrayList<>();
        for (int i = 0; i < all; i++) {
            taken.add(permits.take());
        }
        CompletableFuture<T> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return request.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_000);
            assertThat(answer).as("computed without a CPU permit").isNotDone();
        } finally {
            taken.forEach(CpuPermits.Permit::close);
        }
        T result = answer.get(30, TimeUnit.SECONDS);
        assertThat(permits.available()).as("permits given back").isEqualTo(all);
        return result;
    }
}
