-- The ledger's head: one row holding the next sequence number. Appenders lock it (SELECT ... FOR UPDATE) in
-- the same transaction as their entry, so sequence numbers are gap-free and in commit order.
CREATE TABLE ledger_head (
    id        INT    NOT NULL PRIMARY KEY,
    next_seq  BIGINT NOT NULL
);
INSERT INTO ledger_head (id, next_seq) VALUES (1, 0);

-- Which binding a message came in on (its stored acknowledgement is in that binding's form) and which
-- authenticated system submitted it (a vendor system acting for the sender).
ALTER TABLE message ADD COLUMN binding VARCHAR(16) NOT NULL DEFAULT 'fhir';
ALTER TABLE message ADD COLUMN submitted_by VARCHAR(255) NOT NULL DEFAULT '';
