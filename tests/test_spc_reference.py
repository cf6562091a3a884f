"""The product's XmR charts agree, point by point, with a second chart written apart from them.

tests/spc_reference.py builds the chart again from Making Data Count's rules in plain loops and exact
fractions (no code shared with pipelines/plan/spc.py). Here both are run over every series of the sample
warehouse, over hand-made edge cases (too few points, a baseline then new points, rebases, points on the
mean and on a limit, equal points in a trend, zeros, a constant series, percentages, missing months, a
measure where lower is better) and over random series; and the plan status's words (the variation, the
sentence, the assurance) are checked against the reference's verdict.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from spc_reference import LIMIT, exact, point_type, reference_chart
from spc_reference import assurance as reference_assurance

from pipelines import warehouse
from pipelines.figures import plan_figures
from pipelines.plan import PlanAnalytics
from pipelines.plan.history import load_spc_history
from pipelines.plan.periods import month_number
from pipelines.plan.spc import RULES, Baseline, SeriesSpc, SpcSettings, xmr


def _close(got: float, want) -> bool:
    if want is None:
        return got != got  # NaN: no limits
    return math.isclose(got, float(want), rel_tol=1e-9, abs_tol=1e-9)


def compare(values, months=None, *, rebase=(), fix_after=None, period=None, shift_length=7, trend_length=7,
            screen=False, every_month=True) -> list[str]:
    """The disagreements between the product's chart (and its reading of the latest month, month by month) and
    the reference's, in words; [] when they agree."""
    months = list(range(600, 600 + len(values))) if months is None else list(months)
    baseline = (Baseline(fix_after=fix_after) if fix_after else
                Baseline(start=period[0], end=period[1]) if period else Baseline())
    settings = SpcSettings(shift_length=shift_length, trend_length=trend_length, screen_outliers=screen)
    kw = dict(rebase=rebase, fix_after=fix_after, period=period, shift_length=shift_length,
              trend_length=trend_length, screen=screen)
    out = []
    got = xmr(values, months, rebase=rebase, settings=settings, baseline=baseline)
    want = reference_chart(values, months, **kw)
    assert len(got) == len(want)
    for i, p in enumerate(want):
        pair = (got.rule_name(i), int(got.side[i]))
        if pair != (p.rule, p.side):
            out.append(f"chart, month {p.month} ({float(p.value)}): product {pair}, reference {(p.rule, p.side)}")
        for name, value, ref in (("mean", got.mean[i], p.mean), ("upper", got.upper[i], p.upper),
                                 ("lower", got.lower[i], p.lower)):
            if not _close(float(value), ref):
                out.append(f"chart, month {p.month}: {name} {value} against {ref}")
        if bool(got.provisional[i]) != p.provisional or bool(got.in_baseline[i]) != p.in_baseline:
            out.append(f"chart, month {p.month}: provisional/baseline differ")
    if every_month:
        present = [(m, v) for m, v in zip(months, values, strict=True) if v is not None and v == v]
        y = np.array([v for _, v in present], dtype=float)
        m = np.array([mm for mm, _ in present], dtype=np.int64)
        series = SeriesSpc(y, m, np.array(sorted(rebase), dtype=np.int64), settings, baseline)
        for k in range(len(y)):
            latest = series.latest(k)
            ref = reference_chart(list(y[:k + 1]), list(m[:k + 1]), **kw)[-1]
            pair = (RULES[latest.rule - 1] if latest.rule else None, latest.side)
            if pair != (ref.rule, ref.side) or not _close(latest.mean, ref.mean) or not _close(latest.upper, ref.upper):
                out.append(f"latest at month {ref.month}: product {pair} mean {latest.mean}, "
                           f"reference {(ref.rule, ref.side)} mean {float(ref.mean)}")
    return out


# --------------------------------------------------------------------------------------------------
# Hand-made edge cases
# --------------------------------------------------------------------------------------------------

