"""Returns checked before anything is loaded (the app's upload and `pccdash validate`): the contract's report for
each file with every failing cell, and what loading it would change (its figures, and the caveats of figures already
held that are compared with them); then loaded as `pccdash ingest` loads them, each file's bytes kept in the file
store, or forgotten."""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

import duckdb

from .. import filestore
from ..access import require
from ..catalogue import catalogue, counted
from ..contracts.recheck import Recheck, would_recheck
from ..errors import PccDashError, Problem, shown
from ..resubmission import Change, FileRef, refusals
from ..uk_time import uk_words
from ..warehouse import utc_now
from . import checks, readers
from .load import RETURN_SUFFIXES, FileOutcome, checked_by, describe, drop_staging, ingest, read_checkable

if TYPE_CHECKING:  # pandas is imported where a frame is made: `pccdash validate` starts without it
    import pandas as pd

    from ..contracts import ValidationRun

PREVIEW_ROWS = 300  # rows of a sheet shown in the preview; failing rows further down are added after them
CELLS_SHOWN = 1000  # failing places listed per file (the refusal keeps its first 1,000 problems too)
VERDICTS = {
    "passes": "passes the contract",
    "passes_with_warnings": "passes the contract, with warnings",
    "refused": "would be refused: nothing from it would be loaded",
    "unreadable": "cannot be read: nothing from it would be loaded",
    "already_loaded": "is already loaded: loading it again would change nothing",
    "not_a_return": "is not a force return: nothing from it would be loaded here",
    "not_checked": "was read (the contract is run separately)",
}


class UploadError(PccDashError):
    """An uploaded file cannot be taken as given (no name, or nothing to load)."""


@dataclass(frozen=True)
class Upload:
    """A file as a person handed it over: its name and its bytes."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Cell:
    """One failing place of a file, with the rule's message."""

    sheet: str | None
    row: int | None
    column: str | None
    period: dt.date | None
    district: str | None
    measure: str | None
    message: str
    rule: str | None = None


@dataclass(frozen=True)
class Revision:
    """An accepted figure the file would change: was, now, and whether its month is already published."""

    period: dt.date
    district: str
    measure: str
    was: float
    now: float | None
    published: bool


@dataclass(frozen=True)
class Superseded:
    """A refused file the upload would clear: whole, or only some of the months and measures it blocks."""

    file: FileRef
    whole: bool


