"""The recommendations register: the reference file is checked line by line, a status keeps the figures as they
stood when it was judged, one marked implemented whose measure later shows special cause of concern is flagged,
and only an account with the role may judge."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse, internal, texts

from pipelines import warehouse
from pipelines.access import NotAllowed
from pipelines.accountability import register
from pipelines.audit import cli_actor
from pipelines.catalogue import catalogue
from pipelines.errors import ConfigError
from pipelines.figures import accepted_months, plan_figures
from pipelines.plan import PlanAnalytics

PCC_CLI = cli_actor("pcc@example.org")


def test_the_register_loads_and_every_measure_is_in_the_catalogue():
    reg = register.load_register()
    ids = [r.id for r in reg.recommendations]
    assert len(ids) == len(set(ids))
    known = set(catalogue().ids())
    assert all(m in known for r in reg.recommendations for m in r.measures)
    assert {r.source.id for r in reg.recommendations} == set(reg.sources)
    assert any(r.measures for r in reg.recommendations)
    assert all(r.status in register.STATUSES for r in reg.recommendations)


GOOD = """\
sources:
  jay_2014:
    title: Independent Inquiry
    author: Professor Alexis Jay
    published: 2014-08-26
    link: https://example.org/jay
    short: Jay 2014
recommendations:
  - id: J1
    source: jay_2014
    number: "1"
    title: Risk assessments
    owner: Rotherham Council
    measures: [cse_arrests]
"""


def _reference(tmp_path, monkeypatch, text: str):
    from pipelines.catalogue import REFERENCE_DIR

    folder = tmp_path / "reference"
    folder.mkdir()
    for f in REFERENCE_DIR.iterdir():
        if f.is_file():
            (folder / f.name).write_bytes(f.read_bytes())
    (folder / "recommendations.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    return folder / "recommendations.yaml"


@pytest.mark.parametrize("bad, line, words", [
    (GOOD.replace("source: jay_2014", "source: jay_2013"), 10, 'names the source "jay_2013"'),
    (GOOD.replace("measures: [cse_arrests]", "measures: [cse_arests]"), 14, 'the measure "cse_arests"'),
    (GOOD + "    status: finished\n", 15, 'the status "finished"'),
    (GOOD + GOOD[GOOD.index("  - id: J1"):], 15, 'the id "J1" is used twice'),
])
def test_a_bad_register_names_the_file_the_line_and_the_fix(tmp_path, monkeypatch, bad, line, words):
    path = _reference(tmp_path, monkeypatch, bad)
    with pytest.raises(ConfigError) as caught:
        register.load_register()
    message = str(caught.value)
    assert f"{path}, line {line}:" in message
    assert words in message


def test_a_good_small_register_loads(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, GOOD)
    reg = register.load_register()
    assert reg.get("J1").measures == ("cse_arrests",)
    assert reg.get("J1").source.published_words == "26 August 2014"


def _concern(analytics, months, measures):
    """The first (measure, month) where the force shows special cause of concern, after a month without it."""
    for i, month in enumerate(months[1:], start=1):
        for s in analytics.status(month):
            if s.is_force and s.measure_id in measures and str(s.variation_icon or "").startswith("concern"):
                before = {x.measure_id: x for x in analytics.status(months[i - 1]) if x.is_force}
                if not str(before[s.measure_id].variation_icon or "").startswith("concern"):
                    return s.measure_id, months[i - 1], month
    return None


@pytest.fixture
def flagged_db(sample_db, tmp_path):
    """A copy of the sample warehouse where a recommendation was marked implemented in a month its measure showed
    no concern, and the month after shows special cause of concern."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        figures = plan_figures(con)
        months = accepted_months(con)
        analytics = PlanAnalytics(figures)
        found = ((r, _concern(analytics, months, set(r.measures)))
                 for r in register.load_register().recommendations if r.measures)
        rec, (measure, calm, worse) = next((r, c) for r, c in found if c is not None)
        then = PlanAnalytics(figures[figures["period"] <= calm])  # the warehouse as it stood when judged
        register.record_status(con, PCC_CLI, rec.id, status="in_progress", evidence="Plan agreed.", analytics=then)
        register.record_status(con, PCC_CLI, rec.id, status="implemented", evidence="Operation in place.",
                               analytics=then)
    return db, rec, measure, calm, worse


