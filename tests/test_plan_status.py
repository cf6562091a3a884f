"""The plan status judges every plan measure, for the force and each district, in the reporting month.

A small scenario built by hand (April 2014 to September 2016) drives it: a shift down in Doncaster's
CSE charges from March 2016, a rising trend in Sheffield's online grooming offences, a neutral jump
in Rotherham's live investigations, and a training aspiration the limits show will be missed. Also
here: the bundled plan.yaml, its validation messages, the sentences, and the speed on a full-size
sample.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.catalogue import catalogue
from pipelines.errors import ConfigError
from pipelines.plan import (
    FiguresError,
    PlanAnalytics,
    SpcHistory,
    aggregate,
    format_status_table,
    history_from_dict,
    load_plans,
    load_spc_history,
    plan_for,
    plan_status,
    plans_from_dict,
    spc_frame,
    status_rows,
)
from pipelines.plan.narrative import concern_question, signal_sentence
from pipelines.plan.periods import month_number
from pipelines.plan.status import assurance_said
from pipelines.plan.synthetic import figures_from_series, synthetic_figures

N = 30  # April 2014 .. September 2016
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


def alt(a: float, b: float, n: int = N) -> list[float]:
    return [a if i % 2 == 0 else b for i in range(n)]


def plan_dict() -> dict:
    live = {"measure": "cse_live_investigations"}
    return {"plans": [{
        "name": "Test plan 2014-2017", "start": "2014-04", "end": "2017-03", "baseline": "2014/15",
        "priorities": [
            {"name": "Protecting vulnerable people", "measures": [
                {"measure": "cse_charges", "aspiration": {"level": 12}}, live]},
            {"name": "Tackling crime and anti-social behaviour", "measures": [
                {"measure": "online_grooming_offences", "aspiration": {"change": "-10%"}}]},
            {"name": "Treating people fairly", "measures": [
                {"measure": "officers_trained_pct", "aspiration": {"level": 95}}]},
        ],
    }]}


PLANS = plans_from_dict(plan_dict())
NO_HISTORY = SpcHistory()  # one segment per chart: the scenario's charts are worked by hand without a rebase


def scenario() -> pd.DataFrame:
    series = {
        ("cse_charges", "Barnsley"): alt(3, 4),
        # 23 months of 12, 10, ... then from March 2016 seven months at 8-9: a shift down.
        ("cse_charges", "Doncaster"): alt(12, 10, 23) + [8, 9, 8, 9, 8, 9, 8],
        ("cse_charges", "Rotherham"): alt(2, 3),
        ("cse_charges", "Sheffield"): alt(4, 5),
        ("cse_live_investigations", "Barnsley"): [20] * N,  # constant: a zero moving range
        ("cse_live_investigations", "Doncaster"): alt(30, 31),
        ("cse_live_investigations", "Rotherham"): alt(40, 41, N - 1) + [60],
        ("cse_live_investigations", "Sheffield"): alt(50, 51),
        ("online_grooming_offences", "Barnsley"): alt(5, 6),
        ("online_grooming_offences", "Doncaster"): alt(5, 6),
        ("online_grooming_offences", "Rotherham"): alt(5, 6),
        # then 9, 10, ... 15 from March 2016: seven points each above the one before.
        ("online_grooming_offences", "Sheffield"): alt(12, 10, 23) + [9, 10, 11, 12, 13, 14, 15],
    }
    for d in DISTRICTS:
        series[("officer_headcount", d)] = [100] * N
        series[("officers_trained", d)] = alt(80, 82)
    return figures_from_series(series, "2014-04")


@pytest.fixture(scope="module")
def statuses():
    return plan_status(scenario(), "2016-09", plans=PLANS, history=NO_HISTORY)


def find(statuses, measure_id: str, area: str):
    hit = [s for s in statuses if s.measure_id == measure_id and s.area == area]
    assert len(hit) == 1
    return hit[0]


# --------------------------------------------------------------------------------------------------
# Coverage and order
# --------------------------------------------------------------------------------------------------

def test_every_plan_measure_for_the_force_and_each_district(statuses):
    assert len(statuses) == 4 * 5
    first = statuses[:5]
    assert [s.area for s in first] == ["South Yorkshire", *DISTRICTS]
    assert first[0].is_force and not any(s.is_force for s in first[1:])
    assert [s.measure_id for s in statuses[::5]] == ["cse_charges", "cse_live_investigations",
                                                     "online_grooming_offences", "officers_trained_pct"]
    assert statuses[0].plan == "Test plan 2014-2017"
    assert statuses[0].priority == "Protecting vulnerable people"
    assert statuses[0].month == pd.Timestamp("2016-09-01")


def test_one_district_or_the_force():
    only = plan_status(scenario(), "2016-09", "Doncaster", plans=PLANS, history=NO_HISTORY)
    assert {s.area for s in only} == {"Doncaster"} and len(only) == 4
    force = plan_status(scenario(), pd.Timestamp("2016-09-01"), "South Yorkshire", plans=PLANS, history=NO_HISTORY)
    assert all(s.is_force for s in force)
    with pytest.raises(FiguresError, match="not a district"):
        plan_status(scenario(), "2016-09", "Leeds", plans=PLANS, history=NO_HISTORY)


def test_a_month_outside_every_plan_shows_the_last_plans_measures_judged_against_no_aspiration(statuses):
    lapsed = plan_dict()
    lapsed["plans"][0]["end"] = "2016-06"
    out = plan_status(scenario(), "2016-09", plans=plans_from_dict(lapsed), history=NO_HISTORY)
    assert [(s.measure_id, s.area) for s in out] == [(s.measure_id, s.area) for s in statuses]
    for s, judged in zip(out, statuses, strict=True):
        assert s.plan == "" and not s.plan_in_force and judged.plan_in_force
        assert (s.aspiration, s.target, s.assurance_icon, s.assurance_sentence) == (None, None, None, None)
        # the figures and the chart's signals are the plan's own: a lapse moves no limit
        assert (s.value, s.change, s.mean, s.upper, s.lower, s.variation_icon, s.sentence) == (
            judged.value, judged.change, judged.mean, judged.upper, judged.lower, judged.variation_icon,
            judged.sentence)
    assert not any("aspiration" in q for s in out for q in s.questions)
    # before the first plan: that plan's measures, with no figure yet
    before = plan_status(scenario(), "2013-05", plans=PLANS, history=NO_HISTORY)
    assert {s.measure_id for s in before} == {s.measure_id for s in statuses}
    assert all(s.value is None and s.variation == "no data" and not s.plan_in_force for s in before)


# --------------------------------------------------------------------------------------------------
# Figures: latest, last year, rolling year, year to date
# --------------------------------------------------------------------------------------------------

def test_force_figure_and_changes(statuses):
    s = find(statuses, "cse_charges", "South Yorkshire")
    # September 2016: 4 + 8 + 3 + 5 = 20; September 2015: 4 + 10 + 3 + 5 = 22 -> -2, -9.1%
    assert (s.value, s.last_year_value, s.change) == (20, 22, -2)
    assert s.change_pct == pytest.approx(-2 / 22 * 100)


def test_rolling_year_and_year_to_date(statuses):
    s = find(statuses, "cse_charges", "Barnsley")
    # 3, 4, 3, 4 ...: any 12 months = 6 x 3 + 6 x 4 = 42; April-September 2016 = 3+4+3+4+3+4 = 21
    assert s.rolling12 == 42 and s.rolling12_complete
    assert s.rolling12_last_year == 42 and s.rolling12_change == 0 and s.rolling12_change_pct == 0
    assert s.rolling12_rate_per_100k == pytest.approx(42 / 244600 * 1e5)
    assert (s.fytd, s.fytd_months, s.fytd_last_year, s.fytd_change) == (21, 6, 21, 0)


def test_percentage_has_no_rate(statuses):
    s = find(statuses, "officers_trained_pct", "South Yorkshire")
    assert s.value == pytest.approx(82.0) and s.rolling12_rate_per_100k is None


# --------------------------------------------------------------------------------------------------
# Variation
# --------------------------------------------------------------------------------------------------

def test_shift_down_on_a_good_measure_is_a_concern(statuses):
    s = find(statuses, "cse_charges", "Doncaster")
    # 12 x 12 + 11 x 10 + 59 = 313 over 30 months: mean 10.433; MR 22 x 2, 4, 6 x 1 -> 54 / 29
    assert s.mean == pytest.approx(313 / 30)
    assert s.lower == pytest.approx(313 / 30 - 2.66 * 54 / 29)
    assert s.variation == "special cause concerning"
    assert (s.variation_icon, s.signal_rule) == ("concern_low", "shift")
    assert s.signal_since == pd.Timestamp("2016-03-01")
    assert s.sentence == ("CSE charges in Doncaster in September 2016 (8) are below the average (10.4) for 7 "
                          "months in a row: a significant concern.")
    assert s.questions == ["What explains the fall in CSE charges in Doncaster since March 2016, and what "
                           "is being done to reverse it?"]


def test_rising_trend_on_a_bad_measure_is_a_concern(statuses):
    s = find(statuses, "online_grooming_offences", "Sheffield")
    assert (s.variation_icon, s.signal_rule, s.signal_since) == ("concern_high", "trend",
                                                                  pd.Timestamp("2016-03-01"))
    assert "up for 6 months in a row: a significant concern" in s.sentence
    assert "the highest on record (the figures begin in April 2014)" in s.sentence
    assert s.questions[0].startswith("What explains the rise in online grooming offences in Sheffield since "
                                     "March 2016")


def test_neutral_measure_gets_no_judgement(statuses):
    s = find(statuses, "cse_live_investigations", "Rotherham")
    assert (s.variation, s.variation_icon, s.signal_rule) == ("special cause neutral", "neutral_high",
                                                              "beyond_limits")
    assert s.sentence.endswith("above the upper process limit: a significant rise, neither good nor bad in "
                               "itself.")
    assert s.questions == []


def test_zero_moving_range_is_common_cause(statuses):
    s = find(statuses, "cse_live_investigations", "Barnsley")
    assert s.mean == s.upper == s.lower == 20
    assert s.variation == "common cause" and s.variation_icon == "common_cause"
    assert s.sentence == ("Live CSE investigations in Barnsley at the end of September 2016 (20) are within "
                          "the expected range: no significant change.")


def test_a_percentage_held_level_is_common_cause_in_words_too():
    # 121 of 1,000 officers trained every month: 12.1% throughout. Binary arithmetic makes the mean of those
    # months 12.099999999999998; the month's 12.1% is on it, not "above the upper process limit".
    series = {}
    for d in DISTRICTS:
        series[("officer_headcount", d)] = [1000] * N
        series[("officers_trained", d)] = [121] * N
    figures = figures_from_series(series, "2014-04")
    for s in plan_status(figures, "2016-09", plans=PLANS, history=NO_HISTORY):
        if s.measure_id != "officers_trained_pct":
            continue
        assert s.value == 12.1 and s.variation_icon == "common_cause", s.sentence
        assert s.sentence.endswith("(12.1%) is within the expected range: no significant change."), s.sentence
        assert s.assurance_icon == "fail" and not s.signal_rule


def test_provisional_limits_after_a_recent_rebase():
    history = history_from_dict({"measures": {"cse_live_investigations": {
        "rebase": [{"month": "2016-01", "reason": "A new case management system."}]}}})
    s = [x for x in plan_status(scenario(), "2016-09", "Doncaster", plans=PLANS, history=history)
         if x.measure_id == "cse_live_investigations"][0]
    assert s.provisional  # January to September 2016: nine points
    assert "provisional" in s.sentence
    frame = s.spc_frame
    assert frame["segment"].tolist() == [0] * 21 + [1] * 9
    assert not frame["provisional"].iloc[0] and frame["provisional"].iloc[-1]


# --------------------------------------------------------------------------------------------------
# Assurance
# --------------------------------------------------------------------------------------------------

def test_level_aspiration_applies_to_the_force_for_a_count(statuses):
    force = find(statuses, "cse_charges", "South Yorkshire")
    assert force.target == 12 and force.aspiration == "at least 12 a month"
    assert force.lower > 12 and (force.assurance, force.assurance_icon) == ("consistently meets", "pass")
    district = find(statuses, "cse_charges", "Barnsley")
    assert district.target is None and district.assurance_icon is None


def test_failed_aspiration_drafts_a_question(statuses):
    for area in ("South Yorkshire", *DISTRICTS):
        s = find(statuses, "officers_trained_pct", area)
        # 80, 82, ...: mean 81, MR 2 -> upper 81 + 5.32 = 86.32 < 95: both limits on the bad side
        assert s.upper == pytest.approx(86.32)
        assert (s.assurance, s.assurance_icon) == ("consistently fails", "fail")
        assert any("aspiration (at least 95.0%)" in q for q in s.questions)


def test_provisional_limits_judge_no_aspiration_and_draft_no_question():
    # a new office: two months of 1 charge in each district, 4 for the force, against at least 12 a month. Two
    # equal months give limits of one value, 4 to 4: "will consistently miss" and a question to the Chief Constable
    # would rest on nothing
    two = {("cse_charges", d): [1, 1] for d in DISTRICTS}
    [s] = [x for x in plan_status(figures_from_series(two, "2014-04"), "2014-05", "South Yorkshire", plans=PLANS,
                                  history=NO_HISTORY) if x.measure_id == "cse_charges"]
    assert s.provisional and s.target == 12 and (s.lower, s.upper) == (4, 4)
    assert (s.assurance_icon, s.assurance, s.questions) == (None, None, [])
    assert assurance_said(s) == "Too few months to judge"
    assert s.assurance_sentence == ("Whether CSE charges across South Yorkshire will consistently meet the aspiration "
                                    f"({s.aspiration}) is judged once the process limits rest on 12 months.")
    # twelve months on, the limits are no longer provisional: the same figures are judged
    year = figures_from_series({k: [1] * 12 for k in two}, "2014-04")
    [later] = [x for x in plan_status(year, "2015-03", "South Yorkshire", plans=PLANS, history=NO_HISTORY)
               if x.measure_id == "cse_charges"]
    assert not later.provisional and later.assurance_icon == "fail" and later.questions


def test_change_aspiration_against_the_baseline(statuses):
    s = find(statuses, "online_grooming_offences", "Barnsley")
    # 2014/15 baseline: 5, 6, ... -> 5.5 a month; -10% -> at most 4.95. Limits 2.84 .. 8.16 straddle it.
    assert s.baseline == "2014/15" and s.baseline_value == pytest.approx(5.5)
    assert s.target == pytest.approx(4.95)
    assert s.assurance_icon == "hit_and_miss" and s.assurance == "inconsistent (hit and miss)"
    assert s.questions == []


def test_baseline_not_complete_in_the_reporting_month():
    s = [x for x in plan_status(scenario(), "2015-02", "Barnsley", plans=PLANS, history=NO_HISTORY)
         if x.measure_id == "online_grooming_offences"][0]
    assert s.target is None and s.assurance_icon is None
    assert "baseline not yet complete" in s.aspiration
    # pccdash plan says it too, where the table's Assurance is "-" (it was left out)
    line = next(x for x in format_status_table([s]).splitlines() if x.startswith(s.short_name))
    assert line.endswith(f" Aspiration: {s.aspiration}: not judged until the baseline is."), line


# --------------------------------------------------------------------------------------------------
# Missing figures
# --------------------------------------------------------------------------------------------------

def test_missing_month_is_no_data_for_the_district_and_the_force():
    data = scenario()
    data = data[~((data["measure"] == "cse_charges") & (data["district"] == "Barnsley")
                  & (data["period"] == "2016-09-01"))]
    result = plan_status(data, "2016-09", plans=PLANS, history=NO_HISTORY)
    barnsley = find(result, "cse_charges", "Barnsley")
    assert barnsley.value is None and barnsley.variation == "no data" and barnsley.variation_icon is None
    assert barnsley.sentence == "There is no figure for CSE charges in Barnsley for September 2016."
    force = find(result, "cse_charges", "South Yorkshire")
    assert force.variation == "no data"
    # the force's figure is missing for want of Barnsley's: the sentence says so, where it would leave it unsaid
    assert force.sentence == ("There is no figure for CSE charges across South Yorkshire for September 2016: "
                              "Barnsley has not reported it.")
    assert find(result, "cse_charges", "Doncaster").variation_icon == "concern_low"
    assert len(barnsley.spc) == N - 1  # the chart still has the months before


def test_duplicate_figures_are_refused():
    data = scenario()
    with pytest.raises(FiguresError, match="more than once"):
        plan_status(pd.concat([data, data.iloc[:1]]), "2016-09", plans=PLANS, history=NO_HISTORY)


def test_a_figure_given_for_the_force_itself_replaces_the_sum_of_its_districts_that_month():
    """As police.uk's are: records with no location belong to the force and to none of its districts."""
    data = scenario()
    month = pd.Timestamp("2016-09-01")
    charges = data[(data["measure"] == "cse_charges") & (pd.to_datetime(data["period"]) == month)]
    districts_sum = float(charges["value"].sum())
    trained = data[(data["measure"] == "officers_trained") & (pd.to_datetime(data["period"]) == month)]
    headcount = data[(data["measure"] == "officer_headcount") & (pd.to_datetime(data["period"]) == month)]
    given = pd.DataFrame({"period": [month] * 3, "district": ["South Yorkshire", "South Yorkshire Police",
                                                               "South Yorkshire"],
                          "measure": ["cse_charges", "officers_trained", "officer_headcount"],
                          "value": [districts_sum + 7, float(trained["value"].sum()),
                                    float(headcount["value"].sum()) + 100]})
    result = plan_status(pd.concat([data, given.iloc[:1]]), "2016-09", plans=PLANS, history=NO_HISTORY)
    assert find(result, "cse_charges", "South Yorkshire").value == districts_sum + 7
    assert find(result, "cse_charges", "Doncaster").value == float(
        charges.loc[charges["district"] == "Doncaster", "value"].iloc[0])
    before = find(plan_status(data, "2016-08", plans=PLANS, history=NO_HISTORY), "cse_charges", "South Yorkshire").value
    assert find(plan_status(pd.concat([data, given.iloc[:1]]), "2016-08", plans=PLANS, history=NO_HISTORY),
                "cse_charges", "South Yorkshire").value == before  # other months still sum the districts
    # a percentage of the force comes from the force's parts, as given (the force's full name works too)
    share = find(plan_status(pd.concat([data, given.iloc[1:]]), "2016-09", plans=PLANS, history=NO_HISTORY),
                 "officers_trained_pct", "South Yorkshire")
    assert share.value == pytest.approx(100 * given["value"].iloc[1] / given["value"].iloc[2])
    with pytest.raises(FiguresError, match="more than once"):
        plan_status(pd.concat([data, given.iloc[:1], given.iloc[:1]]), "2016-09", plans=PLANS, history=NO_HISTORY)


