-- A message's wrapped data key and retention deadline move into its message row (decision 0009, addition of session
-- 9; issue #8). payload_key was 1:1 with message; on H2 every commit that created messages rewrote the tail pages of
-- its two B-tree maps (the table and its primary key) besides message's own. event and created_at were copies of
-- message.event and message.received_at. Erasure sets wrapped_key to NULL and erased_at, as before.
ALTER TABLE message ADD COLUMN wrapped_key BYTEA;
ALTER TABLE message ADD COLUMN master_key_id VARCHAR(64);
ALTER TABLE message ADD COLUMN retain_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE message ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;
UPDATE message m SET
    wrapped_key = (SELECT k.wrapped_key FROM payload_key k WHERE k.tracking_id = m.tracking_id),
    master_key_id = (SELECT k.master_key_id FROM payload_key k WHERE k.tracking_id = m.tracking_id),
    retain_until = (SELECT k.retain_until FROM payload_key k WHERE k.tracking_id = m.tracking_id),
    erased_at = (SELECT k.erased_at FROM payload_key k WHERE k.tracking_id = m.tracking_id)
WHERE EXISTS (SELECT 1 FROM payload_key k WHERE k.tracking_id = m.tracking_id);
CREATE INDEX ix_message_retention ON message (erased_at, retain_until);
DROP TABLE payload_key;