def test_a_status_history_keeps_the_figures_then_and_a_later_concern_flags_it(flagged_db):
    db, rec, measure, calm, worse = flagged_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        entries = register.history(con, rec.id)
        assert [e.status for e in entries] == ["in_progress", "implemented"]
        assert entries[-1].judged_by == "pcc@example.org" and entries[-1].evidence == "Operation in place."
        then = next(m for m in entries[-1].measures if m["measure"] == measure)
        assert then["month_iso"] == calm and not register.concerning(then)
        assert register.current(con)[rec.id].status == "implemented"

        analytics = PlanAnalytics(plan_figures(con))
        assert not [f for f in register.flagged(con, analytics, calm) if f.recommendation.id == rec.id]
        flags = [f for f in register.flagged(con, analytics, worse) if f.recommendation.id == rec.id]
        assert len(flags) == 1
        now = next(m for m in flags[0].measures if m["measure"] == measure)
        assert register.concerning(now) and now["variation_icon"] != then["variation_icon"]
        name = catalogue().get(measure).short_name
        assert flags[0].sentence.startswith(f"Recommendation {rec.id} ({rec.source.short}) is marked implemented, "
                                            f"but {name}")
        assert flags[0].sentence.endswith(f"show special cause of concern in {now['month']}.")
        audited = con.execute("SELECT count(*) FROM audit_event WHERE action = 'recommendation'").fetchall()[0][0]
        assert audited == 2
    finally:
        con.close()


