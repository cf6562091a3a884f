"""Which figures a meeting looks at: the latest complete month, and financial quarter, with accepted figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..plan.periods import month_label, month_number, quarter_label, quarter_start


@dataclass(frozen=True)
class ReportingPeriod:
    meeting: dt.date
    month: dt.date | None            # first day of the latest complete month with figures
    quarter_months: tuple[dt.date, ...]  # the three months of the latest complete quarter with figures

    @property
    def month_text(self) -> str:
        return month_label(month_number(self.month)) if self.month else "no month"

    @property
    def quarter_text(self) -> str:
        return quarter_label(month_number(self.quarter_months[0])) if self.quarter_months else ""

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}" if self.month else ""


def _date(number: int) -> dt.date:
    return dt.date(1970 + number // 12, number % 12 + 1, 1)


def reporting_period(meeting: dt.date, months_with_figures: Iterable[object]) -> ReportingPeriod:
    """A month is complete once it has ended before the meeting day; a quarter once its three months are.

    Only months whose figures have been accepted count, so a meeting early in a month whose return
    has not arrived looks at the month before.
    """
    have = {month_number(m) for m in months_with_figures}
    meeting_month = month_number(meeting)
    complete = sorted(m for m in have if m < meeting_month)
    if not complete:
        return ReportingPeriod(meeting, None, ())
    latest = complete[-1]
    quarter: tuple[dt.date, ...] = ()
    q = quarter_start(latest)
    if q + 2 > latest:  # the latest month's own quarter is not complete: take the one before
        q -= 3
    while q >= complete[0]:
        if all(m in have for m in (q, q + 1, q + 2)):
            quarter = tuple(_date(m) for m in (q, q + 1, q + 2))
            break
        q -= 3
    return ReportingPeriod(meeting, _date(latest), quarter)