@dataclass
class FilePreview:
    """One uploaded file checked: the contract's verdict, its failing cells, and what loading it would change."""

    name: str
    data: bytes = field(repr=False)
    sha256: str = ""
    verdict: str = "unreadable"
    layout: str | None = None
    rows: int = 0  # rows read: the figures and, of them, `categories` breakdown categories
    categories: int = 0
    errors: list[Cell] = field(default_factory=list)
    warnings: list[Cell] = field(default_factory=list)
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    changes: list[tuple[str, str, int, int, int]] = field(default_factory=list)  # measure, district, new, rev., same
    revisions: list[Revision] = field(default_factory=list)
    categories_new: int = 0  # breakdown categories: new, and changed from the value held
    categories_revised: int = 0
    supersedes: list[Superseded] = field(default_factory=list)
    # the figures already held whose comparison the file would change, checked again as a load checks them: the
    # caveats loading it would end and add (nothing is ended or added by the preview)
    recheck: Recheck = field(default_factory=Recheck)
    note: str = ""  # why a file cannot be read, or when it was loaded before
    refused_before: str = ""  # these very bytes refused before: which file and when (`refused_before`)
    # of a file refused for its structure and read past it (a formula, a merged cell, a hidden sheet): how many of
    # `errors`, the first, are those; the rest of the file was checked against the contract
    reading: int = 0
    grids: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # sheet ("" for a CSV) -> its rows
    seconds: float = 0.0

    def read(self) -> str:
        """What was read from the file, as `pccdash ingest` says it: "72 figures (and 324 breakdown categories)"."""
        figures = self.rows - self.categories
        return (counted(figures, "figure")
                + (f" (and {counted(self.categories, 'breakdown category', 'breakdown categories')})"
                   if self.categories else ""))

    @property
    def loadable(self) -> bool:
        return self.verdict in ("passes", "passes_with_warnings")

    @property
    def size(self) -> int:
        return len(self.data)

    def sentence(self) -> str:
        """The verdict in one sentence, with what loading it would do."""
        head = f'"{shown(self.name, None)}" {VERDICTS[self.verdict]}'
        if self.verdict in ("refused", "unreadable", "not_a_return"):
            n = len(self.errors)
            found = f" {counted(n, 'problem')} found, listed below." if n else ""
            if self.reading and n:  # refused for its structure, and the rest read past it and checked
                found += " " + self.read_past()
            return f"{head}.{found}" + (f" {self.note}" if self.note else "") + self.before()
        if self.verdict == "already_loaded":
            return f"{head}: {self.note}"
        out = f"{head}. {self.what_it_would_change()}"
        if self.warnings:
            n = len(self.warnings)
            out += f". {counted(n, 'warning')} would become {'caveats' if n != 1 else 'a caveat'}"
        return out + "." + self.before()

    def before(self) -> str:
        """" The same file was refused before, as file #3 ...", or nothing."""
        return f" {self.refused_before}" if self.refused_before else ""

    def read_past(self) -> str:
        """Of a file refused for its structure and read past it: which of its problems are which."""
        k, rest = self.reading, len(self.errors) - self.reading
        they = "they name" if k != 1 else "it names"
        if not rest:
            return (f"{'All' if k != 1 else 'It'} {'are' if k != 1 else 'is'} in the file's structure, and what {they} "
                    "was not read; each row of the rest of the file, read past "
                    f"{'them' if k != 1 else 'it'}, passes the contract.")
        return (f"{k:,} {'are' if k != 1 else 'is'} in the file's structure, and what {they} was not read; "
                f"{rest:,} {'are' if rest != 1 else 'is'} in the rest of the file, read past "
                f"{'them' if k != 1 else 'it'} and checked against the contract row by row.")

    def what_it_would_change(self) -> str:
        """New, revised and unchanged figures, and the refused files it would supersede, in one sentence."""
        published = sum(r.published for r in self.revisions)
        in_published = f" ({published:,} in published months)" if published else ""
        out = (f"Loading it would add {counted(self.new, 'new figure')}, revise "
               f"{self.revised:,}{in_published} and leave {self.unchanged:,} unchanged")
        if self.categories_new or self.categories_revised:
            out += (f"; of their breakdowns it would add {counted(self.categories_new, 'category', 'categories')} "
                    f"and revise {self.categories_revised:,}")
        if self.supersedes:
            out += "; it would supersede refused file " + ", ".join(
                f"{s.file}" + ("" if s.whole else " (in part)") for s in self.supersedes)
        ended, added = self.recheck.ended, self.recheck.added
        if ended or added:
            out += (f"; of the figures loaded earlier that are compared with its figures, it would end "
                    f"{counted(ended, 'caveat')} that no longer {'holds' if ended == 1 else 'hold'} and add "
                    f"{added:,}, listed below")
        return out

    def caveat_lines(self) -> list[str]:
        """Each caveat of a figure loaded earlier that loading the file would end or add, in a sentence: measure,
        district, month, and the caveat's words."""
        return [c.sentence(loaded=False) for c in self.recheck.changes]

    def caveats_frame(self) -> pd.DataFrame:
        """The caveats of figures loaded earlier that loading the file would end or add, as a table people read."""
        import pandas as pd

        names = {m.id: m.short_name for m in catalogue().measures}
        return pd.DataFrame(
            [{"Measure": names.get(c.measure, c.measure), "District": c.district, "Month": f"{c.period:%B %Y}",
              "Loading it would": "end this caveat (it no longer holds)" if c.ended else "add this caveat",
              "Caveat": c.message} for c in self.recheck.changes],
            columns=["Measure", "District", "Month", "Loading it would", "Caveat"])

    def failing_frame(self, severity: str = "error") -> pd.DataFrame:
        """The failing places as a table people read: sheet, row, column, measure, district, month, problem."""
        import pandas as pd

        cells = self.errors if severity == "error" else self.warnings
        names = {m.id: m.short_name for m in catalogue().measures}
        return pd.DataFrame(
            [{"Sheet": c.sheet or "", "Row": c.row, "Column": c.column or "",
              "Measure": names.get(c.measure, c.measure or ""), "District": c.district or "",
              "Month": f"{c.period:%B %Y}" if c.period else "", "Problem": c.message} for c in cells],
            columns=["Sheet", "Row", "Column", "Measure", "District", "Month", "Problem"]
        ).astype({"Row": "Int64"})  # whole rows, even beside a problem of the whole file or sheet (no row)

    def failing_lines(self, severity: str = "error", limit: int = 100) -> list[str]:
        """Each failing place in a sentence, where it is first ("Sheet cse_arrests, row 2, column Rotherham: ..."):
        a grid cuts a long problem short; at most `limit`, then how many more."""
        cells = self.errors if severity == "error" else self.warnings
        lines = []
        for c in cells[:limit]:
            where = ", ".join(w for w in (f"sheet {c.sheet}" if c.sheet else "", f"row {c.row}" if c.row else "",
                                          f'column "{c.column}"' if c.column else "") if w)
            lines.append(f"{where[:1].upper()}{where[1:]}: {c.message}" if where else c.message)
        if len(cells) > limit:
            lines.append(f"... and {len(cells) - limit:,} more: the table's download has every one.")
        return lines

    def revisions_frame(self) -> pd.DataFrame:
        import pandas as pd

        names = {m.id: m.short_name for m in catalogue().measures}
        return pd.DataFrame(
            [{"Measure": names.get(r.measure, r.measure), "District": r.district, "Month": f"{r.period:%B %Y}",
              "Was": _number(r.was), "Now": _number(r.now), "Published": "Yes" if r.published else "No"}
             for r in self.revisions],
            columns=["Measure", "District", "Month", "Was", "Now", "Published"])

    def counts_frame(self) -> pd.DataFrame:
        """New, revised and unchanged figures by measure (short name, catalogue order) and district."""
        import pandas as pd

        names = {m.id: m.short_name for m in catalogue().measures}
        order = {m: i for i, m in enumerate(catalogue().ids())}
        rows = sorted(self.changes, key=lambda c: (order.get(c[0], len(order)), str(c[1])))
        return pd.DataFrame([(names.get(m, m), d, n, r, u) for m, d, n, r, u in rows],
                            columns=["Measure", "District", "New", "Revised", "Unchanged"])

    def changes_for_print(self) -> list[Change]:
        return [Change(r.period, r.district, r.measure, r.was, r.now) for r in self.revisions]

    def highlighted(self) -> dict[str, set[tuple[int, int | None]]]:
        """Per sheet, the (row, grid column) of each failing cell; column None when only its row is known."""
        out: dict[str, set[tuple[int, int | None]]] = {}
        index: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for c in self.errors:
            if c.row is None or (c.sheet or "") not in self.grids:
                continue
            sheet = c.sheet or ""
            if sheet not in index:
                index[sheet] = _headings(self.grids[sheet])
            out.setdefault(sheet, set()).add((c.row, _column_at(self.grids[sheet], c.row, c.column, index[sheet])))
        return out


