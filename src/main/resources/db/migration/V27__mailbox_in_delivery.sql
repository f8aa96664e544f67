-- The mailbox state moves into the delivery row (decision 0015, issue #8). The mailbox table was a 1:1 companion of
-- the delivery row of a mailbox-mode recipient and held nothing that row could not: every store and acknowledgement
-- wrote two rows, and on H2 (copy-on-write B-trees) every commit rewrote the tail pages of the mailbox table's four
-- maps (table, primary key, the foreign key's index, the recipient index), about 12 % of the bytes each commit wrote.
-- available_at: when the mailbox consumer stored the message (NULL: not in the recipient's mailbox, as for every
-- delivery pushed to its recipient); acknowledged_at: when the recipient acknowledged it. Portable between H2
-- (MODE=PostgreSQL) and PostgreSQL. (A mailbox row without a delivery row cannot be listed or acknowledged, since
-- the gateway only stores routed deliveries; none is carried over.)
ALTER TABLE delivery ADD COLUMN available_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE delivery ADD COLUMN acknowledged_at TIMESTAMP WITH TIME ZONE;
UPDATE delivery
   SET available_at = (SELECT b.available_at FROM mailbox b
                        WHERE b.tracking_id = delivery.tracking_id AND b.recipient_id = delivery.recipient_id),
       acknowledged_at = (SELECT b.acknowledged_at FROM mailbox b
                           WHERE b.tracking_id = delivery.tracking_id AND b.recipient_id = delivery.recipient_id)
 WHERE EXISTS (SELECT 1 FROM mailbox b
                WHERE b.tracking_id = delivery.tracking_id AND b.recipient_id = delivery.recipient_id);
-- The mailbox listing: a recipient's unacknowledged messages in the order they became available (decision 0014).
CREATE INDEX ix_delivery_mailbox ON delivery (recipient_id, acknowledged_at, available_at);
DROP TABLE mailbox;
