"""Helpers the tests share: writing return files, running pccdash as a process, reading the warehouse."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from pipelines import warehouse

ROOT = Path(__file__).resolve().parent.parent
_UTC_NOW = warehouse.utc_now


def run_pccdash(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `pccdash` as a separate process, as a person at a terminal would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=ROOT)


def set_clock(monkeypatch, when: dt.datetime) -> None:
    """Every clock of the product (each module's `utc_now`) reads `when` (UTC) from now on in the test."""
    def now() -> dt.datetime:
        return when

    now.set_by_test = True
    for name, module in list(sys.modules.items()):
        clock = getattr(module, "utc_now", None)
        if name.split(".")[0] == "pipelines" and (clock is _UTC_NOW or getattr(clock, "set_by_test", False)):
            monkeypatch.setattr(module, "utc_now", now)


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def revise_figure(con, folder: Path, month: str, district: str, measure: str, value: float) -> None:
    """Load the force's correction of one figure (`month` as YYYY-MM) from a file written in `folder`."""
    from pipelines.ingest import ingest

    text = f"period,district,measure,value,note\n{month},{district},{measure},{value:g},recorded late\n"
    report = ingest(con, [write_csv(Path(folder) / f"{month}-{district}-{measure}-correction.csv", text)])
    assert report.ok, [p.message() for f in report.files for p in f.problems]


def build_workbook(sheets: dict[str, list[list]], hidden: dict[str, str] | None = None,
                   merge: dict[str, str] | None = None) -> openpyxl.Workbook:
    """A workbook: sheet name -> rows of cells (a string starting '=' is a formula). `hidden`: sheet -> 'hidden' or
    'veryHidden'; `merge`: sheet -> a range of cells to merge."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if hidden and name in hidden:
            ws.sheet_state = hidden[name]
        if merge and name in merge:
            ws.merge_cells(merge[name])
    return wb


def write_xlsx(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = (),
               merge: dict[str, str] | None = None) -> Path:
    """Write a workbook: sheet name -> rows of cells (a string starting '=' is written as a formula)."""
    build_workbook(sheets, dict.fromkeys(hidden, "hidden"), merge).save(path)
    return path


def fingerprint(db_file: Path) -> list[tuple]:
    """Every figure revision in the warehouse, and every revision of a breakdown's category, to show that a refused
    file changed none of them."""
    if not db_file.exists():
        return []
    with warehouse.connect_read_only(db_file) as c:
        return c.execute(
            "SELECT period, district, measure, revision, value, file_id, source_row FROM figure_revision "
            "ORDER BY ALL").fetchall() + c.execute(
            "SELECT period, district, measure || ':' || dimension || '=' || category, revision, value, file_id, "
            "source_row FROM figure_breakdown_revision ORDER BY ALL").fetchall()


def accepted_files(db_file: Path) -> list[tuple]:
    with warehouse.connect_read_only(db_file) as c:
        return c.execute(
            "SELECT file_id, name FROM file_registry WHERE outcome = 'accepted' ORDER BY ALL").fetchall()


def write_tables(path: Path, tables: dict) -> None:
    """A DuckDB file holding each frame of `tables` (name -> pandas frame) as a table of that name."""
    import duckdb

    con = duckdb.connect(str(path))
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()


def blocks_of(blocks, kind: type) -> list:
    """Every block of `kind` among a page's blocks, folded sections (`Details`) opened."""
    from pipelines.publish.content import Details

    found = []
    for b in blocks:
        if isinstance(b, kind):
            found.append(b)
        elif isinstance(b, Details):
            found += blocks_of(b.blocks, kind)
    return found
