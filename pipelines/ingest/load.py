"""Loading return files into the warehouse: each file all or nothing, each figure with its source place."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import faults, filestore, records, settings
from ..catalogue import counted
from ..contracts import Contract, ValidationRun, load_contract, validate_batch
from ..contracts.batch import as_held, build_batch
from ..contracts.recheck import Recheck, recheck_held
from ..contracts.runner import breakdowns_table, figures_table
from ..contracts.store import save_caveats, save_quarantine, save_run
from ..errors import PccDashError, Problem, shown
from ..uk_time import uk_words
from ..warehouse import one, scalar, utc_now
from . import checks, readers

log = logging.getLogger(__name__)

RETURN_SUFFIXES = (".csv", ".xlsx")
Recorded = Callable[[duckdb.DuckDBPyConnection, int, str], None]  # (connection, file id, outcome)
PROBLEMS_KEPT = 1000
# how the check of a file read past its structure is labelled (the Validation runs page, the report)
READ_PAST = "read past its structure: each row checked, not the rules across rows"


def read_past(contract: Contract) -> Contract:
    """The rules a file read past problems of its structure is checked by (readers.FileRejected.partial): its row
    rules, each row on its own and no figure twice. Not the rules across rows (every district reported, a breakdown
    adding up, a part within its whole, the change from the month before), which a cell not read would make say
    something false ("not reported", "does not add up"): those judge the file when it is sent again whole."""
    return dataclasses.replace(contract, set_rules=())


def read_checkable(con: duckdb.DuckDBPyConnection, facts: readers.FileFacts
                   ) -> tuple[readers.ReadResult, list[Problem]]:
    """Read a return for its contract check: what was read, and the problems of its structure it was read past (a
    formula, a merged cell, a hidden sheet; none for a file read whole), which refuse it whatever the check finds.
    Raises readers.FileRejected when its figures cannot be known at all."""
    try:
        return readers.read_file(con, facts), []
    except readers.FileRejected as exc:
        if exc.partial is None:
            raise
        return exc.partial, exc.problems


def checked_by(contract: Contract, reading: list, name: str, *, loaded: bool = True) -> tuple[Contract, str]:
    """The contract a read file is checked against and the check's label ('"name"', '"name" (not loaded)' for a
    check that loads nothing): the row rules alone, said in the label, for a file read past its structure
    (`reading`, from `read_checkable`); the whole contract otherwise."""
    said = [*([] if loaded else ["not loaded"]), *([READ_PAST] if reading else [])]
    label = f'"{name}"' + (f" ({'; '.join(said)})" if said else "")
    return (read_past(contract) if reading else contract), label


@dataclass
class FileOutcome:
    """What happened to one file."""

    label: str
    path: Path
    outcome: str  # accepted | rejected | already_loaded
    file_id: int | None = None
    layout: str | None = None
    rows: int = 0
    categories: int = 0  # of the rows, breakdown categories (the rest are figures)
    categories_new: int = 0  # of those, categories the warehouse did not hold, and categories whose value changed
    categories_revised: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    # of a file refused for its structure and read past it (a formula, a merged cell, a hidden sheet): how many of
    # `problems`, the first, are those; the rest of the file was checked against the contract too
    reading: int = 0
    message: str = ""
    # of a refused file whose same bytes were refused before and still stand: when, in words ("already refused as
    # file #3 (...) on ..."); nothing new is recorded for it
    refused_before: str = ""
    seconds: float = 0.0
    run: ValidationRun | None = None  # the contract's verdict, when the file could be read
    caveats: int = 0  # warnings attached to figures
    # the figures already held whose comparison the file changed, checked again: caveats ended and added
    recheck: Recheck = field(default_factory=Recheck)

    def other_problems(self) -> list[Problem]:
        """The problems that are not the contract's sample rows: a wrong total, a cell that cannot be read."""
        if self.run is None:
            return list(self.problems)
        sampled = {(p.sheet, p.row, p.column, p.text) for p in self.run.problems()}
        return [p for p in self.problems if (p.sheet, p.row, p.column, p.text) not in sampled]

    @property
    def problem_count(self) -> int:
        """Every problem found: each failing row of the failed error rules (of which `problems` holds a sample)
        and each other problem."""
        failing = sum(r.failing_count for r in self.run.errors) if self.run is not None else 0
        return failing + len(self.other_problems())


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in the folders given that are not returns: `not_loaded`

    @property
    def ok(self) -> bool:
        return all(f.outcome != "rejected" for f in self.files)

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)


