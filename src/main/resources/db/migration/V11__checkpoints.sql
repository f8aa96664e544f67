-- Signed checkpoints (C2SP tlog-checkpoint notes, Ed25519), all kept: auditors verify exports against several and
-- check consistency between them. One per tree size.
CREATE TABLE checkpoint (
    tree_size  BIGINT                   NOT NULL PRIMARY KEY,
    root_hash  BYTEA                    NOT NULL,
    issued_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    note       VARCHAR(4000)            NOT NULL
);
