package uk.safeguarding.interchange.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.trust.OrganisationIds;
import uk.safeguarding.interchange.trust.Pem;

class DirectoryLoaderTest {
    private static final Path COMMITTED = Path.of("config/directory.yaml");
    private static final String SCHOOL_1 = "urn:interchange:school:100001";
    private static final String SCHOOL_2 = "urn:interchange:school:100002";
    private static final String ACME = "urn:interchange:system:acme-safeguard";

    @TempDir
    Path dir;

    private final Directory directory = DirectoryLoader.load(COMMITTED);

    /** The sandbox's push recipient that refuses connections (the conformance kit's DLV-001 case). */
    private static final String SANDBOX_UNREACHABLE = "urn:interchange:la:998";

    @Test
    void committedDirectoryListsEveryDevOrganisation() {
        assertThat(directory.organisations())
                .extracting(Organisation::id)
                .containsExactly(
                        "urn:interchange:gateway:national",
                        ACME,
                        SCHOOL_1,
                        SCHOOL_2,
                        "urn:interchange:la:850",
                        "urn:interchange:mash:850",
                        "urn:interchange:la:839",
                        SANDBOX_UNREACHABLE,
                        "urn:interchange:police:hampshire",
                        "urn:interchange:police:dorset",
                        "urn:interchange:auditor:dev-auditor");
        assertThat(directory.organisations())
                .filteredOn(org -> !org.id().equals(SANDBOX_UNREACHABLE))
                .allSatisfy(org -> assertThat(org.delivery()).isEqualTo(Delivery.MAILBOX));
        Delivery unreachable = directory.find(SANDBOX_UNREACHABLE).orElseThrow().delivery();
        assertThat(unreachable.mode()).isEqualTo(DeliveryMode.FHIR_PUSH);
        assertThat(unreachable.maxAttempts()).hasValue(1);
        assertThat(directory.find(SCHOOL_2).orElseThrow().rateLimit()).contains(new RateLimit(1, 5));
        assertThat(directory.find(SCHOOL_1).orElseThrow().rateLimit()).isEmpty();
        Organisation school = directory.find(SCHOOL_1).orElseThrow();
        assertThat(school.kind()).isEqualTo(OrganisationKind.SCHOOL);
        assertThat(school.name()).isEqualTo("Harewood Primary School (dev)");
        assertThat(school.location()).contains(new Location("SP10 1AA", "850"));
        assertThat(directory.find(SCHOOL_2).orElseThrow().location()).contains(new Location("BH1 1AA", "839"));
        assertThat(directory.find("urn:interchange:la:850").orElseThrow().escalationContact())
                .contains("urn:interchange:mash:850");
    }

    @Test
    void everyDevCertificateNamesAnOrganisationInTheDirectory() throws IOException {
        try (var files = Files.list(Path.of("certs-dev"))) {
            List<Path> certificates = files.filter(p -> p.toString().endsWith(".crt.pem"))
                    .filter(p -> !p.getFileName().toString().contains("-ca."))
                    .toList();
            assertThat(certificates).hasSize(15);
            for (Path file : certificates) {
                String id = OrganisationIds.fromCertificate(Pem.readCertificate(file))
                        .orElseThrow();
                assertThat(directory.find(id)).as(file.toString()).isPresent();
            }
        }
    }

    @Test
    void findsOrganisationsByTheirIdentifiers() {
        assertThat(directory.byIdentifier("urn:interchange:school-urn", "100001"))
                .map(Organisation::id)
                .contains(SCHOOL_1);
        assertThat(directory.byIdentifier("urn:interchange:la-code", "839"))
                .map(Organisation::id)
                .contains("urn:interchange:la:839");
        assertThat(directory.byIdentifier("urn:interchange:police-force", "dorset"))
                .map(Organisation::id)
                .contains("urn:interchange:police:dorset");
        assertThat(directory.byIdentifier("urn:interchange:school-urn", "999999"))
                .isEmpty();
        assertThat(directory.byIdentifier("urn:interchange:la-code", "100001")).isEmpty();
        assertThat(directory.find("urn:interchange:school:999999")).isEmpty();
        assertThat(directory.find(null)).isEmpty();
    }