class NothingToIngest(PccDashError):
    """The paths given hold no .csv or .xlsx file."""


def nothing_found(paths: Iterable[str | Path]) -> NothingToIngest:
    """The error for paths that hold no .csv or .xlsx file (`ingest` and `validate` say it alike)."""
    paths = list(paths)
    given = ", ".join(f'"{shown(p, None)}"' for p in paths)
    other = not_loaded(skipped_in(paths))
    return NothingToIngest(f"No .csv or .xlsx file was found in {given}." + (f" {other}" if other else ""))


_SKIPPED_HINTS = {".zip": "a .zip is not unpacked: unpack it and load the folder it gives",
                  ".xls": "save it from the spreadsheet as .xlsx or .csv", ".xlsm": "save it as .xlsx or .csv",
                  ".ods": "save it from the spreadsheet as .xlsx or .csv"}


def skipped_in(paths: Iterable[str | Path]) -> list[str]:
    """The files under the folders given that are not loaded, being neither .csv nor .xlsx (a .zip of police.uk's
    months, a return saved as .xls, a covering letter), each named as a file found there is, with what to do
    where there is something to do."""
    out = []
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            continue
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p)
            if (f.is_file() and f.suffix.lower() not in RETURN_SUFFIXES and not f.name.startswith((".", "~$"))
                    and not any(part.startswith(".") for part in rel.parts[:-1])):
                hint = _SKIPPED_HINTS.get(f.suffix.lower())
                out.append(f'"{shown(rel.as_posix(), None)}"' + (f" ({hint})" if hint else ""))
    return out


def not_loaded(skipped: list[str], most: int = 5) -> str:
    """`skipped_in` as a sentence: 'Not loaded, being neither .csv nor .xlsx: "2018-06.zip" (a .zip is ...).'"""
    if not skipped:
        return ""
    more = f", and {len(skipped) - most} more" if len(skipped) > most else ""
    return f"Not loaded, being neither .csv nor .xlsx: {', '.join(skipped[:most])}{more}."


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Expand files and folders into the return files to load, in name order; name any path that is missing."""
    named, missing = discover_named(paths)
    return [path for path, _label in named], missing


def not_found(path: Path) -> str:
    """What a path given that names no file or folder is told: that it does not exist, and where it was looked for
    when it is relative (a command run from another folder than the returns' is the usual cause)."""
    where = "" if path.is_absolute() else f' in "{Path.cwd()}", the folder the command was run from'
    return f"does not exist: there is no file or folder of this name{where}. Check the name and the folder."


def discover_named(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[FileOutcome]]:
    """As `discover`, each file with the name it is shown and registered by: a file given by itself is its
    file name; a file found under a folder is its path below that folder ("east/return.csv"), so two files
    of one name in different subfolders stay apart. Where two files given would still share a name, each
    takes as many of its parent folders as tell them apart."""
    found: list[tuple[Path, str]] = []
    missing: list[FileOutcome] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in RETURN_SUFFIXES
                and not f.name.startswith((".", "~$"))
                and not any(part.startswith(".") for part in f.relative_to(p).parts[:-1])
            )
            found.extend((f, f.relative_to(p).as_posix()) for f in files)
        elif p.is_file():
            found.append((p, p.name))
        else:
            missing.append(FileOutcome(str(raw), p, "rejected", problems=[Problem(str(raw), not_found(p))],
                                       message=f'"{shown(raw, None)}" does not exist.'))
    seen: set[Path] = set()
    unique = []
    for f, label in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((f, label))
    named = []
    for f, label in _apart(unique):
        why = cannot_open(f)
        if why is None:
            named.append((f, label))
        else:  # nothing of it can be read, so nothing is registered: said as a missing one is
            missing.append(FileOutcome(label, f, "rejected", problems=[Problem(label, why)], message=UNREAD))
    return named, missing


UNREAD = "cannot be read"  # the message of a file given or found that this account may not open


def cannot_open(path: Path) -> str | None:
    """Why `path`, a file, cannot be opened for reading by this account (its permissions, say), as a problem to
    show; None when it can."""
    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        from ..audit import os_account

        why = (exc.strerror or type(exc).__name__).lower()
        return (f"cannot be read ({why}): the account running the command ({os_account() or 'unknown'}) may not "
                "open it. Give that account leave to read it, or copy the file somewhere it can read, and run the "
                "command again.")


