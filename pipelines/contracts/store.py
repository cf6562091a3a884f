"""Keeping what a validation run found: the run, each rule's result, samples, quarantine and caveats."""

from __future__ import annotations

import datetime as dt

import duckdb

from ..warehouse import scalar, utc_now
from .runner import ValidationRun, caveat_rows, quarantine_rows


def save_run(con: duckdb.DuckDBPyConnection, run: ValidationRun, file_id: int | None) -> int:
    """Store the run, every rule's result and the sample rows; returns the run id. Call inside a transaction."""
    c = run.contract
    run_id = scalar(
        con,
        """INSERT INTO validation_run (started_at, seconds, scope, file_id, batch_label, contract_id, contract_version,
                                       contract_sha256, rows_checked, errors, warnings, outcome)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id""",
        [run.started_at, run.seconds, run.scope, file_id, run.label, c.id, c.version, c.sha256, run.rows,
         len(run.errors), len(run.warnings), run.outcome],
    )
    insert_rows(con, "validation_result", _RESULT_COLUMNS,
                [[run_id, r.rule_id, r.severity, r.engine, r.expectation, r.passed, r.failing_count, r.checked_count,
                  r.description] for r in run.results])
    insert_rows(con, "validation_sample", _SAMPLE_COLUMNS,
                [[run_id, r.rule_id, s.source_file, s.source_sheet, s.source_row, s.source_column, s.period,
                  s.district, s.measure, s.message] for r in run.results for s in r.samples])
    return run_id


def save_trial_problems(con: duckdb.DuckDBPyConnection, run_id: int, problems: list) -> None:
    """Keep with a trial run the problems outside the rules (`Problem`s: the file's structure, its totals) that a load
    of the file would refuse it for: the run reads "refused" by them. Call inside a transaction."""
    if problems:
        con.executemany('INSERT INTO trial_problem (run_id, sheet, "row", "column", problem) VALUES (?, ?, ?, ?, ?)',
                        [[run_id, p.sheet, p.row, p.column, p.text] for p in problems])


def save_trial(con: duckdb.DuckDBPyConnection, run: ValidationRun, problems: list) -> int:
    """Store a trial run with the problems outside its rules (the file's structure, its totals) that refuse the file
    whatever the rules find, as its load would keep them, in a transaction of its own: without them a refused file's
    run reads "passed". Returns the run id."""
    con.execute("BEGIN TRANSACTION")
    run_id = save_run(con, run, None)
    save_trial_problems(con, run_id, problems)
    con.execute("COMMIT")
    return run_id


_RESULT_COLUMNS = {"run_id": "INTEGER", "rule_id": "VARCHAR", "severity": "VARCHAR", "engine": "VARCHAR",
                   "expectation": "VARCHAR", "passed": "BOOLEAN", "failing_count": "BIGINT",
                   "checked_count": "BIGINT", "description": "VARCHAR"}
_SAMPLE_COLUMNS = {"run_id": "INTEGER", "rule_id": "VARCHAR", "source_file": "VARCHAR", "source_sheet": "VARCHAR",
                   "source_row": "INTEGER", "source_column": "VARCHAR", "period": "DATE", "district": "VARCHAR",
                   "measure": "VARCHAR", "message": "VARCHAR"}
_QUARANTINE_COLUMNS = {"run_id": "INTEGER", "file_id": "INTEGER", "source_file": "VARCHAR",
                       "source_sheet": "VARCHAR", "source_row": "INTEGER", "source_column": "VARCHAR",
                       "period_text": "VARCHAR", "district_text": "VARCHAR", "measure_text": "VARCHAR",
                       "value_text": "VARCHAR", "note": "VARCHAR", "dimension": "VARCHAR", "category_text": "VARCHAR",
                       "category_column": "VARCHAR", "reasons": "VARCHAR[]", "messages": "VARCHAR[]"}
_CAVEAT_COLUMNS = {"period": "DATE", "district": "VARCHAR", "measure": "VARCHAR", "run_id": "INTEGER",
                   "file_id": "INTEGER", "rule_id": "VARCHAR", "severity": "VARCHAR", "message": "VARCHAR",
                   "created_at": "TIMESTAMP"}


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], rows: list[list]) -> None:
    """Insert `rows` (values in the order of `columns`, name -> SQL type) into `table` in one statement, each
    column given as one list: executemany runs a statement per row, and a run may keep thousands of caveats or
    a quarantine of a whole refused file."""
    if not rows:
        return
    names = list(columns)
    select = ", ".join(f"unnest(${n}::{t}[]) AS {n}" for n, t in columns.items())
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {select}",
                {n: [row[i] for row in rows] for i, n in enumerate(names)})


def save_quarantine(con: duckdb.DuckDBPyConnection, run: ValidationRun, run_id: int, file_id: int | None,
                    current_month: dt.date) -> int:
    rows = quarantine_rows(con, run, current_month)
    insert_rows(con, "quarantine", _QUARANTINE_COLUMNS, [[run_id, file_id, *r] for r in rows])
    return len(rows)


def save_caveats(con: duckdb.DuckDBPyConnection, run: ValidationRun, run_id: int, file_id: int | None,
                 current_month: dt.date) -> int:
    rows = caveat_rows(con, run, current_month)
    insert_caveats(con, run_id, [(p, d, m, file_id, rid, sev, msg) for p, d, m, rid, sev, msg in rows], utc_now())
    return len(rows)


def insert_caveats(con: duckdb.DuckDBPyConnection, run_id: int, rows: list[tuple], created_at: dt.datetime) -> None:
    """Attach the caveats `rows` (period, district, measure, file id, rule id, severity, message) that the run
    `run_id` found."""
    insert_rows(con, "figure_caveat", _CAVEAT_COLUMNS,
                [[p, d, m, run_id, fid, rid, sev, msg, created_at] for p, d, m, fid, rid, sev, msg in rows])
