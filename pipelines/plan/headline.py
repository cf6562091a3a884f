"""The headline periods a Board reads a measure by, for one reporting month.

The force, the Commissioner and the press speak of periods, not months: "460 people arrested in the last
12 months; 54 charged, 22 in Rotherham; 155 live investigations". For a reporting month each measure has,
for the force and each district: the month's figure, the latest complete financial quarter's, the
financial year to date, and the rolling 12 months against the 12 before. Each is built by the measure's
kind (flows summed, stocks at the period's end, percentages rebuilt from their parts: ``Panel.window``),
and each says whether every month it needs is there, so that nothing incomplete is printed as whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import Measure
from ..uk_time import MONTHS
from .periods import (
    change,
    financial_year_label,
    financial_year_start,
    month_label,
    quarter_label,
)
from .series import Panel


@dataclass(frozen=True)
class PeriodFigure:
    """One measure for one area over one headline period."""

    label: str                 # "12 months to July 2015"
    value: float | None        # None when no month of it is there
    months_present: int
    months_expected: int

    @property
    def complete(self) -> bool:
        return self.months_present == self.months_expected

    @property
    def missing_note(self) -> str:
        """"" when whole; else what is missing, in words."""
        if self.complete:
            return ""
        if self.months_expected == 1:  # a month: not "0 of 1 months reported"
            return f"{self.label}: not reported"
        return f"{self.label}: {self.months_present} of {self.months_expected} months reported"


@dataclass(frozen=True)
class Headline:
    """A measure's headline figures for one area in one reporting month."""

    measure_id: str
    area: str
    is_force: bool
    month: PeriodFigure
    quarter: PeriodFigure | None      # None when no financial quarter is complete by the month
    fytd: PeriodFigure
    rolling12: PeriodFigure
    rolling12_before: PeriodFigure
    rolling12_change: float | None    # only when both twelve months are whole
    rolling12_change_pct: float | None

    @property
    def incomplete(self) -> list[str]:
        """What is missing from the periods shown (the 12 months before only enter as a change, which is then
        not given)."""
        periods = (self.month, self.quarter, self.fytd, self.rolling12)
        return [p.missing_note for p in periods if p is not None and not p.complete]


def _short_month(number: int) -> str:
    return MONTHS[(number % 12)][:3] + f" {1970 + number // 12}"


def financial_year_words(month: int, months: bool = True) -> str:
    """The financial year up to a month: ``2015/16 to date (April to July)`` (``months``: with its months), and
    once the month is March, the whole year, ``2015/16``: a year complete is not a year to date."""
    fy = financial_year_start(month)
    label = financial_year_label(1970 + fy // 12)
    if month == fy + 11:
        return label
    if not months:
        return f"{label} to date"
    first, last = MONTHS[fy % 12], MONTHS[month % 12]
    return f"{label} to date ({first} to {last})" if month > fy else f"{label} to date ({first})"


def period_labels(month: int, quarter_start: int | None) -> dict[str, str]:
    """The headline periods' names for a reporting month (a month number) and its latest complete quarter."""
    return {
        "month": month_label(month),
        "quarter": quarter_label(quarter_start) if quarter_start is not None else "",
        "fytd": financial_year_words(month),
        "rolling12": f"12 months to {month_label(month)}",
        "rolling12_before": f"12 months to {month_label(month - 12)}",
    }


def headline(panel: Panel, measure: Measure, area: int, month: int, quarter_start: int | None) -> Headline:
    """The headline figures of ``measure`` for the area at row ``area`` of the panel in ``month``."""
    labels = period_labels(month, quarter_start)

    def figure(key: str, first: int, last: int) -> PeriodFigure:
        w = panel.window(measure, area, panel.index_of(first), panel.index_of(last))
        value = None if w.value != w.value else w.value
        return PeriodFigure(labels[key], value, w.months_present, w.months_expected)

    now = figure("rolling12", month - 11, month)
    before = figure("rolling12_before", month - 23, month - 12)
    absolute, pct = (change(now.value, before.value) if now.complete and before.complete else (None, None))
    return Headline(
        measure_id=measure.id, area=panel.areas[area], is_force=area == panel.force_index,
        month=figure("month", month, month),
        quarter=figure("quarter", quarter_start, quarter_start + 2) if quarter_start is not None else None,
        fytd=figure("fytd", financial_year_start(month), month),
        rolling12=now, rolling12_before=before, rolling12_change=absolute, rolling12_change_pct=pct,
    )


def headlines(panel: Panel, measure: Measure, month: int, quarter_start: int | None) -> list[Headline]:
    """The force first, then each district in force.yaml order."""
    areas = [panel.force_index, *range(len(panel.districts))]
    return [headline(panel, measure, a, month, quarter_start) for a in areas]
