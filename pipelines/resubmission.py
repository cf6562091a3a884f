"""Resubmissions: when a refused return stops blocking its months, marking one withdrawn or superseded, and
the figures a corrected return changes (was, now), before and after it loads.

A refused file blocks each month and measure of the rows it had refused until a later accepted file (any
name, any format) covers that month and measure, or until a person marks it withdrawn or superseded.
A row whose month or measure could not be read cannot be matched to a later file: only a marking clears it.
A row dated after the month the file was received in (a mistyped month: "in the future" then) is no return for that
month: it blocks no month, and the file is not named as that month's return.
A refused police.uk file is public context, not the force's return: it blocks no month, and a later accepted
police.uk file of the same name (its folder, and a browser's " (1)" before the extension, aside) clears it.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from . import audit
from .access import require
from .catalogue import catalogue, counted, listed
from .errors import PccDashError, shown
from .registry import FILE_SENT, LoadedFile, find_file
from .uk_time import month_words, uk_day, uk_words
from .warehouse import utc_now

if TYPE_CHECKING:  # imported where a frame is made: checking a file needs no pandas
    import pandas as pd

STATES = ("withdrawn", "superseded")
REASON_LIMIT = 2000
# a police.uk street or outcomes file, as file_registry keeps it (alias r)
_CONTEXT = "coalesce(starts_with(r.layout, 'police_uk'), false)"
_MISTYPED = "a mistyped month: no return is for a month still to come"
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")  # as the batch reads a period: exactly YYYY-MM, nothing around it


class CannotSupersede(PccDashError):
    """A file named to be marked withdrawn or superseded is not a refused file, or the marking is incomplete."""


@dataclass(frozen=True)
class FileRef:
    file_id: int
    name: str

    def __str__(self) -> str:
        return f'"{shown(self.name, None)}" (#{self.file_id})'


@dataclass(frozen=True)
class Mark:
    """A person's marking of a refused file: withdrawn, or superseded (by a later file, when named)."""

    state: str
    by: FileRef | None
    reason: str
    marked_by: str
    channel: str
    marked_at: dt.datetime
    file: FileRef | None = None  # the file marked, where the marking is reported on its own

    def words(self) -> str:
        how = "from the command line" if self.channel == "cli" else "in the app" if self.channel == "app" else ""
        return (f"{self.state}{self.replaced_by()} (marked by {self.marked_by}{' ' + how if how else ''} on "
                f"{uk_words(self.marked_at, 'words')}: {shown(self.reason, 200)})")

    def replaced_by(self) -> str:
        """What superseded the file: the later file named, or, with none named, that no file loaded took its place
        (the reason says what did: a return sent another way, or one still to come); nothing for a withdrawn file."""
        if self.by is not None:
            return f" by {self.by}"
        return ", with no file loaded in its place" if self.state == "superseded" else ""


