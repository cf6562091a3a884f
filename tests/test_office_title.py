"""The office and its holder's title are said as force.yaml configures them; the public side reads them from the
published snapshot (an older snapshot without the title reads the usual one)."""

from __future__ import annotations

import io
import json
import re

import duckdb
import pandas as pd
import pytest
import yaml
from dashboard_helpers import ANALYST, ANONYMOUS, INTERNAL_PAGES, PCC, copy_warehouse, internal, public, texts

from pipelines import office as office_words
from pipelines import public as public_files
from pipelines import warehouse
from pipelines.catalogue import force
from pipelines.publish import pages
from pipelines.publish.approval import approve
from pipelines.publish.content import SnapshotView
from pipelines.publish.snapshot import publish
from pipelines.signin import DEMO_USERS

OFFICE = "South Yorkshire Mayoral Combined Authority"
TITLE = "Mayor (Police and Crime Commissioner functions)"


def snapshot(folder, **meta):
    """A published folder whose snapshot carries only this meta (and an empty accountability record)."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(folder / "snapshot-0001.duckdb"))
    con.register("frame", pd.DataFrame({"key": ["version", "created_at", "force", *meta],
                                        "value": ["1", "2026-05-05T10:00:00", "South Yorkshire Police",
                                                  *meta.values()]}))
    con.execute("CREATE TABLE meta AS SELECT * FROM frame")
    con.close()
    (folder / "current.json").write_text(json.dumps({"file": "snapshot-0001.duckdb", "withdrawals": []}))
    return folder


def test_the_reference_names_the_office_and_its_holder():
    assert (force().office_name, force().holder_title) == (OFFICE, TITLE)


def test_publishing_carries_the_office_and_the_holders_title(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC, tmp_path / "out")
    meta = SnapshotView(public_files.current_snapshot(tmp_path / "out")).meta
    assert (meta["office"], meta["holder_title"]) == (OFFICE, TITLE)
    said = public_files.pointer(tmp_path / "out")
    assert (said["office"], said["holder_title"]) == (OFFICE, TITLE)


def test_the_ask_page_names_the_office_and_its_holder_as_published(monkeypatch, tmp_path):
    at = public(monkeypatch, snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE), "public_pages/ask.py")
    assert not at.exception
    said = texts(at)
    assert f"The {TITLE} holds the Chief Constable to account" in said
    assert f"its dates and papers are on the {OFFICE}'s website" in said
    assert f"The {OFFICE} reads every question before any is put" in said
    assert "The Police and Crime Commissioner" not in said and "Commissioner's" not in said


def test_an_older_snapshot_without_the_title_reads_the_usual_one(monkeypatch, tmp_path):
    at = public(monkeypatch, snapshot(tmp_path / "pub", office="Office of the Police and Crime Commissioner"),
                "public_pages/ask.py")
    said = texts(at)
    assert "The Police and Crime Commissioner holds the Chief Constable to account" in said
    assert "The Office of the Police and Crime Commissioner reads every question" in said


def test_the_board_page_says_the_holders_title(tmp_path):
    view = SnapshotView(snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE) / "snapshot-0001.duckdb", {})
    words = [getattr(b, "text", "") for b in pages.board_page(view).blocks]
    words += [x for b in pages.board_page(view).blocks for x in getattr(b, "lines", ())]
    text = "\n".join(words)
    assert f"The {TITLE} holds the Chief Constable to account" in text
    assert "the Mayor puts questions to the force" in text and "the Mayor records an assurance decision" in text
    assert "Commissioner's" not in text and "the Commissioner" not in text
    assert pages.summary_page(view).blocks  # the summary says who published it
    assert any(f"Published by the {OFFICE}." in getattr(b, "text", "") for b in pages.summary_page(view).blocks)


# ---------------------------------------------------------------- no title of the product's own where people read

# "Commissioner" or "PCC" said as a title: the Commissioner, the Commissioner's, the PCC (not PCCDASH_DB, nor "Police
# and Crime Commissioner functions" inside a Mayor's title as configured)
OWN_TITLE = re.compile(r"(?<!Police and Crime )Commissioner\b(?! functions)|\bPCC\b")
HOLDER_HELP = [("approve",), ("withdraw",), ("release",), ("supersede",), ("meetings", "add"), ("meetings", "show"),
               ("actions", "close"), ("recommendations",)]


def _read(text: str) -> str:
    """Text as read: its lines joined, as click wraps help at any space."""
    return " ".join(text.split())


def _commissioners_office(ref) -> None:
    """force.yaml of an office of a Police and Crime Commissioner: no holder_title, so the usual title."""
    data = yaml.safe_load((ref / "force.yaml").read_text(encoding="utf-8"))
    data["office"] = {"name": "Office of the Police and Crime Commissioner for South Yorkshire"}
    (ref / "force.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("command", HOLDER_HELP, ids=" ".join)
def test_the_commands_help_names_the_holder_as_force_yaml_titles_them(run_cli, command):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    said = _read(result.stdout)
    assert "the Mayor" in said and not OWN_TITLE.search(said), said
    assert "{holder" not in said


def test_the_commands_help_says_a_commissioners_title_when_force_yaml_gives_it(run_cli, ref):
    _commissioners_office(ref)
    assert "(only the Commissioner's role, pcc)" in _read(run_cli("approve", "--help").stdout)
    assert "Analysts and the Commissioner may record one." in _read(run_cli("meetings", "add", "--help").stdout)
    assert "Mayor" not in _read(run_cli("release", "--help").stdout)


def test_the_commands_help_is_shown_with_neutral_words_when_force_yaml_cannot_be_read(run_cli, ref):
    (ref / "force.yaml").write_text("office: 3\n", encoding="utf-8")
    for args in (("--help",), ("approve", "--help"), ("actions", "close", "--help")):
        result = run_cli(*args)
        assert result.exit_code == 0 and "did not expect" not in result.output, args
    assert "(only the office holder's role, pcc)" in _read(run_cli("approve", "--help").stdout)
    assert "(analysts and the office holder)" in _read(run_cli("actions", "close", "--help").stdout)


def test_the_demo_users_are_described_with_the_holders_title(ref):
    pcc = next(u for u in DEMO_USERS if u.role == "pcc")
    assert pcc.described() == "the Mayor's role (pcc)" and not OWN_TITLE.search(pcc.name)
    _commissioners_office(ref)
    assert pcc.described() == "the Commissioner's role (pcc)"
    _hand_over(ref)  # a body holds the role: no one signs in as the Policing Board itself
    assert pcc.described() == "the Policing Board's role (pcc)"


def test_the_sign_in_page_names_the_office_as_configured(monkeypatch, sample_db):
    said = texts(internal(monkeypatch, sample_db, "internal_pages/briefing.py", ANONYMOUS))
    assert f"publishing pages are for the {OFFICE}." in said and not OWN_TITLE.search(said)


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_no_internal_page_gives_the_holder_a_title_of_its_own(monkeypatch, sample_db, page):
    for user in (ANALYST, PCC):
        at = internal(monkeypatch, sample_db, page, user)
        assert not at.exception, at.exception
        said = texts(at)
        assert not OWN_TITLE.search(said), (page, OWN_TITLE.search(said))


def test_the_internal_pages_say_the_holder_as_force_yaml_titles_them(monkeypatch, sample_db):
    said = texts(internal(monkeypatch, sample_db, "internal_pages/publishing.py", ANALYST))
    assert "approved (by the Mayor, as its figures stand)" in said and "that needs the Mayor's role (pcc)" in said
    assert ("what the force answered, the Mayor's assurance decisions and the actions agreed"
            in texts(internal(monkeypatch, sample_db, "internal_pages/briefing.py")))
    assert ("the force answers, the Mayor records an assurance decision on the answer, and the actions agreed"
            in texts(internal(monkeypatch, sample_db, "internal_pages/public_questions.py")))
    assert ("cause of concern is flagged for the Mayor, who approves a status for publication here"
            in texts(internal(monkeypatch, sample_db, "internal_pages/recommendations.py")))


def test_the_loop_is_told_without_a_persons_pronoun_for_a_board(ref, monkeypatch, sample_db):
    _hand_over(ref)
    said = texts(internal(monkeypatch, sample_db, "internal_pages/public_questions.py"))
    assert "the force answers, the Policing Board records an assurance decision on the answer" in said
    assert not re.search(r"\b(them|themselves|he|she|his|her)\b", said.split("Members of the public")[0]), said


def test_a_role_refusal_names_the_holders_role(monkeypatch, sample_db):
    from dashboard import auth

    monkeypatch.setattr(auth.User, "may", lambda self, action: action == "view_internal")
    for page, words in (("meetings", "Recording a meeting needs the analyst's role or the Mayor's (analyst or pcc)."),
                        ("actions", "closing it needs the analyst's role or the Mayor's (analyst or pcc)."),
                        ("audit", "it is for the Mayor's role and the analysts' (pcc and analyst in "),
                        ("publishing", "that needs the Mayor's role (pcc).")):
        at = internal(monkeypatch, sample_db, f"internal_pages/{page}.py", ANALYST)
        said = texts(at)
        assert words in said and not OWN_TITLE.search(said), page


def test_the_contact_pages_example_details_name_the_office_as_published(monkeypatch, tmp_path):
    at = public(monkeypatch, snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE), "public_pages/contact.py")
    assert not at.exception
    said = texts(at)
    assert f"To ask about these figures, contact the {OFFICE} (example details, to be set by the office)." in said
    assert f"The {OFFICE}, 1 Example Street, Example Town, EX1 2AB" in said
    assert "These contact details are examples" in said and not OWN_TITLE.search(said)


def test_set_contact_details_are_published_as_the_office_set_them(tmp_path):
    from pipelines.publish import info

    view = SnapshotView(snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE) / "snapshot-0001.duckdb", {})
    details = {**info.load_public_info()["contact"], "example_values": False, "name": "The Mayor's Office",
               "address": ["Broad Street West", "Sheffield"]}
    assert office_words.contact(details, office_words.from_meta(view.meta)) == details


def test_the_spreadsheets_cover_gives_the_example_contact_in_the_offices_name(sample_db, tmp_path):
    from openpyxl import load_workbook

    from pipelines.publish.downloads import to_xlsx

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC, tmp_path / "out")
    view = SnapshotView(public_files.current_snapshot(tmp_path / "out"), public_files.pointer(tmp_path / "out"))
    wb = load_workbook(io.BytesIO(to_xlsx(view)))
    cover = " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value)
    assert f"name: the {OFFICE} (example details, to be set by the office)" in cover
    assert f"address: The {OFFICE}, 1 Example Street" in cover and not OWN_TITLE.search(cover)


def test_a_name_ending_in_s_takes_an_apostrophe_alone():
    """Regression: "the Mayor of the West Midlands's decision"; English writes "the West Midlands'"."""
    said = office_words.office("West Midlands Combined Authority", "Mayor of the West Midlands")
    assert said.holders == "the Mayor of the West Midlands'"
    assert office_words.office(title=TITLE).holders == "the Mayor's"
    assert office_words.possessive("Rotherham") == "Rotherham's"


def test_the_commands_help_says_a_holders_title_ending_in_s_with_an_apostrophe(run_cli, ref):
    data = yaml.safe_load((ref / "force.yaml").read_text(encoding="utf-8"))
    data["office"]["holder_title"] = "Mayor of the West Midlands"
    (ref / "force.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    said = _read(run_cli("approve", "--help").stdout)
    assert "(only the Mayor of the West Midlands' role, pcc)" in said and "Midlands's" not in said


def test_the_ask_page_says_an_office_name_ending_in_s_with_an_apostrophe(monkeypatch, tmp_path):
    name = "Office of the Police and Crime Commissioner for Dyfed-Powys"
    at = public(monkeypatch, snapshot(tmp_path / "pub", office=name, holder_title="Police and Crime Commissioner"),
                "public_pages/ask.py")
    said = texts(at)
    assert f"its dates and papers are on the {name}' website" in said and "Powys's" not in said
# ---------------------------------------------------------------- the role changing hands

BOARD_OFFICE, BOARD_TITLE = "South Yorkshire Policing Board", "Policing Board"


def _hand_over(ref, name: str = BOARD_OFFICE, title: str = BOARD_TITLE) -> None:
    """force.yaml after the role passes to another holder (a policing board taking on the Mayor's functions)."""
    data = yaml.safe_load((ref / "force.yaml").read_text(encoding="utf-8"))
    data["office"] = {**data["office"], "name": name, "holder_title": title}
    (ref / "force.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _put_and_decide(con, held_on: str, about: str) -> dict:
    from pipelines.accountability import add_meeting, ask, decide

    meeting = add_meeting(con, PCC, held_on=held_on).meeting_id
    question = ask(con, PCC, meeting, f"What changed in {about}?")
    decision = decide(con, PCC, meeting_id=meeting, question_id=question, decision="assured",
                      rationale=f"The {about} plan is working.", evidence=[("figures", "The charts")])
    theme = decide(con, PCC, meeting_id=meeting, theme=f"{about} theme", decision="not_assured",
                   rationale=f"Too slow in {about}.", evidence=[("visit", "A visit")])
    return {"question": question, "decision": decision, "theme": theme}


def test_a_decision_and_a_question_keep_who_held_the_role_after_it_changes_hands(ref, sample_db, tmp_path):
    from pipelines.accountability.release import public_record, release

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        before = _put_and_decide(con, "2015-08-20", "Rotherham")
        release(con, PCC, "decision", before["decision"])    # approved for publication under the Mayor
        _hand_over(ref)
        after = _put_and_decide(con, "2015-09-17", "Sheffield")
        # the theme decided under the Mayor is approved only after the change: still the Mayor's decision
        for kind, number in (("decision", before["theme"]), ("decision", after["decision"]),
                             ("decision", after["theme"])):
            release(con, PCC, kind, number)
        assert public_record(con, "question", before["question"])["asked_by"] == f"The {OFFICE}"
        assert public_record(con, "question", after["question"])["asked_by"] == f"The {BOARD_OFFICE}"
        publish(con, PCC, tmp_path / "out")
    view = SnapshotView(public_files.current_snapshot(tmp_path / "out"), public_files.pointer(tmp_path / "out"))
    said = "\n".join(getattr(b, "text", "") for b in pages.board_page(view).blocks)
    assert "The Mayor's decision: Assured. Decided at the Public Accountability Board of 20 August 2015." in said
    assert "The Mayor's decision on Rotherham theme: Not assured." in said
    assert "The Policing Board's decision: Assured. Decided at the Public Accountability Board of 17 September" in said
    assert "The Policing Board's decision on Sheffield theme: Not assured." in said
    assert f"Question (asked by the {OFFICE}): What changed in Rotherham?" in said
    assert f"Question (asked by the {BOARD_OFFICE}): What changed in Sheffield?" in said
    assert "The Policing Board holds the Chief Constable to account" in said  # the intro: who holds it now
    items = view.table("board_item").set_index("rationale")["decided_by"].to_dict()
    assert items == {"The Rotherham plan is working.": TITLE, "Too slow in Rotherham.": TITLE,
                     "The Sheffield plan is working.": BOARD_TITLE, "Too slow in Sheffield.": BOARD_TITLE}


def test_a_decision_approved_before_the_holders_title_was_kept_reads_the_snapshots(tmp_path):
    view = SnapshotView(snapshot(tmp_path / "pub", office=OFFICE, holder_title=TITLE) / "snapshot-0001.duckdb", {})
    before = [c for c in public_files.BOARD_COLUMNS if c != "decided_by"]  # as written before it was kept
    rows = pd.DataFrame([{**dict.fromkeys(before, ""), "kind": "decision", "meeting_title": "Public Accountability "
                          "Board", "meeting_date": "2015-08-20", "theme": "Protecting Vulnerable People",
                          "decision": "Assured", "rationale": "Done.", "evidence": "[]",
                          "decided_on": "2015-08-20T10:00:00"}])
    con = duckdb.connect(str(tmp_path / "pub" / "snapshot-0001.duckdb"))
    con.register("frame", rows)
    con.execute("CREATE TABLE board_item AS SELECT * FROM frame")
    con.close()
    said = "\n".join(getattr(b, "text", "") for b in pages.board_page(view).blocks)
    assert "The Mayor's decision on Protecting Vulnerable People, 20 August 2015: Assured. Done." in said


def _read_again_after_a_withdrawal(folder):
    """A folder whose snapshot was published under the Mayor, read again after a later publication, made once the
    role had passed to the Policing Board, was withdrawn: the pointer carries the Board's words."""
    snapshot(folder, office=OFFICE, holder_title=TITLE)
    (folder / "current.json").write_text(json.dumps({
        "file": "snapshot-0001.duckdb", "version": 1, "force": "South Yorkshire Police", "office": BOARD_OFFICE,
        "holder_title": BOARD_TITLE, "withdrawals": [{"version": 2, "published_at": "2026-06-05T10:00:00",
                                                      "withdrawn_at": "2026-06-06T10:00:00", "reason": "Wrong."}]}))
    return folder


def test_an_earlier_snapshot_read_again_says_who_holds_the_role_now_and_who_published_it(tmp_path):
    from pipelines.publish import info

    folder = _read_again_after_a_withdrawal(tmp_path / "pub")
    view = SnapshotView(folder / "snapshot-0001.duckdb", public_files.pointer(folder))
    board = pages.board_page(view).blocks
    said = "\n".join([getattr(b, "text", "") for b in board] + [x for b in board for x in getattr(b, "lines", ())])
    assert "The Policing Board holds the Chief Constable to account" in said
    assert "the Policing Board puts questions" in said and "the Policing Board records an assurance" in said
    assert f"The questions come from the {BOARD_OFFICE}" in said
    assert "Mayor" not in said.split("Below are the meetings")[0]
    # what the snapshot itself published stays its own
    assert any(f"Published by the {OFFICE}." in getattr(b, "text", "") for b in pages.summary_page(view).blocks)
    for page in (info.contact_page(view), info.accessibility_page(view)):
        text = "\n".join(getattr(b, "text", "") or getattr(b, "caption", "") for b in page.blocks)
        assert BOARD_OFFICE in text and OFFICE not in text, page.slug


def test_the_ask_page_read_again_after_a_withdrawal_names_who_holds_the_role_now(monkeypatch, tmp_path):
    at = public(monkeypatch, _read_again_after_a_withdrawal(tmp_path / "pub"), "public_pages/ask.py")
    assert not at.exception
    said = texts(at)
    assert "The Policing Board holds the Chief Constable to account" in said
    assert f"its dates and papers are on the {BOARD_OFFICE}'s website" in said
    assert OFFICE not in said and "Mayor" not in said


def test_withdrawing_back_past_the_change_of_holder_keeps_who_holds_the_role_now(ref, sample_db, tmp_path):
    from pipelines.publish.snapshot import withdraw

    db, out = copy_warehouse(sample_db, tmp_path), tmp_path / "out"
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC, out)                     # under the Mayor
        _hand_over(ref)
        approve(con, ["2015-08"], PCC)
        publish(con, PCC, out)                     # under the Policing Board
        withdraw(con, PCC, "August was wrong", out)
        said = public_files.pointer(out)
        assert (said["office"], said["holder_title"]) == (BOARD_OFFICE, BOARD_TITLE)
        withdraw(con, PCC, "July was wrong too", out)  # nothing published now: the Board publishes what comes next
    said = public_files.pointer(out)
    assert said["file"] is None
    assert (said["office"], said["holder_title"]) == (BOARD_OFFICE, BOARD_TITLE)
    view = SnapshotView(None, said)
    assert any(f"once the {BOARD_OFFICE} publishes them" in line
               for b in pages.summary_page(view).blocks for line in getattr(b, "lines", ()))


def _set_contact(ref, **details) -> None:
    """public_info.yaml with the office's own contact details (no longer the examples)."""
    data = yaml.safe_load((ref / "public_info.yaml").read_text(encoding="utf-8"))
    data["contact"] = {**data["contact"], "example_values": False, **details}
    (ref / "public_info.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_withdrawing_back_past_the_change_of_holder_gives_the_contact_details_of_whoever_holds_the_role_now(
        ref, sample_db, tmp_path):
    """Regression: after a withdrawal back to a snapshot published before the role passed to another holder, the public
    pages named the holder now but gave the contact details the earlier snapshot was published with, the former
    office's (its e-mail address, phone and post), which may no longer reach anyone; whom to contact is said in the
    present tense, as who holds the role is, so both are now whoever holds it now."""
    from pipelines.publish import info
    from pipelines.publish.downloads import to_xlsx
    from pipelines.publish.snapshot import withdraw

    mayor = {"name": "The Mayor's Office", "email": "mayor@example.org", "phone": "0114 000 0001",
             "address": ["Broad Street West", "Sheffield"]}
    board = {"name": "The Policing Board's Office", "email": "board@example.org", "phone": "0114 000 0002",
             "address": ["Carbrook House", "Sheffield"]}
    db, out = copy_warehouse(sample_db, tmp_path), tmp_path / "out"
    _set_contact(ref, **mayor)
    with warehouse.connect(db) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC, out)                     # under the Mayor, with the Mayor's office's details
        _hand_over(ref)
        _set_contact(ref, **board)
        approve(con, ["2015-08"], PCC)
        publish(con, PCC, out)                     # under the Policing Board, with the Board's details
        withdraw(con, PCC, "August was wrong", out)
    view = SnapshotView(public_files.current_snapshot(out), public_files.pointer(out))
    assert info.info_of(view)["contact"]["email"] == "mayor@example.org"  # the snapshot read again keeps its own
    for page in (info.contact_page(view), info.accessibility_page(view)):
        text = "\n".join([getattr(b, "text", "") or getattr(b, "caption", "") for b in page.blocks]
                         + [str(c.text) for b in page.blocks for row in getattr(b, "rows", ()) for c in row])
        assert "board@example.org" in text and "Carbrook House" in text, page.slug
        assert "mayor@example.org" not in text and "Broad Street West" not in text, page.slug
    assert "To ask about these figures, contact The Policing Board's Office." in "\n".join(
        getattr(b, "text", "") for b in info.contact_page(view).blocks)
    from openpyxl import load_workbook

    cover = " ".join(str(c.value) for row in load_workbook(io.BytesIO(to_xlsx(view)))["Cover"].iter_rows()
                     for c in row if c.value)
    assert "email: board@example.org" in cover and "mayor@example.org" not in cover
    assert f"Publisher {OFFICE}" in cover  # who published the snapshot read again stays its own
    with warehouse.connect(db) as con:  # withdrawn again, nothing published: still the Board's details
        withdraw(con, PCC, "July was wrong too", out)
    view = SnapshotView(None, public_files.pointer(out))
    text = "\n".join(str(c.text) for b in info.contact_page(view).blocks for row in getattr(b, "rows", ()) for c in row)
    assert "board@example.org" in text