def _apart(named: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Lengthen names that two different files share with their parent folders until each is its own."""
    out = list(named)
    for _ in range(max((len(p.parts) for p, _ in out), default=0)):
        counts: dict[str, int] = {}
        for _p, label in out:
            counts[label] = counts.get(label, 0) + 1
        if all(n == 1 for n in counts.values()):
            break
        out = [(p, _longer(p, label) if counts[label] > 1 else label) for p, label in out]
    return out


def _longer(path: Path, label: str) -> str:
    """`label` with one more of `path`'s parent folders in front, while the path as given has one."""
    parts = [part for part in path.parts if part not in (path.anchor, "", ".")]
    depth = label.count("/") + 1
    return "/".join(parts[-depth - 1:]) if depth < len(parts) else label


def ingest(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path], *, loaded_by: str | None = None,
           today: dt.date | None = None, progress: Callable[[str], None] | None = None,
           recorded: Recorded | None = None, stored: str | None = None) -> IngestReport:
    """Load every return file under `paths`. A bad file is refused whole; the others still load.

    `recorded(con, file_id, outcome)` runs inside each force return's own transaction once it is registered,
    so what a caller keeps about the file (who uploaded it, the audit event) commits or rolls back with it.
    `stored`: the SHA-256 of a file the caller has kept in the file store already (an upload): a file of that
    content is not written there again."""
    paths = list(paths)
    files, missing = discover_named(paths)
    report = IngestReport(files=list(missing), skipped=skipped_in(paths))
    if not files and not missing:
        raise nothing_found(paths)
    user = loaded_by or _user()
    say = progress or (lambda _msg: None)
    # a police.uk file named by itself, loaded before and replaced since, is put back in force; one in a folder is not
    alone = {Path(raw).resolve() for raw in paths if Path(raw).is_file()}
    with tempfile.TemporaryDirectory(prefix="pccdash-") as tmp:
        for i, (path, label) in enumerate(files, start=1):
            say(f"[{i}/{len(files)}] {shown(label, None)} ({_size(path)})")
            outcome = _ingest_any(con, path, label, loaded_by=user, today=today, tmp_dir=Path(tmp),
                                  recorded=recorded, progress=progress, stored=stored,
                                  put_back=path.resolve() in alone)
            report.files.append(outcome)
            say(f"        {describe(outcome)}")
    return report


