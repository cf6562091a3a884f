-- Breakdowns: a measure's figure for a district and month broken down by a declared dimension
-- (pipelines/reference/dimensions.yaml), one value per category. Kept apart from figure_revision, whose key
-- (period, district, measure) is one total: the parts add up to that total and never stand in for it.
-- As for figures, every value ever accepted is kept with the cell it came from; the highest revision of a
-- (period, district, measure, dimension, category) is current, and nothing here is updated or deleted.
CREATE TABLE figure_breakdown_revision (
    period        DATE NOT NULL,     -- the first day of the month
    district      VARCHAR NOT NULL,
    measure       VARCHAR NOT NULL,  -- the measure broken down
    dimension     VARCHAR NOT NULL,  -- a dimension id of dimensions.yaml
    category      VARCHAR NOT NULL,  -- one of that dimension's value ids
    revision      INTEGER NOT NULL,  -- 1 for the first value, then 2, 3, ...
    value         DOUBLE NOT NULL,
    previous_value DOUBLE,           -- the value this revision replaced (NULL for revision 1)
    file_id       INTEGER NOT NULL,  -- the file it came from (file_registry)
    source_sheet  VARCHAR,           -- XLSX sheet, NULL for CSV
    source_row    INTEGER NOT NULL,  -- row as a spreadsheet numbers it (the header is row 1)
    source_column VARCHAR,           -- the column the value was read from
    category_text VARCHAR,           -- the category as the file wrote it
    loaded_at     TIMESTAMP NOT NULL
);

-- The current breakdowns: the latest revision of each category.
CREATE VIEW figure_breakdown AS
SELECT *
FROM figure_breakdown_revision
QUALIFY revision = max(revision) OVER (PARTITION BY period, district, measure, dimension, category);

-- Which breakdowns each accepted file sent, by month: a breakdown sent one month and not the next is told
-- apart from one sent with every category at nought.
CREATE TABLE breakdown_coverage (
    file_id    INTEGER NOT NULL,  -- an accepted file (file_registry)
    period     DATE NOT NULL,
    measure    VARCHAR NOT NULL,
    dimension  VARCHAR NOT NULL,
    categories INTEGER NOT NULL,  -- how many (district, category) values it held for that month
    PRIMARY KEY (file_id, period, measure, dimension)
);
