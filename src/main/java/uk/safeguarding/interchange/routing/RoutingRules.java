package uk.safeguarding.interchange.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.Child;
import uk.safeguarding.interchange.canonical.xml.Content;
import uk.safeguarding.interchange.canonical.xml.Correlation;
import uk.safeguarding.interchange.canonical.xml.CorrelationRelation;
import uk.safeguarding.interchange.canonical.xml.EncompassChild;
import uk.safeguarding.interchange.canonical.xml.EncompassNotification;
import uk.safeguarding.interchange.canonical.xml.OrganisationRef;
import uk.safeguarding.interchange.canonical.xml.PersonName;
import uk.safeguarding.interchange.canonical.xml.PoliceNotification;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.canonical.xml.Referral;
import uk.safeguarding.interchange.canonical.xml.ReferralOutcome;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.error.ErrorCode;

/**
 * The routing rules of spec §8, one small method per rule. routes/routing.yaml decides which rules apply to which
 * event and in what order, so operators see (and change) the rules without recompiling; each method takes a plan and
 * returns the next one, and leaves a failed plan alone. Reasons given in problems never contain personal data.
 * Thread-safe (stateless apart from its immutable collaborators).
 */
public final class RoutingRules {
    /** {@code Identifier.system} of a school's DfE URN (decision 0001). */
    public static final String SCHOOL_URN_SYSTEM = "urn:interchange:school-urn";

    private final PostcodeLookup postcodes;
    private final MessageHistory history;

    public RoutingRules(PostcodeLookup postcodes, MessageHistory history) {
        this.postcodes = Objects.requireNonNull(postcodes);
        this.history = Objects.requireNonNull(history);
    }

    /**
     * Destinations the sender named explicitly: each must be in the directory (ROUTE-003) and receive the event
     * (ROUTE-004); they become primary recipients. No destinations: no change.
     */
    public RoutingPlan explicitDestinations(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        RoutingPlan next = plan;
        for (OrganisationRef destination : plan.message().getEnvelope().getRequestedDestination()) {
            Optional<Organisation> org = plan.directory().find(destination.getOrgId());
            if (org.isEmpty()) {
                return plan.fail(new RoutingProblem(
                        ErrorCode.ROUTE_UNKNOWN_DESTINATION,
                        "The destination " + destination.getOrgId() + " is not in the directory."));
            }
            if (!org.get().receives(plan.event())) {
                return plan.fail(new RoutingProblem(
                        ErrorCode.ROUTE_DESTINATION_NOT_PERMITTED,
                        "The destination " + destination.getOrgId() + " does not receive " + plan.eventCode() + "."));
            }
            next = next.withRecipient(PlannedRecipient.primary(org.get().id()));
        }
        return next;
    }