    @Test
    void systemActsOnlyForTheSchoolsThatDelegatedToIt() {
        assertThat(directory.mayActFor(ACME, SCHOOL_1)).isTrue();
        assertThat(directory.mayActFor(ACME, SCHOOL_2)).isTrue();
        assertThat(directory.mayActFor(ACME, "urn:interchange:la:850")).isFalse();
        assertThat(directory.mayActFor(SCHOOL_1, SCHOOL_1)).isTrue();
        assertThat(directory.mayActFor(SCHOOL_1, SCHOOL_2)).isFalse();
        assertThat(directory.mayActFor(SCHOOL_1, ACME)).isFalse();
        assertThat(directory.mayActFor("urn:interchange:police:dorset", SCHOOL_1))
                .isFalse();
        assertThat(directory.mayActFor("urn:interchange:school:999999", "urn:interchange:school:999999"))
                .isFalse();
        assertThat(directory.mayActFor(ACME, "urn:interchange:school:999999")).isFalse();
    }

    @Test
    void sendersMaySendOnlyTheirKindsEvents() {
        assertThat(directory.maySend(SCHOOL_1, EventCode.SAFEGUARDING_REFERRAL)).isTrue();
        assertThat(directory.maySend(SCHOOL_1, EventCode.POLICE_NOTIFICATION)).isFalse();
        assertThat(directory.maySend(SCHOOL_1, EventCode.ACKNOWLEDGEMENT)).isFalse();
        assertThat(directory.maySend("urn:interchange:police:dorset", EventCode.POLICE_NOTIFICATION))
                .isTrue();
        assertThat(directory.maySend("urn:interchange:police:dorset", EventCode.ENCOMPASS_NOTIFICATION))
                .isTrue();
        assertThat(directory.maySend("urn:interchange:la:850", EventCode.REFERRAL_OUTCOME))
                .isTrue();
        assertThat(directory.maySend("urn:interchange:la:850", EventCode.INFORMATION_REQUEST))
                .isTrue();
        assertThat(directory.maySend(ACME, EventCode.SAFEGUARDING_REFERRAL)).isFalse();
        assertThat(directory.maySend("urn:interchange:auditor:dev-auditor", EventCode.SAFEGUARDING_REFERRAL))
                .isFalse();
        assertThat(directory.maySend("urn:interchange:gateway:national", EventCode.DELIVERY_RECEIPT))
                .isTrue();
        assertThat(directory.maySend("urn:interchange:school:999999", EventCode.SAFEGUARDING_REFERRAL))
                .isFalse();
    }

    @Test
    void receiversAreTheOrganisationsCoveringTheAreaThatReceiveTheEvent() {
        assertThat(directory.receivers(EventCode.SAFEGUARDING_REFERRAL, "850"))
                .extracting(Organisation::id)
                .containsExactly(
                        "urn:interchange:la:850", "urn:interchange:mash:850", "urn:interchange:police:hampshire");
        assertThat(directory.receivers(EventCode.SAFEGUARDING_REFERRAL, "850", OrganisationKind.LA))
                .extracting(Organisation::id)
                .containsExactly("urn:interchange:la:850");
        assertThat(directory.receivers(EventCode.POLICE_NOTIFICATION, "839"))
                .extracting(Organisation::id)
                .containsExactly("urn:interchange:la:839");
        assertThat(directory.receivers(EventCode.SAFEGUARDING_REFERRAL, "999")).isEmpty();
    }