NAN = float("nan")
BASE = [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9]  # mean 10, mean(MR) 1: limits 7.34 and 12.66
EDGES = {
    "one point": dict(values=[5]),
    "two points": dict(values=[5, 7]),
    "fewer points than the baseline needs": dict(values=[5, 7, 6], fix_after=12),
    "exactly the baseline": dict(values=BASE, fix_after=12),
    "a fixed baseline, then new points beyond and on the limits": dict(
        values=BASE + [12.66, 12.67, 7.34, 7.33, 11.7733, 11.7733, 11.78, 11.78], fix_after=12),
    "a point exactly on each limit (decimal)": dict(values=BASE + [12.66, 7.34], fix_after=12),
    "points on the mean break a run": dict(values=BASE + [10, 11, 11, 11, 10, 11, 11, 11, 11, 11, 11, 11],
                                           fix_after=12),
    "equal consecutive points break a trend": dict(values=[10, 12] * 5 + [8, 9, 10, 11, 11, 12, 13, 14, 11]),
    "a trend that crosses the mean": dict(values=[10, 12] * 5 + [5, 7, 9, 11, 13, 15, 17, 12]),
    "a rise then a fall (the turn)": dict(values=[1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]),
    "zeros": dict(values=[0] * 14),
    "zeros, then one": dict(values=[0] * 8 + [1] + [0] * 5),
    "a constant count": dict(values=[5] * 14),
    "a constant percentage 12.1": dict(values=[12.1] * 14),
    "a constant percentage 1 in 7": dict(values=[100 * 1 / 7] * 14),
    "a percentage plateau after a climb": dict(values=[80.5, 84.2, 88.0, 90.1, 92.3, 92.3, 92.3, 92.3, 92.3,
                                                       92.3, 92.3, 92.4, 92.3, 92.4]),
    "a percentage on its mean": dict(values=[16.1, 16.3] * 4 + [16.3] * 3 + [16.2] + [16.3] * 3, fix_after=8),
    "percentages of small counts": dict(values=[100 * a / b for a, b in
                                                [(1, 3), (2, 3), (1, 3), (0, 3), (1, 3), (2, 6), (1, 3), (3, 9),
                                                 (1, 3), (1, 3), (2, 3), (1, 3), (1, 3), (1, 3)]]),
    "months missing in the middle": dict(values=[10, 11, NAN, 12, 13, 14, NAN, NAN, 15, 16, 17, 18, 17, 19]),
    "a rebase": dict(values=[3, 4] * 5 + [9, 9, 9, 10, 9, 10], rebase=(610,)),
    "a rebase with a fixed baseline": dict(values=[3, 4] * 5 + [9, 9, 9, 10, 9, 10, 14, 14], rebase=(610,),
                                           fix_after=3),
    "a rebase in a missing month": dict(values=[3, 4, 3, 4, 3, NAN, 9, 9, 10, 9, 10], rebase=(605,)),
    "a period baseline": dict(values=[3, 4] * 5 + [9, 9, 9, 10, 9, 10], period=(602, 607)),
    "a period baseline not begun": dict(values=[3, 4] * 5 + [9, 9, 9, 10, 9, 10], period=(612, 620)),
    "screened moving ranges": dict(values=[3, 4, 3, 4, 3, 40, 3, 4, 3, 4, 3, 4, 3, 5, 6, 7], screen=True),
    "two of three with one beyond the limit": dict(values=BASE + [10.5, 11.9, 13], fix_after=12),
    "two of three across the mean": dict(values=BASE + [11.9, 9.5, 11.9], fix_after=12),
    "shorter runs (6)": dict(values=[10, 12] * 5 + [12, 12, 12, 12, 12, 12, 8, 9, 10, 11, 12, 13],
                             shift_length=6, trend_length=6),
}


@pytest.mark.parametrize("case", EDGES.values(), ids=list(EDGES))
def test_the_chart_agrees_with_the_reference(case):
    assert compare(**case) == []


def test_random_series_agree_with_the_reference():
    rng = random.Random(20260421)
    for _ in range(400):
        n = rng.randint(1, 30)
        kind = rng.choice(["count", "decimal", "percentage", "level"])
        if kind == "count":
            values = [float(rng.randint(0, 12)) for _ in range(n)]
        elif kind == "decimal":
            centre = rng.randint(0, 999) / 10
            values = [round(centre + rng.randint(-3, 3) / 10, 1) for _ in range(n)]
        elif kind == "percentage":
            den = rng.randint(1, 9)
            values = [100.0 * rng.randint(0, den) / den for _ in range(n)]
        else:
            values = [rng.randint(1, 999) / 10] * n
        months, month = [], 600
        for _ in range(n):
            month += 1 if rng.random() > 0.1 else rng.randint(2, 3)
            months.append(month)
        kw = {}
        if rng.random() < 0.3:
            kw["rebase"] = tuple(sorted(rng.sample(months, rng.randint(1, min(2, n)))))
        pick = rng.random()
        if pick < 0.25:
            kw["fix_after"] = rng.randint(2, 15)
        elif pick < 0.4:
            start = rng.choice(months)
            kw["period"] = (start, start + rng.randint(2, 14))
        kw["screen"] = rng.random() < 0.3
        kw["shift_length"], kw["trend_length"] = rng.choice([(7, 7), (6, 6), (8, 7)])
        assert compare(values, months, **kw) == [], (values, months, kw)