def test_links_to_answers_and_decisions_must_exist(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        with pytest.raises(register.RegisterError, match="no answer 999"):
            register.record_status(con, PCC_CLI, "J1", status="in_progress", evidence="x", answer_ids=[999],
                                   analytics=None)
        with pytest.raises(register.RegisterError, match="no decision 5"):
            register.record_status(con, PCC_CLI, "J1", status="in_progress", evidence="x", decision_ids=[5],
                                   analytics=None)
        with pytest.raises(register.RegisterError, match="not a recommendation's status"):
            register.record_status(con, PCC_CLI, "J1", status="done", evidence="x", analytics=None)
        assert con.execute("SELECT count(*) FROM recommendation_status").fetchall()[0][0] == 0


def test_an_account_without_the_role_may_not_judge(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        with pytest.raises(NotAllowed):
            register.record_status(con, NO_ROLE, "J1", status="closed", evidence="Done.", analytics=None)
        assert con.execute("SELECT count(*) FROM recommendation_status").fetchall()[0][0] == 0


@pytest.mark.parametrize("user", [PCC, ANALYST])
def test_the_page_shows_the_register_and_the_flag(monkeypatch, flagged_db, user):
    db, rec, measure, calm, worse = flagged_db
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", user)
    assert not at.exception
    flag = f"Recommendation {rec.id} ({rec.source.short}) is marked implemented"
    assert flag not in texts(at)  # the latest month shows no concern
    at.selectbox(key="rec_month").set_value(worse).run()
    assert not at.exception
    assert any(w.value.startswith(flag) for w in at.warning)
    assert "held in the register" in texts(at)
    at.selectbox(key="rec_chosen").set_value(rec.id).run()
    shown = texts(at)
    assert re.search(r"Implemented(\*\*)? \(status \d+\), judged on", shown), shown
    assert "Operation in place." in [t.value for t in at.text]


def test_the_analyst_records_a_status_on_the_page(monkeypatch, sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    at.selectbox(key="rec_chosen").set_value("NA2").run()
    at.selectbox(key="rec_status").set_value("implemented")
    at.text_area(key="rec_evidence").input("<script>alert(1)</script> =cmd|' /C calc'!A0")
    at.button(key="FormSubmitter:rec_status_form-Record status").click().run()
    assert not at.exception
    with duckdb.connect(str(db), read_only=True) as con:
        (entry,) = register.history(con, "NA2")
    assert entry.status == "implemented" and entry.judged_by == "analyst@example.org"
    assert entry.evidence == "<script>alert(1)</script> =cmd|' /C calc'!A0"
    assert {m["measure"] for m in entry.measures} == set(register.load_register().get("NA2").measures)
    assert "<script>alert(1)</script> =cmd|' /C calc'!A0" in [t.value for t in at.text]


def test_the_command_lists_the_register_with_the_flag_first(flagged_db, run_cli):
    db, rec, measure, calm, worse = flagged_db
    out = run_cli("recommendations", "--db", db, "--month", worse)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith(f"Recommendation {rec.id} ({rec.source.short}) is marked implemented")
    for r in register.load_register().recommendations:
        assert any(line.startswith(f"{r.id} ({r.source.short}") for line in lines)
    assert "Status: Implemented" in out.output


def test_a_measure_no_plan_holds_any_more_is_still_followed(flagged_db, ref):
    """Regression: once the plan in force no longer held a recommendation's measure, the register said "No figure"
    for a month that had one, and a recommendation marked implemented was never flagged for its concern."""
    import yaml

    db, rec, measure, _, worse = flagged_db
    plans = yaml.safe_load((ref / "plan.yaml").read_text(encoding="utf-8"))
    for plan in plans["plans"]:
        for priority in plan["priorities"]:
            priority["measures"] = [m for m in priority["measures"] if m["measure"] != measure]
    (ref / "plan.yaml").write_text(yaml.safe_dump(plans, sort_keys=False), encoding="utf-8")
    with warehouse.connect_read_only(db) as con:
        analytics = PlanAnalytics(plan_figures(con))
        assert not [s for s in analytics.status(worse) if s.measure_id == measure]
        (now,) = register.measure_statuses(analytics, [measure], worse)
        assert now["value"] is not None and now["variation"] != "No figure" and register.concerning(now)
        assert now["assurance"] == ""  # no plan judges it against an aspiration
        assert [f.recommendation.id for f in register.flagged(con, analytics, worse)].count(rec.id) == 1


def test_the_command_gives_the_status_number_that_release_takes(flagged_db, run_cli):
    """Regression: "pccdash release recommendation ID" takes a status's number and its error sent the reader to
    "pccdash recommendations", which never showed one; the register now gives each current status's number, and
    that number is the one release approves."""
    db, rec, measure, calm, worse = flagged_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        status_id = register.current(con)[rec.id].status_id
    finally:
        con.close()
    out = run_cli("recommendations", "--db", db)
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if "Status: Implemented" in x)
    shown_number = int(line.split("(status ", 1)[1].split(",", 1)[0])
    assert shown_number == status_id
    assert "Not yet judged" in out.output and "(status" not in out.output.split("Not yet judged")[0].splitlines()[-1]
    released = run_cli("release", "recommendation", shown_number, "--db", db, "--as", "pcc@example.org")
    assert released.exit_code == 0, released.output
    # the number is the status's: said as such, with the recommendation it is of ("recommendation 2" read as NA2's)
    assert f"Approved status {status_id} of recommendation {rec.id} (Implemented) for the next publication" \
        in released.output, released.output
    wrong = run_cli("release", "recommendation", status_id + 100, "--db", db, "--as", "pcc@example.org")
    assert wrong.exit_code == 1 and "pccdash recommendations" in wrong.output and "number" in wrong.output


def test_the_command_for_a_month_with_no_figures_says_which_months_have_them_as_plan_does(sample_db, tmp_path,
                                                                                          run_cli):
    """Regression: `pccdash recommendations --month 2040-01` listed "Measures now: CSE arrests, January 2040: No
    figure" for every measure and exited 0, where `pccdash plan` says the month has no figures and which months do."""
    sample_db = copy_warehouse(sample_db, tmp_path)  # the commands put the SPC history's version on its trail
    for month, nearest in (("2040-01", "2026-03"), ("2001-01", "2013-04")):
        out = run_cli("recommendations", "--db", sample_db, "--month", month)
        plan = run_cli("plan", "--db", sample_db, "--month", month)
        assert out.exit_code == 1 and "No figure" not in out.stdout
        said = " ".join(out.stderr.split())
        assert said == " ".join(plan.stderr.split()).replace("pccdash plan", "pccdash recommendations")
        assert f'"pccdash recommendations --month {nearest}"' in said
    assert "No figures are loaded for January 2040: the figures held run from April 2013 to March 2026." in " ".join(
        run_cli("recommendations", "--db", sample_db, "--month", "2040-01").stderr.split())


def test_check_names_a_judged_recommendation_taken_out_of_the_register(sample_db, tmp_path, ref, run_cli):
    """Regression: a recommendation with a status history, taken out of recommendations.yaml by mistake, dropped
    from the Recommendations page and "pccdash recommendations" with its history, and "pccdash check" said every
    file was correct."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        register.record_status(con, cli_actor("analyst@example.org"), "NA4", status="in_progress",
                               evidence="Three districts record it.", analytics=None)
    assert run_cli("check", "--db", db).exit_code == 0
    path = ref / "recommendations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  - id: NA4\n")] + text[text.index("  - id: NA11\n"):], encoding="utf-8")
    checked = run_cli("check", "--db", db)
    assert checked.exit_code == 1 and "Traceback" not in checked.stderr
    assert ('recommendations.yaml", line ' in checked.stderr and 'The warehouse holds the status history of "NA4" '
            "(1 status), which recommendations.yaml no longer holds") in checked.stderr, checked.stderr
    assert "Put it back under `recommendations:` with the same id" in checked.stderr
    path.write_text(text, encoding="utf-8")  # put back: its history is whole again
    assert run_cli("check", "--db", db).exit_code == 0
    listed = run_cli("recommendations", "--db", db)
    assert "NA4 (National audit 2025, recommendation 4)" in listed.stdout and "Status: In progress (status 1" \
        in listed.stdout


def test_the_register_says_a_judged_recommendation_is_no_longer_in_the_file(sample_db, tmp_path, ref, run_cli,
                                                                            monkeypatch):
    """Regression: a recommendation with a status history, taken out of recommendations.yaml by mistake, dropped
    from "pccdash recommendations" and the Recommendations page with no word of its history."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        register.record_status(con, cli_actor("analyst@example.org"), "NA4", status="in_progress",
                               evidence="Three districts record it.", analytics=None)
    path = ref / "recommendations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  - id: NA4\n")] + text[text.index("  - id: NA11\n"):], encoding="utf-8")
    said = 'The warehouse holds the status history of "NA4" (1 status), which recommendations.yaml no longer holds'
    listed = run_cli("recommendations", "--db", db)
    assert listed.exit_code == 0 and said in listed.stderr, listed.stderr
    assert "NA4 (" not in listed.stdout
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    assert not at.exception and said in " ".join(w.value for w in at.warning)
    path.write_text(text, encoding="utf-8")  # put back: nothing to say
    assert "The warehouse holds" not in run_cli("recommendations", "--db", db).stderr
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    assert not at.exception and not [w for w in at.warning if "The warehouse holds" in w.value]


