"""A flag is assigned, marked awaiting the force, answered by a resubmission and resolved, each step kept with who,
when and a note, audited and role-checked; it follows its figure (and blocks) until resolved; the Flags page and
`pccdash flags` find flags by status, measure, district, file and assignee, and say each as a sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse, internal, texts
from helpers import write_csv

from pipelines import warehouse
from pipelines.access import NotAllowed
from pipelines.flags import (
    BadFlag,
    answer_flag,
    answer_gap,
    assign_flag,
    await_force,
    caveats,
    day_words,
    flag_history,
    flags,
    raise_flag,
    reopen_flag,
    resolve_flags,
    status_sentence,
)
from pipelines.ingest import ingest
from pipelines.publish.approval import blocking_flags

HEADER = "period,district,measure,value\n"
MARCH = "2026-03"


def rows(period: str, measure: str, values) -> str:
    return "".join(f"{period},{d},{measure},{v}\n"
                   for d, v in zip(("Barnsley", "Doncaster", "Rotherham", "Sheffield"), values, strict=True))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two months of a small return, then a resubmission of March; three flags raised on them."""
    tmp_path = tmp_path_factory.mktemp("flags")
    db = tmp_path / "wh.duckdb"
    first = write_csv(tmp_path / "2025-26-cse-return.csv", HEADER + rows("2026-02", "cawn_issued", (1, 2, 3, 4))
                      + rows(MARCH, "cawn_issued", (5, 6, 7, 8)) + rows(MARCH, "cse_charges", (1, 1, 1, 1)))
    again = write_csv(tmp_path / "2026-03-cse-return-v2.csv", HEADER + rows(MARCH, "cawn_issued", (5, 9, 7, 8)))
    with warehouse.connect(db) as con:
        assert ingest(con, [first]).ok
        raise_flag(con, ANALYST, scope="figure", reason="Two notices counted twice", period=MARCH,
                   district="Doncaster", measure="cawn_issued", blocking=True)
        raise_flag(con, ANALYST, scope="district_month", reason="The district's system was down", period=MARCH,
                   district="Rotherham")
        raise_flag(con, PCC, scope="file", reason="Sent before the month closed", file_id=1)
        assert ingest(con, [again]).ok
    return db


@pytest.fixture
def wh(built, tmp_path):
    return copy_warehouse(built, tmp_path)


def today_words() -> str:
    return day_words(warehouse.utc_now())


def steps(con, flag_id):
    return con.execute("SELECT status, assignee, file_id, note, by_user FROM flag_event WHERE flag_id = ? "
                       "ORDER BY event_id", [flag_id]).fetchall()


def audit_rows(con):
    return con.execute("SELECT identity, action, subject, detail FROM audit_event "
                       "WHERE action IN ('flag_update', 'resolve') ORDER BY event_id").fetchall()


def test_each_step_is_kept_with_who_and_a_note_and_audited(wh):
    with warehouse.connect(wh) as con:
        assign_flag(con, PCC, 1, "  data.team@example.org ", "Please look at Doncaster")
        await_force(con, ANALYST, "#1", "Asked the force on 2 April")
        answer_flag(con, ANALYST, 1, "2026-03-cse-return-v2.csv", "Resent with 9")
        assert steps(con, 1) == [
            ("assigned", "data.team@example.org", None, "Please look at Doncaster", "pcc@example.org"),
            ("awaiting", None, None, "Asked the force on 2 April", "analyst@example.org"),
            ("answered", None, 2, "Resent with 9", "analyst@example.org")]
        [flag] = flags(con, status="answered").itertuples()
        assert (flag.flag_id, flag.assignee, flag.answer_file_name) == (1, "data.team@example.org",
                                                                       "2026-03-cse-return-v2.csv")
        resolve_flags(con, ANALYST, [1], "The resubmission corrects it")
        history = flag_history(con, 1)
        assert list(history["what"]) == ["Raised, blocking approval", "Assigned to data.team@example.org",
                                         "Marked awaiting the force",
                                         "Answered by the resubmission 2026-03-cse-return-v2.csv (loaded "
                                         f"{today_words()})",
                                         "Resolved"]
        assert list(history["who"])[-1] == "analyst@example.org"
        assert audit_rows(con) == [
            ("pcc@example.org", "flag_update", "flag #1",
             "assigned to data.team@example.org: Please look at Doncaster"),
            ("analyst@example.org", "flag_update", "flag #1", "awaiting the force: Asked the force on 2 April"),
            ("analyst@example.org", "flag_update", "flag #1", "answered by 2026-03-cse-return-v2.csv: Resent with 9"),
            ("analyst@example.org", "resolve", "flag #1", "The resubmission corrects it")]
        with pytest.raises(BadFlag, match="already resolved"):
            assign_flag(con, PCC, 1, "someone")


