package uk.safeguarding.interchange.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.EncompassNotification;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.OrganisationRef;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.DirectoryLoader;
import uk.safeguarding.interchange.error.ErrorCode;

/**
 * The routing rules as a table of cases, without Camel: canonical examples (modified per case) against the dev
 * directory and postcode table, applied in the order routes/routing.yaml lists them ({@link #route}).
 */
class RoutingRulesTest {
    private static final CanonicalXml CANONICAL = new CanonicalXml();
    private static final Directory DIRECTORY = DirectoryLoader.load(Path.of("config/directory.yaml"));
    private static final PostcodeLookup POSTCODES = PostcodeTables.loadTable(Path.of("config/postcode-la.csv"));

    private static final String LA_850 = "urn:interchange:la:850";
    private static final String MASH_850 = "urn:interchange:mash:850";
    private static final String LA_839 = "urn:interchange:la:839";
    private static final String SCHOOL_1 = "urn:interchange:school:100001";
    private static final String SCHOOL_2 = "urn:interchange:school:100002";
    private static final String DORSET = "urn:interchange:police:dorset";

    /** Earlier messages the follow-up examples refer to. */
    private static final InMemoryHistory HISTORY = new InMemoryHistory()
            .add(new PriorMessage(
                    "3f6c1b2e-8a41-4c7e-9d2a-5b1e7c9a0f11",
                    SCHOOL_1,
                    EventCode.SAFEGUARDING_REFERRAL,
                    List.of(PlannedRecipient.primary(LA_850), PlannedRecipient.copyTo(MASH_850))))
            .add(new PriorMessage(
                    "7d2e4f10-1b3c-4d5e-8f70-9a1b2c3d4e5f",
                    DORSET,
                    EventCode.POLICE_NOTIFICATION,
                    List.of(PlannedRecipient.primary(LA_850), PlannedRecipient.copyTo(MASH_850))))
            .add(new PriorMessage(
                    "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7081",
                    SCHOOL_2,
                    EventCode.SAFEGUARDING_REFERRAL,
                    List.of(PlannedRecipient.primary(LA_850))))
            .add(new PriorMessage(
                    "f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f708192",
                    MASH_850,
                    EventCode.INFORMATION_REQUEST,
                    List.of(PlannedRecipient.primary(DORSET))));

    private static final RoutingRules RULES = new RoutingRules(POSTCODES, HISTORY);

    @TempDir
    Path tmp;

    /** The rules for each event, in the order routes/routing.yaml applies them. */
    static RoutingPlan route(RoutingRules rules, RoutingPlan plan) {
        List<UnaryOperator<RoutingPlan>> steps =
                switch (plan.event()) {
                    case SAFEGUARDING_REFERRAL ->
                        List.of(rules::explicitDestinations, rules::childsHomeLa, rules::mashCopyIfUrgent);
                    case POLICE_NOTIFICATION ->
                        List.of(
                                rules::explicitDestinations,
                                rules::childsHomeLa,
                                rules::mashCopyIfUrgent,
                                rules::encompassForKnownSchool);
                    case ENCOMPASS_NOTIFICATION -> List.of(rules::schoolByUrn);
                    case REFERRAL_UPDATE, REFERRAL_WITHDRAWAL -> List.of(rules::originalRecipients);
                    case REFERRAL_OUTCOME -> List.of(rules::originalSender, rules::transferToNamedLa);
                    case INFORMATION_REQUEST -> List.of(rules::namedPartners);
                    case INFORMATION_RESPONSE -> List.of(rules::requestingMash);
                    default -> List.of(rules::noRuleForEvent);
                };
        for (UnaryOperator<RoutingPlan> step : steps) {
            plan = step.apply(plan);
        }
        return rules.requireRecipient(plan);
    }

