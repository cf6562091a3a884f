"""The return calendar: which measures each month's return must hold and by which working day, and, for
a month, what arrived (for every district, or only some), what is missing, overdue, refused or superseded.

Declared in pipelines/reference/return_calendar.yaml, re-read when it changes. Everything that file can
get wrong is caught here with the file, the line and the fix, since a calendar read wrongly would call
a return overdue that is not, or stay silent about one that is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from . import settings
from .catalogue import catalogue, district_now, force, listed, reference_dir, reference_file
from .errors import ConfigError
from .resubmission import FileRef, refusals
from .uk_time import month_words, uk_day, uk_day_words
from .yaml_lines import key_lines

FILE_NAME = "return_calendar.yaml"
STATES = ("arrived", "partial", "missing", "overdue", "refused", "superseded")
STATE_WORDS = {"arrived": "arrived", "partial": "arrived for some districts", "missing": "missing, not yet due",
               "overdue": "overdue", "refused": "refused",
               "superseded": "refused file withdrawn or superseded, nothing in its place"}
_TOP_KEYS = {"returns", "bank_holidays"}
_ENTRY_KEYS = {"name", "measures", "due_working_day", "from", "to"}
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
LATEST_DAY = 20  # a deadline later than the 20th working day would fall in the month after next


@dataclass(frozen=True)
class ReturnDue:
    """One part of the monthly return: its measures, its deadline, and the months it is due for."""

    name: str
    measures: tuple[str, ...]
    due_working_day: int
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, month: dt.date) -> bool:
        return (self.start is None or month >= self.start) and (self.end is None or month <= self.end)


@dataclass(frozen=True)
class ReturnCalendar:
    returns: tuple[ReturnDue, ...]
    bank_holidays: frozenset[dt.date]
    # the file it was read from, as a message names it: the office's copy where PCCDASH_REFERENCE_DIR points
    path: str = field(default=FILE_NAME, compare=False)

    def working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def due_date(self, month: dt.date, working_day: int) -> dt.date:
        """The `working_day`-th working day of the month after `month`."""
        day = _next_month(month)
        count = 0
        while True:
            if self.working_day(day):
                count += 1
                if count == working_day:
                    return day
            day += dt.timedelta(days=1)

    def holidays_unlisted(self, months) -> str | None:
        """A sentence when the return of one of `months` is due in a year after the last bank holiday listed: its due
        date is counted as if that year had none, so it may come a day or more early, and a return sent on time be
        called overdue. None when every such year is listed."""
        if not self.bank_holidays:
            return None  # a calendar with no bank holidays at all counts weekends only, as it says
        last = max(self.bank_holidays)
        years = sorted({y for m in months if (y := _next_month(m.replace(day=1)).year) > last.year})
        if not years:
            return None
        named = " and ".join(str(y) for y in years) if len(years) < 3 else f"{years[0]} to {years[-1]}"
        return (f'The return calendar "{self.path}" lists bank holidays only up to {last.day} {last:%B %Y}: returns '
                f"due in {named} are counted as if there were no bank holiday then, so their due dates may be a day "
                f"or more early and a return sent on time called overdue. Add {named}'s bank holidays to its "
                "bank_holidays list.")

    def due(self, month: dt.date) -> list[tuple[ReturnDue, str, dt.date]]:
        """Every measure due for `month`: (the part of the return, the measure, its due date)."""
        month = month.replace(day=1)
        return [(r, m, self.due_date(month, r.due_working_day)) for r in self.returns if r.covers(month)
                for m in r.measures]


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


# --------------------------------------------------------------------------------------------------
# return_calendar.yaml
# --------------------------------------------------------------------------------------------------



def calendar_from_text(text: str, path: str | Path = FILE_NAME) -> ReturnCalendar:
    """Read and check a return calendar; a ConfigError names the file, the line and the fix."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f'{path}{line}: not valid YAML ({getattr(exc, "problem", None) or exc}). '
                          "Correct the file; its layout is described at its top.") from None
    lines = key_lines(text)

    def fail(where: tuple, message: str):
        line = lines.get(where) or lines.get(where[:-1]) or lines.get(where[:1])
        raise ConfigError(f"{path}{f', line {line}' if line else ''}: {message}")

    if not isinstance(data, dict):
        fail((), 'should hold a mapping with "returns:" (and optionally "bank_holidays:") at its top level.')
    _unknown(data, _TOP_KEYS, (), fail, "the top level")
    raw = data.get("returns")
    if not isinstance(raw, list) or not raw:
        fail(("returns",), 'needs "returns:", a list of the parts of the monthly return, each with name, '
                           "measures and due_working_day.")
    cat = catalogue()
    own = cat.ids("force_return")
    parts: list[ReturnDue] = []
    for i, entry in enumerate(raw):
        at = ("returns", i)
        label = f"returns entry {i + 1}"
        if not isinstance(entry, dict):
            fail(at, f"{label} should be a mapping with name, measures and due_working_day.")
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            label += f' ("{name.strip()}")'
        _unknown(entry, _ENTRY_KEYS, at, fail, label)
        for key in ("name", "measures", "due_working_day"):
            if entry.get(key) in (None, "", []):
                fail(at, f'{label}: the field "{key}" is required.')
        if not isinstance(name, str):
            fail((*at, "name"), f"{label}: name should be text, such as Monthly CSE return.")
        measures = entry["measures"]
        if isinstance(measures, str):
            measures = [measures]
        if not isinstance(measures, list):
            fail((*at, "measures"), f"{label}: measures should be a list of measure ids, like [cse_arrests].")
        for j, m in enumerate(measures):
            if not isinstance(m, str) or m not in own:
                hint = difflib.get_close_matches(str(m), own, n=1)
                extra = f' (did you mean "{hint[0]}"?)' if hint else ""
                kind = ("is a police.uk measure, which no return reports" if m in cat.ids()
                        else "is not a measure of the force's return")
                fail((*at, "measures", j), f'{label}: "{m}" {kind}{extra}. Use an id from '
                                           f'"{reference_file("measures.yaml")}" whose source is force_return.')
        if len(set(measures)) != len(measures):
            twice = next(m for m in measures if measures.count(m) > 1)
            fail((*at, "measures"), f'{label}: "{twice}" is listed twice; list it once.')
        day = entry["due_working_day"]
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= LATEST_DAY:
            fail((*at, "due_working_day"), f"{label}: due_working_day {day!r} should be a whole number from 1 "
                                           f"(the first working day of the following month) to {LATEST_DAY}.")
        start = _month(entry.get("from"), (*at, "from"), label, "from", fail)
        end = _month(entry.get("to"), (*at, "to"), label, "to", fail)
        if start and end and start > end:
            fail((*at, "to"), f"{label}: to ({end:%Y-%m}) is before from ({start:%Y-%m}).")
        part = ReturnDue(name.strip(), tuple(measures), day, start, end)
        for k, other in enumerate(parts):
            both = set(part.measures) & set(other.measures)
            if both and _overlap(part, other):
                fail((*at, "measures"), f'{label}: "{sorted(both)[0]}" is also due in returns entry {k + 1} '
                                        f'("{other.name}") for the same months; give the two entries from and to '
                                        "months that do not overlap, or list the measure once.")
        parts.append(part)
    holidays = data.get("bank_holidays") or []
    if not isinstance(holidays, list):
        fail(("bank_holidays",), "bank_holidays should be a list of dates, like [2026-12-25, 2026-12-28].")
    days = set()
    for k, h in enumerate(holidays):
        if isinstance(h, dt.datetime):
            h = h.date()
        if isinstance(h, str):
            try:
                h = dt.date.fromisoformat(h.strip())
            except ValueError:
                pass
        if not isinstance(h, dt.date):
            fail(("bank_holidays", k), f"bank holiday {k + 1} ({h!r}) is not a date; write it as YYYY-MM-DD.")
        days.add(h)
    return ReturnCalendar(tuple(parts), frozenset(days), str(path))