# --------------------------------------------------------------------------------------------------
# Charts and tables
# --------------------------------------------------------------------------------------------------

def test_spc_frame_matches_the_status(statuses):
    s = find(statuses, "cse_charges", "Doncaster")
    frame = spc_frame(scenario(), "cse_charges", "Doncaster", "2016-09", plans=PLANS, history=NO_HISTORY)
    pd.testing.assert_frame_equal(frame, s.spc_frame)
    assert len(frame) == N and frame["period"].iloc[-1] == pd.Timestamp("2016-09-01")
    assert frame["mean"].iloc[-1] == pytest.approx(s.mean)
    assert frame["rule"].iloc[-7:].tolist() == ["shift"] * 7
    assert frame["point_type"].iloc[-1] == "concern_low" and frame["direction"].iloc[-1] == "low"


def test_status_table_has_a_line_per_measure_and_area(statuses):
    table = format_status_table(statuses)
    lines = table.splitlines()
    assert lines[0] == "Test plan 2014-2017: September 2016"
    body = [ln for ln in lines if any(a in ln for a in ("South Yorkshire", *DISTRICTS))]
    assert len(body) == len(statuses)
    assert any(ln.startswith("CSE charges") and "Doncaster" in ln and "Special cause: concerning (low)" in ln
               for ln in body)
    rows = status_rows(statuses)
    assert rows[0]["value"] == "20" and rows[0]["vs_last_year"] == "-2 (-9.1%)"
    assert find(statuses, "officers_trained_pct", "Sheffield").as_dict()["value"] == pytest.approx(82.0)
    assert "chart_source" not in statuses[0].as_dict()


