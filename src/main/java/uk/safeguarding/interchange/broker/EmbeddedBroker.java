package uk.safeguarding.interchange.broker;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Artemis broker: persistent journal under {@code <dataDir>/artemis/}, in-VM acceptor only (no
 * network port), duplicate-id cache persisted so duplicate detection survives a restart.
 *
 * <p>Security is off because only code in this JVM can reach an in-VM acceptor; adding a network acceptor
 * requires turning security on first (docs/operations.md). Not thread-safe for start/stop; {@link
 * #connectionFactory()} and {@link #isActive()} may be called from any thread.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** The in-VM URL of this broker; one embedded broker per JVM. */
    public static final String IN_VM_URL = "vm://0";

    public static final String DEAD_LETTER_ADDRESS = "DLQ";
    public static final String EXPIRY_ADDRESS = "ExpiryQueue";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final EmbeddedActiveMQ server;
    private final ActiveMQConnectionFactory connectionFactory;

    private EmbeddedBroker(EmbeddedActiveMQ server) {
        this.server = server;
        this.connectionFactory = new ActiveMQConnectionFactory(IN_VM_URL);
    }

    /** Artemis's default: production blocks when the journal's file system is more than this percent used. */
    public static final int DEFAULT_MAX_DISK_USAGE = 90;

    /** Starts a broker whose files live under {@code artemisDir} (created if absent), with the default disk limit. */
    public static EmbeddedBroker start(Path artemisDir) {
        return start(artemisDir, DEFAULT_MAX_DISK_USAGE);
    }

    /**
     * Starts a broker whose files live under {@code artemisDir} (created if absent).
     *
     * @param maxDiskUsage the percentage of the journal's file system beyond which the broker blocks every producer
     *     until space is freed ({@link #isStorageFull})
     */
    public static EmbeddedBroker start(Path artemisDir, int maxDiskUsage) {
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        Configuration configuration = configuration(artemisDir);
        configuration.setMaxDiskUsage(maxDiskUsage);
        server.setConfiguration(configuration);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("The embedded broker failed to start in " + artemisDir, e);
        }
        log.info("Embedded broker started (in-VM {}, journal {})", IN_VM_URL, artemisDir);
        return new EmbeddedBroker(server);
    }

    static Configuration configuration(Path artemisDir) {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("interchange");
        config.setPersistenceEnabled(true);
        // NIO works everywhere; AIO needs libaio and is a production tuning choice.
        config.setJournalType(JournalType.NIO);
        config.setJournalDirectory(artemisDir.resolve("journal").toString());
        config.setBindingsDirectory(artemisDir.resolve("bindings").toString());
        config.setPagingDirectory(artemisDir.resolve("paging").toString());
        config.setLargeMessagesDirectory(artemisDir.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(artemisDir.toString());
        config.setCreateJournalDir(true);
        config.setCreateBindingsDir(true);
        config.setJournalDatasync(true);
        config.setJournalSyncTransactional(true);
        config.setJournalSyncNonTransactional(true);
        config.setPersistIDCache(true);
        config.setIDCacheSize(100_000);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.setGracefulShutdownEnabled(false);
        try {
            config.addAcceptorConfiguration("in-vm", IN_VM_URL);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot configure the in-VM acceptor", e);
        }
        // One durable queue on each of the dead-letter and expiry addresses, made at start. (Auto-created
        // per-queue dead-letter resources were found not to exist when a message was dead-lettered: Artemis then
        // logged AMQ222148 and dropped the message.) A parked message keeps its origin in _AMQ_ORIG_QUEUE.
        for (String parking : new String[] {DEAD_LETTER_ADDRESS, EXPIRY_ADDRESS}) {
            config.addQueueConfiguration(QueueConfiguration.of(parking)
                    .setAddress(parking)
                    .setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true));
        }
        config.addAddressSetting(
                "#",
                new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                        .setExpiryAddress(SimpleString.of(EXPIRY_ADDRESS))
                        .setAutoCreateQueues(true)
                        .setAutoCreateAddresses(true)
                        // Keep auto-created durable queues (and their messages' routing) across idle periods.
                        .setAutoDeleteQueues(false)
                        .setAutoDeleteAddresses(false));
        return config;
    }

    /** A Jakarta JMS connection factory for this broker (in-VM). */
    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** True while the broker is started and active. */
    public boolean isActive() {
        var s = server.getActiveMQServer();
        return s != null && s.isStarted() && s.isActive();
    }

    /**
     * True while the broker blocks producers because its journal's file system is fuller than the limit given at start
     * (checked by the broker every few seconds): nothing accepted reaches routing or a recipient's queue until space is
     * freed.
     */
    public boolean isStorageFull() {
        var s = server.getActiveMQServer();
        return s != null && s.getPagingManager() != null && s.getPagingManager().isDiskFull();
    }

    @Override
    public void close() {
        connectionFactory.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("The embedded broker did not stop cleanly: {}", e.toString());
        }
        log.info("Embedded broker stopped");
    }
}
