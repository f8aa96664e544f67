-- The auditors' search by organisation (actor or counterparty) reads each of the two indexes in seq order and stops
-- after a page (LedgerReader.searchStatement). H2 only reads an index in seq order, and stops early, when seq is one of
-- its columns: with (actor) alone it read every entry of the organisation and sorted them; asked with OR, it read the
-- ledger from afterSeq on.
DROP INDEX ix_ledger_actor;
CREATE INDEX ix_ledger_actor ON ledger_entry (actor, seq);
DROP INDEX ix_ledger_counterparty;
CREATE INDEX ix_ledger_counterparty ON ledger_entry (counterparty, seq);
