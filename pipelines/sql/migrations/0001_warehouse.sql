-- The warehouse's first shape: the file registry, figures with their revisions, and the problems
-- of files that were refused.

-- Every file offered to `pccdash ingest`, accepted or not. A file is known by its sha256.
CREATE SEQUENCE file_id_seq START 1;
CREATE TABLE file_registry (
    file_id           INTEGER PRIMARY KEY DEFAULT nextval('file_id_seq'),
    sha256            VARCHAR NOT NULL,
    name              VARCHAR NOT NULL,   -- the file's name as received, without its folder
    path              VARCHAR,            -- where it was read from, for the analyst
    size_bytes        BIGINT NOT NULL,
    received_at       TIMESTAMP NOT NULL, -- when this attempt to load it began (UTC)
    loaded_by         VARCHAR,            -- the operating-system user who ran the load
    file_type         VARCHAR,            -- csv | xlsx
    layout            VARCHAR,            -- long | wide
    encoding          VARCHAR,            -- utf-8 | utf-8-sig | cp1252
    rows_read         INTEGER NOT NULL DEFAULT 0,  -- figures read from the file
    figures_new       INTEGER NOT NULL DEFAULT 0,
    figures_revised   INTEGER NOT NULL DEFAULT 0,  -- figures that changed an earlier value
    figures_unchanged INTEGER NOT NULL DEFAULT 0,  -- figures sent again with the same value
    outcome           VARCHAR NOT NULL,   -- accepted | rejected
    message           VARCHAR             -- the first problem, for a rejected file
);

-- Every value ever accepted for a (period, district, measure). A correction adds a revision; the
-- highest revision is the current figure. Nothing here is updated or deleted.
CREATE TABLE figure_revision (
    period        DATE NOT NULL,     -- the first day of the month the figure is for
    district      VARCHAR NOT NULL,
    measure       VARCHAR NOT NULL,
    revision      INTEGER NOT NULL,  -- 1 for the first value, then 2, 3, ...
    value         DOUBLE NOT NULL,
    previous_value DOUBLE,           -- the value this revision replaced (NULL for revision 1)
    file_id       INTEGER NOT NULL,  -- the file it came from (file_registry)
    source_sheet  VARCHAR,           -- XLSX sheet, NULL for CSV
    source_row    INTEGER NOT NULL,  -- row as a spreadsheet numbers it (the header is row 1)
    source_column VARCHAR,           -- the column the value was read from
    note          VARCHAR,
    loaded_at     TIMESTAMP NOT NULL
);

-- The current figures: the latest revision of each (period, district, measure).
CREATE VIEW figure AS
SELECT *
FROM figure_revision
QUALIFY revision = max(revision) OVER (PARTITION BY period, district, measure);

-- What was wrong with a refused file, one row per problem found.
CREATE TABLE ingest_problem (
    file_id  INTEGER NOT NULL,
    sheet    VARCHAR,
    "row"    INTEGER,
    "column" VARCHAR,
    problem  VARCHAR NOT NULL
);
