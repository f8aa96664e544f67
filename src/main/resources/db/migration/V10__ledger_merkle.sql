-- The ledger's Merkle tree (RFC 9162, decision 0004), served from the database. Portable between H2
-- (MODE=PostgreSQL) and PostgreSQL.

-- The leaf hash recorded at append time (SHA-256(0x00 || canonical entry)) and the entry's reason token.
-- Existing rows (none outside development) would have no leaf hash: the appender refuses to extend such a ledger.
ALTER TABLE ledger_entry ADD COLUMN leaf_hash BYTEA;
ALTER TABLE ledger_entry ADD COLUMN reason VARCHAR(128);
CREATE INDEX ix_ledger_actor ON ledger_entry (actor);
CREATE INDEX ix_ledger_counterparty ON ledger_entry (counterparty);
CREATE INDEX ix_ledger_sender_message ON ledger_entry (sender_message_id);
CREATE INDEX ix_ledger_event ON ledger_entry (event);

-- Perfect subtree hashes: MTH over leaves [idx * 2^level, (idx + 1) * 2^level). Written once, in the append's
-- transaction, never updated: about two rows per entry. Level 0 rows are the leaf hashes.
CREATE TABLE ledger_node (
    level  INT    NOT NULL,
    idx    BIGINT NOT NULL,
    hash   BYTEA  NOT NULL,
    CONSTRAINT pk_ledger_node PRIMARY KEY (level, idx)
);
