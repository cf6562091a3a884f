"""A month outside every Police and Crime Plan is shown like any other, with a notice and nothing judged.

The sample ends in March 2026 with the 2022-2026 plan; the force's returns for April to June 2026 arrive
before a successor is adopted. Every page and command still shows their figures, changes, charts and
SPC, says plainly that no plan is in force and judges no aspiration; the charts' limits are those the
plan would have had (a plan's end never drops a rebase); warnings say when figures run past the last
plan or a plan is about to end; and a successor written into plan.yaml later judges its months at once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from dashboard_helpers import copy_warehouse, internal, texts
from helpers import ROOT

from pipelines import warehouse
from pipelines.catalogue import REFERENCE_DIR
from pipelines.errors import ConfigError
from pipelines.figures import plan_figures
from pipelines.ingest import ingest
from pipelines.plan import (
    PlanAnalytics,
    history_from_dict,
    load_plans,
    load_spc_history,
    plan_notice,
    plan_notices,
    plan_status,
    plans_from_dict,
)
from pipelines.plan.narrative import format_number

LAPSE = "No Police and Crime Plan is in force in April 2026 (the last one, Police and Crime Plan 2022-2026, " \
        "ended in March 2026): figures and statistical signals are shown, but no aspiration is judged."
NEW_MONTHS = ("2026-04", "2026-05", "2026-06")


def returns_after_the_sample(folder: Path, march: list[tuple]) -> list[Path]:
    """One long CSV per month from April 2026, each a correct return: March's figures with counts moved a little."""
    files = []
    for i, month in enumerate(NEW_MONTHS, start=1):
        lines = ["period,district,measure,value"]
        for district, measure, value in march:
            if measure in ("cse_charges", "cse_arrests", "cse_referrals"):
                value += i
            lines.append(f"{month},{district},{measure},{value:g}")
        path = folder / f"{month}-cse-return.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


@pytest.fixture(scope="module")
def lapse_db(sample_db, tmp_path_factory) -> Path:
    """The sample warehouse with correct returns for April, May and June 2026 loaded."""
    folder = tmp_path_factory.mktemp("lapse")
    db = copy_warehouse(sample_db, folder)
    with warehouse.connect(db) as con:
        march = con.execute("SELECT district, measure, value FROM figure WHERE period = DATE '2026-03-01' "
                            "ORDER BY ALL").fetchall()
        report = ingest(con, returns_after_the_sample(folder, march), loaded_by="tester",
                        today=dt.date(2026, 11, 21))
    assert report.count("accepted") == 3
    return db


@pytest.fixture(scope="module")
def figures(lapse_db) -> pd.DataFrame:
    with warehouse.connect_read_only(lapse_db) as con:
        return plan_figures(con)


def extended() -> dict:
    """The bundled plan.yaml with the 2022-2026 plan running on to the end of 2026."""
    data = yaml.safe_load((REFERENCE_DIR / "plan.yaml").read_text(encoding="utf-8"))
    data["plans"][-1]["end"] = "2026-12"
    return data


def with_successor(start: str) -> dict:
    """The bundled plan.yaml and a successor from ``start``, judging CSE charges against a level."""
    data = yaml.safe_load((REFERENCE_DIR / "plan.yaml").read_text(encoding="utf-8"))
    data["plans"].append({
        "name": "Police and Crime Plan 2026-2030", "start": start, "end": "2030-03", "baseline": "2025/26",
        "priorities": [{"name": "Keeping children safe", "measures": [
            {"measure": "cse_charges", "aspiration": {"level": 5}}, "cse_referrals", "cse_arrests"]}]})
    return data


def force_sum(lapse_db: Path, month: str, measure: str) -> float:
    with warehouse.connect_read_only(lapse_db) as con:
        return con.execute("SELECT sum(value) FROM figure WHERE strftime(period, '%Y-%m') = ? AND measure = ?",
                           [month, measure]).fetchone()[0]