# --------------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------------

def test_sentences_read_as_the_office_writes_them():
    cat = catalogue()
    assert signal_sentence(cat.get("cse_live_investigations"), "South Yorkshire", True, "July 2015", 155,
                           icon="common_cause") == (
        "Live CSE investigations across South Yorkshire at the end of July 2015 (155) are within the "
        "expected range: no significant change.")
    assert signal_sentence(cat.get("cse_charges"), "Rotherham", False, "Q2 2015/16", 9,
                           icon="improvement_high", rule="beyond_limits",
                           extreme="the highest in 24 months") == (
        "CSE charges in Rotherham in Q2 2015/16 (9) are the highest in 24 months and above the upper process "
        "limit: a significant improvement.")
    assert "(1,234)" in signal_sentence(cat.get("cse_referrals"), "Sheffield", False, "July 2015", 1234,
                                        icon="common_cause")
    assert concern_question(cat.get("cse_charges"), "Doncaster", False, -1, month_number("2016-03"),
                            month_number("2016-09")) == (
        "What explains the fall in CSE charges in Doncaster since March 2016, and what is being done to "
        "reverse it?")


# --------------------------------------------------------------------------------------------------
# The bundled plan file
# --------------------------------------------------------------------------------------------------

def test_bundled_plans_cover_april_2013_to_march_2026():
    plans = load_plans()
    assert [p.name for p in plans.plans] == ["Police and Crime Plan 2013-2017",
                                             "Police and Crime Plan 2017-2021",
                                             "Police and Crime Plan 2022-2026"]
    for m in range(month_number("2013-04"), month_number("2026-03") + 1):
        assert plans.plan_for(m).covers(m)
    assert plan_for("2015-07").name == "Police and Crime Plan 2013-2017"
    assert plan_for(pd.Timestamp("2024-01-01")).name == "Police and Crime Plan 2022-2026"
    ids = set(catalogue().ids())
    for plan in plans.plans:
        names = [p.name for p in plan.priorities]
        assert {"Protecting vulnerable people", "Tackling crime and anti-social behaviour",
                "Treating people fairly"} <= set(names)
        vulnerable = {pm.id for pm in plan.priorities[names.index("Protecting vulnerable people")].measures}
        assert {"cse_arrests", "cse_charges", "cse_live_investigations", "cse_referrals"} <= vulnerable
        assert all(pm.id in ids for pm in plan.measures())
    assert plans.plans[-1].get("rcrp_mental_health_incidents").priority == "Treating people fairly"
    history = load_spc_history()
    assert history.rebase_months("cse_charges") == (month_number("2014-08"),)  # the Jay report
    assert "Jay report" in history.rebases_of("cse_charges")[0].reason