def _unknown(raw: dict, allowed: set[str], at: tuple, fail, label: str) -> None:
    unknown = sorted(str(k) for k in set(raw) - allowed)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        fail((*at, unknown[0]), f'{label}: unknown field "{unknown[0]}"{extra}; the fields are '
                                f"{', '.join(sorted(allowed))}.")


def _month(value, at: tuple, label: str, key: str, fail) -> dt.date | None:
    if value is None:
        return None
    m = _MONTH.fullmatch(str(value).strip())
    if not m:
        fail(at, f'{label}: {key} "{value}" is not a month; write it as YYYY-MM, such as 2017-04.')
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _overlap(a: ReturnDue, b: ReturnDue) -> bool:
    low, high = dt.date.min, dt.date.max
    return max(a.start or low, b.start or low) <= min(a.end or high, b.end or high)


@functools.cache
def _load(path: str, mtime: float) -> ReturnCalendar:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f'Reference file "{path}" is missing: copy pipelines/reference/{FILE_NAME} there and '
                          "list the measures each month's return must hold.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f'Reference file "{path}" cannot be read ({exc}); save it as UTF-8 text.') from None
    return calendar_from_text(text, path)


def load_calendar(path: str | Path | None = None) -> ReturnCalendar:
    """The return calendar (return_calendar.yaml in the reference folder, or `path`), checked.

    Cached on the file's path and modification time, so an edited file is read again without a restart.
    """
    file = Path(path) if path is not None else reference_dir() / FILE_NAME
    try:
        mtime = file.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f'Reference file "{file}" is missing: copy pipelines/reference/{FILE_NAME} there and '
                          "list the measures each month's return must hold.") from None
    return _load(str(file), mtime)


