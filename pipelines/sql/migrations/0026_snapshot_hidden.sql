-- The month figures each publication shows hidden (a small count, or a figure hidden with one so that it cannot be
-- worked out), with the marker the public reads in their place: recorded with the publication, in its
-- transaction. A correction of one is said to revise a figure the public read hidden, never a count it did not see.
-- Publications made before this table was kept have no rows here: their snapshot file says it.
CREATE TABLE snapshot_hidden (
    version  INTEGER NOT NULL,   -- snapshot.version
    period   DATE NOT NULL,
    district VARCHAR NOT NULL,   -- the area as published (a district, or the force)
    measure  VARCHAR NOT NULL,
    display  VARCHAR NOT NULL    -- the marker shown instead ("[c]")
);

-- The snapshot the public reads now: the latest published, or the one a withdrawal went back to (none when a
-- withdrawal left nothing published).
CREATE VIEW snapshot_in_force AS
SELECT version FROM (SELECT version, created_at AS made_at FROM snapshot
                     UNION ALL SELECT restored_version, withdrawn_at FROM snapshot_withdrawal)
ORDER BY made_at DESC
LIMIT 1;

-- The month figures the publication the public reads now shows hidden.
CREATE VIEW published_hidden AS
SELECT h.period, h.district, h.measure, h.display
FROM snapshot_hidden h JOIN snapshot_in_force f ON f.version = h.version;
