-- What each refused return held: every month and measure of its rows whose month and measure could be read,
-- whether or not those rows broke a rule. A file is refused whole, so all of it is missing from the figures
-- until a later accepted file brings them or the file is marked withdrawn or superseded; the return calendar
-- says "refused" for each. A file refused before this table existed has no rows here: only its refused rows
-- (quarantine) are known. Never updated or deleted.
CREATE TABLE refused_coverage (
    file_id  INTEGER NOT NULL,   -- a refused file (file_registry)
    period   DATE NOT NULL,      -- the first day of the month
    measure  VARCHAR NOT NULL,   -- a measure id of measures.yaml
    figures  INTEGER NOT NULL,   -- how many figures (districts) it held for that month and measure
    PRIMARY KEY (file_id, period, measure)
);