# --------------------------------------------------------------------------------------------------
# A month's returns
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnStatus:
    """Where one measure of one month's return stands."""

    month: dt.date
    measure: str
    part: str            # the part of the return it is due in
    due: dt.date
    state: str           # arrived | partial (some districts arrived) | missing (not yet due) | overdue | refused
    #                      | superseded
    file: FileRef | None = None      # the accepted file it arrived in
    refused: FileRef | None = None   # the refused (or withdrawn or superseded) file, when that is the state
    arrived_on: dt.date | None = None
    with_file: bool = False  # in the refused file, though none of its rows was among those refused
    absent: tuple[str, ...] = ()  # partial: the districts whose figure has not arrived
    overdue: bool = False  # partial: their figures are past due
    due_today: bool = False  # partial or missing: what has not arrived is due today

    def awaited(self) -> str:
        """What has not arrived, by its day: "overdue (due 5 June 2026)", "due today (5 June 2026)" or "not yet
        due (due 5 June 2026)"."""
        if self.overdue or self.state == "overdue":
            return f"overdue (due {uk_day_words(self.due)})"
        if self.due_today:
            return f"due today ({uk_day_words(self.due)})"
        return f"not yet due (due {uk_day_words(self.due)})"

    @property
    def late(self) -> bool:
        return self.arrived_on is not None and self.arrived_on > self.due

    @property
    def label(self) -> str:
        """The state as the calendar's grid shows it: "arrived (late)", "partial (overdue)"."""
        return self.state + (" (overdue)" if self.overdue else " (late)" if self.late else "")

    def words(self) -> str:
        if self.state == "arrived":
            return f"arrived{' late' if self.late else ''} in {self.file} on {uk_day_words(self.arrived_on)}"
        if self.state == "partial":
            return (f"arrived{' late' if self.late else ''} in {self.file} on {uk_day_words(self.arrived_on)} without "
                    f"{listed(list(self.absent))}, {self.awaited()}")
        if self.state == "refused":
            since = f"; figures from {self.file} stand" if self.file else ""
            whole = " with the rest of the file (a file with an error is refused whole)" if self.with_file else ""
            return f"refused in {self.refused}{whole}{since}"
        if self.state == "superseded":
            return f"{self.refused} was withdrawn or superseded and nothing has arrived in its place"
        if self.state == "missing":
            return f"missing, {self.awaited()}"
        return f"{STATE_WORDS[self.state]} (due {uk_day_words(self.due)})"


def return_status(con: duckdb.DuckDBPyConnection, month: dt.date, today: dt.date | None = None,
                  calendar: ReturnCalendar | None = None) -> list[ReturnStatus]:
    """For each measure due for `month`: arrived (with the file), missing (not yet due), overdue, refused, or
    superseded (a refused file marked withdrawn or superseded, with nothing in its place)."""
    return statuses(con, [month], today, calendar)[month.replace(day=1)]


