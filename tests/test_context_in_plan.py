"""A plan may list police.uk context measures: judged beside the force's own figures, caveats everywhere shown.

The warehouse is the sample returns plus the real police.uk rows of November 2017 (pipelines/sample/police_uk);
the plan is the bundled one with two context measures added to the 2017-2021 plan. Every expected count
is worked out here from the raw files with Python's csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from dashboard_helpers import ANALYST, PCC, column_widths, copy_warehouse, downloads_of, internal, texts

from dashboard import data
from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.figures import plan_figures
from pipelines.flags import flags, raise_flag
from pipelines.ingest import ingest
from pipelines.plan import PlanAnalytics, load_plans
from pipelines.policeuk import context_figures
from pipelines.policeuk.revisions import republished_words
from pipelines.uk_time import uk_day_words

SAMPLE = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "police_uk"
STREET = SAMPLE / "2017-11-south-yorkshire-street.sample.csv"
OUTCOMES = SAMPLE / "2017-11-south-yorkshire-outcomes.sample.csv"
REFERENCE = Path(__file__).resolve().parent.parent / "pipelines" / "reference"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
VIOLENCE = "police_uk_violence_and_sexual_offences"
SHARE = "police_uk_charge_share"
APPROXIMATE = "Locations are approximate"


def chart_traces(at) -> dict[str, dict[str, float]]:
    """The month-by-month chart's lines: place -> {"YYYY-MM": value}, NaN where the line has a gap."""
    import base64

    import numpy as np

    out = {}
    for trace in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]:
        y = trace["y"]
        if isinstance(y, dict):  # plotly writes a numeric array as typed bytes
            y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])).tolist()
        out[trace["name"]] = {x[:7]: float("nan") if v is None else v for x, v in zip(trace["x"], y, strict=True)}
    return out