def _ingest_any(con: duckdb.DuckDBPyConnection, path: Path, label: str, *, loaded_by: str, today: dt.date | None,
                tmp_dir: Path, recorded: Recorded | None = None,
                progress: Callable[[str], None] | None = None, stored: str | None = None,
                put_back: bool = True) -> FileOutcome:
    """A police.uk street or outcomes file (known by its header, or by police.uk's columns in it) goes to its own
    pipeline, told `progress` of each stage when it is large, and `put_back` as `ingest_police_uk` is; anything else
    is a force return."""
    from ..policeuk import detect, header_problem, ingest_police_uk

    # a police.uk file whose header has changed is refused as police.uk's, naming its columns, not as a return
    if path.suffix.lower() == ".csv" and (detect(path) or header_problem(path, label)):
        return ingest_police_uk(con, path, loaded_by=loaded_by, today=today, tmp_dir=tmp_dir, label=label,
                                recorded=recorded, progress=progress, put_back=put_back)
    return ingest_file(con, path, loaded_by=loaded_by, today=today, tmp_dir=tmp_dir, label=label, recorded=recorded,
                       stored=stored)


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, *, loaded_by: str, today: dt.date | None = None,
                tmp_dir: Path, label: str | None = None, recorded: Recorded | None = None,
                stored: str | None = None) -> FileOutcome:
    """Load one file in one transaction; record a refusal with its problems; load nothing twice.

    `label` is the name the file is shown and registered by (its file name unless given); `stored`, the SHA-256 of
    its content when the caller has kept it in the file store already."""
    started = time.perf_counter()
    drop_staging(con)
    label = label or path.name
    received = utc_now()
    try:
        facts = _inspect_and_keep(con, path, label, tmp_dir, stored)
    except readers.FileRejected as exc:
        size = path.stat().st_size if path.exists() else 0
        return reject(con, path, label, None, size, received, loaded_by, exc.problems, started, recorded=recorded,
                      sha256=exc.sha256)
    earlier = one(con, "SELECT file_id, name, received_at FROM file_registry "
                       "WHERE sha256 = ? AND outcome = 'accepted' ORDER BY file_id LIMIT 1", [facts.sha256])
    if earlier:
        file_id, name, when = earlier
        return FileOutcome(label, path, "already_loaded", file_id=file_id,
                           message=f'already loaded as file #{file_id} ("{name}") on {uk_words(when, "words")}; '
                                   "nothing changed.", seconds=time.perf_counter() - started)
    try:  # what was read past (`reading`) refuses the file with what the check finds in the rest
        result, reading = read_checkable(con, facts)
    except readers.FileRejected as exc:
        return reject(con, path, label, facts, facts.size, received, loaded_by, exc.problems, started,
                      recorded=recorded)
    month = checks.current_month(today)
    build_batch(con, label)
    contract, checked = checked_by(load_contract("force_cse_return"), reading, label)
    run = validate_batch(con, contract, scope="ingest", label=checked, current_month=month)
    problems = reading + checks.check_totals(con, label, result.totals) + run.problems("error")
    if problems or run.errors:
        return reject(con, path, label, facts, facts.size, received, loaded_by, problems, started,
                      layout=result.layout, run=run, current_month=month, recorded=recorded, return_batch=True,
                      rows=result.rows, reading=len(reading))
    con.execute("BEGIN TRANSACTION")
    file_id = None
    try:
        file_id = register(con, path, label, facts, received, loaded_by, "accepted", result.layout,
                           rows=result.rows)
        run_id = save_run(con, run, file_id)
        # before the figures change: the set rules compare the batch with the figures as they stood
        caveats = save_caveats(con, run, run_id, file_id, month)
        # the current figures of the batch's measures, as the contract held them (nothing has changed them since)
        current, current_parts = figures_table(con), breakdowns_table(con)
        if as_held(con, current):  # a month held under a district's former name: its caveats go with it
            con.execute("""UPDATE figure_caveat SET district = h.held FROM held_name h
                           WHERE figure_caveat.run_id = $run AND figure_caveat.period = h.period
                             AND figure_caveat.measure = h.measure AND figure_caveat.district = h.named""",
                        {"run": run_id})
        if caveats:
            # a figure the file sends again unchanged stays the earlier file's: a caveat the check found on it (a
            # percentage against the part the file corrects) follows it there, as the earlier file's caveats do
            con.execute(
                f"""UPDATE figure_caveat SET file_id = c.file_id
                   FROM (SELECT k.period, k.district, k.measure, c.file_id
                         FROM (SELECT DISTINCT period, district, measure FROM figure_caveat WHERE run_id = $run) k
                         JOIN batch_total b USING (period, district, measure)
                         JOIN {current} c USING (period, district, measure)
                         WHERE c.value = b.value) c
                   WHERE figure_caveat.run_id = $run AND figure_caveat.period = c.period
                     AND figure_caveat.district = c.district AND figure_caveat.measure = c.measure""",
                {"run": run_id})
        new, revised, unchanged = one(
            con,
            f"""SELECT count(*) FILTER (WHERE c.value IS NULL),
                      count(*) FILTER (WHERE c.value IS NOT NULL AND c.value <> b.value),
                      count(*) FILTER (WHERE c.value = b.value)
               FROM batch_total b LEFT JOIN {current} c USING (period, district, measure)""",
        )
        con.execute(
            f"""INSERT INTO figure_revision
               SELECT b.period, b.district, b.measure, coalesce(c.revision, 0) + 1, b.value, c.value,
                      $file_id, b.source_sheet, b.source_row, b.source_column, b.note, $now
               FROM batch_total b LEFT JOIN {current} c USING (period, district, measure)
               WHERE c.value IS NULL OR c.value <> b.value""",
            {"file_id": file_id, "now": received},
        )
        # a breakdown's categories, each revised on its own as a figure is
        con.execute(
            f"""INSERT INTO figure_breakdown_revision
               SELECT b.period, b.district, b.measure, b.dimension, b.category, coalesce(c.revision, 0) + 1, b.value,
                      c.value, $file_id, b.source_sheet, b.source_row, b.category_column, b.category_text, $now
               FROM batch_breakdown b LEFT JOIN {current_parts} c USING (period, district, measure, dimension, category)
               WHERE c.value IS NULL OR c.value <> b.value""",
            {"file_id": file_id, "now": received},
        )
        # what the file held, unchanged figures too: a resubmission covers the months and measures it repeats
        con.execute("INSERT INTO file_coverage SELECT $file_id, period, measure, CAST(count(*) AS INTEGER) "
                    "FROM batch_total GROUP BY period, measure", {"file_id": file_id})
        con.execute("INSERT INTO breakdown_coverage SELECT $file_id, period, measure, dimension, "
                    "CAST(count(*) AS INTEGER) FROM batch_breakdown GROUP BY period, measure, dimension",
                    {"file_id": file_id})
        # the breakdown rows just counted by month, measure and dimension, summed: not another scan of the batch
        categories = one(con, "SELECT coalesce(sum(categories), 0)::BIGINT FROM breakdown_coverage "
                              "WHERE file_id = ?", [file_id])[0]
        # of them, those new and those revised: the revisions just written, each with the value it replaced
        categories_new, categories_revised = one(
            con, "SELECT count(*) FILTER (WHERE previous_value IS NULL), count(*) FILTER (WHERE previous_value IS "
                 "NOT NULL) FROM figure_breakdown_revision WHERE file_id = ?", [file_id]) if categories else (0, 0)
        checks.keep_totals(con, file_id, result.totals)  # the force's own totals, checked above, with their cells
        con.execute(
            "UPDATE file_registry SET figures_new = ?, figures_revised = ?, figures_unchanged = ? "
            "WHERE file_id = ?", [new, revised, unchanged, file_id])
        # the figures already held that are compared with the file's (the next later month, the same month a year
        # on, the same month of a linked measure), checked again as the figures now stand, in this transaction
        recheck = recheck_held(con, contract, file_id, label, month)
        refresh_reporting_months(con, today or settings.today())
        if recorded:
            recorded(con, file_id, "accepted")
        faults.point("ingest_before_commit")
        con.execute("COMMIT")
        faults.point("ingest_after_commit")
    except BaseException:
        con.execute("ROLLBACK")
        give_back(con, file_id)
        raise
    finally:
        drop_staging(con)
    return FileOutcome(label, path, "accepted", file_id=file_id, layout=result.layout, rows=result.rows,
                       categories=categories, categories_new=categories_new, categories_revised=categories_revised,
                       new=new, revised=revised, unchanged=unchanged,
                       seconds=time.perf_counter() - started, run=run, caveats=caveats, recheck=recheck)


