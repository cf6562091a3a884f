-- What a trial run ("pccdash validate FILE", scope dry-run) found wrong with a file outside the rules of its contract,
-- one row per problem: its structure (a missing column, a header in neither layout, an empty or unreadable file, a
-- merged cell or formula read past) and its totals. A load of the file would refuse it for them and keep them in
-- ingest_problem; a trial registers no file, so they are kept with its run, and the run reads "refused", not
-- "passed". A file that could not be read at all has a run of no rows and no rule results, and its problems here.
CREATE TABLE trial_problem (
    run_id   INTEGER NOT NULL,
    sheet    VARCHAR,
    "row"    INTEGER,
    "column" VARCHAR,
    problem  VARCHAR NOT NULL
);
