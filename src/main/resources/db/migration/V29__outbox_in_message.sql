-- The transactional outbox becomes a column of the message row (issue #8, session 9). The outbox held one row per
-- accepted message (its recipient and destination columns were always the gateway and the routing queue): on H2 each
-- commit that accepted messages rewrote the tail pages of its four B-tree maps (the table, the index of its foreign
-- key, its unique key and the unpublished index). Now message.published_at is NULL while an accepted message waits to
-- be handed to routing; gateway-originated messages are born routed and are stored with it set.
ALTER TABLE message ADD COLUMN published_at TIMESTAMP WITH TIME ZONE;
UPDATE message m SET published_at = COALESCE(
    (SELECT o.published_at FROM outbox o WHERE o.tracking_id = m.tracking_id),
    CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.tracking_id = m.tracking_id) THEN NULL ELSE m.received_at END);
CREATE INDEX ix_message_unpublished ON message (published_at, received_at);
DROP TABLE outbox;