# --------------------------------------------------------------------------------------------------
# The status and the charts
# --------------------------------------------------------------------------------------------------

def test_a_month_past_the_plan_has_every_figure_and_signal_but_no_plan_and_no_assurance(figures, lapse_db):
    statuses = plan_status(figures, "2026-04")
    last_plan = load_plans().plans[-1]
    assert [s.measure_id for s in statuses if s.is_force] == [pm.id for pm in last_plan.measures()]
    assert all(not s.plan_in_force and s.plan == "" for s in statuses)
    assert all(s.assurance_icon is None and s.aspiration is None and s.target is None for s in statuses)
    force = {s.measure_id: s for s in statuses if s.is_force}
    for measure in ("cse_charges", "cse_referrals", "cse_live_investigations"):
        assert force[measure].value == force_sum(lapse_db, "2026-04", measure)
        assert force[measure].variation != "no data" and force[measure].upper is not None
    assert force["cse_charges"].change == force_sum(lapse_db, "2026-04", "cse_charges") - force_sum(
        lapse_db, "2025-04", "cse_charges")
    assert plan_notice("2026-04").startswith(LAPSE)
    assert plan_notice("2026-03") is None


def test_a_plans_end_never_moves_a_charts_limits(figures):
    lapsed = PlanAnalytics(figures)
    in_force = PlanAnalytics(figures, plans=plans_from_dict(extended()))
    assert in_force.plans.plan_for("2026-04") is not None and lapsed.plans.plan_for("2026-04") is None
    for measure in [pm.id for pm in load_plans().plans[-1].measures()]:
        for district in (None, "Rotherham"):
            a, _ = lapsed.chart(measure, district, "2026-04")
            b, _ = in_force.chart(measure, district, "2026-04")
            cols = ["period", "value", "segment", "mean", "upper", "lower", "special_cause"]
            pd.testing.assert_frame_equal(a.frame()[cols], b.frame()[cols])
    # the rebases are the measure's history: the Jay report's segment is there with or without a plan
    chart, _ = lapsed.chart("cse_charges", None, "2026-04")
    assert chart.frame()["segment"].nunique() == 2
    without_history = PlanAnalytics(figures, history=history_from_dict({}))
    assert without_history.chart("cse_charges", None, "2026-04")[0].frame()["segment"].nunique() == 1
    for s, t in zip(lapsed.status("2026-04"), in_force.status("2026-04"), strict=True):
        assert (s.mean, s.upper, s.lower, s.signal_rule) == (t.mean, t.upper, t.lower, t.signal_rule)


# --------------------------------------------------------------------------------------------------
# The warnings
# --------------------------------------------------------------------------------------------------

def test_months_past_the_last_plan_and_a_plan_about_to_end_are_reported():
    plans = load_plans()
    past = plan_notices(["2026-02", "2026-03", "2026-04", "2026-05"], plans)
    assert past == ["Figures are loaded for April 2026 to May 2026, after the last Police and Crime Plan "
                    "(Police and Crime Plan 2022-2026) ended in March 2026: those months are shown with their "
                    "statistical signals, but no aspiration is judged. Add the next plan to plan.yaml when it is "
                    "adopted; its months are then judged against it."]
    soon = plan_notices(["2025-11", "2025-12"], plans)
    assert len(soon) == 1 and soon[0].startswith("Police and Crime Plan 2022-2026 ends in March 2026, 3 months "
                                                 "after the latest month loaded (December 2025)")
    assert plan_notices(["2025-10", "2025-11"], plans) == []  # four months ahead: not yet
    assert plan_notices(["2015-07"], plans) == [] and plan_notices([], plans) == []
    # a successor adopted ahead of the end: nothing to warn about; a lapse between two plans is named
    succeeded = plans_from_dict(with_successor("2026-06"))
    assert plan_notices(["2026-02", "2026-03"], succeeded) == []
    between = plan_notices(["2026-03", "2026-04", "2026-05", "2026-06"], succeeded)
    assert between == ["No Police and Crime Plan was in force from April 2026 to May 2026, between Police and Crime "
                       "Plan 2022-2026 (to March 2026) and Police and Crime Plan 2026-2030 (from June 2026): those "
                       "months are shown with their statistical signals, but no aspiration is judged."]
    assert plan_notices(["2026-04", "2026-05", "2026-06"], succeeded, besides="2026-05") == []


