-- Data-contract validation: each run, each rule's result, samples of failing rows, the rows held
-- in quarantine, and the caveats that warnings attach to figures.

-- One check of one batch against one contract.
CREATE SEQUENCE validation_run_seq START 1;
CREATE TABLE validation_run (
    run_id           INTEGER PRIMARY KEY DEFAULT nextval('validation_run_seq'),
    started_at       TIMESTAMP NOT NULL,
    seconds          DOUBLE,
    scope            VARCHAR NOT NULL,  -- ingest (a file as it loads) | accepted (figures already loaded) | dry-run
    file_id          INTEGER,           -- the file checked, when the batch is one file
    batch_label      VARCHAR NOT NULL,  -- what was checked, in words
    contract_id      VARCHAR NOT NULL,
    contract_version VARCHAR NOT NULL,
    contract_sha256  VARCHAR NOT NULL,  -- the contract file's content, so a run says exactly what it checked
    rows_checked     BIGINT NOT NULL,
    errors           INTEGER NOT NULL,  -- rules of severity error that failed
    warnings         INTEGER NOT NULL,  -- rules of severity warning that failed
    outcome          VARCHAR NOT NULL   -- passed | passed_with_warnings | failed
);

-- Every rule of the contract, pass or fail, in every run.
CREATE TABLE validation_result (
    run_id        INTEGER NOT NULL,
    rule_id       VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,     -- error | warning
    engine        VARCHAR NOT NULL,     -- great_expectations | duckdb
    expectation   VARCHAR,              -- the Great Expectations expectation type, for row rules
    passed        BOOLEAN NOT NULL,
    failing_count BIGINT NOT NULL,
    checked_count BIGINT,
    description   VARCHAR
);

-- A few of the failing rows of each failed rule, with where they came from.
CREATE TABLE validation_sample (
    run_id        INTEGER NOT NULL,
    rule_id       VARCHAR NOT NULL,
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    source_row    INTEGER,
    source_column VARCHAR,
    period        DATE,
    district      VARCHAR,
    measure       VARCHAR,
    message       VARCHAR NOT NULL
);

-- Rows of a refused batch that broke an error rule, kept with every reason, never silently dropped.
CREATE TABLE quarantine (
    run_id        INTEGER NOT NULL,
    file_id       INTEGER,
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    source_row    INTEGER,
    source_column VARCHAR,
    period_text   VARCHAR,
    district_text VARCHAR,
    measure_text  VARCHAR,
    value_text    VARCHAR,
    note          VARCHAR,
    reasons       VARCHAR[] NOT NULL,   -- the rule ids it broke
    messages      VARCHAR[] NOT NULL
);

-- A warning attached to a figure: it follows the (period, district, measure) wherever it is shown.
CREATE SEQUENCE caveat_id_seq START 1;
CREATE TABLE figure_caveat (
    caveat_id  INTEGER PRIMARY KEY DEFAULT nextval('caveat_id_seq'),
    period     DATE NOT NULL,
    district   VARCHAR NOT NULL,
    measure    VARCHAR NOT NULL,
    run_id     INTEGER NOT NULL,
    file_id    INTEGER,
    rule_id    VARCHAR NOT NULL,
    severity   VARCHAR NOT NULL,
    message    VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Months whose figures have been published; a change to one is a warning. Filled by publishing.
CREATE TABLE published_period (
    period       DATE PRIMARY KEY,
    published_at TIMESTAMP NOT NULL
);