def test_a_flag_follows_its_figure_and_blocks_until_resolved_whatever_step_it_is_at(wh):
    def doncaster_caveats(con):
        cav = caveats(con, measure="cawn_issued", start=MARCH, end=MARCH)
        return list(cav[(cav["district"] == "Doncaster") & (cav["kind"] == "flag")]["flag_id"])

    with warehouse.connect(wh) as con:
        assert 1 in doncaster_caveats(con)
        assign_flag(con, ANALYST, 1, "Data team")
        assert 1 in doncaster_caveats(con) and blocking_flags(con, dt.date(2026, 3, 1))
        await_force(con, ANALYST, 1)
        assert 1 in doncaster_caveats(con) and blocking_flags(con, dt.date(2026, 3, 1))
        answer_flag(con, ANALYST, 1, 2)
        assert 1 in doncaster_caveats(con) and blocking_flags(con, dt.date(2026, 3, 1))
        resolve_flags(con, ANALYST, [1], "Corrected")
        assert 1 not in doncaster_caveats(con) and not blocking_flags(con, dt.date(2026, 3, 1))


def test_a_resolved_flag_reopened_follows_its_figure_and_blocks_again_keeping_its_resolution(wh):
    """Regression: a resolved flag could not be reopened; an analyst who found the issue back raised a new one, and
    the flag's history lost what had been found and done about it."""
    march = dt.date(2026, 3, 1)
    with warehouse.connect(wh) as con:
        resolve_flags(con, PCC, [1], "The force confirmed the figure")
        assert not blocking_flags(con, march)
        with pytest.raises(BadFlag, match="Say why"):
            reopen_flag(con, ANALYST, 1, "  ")
        with pytest.raises(BadFlag, match="Flag #2 is open"):
            reopen_flag(con, ANALYST, 2, "Back again")
        with pytest.raises(NotAllowed):
            reopen_flag(con, NO_ROLE, 1, "Back again")
        assert reopen_flag(con, ANALYST, "#1", "April's return counts the same notices twice") == 1
        assert blocking_flags(con, march)
        cav = caveats(con, measure="cawn_issued", start=MARCH, end=MARCH)
        assert 1 in list(cav[(cav["district"] == "Doncaster") & (cav["kind"] == "flag")]["flag_id"])
        [flag] = flags(con, status="reopened").itertuples()
        assert flag.flag_id == 1 and flag.open and flag.blocks_now
        assert status_sentence(flag).startswith(f"Reopened by analyst@example.org on {today_words()}: April's return "
                                                "counts the same notices twice")
        history = flag_history(con, 1)
        assert list(history["what"])[-2:] == ["Resolved", "Reopened, assigned to no one"]
        assert list(history["who"])[-2:] == ["pcc@example.org", "analyst@example.org"]
        assert list(history["note"])[-2:] == ["The force confirmed the figure",
                                              "April's return counts the same notices twice"]
        [(who, subject, detail)] = con.execute("SELECT identity, subject, detail FROM audit_event "
                                               "WHERE action = 'reopen'").fetchall()
        assert (who, subject) == ("analyst@example.org", "flag #1")
        assert detail == (f"April's return counts the same notices twice (resolved by pcc@example.org on "
                          f"{today_words()}: The force confirmed the figure); assigned to no one")
        assert resolve_flags(con, ANALYST, [1], "Corrected in April's resubmission") == [1]  # and resolved again
        assert not blocking_flags(con, march)


def test_a_flag_reopened_after_an_answer_stands_reopened_its_answer_kept_in_its_history(monkeypatch, wh):
    """Regression: a flag answered by a resubmission, resolved, then reopened still read "answered by" the
    resubmission in where it stands, in the command's list and on the Flags page, as if the issue now back were
    answered."""
    with warehouse.connect(wh) as con:
        answer_flag(con, ANALYST, 1, "2026-03-cse-return-v2.csv", "Resent with 9")
        resolve_flags(con, ANALYST, [1], "The resubmission corrects it")
        reopen_flag(con, PCC, 1, "Counted twice again")
        [flag] = flags(con, status="reopened").itertuples()
        standing = status_sentence(flag)
        assert standing == (f"Reopened by pcc@example.org on {today_words()}: Counted twice again; assigned to no "
                            "one; the figure has been revised since it was flagged: 6 then, 9 now")
        assert "answered" not in standing and "2026-03-cse-return-v2.csv" not in standing
        # the earlier answer stays in its history, and the file still finds the flag it answered
        assert "Answered by the resubmission 2026-03-cse-return-v2.csv" in " ".join(flag_history(con, 1)["what"])
        assert 1 in list(flags(con, file="2026-03-cse-return-v2.csv")["flag_id"])
    at = internal(monkeypatch, wh, "internal_pages/flags.py", ANALYST)
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table[table["Number"].astype(str) == "1"]["Where it stands"]) == [standing]
    with warehouse.connect(wh) as con:  # answered again since it was reopened: that answer is where it stands
        answer_flag(con, ANALYST, 1, 2)
        [flag] = flags(con, status="answered").itertuples()
        assert "answered by 2026-03-cse-return-v2.csv" in status_sentence(flag)