def test_a_status_of_a_recommendation_taken_out_of_the_file_is_refused_approval_with_what_to_do(
        sample_db, tmp_path, ref, run_cli):
    """Regression: approving a status of a recommendation taken out of recommendations.yaml was refused with "The
    register holds no recommendation "NA4"; its ids are ...", as if the number given had been mistyped."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        status = register.record_status(con, cli_actor("analyst@example.org"), "NA4", status="in_progress",
                                        evidence="Three districts record it.", analytics=None)
    path = ref / "recommendations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  - id: NA4\n")] + text[text.index("  - id: NA11\n"):], encoding="utf-8")
    refused = run_cli("release", "recommendation", status, "--db", db, "--as", "pcc@example.org")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert (f"Status {status} is of recommendation NA4, which recommendations.yaml no longer holds" in refused.output
            and "Put the recommendation back under `recommendations:` with the same id" in refused.output), \
        refused.output
    path.write_text(text, encoding="utf-8")
    assert run_cli("release", "recommendation", status, "--db", db, "--as", "pcc@example.org").exit_code == 0


def test_the_commissioner_approves_a_status_for_publication_on_the_recommendations_page(monkeypatch, sample_db,
                                                                                        tmp_path):
    """Regression: the Publishing page, and a publication refused for a status's text, sent the Commissioner to approve
    a recommendation's status "on the Recommendations page", which had no way to: only "pccdash release
    recommendation N" could. Each status is now shown with its number and, to the Commissioner, its approval."""
    from pipelines.accountability.release import released

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        status = register.record_status(con, cli_actor("analyst@example.org"), "NA2", status="in_progress",
                                        evidence="The national operation has begun.", analytics=None)
    analyst = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    analyst.selectbox(key="rec_chosen").set_value("NA2").run()
    assert not analyst.exception and f"(status {status})" in texts(analyst)
    assert not [b for b in analyst.button if b.key == f"release_recommendation_{status}_save"]
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", PCC)
    at.selectbox(key="rec_chosen").set_value("NA2").run()
    assert not at.exception and "What the public record would say" in texts(at)
    at.text_area(key=f"release_recommendation_{status}").input("A national operation has begun.")
    at.button(key=f"release_recommendation_{status}_save").click().run()
    assert not at.exception and not at.error
    with duckdb.connect(str(db), read_only=True) as con:
        (approved,) = released(con)
    assert (approved.kind, approved.item_id) == ("recommendation", str(status))
    assert approved.record["status_evidence"] == "A national operation has begun."
    assert approved.record["recommendation_ref"] == "NA2" and approved.approved_by == "pcc@example.org"


