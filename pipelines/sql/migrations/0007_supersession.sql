-- Resubmissions: which months and measures each accepted return covered, and the refused files an
-- analyst marked withdrawn or superseded. A refused file stops blocking a month once a later accepted
-- file covers its months and measures, or once it is marked; neither table is ever updated or deleted.

-- Every (month, measure) an accepted return held, changed or not: figure_revision keeps only the
-- figures a file changed, so a resubmission that repeats accepted values would otherwise cover nothing.
CREATE TABLE file_coverage (
    file_id  INTEGER NOT NULL,   -- an accepted file (file_registry)
    period   DATE NOT NULL,      -- the first day of the month
    measure  VARCHAR NOT NULL,
    figures  INTEGER NOT NULL,   -- how many figures (districts) it held for that month and measure
    PRIMARY KEY (file_id, period, measure)
);

-- Files accepted before this table existed: the figures they changed are the best record there is.
INSERT INTO file_coverage
SELECT file_id, period, measure, CAST(count(*) AS INTEGER)
FROM figure_revision
GROUP BY file_id, period, measure;

-- A refused file marked by a person as withdrawn (the force took it back) or superseded (a later file
-- replaces it). A later marking of the same file is a new row; the latest is the one that counts.
CREATE SEQUENCE file_supersession_seq START 1;
CREATE TABLE file_supersession (
    supersession_id INTEGER PRIMARY KEY DEFAULT nextval('file_supersession_seq'),
    file_id         INTEGER NOT NULL,   -- the refused file (file_registry)
    state           VARCHAR NOT NULL,   -- withdrawn | superseded
    by_file_id      INTEGER,            -- the later file that replaces it, when one is named
    reason          VARCHAR NOT NULL,
    marked_by       VARCHAR NOT NULL,   -- the identity that marked it
    channel         VARCHAR NOT NULL,   -- app | cli | system, as in audit_event
    marked_at       TIMESTAMP NOT NULL  -- UTC
);