def test_a_gap_between_plans_is_said_where_the_months_shown_hold_it_not_for_ever():
    from types import SimpleNamespace

    from pipelines.briefing.pack import period_notices
    from pipelines.briefing.period import reporting_period

    plans = plans_from_dict(with_successor("2026-07"))
    loaded = [f"{y}-{m:02d}" for y, m in [(2026, m) for m in range(1, 13)] + [(2027, m) for m in range(1, 6)]]
    gap = ("No Police and Crime Plan was in force from April 2026 to June 2026, between Police and Crime Plan "
           "2022-2026 (to March 2026) and Police and Crime Plan 2026-2030 (from July 2026)")
    said = plan_notices(loaded, plans)
    assert len(said) == 1 and said[0].startswith(gap)
    assert plan_notices(loaded, plans, shown=["2026-06", "2026-07"]) == said
    assert plan_notices(loaded, plans, shown=["2027-05"]) == []  # a load of May 2027 is not about 2026's gap
    # figures past the last plan are said whatever the months shown, until the next plan is added
    assert plan_notices(["2026-03", "2026-04"], load_plans(), shown=["2026-03"]) != []

    analytics = SimpleNamespace(plans=plans, notice=lambda month: plan_notice(month, plans))

    def briefed(meeting: dt.date) -> list[str]:
        return period_notices(analytics, reporting_period(meeting, loaded), loaded)[1]

    # the pack's 12 months: to May 2027 they hold June 2026, to June 2027 none of the gap
    assert [n[:len(gap)] for n in briefed(dt.date(2027, 4, 22))] == [gap]  # 12 months to March 2027
    assert [n[:len(gap)] for n in briefed(dt.date(2027, 6, 17))] == [gap]  # to May 2027
    loaded += ["2027-06"]
    assert briefed(dt.date(2027, 7, 15)) == []  # to June 2027: the gap is behind the year reported