def test_a_reopened_flag_says_it_is_back_with_whoever_had_it(monkeypatch, wh, run_cli):
    """Regression: a reopened flag kept the assignee it had before it was resolved without saying so anywhere but the
    list, so an analyst reopening it could not tell it had gone back to a colleague (or to no one): the command, the
    page, the list, the flag's history and the audit trail now each say whom it is with."""
    with warehouse.connect(wh) as con:
        assign_flag(con, PCC, 1, "jane.smith@example.org")
        assign_flag(con, PCC, 1, "data.team@example.org")
        resolve_flags(con, ANALYST, [1, 2], "Checked with the force")
    reopened = run_cli("flags", "reopen", "1", "--reason", "Back in April", "--as", "analyst@example.org", "--db", wh)
    assert reopened.exit_code == 0, reopened.stderr
    assert reopened.stdout == ("Flag 1 reopened: it blocks approval again, and is back with data.team@example.org, "
                               "who had it before it was resolved (pccdash flags assign 1 --to WHO gives it to someone "
                               "else).\n")
    listed = " ".join(run_cli("flags", "--status", "reopened", "--db", wh).stdout.split())
    assert "Back in April; back with data.team@example.org, who had it before it was resolved;" in listed
    with warehouse.connect_read_only(wh) as con:
        assert list(flag_history(con, 1)["what"])[-1] == ("Reopened, back with data.team@example.org, who had it "
                                                           "before it was resolved")
        [(detail,)] = con.execute("SELECT detail FROM audit_event WHERE action = 'reopen'").fetchall()
        assert detail.endswith("; back with data.team@example.org, who had it before it was resolved")
    at = internal(monkeypatch, wh, "internal_pages/flags.py", ANALYST)  # the page says it as it reopens one
    at.segmented_control(key="flags_show").set_value("Resolved").run()
    assert "goes back to whoever it was assigned to" in " ".join(c.value for c in at.caption)
    at.selectbox(key="reopen_flag").set_value(2)
    at.text_area(key="reopen_reason").input("Down again")
    at.button(key="FormSubmitter:reopen_form-Reopen flag").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [t.value for t in at.toast] == ["Flag #2 reopened, assigned to no one."]


def test_several_flags_resolve_at_once_with_one_note_or_none_do(wh):
    with warehouse.connect(wh) as con:
        resolve_flags(con, ANALYST, [3], "Checked")
        with pytest.raises(BadFlag, match="Flag #3 was already resolved"):
            resolve_flags(con, ANALYST, [1, 2, 3], "All settled")
        with pytest.raises(BadFlag, match="no flag number 99"):
            resolve_flags(con, ANALYST, [1, 99], "All settled")
        assert len(flags(con, status="open")) == 2, "a refused batch resolves none of its flags"
        with pytest.raises(BadFlag, match="Say how"):
            resolve_flags(con, ANALYST, [1, 2], "  ")
        assert resolve_flags(con, PCC, [1, 2], "Settled with the force at the April meeting") == [1, 2]
        assert con.execute("SELECT flag_id, resolved_by, resolution_note FROM figure_flag WHERE flag_id < 3 "
                           "ORDER BY 1").fetchall() == [
            (1, "pcc@example.org", "Settled with the force at the April meeting"),
            (2, "pcc@example.org", "Settled with the force at the April meeting")]
        assert [r[2] for r in audit_rows(con)] == ["flag #3", "flag #1", "flag #2"]


