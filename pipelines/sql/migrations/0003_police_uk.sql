-- police.uk open data (street-level crime and outcomes files) as public context: every record with
-- the file and row it came from, and the monthly counts of each revision of a month.

-- Every record of every accepted police.uk file, typed. Nothing here is updated or deleted: when a
-- force republishes a month, the newer file's records are a new revision and the older ones stay, so
-- any figure of any revision traces to its rows.
CREATE TABLE police_uk_record (
    file_id      INTEGER NOT NULL,   -- the file it came from (file_registry)
    kind         VARCHAR NOT NULL,   -- street | outcomes
    source_row   INTEGER NOT NULL,   -- row as a spreadsheet numbers it (the header is row 1)
    crime_id     VARCHAR,            -- "Crime ID"; empty for anti-social behaviour
    period       DATE,               -- "Month" as its first day (street: month recorded; outcomes: month of the outcome)
    month_text   VARCHAR,            -- "Month" as written
    reported_by  VARCHAR,
    falls_within VARCHAR,
    longitude    DOUBLE,             -- an approximate (anonymised) map point; empty with no location
    latitude     DOUBLE,
    coordinates_text VARCHAR,        -- "Longitude, Latitude" as written when they are not a pair of numbers
    location     VARCHAR,
    lsoa_code    VARCHAR,
    lsoa_name    VARCHAR,
    crime_type   VARCHAR,            -- street only
    last_outcome VARCHAR,            -- street: "Last outcome category"
    outcome_type VARCHAR,            -- outcomes: "Outcome type"
    context      VARCHAR,
    district     VARCHAR NOT NULL    -- a district of the force, 'Outside force area' or 'No location'
);

-- Each load of a (kind, force, month): revision 1 when first loaded, 2, 3, ... when republished.
-- The highest revision is the current one.
CREATE TABLE police_uk_month (
    kind         VARCHAR NOT NULL,
    falls_within VARCHAR NOT NULL,
    period       DATE NOT NULL,
    revision     INTEGER NOT NULL,
    file_id      INTEGER NOT NULL,
    records      BIGINT NOT NULL,
    loaded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, falls_within, period, revision)
);

-- The monthly counts of each revision: records by district, crime type and outcome. For a street
-- file `outcome` is the last outcome category (empty for anti-social behaviour); for an outcomes file
-- crime_type is empty and `outcome` is the outcome type.
CREATE TABLE police_uk_count_revision (
    kind         VARCHAR NOT NULL,
    falls_within VARCHAR NOT NULL,
    period       DATE NOT NULL,
    revision     INTEGER NOT NULL,
    district     VARCHAR NOT NULL,
    crime_type   VARCHAR,
    outcome      VARCHAR,
    records      BIGINT NOT NULL
);

CREATE VIEW police_uk_month_current AS
SELECT *
FROM police_uk_month
QUALIFY revision = max(revision) OVER (PARTITION BY kind, falls_within, period);

-- The current counts: those of the latest revision of each month.
CREATE VIEW police_uk_count AS
SELECT c.*
FROM police_uk_count_revision c
JOIN police_uk_month_current m USING (kind, falls_within, period, revision);

-- Monthly counts by district and crime type (street files, current revisions).
CREATE VIEW police_uk_crime_count AS
SELECT falls_within, period, district, crime_type, revision, sum(records)::BIGINT AS records
FROM police_uk_count
WHERE kind = 'street'
GROUP BY ALL;

-- The records behind the current counts.
CREATE VIEW police_uk_record_current AS
SELECT r.*, m.revision
FROM police_uk_record r
JOIN police_uk_month_current m
  ON m.file_id = r.file_id AND m.kind = r.kind AND m.falls_within = r.falls_within AND m.period = r.period;
