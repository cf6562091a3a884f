"""UK financial periods, and aggregation of monthly figures to quarters, financial years and rolling years.

Months are handled as integers ("month numbers": months since January 1970, as numpy's
``datetime64[M]`` counts them) so that a whole series can be indexed and windowed without building
a pandas object per month: the plan status runs for every measure, area and month, and that has to
stay fast.

The financial year runs April to March and is labelled ``2015/16``; its quarters are Q1 April-June,
Q2 July-September, Q3 October-December and Q4 January-March (``Q2 2015/16``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pandas where arrays are made: a load's notices need only month numbers
    import numpy as np
    import pandas as pd

FREQUENCIES = ("month", "quarter", "financial_year", "rolling_12")

_FY_RE = re.compile(r"^(?:FY\s*)?(\d{4})\s*/\s*(\d{2}|\d{4})$", re.IGNORECASE)
_QUARTER_RE = re.compile(r"^Q([1-4])\s+(\d{4}\s*/\s*(?:\d{2}|\d{4}))$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_RANGE_RE = re.compile(r"^(.+?)\s*(?:\.\.|\bto\b)\s*(.+)$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------------
# Month numbers
# --------------------------------------------------------------------------------------------------

def month_number(value: object) -> int:
    """The month number (months since January 1970) of a date-like value or a ``YYYY-MM`` text.

    Accepts a pandas Timestamp, a date or datetime, a numpy datetime64, or text such as ``2015-07``
    or ``2015-07-01`` (any day is read as its month). Raises ValueError for anything else, so that a
    caller can turn it into a message naming the file and field it came from.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        match = _MONTH_RE.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f'"{value}" is not a month: the month part should be 01 to 12.')
            return (year - 1970) * 12 + month - 1
        import pandas as pd

        try:
            stamp = pd.Timestamp(text)
        except (ValueError, TypeError):
            raise ValueError(f'"{value}" is not a month; write it as YYYY-MM, e.g. 2015-07.') from None
        return (stamp.year - 1970) * 12 + stamp.month - 1
    if isinstance(value, dt.date):  # a pandas Timestamp too
        return (value.year - 1970) * 12 + value.month - 1
    import numpy as np  # only a numpy value comes this far

    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[M]").astype(np.int64))
    raise ValueError(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2015-07.")


def month_numbers(periods: pd.Series | np.ndarray) -> np.ndarray:
    """Month numbers of a whole column of datetimes, at numpy speed."""
    import numpy as np

    arr = np.asarray(periods, dtype="datetime64[ns]")
    return arr.astype("datetime64[M]").astype(np.int64)


def missing_between(periods: pd.Series | np.ndarray, step: int = 1) -> list[int]:
    """The month numbers of the periods (each `step` months long, as a chart's points are) missing between a
    series' first period and its last: a month the force has not sent, that a chart drawn over the periods present
    would otherwise pass over unseen."""
    present = sorted({int(n) for n in month_numbers(periods)}) if len(periods) else []
    return [n for a, b in zip(present, present[1:], strict=False) for n in range(a + step, b, step)]


def broken_at_gaps(periods: pd.Series, values: pd.Series, step: int = 1) -> tuple[list, list]:
    """x and y of a chart's line over `periods` (each `step` months long), broken where a period is missing: a
    point with no value (NaN) halfway between two periods more than `step` months apart, so that no line is drawn
    across a month with no figure as if the months either side of it were consecutive."""
    import pandas as pd

    xs: list = []
    ys: list = []
    before: tuple[pd.Timestamp, int] | None = None
    for when, value in zip(pd.to_datetime(pd.Series(periods)), values, strict=True):
        number = month_number(when)
        if before is not None and number - before[1] > step:
            xs.append(before[0] + (when - before[0]) / 2)
            ys.append(float("nan"))
        xs.append(when)
        ys.append(value)
        before = (when, number)
    return xs, ys


@functools.lru_cache(maxsize=4096)
def month_start(number: int) -> pd.Timestamp:
    """The first day of a month number, as the Timestamp the figures frame uses."""
    import pandas as pd

    year, month0 = divmod(int(number), 12)
    return pd.Timestamp(year=1970 + year, month=month0 + 1, day=1)


def year_month(number: int) -> tuple[int, int]:
    """(calendar year, month 1-12) of a month number."""
    year, month0 = divmod(int(number), 12)
    return 1970 + year, month0 + 1


def month_key(number: int) -> str:
    """A month number as "YYYY-MM", the inverse of `month_number` on such a text."""
    year, month = year_month(number)
    return f"{year:04d}-{month:02d}"


@functools.lru_cache(maxsize=4096)
def month_label(number: int) -> str:
    """``July 2015``: how a report names a month."""
    year, month = year_month(number)
    return f"{calendar.month_name[month]} {year}"


MISSING_RUNS_NAMED = 3  # past this many runs of months missing, the months loaded say only how many and where


def months_said(numbers) -> str:
    """The months loaded, from first to last, naming any missing between them, so that a range never hides a gap:
    "April 2026 to July 2026", "April 2026 to July 2026, but not June 2026", "April 2025 to July 2026, with 3 months
    missing (May 2025 and May 2026 to June 2026)"; past `MISSING_RUNS_NAMED` runs missing, only how many and where:
    "..., with 9 months missing between May 2025 and March 2026". It reads within a sentence, as a clause."""
    held = sorted(set(numbers))
    first, last = held[0], held[-1]
    span = month_label(first) if first == last else f"{month_label(first)} to {month_label(last)}"
    got = set(held)
    missing = [n for n in range(first, last + 1) if n not in got]
    if not missing:
        return span
    if len(missing) == 1:
        return f"{span}, but not {month_label(missing[0])}"
    runs: list[list[int]] = []
    for n in missing:
        if runs and runs[-1][-1] + 1 == n:
            runs[-1].append(n)
        else:
            runs.append([n])
    if len(runs) > MISSING_RUNS_NAMED:
        return (f"{span}, with {len(missing)} months missing between {month_label(missing[0])} and "
                f"{month_label(missing[-1])}")
    named = [month_label(r[0]) if len(r) == 1 else f"{month_label(r[0])} to {month_label(r[-1])}" for r in runs]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{span}, with {len(missing)} months missing ({listed})"


# --------------------------------------------------------------------------------------------------
# Financial years and quarters
# --------------------------------------------------------------------------------------------------

def financial_year(number: int) -> int:
    """The calendar year in which a month's financial year starts (April 2015 - March 2016 -> 2015)."""
    year, month = year_month(number)
    return year if month >= 4 else year - 1


def financial_year_label(start_year: int) -> str:
    """``2015/16`` for the year starting April 2015."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_start(number: int) -> int:
    """The month number of the April that starts the month's financial year."""
    return (financial_year(number) - 1970) * 12 + 3


def financial_quarter(number: int) -> int:
    """1 for April-June ... 4 for January-March."""
    _, month = year_month(number)
    return (month - 4) % 12 // 3 + 1


def quarter_start(number: int) -> int:
    """The month number of the first month of the month's financial quarter."""
    return number - (year_month(number)[1] - 4) % 3


def quarter_label(number: int) -> str:
    """``Q2 2015/16`` for any month of July-September 2015."""
    return f"Q{financial_quarter(number)} {financial_year_label(financial_year(number))}"


@dataclass(frozen=True)
class PeriodSpan:
    """A stated stretch of months, inclusive at both ends, with the label it was written as."""

    start: int
    end: int
    label: str

    @property
    def months(self) -> int:
        return self.end - self.start + 1

    def contains(self, number: int) -> bool:
        return self.start <= number <= self.end


def _parse_financial_year(text: str) -> int | None:
    match = _FY_RE.match(text.strip())
    if not match:
        return None
    first, second = int(match.group(1)), match.group(2)
    expected = (first + 1) % 100 if len(second) == 2 else first + 1
    if int(second) != expected:
        raise ValueError(f'"{text}" is not a financial year: after {first} comes '
                         f"{financial_year_label(first).split('/')[1]}, e.g. {financial_year_label(first)}.")
    return first


def parse_span(text: object) -> PeriodSpan:
    """Read a period as a plan states it: a financial year, a quarter, a month or a month range.

    ``2014/15`` (April 2014 - March 2015), ``Q2 2015/16``, ``2014-08`` or
    ``2014-04 to 2015-03`` (also written ``2014-04..2015-03``). The error names the forms accepted,
    because the text comes from a hand-edited file.
    """
    raw = str(text).strip()
    try:
        year = _parse_financial_year(raw)
        if year is not None:
            start = (year - 1970) * 12 + 3
            return PeriodSpan(start, start + 11, financial_year_label(year))
        match = _QUARTER_RE.match(raw)
        if match:
            year = _parse_financial_year(match.group(2))
            assert year is not None
            start = (year - 1970) * 12 + 3 + 3 * (int(match.group(1)) - 1)
            return PeriodSpan(start, start + 2, f"Q{match.group(1)} {financial_year_label(year)}")
        match = _RANGE_RE.match(raw)
        if match:
            first, last = parse_span(match.group(1)), parse_span(match.group(2))
            if last.end < first.start:
                raise ValueError(f'"{raw}" ends before it starts.')
            return PeriodSpan(first.start, last.end, f"{month_label(first.start)} to {month_label(last.end)}")
        if _MONTH_RE.match(raw):
            number = month_number(raw)
            return PeriodSpan(number, number, month_label(number))
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    raise ValueError(f'"{raw}" is not a period: write a financial year (2014/15), a quarter (Q2 2015/16), '
                     "a month (2014-08) or a range (2014-04 to 2015-03).")


# --------------------------------------------------------------------------------------------------
# Aggregation of one series over a window of months
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WindowValue:
    """One measure for one area over a window of months: the figure and how complete it is.

    ``complete`` is False when a month the figure needs is missing (a flow's month, a stock's last
    month): the value is then what the months present give, and a caller must say so rather than
    compare it with a complete period as if like for like.
    """

    value: float
    months_present: int
    months_expected: int
    complete: bool


def window_flow(arr: np.ndarray, a: int, b: int) -> WindowValue:
    """Sum of a flow over months a..b (indices into arr, inclusive; may run off either end)."""
    import numpy as np

    expected = b - a + 1
    part = arr[max(a, 0):max(min(b + 1, arr.shape[0]), 0)]
    present = int(np.count_nonzero(~np.isnan(part)))
    value = float(np.nansum(part)) if present else float("nan")
    return WindowValue(value, present, expected, present == expected)


def stock_column(arr: np.ndarray, a: int, b: int) -> int | None:
    """The column a stock's level over months a..b is taken from: b; else, b missing, the latest month present
    before it in the window (the figure then stands for the period, incomplete); None when none is."""
    import numpy as np

    if 0 <= b < arr.shape[0] and not np.isnan(arr[b]):
        return b
    lo = max(a, 0)
    present = np.flatnonzero(~np.isnan(arr[lo:max(min(b + 1, arr.shape[0]), 0)]))
    return lo + int(present[-1]) if present.size else None


def window_stock(arr: np.ndarray, a: int, b: int) -> WindowValue:
    """A stock over months a..b is its level in month b; else the latest month present (incomplete)."""
    import numpy as np

    expected = b - a + 1
    part = arr[max(a, 0):max(min(b + 1, arr.shape[0]), 0)]
    present = int(np.count_nonzero(~np.isnan(part)))
    column = stock_column(arr, a, b)
    if column is None:
        return WindowValue(float("nan"), 0, expected, False)
    return WindowValue(float(arr[column]), present, expected, column == b)


def window_mean(arr: np.ndarray, a: int, b: int) -> WindowValue:
    """The mean monthly value over months a..b (used for baselines and percentages without components)."""
    import numpy as np

    expected = b - a + 1
    part = arr[max(a, 0):max(min(b + 1, arr.shape[0]), 0)]
    present = int(np.count_nonzero(~np.isnan(part)))
    value = float(np.nanmean(part)) if present else float("nan")
    return WindowValue(value, present, expected, present == expected)


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(absolute, per cent) change; per cent is None when the previous figure is zero or missing."""
    import numpy as np

    if current is None or previous is None or np.isnan(current) or np.isnan(previous):
        return None, None
    absolute = current - previous
    pct = 100.0 * absolute / previous if previous != 0 else None
    return absolute, pct


# --------------------------------------------------------------------------------------------------
# Whole-frame aggregation (the public face of this module)
# --------------------------------------------------------------------------------------------------

def period_windows(freq: str, first: int, last: int) -> list[tuple[int, int, str]]:
    """(start, end, label) month-number windows of a frequency overlapping months first..last.

    A quarter or year only partly inside the data is still listed (and will be flagged incomplete),
    so that the current, unfinished quarter shows as such instead of vanishing.
    """
    if freq == "month":
        return [(m, m, month_label(m)) for m in range(first, last + 1)]
    if freq == "quarter":
        out = []
        m = quarter_start(first)
        while m <= last:
            out.append((m, m + 2, quarter_label(m)))
            m += 3
        return out
    if freq == "financial_year":
        out = []
        m = financial_year_start(first)
        while m <= last:
            out.append((m, m + 11, financial_year_label(financial_year(m))))
            m += 12
        return out
    if freq == "rolling_12":
        return [(m - 11, m, f"12 months to {month_label(m)}") for m in range(first, last + 1)]
    raise ValueError(f'"{freq}" is not a frequency; use one of {", ".join(FREQUENCIES)}.')


def aggregate(figures: pd.DataFrame, measure_id: str, freq: str = "quarter", *,
              areas: list[str] | None = None, with_rates: bool = True) -> pd.DataFrame:
    """A measure aggregated to months, quarters, financial years or rolling 12 months, per area.

    Flows are summed, stocks taken at the period's last month, percentages recomputed from their
    numerator and denominator (each aggregated by its own kind). Each row carries how many months
    were present and whether the period is complete; the change on the same period a year before
    is given only when both periods are complete, since a part-year against a full year is not a
    change anyone should report. ``areas`` defaults to the force (first) and every district.

    Columns: area, period, start, end, months_present, months_expected, complete, value,
    last_year, change, change_pct and, for counts when ``with_rates``, rate_per_100k.
    """
    from .series import Panel  # local: series imports this module

    panel = Panel(figures)
    return panel.aggregate(measure_id, freq, areas=areas, with_rates=with_rates)
