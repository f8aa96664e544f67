package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.testsupport.MigratedTo;

/**
 * Migrations V21, V28 and V29 on a database holding messages of the old shape (payloads in {@code message.canonical_xml}
 * and {@code message.ack_payload}, keys in {@code payload_key}, outbox rows): one routed (its canonical_xml is the routed document, routing wrote over the
 * accepted one) and one still waiting for routing. Run on H2 ({@link DatabaseTest}) and PostgreSQL
 * ({@link MigrationsOnPostgresIT}) against an empty database.
 */
final class OldPayloadColumnsMigration {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
    private static final Instant RETAIN_UNTIL = Instant.parse("2033-11-21T09:00:00Z");
    private static final MasterKey MASTER_KEY = new MasterKey(new byte[32]);
    private static final byte[] ROUTED = utf8("<InterchangeMessage>routed to la 850</InterchangeMessage>");
    private static final byte[] ACCEPTED = utf8("<InterchangeMessage>as accepted</InterchangeMessage>");
    private static final byte[] ROUTED_NOW = utf8("<InterchangeMessage>routed after the upgrade</InterchangeMessage>");

    private OldPayloadColumnsMigration() {}

    static void run(String jdbcUrl, String user, String password) throws Exception {
        PayloadStore payloads = new PayloadStore(MASTER_KEY, RetentionPolicy.from(new Properties()));
        MigratedTo.version("20", jdbcUrl, user, password);
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            insertOldShape(c, payloads, "old-routed", true, ROUTED, utf8("ack 1"));
            insertOldShape(c, payloads, "old-unrouted", false, ACCEPTED, utf8("ack 2"));
            insertOutboxRow(c, "old-routed", CLOCK.instant());
            insertOutboxRow(c, "old-unrouted", null);
        }

        try (Database db = Database.open(jdbcUrl, user, password, 2);
                Connection c = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> c.prepareStatement("SELECT canonical_xml FROM message")
                            .executeQuery())
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() ->
                            c.prepareStatement("SELECT 1 FROM payload_key").executeQuery())
                    .as("V28 moved the keys into the message rows")
                    .isInstanceOf(SQLException.class);
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT retain_until, erased_at FROM message WHERE tracking_id = ?")) {
                ps.setString(1, "old-routed");
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getTimestamp(1).toInstant()).isEqualTo(RETAIN_UNTIL);
                    assertThat(rs.getTimestamp(2)).isNull();
                }
            }
            try (var rs = c.createStatement()
                    .executeQuery("SELECT tracking_id, published_at FROM message ORDER BY tracking_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getTimestamp(2))
                        .as("V29: published, as its outbox row was")
                        .isNotNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("old-unrouted");
                assertThat(rs.getTimestamp(2))
                        .as("V29: still to be handed to routing")
                        .isNull();
            }
            assertThat(payloads.read(c, "old-routed", PayloadKind.ACK_PAYLOAD)).hasValue(utf8("ack 1"));
            assertThat(payloads.read(c, "old-unrouted", PayloadKind.ACK_PAYLOAD))
                    .hasValue(utf8("ack 2"));
            assertThat(payloads.readRouted(c, "old-routed"))
                    .as("delivered as before")
                    .hasValue(ROUTED);
            assertThat(payloads.read(c, "old-unrouted", PayloadKind.CANONICAL_XML))
                    .as("routing loads the accepted document")
                    .hasValue(ACCEPTED);

            // Routing it now inserts its routed document beside the accepted one (no conflict with migrated rows).
            payloads.insert(c, payloads.key(c, "old-unrouted").orElseThrow(), PayloadKind.ROUTED_XML, ROUTED_NOW);
            assertThat(payloads.readRouted(c, "old-unrouted")).hasValue(ROUTED_NOW);
            assertThat(payloads.read(c, "old-unrouted", PayloadKind.CANONICAL_XML))
                    .hasValue(ACCEPTED);

            PayloadErasure erasure = new PayloadErasure(db.dataSource(), new LedgerAppender(CLOCK), CLOCK);
            assertThat(erasure.erase("old-routed", "test")).isTrue();
            assertThat(erasure.erase("old-unrouted", "test")).isTrue();
            for (String id : new String[] {"old-routed", "old-unrouted"}) {
                for (PayloadKind kind : PayloadKind.values()) {
                    assertThat(payloads.read(c, id, kind)).as(id + " " + kind).isEmpty();
                }
                assertThat(payloads.readRouted(c, id)).as(id).isEmpty();
            }
        }
    }

    private static void insertOldShape(
            Connection c, PayloadStore payloads, String trackingId, boolean routed, byte[] document, byte[] ack)
            throws SQLException {
        // The old columns used the same AES-GCM context as the kinds of the same name.
        PayloadStore.Sealed sealed =
                payloads.seal(trackingId, Map.of(PayloadKind.CANONICAL_XML, document, PayloadKind.ACK_PAYLOAD, ack));
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at,"
                        + " canonical_xml, ack_payload, routed_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, trackingId);
            ps.setString(2, "urn:interchange:school:100001");
            ps.setString(3, "msg-" + trackingId);
            ps.setString(4, "a".repeat(64));
            ps.setString(5, "safeguarding-referral");
            ps.setTimestamp(6, Timestamp.from(CLOCK.instant()));
            ps.setBytes(7, sealed.ciphertexts().get(PayloadKind.CANONICAL_XML));
            ps.setBytes(8, sealed.ciphertexts().get(PayloadKind.ACK_PAYLOAD));
            ps.setTimestamp(9, routed ? Timestamp.from(CLOCK.instant()) : null);
            ps.executeUpdate();
        }
        // The wrapped key in its own table, as from V12 until V28 moved it into the message row.
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO payload_key (tracking_id, wrapped_key, master_key_id, event, created_at, retain_until)"
                        + " VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, trackingId);
            ps.setBytes(2, sealed.wrappedKey());
            ps.setString(3, MASTER_KEY.id());
            ps.setString(4, "safeguarding-referral");
            ps.setTimestamp(5, Timestamp.from(CLOCK.instant()));
            ps.setTimestamp(6, Timestamp.from(RETAIN_UNTIL));
            ps.executeUpdate();
        }
    }

    /** The outbox row acceptance wrote beside each message until V29 folded it into the message row. */
    private static void insertOutboxRow(Connection c, String trackingId, Instant publishedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (tracking_id, recipient_id, destination,"
                + " created_at, published_at) VALUES (?, 'gateway', 'interchange.routing', ?, ?)")) {
            ps.setString(1, trackingId);
            ps.setTimestamp(2, Timestamp.from(CLOCK.instant()));
            ps.setTimestamp(3, publishedAt == null ? null : Timestamp.from(publishedAt));
            ps.executeUpdate();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
