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
    con.executemany(
        "INSERT INTO validation_result VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[run_id, r.rule_id, r.severity, r.engine, r.expectation, r.passed, r.failing_count, r.checked_count,
          r.description] for r in run.results],
    )
    samples = [[run_id, r.rule_id, s.source_file, s.source_sheet, s.source_row, s.source_column, s.period, s.district,
                s.measure, s.message] for r in run.results for s in r.samples]
    if samples:
        con.executemany("INSERT INTO validation_sample VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", samples)
    return run_id


def save_quarantine(con: duckdb.DuckDBPyConnection, run: ValidationRun, run_id: int, file_id: int | None,
                    current_month: dt.date) -> int:
    rows = quarantine_rows(con, run, current_month)
    if rows:
        con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[run_id, file_id, *r] for r in rows])
    return len(rows)


def save_caveats(con: duckdb.DuckDBPyConnection, run: ValidationRun, run_id: int, file_id: int | None,
                 current_month: dt.date) -> int:
    rows = caveat_rows(con, run, current_month)
    if rows:
        now = utc_now()
        con.executemany(
            "INSERT INTO figure_caveat (period, district, measure, run_id, file_id, rule_id, severity, message, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[p, d, m, run_id, file_id, rid, sev, msg, now] for p, d, m, rid, sev, msg in rows])
    return len(rows)
