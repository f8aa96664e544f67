package uk.safeguarding.interchange.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * Routes a batch of accepted messages, in queue order, with as few commits as correctness allows (decision 0006): each
 * message is loaded and planned by the rules (routes/routing.yaml), and the plans are committed together by
 * {@link Router#commitAll}. Two things cut the batch:
 *
 * <ul>
 *   <li>A follow-up (update, withdrawal, outcome, information response, or anything that names an earlier message)
 *       has its rules run only after everything before it in the batch committed: its rules look the original up in
 *       the store on their own connection and must find it routed.
 *   <li>The first message that cannot be loaded, planned or committed ends the batch: the plans before it are
 *       committed (each alone if need be), and it and every message after it are left for redelivery, so nothing is
 *       routed ahead of a message that failed (a follow-up never overtakes its original).
 * </ul>
 *
 * Stateless and thread-safe; routing is ordered only if one caller routes the queue at a time.
 */
public final class RoutingBatch {
    private static final Logger log = LoggerFactory.getLogger(RoutingBatch.class);
    private static final Set<EventCode> FOLLOW_UPS = Set.of(
            EventCode.REFERRAL_UPDATE,
            EventCode.REFERRAL_WITHDRAWAL,
            EventCode.REFERRAL_OUTCOME,
            EventCode.INFORMATION_RESPONSE);

    /**
     * What became of a batch.
     *
     * @param settled how many messages, from the start of the batch, are done (routed, or had been routed before)
     * @param size the batch's size; when {@code settled < size}, the rest must be redelivered
     */
    public record Result(int settled, int size) {
        /** Whether every message of the batch is done, so that its routing messages may be acknowledged. */
        public boolean complete() {
            return settled == size;
        }
    }

    private final Router router;

    public RoutingBatch(Router router) {
        this.router = Objects.requireNonNull(router);
    }

    /**
     * Routes the messages with these tracking ids, in this order.
     *
     * @param rules the rule chain for one message (routes/routing.yaml): takes a freshly loaded plan, returns the
     *     decided one; it may throw, which leaves that message for redelivery
     */
    public Result route(List<String> trackingIds, UnaryOperator<RoutingPlan> rules) {
        List<RoutingPlan> pending = new ArrayList<>();
        int settled = 0;
        for (String trackingId : trackingIds) {
            RoutingPlan plan;
            try {
                plan = router.load(trackingId);
                if (followsUp(plan) && !pending.isEmpty()) {
                    int committed = commit(pending);
                    settled += committed;
                    if (committed < pending.size()) {
                        return new Result(settled, trackingIds.size());
                    }
                    pending.clear();
                }
                plan = Objects.requireNonNull(rules.apply(plan), "the rules returned no plan");
            } catch (Exception e) {
                // An unexpected error (a rule's database lookup, an unreadable message): as before batching, the
                // message is redelivered, and after the broker's attempt limit it is dead-lettered for an operator.
                log.warn("Routing {} failed; it will be redelivered: {}", trackingId, e.toString());
                settled += commit(pending);
                return new Result(settled, trackingIds.size());
            }
            pending.add(plan);
        }
        settled += commit(pending);
        return new Result(settled, trackingIds.size());
    }

    /**
     * Commits the plans; returns how many from the start are done. Plans after a failed one are committed too (no
     * plan in one commit depends on another: a follow-up is always the first of its commit), but counted as unsettled,
     * so they are redelivered and then find themselves routed.
     */
    private int commit(List<RoutingPlan> pending) {
        List<String> failed = router.commitAll(pending);
        if (failed.isEmpty()) {
            return pending.size();
        }
        int settled = 0;
        while (!pending.get(settled).trackingId().equals(failed.get(0))) {
            settled++;
        }
        return settled;
    }

    /** Whether the message's rules may look up an earlier message. */
    static boolean followsUp(RoutingPlan plan) {
        var message = plan.message();
        return FOLLOW_UPS.contains(plan.event())
                || !message.getEnvelope().getCorrelation().isEmpty()
                || message.getContent().getInformationResponse() != null;
    }
}
