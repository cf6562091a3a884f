"""Funnel plots: each district against the force's overall rate, with the spread that chance alone would give.

A funnel plot (Spiegelhalter, "Funnel plots for comparing institutional performance", 2005) draws
each district's rate against its size, around the rate of all the districts together, between
control limits that narrow as the size grows. A district inside the limits differs from the
force by no more than chance would make it; outside the 99.8% limits, chance alone is unlikely.
It compares without ranking: districts are listed in the force's order, never by their rate.

Counts (flows, stocks) are rates per 100,000 residents with exact Poisson limits around the expected
count E = overall rate x population; a percentage is its numerator over its denominator with exact
binomial limits around the overall proportion. Each limit is the distribution's quantile at 0.025 and
0.975 (95%) or 0.001 and 0.999 (99.8%), interpolated between whole counts as Spiegelhalter's
appendix does, so the funnel is smooth and a whole count lies outside it exactly when the
distribution puts less than that tail's probability on a count so far out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import Measure, listed
from ..chart_text import set_title
from ..errors import PccDashError
from ..office import in_sentence
from .config import Population
from .narrative import format_number
from .periods import (
    financial_year,
    financial_year_label,
    financial_year_start,
    month_label,
    month_number,
    quarter_label,
    quarter_start,
)
from .series import Panel

LEVELS = (0.95, 0.998)
PERIODS = {"month": "The month", "quarter": "The latest financial quarter", "financial_year":
           "The financial year to date", "rolling_12": "The 12 months to the month"}
WITHIN = "within the range expected by chance"


class FunnelError(PccDashError):
    """A funnel plot cannot be drawn for the measure and period asked."""


def _interpolated_quantile(cdf, p: float, guess: float) -> float:
    """Spiegelhalter's continuous quantile of a count: r - a, where r is the smallest count whose
    cumulative probability reaches p and a = (F(r) - p) / (F(r) - F(r - 1)).

    A discrete quantile alone moves the limits in steps as the size grows; the interpolation smooths
    them into a funnel while deciding each whole count exactly as the distribution does.
    """
    r = max(int(np.floor(guess)), 0)
    while cdf(r) < p:
        r += 1
    while r > 0 and cdf(r - 1) >= p:
        r -= 1
    below = cdf(r - 1) if r > 0 else 0.0
    return r - (cdf(r) - p) / (cdf(r) - below)


def poisson_limits(expected: float, level: float) -> tuple[float, float]:
    """Exact Poisson control limits on a count whose expected value is ``expected``, at ``level`` (0.95).

    The cumulative probability comes from the gamma relation P(X <= k) = Q(k + 1, E), the regularised
    upper incomplete gamma function (a chi-square tail with 2k + 2 degrees of freedom).
    """
    from scipy.special import gammaincc, ndtri  # scipy.special alone: scipy.stats costs a second to import

    tail = (1.0 - level) / 2.0
    if expected <= 0:
        return 0.0, 0.0

    def cdf(k: int) -> float:
        return float(gammaincc(k + 1, expected))

    # the search starts at the normal approximation, a step or two from the answer, which it then finds exactly
    spread = float(ndtri(1.0 - tail)) * np.sqrt(expected)
    lower = _interpolated_quantile(cdf, tail, expected - spread)
    upper = _interpolated_quantile(cdf, 1.0 - tail, expected + spread)
    return max(lower, 0.0), upper


def binomial_limits(proportion: float, n: int, level: float) -> tuple[float, float]:
    """Exact binomial control limits on a proportion ``proportion`` of ``n`` cases, at ``level``, as proportions.

    The cumulative probability comes from the beta relation P(X <= k) = I(1 - p; n - k, k + 1).
    """
    from scipy.special import betainc, ndtri

    tail = (1.0 - level) / 2.0
    n = int(round(n))
    if n <= 0:
        return 0.0, 1.0

    def cdf(k: int) -> float:
        return 1.0 if k >= n else float(betainc(n - k, k + 1, 1.0 - proportion))

    mean = n * proportion
    spread = float(ndtri(1.0 - tail)) * np.sqrt(max(n * proportion * (1.0 - proportion), 1.0))
    lower = _interpolated_quantile(cdf, tail, mean - spread)
    upper = _interpolated_quantile(cdf, 1.0 - tail, mean + spread)
    return max(lower, 0.0) / n, min(upper, n) / n


def period_span(period: str, month: int) -> tuple[int, int, str]:
    """(first month, last month, label) of a funnel period ending at or before the reporting month."""
    if period == "month":
        return month, month, month_label(month)
    if period == "quarter":
        start = quarter_start(month)
        if month != start + 2:  # the quarter is not over: the one before is the latest whole quarter
            start -= 3
        return start, start + 2, quarter_label(start)
    if period == "financial_year":
        start = financial_year_start(month)
        label = financial_year_label(financial_year(month))
        if month == start + 11:
            return start, month, label
        return start, month, f"{label} to date ({month_label(start)} to {month_label(month)})"
    if period == "rolling_12":
        return month - 11, month, f"the 12 months to {month_label(month)}"
    raise FunnelError(f'"{period}" is not a funnel period; use one of {", ".join(PERIODS)}.')


@dataclass(frozen=True)
class FunnelPoint:
    """One district (or force) on the funnel: its figure, its size, its limits and what they say."""

    district: str  # the district's name, or the force's
    count: float  # the count, or the percentage's numerator
    size: float  # residents, or the percentage's denominator
    value: float  # per 100,000 residents, or per cent
    limits: dict  # level -> (lower, upper), in the units of value
    outside: str  # "", "above_95", "above_998", "below_95", "below_998"
    sentence: str


@dataclass(frozen=True)
class Funnel:
    """A funnel plot of the districts (or of forces: force_funnel) for one measure and period."""

    measure: Measure
    period_label: str
    method: str  # "poisson" or "binomial"
    centre: float  # the districts' overall rate (per 100,000) or percentage
    value_unit: str
    size_unit: str
    points: tuple[FunnelPoint, ...]
    left_out: tuple[str, ...]  # districts without a complete figure for the period
    curve: pd.DataFrame  # size, and lower_95, upper_95, lower_998, upper_998 in the units of value
    summary: str
    centre_label: str = "All districts"  # the centre line's label on the chart
    points_label: str = "Districts"  # the points' legend entry
    highlight: str | None = None  # a point drawn apart (the force among the forces it is compared with)


def verdict(value: float, limits: dict) -> tuple[str, str]:
    """Where a value lies against its limits: (code, words), "" and within the range expected by chance inside."""
    lo95, hi95 = limits[0.95]
    lo998, hi998 = limits[0.998]
    if value > hi998:
        return "above_998", "above the 99.8% limit: unlikely to be chance alone"
    if value < lo998:
        return "below_998", "below the 99.8% limit: unlikely to be chance alone"
    if value > hi95:
        return "above_95", "above the 95% limit but within the 99.8% limit: possibly more than chance, worth watching"
    if value < lo95:
        return "below_95", "below the 95% limit but within the 99.8% limit: possibly more than chance, worth watching"
    return "", WITHIN


def limits_at(method: str, centre: float, size: float) -> dict:
    """Limits in the units of value for a district of ``size`` (residents or denominator)."""
    out = {}
    for level in LEVELS:
        if method == "poisson":
            lo, hi = poisson_limits(centre * size / 100_000.0, level)
            out[level] = (100_000.0 * lo / size, 100_000.0 * hi / size)
        else:
            lo, hi = binomial_limits(centre / 100.0, int(round(size)), level)
            out[level] = (100.0 * lo, 100.0 * hi)
    return out


def funnel(panel: Panel, measure: Measure, period: str, month: int, population: Population) -> Funnel:
    """The districts' funnel plot for a measure over a period ending at or before ``month`` (a month number).

    A district without a complete figure for the period is left out and named in ``left_out`` (a
    part-period beside whole ones would read as a low rate). Raises FunnelError when fewer than two
    districts have one, or when the period holds nothing to compare.
    """
    first, last, label = period_span(period, month)
    a, b = panel.index_of(first), panel.index_of(last)
    method = "binomial" if measure.kind == "percentage" else "poisson"
    rows, left_out = [], []
    for i, district in enumerate(panel.districts):
        if method == "binomial":
            num = panel.window(panel.catalogue.get(measure.numerator), i, a, b)
            den = panel.window(panel.catalogue.get(measure.denominator), i, a, b)
            ok = num.complete and den.complete and den.value > 0
            count, size = num.value, den.value
        else:
            w = panel.window(measure, i, a, b)
            ok = w.complete
            count, size = w.value, float(population.of(district))
        if ok:
            rows.append((district, float(count), float(size)))
        else:
            left_out.append(district)
    if len(rows) < 2:
        raise FunnelError(f"Fewer than two districts have a complete figure of {in_sentence(measure.name)} for "
                          f"{label}, so there is nothing to compare; choose another period.")
    if sum(r[1] for r in rows) == 0:
        raise FunnelError(f"No district recorded any {measure.short_name} in {label}, so there is no rate to "
                          "compare; choose another period.")
    centre, points, curve = judge(rows, method)
    if method == "binomial":
        value_unit, size_unit = "per cent", panel.catalogue.get(measure.denominator).short_name
    else:
        value_unit, size_unit = "per 100,000 residents", "residents"

    centre_text = f"{centre:.1f}%" if method == "binomial" else f"{centre:.1f} per 100,000 residents"
    outside_any = [p for p in points if p.outside]
    summary = (f"{measure.short_name}, {label}: the districts together stand at {centre_text}. The funnel shows how "
               "far a district of each size would stray from that by chance alone; "
               + ("every district lies within the range expected by chance." if not outside_any else
                  f"districts outside the 95% limits: {len(outside_any)} of {len(points)}.")
               + " Districts are listed in the force's order, not ranked.")
    return Funnel(measure, label, method, centre, value_unit, size_unit, points, tuple(left_out), curve, summary)


def judge(rows: list[tuple[str, float, float]], method: str) -> tuple[float, tuple[FunnelPoint, ...], pd.DataFrame]:
    """Areas given as (name, count, size) judged against all of them together: the centre (per 100,000 residents,
    or per cent), each area's point with its sentence, in the order given, and the limits over a range of sizes.
    The total count must not be zero."""
    total_count = sum(r[1] for r in rows)
    total_size = sum(r[2] for r in rows)
    centre = (100.0 if method == "binomial" else 100_000.0) * total_count / total_size
    points = []
    for name, count, size in rows:
        value = (100.0 if method == "binomial" else 100_000.0) * count / size
        limits = limits_at(method, centre, size)
        outside, words = verdict(value, limits)
        if method == "binomial":
            figure = f"{value:.1f}% ({format_number(count)} of {format_number(size)})"
        else:
            figure = (f"{value:.1f} per 100,000 residents ({format_number(count)} in a population of "
                      f"{format_number(size)})")
        points.append(FunnelPoint(name, count, size, value, limits, outside, f"{name}: {figure}, {words}."))

    sizes = np.array([r[2] for r in rows])
    grid = np.linspace(max(sizes.min() * 0.5, 1.0), sizes.max() * 1.3, 80)
    curve = {"size": grid}
    for level in LEVELS:
        key = "998" if level == 0.998 else "95"
        pairs = [limits_at(method, centre, s)[level] for s in grid]
        curve[f"lower_{key}"] = [p[0] for p in pairs]
        curve[f"upper_{key}"] = [p[1] for p in pairs]
    return centre, tuple(points), pd.DataFrame(curve)


# What a label takes on a desktop chart, in pixels: the plot area, a letter, a line of text and a marker's half-width.
_PLOT_W, _PLOT_H, _LETTER, _LINE, _MARK = 750.0, 210.0, 7.0, 14.0, 7.0
_POSITIONS = ("top center", "bottom center", "middle right", "middle left")


def label_positions(sizes: list[float], values: list[float], names: list[str] | None = None,
                    x_range: tuple[float, float] | None = None,
                    y_range: tuple[float, float] | None = None) -> list[str]:
    """Where each point's name goes: above it when it stands higher than the point nearest it in size, below it when
    lower, so that two points of about the same size (close together on a narrow chart) have their names apart, each
    on its own outer side; and then, where that name would lie over a name already placed or over another point (seven
    districts of which three are about the same size: "Dudley" over "Coventry"), on the other side, or to the right
    or left of its point, whichever lies over least. Sizes are judged on a desktop chart of ``x_range`` by
    ``y_range`` (the points' own, with room either side, by default)."""
    if not sizes:
        return []
    spread = (max(sizes) - min(sizes)) or max(sizes) or 1.0
    x0, x1 = x_range or (min(sizes) - spread / 5, max(sizes) + spread / 5)  # as the chart leaves room either side
    y0, y1 = y_range or (min(0.0, *values), max(values))
    px = _PLOT_W / ((x1 - x0) or 1.0)
    py = _PLOT_H / ((y1 - y0) or 1.0)
    at = [((s - x0) * px, (v - y0) * py) for s, v in zip(sizes, values, strict=True)]
    widths = [_LETTER * len(n) for n in names] if names else [60.0] * len(sizes)

    def box(i: int, where: str) -> tuple[float, float, float, float]:
        x, y, w = at[i][0], at[i][1], widths[i]
        if where == "top center":
            return x - w / 2, y + _MARK, x + w / 2, y + _MARK + _LINE
        if where == "bottom center":
            return x - w / 2, y - _MARK - _LINE, x + w / 2, y - _MARK
        if where == "middle right":
            return x + _MARK, y - _LINE / 2, x + _MARK + w, y + _LINE / 2
        return x - _MARK - w, y - _LINE / 2, x - _MARK, y + _LINE / 2

    def overlap(a: tuple, b: tuple) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    placed: list[tuple] = []
    positions = []
    for i, (size, value) in enumerate(zip(sizes, values, strict=True)):
        others = [j for j in range(len(sizes)) if j != i]
        nearest = min(others, key=lambda j: abs(sizes[j] - size), default=None)
        first = "bottom center" if nearest is not None and value < values[nearest] else "top center"
        marks = [(at[j][0] - _MARK, at[j][1] - _MARK, at[j][0] + _MARK, at[j][1] + _MARK) for j in others]
        choices = [first, *(p for p in _POSITIONS if p != first)]

        def cost(where: str, i: int = i, marks: list = marks) -> float:
            b = box(i, where)
            outside = max(0.0, -b[0]) + max(0.0, b[2] - _PLOT_W)  # cut at the chart's side (its height has room)
            return sum(overlap(b, o) for o in (*placed, *marks)) + outside * _LINE

        chosen = next((c for c in choices if cost(c) == 0), None) or min(choices, key=cost)
        placed.append(box(i, chosen))
        positions.append(chosen)
    return positions


def funnel_figure(f: Funnel):
    """The funnel as a plotly figure: the districts as labelled points, the centre line and both pairs of limits."""
    import plotly.graph_objects as go

    grey, blue = "#425563", "#003087"
    fig = go.Figure()
    for key, name, dash in (("998", "99.8% limits", "solid"), ("95", "95% limits", "dash")):
        for side in ("upper", "lower"):
            fig.add_trace(go.Scatter(x=f.curve["size"], y=f.curve[f"{side}_{key}"], mode="lines", name=name,
                                     legendgroup=key, showlegend=side == "upper",
                                     line={"color": grey, "width": 1.5, "dash": dash}))
    # The centre line is named in the legend: a label written on the chart lay over the districts' own labels on a
    # phone's narrow chart ("All districts" across "Barnsley").
    fig.add_trace(go.Scatter(x=[f.curve["size"].min(), f.curve["size"].max()], y=[f.centre, f.centre], mode="lines",
                             name=f.centre_label, line={"color": grey, "width": 1, "dash": "dot"}, hoverinfo="name"))
    others = [p for p in f.points if p.district != f.highlight]
    fig.add_trace(go.Scatter(x=[p.size for p in others], y=[p.value for p in others], name=f.points_label,
                             mode="markers+text", text=[p.district for p in others],
                             textposition=label_positions(
                                 [p.size for p in others], [p.value for p in others], [p.district for p in others],
                                 (float(f.curve["size"].min()), float(f.curve["size"].max())),
                                 (0.0, max(float(f.curve["upper_998"].max()), *(p.value for p in f.points)))),
                             marker={"size": 11, "color": blue, "line": {"color": grey, "width": 1}}))
    for p in f.points:
        if p.district == f.highlight:
            fig.add_trace(go.Scatter(x=[p.size], y=[p.value], name=p.district, mode="markers+text", text=[p.district],
                                     textposition="bottom center",
                                     marker={"size": 14, "symbol": "diamond", "color": "#DA291C",
                                             "line": {"color": grey, "width": 1}}))
    fig.update_layout(height=420, plot_bgcolor="white",
                      xaxis_title=f.size_unit.capitalize(), yaxis_title=f.value_unit.capitalize(),
                      margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.18, "yanchor": "top"})
    fig.update_yaxes(rangemode="tozero", gridcolor="#E5E5E5")
    fig.update_xaxes(gridcolor="#E5E5E5")
    # the area is the districts (or forces) side by side: named, as every chart's title names its area and period
    return set_title(fig, f"{f.measure.name}, {f.points_label.lower()} compared, {f.period_label}")


