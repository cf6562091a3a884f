"""An XmR chart follows Making Data Count: mean +/- 2.66 x mean moving range, four special-cause rules.

Each series here is small enough to check by hand; the comments show the arithmetic. The rules:
a point beyond a limit; a shift of 7 points on one side of the mean; a trend of 7 points each above
(or below) the one before; two of three points in the near-limit band or beyond on one side, all three
on that side of the mean.
Priority where they overlap: beyond, trend, two of three, shift.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plan.spc import (
    RULE_BEYOND,
    RULE_SHIFT,
    RULE_TREND,
    RULE_TWO_OF_THREE,
    Baseline,
    SeriesSpc,
    SpcSettings,
    _xmr,
    assurance,
    point_type,
    xmr,
)


def chart(values, months=None, **kwargs):
    months = list(range(len(values))) if months is None else months
    return xmr(values, months, **kwargs)


# --------------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------------

def test_limits_by_hand():
    # x = 10 14 12 15 11 13: mean = 75 / 6 = 12.5
    # MR = 4 2 3 4 2: mean MR = 15 / 5 = 3
    # limits 12.5 +/- 2.66 x 3 = 12.5 +/- 7.98 -> 20.48 and 4.52
    # near-limit band from 12.5 +/- (2/3 x 2.66) x 3 = 12.5 +/- 5.32 -> 17.82 and 7.18
    r = chart([10, 14, 12, 15, 11, 13])
    assert r.mean[0] == pytest.approx(12.5)
    assert r.mean_moving_range[0] == pytest.approx(3.0)
    assert r.upper[0] == pytest.approx(20.48)
    assert r.lower[0] == pytest.approx(4.52)
    assert r.near_upper[0] == pytest.approx(17.82)
    assert r.near_lower[0] == pytest.approx(7.18)
    assert np.isnan(r.moving_range[0])
    assert r.moving_range[1:].tolist() == [4, 2, 3, 4, 2]
    assert not r.special.any()


def test_limits_of_an_alternating_series():
    # 5 6 5 6 ... (12 points): mean 5.5, every MR 1 -> limits 5.5 +/- 2.66 = 8.16 and 2.84
    r = chart([5, 6] * 6)
    assert (r.mean == 5.5).all()
    assert r.upper[0] == pytest.approx(8.16)
    assert r.lower[0] == pytest.approx(2.84)
    assert r.near_upper[0] == pytest.approx(5.5 + 2 / 3 * 2.66)
    assert not r.special.any()
    assert not r.provisional.any()  # 12 points: not provisional


def test_fewer_than_twelve_points_are_provisional():
    assert chart([5, 6] * 5 + [5]).provisional.all()  # 11 points
    assert not chart([5, 6] * 6).provisional.any()    # 12 points


def test_custom_min_points():
    assert not chart([5, 6, 5, 6], settings=SpcSettings(min_points=4)).provisional.any()


# --------------------------------------------------------------------------------------------------
# Rule (a): beyond a limit
# --------------------------------------------------------------------------------------------------

def test_point_beyond_upper_limit():
    # 5 6 5 6 5 6 20 5 6 5 6 5: sum 80, mean 6.667
    # MR 1 1 1 1 1 14 15 1 1 1 1 -> 38 / 11 = 3.4545
    # upper = 6.667 + 2.66 x 3.4545 = 15.86 -> 20 is beyond; the other points sit below the mean, but
    # six then five in a row: no shift.
    r = chart([5, 6, 5, 6, 5, 6, 20, 5, 6, 5, 6, 5])
    assert r.mean[0] == pytest.approx(80 / 12)
    assert r.mean_moving_range[0] == pytest.approx(38 / 11)
    assert r.upper[0] == pytest.approx(80 / 12 + 2.66 * 38 / 11)
    assert r.beyond.tolist() == [0] * 6 + [1] + [0] * 5
    assert r.rule[6] == RULE_BEYOND and r.side[6] == 1
    assert r.special.sum() == 1


def test_point_below_lower_limit():
    r = chart([15, 14, 15, 14, 15, 14, 0, 15, 14, 15, 14, 15])
    assert r.beyond.tolist() == [0] * 6 + [-1] + [0] * 5


def test_point_on_the_limit_is_not_beyond():
    # A constant series has a zero moving range: its limits sit on the points, which are not beyond.
    r = chart([4, 4, 4, 4])
    assert r.upper[0] == r.lower[0] == 4
    assert not r.beyond.any()


def test_screening_leaves_out_large_moving_ranges():
    # The series above: mean MR 38/11 = 3.4545; 3.267 x 3.4545 = 11.29, so the ranges 14 and 15 are
    # left out and mean MR becomes 9 / 9 = 1: upper = 6.667 + 2.66 = 9.33.
    values = [5, 6, 5, 6, 5, 6, 20, 5, 6, 5, 6, 5]
    off = chart(values)
    on = chart(values, settings=SpcSettings(screen_outliers=True))
    assert off.mean_moving_range[0] == pytest.approx(38 / 11)
    assert on.mean_moving_range[0] == pytest.approx(1.0)
    assert on.upper[0] == pytest.approx(80 / 12 + 2.66)
    assert on.mr_excluded.tolist() == [False] * 6 + [True, True] + [False] * 4
    assert not off.mr_excluded.any()
    assert on.rule[6] == RULE_BEYOND


def test_screening_keeps_every_range_when_none_is_large():
    values = [10, 14, 12, 15, 11, 13]
    screened = chart(values, settings=SpcSettings(screen_outliers=True))
    assert screened.mean_moving_range[0] == pytest.approx(3.0)


# --------------------------------------------------------------------------------------------------
# Rule (b): shift
# --------------------------------------------------------------------------------------------------

def test_shift_flags_every_point_of_the_run():
    # 4 5 4 5 4 5 4 | 6 7 6 7 6 7 6: mean 76/14 = 5.43; MR twelve 1s and a 2 -> 14/13 = 1.077
    # limits 2.56 .. 8.29, near band beyond 3.52 / 7.34: every point inside, so only the shift rule fires:
    # seven below the mean, then seven above.
    r = chart([4, 5, 4, 5, 4, 5, 4, 6, 7, 6, 7, 6, 7, 6])
    assert r.mean[0] == pytest.approx(76 / 14)
    assert r.mean_moving_range[0] == pytest.approx(14 / 13)
    assert r.shift.tolist() == [-1] * 7 + [1] * 7
    assert (r.rule == RULE_SHIFT).all()


def test_six_points_are_not_a_shift():
    r = chart([4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7])
    assert not r.shift.any()


def test_a_point_on_the_mean_breaks_a_shift():
    # 4 5 4 5 4 5 | 5.5 | 7 6 7 6 7 6: sum 71.5 over 13 points -> mean exactly 5.5, which the middle
    # point sits on. Six below, one on, six above: no shift.
    on_mean = chart([4, 5, 4, 5, 4, 5, 5.5, 7, 6, 7, 6, 7, 6])
    assert on_mean.mean[0] == 5.5
    assert not on_mean.shift.any()
    # Move that point to 5 (below the new mean 71/13 = 5.46): seven below in a row.
    below = chart([4, 5, 4, 5, 4, 5, 5, 7, 6, 7, 6, 7, 6])
    assert below.shift.tolist() == [-1] * 7 + [0] * 6


def test_shift_length_is_configurable():
    r = chart([4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7], settings=SpcSettings(shift_length=6))
    assert r.shift.tolist() == [-1] * 6 + [1] * 6


def test_fewer_points_than_a_shift_needs():
    r = chart([1, 2, 3])
    assert not r.shift.any() and not r.trend.any() and not r.two_of_three.any()


# --------------------------------------------------------------------------------------------------
# Rule (c): trend
# --------------------------------------------------------------------------------------------------

def test_trend_of_seven_rising_points():
    # 10 12 10 12 10 12 | 8 9 10 11 12 13 14: sum 143 / 13 = mean 11
    # MR 2 2 2 2 2 4 1 1 1 1 1 1 -> 20 / 12 = 1.667; limits 11 +/- 4.43 = 6.57 .. 15.43
    # near band 11 +/- 2.96: 14 is in the upper band alone (13 is not), 8 in the lower band alone.
    # 8 -> 14 is seven points each above the one before: all seven flagged, rising (high).
    r = chart([10, 12, 10, 12, 10, 12, 8, 9, 10, 11, 12, 13, 14])
    assert r.mean[0] == 11
    assert r.mean_moving_range[0] == pytest.approx(20 / 12)
    assert r.trend.tolist() == [0] * 6 + [1] * 7
    assert (r.rule[6:] == RULE_TREND).all() and (r.side[6:] == 1).all()
    assert not r.two_of_three.any()


def test_falling_trend_is_low():
    r = chart([10, 8, 10, 8, 10, 8, 14, 13, 12, 11, 10, 9, 8])
    assert r.trend.tolist() == [0] * 6 + [-1] * 7


def test_six_rising_points_are_not_a_trend():
    r = chart([10, 12, 10, 12, 10, 12, 9, 10, 11, 12, 13, 14])
    assert not r.trend.any()


def test_an_equal_value_breaks_a_trend():
    r = chart([10, 12, 10, 12, 8, 9, 10, 10, 11, 12, 13, 14])
    assert not r.trend.any()


def test_a_longer_trend_flags_every_point():
    r = chart([10, 12, 10, 12, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    assert r.trend.tolist() == [0] * 4 + [1] * 9


def test_trend_length_is_configurable():
    r = chart([10, 12, 10, 12, 10, 12, 9, 10, 11, 12, 13, 14], settings=SpcSettings(trend_length=6))
    assert r.trend.tolist() == [0] * 6 + [1] * 6


# --------------------------------------------------------------------------------------------------
# Rule (d): two of three near a limit
# --------------------------------------------------------------------------------------------------

def test_two_of_three_in_the_upper_band():
    # 10 11 x6 | 13 13 10 11: sum 173 / 16 = mean 10.8125
    # MR eleven 1s, 2, 0, 3, 1 -> 17 / 15 = 1.1333
    # near upper = 10.8125 + 1.7733 x 1.1333 = 12.82; upper = 10.8125 + 2.66 x 1.1333 = 13.83
    # the two 13s are in the band: both flagged, nothing else.
    r = chart([10, 11] * 6 + [13, 13, 10, 11])
    assert r.mean[0] == pytest.approx(173 / 16)
    assert r.mean_moving_range[0] == pytest.approx(17 / 15)
    assert r.near_upper[0] == pytest.approx(173 / 16 + 2 / 3 * 2.66 * 17 / 15)
    assert r.two_of_three.tolist() == [0] * 12 + [1, 1, 0, 0]
    assert r.rule.tolist() == [0] * 12 + [RULE_TWO_OF_THREE] * 2 + [0, 0]


def test_two_of_three_flags_only_the_points_in_the_band():
    # 10 11 x6 | 13 12 13 11: mean 175/16 = 10.94, mean MR 17/15 -> near upper 12.95, upper 13.95.
    # 13, 12, 13: the 13s are in the band, the 12 between them is not and is not flagged.
    r = chart([10, 11] * 6 + [13, 12, 13, 11])
    assert r.near_upper[0] == pytest.approx(175 / 16 + 2 / 3 * 2.66 * 17 / 15)
    assert r.two_of_three.tolist() == [0] * 12 + [1, 0, 1, 0]


def test_a_point_beyond_the_limit_counts_towards_two_of_three():
    # 10 11 x8 | 14 17 12: sum 211 / 19 = mean 11.105; MR fifteen 1s, 3, 3, 5 -> 26 / 18 = 1.444
    # near upper 11.105 + 1.7733 x 1.444 = 13.67, upper 11.105 + 3.842 = 14.95: 14 in the band, 17 beyond,
    # 12 above the mean. The window 14 17 12 is all above the mean with two beyond two sigma: 14 is
    # flagged (NHSRplotthedots 0.2.2 would count the band point only, and find one).
    r = chart([10, 11] * 8 + [14, 17, 12])
    assert r.mean_moving_range[0] == pytest.approx(26 / 18)
    assert r.two_of_three[-3:].tolist() == [1, 1, 0]
    assert r.rule[-3:].tolist() == [RULE_TWO_OF_THREE, RULE_BEYOND, 0]


def test_a_window_reaching_below_the_mean_is_not_two_of_three():
    # 10 11 x8 | 14 17 11: mean 210 / 19 = 11.05, so the last 11 is below it and the 11 before 14 too:
    # no window of three holding 14 and 17 lies wholly above the mean. Regression: the third point was
    # allowed anywhere, and flagged 14.
    r = chart([10, 11] * 8 + [14, 17, 11])
    assert r.mean[0] == pytest.approx(210 / 19)
    assert r.two_of_three[-3:].tolist() == [0, 0, 0]
    assert r.rule[-3:].tolist() == [0, RULE_BEYOND, 0]


def test_one_point_in_the_band_is_not_enough():
    r = chart([10, 11] * 6 + [13, 11, 10, 11])
    assert not r.two_of_three.any()


def test_two_of_three_needs_three_points_in_one_segment():
    # The same two points in the band, but a rebase puts the third point of the window elsewhere.
    r = chart([10, 11] * 6 + [13, 13], rebase=[12])
    assert not r.two_of_three.any()


# --------------------------------------------------------------------------------------------------
# Priority where rules overlap
# --------------------------------------------------------------------------------------------------

def test_overlap_priority_beyond_then_trend_then_two_of_three_then_shift():
    # 10 12 x5 | 11 13 14 15 16 17 25: mean 13, mean MR 2.0625, limits 7.51 .. 18.49, near 9.34 / 16.66
    # * 25 is beyond the upper limit, in the trend and in the band: beyond.
    # * 17 is in the trend and (with 25) two of three: trend.
    # * the first ten points are seven-plus below the mean: shift (low).
    # * 11 (index 10) is below the mean, continuing the shift, but starts the trend: trend, high.
    r = chart([10, 12] * 5 + [11, 13, 14, 15, 16, 17, 25])
    assert r.mean[0] == 13
    assert r.mean_moving_range[0] == pytest.approx(2.0625)
    assert r.beyond[16] == 1 and r.trend[16] == 1 and r.two_of_three[16] == 1
    assert r.rule[16] == RULE_BEYOND
    assert r.trend[15] == 1 and r.two_of_three[15] == 1 and r.rule[15] == RULE_TREND
    assert r.shift[10] == -1 and r.trend[10] == 1
    assert r.rule[10] == RULE_TREND and r.side[10] == 1
    assert (r.rule[:10] == RULE_SHIFT).all() and (r.side[:10] == -1).all()


# --------------------------------------------------------------------------------------------------
# Edge cases: gaps, a zero moving range, a single point, rebase
# --------------------------------------------------------------------------------------------------

def test_no_moving_range_across_a_gap():
    # Months 0 1 2 _ 4 5 (month 3 missing): values 10 12 10 | 20 22.
    # MR: 2, 2, (none: 10 -> 20 spans the gap), 2 -> mean MR 2, not (2+2+10+2)/4 = 4.
    r = chart([10, 12, 10, 20, 22], months=[0, 1, 2, 4, 5])
    assert np.isnan(r.moving_range[3])
    assert r.mean_moving_range[0] == 2
    assert r.mean[0] == pytest.approx(74 / 5)


def test_a_missing_value_is_a_gap():
    r = chart([10, 12, np.nan, 20, 22])
    assert len(r) == 4
    assert r.months.tolist() == [0, 1, 3, 4]
    assert np.isnan(r.moving_range[2])


def test_runs_count_present_points_across_a_gap():
    # The shift counts the points present in order: a month missing in the middle does not end it.
    values = [4, 5, 4, 5, 4, 5, 4, 6, 7, 6, 7, 6, 7, 6]
    months = list(range(7)) + [8 + i for i in range(7)]  # month 7 missing
    assert chart(values, months=months).shift.tolist() == [-1] * 7 + [1] * 7


def test_zero_moving_range_does_not_divide_by_zero():
    for screen in (False, True):
        r = chart([7.0] * 12, settings=SpcSettings(screen_outliers=screen))
        assert r.mean_moving_range[0] == 0
        assert (r.upper == 7).all() and (r.lower == 7).all()
        assert not r.special.any()  # equal points: no beyond, no shift (on the mean), no trend


def test_a_single_point_has_no_limits_and_no_signal():
    r = chart([5.0])
    assert len(r) == 1 and np.isnan(r.upper[0]) and r.provisional[0]
    assert not r.special.any()


def test_an_empty_series():
    r = chart([])
    assert len(r) == 0
    assert r.frame().empty


def test_rebase_recalculates_limits_per_segment():
    # Twelve points around 10, then twelve around 20; rebased at month 12.
    low, high = [9, 11] * 6, [19, 21] * 6
    plain = chart(low + high)
    assert plain.special.all()  # one mean of 15 for both: every point is a shift (or near a limit)
    assert (plain.shift != 0).all()
    r = chart(low + high, rebase=[12])
    assert r.segment.tolist() == [0] * 12 + [1] * 12
    assert (r.mean[:12] == 10).all() and (r.mean[12:] == 20).all()
    assert np.isnan(r.moving_range[12])  # no range across the rebase
    assert (r.mean_moving_range == 2).all()
    assert not r.special.any()
    assert not r.provisional.any()


def test_runs_do_not_cross_a_rebase():
    # Segment 0 ends with four points above its mean, segment 1 starts with four above its own.
    seg0 = [9, 11, 9, 11, 9, 11, 9, 11, 12, 12, 12, 12]
    seg1 = [22, 22, 22, 22, 19, 21, 19, 21, 19, 21, 19, 21]
    r = chart(seg0 + seg1, rebase=[12])
    assert not r.shift.any()


def test_short_segment_after_a_rebase_is_provisional():
    r = chart([9, 11] * 6 + [19, 21, 19, 21, 20], rebase=["1971-01"])  # month 12 = January 1971
    assert not r.provisional[:12].any() and r.provisional[12:].all()


def test_months_as_timestamps():
    import pandas as pd
    months = pd.date_range("2014-04-01", periods=6, freq="MS")
    r = xmr([10, 14, 12, 15, 11, 13], months.values, rebase=["2014-07"])
    assert r.segment.tolist() == [0, 0, 0, 1, 1, 1]
    frame = r.frame("good")
    assert frame["period"].iloc[3] == pd.Timestamp("2014-07-01")


# --------------------------------------------------------------------------------------------------
# Variation and assurance, judged with the measure's direction
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("increase_is", "side", "icon"), [
    ("good", 1, "improvement_high"), ("good", -1, "concern_low"),
    ("bad", 1, "concern_high"), ("bad", -1, "improvement_low"),
    ("neutral", 1, "neutral_high"), ("neutral", -1, "neutral_low"),
])
def test_variation_icon(increase_is, side, icon):
    assert point_type(RULE_SHIFT, side, increase_is) == icon
    assert point_type(0, 0, increase_is) == "common_cause"


@pytest.mark.parametrize(("lower", "upper", "target", "increase_is", "icon"), [
    (92, 98, 90, "good", "pass"),          # both limits at or above 90
    (90, 98, 90, "good", "pass"),          # at or above: the limit on the target passes
    (80, 89, 90, "good", "fail"),          # both below
    (85, 95, 90, "good", "hit_and_miss"),  # the target between the limits
    (10, 20, 25, "bad", "pass"),           # both at or below 25
    (30, 40, 25, "bad", "fail"),
    (20, 30, 25, "bad", "hit_and_miss"),
    (20, 30, 25, "neutral", None),         # no good direction: no assurance
    (20, 30, None, "good", None),          # no target
])
def test_assurance(lower, upper, target, increase_is, icon):
    assert assurance(lower, upper, target, increase_is) == icon


def test_frame_columns_and_point_types():
    r = chart([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 20])
    frame = r.frame("bad")
    for column in ("period", "value", "mean", "upper", "lower", "near_upper", "near_lower", "special_cause",
                   "rule", "direction", "point_type", "beyond_limits", "trend", "two_of_three", "shift"):
        assert column in frame.columns
    last = frame.iloc[-1]
    assert last["rule"] == "beyond_limits" and last["direction"] == "high"
    assert last["point_type"] == "concern_high"


def test_invalid_settings():
    with pytest.raises(ValueError):
        SpcSettings(shift_length=1)
    with pytest.raises(ValueError):
        SpcSettings(screen_outliers="yes")


def test_duplicate_month_is_refused():
    with pytest.raises(ValueError):
        xmr([1, 2], [3, 3])


# --------------------------------------------------------------------------------------------------
# The latest-point reading used by the plan status agrees with the full chart
# --------------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(0, 6), min_size=1, max_size=40),
    gaps=st.lists(st.integers(1, 3), min_size=40, max_size=40),
    rebase_at=st.lists(st.integers(0, 80), max_size=2),
    screen=st.booleans(),
    shift_length=st.integers(2, 8),
    trend_length=st.integers(2, 8),
    halves=st.booleans(),
    base=st.one_of(st.none(), st.integers(2, 15), st.tuples(st.integers(0, 60), st.integers(0, 30))),
)
def test_latest_point_matches_the_full_chart(values, gaps, rebase_at, screen, shift_length, trend_length,
                                             halves, base):
    y = np.array(values, dtype=float) / (2.0 if halves else 1.0)  # small integers: plenty of ties
    m = np.cumsum(gaps[:len(values)]).astype(np.int64)          # steps of 2-3 are gap months
    rebase = np.array(sorted(set(rebase_at)), dtype=np.int64)
    cfg = SpcSettings(shift_length=shift_length, trend_length=trend_length, screen_outliers=screen)
    baseline = (Baseline() if base is None else Baseline(fix_after=base) if isinstance(base, int)
                else Baseline(start=base[0], end=base[0] + base[1]))
    series = SeriesSpc(y, m, rebase, cfg, baseline)
    for k in range(len(y)):
        full = _xmr(y[:k + 1], m[:k + 1], rebase, cfg, baseline)
        latest = series.latest(k)
        assert (latest.rule, latest.side) == (int(full.rule[-1]), int(full.side[-1])), k
        assert latest.provisional == bool(full.provisional[-1])
        np.testing.assert_equal([latest.mean, latest.upper, latest.lower],
                                [full.mean[-1], full.upper[-1], full.lower[-1]])


# --------------------------------------------------------------------------------------------------
# The measure page's chart: limits drawn per segment, each rebase marked with its reason
# --------------------------------------------------------------------------------------------------

def test_the_chart_draws_limits_per_segment_and_marks_the_rebase_with_its_reason():
    from dashboard.ui import xmr_chart
    from pipelines.plan.history import Rebase
    from pipelines.plan.periods import month_number

    months = [f"2014-{m:02d}" for m in range(1, 13)]
    r = xmr([10, 12, 11, 10, 12, 11, 20, 22, 21, 20, 22, 21], months, rebase=["2014-07"])
    rebase = Rebase(month_number("2014-07"), "A new way of recording.", "analyst@example.org")
    fig = xmr_chart(r.frame(), "Charges, force", "charges", rebases=[rebase])
    upper = next(t for t in fig.data if t.name == "Upper process limit")
    # six months at the first segment's limit, a break, six at the second's: no line joins the two
    assert list(upper.y[:6]) == [r.upper[0]] * 6 and upper.y[6] is None and list(upper.y[7:]) == [r.upper[6]] * 6
    assert r.upper[0] != r.upper[6]
    (note,) = [a for a in fig.layout.annotations if "Limits recalculated" in a.text]
    assert note.text == "Limits recalculated, July 2014"
    assert note.hovertext == ("Limits recalculated from July 2014: A new way of recording. "
                              "(recorded by analyst@example.org)")
    assert [s.x0 for s in fig.layout.shapes] == [pd.Timestamp("2014-07-01")]


def test_a_chart_of_a_few_months_ticks_each_month_by_its_name():
    """Regression: with an office's first two months, December and January, plotly ticked the axis by the week
    ("Dec 6", "Dec 13", "Dec 20", "Dec 27"), leaving January unlabelled and no year on the axis."""
    from dashboard.ui import xmr_chart

    two = xmr_chart(xmr([25, 35], ["2026-12", "2027-01"]).frame(), "Arrests, force", "people")
    assert (two.layout.xaxis.dtick, two.layout.xaxis.tickformat) == ("M1", "%b %Y")
    assert pd.Timestamp(two.layout.xaxis.tick0) == pd.Timestamp("2026-12-01")
    # every other month past four months, every third past eight; over a year plotly's own ticks are months or years
    eight = xmr_chart(xmr(list(range(9)), [f"2026-{m:02d}" for m in range(1, 10)]).frame(), "Arrests, force", "people")
    assert eight.layout.xaxis.dtick == "M2"
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    assert xmr_chart(xmr(list(range(24)), months).frame(), "Arrests, force", "people").layout.xaxis.dtick is None


def quarters_frame(first: str, n: int) -> pd.DataFrame:
    """A quarterly chart's frame as the measure page's quarterly view draws it: each quarter dated at its first
    month."""
    from pipelines.plan.periods import month_number, month_start

    starts = [month_number(first) + 3 * i for i in range(n)]
    frame = xmr(np.arange(n, dtype=float) + 10, np.array(starts) // 3).frame()
    frame["period"] = [month_start(s) for s in starts]
    return frame


def test_a_chart_of_a_few_quarters_ticks_each_quarter_by_its_name():
    """Regression: with an office's first two quarters, October to December 2026 and January to March 2027, plotly
    ticked the quarterly chart by the fortnight ("Oct 4 2026", "Oct 18", ... "Dec 27"), the second quarter
    unlabelled; over four quarters it ticked every other month ("Nov 2026", "Jan 2027"), never a quarter."""
    from dashboard.ui import xmr_chart

    two = xmr_chart(quarters_frame("2026-10", 2), "Arrests, force, by financial quarter", "people", step=3).layout
    assert two.xaxis.tickmode == "array" and list(two.xaxis.ticktext) == ["Q3 2026/27", "Q4 2026/27"]
    assert [pd.Timestamp(t) for t in two.xaxis.tickvals] == [pd.Timestamp("2026-10-01"), pd.Timestamp("2027-01-01")]
    # every other quarter past four, every third past eight; over 12 plotly's own ticks are half years or years
    nine = xmr_chart(quarters_frame("2026-10", 9), "Arrests", "people", step=3).layout.xaxis
    assert list(nine.ticktext) == ["Q3 2026/27", "Q1 2027/28", "Q3 2027/28", "Q1 2028/29", "Q3 2028/29"]
    assert xmr_chart(quarters_frame("2026-10", 14), "Arrests", "people", step=3).layout.xaxis.ticktext is None
    # a monthly chart of the same span keeps its months
    assert xmr_chart(xmr([25, 35], ["2026-12", "2027-01"]).frame(), "Arrests", "people").layout.xaxis.ticktext is None


def hover_of(trace, i: int) -> str:
    """What a point's hover says of its period and value, as plotly fills the trace's hover template (the trace's
    name shows beside it); a trace with no template shows its x as plotly writes a date, which is a day."""
    template = trace.hovertemplate
    assert template, f"{trace.name}: no hover template, so its hover says the day its point is dated at"
    return template.replace("%{customdata}", str(trace.customdata[i])).replace("%{y}", f"{trace.y[i]:g}")


def test_the_chart_s_hover_names_the_quarter_or_the_month_not_a_day():
    """Regression: the quarterly SPC chart's hover said the day each quarter is dated at ("Jul 1, 2016") where the
    axis and the table name the quarter ("Q2 2016/17"); a monthly chart over more than a year ("Jul 1, 2015") said
    a day too. Every trace dated by period (the values, the mean, the limits, the special-cause and caveat marks)
    names the period as the page does; the aspiration line names itself only."""
    from dashboard.ui import xmr_chart

    frame = quarters_frame("2016-04", 14).assign(caveats="")
    frame.loc[1, "caveats"] = "A caveat."
    fig = xmr_chart(frame, "Arrests, force, by financial quarter", "people", step=3, target=12.0)
    dated = [t for t in fig.data if t.hoverinfo != "name"]
    assert {t.name for t in dated} >= {"People", "Mean", "Upper process limit", "Lower process limit",
                                       "Has a caveat (listed below)"}
    values = next(t for t in dated if t.name == "People")
    assert [hover_of(values, i) for i in (0, 1, 13)] == ["Q1 2016/17: 10", "Q2 2016/17: 11", "Q2 2019/20: 23"]
    assert hover_of(next(t for t in dated if t.name == "Has a caveat (listed below)"), 0) == "Q2 2016/17: 11"
    for trace in dated:  # every point drawn (a break in a line has no value, and no hover) names its quarter
        drawn = [i for i, y in enumerate(trace.y) if y is not None and y == y]
        assert drawn and all(re.fullmatch(r"Q[1-4] \d{4}/\d{2}: .+", hover_of(trace, i)) for i in drawn), trace.name
    assert [t.hoverinfo for t in fig.data if t.name == "Aspiration"] == ["name"]

    months = [f"{y}-{m:02d}" for y in (2015, 2016) for m in range(1, 13)]
    monthly = xmr_chart(xmr(list(range(24)), months).frame(), "Arrests, force", "people")
    values = next(t for t in monthly.data if t.name == "People")
    assert [hover_of(values, i) for i in (0, 6, 23)] == ["January 2015: 0", "July 2015: 6", "December 2016: 23"]
    assert monthly.layout.xaxis.hoverformat == "%B %Y"


def test_the_chart_breaks_its_line_at_a_month_with_no_figure():
    """Regression: with April's return not sent, the measure page's line ran straight from March to May, as if they
    were consecutive months; the caption counted the months without saying one was missing."""
    import math

    from dashboard.ui import xmr_chart
    from pipelines.plan.narrative import missing_months
    from pipelines.plan.periods import missing_between

    months = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03", "2026-05"]
    r = xmr([10, 12, 11, 10, 12, 11, 13, 12, 11, 10, 12, 11, 12], months)
    frame = r.frame()
    values = next(t for t in xmr_chart(frame, "Charges, force", "charges").data if t.name == "Charges")
    assert [str(x)[:7] for x, y in zip(values.x, values.y, strict=True) if not math.isnan(y)] == months
    (gap,) = [x for x, y in zip(values.x, values.y, strict=True) if math.isnan(y)]
    assert pd.Timestamp("2026-03-01") < gap < pd.Timestamp("2026-05-01") and values.connectgaps is False
    assert missing_months(missing_between(frame["period"])) == "April 2026 is missing"
    # by quarter, a quarter left out is the gap, not every month between two quarters
    quarters = pd.Series(pd.to_datetime(["2025-04-01", "2025-07-01", "2026-01-01"]))
    assert missing_months(missing_between(quarters, 3)) == "October 2025 is missing"
    quarterly = xmr_chart(frame.iloc[:3].assign(period=quarters), "Charges, force", "charges", step=3)
    assert sum(math.isnan(y) for y in next(t for t in quarterly.data if t.name == "Charges").y) == 1
