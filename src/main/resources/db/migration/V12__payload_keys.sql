-- Per-message payload keys (spec section 10): message.canonical_xml and message.ack_payload are AES-256-GCM
-- ciphertexts under the message's data key; the data key is stored here wrapped (AES-GCM) by the gateway master key.
-- Erasure sets wrapped_key to NULL (crypto-shredding): the ciphertext stays but can never be read again; the
-- ledger, which never held the payload, stays verifiable.
CREATE TABLE payload_key (
    tracking_id   VARCHAR(64)              NOT NULL PRIMARY KEY REFERENCES message (tracking_id),
    wrapped_key   BYTEA,
    master_key_id VARCHAR(64)              NOT NULL,
    event         VARCHAR(64)              NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    retain_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    erased_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ix_payload_key_retention ON payload_key (erased_at, retain_until);