def test_ingest_says_a_gap_between_plans_only_of_a_load_with_months_in_it(lapse_db, tmp_path, monkeypatch,
                                                                          run_cli):
    ref = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, ref)
    (ref / "plan.yaml").write_text(yaml.safe_dump(with_successor("2026-06"), sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    db = copy_warehouse(lapse_db, tmp_path)
    with warehouse.connect_read_only(db) as con:
        june = con.execute("SELECT district, measure, value FROM figure WHERE period = DATE '2026-06-01' "
                           "ORDER BY ALL").fetchall()
    july = tmp_path / "2026-07-cse-return.csv"
    july.write_text("period,district,measure,value\n" + "".join(
        f"2026-07,{d},{m},{v:g}\n" for d, m, v in june), encoding="utf-8")
    later = run_cli("ingest", "--db", db, "--quiet", july)
    assert later.exit_code == 0 and "1 file accepted" in later.stdout, later.output
    assert "Police and Crime Plan" not in later.stdout, later.stdout
    # a correction to a month in the gap is about it: said
    may = tmp_path / "2026-05-correction.csv"
    may.write_text("period,district,measure,value\n" + "".join(
        f"2026-05,{d},{m},{v + 1:g}\n" for d, m, v in june if m == "cse_arrests"), encoding="utf-8")
    corrected = run_cli("ingest", "--db", db, "--quiet", may)
    assert corrected.exit_code == 0, corrected.output
    assert "No Police and Crime Plan was in force from April 2026 to May 2026" in " ".join(corrected.stdout.split())


def test_ingest_reports_a_month_loaded_past_the_plans_end(sample_db, tmp_path, run_cli):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect_read_only(db) as con:
        march = con.execute("SELECT district, measure, value FROM figure WHERE period = DATE '2026-03-01'").fetchall()
    april = returns_after_the_sample(tmp_path, march)[0]
    result = run_cli("ingest", "--db", db, "--quiet", april)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = next(i for i, line in enumerate(lines) if "file accepted" in line)
    assert lines[summary + 1].startswith("Figures are loaded for April 2026, after the last Police and Crime Plan")
    # a run that loads nothing, a name mistyped or the file loaded already, has nothing new to say of the plans
    for args in ([tmp_path / "2026-04-cse-retrun.csv"], [april]):
        again = run_cli("ingest", "--db", db, "--quiet", *args)
        assert "Police and Crime Plan" not in again.stdout, again.stdout
    assert "1 not found." in run_cli("ingest", "--db", db, "--quiet", tmp_path / "2026-04-cse-retrun.csv").stdout


def test_ingest_past_the_plans_end_names_a_month_missing_among_those_loaded(sample_db, tmp_path, run_cli):
    """Regression: with April and June 2026 loaded and May never sent, the notice said "Figures are loaded for April
    2026 to June 2026", as if May's figures were there."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect_read_only(db) as con:
        march = con.execute("SELECT district, measure, value FROM figure WHERE period = DATE '2026-03-01'").fetchall()
    april, _, june = returns_after_the_sample(tmp_path, march)
    assert run_cli("ingest", "--db", db, "--quiet", april).exit_code == 0
    result = run_cli("ingest", "--db", db, "--quiet", june)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert ("Figures are loaded for April 2026 to June 2026, but not May 2026, after the last Police and Crime Plan "
            "(Police and Crime Plan 2022-2026) ended in March 2026") in said
    # many months missing are counted, and past a few runs of them said only between which months they fall
    plans = load_plans()
    assert plan_notices(["2026-04", "2026-07", "2026-09"], plans)[0].startswith(
        "Figures are loaded for April 2026 to September 2026, with 3 months missing (May 2026 to June 2026 and "
        "August 2026), after the last Police and Crime Plan")
    assert plan_notices(["2026-04", "2026-06", "2026-08", "2026-10", "2026-12"], plans)[0].startswith(
        "Figures are loaded for April 2026 to December 2026, with 4 months missing between May 2026 and November "
        "2026, after the last")
    # a month asked for in a gap is not said to be among the months held
    result = run_cli("plan", "--db", db, "--month", "2026-05")
    assert result.exit_code == 1
    assert ("the figures held run from April 2013 to June 2026, but not May 2026." in " ".join(result.stderr.split()))


def test_ingest_says_a_plans_end_only_of_a_load_of_the_latest_month(sample_db, tmp_path, run_cli):
    """Regression: loading a police.uk file of 2017 printed "Police and Crime Plan 2022-2026 ends in March 2026 ...",
    as did a correction to a month of 2015: a notice about the latest month loaded, which neither load touched. A
    load's plan notices are of the months it brought the force's figures for: a police.uk file brings none."""
    db = copy_warehouse(sample_db, tmp_path)
    ending = "Police and Crime Plan 2022-2026 ends in March 2026"
    street = ROOT / "pipelines" / "sample" / "police_uk" / "2017-11-south-yorkshire-street.sample.csv"
    police_uk = run_cli("ingest", "--db", db, "--quiet", street)
    assert police_uk.exit_code == 0 and "1 file accepted" in police_uk.stdout, police_uk.output
    assert "Police and Crime Plan" not in police_uk.stdout, police_uk.stdout
    with warehouse.connect_read_only(db) as con:
        held = dict(((str(p)[:7], d), v) for p, d, v in con.execute(
            "SELECT period, district, value FROM figure WHERE measure = 'cse_arrests' AND period IN "
            "(DATE '2015-07-01', DATE '2026-03-01')").fetchall())
    old = tmp_path / "2015-07-correction.csv"
    old.write_text(f"period,district,measure,value\n2015-07,Barnsley,cse_arrests,{held['2015-07', 'Barnsley'] + 1:g}\n",
                   encoding="utf-8")
    corrected = run_cli("ingest", "--db", db, "--quiet", old)
    assert corrected.exit_code == 0 and "1 file accepted" in corrected.stdout, corrected.output
    assert "Police and Crime Plan" not in corrected.stdout, corrected.stdout
    latest = tmp_path / "2026-03-correction.csv"
    latest.write_text(f"period,district,measure,value\n2026-03,Barnsley,cse_arrests,{held['2026-03', 'Barnsley'] + 1:g}"
                      "\n", encoding="utf-8")
    march = run_cli("ingest", "--db", db, "--quiet", latest)
    assert march.exit_code == 0 and ending in " ".join(march.stdout.split()), march.output


# --------------------------------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------------------------------

def test_plan_command_shows_a_month_past_the_plan_with_the_notice(lapse_db, run_cli):
    result = run_cli("plan", "--db", lapse_db, "--month", "2026-04")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("No Police and Crime Plan in force: April 2026")
    assert LAPSE in " ".join(out.split())
    charges = format_number(force_sum(lapse_db, "2026-04", "cse_charges"))
    assert any(line.startswith("CSE charges") and "South Yorkshire" in line and f" {charges} " in line
               for line in out.splitlines())
    assert "Traceback" not in result.output


def test_pack_command_briefs_a_month_past_the_plan(lapse_db, tmp_path, run_cli):
    result = run_cli("pack", "--as", "analyst@example.org", "--db", lapse_db, "--meeting", "2026-05-20",
                     "--out", tmp_path)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "pab-briefing-2026-05-20.html").read_text(encoding="utf-8")
    assert "Figures to April 2026" in html
    assert f'<p class="notice" role="note">{LAPSE}' in html
    assert "No plan in force: not judged" in html and "consistently" not in html
    assert (tmp_path / "pab-briefing-2026-05-20.pdf").stat().st_size > 10_000


# --------------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------------

def test_overview_shows_april_2026_with_the_notice_and_no_assurance(monkeypatch, lapse_db):
    at = internal(monkeypatch, lapse_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2026, 5, 20)).run()
    assert not at.exception
    shown = texts(at)
    assert "Reporting period:** April 2026" in shown
    assert [i.value for i in at.info][0].startswith(LAPSE)
    assert "aspiration (" not in shown and "Will consistently" not in shown
    referrals = format_number(force_sum(lapse_db, "2026-04", "cse_referrals"))
    assert at.metric[0].label == "South Yorkshire" and at.metric[0].value == referrals
    assert "CSE referrals across South Yorkshire in April 2026" in shown
    assert "Traceback" not in shown
    # the summary's aspiration column says why none applies: the lapsed plan set some, so "None set" would mislead
    summary = next(m.value for m in at.markdown if m.value.lstrip().startswith("| Measure"))
    cells = [line.strip(" |").split(" | ")[-1] for line in summary.splitlines()[2:] if line.strip()]
    assert cells and set(cells) == {"No plan in force"}, cells


def test_measure_page_charts_a_month_past_the_plan_with_the_plans_limits(monkeypatch, lapse_db, figures):
    at = internal(monkeypatch, lapse_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2026, 5, 20)).run()
    at.switch_page("internal_pages/measure.py")
    at.run()
    # referrals, not charges: the force's charges are small counts, which the page judges by quarter
    at.selectbox(key="measure").select("cse_referrals").run()
    assert not at.exception
    shown = texts(at)
    assert LAPSE in shown
    assert "Limits recalculated from August 2014: The Jay report" in shown
    table = at.dataframe[0].value
    assert table["Month"].iloc[-1] == "April 2026"
    expected, _ = PlanAnalytics(figures, plans=plans_from_dict(extended())).chart("cse_referrals", None, "2026-04")
    frame = expected.frame()
    assert table["Upper limit"].tolist() == frame["upper"].round(2).tolist()
    signals = int(frame["special_cause"].sum())
    assert signals > 1 and f"{signals} months show special-cause variation" in shown


def test_pack_page_shows_the_notice_and_makes_the_pack(monkeypatch, lapse_db):
    at = internal(monkeypatch, lapse_db, "internal_pages/pack.py")
    at.date_input(key="pack_meeting").set_value(dt.date(2026, 5, 20)).run()
    assert not at.exception
    assert any(i.value.startswith(LAPSE) for i in at.info)
    at.button(key="prepare_pack").click().run()
    assert not at.exception
    assert {b.proto.label for b in at.get("download_button")} == {"Download PDF", "Download HTML", "Download Word"}


# --------------------------------------------------------------------------------------------------
# A successor adopted later
# --------------------------------------------------------------------------------------------------

def test_a_successor_written_into_plan_yaml_judges_its_months_without_a_restart(monkeypatch, tmp_path, lapse_db,
                                                                                  figures):
    ref = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, ref)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    analytics = PlanAnalytics(figures)  # as the dashboard holds it, across edits of plan.yaml
    before = analytics.status("2026-06")
    assert not any(s.plan_in_force for s in before)
    at = internal(monkeypatch, lapse_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2026, 7, 20)).run()
    assert any("No Police and Crime Plan is in force in June 2026" in i.value for i in at.info)

    # adopted two months into the lapse: from June 2026
    (ref / "plan.yaml").write_text(yaml.safe_dump(with_successor("2026-06"), sort_keys=False), encoding="utf-8")
    later = os.stat(ref / "plan.yaml").st_mtime + 5  # an edit within the clock's resolution is still seen
    os.utime(ref / "plan.yaml", (later, later))

    after = analytics.status("2026-06")
    assert {s.plan for s in after} == {"Police and Crime Plan 2026-2030"}
    assert [s.measure_id for s in after if s.is_force] == ["cse_charges", "cse_referrals", "cse_arrests"]
    charges = next(s for s in after if s.is_force and s.measure_id == "cse_charges")
    assert charges.target == 5 and charges.assurance_icon in ("pass", "fail", "hit_and_miss")
    limits = {(s.measure_id, s.area): (s.mean, s.upper, s.lower) for s in before}
    assert all(limits[(s.measure_id, s.area)] == (s.mean, s.upper, s.lower) for s in after)
    # the lapse months stay unjudged, and now name the successor
    assert not any(s.plan_in_force for s in analytics.status("2026-05"))
    assert plan_notice("2026-05").endswith("Police and Crime Plan 2026-2030 starts in June 2026.")

    at.run()  # the same dashboard session, no restart
    assert not at.exception
    assert not any("No Police and Crime Plan is in force" in i.value for i in at.info)
    assert [o.content for o in at.button_group(key="priority").proto.options] == ["Keeping children safe"]


def test_an_edited_spc_history_is_read_again_and_its_errors_name_the_entry_and_the_fix(tmp_path):
    path = tmp_path / "spc_history.yaml"
    path.write_text("measures:\n  cse_charges:\n    rebase: [{month: 2016-01, reason: A new recording system.}]\n",
                    encoding="utf-8")
    assert load_spc_history(path).rebase_months("cse_charges") != ()
    path.write_text("measures:\n  cse_chargez:\n    rebase: [{month: 2016-01, reason: x}]\n", encoding="utf-8")
    later = os.stat(path).st_mtime + 5
    os.utime(path, (later, later))
    with pytest.raises(ConfigError, match='spc_history.yaml, measures, "cse_chargez".*did you mean "cse_charges"'):
        load_spc_history(path)
    for body, message in (
        ("measures: {cse_charges: {rebase: [{month: 2016-01}]}}", 'rebase 1: the field "reason" is required'),
        ("measures: {cse_charges: {rebase: [{month: 2016-13, reason: x}]}}", "Write it as YYYY-MM"),
        ("measures: {cse_charges: {rebase: [{month: 2016-01, reason: '  '}]}}", "should say in words"),
        ("measures: {cse_charges: {rebase: [{month: 2016-01, reason: a}, {month: 2016-01, reason: b}]}}",
         "already rebase 1"),
        ("spc: {shift_lenght: 7}", 'did you mean "shift_length"'),
    ):
        with pytest.raises(ConfigError, match=message):
            history_from_dict(yaml.safe_load(body))


def test_a_successors_aspiration_is_drawn_from_the_month_it_began_not_over_the_earlier_plans_months(
        monkeypatch, tmp_path, lapse_db):
    """Regression: the aspiration of the plan in force in the reporting month was drawn across the whole chart, from
    April 2013, over the years earlier plans judged with aspirations of their own (and the months no plan judged), as
    if the force had been held to it all along."""
    import json

    from pipelines.briefing.pack import build_pack

    ref = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, ref)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    (ref / "plan.yaml").write_text(yaml.safe_dump(with_successor("2026-06"), sort_keys=False), encoding="utf-8")
    at = internal(monkeypatch, lapse_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2026, 7, 20)).run()
    at.switch_page("internal_pages/measure.py")
    at.run()
    at.selectbox(key="measure").select("cse_charges").run()
    for view, first in (("month", "2026-06-01"), ("quarter", "Q1 2026/27"), ("financial_year", "2026/27")):
        at.selectbox(key="view").select(view).run()
        assert not at.exception
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        [line] = [t for t in spec["data"] if str(t.get("name", "")).startswith("Aspiration")]
        assert line["name"].endswith(", from June 2026)"), line["name"]
        assert str(line["x"][0]).startswith(first), (view, line["x"])
    with warehouse.connect_read_only(lapse_db) as con:
        pack = build_pack(con, dt.date(2026, 7, 20), "analyst@example.org")
    chart = next(m.chart for m in pack.measures if m.measure_id == "cse_charges")
    assert chart.target == 5 and chart.target_from == pd.Timestamp("2026-06-01")
    assert chart.target_label == "Aspiration (5.0 a month, from June 2026)"
    # June 2026 is the chart's last month: the aspiration is a short bar there, and the text under the chart says so
    assert chart.description.endswith(
        " and the aspiration as a short bar at June 2026, the month the plan setting it began.")


def test_a_question_on_a_measure_the_next_plan_leaves_out_is_still_followed_by_its_figures(figures, lapse_db):
    """Regression: a question put on CAWNs issued in Doncaster under one plan, carried to a Board whose month the
    next plan judges without that measure, had no figures now (the plan in force does not list it) and the pack said
    "Figures now: Unchanged", whatever the month's figure was. The figures a question follows are the measure's, as
    the catalogue defines them, whichever plan is in force."""
    from pipelines import accountability as acc

    analytics = PlanAnalytics(figures, plans=plans_from_dict(with_successor("2026-06")))
    assert "cawn_issued" not in {s.measure_id for s in analytics.status("2026-06")}
    with warehouse.connect_read_only(lapse_db) as con:
        (june,) = con.execute("SELECT value FROM figure WHERE measure = 'cawn_issued' AND district = 'Doncaster' "
                              "AND strftime(period, '%Y-%m') = '2026-06'").fetchone()
    now = acc.figures_for(analytics, "cawn_issued", "Doncaster", "2026-06")
    assert [f["label"] for f in now] == ["June 2026", "12 months to June 2026", "Variation"], now
    assert now[0]["value"] == june
    # a measure the new plan still holds is judged by it, as before
    charges = acc.figures_for(analytics, "cse_charges", "Doncaster", "2026-06")
    assert charges[0]["value"] == next(s.value for s in analytics.status("2026-06")
                                       if s.measure_id == "cse_charges" and s.area == "Doncaster")