# --------------------------------------------------------------------------------------------------
# Validation of plan.yaml
# --------------------------------------------------------------------------------------------------

def broken(**changes) -> dict:
    data = plan_dict()
    plan = data["plans"][0]
    for key, value in changes.items():
        if key == "measure":
            plan["priorities"][0]["measures"][0] = value
        else:
            plan[key] = value
    return data


@pytest.mark.parametrize(("data", "message"), [
    (broken(measure="cse_chargez"), 'is not in the measure catalogue (did you mean "cse_charges"?)'),
    (broken(measure={"measure": "cse_charges", "aspiraton": {"level": 3}}), 'unknown field "aspiraton"'),
    (broken(measure={"measure": "cse_referrals", "aspiration": {"level": 3}}), "has no good direction"),
    (broken(measure={"measure": "cse_charges", "aspiration": {"change": "10"}}), "signed percentage"),
    (broken(measure={"measure": "cse_charges", "aspiration": {"change": "-10%"}}), "points the bad way"),
    (broken(measure={"measure": "cse_charges", "aspiration": {"level": 3, "change": "+5%"}}), "exactly one"),
    (broken(measure={"measure": "cse_charges", "baseline": "2014/16"}), "not a financial year"),
    (broken(measure={"measure": "cse_charges", "increase_is": "up"}), "should be one of"),
    (broken(measure={"measure": "cse_charges", "rebase": "2014-08"}), "Move it to spc_history.yaml"),
    (broken(start="2017-04"), "ends (March 2017) before it starts"),
    (broken(baseline=None), "no baseline"),
    ({"plans": []}, "at least one plan"),
])
def test_plan_file_errors(data, message):
    with pytest.raises(ConfigError) as info:
        plans_from_dict(data)
    assert message in str(info.value)
    assert "plan.yaml" in str(info.value)


