-- The ledger's Merkle tree keeps only every fourth level of perfect subtree nodes (levels 4, 8, ...; decision 0004,
-- issue #8): level 0 is ledger_entry.leaf_hash, and the levels in between are computed from at most eight nodes of
-- the stored level below (ledger.LedgerNodes). The rows of the other levels are no longer read.
DELETE FROM ledger_node WHERE level = 0 OR MOD(level, 4) <> 0;