def test_filters_find_flags_by_status_measure_district_file_and_assignee(wh):
    with warehouse.connect(wh) as con:
        assign_flag(con, ANALYST, 2, "Rotherham lead")
        await_force(con, ANALYST, 1)

        def ids(**kw):
            return sorted(flags(con, **kw)["flag_id"])

        assert ids() == [1, 2, 3]
        assert ids(status="awaiting") == [1] and ids(status="assigned") == [2] and ids(status="new") == [3]
        # a district's month covers every measure; the first file still gave Doncaster's March charges
        assert ids(measure="cse_charges") == [2, 3]
        assert ids(measure="cawn_issued") == [1, 2, 3]
        assert ids(district="Rotherham") == [2, 3]
        assert ids(district="Doncaster") == [1, 3]
        # the resubmission changed only Doncaster's March CAWNs (a value sent again unchanged stays the first file's)
        assert ids(file="2026-03-cse-return-v2.csv") == [1]
        assert ids(file=1) == [2, 3]
        assert ids(assignee="rotherham LEAD") == [2]
        assert ids(status="awaiting", district="Rotherham") == []
        resolve_flags(con, ANALYST, [3], "Fine")
        assert ids() == [1, 2, 3] and ids(status="open") == [1, 2] and ids(status="resolved") == [3]
        for bad, words in [({"status": "closed"}, "status is one of"), ({"measure": "cawns"}, "not a measure"),
                           ({"district": "Leeds"}, "not one of the districts"), ({"file": "nope.csv"}, "no file"),
                           ({"file": "999"}, "no file number 999 among the files loaded")]:  # was "No open flags"
            with pytest.raises(BadFlag, match=words):
                flags(con, **bad)


def test_a_flag_reads_as_a_sentence_without_ids_or_blanks(wh):
    with warehouse.connect(wh) as con:
        labels = list(flags(con).sort_values("flag_id")["label"])
    assert labels == ["Doncaster's CAWNs issued in March 2026: Two notices counted twice",
                      "Every measure for Rotherham in March 2026: The district's system was down",
                      "The whole file 2025-26-cse-return.csv: Sent before the month closed"]
    assert not [t for t in labels if "nan" in t.split() or "None" in t or "#" in t or "cawn_issued" in t]


def test_a_person_without_the_role_is_refused_and_nothing_is_kept(wh):
    with warehouse.connect(wh) as con:
        for step in (lambda: assign_flag(con, NO_ROLE, 1, "me"), lambda: await_force(con, NO_ROLE, 1),
                     lambda: answer_flag(con, NO_ROLE, 1, 2), lambda: resolve_flags(con, NO_ROLE, [1, 2], "x")):
            with pytest.raises(NotAllowed, match="visitor@example.org may not"):
                step()
        assert con.execute("SELECT count(*) FROM flag_event").fetchone() == (0,)
        assert audit_rows(con) == []


def test_an_answer_names_a_loaded_file_or_is_refused_in_a_sentence(wh, tmp_path):
    bad = write_csv(tmp_path / "2026-04-cse-return.csv", HEADER + "2026-04,Leeds,cawn_issued,3\n")
    with warehouse.connect(wh) as con:
        assert not ingest(con, [bad]).ok
        with pytest.raises(BadFlag, match="was refused, so it cannot answer"):
            answer_flag(con, ANALYST, 1, "2026-04-cse-return.csv")
        with pytest.raises(BadFlag, match="no file 'nothing.csv' among the files loaded"):
            answer_flag(con, ANALYST, 1, "nothing.csv")
        with pytest.raises(BadFlag, match='"seven" is not a flag number'):
            answer_flag(con, ANALYST, "seven", 2)
        assert steps(con, 1) == []


def test_an_answer_by_a_file_that_sent_nothing_for_the_flagged_figure_says_so(wh, tmp_path, run_cli, monkeypatch):
    """Regression: a flag on March's CAWNs in Doncaster was marked answered by an April return, or by a file that
    sent only March's charges, with nothing said: a file number mistyped closed the question with the wrong file."""
    april = write_csv(tmp_path / "2026-04-cse-return.csv", HEADER + rows("2026-04", "cawn_issued", (1, 1, 1, 1)))
    charges = write_csv(tmp_path / "2026-03-charges.csv", HEADER + rows(MARCH, "cse_charges", (2, 1, 1, 1)))
    with warehouse.connect(wh) as con:
        assert ingest(con, [april, charges]).ok
        assert answer_gap(con, 1) == ""  # not answered yet
    out = run_cli("flags", "answer", "1", "--file", "4", "--as", "analyst@example.org", "--db", wh)
    assert out.exit_code == 0, out.output
    assert ('Note: File #4 ("2026-03-charges.csv") sent no figure for CAWNs issued in March 2026. If it was named by '
            "mistake, answer flag #1 again with the file that resent it") in " ".join(out.output.split())
    at = internal(monkeypatch, wh, "internal_pages/flags.py", ANALYST)
    at.selectbox(key="work_flag").set_value(1).run()
    assert [w.value for w in at.warning if "sent no figure for CAWNs issued in March 2026" in w.value]
    with warehouse.connect(wh) as con:
        answer_flag(con, ANALYST, 2, "2026-04-cse-return.csv")  # Rotherham's March: April's file sent none of it
        assert "sent no figure for March 2026" in answer_gap(con, 2)
        answer_flag(con, ANALYST, 2, "2026-03-charges.csv")  # it sent March: the latest answer stands
        assert answer_gap(con, 2) == ""
        answer_flag(con, ANALYST, 3, "2026-04-cse-return.csv")  # a whole file's flag: any file may answer it
        assert answer_gap(con, 3) == ""
        answer_flag(con, ANALYST, 1, "2026-03-cse-return-v2.csv")
        assert answer_gap(con, 1) == ""
    out = run_cli("flags", "answer", "1", "--file", "2", "--as", "analyst@example.org", "--db", wh)
    assert out.exit_code == 0 and "Note:" not in out.output


