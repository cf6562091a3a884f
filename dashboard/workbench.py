"""Queries behind the data-quality workbench: validation runs, failing rows, quarantine, files, provenance.

Every value a person chooses reaches DuckDB as a parameter, never as SQL text.
"""

from __future__ import annotations

import pandas as pd

from dashboard import ui
from dashboard.data import query


def runs() -> pd.DataFrame:
    return query("""SELECT run_id, strftime(started_at, '%Y-%m-%d %H:%M') AS started, scope, batch_label, contract_id,
                           contract_version, rows_checked, errors, warnings, outcome, round(seconds, 2) AS seconds
                    FROM validation_run ORDER BY run_id DESC""")


def results(run_id: int) -> pd.DataFrame:
    return query("""SELECT rule_id, severity, passed, failing_count, checked_count, engine, expectation, description
                    FROM validation_result WHERE run_id = ? ORDER BY passed, severity, rule_id""", (int(run_id),))


def failing_rows(run_id: int, rule_id: str | None = None) -> pd.DataFrame:
    return query("""SELECT rule_id, source_file, source_sheet, source_row, source_column,
                           strftime(period, '%Y-%m') AS period, district, measure, message
                    FROM validation_sample WHERE run_id = ? AND (? IS NULL OR rule_id = ?)
                    ORDER BY rule_id, source_file, source_row""", (int(run_id), rule_id, rule_id))


def quarantine() -> pd.DataFrame:
    return query("""SELECT q.run_id, q.source_file, q.source_sheet, q.source_row, q.source_column, q.period_text,
                           q.district_text, q.measure_text, q.value_text, array_to_string(q.reasons, ', ') AS rules,
                           array_to_string(q.messages, ' | ') AS reasons
                    FROM quarantine q ORDER BY q.run_id DESC, q.source_file, q.source_row""")


def files() -> pd.DataFrame:
    return query("""SELECT file_id, name, outcome, file_type, layout, rows_read, figures_new, figures_revised,
                           figures_unchanged, strftime(received_at, '%Y-%m-%d %H:%M') AS received, loaded_by,
                           size_bytes, sha256, message
                    FROM file_registry ORDER BY file_id DESC""")


def file_problems(file_id: int) -> pd.DataFrame:
    return query("""SELECT sheet, "row", "column", problem FROM ingest_problem WHERE file_id = ?
                    ORDER BY "row", "column" """, (int(file_id),))


def history(measure: str, district: str, period: str) -> pd.DataFrame:
    """Every revision of one figure, newest first, with the file, sheet, row and column it came from."""
    return query("""SELECT r.revision, r.value, r.previous_value, f.name AS source_file, r.file_id, r.source_sheet,
                           r.source_row, r.source_column, r.note, strftime(r.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at
                    FROM figure_revision r JOIN file_registry f USING (file_id)
                    WHERE r.measure = ? AND r.district = ? AND r.period = CAST(? AS DATE)
                    ORDER BY r.revision DESC""", (measure, district, f"{period}-01"))


OUTCOMES = {"passed": "passed", "passed_with_warnings": "passed with warnings", "failed": "failed",
            "accepted": "accepted", "rejected": "refused"}
SCOPES = {"ingest": "a file being loaded", "accepted": "the accepted figures", "dry-run": "a file checked, not loaded"}


def runs_shown(runs: pd.DataFrame) -> pd.DataFrame:
    """The validation runs as the page shows them: outcomes and scopes in words, headings in words."""
    shown = runs.assign(outcome=runs["outcome"].map(lambda o: OUTCOMES.get(o, o)),
                        scope=runs["scope"].map(lambda s: SCOPES.get(s, s)))
    return ui.readable(shown, {"scope": "What was checked", "rows_checked": "Rows checked"})


def files_shown(files: pd.DataFrame) -> pd.DataFrame:
    """The file registry as the page shows it: outcomes in words, headings in words."""
    shown = files.assign(outcome=files["outcome"].map(lambda o: OUTCOMES.get(o, o)))
    return ui.readable(shown, {"refusal": "Refusal", "status": "Where it stands", "message": "Message"})