def statuses(con: duckdb.DuckDBPyConnection, months: list[dt.date], today: dt.date | None = None,
             calendar: ReturnCalendar | None = None) -> dict[dt.date, list[ReturnStatus]]:
    """`return_status` for several months, reading the warehouse once."""
    today = today or settings.today()
    cal = calendar or load_calendar()
    months = sorted({m.replace(day=1) for m in months})
    # of each month and measure, the first accepted file holding it (and when it arrived), and the latest
    arrived: dict[tuple[dt.date, str], tuple[FileRef, dt.date]] = {}
    latest: dict[tuple[dt.date, str], int] = {}
    files: dict[int, tuple[FileRef, dt.date]] = {}
    if months:
        for period, measure, fid, name, received, received_on in con.execute(
                """SELECT c.period, c.measure, c.file_id, r.name, r.received_at, r.received_on
                   FROM file_coverage c JOIN file_registry r USING (file_id)
                   WHERE r.outcome = 'accepted' AND list_contains(?, c.period) ORDER BY c.file_id""",
                [months]).fetchall():
            # the day it was received in the office's calendar (a run whose day is fixed, PCCDASH_TODAY, receives
            # its files on that day, whatever day it fixes later) or by the computer's stamp, whichever is earlier,
            # and never after today
            files[fid] = (FileRef(fid, name), min(received_on or today, uk_day(received), today))
            arrived.setdefault((period, measure), files[fid])
            latest[(period, measure)] = fid
    # each month and measure's districts, with the first file that brought each one: a return sent for some of them
    # is not all in, and one completed by a later file arrived when that file did
    firsts: dict[tuple[dt.date, str], dict[str, int]] = {}
    if months:
        # a district's figures held under a former name (kept among its aliases in force.yaml) are its own
        for period, measure, district, fid in con.execute(
                f"""SELECT period, measure, {district_now('district')} AS named, min(file_id) FROM figure_revision
                    WHERE list_contains(?, period) GROUP BY period, measure, named""", [months]).fetchall():
            firsts.setdefault((period, measure), {})[district] = fid
    districts = force().districts
    refused_open: dict[tuple[dt.date, str | None], FileRef] = {}
    marked: dict[tuple[dt.date, str | None], FileRef] = {}
    # held by a refused file though none of its rows was among those refused: refused with the rest of the file
    with_file: dict[tuple[dt.date, str], bool] = {}
    held = _held(con, months)
    for r in refusals(con):
        # a month still to come when the file arrived (a mistyped month) is no month it could be the return for
        mine = {k for k in held.get(r.file.file_id, set()) if r.could_be_for(k[0])}
        if r.state in ("withdrawn", "superseded"):
            target = marked
            keys = set(r.rows) | mine
        else:
            # its rows no later accepted file has brought, the rows that broke no rule too: the file was refused
            # whole, so none of its figures arrived (a refusal recorded before what it held was kept: its refused
            # rows only)
            target = refused_open
            keys = {k for k, by in r.rows.items() if not by}
            keys |= {k for k in mine if latest.get(k, 0) < r.file.file_id}
        for k in keys:
            target[k] = r.file
            if target is refused_open:
                with_file[k] = k not in r.rows
        for p in r.months_unmatched:  # a measure that could not be read: any of the month's
            target[(p, None)] = r.file
    out: dict[dt.date, list[ReturnStatus]] = {}
    start = first_due_month(con, today, cal)
    for month in months:
        rows = []
        if month < start:  # before the office's first return: nothing was ever due to it
            out[month] = rows
            continue
        for part, measure, due in cal.due(month):
            got = arrived.get((month, measure))
            bad = refused_open.get((month, measure)) or (refused_open.get((month, None)) if not got else None)
            gone = marked.get((month, measure)) or marked.get((month, None))
            common = {"month": month, "measure": measure, "part": part.name, "due": due}
            if bad is not None:
                rows.append(ReturnStatus(**common, state="refused", file=got[0] if got else None, refused=bad,
                                         arrived_on=got[1] if got else None,
                                         with_file=with_file.get((month, measure), False)))
            elif got and (absent := tuple(d for d in districts if d not in firsts.get((month, measure), {}))):
                rows.append(ReturnStatus(**common, state="partial", file=got[0], arrived_on=got[1], absent=absent,
                                         overdue=today > due, due_today=today == due))
            elif got:
                by = max((firsts[(month, measure)][d] for d in districts), default=None)
                done = files.get(by, got)  # the file that brought the last of its districts
                rows.append(ReturnStatus(**common, state="arrived", file=done[0], arrived_on=done[1]))
            elif gone is not None:
                rows.append(ReturnStatus(**common, state="superseded", refused=gone))
            else:
                rows.append(ReturnStatus(**common, state="overdue" if today > due else "missing",
                                         due_today=today == due))
        out[month] = rows
    return out