def _number(v: float | None) -> str:
    """A figure as the return wrote it: 22, not 22.0."""
    if v is None:
        return ""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def as_upload(item: Upload | tuple[str, bytes] | str | Path) -> Upload:
    """An upload from a name and bytes, or from a file on disk."""
    if isinstance(item, Upload):
        return item
    if isinstance(item, tuple):
        name, data = item
        return Upload(_safe_name(name), bytes(data))
    path = Path(item)
    return Upload(path.name, path.read_bytes())


def _safe_name(name: object) -> str:
    """The file's own name, without any folder a browser or a person put in front of it."""
    base = PureWindowsPath(PurePosixPath(str(name or "")).name).name.strip()
    if not base or base in (".", ".."):
        raise UploadError("An uploaded file has no name: give it a name ending .csv or .xlsx.")
    return base


def preview(con: duckdb.DuckDBPyConnection, files: Iterable[Upload | tuple[str, bytes] | str | Path], *,
            today: dt.date | None = None, check: bool = True,
            progress: Callable[[float, str], None] | None = None) -> list[FilePreview]:
    """Check each file against the return's contract and say what loading it would change; nothing is written.

    With `check=False` only what it would change is worked out (the contract is run elsewhere). `progress(done,
    step)` hears each step of each file, `done` running from 0 to 1 over all the files."""
    from ..contracts import load_contract

    uploads = [as_upload(f) for f in files]
    if not uploads:
        raise UploadError("No file was given: choose one or more .csv or .xlsx returns.")
    rules = load_contract("force_cse_return")  # the re-check of held figures asks its rules either way
    contract = rules if check else None
    month = checks.current_month(today)
    out = []
    with tempfile.TemporaryDirectory(prefix="pccdash-upload-") as tmp:
        for i, up in enumerate(uploads):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / _safe_name(up.name)  # named as given ("east/return.csv"), kept by its file name
            path.write_bytes(up.data)
            def say(part: float, step: str, i: int = i) -> None:
                if progress:
                    progress((i + part) / len(uploads), f"{shown(uploads[i].name, None)}: {step}")

            out.append(_preview_one(con, up, path, contract, month, folder, say, rules))
    return out


