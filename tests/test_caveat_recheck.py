"""A figure's data-check caveat compares it with other figures: the latest earlier month with a figure, the same month
a year before, another measure of the same month. A load that changes one of those (a month loaded out of order, a
correction, a late figure for the same month last year) checks the figures already held again: a caveat that no
longer holds stops following the figure everywhere (its history kept), and one that now holds is added, naming the
right months."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_helpers import ANALYST, PCC, internal, texts
from test_contracts import DISTRICTS, copy_contract, write_return

from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.flags import caveats
from pipelines.ingest import ingest
from pipelines.publish.approval import approve, period_states

ARRESTS = "cse_arrests"
FROM_MAY = ("CSE arrests in Sheffield went to 40 in July 2026 from 11 in May 2026, two months earlier: "
            "check the figure.")


@pytest.fixture(autouse=True)
def _august_2026(monkeypatch):
    monkeypatch.setenv("PCCDASH_TODAY", "2026-08-15")


def load(db, tmp_path, name: str, period: str, sheffield: float, measure: str = ARRESTS, others=(10, 12, 9)):
    """Load one month of one measure, Sheffield's figure as given and the other districts' steady."""
    rows = [[period, d, measure, v] for d, v in zip(DISTRICTS, (*others, sheffield), strict=True)]
    with warehouse.connect(db) as con:
        report = ingest(con, [write_return(tmp_path / name, rows)])
    assert report.files[0].outcome == "accepted", report.files[0].problems
    return report.files[0]


def shown(db, period: str, measure: str = ARRESTS) -> list[tuple[str, str, str]]:
    """The caveats people read on a month's figures (the Provenance page, the pack, the measure page): rule, message."""
    with warehouse.connect_read_only(db) as con:
        frame = caveats(con, measure=measure, start=period, end=period)
    return [(r.district, r.rule_id, r.message) for r in frame.itertuples() if r.kind == "check"]


def history(db, period: str, measure: str = ARRESTS) -> list[tuple]:
    with warehouse.connect_read_only(db) as con:
        return con.execute(
            """SELECT c.rule_id, c.message, c.ended_at IS NOT NULL, v.scope
               FROM figure_caveat c LEFT JOIN validation_run v ON v.run_id = c.ended_by_run
               WHERE strftime(c.period, '%Y-%m') = ? AND c.measure = ? ORDER BY c.caveat_id""",
            [period, measure]).fetchall()


def test_a_month_loaded_out_of_order_ends_the_caveat_that_named_the_month_before_it(db, tmp_path):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    assert shown(db, "2026-07") == [("Sheffield", "month_on_month_change", FROM_MAY)]

    june = load(db, tmp_path, "june.csv", "2026-06", 38)

    assert shown(db, "2026-07") == []  # 40 against June's 38 is no jump
    assert (june.recheck.ended, june.recheck.added) == (1, 0)
    # kept, with when it ended and the run that checked July again
    assert history(db, "2026-07") == [("month_on_month_change", FROM_MAY, True, "recheck")]
    # June itself is judged against May as it loads
    assert [m for _, _, m in shown(db, "2026-06")] == [
        "CSE arrests in Sheffield went from 11 in May 2026 to 38 in June 2026: check the figure."]


def test_a_month_loaded_out_of_order_that_still_jumps_names_the_month_now_before_it(db, tmp_path):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    load(db, tmp_path, "june.csv", "2026-06", 4)
    assert shown(db, "2026-07") == [("Sheffield", "month_on_month_change",
                                     "CSE arrests in Sheffield went from 4 in June 2026 to 40 in July 2026: check the "
                                     "figure.")]
    assert [(ended, m) for _, m, ended, _ in history(db, "2026-07")] == [
        (True, FROM_MAY),
        (False, "CSE arrests in Sheffield went from 4 in June 2026 to 40 in July 2026: check the figure.")]


