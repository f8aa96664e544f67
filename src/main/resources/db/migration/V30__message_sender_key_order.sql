-- One index for a sender's message id instead of two (issue #8, session 10). The idempotency key was
-- UNIQUE (sender_id, sender_message_id), and V24 added ix_message_sender_message (sender_message_id) for follow-ups
-- that name an earlier message by its sender's id alone. Senders choose their message ids (usually random UUIDs), so
-- each of the two B-trees took every new message at a random place: on H2 each commit rewrote a leaf page of both
-- for nearly every message it accepted (13 % of a commit's page bytes flat out, `bench h2-pages`). With the columns
-- in the other order the unique key's own index answers both lookups (by sender's id alone, and by sender and id),
-- and nothing reads messages by sender_id alone.
ALTER TABLE message DROP CONSTRAINT uq_message_sender_id;
ALTER TABLE message ADD CONSTRAINT uq_message_sender_id UNIQUE (sender_message_id, sender_id);
DROP INDEX ix_message_sender_message;
