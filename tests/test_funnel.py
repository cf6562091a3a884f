"""Districts are compared on a funnel plot: exact Poisson (counts) or binomial (percentages) limits around the
districts' overall rate, a plain sentence for each district saying whether it lies outside them, and no ranking.

The limits are checked against a second implementation written here from the definitions: the cumulative
probability summed term by term, and Spiegelhalter's interpolated quantile r - (F(r) - p) / (F(r) - F(r - 1)).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipelines.catalogue import catalogue
from pipelines.plan import Panel, load_population
from pipelines.plan.funnel import (
    FunnelError,
    binomial_limits,
    funnel,
    funnel_figure,
    label_positions,
    period_span,
    poisson_limits,
)
from pipelines.plan.periods import month_number
from tests.dashboard_helpers import internal


def poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(j * math.log(mean) - mean - math.lgamma(j + 1)) for j in range(k + 1)) if k >= 0 else 0.0


def binomial_cdf(k: int, n: int, p: float) -> float:
    def log_pmf(j):
        return (math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                   + j * math.log(p) + (n - j) * math.log(1 - p))
    return sum(math.exp(log_pmf(j)) for j in range(min(k, n) + 1)) if k >= 0 else 0.0


def interpolated(cdf, p: float) -> float:
    r = 0
    while cdf(r) < p:
        r += 1
    return r - (cdf(r) - p) / (cdf(r) - cdf(r - 1))


@pytest.mark.parametrize("population, rate_per_100k", [(265_800, 3.9), (556_500, 0.6), (100_000, 88.3)])
@pytest.mark.parametrize("level, tail", [(0.95, 0.025), (0.998, 0.001)])
def test_poisson_limits_match_the_exact_distribution_worked_out_independently(population, rate_per_100k, level,
                                                                                tail):
    expected = rate_per_100k * population / 100_000
    lower, upper = poisson_limits(expected, level)
    assert lower == pytest.approx(max(interpolated(lambda k: poisson_cdf(k, expected), tail), 0.0), abs=1e-9)
    assert upper == pytest.approx(interpolated(lambda k: poisson_cdf(k, expected), 1 - tail), abs=1e-9)


def test_poisson_limits_for_a_known_case_by_hand():
    # E = 10.366 (3.9 per 100,000 of 265,800). F(16) = 0.9641 < 0.975 <= F(17) = 0.9804, so the 97.5%
    # quantile is 17 - (0.9804 - 0.975) / (0.9804 - 0.9641), about 16.67 charges, 6.27 per 100,000.
    lower, upper = poisson_limits(10.3662, 0.95)
    assert upper == pytest.approx(16.67, abs=0.01)
    assert 100_000 * upper / 265_800 == pytest.approx(6.27, abs=0.01)
    assert 0 < lower < 10.3662


@pytest.mark.parametrize("n, p", [(498, 0.464), (1197, 0.464), (40, 0.9)])
@pytest.mark.parametrize("level, tail", [(0.95, 0.025), (0.998, 0.001)])
def test_binomial_limits_match_the_exact_distribution_worked_out_independently(n, p, level, tail):
    lower, upper = binomial_limits(p, n, level)
    assert lower == pytest.approx(max(interpolated(lambda k: binomial_cdf(k, n, p), tail), 0.0) / n, abs=1e-9)
    assert upper == pytest.approx(min(interpolated(lambda k: binomial_cdf(k, n, p), 1 - tail), n) / n, abs=1e-9)


def test_no_expected_count_has_no_spread():
    assert poisson_limits(0.0, 0.998) == (0.0, 0.0)


def test_periods_end_at_or_before_the_reporting_month():
    july = month_number("2015-07")
    assert period_span("month", july)[2] == "July 2015"
    assert period_span("quarter", july)[2] == "Q1 2015/16"  # July is in an unfinished Q2
    assert period_span("quarter", month_number("2015-09"))[2] == "Q2 2015/16"
    assert period_span("financial_year", july)[:2] == (month_number("2015-04"), july)
    assert period_span("rolling_12", july)[:2] == (month_number("2014-08"), july)
    with pytest.raises(FunnelError, match="not a funnel period"):
        period_span("week", july)


def figures(counts: dict[str, int], measure: str = "cse_charges", month: str = "2015-07") -> pd.DataFrame:
    return pd.DataFrame({"period": pd.Timestamp(f"{month}-01"), "district": list(counts), "measure": measure,
                         "value": list(counts.values())})


def test_each_district_gets_a_sentence_in_the_force_order_saying_where_it_lies_and_none_ranks():
    counts = {"Sheffield": 40, "Rotherham": 60, "Barnsley": 17, "Doncaster": 21}  # not in the force's order
    f = funnel(Panel(figures(counts)), catalogue().get("cse_charges"), "month", month_number("2015-07"),
               load_population())
    population = load_population()
    total = sum(counts.values())
    assert f.centre == pytest.approx(100_000 * total / sum(population.of(d) for d in counts))
    assert [p.district for p in f.points] == ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    for p in f.points:
        expected = total * population.of(p.district) / sum(population.of(d) for d in counts)
        cdf = lambda k, e=expected: poisson_cdf(k, e)  # noqa: E731
        hi998 = 100_000 * interpolated(cdf, 0.999) / population.of(p.district)
        assert p.limits[0.998][1] == pytest.approx(hi998, abs=1e-9)
    by = {p.district: p for p in f.points}
    # Rotherham: 60 where about 26.7 are expected; P(X >= 60) is far below 0.001.
    assert by["Rotherham"].outside == "above_998"
    assert by["Rotherham"].sentence.endswith("above the 99.8% limit: unlikely to be chance alone.")
    # Barnsley: 17 where about 24.6 are expected, well inside chance.
    assert by["Barnsley"].sentence.startswith("Barnsley: 7.0 per 100,000 residents (17 in a population of 244,600)")
    assert by["Barnsley"].sentence.endswith("within the range expected by chance.")
    words = " ".join([f.summary, *(p.sentence for p in f.points)]).lower()
    for ranking in ("highest", "lowest", "best", "worst", "rank ", "ranked first", "top", "bottom"):
        assert ranking not in words.replace("not ranked", "")


def test_the_funnels_labels_do_not_lie_over_each_other():
    """On a phone's narrow chart the centre line's label, written at its left end, lay over Barnsley's name, and two
    districts of about the same size had their names one over the other: the centre line is named in the legend, and
    a district's name goes above it when it stands higher than the district nearest it in size, below when
    lower."""
    counts = {"Barnsley": 6, "Doncaster": 9, "Rotherham": 10, "Sheffield": 11}
    f = funnel(Panel(figures(counts)), catalogue().get("cse_charges"), "month", month_number("2015-07"),
               load_population())
    fig = funnel_figure(f)
    assert not fig.layout.annotations  # nothing written across the chart
    centre = next(t for t in fig.data if t.name == f.centre_label)
    assert set(centre.y) == {f.centre} and centre.showlegend is not False
    districts = next(t for t in fig.data if t.name == f.points_label)
    side = dict(zip(districts.text, districts.textposition, strict=True))
    # Barnsley (2.5 per 100,000) is nearest Rotherham (3.8), which is nearest Barnsley; Doncaster (2.9) is nearest
    # Rotherham, Sheffield (2.0) Doncaster
    assert side == {"Barnsley": "bottom center", "Rotherham": "top center", "Doncaster": "bottom center",
                    "Sheffield": "bottom center"}


def test_a_name_goes_above_a_point_higher_than_its_nearest_neighbour_in_size_and_below_a_lower_one():
    assert label_positions([100, 110, 400], [5, 3, 1]) == ["top center", "bottom center", "bottom center"]
    assert label_positions([100], [5]) == ["top center"]
    assert label_positions([], []) == []


def test_a_percentage_is_judged_on_its_numerator_and_denominator_with_binomial_limits():
    frame = pd.concat([
        figures({"Barnsley": 229, "Doncaster": 297, "Rotherham": 400, "Sheffield": 486}, "officers_trained"),
        figures({"Barnsley": 498, "Doncaster": 650, "Rotherham": 552, "Sheffield": 1197}, "officer_headcount"),
    ])
    f = funnel(Panel(frame), catalogue().get("officers_trained_pct"), "month", month_number("2015-07"),
               load_population())
    assert f.method == "binomial"
    assert f.centre == pytest.approx(100 * (229 + 297 + 400 + 486) / (498 + 650 + 552 + 1197))
    by = {p.district: p for p in f.points}
    assert by["Rotherham"].sentence.startswith("Rotherham: 72.5% (400 of 552)")
    assert by["Rotherham"].outside == "above_998"
    lower, upper = binomial_limits(f.centre / 100, 552, 0.95)
    assert by["Rotherham"].limits[0.95] == pytest.approx((100 * lower, 100 * upper))


def test_a_district_missing_a_month_is_left_out_and_named():
    june = figures({"Barnsley": 3, "Doncaster": 4, "Rotherham": 5}, month="2015-06")  # Sheffield not sent
    july = figures({"Barnsley": 3, "Doncaster": 4, "Rotherham": 5, "Sheffield": 6})
    panel = Panel(pd.concat([june, july]))
    f = funnel(panel, catalogue().get("cse_charges"), "month", month_number("2015-06"), load_population())
    assert f.left_out == ("Sheffield",)
    assert [p.district for p in f.points] == ["Barnsley", "Doncaster", "Rotherham"]
    with pytest.raises(FunnelError, match="Fewer than two districts"):  # Q1 2015/16 lacks April and May
        funnel(panel, catalogue().get("cse_charges"), "quarter", month_number("2015-07"), load_population())


def test_the_measure_page_compares_the_districts_with_a_funnel_and_a_sentence_each(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_referrals").run()
    at.selectbox(key="funnel_period").select("rolling_12").run()
    assert not at.exception
    spec = next(c.proto.spec for c in at.get("plotly_chart") if "99.8% limits" in c.proto.spec)
    assert "95% limits" in spec and "Rotherham" in spec
    shown = "\n".join(m.value for m in at.markdown).replace("\\", "")  # as read, without Markdown escapes
    for district in ("Barnsley", "Doncaster", "Rotherham", "Sheffield"):
        assert any(line.startswith(f"- {district}: ") and ("expected by chance" in line or "limit:" in line)
                   for line in shown.splitlines())
    assert "not ranked" in shown


def test_seven_districts_of_about_one_size_have_their_names_apart():
    """Regression: West Midlands Police's seven districts, three of them of about 330,000 residents, had "Dudley" and
    "Coventry" both written under their points, over each other: each name went by its nearest neighbour in size
    alone (Sandwell for both), never by the names already placed."""
    names = ["Birmingham East", "Birmingham West", "Coventry", "Dudley", "Sandwell", "Walsall", "Wolverhampton"]
    sizes = [790600, 570500, 345300, 323500, 341800, 284100, 263700]
    values = [100_000 * c / s for c, s in zip([15, 14, 7, 7, 11, 9, 9], sizes, strict=True)]
    side = dict(zip(names, label_positions(sizes, values, names, (131850, 1027780), (0, 7.4)), strict=True))
    assert side["Dudley"] != side["Coventry"], side
    assert (side["Dudley"], side["Coventry"]) == ("top center", "bottom center")  # the higher above, the lower below
    assert side["Birmingham West"] == "top center" and side["Birmingham East"] == "bottom center"