def test_the_reference_itself_reads_the_limits_as_making_data_count_does():
    # 10 11 10 9 ... : mean 10, mean(MR) 1, so limits 10 +/- 2.66; 12.66 is on the upper limit, 12.67 beyond.
    chart = reference_chart(BASE + [12.66, 12.67], list(range(14)), fix_after=12)
    assert chart[0].mean == 10 and chart[0].upper == 10 + LIMIT
    assert [p.rule for p in chart[-2:]] == [None, "beyond_limits"]
    assert exact(100 / 7) * 7 == 100 and exact(12.1) * 10 == 121


# --------------------------------------------------------------------------------------------------
# The sample warehouse: every series, and the words the plan status says about them
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def analytics(sample_db):
    with warehouse.connect(sample_db) as con:
        return PlanAnalytics(plan_figures(con))


def _options(measure_id: str) -> dict:
    history = load_spc_history()
    baseline = history.baseline_of(measure_id)
    st = history.spc
    return dict(rebase=history.rebase_months(measure_id), fix_after=baseline.fix_after,
                period=(baseline.start, baseline.end) if baseline.start is not None else None,
                shift_length=st.shift_length, trend_length=st.trend_length, screen=st.screen_outliers)


def test_every_series_of_the_sample_warehouse_agrees_with_the_reference(analytics):
    panel = analytics.panel
    checked = 0
    for measure in panel.catalogue.measures:
        for area in range(len(panel.areas)):
            series = analytics.series(measure.id, area)
            if not len(series):
                continue
            checked += 1
            # the whole chart point by point; the latest-month reading in each of the last 24 months
            problems = compare(series.y.tolist(), series.m.tolist(), every_month=False, **_options(measure.id))
            opts = _options(measure.id)
            for k in range(max(0, len(series) - 24), len(series)):
                latest = series.latest(k)
                ref = reference_chart(series.y[:k + 1].tolist(), series.m[:k + 1].tolist(), **opts)[-1]
                if ((RULES[latest.rule - 1] if latest.rule else None, latest.side) != (ref.rule, ref.side)
                        or not _close(latest.upper, ref.upper)):
                    problems.append(f"latest at month {ref.month}")
            assert problems == [], (measure.id, panel.areas[area], problems[:5])
    assert checked > 200


RULE_WORDS = {
    ("beyond_limits", 1): "above the upper process limit", ("beyond_limits", -1): "below the lower process limit",
    ("shift", 1): "above the average", ("shift", -1): "below the average",
    ("trend", 1): "up ", ("trend", -1): "down ",
    ("two_of_three", 1): "close to or above the upper process limit",
    ("two_of_three", -1): "close to or below the lower process limit",
}


@pytest.mark.parametrize("month", ["2014-07", "2015-07", "2019-03", "2024-06", "2025-10", "2026-03"])
def test_the_words_of_the_plan_status_match_the_reference_verdict(analytics, month):
    number = month_number(month)
    for s in analytics.status(month):
        if s.value is None:
            continue
        series = analytics.series(s.measure_id, analytics.panel.area_index(None if s.is_force else s.area))
        k = series.position(number)
        chart = reference_chart(series.y[:k + 1].tolist(), series.m[:k + 1].tolist(), **_options(s.measure_id))
        ref = chart[-1]
        where = f"{s.measure_id} {s.area} {month}: {s.sentence}"
        if ref.amr is None:
            assert s.variation == "too few months" and "too few months" in s.sentence, where
            continue
        icon = point_type(ref.rule, ref.side, s.increase_is)
        assert s.variation_icon == icon, where
        if ref.rule is None:
            assert "within the expected range: no significant change." in s.sentence, where
            assert not s.questions or s.assurance_icon == "fail", where
        else:
            assert RULE_WORDS[ref.rule, ref.side] in s.sentence, where
            verdict = {"improvement": "a significant improvement", "concern": "a significant concern",
                       "neutral": "neither good nor bad"}[icon.split("_")[0]]
            assert verdict in s.sentence, where
            assert s.signal_rule == ref.rule, where
        if s.target is not None:
            want = reference_assurance(ref.lower, ref.upper, exact(s.target), s.increase_is)
            assert s.assurance_icon == want, where
            said = {"pass": "will consistently meet", "fail": "will consistently miss",
                    "hit_and_miss": "will sometimes meet and sometimes miss"}[want]
            assert said in s.assurance_sentence, where