def test_the_commands_list_filter_and_work_on_flags(wh, run_cli):
    def ok(*args):
        result = run_cli(*args, "--db", wh)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    listed = ok("flags")
    assert "1. Doncaster's CAWNs issued in March 2026: Two notices counted twice" in listed
    assert (f"New; the figure has been revised since it was flagged: 6 then, 9 now. Raised by analyst@example.org on "
            f"{today_words()}; blocks approval.") in " ".join(listed.split())
    assigned = ok("flags", "assign", "1", "--to", "Data team", "--as", "pcc@example.org")
    assert assigned == "Flag 1 assigned to Data team.\n"
    assert "is awaiting the force" in ok("flags", "await", "1", "--note", "Asked", "--as", "analyst@example.org")
    assert "answered by 2026-03-cse-return-v2.csv" in ok("flags", "answer", "1", "--file", "2026-03-cse-return-v2.csv",
                                                         "--as", "analyst@example.org")
    only = ok("flags", "--assignee", "Data team")
    assert only.count("\n1. ") + only.startswith("1. ") == 1 and "2. " not in only
    assert ("Answered by a resubmission; assigned to Data team; answered by 2026-03-cse-return-v2.csv (loaded "
            in only)
    resolved = ok("flags", "resolve", "1", "2", "--note", "Settled", "--as", "analyst@example.org")
    assert resolved == "Resolved flags 1, 2.\n"
    assert "1. " not in ok("flags", "--district", "Doncaster", "--status", "open")
    assert "Resolved by analyst@example.org" in ok("flags", "--status", "resolved")
    for args, words in [(("flags", "resolve", "7", "--note", "x"), "There is no flag number 7"),
                        (("flags", "answer", "3", "--file", "nope.csv"), "no file 'nope.csv'")]:
        result = run_cli(*args, "--as", "analyst@example.org", "--db", wh)
        assert result.exit_code == 1 and words in result.stderr and "Traceback" not in result.stderr
    assert "pccdash flags resolve 3 4" in ok("flags", "--help")


def test_the_command_reopens_a_resolved_flag(wh, run_cli):
    def run(*args):
        return run_cli(*args, "--db", wh)

    assert run("flags", "resolve", "1", "--note", "Checked", "--as", "analyst@example.org").exit_code == 0
    reopened = run("flags", "reopen", "1", "--reason", "Back in April", "--as", "analyst@example.org")
    assert reopened.exit_code == 0, reopened.stderr
    assert reopened.stdout == ("Flag 1 reopened: it blocks approval again, and is assigned to no one (pccdash flags "
                               "assign 1 --to WHO gives it to someone).\n")
    listed = " ".join(run("flags", "--status", "reopened").stdout.split())
    assert "1. Doncaster's CAWNs issued in March 2026" in listed and "blocks approval." in listed
    assert f"Reopened by analyst@example.org on {today_words()}: Back in April" in listed
    again = run("flags", "reopen", "1", "--reason", "x", "--as", "analyst@example.org")
    assert again.exit_code == 1 and "Flag #1 is open" in again.stderr and "Traceback" not in again.stderr
    audit = run("audit", "--action", "reopen", "--format", "csv").stdout
    assert "reopened a resolved flag,flag #1,Back in April (resolved by analyst@example.org on" in audit
    assert "pccdash flags reopen 3" in run("flags", "--help").stdout


def test_the_page_reopens_a_resolved_flag(monkeypatch, wh):
    with warehouse.connect(wh) as con:
        resolve_flags(con, ANALYST, [1], "Checked")
    at = internal(monkeypatch, wh, "internal_pages/flags.py", ANALYST)
    assert not at.exception, at.exception
    at.segmented_control(key="flags_show").set_value("Resolved").run()
    at.selectbox(key="reopen_flag").set_value(1)
    at.text_area(key="reopen_reason").input("Back in April")
    at.button(key="FormSubmitter:reopen_form-Reopen flag").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with warehouse.connect_read_only(wh) as con:
        assert list(flags(con, status="reopened")["flag_id"]) == [1]
    at.segmented_control(key="flags_show").set_value("Open").run()
    assert "1" in list(at.dataframe[0].value["Number"])


