-- Payloads move out of the message row into an insert-only table (decision 0009). Portable between H2
-- (MODE=PostgreSQL) and PostgreSQL.
--
-- Why: routing used to UPDATE message.canonical_xml (several KB of ciphertext) and then routed_at; every such update
-- rewrote the whole row and copied the old one into the undo log. Payload rows are only ever inserted (and read), so
-- the message row that routing updates stays small.
--
-- kind is also the last part of the AES-GCM context of content ("interchange-payload/v1/<tracking id>/<kind>"), so
-- the old columns are copied under their own names and the ciphertexts stay readable as they are:
--   canonical_xml  the canonical document as intake accepted it (for messages routed before this migration: the
--                  routed document, which routing wrote over the accepted one)
--   ack_payload    the acknowledgement sent to the sender
--   routed_xml     the document as routed, with the recipients routing chose: what is delivered (new, no rows yet)
-- Erasure stays crypto-shredding: every kind of a message is encrypted under the one key in payload_key.
CREATE TABLE payload (
    tracking_id  VARCHAR(64)  NOT NULL REFERENCES message (tracking_id),
    kind         VARCHAR(32)  NOT NULL,
    content      BYTEA        NOT NULL,
    CONSTRAINT pk_payload PRIMARY KEY (tracking_id, kind)
);

INSERT INTO payload (tracking_id, kind, content)
    SELECT tracking_id, 'canonical_xml', canonical_xml FROM message WHERE canonical_xml IS NOT NULL;
INSERT INTO payload (tracking_id, kind, content)
    SELECT tracking_id, 'ack_payload', ack_payload FROM message WHERE ack_payload IS NOT NULL;

ALTER TABLE message DROP COLUMN canonical_xml;
ALTER TABLE message DROP COLUMN ack_payload;
