"""Small numbers said honestly: which series a measure and area is judged on when its monthly counts are small.

A count whose months are mostly a handful (median at or below the ``small_count_median`` setting)
swings by chance from one month to the next, so its monthly XmR chart flags noise. Such a series is
judged by default on financial quarters (the months added up), which is where the chance swings
shrink enough to read. Quarters, not rolling 12 months: a rolling sum shares eleven months with its
neighbour, so its points are not independent and the chart's run rules would fire on the overlap.
Only flows are added up: a stock's quarter is its level in the quarter's last month, no less noisy
than that month, and a percentage is judged from its own numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import settings
from ..catalogue import Measure
from ..errors import ConfigError, PccDashError
from ..office import possessive
from .periods import month_start, period_windows, quarter_label
from .series import Panel
from .spc import WHOLE_SEGMENT, Baseline, SpcResult, SpcSettings, xmr

SETTING = "small_count_median"


class SettingError(PccDashError):
    """A setting holds a value it cannot take."""


@dataclass(frozen=True)
class ViewChoice:
    """The view a measure and area is shown in first, and the sentence saying why when it is not monthly."""

    view: str  # "month" or "quarter"
    median: float | None  # the median monthly count, None when the measure is not a flow
    threshold: int
    reason: str | None


def threshold() -> int:
    """The median monthly count at or below which a flow is judged by quarter (the setting, default 5)."""
    try:
        return settings.get_int(SETTING)
    except ConfigError as exc:
        raise SettingError(str(exc)) from None


def monthly_median(panel: Panel, measure_id: str, area: int, upto: int | None = None) -> float:
    """The median of an area's reported monthly figures up to month number ``upto`` (NaN when none)."""
    arr = panel.monthly(measure_id)[area]
    if upto is not None:
        arr = arr[:max(panel.index_of(upto) + 1, 0)]
    arr = arr[~np.isnan(arr)]
    return float(np.median(arr)) if arr.size else float("nan")


def view_choice(panel: Panel, measure: Measure, area: str | None, upto: int | None = None,
                limit: int | None = None) -> ViewChoice:
    """Monthly, or quarterly with the reason, for a measure in an area (None: the force) up to a month."""
    limit = threshold() if limit is None else limit
    if measure.kind != "flow":
        return ViewChoice("month", None, limit, None)
    row = panel.area_index(area)
    median = monthly_median(panel, measure.id, row, upto)
    if np.isnan(median) or median > limit:
        return ViewChoice("month", median, limit, None)
    reason = (f"{possessive(panel.areas[row])} monthly {measure.short_name} are mostly {limit} or fewer "
              f"(the median month has {median:g}), so single months say little; this chart adds them up by "
              "quarter. Choose the monthly view to see each month.")
    return ViewChoice("quarter", median, limit, reason)


def quarterly_baseline(baseline: Baseline) -> Baseline:
    """A measure's monthly baseline on the quarterly chart, whose points are quarter ordinals (a quarter's
    first month number over 3): a period keeps the quarters wholly inside it; the first N months become the
    first N/3 quarters (at least two, so that there is a moving range)."""
    if baseline.fix_after is not None:
        return Baseline(fix_after=max(2, round(baseline.fix_after / 3)))
    if baseline.start is not None and baseline.end is not None:
        return Baseline(start=-(-baseline.start // 3), end=(baseline.end - 2) // 3)
    return baseline


def quarterly_frame(panel: Panel, measure: Measure, area: str | None, upto: int | None = None, *,
                    increase_is: str = "neutral", rebase: tuple[int, ...] = (),
                    spc: SpcSettings | None = None, baseline: Baseline = WHOLE_SEGMENT) -> pd.DataFrame:
    """The XmR chart of a flow's complete financial quarters up to month ``upto`` (default: the last month).

    The frame is ``SpcResult.frame``'s, each point dated at its quarter's first month, with ``label``
    (``Q2 2015/16``) and ``end`` (the quarter's last month as a date). A quarter with a month missing is
    left out (a part-quarter against whole ones would read as a fall) and no moving range crosses it. A
    rebase month starts a new segment at the first quarter starting on or after it, and the limits come
    from the measure's declared ``baseline`` (months, read as quarters by ``quarterly_baseline``).
    """
    upto = panel.last if upto is None else upto
    row = panel.area_index(area)
    kept = []
    for a, b, _ in period_windows("quarter", panel.first, upto) if panel.n_months else []:
        w = panel.window(measure, row, panel.index_of(a), panel.index_of(b))
        if b <= upto and w.complete:
            kept.append((a, b, w.value))
    starts = np.array([k[0] for k in kept], dtype=np.int64)
    # Quarter ordinals (a quarter's first month number over 3) run one apart, so the chart reads
    # consecutive quarters as consecutive points and a quarter left out as a gap.
    ordinals = starts // 3
    rebase_ordinals = [-(-int(r) // 3) for r in rebase]
    chart: SpcResult = xmr(np.array([k[2] for k in kept], dtype=float), ordinals, rebase=rebase_ordinals,
                           baseline=quarterly_baseline(baseline), **({"settings": spc} if spc is not None else {}))
    frame = chart.frame(increase_is)
    frame["period"] = [month_start(int(s)) for s in starts]
    frame["end"] = [month_start(int(k[1])) for k in kept]
    frame["label"] = [quarter_label(int(s)) for s in starts]
    return frame


def floor_limits(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """A chart frame whose limits stay where the measure can go: a count's never below zero, a percentage's
    between 0 and 100. Only what is drawn and tabled changes: the rules were judged on the limits as
    computed, and no count can fall below zero to cross a negative limit anyway."""
    out = frame.copy()
    high = 100.0 if measure.kind == "percentage" else None
    for col in ("upper", "lower", "near_upper", "near_lower", "mean"):
        if col in out:
            out[col] = out[col].clip(lower=0.0, upper=high)
    return out
