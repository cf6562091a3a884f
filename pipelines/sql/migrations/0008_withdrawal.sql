-- Publications withdrawn by the Commissioner's role: the public side went back to an earlier snapshot
-- (or to nothing published). The withdrawn snapshot file is kept; rows are only ever added.
CREATE TABLE snapshot_withdrawal (
    version          INTEGER PRIMARY KEY,  -- the snapshot withdrawn (snapshot.version)
    withdrawn_at     TIMESTAMP NOT NULL,   -- UTC
    withdrawn_by     VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,     -- published beside the notice on the public revisions page
    restored_version INTEGER               -- the snapshot the public reads again; NULL when none was left
);