def test_a_correction_of_the_month_before_changes_the_next_months_caveat(db, tmp_path):
    load(db, tmp_path, "june.csv", "2026-06", 38)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    assert shown(db, "2026-07") == []

    load(db, tmp_path, "june-v2.csv", "2026-06", 4)  # June corrected: July's 40 is now a jump
    jump = "CSE arrests in Sheffield went from 4 in June 2026 to 40 in July 2026: check the figure."
    assert shown(db, "2026-07") == [("Sheffield", "month_on_month_change", jump)]

    load(db, tmp_path, "june-v3.csv", "2026-06", 39)  # and corrected back: the caveat no longer holds
    assert shown(db, "2026-07") == []
    assert [(m, ended) for _, m, ended, _ in history(db, "2026-07")] == [(jump, True)]


def test_a_late_figure_for_the_same_month_last_year_is_compared_with_the_month_a_year_on(db, tmp_path):
    load(db, tmp_path, "june-2026.csv", "2026-06", 95, measure="cce_referrals", others=(20, 20, 20))
    load(db, tmp_path, "july-2026.csv", "2026-07", 100, measure="cce_referrals", others=(20, 20, 20))
    assert shown(db, "2026-07", "cce_referrals") == []

    load(db, tmp_path, "july-2025.csv", "2025-07", 20, measure="cce_referrals", others=(20, 20, 20))
    assert shown(db, "2026-07", "cce_referrals") == [
        ("Sheffield", "cce_referrals_same_month_last_year",
         "CCE referrals in Sheffield went to 100 in July 2026 from 20 in July 2025, the same month last year: "
         "check the figure.")]


def test_a_correction_of_the_other_measure_ends_a_caveat_that_no_longer_holds(db, tmp_path):
    load(db, tmp_path, "arrests.csv", "2026-07", 3)
    load(db, tmp_path, "charges.csv", "2026-07", 12, measure="cse_charges", others=(1, 1, 1))
    assert [r for _, r, _ in shown(db, "2026-07", "cse_charges")] == ["charges_within_arrests"]

    load(db, tmp_path, "arrests-v2.csv", "2026-07", 10)  # 12 charges against 10 arrests is within the tolerance
    assert shown(db, "2026-07", "cse_charges") == []
    assert shown(db, "2026-07", ARRESTS) == []
    assert [ended for _, _, ended, _ in history(db, "2026-07", "cse_charges")] == [True]


def test_a_caveat_that_no_longer_holds_is_gone_from_the_provenance_page_and_the_pack(db, tmp_path, monkeypatch):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    with warehouse.connect_read_only(db) as con:
        before = build_pack(con, dt.date(2026, 8, 20), "tester")
    assert any("two months earlier" in c for m in before.measures for c in m.caveats)

    load(db, tmp_path, "june.csv", "2026-06", 38)

    with warehouse.connect_read_only(db) as con:
        pack = build_pack(con, dt.date(2026, 8, 20), "tester")
    assert not any("two months earlier" in c for m in pack.measures for c in m.caveats)
    at = internal(monkeypatch, db, "internal_pages/provenance.py", ANALYST)
    at.selectbox(key="prov_measure").select(ARRESTS).run()
    at.selectbox(key="prov_district").select("Sheffield").run()
    at.selectbox(key="prov_period").select("2026-07").run()
    assert not at.exception
    assert "two months earlier" not in texts(at)


def test_a_crash_before_the_commit_leaves_the_caveats_as_they_were(db, tmp_path, monkeypatch):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)

    def crash(name: str) -> None:
        if name == "ingest_before_commit":
            raise KeyboardInterrupt

    monkeypatch.setattr("pipelines.faults.point", crash)
    with pytest.raises(KeyboardInterrupt), warehouse.connect(db) as con:
        ingest(con, [write_return(tmp_path / "june.csv", [["2026-06", d, ARRESTS, v]
                                                          for d, v in zip(DISTRICTS, (10, 12, 9, 38), strict=True)])])
    assert shown(db, "2026-07") == [("Sheffield", "month_on_month_change", FROM_MAY)]
    assert history(db, "2026-07") == [("month_on_month_change", FROM_MAY, False, None)]