def test_a_plan_measure_not_in_the_catalogue_names_the_measures_file_in_force(ref):
    """Regression: with PCCDASH_REFERENCE_DIR pointing at the office's own reference folder, a plan measure not in
    the catalogue was told "plan measures are measure ids from measures.yaml", which the office could take for the
    bundled copy, which nothing reads. It names the file read."""
    with pytest.raises(ConfigError) as info:
        plans_from_dict(broken(measure="cse_chargez"))
    assert str(info.value).endswith(f'plan measures are measure ids from "{ref / "measures.yaml"}".'), info.value


def test_overlapping_plans_and_measure_twice():
    one, two = plan_dict()["plans"][0], plan_dict()["plans"][0]
    two = {**two, "name": "Next plan", "start": "2017-01", "end": "2020-03"}
    with pytest.raises(ConfigError, match="overlaps"):
        plans_from_dict({"plans": [one, two]})
    twice = plan_dict()
    twice["plans"][0]["priorities"][2]["measures"].append("cse_charges")
    with pytest.raises(ConfigError, match="already under the priority"):
        plans_from_dict(twice)


def test_plan_file_on_disk(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("plans: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_plans(path)
    with pytest.raises(ConfigError, match="missing"):
        load_plans(tmp_path / "none.yaml")


# --------------------------------------------------------------------------------------------------
# Speed and the sample
# --------------------------------------------------------------------------------------------------

def test_full_size_figures_give_every_plan_measure_for_force_and_districts():
    figures = synthetic_figures()  # 14 measures x 4 districts x 156 months
    result = plan_status(figures, "2024-01")
    assert len(result) == 17 * 5  # the 2022-2026 plan's seventeen measures, force and four districts
    analytics = PlanAnalytics(figures)
    for month in pd.date_range("2025-04", "2026-03", freq="MS"):
        assert len(analytics.status(month)) == 17 * 5


@pytest.fixture(scope="module")
def sample_figures(sample_db):
    from pipelines import warehouse
    from pipelines.figures import current_figures

    with warehouse.connect_read_only(sample_db) as con:
        return current_figures(con)


def hand_sum(figures, measure, start, end, district=None):
    rows = figures[(figures["measure"] == measure) & (figures["period"] >= start) & (figures["period"] <= end)]
    if district:
        rows = rows[rows["district"] == district]
    return float(sum(rows["value"]))


@pytest.mark.parametrize("measure,area,period,start,end", [
    ("cse_arrests", "South Yorkshire", "12 months to July 2015", "2014-08", "2015-07"),
    ("grooming_arrests", "South Yorkshire", "12 months to July 2015", "2014-08", "2015-07"),
    ("cse_charges", "Rotherham", "12 months to July 2015", "2014-08", "2015-07"),
    ("cse_referrals", "Sheffield", "12 months to March 2020", "2019-04", "2020-03"),
])
def test_rolling_12_months_on_the_sample_match_hand_sums(sample_figures, measure, area, period, start, end):
    rolling = aggregate(sample_figures, measure, freq="rolling_12")
    row = rolling[(rolling["area"] == area) & (rolling["period"] == period)].iloc[0]
    district = None if area == "South Yorkshire" else area
    assert row["value"] == hand_sum(sample_figures, measure, start, end, district)
    assert row["complete"]


def test_the_sample_rolling_12_reproduces_the_august_2015_figures(sample_figures):
    def value(measure, area):
        agg = aggregate(sample_figures, measure, freq="rolling_12")
        return agg[(agg["area"] == area) & (agg["period"] == "12 months to July 2015")]["value"].iloc[0]

    assert (value("cse_arrests", "South Yorkshire"), value("grooming_arrests", "South Yorkshire")) == (460, 76)
    assert (value("cse_charges", "South Yorkshire"), value("cse_charges", "Rotherham")) == (54, 22)


@pytest.mark.parametrize("measure,area,fy,start,end", [
    ("cse_charges", "Rotherham", "2014/15", "2014-04", "2015-03"),
    ("cse_arrests", "South Yorkshire", "2015/16", "2015-04", "2016-03"),
    ("victims_supported", "Doncaster", "2020/21", "2020-04", "2021-03"),
])
def test_financial_years_on_the_sample_match_hand_sums(sample_figures, measure, area, fy, start, end):
    years = aggregate(sample_figures, measure, freq="financial_year")
    row = years[(years["area"] == area) & (years["period"].astype(str).str.contains(fy))].iloc[0]
    district = None if area == "South Yorkshire" else area
    assert row["value"] == hand_sum(sample_figures, measure, start, end, district)


def test_a_stock_quarter_on_the_sample_is_its_last_month(sample_figures):
    quarters = aggregate(sample_figures, "cse_live_investigations", freq="quarter")
    row = quarters[(quarters["area"] == "Rotherham") & (quarters["period"] == "Q1 2015/16")].iloc[0]
    june = sample_figures[(sample_figures["measure"] == "cse_live_investigations")
                          & (sample_figures["district"] == "Rotherham") & (sample_figures["period"] == "2015-06")]
    assert row["value"] == june["value"].iloc[0]


# --------------------------------------------------------------------------------------------------
# The sample's statuses under Making Data Count's two-of-three rule (all three on one side of the mean)
# --------------------------------------------------------------------------------------------------

# Every status of every month of the sample (8,340: each plan measure, force and districts). Before the
# rule wanted all three points on one side of the mean, two_of_three was 263 and common cause 6,586: the
# 37 statuses that moved all went from "two of three" to common cause, and no other rule moved.
SAMPLE_RULES = {None: 7819, "beyond_limits": 1030, "shift": 464, "two_of_three": 226, "trend": 1}

# (month, measure, area, last three values, mean, edge of the outer band on the signal's side, rule)
HAND_CHECKED = [
    # 2, 6, 7: 6 and 7 beyond the band edge 5.57 (limit 7.10), but 2 is below the mean 2.51: common cause.
    ("2017-12", "cse_charges", "Rotherham", [2, 6, 7], 2.5122, 5.5712, None),
    # 1, 6, 6: the example in the sample; 1 below the mean 2.56, the 6s beyond 5.87: common cause.
    ("2015-11", "grooming_arrests", "Rotherham", [1, 6, 6], 2.5625, 5.8727, None),
    # 0, 6, 0 (the mirror): both 0s below the lower band edge 0.079, 6 above the mean 4.81: common cause.
    ("2020-08", "cse_charges", "South Yorkshire", [0, 6, 0], 4.8082, 0.0793, None),
    # 19, 16, 17: 19 beyond the limit 18.92 (it counts), 16 and 17 beyond 15.82, all above 9.61: two of three.
    ("2020-08", "online_grooming_offences", "Sheffield", [19, 16, 17], 9.6098, 15.8164, "two_of_three"),
    # 463, 397, 374: 463 is below the mean 463.62 by 0.62, 397 and 374 below the band edge 397.68: two of
    # three, low (the side of the mean is strict, and 463 is on the low side).
    ("2024-07", "rcrp_mental_health_incidents", "Rotherham", [463, 397, 374], 463.6176, 397.6759, "two_of_three"),
]


@pytest.fixture(scope="module")
def sample_analytics(sample_db):
    from pipelines import warehouse
    from pipelines.figures import current_figures

    with warehouse.connect_read_only(sample_db) as con:
        figures = current_figures(con)
    analytics = PlanAnalytics(figures)
    analytics.sample_months = sorted(figures["period"].unique())
    return analytics


@pytest.mark.slow
def test_the_samples_statuses_by_rule(sample_analytics):
    rules: dict = {}
    for month in sample_analytics.sample_months:  # every month with figures
        for s in sample_analytics.status(month):
            rules[s.signal_rule] = rules.get(s.signal_rule, 0) + 1
    assert rules == SAMPLE_RULES


@pytest.mark.slow
@pytest.mark.parametrize(("month", "measure", "area", "last3", "mean", "edge", "rule"), HAND_CHECKED)
def test_hand_checked_statuses_of_the_sample(sample_analytics, month, measure, area, last3, mean, edge, rule):
    chart, _ = sample_analytics.chart(measure, None if area == "South Yorkshire" else area, month)
    assert chart.values[-3:].tolist() == last3
    assert chart.mean[-1] == pytest.approx(mean, abs=1e-4)
    band = chart.near_upper[-1] if edge > mean else chart.near_lower[-1]
    assert band == pytest.approx(edge, abs=1e-4)
    found = [s for s in sample_analytics.status(month) if s.measure_id == measure and s.area == area]
    assert found and all(s.signal_rule == rule for s in found)  # a measure under two priorities: the same
    assert all((s.variation_icon == "common_cause") is (rule is None) for s in found)


def test_a_months_statuses_are_judged_once_until_a_reference_file_they_read_is_edited(sample_db, ref):
    import os

    from pipelines import warehouse
    from pipelines.figures import current_figures

    (ref / "spc_history.yaml").unlink()  # optional: an office may have none, and the statuses are still kept
    with warehouse.connect_read_only(sample_db) as con:
        analytics = PlanAnalytics(current_figures(con))
    judged = []
    status_of = analytics._status
    analytics._status = lambda *a: judged.append(a) or status_of(*a)
    first = analytics.status("2015-07")
    n = len(judged)
    assert n and analytics.status("2015-07") == first
    assert len(judged) == n, "asked again, the month is not judged again"
    stat = (ref / "plan.yaml").stat()
    os.utime(ref / "plan.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert analytics.status("2015-07") == first
    assert len(judged) == 2 * n, "plan.yaml edited: the month is judged again"


@pytest.mark.parametrize(("target", "increase_is", "value", "said"), [
    (60.5, "good", 57, "12 months to March 2026: 57, 4 short"),
    (1294.9, "good", 1035, "12 months to March 2026: 1,035, 260 short"),
    (60.5, "good", 61, "12 months to March 2026: 61, met"),
    (40.6, "bad", 41, "12 months to March 2026: 41, 1 over"),
])
def test_a_count_aspiration_on_12_months_is_judged_against_the_whole_target_it_says(target, increase_is, value,
                                                                                     said):
    """Regression: "At least 61 people in any 12 months ... 57, 3.5 short": the gap was measured against the
    unrounded 60.5 while the rounded target was printed."""
    from pipelines.plan.narrative import aspiration_progress, aspiration_text

    measure = catalogue().get("cse_arrests")
    assert aspiration_text(measure, target, increase_is, "rolling_12").split()[2] == str(
        {60.5: 61, 1294.9: "1,295", 40.6: 40}[target])
    assert aspiration_progress(measure, "rolling_12", "12 months to March 2026", value, target, increase_is,
                               True) == said


@pytest.mark.parametrize(("months", "value", "said"), [
    (12, 21785, "Financial year to March 2026: 21,785, met"),
    (12, 27790, "Financial year to March 2026: 27,790, 1 over"),  # against "at most 27,789" as said, not 27,789.6
    (6, 12000, "Financial year to March 2026: 12,000 against 13,894 pro rata, on track"),  # at most 13,894.8
])
def test_a_financial_year_once_complete_is_met_or_missed_against_the_target_it_says(months, value, said):
    """Regression: "Financial year to March 2026: 21,785 against 27,789.6 pro rata, on track": a year whose twelve
    months are in is met or missed, against the whole target printed in the aspiration (27,789)."""
    from pipelines.plan.narrative import aspiration_progress

    measure = catalogue().get("rcrp_mental_health_incidents")
    assert aspiration_progress(measure, "financial_year", "Financial year to March 2026", value,
                               27789.6 * months / 12, "bad", True, whole_year=months == 12) == said


def test_a_figure_said_against_its_average_or_aspiration_never_reads_as_the_same_number():
    """Regression: "(88.3%) is below the average (88.3%)" and "12 months to July 2015: 95.0%, 0.0 points short" (94.96%
    against at least 95.0%): both numbers said to one decimal place read the same. They are said with as many places
    as it takes to tell them apart, and only then."""
    from pipelines.plan.narrative import aspiration_progress

    trained = catalogue().get("officers_trained_pct")
    assert signal_sentence(trained, "Barnsley", False, "July 2015", 88.26, icon="concern_low", rule="shift", run=8,
                           mean=88.31) == (
        "The percentage of officers trained in Barnsley at the end of July 2015 (88.26%) is below the average "
        "(88.31%) for 8 months in a row: a significant concern.")
    assert "(88.0%) is below the average (88.3%)" in signal_sentence(
        trained, "Barnsley", False, "July 2015", 88.0, icon="concern_low", rule="shift", run=8, mean=88.31)
    assert aspiration_progress(trained, "rolling_12", "12 months to July 2015", 94.96, 95.0, "good", True) == (
        "12 months to July 2015: 94.96%, 0.04 points short")
    assert aspiration_progress(trained, "rolling_12", "12 months to July 2015", 94.9, 95.0, "good", True) == (
        "12 months to July 2015: 94.9%, 0.1 points short")


def test_a_percentage_of_a_months_flow_is_said_in_the_month_and_one_of_a_stock_at_its_end():
    """Regression: "Suspects arrested within 12 weeks (%) ... at the end of April 2026": the suspects are those
    identified in the month, a flow, so the percentage is of the month; officers trained of the headcount is a
    level at the month's end."""
    from pipelines.catalogue import catalogue
    from pipelines.plan.narrative import time_phrase

    cat = catalogue()
    assert time_phrase(cat.get("cse_suspects_arrested_12w_pct"), "April 2026") == "in April 2026"
    assert time_phrase(cat.get("officers_trained_pct"), "April 2026") == "at the end of April 2026"
    assert time_phrase(cat.get("cse_charges"), "April 2026") == "in April 2026"
    assert time_phrase(cat.get("cse_live_investigations"), "April 2026") == "at the end of April 2026"


def test_a_12_month_aspiration_on_a_quarters_baseline_says_the_quarters_own_total():
    """Regression: a plan whose baseline is a quarter said "+10% on the 140 in Q1 2025/26" of a quarter that held
    35: the baseline's monthly average times 12 was given as what the quarter held."""
    data = plan_dict()
    data["plans"][0]["baseline"] = "Q1 2014/15"
    data["plans"][0]["priorities"][0]["measures"][0] = {"measure": "cse_charges",
                                                         "aspiration": {"change": "+10%", "period": "rolling_12"}}
    result = plan_status(scenario(), "2016-09", plans=plans_from_dict(data), history=NO_HISTORY)
    barnsley = find(result, "cse_charges", "Barnsley")  # 3, 4, 3 in April to June 2014: 10, 40 a year at that rate
    assert "(+10% on the 10 in Q1 2014/15, 40 over 12 months at that rate)" in barnsley.aspiration
    assert barnsley.aspiration.startswith("at least 44 people in any 12 months")
    year = plan_status(scenario(), "2016-09", plans=PLANS, history=NO_HISTORY)  # a financial year: said once
    assert "over 12 months at that rate" not in " ".join(s.aspiration or "" for s in year)
