"""The release calendar, warehouse side: the months published, approved and expected, with their dates.

`release_calendar(con)` builds the table publishing stores in the snapshot as `release` (the public release
calendar page reads it): one row per month with columns
- month        YYYY-MM
- expected_on  the date it was first published (published), or is planned to be (the others)
- status       published | approved (checked and approved, not yet published) | expected (planned, still to
               come) | late (its planned date has passed and it is not yet approved) | withdrawn (published, then
               withdrawn with its publication, and not yet approved again: to be published again, on no date set) |
               held_disclosure (approved, and held back by the disclosure check at the latest publication that
               checked its approval, as that publication recorded it: on no date set, whatever became of that
               publication since) | held_flag (approved, with a blocking flag open on it: the next publication holds
               it back until the flag is resolved, on no date set); a publication stores an approved month it holds
               back as held_flag or held_disclosure, on no date set (`snapshot._release_table`)
- held_since   held_disclosure: the day (its midnight) the first publication to hold its approval in force back
               was made (or tried), as the publications recorded it; empty for the other statuses

A month's planned publication date is the day its return is due (the latest deadline of the parts of the
return that cover it, from return_calendar.yaml) plus `release.working_days_after_due` working days
(public_info.yaml). The months expected are the latest `release.upcoming_months` up to the current month, from
the first month approved or published on, those not yet published or approved (a month left behind when a later one
was published before it too, late once its date has passed), and the `release.months_ahead` months after the current
month (2 unless set), announced ahead: the public calendar is the one the snapshot holds until the next publication,
so a month that comes due after it is already there, late once its date has passed; an approved month's date is
never before today.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .. import settings
from ..return_calendar import ReturnCalendar, load_calendar
from ..uk_time import uk_day

COLUMNS = ["month", "expected_on", "status", "held_since"]


def _add_working_days(cal: ReturnCalendar, day: dt.date, count: int) -> dt.date:
    while count > 0:
        day += dt.timedelta(days=1)
        if cal.working_day(day):
            count -= 1
    return day


def planned_date(month: dt.date, cal: ReturnCalendar, working_days_after_due: int) -> dt.date | None:
    """When `month` is planned to be published: its return's latest due date plus the working days; None when
    no part of the return covers the month."""
    due = [d for _, _, d in cal.due(month)]
    return _add_working_days(cal, max(due), working_days_after_due) if due else None


def _months_back(month: dt.date, count: int) -> list[dt.date]:
    out = [month]
    while len(out) < count:
        out.append((out[-1] - dt.timedelta(days=1)).replace(day=1))
    return out[::-1]


def release_calendar(con: duckdb.DuckDBPyConnection, today: dt.date | None = None,
                     calendar: ReturnCalendar | None = None, info: dict | None = None) -> pd.DataFrame:
    """The months published, approved and expected (see the module's docstring), oldest first."""
    from .approval import held_by_disclosure, open_blocking_flags
    from .info import load_public_info

    today = today or settings.today()
    cal = calendar or load_calendar()
    release = (info or load_public_info())["release"]
    after_due, upcoming = release["working_days_after_due"], release["upcoming_months"]
    ahead = max(0, release.get("months_ahead", 2))
    rows: dict[dt.date, tuple] = {}
    since: dict[dt.date, dt.date | None] = {}  # held_since
    states = con.execute("""SELECT period, approved_at, published_at FROM period_status
                            WHERE approved_at IS NOT NULL OR published_at IS NOT NULL ORDER BY period""").fetchall()
    held = held_by_disclosure(con)  # not "to be published" on a day anyone can name: checked again at the next
    for period, _approved_at, published_at in states:
        month = period.replace(day=1)
        if published_at is not None:
            rows[month] = (uk_day(published_at), "published")
        elif period in held:
            rows[month], since[month] = (None, "held_disclosure"), uk_day(held[period].since)
        elif open_blocking_flags(con, period):  # a publication holds it back until the flag is resolved
            rows[month] = (None, "held_flag")
        else:
            planned = planned_date(month, cal, after_due)
            rows[month] = (max(planned, today) if planned else today, "approved")
    # months before the first published or approved are not this publication's to come; a month after it that is
    # not yet out is, even when a later month was published before it (out of order): the public sees it is late
    first = min(rows) if rows else None
    # a month withdrawn with its publication is to come again; when, nobody can say until it is approved again
    for (period,) in con.execute("""SELECT period FROM period_status WHERE status = 'withdrawn'
                                    AND approved_at IS NULL AND published_at IS NULL ORDER BY period""").fetchall():
        rows.setdefault(period.replace(day=1), (None, "withdrawn"))
    last = today.replace(day=1)
    for _ in range(ahead):
        last = (last + dt.timedelta(days=31)).replace(day=1)
    for month in _months_back(last, upcoming + ahead):
        if month in rows or (first is not None and month < first):
            continue
        planned = planned_date(month, cal, after_due)
        if planned is None:
            continue
        rows[month] = (planned, "expected" if planned >= today else "late")
    frame = pd.DataFrame([(f"{m:%Y-%m}", d, s, since.get(m)) for m, (d, s) in sorted(rows.items())], columns=COLUMNS)
    frame["expected_on"] = pd.to_datetime(frame["expected_on"]).dt.date
    frame["held_since"] = pd.to_datetime(frame["held_since"])  # typed alike whether or not any month is held back
    return frame