def test_an_approved_month_whose_caveats_change_is_marked_changed_until_approved_again(db, tmp_path):
    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    with warehouse.connect(db) as con:
        approve(con, ["2026-07"], PCC)
        assert {s.period: s.status for s in period_states(con)}[dt.date(2026, 7, 1)] == "approved"

    load(db, tmp_path, "june.csv", "2026-06", 38)  # July's figures are as approved; its caveat is not

    with warehouse.connect(db) as con:
        july = {s.period: s for s in period_states(con)}[dt.date(2026, 7, 1)]
        assert july.status == "changed"
        assert july.note == ("a data check's caveat on its figures was added or ended after its approval (a month "
                             "they are compared with was loaded or corrected); approve it again")
        # the public reads July's caveats as they stood at its approval until July is approved again
        stood = """SELECT c.message FROM figure_caveat c JOIN period_status s ON s.period = c.period
                   AND c.created_at <= s.approved_at AND (c.ended_at IS NULL OR c.ended_at > s.approved_at)"""
        assert con.execute(stood).fetchall() == [(FROM_MAY,)]
        approve(con, ["2026-07"], PCC)
        assert {s.period: s.status for s in period_states(con)}[dt.date(2026, 7, 1)] == "approved"
        assert con.execute(stood).fetchall() == []


def test_only_a_load_that_changes_what_a_held_figure_is_compared_with_checks_again(db, tmp_path, monkeypatch):
    """Next month's return, and a first load, change no held figure's comparison: nothing is checked again (no run
    of its own, and no rule asked about held figures: a first load of a million figures pays nothing for it); a month
    loaded before one already held is."""
    from pipelines.contracts import recheck

    asked: list[str] = []
    targets = recheck._targets
    monkeypatch.setattr(recheck, "_targets", lambda con, rule, *a: (asked.append(rule.id), targets(con, rule, *a))[1])

    def rechecks() -> int:
        with warehouse.connect_read_only(db) as con:
            return con.execute("SELECT count(*) FROM validation_run WHERE scope = 'recheck'").fetchall()[0][0]

    assert load(db, tmp_path, "may.csv", "2026-05", 11).recheck.run_id is None
    assert load(db, tmp_path, "july.csv", "2026-07", 40).recheck.run_id is None
    assert rechecks() == 0 and asked == []
    june = load(db, tmp_path, "june.csv", "2026-06", 38)
    assert june.recheck.run_id is not None and june.recheck.ended == 1
    assert rechecks() == 1 and "month_on_month_change" in asked


def test_a_load_asks_again_only_the_rules_that_concern_the_measures_it_changed(db, tmp_path, monkeypatch):
    """A correction of arrests can change a month-on-month caveat and the charges-against-arrests one; the rules of
    other measures (the headcount's change, CCE referrals against last year) are not asked at all."""
    from pipelines.contracts import recheck

    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    asked: list[str] = []
    targets = recheck._targets
    monkeypatch.setattr(recheck, "_targets", lambda con, rule, *a: (asked.append(rule.id), targets(con, rule, *a))[1])
    load(db, tmp_path, "june.csv", "2026-06", 38)
    assert "month_on_month_change" in asked and "charges_within_arrests" in asked
    assert not {"headcount_change", "arrested_within_12_weeks_change", "cce_referrals_same_month_last_year"} & set(
        asked), asked


def test_a_held_figure_checked_again_is_named_at_the_column_the_rule_names_as_the_files_own_are(
        db, tmp_path, monkeypatch):
    """A rule naming the column an analyst should look at names it for a held figure checked again (a percentage
    against its corrected numerator) as for a figure of the file being checked."""
    def name_the_column(doc):
        rule = next(r for r in doc["schema"][0]["quality"] if r["id"] == "percentage_matches_its_parts")
        rule["customProperties"].append({"property": "column", "value": "district"})

    copy_contract(tmp_path / "contracts", edit=name_the_column)
    monkeypatch.setenv("PCCDASH_CONTRACTS_DIR", str(tmp_path / "contracts"))
    load(db, tmp_path, "july.csv", "2026-07", 50, measure="officers_trained", others=(50, 50, 50))
    load(db, tmp_path, "july-headcount.csv", "2026-07", 100, measure="officer_headcount", others=(100, 100, 100))
    load(db, tmp_path, "july-pct.csv", "2026-07", 50, measure="officers_trained_pct", others=(50, 50, 50))
    # the numerator corrected: Sheffield's 50% held is now 80 / 100
    corrected = load(db, tmp_path, "july-v2.csv", "2026-07", 80, measure="officers_trained", others=(50, 50, 50))
    assert corrected.recheck.run_id is not None
    # the percentage sent again as it was (as a workbook): the file's own figure, against the corrected numerator
    again = load(db, tmp_path, "july-pct-again.xlsx", "2026-07", 50, measure="officers_trained_pct",
                 others=(50, 50, 50))
    with warehouse.connect_read_only(db) as con:
        named = con.execute(
            """SELECT v.scope, s.source_file, s.source_column
               FROM validation_sample s JOIN validation_run v USING (run_id)
               WHERE s.rule_id = 'percentage_matches_its_parts' AND s.district = 'Sheffield' ORDER BY v.run_id""",
        ).fetchall()
    assert named == [("recheck", "july-pct.csv", "district"), ("ingest", "july-pct-again.xlsx", "district")], again