def _preview_one(con, up: Upload, path: Path, contract, month: dt.date, tmp: Path,
                 say: Callable[[float, str], None], rules) -> FilePreview:
    from ..contracts.batch import as_held, build_batch
    from ..contracts.runner import validate_batch

    started = time.perf_counter()
    p = FilePreview(up.name, up.data, sha256=filestore.sha256(up.data))
    p.refused_before = refused_before(con, p.sha256)
    drop_staging(con)
    try:
        if path.suffix.lower() == ".csv" and _is_police_uk(path):
            p.verdict = "not_a_return"
            p.note = 'It is a police.uk street or outcomes file: load it with "pccdash ingest".'
            return p
        if (problem := _police_uk_header(path, up.name)) is not None:  # police.uk's, with a changed header
            p.errors = [_cell(problem)]
            return p
        try:
            say(0.0, f"reading ({len(up.data) / 1024:,.1f} KiB)")
            facts = readers.inspect_file(path, up.name, tmp)
        except readers.FileRejected as exc:
            p.errors = [_cell(pr) for pr in exc.problems]
            return p
        earlier = con.execute("SELECT file_id, name, received_at FROM file_registry WHERE sha256 = ? "
                              "AND outcome = 'accepted' ORDER BY file_id LIMIT 1", [facts.sha256]).fetchall()
        if earlier:  # `pccdash ingest` and the upload skip it by its SHA-256, so nothing would change
            fid, name, when = earlier[0]
            p.verdict = "already_loaded"
            p.note = f'it was loaded as file #{fid} ("{shown(name, None)}") on {uk_words(when, "words")}.'
            return p
        try:  # what was read past (a formula, a merged cell, a hidden sheet) refuses it with what the check finds
            result, read_past_problems = read_checkable(con, facts)
        except readers.FileRejected as exc:
            p.errors = [_cell(pr) for pr in exc.problems]
            p.grids = _grids(path, facts)
            return p
        reading = [_cell(pr) for pr in read_past_problems]
        p.layout, p.rows = result.layout, result.rows
        build_batch(con, up.name)
        p.categories = con.execute("SELECT count(*) FROM batch_breakdown").fetchall()[0][0]
        say(0.4, f"checking {p.read()} against the contract")
        if contract is not None:
            checked, label = checked_by(contract, reading, up.name, loaded=False)
            run = validate_batch(con, checked, scope="dry-run", label=label, current_month=month)
            p.errors = (reading + [_cell(pr) for pr in checks.check_totals(con, up.name, result.totals)]
                        + _failing(con, run, run.errors, month))
            p.reading = len(reading)
            p.warnings = _failing(con, run, run.warnings, month)
            p.verdict = "refused" if p.errors else "passes_with_warnings" if p.warnings else "passes"
        else:
            # checked apart (`pccdash validate`, which names the problems itself): refused on them all the same
            p.verdict = "refused" if reading else "not_checked"
        if p.loadable or p.verdict == "not_checked":
            say(0.8, "comparing with the accepted figures")
            as_held(con)
            _changes(con, p)
            p.supersedes = _supersedes(con, p.name)
            # as `ingest` checks the held figures again once the file is in, on temporary tables: nothing written
            p.recheck = would_recheck(con, rules, up.name, month)
        if contract is not None:  # the file as a spreadsheet shows it is for the page's preview
            p.grids = _grids(path, facts)
        return p
    finally:
        drop_staging(con)
        p.seconds = time.perf_counter() - started


