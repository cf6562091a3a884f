"""`pccdash validate`: the contract run again over accepted figures, or over files not loaded (a dry run)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from ..errors import PccDashError
from ..figures import FigureFilter
from ..ingest import checks, readers
from ..ingest.load import PROBLEMS_KEPT, checked_by, discover_named, drop_staging, read_checkable
from ..registry import find_file
from ..warehouse import utc_now
from .batch import build_accepted_batch, build_batch
from .contract import load_contract
from .runner import ValidationRun, validate_batch
from .store import save_run, save_trial


class UnknownFile(PccDashError):
    """`--file` names no accepted file."""


def validate_accepted(con: duckdb.DuckDBPyConnection, flt: FigureFilter | None = None, file: str | None = None,
                      today: dt.date | None = None, engine: str = "duckdb") -> ValidationRun:
    """Validate accepted figures (all, filtered, or one file's current figures) and store the run; `engine`
    judges the row rules ("duckdb", or "gx" for Great Expectations)."""
    file_id, label = None, "the accepted figures"
    if file:
        file_id, name, *_ = find_file(con, file, outcome="accepted", only=True, missing=lambda *_: UnknownFile(
            f'No accepted file is called "{file}" or has that number. "pccdash files --outcome accepted" lists the '
            'accepted files with their numbers.'))
        label = f'the accepted figures of "{name}" (file #{file_id})'
    build_accepted_batch(con, flt, file_id)
    contract = load_contract("force_cse_return")
    run = validate_batch(con, contract, scope="accepted", label=label, current_month=checks.current_month(today),
                         engine=engine)
    con.execute("BEGIN TRANSACTION")
    save_run(con, run, file_id)
    con.execute("COMMIT")
    drop_staging(con)
    return run


def validate_files(con: duckdb.DuckDBPyConnection, paths, today: dt.date | None = None, engine: str = "duckdb"
                   ) -> list[tuple[str, ValidationRun | None, list, int]]:
    """Read each file and validate it without loading anything: (label, run, problems, structure). `run` is None
    when the file could not be read, and `problems` say why (its trial is stored all the same, refused for them, as
    its load would refuse it); else `problems` are those found beside the run: the first `structure` of them of the
    file's structure, read past (a formula, a merged cell, a hidden sheet: the run is of the rest of the file), then
    its wrong totals. Each file is named as `pccdash ingest` names it: one found under a folder by its path below it
    ("east/return.csv")."""
    files, missing = discover_named(paths)
    return [(m.label, None, m.problems, 0) for m in missing] + validate_named(con, files, today, engine)


def validate_named(con: duckdb.DuckDBPyConnection, files: list[tuple[Path, str]], today: dt.date | None = None,
                   engine: str = "duckdb") -> list[tuple[str, ValidationRun | None, list, int]]:
    """As `validate_files`, for files each given with the name it is shown by (`discover_named`'s)."""
    out: list[tuple[str, ValidationRun | None, list, int]] = []
    contract = load_contract("force_cse_return")
    month = checks.current_month(today)
    with tempfile.TemporaryDirectory(prefix="pccdash-") as tmp:
        for path, name in files:
            drop_staging(con)
            started, at = time.perf_counter(), utc_now()
            try:
                facts = readers.inspect_file(path, name, Path(tmp))
                result, reading = read_checkable(con, facts)
            except readers.FileRejected as exc:
                # refused before any rule could judge it, as its load would be: kept so, a run of no rows
                _, label = checked_by(contract, [], name, loaded=False)
                save_trial(con, ValidationRun(contract, "dry-run", label, rows=0, started_at=at,
                                              seconds=time.perf_counter() - started), exc.problems[:PROBLEMS_KEPT])
                out.append((name, None, exc.problems, 0))
                continue
            build_batch(con, name)
            checked, label = checked_by(contract, reading, name, loaded=False)
            run = validate_batch(con, checked, scope="dry-run", label=label, current_month=month, engine=engine)
            problems = reading + checks.check_totals(con, name, result.totals)
            save_trial(con, run, problems[:PROBLEMS_KEPT])
            out.append((name, run, problems, len(reading)))
            drop_staging(con)
    return out

