"""The pack's "Recommendations" section: the recommendations of the reports that govern this work as the meeting
opens, decided once for every format (HTML, PDF, Word): those not yet implemented or closed, each with its status,
when it was judged and the day it is due by (overdue once past); those whose status changed since the last meeting
of the series; and those marked implemented while a measure evidencing them shows special cause of concern, as the
Recommendations page flags them."""

from __future__ import annotations

import datetime as dt

import duckdb

from ..accountability import Meeting, meetings
from ..accountability.loop import previous_meeting
from ..accountability.register import (
    DONE,
    STATUSES,
    StatusEntry,
    due_dates,
    due_words,
    flagged,
    load_register,
    statuses,
)
from ..catalogue import counted
from ..errors import PccDashError
from ..flags import day_words
from ..uk_time import uk_day, uk_day_words
from .model import LoopSection, LoopTable, unbroken

HEADING = "Recommendations"
# not yet done: neither implemented nor evidenced, nor closed
OPEN = tuple(s for s in STATUSES if s not in (*DONE, "closed"))
OPEN_COLUMNS = ["Recommendation", "Status", "Judged", "Owner", "Due by"]
# "Due by" holds the longest day, "30 September 2026", on one line
OPEN_WIDTHS = [0.36, 0.11, 0.19, 0.16, 0.18]
CHANGED_COLUMNS = ["Recommendation", "Was", "Now", "Judged"]
CHANGED_WIDTHS = [0.46, 0.14, 0.14, 0.26]


def _judged(entry: StatusEntry | None) -> str:
    return f"{entry.when} by {entry.judged_by}" if entry is not None else "Not yet judged (as the register entered it)"


def _due(due: dt.date | None, status: str, held_on: dt.date) -> str:
    """The day it is due by, "(overdue)" once past, the day kept on one line: "31 October" ending one line and "2026
    (overdue)" opening the next read as two days."""
    if due is None:
        return ""
    day = uk_day_words(due)
    return due_words(due, status, held_on).replace(day, unbroken(day), 1)


def recommendations_section(con: duckdb.DuckDBPyConnection, held_on: dt.date, *, analytics=None,
                            month: object = None, meeting: Meeting | None = None) -> LoopSection | None:
    """The section for a meeting on `held_on` (a Board's, or the `meeting` given, whose series "since the last meeting"
    goes back along), from the statuses judged by that day; the flags judge the measures in its reporting `month`
    (from `analytics`). Only the recommendations of reports published by that day. None when the register holds no
    recommendation made by then; a register that cannot be read is said."""
    try:
        register = load_register()
    except PccDashError as exc:
        return LoopSection(HEADING, "", empty=f"The recommendations register could not be read: {exc}")
    # as the meeting opens: a report published after its day had made no recommendation yet (a pack for a 2015
    # Board listed the 2025 national audit's as in progress, and counted them among those not yet implemented)
    made = [r for r in register.recommendations if r.source.published_from <= held_on]
    if not made:
        return None
    held = {r.id for r in made}
    entries: dict[str, list[StatusEntry]] = {}
    for entry in statuses(con):
        if entry.recommendation in held and (uk_day(entry.judged_at) or held_on) <= held_on:
            entries.setdefault(entry.recommendation, []).append(entry)
    previous = previous_meeting(meetings(con), held_on, meeting=meeting)
    since = previous.held_on if previous is not None else None

    due = due_dates(con, held_on)  # as given by the meeting's day, and overdue as it opens
    still, changed = [], []
    for rec in made:
        history = entries.get(rec.id, [])
        latest = history[-1] if history else None
        status = latest.status if latest else rec.status
        if status in OPEN:
            still.append([rec.label, STATUSES[status], _judged(latest), rec.owner,
                          _due(due.get(rec.id), status, held_on)])
        if since is None:
            continue
        recent = [e for e in history if uk_day(e.judged_at) >= since]
        if recent:
            before = history[-len(recent) - 1].status if len(history) > len(recent) else rec.status
            if before != recent[-1].status:
                changed.append([rec.label, STATUSES[before], STATUSES[recent[-1].status], _judged(recent[-1])])
    # as the meeting opens, as the tables below: a status marked implemented after its day is not flagged at it
    flags = [f for f in (flagged(con, analytics, month, as_of=held_on) if analytics is not None else [])
             if f.recommendation.id in held]

    total = len(made)
    # every one still open is said as such: "11 recommendations of 11" reads as a count that missed the point
    parts = [f"{counted(len(still), 'recommendation')} of {total} not yet implemented or closed"
             if still and len(still) < total else
             (f"None of the {total} recommendations is yet implemented or closed" if total > 1 else
              "The recommendation is not yet implemented or closed") if still else
             f"Every one of the {total} recommendations is implemented or closed"]
    if since is not None:
        parts.append(f"{counted(len(changed), 'status', 'statuses')} changed since the last meeting "
                     f"({day_words(since)})" if changed else
                     f"no status changed since the last meeting ({day_words(since)})")
    if flags:
        parts.append(f"{counted(len(flags), 'recommendation')} marked implemented while a measure shows concern")
    tables = []
    if flags:
        tables.append(LoopTable("Marked implemented, while a measure shows concern", ["Recommendation", "The figures"],
                                [[f.recommendation.label, f.sentence] for f in flags], [0.46, 0.54]))
    tables.append(LoopTable("Not yet implemented or closed", OPEN_COLUMNS, still, OPEN_WIDTHS,
                            none="Every recommendation is implemented or closed."))
    if since is not None:
        tables.append(LoopTable(f"Status changed since the last meeting ({day_words(since)})", CHANGED_COLUMNS,
                                changed, CHANGED_WIDTHS, none="No recommendation's status changed since."))
    return LoopSection(HEADING, "; ".join(parts), tables)