def refused_before(con: duckdb.DuckDBPyConnection, sha256: str) -> str:
    """A sentence naming the refusal of the very same bytes (by their SHA-256) before: the first refusal that still
    stands (the one `pccdash ingest` names, recording nothing new, if they are refused again), else the latest marked
    withdrawn or superseded. "" when they were never refused."""
    if not sha256:
        return ""
    found = con.execute(
        """SELECT r.file_id, r.name, r.received_at, m.state FROM file_registry r
           LEFT JOIN (SELECT file_id, arg_max(state, supersession_id) AS state FROM file_supersession
                      GROUP BY file_id) m USING (file_id)
           WHERE r.sha256 = ? AND r.outcome = 'rejected'
           ORDER BY m.state IS NOT NULL, CASE WHEN m.state IS NULL THEN r.file_id ELSE -r.file_id END LIMIT 1""",
        [sha256]).fetchall()
    if not found:
        return ""
    fid, name, when, mark = found[0]
    return (f'The same file was refused before, as file #{fid} ("{shown(name, None)}") on {uk_words(when, "words")}'
            + (f", since marked {mark}." if mark else "."))


def judged(p: FilePreview, run: ValidationRun | None, problems: list[Problem]) -> FilePreview:
    """A preview made with `check=False` given the verdict of the contract run apart (`pccdash validate`, which
    may judge by the second engine), as a checked preview gets it: refused on a wrong total or a failed error rule,
    as `ingest` refuses it, and then nothing it would change is said. A file already loaded, unreadable or not a
    return keeps its own verdict."""
    if p.verdict != "not_checked":
        return p
    if run is None or run.errors or problems:
        p.verdict = "refused"
        p.new = p.revised = p.unchanged = p.categories_new = p.categories_revised = 0
        p.changes, p.revisions, p.supersedes, p.recheck = [], [], [], Recheck()
    else:
        p.verdict = "passes_with_warnings" if run.warnings else "passes"
    return p


def _is_police_uk(path: Path) -> bool:
    from ..policeuk import detect

    return detect(path)


def _police_uk_header(path: Path, label: str) -> Problem | None:
    from ..policeuk import header_problem

    return header_problem(path, label)


def _cell(problem: Problem, rule: str | None = None) -> Cell:
    text = problem.text
    if problem.sheet is None and problem.row is None and problem.column is None and text[:1].islower():
        text = f"The file {text}"  # said of the whole file ("is empty (0 bytes)"): the file is what it is said of
    return Cell(problem.sheet, problem.row, problem.column, None, None, None, text, rule)