    @Test
    void pushDeliveryCarriesItsEndpoint() throws IOException {
        Directory loaded = DirectoryLoader.load(
                write(
                        """
                version: 1
                organisations:
                  - id: urn:interchange:la:850
                    name: Hampshire
                    kind: la
                    coverage: ["850"]
                    receives: [safeguarding-referral]
                    sends: [referral-outcome]
                    delivery: { mode: fhir-push, endpoint: "https://fhir.hants.example/fhir" }
                """));
        Organisation la = loaded.find("urn:interchange:la:850").orElseThrow();
        assertThat(la.delivery().mode()).isEqualTo(DeliveryMode.FHIR_PUSH);
        assertThat(la.delivery().endpoint()).contains(URI.create("https://fhir.hants.example/fhir"));
        assertThat(la.sends()).containsExactly(EventCode.REFERRAL_OUTCOME);
        assertThat(la.delivery().maxAttempts()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            unknown kind            | kind: lea                                             | organisations[0] (urn:interchange:la:850): unknown kind 'lea'
            id does not match kind  | kind: mash                                            | organisations[0] (urn:interchange:la:850): id does not match kind 'mash'
            unknown event received  | receives: [safeguarding-referal]                      | organisations[0] (urn:interchange:la:850): receives lists unknown event code 'safeguarding-referal'
            unknown event sent      | sends: [referral-outcom]                              | organisations[0] (urn:interchange:la:850): sends lists unknown event code 'referral-outcom'
            event beyond the kind   | sends: [police-notification]                          | organisations[0] (urn:interchange:la:850): sends 'police-notification', which kind 'la' may not send
            gateway event received  | receives: [escalation]                                | organisations[0] (urn:interchange:la:850): receives lists gateway-originated event 'escalation'
            delegation not a system | actsFor: [urn:interchange:la:839]                     | organisations[0] (urn:interchange:la:850): actsFor is allowed for kind 'system' only
            bad coverage            | coverage: ["85"]                                      | organisations[0] (urn:interchange:la:850): coverage entry '85' is not a 3-digit LA code
            push without endpoint   | delivery: { mode: soap-push }                         | organisations[0] (urn:interchange:la:850): delivery mode soap-push needs an absolute https endpoint
            push over plain http    | delivery: { mode: fhir-push, endpoint: 'http://x.example/fhir' } | delivery mode fhir-push needs an absolute https endpoint
            unknown delivery mode   | delivery: { mode: carrier-pigeon }                    | unknown delivery mode 'carrier-pigeon'
            escalation to nobody    | escalationContact: urn:interchange:mash:999           | escalationContact urn:interchange:mash:999 is not an organisation in the directory
            escalation not an email | escalationContact: call the duty manager              | escalationContact must be an organisation id or an e-mail address
            bad postcode            | location: { postcode: sp10 1aa, la: '850' }           | location.postcode must be a UK postcode
            mailbox with attempts   | delivery: { mode: mailbox, maxAttempts: 2 }           | delivery mode mailbox takes no maxAttempts
            push with no attempts   | delivery: { mode: fhir-push, endpoint: 'https://x.example/fhir', maxAttempts: 0 } | delivery maxAttempts must be at least 1
            quota without burst     | rateLimit: { perSecond: 5 }                           | rateLimit needs perSecond > 0 and burst >= 1
            quota of nothing        | rateLimit: { perSecond: 0, burst: 5 }                 | rateLimit needs perSecond > 0 and burst >= 1
            """)
    void rejectsAnInvalidEntryNamingFileAndEntry(String description, String extraLine, String expected)
            throws IOException {
        Path file = write(
                """
                version: 1
                organisations:
                  - id: urn:interchange:la:850
                    name: Hampshire
                    %s
                  - id: urn:interchange:la:839
                    name: BCP
                    kind: la
                """
                        .formatted(extraLine.startsWith("kind:") ? extraLine : "kind: la\n    " + extraLine));
        assertThatThrownBy(() -> DirectoryLoader.load(file))
                .isInstanceOf(DirectoryException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void rejectsDuplicateOrganisationIds() throws IOException {
        Path file = write(
                """
                version: 1
                organisations:
                  - { id: "urn:interchange:la:850", name: Hampshire, kind: la }
                  - { id: "urn:interchange:la:850", name: Hampshire again, kind: la }
                """);
        assertThatThrownBy(() -> DirectoryLoader.load(file))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("organisations[1] (urn:interchange:la:850): duplicate organisation id");
    }

    @Test
    void rejectsAnIdentifierUsedByTwoOrganisations() throws IOException {
        Path file = write(
                """
                version: 1
                organisations:
                  - id: urn:interchange:la:850
                    name: Hampshire
                    kind: la
                    identifiers: [{ system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "X1" }]
                  - id: urn:interchange:la:839
                    name: BCP
                    kind: la
                    identifiers: [{ system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "X1" }]
                """);
        assertThatThrownBy(() -> DirectoryLoader.load(file))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining(
                        "organisations[1] (urn:interchange:la:839): identifier https://fhir.nhs.uk/Id/ods-organization-code|X1 is already used");
    }

    @Test
    void rejectsDelegationToAnUnknownOrganisation() throws IOException {
        Path file = write(
                """
                version: 1
                organisations:
                  - id: urn:interchange:system:acme-safeguard
                    name: Acme
                    kind: system
                    actsFor: [urn:interchange:school:100001, urn:interchange:school:100003]
                  - { id: "urn:interchange:school:100001", name: Harewood, kind: school }
                """);
        assertThatThrownBy(() -> DirectoryLoader.load(file))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("organisations[0] (urn:interchange:system:acme-safeguard): actsFor names"
                        + " urn:interchange:school:100003, which is not an organisation in the directory")
                .hasMessageNotContaining("100001,");
    }

    @Test
    void rejectsUnknownFieldsDuplicateKeysAndWrongVersion() throws IOException {
        Path unknownField = write(
                """
                version: 1
                organisations:
                  - { id: "urn:interchange:la:850", name: Hampshire, kind: la, covrage: ["850"] }
                """);
        assertThatThrownBy(() -> DirectoryLoader.load(unknownField))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining(unknownField.toString())
                .hasMessageContaining("covrage")
                .hasMessageContaining("line 3");
        Path duplicateKey = write(
                """
                version: 1
                organisations:
                  - id: urn:interchange:la:850
                    name: Hampshire
                    kind: la
                    kind: mash
                """);
        assertThatThrownBy(() -> DirectoryLoader.load(duplicateKey))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("Duplicate field 'kind'");
        Path wrongVersion = write(
                """
                version: 2
                organisations:
                  - { id: "urn:interchange:la:850", name: Hampshire, kind: la }
                """);
        assertThatThrownBy(() -> DirectoryLoader.load(wrongVersion))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("version must be 1, was 2");
        assertThatThrownBy(() -> DirectoryLoader.load(dir.resolve("missing.yaml")))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("missing.yaml: cannot read");
    }

    @Test
    void holderReloadsAndKeepsThePreviousDirectoryWhenTheNewFileIsInvalid() throws IOException {
        Path file = dir.resolve("directory.yaml");
        Files.writeString(
                file,
                """
                version: 1
                organisations:
                  - { id: "urn:interchange:la:850", name: Hampshire, kind: la }
                """);
        DirectoryHolder holder = new DirectoryHolder(file);
        assertThat(holder.current().find("urn:interchange:la:839")).isEmpty();

        Files.writeString(
                file,
                """
                version: 1
                organisations:
                  - { id: "urn:interchange:la:850", name: Hampshire, kind: la }
                  - { id: "urn:interchange:la:839", name: BCP, kind: la }
                """);
        Directory reloaded = holder.reload();
        assertThat(reloaded.find("urn:interchange:la:839")).isPresent();
        assertThat(holder.current()).isSameAs(reloaded);

        Files.writeString(file, "version: 1\norganisations:\n  - { id: \"urn:interchange:la:850\", kind: lea }\n");
        assertThatThrownBy(holder::reload).isInstanceOf(DirectoryException.class);
        assertThat(holder.current()).isSameAs(reloaded);
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "directory", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
