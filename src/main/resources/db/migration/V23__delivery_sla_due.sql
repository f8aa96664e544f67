-- SLA deadlines stored per delivery (spec section 9), so that the sla-timer reads only what is due instead of every
-- delivery still ROUTED or DELIVERED (a full scan growing without bound: deliveries stay DELIVERED for ever).
-- Portable between H2 (MODE=PostgreSQL) and PostgreSQL.
--
-- sla_deadline, sla_awaits: the config/sla.yaml deadline of the delivery's message and the state it awaits
--   (DELIVERED or OUTCOME), set only when the rule concerns this delivery (an OUTCOME rule: primary recipients only);
--   NULL: no service level. Computed by the gateway (sla.SlaPolicy), never by SQL.
-- sla_due_at: sla_deadline while the delivery still awaits it and was not escalated; NULL otherwise (met, escalated,
--   failed, withdrawn...), so ix_delivery_sla_due holds only deliveries the timer may still have to escalate.
ALTER TABLE delivery ADD COLUMN sla_deadline TIMESTAMP WITH TIME ZONE;
ALTER TABLE delivery ADD COLUMN sla_awaits VARCHAR(16);
ALTER TABLE delivery ADD COLUMN sla_due_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX ix_delivery_sla_due ON delivery (sla_due_at);

-- The fingerprint of the SLA policy whose deadlines the delivery rows hold (one row, id 1). Empty after this
-- migration: the first start computes the deadlines of the deliveries routed before it; a start with a changed
-- config/sla.yaml recomputes them (delivery.SlaDue).
CREATE TABLE sla_policy_applied (
    id          INT                      NOT NULL,
    fingerprint VARCHAR(64)              NOT NULL,
    applied_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_sla_policy_applied PRIMARY KEY (id)
);
