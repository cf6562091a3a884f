"""A refused return stops blocking a month and measure once any later accepted file covers them, or once a
person marks it withdrawn or superseded (kept, with who and when, and audited); what a resubmission changes
is shown, was and now, before and after it loads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dashboard_helpers import ANALYST, claims_of, internal, texts
from helpers import fingerprint, write_csv, write_xlsx

from pipelines import resubmission, warehouse
from pipelines.access import NotAllowed
from pipelines.ingest import ingest
from pipelines.ingest.preview import preview
from pipelines.publish.approval import CannotApprove, approve, open_errors, period_states
from pipelines.resubmission import CannotSupersede, cleared_refusals, file_registry, refusals, supersede

HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MAY = dt.date(2026, 5, 1)
PCC = claims_of("pcc@example.org")
ANALYST_CLAIMS = claims_of("analyst@example.org")


def rows(period: str, measure: str, values, districts=DISTRICTS) -> str:
    return "".join(f"{period},{d},{measure},{v}\n" for d, v in zip(districts, values, strict=True))


def wide(path, measure: str, period: str, values):
    return write_xlsx(path, {measure: [["Period", *DISTRICTS], [period, *values]]})


def audit_rows(con):
    return con.execute("SELECT identity, channel, action, subject, detail FROM audit_event "
                       "WHERE action = 'supersede' ORDER BY event_id").fetchall()


def test_a_refusal_is_cleared_by_a_later_file_of_another_name_and_format(con, tmp_path):
    """Regression: a refused "2026-05-cse-return.csv" resent as "...-v2.xlsx" used to block May for ever."""
    refused = write_csv(tmp_path / "2026-05-cse-return.csv",
                        HEADER + rows("2026-05", "cse_arrests", (10, 20, 30, 40), ("Barnsley", "Doncaster",
                                                                                    "Rotheram", "Sheffield")))
    assert not ingest(con, [refused]).ok
    [blocker] = open_errors(con, MAY)
    assert 'file "2026-05-cse-return.csv" (#1)' in blocker and "(cse_arrests)" in blocker
    with pytest.raises(CannotApprove, match='2026-05-cse-return.csv'):
        approve(con, ["2026-05"], PCC)

    assert ingest(con, [wide(tmp_path / "2026-05-cse-return-v2.xlsx", "cse_arrests", "2026-05", (10, 20, 30, 40))]).ok
    assert open_errors(con, MAY) == []
    [state] = [s for s in period_states(con) if s.period == MAY]
    assert state.blockers == []
    assert state.cleared == ['file "2026-05-cse-return.csv" (#1) refused; superseded by '
                             '"2026-05-cse-return-v2.xlsx" (#2) (cleared automatically)']
    registry = file_registry(con).set_index("file_id")
    assert registry.loc[1, "refusal"] == "cleared"
    assert registry.loc[1, "status"] == ('refused; superseded by "2026-05-cse-return-v2.xlsx" (#2) '
                                         "(cleared automatically)")
    assert registry.loc[2, "status"] == ""
    approve(con, ["2026-05"], PCC)


def test_pccdash_ingest_says_the_refused_file_a_resent_return_supersedes(db, tmp_path, run_cli):
    """Regression: "pccdash validate" said a resent return "would supersede refused file ...", but "pccdash ingest"
    of it said nothing of the refusal it cleared, so the analyst could not tell May was no longer blocked."""
    refused = write_csv(tmp_path / "2026-05-cse-return.csv",
                        HEADER + rows("2026-05", "cse_arrests", (10, 20, 30, "lots")))
    assert run_cli("ingest", refused, "--db", db).exit_code == 1
    resent = wide(tmp_path / "2026-05-cse-return-v2.xlsx", "cse_arrests", "2026-05", (10, 20, 30, 40))
    loaded = run_cli("ingest", resent, "--db", db)
    assert loaded.exit_code == 0, loaded.output
    assert ('Refused file "2026-05-cse-return.csv" (#1) is superseded by "2026-05-cse-return-v2.xlsx" (#2): it no '
            "longer stops its months being approved.") in loaded.stdout
    other = write_csv(tmp_path / "2026-06.csv", HEADER + rows("2026-06", "cse_arrests", (1, 2, 3, 4)))
    assert "Refused file" not in run_cli("ingest", other, "--db", db).stdout  # cleared once, said once
    # a refused file and its correction in one run: the correction's line says so too
    june = write_csv(tmp_path / "a-2026-07.csv", HEADER + rows("2026-07", "cse_arrests", (1, 2, 3, "x")))
    fixed = write_csv(tmp_path / "b-2026-07.csv", HEADER + rows("2026-07", "cse_arrests", (1, 2, 3, 4)))
    both = run_cli("ingest", june, fixed, "--db", db)
    assert 'Refused file "a-2026-07.csv" (#4) is superseded by "b-2026-07.csv" (#5)' in both.stdout


def test_a_refused_file_that_named_no_month_is_not_said_to_have_stopped_one(db, tmp_path, run_cli):
    """A file refused before any row was read (not a return at all) blocks no month; its corrected file of the same
    name cleared it, and the load said "it no longer stops its months being approved", which it never did."""
    name = tmp_path / "2026-05-cse-return.csv"
    write_csv(name, "hello,world\n1,2\n")
    assert run_cli("ingest", name, "--db", db).exit_code == 1
    write_csv(name, HEADER + rows("2026-05", "cse_arrests", (10, 20, 30, 40)))
    loaded = run_cli("ingest", name, "--db", db)
    assert loaded.exit_code == 0, loaded.output
    assert ('Refused file "2026-05-cse-return.csv" (#1) is superseded by "2026-05-cse-return.csv" (#2): it stopped no '
            "month being approved, as it named none.") in loaded.stdout


def test_a_correction_after_the_resent_return_is_not_said_to_supersede_the_refusal(con, tmp_path):
    """Regression: April refused, resent and cleared by the resent file (#2); a month later the force corrected one
    April figure (#3), and "pccdash files show", "files" and "periods" then said the refused file was "superseded by
    #2, #3": the correction cleared nothing, the refusal was cleared before it came."""
    refused = write_csv(tmp_path / "2026-04-cse-return.csv",
                        HEADER + rows("2026-04", "cse_arrests", (10, 20, 30, "lots")))
    assert not ingest(con, [refused]).ok
    assert ingest(con, [wide(tmp_path / "april-resent.xlsx", "cse_arrests", "2026-04", (10, 20, 30, 40))]).ok
    correction = write_csv(tmp_path / "april-correction.csv", "period,district,measure,value\n"
                           "2026-04,Sheffield,cse_arrests,42\n")
    assert ingest(con, [correction]).ok
    [refusal] = refusals(con)
    assert refusal.describe() == 'refused; superseded by "april-resent.xlsx" (#2) (cleared automatically)'
    [cleared] = cleared_refusals(con, dt.date(2026, 4, 1))  # as "pccdash periods" and the approval page say it
    assert "#3" not in cleared and cleared.endswith('superseded by "april-resent.xlsx" (#2) (cleared automatically)')


def test_a_later_file_covering_only_some_measures_leaves_the_rest_blocking(con, tmp_path):
    bad = write_csv(tmp_path / "may.csv", HEADER + rows("2026-05", "cse_arrests", (1, 2, 3, "x"))
                    + rows("2026-05", "cse_charges", (1, 2, 3, -1)))
    assert not ingest(con, [bad]).ok
    assert ingest(con, [write_csv(tmp_path / "may-arrests.csv", HEADER + rows("2026-05", "cse_arrests",
                                                                                (1, 2, 3, 4)))]).ok
    [blocker] = open_errors(con, MAY)
    assert "(cse_charges)" in blocker and "cse_arrests" not in blocker.split("(cse_charges)")[0]
    assert 'later covered in part by "may-arrests.csv" (#2)' in blocker
    # the registry and the Files loaded page say the month in words, as the approval page does
    assert refusals(con)[0].describe() == ('refused; blocks May 2026 until a later file covers it; partly covered by '
                                           '"may-arrests.csv" (#2)')
    assert ingest(con, [write_csv(tmp_path / "may-charges.csv", HEADER + rows("2026-05", "cse_charges",
                                                                                     (1, 2, 3, 0)))]).ok
    assert open_errors(con, MAY) == []
    [r] = refusals(con)
    assert r.state == "cleared" and [f.file_id for f in r.cleared_by] == [2, 3]


def test_a_resent_breakdown_without_its_figure_clears_the_refused_one_as_the_preview_said(con, tmp_path):
    """Regression: a refused breakdown (an undeclared category), resent corrected and alone, without the figure it
    breaks down, was said by the upload page and `pccdash validate` to supersede the refused file, but once loaded
    the refusal still blocked the month: only the figures a file sent counted as covering a month and measure."""
    totals = write_csv(tmp_path / "2026-05-cse-return.csv", HEADER + rows("2026-05", "victims_supported", (3, 2, 4, 1)))
    assert ingest(con, [totals]).ok
    sexes = "period,district,measure,value,victim_sex\n" + "".join(
        f"2026-05,Barnsley,victims_supported,{n},{sex}\n" for sex, n in (("Female", 2), ("Male", 1)))
    refused = write_csv(tmp_path / "2026-05-victims.csv", sexes.replace("Male", "Martian"))
    assert not ingest(con, [refused]).ok
    assert open_errors(con, MAY) != []
    resent = sexes + "".join(f"2026-05,Barnsley,victims_supported,0,{sex}\n" for sex in ("Not stated", "Not recorded"))
    [p] = preview(con, [("2026-05-victims-v2.csv", resent.encode())])
    assert [s.file.name for s in p.supersedes] == ["2026-05-victims.csv"]
    assert ingest(con, [write_csv(tmp_path / "2026-05-victims-v2.csv", resent)]).ok
    assert open_errors(con, MAY) == []
    [state] = [s for s in period_states(con) if s.period == MAY]
    assert state.blockers == [] and state.cleared == [
        'file "2026-05-victims.csv" (#2) refused; superseded by "2026-05-victims-v2.csv" (#3) (cleared automatically)']


def test_a_file_accepted_before_the_refusal_does_not_clear_it(con, tmp_path):
    assert ingest(con, [write_csv(tmp_path / "may.csv", HEADER + rows("2026-05", "cse_arrests", (1, 2, 3, 4)))]).ok
    correction = write_csv(tmp_path / "may-correction.csv", HEADER + rows("2026-05", "cse_arrests", (1, 2, 3, "?")))
    assert not ingest(con, [correction]).ok
    assert len(open_errors(con, MAY)) == 1
    with pytest.raises(CannotApprove):
        approve(con, ["2026-05"], PCC)


def test_a_resubmission_that_repeats_accepted_figures_still_covers_them(con, tmp_path):
    """The corrected file's figures equal those accepted earlier, so it revises nothing; it still clears."""
    assert ingest(con, [write_csv(tmp_path / "a.csv", HEADER + rows("2026-05", "cse_arrests", (1, 2, 3, 4)))]).ok
    assert not ingest(con, [write_csv(tmp_path / "b.csv", HEADER + rows("2026-05", "cse_arrests",
                                                                          (1, 2, 3, "four")))]).ok
    report = ingest(con, [write_xlsx(tmp_path / "c.xlsx", {"cse_arrests": [["Period", *DISTRICTS],
                                                                           ["2026-05", 1, 2, 3, 4]]})])
    assert report.ok and (report.files[0].new, report.files[0].revised, report.files[0].unchanged) == (0, 0, 4)
    assert open_errors(con, MAY) == []


def test_rows_without_a_readable_month_or_measure_are_cleared_only_by_marking(con, tmp_path):
    bad = write_csv(tmp_path / "may.csv", HEADER + "May 2026,Barnsley,cse_arrests,1\n"
                    + "2026-05,Barnsley,cse_arests,1\n" + rows("2026-05", "cse_charges", (1, 2, 3, 4)))
    assert not ingest(con, [bad]).ok
    [blocker] = open_errors(con, MAY)
    assert "rows whose measure could not be read" in blocker
    everything = write_csv(tmp_path / "may-v2.csv", HEADER + rows("2026-05", "cse_arrests", (1, 2, 3, 4))
                           + rows("2026-05", "cse_charges", (1, 2, 3, 4)))
    assert ingest(con, [everything]).ok
    assert len(open_errors(con, MAY)) == 1  # no later file can say it covers a measure nobody could read
    status = file_registry(con).set_index("file_id").loc[1, "status"]
    assert "1 refused row has no readable month" in status and "mark the file withdrawn or superseded" in status

    mark = supersede(con, "may.csv", ANALYST_CLAIMS, "Resent corrected as may-v2.csv", by="#2")
    assert (mark.state, mark.by.file_id, mark.marked_by, mark.channel) == ("superseded", 2, "analyst@example.org",
                                                                           "app")
    assert open_errors(con, MAY) == []
    approve(con, ["2026-05"], PCC)
    status = file_registry(con).set_index("file_id").loc[1, "status"]
    assert status.startswith('refused; superseded by "may-v2.csv" (#2) (marked by analyst@example.org in the app on ')
    assert status.endswith("Resent corrected as may-v2.csv)")
    kept = con.execute("SELECT file_id, state, by_file_id, reason, marked_by, channel "
                       "FROM file_supersession").fetchall()
    assert kept == [(1, "superseded", 2, "Resent corrected as may-v2.csv", "analyst@example.org", "app")]
    assert audit_rows(con) == [("analyst@example.org", "app", "supersede", 'file "may.csv" (#1)',
                                'superseded by "may-v2.csv" (#2): Resent corrected as may-v2.csv')]


def test_a_withdrawn_file_stops_blocking_and_a_later_marking_is_kept_beside_the_first(con, tmp_path):
    assert not ingest(con, [write_csv(tmp_path / "june.csv", HEADER + "2026-06,Barnsley,cse_arests,1\n")]).ok
    assert open_errors(con, dt.date(2026, 6, 1))
    supersede(con, 1, ANALYST_CLAIMS, "Sent by mistake", withdrawn=True)
    assert open_errors(con, dt.date(2026, 6, 1)) == []
    assert file_registry(con).loc[0, "status"].startswith("refused; withdrawn (marked by analyst@example.org")
    supersede(con, "#1", PCC, "The force resent it by e-mail instead")
    assert con.execute("SELECT state, marked_by FROM file_supersession ORDER BY supersession_id").fetchall() == [
        ("withdrawn", "analyst@example.org"), ("superseded", "pcc@example.org")]
    assert [r.state for r in refusals(con)] == ["superseded"]
    assert len(audit_rows(con)) == 2


def test_a_name_several_files_share_is_not_guessed(con, tmp_path):
    """Regression: `supersede NAME` marked the latest file of that name, whichever it was. A name shared by a
    refused file and the accepted resend picks each for its part; two refused files of one name are listed."""
    first, second = tmp_path / "east", tmp_path / "west"
    first.mkdir(), second.mkdir()
    assert not ingest(con, [write_csv(first / "june.csv", HEADER + "2026-06,Barnsley,cse_arests,1\n")]).ok
    assert not ingest(con, [write_csv(second / "june.csv", HEADER + "2026-06,Leeds,cse_arrests,1\n")]).ok
    with pytest.raises(CannotSupersede, match=r'2 files are called "june.csv" \(the file to mark\): #1 \(refused '):
        supersede(con, "june.csv", ANALYST_CLAIMS, "Resent")
    assert con.execute("SELECT count(*) FROM file_supersession").fetchall() == [(0,)]
    supersede(con, "#2", ANALYST_CLAIMS, "Sent by mistake", withdrawn=True)
    fixed = write_csv(tmp_path / "june.csv", HEADER + rows("2026-06", "cse_arrests", (1, 2, 3, 4)))
    assert ingest(con, [fixed]).ok  # file 3, named as the refused ones were
    mark = supersede(con, "#1", ANALYST_CLAIMS, "Resent corrected", by="june.csv")
    assert mark.by.file_id == 3, "the accepted file of that name replaces it, not a refused one"


def test_a_marking_that_cannot_be_made_says_why_and_writes_nothing(con, tmp_path):
    assert ingest(con, [write_csv(tmp_path / "ok.csv", HEADER + rows("2026-04", "cse_arrests", (1, 2, 3, 4)))]).ok
    assert not ingest(con, [write_csv(tmp_path / "bad.csv", HEADER + "2026-05,Leeds,cse_arrests,1\n")]).ok
    cases = [
        (dict(file="ok.csv", reason="x"), CannotSupersede, "was accepted: only a refused file"),
        (dict(file="nope.csv", reason="x"), CannotSupersede, 'No file is called "nope.csv"'),
        (dict(file="bad.csv", reason="  "), CannotSupersede, "Give a reason"),
        (dict(file="bad.csv", reason="x", by="ok.csv"), CannotSupersede, "must be a file accepted after it"),
        (dict(file="bad.csv", reason="x", by="ok.csv", withdrawn=True), CannotSupersede, "not both"),
        (dict(file="bad.csv", reason="x" * 2001), CannotSupersede, "keep it to 2,000"),
    ]
    for kwargs, error, words in cases:
        with pytest.raises(error, match=words):
            supersede(con, who=ANALYST_CLAIMS, **kwargs)
    with pytest.raises(NotAllowed, match="may not supersede"):
        supersede(con, "bad.csv", claims_of("visitor@example.org"), "x")
    assert con.execute("SELECT count(*) FROM file_supersession").fetchall() == [(0,)]
    assert audit_rows(con) == []


def test_pccdash_supersede_acts_only_for_an_identity_mapped_to_the_account(db, tmp_path, run_cli):
    bad = write_csv(tmp_path / "2026-05-cse-return.csv", HEADER + "May 2026,Barnsley,cse_arrests,1\n")
    assert run_cli("ingest", bad, "--db", db).exit_code == 1
    refused = run_cli("supersede", "2026-05-cse-return.csv", "--withdrawn", "--reason", "sent in error",
                      "--as", "someone@else.org", "--db", db)
    assert refused.exit_code == 1 and 'may not act as "someone@else.org"' in refused.output
    done = run_cli("supersede", "2026-05-cse-return.csv", "--withdrawn", "--reason", "sent in error",
                   "--as", "analyst@example.org", "--db", db)
    assert done.exit_code == 0, done.output
    assert ('Marked "2026-05-cse-return.csv" (#1) withdrawn (marked by analyst@example.org from the command line'
            in done.stdout)
    with warehouse.connect_read_only(db) as con:
        [(identity, channel, account)] = con.execute(
            "SELECT identity, channel, os_account FROM audit_event WHERE action = 'supersede'").fetchall()
        assert con.execute("SELECT channel FROM file_supersession").fetchall() == [("cli",)]
    assert (identity, channel) == ("analyst@example.org", "cli") and account
    # given by its number, the file is still named: "Marked 1 withdrawn" said nothing of which file
    again = run_cli("supersede", "1", "--withdrawn", "--reason", "sent in error twice", "--as", "analyst@example.org",
                    "--db", db)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith('Marked "2026-05-cse-return.csv" (#1) withdrawn (marked by analyst@example.org')


def test_a_resubmission_shows_what_it_changes_before_and_after_it_loads(db, tmp_path, run_cli):
    first = write_csv(tmp_path / "2026-05-cse-return.csv", HEADER + rows("2026-05", "cse_arrests", (10, 20, 30, 40)))
    assert run_cli("ingest", first, "--db", db).exit_code == 0
    again = wide(tmp_path / "2026-05-cse-return-v2.xlsx", "cse_arrests", "2026-05", (10, 22, 30, 41))
    before = fingerprint(db)
    dry = run_cli("validate", again, "--db", db)
    assert dry.exit_code == 0, dry.output
    assert ('"2026-05-cse-return-v2.xlsx" would change 2 accepted figures:\n'
            "  CSE arrests, Doncaster, May 2026: was 20, now 22\n"
            "  CSE arrests, Sheffield, May 2026: was 40, now 41\n") in dry.stdout
    assert fingerprint(db) == before  # a dry run loads nothing
    loaded = run_cli("ingest", again, "--db", db)
    assert loaded.exit_code == 0
    assert ('"2026-05-cse-return-v2.xlsx" (file #2) changed 2 accepted figures:\n'
            "  CSE arrests, Doncaster, May 2026: was 20, now 22\n") in loaded.stdout
    with warehouse.connect(db) as con:
        assert [(c.district, c.was, c.now) for c in resubmission.file_revisions(con, 2)] == [("Doncaster", 20, 22),
                                                                               ("Sheffield", 40, 41)]
        assert resubmission.revision_preview(con, again) == []  # loaded: nothing left to change
        assert resubmission.revision_preview(con, tmp_path / "missing.csv") == []
    unchanged = run_cli("validate", first, "--db", db)  # the same bytes: ingest would skip it, as validate says
    assert "is already loaded: loading it again would change nothing" in unchanged.stdout
    assert "would change 2 accepted figures" not in unchanged.stdout
    lines = first.read_text().splitlines(keepends=True)
    resent = tmp_path / "2026-05-cse-return-resent.csv"  # the first figures, sent again in another order
    resent.write_text(lines[0] + "".join(reversed(lines[1:])))
    assert "would change 2 accepted figures" in run_cli("validate", resent, "--db", db).stdout  # back to them


def test_an_older_warehouse_gets_coverage_from_the_figures_its_files_changed(db, monkeypatch, tmp_path):
    older = tmp_path / "older"
    older.mkdir()
    for version, _, path in warehouse.migrations():
        if version < 7:
            (older / path.name).write_text(path.read_text())
    real = warehouse.MIGRATIONS_DIR
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", older)
    with warehouse.connect(db) as con:  # as the loads before this release left it: the figures they changed
        con.execute("INSERT INTO file_registry (sha256, name, size_bytes, received_at, outcome) "
                    "VALUES ('x', 'a.csv', 1, now(), 'accepted')")
        for d in DISTRICTS:
            con.execute("INSERT INTO figure_revision (period, district, measure, revision, value, file_id, source_row, "
                        "loaded_at) VALUES (DATE '2026-05-01', ?, 'cse_arrests', 1, 1, 1, 2, now())", [d])
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", real)
    with warehouse.connect(db) as con:
        assert con.execute("SELECT file_id, period, measure, figures FROM file_coverage").fetchall() == [
            (1, MAY, "cse_arrests", 4)]


def test_the_files_page_shows_what_superseded_what_and_marks_a_file(monkeypatch, db, tmp_path):
    with warehouse.connect(db) as con:
        assert not ingest(con, [write_csv(tmp_path / "may.csv", HEADER + "May 2026,Barnsley,cse_arrests,1\n")]).ok
        assert ingest(con, [write_csv(tmp_path / "may-v2.csv", HEADER + rows("2026-05", "cse_arrests",
                                                                               (1, 2, 3, 4)))]).ok
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert not at.exception
    assert "Refused and still open 1" in texts(at)
    assert at.selectbox(key="refused_file").value == 1
    at.selectbox(key="supersede_file").set_value(1)
    at.selectbox(key="supersede_by").set_value(2)
    at.text_area(key="supersede_reason").input("Resent as may-v2.csv")
    next(b for b in at.button if b.label == "Mark file").click().run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert 'refused; superseded by "may-v2.csv" (#2) (marked by analyst@example.org in the app' in shown
    # who marked it is not said as what superseded it
    said = [re.sub(r"\\(.)", r"\1", t.value).replace("\u200b", "") for t in at.toast]  # as Markdown shows it
    assert said == ['File #1 marked superseded by "may-v2.csv" (#2) (by analyst@example.org).']
    registry = at.dataframe[0].value.set_index("File number")
    assert registry.loc["1", "Refusal"] == "superseded"
    with warehouse.connect_read_only(db) as con:
        assert audit_rows(con)[0][:3] == ("analyst@example.org", "app", "supersede")


def test_the_same_refused_file_sent_again_is_one_refusal_until_it_is_marked(con, tmp_path):
    """Regression: each time the same refused bytes were sent, another refusal was recorded, each holding the
    month back on its own. Once the refusal is marked withdrawn, the same bytes sent again are a new refusal."""
    text = HEADER + "2026-06,Leeds,cse_arrests,1\n"
    first = ingest(con, [write_csv(tmp_path / "june.csv", text)]).files[0]
    again = ingest(con, [write_csv(tmp_path / "june-resent.csv", text)]).files[0]
    assert (first.outcome, again.outcome, again.file_id) == ("rejected", "rejected", first.file_id)
    assert again.message.startswith(f'already refused as file #{first.file_id} ("june.csv")')
    assert len(open_errors(con, dt.date(2026, 6, 1))) == 1
    supersede(con, first.file_id, ANALYST_CLAIMS, "Sent by mistake", withdrawn=True)
    third = ingest(con, [write_csv(tmp_path / "june-third.csv", text)]).files[0]
    assert third.outcome == "rejected" and third.file_id != first.file_id
    assert len(open_errors(con, dt.date(2026, 6, 1))) == 1


def test_a_file_superseded_with_no_file_named_says_no_file_loaded_took_its_place(db, tmp_path, run_cli):
    """Regression: marked superseded without --by, a file read "superseded (marked by ...)" in what `pccdash
    supersede` printed, in `pccdash files` and `files show` and on the audit trail, as if some file had replaced it;
    nothing said that none loaded had (the return calendar says "nothing in its place")."""
    bad = write_csv(tmp_path / "2026-05-cse-return.csv", HEADER + "May 2026,Barnsley,cse_arrests,1\n")
    assert run_cli("ingest", bad, "--db", db).exit_code == 1
    done = run_cli("supersede", "1", "--reason", "The force sent the figures by e-mail", "--as",
                   "analyst@example.org", "--db", db)
    assert done.exit_code == 0, done.output
    said = "superseded, with no file loaded in its place (marked by analyst@example.org from the command line on "
    assert done.stdout.startswith(f'Marked "2026-05-cse-return.csv" (#1) {said}')
    assert said in " ".join(run_cli("files", "--db", db).stdout.split())
    assert f"Where it stands: {said}" in " ".join(run_cli("files", "show", "1", "--db", db).stdout.split())
    with warehouse.connect_read_only(db) as con:
        assert audit_rows(con)[0][4] == ("superseded, with no file loaded in its place: The force sent the figures by "
                                         "e-mail")
        assert file_registry(con).loc[0, "status"].startswith(f"refused; {said}")
    # named, the later file is said; withdrawn, nothing replaced it, which "withdrawn" says already
    good = write_csv(tmp_path / "2026-05-cse-return-v2.csv", HEADER + rows("2026-05", "cse_arrests", (1, 2, 3, 4)))
    assert run_cli("ingest", good, "--db", db).exit_code == 0
    named = run_cli("supersede", "1", "--by", "2", "--reason", "Loaded now", "--as", "analyst@example.org", "--db", db)
    assert 'superseded by "2026-05-cse-return-v2.csv" (#2) (marked by' in named.stdout
    gone = run_cli("supersede", "1", "--withdrawn", "--reason", "x", "--as", "analyst@example.org", "--db", db)
    assert " (#1) withdrawn (marked by" in gone.stdout


def test_the_quarantine_page_says_where_each_refused_file_stands_and_asks_for_no_correction_once_replaced(
        monkeypatch, db, tmp_path):
    """Regression: two years after a refused return was resent under another name (which cleared its refusal), the
    Quarantine page still said to "Correct the file and load it again", with nothing to say that it had been. It
    now says where each refused file stands, as Files loaded does, and asks for a correction only while one is
    still wanted."""
    refused = HEADER + rows("2026-05", "cse_arrests", (10, 20, 30, 40), ("Barnsley", "Doncaster", "Rotheram",
                                                                          "Sheffield"))
    with warehouse.connect(db) as con:
        assert not ingest(con, [write_csv(tmp_path / "2026-05-cse-return.csv", refused)]).ok
    at = internal(monkeypatch, db, "internal_pages/quarantine.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Correct the file and load it again" in shown
    assert "1 row from refused batches, kept with every rule it broke. Correct the file" in shown, shown
    assert 'File #1, 2026-05-cse-return.csv: refused; blocks May 2026 until a later file covers it' in shown

    with warehouse.connect(db) as con:
        assert ingest(con, [wide(tmp_path / "resent.xlsx", "cse_arrests", "2026-05", (10, 20, 30, 40))]).ok
    at = internal(monkeypatch, db, "internal_pages/quarantine.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Correct the file" not in shown and "Upload the corrected file" not in shown
    assert "The file blocks no month any longer: nothing here is waiting to be corrected." in shown
    assert "1 row from refused files, kept with every rule it broke as the record of what was refused." in shown
    assert ('File #1, 2026-05-cse-return.csv: refused; superseded by "resent.xlsx" (#2) (cleared automatically)'
            in shown)
    # the rows stay, as the record of what was refused
    assert len(at.dataframe[0].value) == 1 and "File id" not in at.dataframe[0].value.columns


def test_only_a_file_still_open_or_marked_before_is_offered_to_mark(monkeypatch, db, tmp_path, run_cli):
    """Regression: two years after a refused return was cleared by a corrected one loaded under another name, Files
    loaded said no refused file was still open yet offered that file to mark withdrawn or superseded, and "pccdash
    supersede" marked it. A cleared file blocks nothing: neither offers it. A file still open is offered, and one
    marked before is offered, said to be, as marking it again corrects the marking."""
    refused = HEADER + rows("2026-05", "cse_arrests", (10, 20, 30, 40), ("Barnsley", "Doncaster", "Rotheram",
                                                                          "Sheffield"))
    with warehouse.connect(db) as con:
        assert not ingest(con, [write_csv(tmp_path / "2026-05-cse-return.csv", refused)]).ok
        assert ingest(con, [wide(tmp_path / "resent.xlsx", "cse_arrests", "2026-05", (10, 20, 30, 40))]).ok
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Refused and still open 0" in shown
    assert ("No refused file is still open: each is cleared by a later file that covers what it refused, so none is "
            "waiting to be marked.") in shown
    assert not [b for b in at.button if b.label == "Mark file"]
    assert "supersede_file" not in [s.key for s in at.selectbox]
    # the command line refuses it in as many words, and marks nothing
    done = run_cli("supersede", "1", "--withdrawn", "--reason", "x", "--as", "analyst@example.org", "--db", db)
    assert done.exit_code != 0
    assert ('File "2026-05-cse-return.csv" (#1) blocks nothing any longer: superseded by "resent.xlsx" (#2) (cleared '
            "automatically). There is nothing to mark") in " ".join(done.output.split())
    with warehouse.connect_read_only(db) as con:
        assert audit_rows(con) == [] and con.execute("SELECT count(*) FROM file_supersession").fetchall() == [(0,)]

    with warehouse.connect(db) as con:  # file 3 is open, file 4 is marked withdrawn
        assert not ingest(con, [write_csv(tmp_path / "june.csv", HEADER + "June 2026,Barnsley,cse_arrests,1\n")]).ok
        assert not ingest(con, [write_csv(tmp_path / "july.csv", HEADER + "July 2026,Barnsley,cse_arrests,1\n")]).ok
        supersede(con, 4, ANALYST_CLAIMS, "Sent by mistake", withdrawn=True)
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert not at.exception, at.exception
    offered = at.selectbox(key="supersede_file")
    assert list(offered.options) == [
        "#3, june.csv", "#4, july.csv (marked withdrawn already: marking it again replaces that marking)"]
    assert "No refused file is still open" not in texts(at)

    with warehouse.connect(db) as con:  # none open, one marked: the form is offered to correct its marking
        supersede(con, 3, ANALYST_CLAIMS, "Sent by mistake", withdrawn=True)
    at = internal(monkeypatch, db, "internal_pages/files.py", ANALYST)
    assert "The form below corrects a marking made before." in texts(at)
    assert len(at.selectbox(key="supersede_file").options) == 2


def test_the_quarantine_page_says_plainly_that_two_cleared_files_block_no_month(monkeypatch, db, tmp_path):
    """Two refused returns, each cleared by a corrected one: the page says none of them blocks a month (it read
    "None of those files blocks no month any longer")."""
    with warehouse.connect(db) as con:
        for month in ("2026-05", "2026-06"):
            refused = HEADER + rows(month, "cse_arrests", (10, 20, 30, 40), ("Barnsley", "Doncaster", "Rotheram",
                                                                                "Sheffield"))
            assert not ingest(con, [write_csv(tmp_path / f"{month}-cse-return.csv", refused)]).ok
            assert ingest(con, [wide(tmp_path / f"{month}-resent.xlsx", "cse_arrests", month, (10, 20, 30, 40))]).ok
    at = internal(monkeypatch, db, "internal_pages/quarantine.py", ANALYST)
    assert not at.exception, at.exception
    assert "None of those files blocks a month any longer: nothing here is waiting to be corrected." in texts(at)