def street_rows() -> list[dict]:
    with open(STREET, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def district_of(row: dict) -> str:
    words = row["LSOA name"].split()
    if not words:
        return "No location"
    return words[0] if words[0] in DISTRICTS else "Outside force area"


def charged_outcomes() -> set[str]:
    return set(yaml.safe_load((REFERENCE / "police_uk.yaml").read_text())["outcome_groups"]["charged_or_summonsed"])


@pytest.fixture(scope="module")
def context_db(sample_db, tmp_path_factory) -> Path:
    """The sample warehouse with November 2017's police.uk street and outcomes files loaded."""
    db = copy_warehouse(sample_db, tmp_path_factory.mktemp("context"))
    with warehouse.connect(db) as con:
        report = ingest(con, [STREET, OUTCOMES], loaded_by="tester", today=dt.date(2026, 11, 21))
    assert report.count("accepted") == 2
    return db


@pytest.fixture
def context_plan(tmp_path, monkeypatch) -> Path:
    """The bundled reference with violence and the charge share in the 2017-2021 plan's crime priority."""
    ref = tmp_path / "reference"
    shutil.copytree(REFERENCE, ref)
    plans = yaml.safe_load((ref / "plan.yaml").read_text())
    plan = next(p for p in plans["plans"] if p["name"] == "Police and Crime Plan 2017-2021")
    crime = next(p for p in plan["priorities"] if p["name"] == "Tackling crime and anti-social behaviour")
    crime["measures"] = [{"measure": VIOLENCE}, {"measure": SHARE, "aspiration": {"level": 10}}]
    (ref / "plan.yaml").write_text(yaml.safe_dump(plans, sort_keys=False))
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    return ref


def test_plan_figures_hold_the_listed_context_measures_by_district_and_for_the_whole_force(context_db, context_plan):
    rows = street_rows()
    violence = Counter(district_of(r) for r in rows if r["Crime type"] == "Violence and sexual offences")
    assert violence["No location"] + violence["Outside force area"] > 0  # the force figure has more than its districts
    with warehouse.connect_read_only(context_db) as con:
        figs = plan_figures(con)
    mine = figs[(figs["measure"] == VIOLENCE)]
    got = {r.district: r.value for r in mine.itertuples()}
    assert set(mine["period"]) == {"2017-11"}
    assert got == {**{d: violence[d] for d in DISTRICTS}, "South Yorkshire": sum(violence.values())}
    # the share is worked out by the plan from its parts, which come with it
    assert set(figs["measure"]) >= {"police_uk_charged", "police_uk_total_crime"} and SHARE not in set(figs["measure"])
    # the force's own figures are all there, unchanged
    own = figs[~figs["measure"].str.startswith("police_uk_") & ~figs["measure"].str.endswith("_recorded")]
    with warehouse.connect_read_only(context_db) as con:
        assert len(own) == warehouse.scalar(con, "SELECT count(*) FROM figure")


def test_a_plan_without_context_measures_is_judged_on_the_force_figures_alone(context_db):
    with warehouse.connect_read_only(context_db) as con:
        figs = plan_figures(con)
        # the force's figures, and each breakdown's count recorded (its completeness's numerator), one per
        # district and month it was sent
        assert len(figs) == warehouse.scalar(con, "SELECT count(*) FROM figure") + warehouse.scalar(
            con, "SELECT count(*) FROM (SELECT DISTINCT period, district, measure, dimension FROM figure_breakdown)")
    assert not figs["measure"].str.startswith("police_uk_").any()


def test_the_plan_judges_context_measures_beside_the_force_figures(context_db, context_plan):
    rows = street_rows()
    crimes = [r for r in rows if r["Crime type"] != "Anti-social behaviour"]
    charged = charged_outcomes()
    with warehouse.connect_read_only(context_db) as con:
        statuses = PlanAnalytics(plan_figures(con), plans=load_plans()).status("2017-11")
    by = {(s.measure_id, s.area): s for s in statuses}
    assert ("cse_arrests", "South Yorkshire") in by  # the force's own measures are still judged
    force_violence = by[(VIOLENCE, "South Yorkshire")]
    assert force_violence.priority == "Tackling crime and anti-social behaviour"
    assert force_violence.value == sum(r["Crime type"] == "Violence and sexual offences" for r in rows)
    assert by[(VIOLENCE, "Rotherham")].value == sum(
        r["Crime type"] == "Violence and sexual offences" and district_of(r) == "Rotherham" for r in rows)
    share = by[(SHARE, "South Yorkshire")]
    assert share.value == pytest.approx(100 * sum(r["Last outcome category"] in charged for r in crimes) / len(crimes))
    sheffield = [r for r in crimes if district_of(r) == "Sheffield"]
    assert by[(SHARE, "Sheffield")].value == pytest.approx(
        100 * sum(r["Last outcome category"] in charged for r in sheffield) / len(sheffield))
    assert share.aspiration is not None and "10" in share.aspiration
    # one month of police.uk: no process limits yet, and the sentence says so rather than "no change"
    assert force_violence.variation == "too few months" and force_violence.variation_icon is None
    assert force_violence.sentence.endswith("too few months so far to tell a significant change from ordinary "
                                            "variation.")
    assert by[("cse_arrests", "South Yorkshire")].variation != "too few months"
    # a month police.uk was not loaded for: no figure, said so, not a crash
    later = {(s.measure_id, s.area): s for s in PlanAnalytics(plan_figures_read(context_db)).status("2018-03")}
    assert later[(VIOLENCE, "South Yorkshire")].value is None
    assert later[(VIOLENCE, "South Yorkshire")].variation == "no data"


def plan_figures_read(db: Path):
    with warehouse.connect_read_only(db) as con:
        return plan_figures(con)


def test_the_plan_command_prints_the_context_measures_with_their_caveats(context_db, context_plan, run_cli):
    result = run_cli("plan", "--db", context_db, "--month", "2017-11")
    assert result.exit_code == 0, result.output
    assert "Tackling crime and anti-social behaviour" in result.output
    assert "Violence and sexual offences (police.uk)" in result.output
    caveats = result.output.split("Caveats on Violence and sexual offences (police.uk):")[1]
    assert APPROXIMATE in caveats and "police.uk open data, not the force's own return." in caveats


def test_the_pack_carries_the_context_measures_and_their_caveats(context_db, context_plan, tmp_path):
    db = copy_warehouse(context_db, tmp_path)
    with warehouse.connect(db) as con:
        pack = build_pack(con, dt.date(2017, 12, 14), "tester")
    violence = next(m for m in pack.measures if m.measure_id == VIOLENCE)
    assert violence.priority == "Tackling crime and anti-social behaviour"
    assert any(c.startswith(APPROXIMATE) for c in violence.caveats)
    assert {r.variation for r in violence.rows} == {"Too few months to judge"}
    arrests = next(m for m in pack.measures if m.measure_id == "cse_arrests")
    assert not any(APPROXIMATE in c for c in arrests.caveats)  # police.uk's caveats stay with police.uk's figures


def test_the_pack_names_a_police_uk_month_republished_since_it_was_first_loaded(context_db, context_plan, tmp_path):
    """A month police.uk republished with counts changed (as the context page lists it) is named beside each context
    measure counted from its file, with the revision its figures are from and when that was loaded."""
    db = copy_warehouse(context_db, tmp_path)
    with warehouse.connect(db) as con:
        before = build_pack(con, dt.date(2017, 12, 14), "tester")
    assert not any("republished November 2017" in c for m in before.measures for c in m.caveats)
    republish_without_barnsley_burglary(db, tmp_path)
    with warehouse.connect(db) as con:
        first, latest = con.execute("SELECT min(loaded_at), max(loaded_at) FROM police_uk_month "
                                    "WHERE kind = 'street'").fetchone()
        pack = build_pack(con, dt.date(2017, 12, 14), "tester")
    said = (f"police.uk republished November 2017 after it was first loaded on {uk_day_words(first)}: these figures "
            f"are from its revision 2, loaded on {uk_day_words(latest)}; the police.uk context page lists each count "
            "that changed.")
    by_id = {m.measure_id: m for m in pack.measures}
    assert said in by_id[VIOLENCE].caveats and said in by_id[SHARE].caveats  # both counted from the street file
    assert not any("republished" in c for c in by_id["cse_arrests"].caveats)  # the force's own figures: not police.uk's



def test_the_plan_command_names_a_police_uk_month_republished_as_the_pack_does(context_db, context_plan, tmp_path,
                                                                              run_cli):
    """Regression: the pack and the Briefing overview said beside each police.uk context measure that police.uk
    republished November 2017 after it was first loaded; "pccdash plan", showing the same figures, did not. It says
    the same words, from the same rule, among the measure's caveats, and in the CSV's caveats of its rows."""
    db = copy_warehouse(context_db, tmp_path)
    assert "republished" not in run_cli("plan", "--db", db, "--month", "2017-11").output
    republish_without_barnsley_burglary(db, tmp_path)
    with warehouse.connect(db) as con:
        pack = build_pack(con, dt.date(2017, 12, 14), "tester")
    said = next(c for c in next(m for m in pack.measures if m.measure_id == VIOLENCE).caveats
                if c.startswith("police.uk republished"))
    result = run_cli("plan", "--db", db, "--month", "2017-11")
    assert result.exit_code == 0, result.output
    for name in ("Violence and sexual offences (police.uk)",
                 "Share of crimes whose last outcome is a charge or summons (police.uk)"):
        caveats = result.output.split(f"Caveats on {name}:")[1].split("\n\n")[0]
        assert f"- {said}" in caveats, caveats
    assert result.output.count(said) == 2
    rows = list(csv.DictReader(run_cli("plan", "--db", db, "--month", "2017-11", "--format", "csv").output
                               .splitlines()))
    ours = {"Violence and sexual (police.uk)", "Charge share (police.uk)"}
    assert ours <= {r["measure"] for r in rows}
    assert all((said in r["caveats"]) == (r["measure"] in ours) for r in rows), rows[0]


def test_the_pack_does_not_call_an_earlier_download_put_back_a_republication(context_db, context_plan, tmp_path):
    """Regression: November 2017 republished by police.uk, then its first download loaded again to put it back in
    force: the pack said "police.uk republished November 2017 ... these figures are from its revision 3", the office's
    choice of a download read as police.uk's republication. It says it as the police.uk context page does: an earlier
    download loaded again to put it back in force, not police.uk's republication."""
    db = copy_warehouse(context_db, tmp_path)
    republish_without_barnsley_burglary(db, tmp_path)
    with warehouse.connect(db) as con:
        assert ingest(con, [STREET], loaded_by="tester").count("accepted") == 1  # the first download, put back
        latest = con.execute("SELECT max(loaded_at) FROM police_uk_month WHERE kind = 'street'").fetchone()[0]
        pack = build_pack(con, dt.date(2017, 12, 14), "tester")
    said = (f"An earlier download of November 2017 was loaded again on {uk_day_words(latest)} to put it back in "
            "force, not police.uk's republication: these figures are from it (revision 3); the police.uk context page "
            "lists each count that changed.")
    by_id = {m.measure_id: m for m in pack.measures}
    assert said in by_id[VIOLENCE].caveats and said in by_id[SHARE].caveats, by_id[VIOLENCE].caveats
    assert not any("police.uk republished" in c for m in pack.measures for c in m.caveats)


def test_the_briefing_overview_names_a_police_uk_month_republished_as_the_pack_does(monkeypatch, context_db,
                                                                                    context_plan, tmp_path):
    """Regression: the pack said beside each police.uk context measure that police.uk republished November 2017 after
    it was first loaded; the Briefing overview, showing the same figures, did not. It now says the same words, from
    the same rule, in each context measure's caveats and nowhere else."""
    db = copy_warehouse(context_db, tmp_path)
    republish_without_barnsley_burglary(db, tmp_path)
    with warehouse.connect(db) as con:
        pack = build_pack(con, dt.date(2017, 12, 14), "tester")
    said = next(c for c in next(m for m in pack.measures if m.measure_id == VIOLENCE).caveats
                if c.startswith("police.uk republished"))
    at = internal(monkeypatch, db, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(dt.date(2017, 12, 14)).run()
    at.segmented_control(key="priority").set_value("Tackling crime and anti-social behaviour").run()
    assert not at.exception, at.exception
    read = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # as read: Markdown's escapes removed
    beside = [w for w in read if said in w]
    assert len(beside) == 2, read  # the two context measures counted from the street file
    assert all(w.startswith("**Caveats (") for w in beside)
    assert "republished" not in " ".join(w for w in read if w not in beside)


OLD = ("The latest police.uk month loaded is November 2017, 3 years and 4 months before the meeting's month (March "
       "2021): ")


@pytest.mark.parametrize(("meeting", "old"), [(dt.date(2018, 2, 15), False), (dt.date(2017, 12, 14), False),
                                              (dt.date(2021, 3, 18), True)])
def test_the_pack_says_beside_each_context_measure_how_old_police_uk_s_latest_month_is(
        monkeypatch, context_db, context_plan, tmp_path, meeting, old):
    """Regression: a pack made in 2028 showed police.uk's November 2017 beside the force's own figures with nothing
    to say it was over ten years old. Each context measure now says so among its caveats, as the police.uk context
    page does, once the latest month loaded is more than three months before the meeting's month; the force's own
    measures do not, and the pack does not tell its readers how to load files. It is judged at the meeting: the pack
    of a meeting in December 2017, made again in 2028, says nothing of it."""
    monkeypatch.setenv("PCCDASH_TODAY", "2028-04-11")
    db = copy_warehouse(context_db, tmp_path)
    with warehouse.connect(db) as con:
        pack = build_pack(con, meeting, "tester")
    by_id = {m.measure_id: m for m in pack.measures}
    said = [c for c in by_id[VIOLENCE].caveats if c.startswith("The latest police.uk month loaded")]
    assert [c for c in by_id[SHARE].caveats if c.startswith("The latest police.uk month loaded")] == said
    assert not any("police.uk month loaded" in c for c in by_id["cse_arrests"].caveats)
    if not old:  # three months behind: police.uk may not have published December yet
        assert said == []
        return
    assert len(said) == 1 and said[0].startswith(OLD), said
    assert "so it has South Yorkshire Police's months to about January 2021." in said[0]
    assert "pccdash ingest" not in said[0]


@pytest.mark.parametrize(("month", "old"), [("2018-02", False), ("2021-03", True)])
def test_the_plan_command_says_beside_each_context_measure_how_old_police_uk_s_latest_month_is(
        context_db, context_plan, run_cli, month, old):
    """Regression: the pack and the Briefing overview said beside each police.uk context measure how far police.uk's
    latest month loaded is behind; "pccdash plan" for March 2021 showed the same measures beside police.uk's November
    2017 with nothing to say it. It says it as the pack does, from the same rule, judged at the month shown, among the
    caveats of each context measure and in the CSV's caveats of their rows; the force's own measures do not."""
    names = ("Violence and sexual offences (police.uk)",
             "Share of crimes whose last outcome is a charge or summons (police.uk)")
    result = run_cli("plan", "--db", context_db, "--month", month)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(run_cli("plan", "--db", context_db, "--month", month, "--format", "csv").output
                               .splitlines()))
    if not old:  # three months behind: police.uk may not have published December yet
        assert "police.uk month loaded" not in result.output
        assert not any("police.uk month loaded" in r["caveats"] for r in rows)
        return
    said = ("The latest police.uk month loaded is November 2017, 3 years and 4 months before the month shown (March "
            "2021): the figures here are at least that old. police.uk publishes each month about two months later, so "
            "it has South Yorkshire Police's months to about January 2021.")
    for name in names:
        caveats = result.output.split(f"Caveats on {name}:")[1].split("\n\n")[0]
        assert f"- {said}" in caveats, caveats
    assert result.output.count(said) == 2 and "pccdash ingest" not in result.output.split("Caveats on")[1]
    ours = {"Violence and sexual (police.uk)", "Charge share (police.uk)"}
    assert ours <= {r["measure"] for r in rows}
    assert all((said in r["caveats"]) == (r["measure"] in ours) for r in rows), rows[0]


def test_the_briefing_overview_says_beside_each_context_measure_how_old_police_uk_s_latest_month_is(
        monkeypatch, context_db, context_plan):
    monkeypatch.setenv("PCCDASH_TODAY", "2028-04-11")
    at = internal(monkeypatch, context_db, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(dt.date(2021, 3, 18)).run()
    at.segmented_control(key="priority").set_value("Tackling crime and anti-social behaviour").run()
    assert not at.exception, at.exception
    read = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # as read: Markdown's escapes removed
    beside = [w for w in read if OLD in w]
    # in the caveats of each of the two context measures, with how to load the newer months; none elsewhere
    assert len(beside) == 2, read
    assert all(w.startswith("**Caveats (") and "pccdash ingest" in w for w in beside)
    # a meeting of December 2017, looked at in 2028: judged at the meeting, November 2017 was recent
    at = internal(monkeypatch, context_db, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(dt.date(2017, 12, 14)).run()
    at.segmented_control(key="priority").set_value("Tackling crime and anti-social behaviour").run()
    assert not at.exception, at.exception
    assert "police.uk month loaded" not in texts(at)


def test_the_briefing_and_measure_pages_show_context_measures_with_their_caveats(monkeypatch, context_db,
                                                                                  context_plan):
    at = internal(monkeypatch, context_db, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(dt.date(2017, 12, 14)).run()
    at.segmented_control(key="priority").set_value("Tackling crime and anti-social behaviour").run()
    assert not at.exception, at.exception
    assert "Violence and sexual offences (police.uk)" in [h.value for h in at.subheader]
    shown = texts(at)
    assert APPROXIMATE in shown and "Crime types are broad categories" in shown
    violence = sum(r["Crime type"] == "Violence and sexual offences" for r in street_rows())
    assert any(m.label == "South Yorkshire" and m.value == f"{violence:,}" for m in at.metric)

    at = internal(monkeypatch, context_db, "internal_pages/measure.py", ANALYST)
    at.selectbox(key="measure").set_value(VIOLENCE).run()
    assert not at.exception, at.exception
    assert APPROXIMATE in texts(at)
    assert not [b for b in at.button if b.key == "to_provenance"]  # provenance traces the force's returns
    at.button(key="to_context").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "police.uk context"
    assert at.selectbox(key="context_measure").value == VIOLENCE
    at = internal(monkeypatch, context_db, "internal_pages/measure.py", ANALYST)
    at.selectbox(key="measure").set_value("cse_arrests").run()
    assert APPROXIMATE not in texts(at)


# ---------------------------------------------------------------------------------------------------
# The police.uk context page


def test_the_context_page_tables_each_district_with_the_records_placed_nowhere_and_the_caveats(monkeypatch, context_db):
    rows = street_rows()
    at = internal(monkeypatch, context_db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "About police.uk figures (4)" in shown and APPROXIMATE in shown and "Months are revised" in shown
    assert "Charge share (police.uk): The last outcome as published" in shown
    table = at.dataframe[0].value.set_index("Measure")
    assert list(table.columns) == [*DISTRICTS, "Outside force area", "No location", "All records"]
    assert column_widths(at.dataframe[0])["Measure"] >= 170  # each name whole: "Charged or summons" was cut
    violence = Counter(district_of(r) for r in rows if r["Crime type"] == "Violence and sexual offences")
    table = table.map(lambda v: float(v.replace(",", "")) if v else None)  # the page writes 1,234
    row = table.loc["Violence and sexual"]
    assert {c: row[c] for c in table.columns} == {**{d: violence[d] for d in (*DISTRICTS, "Outside force area",
                                                                             "No location")},
                                                   "All records": len([r for r in rows if r["Crime type"] ==
                                                                       "Violence and sexual offences"])}
    crimes = [r for r in rows if r["Crime type"] != "Anti-social behaviour"]
    charged = sum(r["Last outcome category"] in charged_outcomes() for r in crimes)
    assert table.loc["Charge share", "All records"] == \
        pytest.approx(round(100 * charged / len(crimes), 1))
    assert at.get("plotly_chart")
    assert "No month has been republished since it was first loaded." in shown
    # the months loaded: a line, and the whole list only when asked for (so the page stays flat with the years)
    tables = len(at.dataframe)
    assert "1 month loaded, November 2017:" in shown
    at.toggle(key="every_month_loaded").set_value(True).run()
    assert not at.exception and len(at.dataframe) == tables + 1
    months = at.dataframe[-1].value
    assert set(months["File kind"]) == {"street", "outcomes"} and set(months["Month"]) == {"November 2017"}
    assert f"{int(months['Records'].astype(str).str.replace(',', '').astype(int).sum()):,} records" in texts(at)


@pytest.mark.parametrize(("today", "said"), [
    ("2018-01-20", None),  # December 2017 is not yet published, nor perhaps January's: November is the latest
    ("2018-02-20", None),  # three months behind: police.uk may not have published December yet
    ("2018-03-01", "four months before this month (March 2018)"),
    ("2028-04-11", "10 years and 5 months before this month (April 2028)"),
])
def test_the_context_page_says_when_its_latest_month_is_old_and_how_to_load_newer(monkeypatch, context_db, today,
                                                                                said):
    """Regression: in 2028 the page read "1 month(s) loaded, November 2017 to November 2017" and "By district,
    November 2017", with nothing to say its latest month was over ten years old. It says a one-month span as one
    month, and, once the latest month loaded is more than three months before today's, how far behind it is and
    how to load the months police.uk has published since."""
    monkeypatch.setenv("PCCDASH_TODAY", today)
    at = internal(monkeypatch, context_db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    old = [w.value for w in at.warning if "latest police.uk month loaded" in w.value]
    assert "1 month loaded, November 2017:" in texts(at) and "to November 2017" not in texts(at)
    if said is None:
        assert old == []
        return
    assert len(old) == 1 and old[0].startswith(f"The latest police.uk month loaded is November 2017, {said}: ")
    assert "police.uk publishes each month about two months later" in old[0]
    assert '"pccdash ingest' in old[0] and "data.police.uk" in old[0]


def republish_without_barnsley_burglary(db: Path, folder: Path) -> int:
    """Load November 2017's street file again without Barnsley's burglaries; how many records that drops. One of
    them was charged (its last outcome "Court result unavailable"), so Barnsley's charged count drops by one too."""
    rows = street_rows()
    later = [r for r in rows if not (district_of(r) == "Barnsley" and r["Crime type"] == "Burglary")]
    republished = folder / "2017-11-south-yorkshire-street.csv"
    with open(republished, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(later)
    with warehouse.connect(db) as con:
        assert ingest(con, [republished], loaded_by="tester").count("accepted") == 1
    return len(rows) - len(later)


def test_the_context_page_shows_what_a_republished_month_changed(monkeypatch, context_db, tmp_path):
    db = copy_warehouse(context_db, tmp_path)
    gone = republish_without_barnsley_burglary(db, tmp_path)
    at = internal(monkeypatch, db, "internal_pages/context.py", PCC)
    assert not at.exception, at.exception
    charged = charged_outcomes()
    gone_charged = sum(district_of(r) == "Barnsley" and r["Crime type"] == "Burglary"
                       and r["Last outcome category"] in charged for r in street_rows())
    assert gone_charged == 1
    assert "2 counts changed when police.uk republished 1 month, the latest November 2017." in texts(at)
    # the counts themselves when asked for: the list grows with every month republished
    tables = len(at.dataframe)
    at.toggle(key="republished_counts").set_value(True).run()
    assert not at.exception and len(at.dataframe) == tables + 1
    [changes] = [d.value for d in at.dataframe if "Previous revision" in d.value.columns]
    assert [(c["District"], c["Category"], c["Change"]) for _, c in changes.iterrows()] == [
        ("Barnsley", "Burglary", f"\u2212{gone:,}"), ("Barnsley", "Charged or summonsed", f"\u2212{gone_charged:,}")]
    assert set(changes["Previous revision"]) == {"1"} and set(changes["Revision"]) == {"2"}


def test_a_month_republished_twice_keeps_what_each_republication_changed(monkeypatch, context_db, tmp_path):
    db = copy_warehouse(context_db, tmp_path)
    gone = republish_without_barnsley_burglary(db, tmp_path)
    # police.uk republishes the month again: Sheffield's robberies are now gone as well
    rows = [r for r in street_rows() if not (district_of(r) == "Barnsley" and r["Crime type"] == "Burglary")]
    robberies = sum(district_of(r) == "Sheffield" and r["Crime type"] == "Robbery" for r in rows)
    assert robberies > 0
    again = tmp_path / "2017-11-south-yorkshire-street-again.csv"
    with open(again, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if not (district_of(r) == "Sheffield" and r["Crime type"] == "Robbery"))
    with warehouse.connect(db) as con:
        assert ingest(con, [again], loaded_by="tester").count("accepted") == 1
    at = internal(monkeypatch, db, "internal_pages/context.py", PCC)
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("3 counts changed when police.uk republished 1 month (2 republications in all), the latest "
            "November 2017.") in shown
    at.toggle(key="republished_counts").set_value(True).run()
    assert not at.exception, at.exception
    [changes] = [d.value for d in at.dataframe if "Previous revision" in d.value.columns]
    # the first republication's changes are still there, each against the revision it replaced
    assert [(c["Previous revision"], c["Revision"], c["District"], c["Category"], c["Change"])
            for _, c in changes.iterrows()] == [
        ("1", "2", "Barnsley", "Burglary", f"\u2212{gone:,}"),
        ("1", "2", "Barnsley", "Charged or summonsed", "\u22121"),
        ("2", "3", "Sheffield", "Robbery", f"\u2212{robberies:,}")]


def test_the_context_page_says_how_to_load_police_uk_files_when_there_are_none(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/context.py", PCC)
    assert not at.exception
    assert "No police.uk file is loaded yet" in texts(at) and not at.dataframe


def test_a_flag_keeps_the_context_pages_answers_and_a_republished_month_renews_them(monkeypatch, context_db, tmp_path):
    db = copy_warehouse(context_db, tmp_path)
    worked = data.answers().worked
    counted = f"{context_figures.__module__}.{context_figures.__qualname__}"
    listed = f"{flags.__module__}.{flags.__qualname__}"
    at = internal(monkeypatch, db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    first = worked[counted]
    assert first >= 1
    at.run()
    assert worked[counted] == first, "a second visit worked the counts out again"

    stamp = warehouse.read_copy_path(db).stat().st_mtime_ns
    with warehouse.connect(db) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Rotherham's July arrests look doubled", period="2015-07",
                   district="Rotherham", measure="cse_arrests")
    assert warehouse.read_copy_path(db).stat().st_mtime_ns != stamp, "the flag swapped in no new read copy"
    at.run()
    assert not at.exception, at.exception
    assert worked[counted] == first, "a flag threw away the police.uk counts, which do not read flags"
    before = worked[listed]
    at.switch_page("internal_pages/flags.py")
    at.run()
    assert not at.exception, at.exception
    assert worked[listed] > before and "Open 1 " in texts(at)

    republish_without_barnsley_burglary(db, tmp_path)
    at.switch_page("internal_pages/context.py")
    at.run()
    assert not at.exception, at.exception
    assert worked[counted] == first + 1, "a republished month did not renew the counts"
    assert "2 counts changed when police.uk republished 1 month," in texts(at)


def test_the_month_by_month_chart_shows_the_last_three_years_unless_every_month_is_asked_for(monkeypatch, context_db,
                                                                                              tmp_path):
    db = copy_warehouse(context_db, tmp_path)
    months = [f"{2013 + i // 12}-{i % 12 + 1:02d}" for i in range(48)]  # 2013-01 .. 2016-12, before the sample's
    street = tmp_path / "2016-12-south-yorkshire-street.csv"
    rows = street_rows()
    with open(street, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "Month": m} for m in months for r in rows[:40])
    with warehouse.connect(db) as con:
        assert ingest(con, [street], loaded_by="tester").count("accepted") == 1
    at = internal(monkeypatch, db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception

    def months_drawn() -> set[str]:  # the months with a point (a month not loaded is drawn as a gap)
        return {m for trace in chart_traces(at).values() for m, y in trace.items() if y == y}

    assert months_drawn() == set((months + ["2017-11"])[-36:])  # the latest 36 of the 49 loaded
    # a point's hover names its month ("July 2015"), as the axis does, not the day it is dated at ("Jul 1, 2015")
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["xaxis"]["hoverformat"] == "%B %Y"
    at.radio(key="context_span").set_value("Every month loaded").run()
    assert months_drawn() == {*months, "2017-11"}


def test_the_context_page_names_the_months_not_loaded_and_leaves_them_as_gaps(monkeypatch, context_db, tmp_path):
    """A street file of September 2017 alone, beside November's street and outcomes files: October is missing for
    both, September's outcomes file too. The page names them, says which file of a chosen month is missing, and
    draws October as a gap in each line rather than a line from September to November. Another force's file
    loaded to compare with is said apart, its records not counted as the force's."""
    db = copy_warehouse(context_db, tmp_path)
    rows = street_rows()
    september = tmp_path / "2017-09-south-yorkshire-street.csv"
    west = tmp_path / "2017-11-west-yorkshire-street.csv"
    for path, change in ((september, {"Month": "2017-09"}),
                         (west, {"Reported by": "West Yorkshire Police", "Falls within": "West Yorkshire Police"})):
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({**r, **change} for r in rows)
    with warehouse.connect(db) as con:
        assert ingest(con, [september, west], loaded_by="tester", today=dt.date(2026, 11, 21)).count("accepted") == 2
        own = con.execute("SELECT sum(records) FROM police_uk_month_current "
                          "WHERE falls_within = 'South Yorkshire Police'").fetchone()[0]
    at = internal(monkeypatch, db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("Not loaded, between September 2017 and November 2017: the street-level crime file of October 2017; the "
            "outcomes file of September to October 2017.") in shown
    assert f"2 months loaded, September 2017 to November 2017: {own:,} records" in shown
    assert "Other forces' files, loaded to compare with: West Yorkshire Police, 1 month." in shown
    assert "file of November 2017 is not loaded" not in shown
    traces = chart_traces(at)
    assert traces and all(list(t) == ["2017-09", "2017-10", "2017-11"] for t in traces.values())
    assert all(t["2017-10"] != t["2017-10"] and t["2017-09"] == t["2017-09"] for t in traces.values())
    at.selectbox(key="context_month").select("2017-09").run()
    assert not at.exception, at.exception
    assert ("South Yorkshire Police's outcomes file of September 2017 is not loaded: the measures counted from it "
            "have no figure for the month until it is.") in texts(at)


def test_the_context_page_says_which_district_no_prefix_places_records_in(monkeypatch, context_db, tmp_path):
    """A district police_uk.yaml gives no LSOA-name prefix (West Midlands Police's Birmingham West, which LSOA names
    cannot tell from Birmingham East) has no column in the table by district, and the page says why."""
    ref = tmp_path / "reference"
    shutil.copytree(REFERENCE, ref)
    data_ = yaml.safe_load((ref / "police_uk.yaml").read_text(encoding="utf-8"))
    data_["districts"]["map"] = [m for m in data_["districts"]["map"] if m["district"] != "Rotherham"]
    (ref / "police_uk.yaml").write_text(yaml.safe_dump(data_, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(ref))
    at = internal(monkeypatch, context_db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    assert "Rotherham" not in at.dataframe[0].value.columns
    assert "Rotherham has no police.uk figure: no LSOA-name prefix in police_uk.yaml places records there" in texts(at)


def test_police_uk_yaml_edited_while_the_dashboard_runs_is_read_at_the_next_page_run(monkeypatch, context_db,
                                                                                    context_plan):
    """Regression: the context figures were kept until a table changed, so a district's prefix taken out of (or put
    into) police_uk.yaml while the dashboard ran went on showing the placement it had before, on the context page
    and on the plan's police.uk measures, until the next load."""
    ref = context_plan
    at = internal(monkeypatch, context_db, "internal_pages/context.py", ANALYST)
    assert "Rotherham" in at.dataframe[0].value.columns
    context = data.plan_figures()
    assert ((context["district"] == "Rotherham") & (context["measure"] == VIOLENCE)).any()
    data_ = yaml.safe_load((ref / "police_uk.yaml").read_text(encoding="utf-8"))
    data_["districts"]["map"] = [m for m in data_["districts"]["map"] if m["district"] != "Rotherham"]
    (ref / "police_uk.yaml").write_text(yaml.safe_dump(data_, sort_keys=False), encoding="utf-8")
    at = internal(monkeypatch, context_db, "internal_pages/context.py", ANALYST)
    assert not at.exception, at.exception
    assert "Rotherham" not in at.dataframe[0].value.columns
    context = data.plan_figures()
    assert not ((context["district"] == "Rotherham") & (context["measure"] == VIOLENCE)).any()
    assert ((context["district"] == "Sheffield") & (context["measure"] == VIOLENCE)).any()


def test_the_month_by_month_chart_has_its_figures_as_a_table_with_each_month_s_caveats(monkeypatch, context_db,
                                                                                       tmp_path):
    """Regression: the context page's month-by-month chart had no table of its figures and no download, where every
    other chart has one. Under it, a month a row and a place a column, with the chart's figures; the grid says which
    month is not loaded and which police.uk republished, and the download gives each month's caveats in full: the
    republication as the pack words it, the month not loaded, and the measure's own caveats beside every month."""
    import io

    import pandas as pd

    db = copy_warehouse(context_db, tmp_path)
    rows = street_rows()
    september = tmp_path / "2017-09-south-yorkshire-street.csv"
    with open(september, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "Month": "2017-09"} for r in rows)
    with warehouse.connect(db) as con:
        assert ingest(con, [september], loaded_by="tester").count("accepted") == 1
    republish_without_barnsley_burglary(db, tmp_path)
    with warehouse.connect(db) as con:  # in the words the pack and "pccdash plan" say it in
        republished = republished_words(con, "street", "2017-11", "2017-11")
    assert republished.startswith("police.uk republished November 2017 after it was first loaded")
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, db, "internal_pages/context.py", ANALYST)
    at.selectbox(key="context_measure").set_value(VIOLENCE).run()
    assert not at.exception, at.exception
    [expander] = [e for e in at.expander if e.label == "The chart's figures as a table"]
    [grid] = expander.dataframe
    table = grid.value.set_index("Month")
    assert list(table.index) == ["September 2017", "October 2017", "November 2017"]
    traces = chart_traces(at)
    places = [c for c in table.columns if c != "Caveats"]
    assert places == list(traces)
    for place in places:  # the chart's figures, October left empty as the chart leaves it a gap
        assert [float(v.replace(",", "")) if v else None for v in table[place]] == [
            traces[place]["2017-09"], None, traces[place]["2017-11"]]
    assert list(table["Caveats"]) == ["", "Not loaded", "Republished by police.uk"]

    [body] = [body for name, body in served if name == f"{VIOLENCE}-2017-09-to-2017-11.csv"]
    got = pd.read_csv(io.BytesIO(body)).set_index("Month")
    assert list(got.index) == ["2017-09", "2017-10", "2017-11"]
    assert got.loc["2017-11", "Barnsley"] == traces["Barnsley"]["2017-11"]  # a number a spreadsheet adds up
    assert got.loc["2017-10", places].isna().all()
    caveats = got["Caveats"].fillna("")
    assert republished in caveats["2017-11"] and republished not in caveats["2017-09"]
    assert "No street-level crime file of October 2017 is loaded" in caveats["2017-10"]
    assert all(APPROXIMATE in c for c in caveats)  # what every figure of police.uk's carries, every month
