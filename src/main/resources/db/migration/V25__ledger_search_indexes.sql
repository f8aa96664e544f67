-- The auditors' searches (LedgerReader.searchStatement) read a page of an index in seq order and stop. H2 only reads
-- an index in seq order, and stops early, when seq is one of its columns: with (actor), (counterparty) or (event)
-- alone it read every entry of that organisation or event and sorted them; asked for actor OR counterparty, it read
-- the ledger from afterSeq on.
DROP INDEX ix_ledger_actor;
CREATE INDEX ix_ledger_actor ON ledger_entry (actor, seq);
DROP INDEX ix_ledger_counterparty;
CREATE INDEX ix_ledger_counterparty ON ledger_entry (counterparty, seq);
DROP INDEX ix_ledger_event;
CREATE INDEX ix_ledger_event ON ledger_entry (event, seq);