def test_a_correction_of_a_percentages_part_puts_the_caveat_on_the_held_percentage(db, tmp_path):
    """A file correcting a percentage's numerator but not sending the percentage leaves the held percentage no
    longer matching its parts: the percentage carries the caveat (once, even when the percentage is sent again)."""
    pct = "officers_trained_pct"
    load(db, tmp_path, "july.csv", "2026-07", 50, measure="officers_trained", others=(50, 50, 50))
    load(db, tmp_path, "july-headcount.csv", "2026-07", 100, measure="officer_headcount", others=(100, 100, 100))
    load(db, tmp_path, "july-pct.csv", "2026-07", 50, measure=pct, others=(50, 50, 50))
    assert shown(db, "2026-07", pct) == []

    corrected = load(db, tmp_path, "july-v2.csv", "2026-07", 80, measure="officers_trained", others=(50, 50, 50))
    assert (corrected.recheck.ended, corrected.recheck.added) == (0, 1)
    assert shown(db, "2026-07", pct) == [
        ("Sheffield", "percentage_matches_its_parts",
         "Officers trained (%) for Sheffield in July 2026 is 50.0 but Officers trained / Officer headcount = 80 / 100 "
         "= 80.0.")]

    # sent again as it was: the file's own check names it, and the held caveat is not doubled
    load(db, tmp_path, "july-pct-again.xlsx", "2026-07", 50, measure=pct, others=(50, 50, 50))
    assert len(shown(db, "2026-07", pct)) == 1
    # the numerator put back: the caveat ends
    back = load(db, tmp_path, "july-v3.xlsx", "2026-07", 50, measure="officers_trained", others=(50, 50, 50))
    assert back.recheck.ended >= 1 and shown(db, "2026-07", pct) == []


def test_a_file_correcting_a_part_and_resending_its_percentage_leaves_one_caveat(db, tmp_path):
    pct = "officers_trained_pct"
    load(db, tmp_path, "july.csv", "2026-07", 50, measure="officers_trained", others=(50, 50, 50))
    load(db, tmp_path, "july-headcount.csv", "2026-07", 100, measure="officer_headcount", others=(100, 100, 100))
    load(db, tmp_path, "july-pct.csv", "2026-07", 50, measure=pct, others=(50, 50, 50))
    rows = [["2026-07", d, "officers_trained", v] for d, v in zip(DISTRICTS, (50, 50, 50, 80), strict=True)]
    rows += [["2026-07", d, pct, 50] for d in DISTRICTS]
    with warehouse.connect(db) as con:
        [both] = ingest(con, [write_return(tmp_path / "july-both.csv", rows)]).files
    assert both.outcome == "accepted" and both.recheck.added == 0
    with warehouse.connect_read_only(db) as con:
        held = con.execute("SELECT count(*) FROM figure_caveat WHERE measure = ? AND ended_at IS NULL",
                           [pct]).fetchall()[0][0]
    assert held == 1 and len(shown(db, "2026-07", pct)) == 1