def _failing(con, run, results, month: dt.date) -> list[Cell]:
    """Every failing place of the failed rules (up to CELLS_SHOWN), in file order, asked of DuckDB."""
    from ..contracts.contract import SetRule
    from ..contracts.runner import row_rule_samples, set_rule_rows

    by_id = {r.id: r for r in (*run.contract.row_rules, *run.contract.set_rules)}
    cells: list[Cell] = []
    for result in results:
        rule = by_id.get(result.rule_id)
        if rule is None or len(result.samples) >= min(result.failing_count, CELLS_SHOWN):
            samples = result.samples  # the run kept them all: no need to ask again
        elif isinstance(rule, SetRule):
            samples = set_rule_rows(con, rule, month, CELLS_SHOWN)[1]
        else:
            samples = row_rule_samples(con, rule, CELLS_SHOWN)
        if not samples:  # a rule with no row to show is said once, by its description
            cells.append(Cell(None, None, None, None, None, None,
                              f"{result.description or result.rule_id} ({result.failing_count:,} rows)",
                              result.rule_id))
        cells += [Cell(s.source_sheet, s.source_row, s.source_column, s.period, s.district, s.measure, s.message,
                       result.rule_id) for s in samples]
    cells.sort(key=lambda c: (c.sheet or "", c.row if c.row is not None else 10**9))
    return cells[:CELLS_SHOWN]


def _changes(con, p: FilePreview) -> None:
    """New, revised and unchanged figures against the accepted ones, counted as `ingest` counts them."""
    p.changes = [tuple(r) for r in con.execute(
        """SELECT b.measure, b.district, count(*) FILTER (WHERE c.value IS NULL)::INTEGER,
                  count(*) FILTER (WHERE c.value IS NOT NULL AND c.value <> b.value)::INTEGER,
                  count(*) FILTER (WHERE c.value = b.value)::INTEGER
           FROM batch_total b LEFT JOIN figure c USING (period, district, measure)
           GROUP BY ALL ORDER BY ALL""").fetchall()]
    p.new, p.revised, p.unchanged = (sum(c[k] for c in p.changes) for k in (2, 3, 4))
    p.categories_new, p.categories_revised = con.execute(
        """SELECT count(*) FILTER (WHERE c.value IS NULL)::INTEGER,
                  count(*) FILTER (WHERE c.value IS NOT NULL AND c.value <> b.value)::INTEGER
           FROM batch_breakdown b LEFT JOIN figure_breakdown c USING (period, district, measure, dimension, category)
           WHERE b.value IS NOT NULL""").fetchall()[0]
    p.revisions = [Revision(*r[:5], bool(r[5])) for r in con.execute(
        """SELECT b.period, b.district, b.measure, c.value, b.value, pp.period IS NOT NULL
           FROM batch_total b JOIN figure c USING (period, district, measure)
           LEFT JOIN published_period pp ON pp.period = b.period
           WHERE c.value <> b.value ORDER BY b.measure, b.district, b.period""").fetchall()]


def _supersedes(con, name: str) -> list[Superseded]:
    """The refused files still open that this batch would clear, by the months and measures it covers."""
    covered = {(a, m) for a, m in
               con.execute("SELECT DISTINCT period, measure FROM batch WHERE period IS NOT NULL").fetchall()}
    out = []
    for r in refusals(con):
        if r.state != "open":
            continue
        if r.unread:
            if r.file.name == name:
                out.append(Superseded(r.file, True))
            continue
        hit = [k for k in r.open_rows if k in covered]
        if hit:
            whole = len(hit) == len(r.open_rows) and not r.months_unmatched and not r.undated
            out.append(Superseded(r.file, whole))
    return out


# ---------------------------------------------------------------------------------------------------
# The file as a person sees it in a spreadsheet: rows numbered as the spreadsheet numbers them