def refresh_reporting_months(con: duckdb.DuckDBPyConnection, today: dt.date) -> None:
    """A meeting not yet held reports on the latest month with accepted figures before the meeting's month (as
    `briefing.reporting_period` judges it): kept up to date as figures are accepted, so that once the meeting is
    held its month is the one the figures gave by its day (pipelines/accountability/records.py reads it)."""
    con.execute(
        """UPDATE meeting SET reporting_month = n.month
           FROM (SELECT m.meeting_id, (SELECT max(r.period) FROM figure_revision r
                                       WHERE r.period < date_trunc('month', m.held_on)) AS month
                 FROM meeting m WHERE m.held_on >= $today) n
           WHERE meeting.meeting_id = n.meeting_id AND meeting.reporting_month IS DISTINCT FROM n.month""",
        {"today": today})


def _inspect_and_keep(con: duckdb.DuckDBPyConnection, path: Path, label: str, tmp_dir: Path,
                      stored: str | None = None) -> readers.FileFacts:
    """Fingerprint the return and keep it as received in the file store beside the warehouse, in the same pass
    over its bytes and before any row names it: tracing a figure to its row needs the file, wherever the office
    later moves its own copy (a warehouse held in memory has no store). A file the caller kept there already
    (`stored`, its SHA-256: an upload, kept as it was received) is not written again."""
    store = filestore.of_connection(con)
    if store is None:
        return readers.inspect_file(path, label, tmp_dir)
    if stored and filestore.has(store, stored):
        try:
            facts = readers.inspect_file(path, label, tmp_dir)
        except readers.FileRejected as exc:
            if exc.sha256 in ("", stored):
                raise
        else:
            if facts.sha256 == stored:
                return facts
        # not the content the caller kept (changed since): kept below as read, as any other file
    with filestore.Keeper(store) as keeper:
        try:
            facts = readers.inspect_file(path, label, tmp_dir, keep=keeper.write)
        except readers.FileRejected as exc:
            if exc.sha256:  # refused as unreadable once every byte was read: kept as received all the same
                keeper.keep(exc.sha256)
            raise
        keeper.keep(facts.sha256)
    return facts