def first_due_month(con: duckdb.DuckDBPyConnection, today: dt.date | None = None,
                    calendar: ReturnCalendar | None = None) -> dt.date:
    """The first month whose return is counted as due: the earliest month any return file loaded (accepted or refused)
    held a measure of the calendar for, or the latest month whose return can be due when that is earlier (or none is
    loaded yet). An office that begins with the force's return for December 2026 was never sent January to November's:
    calling them overdue would tell its Board that eleven returns were missing. A return loaded later for an earlier
    month brings the start back to it, and a month after the start with nothing loaded is missing or overdue as ever;
    `from` in return_calendar.yaml still says when each part of the return began."""
    cal = calendar or load_calendar()
    measures = sorted({m for r in cal.returns for m in r.measures})
    first = con.execute(
        """SELECT min(period) FROM (SELECT period, measure FROM file_coverage
                                    UNION ALL SELECT period, measure FROM refused_coverage)
           WHERE list_contains(?, measure)""", [measures]).fetchone()[0]
    latest = latest_due_month(today)
    return min(first, latest) if first is not None else latest


def _held(con: duckdb.DuckDBPyConnection, months: list[dt.date]) -> dict[int, set[tuple[dt.date, str]]]:
    """Each refused file's months and measures among `months`, as recorded when it was refused."""
    out: dict[int, set[tuple[dt.date, str]]] = {}
    if months:
        for fid, period, measure in con.execute(
                "SELECT file_id, period, measure FROM refused_coverage WHERE list_contains(?, period)",
                [months]).fetchall():
            out.setdefault(fid, set()).add((period, measure))
    return out


def holidays_unlisted(months, today: dt.date | None = None, calendar: ReturnCalendar | None = None) -> str | None:
    """`ReturnCalendar.holidays_unlisted` for `months` and for the month in progress (its return is the next to fall
    due), so that the office is told before the year without bank holidays begins."""
    calendar = calendar or load_calendar()
    today = today or settings.today()
    return calendar.holidays_unlisted([*months, today.replace(day=1)])


def latest_due_month(today: dt.date | None = None) -> dt.date:
    """The latest month whose return can have been sent: the month before today's."""
    today = today or settings.today()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _named(chosen: list[ReturnStatus], month_rows: list[ReturnStatus]) -> tuple[str, bool]:
    """The measures of `chosen` as the office names them, a part of the return they make up whole said as that
    part ('the whole of "Monthly CSE return" (12 measures)'), and whether that names more than one thing."""
    cat = catalogue()
    words = []
    for part in dict.fromkeys(r.part for r in chosen):
        mine = [r.measure for r in chosen if r.part == part]
        whole = [r.measure for r in month_rows if r.part == part]
        if len(mine) > 1 and set(mine) == set(whole):
            words.append(f'the whole of "{part}" ({len(mine)} measures)')
        else:
            words += [cat.get(m).short_name for m in mine]
    return listed(words), len(words) != 1  # a part missing whole is one thing missing, as one measure is