def _grids(path: Path, facts: readers.FileFacts) -> dict[str, pd.DataFrame]:
    """Each sheet's first rows as text, indexed by row number, columns lettered as a spreadsheet letters them."""
    try:
        if facts.file_type == "xlsx":
            return _xlsx_grids(path)
        text = (facts.text_path or path).read_bytes().decode(
            "utf-8-sig" if facts.text_path is None and facts.encoding == "utf-8-sig" else "utf-8", errors="replace")
        return {"": _csv_grid(text)}
    except Exception:  # noqa: BLE001 - a preview that cannot be drawn leaves the report as it is
        return {}


def _csv_grid(text: str) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: dict[int, list[str]] = {}
    line = 1
    for record in reader:
        rows[line] = record
        line = reader.line_num + 1
        if len(rows) >= PREVIEW_ROWS * 20:
            break
    return _frame(rows)


def _xlsx_grids(path: Path) -> dict[str, pd.DataFrame]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" or ws.title.strip().lower() in readers.NOTE_SHEETS:
                continue
            rows = {}
            for n, cells in enumerate(ws.iter_rows(max_row=PREVIEW_ROWS * 20), start=1):
                rows[n] = [_xlsx_cell_text(c) for c in cells]
            out[ws.title] = _frame(rows)
        return out
    finally:
        wb.close()


