"""Analysts' data-quality flags, and the caveats that follow a figure wherever it is shown.

A flag is raised on one figure, on a district's month (every measure), or on a whole file (every
figure whose current value came from it). It stays open, through restarts and re-loads, until someone
resolves it with a note. `caveats()` gathers open flags and contract warnings per figure, so the
briefing, the measure page and the pack all show the same caveats next to the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb
import pandas as pd

from . import audit
from .access import require
from .catalogue import catalogue, force
from .errors import PccDashError
from .warehouse import utc_now

SCOPES = ("figure", "district_month", "file")


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
    reason = (reason or "").strip()
    if scope not in SCOPES:
        raise BadFlag(f'A flag\'s scope is one of {", ".join(SCOPES)}, not "{scope}".')
    if not reason:
        raise BadFlag("Say why you are flagging it: the reason is what others will read next to the figure.")
    month = None
    if scope == "file":
        if file_id is None or not con.execute("SELECT 1 FROM file_registry WHERE file_id = ?", [file_id]).fetchall():
            raise BadFlag(f"There is no file number {file_id} in the file registry.")
        district = measure = None
    else:
        if period is None or district is None:
            raise BadFlag("A flag on a figure or a district's month needs the month and the district.")
        month = _as_month(period)
        if district not in force().districts:
            raise BadFlag(f'"{district}" is not one of the districts: {", ".join(force().districts)}.')
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


def resolve_flag(con: duckdb.DuckDBPyConnection, claims: Mapping, flag_id: int, note: str) -> None:
    """Close an open flag with a note saying what was done; who and when are recorded."""
    who = require(claims, "resolve")
    note = (note or "").strip()
    if not note:
        raise BadFlag("Say how the flag was resolved: the note is kept with it.")
    found = con.execute("SELECT resolved_at FROM figure_flag WHERE flag_id = ?", [int(flag_id)]).fetchall()
    if not found:
        raise BadFlag(f"There is no flag number {flag_id}.")
    if found[0][0] is not None:
        raise BadFlag(f"Flag #{flag_id} was already resolved on {found[0][0]:%Y-%m-%d %H:%M}.")
    with audit.transaction(con):
        con.execute("UPDATE figure_flag SET resolved_by = ?, resolved_at = ?, resolution_note = ? WHERE flag_id = ?",
                    [who, utc_now(), note, int(flag_id)])
        audit.record(con, claims, "resolve", subject=f"flag #{int(flag_id)}", detail=note)


FLAGS_SQL = """
SELECT f.flag_id, f.scope, strftime(f.period, '%Y-%m') AS period, f.district, f.measure, f.file_id,
       r.name AS file_name, f.reason, f.blocking, f.raised_by, f.raised_at,
       f.resolved_by, f.resolved_at, f.resolution_note, f.resolved_at IS NULL AS open
FROM figure_flag f LEFT JOIN file_registry r USING (file_id)
{where}
ORDER BY f.resolved_at IS NULL DESC, f.flag_id DESC
"""


def flags(con: duckdb.DuckDBPyConnection, *, open_only: bool = False) -> pd.DataFrame:
    return con.execute(FLAGS_SQL.format(where="WHERE f.resolved_at IS NULL" if open_only else "")).df()


# Each open flag and each contract warning, on every current figure it touches. A district-month flag
# touches every measure of that district and month; a file flag every figure whose current value came
# from the file; a contract warning only the figure from the file (or accepted-figures run) it was about.
CAVEATS_SQL = """
SELECT strftime(x.period, '%Y-%m') AS period, x.district, x.measure, 'flag' AS kind,
       'Flagged by ' || f.raised_by || ' on ' || strftime(f.raised_at, '%Y-%m-%d') || ': ' || f.reason
           || CASE WHEN f.blocking THEN ' (blocks approval)' ELSE '' END AS text,
       f.blocking, f.flag_id
FROM figure_flag f
JOIN figure x ON (f.scope = 'figure' AND x.period = f.period AND x.district = f.district AND x.measure = f.measure)
              OR (f.scope = 'district_month' AND x.period = f.period AND x.district = f.district)
              OR (f.scope = 'file' AND x.file_id = f.file_id)
WHERE f.resolved_at IS NULL {flag_filter}
UNION ALL
SELECT DISTINCT strftime(c.period, '%Y-%m'), c.district, c.measure, 'check',
       'Data check (' || c.rule_id || '): ' || c.message, false, NULL
FROM figure_caveat c
JOIN figure x ON x.period = c.period AND x.district = c.district AND x.measure = c.measure
             AND (c.file_id = x.file_id OR c.file_id IS NULL)
WHERE true {check_filter}
ORDER BY 1, 2, 3, 4 DESC, 5
"""


def caveats(con: duckdb.DuckDBPyConnection, *, measure: str | None = None, start: object = None,
            end: object = None) -> pd.DataFrame:
    """Caveats per figure: period (YYYY-MM), district, measure, kind (flag | check), text, blocking, flag_id."""
    conds, params = [], []
    for column, op, value in (("measure", "=", measure), ("period", ">=", start), ("period", "<=", end)):
        if value is None:
            continue
        conds.append(f" AND x.{column} {op} ?")
        params.append(value if column == "measure" else _as_month(value))
    where = "".join(conds)
    return con.execute(CAVEATS_SQL.format(flag_filter=where, check_filter=where), params + params).df()


def caveats_by_figure(frame: pd.DataFrame) -> dict[tuple[str, str, str], list[str]]:
    """(period, district, measure) -> caveat texts, for looking up beside a figure."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for row in frame.itertuples(index=False):
        out.setdefault((row.period, row.district, row.measure), []).append(row.text)
    return out


def force_caveats(frame: pd.DataFrame, period: str, measure: str) -> list[str]:
    """A force figure sums its districts, so it carries each district's caveats, named."""
    rows = frame[(frame["period"] == period) & (frame["measure"] == measure)]
    return [f"{r.district}: {r.text}" for r in rows.itertuples(index=False)]
