-- The auditors' search indexes move off the ledger's write path (issue #8, session 11; decision 0016). Every ledger
-- append updated five search indexes on ledger_entry (actor, counterparty, event, sender's message id, time): on H2
-- 22 % of the bytes each commit wrote at 50 referrals/s (`bench h2-pages`), each index a leaf page per commit.
-- ledger_search holds the searched columns of every entry below ledger_search_head.next_seq with those indexes; the
-- ledgerSearchIndex bean copies new entries into it in one transaction about once a second (many entries per leaf
-- page). LedgerReader.search reads entries below the head through it and the entries at or above the head, at most
-- a second's worth, from ledger_entry by seq, so a search still sees every committed entry. ledger_entry keeps its
-- tracking id index (a message's trail and status are read by it on the hot path).
CREATE TABLE ledger_search (
    seq               BIGINT                   NOT NULL PRIMARY KEY,
    ts                TIMESTAMP WITH TIME ZONE NOT NULL,
    event             VARCHAR(64)              NOT NULL,
    sender_message_id VARCHAR(255),
    actor             VARCHAR(255)             NOT NULL,
    counterparty      VARCHAR(255)
);
INSERT INTO ledger_search (seq, ts, event, sender_message_id, actor, counterparty)
    SELECT seq, ts, event, sender_message_id, actor, counterparty FROM ledger_entry;
CREATE TABLE ledger_search_head (
    id       INT    NOT NULL PRIMARY KEY,
    next_seq BIGINT NOT NULL
);
INSERT INTO ledger_search_head (id, next_seq) SELECT 1, COALESCE(MAX(seq) + 1, 0) FROM ledger_entry;
DROP INDEX ix_ledger_actor;
DROP INDEX ix_ledger_counterparty;
DROP INDEX ix_ledger_event;
DROP INDEX ix_ledger_sender_message;
DROP INDEX ix_ledger_ts;
CREATE INDEX ix_ledger_search_actor ON ledger_search (actor, seq);
CREATE INDEX ix_ledger_search_counterparty ON ledger_search (counterparty, seq);
CREATE INDEX ix_ledger_search_event ON ledger_search (event, seq);
CREATE INDEX ix_ledger_search_sender_message ON ledger_search (sender_message_id);
CREATE INDEX ix_ledger_search_ts ON ledger_search (ts);