def test_the_page_filters_assigns_and_resolves_two_at_once(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/flags.py", ANALYST)
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["3", "1", "0", "0"]
    options = at.multiselect(key="resolve_flags").options
    assert any(o.startswith("Doncaster's CAWNs issued in March 2026: Two notices counted twice (raised by") for o in
               options), options
    at.selectbox(key="flags_district").select("Doncaster").run()
    assert list(at.dataframe[0].value["Number"]) == ["3", "1"]
    at.selectbox(key="work_flag").set_value(1).run()  # Doncaster's CAWNs
    at.text_input(key="assign_to").input("data.team@example.org")
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.segmented_control(key="flags_show").set_value("Assigned").run()
    assert list(at.dataframe[0].value["Number"]) == ["1"]
    assert "Assigned to data.team@example.org" in list(at.dataframe[1].value["Step"])
    at.selectbox(key="flags_district").set_value(None)
    at.segmented_control(key="flags_show").set_value("Open").run()
    at.multiselect(key="resolve_flags").set_value([1, 2])
    at.text_area(key="resolve_note").input("Settled with the force")
    at.button(key="FormSubmitter:resolve_form-Resolve flags").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with warehouse.connect_read_only(wh) as con:
        assert sorted(flags(con, status="resolved")["flag_id"]) == [1, 2]
    at.run()
    assert [m.value for m in at.metric] == ["1", "0", "0", "2"]
    assert "nan" not in texts(at).split()


def test_an_address_in_markdown_text_is_kept_from_becoming_a_link():
    from dashboard.ui import md_escape

    escaped = md_escape("Flagged by first.last@example.org on 2 March")
    assert "last@" not in escaped and escaped.replace("\u200b", "").replace("\\", "") == (
        "Flagged by first.last@example.org on 2 March")


def test_a_flag_on_a_figure_corrected_since_says_the_value_it_was_raised_on(wh, monkeypatch):
    """Doncaster's March CAWNs were flagged at 6 ("counted twice") and the resubmission made them 9: the flag still
    follows the figure, and says it was raised when the figure was 6, so that its reason is not read as being about
    the 9 shown. A figure not revised since its flag says nothing of the kind."""
    from pipelines.flags import arrange_caveats

    with warehouse.connect(wh) as con:
        cav = caveats(con, start=MARCH, end=MARCH)
        raise_flag(con, ANALYST, scope="figure", reason="Looks low", period=MARCH, district="Sheffield",
                   measure="cawn_issued")
        later = caveats(con, measure="cawn_issued", start=MARCH, end=MARCH)
    doncaster = cav[(cav["district"] == "Doncaster") & (cav["flag_id"] == 1)]["text"].tolist()
    assert doncaster == [f"Flagged by analyst@example.org on {day_words(dt.datetime.now(dt.UTC))}, when it was 6, "
                         "since revised: Two notices counted twice (blocks approval)"], doncaster
    sheffield = later[later["district"] == "Sheffield"]["text"].tolist()
    assert sheffield and "since revised" not in " ".join(sheffield), sheffield
    arranged = arrange_caveats(cav, MARCH, ["cawn_issued"], ["Barnsley", "Doncaster", "Rotherham", "Sheffield"])
    assert [t for t in arranged.by_measure["cawn_issued"] if "counted twice" in t] == [
        f"CAWNs issued for Doncaster in March 2026: Two notices counted twice (flagged by analyst@example.org on "
        f"{day_words(dt.datetime.now(dt.UTC))}, when it was 6, since revised; blocks approval)"]
    at = internal(monkeypatch, wh, "internal_pages/provenance.py")
    at.query_params.update({"measure": "cawn_issued", "area": "Doncaster", "month": MARCH})
    at.run()
    assert not at.exception
    assert "when it was 6, since revised: Two notices counted twice" in texts(at)


def test_a_flag_on_a_whole_file_or_a_districts_month_says_so_beside_each_figure_it_covers(wh, monkeypatch):
    """Beside one figure (the Provenance page, the Measure page's caveats, a district's marker), a flag raised on a
    whole file or on a district's month says what it was raised on: its reason is about all of it, and resolving it
    settles every figure it covers, not this one alone. A flag on the figure itself says nothing more."""
    with warehouse.connect_read_only(wh) as con:
        cav = caveats(con, start=MARCH, end=MARCH)
    flagged = cav[cav["kind"] == "flag"]

    def said(flag_id: int, district: str) -> str:
        return flagged[(flagged["flag_id"] == flag_id) & (flagged["district"] == district)]["text"].iloc[0]

    on = day_words(dt.datetime.now(dt.UTC))
    assert said(2, "Rotherham") == (f"Flagged by analyst@example.org on {on}, on every measure for Rotherham in March "
                                    "2026: The district's system was down")
    assert said(3, "Barnsley") == (f"Flagged by pcc@example.org on {on}, on the whole file 2025-26-cse-return.csv: "
                                   "Sent before the month closed")
    assert said(1, "Doncaster").startswith(f"Flagged by analyst@example.org on {on}, when it was 6, since revised: ")
    at = internal(monkeypatch, wh, "internal_pages/provenance.py")
    at.query_params.update({"measure": "cse_charges", "area": "Rotherham", "month": MARCH})
    at.run()
    assert not at.exception
    assert "on every measure for Rotherham in March 2026: The district" in texts(at)
    assert "on the whole file 2025-26-cse-return.csv: Sent before the month closed" in texts(at)


def test_pccdash_figures_says_a_flag_was_raised_on_a_value_since_revised(wh, run_cli):
    """`pccdash figures` prints Doncaster's March CAWNs as 9 with the flag raised when they were 6: as on the pages and
    in the pack, the flag says so, in the table and in the CSV, so that "counted twice" is not read as being about
    the 9. A flag on a figure not revised since says nothing of the kind."""
    for fmt in ("table", "csv"):
        out = run_cli("figures", "--measure", "cawn_issued", "--from", MARCH, "--to", MARCH, "--format", fmt,
                      "--db", wh)
        assert out.exit_code == 0, out.stderr
        doncaster = next(line for line in out.stdout.splitlines() if "Doncaster" in line and "cawn_issued" in line)
        assert "#1 (raised when it was 6, since revised)" in doncaster, doncaster
        rotherham = next(line for line in out.stdout.splitlines() if "Rotherham" in line and "cawn_issued" in line)
        assert "#2" in rotherham and "since revised" not in rotherham, rotherham
    table = run_cli("figures", "--measure", "cawn_issued", "--from", MARCH, "--to", MARCH, "--db", wh).stdout
    assert ("- #1 (raised when it was 6, since revised): Doncaster's CAWNs issued in March 2026: Two notices counted "
            "twice") in table, table


def test_pccdash_figures_history_carries_the_open_flags_on_the_revision_current_now(wh, run_cli):
    """With --history too a flagged figure is not printed bare: Doncaster's March CAWNs, 6 then 9, carry flag #1 on
    the current revision (the flag saying it was raised at 6), and the flag's words follow the table."""
    for fmt in ("table", "csv"):
        out = run_cli("figures", "--history", "--measure", "cawn_issued", "--district", "Doncaster", "--from", MARCH,
                      "--to", MARCH, "--format", fmt, "--db", wh)
        assert out.exit_code == 0, out.stderr
        rows = [line for line in out.stdout.splitlines() if "Doncaster" in line and "cawn_issued" in line]
        assert len(rows) == 2, out.stdout
        assert "#1" not in rows[0] and "#1 (raised when it was 6, since revised)" in rows[1], rows
        assert "Two notices counted twice" in out.stdout, out.stdout


def test_the_command_raises_a_flag_on_a_figure_a_districts_month_or_a_file(wh, run_cli):
    """The monthly cycle's second step from the command line: an analyst flags a doubtful figure, a district's month
    or a whole file, and a blocking flag stops the month's approval as the page's does; a flag on nothing loaded, or
    on a mistyped district or measure, is refused in a sentence and nothing is kept."""
    def run(*args, who="analyst@example.org"):
        return run_cli("flags", "raise", *args, "--as", who, "--db", wh)

    figure = run("--month", MARCH, "--district", "Sheffield", "--measure", "cse_charges", "--reason", "Too high",
                 "--blocking")
    assert figure.exit_code == 0, figure.stderr
    assert figure.stdout == "Flag 4 raised on Sheffield's CSE charges in March 2026: it blocks approval.\n"
    month = run("--month", "2026-02", "--district", "Barnsley", "--reason", "System down")
    assert month.stdout == "Flag 5 raised on every measure for Barnsley in February 2026.\n"
    whole = run("--file", "2026-03-cse-return-v2.csv", "--reason", "Sent early", who="pcc@example.org")
    assert whole.stdout == "Flag 6 raised on the whole file 2026-03-cse-return-v2.csv.\n"
    with warehouse.connect(wh, create=False) as con:
        found = flags(con, open_only=True).set_index("flag_id")
        assert found.loc[4, "scope"] == "figure" and found.loc[4, "blocking"]
        assert found.loc[4, "raised_by"] == "analyst@example.org"
        assert found.loc[5, "scope"] == "district_month" and not found.loc[5, "blocking"]
        assert found.loc[6, "scope"] == "file" and found.loc[6, "raised_by"] == "pcc@example.org"
        assert any("Sheffield" in words for words in blocking_flags(con, dt.date(2026, 3, 1)))
        assert con.execute("SELECT count(*) FROM audit_event WHERE action = 'flag'").fetchone()[0] == 6
    for args, words in [(("--month", "2026-04", "--district", "Sheffield"), "No figure of Sheffield is loaded for "
                                                                            "April 2026"),
                        (("--month", MARCH, "--district", "Sheffeld"), '"Sheffeld" is not one of the districts'),
                        (("--month", MARCH, "--district", "Sheffield", "--measure", "charges"),
                         '"charges" is not a measure'),
                        (("--file", "1", "--month", MARCH), "give --file alone"),
                        (("--district", "Sheffield",), "Say what the flag is on"),
                        (("--file", "nope.csv"), "There is no file 'nope.csv'")]:
        refused = run(*args, "--reason", "x")
        assert refused.exit_code == 1 and words in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    no_role = run("--month", MARCH, "--district", "Sheffield", "--reason", "x", who="visitor@example.org")
    assert no_role.exit_code == 1 and "Traceback" not in no_role.stderr
    with warehouse.connect(wh, create=False) as con:
        assert con.execute("SELECT count(*) FROM figure_flag").fetchone()[0] == 6
    # a district written in any case is the district, as "pccdash figures --district" reads it
    lower = run("--month", MARCH, "--district", " sheffield ", "--measure", "cse_charges", "--reason", "Too high")
    assert lower.stdout == "Flag 7 raised on Sheffield's CSE charges in March 2026.\n", lower.stderr


def test_the_flags_list_says_a_flagged_figure_has_been_revised_since_with_both_values(wh, run_cli, monkeypatch):
    """Doncaster's March CAWNs were flagged at 6 and are 9 now: `pccdash flags` and the Flags page say where the flag
    stands with both values, so that an analyst deciding whether to resolve it sees the figure has changed. A flag
    on a figure not revised since says nothing of the kind."""
    with warehouse.connect(wh) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Looks low", period=MARCH, district="Sheffield",
                   measure="cawn_issued")
    out = run_cli("flags", "--db", wh)
    assert out.exit_code == 0, out.stderr
    said = " ".join(out.stdout.split())
    assert "the figure has been revised since it was flagged: 6 then, 9 now" in said
    assert said.count("revised since it was flagged") == 1, said  # not the Sheffield flag
    at = internal(monkeypatch, wh, "internal_pages/flags.py")
    assert not at.exception
    cells = " ".join(str(v) for d in at.dataframe for v in d.value.to_numpy().ravel())
    assert "the figure has been revised since it was flagged: 6 then, 9 now" in cells


