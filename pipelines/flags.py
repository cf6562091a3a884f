"""Analysts' data-quality flags, and the caveats that follow a figure wherever it is shown.

A flag is raised on one figure, on a district's month (every measure), or on a whole file (every
figure whose current value came from it). It may be assigned, marked awaiting the force and answered by a
resubmission, each step kept as a row of its history; it stays open, through restarts and re-loads, until
someone resolves it with a note (and one reopened, saying why, is open again, its resolution kept in its history).
`caveats()` gathers open flags and contract warnings per figure, so the briefing, the measure page and the pack all
show the same caveats next to the same figures; `arrange_caveats()` says each of a month's caveats once, where it
applies, in words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import audit, registry
from .access import require
from .catalogue import catalogue, district_now, force, listed, with_measure_names
from .errors import PccDashError
from .office import possessive
from .plaintext import clean
from .public import month_text, months_phrase
from .uk_time import uk_day_words
from .warehouse import utc_now

SCOPES = ("figure", "district_month", "file")
STATUS_WORDS = {"new": "New", "assigned": "Assigned", "awaiting": "Awaiting the force",
                "answered": "Answered by a resubmission", "reopened": "Reopened", "resolved": "Resolved"}
NOTE_LIMIT = 2000


class BadFlag(PccDashError):
    """A flag or its resolution is incomplete or names something that does not exist."""


def _as_month(value: object) -> dt.date:
    ts = pd.Timestamp(str(value) + "-01" if len(str(value)) == 7 else value)
    return dt.date(ts.year, ts.month, 1)


def raise_flag(con: duckdb.DuckDBPyConnection, claims: Mapping, *, scope: str, reason: str, period: object = None,
               district: str | None = None, measure: str | None = None, file_id: int | None = None,
               blocking: bool = False) -> int:
    """Store a new open flag with who and when; returns its number."""
    who = require(claims, "flag")
    if scope not in SCOPES:
        raise BadFlag(f'A flag\'s scope is one of {", ".join(SCOPES)}, not "{scope}".')
    if not (reason or "").strip():
        raise BadFlag("Say why you are flagging it: the reason is what others will read next to the figure.")
    reason = clean(reason, "reason", limit=NOTE_LIMIT)
    month = None
    if scope == "file":
        if file_id is None or not con.execute("SELECT 1 FROM file_registry WHERE file_id = ?", [file_id]).fetchall():
            raise BadFlag(f"There is no file number {file_id} in the file registry.")
        district = measure = None
    else:
        if period is None or district is None:
            raise BadFlag("A flag on a figure or a district's month needs the month and the district.")
        month = _as_month(period)
        district = current_district(district)
        if scope == "figure":
            if measure not in catalogue().ids("force_return"):
                raise BadFlag(f'"{measure}" is not a measure in the catalogue.')
        else:
            measure = None
        file_id = None
    with audit.transaction(con):
        rows = con.execute(
            """INSERT INTO figure_flag (scope, period, district, measure, file_id, reason, blocking, raised_by,
                                        raised_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING flag_id""",
            [scope, month, district, measure, file_id, reason, bool(blocking), who, utc_now()]).fetchall()
        flag_id = int(rows[0][0])
        on = (f"file #{file_id}" if scope == "file" else
              " ".join(x for x in (f"{month:%Y-%m}", district, measure) if x))
        audit.record(con, claims, "flag", subject=f"flag #{flag_id} on {on}",
                     detail=reason + (" (blocks approval)" if blocking else ""))
    return flag_id


def current_district(name: str) -> str:
    """The district a name given for a flag or a flags filter means, under the name force.yaml gives it now (a
    renamed district's former name, kept among its aliases, is that district); a sentence naming the districts when
    it is none of them."""
    known = force()
    found = known.district_lookup().get(" ".join(str(name).split()).lower())
    if found is None:
        raise BadFlag(f'"{name}" is not one of the districts: {", ".join(known.districts)}.')
    return found


def _flag_number(flag_id: object, listed: str = '"pccdash flags" lists them') -> int:
    """A flag's number as typed ("3", "#3"); else a sentence saying it is not one, and where they are `listed`."""
    try:
        return int(str(flag_id).strip().lstrip("#"))
    except ValueError:
        raise BadFlag(f'"{flag_id}" is not a flag number; {listed}.') from None


def _open_flag(con: duckdb.DuckDBPyConnection, flag_id: object) -> int:
    """The flag's number, if it exists and is not resolved; else a sentence saying which."""
    number = _flag_number(flag_id)
    found = con.execute("SELECT resolved_at FROM figure_flag WHERE flag_id = ?", [number]).fetchall()
    if not found:
        raise BadFlag(f'There is no flag number {number}; "pccdash flags --status all" lists them all.')
    if found[0][0] is not None:
        raise BadFlag(f"Flag #{number} was already resolved on {day_words(found[0][0])}.")
    return number


def _step(con: duckdb.DuckDBPyConnection, who: str, flag_id: int, status: str, *, note: str,
          assignee: str | None = None, file_id: int | None = None) -> None:
    con.execute("INSERT INTO flag_event (flag_id, status, assignee, file_id, note, by_user, acted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [flag_id, status, assignee, file_id, note or None, who, utc_now()])


def assign_flag(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_id: object, to: str, note: str = "") -> None:
    """Give an open flag to someone to follow up (an e-mail address or a name); kept with who and when."""
    who = require(claims, "flag")
    to = clean(to, "name or e-mail address of whoever takes the flag", limit=200, one_line=True)
    note = clean(note, "note", limit=NOTE_LIMIT, required=False)
    with audit.transaction(con):
        number = _open_flag(con, flag_id)
        _step(con, who, number, "assigned", note=note, assignee=to)
        audit.record(con, claims, "flag_update", subject=f"flag #{number}", detail=f"assigned to {to}"
                     + (f": {note}" if note else ""))


def await_force(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_id: object, note: str = "") -> None:
    """Mark an open flag as waiting for the force (asked to check or resend); it stays open and keeps blocking."""
    who = require(claims, "flag")
    note = clean(note, "note", limit=NOTE_LIMIT, required=False)
    with audit.transaction(con):
        number = _open_flag(con, flag_id)
        _step(con, who, number, "awaiting", note=note)
        audit.record(con, claims, "flag_update", subject=f"flag #{number}", detail="awaiting the force"
                     + (f": {note}" if note else ""))


def answer_flag(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_id: object, file: object,
                note: str = "") -> str:
    """Link an open flag to the resubmission that answered it (a loaded file, by number or name); the file's name.

    The flag stays open until someone resolves it: the new file may or may not settle the question."""
    who = require(claims, "flag")
    note = clean(note, "note", limit=NOTE_LIMIT, required=False)
    with audit.transaction(con):
        number = _open_flag(con, flag_id)
        if not str(file if file is not None else "").strip():
            raise BadFlag('Name the file that answered the flag, as the Files loaded page and "pccdash files" list '
                          'it.')
        found = registry.find_file(con, file, outcome="accepted", missing=lambda text, digits: BadFlag(
            f'There is no file {"number " + digits if digits is not None else repr(text)} among the files loaded; '
            'the Files loaded page and "pccdash files" list them.'))
        if found.outcome != "accepted":
            raise BadFlag(f'The file "{found.name}" was refused, so it cannot answer a flag: load a corrected file '
                          'first.')
        _step(con, who, number, "answered", note=note, file_id=found.file_id)
        audit.record(con, claims, "flag_update", subject=f"flag #{number}", detail=f"answered by {found.name}"
                     + (f": {note}" if note else ""))
    return found.name


def answer_gap(con: duckdb.DuckDBPyConnection, flag_id: object) -> str:
    """A sentence when the file that last answered a flag on a figure or on a district's month sent nothing for it (a
    July return named for an April flag: a file number mistyped, or the force's answer came with a later return),
    else "". A flag on a whole file may be answered by any file. The answer stands either way: the office knows
    which it was."""
    number = _flag_number(flag_id)
    row = con.execute(
        """SELECT f.scope, f.period, f.measure, e.file_id, r.name FROM figure_flag f
           JOIN flag_event e ON e.flag_id = f.flag_id AND e.status = 'answered'
           JOIN file_registry r ON r.file_id = e.file_id
           WHERE f.flag_id = ? ORDER BY e.event_id DESC LIMIT 1""", [number]).fetchall()
    if not row or row[0][0] == "file" or row[0][1] is None:
        return ""
    scope, period, measure, file_id, name = row[0]
    by_measure = "AND measure = $measure" if scope == "figure" and measure else ""
    sent = con.execute(
        f"SELECT count(*) FROM {registry.FILE_SENT} WHERE file_id = $file AND period = $period {by_measure}",
        {"file": file_id, "period": period} | ({"measure": measure} if by_measure else {})).fetchall()[0][0]
    if sent:
        return ""
    what = (with_measure_names(measure) + " in " if by_measure else "") + month_text(f"{period:%Y-%m}")
    return (f'File #{file_id} ("{name}") sent no figure for {what}. If it was named by mistake, answer flag #{number} '
            "again with the file that resent it: the latest answer stands.")


def resolve_flags(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_ids: list, note: str) -> list[int]:
    """Close open flags with one note saying what was done, all or none; who and when are recorded."""
    who = require(claims, "resolve")
    if not (note or "").strip():
        raise BadFlag("Say how the flag was resolved: the note is kept with it.")
    note = clean(note, "note", limit=NOTE_LIMIT)
    if not flag_ids:
        raise BadFlag("Choose the flags to resolve.")
    with audit.transaction(con):
        numbers = list(dict.fromkeys(_open_flag(con, f) for f in flag_ids))
        now = utc_now()
        for number in numbers:
            con.execute("UPDATE figure_flag SET resolved_by = ?, resolved_at = ?, resolution_note = ? "
                        "WHERE flag_id = ?", [who, now, note, number])
            _step(con, who, number, "resolved", note=note)
            audit.record(con, claims, "resolve", subject=f"flag #{number}", detail=note)
    return numbers


def resolve_flag(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_id: int, note: str) -> None:
    """Close an open flag with a note saying what was done; who and when are recorded."""
    resolve_flags(con, claims, [flag_id], note)


def reopen_flag(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_id: object, reason: str) -> int:
    """Open a resolved flag again, saying why (the issue is back): it follows its figures again, and a blocking one
    stops its month being approved again. Its resolution (who, when, the note) stays in its history, the reopening
    (who, when, why) is added to it, and both are on the audit trail. Returns its number."""
    who = require(claims, "flag")
    if not (reason or "").strip():
        raise BadFlag("Say why you are reopening it: the reason is kept with the flag, beside its resolution.")
    reason = clean(reason, "reason", limit=NOTE_LIMIT)
    if flag_id is None or not str(flag_id).strip():
        raise BadFlag("Choose the flag to reopen.")
    number = _flag_number(flag_id, '"pccdash flags --status resolved" lists those resolved')
    with audit.transaction(con):
        found = con.execute("SELECT resolved_by, resolved_at, resolution_note FROM figure_flag WHERE flag_id = ?",
                            [number]).fetchall()
        if not found:
            raise BadFlag(f'There is no flag number {number}; "pccdash flags --status all" lists them all.')
        by, at, note = found[0]
        if at is None:
            raise BadFlag(f"Flag #{number} is open: only a resolved flag can be reopened.")
        [(holder,)] = con.execute("SELECT arg_max(assignee, event_id) FROM flag_event WHERE flag_id = ? "
                                  "AND status = 'assigned'", [number]).fetchall()
        con.execute("UPDATE figure_flag SET resolved_by = NULL, resolved_at = NULL, resolution_note = NULL "
                    "WHERE flag_id = ?", [number])
        _step(con, who, number, "reopened", note=reason)
        audit.record(con, claims, "reopen", subject=f"flag #{number}",
                     detail=f"{reason} (resolved by {by} on {day_words(at)}: {note}); {reopened_with(holder)}")
    return number


def reopened_with(assignee: object) -> str:
    """Whom a reopened flag is with, in words: it goes back to whoever it was last assigned to before it was resolved
    ("back with jane@office, who had it before it was resolved"), or is with no one ("assigned to no one"), so that
    reopening says which, wherever it is told (the command, the page, the flag's history, the audit trail)."""
    return f"back with {assignee}, who had it before it was resolved" if _given(assignee) else "assigned to no one"


# Where a flag stands: its latest step, whom it is with, and the resubmission that answered it, of its steps since it
# was last reopened (an answer given before then answered the issue that was resolved, not the one that is back: it
# stays in the flag's history, `flag_history`).
FLAGS_SQL = """
WITH reopened AS (
    SELECT flag_id, max(event_id) AS since FROM flag_event WHERE status = 'reopened' GROUP BY flag_id
), steps AS (
    SELECT e.flag_id, arg_max(e.status, e.event_id) AS status,
           arg_max(e.assignee, e.event_id) FILTER (WHERE e.status = 'assigned') AS assignee,
           arg_max(e.file_id, e.event_id) FILTER (WHERE e.status = 'answered'
                                                  AND e.event_id > coalesce(o.since, 0)) AS answer_file_id,
           max(e.acted_at) FILTER (WHERE e.status = 'answered' AND e.event_id > coalesce(o.since, 0)) AS answered_at,
           arg_max(e.by_user, e.event_id) FILTER (WHERE e.status = 'reopened') AS reopened_by,
           max(e.acted_at) FILTER (WHERE e.status = 'reopened') AS reopened_at,
           arg_max(e.note, e.event_id) FILTER (WHERE e.status = 'reopened') AS reopened_note
    FROM flag_event e LEFT JOIN reopened o ON o.flag_id = e.flag_id GROUP BY e.flag_id
)
SELECT f.flag_id, f.scope, strftime(f.period, '%Y-%m') AS period, {f_district} AS district, f.measure, f.file_id,
       r.name AS file_name, f.reason, f.blocking, f.raised_by, f.raised_at,
       CASE WHEN f.resolved_at IS NOT NULL THEN 'resolved' ELSE coalesce(s.status, 'new') END AS status,
       s.assignee, s.answer_file_id, a.name AS answer_file_name, a.received_at AS answer_file_received,
       s.answered_at, s.reopened_by, s.reopened_at, s.reopened_note, f.resolved_by, f.resolved_at, f.resolution_note,
       f.resolved_at IS NULL AS open,
       (SELECT arg_max(v.value, v.revision) FROM figure_revision v WHERE v.period = x.period
          AND v.district = x.district AND v.measure = x.measure AND v.loaded_at <= f.raised_at) AS flagged_value,
       x.value AS value_now,
       CASE WHEN f.scope = 'file' THEN (SELECT count(*) FROM figure y WHERE y.file_id = f.file_id) END AS covers_now
FROM figure_flag f
LEFT JOIN file_registry r ON r.file_id = f.file_id
LEFT JOIN steps s ON s.flag_id = f.flag_id
LEFT JOIN file_registry a ON a.file_id = s.answer_file_id
LEFT JOIN figure x ON f.scope = 'figure' AND x.period = f.period AND {x_district} = {f_district}
                  AND x.measure = f.measure
WHERE true {where}
ORDER BY f.resolved_at IS NULL DESC, f.flag_id DESC
"""

# What each filter keeps. A flag on a district's month covers every measure, and a file flag every figure
# whose current value came from the file, so a measure or district filter finds them too; a file filter finds
# the file's own flags, those it answered, and those on figures whose current value came from it.
_FILTERS = {
    "measure": "(f.measure = $measure OR f.scope = 'district_month' OR (f.scope = 'file' AND EXISTS ("
               "SELECT 1 FROM figure x WHERE x.file_id = f.file_id AND x.measure = $measure)))",
    "district": "({f_district} = $district OR (f.scope = 'file' AND EXISTS ("
                "SELECT 1 FROM figure x WHERE x.file_id = f.file_id AND {x_district} = $district)))",
    "file": "(f.file_id = $file OR EXISTS (SELECT 1 FROM flag_event e WHERE e.flag_id = f.flag_id "
            "AND e.status = 'answered' AND e.file_id = $file) OR (f.scope <> 'file' AND EXISTS ("
            "SELECT 1 FROM figure x WHERE x.file_id = $file AND x.period = f.period AND {x_district} = {f_district} "
            "AND (f.scope = 'district_month' OR x.measure = f.measure))))",
    "assignee": "lower(s.assignee) = lower($assignee)",
}


def flags(con: duckdb.DuckDBPyConnection, *, open_only: bool = False, status: str | None = None,
          measure: str | None = None, district: str | None = None, file: object = None,
          assignee: str | None = None) -> pd.DataFrame:
    """Flags, open ones first, newest first: each with its status (new | assigned | awaiting | answered |
    resolved), assignee, the resubmission that answered it, and `label`, the flag as a sentence.

    `status` is one of those or "open" (every one not resolved) or "all"; `file` a file's number or name."""
    if status is not None and status not in (*STATUS_WORDS, "open", "all"):
        raise BadFlag(f'A flag\'s status is one of open, {", ".join(STATUS_WORDS)} or all, not "{status}".')
    if measure is not None and measure not in catalogue().ids():
        raise BadFlag(f'"{measure}" is not a measure in the catalogue.')
    if district is not None:
        district = current_district(district)
    file_id = None if file is None or file == "" else registry.find_file(con, file, missing=lambda text, digits:
        BadFlag(f'There is no file number {int(digits)} among the files loaded; the Files loaded page and "pccdash '
                'files" list them.' if digits is not None else f'There is no file "{text}" among the files loaded; '
                'the Files loaded page and "pccdash files" list them.')).file_id
    given = {"measure": measure, "district": district, "assignee": assignee, "file": file_id}
    conds = [_FILTERS[k] for k, v in given.items() if v is not None]
    params = {k: v for k, v in given.items() if v is not None}
    if open_only or status == "open":
        conds.append("f.resolved_at IS NULL")
    names = {"f_district": district_now("f.district"), "x_district": district_now("x.district")}
    sql = FLAGS_SQL.format(where="".join(f" AND {c}" for c in conds).format(**names), **names)
    out = con.execute(sql, params).df()
    if status not in (None, "open", "all"):
        out = out[out["status"] == status].reset_index(drop=True)
    out["label"] = [flag_sentence(r) for r in out.itertuples(index=False)] if len(out) else pd.Series(dtype=str)
    # a blocking flag on a file holds a month back only while some figure shown comes from the file
    out["blocks_now"] = [bool(r.blocking) and bool(r.open) and not covers_nothing(r)
                         for r in out.itertuples(index=False)]
    return out


def _given(value: object) -> bool:
    return isinstance(value, str) and value != ""


def flag_place(scope: str, district: object, measure: object, file_name: object, month: str = "") -> str:
    """What a flag is on, in words beginning in lower case: "the whole file <name>", "every measure for Rotherham",
    "Doncaster's CAWNs issued", each with " in <month>" when `month` is given (a file's flag has no month)."""
    tail = f" in {month}" if month else ""
    if scope == "file":
        return f"the whole file {file_name}" if _given(file_name) else "a whole file no longer listed"
    if scope == "district_month":
        return f"every measure for {district}{tail}"
    try:
        name = catalogue().get(str(measure)).short_name
    except (KeyError, PccDashError):
        name = str(measure)
    return f"{possessive(str(district))} {name}{tail}"


def flag_sentence(flag) -> str:
    """What a flag is on and why, as a sentence: "Doncaster's CAWNs issued in March 2026: <reason>",
    "Every measure for Rotherham in July 2015: <reason>", "The whole file 2025-26-cse-return.xlsx: <reason>"."""
    where = flag_place(flag.scope, flag.district, flag.measure, flag.file_name,
                       month_text(flag.period) if _given(flag.period) else "")
    return f"{where[:1].upper()}{where[1:]}: {flag.reason}"


def covers_nothing(flag) -> bool:
    """A flag on a file no figure shown now comes from: a later load revised each of them (`flags`' covers_now)."""
    covers = getattr(flag, "covers_now", None)
    return flag.scope == "file" and covers is not None and not pd.isna(covers) and int(covers) == 0


def status_sentence(flag) -> str:
    """Where a flag stands, in words: its status, whom it is with, the resubmission that answered it."""
    if flag.status == "resolved":
        return f"Resolved by {flag.resolved_by} on {day_words(flag.resolved_at)}: {flag.resolution_note}"
    parts = [STATUS_WORDS[flag.status]]
    if flag.status == "reopened":  # whom it is with is said either way: reopening keeps its assignee, or has none
        parts = [f"Reopened by {flag.reopened_by} on {day_words(flag.reopened_at)}: {flag.reopened_note}",
                 reopened_with(flag.assignee)]
    elif _given(flag.assignee):
        parts.append(f"assigned to {flag.assignee}")
    if _given(flag.answer_file_name):
        parts.append(f"answered by {flag.answer_file_name} (loaded {day_words(flag.answer_file_received)}), "
                     f"recorded {day_words(flag.answered_at)}")
    if covers_nothing(flag):  # a load since replaced each of its figures
        parts.append("no figure shown now comes from this file (each has been revised by a later load since)"
                     + (", so it no longer blocks approval" if flag.blocking else ""))
    was, now = getattr(flag, "flagged_value", None), getattr(flag, "value_now", None)
    if flag.scope == "figure" and not (pd.isna(was) or pd.isna(now)) and float(was) != float(now):
        from .plan.narrative import format_number

        try:
            measure = catalogue().get(str(flag.measure))
        except (KeyError, PccDashError):
            measure = None
        parts.append(f"the figure has been revised since it was flagged: {format_number(float(was), measure)} then, "
                     f"{format_number(float(now), measure)} now")
    return "; ".join(parts)


STEP_WORDS = {"assigned": "Assigned to {assignee}", "awaiting": "Marked awaiting the force",
              "answered": "Answered by the resubmission {file_name} (loaded {loaded})", "resolved": "Resolved",
              "reopened": "Reopened"}


def flag_history(con: duckdb.DuckDBPyConnection, flag_id: object) -> pd.DataFrame:
    """Every step of one flag, oldest first, from its raising: when, who, what (in words), note."""
    number = int(str(flag_id).strip().lstrip("#"))
    raised = con.execute("SELECT raised_at, raised_by, reason, blocking FROM figure_flag WHERE flag_id = ?",
                         [number]).fetchall()
    if not raised:
        raise BadFlag(f'There is no flag number {number}; "pccdash flags --status all" lists them all.')
    at, by, reason, blocking = raised[0]
    rows = [{"when": at, "who": by, "what": "Raised" + (", blocking approval" if blocking else ""), "note": reason}]
    steps = con.execute(
        """SELECT e.acted_at, e.by_user, e.status, e.assignee, r.name, r.received_at, e.note
           FROM flag_event e LEFT JOIN file_registry r ON r.file_id = e.file_id
           WHERE e.flag_id = ? ORDER BY e.event_id""", [number]).fetchall()
    holder = None  # whom the flag is assigned to at each step: a reopened flag goes back to them
    for when, who, status, assignee, file_name, loaded, note in steps:
        holder = assignee if status == "assigned" else holder
        what = STEP_WORDS[status].format(assignee=assignee, file_name=file_name,
                                         loaded=day_words(loaded) if loaded is not None else "")
        if status == "reopened":
            what = f"{what}, {reopened_with(holder)}"
        rows.append({"when": when, "who": who, "what": what, "note": note or ""})
    return pd.DataFrame(rows, columns=["when", "who", "what", "note"])


# Each open flag and each contract warning, on every current figure it touches. A district-month flag
# touches every measure of that district and month; a file flag every figure whose current value came
# from the file; a contract warning only the figure from the file (or accepted-figures run) it was about, while it
# holds (one ended when a later load changed what the figure is compared with is kept, but not shown).
# The parts come out raw (scope, who, when, rule, message): the words are put together in Python, so
# that a page, the pack and a message stored by an older load all read the same way. A flag on one figure keeps
# the value the figure had when it was raised (`flagged_value`) when a later load has revised it since, so that
# the reason, written about that value, is not read as if it were about the figure shown now. A check's caveat that a
# figure changes a published month keeps when the figure was loaded (`revision_loaded_at`), by which
# `_revisions_published` finds whether a publication still in force has carried it since.
CAVEATS_SQL = """
SELECT strftime(x.period, '%Y-%m') AS period, {x_district} AS district, x.measure, 'flag' AS kind, f.blocking,
       f.flag_id, f.scope, f.file_id, r.name AS file_name, f.raised_by, f.raised_at, f.reason,
       NULL::VARCHAR AS rule_id, NULL::VARCHAR AS message,
       CASE WHEN f.scope = 'figure' THEN (
           SELECT arg_max(v.value, v.revision) FROM figure_revision v
           WHERE v.period = x.period AND v.district = x.district AND v.measure = x.measure
             AND v.loaded_at <= f.raised_at) END AS flagged_value,
       x.value AS value, NULL::TIMESTAMP AS revision_loaded_at
FROM figure_flag f
JOIN figure x ON (f.scope = 'figure' AND x.period = f.period AND {x_district} = {f_district} AND x.measure = f.measure)
              OR (f.scope = 'district_month' AND x.period = f.period AND {x_district} = {f_district})
              OR (f.scope = 'file' AND x.file_id = f.file_id)
LEFT JOIN file_registry r ON r.file_id = f.file_id
WHERE f.resolved_at IS NULL {flag_filter}
UNION ALL
SELECT DISTINCT strftime(c.period, '%Y-%m'), {x_district}, c.measure, 'check', false, NULL,
       'figure', NULL, NULL, NULL, NULL, NULL, c.rule_id, c.message, NULL::DOUBLE, NULL::DOUBLE,
       CASE WHEN c.rule_id = '{revision_rule}' THEN x.loaded_at END
FROM figure_caveat c
JOIN figure x ON x.period = c.period AND x.district = c.district AND x.measure = c.measure
             AND (c.file_id = x.file_id OR c.file_id IS NULL)
WHERE c.ended_at IS NULL {check_filter}
"""

CAVEAT_COLUMNS = ["period", "district", "measure", "kind", "text", "blocking", "flag_id", "scope", "file_id",
                  "file_name"]

# What a data check is called where people read it; a rule not named here reads as its id in words.
CHECK_TITLES = {
    "month_on_month_change": "month-on-month change",
    "headcount_change": "change in headcount",
    "arrested_within_12_weeks_change": "change in the share arrested within 12 weeks",
    "charges_within_arrests": "charges against arrests",
    "cce_referrals_same_month_last_year": "same month last year",
    "percentage_matches_its_parts": "percentage against its parts",
    "published_month_changed": "change to a published month",
    "every_district_every_month": "every district every month",
    "breakdown_completeness_drop": "fall in the share recorded",
    "breakdown_not_sent": "breakdown not sent",
    "month_republished": "police.uk month replaced",
    "lsoa_code_with_location": "area code with a location",
}

_YEAR_MONTH = re.compile(r"(?<![\w-])(\d{4})-(0[1-9]|1[0-2])(?![\w-])")


def day_words(stamp: object) -> str:
    """'2 March 2026': a date as it is, a stored (UTC) time as its day in England."""
    return uk_day_words(stamp)


def readable_check_message(message: str) -> str:
    """A stored data-check message in words: measure ids as the measure's name, YYYY-MM as "July 2015".

    Loads since the contract named measures store names already; older ones stored ids and months as
    YYYY-MM, and still stand in the warehouse beside their figures."""
    return _YEAR_MONTH.sub(lambda m: month_text(f"{m.group(1)}-{m.group(2)}"), with_measure_names(message))


def check_title(rule_id: str) -> str:
    return CHECK_TITLES.get(rule_id) or rule_id.replace("_", " ")


def revised_since_flagged(row) -> str:
    """", when it was 1, since revised" for a flag on one figure a later load has revised since it was
    raised: its reason was written about that value, not the one shown now. Empty otherwise."""
    was, now = getattr(row, "flagged_value", None), getattr(row, "value", None)
    if row.kind != "flag" or row.scope != "figure" or pd.isna(was) or pd.isna(now) or float(was) == float(now):
        return ""
    from .plan.narrative import format_number

    try:
        measure = catalogue().get(str(row.measure))
    except (KeyError, PccDashError):
        measure = None
    return f", when it was {format_number(float(was), measure)}, since revised"


def _flag_note(row) -> str:
    return (f"flagged by {row.raised_by} on {day_words(row.raised_at)}{revised_since_flagged(row)}"
            + ("; blocks approval" if row.blocking else ""))


REVISION_RULE = "published_month_changed"
_REVISION_NEEDED = re.compile(r": the published figure will need a revision notice\.?$")


def check_message(row) -> str:
    """A check's stored message as it holds now. A change to a published month said, at its load, that "the
    published figure will need a revision notice"; once a publication has carried the figure as it now stands
    (`revision_published_at`), it says when the revision was published instead: the notice is no longer to come."""
    message = str(row.message)
    published = getattr(row, "revision_published_at", None)
    if row.rule_id != REVISION_RULE or published is None or pd.isna(published):
        return message
    return _REVISION_NEEDED.sub(f": the revision was published on {day_words(published)}.", message)


def _figure_text(row) -> str:
    """The caveat as it reads beside the one figure it touches. A flag on a whole file or a district's month says
    so ("..., on the whole file 2026-08-cse-return.xlsx: ..."): its reason is about all it covers, not this figure
    alone, and resolving it settles every one of them."""
    if row.kind == "check":
        return f"Data check, {check_title(row.rule_id)}: {readable_check_message(check_message(row))}"
    reach = ""
    if row.scope in ("file", "district_month"):
        reach = ", on " + flag_place(row.scope, row.district, row.measure, row.file_name,
                                     month_text(row.period) if _given(row.period) else "")
    return (f"Flagged by {row.raised_by} on {day_words(row.raised_at)}{revised_since_flagged(row)}{reach}: "
            f"{row.reason}" + (" (blocks approval)" if row.blocking else ""))


# data checks on what a figure's breakdown holds or lacks, not on the figure itself: said on the figure's own measure,
# not on a percentage worked out from the figure
BREAKDOWN_ONLY_RULES = frozenset({"breakdown_not_sent", "breakdown_completeness_drop"})


# Of a figure a check said changes a published month (loaded at $loaded): when the first publication not withdrawn,
# made after an approval that carried it, was made, provided the approval the publication in force was made from
# carries it (as `published_figure` reads what the public reads); NULL until then. Unlike a loop item's first
# publication (accountability.records.APPROVAL_FIRST_PUBLISHED), it reads a month's approvals (publication_event),
# counts no withdrawn publication, and says nothing until the publication in force carries the revision
REVISION_PUBLISHED_SQL = """
SELECT CASE WHEN (SELECT max(e.acted_at) FROM period_status s JOIN snapshot n ON n.version = s.snapshot_version
                  JOIN publication_event e ON e.period = s.period AND e.action = 'approved'
                                          AND e.acted_at <= n.created_at
                  WHERE s.period = $period) >= $loaded THEN (
           SELECT min(n.created_at) FROM snapshot n
           WHERE n.version NOT IN (SELECT version FROM snapshot_withdrawal)
             AND EXISTS (SELECT 1 FROM publication_event e WHERE e.period = $period AND e.action = 'approved'
                         AND e.acted_at >= $loaded AND e.acted_at <= n.created_at)) END
"""


def _revisions_published(con: duckdb.DuckDBPyConnection, raw: pd.DataFrame) -> list:
    """For each row of the caveats read, when the revision its check said was needed was published
    (REVISION_PUBLISHED_SQL), None for every other row: asked once for each figure such a check is on, so that the
    many caveats of other kinds cost nothing more."""
    if raw.empty:
        return []
    keys = list(zip(raw["period"], raw["revision_loaded_at"], strict=True))
    found = {}
    for period, loaded in {k for k in keys if pd.notna(k[1])}:
        found[(period, loaded)] = con.execute(REVISION_PUBLISHED_SQL, {
            "period": dt.date.fromisoformat(f"{period}-01"), "loaded": pd.Timestamp(loaded).to_pydatetime()}
        ).fetchone()[0]
    return [found.get(k) if pd.notna(k[1]) else None for k in keys]


def caveats(con: duckdb.DuckDBPyConnection, *, measure: str | None = None, start: object = None,
            end: object = None, parts: bool = False) -> pd.DataFrame:
    """Caveats per figure: period (YYYY-MM), district, measure, kind (flag | check), text, blocking, flag_id,
    scope (figure | district_month | file: how far a flag reaches), file_id and file_name (a file flag's).
    `parts`: a percentage `measure`'s numerator's and denominator's too, the figures it is worked out from
    (`part_caveats` says which of them go with it)."""
    measures = [measure] if measure is not None else None
    if measure is not None and parts and (m := catalogue().get(measure)).kind == "percentage":
        measures += [x for x in (m.numerator, m.denominator) if x]
    conds, params = [], []
    for column, op, value in (("measure", "list", measures), ("period", ">=", start), ("period", "<=", end)):
        if value is None:
            continue
        conds.append(" AND list_contains(?, x.measure)" if op == "list" else f" AND x.{column} {op} ?")
        params.append(value if column == "measure" else _as_month(value))
    where = "".join(conds)
    raw = con.execute(CAVEATS_SQL.format(flag_filter=where, check_filter=where, x_district=district_now("x.district"),
                                         f_district=district_now("f.district"), revision_rule=REVISION_RULE),
                      params + params).df()
    raw["revision_published_at"] = _revisions_published(con, raw)
    raw["text"] = [_figure_text(r) for r in raw.itertuples(index=False)] if len(raw) else []
    raw["flag_first"] = raw["kind"] != "flag"
    raw = raw.sort_values(["period", "district", "measure", "flag_first", "text"], ignore_index=True)
    raw["message"] = [check_message(r) if r.kind == "check" else r.message for r in raw.itertuples(index=False)] \
        if len(raw) else raw["message"]
    return raw[CAVEAT_COLUMNS + ["raised_by", "raised_at", "reason", "rule_id", "message", "flagged_value", "value"]]


def caveats_by_figure(frame: pd.DataFrame) -> dict[tuple[str, str, str], list[str]]:
    """(period, district, measure) -> caveat texts, for looking up beside a figure."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for row in frame.itertuples(index=False):
        out.setdefault((row.period, row.district, row.measure), []).append(row.text)
    return out


def force_caveats(frame: pd.DataFrame, period: str, measure: str, *, end: str | None = None) -> list[str]:
    """A force figure sums its districts, so it carries each district's caveats, named. A figure that adds up the
    months `period` to `end` (YYYY-MM; a financial year, say) carries each of their caveats, the month named too,
    latest first."""
    if end is None:
        rows = frame[(frame["period"] == period) & (frame["measure"] == measure)]
        return [f"{r.district}: {r.text}" for r in rows.itertuples(index=False)]
    rows = frame[(frame["period"] >= period) & (frame["period"] <= end) & (frame["measure"] == measure)]
    rows = rows.sort_values("period", ascending=False, kind="stable")
    return [f"{r.district}, {month_text(r.period)}: {r.text}" for r in rows.itertuples(index=False)]


# A table's download carries, for each of its figures, its open flags and its caveats under these headings.
OPEN_FLAGS, CAVEATS = "Open flags", "Caveats"


def flags_in_words(rows: pd.DataFrame | None) -> str:
    """The open flags among caveats (rows of `caveats()` or `part_caveats()`), each once by its number, one a line:
    "Flag 12: Two charges counted twice (blocks approval)"; "" for none. The Flags page and "pccdash flags" find a
    flag by that number."""
    if rows is None or rows.empty:
        return ""
    flagged = rows[(rows["kind"] == "flag") & rows["flag_id"].notna()].drop_duplicates("flag_id")
    return "\n".join(f"Flag {int(r.flag_id)}: {r.reason}" + (" (blocks approval)" if r.blocking else "")
                     for r in flagged.itertuples(index=False))


def download_notes(per_figure: Sequence[tuple[pd.DataFrame | None, Sequence[str]]]) -> pd.DataFrame:
    """What a table's download says of each of its figures, in its rows' order: the open flags on what the figure
    is made of (`flags_in_words` of its caveat rows) and its caveats as the page says them, one a line; columns
    OPEN_FLAGS and CAVEATS (see dashboard.ui.table's `download_also`)."""
    return pd.DataFrame([(flags_in_words(rows), "\n".join(dict.fromkeys(texts))) for rows, texts in per_figure],
                        columns=[OPEN_FLAGS, CAVEATS])


def period_figure_notes(cav: pd.DataFrame, panel, figures: pd.DataFrame) -> pd.DataFrame:
    """`download_notes` for a table of figures as the public side publishes them, one row each (columns measure,
    area, period and period_type: a month "2015-07", a financial quarter "Q1 2015/16", a financial year "2015/16",
    "12 months to July 2015"): the open flags and caveats on every monthly figure each is made of (`Panel.sources`:
    every month of a count, the month a level is taken from, a percentage's parts; the force's figure is made of its
    districts'), as the Measure page's download says them: the district and month named, a part's as the pack words
    it. `cav`: `caveats()` of every measure (a percentage's parts' included). A measure or area the panel does not
    hold (a district since merged, say) has none said."""
    from .plan.periods import month_key, month_label, month_number
    from .publish.pages import months_in

    cat, f = catalogue(), force()
    force_areas = (f.force_name, f.force_short_name)
    said = cav.assign(text=[f"{d}, {month_label(month_number(p))}: {t}" for d, p, t in
                            zip(cav["district"], cav["period"], cav["text"], strict=True)]) if len(cav) else cav
    lookup: dict[tuple[str, str], tuple[pd.DataFrame, dict]] = {}  # (measure, area) -> the caveats its figures
    # may carry, and the positions of each monthly figure's among them ((measure, YYYY-MM) -> positions)

    def of(measure, area: str) -> tuple[pd.DataFrame, dict]:
        if (measure.id, area) not in lookup:
            own = said[said["measure"] == measure.id] if len(said) else said
            if area not in force_areas:
                own = own[own["district"] == area]
            parts = part_caveats(cav, panel, measure, area) if measure.kind == "percentage" else None
            rows = own if parts is None or parts.empty else pd.concat([own, parts])
            rows = rows.sort_values("period", ascending=False, kind="stable").reset_index(drop=True)
            at: dict[tuple[str, str], list[int]] = {}
            for i, key in enumerate(zip(rows["measure"], rows["period"], strict=True)):
                at.setdefault(key, []).append(i)
            lookup[(measure.id, area)] = rows, at
        return lookup[(measure.id, area)]

    said_once: dict[tuple, tuple[str, str]] = {}  # what is said of the same caveats, worked out once
    out: list[tuple[str, str]] = []
    for measure_id, area, period, period_type in zip(figures["measure"], figures["area"], figures["period"],
                                                     figures["period_type"], strict=True):
        try:
            m = cat.get(str(measure_id))
            rows, at = of(m, str(area))
            months = [month_number(x) for x in months_in(str(period_type), str(period))] if at else []
            made_of = {(x, month_key(n)) for x, n in
                       panel.sources(m, panel.area_index(str(area)), panel.index_of(months[0]),
                                     panel.index_of(months[-1]))} if months else set()
        except (PccDashError, ValueError, KeyError):
            made_of = set()
        hit = tuple(sorted({i for key in made_of for i in at.get(key, ())})) if made_of else ()
        if not hit:
            out.append(("", ""))
            continue
        if (m.id, str(area), hit) not in said_once:
            on = rows.iloc[list(hit)]
            said_once[(m.id, str(area), hit)] = tuple(download_notes([(on, [with_measure_names(t)
                                                                              for t in on["text"]])]).iloc[0])
        out.append(said_once[(m.id, str(area), hit)])
    return pd.DataFrame(out, columns=[OPEN_FLAGS, CAVEATS])


@dataclass
class ArrangedCaveats:
    """A period's caveats, each said once where it applies."""

    general: list[str] = field(default_factory=list)  # a whole file or a district's month: said before any measure
    by_measure: dict[str, list[str]] = field(default_factory=dict)  # measure id -> said once under the measure
    # (measure id, district or the force's short name) -> everything touching that figure, for a marker
    by_figure: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # (measure id, district or the force's short name) -> how many of its `by_figure` are said in `general`, not
    # under the measure
    in_general: dict[tuple[str, str], int] = field(default_factory=dict)


def _in_words(labels: list[str], compared: list[str]) -> str:
    """"in the figures for Q1 2015/16 and the 12 months to July 2015", then what is said of each figure a change is
    measured against ("in the 12 months to July 2014 that the change is measured against")."""
    said = [("in the figure for " if len(labels) == 1 else "in the figures for ") + listed(labels)] if labels else []
    return ", and ".join([*said, *compared])


def included_figures(panel, measure, shown: Sequence[tuple[str, int, int]],
                     compared: Sequence[tuple[str, int, int]] = (), *,
                     areas: Sequence[str] | None = None) -> dict[tuple[str, str, str], str]:
    """What a measure's figures for the force and each district are made of, for `arrange_caveats`.

    `shown` are the figures a page or the pack prints (label, first and last month as month numbers: ("Q1 2015/16",
    543, 545), say) and `compared` those their changes are measured against, each with what is said of it ("in the
    12 months to July 2014 that the change is measured against"). Each monthly figure one of them is made of
    (`Panel.sources`: every month of a flow, the month a stock's level is taken from, a percentage's numerator and
    denominator), as (measure id, district, YYYY-MM), is mapped to those figures in words ("in the figures for Q1
    2015/16 and the 12 months to July 2015"). The force's figures are made of each district's. `areas`: only the
    figures of these (district names, or the force's), where a page shows one area's; every area's by default."""
    figures = [*((label, first, last, 0) for label, first, last in shown),
               *((label, first, last, 1) for label, first, last in compared)]
    found: dict[tuple[str, str, int], set[int]] = {}
    for area in (range(len(panel.areas)) if areas is None else dict.fromkeys(panel.area_index(a) for a in areas)):
        reach = panel.districts if area == panel.force_index else (panel.districts[area],)
        for i, (_label, first, last, _kind) in enumerate(figures):
            for measure_id, month in panel.sources(measure, area, panel.index_of(first), panel.index_of(last)):
                for district in reach:
                    found.setdefault((measure_id, district, month), set()).add(i)
    out = {}
    for (measure_id, district, month), which in found.items():
        labels = [figures[i][0] for i in sorted(which) if figures[i][3] == 0]
        against = [figures[i][0] for i in sorted(which) if figures[i][3] == 1]
        out[(measure_id, district, f"{1970 + month // 12:04d}-{month % 12 + 1:02d}")] = _in_words(
            list(dict.fromkeys(labels)), list(dict.fromkeys(against)))
    return out


def arrange_caveats(cav: pd.DataFrame, period: object, measure_ids: list[str], districts: list[str], *,
                    included: Mapping[str, Mapping[tuple[str, str, str], str]] | None = None) -> ArrangedCaveats:
    """The caveats of `caveats()` for one month, arranged so that each is said once where it applies.

    A file flag or a district-month flag is said once in `general`, naming what it covers; a flag on one
    figure and a data-check warning are said under their measure, the districts named in the sentence,
    and the same words on several districts are said once with them all named.

    `included` carries what is said about the other figures a measure's figures are made of into them: measure id
    -> `included_figures` of its figures. A quarter, the year to date and the 12 months include earlier months
    (every month of a flow; of a stock, the month its level is taken from, an earlier one when the last is
    missing), and a percentage is worked out from its numerator's and denominator's figures. Each such caveat names
    its month and the figures that include it, and a part's names the part; of an earlier month only the open
    flags are said, not its data-check warnings. The month's own come first, then its parts', then the earlier
    months', latest first. `cav` must hold those months and parts too."""
    key = f"{_as_month(period):%Y-%m}"
    included = included or {}
    order = {d: i for i, d in enumerate(districts)}
    out = ArrangedCaveats(by_measure={m: [] for m in measure_ids})
    if cav is None or cav.empty:
        return out
    # every month a file flag touches, for naming the file's reach; the rest is about the months the figures hold
    flag_months: dict[int, list[str]] = {}
    for row in cav[cav["kind"] == "flag"].itertuples(index=False):
        flag_months.setdefault(int(row.flag_id), []).append(row.period)
    cav = cav[cav["district"].isin(districts)]
    cav = cav.assign(_row=range(len(cav)))
    # each caveat under every measure shown whose figures are made of its figure: the month's own, and what
    # `included` names; of an earlier month its open flags, not its data-check warnings: those were read when that
    # month was reported, and two years of them under every measure would bury what is in doubt now
    own = cav[cav["measure"].isin(measure_ids) & (cav["period"] == key)]
    pieces = [own.assign(shown=own["measure"], words="")]
    figures = [(m, d, p) if p == key or k == "flag" else None
               for m, d, p, k in zip(cav["measure"], cav["district"], cav["period"], cav["kind"], strict=True)]
    about_breakdown = [k == "check" and r in BREAKDOWN_ONLY_RULES
                       for k, r in zip(cav["kind"], cav["rule_id"], strict=True)]
    for measure_id in measure_ids:
        reach = included.get(measure_id) or {}
        # a part's breakdown is not what a percentage is worked out from: only its figure is
        hits = [(i, reach[f]) for i, f in enumerate(figures) if f is not None and f in reach
                and not (about_breakdown[i] and f[0] != measure_id)]
        if hits:
            pieces.append(cav.iloc[[i for i, _ in hits]].assign(shown=measure_id, words=[w for _, w in hits]))
    rows = pd.concat(pieces, ignore_index=True).drop_duplicates(["shown", "_row"])
    rows = rows.assign(_d=rows["district"].map(order), _earlier=rows["period"] != key,
                       _part=rows["measure"] != rows["shown"]).sort_values(
        ["_earlier", "period", "_part", "_d"], ascending=[True, False, True, True], kind="stable")
    names = {m: catalogue().get(m).short_name for m in set(rows["measure"]) | set(measure_ids)}

    def where_else(row) -> str:
        """", in the figures for ..." for a caveat on an earlier month."""
        return "" if row.period == key else f", {row.words}"

    def of_part(row) -> str:
        """", which Officers trained (%) is worked out from" for a part's caveat."""
        return "" if row.measure == row.shown else f", which {names[row.shown]} is worked out from"

    wide = rows[(rows["kind"] == "flag") & rows["scope"].isin(["file", "district_month"])]
    wide = wide.assign(_file=(wide["scope"] != "file").astype(int)).sort_values(["_file", "flag_id"], kind="stable")
    said: dict[int, str] = {}
    for row in wide.itertuples(index=False):
        if int(row.flag_id) in said:
            continue
        if row.scope == "file":
            where = f"On every figure from the file {row.file_name} ({months_phrase(flag_months[int(row.flag_id)])})"
        else:
            where = f"On every figure for {row.district} in {month_text(row.period)}"
            if row.period != key:
                where += ", and every figure of this briefing that includes that month"
        said[int(row.flag_id)] = f"{where}: {row.reason} ({_flag_note(row)})"
        out.general.append(said[int(row.flag_id)])

    for measure_id in measure_ids:
        mine = rows[(rows["shown"] == measure_id) & ~rows["flag_id"].isin(list(said))]
        groups: dict[tuple, list] = {}
        for row in mine.itertuples(index=False):
            if row.kind == "flag":
                group = ("flag", row.measure, row.period, row.words, row.reason, row.raised_by,
                         day_words(row.raised_at), bool(row.blocking), revised_since_flagged(row))
            else:
                # the district's own name stands in for any district, so that one finding on several reads once
                words = readable_check_message(row.message).replace(row.district, "\0")
                group = ("check", row.measure, row.period, row.words, check_title(row.rule_id), words)
            groups.setdefault(group, []).append(row)
        texts: list[str] = []
        for group, members in groups.items():
            first = members[0]
            named, month, also, part = (listed([r.district for r in members]), month_text(first.period),
                                        where_else(first), of_part(first))
            if group[0] == "flag":
                texts.append(f"{names[first.measure]} for {named} in {month}{part}{also}: {first.reason} "
                             f"({_flag_note(first)})")
                continue
            title, message = group[4], group[5]
            lead = "Data check" if not part else f"Data check on {names[first.measure]}{part}"
            if "\0" in message:
                when = "" if not also else f" ({month}; {also[2:]})"
                texts.append(f"{lead}, {title}{when}: {message.replace(chr(0), named)}")
            else:
                when = "" if not also else f", {month}; {also[2:]}"
                texts.append(f"{lead}, {title} ({named}{when}): {message}")
        out.by_measure[measure_id] = [t for t in dict.fromkeys(texts) if t not in out.general]

    for row in rows.itertuples(index=False):
        found = out.by_figure.setdefault((row.shown, row.district), [])
        lead = "" if row.measure == row.shown else f"{names[row.measure]} ({of_part(row)[2:]})"
        if row.period == key:
            text = f"{lead}: {row.text}" if lead else row.text
        else:
            text = f"{lead + ', ' if lead else ''}{month_text(row.period)}{where_else(row)}: {row.text}"
        if text not in found:
            found.append(text)
            if row.kind == "flag" and int(row.flag_id) in said:
                out.in_general[(row.shown, row.district)] = out.in_general.get((row.shown, row.district), 0) + 1
    # the force's figure sums its districts, so it carries their caveats, each counted once as arranged
    whole = force().force_short_name
    for measure_id in measure_ids:
        touching = wide[wide["shown"] == measure_id]["flag_id"].astype(int)
        first = list(dict.fromkeys(said[f] for f in touching))
        texts = first + out.by_measure[measure_id]
        if texts:
            out.by_figure[(measure_id, whole)] = texts
        if first:
            out.in_general[(measure_id, whole)] = len(first)
    return out


def part_caveats(cav: pd.DataFrame, panel, measure, area: str) -> pd.DataFrame:
    """The caveats on the other figures an area's monthly figures of `measure` are made of, beside the measure's own:
    a percentage's numerator's and denominator's figures in the month (`Panel.sources`, through
    `included_figures`). A count's or a stock's month is made of its own figure alone, so it has none.

    `area` is a district or the force, whose figures are made of every district's; `cav` holds the caveats of the
    months shown, the parts' included (`caveats()` of each). One row each, as `caveats()` gives them, with `text`
    worded as the pack words it (`arrange_caveats`): "Officer headcount for Rotherham in June 2015, which Officers
    trained (%) is worked out from: Leavers counted twice (flagged by ...)". A flag on a district's month or on a
    whole file that is on the measure's own figure in that month too is said there, not again here."""
    from .plan.periods import month_label, month_number

    f = force()
    districts = list(f.districts) if area in (f.force_name, f.force_short_name) else [area]
    if cav is None or cav.empty:
        return pd.DataFrame(columns=CAVEAT_COLUMNS)
    rows = cav[(cav["measure"] != measure.id) & cav["district"].isin(districts)
               & ~((cav["kind"] == "check") & cav["rule_id"].isin(list(BREAKDOWN_ONLY_RULES)))]
    if rows.empty:
        return rows
    numbers = sorted({month_number(p) for p in rows["period"]})
    made_of = included_figures(panel, measure, [(month_label(n), n, n) for n in numbers], areas=[area])
    own = cav[(cav["measure"] == measure.id) & cav["flag_id"].notna()]
    on_own = {(int(i), d, p) for i, d, p in zip(own["flag_id"], own["district"], own["period"], strict=True)}
    rows = rows[[(r.measure, r.district, r.period) in made_of
                 and not (pd.notna(r.flag_id) and (int(r.flag_id), r.district, r.period) in on_own)
                 for r in rows.itertuples(index=False)]]
    texts = []
    for i in range(len(rows)):
        one = rows.iloc[[i]]
        arranged = arrange_caveats(one, one["period"].iloc[0], [measure.id], [one["district"].iloc[0]],
                                   included={measure.id: made_of})
        texts.append([*arranged.general, *arranged.by_measure[measure.id]][0])
    return rows.assign(text=texts).drop_duplicates(["period", "district", "text"])


def files_for_flags(con: duckdb.DuckDBPyConnection, *, accepted_only: bool = False) -> pd.DataFrame:
    """The files a flag can be filtered by or answered by (only loaded ones answer), newest first: file_id,
    name, received_at, and `label`, "name (loaded 3 March 2026)"."""
    out = con.execute("SELECT file_id, name, received_at, outcome FROM file_registry"
                      + (" WHERE outcome = 'accepted'" if accepted_only else "")
                      + " ORDER BY received_at DESC, file_id DESC").df()
    out["label"] = [f"{r.name} ({'loaded' if r.outcome == 'accepted' else 'refused'} {day_words(r.received_at)})"
                    for r in out.itertuples(index=False)] if len(out) else pd.Series(dtype=str)
    return out
