package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.common.hapi.validation.support.RemoteTerminologyServiceValidationSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceResourcesTest {
    private static final String SD = ConformanceResources.CANONICAL_BASE + "/StructureDefinition/";

    @Test
    void loadsEveryResourceProfileForTheCapabilityStatement() {
        ConformanceResources resources = ConformanceResources.loadDefault();

        assertThat(resources.profiles())
                .containsExactly(
                        SD + "interchange-child",
                        SD + "interchange-information-request",
                        SD + "interchange-information-response",
                        SD + "interchange-message-bundle",
                        SD + "interchange-message-header",
                        SD + "interchange-organization",
                        SD + "interchange-practitioner-role",
                        SD + "interchange-referral",
                        SD + "interchange-referral-outcome",
                        SD + "interchange-related-person");
        assertThat(resources.extensions())
                .containsExactly(
                        SD + "child-school",
                        SD + "correlation",
                        SD + "handling-caveat",
                        SD + "lawful-basis",
                        SD + "lives-with-child",
                        SD + "police-incident",
                        SD + "transfer-destination",
                        SD + "withdrawal-reason");
        assertThat(resources.profileFor("ServiceRequest")).contains(SD + "interchange-referral");
        assertThat(resources.codeSystems()).hasSize(7);
        assertThat(resources.valueSets()).hasSize(8);
    }

    @Test
    void everyValueSetAndProfileReferenceResolvesLocally() {
        ConformanceResources resources = ConformanceResources.loadDefault();
        List<String> codeSystemUrls =
                resources.codeSystems().stream().map(cs -> cs.getUrl()).toList();

        assertThat(resources.valueSets())
                .allSatisfy(vs -> assertThat(vs.getCompose().getInclude())
                        .allSatisfy(include -> assertThat(codeSystemUrls).contains(include.getSystem())));
    }

    @Test
    void validatesWithoutTouchingTheNetwork() {
        List<URI> attempts = new CopyOnWriteArrayList<>();
        ProxySelector original = ProxySelector.getDefault();
        // Every java.net HTTP(S) connection and socket asks the default ProxySelector first: record the asks.
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                attempts.add(uri);
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        });
        try {
            ProfileValidator validator = new ProfileValidator(ConformanceResources.loadDefault());
            ProfileValidationResult result = validator.validate(
                    SharedValidator.bundle(SharedValidator.EXAMPLES.resolve("safeguarding-referral.json")));

            assertThat(result.errors()).isEmpty();
            assertThat(validator.supports())
                    .noneMatch(s -> s instanceof RemoteTerminologyServiceValidationSupport)
                    .extracting(IValidationSupport::getName)
                    .isNotEmpty();
        } finally {
            ProxySelector.setDefault(original);
        }
        assertThat(attempts).isEmpty();
    }

    @Test
    void refusesAFileThatIsNotAConformanceResource(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Patient-x.json"), "{\"resourceType\":\"Patient\",\"id\":\"x\"}");

        assertThatThrownBy(() -> ConformanceResources.load(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Patient-x.json");
    }

    @Test
    void refusesADirectoryWithoutTheMessageBundleProfile(@TempDir Path dir) {
        assertThatThrownBy(() -> ConformanceResources.load(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interchange-message-bundle");
    }
}
