-- Follow-ups that name an earlier message by its sender's id only (RoutingRules via MessageHistory.byRecipient:
-- "the message with this sender's id that was routed to me") were answered through ix_delivery_recipient: every
-- delivery ever routed to that recipient, joined to its message, then filtered. A local authority receives thousands
-- of messages a week, so each such follow-up read them all. The sender's message id is nearly unique: look it up
-- first, then check the delivery by its primary key. Nothing else reads deliveries by recipient alone.
CREATE INDEX ix_message_sender_message ON message (sender_message_id);
DROP INDEX ix_delivery_recipient;
