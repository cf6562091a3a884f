"""A second, independent XmR chart to check pipelines/plan/spc.py against: written from Making Data Count's
rules as docs/methodology.md states them, in plain loops and exact fractions, sharing no code with the product.

Every figure is taken as the number it stands for (a count, a decimal as reported, a percentage of small
counts as its fraction), and every sum, mean and limit is worked out exactly, so "a point on the mean" and "a
point on a limit" mean what they say: a figure equal to the mean is on it, whatever binary floating point
would make of the sum.

The rules (NHS England, Making Data Count; NHSRplotthedots for the arithmetic):

* limits: mean +/- 2.66 x mean moving range; the outer band starts at mean +/- 2/3 x 2.66 x mean(MR);
* a moving range is |x(i) - x(i-1)| between two points of a segment a month apart, both in its baseline;
* a baseline is the first N points of each segment or a period of months; until one of its points has
  arrived, every point of the segment so far; optionally, moving ranges >= 3.267 x mean(MR) are screened
  out and mean(MR) worked out again (one pass);
* a rebase month starts a new segment: nothing (mean, ranges, runs) crosses it;
* beyond: strictly outside a limit; shift: ``shift_length`` points in a row strictly on one side of the
  mean; trend: ``trend_length`` points in a row each strictly above (below) the one before; two of three:
  two or three of three consecutive points strictly beyond the outer band's edge on one side (in the band
  or past the limit), all three strictly on that side of the mean; the flagged points are those beyond it;
* priority: beyond, trend, two of three, shift. A point in a rising trend is high, in a falling one low;
  a point that ends one trend and starts another keeps the one it ends (the turn belongs to the run that
  reached it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

LIMIT = Fraction(266, 100)
NEAR = Fraction(2, 3) * LIMIT
SCREEN = Fraction(3267, 1000)


def exact(value: float) -> Fraction:
    """The figure the float stands for: a count, a decimal as reported (12.1), or a percentage of small counts
    (100 x 1 / 7) as the fraction it is, found as the simplest fraction the float rounds from."""
    printed = Fraction(repr(float(value)))
    simple = printed.limit_denominator(100_000)
    return simple if abs(simple - printed) <= Fraction(1, 10**12) * max(1, abs(printed)) else printed


@dataclass
class RefPoint:
    month: int
    value: Fraction
    segment: int
    mean: Fraction
    amr: Fraction | None          # None: no moving range in the baseline, so no limits
    in_baseline: bool
    provisional: bool
    rule: str | None = None       # beyond_limits, trend, two_of_three, shift
    side: int = 0

    @property
    def upper(self) -> Fraction | None:
        return None if self.amr is None else self.mean + LIMIT * self.amr

    @property
    def lower(self) -> Fraction | None:
        return None if self.amr is None else self.mean - LIMIT * self.amr

    @property
    def near_upper(self) -> Fraction | None:
        return None if self.amr is None else self.mean + NEAR * self.amr

    @property
    def near_lower(self) -> Fraction | None:
        return None if self.amr is None else self.mean - NEAR * self.amr


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def reference_chart(values, months, *, rebase=(), fix_after: int | None = None,
                    period: tuple[int, int] | None = None, shift_length: int = 7, trend_length: int = 7,
                    screen: bool = False, min_points: int = 12) -> list[RefPoint]:
    """The chart of a monthly series: ``values`` (None or NaN is a missing month) over month numbers."""
    points = sorted((int(m), exact(v)) for m, v in zip(months, values, strict=True)
                    if v is not None and not (isinstance(v, float) and math.isnan(v)))
    rebase = sorted(int(r) for r in rebase)

    def segment_of(month: int) -> int:
        return sum(1 for r in rebase if r <= month)

    groups: list[list[tuple[int, Fraction]]] = []
    last = None
    for month, value in points:
        seg = segment_of(month)
        if seg != last:
            groups.append([])
            last = seg
        groups[-1].append((month, value))

    out: list[RefPoint] = []
    for seg_no, seg in enumerate(groups):
        n = len(seg)
        if fix_after is not None:
            member = [i < fix_after for i in range(n)]
        elif period is not None:
            member = [period[0] <= month <= period[1] for month, _ in seg]
        else:
            member = [True] * n
        if not any(member):
            member = [True] * n
        base = [value for (_, value), b in zip(seg, member, strict=True) if b]
        mean = sum(base, Fraction(0)) / len(base)
        ranges = [abs(seg[i][1] - seg[i - 1][1]) for i in range(1, n)
                  if member[i] and member[i - 1] and seg[i][0] - seg[i - 1][0] == 1]
        amr = sum(ranges, Fraction(0)) / len(ranges) if ranges else None
        if screen and amr:
            kept = [r for r in ranges if r < SCREEN * amr]
            if len(kept) < len(ranges):
                amr = sum(kept, Fraction(0)) / len(kept)
        pts = [RefPoint(month, value, seg_no, mean, amr, b, len(base) < min_points)
               for (month, value), b in zip(seg, member, strict=True)]
        _judge(pts, shift_length, trend_length)
        out.extend(pts)
    return out


def _judge(pts: list[RefPoint], shift_length: int, trend_length: int) -> None:
    """Set each point's rule and side, one segment at a time."""
    n = len(pts)
    beyond = [0] * n
    trend = [0] * n
    two = [0] * n
    shift = [0] * n
    sides = [_sign(p.value - p.mean) for p in pts]

    for i, p in enumerate(pts):
        if p.amr is not None:
            if p.value > p.upper:
                beyond[i] = 1
            elif p.value < p.lower:
                beyond[i] = -1

    # shift: maximal runs of one side
    i = 0
    while i < n:
        j = i
        while j + 1 < n and sides[j + 1] == sides[i]:
            j += 1
        if sides[i] != 0 and j - i + 1 >= shift_length:
            for k in range(i, j + 1):
                shift[k] = sides[i]
        i = j + 1

    # trend: maximal runs of steps in one direction; a run of s steps covers s + 1 points
    steps = [0] + [_sign(pts[k].value - pts[k - 1].value) for k in range(1, n)]
    k = 1
    while k < n:
        j = k
        while j + 1 < n and steps[j + 1] == steps[k]:
            j += 1
        if steps[k] != 0 and (j - k + 1) + 1 >= trend_length:
            for q in range(k - 1, j + 1):
                if trend[q] == 0:  # a turning point keeps the run it ends
                    trend[q] = steps[k]
        k = j + 1

    # two of three
    for a in range(n - 2):
        window = range(a, a + 3)
        if any(pts[q].amr is None for q in window):
            continue
        for side in (1, -1):
            if not all(sides[q] == side for q in window):
                continue
            out = [q for q in window
                   if (pts[q].value > pts[q].near_upper if side > 0 else pts[q].value < pts[q].near_lower)]
            if len(out) >= 2:
                for q in out:
                    two[q] = side

    for i, p in enumerate(pts):
        for name, flags in (("beyond_limits", beyond), ("trend", trend), ("two_of_three", two), ("shift", shift)):
            if flags[i]:
                p.rule, p.side = name, flags[i]
                break


def latest(values, months, **kwargs) -> RefPoint | None:
    """The reading of the last point of the chart of the series so far."""
    chart = reference_chart(values, months, **kwargs)
    return chart[-1] if chart else None


def point_type(rule: str | None, side: int, increase_is: str) -> str:
    """Making Data Count's variation icon: common cause, or improvement / concern / neutral, high or low."""
    if rule is None:
        return "common_cause"
    where = "high" if side > 0 else "low"
    if increase_is == "neutral":
        return f"neutral_{where}"
    good = (side > 0) == (increase_is == "good")
    return f"{'improvement' if good else 'concern'}_{where}"


def assurance(lower: Fraction | None, upper: Fraction | None, target: Fraction | None, increase_is: str) -> str | None:
    """Where the process limits sit against the aspiration: pass (every likely month meets it), fail (none
    does), hit and miss. A month at the aspiration meets it."""
    if target is None or lower is None or upper is None or increase_is == "neutral":
        return None
    if increase_is == "good":
        return "pass" if lower >= target else "fail" if upper < target else "hit_and_miss"
    return "pass" if upper <= target else "fail" if lower > target else "hit_and_miss"