def _xlsx_cell_text(cell) -> str:
    """A cell as the loader reads it: a number formatted as a percentage (0.957 shown as 95.7%) as the per cent it
    stores (95.7), not the fraction the cell holds."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = readers.as_shown(value, getattr(cell, "number_format", None) or "General")
    return readers.stored_text(value) or ""


def _frame(rows: dict[int, list[str]]) -> pd.DataFrame:
    import pandas as pd

    width = max((len(r) for r in rows.values()), default=0)
    df = pd.DataFrame([r + [""] * (width - len(r)) for r in rows.values()], index=list(rows),
                      columns=[readers.column_letter(i) for i in range(width)], dtype="str")
    df.index.name = "Row"
    return df


def _column_at(grid: pd.DataFrame, row: int, heading: str | None,
               index: dict[str, list[tuple[int, int]]] | None = None) -> int | None:
    """The grid column headed `heading` for a cell of `row`: the nearest row above it holding that heading, else the
    column of that letter (a problem the reader found, a formula or a merged cell, names its cell's column letter);
    None when neither matches (the whole row is marked). `index` is `_headings(grid)`, when already made."""
    if not heading:
        return None
    places = (index if index is not None else _headings(grid)).get(heading.strip().lower(), [])
    at = bisect.bisect_left(places, (row, -1))  # the places in rows above `row` come before it
    if at:
        return places[at - 1][1]
    return list(grid.columns).index(heading) if heading in grid.columns else None


def _headings(grid: pd.DataFrame) -> dict[str, list[tuple[int, int]]]:
    """Each text of the grid (any case) -> its places (row, column), in order: one pass over the grid."""
    out: dict[str, list[tuple[int, int]]] = {}
    for r, values in zip(grid.index, grid.itertuples(index=False), strict=True):
        for j, v in enumerate(values):
            if v:
                out.setdefault(str(v).strip().lower(), []).append((r, j))
    return out


def preview_rows(p: FilePreview, sheet: str) -> tuple[pd.DataFrame, set[tuple[int, int | None]]]:
    """The rows of one sheet to show: the first PREVIEW_ROWS, then any failing row further down."""
    import pandas as pd

    grid = p.grids.get(sheet, pd.DataFrame())
    marks = p.highlighted().get(sheet, set())
    failing_rows = {r for r, _ in marks}
    keep = [r for i, r in enumerate(grid.index) if i < PREVIEW_ROWS or r in failing_rows]
    return grid.loc[keep], marks


# ---------------------------------------------------------------------------------------------------
# Accepting and discarding


@dataclass
class Accepted:
    """What accepting an upload did: each file's outcome as `pccdash ingest` reports it."""

    files: list[FileOutcome]
    # the months approved or published before that the load changed, each in words (`approval.changed_lines`)
    changed: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        loaded = [f for f in self.files if f.outcome == "accepted"]
        again = [f for f in self.files if f.outcome == "rejected" and f.refused_before]
        refused = [f for f in self.files if f.outcome == "rejected" and f not in again]
        parts = [f'"{shown(f.label, None)}" {describe(f)}' for f in self.files]
        head = (f"{counted(len(loaded), 'file')} loaded"
                + (f", {len(refused)} refused and recorded" if refused else "")
                + (f", {len(again)} refused before (nothing new recorded)" if again else "") + ". ")
        return head + "; ".join(parts) + "."

    @property
    def toast(self) -> str:
        """A word for what was done: loaded, or only a refusal recorded."""
        if any(f.outcome == "accepted" for f in self.files):
            return "Loaded."
        return "Refusal recorded; nothing loaded." if any(
            f.outcome == "rejected" and not f.refused_before for f in self.files) else (
            "Nothing loaded.")


def database_path(con: duckdb.DuckDBPyConnection) -> Path:
    """The warehouse file this connection writes to (its file store lies beside it)."""
    path = filestore.of_connection(con)
    if path is None:
        raise UploadError("This warehouse is held in memory and has no file store: open a warehouse file.")
    return path


def accept(con: duckdb.DuckDBPyConnection, claims: Mapping, previews: Iterable[FilePreview], *,
           today: dt.date | None = None, db_path: str | Path | None = None) -> Accepted:
    """Load the previewed files exactly as `pccdash ingest` does, each all or nothing: a file that fails the
    contract now is recorded as refused, with its problems, and loads nothing. Each file's bytes are kept in the
    file store by their SHA-256, and its upload (who, when) and an audit event are recorded in the file's own
    transaction. The Commissioner and analysts may."""
    from .. import audit  # here, not at the top: it brings pandas, which `pccdash validate` does without

    identity = require(claims, "load")
    actor = audit.as_actor(claims)
    previews = list(previews)
    if not previews:
        raise UploadError("No file was given: choose one or more .csv or .xlsx returns.")
    for p in previews:
        if Path(p.name).suffix.lower() not in RETURN_SUFFIXES:
            raise UploadError(f'"{shown(p.name, None)}" is not a .csv or .xlsx file, so it cannot be loaded. '
                              "Discard it and upload the return as .csv or .xlsx.")
    from ..publish.approval import changed_lines, newly_changed
    from ..publish.changes import changed_months

    store = Path(db_path) if db_path else database_path(con)
    changed_before = changed_months(con)
    for p in previews:  # kept before their rows: a stored file no row names is unseen, a named one missing is not
        filestore.put(store, p.data)
    outcomes: list[FileOutcome] = []
    with tempfile.TemporaryDirectory(prefix="pccdash-upload-") as tmp:
        for i, p in enumerate(previews):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / p.name

            def keep(con: duckdb.DuckDBPyConnection, file_id: int, outcome: str, p: FilePreview = p) -> None:
                con.execute("UPDATE file_registry SET path = ? WHERE file_id = ?",  # its own row, just added
                            [f"uploaded in the app (file store {p.sha256})", file_id])
                con.execute("INSERT INTO file_upload (file_id, sha256, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?)",
                            [file_id, p.sha256, identity, utc_now()])
                audit.record_load(con, actor, file_id, outcome, p.sha256)

            path.write_bytes(p.data)
            outcomes += ingest(con, [path], loaded_by=identity, today=today, recorded=keep, stored=p.sha256).files
    loaded = any(o.outcome == "accepted" for o in outcomes)
    changed = newly_changed(con, changed_months(con) - changed_before) if loaded else []
    return Accepted(outcomes, changed_lines(changed))


def discard(previews: Iterable[FilePreview]) -> int:
    """Forget an upload: nothing of it was written, so only its bytes held in memory go. Returns how many."""
    previews = list(previews)
    for p in previews:
        p.data = b""
        p.grids = {}
    return len(previews)