def test_a_load_that_changes_a_published_month_says_so_and_what_to_do(db, tmp_path, run_cli, monkeypatch):
    """A late month ends the caveat on the month after it, already published: the load says that month has changed
    and is to be approved again, in the command and on the Upload page, and a load that changes no approved month
    says nothing of it."""
    from pipelines.ingest.preview import accept, preview
    from pipelines.publish.changes import changed_months
    from pipelines.publish.snapshot import publish

    load(db, tmp_path, "may.csv", "2026-05", 11)
    load(db, tmp_path, "july.csv", "2026-07", 40)
    with warehouse.connect(db) as con:
        approve(con, ["2026-07"], PCC)
        publish(con, PCC, tmp_path / "published")
    monkeypatch.setenv("PCCDASH_DB", str(db))

    august = run_cli("ingest", write_return(tmp_path / "august.csv", [["2026-08", d, ARRESTS, v] for d, v in zip(
        DISTRICTS, (10, 12, 9, 39), strict=True)]))  # next month's return: July's caveat stands
    assert august.exit_code == 0, august.output
    assert "approved before this load" not in august.output

    june = run_cli("ingest", write_return(tmp_path / "june.csv", [["2026-06", d, ARRESTS, v] for d, v in zip(
        DISTRICTS, (10, 12, 9, 38), strict=True)]))
    assert june.exit_code == 0, june.output
    assert ("Months approved before this load that it changed (pccdash approve 2026-07, or the Publishing page, "
            "approves them again):") in june.output
    assert ("  July 2026, published: a data check's caveat on its figures was added or ended after its approval (a "
            "month they are compared with was loaded or corrected); the public reads it as approved: approve it again "
            "to publish the change.") in june.output
    with warehouse.connect_read_only(db) as con:  # the light check a load makes agrees with the months' statuses
        assert changed_months(con) == {dt.date(2026, 7, 1)} == {
            s.period for s in period_states(con) if s.status == "changed"}
    # publishing now would publish July as approved, without the change: the command says so
    waiting = run_cli("publish", "--yes", "--as", "pcc@example.org", "--out", tmp_path / "published")
    assert waiting.exit_code == 1
    assert "Nothing to publish: the public already reads every approved month as approved" in waiting.output
    changed = ("Changed since their approval, so published as approved, without the change: July 2026 (a data "
               "check's caveat on its figures was added or ended after its approval (a month they are compared with "
               'was loaded or corrected)). To publish the change, approve it again first ("pccdash approve 2026-07", '
               "or the Approve and publish page).")
    assert changed in " ".join(waiting.output.split())
    with warehouse.connect(db) as con:  # and beside a month that is published
        approve(con, ["2026-06"], PCC)
    publishing = run_cli("publish", "--yes", "--as", "pcc@example.org", "--out", tmp_path / "published")
    assert publishing.exit_code == 0, publishing.output
    assert "Months added: June 2026." in publishing.output and changed in publishing.output.splitlines()
    with warehouse.connect(db) as con:
        assert {s.period: s.status for s in period_states(con)}[dt.date(2026, 7, 1)] == "changed"

    with warehouse.connect(db) as con:  # approved again; a correction to June from the Upload page changes both again
        approve(con, ["2026-07"], PCC)
        correction = write_return(tmp_path / "june-fix.csv", [["2026-06", "Sheffield", ARRESTS, 12]]).read_bytes()
        done = accept(con, PCC, preview(con, [("june-fix.csv", correction)]))
    assert [f.outcome for f in done.files] == ["accepted"]
    assert done.changed == ["June 2026, published: a figure was revised after its approval; the public reads it as "
                            "approved: approve it again to publish the change.",
                            "July 2026, published: a data check's caveat on its figures was added or ended after its "
                            "approval (a month they are compared with was loaded or corrected); the public reads it as "
                            "approved: approve it again to publish the change."]
    page = internal(monkeypatch, db, "internal_pages/upload.py", ANALYST)  # as the page keeps it for the next run
    page.session_state["upload_done"], page.session_state["upload_changed"] = done.sentence(), done.changed
    page.run()
    assert not page.exception
    [warning] = [w.value for w in page.warning if "approved before this load" in w.value]
    assert warning.startswith("Months approved before this load that it changed: approve each again on the "
                              "Publishing page.")
    assert "\n- July 2026, published" in warning and "approve it again to publish the change" in warning