@dataclass
class Refusal:
    """One refused file and where it stands now."""

    file: FileRef
    received_at: dt.datetime
    # each (month, measure) of its refused rows, with the later accepted files that cover it (none: still open)
    rows: dict[tuple[dt.date, str], list[FileRef]] = field(default_factory=dict)
    # months of refused rows whose measure could not be read, and the count of rows without a readable month
    months_unmatched: set[dt.date] = field(default_factory=set)
    undated: int = 0
    mark: Mark | None = None
    later_same_name: FileRef | None = None  # for a file refused before any row was read, or a police.uk file
    rows_read: int = 0  # figures read from it: of a file refused with no row that broke a rule, whether it was read
    context: bool = False  # a police.uk street or outcomes file: its rows are no figure of the force's
    received_month: dt.date | None = None  # the month of the day it was received (the office's day)
    # refused rows dated after that month (as written: "2026-09"), with their count: a month still to come when the
    # file arrived, so the file is no return for it, and they block no month
    future: dict[str, int] = field(default_factory=dict)

    def could_be_for(self, period: dt.date) -> bool:
        """Whether the file could have been a return for `period`: a month not after the one it was received in."""
        return self.received_month is None or period <= self.received_month

    @property
    def unread(self) -> bool:
        """Refused with no row that broke a rule: before any row could be checked (not a return, an unreadable
        sheet), or read and refused for its structure or a wrong total. It names no month. (A file whose only
        refused rows are dated after the month it was received names none either.)"""
        return not self.rows and not self.months_unmatched and not self.undated

    @property
    def open_rows(self) -> list[tuple[dt.date, str]]:
        return sorted(k for k, by in self.rows.items() if not by)

    @property
    def state(self) -> str:
        """open | cleared (a later file covers all it refused) | withdrawn | superseded (marked)."""
        if self.mark is not None:
            return self.mark.state
        if self.unread:
            return "cleared" if self.later_same_name else "open"
        return "open" if self.open_rows or self.months_unmatched or self.undated else "cleared"

    @property
    def cleared_by(self) -> list[FileRef]:
        # each row is cleared by the first later file that covers it: one after that (a correction of the same
        # month) came when it was already cleared, and cleared nothing
        found = {by[0] for by in self.rows.values() if by}
        if self.unread and self.later_same_name:
            found.add(self.later_same_name)
        return sorted(found, key=lambda f: f.file_id)

    def months(self) -> list[dt.date]:
        return sorted({p for p, _ in self.rows} | self.months_unmatched)

    def blocking(self, period: dt.date) -> list[str]:
        """The measures of `period` this file still blocks ("a measure that could not be read" included)."""
        if self.state != "open":
            return []
        out = sorted(m for p, m in self.open_rows if p == period)
        if period in self.months_unmatched:
            out.append("rows whose measure could not be read")
        return out

    def describe(self) -> str:
        """Where the file stands, in the words the file registry and the approval page use."""
        if self.mark is not None:
            return "refused; " + self.mark.words()
        state = self.state
        if state == "cleared":
            return "refused; superseded by " + ", ".join(map(str, self.cleared_by)) + " (cleared automatically)"
        if self.context:
            return ("refused police.uk file; it blocks no month of the force's figures, and a later download of the "
                    "same name (corrected, or the month as police.uk publishes it again) clears it")
        if self.unread and self.future:
            return f"refused; {self._future_words()}, block no month ({_MISTYPED})"
        if self.unread and self.rows_read:  # read and checked, refused for its structure or a wrong total
            return "refused with no row that broke an error rule (see its problems); it blocks no month"
        if self.unread:
            return "refused before any row could be read; it blocks no month"
        parts = []
        blocked = sorted({p for p, _ in self.open_rows} | self.months_unmatched)
        if blocked:
            parts.append("blocks " + listed([month_words(p) for p in blocked]) + " until a later file covers "
                         + ("it" if len(blocked) == 1 else "them"))
        if self.undated:
            parts.append(f"{counted(self.undated, 'refused row')} {'has' if self.undated == 1 else 'have'} no "
                         f"readable month, so no later file can clear {'it' if self.undated == 1 else 'them'}: mark "
                         "the file withdrawn or superseded")
        if self.future:
            parts.append(f"{self._future_words()}, block no month ({_MISTYPED})")
        if self.cleared_by:
            parts.append("partly covered by " + ", ".join(map(str, self.cleared_by)))
        return "refused; " + "; ".join(parts)

    def _future_words(self) -> str:
        """Its refused rows dated after the month it was received in, as written, and why they are no month's."""
        n = sum(self.future.values())
        written = listed([f'"{shown(t, 20)}"' for t in sorted(self.future)])
        received = f" ({month_words(self.received_month)})" if self.received_month is not None else ""
        return f"{counted(n, 'refused row')} dated {written}, after the month it was received in{received}"


