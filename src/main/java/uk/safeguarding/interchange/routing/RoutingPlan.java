package uk.safeguarding.interchange.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.directory.Directory;

/**
 * The routing decision for one accepted message, built up rule by rule (routes/routing.yaml) and then committed.
 * Immutable: every rule returns a new plan. Once {@link #problem()} is set, rules leave the plan alone.
 *
 * @param trackingId the message's tracking id
 * @param message the canonical message (not modified by rules)
 * @param directory the directory snapshot every rule of this message uses
 * @param recipients the recipients chosen so far, each organisation once (a primary wins over a copy)
 * @param derived new messages to create and route (Operation Encompass)
 * @param reroutes recipients an earlier message is additionally routed to (a transferred outcome)
 * @param follows the earlier message this one follows up (update, withdrawal, outcome, response), if any
 * @param problem why it cannot be routed, if it cannot
 */
public record RoutingPlan(
        String trackingId,
        InterchangeMessage message,
        Directory directory,
        List<PlannedRecipient> recipients,
        List<DerivedMessage> derived,
        List<PlannedRecipient> reroutes,
        Optional<PriorMessage> follows,
        Optional<RoutingProblem> problem) {

    public RoutingPlan {
        Objects.requireNonNull(trackingId);
        Objects.requireNonNull(message);
        Objects.requireNonNull(directory);
        recipients = List.copyOf(recipients);
        derived = List.copyOf(derived);
        reroutes = List.copyOf(reroutes);
        Objects.requireNonNull(follows);
        Objects.requireNonNull(problem);
    }

    /** A fresh plan: nothing decided yet. */
    public static RoutingPlan start(String trackingId, InterchangeMessage message, Directory directory) {
        return new RoutingPlan(
                trackingId, message, directory, List.of(), List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    /** The message's event (its code, e.g. {@code safeguarding-referral}, is what routes/routing.yaml switches on). */
    public EventCode event() {
        return EventCode.fromCode(CanonicalXml.eventOf(message.getContent()).value())
                .orElseThrow();
    }

    /** The event code as text, for the route's {@code choice}. */
    public String eventCode() {
        return event().code();
    }

    public String senderId() {
        return message.getEnvelope().getSender().getOrgId();
    }

    public boolean failed() {
        return problem.isPresent();
    }

    /** Adds a recipient; an organisation already present keeps its place, and becomes primary if either is. */
    public RoutingPlan withRecipient(PlannedRecipient recipient) {
        List<PlannedRecipient> next = new ArrayList<>(recipients);
        for (int i = 0; i < next.size(); i++) {
            PlannedRecipient existing = next.get(i);
            if (existing.orgId().equals(recipient.orgId())) {
                next.set(i, new PlannedRecipient(existing.orgId(), existing.copy() && recipient.copy()));
                return new RoutingPlan(trackingId, message, directory, next, derived, reroutes, follows, problem);
            }
        }
        next.add(recipient);
        return new RoutingPlan(trackingId, message, directory, next, derived, reroutes, follows, problem);
    }

    public RoutingPlan withDerived(DerivedMessage message) {
        List<DerivedMessage> next = new ArrayList<>(derived);
        next.add(message);
        return new RoutingPlan(trackingId, this.message, directory, recipients, next, reroutes, follows, problem);
    }

    public RoutingPlan withReroute(PlannedRecipient recipient) {
        List<PlannedRecipient> next = new ArrayList<>(reroutes);
        next.add(recipient);
        return new RoutingPlan(trackingId, message, directory, recipients, derived, next, follows, problem);
    }

    public RoutingPlan following(PriorMessage prior) {
        return new RoutingPlan(
                trackingId, message, directory, recipients, derived, reroutes, Optional.of(prior), problem);
    }

    /** Marks the plan failed; recipients, derived messages and re-routes are dropped (nothing is delivered). */
    public RoutingPlan fail(RoutingProblem why) {
        return new RoutingPlan(
                trackingId, message, directory, List.of(), List.of(), List.of(), follows, Optional.of(why));
    }
}