def test_the_register_says_when_the_public_reads_an_older_status(monkeypatch, sample_db, tmp_path, run_cli):
    """Regression: a status judged after the one published left "pccdash recommendations" and the Recommendations page
    saying only the current status, while the public's "Questions and decisions" still read the older one: each now
    says what the public reads, since when, and that the newer status awaits approval (or the next publication)."""
    from pipelines.accountability.release import release
    from pipelines.publish.approval import approve
    from pipelines.publish.snapshot import publish
    from pipelines.uk_time import uk_day_words

    db = copy_warehouse(sample_db, tmp_path)
    analyst = cli_actor("analyst@example.org")
    with warehouse.connect(db) as con:
        first = register.record_status(con, analyst, "NA2", status="in_progress", evidence="Begun.", analytics=None)
        release(con, PCC_CLI, "recommendation", first)
        approve(con, ["2015-06", "2015-07"], PCC_CLI)
        publish(con, PCC_CLI, tmp_path / "out")
        made = con.execute("SELECT created_at FROM snapshot").fetchall()[0][0]
    out = run_cli("recommendations", "--db", db)
    assert out.exit_code == 0, out.output
    assert "The public reads" not in out.output  # the public reads the current status
    with warehouse.connect(db) as con:
        later = register.record_status(con, analyst, "NA2", status="implemented", evidence="Done.", analytics=None)
    said = f"The public reads In progress (published {uk_day_words(made)}); Implemented awaits approval."
    out = run_cli("recommendations", "--db", db)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("NA2 ("))
    assert said in " ".join(x.strip() for x in lines[at:at + 5]), out.output
    page = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    assert not page.exception and said in texts(page).replace("**", ""), texts(page)

    with warehouse.connect(db) as con:
        release(con, PCC_CLI, "recommendation", later)
    out = run_cli("recommendations", "--db", db)
    assert "Implemented is approved for the next publication." in " ".join(out.output.split())
    with warehouse.connect(db) as con:
        publish(con, PCC_CLI, tmp_path / "out")
    out = run_cli("recommendations", "--db", db)
    assert out.exit_code == 0 and "The public reads" not in out.output


def test_a_recommendation_is_given_a_day_it_is_due_by_and_listed_overdue_once_past(sample_db, tmp_path, monkeypatch,
                                                                                  run_cli):
    """A recommendation the office tracks against a day it is due by: given on the command line (not before its
    report was published, each on the audit trail), it is listed with that day in the register, the command and the
    pack, and as overdue once the day has passed while it is not yet implemented or closed; implemented, no longer."""
    from pipelines import accountability as acc
    from pipelines import audit
    from pipelines.briefing.recommendations_section import recommendations_section

    monkeypatch.setenv("PCCDASH_TODAY", "2026-11-21")
    db = copy_warehouse(sample_db, tmp_path)
    refused = run_cli("recommendations", "due", "NA2", "--by", "2025-01-31", "--db", db, "--as", "analyst@example.org")
    assert refused.exit_code == 1 and "Traceback" not in refused.output + refused.stderr
    assert refused.stderr.startswith("Error: NA2 was made in ") and "Give a day on or after 16 June 2025." in (
        refused.stderr.replace("\n", " "))
    done = run_cli("recommendations", "due", "NA2", "--by", "2026-09-30", "--db", db, "--as", "analyst@example.org")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip() == "NA2 is due by 30 September 2026."
    listed = run_cli("recommendations", "--db", db)
    assert listed.exit_code == 0, listed.stderr
    assert "Due by 30 September 2026 (overdue)." in listed.stdout
    with warehouse.connect(db, create=False) as con:
        (row,) = [r for r in register.register_rows(con, None) if r["Recommendation"] == "NA2"]
        assert row["Due by"] == "30 September 2026 (overdue)"
        trail = audit.events(con, action="recommendation_due")
        assert trail["detail"].tolist() == ["due by 30 September 2026"]
        assert trail["identity"].tolist() == ["analyst@example.org"]
        with pytest.raises(NotAllowed):
            register.set_due(con, NO_ROLE, "NA2", due_on="2026-12-31")
        acc.add_meeting(con, PCC_CLI, held_on="2026-11-19")
        con.execute("UPDATE recommendation_due SET set_at = TIMESTAMP '2026-09-02 12:00:00'")  # given on 2 September
        section = recommendations_section(con, dt.date(2026, 11, 19))
        still = next(t for t in section.tables if t.heading.startswith("Not yet implemented"))
        assert still.columns[-1] == "Due by"
        (na2,) = [r for r in still.rows if r[0].startswith("NA2 ")]
        assert na2[-1] == "30\u00a0September\u00a02026 (overdue)"  # the day kept whole on a line
        # a due date given after a meeting was not known at it
        assert [r[-1] for r in recommendations_section(con, dt.date(2026, 9, 1)).tables[-1].rows
                if r[0].startswith("NA2 ")] in ([], [""])
        register.record_status(con, PCC_CLI, "NA2", status="implemented", evidence="Done.", analytics=None)
        (row,) = [r for r in register.register_rows(con, None) if r["Recommendation"] == "NA2"]
        assert row["Due by"] == "30 September 2026"


