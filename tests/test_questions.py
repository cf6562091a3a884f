"""The questions drafted for the Chief Constable ask about the strongest signals first, one per measure.

Each names its figures and rule; the districts with the same kind of signal are named inside the force's
question; the order follows the weights in pipelines/briefing/questions.py (the plan's first priority before
the rest, concern before neutral before a missed aspiration before improvement, force-wide before
district-only, beyond the limits before a shift before a trend before two of three); at most
``max_questions`` of them, all different; none when nothing signals; no aspiration asked about outside every
plan. Hand-made scenarios check each ordering rule; the sample warehouse checks real meetings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.briefing.period import reporting_period
from pipelines.briefing.questions import WEIGHTS, draft_questions, question_texts
from pipelines.errors import ConfigError
from pipelines.figures import plan_figures
from pipelines.plan import PlanAnalytics, SpcHistory, plans_from_dict
from pipelines.plan.synthetic import figures_from_series

N = 30  # April 2014 .. September 2016
MONTH = "2016-09"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
NO_HISTORY = SpcHistory()


def alt(a: float, b: float, n: int = N) -> list[float]:
    return [a if i % 2 == 0 else b for i in range(n)]


FLAT = alt(10, 12)
BEYOND = alt(10, 12, N - 1) + [30]                # the last month far above the upper limit
SHIFT = alt(10, 12, N - 7) + [13] * 7              # seven months above the average, none near a limit
TREND = alt(12, 10, N - 7) + [9, 10, 11, 12, 13, 14, 15]  # seven months each above the one before
TWO_OF_THREE = alt(10, 12, N - 3) + [16, 12, 16]   # two of the last three near the upper limit


def judge(first: dict[str, tuple[list, str]], *, later: dict[str, tuple[list, str]] | None = None,
          districts: dict[tuple[str, str], list] | None = None, training: list | None = None,
          end: str = "2017-03", month: str = MONTH) -> list:
    """The statuses of a one-plan scenario: ``first`` and ``later`` map a measure to the series every district
    reports and its direction; ``districts`` overrides single districts; ``training`` is every district's
    officers trained out of 100 (the percentage measure, with an aspiration of at least 95%)."""
    series: dict[tuple[str, str], list] = {}
    priorities = []
    for name, group in (("Protecting vulnerable people", first), ("Tackling crime", later or {})):
        measures = []
        for measure, (values, increase_is) in group.items():
            measures.append({"measure": measure, "increase_is": increase_is})
            for d in DISTRICTS:
                series[(measure, d)] = values
        if measures:
            priorities.append({"name": name, "measures": measures})
    if training is not None:
        priorities.append({"name": "Treating people fairly", "measures": [
            {"measure": "officers_trained_pct", "aspiration": {"level": 95}}]})
        for d in DISTRICTS:
            series[("officer_headcount", d)] = [100] * N
            series[("officers_trained", d)] = training
    series.update(districts or {})
    plans = plans_from_dict({"plans": [{"name": "Test plan", "start": "2014-04", "end": end,
                                        "baseline": "2014/15", "priorities": priorities}]})
    return PlanAnalytics(figures_from_series(series, "2014-04"), plans=plans, history=NO_HISTORY).status(month)


def signal_of(statuses, measure: str, area: str = "South Yorkshire") -> tuple:
    s = next(s for s in statuses if s.measure_id == measure and s.area == area)
    return s.variation_icon, s.signal_rule, s.assurance_icon


def order(statuses, limit: int = 100) -> list[str]:
    return [q.measure_id for q in draft_questions(statuses, limit)]


# --------------------------------------------------------------------------------------------------
# Hand-made scenarios: one rule each
# --------------------------------------------------------------------------------------------------

def test_nothing_signals_nothing_is_asked():
    out = judge({"cse_arrests": (FLAT, "good"), "cse_charges": (FLAT, "good")})
    assert signal_of(out, "cse_arrests")[:2] == ("common_cause", None)
    assert draft_questions(out) == [] and question_texts(out) == []


def test_one_question_per_measure_the_force_first_and_the_districts_named_with_their_figures():
    out = judge({"cse_live_investigations": (BEYOND, "neutral")})
    assert all(signal_of(out, "cse_live_investigations", a)[:2] == ("neutral_high", "beyond_limits")
               for a in ("South Yorkshire", *DISTRICTS))
    [q] = draft_questions(out)
    assert q.areas == ("South Yorkshire", *DISTRICTS)
    assert q.rule == "a point beyond the process limits"
    assert q.text.startswith("Live CSE investigations across South Yorkshire were 120 at the end of September "
                             "2016, the highest on record (the figures begin in April 2014) and above the upper "
                             "process limit (")
    assert ("with Barnsley (30), Doncaster (30), Rotherham (30) and Sheffield (30) also above their upper process "
            "limits") in q.text
    # a neutral change asks what explains it and whether the force can meet it
    assert q.text.endswith("What explains the rise in live CSE investigations, and does the force have the capacity "
                           "to meet it?")


def test_a_figure_and_the_limit_it_is_said_above_never_read_as_the_same_number():
    """Regression: a drafted question read "was 96.5% ... above the upper process limit (96.5%)" (96.54% against
    96.47%, both to one decimal place), and "were 120 ... above the upper process limit (120.0)" (against 119.96):
    the figure and its limit are now said with as many decimal places as it takes to tell them apart, and the limits
    said against a missed aspiration of at least 95.0% read 94.96%, not 95.0%."""
    out = judge({}, training=alt(80, 82, N - 1) + [96])
    trained = next(s for s in out if s.measure_id == "officers_trained_pct" and s.area == "South Yorkshire")
    assert trained.signal_rule == "beyond_limits" and trained.assurance_icon == "fail" and trained.target == 95
    [q] = question_texts([dataclasses.replace(trained, value=96.54, upper=96.47, assurance_icon="pass")])
    assert ("was 96.54% at the end of September 2016, the highest on record (the figures begin in April 2014) and "
            "above the upper process limit (96.47%).") in q
    [q] = question_texts([dataclasses.replace(trained, upper=94.96)])
    assert "against an aspiration of at least 95.0%: its process limits (74.86% to 94.96%) show" in q
    [q] = question_texts([trained])  # apart at one place: said as before
    assert "was 96.0% at the end" in q and "its process limits (74.9% to 88.1%)" in q

    out = judge({"cse_live_investigations": (BEYOND, "neutral")})
    live = next(s for s in out if s.measure_id == "cse_live_investigations" and s.area == "South Yorkshire")
    [q] = question_texts([dataclasses.replace(live, upper=119.96)])
    assert "were 120 at the end of September 2016" in q and "above the upper process limit (119.96)." in q
    [q] = question_texts([dataclasses.replace(live, upper=119.5)])
    assert "above the upper process limit (119.5)." in q


def test_a_point_beyond_the_limits_before_a_shift_before_a_trend_before_two_of_three():
    out = judge({"cse_arrests": (TWO_OF_THREE, "bad"), "grooming_arrests": (TREND, "bad"),
                 "cse_charges": (SHIFT, "bad"), "cawn_issued": (BEYOND, "bad")})
    assert [signal_of(out, m)[:2] for m in ("cse_arrests", "grooming_arrests", "cse_charges", "cawn_issued")] == [
        ("concern_high", "two_of_three"), ("concern_high", "trend"), ("concern_high", "shift"),
        ("concern_high", "beyond_limits")]
    drafts = draft_questions(out)
    assert [q.measure_id for q in drafts] == ["cawn_issued", "cse_charges", "grooming_arrests", "cse_arrests"]
    rules = [q.rule for q in drafts]
    assert rules[0] == "a point beyond the process limits"
    assert rules[1] == "a run of 7 months above the average"
    assert rules[2] == "a trend of 7 months, each higher than the one before"
    assert rules[3] == "two of three months near the upper process limit"
    # each names its figure and what it is judged against
    shift = drafts[1].text
    assert "were 52 in September 2016" in shift and "above the average (" in shift and "for 7 months in a row" in shift
    two = drafts[3].text
    assert "close to or above the upper process limit (" in two and "in 2 of the last 3 months" in two


def test_concern_before_neutral_before_improvement():
    out = judge({"cse_arrests": (BEYOND, "good"), "cse_referrals": (BEYOND, "neutral"),
                 "cse_charges": (BEYOND, "bad")})
    assert [signal_of(out, m)[0] for m in ("cse_arrests", "cse_referrals", "cse_charges")] == [
        "improvement_high", "neutral_high", "concern_high"]
    drafts = draft_questions(out)
    assert [q.measure_id for q in drafts] == ["cse_charges", "cse_referrals", "cse_arrests"]
    assert drafts[0].text.endswith("What explains the rise in CSE charges, and what is being done to reverse it?")
    assert drafts[2].text.endswith("What has worked for CSE arrests, and how will it be kept up?")


def test_the_plans_first_priority_before_anything_on_the_percentage_of_training():
    # training falls far below its lower limit (a concern) and misses its aspiration; a CSE measure shows
    # only a neutral two of three
    out = judge({"cse_referrals": (TWO_OF_THREE, "neutral")}, training=alt(80, 82, N - 1) + [50])
    assert signal_of(out, "officers_trained_pct") == ("concern_low", "beyond_limits", "fail")
    assert signal_of(out, "cse_referrals")[:2] == ("neutral_high", "two_of_three")
    assert order(out) == ["cse_referrals", "officers_trained_pct"]


def test_a_missed_aspiration_ranks_below_special_cause_on_a_cse_measure():
    out = judge({"cse_arrests": (TWO_OF_THREE, "good")}, training=alt(80, 82))
    assert signal_of(out, "officers_trained_pct") == ("common_cause", None, "fail")
    assert signal_of(out, "cse_arrests")[0] == "improvement_high"
    drafts = draft_questions(out)
    assert [q.measure_id for q in drafts] == ["cse_arrests", "officers_trained_pct"]
    training = drafts[1]
    assert training.strength == WEIGHTS["aspiration"] + WEIGHTS["force"] + 4 * WEIGHTS["each_district"]
    assert training.areas == ("South Yorkshire", *DISTRICTS)
    assert training.rule == "the process limits show the aspiration will consistently be missed"
    assert ("The percentage of officers trained across South Yorkshire was 82.0% at the end of September 2016, "
            "against an aspiration of at least 95.0%") in training.text
    assert "with Barnsley (82.0%), Doncaster (82.0%), Rotherham (82.0%) and Sheffield (82.0%) also set to miss" \
        in training.text


def test_a_force_wide_signal_before_a_district_only_one_even_on_a_weaker_rule():
    out = judge({"cse_arrests": (FLAT, "bad"), "cse_charges": (TWO_OF_THREE, "bad")},
                districts={("cse_arrests", "Doncaster"): alt(10, 12, N - 1) + [20]})
    assert signal_of(out, "cse_arrests")[0] == "common_cause"
    assert signal_of(out, "cse_arrests", "Doncaster")[:2] == ("concern_high", "beyond_limits")
    assert signal_of(out, "cse_charges")[:2] == ("concern_high", "two_of_three")
    drafts = draft_questions(out)
    assert [q.measure_id for q in drafts] == ["cse_charges", "cse_arrests"]
    assert drafts[1].areas == ("Doncaster",)
    assert drafts[1].text.startswith("CSE arrests in Doncaster were 20 in September 2016")


def test_the_weights_keep_each_rank_above_everything_below_it():
    # the largest sum of the lower terms cannot overturn a higher one (nine districts at most)
    rules = WEIGHTS["beyond_limits"] - WEIGHTS["two_of_three"]
    lower_than_kind = WEIGHTS["force"] + rules + 9 * WEIGHTS["each_district"]
    assert WEIGHTS["force"] > rules + 9 * WEIGHTS["each_district"]
    assert WEIGHTS["two_of_three"] > 9 * WEIGHTS["each_district"]
    assert WEIGHTS["concern"] - WEIGHTS["neutral"] > lower_than_kind
    assert WEIGHTS["neutral"] - WEIGHTS["aspiration"] > lower_than_kind
    assert WEIGHTS["aspiration"] - WEIGHTS["improvement"] > lower_than_kind
    assert WEIGHTS["first_priority"] > WEIGHTS["concern"] - WEIGHTS["improvement"] + lower_than_kind


def test_outside_every_plan_only_the_charts_signals_are_asked_about():
    kwargs = {"training": alt(80, 82), "later": {"cce_referrals": (SHIFT, "neutral")}}
    judged = judge({"cse_charges": (BEYOND, "good")}, **kwargs)
    lapsed = judge({"cse_charges": (BEYOND, "good")}, end="2016-06", **kwargs)
    assert not any(s.plan_in_force for s in lapsed)
    assert order(judged) == ["cse_charges", "cce_referrals", "officers_trained_pct"]
    drafts = draft_questions(lapsed)
    assert [q.measure_id for q in drafts] == ["cse_charges", "cce_referrals"]
    assert not any("aspiration" in q.text or "aspiration" in q.rule for q in drafts)


def test_a_concern_on_a_measure_that_also_misses_its_aspiration_says_both():
    out = judge({}, training=alt(80, 82, N - 1) + [50])
    assert signal_of(out, "officers_trained_pct") == ("concern_low", "beyond_limits", "fail")
    [q] = draft_questions(out)
    assert q.text.startswith("The percentage of officers trained across South Yorkshire was 50.0% at the end of "
                             "September 2016, the lowest on record (the figures begin in April 2014) and below the "
                             "lower process limit (")
    assert "show the aspiration (at least 95.0%) will consistently be missed. What explains the fall in" in q.text


def test_at_most_the_limit_and_the_setting_sets_it(monkeypatch):
    out = judge({"cse_arrests": (TWO_OF_THREE, "bad"), "grooming_arrests": (TREND, "bad"),
                 "cse_charges": (SHIFT, "bad"), "cawn_issued": (BEYOND, "bad")})
    everything = question_texts(out, limit=100)
    assert len(everything) == 4
    assert question_texts(out, limit=2) == everything[:2]
    assert question_texts(out, limit=0) == []
    monkeypatch.setenv("PCCDASH_MAX_QUESTIONS", "3")
    assert question_texts(out) == everything[:3]
    monkeypatch.setenv("PCCDASH_MAX_QUESTIONS", "a few")
    with pytest.raises(ConfigError, match='PCCDASH_MAX_QUESTIONS "a few" is not a whole number'):
        question_texts(out)


# --------------------------------------------------------------------------------------------------
# The sample warehouse: real meetings
# --------------------------------------------------------------------------------------------------

MEETINGS = ("2014-09-18", "2015-08-20", "2017-06-15", "2020-02-20", "2023-10-19", "2026-06-18")


@pytest.fixture(scope="module")
def sample(sample_db) -> tuple[PlanAnalytics, list[str]]:
    """The sample's figures, with April and May 2026 (past the last plan) made from March's with counts moved."""
    with warehouse.connect_read_only(sample_db) as con:
        figures = plan_figures(con)
    march = figures[figures["period"] == "2026-03"]
    extra = []
    for i, month in enumerate(("2026-04", "2026-05"), start=1):
        later = march.copy()
        later["period"] = month
        moved = later["measure"].isin(["cse_arrests", "cse_referrals"])
        later.loc[moved, "value"] = later.loc[moved, "value"] + 3 * i
        extra.append(later)
    figures = pd.concat([figures, *extra], ignore_index=True)
    months = sorted(figures["period"].unique())
    return PlanAnalytics(figures), months


def meeting_statuses(sample, meeting: str) -> list:
    analytics, months = sample
    period = reporting_period(dt.date.fromisoformat(meeting), months)
    return analytics.status(period.month)


@pytest.mark.slow
def test_the_sample_meetings_questions_are_different_few_and_strongest_first(sample, monkeypatch):
    asked = 0
    for meeting in MEETINGS:
        statuses = meeting_statuses(sample, meeting)
        drafts = draft_questions(statuses)
        texts = [q.text for q in drafts]
        assert len(set(texts)) == len(texts), meeting
        assert len({q.measure_id for q in drafts}) == len(drafts), meeting  # one per measure
        assert len(drafts) <= 6, meeting
        strengths = [q.strength for q in drafts]
        assert strengths == sorted(strengths, reverse=True), meeting
        assert all(t.endswith("?") and q.rule for t, q in zip(texts, drafts, strict=True))
        asked += len(drafts)
        monkeypatch.setenv("PCCDASH_MAX_QUESTIONS", "3")
        assert question_texts(statuses) == texts[:3], meeting
        monkeypatch.delenv("PCCDASH_MAX_QUESTIONS")
    assert asked >= 2 * len(MEETINGS) - 2  # the sample's meetings have things worth asking


@pytest.mark.slow
def test_the_august_2015_board_is_asked_first_about_live_cse_investigations(sample):
    statuses = meeting_statuses(sample, "2015-08-20")
    assert statuses[0].month == pd.Timestamp("2015-07-01")
    drafts = draft_questions(statuses)
    first = drafts[0]
    assert first.measure_id == "cse_live_investigations"
    assert first.text.startswith("Live CSE investigations across South Yorkshire were 155 at the end of July 2015, "
                                 "the highest on record (the figures begin in April 2013) and above the upper "
                                 "process limit")
    assert "Rotherham (46)" in first.text and "Rotherham" in first.areas
    # the training percentage is asked about once, force and districts together, after every CSE measure
    training = [q for q in drafts if q.measure_id == "officers_trained_pct"]
    assert len(training) == 1 and drafts[-1] is training[0]
    assert training[0].areas == ("South Yorkshire", *DISTRICTS)


@pytest.mark.slow
def test_past_the_last_plan_the_sample_asks_only_about_the_charts(sample):
    statuses = meeting_statuses(sample, "2026-06-18")
    assert statuses[0].month == pd.Timestamp("2026-05-01") and not statuses[0].plan_in_force
    drafts = draft_questions(statuses)
    assert drafts and not any("aspiration" in q.text for q in drafts)


# --------------------------------------------------------------------------------------------------
# A run that spans a missing month: counted in order, never said to be "in a row"
# --------------------------------------------------------------------------------------------------

SHIFT_OVER_A_GAP = alt(12, 10, N - 8) + [13, 13, 13, None, 13, 13, 13, 13]   # May 2016 missing inside the run
TREND_OVER_A_GAP = alt(12, 10, N - 8) + [9, 10, 11, None, 12, 13, 14, 15]
TWO_OF_THREE_OVER_A_GAP = alt(10, 12, N - 4) + [16, None, 12, 16]              # July 2016 missing


def test_a_run_across_a_missing_month_is_not_said_to_be_in_a_row():
    out = judge({"cse_charges": (SHIFT_OVER_A_GAP, "bad"), "grooming_arrests": (TREND_OVER_A_GAP, "bad"),
                 "cse_arrests": (TWO_OF_THREE_OVER_A_GAP, "bad")})
    assert [signal_of(out, m)[:2] for m in ("cse_charges", "grooming_arrests", "cse_arrests")] == [
        ("concern_high", "shift"), ("concern_high", "trend"), ("concern_high", "two_of_three")]
    force = {s.measure_id: s for s in out if s.area == "South Yorkshire"}
    for s in out:
        assert "in a row" not in s.sentence, s.sentence
    assert force["cse_charges"].sentence.startswith(
        "CSE charges across South Yorkshire in September 2016 (52) are above the average (")
    assert force["cse_charges"].sentence.endswith(
        ") in each of the last 7 months with figures (May 2016 is missing): a significant concern.")
    assert ("up on the one before in each of the last 6 months with figures (May 2016 is missing): a significant "
            "concern.") in force["grooming_arrests"].sentence
    assert ("close to or above the upper process limit in 2 of the last 3 months with figures (July 2016 is "
            "missing): a significant concern.") in force["cse_arrests"].sentence

    drafts = {q.measure_id: q for q in draft_questions(out)}
    for q in drafts.values():
        assert "in a row" not in q.text and "in a row" not in q.rule, q.text
    assert drafts["cse_charges"].rule == "a run of 7 months with figures above the average (May 2016 is missing)"
    assert "in each of the last 7 months with figures (May 2016 is missing)" in drafts["cse_charges"].text
    # the districts' runs miss the same month: said once, after the force's
    assert drafts["cse_charges"].text.count("May 2016 is missing") == 1
    assert ("(13) also above their averages in each of their last 7 months with figures. What explains"
            in drafts["cse_charges"].text)
    assert drafts["grooming_arrests"].rule == ("a trend of 7 months with figures, each higher than the one before "
                                               "(May 2016 is missing)")
    assert ("higher than the one before in each of the last 6 months with figures (May 2016 is missing)"
            in drafts["grooming_arrests"].text)
    assert "in 2 of the last 3 months with figures (July 2016 is missing)" in drafts["cse_arrests"].text
    assert drafts["cse_arrests"].rule == ("two of three months with figures near the upper process limit (July 2016 "
                                          "is missing)")
    assert "also rising from each month with figures to the next. What" in drafts["grooming_arrests"].text


def test_a_run_with_every_month_present_is_still_in_a_row():
    out = judge({"cse_charges": (SHIFT, "bad")})
    s = next(s for s in out if s.measure_id == "cse_charges" and s.area == "Rotherham")
    assert s.sentence.endswith("for 7 months in a row: a significant concern.")


def test_months_missing_are_listed_then_counted():
    from pipelines.plan.narrative import missing_months
    from pipelines.plan.periods import month_number

    may, june, july, aug = (month_number(f"2026-{m:02d}") for m in (5, 6, 7, 8))
    assert missing_months([]) == ""
    assert missing_months([may]) == "May 2026 is missing"
    assert missing_months([july, may]) == "May 2026 and July 2026 are missing"
    assert missing_months([may, june, july, aug]) == "4 months are missing, from May 2026 to August 2026"