    /** As {@link #explicitDestinations}, but at least one destination is required (ROUTE-001). */
    public RoutingPlan namedPartners(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        if (plan.message().getEnvelope().getRequestedDestination().isEmpty()) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_NO_RECIPIENT, "A " + plan.eventCode() + " must name its destinations."));
        }
        return explicitDestinations(plan);
    }

    /**
     * The children's services (kind {@code la}) whose coverage holds the child's home LA, from the postcode of the
     * child's current address: exactly one, else ROUTE-001 (none, no address, unknown postcode) or ROUTE-002 (several).
     * Skipped when explicit destinations already chose recipients. Routes by the child, never by the sender's area.
     */
    public RoutingPlan childsHomeLa(RoutingPlan plan) {
        if (plan.failed() || !plan.recipients().isEmpty()) {
            return plan;
        }
        Child child =
                referral(plan.message().getContent()).map(Referral::getChild).orElse(null);
        if (child == null || child.getCurrentAddress() == null) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_NO_RECIPIENT,
                    "The child has no current address and the message names no destination."));
        }
        Optional<String> la = postcodes.laFor(child.getCurrentAddress().getPostcode());
        if (la.isEmpty()) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_NO_RECIPIENT,
                    "The postcode of the child's current address is in no area the gateway knows."));
        }
        List<Organisation> services = plan.directory().receivers(plan.event(), la.get(), OrganisationKind.LA);
        if (services.isEmpty()) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_NO_RECIPIENT,
                    "No children's services in the directory receive " + plan.eventCode() + " for LA " + la.get()
                            + "."));
        }
        if (services.size() > 1) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_AMBIGUOUS,
                    "Several children's services cover LA " + la.get() + ": "
                            + services.stream().map(Organisation::id).toList() + "."));
        }
        return plan.withRecipient(PlannedRecipient.primary(services.get(0).id()));
    }

    /**
     * Copies to the MASH for {@code stat} and {@code urgent} messages: every MASH that receives the event and covers
     * an area of a primary children's-services recipient.
     */
    public RoutingPlan mashCopyIfUrgent(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        Priority priority = plan.message().getEnvelope().getPriority();
        if (priority != Priority.STAT && priority != Priority.URGENT) {
            return plan;
        }
        RoutingPlan next = plan;
        for (PlannedRecipient recipient : plan.recipients()) {
            Optional<Organisation> org = plan.directory().find(recipient.orgId());
            if (recipient.copy() || org.isEmpty() || org.get().kind() != OrganisationKind.LA) {
                continue;
            }
            for (String la : org.get().coverage().stream().sorted().toList()) {
                for (Organisation mash : plan.directory().receivers(plan.event(), la, OrganisationKind.MASH)) {
                    next = next.withRecipient(PlannedRecipient.copyTo(mash.id()));
                }
            }
        }
        return next;
    }

    /**
     * A police notification whose child has a school URN known to the directory (and that school receives
     * Operation Encompass notifications) also yields a minimised {@code encompass-notification} to that school:
     * the incident time, the child's name and birth date, the school URN, nothing else. An unknown school is not an
     * error: the notification still reaches children's services.
     */
    public RoutingPlan encompassForKnownSchool(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        PoliceNotification ppn = plan.message().getContent().getPoliceNotification();
        if (ppn == null || ppn.getChild() == null || ppn.getChild().getSchoolUrn() == null) {
            return plan;
        }
        Optional<Organisation> school =
                plan.directory().byIdentifier(SCHOOL_URN_SYSTEM, ppn.getChild().getSchoolUrn());
        if (school.isEmpty() || !school.get().receives(EventCode.ENCOMPASS_NOTIFICATION)) {
            return plan;
        }
        Content content = new Content();
        content.setEncompassNotification(minimise(ppn));
        return plan.withDerived(new DerivedMessage(
                EventCode.ENCOMPASS_NOTIFICATION, school.get().id(), content));
    }

    /** Only the Operation Encompass fields; the narrative, addresses and other people never reach the school. */
    static EncompassNotification minimise(PoliceNotification ppn) {
        EncompassNotification encompass = new EncompassNotification();
        encompass.setIncidentDateTime(ppn.getPoliceIncident().getIncidentDateTime());
        EncompassChild child = new EncompassChild();
        PersonName source = ppn.getChild().getName().get(0);
        PersonName name = new PersonName();
        name.getGiven().addAll(source.getGiven());
        name.setFamily(source.getFamily());
        child.setName(name);
        child.setBirthDate(ppn.getChild().getBirthDate());
        encompass.setChild(child);
        encompass.setSchoolUrn(ppn.getChild().getSchoolUrn());
        return encompass;
    }

    /** An Encompass notification goes to the school with the URN it names (ROUTE-001 when none). */
    public RoutingPlan schoolByUrn(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        EncompassNotification encompass = plan.message().getContent().getEncompassNotification();
        Optional<Organisation> school = encompass == null
                ? Optional.empty()
                : plan.directory().byIdentifier(SCHOOL_URN_SYSTEM, encompass.getSchoolUrn());
        if (school.isEmpty()) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_NO_RECIPIENT, "The school URN names no school in the directory."));
        }
        if (!school.get().receives(plan.event())) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_DESTINATION_NOT_PERMITTED,
                    "The school " + school.get().id() + " does not receive " + plan.eventCode() + "."));
        }
        for (OrganisationRef destination : plan.message().getEnvelope().getRequestedDestination()) {
            if (!destination.getOrgId().equals(school.get().id())) {
                return plan.fail(new RoutingProblem(
                        ErrorCode.ROUTE_AMBIGUOUS, "The destination and the school URN name different schools."));
            }
        }
        return plan.withRecipient(PlannedRecipient.primary(school.get().id()));
    }

    /**
     * Updates and withdrawals go to everyone the original reached, in the same roles; only the original's sender may
     * follow it up (RULE-004 otherwise, as for an unknown original).
     */
    public RoutingPlan originalRecipients(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        Optional<PriorMessage> original = correlated(plan, CorrelationRelation.UPDATE, CorrelationRelation.WITHDRAWAL)
                .flatMap(c -> c.getTrackingId() != null
                        ? history.byTrackingId(c.getTrackingId())
                        : history.bySender(plan.senderId(), c.getSenderMessageId()))
                .filter(p -> p.senderId().equals(plan.senderId()));
        if (original.isEmpty()) {
            return unknownCorrelation(plan);
        }
        RoutingPlan next = plan.following(original.get());
        for (PlannedRecipient recipient : original.get().recipients()) {
            next = next.withRecipient(recipient);
        }
        return next;
    }

    /** An outcome goes to the original's sender; only a recipient of the original may send one. */
    public RoutingPlan originalSender(RoutingPlan plan) {
        return toSenderOfPrior(plan, CorrelationRelation.OUTCOME_OF);
    }

    /** An information response goes to the MASH (or other organisation) that sent the request. */
    public RoutingPlan requestingMash(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        var response = plan.message().getContent().getInformationResponse();
        if (plan.message().getEnvelope().getCorrelation().isEmpty() && response != null) {
            // The response's content names the request even when the envelope carries no correlation.
            Optional<PriorMessage> request =
                    history.byTrackingId(response.getRequestTrackingId()).filter(p -> p.wasRoutedTo(plan.senderId()));
            if (request.isEmpty()) {
                return unknownCorrelation(plan);
            }
            return plan.following(request.get())
                    .withRecipient(PlannedRecipient.primary(request.get().senderId()));
        }
        return toSenderOfPrior(plan, CorrelationRelation.RESPONSE_TO);
    }

    /**
     * A {@code transferred} outcome also re-routes the original to the children's services of the LA it names
     * (exactly one, ROUTE-001/ROUTE-002 otherwise), which must not be the deciding organisation itself (RULE-005).
     * Apply after {@link #originalSender}.
     */
    public RoutingPlan transferToNamedLa(RoutingPlan plan) {
        if (plan.failed() || plan.follows().isEmpty()) {
            return plan;
        }
        ReferralOutcome outcome = plan.message().getContent().getReferralOutcome();
        if (outcome == null || outcome.getDecision().getTransferred() == null) {
            return plan;
        }
        String la = outcome.getDecision().getTransferred().getTransferTo();
        Directory directory = plan.directory();
        List<Organisation> services = directory.receivers(plan.follows().get().event(), la, OrganisationKind.LA);
        if (services.isEmpty()) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_NO_RECIPIENT, "No children's services in the directory cover LA " + la + "."));
        }
        if (services.size() > 1) {
            return plan.fail(new RoutingProblem(
                    ErrorCode.ROUTE_AMBIGUOUS,
                    "Several children's services cover LA " + la + ": "
                            + services.stream().map(Organisation::id).toList() + "."));
        }
        if (services.get(0).id().equals(plan.senderId())) {
            // The profile and the schema can only check the form of the LA code; a transfer to the deciding service
            // itself would hand the child back to the service that just declined responsibility.
            return plan.fail(new RoutingProblem(
                    ErrorCode.RULE_TRANSFER_TARGET_REQUIRED,
                    "A transfer must name another local authority; LA " + la + " is served by the deciding"
                            + " organisation itself."));
        }
        if (plan.follows().get().wasRoutedTo(services.get(0).id())) {
            return plan;
        }
        return plan.withReroute(PlannedRecipient.primary(services.get(0).id()));
    }

    /** The last rule for every event: a plan with no recipient fails with ROUTE-001 (never silently dropped). */
    public RoutingPlan requireRecipient(RoutingPlan plan) {
        if (plan.failed() || !plan.recipients().isEmpty()) {
            return plan;
        }
        return plan.fail(new RoutingProblem(
                ErrorCode.ROUTE_NO_RECIPIENT, "No recipient could be resolved for " + plan.eventCode() + "."));
    }

    /** For events no rule routes (gateway-originated events are never routed from intake). */
    public RoutingPlan noRuleForEvent(RoutingPlan plan) {
        if (plan.failed()) {
            return plan;
        }
        return plan.fail(new RoutingProblem(
                ErrorCode.ROUTE_NO_RECIPIENT, "The gateway does not route " + plan.eventCode() + " messages."));
    }

    private RoutingPlan toSenderOfPrior(RoutingPlan plan, CorrelationRelation relation) {
        if (plan.failed()) {
            return plan;
        }
        Optional<PriorMessage> prior = correlated(plan, relation)
                .flatMap(c -> c.getTrackingId() != null
                        ? history.byTrackingId(c.getTrackingId())
                        : history.byRecipient(plan.senderId(), c.getSenderMessageId()))
                .filter(p -> p.wasRoutedTo(plan.senderId()));
        if (prior.isEmpty()) {
            return unknownCorrelation(plan);
        }
        return plan.following(prior.get())
                .withRecipient(PlannedRecipient.primary(prior.get().senderId()));
    }

    private static Optional<Correlation> correlated(RoutingPlan plan, CorrelationRelation... relations) {
        return plan.message().getEnvelope().getCorrelation().stream()
                .filter(c -> List.of(relations).contains(c.getRelation()))
                .findFirst();
    }

    private static RoutingPlan unknownCorrelation(RoutingPlan plan) {
        return plan.fail(new RoutingProblem(
                ErrorCode.RULE_UNKNOWN_CORRELATION,
                "The " + plan.eventCode() + " refers to no message this sender may follow up."));
    }

    private static Optional<Referral> referral(Content content) {
        if (content.getReferral() != null) {
            return Optional.of(content.getReferral());
        }
        return Optional.ofNullable(content.getPoliceNotification());
    }
}
