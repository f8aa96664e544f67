-- Routing and delivery (spec sections 8 and 9). Portable between H2 (MODE=PostgreSQL) and PostgreSQL.

-- When routing committed its decision for a message (NULL: not routed yet); a redelivered routing message for a
-- routed message changes nothing. derived_from: the message a gateway-derived message (a minimised Operation
-- Encompass notification) was made from. priority: copied from the canonical envelope for mailbox listings.
ALTER TABLE message ADD COLUMN routed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE message ADD COLUMN derived_from VARCHAR(64);
ALTER TABLE message ADD COLUMN priority VARCHAR(16);

-- One row per (message, recipient): the state machine of spec section 9. Every change of state is also a ledger
-- entry, written in the same transaction. last_error holds an error code, never free text.
CREATE TABLE delivery (
    tracking_id   VARCHAR(64)              NOT NULL REFERENCES message (tracking_id),
    recipient_id  VARCHAR(255)             NOT NULL,
    role          VARCHAR(16)              NOT NULL,
    state         VARCHAR(32)              NOT NULL,
    outcome       VARCHAR(32),
    attempts      INT                      NOT NULL DEFAULT 0,
    last_error    VARCHAR(16),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- Set once the (tracking id, recipient) message is on the recipient's queue; NULL rows are relayed.
    queued_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_delivery PRIMARY KEY (tracking_id, recipient_id)
);
CREATE INDEX ix_delivery_unqueued ON delivery (queued_at, created_at);
CREATE INDEX ix_delivery_recipient ON delivery (recipient_id);

-- The mailbox store, fed by the per-recipient queue consumers (transacted JMS + this table, idempotent by key).
CREATE TABLE mailbox (
    tracking_id      VARCHAR(64)              NOT NULL REFERENCES message (tracking_id),
    recipient_id     VARCHAR(255)             NOT NULL,
    available_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_mailbox PRIMARY KEY (tracking_id, recipient_id)
);
CREATE INDEX ix_mailbox_recipient ON mailbox (recipient_id, acknowledged_at, available_at);