def test_a_blocking_flag_on_a_file_whose_figures_were_all_revised_since_says_it_no_longer_blocks(wh, run_cli,
                                                                                               tmp_path, monkeypatch):
    """A blocking flag on a correction file covers, and blocks, only the figures whose current value came from it: once
    a later load revises each of them, the flag is still open but covers nothing shown. `pccdash flags` says so, not
    as if it still held the month back."""
    fix = write_csv(tmp_path / "doncaster-fix.csv", HEADER + f"{MARCH},Doncaster,cse_charges,2\n")
    again = write_csv(tmp_path / "doncaster-fix-2.csv", HEADER + f"{MARCH},Doncaster,cse_charges,3\n")
    with warehouse.connect(wh) as con:
        assert ingest(con, [fix]).ok
        file_id = con.execute("SELECT max(file_id) FROM file_registry").fetchall()[0][0]
        number = raise_flag(con, ANALYST, scope="file", reason="Not signed off", file_id=file_id, blocking=True)
        assert any(f"flag #{number}" in b for b in blocking_flags(con, dt.date(2026, 3, 1)))
    out = " ".join(run_cli("flags", "--db", wh).stdout.split())
    assert "no figure shown now comes from this file" not in out
    with warehouse.connect(wh) as con:
        assert ingest(con, [again]).ok
        assert not any(f"flag #{number}" in b for b in blocking_flags(con, dt.date(2026, 3, 1)))
    out = " ".join(run_cli("flags", "--db", wh).stdout.split())
    assert (f"{number}. The whole file doncaster-fix.csv: Not signed off New; no figure shown now comes from this file "
            "(each has been revised by a later load since), so it no longer blocks approval. Raised by "
            f"analyst@example.org on {day_words(dt.datetime.now(dt.UTC))}.") in out
    at = internal(monkeypatch, wh, "internal_pages/flags.py")
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Blocking approval"] == "1"  # the figure flag on Doncaster only


def test_a_flag_answered_by_a_file_number_is_said_answered_by_the_files_name(wh, run_cli):
    result = run_cli("flags", "answer", "1", "--file", "2", "--as", "analyst@example.org", "--db", wh)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Flag 1 answered by 2026-03-cse-return-v2.csv.\n"