GROUP, ENGLAND_AND_WALES = "group", "england_and_wales"
COMPARISONS = {GROUP: "Its most similar group", ENGLAND_AND_WALES: "The forces of England and Wales loaded"}
OUTSIDE_ENGLAND_AND_WALES = ("btp", "northern-ireland")  # police.uk force ids that are not territorial forces of E&W
FORCES_OF_ENGLAND_AND_WALES = 43


def _to_compare(lacking: dict[str, str], force_name: str, label: str) -> str:
    """What to do so that other forces can be compared with the force: each thing the others left out lack, and no
    other (a population when only files are missing, a file when only populations are)."""
    others = {name: missing for name, missing in lacking.items() if name != force_name}
    files = [name for name, missing in others.items() if missing == "file"]
    people = [name for name, missing in others.items() if missing == "population"]
    said = []
    if files or not others:  # no other force loaded at all: their files are what is missing
        said.append(f"load the other forces' police.uk files of {label} from data.police.uk with \"pccdash ingest\"")
    if people:
        said.append(f"give the population of {listed(people)} in force_population.csv")
    if not said:  # the others recorded no crimes that month: no share to compare
        return f"{listed(list(others))} recorded no crimes in {label}; choose another month."
    return "To compare, " + " and ".join(said) + "."


def force_funnel(totals: dict[str, dict[str, float]], measure: Measure, month: str, comparison: str) -> Funnel:
    """The configured force (police_uk.yaml `force`) against its most similar group, or against every force of
    England and Wales loaded, on one police.uk context measure for `month` ("YYYY-MM").

    `totals` is `pipelines.policeuk.force_totals(con, month)`. Counts are rates per 100,000 residents of the
    force area (force_population.csv) with Poisson limits; the charge share is charged over crimes with
    binomial limits. The force comes first, then the others in the group's order or police_uk.yaml's, never by
    their rate. A force of the group not loaded, or without a population, is named in ``left_out``. Raises
    FunnelError, saying what to load, when the force or every other force lacks a figure.
    """
    from ..catalogue import catalogue
    from ..policeuk import force_populations, reference

    if comparison not in COMPARISONS:
        raise FunnelError(f'"{comparison}" is not a comparison of forces; use one of {", ".join(COMPARISONS)}.')
    ref, populations, cat = reference(), force_populations(), catalogue()
    label = month_label(month_number(month))
    names: dict[str, str] = {}
    for name, force_id in ref.forces.items():
        names.setdefault(force_id, name)  # the name police_uk.yaml gives first; aliases after it
    loaded = {ref.forces[name]: figures for name, figures in totals.items() if name in ref.forces}
    own = ref.forces[ref.force]
    if comparison == GROUP:
        others = [ref.forces[name] for name in ref.most_similar_group]
        whole = "its most similar group"
    else:
        others = [i for i in dict.fromkeys(ref.forces.values())
                  if i in loaded and i != own and i not in OUTSIDE_ENGLAND_AND_WALES]
        whole = "the forces of England and Wales loaded"
    method = "binomial" if measure.kind == "percentage" else "poisson"
    parts = (measure.numerator, measure.denominator) if method == "binomial" else (measure.id, None)
    rows, left_out = [], []
    lacking: dict[str, str] = {}  # what each force left out lacks: "file", "crimes" or "population"
    for force_id in [own, *others]:
        figures, name = loaded.get(force_id), names[force_id]
        if figures is None or any(p is not None and p not in figures for p in parts):
            left_out.append(f"{name} (no police.uk file of {label} loaded with this measure)")
            lacking[name] = "file"
        elif method == "binomial":
            if figures[parts[1]] > 0:
                rows.append((name, figures[parts[0]], figures[parts[1]]))
            else:
                left_out.append(f"{name} (no crimes recorded in {label}, so no share)")
                lacking[name] = "crimes"
        elif populations.of(name) is None:
            left_out.append(f"{name} (no population in force_population.csv)")
            lacking[name] = "population"
        else:
            rows.append((name, figures[parts[0]], float(populations.of(name))))
    force_name = names[own]
    if not rows or rows[0][0] != force_name:
        missing = lacking.get(force_name, "file")
        if missing == "population":
            raise FunnelError(f"{force_name} has no population in force_population.csv, so no {measure.short_name} "
                              f"rate for {label} to compare: give its population there.")
        if missing == "crimes":
            raise FunnelError(f"{force_name} recorded no crimes in {label}, so it has no {measure.short_name} to "
                              "compare; choose another month.")
        raise FunnelError(f"{force_name} has no {measure.short_name} figure for {label} to compare: load its police.uk "
                          f'file of the month from data.police.uk with "pccdash ingest".')
    if len(rows) < 2:
        raise FunnelError(f"Too few forces to compare {measure.short_name} for {label}: of {whole}, only {force_name} "
                          f"has a figure. {_to_compare(lacking, force_name, label)}")
    if sum(r[1] for r in rows) == 0:
        raise FunnelError(f"No force compared recorded any {measure.short_name} in {label}, so there is no rate to "
                          "compare; choose another month.")
    centre, points, curve = judge(rows, method)
    if method == "binomial":
        value_unit, size_unit = "per cent", cat.get(measure.denominator).short_name
        centre_text = f"{centre:.1f}%"
    else:
        value_unit, size_unit = "per 100,000 residents", "residents"
        centre_text = f"{centre:.1f} per 100,000 residents"
    group = f"{len(points)} forces" if comparison == GROUP else (
        f"{len(points)} of the {FORCES_OF_ENGLAND_AND_WALES} forces of England and Wales (those loaded)")
    summary = (f"{measure.short_name}, {label}: the {group} together stand at {centre_text}. The funnel shows how far "
               "a force of each size would stray from that by chance alone. Forces are listed with "
               f"{force_name} first, then {'as in the group' if comparison == GROUP else 'by name'}, not ranked.")
    return Funnel(measure, label, method, centre, value_unit, size_unit, points, tuple(left_out), curve, summary,
                  centre_label="All forces compared", points_label="Forces", highlight=force_name)