def incomplete_notices(con: duckdb.DuckDBPyConnection, month: dt.date, today: dt.date | None = None,
                       calendar: ReturnCalendar | None = None) -> list[str]:
    """Plain sentences for the overview and the pack on a month whose return is not all in: what is overdue
    (and since when), refused, or not yet due, each measure by its name; none when every due figure has
    arrived."""
    month = month.replace(day=1)
    rows = return_status(con, month, today, calendar)
    label = month_words(month)
    out = []
    overdue = [r for r in rows if r.state == "overdue"]
    for due in sorted({r.due for r in overdue}):
        names, many = _named([r for r in overdue if r.due == due], rows)
        out.append(f"The return for {label} is overdue (due {uk_day_words(due)}): {names} "
                   f"{'are' if many else 'is'} missing.")
    refused = [r for r in rows if r.state == "refused"]
    for ref in sorted({r.refused for r in refused}, key=lambda f: f.file_id):
        names, _ = _named([r for r in refused if r.refused == ref], rows)
        stand = [r for r in refused if r.refused == ref and r.file]
        tail = (f" The figures already accepted for {_named(stand, rows)[0]} stand until a corrected return is "
                "loaded." if stand else f" Those figures are missing for {label} until a corrected return is loaded.")
        out.append(f"The return for {label} was refused for {names} (file {ref}).{tail}")
    gone = [r for r in rows if r.state == "superseded"]
    if gone:
        out.append(f"{label}: a refused return was withdrawn or superseded and nothing has arrived in its place "
                   f"for {_named(gone, rows)[0]}, so those figures are missing.")
    # the measures a file brought without the same districts are one sentence: a return short of one district
    # is short of it for every measure, and says so once
    partial: dict[tuple, list[ReturnStatus]] = {}
    for r in (r for r in rows if r.state == "partial"):
        partial.setdefault((str(r.file), r.absent, r.overdue, r.due), []).append(r)
    for (file, absent, _, _), group in partial.items():
        out.append(f"The return for {label} is incomplete: {_named(group, rows)[0]} arrived in {file} "
                   f"without {listed(list(absent))}, whose figures are {group[0].awaited()}.")
    waiting = [r for r in rows if r.state == "missing"]
    for due in sorted({r.due for r in waiting}):
        names, many = _named([r for r in waiting if r.due == due], rows)
        today_words = "today, " if any(r.due_today for r in waiting if r.due == due) else ""
        out.append(f"{label} is incomplete: {names} {'have' if many else 'has'} not arrived yet "
                   f"(due {today_words}{uk_day_words(due)}).")
    return out


def not_arrived(con: duckdb.DuckDBPyConnection, months: list[dt.date], today: dt.date | None = None,
                calendar: ReturnCalendar | None = None) -> dict[dt.date, str]:
    """Of `months`, those with a measure due of which no figure has arrived (overdue, not yet due, refused with
    nothing accepted, or its refused file withdrawn with nothing in its place): the measures as the office names
    them, a whole part of the return said as that part. A month approved without them is published without them
    until they arrive and it is approved again."""
    out = {}
    for month, rows in statuses(con, months, today, calendar).items():
        absent = [r for r in rows if r.state in ("overdue", "missing", "superseded")
                  or (r.state == "refused" and r.file is None)]
        if absent:
            out[month] = _named(absent, rows)[0]
    return out


def grid(con: duckdb.DuckDBPyConnection, months, today: dt.date | None = None,
         calendar: ReturnCalendar | None = None) -> pd.DataFrame:
    """Months (rows, newest first) by measures (columns), each cell a state: the Returns calendar's grid."""
    cal = calendar or load_calendar()
    found = statuses(con, list(months), today, cal)
    order = list(dict.fromkeys(m for r in cal.returns for m in r.measures))
    records = []
    for month in sorted(found, reverse=True):
        cells = {r.measure: r.label for r in found[month]}
        records.append({"month": f"{month:%Y-%m}", **{m: cells.get(m, "not due") for m in order}})
    return pd.DataFrame(records, columns=["month", *order])


def recent_months(count: int = 12, today: dt.date | None = None) -> list[dt.date]:
    """The `count` months up to the latest whose return can be due, newest last."""
    last = latest_due_month(today)
    out = [last]
    while len(out) < count:
        out.append((out[-1] - dt.timedelta(days=1)).replace(day=1))
    return out[::-1]


def status_frame(rows: list[ReturnStatus]) -> pd.DataFrame:
    """One month's statuses as a table: measure, part of the return, due date, state, and in words."""
    return pd.DataFrame([{"measure": r.measure, "return": r.part, "due": r.due.isoformat(),
                          "state": r.label, "detail": r.words()} for r in rows],
                        columns=["measure", "return", "due", "state", "detail"])
