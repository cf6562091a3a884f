-- Approval and publication of months, analysts' data-quality flags, and the published snapshots.
-- (0003 is police.uk open data.)

-- Each month's place on the way to the public: draft -> approved -> published. A month is published
-- as its figures stood when it was approved; a later revision needs a new approval.
CREATE TABLE period_status (
    period           DATE PRIMARY KEY,
    status           VARCHAR NOT NULL,   -- approved | published (a month with no row is a draft)
    approved_by      VARCHAR,
    approved_at      TIMESTAMP,
    published_at     TIMESTAMP,          -- first publication
    last_published_at TIMESTAMP,         -- the latest snapshot that carried it
    snapshot_version INTEGER
);

-- Every approval and publication, in order, with who did it.
CREATE SEQUENCE publication_event_seq START 1;
CREATE TABLE publication_event (
    event_id INTEGER PRIMARY KEY DEFAULT nextval('publication_event_seq'),
    period   DATE,
    action   VARCHAR NOT NULL,   -- approved | published | refused
    by_user  VARCHAR NOT NULL,
    acted_at TIMESTAMP NOT NULL,
    note     VARCHAR
);

-- An analyst's data-quality flag on a figure, a district's month, or a whole file. It follows the
-- figure wherever it is shown until resolved; a blocking flag stops its month being approved.
CREATE SEQUENCE flag_id_seq START 1;
CREATE TABLE figure_flag (
    flag_id         INTEGER PRIMARY KEY DEFAULT nextval('flag_id_seq'),
    scope           VARCHAR NOT NULL,  -- figure | district_month | file
    period          DATE,
    district        VARCHAR,
    measure         VARCHAR,
    file_id         INTEGER,
    reason          VARCHAR NOT NULL,
    blocking        BOOLEAN NOT NULL DEFAULT false,
    raised_by       VARCHAR NOT NULL,
    raised_at       TIMESTAMP NOT NULL,
    resolved_by     VARCHAR,
    resolved_at     TIMESTAMP,
    resolution_note VARCHAR
);

-- The immutable published snapshots, newest last; the public side reads the one `current` names.
CREATE TABLE snapshot (
    version    INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    file_name  VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    periods    INTEGER NOT NULL,
    figures    INTEGER NOT NULL
);
