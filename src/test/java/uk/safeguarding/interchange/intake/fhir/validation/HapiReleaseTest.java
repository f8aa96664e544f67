package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HAPI's validator is released when idle and loaded again when a message needs it, with the same result: here
 * with no idle time, so every message the fast path accepts releases it.
 */
class HapiReleaseTest {
    private static ProfileValidator validator;

    @BeforeAll
    static void compile() {
        validator = new ProfileValidator(ConformanceResources.loadDefault(), Duration.ZERO);
        validator.fastPath();
    }

    private static Bundle valid() {
        return SharedValidator.bundle(SharedValidator.EXAMPLES.resolve("safeguarding-referral.json"));
    }

    /** The fast path rejects it (an NHS number failing its check digit), so HAPI decides. */
    private static Bundle invalid() {
        Bundle bundle = valid();
        bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance)
                .map(Patient.class::cast)
                .findFirst()
                .orElseThrow()
                .getIdentifierFirstRep()
                .setValue("9434765918");
        return bundle;
    }

    private static List<String> errors(Bundle bundle) {
        return validator.validate(bundle).errors().stream()
                .map(i -> i.location() + " " + i.messageId() + " " + i.message())
                .toList();
    }

    @Test
    void anAcceptedMessageReleasesHapiAndTheNextRejectionLoadsItWithTheSameErrors() {
        List<String> loaded = errors(invalid());
        assertThat(loaded).anyMatch(e -> e.contains("isg-pat-1"));
        assertThat(validator.hapiLoaded()).isTrue();

        assertThat(errors(valid())).isEmpty();
        assertThat(validator.hapiLoaded()).isFalse();

        assertThat(errors(invalid())).isEqualTo(loaded);
        assertThat(validator.hapiLoaded()).isTrue();
    }

    @Test
    void releasesAndLoadsBetweenConcurrentValidationsNeverChangeAResult() throws Exception {
        List<String> expected = errors(invalid());
        int loadsBefore = validator.hapiLoads();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<List<String>>>> rejecting = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                rejecting.add(pool.submit(() -> {
                    List<List<String>> results = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        results.add(errors(invalid()));
                        Thread.sleep(100); // a gap in which an accepted message may release HAPI
                    }
                    return results;
                }));
            }
            Future<Integer> accepting = pool.submit(() -> {
                int accepted = 0;
                while (!rejecting.stream().allMatch(Future::isDone)) {
                    assertThat(errors(valid())).isEmpty();
                    accepted++;
                    Thread.sleep(1);
                }
                return accepted;
            });
            for (Future<List<List<String>>> f : rejecting) {
                assertThat(f.get()).hasSize(4).allSatisfy(errors -> assertThat(errors)
                        .isEqualTo(expected));
            }
            assertThat(accepting.get()).isPositive();
        } finally {
            pool.shutdownNow();
        }
        assertThat(validator.hapiLoads() - loadsBefore)
                .as("HAPI released and loaded again during the run")
                .isPositive();
    }
}