def register(con, path: Path, label: str, facts: readers.FileFacts | None, received, loaded_by: str,
             outcome: str, layout: str | None, rows: int = 0, message: str | None = None) -> int:
    """Enter a received file in the file registry with its outcome ("accepted" or "rejected"); returns its number."""
    return scalar(
        con,
        """INSERT INTO file_registry (sha256, name, path, size_bytes, received_at, loaded_by, file_type,
                                      layout, encoding, rows_read, outcome, message, received_on)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING file_id""",
        [facts.sha256 if facts else "", label, str(path), facts.size if facts else 0, received, loaded_by,
         facts.file_type if facts else path.suffix.lower().lstrip("."), layout,
         facts.encoding if facts else None, rows, outcome, message, settings.today()],
    )


def give_back(con, file_id: int | None) -> None:
    """After a rollback that undid a file's registration: its number goes back when no later one was taken since,
    so the next file is given it. DuckDB does not roll a sequence back with the transaction, and a number lost so
    would leave a gap in the list of files (22, 24, ...) and a count short of the highest number."""
    if not file_id or file_id <= 1:  # the sequence cannot go below its start
        return
    try:  # never in the way of the fault being raised: a warehouse that cannot answer keeps the gap
        last = scalar(con, "SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'file_id_seq'")
        taken = scalar(con, "SELECT count(*) FROM file_registry WHERE file_id >= ?", [file_id])
        if last == file_id and not taken:
            con.execute("SELECT setval('file_id_seq', ?)", [file_id - 1])
    except duckdb.Error:
        log.debug("file number %s not given back", file_id, exc_info=True)