def test_the_analyst_gives_a_recommendation_its_due_date_on_the_page(monkeypatch, sample_db, tmp_path):
    monkeypatch.setenv("PCCDASH_TODAY", "2026-11-21")
    db = copy_warehouse(sample_db, tmp_path)
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    at.selectbox(key="rec_chosen").set_value("NA2").run()
    at.date_input(key="rec_due_NA2").set_value(dt.date(2026, 12, 31))
    at.button(key="FormSubmitter:rec_due_form-Save the due date").click().run()
    assert not at.exception and not at.error
    assert [t.value for t in at.toast] == ["NA2 is due by 31 December 2026."]
    with duckdb.connect(str(db), read_only=True) as con:
        assert register.due_dates(con) == {"NA2": dt.date(2026, 12, 31)}


def test_the_page_lists_a_recommendation_overdue_the_day_after_it_was_due_without_anything_loaded(
        monkeypatch, sample_db, tmp_path):
    """Regression: the register's table was kept as worked out on the day it was first shown, so a recommendation
    due yesterday was not listed overdue, while the text under it said it was, until some table changed."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-09-30")
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        register.set_due(con, ANALYST, "NA2", due_on="2026-09-30")

    def due_by(at) -> str:
        table = at.dataframe[0].value
        return table.loc[table["Recommendation"] == "NA2", "Due by"].item()

    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    assert not at.exception
    assert due_by(at) == "30 September 2026"
    monkeypatch.setenv("PCCDASH_TODAY", "2026-10-01")
    at.run()
    assert not at.exception
    assert due_by(at) == "30 September 2026 (overdue)"


def test_the_page_shows_a_recommendation_due_further_ahead_than_its_date_box_offers(monkeypatch, sample_db, tmp_path):
    """Regression: a due date given on the command line more than 20 years ahead (or, once the register's report
    date was corrected, before it) stopped the recommendation's page with an error about the date box's range."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-09-30")
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db, create=False) as con:
        register.set_due(con, ANALYST, "NA2", due_on="2099-09-30")
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    at.selectbox(key="rec_chosen").set_value("NA2").run()
    assert not at.exception
    assert at.date_input(key="rec_due_NA2").max == dt.date(2099, 9, 30)
    assert "now 30 September 2099." in texts(at)


def test_the_due_date_box_shows_the_day_of_the_recommendation_chosen(monkeypatch, sample_db, tmp_path):
    """Regression: the date box kept the day of the recommendation shown first when another was chosen, so saving
    gave the second one the first one's due date."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-11-21")
    db = copy_warehouse(sample_db, tmp_path)
    first = register.load_register().recommendations[0].id
    with warehouse.connect(db, create=False) as con:
        register.set_due(con, ANALYST, first, due_on="2026-12-31")
        register.set_due(con, ANALYST, "NA4", due_on="2027-03-31")
    at = internal(monkeypatch, db, "internal_pages/recommendations.py", ANALYST)
    assert at.selectbox(key="rec_chosen").value == first
    assert at.get("date_input")[0].value == dt.date(2026, 12, 31)
    at.selectbox(key="rec_chosen").set_value("NA2").run()
    assert at.get("date_input")[0].value is None
    at.selectbox(key="rec_chosen").set_value("NA4").run()
    assert at.get("date_input")[0].value == dt.date(2027, 3, 31)
    at.get("date_input")[0].set_value(dt.date(2027, 6, 30))
    at.button(key="FormSubmitter:rec_due_form-Save the due date").click().run()
    assert not at.exception and not at.error
    with duckdb.connect(str(db), read_only=True) as con:
        assert register.due_dates(con) == {first: dt.date(2026, 12, 31), "NA4": dt.date(2027, 6, 30)}