def refusals(con: duckdb.DuckDBPyConnection) -> list[Refusal]:
    """Every refused force return, oldest first, with what covers or marks it."""
    files = con.execute(
        f"""SELECT r.file_id, r.name, r.received_at, coalesce(r.rows_read, 0), {_CONTEXT}, r.received_on
            FROM file_registry r WHERE r.outcome = 'rejected' ORDER BY r.file_id""").fetchall()
    if not files:
        return []
    # the day a file was received is the office's (PCCDASH_TODAY when a run fixes it), as the ingest judged a month
    # "in the future" by; a file refused before that day was kept is read by its received time, in England
    out = {fid: Refusal(FileRef(fid, name), received, rows_read=rows, context=context,
                        received_month=(day or uk_day(received)).replace(day=1) if (day or received) else None)
           for fid, name, received, rows, context, day in files}
    lookup = catalogue().lookup()
    # a police.uk file's refused rows are no figure of the force's: they block no month
    for fid, period_text, measure_text, n in con.execute(
            f"""SELECT q.file_id, q.period_text, q.measure_text, count(*) FROM quarantine q
                JOIN file_registry r USING (file_id) WHERE r.outcome = 'rejected' AND NOT {_CONTEXT}
                GROUP BY ALL""").fetchall():
        ref = out[fid]
        period = _month(period_text)
        measure = lookup.get(str(measure_text).strip().lower()) if measure_text is not None else None
        if period is not None and not ref.could_be_for(period):  # a month still to come when the file arrived
            ref.future[str(period_text)] = ref.future.get(str(period_text), 0) + n
        elif period is None:
            ref.undated += n
        elif measure is None:
            ref.months_unmatched.add(period)
        else:
            ref.rows.setdefault((period, measure), [])
    periods = sorted({p for r in out.values() for p, _ in r.rows})
    if periods:
        for period, measure, fid, name in con.execute(
                f"""SELECT DISTINCT c.period, c.measure, c.file_id, r.name
                   FROM {FILE_SENT} c JOIN file_registry r USING (file_id)
                   WHERE r.outcome = 'accepted' AND list_contains(?, c.period) ORDER BY c.file_id""",
                [periods]).fetchall():
            for ref in out.values():
                covering = ref.rows.get((period, measure))
                if covering is not None and fid > ref.file.file_id:
                    covering.append(FileRef(fid, name))
    for fid, state, by_id, by_name, reason, who, channel, at in con.execute(
            """SELECT s.file_id, s.state, s.by_file_id, b.name, s.reason, s.marked_by, s.channel, s.marked_at
               FROM file_supersession s LEFT JOIN file_registry b ON b.file_id = s.by_file_id
               QUALIFY row_number() OVER (PARTITION BY s.file_id ORDER BY s.supersession_id DESC) = 1""").fetchall():
        if fid in out:
            out[fid].mark = Mark(state, FileRef(by_id, by_name) if by_id is not None else None, reason, who, channel,
                                 at)
    # a police.uk download is named by police.uk ("2018-06/2018-06-south-yorkshire-street.csv"): the same file name
    # under another folder, or as a browser saves a second download of it ("... street (1).csv"), is the same month's
    def base(name: str) -> str:
        return rf"regexp_replace(regexp_extract({name}, '[^/]*$'), ' \(\d+\)(\.[^.]*)$', '\1')"

    for fid, later_id, later_name in con.execute(
            f"""SELECT r.file_id, min(a.file_id), arg_min(a.name, a.file_id) FROM file_registry r
                JOIN file_registry a ON a.outcome = 'accepted' AND a.file_id > r.file_id
                 AND (a.name = r.name OR ({_CONTEXT} AND a.layout = r.layout AND {base('a.name')} = {base('r.name')}))
                WHERE r.outcome = 'rejected' GROUP BY r.file_id""").fetchall():
        out[fid].later_same_name = FileRef(later_id, later_name)
    return list(out.values())


def _month(text: object) -> dt.date | None:
    if text is None or not _MONTH.fullmatch(str(text)):
        return None
    return dt.date(int(str(text)[:4]), int(str(text)[5:7]), 1)


def blocked_months(con: duckdb.DuckDBPyConnection) -> set[dt.date]:
    """The months some refused file still blocks."""
    return {p for r in refusals(con) if r.state == "open" for p in r.months() if r.blocking(p)}


def _refused_in(con: duckdb.DuckDBPyConnection, period: dt.date) -> bool:
    """Whether a refused force return kept a row of `period` in quarantine: only such a file can block the month or
    be cleared for it (`Refusal.months`), so a month with none is answered from one read, not from every refusal's
    rows, coverage and markings. The months are read as `refusals` reads them (`_month`)."""
    return period in {_month(text) for (text,) in con.execute(
        f"""SELECT DISTINCT q.period_text FROM quarantine q JOIN file_registry r USING (file_id)
            WHERE r.outcome = 'rejected' AND NOT {_CONTEXT}""").fetchall()}


