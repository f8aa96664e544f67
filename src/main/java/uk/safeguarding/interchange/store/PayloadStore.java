package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-message payload encryption (spec §10, docs/operations.md "Payloads", decision 0009): each message gets its own
 * random AES-256 data key; its payloads are rows of the insert-only {@code payload} table, one per
 * {@link PayloadKind}, each an AES-GCM ciphertext under that key bound to the tracking id and kind; the data key is
 * stored in the message's own row wrapped by the gateway {@link MasterKey}, with its retention deadline.
 * Erasure ({@link PayloadErasure}) destroys the wrapped key, after which no payload of the message can be decrypted
 * (crypto-shredding) while the ledger, which only holds hashes, stays verifiable.
 *
 * <p>The one place that knows the {@code payload} table: callers {@link #insert} and {@link #read}, never write
 * payload SQL. A payload is never updated: a second insert of the same kind fails. Works inside the caller's
 * transaction. Thread-safe.
 */
public final class PayloadStore {
    private final MasterKey masterKey;
    private final RetentionPolicy retention;

    public PayloadStore(MasterKey masterKey, RetentionPolicy retention) {
        this.masterKey = Objects.requireNonNull(masterKey);
        this.retention = Objects.requireNonNull(retention);
    }

    public RetentionPolicy retention() {
        return retention;
    }

    /**
     * A new message's payloads encrypted under a new data key, and that key wrapped, ready to {@link #store}. Made
     * before the transaction that stores them, so the cryptography runs outside a group commit's one-at-a-time part.
     */
    public record Sealed(String trackingId, byte[] wrappedKey, Map<PayloadKind, byte[]> ciphertexts) {
        public Sealed {
            Objects.requireNonNull(trackingId);
            Objects.requireNonNull(wrappedKey);
            ciphertexts = Collections.unmodifiableMap(new EnumMap<>(ciphertexts));
        }
    }

    /** Encrypts a new message's payloads under a new data key and wraps the key (no database access). */
    public Sealed seal(String trackingId, Map<PayloadKind, byte[]> plaintexts) {
        PayloadKey key = new PayloadKey(trackingId, PayloadCipher.newKey());
        Map<PayloadKind, byte[]> ciphertexts = new EnumMap<>(PayloadKind.class);
        plaintexts.forEach((kind, plaintext) -> ciphertexts.put(kind, key.encrypt(kind, plaintext)));
        return new Sealed(trackingId, masterKey.wrap(trackingId, key.key), ciphertexts);
    }

    /** The {@code message} columns that hold a message's payload key, in the order {@link #bindKey} sets them. */
    public static final String KEY_COLUMNS = "wrapped_key, master_key_id, retain_until";

    /**
     * Sets the {@link #KEY_COLUMNS} of a new message row's INSERT, from parameter {@code first}: the key {@link #seal}
     * wrapped, the master key's id, and the retention deadline for {@code eventCode} counted from {@code receivedAt}.
     * The key goes in with the row (no second statement updates it), so a message has one key from its first commit.
     *
     * @return the next parameter index
     */
    public int bindKey(PreparedStatement insert, int first, Sealed sealed, String eventCode, Instant receivedAt)
            throws SQLException {
        insert.setBytes(first, sealed.wrappedKey());
        insert.setString(first + 1, masterKey.id());
        insert.setTimestamp(first + 2, Timestamp.from(receivedAt.plus(retention.periodFor(eventCode))));
        return first + 3;
    }

    /**
     * Inserts the payloads {@link #seal} encrypted, in the caller's transaction, after the {@code message} row that
     * holds their key ({@link #bindKey}); a kind the message already has fails (payloads are never replaced).
     */
    public void store(Connection connection, Sealed sealed) throws SQLException {
        for (Map.Entry<PayloadKind, byte[]> payload : sealed.ciphertexts().entrySet()) {
            insertCiphertext(connection, sealed.trackingId(), payload.getKey(), payload.getValue());
        }
    }

    /** The message's data key; empty when it was erased (or the message is unknown). */
    public Optional<PayloadKey> key(Connection connection, String trackingId) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT wrapped_key, master_key_id FROM message WHERE tracking_id = ?")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next() || rs.getBytes(1) == null) {
                    return Optional.empty();
                }
                if (!masterKey.id().equals(rs.getString(2))) {
                    throw new SQLException("The payload key of a message is wrapped by another master key ("
                            + rs.getString(2) + "): configure that key to read it");
                }
                return Optional.of(new PayloadKey(trackingId, masterKey.unwrap(trackingId, rs.getBytes(1))));
            }
        }
    }

    /**
     * Encrypts {@code plaintext} under the message's {@code key} and inserts it as the message's payload of this kind,
     * in the caller's transaction (after the {@code message} row).
     *
     * @throws SQLException also when the message already has a payload of this kind (payloads are never replaced)
     */
    public void insert(Connection connection, PayloadKey key, PayloadKind kind, byte[] plaintext) throws SQLException {
        insertCiphertext(connection, key.trackingId(), kind, key.encrypt(kind, plaintext));
    }

    private static void insertCiphertext(Connection connection, String trackingId, PayloadKind kind, byte[] content)
            throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO payload (tracking_id, kind, content) VALUES (?,?,?)")) {
            insert.setString(1, trackingId);
            insert.setString(2, kind.code());
            insert.setBytes(3, content);
            insert.executeUpdate();
        }
    }

    /**
     * The decrypted payload of this kind of a message: empty when the message is unknown, has no such payload, or its
     * key was erased.
     */
    public Optional<byte[]> read(Connection connection, String trackingId, PayloadKind kind) throws SQLException {
        Optional<PayloadKey> key = key(connection, trackingId);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return ciphertext(connection, trackingId, kind).map(c -> key.get().decrypt(kind, c));
    }

    /**
     * The document to deliver of a routed message: {@link PayloadKind#ROUTED_XML}, or, for a message routed before
     * migration V21 (which has none), its {@link PayloadKind#CANONICAL_XML}, which routing then overwrote with the
     * routed document. Empty when the message is unknown or its key was erased. Only meaningful once the message is
     * routed (it has deliveries).
     */
    public Optional<byte[]> readRouted(Connection connection, String trackingId) throws SQLException {
        Optional<PayloadKey> key = key(connection, trackingId);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> routed = ciphertext(connection, trackingId, PayloadKind.ROUTED_XML)
                .map(c -> key.get().decrypt(PayloadKind.ROUTED_XML, c));
        if (routed.isPresent()) {
            return routed;
        }
        return ciphertext(connection, trackingId, PayloadKind.CANONICAL_XML)
                .map(c -> key.get().decrypt(PayloadKind.CANONICAL_XML, c));
    }

    private static Optional<byte[]> ciphertext(Connection connection, String trackingId, PayloadKind kind)
            throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT content FROM payload WHERE tracking_id = ? AND kind = ?")) {
            query.setString(1, trackingId);
            query.setString(2, kind.code());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /** One message's data key (in memory only while in use); {@link PayloadStore} encrypts with it. Thread-safe. */
    public static final class PayloadKey {
        private final String trackingId;
        private final byte[] key;

        private PayloadKey(String trackingId, byte[] key) {
            this.trackingId = Objects.requireNonNull(trackingId);
            this.key = key.clone();
            Arrays.fill(key, (byte) 0);
        }

        public String trackingId() {
            return trackingId;
        }

        byte[] encrypt(PayloadKind kind, byte[] plaintext) {
            return PayloadCipher.encrypt(key, context(kind), plaintext);
        }

        /**
         * @throws IllegalArgumentException when the ciphertext was altered or belongs to another message or kind
         */
        byte[] decrypt(PayloadKind kind, byte[] ciphertext) {
            return PayloadCipher.decrypt(key, context(kind), ciphertext);
        }

        private String context(PayloadKind kind) {
            return "interchange-payload/v1/" + trackingId + "/" + kind.code();
        }

        @Override
        public String toString() {
            return "PayloadKey[" + trackingId + "]";
        }
    }
}
