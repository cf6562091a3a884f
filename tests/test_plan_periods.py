"""Financial periods run April to March; flows add up, stocks take the last month, percentages recompute.

Small synthetic figures whose quarter, financial-year and rolling-year totals are worked out by hand
in the comments; incomplete periods are flagged and never compared with complete ones; rates are per
100,000 residents from the ONS mid-2021 populations.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipelines.errors import ConfigError
from pipelines.plan import aggregate, load_population
from pipelines.plan.periods import (
    financial_quarter,
    financial_year,
    financial_year_label,
    month_label,
    month_number,
    parse_span,
    quarter_label,
)
from pipelines.plan.synthetic import figures_from_series

START = "2014-04"  # month k = 1 is April 2014; k = 17 is August 2015
K = list(range(1, 18))


def charges() -> pd.DataFrame:
    # Barnsley 1 a month, Doncaster 2, Rotherham k (1, 2, ... 17), Sheffield 0: the force is 3 + k.
    return figures_from_series({
        ("cse_charges", "Barnsley"): [1] * 17,
        ("cse_charges", "Doncaster"): [2] * 17,
        ("cse_charges", "Rotherham"): K,
        ("cse_charges", "Sheffield"): [0] * 17,
    }, START)


def row(frame: pd.DataFrame, area: str, period: str) -> pd.Series:
    hit = frame[(frame["area"] == area) & (frame["period"] == period)]
    assert len(hit) == 1, (area, period)
    return hit.iloc[0]


# --------------------------------------------------------------------------------------------------
# Labels and stated periods
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("month", "fy", "quarter", "label"), [
    ("2015-04", 2015, 1, "Q1 2015/16"),
    ("2015-07", 2015, 2, "Q2 2015/16"),
    ("2015-12", 2015, 3, "Q3 2015/16"),
    ("2016-01", 2015, 4, "Q4 2015/16"),
    ("2016-03", 2015, 4, "Q4 2015/16"),
    ("1999-12", 1999, 3, "Q3 1999/00"),
])
def test_financial_year_and_quarter(month, fy, quarter, label):
    number = month_number(month)
    assert financial_year(number) == fy
    assert financial_quarter(number) == quarter
    assert quarter_label(number) == label


def test_labels():
    assert financial_year_label(2015) == "2015/16"
    assert month_label(month_number("2015-07")) == "July 2015"
    assert month_number(pd.Timestamp("2015-07-01")) == month_number("2015-07-19")


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2014/15", "2014-04", "2015-03", "2014/15"),
    ("2014/2015", "2014-04", "2015-03", "2014/15"),
    ("Q2 2015/16", "2015-07", "2015-09", "Q2 2015/16"),
    ("Q4 2015/16", "2016-01", "2016-03", "Q4 2015/16"),
    ("2014-08", "2014-08", "2014-08", "August 2014"),
    ("2014-04 to 2015-03", "2014-04", "2015-03", "April 2014 to March 2015"),
    ("2014-04..2014-06", "2014-04", "2014-06", "April 2014 to June 2014"),
])
def test_parse_span(text, start, end, label):
    span = parse_span(text)
    assert (span.start, span.end, span.label) == (month_number(start), month_number(end), label)


@pytest.mark.parametrize("text", ["2014/16", "Q5 2014/15", "2014-13", "last year", "2015-03 to 2014-04"])
def test_parse_span_refuses(text):
    with pytest.raises(ValueError):
        parse_span(text)


# --------------------------------------------------------------------------------------------------
# Flows
# --------------------------------------------------------------------------------------------------

def test_quarters_sum_flows():
    q = aggregate(charges(), "cse_charges", "quarter")
    # Q1 2014/15 = April-June 2014, k = 1..3: Barnsley 3, Doncaster 6, Rotherham 1+2+3 = 6, force 15
    assert row(q, "Barnsley", "Q1 2014/15")["value"] == 3
    assert row(q, "Doncaster", "Q1 2014/15")["value"] == 6
    assert row(q, "Rotherham", "Q1 2014/15")["value"] == 6
    assert row(q, "South Yorkshire", "Q1 2014/15")["value"] == 15
    # Q2 2014/15, k = 4..6: Rotherham 15, force 9 + 15 = 24
    assert row(q, "South Yorkshire", "Q2 2014/15")["value"] == 24
    # Q1 2015/16, k = 13..15: Rotherham 42, force 9 + 42 = 51; on Q1 2014/15: +36, +240%
    q1 = row(q, "South Yorkshire", "Q1 2015/16")
    assert (q1["value"], q1["last_year"], q1["change"]) == (51, 15, 36)
    assert q1["change_pct"] == pytest.approx(240.0)
    assert bool(q1["complete"])


def test_incomplete_quarter_is_flagged_not_compared():
    q = aggregate(charges(), "cse_charges", "quarter")
    # Q2 2015/16 has July and August 2015 only (k = 16, 17): 6 + 33 = 39 so far, flagged incomplete.
    q2 = row(q, "South Yorkshire", "Q2 2015/16")
    assert q2["value"] == 39
    assert (q2["months_present"], q2["months_expected"]) == (2, 3)
    assert not q2["complete"]
    assert math.isnan(q2["change"]) and math.isnan(q2["change_pct"])


def test_financial_year_sums():
    fy = aggregate(charges(), "cse_charges", "financial_year")
    # 2014/15, k = 1..12: Barnsley 12, Doncaster 24, Rotherham 78, Sheffield 0 -> force 114
    assert row(fy, "Rotherham", "2014/15")["value"] == 78
    assert row(fy, "South Yorkshire", "2014/15")["value"] == 114
    assert bool(row(fy, "South Yorkshire", "2014/15")["complete"])
    later = row(fy, "South Yorkshire", "2015/16")  # April-August 2015 only
    assert not later["complete"] and later["months_present"] == 5


def test_rolling_twelve_months():
    r12 = aggregate(charges(), "cse_charges", "rolling_12")
    # to March 2015 = the financial year 2014/15 = 114
    assert row(r12, "South Yorkshire", "12 months to March 2015")["value"] == 114
    # to August 2015, k = 6..17: Rotherham (6 + 17) x 12 / 2 = 138, force 3 x 12 + 138 = 174
    last = row(r12, "South Yorkshire", "12 months to August 2015")
    assert last["value"] == 174 and bool(last["complete"])
    assert math.isnan(last["change"])  # the 12 months before are not all in the data
    # to February 2015 runs back before April 2014: incomplete
    assert not row(r12, "South Yorkshire", "12 months to February 2015")["complete"]


def test_a_missing_district_month_leaves_the_force_month_missing():
    data = charges()
    data = data[~((data["district"] == "Sheffield") & (data["period"] == "2014-11-01"))]
    q = aggregate(data, "cse_charges", "quarter")
    # Q3 2014/15 (October-December 2014): Sheffield reported two months, so the force has two.
    assert not row(q, "Sheffield", "Q3 2014/15")["complete"]
    assert not row(q, "South Yorkshire", "Q3 2014/15")["complete"]
    assert row(q, "South Yorkshire", "Q3 2014/15")["months_present"] == 2
    assert bool(row(q, "Barnsley", "Q3 2014/15")["complete"])


def test_rates_per_100k():
    pop = load_population()
    assert pop.by_district == {"Barnsley": 244600, "Doncaster": 308100, "Rotherham": 265800,
                               "Sheffield": 556500}
    assert pop.force_total == 1_375_000
    assert "ONS" in pop.source and "2021" in pop.year
    fy = aggregate(charges(), "cse_charges", "financial_year")
    # Barnsley 12 / 244,600 x 100,000 = 4.906; force 114 / 1,375,000 x 100,000 = 8.291
    assert row(fy, "Barnsley", "2014/15")["rate_per_100k"] == pytest.approx(12 / 244600 * 1e5)
    assert row(fy, "South Yorkshire", "2014/15")["rate_per_100k"] == pytest.approx(114 / 1375000 * 1e5)


# --------------------------------------------------------------------------------------------------
# Stocks
# --------------------------------------------------------------------------------------------------

def live() -> pd.DataFrame:
    # Barnsley 10 + k; Doncaster 20, Rotherham 30, Sheffield 40 every month.
    return figures_from_series({
        ("cse_live_investigations", "Barnsley"): [10 + k for k in K],
        ("cse_live_investigations", "Doncaster"): [20] * 17,
        ("cse_live_investigations", "Rotherham"): [30] * 17,
        ("cse_live_investigations", "Sheffield"): [40] * 17,
    }, START)


def test_stock_quarter_is_its_last_month():
    q = aggregate(live(), "cse_live_investigations", "quarter", with_rates=False)
    # Q1 2014/15 ends June 2014 (k = 3): Barnsley 13, force 13 + 90 = 103 (not the sum of three months)
    assert row(q, "Barnsley", "Q1 2014/15")["value"] == 13
    assert row(q, "South Yorkshire", "Q1 2014/15")["value"] == 103
    # Q2 2014/15 ends September 2014 (k = 6): 16
    assert row(q, "Barnsley", "Q2 2014/15")["value"] == 16
    # financial year 2014/15 ends March 2015 (k = 12): 22
    fy = aggregate(live(), "cse_live_investigations", "financial_year", with_rates=False)
    assert row(fy, "Barnsley", "2014/15")["value"] == 22


def test_stock_quarter_without_its_last_month_is_incomplete():
    data = live()
    data = data[~((data["district"] == "Barnsley") & (data["period"] == "2014-09-01"))]
    q = aggregate(data, "cse_live_investigations", "quarter", with_rates=False)
    q2 = row(q, "Barnsley", "Q2 2014/15")
    assert q2["value"] == 15 and not q2["complete"]  # August's level, flagged
    # the current quarter (July-August 2015) shows August's level, flagged incomplete
    now = row(q, "Barnsley", "Q2 2015/16")
    assert now["value"] == 27 and not now["complete"]


# --------------------------------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------------------------------

def training(with_components_everywhere: bool = True) -> pd.DataFrame:
    series = {
        # Barnsley: 200 staff, 100 + 5k trained; it reports 99% - wrong - which the components override.
        ("officer_headcount", "Barnsley"): [200] * 17,
        ("officers_trained", "Barnsley"): [100 + 5 * k for k in K],
        ("officers_trained_pct", "Barnsley"): [99.0] * 17,
        ("officer_headcount", "Doncaster"): [300] * 17,
        ("officers_trained", "Doncaster"): [150] * 17,
        ("officers_trained_pct", "Rotherham"): [80.0] * 17,
        ("officer_headcount", "Sheffield"): [400] * 17,
        ("officers_trained", "Sheffield"): [300] * 17,
    }
    if with_components_everywhere:
        series[("officer_headcount", "Rotherham")] = [100] * 17
        series[("officers_trained", "Rotherham")] = [100] * 17
    return figures_from_series(series, START)


def test_percentage_recomputed_from_numerator_and_denominator():
    q = aggregate(training(), "officers_trained_pct", "quarter")
    # Q1 2014/15: both parts are stocks, so June 2014 (k = 3): Barnsley 115 / 200 = 57.5%
    assert row(q, "Barnsley", "Q1 2014/15")["value"] == pytest.approx(57.5)
    # force: (115 + 150 + 100 + 300) / (200 + 300 + 100 + 400) = 665 / 1000 = 66.5%,
    # not the mean of the district percentages (57.5, 50, 100, 75 -> 70.6)
    assert row(q, "South Yorkshire", "Q1 2014/15")["value"] == pytest.approx(66.5)
    assert "rate_per_100k" not in q.columns


def test_percentage_falls_back_to_the_reported_figure():
    q = aggregate(training(with_components_everywhere=False), "officers_trained_pct", "quarter")
    assert row(q, "Rotherham", "Q1 2014/15")["value"] == pytest.approx(80.0)
    # without Rotherham's parts the force cannot be recomputed: missing, not guessed
    assert np.isnan(row(q, "South Yorkshire", "Q1 2014/15")["value"])


# --------------------------------------------------------------------------------------------------
# Reference file
# --------------------------------------------------------------------------------------------------

def test_population_file_errors(tmp_path):
    bad = tmp_path / "population.csv"
    bad.write_text("district,population,source,year\nBarnsley,244600,ONS,2021\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no population for Doncaster"):
        load_population(bad)
    bad.write_text("district,population,source,year\nBarnsely,244600,ONS,2021\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a district"):
        load_population(bad)
    with pytest.raises(ConfigError, match="missing"):
        load_population(tmp_path / "none.csv")


# --------------------------------------------------------------------------------------------------
# What a period's figure is made of (what is said about those figures goes with it)
# --------------------------------------------------------------------------------------------------

def sources(frame: pd.DataFrame, measure_id: str, area: str, first: str, last: str) -> list[tuple[str, str]]:
    from pipelines.catalogue import catalogue
    from pipelines.plan import Panel

    panel = Panel(frame)
    made_of = panel.sources(catalogue().get(measure_id), panel.area_index(area),
                            panel.index_of(month_number(first)), panel.index_of(month_number(last)))
    return [(m, f"{1970 + n // 12}-{n % 12 + 1:02d}") for m, n in made_of]


def test_a_flows_period_is_made_of_every_month_and_a_stocks_of_the_month_it_shows():
    assert sources(charges(), "cse_charges", "Rotherham", "2014-04", "2014-06") == [
        ("cse_charges", "2014-04"), ("cse_charges", "2014-05"), ("cse_charges", "2014-06")]
    data = live()
    assert sources(data, "cse_live_investigations", "Barnsley", "2014-07", "2014-09") == [
        ("cse_live_investigations", "2014-09")]
    # September missing: the quarter shows August's level, so it is made of August's figure; the force's too
    data = data[~((data["district"] == "Barnsley") & (data["period"] == "2014-09-01"))]
    for area in ("Barnsley", "South Yorkshire"):
        assert sources(data, "cse_live_investigations", area, "2014-07", "2014-09") == [
            ("cse_live_investigations", "2014-08")]
    assert sources(data, "cse_live_investigations", "Doncaster", "2014-07", "2014-09") == [
        ("cse_live_investigations", "2014-09")]


def test_a_percentages_period_is_made_of_its_parts_in_the_months_it_is_worked_out_from():
    parts = ["officers_trained_pct", "officers_trained", "officer_headcount"]
    assert sources(training(), "officers_trained_pct", "Barnsley", "2014-04", "2014-06") == [
        (m, "2014-06") for m in parts]
    assert sources(training(), "officers_trained_pct", "South Yorkshire", "2014-04", "2015-03") == [
        (m, "2015-03") for m in parts]
    # Rotherham sent no parts: its quarter is the percentage it reported for June, which is what it is made of
    assert sources(training(with_components_everywhere=False), "officers_trained_pct", "Rotherham", "2014-04",
                   "2014-06") == [(m, "2014-06") for m in parts]
    # a percentage of two flows is worked out from every month of both
    flows = figures_from_series({(m, d): [v] * 17 for m, v in (("cse_suspects_arrested_12w", 2),
                                                               ("cse_suspects_identified", 5))
                                 for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield")}, START)
    assert sources(flows, "cse_suspects_arrested_12w_pct", "Doncaster", "2014-04", "2014-05") == [
        (m, p) for p in ("2014-04", "2014-05")
        for m in ("cse_suspects_arrested_12w_pct", "cse_suspects_arrested_12w", "cse_suspects_identified")]


def test_a_complete_financial_year_is_named_as_the_year_not_a_year_to_date():
    import datetime as dt

    from pipelines.briefing.pack import headline_windows
    from pipelines.briefing.period import reporting_period
    from pipelines.plan.headline import period_labels

    march, july, april = month_number("2027-03"), month_number("2026-07"), month_number("2026-04")
    # the year-end pack's column and the caveats that name it: the whole of 2026/27, not "to date"
    assert period_labels(march, march - 2)["fytd"] == "2026/27"
    year_end = reporting_period(dt.date(2027, 4, 22), [f"2026-{m:02d}" for m in range(4, 13)]
                                + ["2027-01", "2027-02", "2027-03"])
    assert [label for label, *_ in headline_windows(year_end)[0]] == [
        "March 2027", "Q4 2026/27", "2026/27", "the 12 months to March 2027"]
    # a year still under way is to date, with its months
    assert period_labels(july, april)["fytd"] == "2026/27 to date (April to July)"
    assert period_labels(april, None)["fytd"] == "2026/27 to date (April)"
    mid = reporting_period(dt.date(2026, 8, 20), [f"2026-{m:02d}" for m in range(4, 8)])
    assert headline_windows(mid)[0][2][0] == "2026/27 to date"