def reject(con, path: Path, label: str, facts, size: int, received, loaded_by: str, problems: list[Problem],
           started: float, layout: str | None = None, run: ValidationRun | None = None,
           current_month: dt.date | None = None, recorded: Recorded | None = None,
           return_batch: bool = False, rows: int = 0, reading: int = 0, sha256: str = "",
           contract_id: str = "force_cse_return") -> FileOutcome:
    """Register a refused file with its problems, and the contract's run: when it ran, that run; else (refused
    before any rule could judge it) a run of no rows under `contract_id`, the contract the file would have been
    checked against, so that the file's load is among the Validation runs, refused, as its trial is. `return_batch`:
    the file is a force return whose batch was built, so what it held is kept for the return calendar; `rows`, the
    figures read from it (none when it could not be read); `reading`, how many of the problems, the first, were read
    past; `sha256`, of a file refused before its facts were known (`facts` None), its bytes' hash if they were
    read."""
    if facts is not None:
        sha256 = facts.sha256
    earlier = one(con, """SELECT r.file_id, r.name, r.received_at FROM file_registry r
                          WHERE r.sha256 = ? AND r.sha256 <> '' AND r.outcome = 'rejected'
                            AND NOT EXISTS (SELECT 1 FROM file_supersession s WHERE s.file_id = r.file_id)
                          ORDER BY r.file_id LIMIT 1""", [sha256])
    if earlier:  # the same bytes refused before and still standing: one refusal, not one more each time it is sent
        drop_staging(con)
        file_id, name, when = earlier
        before = f'already refused as file #{file_id} ("{name}") on {uk_words(when, "words")}'
        return FileOutcome(label, path, "rejected", file_id=file_id, layout=layout, problems=problems,
                           reading=reading, message=f"{before}; nothing new was recorded. "
                                   + (problems[0].message() if problems else ""),
                           refused_before=before, seconds=time.perf_counter() - started, run=run)
    con.execute("BEGIN TRANSACTION")
    file_id = None
    try:
        if facts is None:
            facts_like = readers.FileFacts(path=path, label=label, size=size, sha256=sha256,
                                           file_type=path.suffix.lower().lstrip("."))
        else:
            facts_like = facts
        file_id = register(con, path, label, facts_like, received, loaded_by, "rejected", layout, rows=rows,
                           message=problems[0].message() if problems else None)
        con.executemany(
            'INSERT INTO ingest_problem (file_id, sheet, "row", "column", problem) VALUES (?, ?, ?, ?, ?)',
            [[file_id, p.sheet, p.row, p.column, p.text] for p in problems[:PROBLEMS_KEPT]],
        )
        if run is not None:
            run_id = save_run(con, run, file_id)
            save_quarantine(con, run, run_id, file_id, current_month)
        else:  # its problems, kept above with the file, say why no rule judged it
            contract = load_contract(contract_id)
            save_run(con, ValidationRun(contract, "ingest", checked_by(contract, [], label)[1], rows=0,
                                        started_at=received, seconds=time.perf_counter() - started), file_id)
        if return_batch:
            # what the file held, its good rows too: refused whole, none of it has arrived (the return calendar)
            con.execute("INSERT INTO refused_coverage SELECT $file_id, period, measure, CAST(count(*) AS INTEGER) "
                        "FROM batch_total WHERE period IS NOT NULL AND kind IS NOT NULL GROUP BY period, measure",
                        {"file_id": file_id})
        if recorded:
            recorded(con, file_id, "rejected")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        give_back(con, file_id)
        raise
    finally:
        drop_staging(con)
    return FileOutcome(label, path, "rejected", file_id=file_id, layout=layout, problems=problems, reading=reading,
                       message=problems[0].message() if problems else "", seconds=time.perf_counter() - started,
                       run=run)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop one file's temporary tables and views, so the next file starts clean (not the connection's view of the
    police.uk records behind the current counts)."""
    # read from DuckDB's own lists of the temporary catalogue: information_schema.tables lists every table of the
    # warehouse and of its records file before it is narrowed to the temporary ones
    drops = [f"DROP {kind} IF EXISTS temp.main.{name}"
             for name, kind in con.execute(
                 "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = 'temp' "
                 "AND schema_name = 'main' UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() "
                 "WHERE database_name = 'temp' AND schema_name = 'main' AND view_name <> ?",
                 [records.CURRENT_VIEW]).fetchall()]
    if drops:  # one call for them all: a load leaves a dozen
        con.execute("; ".join(drops))


def describe(o: FileOutcome) -> str:
    if o.outcome == "accepted":
        caveats = f"; {counted(o.caveats, 'caveat')} from contract warnings" if o.caveats else ""
        r = o.recheck
        if r.ended or r.added:
            caveats += (f"; figures loaded earlier that are compared with these checked again: "
                        f"{counted(r.ended, 'caveat')} no longer {'holds' if r.ended == 1 else 'hold'}, "
                        f"{r.added:,} added")
        parts = f" (and {counted(o.categories, 'breakdown category', 'breakdown categories')})" if o.categories else ""
        of_parts = (f"; of the breakdown categories, {o.categories_new:,} new, {o.categories_revised:,} revised, "
                    f"{o.categories - o.categories_new - o.categories_revised:,} unchanged" if o.categories else "")
        # a police.uk file's rows are records, which it counts into figures; a return's rows are its figures
        read = "record" if (o.layout or "").startswith("police_uk") else "figure"
        note = f" {o.message}" if o.message else ""  # a police.uk file's columns added, not read
        return (f"accepted as file #{o.file_id}: {counted(o.rows - o.categories, read)} read{parts}, {o.new:,} new, "
                f"{o.revised:,} revised, {o.unchanged:,} unchanged{of_parts}{caveats} ({o.seconds:.1f} s)"
                f"{'.' if note else ''}{note}")
    if o.outcome == "already_loaded":
        return shown(o.message, None)  # it quotes the name registered then
    again = f" ({shown(o.refused_before, None)})" if o.refused_before else ""
    return f"REFUSED, nothing loaded: {counted(o.problem_count, 'problem')}{again}"


def _size(path: Path) -> str:
    try:
        n = path.stat().st_size
    except OSError:
        return "?"
    return f"{n / 1048576:,.1f} MiB" if n >= 1048576 else f"{n / 1024:,.1f} KiB"


def _user() -> str:
    """The operating-system account loading, as the audit trail names it: from the process's user id, not from $USER
    or $LOGNAME, which whoever starts the process sets (`USER=someone pccdash ingest ...` must not pass for someone)."""
    from ..audit import os_account

    return os_account() or "unknown"  # a user id with no name (a bare container)
