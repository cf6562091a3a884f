"""Each Making Data Count rule fires exactly at its boundary (docs/methodology.md), and limits come from a baseline.

Two of three: two of three consecutive points beyond two sigma (in the outer band or beyond the limit),
all three strictly on that side of the mean. Shift: 7 points in a row strictly on one side of the mean.
Trend: 7 points each strictly above (or below) the one before. Beyond: strictly outside a limit. A
baseline (the first N points, or a period) fixes a segment's limits; a rebase starts a new segment.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from pipelines.errors import ConfigError
from pipelines.plan.history import history_from_dict, load_spc_history, record_version
from pipelines.plan.periods import month_number
from pipelines.plan.spc import RULE_BEYOND, RULE_TWO_OF_THREE, Baseline, SeriesSpc, SpcSettings, xmr


def chart(values, **kwargs):
    return xmr(values, list(range(len(values))), **kwargs)


# --------------------------------------------------------------------------------------------------
# Two of three
# --------------------------------------------------------------------------------------------------

def test_two_near_the_limit_with_the_third_below_the_mean_is_common_cause():
    # 0 2 2 7 7: mean 18/5 = 3.6; MR 2 0 5 0 -> 7/4 = 1.75; outer band from 3.6 + 1.7733 x 1.75 = 6.70,
    # upper limit 3.6 + 4.655 = 8.255. The two 7s are in the band, but every window of three holding both
    # (2 7 7) has a 2, below the mean. Regression: "two of three, high" at points 4 and 5.
    r = chart([0, 2, 2, 7, 7])
    assert r.mean[0] == pytest.approx(3.6)
    assert r.near_upper[0] == pytest.approx(3.6 + 2 / 3 * 2.66 * 1.75)
    assert (r.values[3:] > r.near_upper[3:]).all()
    assert not r.special.any()
    assert r.frame()["point_type"].eq("common_cause").all()


def test_the_mirror_image_is_common_cause_too():
    # 7 5 5 0 0 is 7 - x of the series above: the two 0s are in the lower band, the 5 before them above
    # the mean 3.4.
    r = chart([7, 5, 5, 0, 0])
    assert (r.values[3:] < r.near_lower[3:]).all()
    assert not r.special.any()


def test_the_same_pair_with_all_three_above_the_mean_is_two_of_three():
    # 0 0 4 7 7: mean 3.6; MR 0 4 3 0 -> 7/4 = 1.75, the same band from 6.70. The window 4 7 7 lies wholly
    # above the mean with two points in the band: both 7s are flagged, the 4 (not in the band) is not.
    r = chart([0, 0, 4, 7, 7])
    assert r.mean[0] == pytest.approx(3.6)
    assert r.two_of_three.tolist() == [0, 0, 0, 1, 1]
    assert r.rule.tolist() == [0, 0, 0, RULE_TWO_OF_THREE, RULE_TWO_OF_THREE]
    low = chart([7, 7, 3, 0, 0])  # the mirror
    assert low.two_of_three.tolist() == [0, 0, 0, -1, -1]


def test_a_third_point_on_the_mean_breaks_two_of_three():
    # 1 1 4 7 7 4 | ...: mean 4 exactly (24 / 6), so the 4s sit on it, on neither side.
    # MR 0 3 3 0 3 -> 9/5 = 1.8; band from 4 + 1.7733 x 1.8 = 7.19 to the limit 4 + 2.66 x 1.8 = 8.79.
    # The limits held (a baseline of the first six points), 8 8 follows a 4 on the mean: 4 8 8 is not
    # wholly above the mean, so no two of three.
    base = [1, 1, 4, 7, 7, 4]
    r = chart(base + [8, 8], baseline=Baseline(fix_after=6))
    assert r.mean[0] == 4 and r.near_upper[0] < 8 < r.upper[0]
    assert r.two_of_three.tolist() == [0] * 8
    above = chart(base + [5, 8, 8], baseline=Baseline(fix_after=6))  # 5 8 8: all above the mean
    assert above.two_of_three.tolist() == [0] * 7 + [1, 1]


def test_a_point_exactly_on_the_outer_band_edge_is_not_beyond_two_sigma():
    base = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 11]
    fixed = Baseline(fix_after=12)
    edge = float(chart(base, baseline=fixed).near_upper[0])
    on = chart(base + [edge, edge, edge], baseline=fixed)
    assert on.near_upper[-1] == edge and not on.two_of_three.any()
    hair = np.nextafter(edge, np.inf)  # off the edge by binary rounding only: still on it
    assert not chart(base + [edge, hair, hair], baseline=fixed).two_of_three.any()
    past = edge + 1e-6
    assert chart(base + [edge, past, past], baseline=fixed).two_of_three[-2:].tolist() == [1, 1]


# --------------------------------------------------------------------------------------------------
# Beyond a limit, shift, trend
# --------------------------------------------------------------------------------------------------

def test_a_point_exactly_on_the_limit_is_not_beyond_and_one_just_past_it_is():
    base = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 11]
    fixed = Baseline(fix_after=12)
    upper = float(chart(base, baseline=fixed).upper[0])
    lower = float(chart(base, baseline=fixed).lower[0])
    assert chart(base + [upper], baseline=fixed).beyond[-1] == 0
    assert chart(base + [np.nextafter(upper, np.inf)], baseline=fixed).beyond[-1] == 0  # binary rounding only
    assert chart(base + [upper + 1e-6], baseline=fixed).rule[-1] == RULE_BEYOND
    assert chart(base + [lower], baseline=fixed).beyond[-1] == 0
    assert chart(base + [np.nextafter(lower, -np.inf)], baseline=fixed).beyond[-1] == 0
    assert chart(base + [lower - 1e-6], baseline=fixed).beyond[-1] == -1


# 6 4 6 4 6 4 6 4, then a run at 5.5 and one at 4.5: the mean is 5 exactly and every point lies inside the
# outer band (MR 2 seven times, 1.5, then 0s and one 1: mean(MR) under 0.8, band 5 +/- 1.4), so only the
# shift rule can fire.
NOISE = [6, 4] * 4


def test_seven_points_on_one_side_are_a_shift_and_six_are_not():
    seven = chart(NOISE + [5.5] * 7 + [4.5] * 7)
    assert seven.mean[0] == 5
    assert seven.shift.tolist() == [0] * 8 + [1] * 7 + [-1] * 7
    six = chart(NOISE + [5.5] * 6 + [4.5] * 6)
    assert six.mean[0] == 5
    assert not six.shift.any() and not six.special.any()


def test_a_point_on_the_mean_breaks_a_shift():
    # 5.5 x3, 5 (on the mean), 5.5 x3: seven points above or on it, but no seven in a row above it.
    r = chart(NOISE + [5.5] * 3 + [5] + [5.5] * 3 + [4.5] * 6 + [5])
    assert r.mean[0] == 5
    assert not r.shift.any()


def test_seven_points_rising_are_a_trend_and_six_are_not():
    noise = [10, 12] * 5
    seven = chart(noise + [8, 9, 10, 11, 12, 13, 14, 11])
    assert seven.trend.tolist() == [0] * 10 + [1] * 7 + [0]
    six = chart(noise + [8, 9, 10, 11, 12, 13, 11])
    assert not six.trend.any()
    falling = chart(noise + [14, 13, 12, 11, 10, 9, 8, 11])
    assert falling.trend.tolist() == [0] * 10 + [-1] * 7 + [0]


def test_an_equal_value_breaks_a_trend():
    r = chart([10, 12] * 5 + [8, 9, 10, 11, 11, 12, 13, 14, 11])
    assert not r.trend.any()


# --------------------------------------------------------------------------------------------------
# Baselines and rebases
# --------------------------------------------------------------------------------------------------

def test_a_baseline_fixed_after_n_points_holds_its_limits_when_later_points_arrive():
    base = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 11]
    fixed = Baseline(fix_after=12)
    first = chart(base, baseline=fixed)
    later = chart(base + [30, 31, 29, 30, 28, 32], baseline=fixed)
    # mean 131/12 and mean(MR) 13/11 (MR 1 1 2 1 1 1 1 2 1 1 1) of the first twelve points only
    assert later.mean[0] == pytest.approx(131 / 12)
    assert later.mean_moving_range[0] == pytest.approx(13 / 11)
    assert (later.mean == first.mean[0]).all() and (later.upper == first.upper[0]).all()
    assert later.in_baseline.tolist() == [True] * 12 + [False] * 6
    assert (later.rule[12:] == RULE_BEYOND).all()  # the later jump is judged against the held limits
    unfixed = chart(base + [30, 31, 29, 30, 28, 32])
    assert unfixed.mean[0] != first.mean[0]  # without a baseline the jump moves its own limits


def test_a_baseline_period_uses_its_months_only():
    values = [40, 41, 10, 11, 10, 12, 11, 10, 13, 30]
    r = xmr(values, list(range(10)), baseline=Baseline(start=2, end=8))
    # 10 11 10 12 11 10 13: mean 77/7 = 11; MR inside the period only 1 1 2 1 1 3 -> 9/6 = 1.5
    assert r.mean[0] == 11
    assert r.mean_moving_range[0] == pytest.approx(1.5)
    assert r.in_baseline.tolist() == [False] * 2 + [True] * 7 + [False]
    assert r.provisional.all()  # seven points: fewer than twelve


def test_a_rebase_splits_the_limits_at_its_month_and_each_segment_has_its_baseline():
    values = [10, 11, 10, 12, 11, 10, 20, 21, 20, 22, 21, 20, 35]
    r = chart(values, rebase=[6], baseline=Baseline(fix_after=3))
    assert r.segment.tolist() == [0] * 6 + [1] * 7
    assert r.mean[0] == pytest.approx(31 / 3) and r.mean[6] == pytest.approx(61 / 3)
    assert r.in_baseline.tolist() == [True] * 3 + [False] * 3 + [True] * 3 + [False] * 4
    frame = r.frame()
    assert frame.groupby("segment")["upper"].nunique().tolist() == [1, 1]


def test_the_status_reading_agrees_with_the_chart_under_a_baseline():
    y = np.array([10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 11, 14, 14, 15, 9, 8], dtype=float)
    m = np.arange(len(y), dtype=np.int64)
    for baseline in (Baseline(fix_after=5), Baseline(start=3, end=9)):
        series = SeriesSpc(y, m, np.array([12]), SpcSettings(), baseline)
        for k in range(len(y)):
            full = series.chart(k)
            latest = series.latest(k)
            np.testing.assert_equal([latest.rule, latest.side, latest.mean, latest.upper, latest.provisional],
                                    [full.rule[-1], full.side[-1], full.mean[-1], full.upper[-1],
                                     full.provisional[-1]], err_msg=f"{baseline}, {k}")


# --------------------------------------------------------------------------------------------------
# The baseline and rebases as spc_history.yaml declares them, and each new version on the audit trail
# --------------------------------------------------------------------------------------------------

def test_the_history_declares_a_baseline_and_who_recorded_a_rebase():
    history = history_from_dict({"measures": {"cse_charges": {
        "baseline": {"fix_after": 20},
        "rebase": [{"month": "2014-08", "reason": "The Jay report.", "recorded_by": "analyst@example.org",
                    "recorded_on": "2014-09-15"}]}, "cse_arrests": {"baseline": {"from": "2014-08", "to": "2016-03"}}}})
    assert history.baseline_of("cse_charges") == Baseline(fix_after=20)
    assert history.baseline_of("cse_arrests") == Baseline(start=month_number("2014-08"), end=month_number("2016-03"))
    assert history.baseline_of("cse_referrals") == Baseline()
    (rebase,) = history.rebases_of("cse_charges")
    assert rebase.text == ("Limits recalculated from August 2014: The Jay report. "
                           "(recorded by analyst@example.org on 15 September 2014)")


def test_the_office_file_names_who_recorded_each_rebase():
    history = load_spc_history()
    rebases = [r for m in history.rebases for r in history.rebases_of(m)]
    assert rebases and all(r.recorded_by and r.recorded_on for r in rebases)


@pytest.mark.parametrize(("baseline", "message"), [
    ({"fix_after": 1}, "at least 2"),
    ({"fix_after": 12, "from": "2015-01"}, "not both"),
    ({"from": "2015-01"}, "both from and to"),
    ({"from": "2016-01", "to": "2015-01"}, "swap them"),
    ({"from": "2014-01", "to": "2015-01"}, "spans the rebase of August 2014"),
    ({"fix_afer": 12}, 'did you mean "fix_after"'),
])
def test_a_wrong_baseline_is_refused_naming_the_measure_and_the_fix(baseline, message):
    with pytest.raises(ConfigError, match=rf'"cse_charges", baseline: .*{message}'):
        history_from_dict({"measures": {"cse_charges": {
            "baseline": baseline, "rebase": [{"month": "2014-08", "reason": "The Jay report."}]}}})


def test_a_new_version_of_the_history_file_goes_on_the_audit_trail_once(con, tmp_path):
    path = tmp_path / "spc_history.yaml"
    path.write_text("measures:\n  cse_charges:\n    rebase: [{month: 2014-08, reason: The Jay report.}]\n")
    assert record_version(con, path) is True
    assert record_version(con, path) is False  # the same file: nothing new to record
    path.write_text("measures:\n  cse_charges:\n    baseline: {fix_after: 20}\n"
                    "    rebase: [{month: 2014-08, reason: The Jay report.}]\n")
    assert record_version(con, path) is True
    rows = con.execute("SELECT identity, channel, subject, detail FROM audit_event WHERE action = 'spc_history' "
                       "ORDER BY event_id").fetchall()
    assert [r[:3] for r in rows] == [("pccdash", "system", "spc_history.yaml")] * 2
    first, second = rows[0][3].splitlines(), rows[1][3].splitlines()
    assert first[0].startswith("sha256 ") and first[1:3] == ["changed:", "first version seen"]
    assert second[0] == f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
    assert second[1:3] == ["changed:", "+ cse_charges baseline: limits from the first 20 points of each segment, "
                                       "then held"]
    path.write_text("measures: {cse_charges: {rebase: [{month: 2014-13, reason: x}]}}\n")
    assert record_version(con, path) is True  # a broken version is recorded too, saying why
    last = con.execute("SELECT detail FROM audit_event WHERE action = 'spc_history' ORDER BY event_id DESC "
                       "LIMIT 1").fetchall()[0][0]
    assert "the file does not validate" in last and "Write it as YYYY-MM" in last


def test_each_rule_is_defined_in_the_same_words_in_the_code_and_the_methodology():
    import re
    from pathlib import Path

    from pipelines.plan import spc

    doc = " ".join(spc.__doc__.split())
    text = " ".join((Path(__file__).parents[1] / "docs" / "methodology.md").read_text(encoding="utf-8").split())
    for letter in "abcd":
        in_code = re.search(rf"\({letter}\) [a-z ]+: (.+?)(?= \([a-e]\) | Where rules overlap)", doc).group(1)
        in_text = re.search(rf"\*\*\({letter}\) [A-Za-z ]+\*\*: (.+?)(?= - \*\*| Where rules overlap)", text).group(1)
        assert in_code == in_text, letter
    assert "all three points strictly on that side of the mean" in text


# --------------------------------------------------------------------------------------------------
# Figures are decimals: a point on the mean or a limit to the last decimal is on it
# --------------------------------------------------------------------------------------------------

def test_a_percentage_held_level_is_common_cause_not_beyond_its_limits():
    # Seven months at 12.1% average 12.099999999999998 in binary, and the limits (no variation) sit there
    # too: a chart comparing bits called every month "above the upper process limit".
    for level in (12.1, 92.3, 100 * 1 / 7, 100 * 2 / 3):
        r = chart([level] * 14)
        assert not r.special.any(), level
        assert (r.relative_to_mean == 0).all(), level
        series = SeriesSpc(np.array([level] * 14), np.arange(14, dtype=np.int64), np.array([], dtype=np.int64),
                           SpcSettings())
        assert all(series.latest(k).rule == 0 for k in range(14)), level


def test_a_decimal_figure_on_the_mean_breaks_a_shift():
    # 16.1 16.3 alternating, mean 16.2 exactly in decimals (16.200000000000003 in binary); then 16.3 x3,
    # 16.2 (on the mean), 16.3 x3 after a baseline of the first 8: no seven in a row above the mean. Read
    # bit by bit, 16.2 sat below the mean, and 16.2 16.2 ... would be a run below it.
    r = chart([16.1, 16.3] * 4 + [16.3] * 3 + [16.2] + [16.3] * 3, baseline=Baseline(fix_after=8))
    assert r.relative_to_mean[11] == 0
    assert not r.shift.any()
    level = chart([16.1, 16.3] * 4 + [16.2] * 8, baseline=Baseline(fix_after=8))
    assert not level.special.any()


def test_limits_at_the_aspiration_to_the_last_decimal_meet_it():
    from pipelines.plan.spc import assurance

    r = chart([12.1] * 14)
    assert assurance(float(r.lower[-1]), float(r.upper[-1]), 12.1, "good") == "pass"
    assert assurance(float(r.lower[-1]), float(r.upper[-1]), 12.1, "bad") == "pass"
    assert assurance(float(r.lower[-1]), float(r.upper[-1]), 12.2, "good") == "fail"


def test_the_turn_between_a_rising_and_a_falling_trend_keeps_the_trend_it_ends():
    r = chart([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1])
    assert r.trend.tolist() == [1] * 7 + [-1] * 6
    trough = chart([7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7])
    assert trough.trend.tolist() == [-1] * 7 + [1] * 6
