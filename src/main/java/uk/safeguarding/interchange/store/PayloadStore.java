package uk.safeguarding.interchange.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-message payload encryption (spec §10, docs/operations.md "Payloads"): each message gets its own random AES-256
 * data key; the payload columns of {@code message} ({@link #CANONICAL_XML}, {@link #ACK_PAYLOAD}) hold AES-GCM
 * ciphertexts under it, bound to the tracking id and column; the data key is stored in {@code payload_key} wrapped
 * by the gateway {@link MasterKey}, with the message's retention deadline. Erasure ({@link PayloadErasure}) destroys
 * the wrapped key, after which the payload can never be decrypted (crypto-shredding) while the ledger, which only
 * holds hashes, stays verifiable. Works inside the caller's transaction. Thread-safe.
 */
public final class PayloadStore {
    /** The {@code message} column holding the canonical XML document. */
    public static final String CANONICAL_XML = "canonical_xml";
    /** The {@code message} column holding the acknowledgement sent to the sender. */
    public static final String ACK_PAYLOAD = "ack_payload";

    private final MasterKey masterKey;
    private final RetentionPolicy retention;

    public PayloadStore(MasterKey masterKey, RetentionPolicy retention) {
        this.masterKey = Objects.requireNonNull(masterKey);
        this.retention = Objects.requireNonNull(retention);
    }

    public RetentionPolicy retention() {
        return retention;
    }

    /** A new data key for a message, not yet stored: encrypt its payloads, then {@link #save} it. */
    public PayloadKey newKey(String trackingId) {
        return new PayloadKey(trackingId, PayloadCipher.newKey());
    }

    /**
     * Stores {@code key} wrapped, with the retention deadline for {@code eventCode} counted from {@code receivedAt},
     * in the caller's transaction (after the {@code message} row it belongs to).
     */
    public void save(Connection connection, PayloadKey key, String eventCode, Instant receivedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO payload_key (tracking_id, wrapped_key, master_key_id, event, created_at, retain_until)"
                        + " VALUES (?,?,?,?,?,?)")) {
            insert.setString(1, key.trackingId());
            insert.setBytes(2, masterKey.wrap(key.trackingId(), key.key));
            insert.setString(3, masterKey.id());
            insert.setString(4, eventCode);
            insert.setTimestamp(5, Timestamp.from(receivedAt));
            insert.setTimestamp(6, Timestamp.from(receivedAt.plus(retention.periodFor(eventCode))));
            insert.executeUpdate();
        }
    }

    /** The message's data key; empty when it was erased (or the message is unknown). */
    public Optional<PayloadKey> key(Connection connection, String trackingId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT wrapped_key, master_key_id FROM payload_key WHERE tracking_id = ?")) {
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
     * The decrypted content of a payload column of a message: empty when the message is unknown, the column empty, or
     * its key erased.
     *
     * @param column {@link #CANONICAL_XML} or {@link #ACK_PAYLOAD}
     */
    public Optional<byte[]> read(Connection connection, String trackingId, String column) throws SQLException {
        if (!column.equals(CANONICAL_XML) && !column.equals(ACK_PAYLOAD)) {
            throw new IllegalArgumentException("Not a payload column: " + column);
        }
        Optional<PayloadKey> key = key(connection, trackingId);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement query =
                connection.prepareStatement("SELECT " + column + " FROM message WHERE tracking_id = ?")) {
            query.setString(1, trackingId);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next() || rs.getBytes(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(key.get().decrypt(column, rs.getBytes(1)));
            }
        }
    }

    /** One message's data key (in memory only while in use). Thread-safe. */
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

        /** Encrypts the content of payload column {@code column}. */
        public byte[] encrypt(String column, byte[] plaintext) {
            return PayloadCipher.encrypt(key, context(column), plaintext);
        }

        /**
         * @throws IllegalArgumentException when the ciphertext was altered or belongs to another message or column
         */
        public byte[] decrypt(String column, byte[] ciphertext) {
            return PayloadCipher.decrypt(key, context(column), ciphertext);
        }

        private String context(String column) {
            return "interchange-payload/v1/" + trackingId + "/" + column;
        }

        @Override
        public String toString() {
            return "PayloadKey[" + trackingId + "]";
        }
    }
}
