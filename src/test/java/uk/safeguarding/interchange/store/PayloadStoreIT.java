package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.testsupport.PayloadRows;

/** The insert-only {@code payload} table (decision 0009) on a real, Flyway-migrated H2 file database. */
class PayloadStoreIT {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
    private static final byte[] ACCEPTED = utf8("<InterchangeMessage>accepted</InterchangeMessage>");
    private static final byte[] ACK = utf8("ack");
    private static final byte[] ROUTED = utf8("<InterchangeMessage>routed</InterchangeMessage>");

    @TempDir
    Path tmp;

    Database database;
    PayloadStore payloads;

    @BeforeEach
    void start() {
        database = Database.open(
                "jdbc:h2:file:" + tmp.resolve("db/test") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", 2);
        payloads = new PayloadStore(new MasterKey(new byte[32]), RetentionPolicy.from(new Properties()));
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void keepsEveryKindOfAMessageAndDeliversTheRoutedDocument() throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            store(c, "t-1", true);

            assertThat(payloads.read(c, "t-1", PayloadKind.CANONICAL_XML)).hasValue(ACCEPTED);
            assertThat(payloads.read(c, "t-1", PayloadKind.ACK_PAYLOAD)).hasValue(ACK);
            assertThat(payloads.read(c, "t-1", PayloadKind.ROUTED_XML)).hasValue(ROUTED);
            assertThat(payloads.readRouted(c, "t-1")).hasValue(ROUTED);
            assertThat(payloads.read(c, "unknown", PayloadKind.CANONICAL_XML)).isEmpty();
        }
    }

    @Test
    void neverReplacesAPayload() throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            store(c, "t-1", true);
            PayloadStore.PayloadKey key = payloads.key(c, "t-1").orElseThrow();

            assertThatThrownBy(() -> payloads.insert(c, key, PayloadKind.ROUTED_XML, utf8("<other/>")))
                    .isInstanceOf(SQLException.class);
            assertThat(payloads.readRouted(c, "t-1")).hasValue(ROUTED);
        }
    }

    @Test
    void storesNoPayloadWithoutItsMessage() throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            PayloadStore.Sealed orphan = payloads.seal("t-none", Map.of(PayloadKind.ROUTED_XML, ROUTED));

            assertThatThrownBy(() -> payloads.store(c, orphan)).isInstanceOf(SQLException.class);
            assertThat(PayloadRows.kinds(c, "t-none")).isEmpty();
        }
    }

    @Test
    void readsTheCanonicalDocumentAsRoutedForAMessageRoutedBeforeThePayloadTable() throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            store(c, "t-1", false);

            assertThat(payloads.read(c, "t-1", PayloadKind.ROUTED_XML)).isEmpty();
            assertThat(payloads.readRouted(c, "t-1")).hasValue(ACCEPTED);
        }
    }

    @Test
    void aCiphertextCannotBeReadAsAnotherKind() throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            store(c, "t-1", true);
            execute(
                    c,
                    "UPDATE payload SET content = (SELECT content FROM payload WHERE tracking_id = 't-1'"
                            + " AND kind = 'canonical_xml') WHERE tracking_id = 't-1' AND kind = 'routed_xml'");

            assertThatThrownBy(() -> payloads.readRouted(c, "t-1")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void erasureMakesEveryKindUnreadableAndKeepsTheCiphertexts() throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            store(c, "t-1", true);
            store(c, "t-2", true);
        }
        PayloadErasure erasure = new PayloadErasure(database.dataSource(), new LedgerAppender(CLOCK), CLOCK);

        assertThat(erasure.erase("t-1", PayloadErasure.RETENTION)).isTrue();

        try (Connection c = database.dataSource().getConnection()) {
            for (PayloadKind kind : PayloadKind.values()) {
                assertThat(payloads.read(c, "t-1", kind)).as(kind.name()).isEmpty();
            }
            assertThat(payloads.readRouted(c, "t-1")).isEmpty();
            assertThat(PayloadRows.kinds(c, "t-1")).containsExactly("ack_payload", "canonical_xml", "routed_xml");
            assertThat(payloads.readRouted(c, "t-2"))
                    .as("another message is untouched")
                    .hasValue(ROUTED);
        }
        assertThat(erasure.erase("t-1", PayloadErasure.RETENTION)).isFalse();
    }

    /** A message as intake and routing store it ({@code routed}), or as stored before V21 (canonical_xml only). */
    private void store(Connection c, String trackingId, boolean routed) throws SQLException {
        c.setAutoCommit(false);
        PayloadStore.Sealed sealed =
                payloads.seal(trackingId, Map.of(PayloadKind.CANONICAL_XML, ACCEPTED, PayloadKind.ACK_PAYLOAD, ACK));
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO message (tracking_id, sender_id, sender_message_id, content_sha256, event, received_at, "
                        + PayloadStore.KEY_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, "urn:interchange:school:100001");
            insert.setString(3, "msg-" + trackingId);
            insert.setString(4, "0".repeat(64));
            insert.setString(5, "safeguarding-referral");
            insert.setTimestamp(6, Timestamp.from(CLOCK.instant()));
            payloads.bindKey(insert, 7, sealed, "safeguarding-referral", CLOCK.instant());
            insert.executeUpdate();
        }
        payloads.store(c, sealed);
        c.commit();
        if (routed) {
            payloads.insert(c, payloads.key(c, trackingId).orElseThrow(), PayloadKind.ROUTED_XML, ROUTED);
            c.commit();
        }
        c.setAutoCommit(true);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
