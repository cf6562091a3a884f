"""A Police and Crime Plan adopted part way through a financial year judges a financial-year aspiration over the
months of that year it covers (from its start), not over months when no plan was in force; and a count's pro rata
target is said in whole people, rounded as the whole target is."""

from __future__ import annotations

import pytest

from pipelines.catalogue import catalogue
from pipelines.plan import PlanAnalytics, plans_from_dict
from pipelines.plan.narrative import aspiration_progress
from pipelines.plan.synthetic import synthetic_figures


def plans(level: int, start: str = "2026-06") -> dict:
    return {"plans": [
        {"name": "Police and Crime Plan 2022-2026", "start": "2022-04", "end": "2026-03", "baseline": "2021/22",
         "priorities": [{"name": "Protecting vulnerable people", "measures": [{"measure": "victims_supported"}]}]},
        {"name": "Police and Crime Plan 2026-2030", "start": start, "end": "2030-03", "baseline": "2025/26",
         "priorities": [{"name": "Protecting vulnerable people", "measures": [
             {"measure": "victims_supported", "aspiration": {"level": level, "period": "financial_year"}}]}]},
    ]}


@pytest.fixture(scope="module")
def figures():
    return synthetic_figures(end="2026-07")


def victims(figures, level: int, month: str = "2026-07", start: str = "2026-06"):
    statuses = PlanAnalytics(figures, plans=plans_from_dict(plans(level, start))).status(month)
    return next(s for s in statuses if s.is_force and s.measure_id == "victims_supported")


def force_total(figures, first: str, last: str) -> int:
    f = figures[(figures["measure"] == "victims_supported") & (figures["period"] >= first)
                & (figures["period"] <= last)]
    return int(f["value"].sum())


def test_a_plan_adopted_in_june_is_judged_on_june_and_july_only(figures):
    status = victims(figures, 650)
    judged = force_total(figures, "2026-06-01", "2026-07-01")
    # two months of a year's 650 is 108.3: "at least" is met by 109 people, not 108.3
    assert status.aspiration_progress.startswith(
        f"Financial year to July 2026, from June 2026 when the plan began: {judged:,} against 109 pro rata, ")
    assert status.fytd == force_total(figures, "2026-04-01", "2026-07-01")  # the year's own figure is unchanged


def test_a_plan_from_april_is_judged_on_the_year_to_date_as_before(figures):
    status = victims(figures, 650, start="2026-04")
    # four months of 650 is 216.7: "at least" is met by 217
    assert status.aspiration_progress.startswith(
        f"Financial year to July 2026: {force_total(figures, '2026-04-01', '2026-07-01'):,} against 217 pro rata, ")


@pytest.mark.parametrize(("increase_is", "value", "said"), [
    ("good", 229, "Financial year to July 2026: 229 against 272 pro rata, 43 short"),
    ("good", 272, "Financial year to July 2026: 272 against 272 pro rata, on track"),
    ("bad", 272, "Financial year to July 2026: 272 against 271 pro rata, 1 over"),
])
def test_a_count_s_pro_rata_target_is_whole_people(increase_is, value, said):
    measure = catalogue().get("victims_supported")
    assert aspiration_progress(measure, "financial_year", "Financial year to July 2026", value, 271.7,
                               increase_is, True) == said


def test_the_command_s_table_says_the_same_as_the_page_and_the_pack(figures):
    from pipelines.briefing.pack import aspiration_words
    from pipelines.plan import format_status_table

    statuses = PlanAnalytics(figures, plans=plans_from_dict(plans(650))).status("2026-07")
    status = next(s for s in statuses if s.is_force and s.measure_id == "victims_supported")
    assert status.aspiration_progress in aspiration_words(status)
    assert f"{status.aspiration_progress}." in format_status_table(statuses)


def test_in_march_a_plan_adopted_in_june_is_judged_on_its_months_whole_not_pro_rata():
    """Regression: at the year's end a plan begun in June still said its ten months were "on track" pro rata, as if
    the year had months to come; they are all in, so the aspiration is met or not."""
    year = synthetic_figures(end="2027-03")
    judged = force_total(year, "2026-06-01", "2027-03-01")
    # ten months of a year's 500 is 416.7: "at least" is met by 417
    met = victims(year, 500, month="2027-03")
    assert met.aspiration_progress == (f"Financial year to March 2027, from June 2026 when the plan began: {judged:,} "
                                       "against 417, the plan's share of the year, met")
    short = victims(year, 5000, month="2027-03").aspiration_progress
    assert "pro rata" not in short and short.endswith(f"against 4,167, the plan's share of the year, "
                                                      f"{4167 - judged:,} short")
    # a plan in force the whole year is judged on the year as before
    whole = victims(year, 500, month="2027-03", start="2026-04").aspiration_progress
    assert whole.startswith("Financial year to March 2027: ") and whole.endswith(", met")
    assert "pro rata" in victims(year, 500, month="2027-02").aspiration_progress


def test_a_monthly_aspiration_says_where_the_months_figure_stands_as_the_others_do(figures):
    """Regression: a 12-month or yearly aspiration said where its period's figure stood ("12 months to September 2026:
    64, 2 short") on the overview, the Measure page, the pack and "pccdash plan", but one set on each month said only
    "At least 35.0%." (September was 30.6%)."""
    from pipelines.briefing.pack import aspiration_words
    from pipelines.plan import format_status_table
    from pipelines.plan.narrative import format_compared, told_apart

    data = plans(650)
    data["plans"][1]["priorities"][0]["measures"].append(
        {"measure": "officers_trained_pct", "aspiration": {"level": 95, "period": "month"}})
    statuses = PlanAnalytics(figures, plans=plans_from_dict(data)).status("2026-07")
    said = []
    for s in (s for s in statuses if s.measure_id == "officers_trained_pct"):
        d = told_apart(s.value, 95.0)
        gap = "met" if s.value >= 95 else f"{95 - s.value:.{d}f} points short"
        assert s.aspiration_progress == (f"July 2026: {format_compared(s.value, catalogue().get(s.measure_id), d)}, "
                                         f"{gap}"), s.area
        assert aspiration_words(s) == f"At least 95.0%. {s.aspiration_progress}."
        said.append(f"{s.aspiration_progress}.")
    table = format_status_table(statuses)
    assert all(line in table for line in said)
    assert {"met", "short"} <= {p.split(", ")[-1].split()[-1].rstrip(".") for p in said}, "both kinds shown"


def test_a_month_with_no_figure_is_not_judged_against_a_monthly_aspiration():
    measure = catalogue().get("officers_trained_pct")
    assert aspiration_progress(measure, "month", "July 2026", None, 95.0, "good", True) == "July 2026: no figure"
    assert aspiration_progress(measure, "month", "July 2026", 96.2, 95.0, "good", True) == "July 2026: 96.2%, met"
