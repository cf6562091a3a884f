"""Statistical process control: XmR charts as NHS England's "Making Data Count" defines them.

The rules follow the reference implementation, the R package NHSRplotthedots, so that a chart here
and one an analyst draws there agree, except where a choice below says otherwise. Each rule is defined
here and, in the same words, in docs/methodology.md; a change to one is a change to both.

* centre line: the mean; moving range MR(i) = |x(i) - x(i-1)|; process limits mean +/- 2.66 x mean(MR);
  the outer band (the outer third, "near a limit") lies between mean +/- (2/3 x 2.66) x mean(MR) and the
  limit.
* baseline: the mean and mean(MR) come from a segment's baseline points and are held fixed for every
  later point of the segment. A baseline is the first N points of each segment (NHSRplotthedots'
  ``fix_after_n_points``) or a period of months; without one, it is every point of the segment. Until
  the first baseline point has arrived, the limits come from the points so far.
* optional screening: moving ranges at or above 3.267 x mean(MR) are left out and mean(MR) worked
  out again (one pass), so that one wild month does not widen the limits.
* rounding: a figure within a billionth (of the mean's size) of the mean, a limit or the outer band's
  edge is on it. Figures are decimals held in binary: the mean of seven months at 12.1% comes out as
  12.099999999999998, and a month at 12.1% is on that mean, not above it or beyond its limits.
* special cause:
  (a) beyond limits: a point strictly above the upper or strictly below the lower process limit; a
      point exactly on a limit is not beyond it.
  (b) shift: 7 or more points in a row strictly on one side of the mean; a point
      exactly on the mean is on neither side and breaks the run. Every point of the run is flagged.
  (c) trend: 7 or more points in a row, each strictly above (or each strictly below)
      the one before; an equal value breaks the run. Every point of the run is flagged.
  (d) two of three: two or three of three consecutive points beyond two sigma (in the outer band or
      beyond the limit) on one side, with all three points strictly on that side of the mean. The
      points of the three that are beyond two sigma are flagged.
  Where rules overlap a point takes the first of: beyond limits, trend, two of three, shift. The run
  lengths are settings (``shift_length``, ``trend_length``); 7 is Making Data Count's.

Choices this module makes where the reference leaves room, and why:

* Gaps. A month missing from the series is not made up. The chart runs over the points present,
  in order, so runs (shift, trend, two of three) count present points across a gap; but no moving
  range is taken across a gap, because the difference between months two apart is not the
  month-to-month variation the limits are built from.
* Two of three counts points beyond the limit as well as those in the band, as Making Data Count's
  team defines the rule (NHSRplotthedots issue 194); NHSRplotthedots 0.2.2 counts only points inside
  the band. A point beyond the limit takes rule (a) by priority anyway; its partner in the band is
  flagged for rule (d) here and not there.
* Trend direction. A point in a rising trend is "high" and in a falling trend "low", whichever
  side of the mean it sits: a fall that starts above the mean is still a fall (NHSRplotthedots 0.2.2
  agrees; 0.1.0 judged by the side of the mean). The turning point between a rise and a fall that are
  both trends keeps the trend it ends, so a peak is high; NHSRplotthedots gives it the trend it starts.
* Zero moving range (a constant segment): the limits equal the mean, nothing divides by mean(MR),
  and a point equal to the mean is not beyond them. A single-point segment has no moving range and
  no limits (NaN): no rule that needs limits can fire.
* Rebase: a new segment starts at each rebase month, with its own baseline, mean and limits; no
  moving range or run crosses the boundary. Limits built from fewer than ``min_points`` (12) points
  are provisional.
* A period baseline's first point has no moving range in the baseline (the one before it is outside).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pandas where a chart is computed: a load reads baselines from here without them
    import numpy as np
    import pandas as pd

LIMIT = 2.66
NEAR_LIMIT = 2.0 / 3.0 * LIMIT
SCREEN_LIMIT = 3.267
ROUNDING = 1e-9  # relative: a figure this close to the mean or a limit is on it (see "rounding" above)


def _slack(mean, amr):
    """How far a figure may lie from the mean or a limit and still be on it: the rounding of binary arithmetic
    on decimal figures, scaled to the chart (NaN mean(MR), a chart with no limits yet, is left out)."""
    import numpy as np

    return ROUNDING * np.fmax(np.fmax(np.abs(mean), amr), 1.0)


def _above(a, b, slack):
    """a strictly above b, by more than rounding (False where b is NaN)."""
    return (a - b) > slack

# Rules in priority order: a point flagged by more than one takes the first. Codes are 1-based.
RULES = ("beyond_limits", "trend", "two_of_three", "shift")
RULE_BEYOND, RULE_TREND, RULE_TWO_OF_THREE, RULE_SHIFT = 1, 2, 3, 4

VARIATION_TEXT = {
    "common_cause": "common cause",
    "improvement_high": "special cause improving",
    "improvement_low": "special cause improving",
    "concern_high": "special cause concerning",
    "concern_low": "special cause concerning",
    "neutral_high": "special cause neutral",
    "neutral_low": "special cause neutral",
}
# The same statuses as a heading or a table cell says them: one wording on the web pages, the pack and the CLI.
VARIATION_WORDS = {
    "common_cause": "Common cause: no significant change",
    "improvement_high": "Special cause: improving (high)",
    "improvement_low": "Special cause: improving (low)",
    "concern_high": "Special cause: concerning (high)",
    "concern_low": "Special cause: concerning (low)",
    "neutral_high": "Special cause: neither better nor worse (high)",
    "neutral_low": "Special cause: neither better nor worse (low)",
}
ASSURANCE_WORDS = {
    "pass": "Will consistently meet the aspiration",
    "fail": "Will consistently miss the aspiration",
    "hit_and_miss": "May or may not meet the aspiration (hit and miss)",
}
# variation before a chart has limits; assurance while its limits are provisional
TOO_FEW_TO_JUDGE = "Too few months to judge"
ASSURANCE_TEXT = {
    "pass": "consistently meets",
    "fail": "consistently fails",
    "hit_and_miss": "inconsistent (hit and miss)",
}


@dataclass(frozen=True)
class SpcSettings:
    """The run lengths and options of the chart; the defaults are Making Data Count's."""

    shift_length: int = 7
    trend_length: int = 7
    screen_outliers: bool = False
    min_points: int = 12

    def __post_init__(self) -> None:
        for name in ("shift_length", "trend_length", "min_points"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise ValueError(f"{name} should be a whole number of at least 2, not {value!r}.")
        if not isinstance(self.screen_outliers, bool):
            raise ValueError(f"screen_outliers should be true or false, not {self.screen_outliers!r}.")


DEFAULT_SETTINGS = SpcSettings()


@dataclass(frozen=True)
class Baseline:
    """The points a segment's limits are computed from: its first ``fix_after`` points, or the months
    ``start`` to ``end`` (month numbers, inclusive). Neither: every point of the segment."""

    fix_after: int | None = None
    start: int | None = None
    end: int | None = None

    def members(self, m: np.ndarray, new_seg: np.ndarray) -> np.ndarray:
        """True where a point belongs to its segment's baseline (before any fallback to the whole segment)."""
        import numpy as np

        n = m.shape[0]
        if self.fix_after is not None:
            idx = np.arange(n)
            start = np.maximum.accumulate(np.where(new_seg, idx, 0)) if n else idx
            return (idx - start) < self.fix_after
        if self.start is not None and self.end is not None:
            return (m >= self.start) & (m <= self.end)
        return np.ones(n, dtype=bool)


WHOLE_SEGMENT = Baseline()


def _runs(s: np.ndarray, breaks: np.ndarray, length: int) -> np.ndarray:
    """Keep s (-1/0/+1) where it is part of a run of at least ``length`` equal non-zero values.

    ``breaks`` marks points that start a new run whatever their value (segment starts).
    """
    import numpy as np

    n = s.shape[0]
    if n < length:
        return np.zeros(n, dtype=np.int8)
    starts = breaks.copy()
    starts[1:] |= s[1:] != s[:-1]
    starts[0] = True
    run_id = np.cumsum(starts) - 1
    lengths = np.bincount(run_id)
    return np.where((s != 0) & (lengths[run_id] >= length), s, 0).astype(np.int8)


def _two_of_three(flag: np.ndarray, same_side: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Points with ``flag`` set (beyond two sigma on one side) in a window of 3 consecutive points of one
    segment that holds 2 or 3 such points and whose three points all have ``same_side`` (strictly on
    that side of the mean)."""
    import numpy as np

    n = flag.shape[0]
    if n < 3:
        return np.zeros(n, dtype=bool)
    f = flag.astype(np.int8)
    windows = (((f[:-2] + f[1:-1] + f[2:]) >= 2) & (segment[:-2] == segment[2:])
               & same_side[:-2] & same_side[1:-1] & same_side[2:])
    covered = np.zeros(n, dtype=bool)
    covered[:-2] |= windows
    covered[1:-1] |= windows
    covered[2:] |= windows
    return flag & covered


@dataclass(frozen=True, eq=False)
class SpcResult:
    """An XmR chart: one entry per point present, in month order, with its limits and signals.

    Arrays rather than a DataFrame, because the plan status builds thousands of these and only a
    chart needs the frame (``frame()``).
    """

    months: np.ndarray           # month numbers (months since January 1970)
    values: np.ndarray
    segment: np.ndarray          # 0, 1, ...: a new segment at each rebase
    mean: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    near_upper: np.ndarray
    near_lower: np.ndarray
    moving_range: np.ndarray     # NaN at a segment start and after a gap
    mr_excluded: np.ndarray      # screened out of mean(MR)
    mean_moving_range: np.ndarray
    provisional: np.ndarray      # the limits come from fewer than min_points points
    in_baseline: np.ndarray      # the point is one of those its segment's limits come from
    relative_to_mean: np.ndarray  # -1, 0, +1
    beyond: np.ndarray           # side (-1/0/+1) each rule flags the point on
    trend: np.ndarray
    two_of_three: np.ndarray
    shift: np.ndarray
    rule: np.ndarray             # 0 (none) or 1..4, the rule that takes priority
    side: np.ndarray             # -1 low, +1 high, 0 no special cause
    settings: SpcSettings

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def special(self) -> np.ndarray:
        return self.rule > 0

    def rule_name(self, i: int) -> str | None:
        code = int(self.rule[i])
        return RULES[code - 1] if code else None

    def point_type(self, i: int, increase_is: str) -> str:
        """The Making Data Count variation icon key of point i, judged with the measure's direction."""
        return point_type(int(self.rule[i]), int(self.side[i]), increase_is)

    def signal_start(self, i: int) -> int:
        """The first point of the stretch of special-cause points, on the same side, that ends at i."""
        if not self.rule[i]:
            return i
        j = i
        while (j > 0 and self.rule[j - 1] and self.side[j - 1] == self.side[i]
               and self.segment[j - 1] == self.segment[i]):
            j -= 1
        return j

    def _run_start(self, i: int) -> int:
        """The first point the rule that puts point i under it looks at: the start of the run (shift, trend),
        the first of the last three points (two of three), or i itself."""
        import numpy as np

        code = int(self.rule[i])
        j = i
        if code == RULE_SHIFT:
            while (j > 0 and self.segment[j - 1] == self.segment[i]
                   and self.relative_to_mean[j - 1] == self.relative_to_mean[i]):
                j -= 1
        elif code == RULE_TREND:
            sign = int(self.side[i])
            while (j > 0 and self.segment[j - 1] == self.segment[i]
                   and np.sign(self.values[j] - self.values[j - 1]) == sign):
                j -= 1
        elif code == RULE_TWO_OF_THREE:
            j = max(0, i - 2)
        return j

    def run_length(self, i: int) -> int:
        """Points in the run that puts point i under its rule (shift or trend), counted up to i."""
        import numpy as np

        code = int(self.rule[i])
        if code == RULE_TWO_OF_THREE:
            window = self.values[self._run_start(i):i + 1]
            slack = _slack(self.mean[i], self.mean_moving_range[i])
            if self.side[i] > 0:
                return int(np.count_nonzero(_above(window, self.near_upper[i], slack)))
            return int(np.count_nonzero(_above(self.near_lower[i], window, slack)))
        return i - self._run_start(i) + 1

    def run_gaps(self, i: int) -> list[int]:
        """The months with no figure among the points the rule at point i counted (month numbers, in order).

        The rules count points in order, as Making Data Count's tools do, so a run of "8 points" may span a
        missing month: a sentence then must not say "8 months in a row"."""
        code = int(self.rule[i])
        if code not in (RULE_SHIFT, RULE_TREND, RULE_TWO_OF_THREE):
            return []
        counted = [int(m) for m in self.months[self._run_start(i):i + 1]]
        present = set(counted)
        return [m for m in range(counted[0], counted[-1] + 1) if m not in present]

    def frame(self, increase_is: str = "neutral") -> pd.DataFrame:
        """The chart as a DataFrame: one row per month present, ready to plot."""
        import numpy as np
        import pandas as pd

        names = np.array([""] + list(RULES), dtype=object)
        sides = np.array(["low", "", "high"], dtype=object)
        point_types = [point_type(int(r), int(s), increase_is)
                       for r, s in zip(self.rule, self.side, strict=True)]
        return pd.DataFrame({
            "period": pd.to_datetime(self.months.astype("datetime64[M]")).astype("datetime64[ns]"),
            "value": self.values,
            "segment": self.segment,
            "mean": self.mean,
            "upper": self.upper,
            "lower": self.lower,
            "near_upper": self.near_upper,
            "near_lower": self.near_lower,
            "moving_range": self.moving_range,
            "mr_excluded": self.mr_excluded,
            "mean_moving_range": self.mean_moving_range,
            "provisional": self.provisional,
            "baseline": self.in_baseline,
            "special_cause": self.rule > 0,
            "rule": names[self.rule],
            "direction": sides[self.side + 1],
            "point_type": point_types,
            "beyond_limits": self.beyond != 0,
            "trend": self.trend != 0,
            "two_of_three": self.two_of_three != 0,
            "shift": self.shift != 0,
        })


def point_type(rule: int, side: int, increase_is: str) -> str:
    """Variation icon key: common_cause, or improvement_/concern_/neutral_ with high/low."""
    if not rule or not side:
        return "common_cause"
    where = "high" if side > 0 else "low"
    if increase_is == "neutral":
        return f"neutral_{where}"
    good = (side > 0) == (increase_is == "good")
    return f"{'improvement' if good else 'concern'}_{where}"


def assurance(lower: float, upper: float, target: float | None, increase_is: str) -> str | None:
    """Assurance icon key (pass, fail, hit_and_miss) of process limits against a target level.

    An aspiration is met by a value at or beyond the target in the good direction, so limits equal
    to the target (to within rounding) still pass. None when there is no target, no limits or no good
    direction.
    """
    import numpy as np

    if target is None or increase_is == "neutral" or np.isnan(target) or np.isnan(lower) or np.isnan(upper):
        return None
    slack = float(_slack(target, float("nan")))
    if increase_is == "good":
        if not _above(target, lower, slack):
            return "pass"
        if _above(target, upper, slack):
            return "fail"
        return "hit_and_miss"
    if not _above(upper, target, slack):
        return "pass"
    if _above(lower, target, slack):
        return "fail"
    return "hit_and_miss"


def xmr(values: Iterable[float], months: Iterable[object], *, rebase: Iterable[object] = (),
        settings: SpcSettings = DEFAULT_SETTINGS, baseline: Baseline = WHOLE_SEGMENT) -> SpcResult:
    """Build an XmR chart of a monthly series.

    ``values`` and ``months`` run in parallel; a month is a month number or anything
    ``periods.month_number`` reads. A NaN value is a missing month. ``rebase`` lists the months
    from which the limits are recalculated; ``baseline`` says which points of each segment they come
    from (all of them by default).
    """
    import numpy as np

    from .periods import month_number

    y = np.asarray(values, dtype=float)
    m = np.asarray(months)
    if m.dtype.kind == "M":
        m = m.astype("datetime64[M]").astype(np.int64)
    elif m.dtype.kind not in "iu":
        m = np.array([month_number(x) for x in m], dtype=np.int64)
    m = m.astype(np.int64, copy=False)
    if y.shape != m.shape:
        raise ValueError(f"values ({y.shape[0]}) and months ({m.shape[0]}) differ in length.")
    keep = ~np.isnan(y)
    if not keep.all():
        y, m = y[keep], m[keep]
    if m.shape[0] > 1 and not (np.diff(m) > 0).all():
        order = np.argsort(m, kind="stable")
        y, m = y[order], m[order]
        if not (np.diff(m) > 0).all():
            raise ValueError("a month appears twice in the series.")
    rebase_numbers = np.sort(np.fromiter((month_number(r) for r in rebase), dtype=np.int64))
    return _xmr(y, m, rebase_numbers, settings, baseline)


def _segments(m: np.ndarray, rebase: np.ndarray) -> np.ndarray:
    """True where a point starts a segment: the first point, and the first point on or after a rebase."""
    import numpy as np

    n = m.shape[0]
    new_seg = np.zeros(n, dtype=bool)
    if n:
        new_seg[0] = True
        if rebase.shape[0]:
            raw_seg = np.searchsorted(rebase, m, side="right")
            new_seg[1:] = raw_seg[1:] != raw_seg[:-1]
    return new_seg


def _moving_ranges(y: np.ndarray, m: np.ndarray, new_seg: np.ndarray) -> np.ndarray:
    """|x(i) - x(i-1)|, NaN at a segment start and after a gap month (no range across a gap)."""
    import numpy as np

    n = y.shape[0]
    mr = np.full(n, np.nan)
    if n > 1:
        mr[1:] = np.abs(np.diff(y))
        mr[1:][np.diff(m) > 1] = np.nan
    mr[new_seg] = np.nan
    return mr


def _baseline_of(members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(points used, moving ranges usable) of one segment so far, from its baseline membership.

    A segment whose baseline has not begun yet uses every point so far. A moving range counts only
    when both its points are baseline points: the range into a period baseline from the month before
    it is not part of the baseline.
    """
    import numpy as np

    if not members.any():
        members = np.ones(members.shape[0], dtype=bool)
    mr_ok = members.copy()
    mr_ok[1:] &= members[:-1]
    return members, mr_ok


def _segment_stats(y: np.ndarray, mr: np.ndarray, screen: bool) -> tuple[float, float, np.ndarray | None]:
    """(mean, mean moving range, screened-out mask or None) of one segment's points.

    The one place these are computed, so that the full chart and the latest-point reading agree to
    the last bit (a point exactly on the mean must break a run in both).
    """
    import numpy as np

    mean = float(y.mean())
    valid = ~np.isnan(mr)
    count = int(np.count_nonzero(valid))
    amr = float(mr[valid].mean()) if count else float("nan")
    if screen and count and amr > 0:
        drop = valid & (mr >= SCREEN_LIMIT * amr)
        if drop.any():
            return mean, float(mr[valid & ~drop].mean()), drop
    return mean, amr, None


def _xmr(y: np.ndarray, m: np.ndarray, rebase: np.ndarray, settings: SpcSettings,
         baseline: Baseline = WHOLE_SEGMENT) -> SpcResult:
    """The chart of a clean series (no NaN, months strictly increasing)."""
    import numpy as np

    n = y.shape[0]
    new_seg = _segments(m, rebase)
    segment = np.cumsum(new_seg) - 1
    mr = _moving_ranges(y, m, new_seg)
    members = baseline.members(m, new_seg)

    mean = np.empty(n)
    amr = np.empty(n)
    provisional = np.empty(n, dtype=bool)
    in_baseline = np.zeros(n, dtype=bool)
    excluded = np.zeros(n, dtype=bool)
    starts = np.flatnonzero(new_seg)
    ends = np.append(starts[1:], n) if n else starts
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        use, mr_ok = _baseline_of(members[s:e])
        seg_mr = np.where(mr_ok, mr[s:e], np.nan)
        seg_mean, seg_amr, drop = _segment_stats(y[s:e][use], seg_mr[use], settings.screen_outliers)
        mean[s:e] = seg_mean
        amr[s:e] = seg_amr
        in_baseline[s:e] = use
        if drop is not None:
            excluded[np.flatnonzero(use) + s] = drop
        provisional[s:e] = int(np.count_nonzero(use)) < settings.min_points

    upper = mean + LIMIT * amr
    lower = mean - LIMIT * amr
    near_upper = mean + NEAR_LIMIT * amr
    near_lower = mean - NEAR_LIMIT * amr

    slack = _slack(mean, amr)
    rtm = (_above(y, mean, slack).astype(np.int8) - _above(mean, y, slack).astype(np.int8))
    beyond = np.zeros(n, dtype=np.int8)
    beyond[_above(y, upper, slack)] = 1
    beyond[_above(lower, y, slack)] = -1

    shift = _runs(rtm, new_seg, settings.shift_length)

    d = np.zeros(n, dtype=np.int8)
    if n > 1:
        d[1:] = np.sign(np.diff(y))
    d[new_seg] = 0
    d_flag = _runs(d, new_seg, settings.trend_length - 1)
    trend = d_flag.copy()
    if n > 1:
        trend[:-1] = np.where(d_flag[:-1] != 0, d_flag[:-1], d_flag[1:])

    hi = _two_of_three(_above(y, near_upper, slack), rtm > 0, segment)
    lo = _two_of_three(_above(near_lower, y, slack), rtm < 0, segment)
    two = hi.astype(np.int8) - lo.astype(np.int8)

    rule = np.zeros(n, dtype=np.int8)
    side = np.zeros(n, dtype=np.int8)
    for code, flags in ((RULE_SHIFT, shift), (RULE_TWO_OF_THREE, two), (RULE_TREND, trend),
                        (RULE_BEYOND, beyond)):
        hit = flags != 0
        rule[hit] = code
        side[hit] = flags[hit]

    return SpcResult(m, y, segment, mean, upper, lower, near_upper, near_lower, mr, excluded, amr,
                     provisional, in_baseline, rtm, beyond, trend, two, shift, rule, side, settings)


@dataclass(frozen=True)
class LatestPoint:
    """The SPC reading of the last point of a chart: its rule and side, and the segment's limits."""

    rule: int
    side: int
    mean: float
    upper: float
    lower: float
    provisional: bool

    @property
    def rule_name(self) -> str | None:
        return RULES[self.rule - 1] if self.rule else None


class SeriesSpc:
    """One monthly series, ready to be charted as it stood at any month.

    A plan report for month M charts the series up to M. Building the whole chart for every month
    and series is the slow way (thousands of charts for a run of months); the status only needs the
    last point, and its rules look back no further than a run. ``latest(k)`` reads the last point of
    the chart of points 0..k directly; ``chart(k)`` builds that whole chart when a sentence or a
    picture needs it. Both use the same segment statistics, and the tests check they agree.
    """

    def __init__(self, values: np.ndarray, months: np.ndarray, rebase: np.ndarray, settings: SpcSettings,
                 baseline: Baseline = WHOLE_SEGMENT):
        import numpy as np

        self.y = values
        self.m = months
        self.rebase = rebase
        self.settings = settings
        self.baseline = baseline
        n = values.shape[0]
        new_seg = _segments(months, rebase)
        self.mr = _moving_ranges(values, months, new_seg)
        self.whole = baseline == WHOLE_SEGMENT
        self.members = baseline.members(months, new_seg)
        idx = np.arange(n)
        self.seg_start = np.maximum.accumulate(np.where(new_seg, idx, 0)).tolist() if n else []
        d = np.zeros(n, dtype=np.int64)
        if n > 1:
            d[1:] = np.sign(np.diff(values))
        d[new_seg] = 0
        self.d = d.tolist()
        # consecutive equal non-zero diffs ending at each point (the trend run so far)
        drun = [0] * n
        for i in range(1, n):
            if d[i] != 0:
                drun[i] = drun[i - 1] + 1 if d[i] == d[i - 1] else 1
        self.drun = drun
        self.yl = values.tolist()
        self.ml = months.tolist()

    def __len__(self) -> int:
        return len(self.yl)

    def position(self, month: int) -> int:
        """Index of the last point at or before ``month`` (-1 when there is none)."""
        import numpy as np

        return int(np.searchsorted(self.m, month, side="right")) - 1

    def chart(self, k: int) -> SpcResult:
        """The full chart of points 0..k."""
        return _xmr(self.y[:k + 1], self.m[:k + 1], self.rebase, self.settings, self.baseline)

    def latest(self, k: int) -> LatestPoint:
        """The last point of the chart of points 0..k: same answer as ``chart(k)``, far less work."""
        import numpy as np

        st = self.settings
        s = self.seg_start[k]
        if self.whole:
            mean, amr, _ = _segment_stats(self.y[s:k + 1], self.mr[s:k + 1], st.screen_outliers)
            provisional = (k - s + 1) < st.min_points
        else:
            use, mr_ok = _baseline_of(self.members[s:k + 1])
            seg_mr = np.where(mr_ok, self.mr[s:k + 1], np.nan)
            mean, amr, _ = _segment_stats(self.y[s:k + 1][use], seg_mr[use], st.screen_outliers)
            provisional = int(np.count_nonzero(use)) < st.min_points
        upper, lower = mean + LIMIT * amr, mean - LIMIT * amr
        near_upper, near_lower = mean + NEAR_LIMIT * amr, mean - NEAR_LIMIT * amr
        slack = float(_slack(mean, amr))

        def over(a: float, b: float) -> bool:  # a above b by more than rounding (False against NaN)
            return a - b > slack

        y = self.yl
        v = y[k]
        if over(v, upper):
            return LatestPoint(RULE_BEYOND, 1, mean, upper, lower, provisional)
        if over(lower, v):
            return LatestPoint(RULE_BEYOND, -1, mean, upper, lower, provisional)
        if self.drun[k] >= st.trend_length - 1:
            return LatestPoint(RULE_TREND, self.d[k], mean, upper, lower, provisional)
        if k - 2 >= s:
            a, b = y[k - 2], y[k - 1]
            if (over(v, near_upper) and (over(b, near_upper) or over(a, near_upper))
                    and over(a, mean) and over(b, mean)):
                return LatestPoint(RULE_TWO_OF_THREE, 1, mean, upper, lower, provisional)
            if (over(near_lower, v) and (over(near_lower, b) or over(near_lower, a))
                    and over(mean, a) and over(mean, b)):
                return LatestPoint(RULE_TWO_OF_THREE, -1, mean, upper, lower, provisional)
        side = over(v, mean) - over(mean, v)
        if side and k - s + 1 >= st.shift_length:
            j = k - 1
            stop = k - st.shift_length
            while j > stop and (over(y[j], mean) - over(mean, y[j])) == side:
                j -= 1
            if j == stop:
                return LatestPoint(RULE_SHIFT, side, mean, upper, lower, provisional)
        return LatestPoint(0, 0, mean, upper, lower, provisional)


def variation_text(icon: str | None) -> str:
    """The status words for a variation icon key ("special cause improving", ...)."""
    return VARIATION_TEXT.get(icon or "", "no data")


def variation_words(icon: str | None, *, judged: bool = True) -> str:
    """The variation as headings and tables word it; "Too few months to judge" before a chart has limits."""
    if not judged:
        return TOO_FEW_TO_JUDGE
    return VARIATION_WORDS.get(icon or "", "No figure")


def assurance_words(icon: str | None) -> str:
    """The assurance as headings and tables word it; "" when no aspiration is judged."""
    return ASSURANCE_WORDS.get(icon or "", "")


def assurance_text(icon: str | None) -> str | None:
    return ASSURANCE_TEXT.get(icon or "")