def open_refusals(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """Why refused files still block a month, one sentence a file, with what already covers part of it."""
    out = []
    if not _refused_in(con, period):
        return out
    for r in refusals(con):
        measures = r.blocking(period)
        if not measures:
            continue
        covered = sorted({by[0] for (p, _), by in r.rows.items() if p == period and by}, key=lambda f: f.file_id)
        partly = f"; later covered in part by {', '.join(map(str, covered))}" if covered else ""
        out.append(f"file {r.file} was refused with errors for this month ({', '.join(measures)}) and no later "
                   f"accepted file covers them{partly}: load a corrected return, or mark the file withdrawn or "
                   'superseded (the Files loaded page, or "pccdash supersede")')
    return out


def cleared_refusals(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[str]:
    """Refused files with rows for a month that no longer block it, and what superseded them."""
    if not _refused_in(con, period):
        return []
    return [f"file {r.file} {r.describe()}" for r in refusals(con)
            if r.state != "open" and period in r.months()]


def file_registry(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every file offered to ingestion, newest first, with where a refused one stands (what superseded it) and, after
    its figures, the charged counts a police.uk republication changed (`charged_counts_changed`): a month republished
    as cases move on keeps its crimes' counts, the figures a load counts, and changes only those, so that a file
    counted by its figures alone reads as having changed nothing."""
    from .policeuk.revisions import charged_counts_changed

    df = con.execute(
        """SELECT file_id, name, outcome, file_type, layout, rows_read, figures_new, figures_revised,
                  figures_unchanged, strftime(received_at, '%Y-%m-%d %H:%M') AS received, loaded_by,
                  size_bytes, sha256, message
           FROM file_registry ORDER BY file_id DESC""").df()
    states = {r.file.file_id: r for r in refusals(con)}
    df.insert(3, "refusal", [states[f].state if f in states else "" for f in df["file_id"]])
    df.insert(4, "status", [states[f].describe() if f in states else "" for f in df["file_id"]])
    charged = charged_counts_changed(con)
    df.insert(df.columns.get_loc("figures_unchanged") + 1, "charged_counts_changed",
              [charged.get(int(f), 0) for f in df["file_id"]])
    return df


def _file(con: duckdb.DuckDBPyConnection, text: str, what: str, outcome: str) -> LoadedFile:
    """A file by its number (57 or #57) or its name. Of several files of that name, the one whose outcome is
    `outcome` (the refused file to mark, the accepted one that replaces it); of several of those, none is guessed:
    they are listed with their numbers to choose from."""
    def several(files: list[LoadedFile]) -> CannotSupersede:
        listed = "; ".join(f"#{f.file_id} ({'refused' if f.outcome == 'rejected' else f.outcome} "
                           f"{uk_words(f.received_at, 'words')})" for f in files)
        return CannotSupersede(f'{len(files)} files are called "{shown(files[0].name)}" ({what}): {listed}. Give the '
                               f"number of the one you mean, e.g. #{files[-1].file_id}.")
    return find_file(con, text, outcome=outcome, several=several, missing=lambda key, _: CannotSupersede(
        f'No file is called "{shown(key)}" or has that number ({what}). The Files loaded page and "pccdash files" '
        'list the files with their numbers.'))


def supersede(con: duckdb.DuckDBPyConnection, file: str | int, who: Mapping, reason: str, *,
              by: str | int | None = None, withdrawn: bool = False) -> Mark:
    """Mark a refused file withdrawn or superseded (by a later accepted file, when named), with the reason.

    Only a file still open (`Refusal.state`) is marked, or one marked before: a later marking stands beside the
    first and replaces it, which corrects it. A file later files cleared automatically blocks nothing, so it is
    not marked. Kept with who, when and how, never deleted, and recorded in the audit trail in the same
    transaction. Analysts and the Commissioner's role may.
    """
    identity = require(who, "supersede")
    actor = audit.as_actor(who)
    reason = str(reason or "").strip()
    if not reason:
        raise CannotSupersede("Give a reason for marking the file (what the force sent instead, or why it was "
                              "withdrawn): it is kept with the marking.")
    if len(reason) > REASON_LIMIT:
        raise CannotSupersede(f"The reason is {len(reason):,} characters long; keep it to {REASON_LIMIT:,}.")
    fid, name, outcome, _ = _file(con, str(file), "the file to mark", "rejected")
    if outcome != "rejected":
        raise CannotSupersede(f'File "{shown(name)}" (#{fid}) was accepted: only a refused file can be marked '
                              "withdrawn or superseded. A later return corrects accepted figures by revising them.")
    standing = next(r for r in refusals(con) if r.file.file_id == fid)
    if standing.state == "cleared":  # nothing is left for a marking to clear; a marked file may be marked anew
        raise CannotSupersede(
            f'File "{shown(name)}" (#{fid}) blocks nothing any longer: {standing.describe().removeprefix("refused; ")}'
            ". There is nothing to mark: a refused file is marked while it is still open, or, once marked, to "
            "correct its marking.")
    by_ref = None
    if by not in (None, ""):
        if withdrawn:
            raise CannotSupersede("A withdrawn file has no replacement: give --by for a superseded file, or "
                                  "--withdrawn, not both.")
        by_id, by_name, by_outcome, _ = _file(con, str(by), "the file that replaces it", "accepted")
        if by_outcome != "accepted" or by_id <= fid:
            raise CannotSupersede(f'File "{shown(by_name)}" (#{by_id}) cannot supersede "{shown(name)}" (#{fid}): '
                                  "the replacement must be a file accepted after it.")
        by_ref = FileRef(by_id, by_name)
    state = "withdrawn" if withdrawn else "superseded"
    now = utc_now()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO file_supersession (file_id, state, by_file_id, reason, marked_by, channel, marked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [fid, state, by_ref.file_id if by_ref else None, reason, identity,
                                             actor.channel, now])
        mark = Mark(state, by_ref, reason, identity, actor.channel, now, FileRef(fid, name))
        audit.record(con, actor, "supersede", subject=f'file "{name}" (#{fid})',
                     detail=f"{state}{mark.replaced_by()}: {reason}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return mark


# --------------------------------------------------------------------------------------------------
# What a resubmission changes
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One accepted figure a file changes: was, now."""

    period: dt.date
    district: str
    measure: str
    was: float
    now: float


def batch_changes(con: duckdb.DuckDBPyConnection) -> list[Change]:
    """The accepted figures the batch being checked (the temporary table `batch`) would change."""
    rows = con.execute(
        """SELECT b.period, b.district, b.measure, c.value, b.value
           FROM batch_total b JOIN figure c USING (period, district, measure)
           WHERE b.value IS NOT NULL AND c.value <> b.value
           ORDER BY b.measure, b.district, b.period""").fetchall()
    return [Change(*r) for r in rows]


def revision_preview(con: duckdb.DuckDBPyConnection, path: str | Path) -> list[Change]:
    """The accepted figures a return would change if it were loaded now (nothing is loaded or stored).

    A file that cannot be read (or is not there) changes nothing; the validation says why.
    """
    from .contracts.batch import build_batch
    from .ingest import readers
    from .ingest.load import drop_staging

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="pccdash-") as tmp:
        drop_staging(con)
        try:
            facts = readers.inspect_file(path, path.name, Path(tmp))
            readers.read_file(con, facts)
            build_batch(con, path.name)
            return batch_changes(con)
        except (readers.FileRejected, OSError):
            return []
        finally:
            drop_staging(con)


def file_revisions(con: duckdb.DuckDBPyConnection, file_id: int) -> list[Change]:
    """The accepted figures a loaded file changed, each with its value before."""
    rows = con.execute(
        """SELECT period, district, measure, previous_value, value FROM figure_revision
           WHERE file_id = ? AND revision > 1 ORDER BY measure, district, period""", [int(file_id)]).fetchall()
    return [Change(*r) for r in rows]


def format_changes(changes: list[Change], limit: int = 50) -> list[str]:
    """One line per changed figure (measure, district, month: was, now), at most `limit`, then how many more; the
    measure by its short name and the month in words, as the upload page gives them."""
    names = {m.id: m.short_name for m in catalogue().measures}
    lines = [f"{names.get(c.measure, c.measure)}, {c.district}, {month_words(c.period)}: "
             f"was {_number(c.was)}, now {_number(c.now)}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"... and {len(changes) - limit:,} more.")
    return lines


def _number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"