    record Case(String name, String example, Consumer<InterchangeMessage> change, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        Consumer<InterchangeMessage> none = m -> {};
        return Stream.of(
                        new Case(
                                "urgent school referral: home LA primary, MASH copy",
                                "01-safeguarding-referral.xml",
                                none,
                                List.of("primary " + LA_850, "copy " + MASH_850)),
                        new Case(
                                "routine referral: no MASH copy",
                                "01-safeguarding-referral.xml",
                                m -> m.getEnvelope().setPriority(Priority.ROUTINE),
                                List.of("primary " + LA_850)),
                        new Case(
                                "stat referral: MASH copy",
                                "01-safeguarding-referral.xml",
                                m -> m.getEnvelope().setPriority(Priority.STAT),
                                List.of("primary " + LA_850, "copy " + MASH_850)),
                        new Case(
                                "child living in BCP: BCP children's services, no MASH there",
                                "01-safeguarding-referral.xml",
                                m -> m.getContent()
                                        .getReferral()
                                        .getChild()
                                        .getCurrentAddress()
                                        .setPostcode("BH1 1AA"),
                                List.of("primary " + LA_839)),
                        new Case(
                                "Dorset PPN about a Hampshire family routes to Hampshire",
                                "02-police-notification.xml",
                                none,
                                List.of("primary " + LA_850, "copy " + MASH_850)),
                        new Case(
                                "explicit destination wins over the home LA",
                                "01-safeguarding-referral.xml",
                                m -> m.getEnvelope().getRequestedDestination().add(ref(LA_839)),
                                List.of("primary " + LA_839)),
                        new Case(
                                "encompass notification: the school by URN",
                                "03-encompass-notification.xml",
                                none,
                                List.of("primary " + SCHOOL_1)),
                        new Case(
                                "update: everyone the original reached, same roles",
                                "04-referral-update.xml",
                                none,
                                List.of("primary " + LA_850, "copy " + MASH_850)),
                        new Case(
                                "outcome: the original sender",
                                "06-referral-outcome-accepted.xml",
                                none,
                                List.of("primary " + DORSET)),
                        new Case(
                                "transferred outcome: the original sender",
                                "08-referral-outcome-transferred.xml",
                                none,
                                List.of("primary " + SCHOOL_2)),
                        new Case(
                                "information request: the named partner",
                                "09-information-request.xml",
                                none,
                                List.of("primary " + DORSET)),
                        new Case(
                                "information response: the requesting MASH",
                                "10-information-response.xml",
                                none,
                                List.of("primary " + MASH_850)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void routesToTheRightRecipients(Case c) {
        RoutingPlan plan = route(RULES, plan(c.example(), c.change()));

        assertThat(plan.problem()).isEmpty();
        assertThat(plan.recipients())
                .extracting(r -> r.role() + " " + r.orgId())
                .containsExactlyElementsOf(c.expected());
    }

    record Failure(String name, String example, Consumer<InterchangeMessage> change, ErrorCode code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                        new Failure(
                                "no current address and no destination",
                                "01-safeguarding-referral.xml",
                                m -> m.getContent().getReferral().getChild().setCurrentAddress(null),
                                ErrorCode.ROUTE_NO_RECIPIENT),
                        new Failure(
                                "postcode in no known area",
                                "01-safeguarding-referral.xml",
                                m -> m.getContent()
                                        .getReferral()
                                        .getChild()
                                        .getCurrentAddress()
                                        .setPostcode("SW1A 1AA"),
                                ErrorCode.ROUTE_NO_RECIPIENT),
                        new Failure(
                                "known area without children's services in the directory (Dorset)",
                                "01-safeguarding-referral.xml",
                                m -> m.getContent()
                                        .getReferral()
                                        .getChild()
                                        .getCurrentAddress()
                                        .setPostcode("DT1 1AA"),
                                ErrorCode.ROUTE_NO_RECIPIENT),
                        new Failure(
                                "explicit destination not in the directory",
                                "01-safeguarding-referral.xml",
                                m -> m.getEnvelope().getRequestedDestination().add(ref("urn:interchange:la:999")),
                                ErrorCode.ROUTE_UNKNOWN_DESTINATION),
                        new Failure(
                                "explicit destination that does not receive the event",
                                "01-safeguarding-referral.xml",
                                m -> m.getEnvelope().getRequestedDestination().add(ref(SCHOOL_2)),
                                ErrorCode.ROUTE_DESTINATION_NOT_PERMITTED),
                        new Failure(
                                "encompass notification for an unknown school",
                                "03-encompass-notification.xml",
                                m -> m.getContent().getEncompassNotification().setSchoolUrn("999999"),
                                ErrorCode.ROUTE_NO_RECIPIENT),
                        new Failure(
                                "update from someone other than the original sender",
                                "04-referral-update.xml",
                                m -> m.getEnvelope().getSender().setOrgId(SCHOOL_2),
                                ErrorCode.RULE_UNKNOWN_CORRELATION),
                        new Failure(
                                "withdrawal of a message the gateway does not hold",
                                "05-referral-withdrawal.xml",
                                m -> {},
                                ErrorCode.RULE_UNKNOWN_CORRELATION),
                        new Failure(
                                "outcome from an organisation the original never reached",
                                "06-referral-outcome-accepted.xml",
                                m -> m.getEnvelope().getSender().setOrgId(LA_839),
                                ErrorCode.RULE_UNKNOWN_CORRELATION),
                        new Failure(
                                "information request naming nobody",
                                "09-information-request.xml",
                                m -> m.getEnvelope().getRequestedDestination().clear(),
                                ErrorCode.ROUTE_NO_RECIPIENT),
                        new Failure(
                                "a gateway notice is never routed from intake",
                                "12-delivery-receipt.xml",
                                m -> {},
                                ErrorCode.ROUTE_NO_RECIPIENT))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failsWithTheExactCodeAndNoRecipients(Failure f) {
        RoutingPlan plan = route(RULES, plan(f.example(), f.change()));

        assertThat(plan.problem()).hasValueSatisfying(p -> assertThat(p.code()).isEqualTo(f.code()));
        assertThat(plan.recipients()).isEmpty();
        assertThat(plan.derived()).isEmpty();
        assertThat(plan.reroutes()).isEmpty();
    }

    @Test
    void reasonsCarryNoPersonalData() {
        RoutingPlan plan = route(RULES, plan("01-safeguarding-referral.xml", m -> m.getContent()
                .getReferral()
                .getChild()
                .getCurrentAddress()
                .setPostcode("SW1A 1AA")));

        assertThat(plan.problem().orElseThrow().reason()).doesNotContain("SW1A").doesNotContain("Ellie");
    }

    @Test
    void policeNotificationWithAKnownSchoolYieldsAMinimisedEncompassNotification() {
        RoutingPlan plan = route(RULES, plan("02-police-notification.xml", m -> {}));

        assertThat(plan.derived()).hasSize(1);
        DerivedMessage derived = plan.derived().get(0);
        assertThat(derived.event()).isEqualTo(EventCode.ENCOMPASS_NOTIFICATION);
        assertThat(derived.recipientId()).isEqualTo(SCHOOL_1);
        EncompassNotification e = derived.content().getEncompassNotification();
        assertThat(e.getSchoolUrn()).isEqualTo("100001");
        assertThat(e.getChild().getName().getFamily()).isEqualTo("Marsh");
        assertThat(e.getIncidentDateTime()).hasToString("2025-11-22T22:40:00Z");
        assertThat(e.getNote()).isNull();
        // Nothing else is expressible in the content: the other content elements stay empty.
        assertThat(derived.content().getPoliceNotification()).isNull();
        assertThat(derived.content().getReferral()).isNull();
    }

    @Test
    void policeNotificationWithAnUnknownSchoolYieldsNoEncompassButStillRoutes() {
        RoutingPlan plan = route(RULES, plan("02-police-notification.xml", m -> m.getContent()
                .getPoliceNotification()
                .getChild()
                .setSchoolUrn("999999")));

        assertThat(plan.derived()).isEmpty();
        assertThat(plan.recipients()).extracting(PlannedRecipient::orgId).containsExactly(LA_850, MASH_850);
    }

    @Test
    void transferredOutcomeReRoutesTheOriginalToTheNamedLa() {
        RoutingPlan plan = route(RULES, plan("08-referral-outcome-transferred.xml", m -> {}));

        assertThat(plan.follows())
                .hasValueSatisfying(p -> assertThat(p.trackingId()).isEqualTo("e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7081"));
        assertThat(plan.reroutes()).containsExactly(PlannedRecipient.primary(LA_839));
    }

    @Test
    void transferToTheDecidingServiceItselfIsRule005() {
        RoutingPlan plan = route(RULES, plan("08-referral-outcome-transferred.xml", m -> m.getContent()
                .getReferralOutcome()
                .getDecision()
                .getTransferred()
                .setTransferTo("850")));

        assertThat(plan.problem())
                .hasValueSatisfying(p -> assertThat(p.code()).isEqualTo(ErrorCode.RULE_TRANSFER_TARGET_REQUIRED));
        assertThat(plan.reroutes()).isEmpty();
    }

    @Test
    void severalChildrensServicesCoveringTheHomeLaIsAmbiguous() throws Exception {
        String yaml = Files.readString(Path.of("config/directory.yaml"))
                + """

                  - id: urn:interchange:la:997
                    name: A second Hampshire service (test)
                    kind: la
                    coverage: ["850"]
                    receives: [safeguarding-referral]
                """;
        Directory twoServices = DirectoryLoader.load(Files.writeString(tmp.resolve("directory.yaml"), yaml));
        RoutingPlan start = plan("01-safeguarding-referral.xml", m -> {});

        RoutingPlan plan = route(RULES, RoutingPlan.start(start.trackingId(), start.message(), twoServices));

        assertThat(plan.problem()).hasValueSatisfying(p -> assertThat(p.code()).isEqualTo(ErrorCode.ROUTE_AMBIGUOUS));
    }

    private static RoutingPlan plan(String example, Consumer<InterchangeMessage> change) {
        try {
            InterchangeMessage message =
                    CANONICAL.unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical", example)));
            message.getEnvelope().getRecipient().clear();
            change.accept(message);
            return RoutingPlan.start(message.getEnvelope().getTrackingId(), message, DIRECTORY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static OrganisationRef ref(String orgId) {
        OrganisationRef ref = new OrganisationRef();
        ref.setOrgId(orgId);
        return ref;
    }

    /** A fixed history of earlier messages (a fake of the store, not a mock). */
    static final class InMemoryHistory implements MessageHistory {
        private final Map<String, PriorMessage> byId = new HashMap<>();
        private final List<PriorMessage> all = new ArrayList<>();

        InMemoryHistory add(PriorMessage message) {
            byId.put(message.trackingId(), message);
            all.add(message);
            return this;
        }

        @Override
        public Optional<PriorMessage> byTrackingId(String trackingId) {
            return Optional.ofNullable(byId.get(trackingId));
        }

        @Override
        public Optional<PriorMessage> bySender(String senderId, String senderMessageId) {
            return Optional.empty();
        }

        @Override
        public Optional<PriorMessage> byRecipient(String recipientId, String senderMessageId) {
            return Optional.empty();
        }
    }
}
