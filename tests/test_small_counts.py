"""A count whose months are mostly small (median at or below PCCDASH_SMALL_COUNT_MEDIAN, 5 by default) is judged on
its financial quarters by default, the page says why, monthly stays one choice away, and no limit of a count is
drawn below zero.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipelines.catalogue import catalogue
from pipelines.plan import Panel
from pipelines.plan.periods import month_number
from pipelines.plan.smallcounts import SettingError, floor_limits, quarterly_frame, threshold, view_choice
from tests.dashboard_helpers import internal

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


def panel_of(monthly: dict[str, list[float]], measure: str = "cse_charges", first: str = "2014-04") -> Panel:
    rows = [(pd.Timestamp(first) + pd.DateOffset(months=i), d, measure, v)
            for d, values in monthly.items() for i, v in enumerate(values) if v is not None]
    return Panel(pd.DataFrame(rows, columns=["period", "district", "measure", "value"]))


def test_a_median_month_at_the_setting_is_small_and_one_above_it_is_not():
    cse_charges = catalogue().get("cse_charges")
    panel = panel_of({"Rotherham": [5, 4, 6, 5, 5, 7, 3, 5, 9], "Sheffield": [6, 5, 6, 7, 6, 4, 8, 6, 6],
                      "Barnsley": [0] * 9, "Doncaster": [1] * 9})
    small = view_choice(panel, cse_charges, "Rotherham")
    assert (small.view, small.median, small.threshold) == ("quarter", 5.0, 5)
    assert small.reason.startswith("Rotherham's monthly CSE charges are mostly 5 or fewer")
    assert "single months say little; this chart adds them up by quarter" in small.reason
    assert view_choice(panel, cse_charges, "Sheffield").view == "month"  # median 6
    assert view_choice(panel, cse_charges, None).view == "month"  # the force: median 12


def test_the_median_is_taken_up_to_the_reporting_month_and_the_setting_moves_the_line(monkeypatch):
    cse_charges = catalogue().get("cse_charges")
    panel = panel_of({d: [2, 3, 2, 30, 30, 30, 30, 30] for d in DISTRICTS})
    assert view_choice(panel, cse_charges, "Barnsley", month_number("2014-06")).view == "quarter"
    assert view_choice(panel, cse_charges, "Barnsley").view == "month"
    monkeypatch.setenv("PCCDASH_SMALL_COUNT_MEDIAN", "1")
    assert threshold() == 1
    assert view_choice(panel, cse_charges, "Barnsley", month_number("2014-06")).view == "month"
    monkeypatch.setenv("PCCDASH_SMALL_COUNT_MEDIAN", "a few")
    with pytest.raises(SettingError, match='PCCDASH_SMALL_COUNT_MEDIAN "a few" is not a whole number'):
        threshold()


def test_a_stock_is_not_added_up_by_quarter():
    panel = panel_of({d: [1, 2, 1, 2] for d in DISTRICTS}, "cse_live_investigations")
    choice = view_choice(panel, catalogue().get("cse_live_investigations"), "Rotherham")
    assert (choice.view, choice.reason) == ("month", None)


def test_the_quarterly_chart_adds_up_whole_quarters_and_leaves_out_a_part_quarter():
    # Q1 2014/15 = 1+2+0, Q2 = 3+1+1, Q3 = 0+0+2, Q4 = 4+1+0; Q1 2015/16 has only April and May.
    values = [1, 2, 0, 3, 1, 1, 0, 0, 2, 4, 1, 0, 2, 2]
    panel = panel_of({d: values for d in DISTRICTS})
    frame = quarterly_frame(panel, catalogue().get("cse_charges"), "Rotherham")
    assert list(frame["label"]) == ["Q1 2014/15", "Q2 2014/15", "Q3 2014/15", "Q4 2014/15"]
    assert list(frame["value"]) == [3, 5, 2, 5]
    assert list(frame["period"]) == [pd.Timestamp(x) for x in ("2014-04-01", "2014-07-01", "2014-10-01",
                                                                "2015-01-01")]
    # mean 3.75; moving ranges 2, 3, 3, mean 8/3; limits 3.75 -/+ 2.66 x 8/3 = -3.343 and 10.843
    assert frame["mean"].iloc[0] == pytest.approx(3.75)
    assert frame["upper"].iloc[0] == pytest.approx(3.75 + 2.66 * 8 / 3)
    assert frame["lower"].iloc[0] == pytest.approx(3.75 - 2.66 * 8 / 3)
    floored = floor_limits(frame, catalogue().get("cse_charges"))
    assert (floored["lower"] == 0).all() and (floored["near_lower"] >= 0).all()
    assert floored["upper"].iloc[0] == pytest.approx(3.75 + 2.66 * 8 / 3)  # only what fell below zero moved


def test_a_percentage_limit_stays_between_0_and_100():
    frame = pd.DataFrame({"mean": [95.0], "upper": [104.0], "lower": [86.0], "near_upper": [101.0],
                          "near_lower": [89.0]})
    floored = floor_limits(frame, catalogue().get("officers_trained_pct"))
    assert floored.iloc[0].to_dict() == {"mean": 95.0, "upper": 100.0, "lower": 86.0, "near_upper": 100.0,
                                         "near_lower": 89.0}


def test_the_measure_page_opens_a_small_count_on_its_quarters_and_says_why(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    assert not at.exception
    assert at.selectbox(key="view").value == "quarter_spc"
    why = " ".join(i.value for i in at.info)
    assert "Rotherham's monthly CSE charges are mostly 5 or fewer" in why and "adds them up by quarter" in why
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].replace("<br>", " ").endswith("Rotherham, by financial quarter")
    table = at.dataframe[0].value
    assert table["Quarter"].iloc[0] == "Q1 2013/14" and (table["Lower limit"] >= 0).all()

    at.selectbox(key="view").select("month").run()  # the person can still choose monthly, and it holds
    at.run()
    assert at.selectbox(key="view").value == "month"
    assert (at.dataframe[0].value["Lower limit"] >= 0).all()  # the monthly limits of a small count too
    assert any("read a single month with care" in c.value for c in at.caption)

    at.selectbox(key="measure").select("cse_referrals").run()  # about 23 a month in Rotherham
    assert at.selectbox(key="view").value == "month"
    assert not any("mostly 5 or fewer" in i.value for i in at.info)
    assert np.isfinite(at.dataframe[0].value["Upper limit"]).all()


def test_the_quarterly_chart_takes_its_limits_from_the_measure_s_declared_baseline():
    from pipelines.plan.periods import month_number
    from pipelines.plan.smallcounts import quarterly_baseline
    from pipelines.plan.spc import Baseline

    values = [1, 2, 0, 3, 1, 1, 0, 0, 2, 4, 1, 0, 2, 2]  # quarters 3, 5, 2, 5 from April 2014
    panel = panel_of({d: values for d in DISTRICTS})
    # the first two quarters (April to September 2014) as a period, and as the first six months
    for baseline in (Baseline(start=month_number("2014-04"), end=month_number("2014-09")), Baseline(fix_after=6)):
        frame = quarterly_frame(panel, catalogue().get("cse_charges"), "Rotherham", baseline=baseline)
        assert frame["mean"].tolist() == pytest.approx([4.0] * 4)  # (3 + 5) / 2, held for the later quarters
        assert frame["upper"].iloc[-1] == pytest.approx(4.0 + 2.66 * 2)
    # a period's part quarters are left out of it; a handful of months still makes two quarters
    assert quarterly_baseline(Baseline(start=month_number("2014-05"), end=month_number("2015-03"))) == Baseline(
        start=month_number("2014-07") // 3, end=month_number("2015-01") // 3)
    assert quarterly_baseline(Baseline(fix_after=3)) == Baseline(fix_after=2)
