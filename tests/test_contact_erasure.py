"""The name and contact a member of the public gives with a question are erased on their request (`pccdash inbox
forget`, the page's button) and once kept for the retention period after the question was answered, withdrawn or
rejected (`pccdash inbox expire`, and every import): from the warehouse (its file's bytes too) and the inbox's copies,
keeping the question and what became of it, with who erased them and why on the audit trail, without them."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from pathlib import Path

import duckdb
import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse, internal, public, texts

from pipelines import accountability as acc
from pipelines import inbox, warehouse
from pipelines.access import NotAllowed
from pipelines.accountability import erasure, moderation
from pipelines.accountability.records import LoopError, NotFound, withdraw_question
from pipelines.errors import ConfigError
from pipelines.plaintext import BadText
from pipelines.uk_time import uk_day, uk_day_words

QUESTION = "Why did CSE charges in Rotherham fall in July 2015, and what is being done about it?"
NAME, CONTACT = "Zebedee Quackenbush", "zeb.quackenbush@example.com"
PHONE = "+44 114 496 0737"
REASON = "The sender asked by e-mail on 3 March"


@pytest.fixture
def box(tmp_path, monkeypatch):
    folder = tmp_path / "inbox"
    monkeypatch.setenv("PCCDASH_INBOX_DIR", str(folder))
    monkeypatch.delenv("PCCDASH_CONTACT_RETENTION_MONTHS", raising=False)
    return folder


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


@pytest.fixture
def sent(box, wh):
    """Two questions imported: one with a name and an e-mail address, one with a telephone number only."""
    first = inbox.submit(QUESTION, NAME, CONTACT)
    second = inbox.submit("What is being done about live investigations in Sheffield?", "", PHONE)
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
    return first, second


def row(wh, receipt):
    with warehouse.connect_read_only(wh) as con:
        return con.execute("SELECT body, name, contact, erased_at FROM public_submission WHERE "
                           "starts_with(submission_id, ?)", [receipt]).fetchall()[0]


def row_received(wh, receipt):
    with warehouse.connect_read_only(wh) as con:
        return con.execute("SELECT received_at FROM public_submission WHERE starts_with(submission_id, ?)",
                           [receipt]).fetchall()[0][0]


def copy_of(box, receipt):
    [path] = (box / "imported").glob(f"{receipt}*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def held_anywhere(wh, box, secret: str) -> list[str]:
    """Every file of the warehouse and the inbox whose bytes hold `secret`."""
    files = [wh, warehouse.read_copy_path(wh), *(p for p in box.rglob("*") if p.is_file())]
    return [str(p) for p in files if secret.encode() in p.read_bytes()]


def forget_stopped_before_the_rewrite(wh, receipt: str) -> None:
    """`forget` in another process, killed once the erasure is saved but before the warehouse is written anew."""
    import subprocess
    import sys

    from helpers import ROOT

    child = (
        "import os, signal, sys\n"
        "from pipelines import records, warehouse\n"
        "from pipelines.accountability import erasure\n"
        "records.rewrite = lambda con, p: os.kill(os.getpid(), signal.SIGKILL)\n"
        "with warehouse.connect(sys.argv[1]) as con:\n"
        f"    erasure.forget(con, {ANALYST!r}, sys.argv[2], reason={REASON!r})\n")
    killed = subprocess.run([sys.executable, "-c", child, str(wh), receipt], cwd=ROOT, capture_output=True,
                            timeout=120)
    assert killed.returncode == -9, killed.stderr


# ------------------------------------------------------------------------------------------------ on request


def test_an_erasure_stopped_before_the_warehouse_is_written_anew_is_finished_by_the_next_command(sent, wh, box):
    """Killed once the erasure is saved but before the warehouse is written anew: its file's unused space and the
    readers' copy (which the dashboard reads) still held the name and contact, and erasing again said it was done.
    The next command that opens the warehouse, a reader too, writes both anew."""
    first, _ = sent
    forget_stopped_before_the_rewrite(wh, first)
    assert str(warehouse.read_copy_path(wh)) in held_anywhere(wh, box, CONTACT)  # the stop left it there
    assert row(wh, first)[1:3] == (None, None)  # a reader opens it: saved, and now written anew
    assert held_anywhere(wh, box, NAME) == [] and held_anywhere(wh, box, CONTACT) == []
    assert not warehouse.rewrite_marker(Path(wh)).exists()


def test_a_backup_after_an_erasure_stopped_before_the_rewrite_holds_no_trace_of_the_name(sent, wh, box, tmp_path,
                                                                                         monkeypatch):
    """Regression: a backup, often the only command run overnight, held the warehouse still and copied it as the stop
    left it, the erased name and contact in its file's unused space and in the readers' copy."""
    from click.testing import CliRunner

    from pipelines.cli import main

    first, _ = sent
    forget_stopped_before_the_rewrite(wh, first)
    assert warehouse.rewrite_marker(Path(wh)).exists()
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    taken = CliRunner().invoke(main, ["backup", str(tmp_path / "b"), "--db", str(wh)])
    assert taken.exit_code == 0, taken.output
    kept = [p for p in (tmp_path / "b").rglob("*") if p.is_file()]
    assert any(p.name.endswith(".duckdb") for p in kept)
    assert [str(p) for p in kept if NAME.encode() in p.read_bytes() or CONTACT.encode() in p.read_bytes()] == []
    assert not warehouse.rewrite_marker(Path(wh)).exists()


def test_forget_erases_the_name_and_contact_everywhere_and_keeps_the_question(sent, wh, box):
    first, second = sent
    assert held_anywhere(wh, box, NAME) and held_anywhere(wh, box, CONTACT)  # the test can see them
    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, PCC, held_on="2026-12-17")
        question = moderation.accept(con, ANALYST, first, edited_body=QUESTION, meeting_id=board.meeting_id)
        erased = erasure.forget(con, ANALYST, first, reason=REASON)
    assert erased.receipt == first and erased.contact == CONTACT
    body, name, contact, erased_at = row(wh, first)
    assert (body, name, contact) == (QUESTION, None, None) and erased_at is not None
    assert copy_of(box, first)["body"] == QUESTION
    assert (copy_of(box, first)["name"], copy_of(box, first)["contact"]) == ("", "")
    # not in the warehouse's file (its unused space too), its readers' copy, or any copy in the inbox
    assert held_anywhere(wh, box, NAME) == [] and held_anywhere(wh, box, CONTACT) == []
    assert row(wh, second)[2] == PHONE  # the other sender's are kept
    with warehouse.connect_read_only(wh) as con:
        [m] = moderation.moderated(con)
        assert (m.outcome, m.question_id, m.submission.body) == ("accepted", question, QUESTION)
        assert [q.body for q in acc.questions(con)] == [QUESTION]
        [(who, subject, detail)] = con.execute("SELECT identity, subject, detail FROM audit_event WHERE action = "
                                               "'erase_contact'").fetchall()
    assert (who, subject) == ("analyst@example.org", f"question from the public {first}")
    assert detail == f"the sender's name and contact erased: {REASON}"


def test_the_warehouse_written_anew_goes_on_numbering_as_before(sent, wh):
    with warehouse.connect(wh) as con:
        before = con.execute("SELECT max(event_id) FROM audit_event").fetchall()[0][0]
        erasure.forget(con, ANALYST, sent[0], reason=REASON)
    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, PCC, held_on="2026-12-17")
        ids = [r[0] for r in con.execute("SELECT event_id FROM audit_event ORDER BY event_id").fetchall()]
    assert board.meeting_id == 1 and len(ids) == len(set(ids)) and ids[-1] > before + 1


def test_a_reason_repeating_what_is_erased_is_refused_and_nothing_is_erased(sent, wh, box):
    first, second = sent
    with warehouse.connect(wh) as con:
        for reason in (f"Asked by {NAME.upper()}", f"request from {CONTACT}"):
            with pytest.raises(LoopError, match="The reason repeats the name or contact being erased"):
                erasure.forget(con, ANALYST, first, reason=reason)
        with pytest.raises(LoopError, match="The reason repeats"):
            erasure.forget(con, ANALYST, second, reason="Caller on 01144960737? no: " + PHONE)
        with pytest.raises(BadText, match="reason for erasing them is empty"):
            erasure.forget(con, ANALYST, first, reason="  ")
    assert row(wh, first)[1:3] == (NAME, CONTACT) and copy_of(box, first)["name"] == NAME


def words_anywhere(wh, box, published, *patterns) -> list[str]:
    """Every table and file (the warehouse's tables, the inbox's copies, published snapshots) whose text matches one
    of the patterns."""
    import re

    found = []
    with warehouse.connect_read_only(wh) as con:
        for table in ("public_submission", "submission_moderation", "board_question", "audit_event", "loop_release"):
            if any(re.search(p, str(r)) for r in con.execute(f"SELECT * FROM {table}").fetchall() for p in patterns):
                found.append(table)
    for path in [*box.rglob("*.json"), *published.glob("snapshot-*.duckdb"), *published.glob("releases/*/site/*.html")]:
        with duckdb.connect(str(path), read_only=True) if path.suffix == ".duckdb" else contextlib.nullcontext() as c:
            text = (str([c.execute(f'SELECT * FROM "{t}"').fetchall() for (t,) in
                         c.execute("SELECT table_name FROM information_schema.tables").fetchall()])
                    if c is not None else path.read_text(encoding="utf-8"))
        if any(re.search(p, text) for p in patterns):
            found.append(path.name if path.suffix != ".html" else path.parent.parent.name)
    return found


def test_the_senders_own_contact_written_into_the_question_is_taken_out_wherever_its_words_are_kept(
        box, wh, tmp_path, monkeypatch, run_cli):
    """A sender who wrote their telephone number into their question (spaced otherwise than in their contact), which
    the office put and the Commissioner approved for publication, and one who wrote their e-mail address into theirs:
    forget takes each contact out of the question's words everywhere they are kept, as "[removed]"; the next
    publication carries the question without it, and the snapshot published before is left as it was published."""
    from pipelines import filestore
    from pipelines.accountability.release import release
    from pipelines.publish.approval import approve
    from pipelines.publish.snapshot import publish

    published = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    rang = inbox.submit("Why did CSE charges in Rotherham fall? Please ring me on (0114) 496-0737 after six.", "",
                        PHONE)
    wrote = inbox.submit(f"Is the hub staffed? Write to {CONTACT.upper()} with the answer.", NAME, CONTACT)
    other = inbox.submit("Someone else's question: 0114 496 0737 is the number on the poster.", "Pat",
                         "pat@example.org")
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        board = acc.add_meeting(con, PCC, held_on="2026-12-17")
        put = "Why did CSE charges in Rotherham fall? Please ring me on (0114) 496-0737 after six."
        question = moderation.accept(con, ANALYST, rang, edited_body=put, meeting_id=board.meeting_id)
        release(con, PCC, "question", question)
        # withdrawn, and the withdrawal approved: its record quotes the question's words too
        acc.withdraw_question(con, ANALYST, question, reason="Answered in the force's report")
        release(con, PCC, "withdrawal", question)
        approve(con, ["2015-07"], PCC)
        first, old = publish(con, PCC)
        [(recorded,)] = con.execute("SELECT sha256 FROM snapshot WHERE version = ?", [first]).fetchall()
        old_site = Path(os.readlink(published / "public")).name
    number = r"\(?0114\)?[ -]?496[ -]?0737"
    assert set(words_anywhere(wh, box, published, number)) >= {
        "public_submission", "submission_moderation", "board_question", "audit_event", "loop_release", old.name,
        old_site}  # the test sees every place

    done = run_cli("inbox", "forget", rang, "--reason", REASON, "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0, done.output
    assert "The question's own words held the contact too: it is now \"[removed]\" wherever they" in done.stdout
    assert (f"The text approved for publication of question {question} held it as well" in done.stdout
            and "from the next publication" in done.stdout)
    with warehouse.connect(wh) as con:
        erased = erasure.forget(con, ANALYST, wrote, reason=REASON)
        assert erased.in_words and erased.published == ()
        [(body,)] = con.execute("SELECT body FROM board_question WHERE question_id = ?", [question]).fetchall()
        assert body == "Why did CSE charges in Rotherham fall? Please ring me on [removed] after six."
        _, new = publish(con, PCC)  # the redacted text is something new to publish
    assert row(wh, rang)[0] == "Why did CSE charges in Rotherham fall? Please ring me on [removed] after six."
    assert row(wh, wrote)[0] == "Is the hub staffed? Write to [removed] with the answer."
    assert copy_of(box, rang)["body"] == row(wh, rang)[0] and copy_of(box, wrote)["body"] == row(wh, wrote)[0]
    # what is left: the snapshot published before (never changed) and the other sender's question, as written
    [copy] = [p.name for p in box.rglob(f"{other}*.json")]
    assert sorted(words_anywhere(wh, box, published, number)) == sorted(
        ["public_submission", copy, old.name, old_site])
    assert words_anywhere(wh, box, published, "(?i)" + CONTACT.replace(".", r"\.")) == []
    assert filestore.file_sha256(old) == recorded
    assert "[removed]" in str(duckdb.connect(str(new), read_only=True).execute(
        "SELECT question FROM board_item").fetchall())
    with warehouse.connect_read_only(wh) as con:
        [(detail,)] = con.execute("SELECT detail FROM audit_event WHERE action = 'erase_contact' AND subject = ?",
                                  [f"question from the public {rang}"]).fetchall()
    assert detail == ("the sender's name and contact erased (and the contact taken out of the question's words): "
                      + REASON)


def test_the_contact_is_found_in_the_words_however_it_is_written():
    assert erasure.redact("Call +44 (0)114 496 0737, or 01144960737; not 011449607370.", "0114 496 0737") == (
        "Call [removed], or [removed]; not 011449607370.")
    assert erasure.redact("mail JO@Example.com or jo@example.com.", "jo@example.com") == (
        "mail [removed] or [removed].")
    assert erasure.redact("ask joe.jo@example.com", "jo@example.com") == "ask joe.jo@example.com"
    assert erasure.redact("Nothing of it here.", None) == "Nothing of it here."


def test_forget_twice_says_it_was_done_and_a_question_without_them_has_nothing_to_erase(box, wh, sent):
    bare = inbox.submit("A question with no name given?")
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        erasure.forget(con, ANALYST, sent[1], reason=REASON)
        with pytest.raises(erasure.NothingToErase, match=f"{sent[1]} were already erased on "):
            erasure.forget(con, ANALYST, sent[1], reason=REASON)
        with pytest.raises(erasure.NothingToErase, match="gave no name or contact: there is nothing to erase"):
            erasure.forget(con, ANALYST, bare, reason=REASON)
        with pytest.raises(NotFound, match='no question from the public "deadbeef"'):
            erasure.forget(con, ANALYST, "deadbeef", reason=REASON)
        with pytest.raises(NotAllowed):
            erasure.forget(con, NO_ROLE, sent[0], reason=REASON)
        assert con.execute("SELECT count(*) FROM audit_event WHERE action = 'erase_contact'").fetchall() == [(1,)]
    assert row(wh, sent[0])[1] == NAME


def test_find_by_contact_however_written_and_in_the_inbox_not_yet_imported(sent, wh, box):
    first, second = sent
    later = inbox.submit("Another one, not yet imported?", "Zeb", CONTACT.upper())
    with warehouse.connect_read_only(wh) as con:
        found = erasure.find(con, f"  {CONTACT.upper()} ")
        assert [(m.receipt, m.found_in, m.imported) for m in found] == [(first, "contact", True),
                                                                       (later, "contact", False)]
        assert found[0].state == "waiting to be read" and found[1].state == "waiting in the inbox, not yet imported"
        for phone in ("01144960737", "0114 496 0737", "+441144960737"):
            assert [m.receipt for m in erasure.find(con, phone)] == [second], phone
        assert [(m.receipt, m.found_in) for m in erasure.find(con, "zebedee q")] == [(first, "name")]
        assert [m.receipt for m in erasure.find(con, "live investigations in Sheffield")] == [second]
        assert erasure.find(con, "nobody@example.org") == []
        with pytest.raises(LoopError, match="at least 3 letters or digits"):
            erasure.find(con, " a ")


def test_forget_says_how_to_find_the_reference_when_none_is_given_or_the_question_still_waits(sent, wh, box,
                                                                                              run_cli):
    waiting = inbox.submit("Not yet imported?", "Zeb", CONTACT)
    for given, words in (("", "Give the reference of the question whose sender's name and contact are to be erased"),
                         ("   ", "Give the reference of the question"),
                         ("deadbeef", 'The record holds no question from the public "deadbeef". Give its reference, '
                                      'the first 8 characters "pccdash inbox find CONTACT" lists it by.'),
                         ("*", 'no question from the public "*"'),
                         (waiting, f"The question from the public {waiting} still waits in the inbox, not yet "
                                   "imported: import it")):
        said = run_cli("inbox", "forget", given, "--reason", REASON, "--db", wh, "--as", "analyst@example.org")
        assert said.exit_code == 1 and words in said.output and "Traceback" not in said.output, given
    assert copy_of(box, sent[0])["name"] == NAME  # nothing erased


# ------------------------------------------------------------------------------------------------ retention


def test_retention_erases_a_year_after_the_answer_or_the_rejection_and_not_before(sent, wh, box):
    first, second = sent
    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, PCC, held_on="2026-11-01")
        question = moderation.accept(con, ANALYST, first, edited_body=QUESTION, meeting_id=board.meeting_id)
        rejected = inbox.submit("Please reply about my own case?", "Pat Example", "pat@example.org")
        moderation.import_inbox(con, ANALYST)
        moderation.reject(con, ANALYST, rejected, reason="About one family's case")
        rejected_on = uk_day(moderation.moderated(con)[0].moderated_at)
        # accepted, not yet answered: kept, however long
        assert erasure.due(con, today=dt.date(2040, 1, 1))[0][0].receipt == rejected
        acc.await_answer(con, PCC, question, awaited_by="2026-12-01")
        assert [d.receipt for d in erasure.due(con, today=dt.date(2040, 1, 1))[0]] == [rejected]
        acc.record_answer(con, PCC, question, body="Charges fell because ...", answered_by="ACC Jones",
                          answered_on="2026-11-10")
        assert first not in [d.receipt for d in erasure.due(con, today=dt.date(2027, 11, 9))[0]]
        [answered] = [d for d in erasure.due(con, today=dt.date(2027, 11, 10))[0] if d.receipt == first]
        assert answered.how == f"answered on 10 November 2026 (question {question})"
        assert answered.erase_on == dt.date(2027, 11, 10)
        day_before = erasure.months_after(rejected_on, 12) - dt.timedelta(days=1)
        assert rejected not in [d.receipt for d in erasure.due(con, today=day_before)[0]]
        last = max(dt.date(2027, 11, 10), erasure.months_after(rejected_on, 12))
        erased, _ = erasure.expire(con, ANALYST, today=last)
        assert sorted(d.receipt for d in erased) == sorted([first, rejected])
        [(detail,)] = con.execute("SELECT detail FROM audit_event WHERE action = 'erase_contact'").fetchall()
    assert "kept 12 months after each was answered, withdrawn or rejected" in detail and first in detail
    assert NAME not in detail and "pat@example.org" not in detail
    assert row(wh, first)[1:3] == (None, None) and row(wh, rejected)[1:3] == (None, None)
    assert row(wh, second)[2] == PHONE  # still waiting to be read: kept
    assert held_anywhere(wh, box, "pat@example.org") == [] and held_anywhere(wh, box, CONTACT) == []


def test_retention_erases_a_year_after_a_question_from_the_public_is_withdrawn_unanswered(sent, wh, box):
    first, _ = sent
    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, PCC, held_on="2026-11-01")
        question = moderation.accept(con, ANALYST, first, edited_body=QUESTION, meeting_id=board.meeting_id)
        assert first not in [d.receipt for d in erasure.due(con, today=dt.date(2040, 1, 1))[0]]  # the office may reply
        withdraw_question(con, PCC, question, reason="Answered by the force's letter of 2 November",
                          on="2026-11-05")
        assert first not in [d.receipt for d in erasure.due(con, today=dt.date(2027, 11, 4))[0]]
        [withdrawn] = [d for d in erasure.due(con, today=dt.date(2027, 11, 5))[0] if d.receipt == first]
        assert withdrawn.how == f"withdrawn on 5 November 2026 (question {question})"
        erased, _ = erasure.expire(con, ANALYST, today=dt.date(2027, 11, 5))
        assert [d.receipt for d in erased] == [first]
    assert row(wh, first)[1:3] == (None, None)
    assert held_anywhere(wh, box, CONTACT) == []


def test_the_expire_command_says_a_withdrawn_questions_sender_is_erased_as_an_answered_ones(sent, wh, run_cli,
                                                                                             monkeypatch):
    """Regression: "pccdash inbox expire" erased the contact sent with a question withdrawn unanswered, and its help,
    its listing and its "Nothing is kept" sentence said only "answered or rejected": a sender reading them was told
    their details stayed while the question was withdrawn."""
    first, _ = sent
    assert "answered (the force's latest word on it an answer), withdrawn or rejected" in " ".join(
        run_cli("inbox", "expire", "--help").stdout.split())
    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, PCC, held_on="2026-11-01")
        question = moderation.accept(con, ANALYST, first, edited_body=QUESTION, meeting_id=board.meeting_id)
        withdraw_question(con, PCC, question, reason="Answered by the force's letter", on="2026-11-05")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-12-01")
    nothing = run_cli("inbox", "expire", "--dry-run", "--db", wh)
    assert nothing.stdout.startswith("Nothing is kept past the retention period (12 months after a question is "
                                     "answered, withdrawn or rejected).")
    monkeypatch.setenv("PCCDASH_TODAY", "2027-11-05")
    dry = run_cli("inbox", "expire", "--dry-run", "--db", wh)
    assert dry.exit_code == 0
    assert ("1 sender's names and contacts would be erased, kept 12 months after their question was answered, "
            "withdrawn or rejected") in dry.stdout
    assert f"  {first}  withdrawn on 5 November 2026 (question {question})" in dry.stdout


CHILD = "My daughter Chloe (14) at Oakwood school was groomed online last year. Why has nobody been charged?"
WELSH_CHILD = "Pam nad oes neb wedi helpu fy merch Cerys, 12 oed, yn Ysgol Bro Tegid?"


def ledger(wh) -> list[dict]:
    path = erasure.ledger_path(Path(wh))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_a_rejected_questions_words_go_after_the_retention_period_and_an_accepted_ones_stay(box, wh, run_cli,
                                                                                              monkeypatch):
    """Regression: a rejected question naming a child kept the child's name, age and school in its words for good
    (its row, the inbox's imported/ copy, the Moderated table), though it is never published: expire erased only
    the sender's name and contact, and one sent without them not at all."""
    named = inbox.submit(CHILD, "Karen Smith", "karen.smith@example.com")
    bare = inbox.submit(WELSH_CHILD)
    put = inbox.submit(QUESTION, NAME, CONTACT)
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        moderation.reject(con, ANALYST, named, reason="About one child's case; we wrote with where to report it")
        moderation.reject(con, ANALYST, bare, reason="About one child's case")
        board = acc.add_meeting(con, PCC, held_on="2026-11-01")
        question = moderation.accept(con, ANALYST, put, edited_body=QUESTION, meeting_id=board.meeting_id)
        acc.record_answer(con, PCC, question, body="Charges fell because ...", answered_by="ACC Jones",
                          answered_on="2026-11-01")
        on = uk_day(moderation.moderated(con)[-1].moderated_at)
    assert held_anywhere(wh, box, "Chloe") and held_anywhere(wh, box, "Cerys")  # the test can see them
    monkeypatch.setenv("PCCDASH_TODAY", max(erasure.months_after(on, 12), dt.date(2027, 11, 1)).isoformat())
    dry = run_cli("inbox", "expire", "--dry-run", "--db", wh)
    assert dry.exit_code == 0, dry.output
    assert "2 senders' names and contacts would be erased" in dry.stdout
    assert "The words of 2 rejected questions would be erased, kept 12 months after each was rejected" in dry.stdout
    assert f"  {bare}  rejected on " in dry.stdout and row(wh, named)[0] == CHILD  # nothing changed yet
    done = run_cli("inbox", "expire", "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0 and "Erased the words of 2 rejected questions" in done.stdout, done.output

    # the words are in no file of the warehouse or the inbox; what became of each stays
    for said in ("Chloe", "Oakwood", "Cerys", "Bro Tegid"):
        assert held_anywhere(wh, box, said) == [], said
    assert row(wh, named)[:3] == ("", None, None) and row(wh, bare)[:3] == ("", None, None)
    assert copy_of(box, named)["body"] == "" and copy_of(box, bare)["body"] == ""
    assert row(wh, bare)[3] is None  # none given: not said to be erased
    with warehouse.connect_read_only(wh) as con:
        done_ = {m.submission.receipt: m for m in moderation.moderated(con)}
        [(detail,)] = con.execute("SELECT detail FROM audit_event WHERE action = 'erase_contact'").fetchall()
    assert (done_[bare].outcome, done_[bare].reason) == ("rejected", "About one child's case")
    assert erasure.words_shown(done_[named].submission).startswith("(erased on ")
    assert erasure.kept_words(done_[bare].submission) == "none given"
    # the accepted question's words are the record: they stay
    assert done_[put].submission.body == QUESTION and copy_of(box, put)["body"] == QUESTION
    assert row(wh, put)[1:3] == (None, None)
    assert "the words of 2 rejected questions from the public erased, kept 12 months after each was rejected" \
        in detail and bare in detail
    assert {e["submission_id"][:8] for e in ledger(wh) if e.get("words")} == {named, bare}
    again = run_cli("inbox", "expire", "--db", wh, "--as", "analyst@example.org")
    assert again.stdout.startswith("Nothing is kept past the retention period")


def test_forget_erases_a_rejected_questions_words_on_request_even_without_a_name_or_contact(box, wh, tmp_path):
    named = inbox.submit(CHILD, "Karen Smith", "karen.smith@example.com")
    bare = inbox.submit(WELSH_CHILD)
    waiting = inbox.submit("A question with no name given?")
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        moderation.reject(con, ANALYST, named, reason="About one child's case")
        moderation.reject(con, ANALYST, bare, reason="About one child's case")
        before = tmp_path / "before"
    import shutil
    shutil.copytree(box, before / "inbox")
    shutil.copy2(wh, before / "wh.duckdb")
    with warehouse.connect(wh) as con:
        erased = erasure.forget(con, ANALYST, named, reason=REASON)
        assert erased.words and erased.had_contact
        assert erased.sentences()[0] == (
            f"Erased the name and contact the sender of the question from the public {named} gave, and the "
            "question's words, from the warehouse and the inbox's copies: it was rejected, and is never published. "
            "That it was received and rejected, when and why, and its reference are kept.")
        alone = erasure.forget(con, ANALYST, bare, reason="Asked by letter, giving the reference")
        assert alone.sentences()[0].startswith(f"Erased the words of the question from the public {bare} from the")
        with pytest.raises(erasure.NothingToErase, match="gave no name or contact"):
            erasure.forget(con, ANALYST, waiting, reason=REASON)  # waiting to be read: its words are for the office
        with pytest.raises(erasure.NothingToErase):
            erasure.forget(con, ANALYST, bare, reason=REASON)
        details = [d for (d,) in con.execute("SELECT detail FROM audit_event WHERE action = 'erase_contact' "
                                             "ORDER BY event_id").fetchall()]
    assert details == [f"the sender's name and contact and the words of the rejected question erased: {REASON}",
                       "the words of the rejected question erased: Asked by letter, giving the reference"]
    for said in ("Chloe", "Cerys", "karen.smith"):
        assert held_anywhere(wh, box, said) == [], said

    # a restore from a backup taken before makes the erasures again, the words too
    shutil.rmtree(box)
    shutil.copytree(before / "inbox", box)
    shutil.copy2(before / "wh.duckdb", wh)
    assert held_anywhere(wh, box, "Chloe") and held_anywhere(wh, box, "Cerys")
    with warehouse.connect(wh) as con:
        again = erasure.reapply(con, erasure.on_record(Path(wh)), box)
    assert sorted(again) == sorted([named, bare])
    # the question sent with no name or contact had its words alone erased again
    assert again.contacts == [named] and sorted(again.words) == sorted([named, bare])
    for said in ("Chloe", "Cerys", "karen.smith"):
        assert held_anywhere(wh, box, said) == [], said
    assert row(wh, bare)[0] == "" and row(wh, bare)[3] is None


def test_the_retention_period_is_a_setting_and_a_wrong_one_is_said(sent, wh, monkeypatch):
    with warehouse.connect(wh) as con:
        moderation.reject(con, ANALYST, sent[0], reason="Not about CSE")
        on = uk_day(moderation.moderated(con)[0].moderated_at)
        monkeypatch.setenv("PCCDASH_CONTACT_RETENTION_MONTHS", "6")
        assert [d.erase_on for d in erasure.due(con, today=on + dt.timedelta(days=200))[0]] == [
            erasure.months_after(on, 6)]
        monkeypatch.setenv("PCCDASH_CONTACT_RETENTION_MONTHS", "a year")
        with pytest.raises(ConfigError, match='PCCDASH_CONTACT_RETENTION_MONTHS "a year" is not a whole number'):
            erasure.due(con)


def test_months_after_keeps_to_the_month():
    assert erasure.months_after(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert erasure.months_after(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert erasure.months_after(dt.date(2026, 11, 10), 12) == dt.date(2027, 11, 10)
    assert erasure.months_after(dt.date(2026, 11, 10), 0) == dt.date(2026, 11, 10)


def test_an_unreadable_file_set_aside_is_deleted_once_kept_that_long(box, wh):
    inbox.submit(QUESTION)
    (box / "broken.json").write_text('{"name": "Zebedee', encoding="utf-8")
    old = time.time() - 400 * 86_400
    os.utime(box / "broken.json", (old, old))
    (box / "recent.json").write_text("{", encoding="utf-8")
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        assert erasure.due(con) == ([], ["broken.json"])
        assert erasure.expire(con, ANALYST) == ([], ["broken.json"])
    assert sorted(p.name for p in (box / "rejected").iterdir()) == ["recent.json"]


# ------------------------------------------------------------------------------------------------ the command


def test_the_commands_find_forget_and_expire_with_a_dry_run(sent, wh, box, run_cli, monkeypatch):
    first, second = sent
    found = run_cli("inbox", "find", CONTACT, "--db", wh)
    assert found.exit_code == 0
    assert f"{first}  received " in found.stdout and f"from: {NAME}; {CONTACT}" in found.stdout
    assert "1 question from the public found." in found.stdout
    assert run_cli("inbox", "find", "nobody@example.org", "--db", wh).stdout.startswith(
        "No question from the public holds it")

    refused = run_cli("inbox", "forget", first, "--reason", f"{NAME} asked", "--db", wh, "--as", "analyst@example.org")
    assert refused.exit_code == 1 and "The reason repeats" in refused.output
    done = run_cli("inbox", "forget", first, "--reason", REASON, "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0 and done.stdout.startswith(f"Erased the name and contact the sender of the question "
                                                          f"from the public {first} gave")
    listed = run_cli("inbox", "find", "charges in Rotherham", "--db", wh).stdout
    assert f"{first}  received " in listed and "from: name and contact erased on " in listed and NAME not in listed
    assert row(wh, first)[1:3] == (None, None)
    waiting = run_cli("inbox", "list", "--db", wh).stdout  # still waiting: erased, not "no name or contact given"
    assert f"{first}  received " in waiting and "from: name and contact erased on " in waiting
    assert "no name or contact given" not in waiting and NAME not in waiting

    with warehouse.connect(wh) as con:
        moderation.reject(con, ANALYST, second, reason="Not about CSE")
        on = uk_day(moderation.moderated(con)[0].moderated_at)
    monkeypatch.setenv("PCCDASH_TODAY", erasure.months_after(on, 12).isoformat())
    dry = run_cli("inbox", "expire", "--dry-run", "--db", wh)
    assert dry.exit_code == 0 and "1 sender's names and contacts would be erased" in dry.stdout
    assert f"  {second}  rejected on " in dry.stdout and row(wh, second)[2] == PHONE  # nothing changed
    assert run_cli("inbox", "expire", "--db", wh).exit_code == 2  # who acts must be said
    done = run_cli("inbox", "import", "--db", wh, "--as", "analyst@example.org")  # an import runs it too
    assert done.exit_code == 0 and "Erased the names and contacts of 1 sender" in done.stdout
    assert row(wh, second)[2] is None and copy_of(box, second)["contact"] == ""
    again = run_cli("inbox", "expire", "--db", wh, "--as", "analyst@example.org")
    assert again.stdout.startswith("Nothing is kept past the retention period (12 months")


# ------------------------------------------------------------------------------------------------ the pages


def test_the_page_finds_and_erases_for_the_roles_that_moderate(monkeypatch, sent, wh, box):
    first, _ = sent
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    assert "until 12 months after their question is answered, withdrawn or rejected" in texts(at)
    at.text_input(key="find_sender").input(CONTACT).run()
    [grid] = [d for d in at.dataframe if "Reference" in d.value.columns]
    assert grid.value["Reference"].tolist() == [first] and grid.value["Contact"].tolist() == [CONTACT]
    with warehouse.connect_read_only(wh) as con:
        ident = next(s.submission_id for s in moderation.pending(con) if s.receipt == first)
    at.selectbox(key="erase_which").select(ident)
    at.text_input(key="erase_reason").input(REASON)
    next(b for b in at.button if b.label == "Erase what is kept of the sender").click().run()
    assert not at.exception and not at.error
    assert row(wh, first)[1:3] == (None, None)
    assert "From: the sender's name and contact were erased on " in texts(at)
    assert NAME not in texts(at)

    watcher = internal(monkeypatch, wh, "internal_pages/public_questions.py", NO_ROLE)
    assert [t.value for t in watcher.title] == ["Not allowed"]


def test_the_page_erases_the_sender_found_not_the_newest_question(monkeypatch, sent, wh, box):
    """Found by their contact, a sender's question is the one the erase button takes: the picker offered every
    question kept, the newest first, so pressing the button after finding the older one erased the contact of
    someone else, who had asked nothing."""
    first, second = sent
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    at.text_input(key="find_sender").input(CONTACT).run()
    picker = at.selectbox(key="erase_which")
    assert picker.label == "The question found above (its reference)"
    assert len(picker.options) == 1 and picker.options[0].startswith(first)  # the options as the page words them
    at.text_input(key="erase_reason").input(REASON)
    next(b for b in at.button if b.label == "Erase what is kept of the sender").click().run()
    assert not at.exception and not at.error
    assert row(wh, first)[1:3] == (None, None)
    assert row(wh, second)[2] == PHONE  # the other sender's contact is kept
    # a name found only in a question's words is not its sender's: every question kept is offered, as before
    at.text_input(key="find_sender").input("live investigations").run()
    assert at.selectbox(key="erase_which").label == "The question (its reference)"


def test_the_page_erases_the_words_of_a_rejected_question_sent_without_a_name_or_contact(monkeypatch, wh, box):
    """Regression: "pccdash inbox forget" erases the words of a rejected question sent without a name or contact, but
    the page offered only the questions whose sender's name or contact was kept, so it could not reach one; with no
    other question kept it said "No sender's name or contact is kept" and offered no button at all."""
    bare = inbox.submit(CHILD)
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        moderation.reject(con, ANALYST, bare, reason="About one child's case")
        ident = next(m.submission.submission_id for m in moderation.moderated(con) if m.submission.receipt == bare)
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception, at.exception
    at.text_input(key="find_sender").input("Oakwood school").run()  # found by its words: only they go
    picker = at.selectbox(key="erase_which")
    assert picker.label == "The question found above (its reference)"
    assert picker.options == [f"{bare}, received {uk_day_words(row_received(wh, bare))} (rejected, sent without a "
                              "name or contact: its words)"]
    at.text_input(key="erase_reason").input("Asked by letter, giving the reference")
    # its button promises no name or contact, which it has none of: only its words go, as the button says
    [button] = [b for b in at.button if "erase" in b.label.lower()]
    assert "name" not in button.label and "contact" not in button.label
    assert button.label == "Erase what is kept of the sender" and "its words" in button.help
    button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(t.value.startswith(f"Erased the words of the question from the public {bare}") for t in at.toast)
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT body, words_erased_at IS NOT NULL FROM public_submission WHERE submission_id = ?",
                           [ident]).fetchall() == [("", True)]
    at.text_input(key="find_sender").input("").run()
    assert "No sender's name or contact is kept, nor the words of a question rejected." in texts(at)


def test_the_ask_page_says_how_long_the_contact_is_kept_and_whom_to_ask_to_erase_it(monkeypatch, tmp_path, box):
    at = public(monkeypatch, tmp_path / "nothing-published", "public_pages/ask.py")
    said = texts(at)
    assert not at.exception
    assert "keeps them until 12 months after your question is answered at a Board" in said
    assert "To have them erased sooner" in said and "public-figures@example.org" in said and "01234 567 890" in said
    monkeypatch.setenv("PCCDASH_CONTACT_RETENTION_MONTHS", "6")
    assert "until 6 months after your question" in texts(public(monkeypatch, tmp_path / "nothing-published",
                                                                "public_pages/ask.py"))



def test_an_import_with_the_retention_period_set_wrongly_imports_nothing_and_says_why(box, wh, run_cli, monkeypatch):
    """The questions were imported, then the command stopped on the setting, so its error was all the office saw of
    an import that had happened: the setting is read before anything is imported."""
    inbox.submit(QUESTION, NAME, CONTACT)
    monkeypatch.setenv("PCCDASH_CONTACT_RETENTION_MONTHS", "a year")
    done = run_cli("inbox", "import", "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 1 and 'PCCDASH_CONTACT_RETENTION_MONTHS "a year" is not a whole number' in done.output
    assert inbox.waiting(box) == 1
    with warehouse.connect_read_only(wh) as con:
        assert con.execute("SELECT count(*) FROM public_submission").fetchall() == [(0,)]


def test_forget_names_the_archived_packs_that_quote_the_contact_written_into_the_question(box, wh, run_cli):
    """A pack is kept as the Board was given it: one produced while the question put held the sender's telephone
    number keeps it after the erasure, and forget says which packs do, so the office is not told it is gone."""
    from pipelines.briefing import archive

    rang = inbox.submit("Why did CSE charges in Rotherham fall? Please ring me on (0114) 496-0737 after six.", "",
                        PHONE)
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        board = acc.add_meeting(con, PCC, held_on="2026-12-17")
        moderation.accept(con, ANALYST, rang, meeting_id=board.meeting_id,
                          edited_body="Why did CSE charges in Rotherham fall? Please ring me on (0114) 496-0737 "
                                      "after six.")
        pack_id = archive.produce(con, wh, "2026-12-17", PCC).production.pack_id
    done = run_cli("inbox", "forget", rang, "--reason", REASON, "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0, done.output
    said = " ".join(done.stdout.split())
    assert (f"Briefing pack {pack_id} in the archive quotes the question as it was put, with the contact" in said
            and "unchanged, so it is there still" in said), said
    with warehouse.connect(wh) as con:  # a question without it in its words names no pack
        other = inbox.submit("What is being done in Sheffield?", NAME, CONTACT)
        moderation.import_inbox(con, ANALYST)
        assert erasure.forget(con, ANALYST, other, reason=REASON).packs == ()


def test_expire_names_the_archived_packs_that_quote_the_contact_written_into_the_question(box, wh, run_cli,
                                                                                           monkeypatch):
    """As forget does: the retention period's erasure (the command, and every import the page fetches) says which
    archived packs still quote a contact the question's words held, so the office is not told it is gone."""
    from pipelines.briefing import archive

    rang = inbox.submit("Why did CSE charges in Rotherham fall? Please ring me on (0114) 496-0737 after six.", "",
                        PHONE)
    plain = inbox.submit("What is being done in Sheffield?", NAME, CONTACT)
    with warehouse.connect(wh) as con:
        moderation.import_inbox(con, ANALYST)
        board = acc.add_meeting(con, PCC, held_on="2026-12-17")
        question = moderation.accept(con, ANALYST, rang, meeting_id=board.meeting_id,
                                     edited_body="Why did CSE charges in Rotherham fall? Please ring me on "
                                                 "(0114) 496-0737 after six.")
        moderation.reject(con, ANALYST, plain, reason="Not about CSE")
        pack_id = archive.produce(con, wh, "2026-12-17", PCC).production.pack_id
        monkeypatch.setenv("PCCDASH_TODAY", "2026-12-21")
        acc.record_answer(con, PCC, question, body="Charges fell because ...", answered_by="ACC Jones",
                          answered_on="2026-12-20")
        later = dt.date(2040, 1, 1)
        found = {d.receipt: d.packs for d in erasure.due(con, today=later)[0]}
        assert found == {rang: (pack_id,), plain: ()}
        words = erasure.fetched_words((0, erasure.due(con, today=later)[0], []))
    assert f"Briefing pack {pack_id} in the archive quotes the question from the public {rang} as it was put" in words
    monkeypatch.setenv("PCCDASH_TODAY", "2040-01-01")
    done = run_cli("inbox", "expire", "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0, done.output
    said = " ".join(done.stdout.split())
    assert (f"Briefing pack {pack_id} in the archive quotes the question from the public {rang} as it was put, "
            "with the contact" in said and "unchanged, so it is there still" in said), said
    assert said.count("Briefing pack") == 1
