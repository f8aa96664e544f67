package uk.safeguarding.interchange.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.TrackingIds;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.GatewayNotice;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.canonical.xml.OutcomeDecision;
import uk.safeguarding.interchange.canonical.xml.RecipientRole;
import uk.safeguarding.interchange.delivery.Deliveries;
import uk.safeguarding.interchange.delivery.DeliveryRelay;
import uk.safeguarding.interchange.delivery.DeliveryState;
import uk.safeguarding.interchange.delivery.GatewayMessages;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.store.GroupCommit;
import uk.safeguarding.interchange.store.PayloadKind;
import uk.safeguarding.interchange.store.PayloadStore;

/**
 * Loads an accepted message for routing ({@link #load}) and commits the routing decision ({@link #commit}) in one
 * transaction: a {@code ROUTED} delivery and ledger entry per recipient, derived messages, re-routes, the states a
 * follow-up changes (outcome, withdrawal), or — when routing failed — a {@code ROUTING_FAILED} ledger entry and a
 * {@code non-delivery-report} to the sender. After commit the deliveries are put on the recipients' queues.
 *
 * <p>{@link #load} takes the document intake handed over ({@link AcceptedDocuments}) and reads, decrypts and parses
 * the stored accepted one only when it is not held (after a restart, an eviction, a redelivery). The document with the
 * recipients routing chose is inserted as a payload of its own ({@link PayloadKind#ROUTED_XML}), never over the
 * accepted one (decision 0009). {@link #commitAll} commits several plans in one transaction and publishes all their
 * deliveries at once (decision 0006). That transaction is a unit of the gateway's shared {@link GroupCommit}
 * (decision 0007).
 *
 * <p>Exactly once: the message row is locked and marked routed in the same transaction, so a redelivered routing
 * message (or a second gateway instance) commits nothing new; publishing is idempotent by the broker's duplicate
 * detection. Thread-safe.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final DataSource dataSource;
    private final GroupCommit group;
    private final Supplier<Directory> directory;
    private final CanonicalXml canonical;
    private final Deliveries deliveries;
    private final DeliveryRelay relay;
    private final GatewayMessages gatewayMessages;
    private final LedgerAppender ledger;
    private final AcceptedDocuments accepted;
    private final Clock clock;

    /** @param group the group commit shared with the gateway's other writers (decision 0007) */
    public Router(
            DataSource dataSource,
            GroupCommit group,
            Supplier<Directory> directory,
            CanonicalXml canonical,
            Deliveries deliveries,
            DeliveryRelay relay,
            GatewayMessages gatewayMessages,
            LedgerAppender ledger,
            AcceptedDocuments accepted,
            Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.group = Objects.requireNonNull(group);
        this.directory = Objects.requireNonNull(directory);
        this.canonical = Objects.requireNonNull(canonical);
        this.deliveries = Objects.requireNonNull(deliveries);
        this.relay = Objects.requireNonNull(relay);
        this.gatewayMessages = Objects.requireNonNull(gatewayMessages);
        this.ledger = Objects.requireNonNull(ledger);
        this.accepted = Objects.requireNonNull(accepted);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * The accepted message with this tracking id, as a fresh plan against the current directory: the document intake
     * handed over if it is still held, else the stored one (decrypted, parsed and validated).
     *
     * @throws IllegalStateException when no such message is stored (the routing message is then redelivered and
     *     finally dead-lettered for an operator)
     */
    public RoutingPlan load(String trackingId) throws SQLException {
        String id = trackingId.strip();
        Optional<InterchangeMessage> handedOver = accepted.take(id);
        if (handedOver.isPresent()) {
            return RoutingPlan.start(id, handedOver.get(), directory.get());
        }
        try (Connection connection = dataSource.getConnection()) {
            byte[] document = deliveries
                    .payloads()
                    .read(connection, id, PayloadKind.CANONICAL_XML)
                    .orElseThrow(() -> new IllegalStateException(
                            "No stored (or no longer readable) message has tracking id " + trackingId));
            InterchangeMessage message = canonical.unmarshal(document);
            return RoutingPlan.start(id, message, directory.get());
        }
    }

    /** Commits the plan (see the type's documentation); returns how many deliveries it queued. */
    public int commit(RoutingPlan plan) throws SQLException {
        List<DeliveryRelay.Pending> toQueue = new ArrayList<>();
        commitTogether(List.of(plan), toQueue);
        relay.publish(toQueue);
        return toQueue.size();
    }

    /**
     * Commits the plans in this order in one transaction and then publishes all their deliveries in one broker
     * transaction. When that transaction fails, each plan is committed in a transaction of its own, so one bad plan
     * cannot fail the others. A plan whose message was already routed commits nothing.
     *
     * @return the tracking ids of the plans that could not be committed (their routing messages must be redelivered),
     *     in order; empty when all committed
     */
    public List<String> commitAll(List<RoutingPlan> plans) {
        if (plans.isEmpty()) {
            return List.of();
        }
        List<DeliveryRelay.Pending> toQueue = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try {
            commitTogether(plans, toQueue);
        } catch (SQLException | RuntimeException e) {
            if (plans.size() == 1) {
                log.warn(
                        "Routing {} failed; it will be redelivered: {}",
                        plans.get(0).trackingId(),
                        e.toString());
                return List.of(plans.get(0).trackingId());
            }
            log.warn(
                    "Committing {} routing plans together failed; committing each alone: {}",
                    plans.size(),
                    e.toString());
            toQueue.clear();
            for (RoutingPlan plan : plans) {
                List<DeliveryRelay.Pending> own = new ArrayList<>();
                try {
                    commitTogether(List.of(plan), own);
                    toQueue.addAll(own);
                } catch (SQLException | RuntimeException alone) {
                    log.warn("Routing {} failed; it will be redelivered: {}", plan.trackingId(), alone.toString());
                    failed.add(plan.trackingId());
                }
            }
        }
        relay.publish(toQueue);
        return failed;
    }

    /**
     * Commits the plans in one unit of the shared group commit, adding their deliveries to {@code toQueue}, or throws
     * having done none. Sharing the group means routing never waits for the ledger head while a group holds it (or
     * the other way round), and its commit serves the group's other members too; no client waits for routing, so it
     * first waits a little for a group that commits anyway ({@link GroupCommit#executeUnhurried}).
     */
    private void commitTogether(List<RoutingPlan> plans, List<DeliveryRelay.Pending> toQueue) throws SQLException {
        // The documents are written (and the gateway's own messages sealed and encrypted) before joining the group:
        // its units run one at a time, on the thread of whichever caller leads it.
        List<Written> written = new ArrayList<>(plans.size());
        for (RoutingPlan plan : plans) {
            written.add(plan.failed() ? writeFailure(plan) : writeRoutes(plan));
        }
        List<DeliveryRelay.Pending> made = group.executeUnhurried((connection, after) -> {
            List<DeliveryRelay.Pending> queued = new ArrayList<>();
            for (Written w : written) {
                RoutingPlan plan = w.plan();
                if (!lockUnrouted(connection, plan.trackingId())) {
                    log.info("Message {} was already routed; nothing to do", plan.trackingId());
                    continue;
                }
                // First: the deliveries' SLA deadlines are computed from the message row's priority.
                markRouted(connection, plan);
                if (plan.failed()) {
                    recordFailure(connection, w, queued);
                } else {
                    recordRoutes(connection, w, queued);
                }
            }
            return queued;
        });
        toQueue.addAll(made);
    }

    /**
     * What a plan's commit stores, made ahead of it: the routed document ({@code null} for a failed plan) and the
     * gateway's messages (the derived messages in the plan's order, or the failure's non-delivery report).
     */
    private record Written(RoutingPlan plan, byte[] routedXml, List<Deliveries.GatewayMessage> gatewayMessages) {}

    /** The routed document (the envelope naming the recipients routing chose) and the derived messages, sealed. */
    private Written writeRoutes(RoutingPlan plan) {
        InterchangeMessage message = plan.message();
        message.getEnvelope().getRecipient().clear();
        for (PlannedRecipient r : plan.recipients()) {
            if (!CanonicalXml.isOrgId(r.orgId())) {
                // The document is written without schema validation below: this is the one part routing changed.
                throw new GatewayException(
                        ErrorCode.SCHEMA_XSD, "The recipient id " + r.orgId() + " is not a canonical organisation id.");
            }
            message.getEnvelope()
                    .getRecipient()
                    .add(GatewayMessages.recipient(r.orgId(), r.copy() ? RecipientRole.COPY : RecipientRole.PRIMARY));
        }
        // Validated as a whole when intake wrote it (or routing read it); only the recipients above are new.
        byte[] routed = canonical.marshalValidatedDocument(message);
        List<Deliveries.GatewayMessage> derivedMessages = new ArrayList<>();
        for (DerivedMessage derived : plan.derived()) {
            String trackingId = TrackingIds.next();
            InterchangeMessage made = gatewayMessages.derived(
                    message, trackingId, derived.event(), derived.recipientId(), derived.content());
            derivedMessages.add(deliveries.prepare(
                    trackingId,
                    derived.event(),
                    message.getEnvelope().getBinding().value(),
                    priorityOf(message),
                    gatewayMessages.seal(made)));
        }
        return new Written(plan, routed, derivedMessages);
    }

    private void recordRoutes(Connection connection, Written written, List<DeliveryRelay.Pending> toQueue)
            throws SQLException {
        RoutingPlan plan = written.plan();
        EventCode event = plan.event();
        InterchangeMessage message = plan.message();
        PayloadStore.PayloadKey key = deliveries
                .payloads()
                .key(connection, plan.trackingId())
                .orElseThrow(() -> new IllegalStateException("The message's payload key was erased"));
        // Inserted beside the accepted document, never over it: the message row (updated below) stays small.
        deliveries.payloads().insert(connection, key, PayloadKind.ROUTED_XML, written.routedXml());
        for (PlannedRecipient r : plan.recipients()) {
            if (deliveries.route(connection, plan.trackingId(), r.orgId(), r.role(), event)) {
                toQueue.add(new DeliveryRelay.Pending(plan.trackingId(), r.orgId()));
            }
        }
        for (int i = 0; i < plan.derived().size(); i++) {
            Deliveries.GatewayMessage made = written.gatewayMessages().get(i);
            String recipient = plan.derived().get(i).recipientId();
            deliveries.storeGatewayMessage(connection, made, plan.senderId(), recipient, plan.trackingId());
            toQueue.add(new DeliveryRelay.Pending(made.trackingId(), recipient));
        }
        if (plan.follows().isPresent()) {
            PriorMessage prior = plan.follows().get();
            for (PlannedRecipient r : plan.reroutes()) {
                if (deliveries.route(connection, prior.trackingId(), r.orgId(), r.role(), prior.event())) {
                    toQueue.add(new DeliveryRelay.Pending(prior.trackingId(), r.orgId()));
                }
            }
            if (event == EventCode.REFERRAL_OUTCOME) {
                deliveries.move(
                        connection,
                        prior.trackingId(),
                        plan.senderId(),
                        Deliveries.Move.outcome(
                                decisionCode(message.getContent()
                                        .getReferralOutcome()
                                        .getDecision()),
                                plan.senderId(),
                                prior.event()));
            }
            if (event == EventCode.REFERRAL_WITHDRAWAL) {
                for (PlannedRecipient r : prior.recipients()) {
                    deliveries.move(
                            connection,
                            prior.trackingId(),
                            r.orgId(),
                            Deliveries.Move.to(DeliveryState.WITHDRAWN, plan.senderId(), prior.event()));
                }
            }
        }
    }

    /** The failure's non-delivery report to the sender, sealed. */
    private Written writeFailure(RoutingPlan plan) {
        RoutingProblem problem = plan.problem().orElseThrow();
        InterchangeMessage message = plan.message();
        GatewayNotice notice = new GatewayNotice();
        notice.setConcernsTrackingId(plan.trackingId());
        notice.setConcernsSenderMessageId(message.getEnvelope().getSenderMessageId());
        notice.setConcernsEvent(message.getEnvelope().getEvent());
        notice.setState(uk.safeguarding.interchange.canonical.xml.DeliveryState.DELIVERY_FAILED);
        notice.setAt(now());
        notice.setErrorCode(problem.code().code());
        notice.setReason(problem.reason());
        String trackingId = TrackingIds.next();
        Binding binding = message.getEnvelope().getBinding();
        InterchangeMessage report =
                gatewayMessages.notice(EventCode.NON_DELIVERY_REPORT, trackingId, plan.senderId(), binding, notice);
        return new Written(
                plan,
                null,
                List.of(deliveries.prepare(
                        trackingId,
                        EventCode.NON_DELIVERY_REPORT,
                        binding.value(),
                        null,
                        gatewayMessages.seal(report))));
    }

    private void recordFailure(Connection connection, Written written, List<DeliveryRelay.Pending> toQueue)
            throws SQLException {
        RoutingPlan plan = written.plan();
        RoutingProblem problem = plan.problem().orElseThrow();
        InterchangeMessage message = plan.message();
        ledger.append(
                connection,
                new NewLedgerEntry(
                        "ROUTING_FAILED",
                        plan.trackingId(),
                        message.getEnvelope().getSenderMessageId(),
                        Deliveries.GATEWAY_ACTOR,
                        plan.senderId(),
                        plan.eventCode(),
                        null,
                        problem.code().code()));
        Deliveries.GatewayMessage report = written.gatewayMessages().get(0);
        deliveries.storeGatewayMessage(connection, report, GatewayMessages.GATEWAY_ID, plan.senderId(), null);
        toQueue.add(new DeliveryRelay.Pending(report.trackingId(), plan.senderId()));
        log.info(
                "Message {} could not be routed: {}",
                plan.trackingId(),
                problem.code().code());
    }

    private static boolean lockUnrouted(Connection connection, String trackingId) throws SQLException {
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT routed_at FROM message WHERE tracking_id = ? FOR UPDATE")) {
            lock.setString(1, trackingId);
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No stored message has tracking id " + trackingId);
                }
                return rs.getTimestamp(1) == null;
            }
        }
    }

    private void markRouted(Connection connection, RoutingPlan plan) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE message SET routed_at = ?, priority = ? WHERE tracking_id = ?")) {
            update.setTimestamp(1, Timestamp.from(now()));
            update.setString(2, priorityOf(plan.message()));
            update.setString(3, plan.trackingId());
            update.executeUpdate();
        }
    }

    private static String priorityOf(InterchangeMessage message) {
        var priority = message.getEnvelope().getPriority();
        return priority == null ? null : priority.value();
    }

    /** The outcome's decision as the spec's code ({@code accepted}, {@code declined}, ...). */
    static String decisionCode(OutcomeDecision decision) {
        if (decision.getAccepted() != null) return "accepted";
        if (decision.getDeclined() != null) return "declined";
        if (decision.getMoreInformationNeeded() != null) return "more-information-needed";
        if (decision.getNoFurtherAction() != null) return "no-further-action";
        if (decision.getTransferred() != null) return "transferred";
        throw new IllegalArgumentException("The outcome has no decision");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
