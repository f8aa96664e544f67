package uk.safeguarding.interchange.broker;

import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.delivery.DeliveryQueue;
import uk.safeguarding.interchange.directory.DeliveryMode;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.directory.OrganisationKind;

/**
 * One consumer route per recipient queue, made from the route template {@value #TEMPLATE} in
 * routes/mailbox-delivery.yaml (a timer route that has {@link MailboxQueues} store the queue's deliveries in batches)
 * for every organisation in the directory that can receive messages and uses the {@code mailbox} mode, and from
 * {@value #PUSH_TEMPLATE} (routes/push-delivery.yaml, a JMS route) for the push modes. {@link #sync()} adds routes for
 * organisations that appeared since (after a directory reload); routes of removed organisations stay (their queued
 * messages still reach the mailbox store). A consumer keeps the template it was made with until restart. Thread-safe.
 */
public final class DeliveryConsumers {
    /** The route template's id. */
    public static final String TEMPLATE = "mailbox-delivery";
    /** The push modes' route template (routes/push-delivery.yaml). */
    public static final String PUSH_TEMPLATE = "push-delivery";

    private static final Logger log = LoggerFactory.getLogger(DeliveryConsumers.class);
    private static final Set<OrganisationKind> NEVER_RECEIVE =
            Set.of(OrganisationKind.AUDITOR, OrganisationKind.GATEWAY, OrganisationKind.SYSTEM);

    private final Supplier<Directory> directory;
    private volatile CamelContext context;

    public DeliveryConsumers(Supplier<Directory> directory) {
        this.directory = Objects.requireNonNull(directory);
    }

    /** Starts consumers for the current directory; call once Camel (and the template) is started. */
    public void attach(CamelContext context) {
        this.context = Objects.requireNonNull(context);
        sync();
    }

    /** Adds a consumer route for every receiving organisation that has none; returns how many it added. */
    public synchronized int sync() {
        CamelContext camel = context;
        if (camel == null) {
            return 0;
        }
        int added = 0;
        for (Organisation org : directory.get().organisations()) {
            if (NEVER_RECEIVE.contains(org.kind())) {
                continue;
            }
            String queue = DeliveryQueue.queueName(org.id());
            String routeId = "deliver-" + queue.substring(DeliveryQueue.PREFIX.length());
            if (camel.getRoute(routeId) != null) {
                continue;
            }
            String template = org.delivery().mode() == DeliveryMode.MAILBOX ? TEMPLATE : PUSH_TEMPLATE;
            try {
                TemplatedRouteBuilder.builder(camel, template)
                        .routeId(routeId)
                        .parameter("queue", queue)
                        .parameter("recipient", org.id())
                        .add();
                added++;
            } catch (RuntimeException e) {
                log.error("Cannot start the delivery consumer for {}: {}", org.id(), e.toString());
            }
        }
        if (added > 0) {
            log.info("Started {} delivery consumers", added);
        }
        return added;
    }
}
