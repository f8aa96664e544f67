-- Push delivery retries, dead letters and SLA escalation (spec section 9). Portable between H2 (MODE=PostgreSQL)
-- and PostgreSQL.

-- next_attempt_at: when a push delivery that failed transiently is due again (NULL: not waiting for a retry).
-- dead_lettered_at: when the delivery was given up (DELIVERY_FAILED) and parked; cleared by an operator's replay.
-- generation: 0, then one more per replay; part of the broker's duplicate-detection id of a replayed delivery.
-- escalated_at: when the SLA escalation for this delivery was sent (at most once).
ALTER TABLE delivery ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE delivery ADD COLUMN dead_lettered_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE delivery ADD COLUMN generation INT NOT NULL DEFAULT 0;
ALTER TABLE delivery ADD COLUMN escalated_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX ix_delivery_retry ON delivery (next_attempt_at);
CREATE INDEX ix_delivery_state ON delivery (state);

-- One row per delivery attempt of a push mode: what happened (an error code or OK), never response bodies.
CREATE TABLE delivery_attempt (
    tracking_id   VARCHAR(64)              NOT NULL,
    recipient_id  VARCHAR(255)             NOT NULL,
    attempt       INT                      NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    result        VARCHAR(16)              NOT NULL,
    http_status   INT,
    CONSTRAINT pk_delivery_attempt PRIMARY KEY (tracking_id, recipient_id, attempt)
);

-- Escalations whose contact is an e-mail address: picked up by an out-of-band notifier (sent_at set by it).
CREATE TABLE escalation_notice (
    id            VARCHAR(64)              NOT NULL PRIMARY KEY,
    tracking_id   VARCHAR(64)              NOT NULL,
    recipient_id  VARCHAR(255)             NOT NULL,
    contact       VARCHAR(320)             NOT NULL,
    deadline      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at       TIMESTAMP WITH TIME ZONE
);
