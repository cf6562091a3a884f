"""A question from the public is plain words, size- and rate-limited, kept in the inbox until the office imports it
(once, whatever stops part-way), and goes no further until the office accepts it, as edited, or rejects it; the
sender's name and contact stay in the office's record only."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
import time
import uuid

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import (
    ANALYST,
    NO_ROLE,
    PCC,
    PUBLIC_PAGES,
    copy_warehouse,
    downloads_of,
    html_tables,
    internal,
    public,
    texts,
)

from pipelines import accountability as acc
from pipelines import inbox, warehouse
from pipelines import public as public_side
from pipelines.access import NotAllowed
from pipelines.accountability import moderation
from pipelines.accountability.release import personal_data_warnings, release, release_form_defaults
from pipelines.plaintext import BadText
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import publish

QUESTION = "Why did CSE charges in Rotherham fall in July 2015, and what is being done about it?"
NAME, CONTACT = "Jo Bloggs-Ferncastle", "jo.ferncastle@example.com"
HOSTILE_MARKUP = ["<script>alert(1)</script>", "Read <b>this</b>", "Fish &amp; chips", "<img src=x onerror=alert(1)>",
                  "[click](javascript:alert(1))"]
FORMULA = '=HYPERLINK("http://evil.example/","Click for the figures")'


@pytest.fixture
def box(tmp_path, monkeypatch):
    """The inbox folder the public app and the office share in this test."""
    folder = tmp_path / "inbox"
    monkeypatch.setenv("PCCDASH_INBOX_DIR", str(folder))
    return folder


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


@pytest.fixture
def con(wh):
    with warehouse.connect(wh) as c:
        yield c


def session() -> str:
    return uuid.uuid4().hex


def waiting_files(folder) -> list:
    return sorted(p.name for p in folder.glob("*.json"))


# ------------------------------------------------------------------------------------------------ sending


def test_a_question_sent_is_one_whole_private_file_in_the_inbox(box):
    receipt = inbox.submit(f"  {QUESTION}\r\n", f" {NAME} ", CONTACT, session=session())
    [name] = waiting_files(box)
    assert name.startswith(receipt) and len(receipt) == 8 and name == f"{name[:32]}.json"
    found = json.loads((box / name).read_text(encoding="utf-8"))
    assert found == {"id": name[:32], "received_at": found["received_at"], "body": QUESTION, "name": NAME,
                     "contact": CONTACT}
    assert dt.datetime.fromisoformat(found["received_at"]).utcoffset() == dt.timedelta(0)
    assert stat.S_IMODE(os.stat(box / name).st_mode) == 0o600
    assert [p.name for p in box.iterdir()] == [name]  # no temporary file left beside it


def test_name_and_contact_are_optional(box):
    inbox.submit(QUESTION)
    [name] = waiting_files(box)
    assert json.loads((box / name).read_text(encoding="utf-8"))["name"] == ""


@pytest.mark.parametrize("size", [1_501, 100_000, 10_000_000])
def test_a_question_over_the_limit_is_refused_quickly_and_nothing_is_kept(box, size):
    text = "a" * size
    started = time.perf_counter()
    with pytest.raises(inbox.SubmissionRefused, match=f"The question is {size:,} characters long; it may be at most "
                                                      "1,500. Shorten it."):
        inbox.submit(text, session=session())
    if size > 6_000:  # a flood is refused by its length alone, however large
        assert time.perf_counter() - started < 0.01
    assert not box.exists() or waiting_files(box) == []


@pytest.mark.parametrize("field", ["body", "name", "contact"])
@pytest.mark.parametrize("text", HOSTILE_MARKUP)
def test_markup_is_refused_in_every_field(box, field, text):
    given = {"body": QUESTION, "name": "", "contact": "", field: text}
    with pytest.raises(inbox.SubmissionRefused, match="looks like web page code"):
        inbox.submit(given["body"], given["name"], given["contact"], session=session())
    assert not box.exists() or waiting_files(box) == []


def test_an_empty_question_or_an_overlong_name_is_refused_in_a_sentence(box):
    with pytest.raises(inbox.SubmissionRefused, match="The question is empty"):
        inbox.submit(" \n\t ")
    with pytest.raises(inbox.SubmissionRefused, match="The question is empty"):  # characters that show nothing
        inbox.submit("\u200b \u2060\ufeff\u200d\n\u00ad")
    assert not box.exists() or waiting_files(box) == []
    assert inbox.submit("\u200b😀", session=session())  # an emoji is something to read
    with pytest.raises(inbox.SubmissionRefused, match="The name is 101 characters long; it may be at most 100"):
        inbox.submit(QUESTION, "n" * 101)
    with pytest.raises(inbox.SubmissionRefused, match="The contact is 201 characters long; it may be at most 200"):
        inbox.submit(QUESTION, "", "c" * 201)


def test_one_session_may_send_three_questions_an_hour(box):
    me, other = session(), session()
    start = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    for minute in range(3):
        inbox.submit(f"{QUESTION} ({minute})", session=me, now=start + dt.timedelta(minutes=minute))
    with pytest.raises(inbox.SubmissionRefused, match="You have sent 3 questions in the last hour; please wait "
                                                      "before sending another."):
        inbox.submit(QUESTION, session=me, now=start + dt.timedelta(minutes=30))
    inbox.submit(QUESTION, session=other, now=start + dt.timedelta(minutes=30))  # someone else is not held back
    inbox.submit(QUESTION, session=me, now=start + dt.timedelta(minutes=61))  # an hour after the first
    assert len(waiting_files(box)) == 5


def test_the_inbox_takes_sixty_questions_an_hour_from_everyone(box):
    start = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    for i in range(inbox.PER_INBOX):
        inbox.submit(f"Question {i}", session=session(), now=start + dt.timedelta(seconds=i))
    with pytest.raises(inbox.SubmissionRefused, match="cannot take more just now; please try again in an hour"):
        inbox.submit(QUESTION, session=session(), now=start + dt.timedelta(minutes=10))
    assert len(waiting_files(box)) == inbox.PER_INBOX
    inbox.submit(QUESTION, session=session(), now=start + dt.timedelta(minutes=61))
    assert len(waiting_files(box)) == inbox.PER_INBOX + 1


def test_questions_the_office_imported_no_longer_count_against_the_inbox(box, con):
    start = dt.datetime.now(dt.UTC)
    for i in range(inbox.PER_INBOX):
        inbox.submit(f"Question {i}", now=start)
    moderation.import_inbox(con, ANALYST)
    inbox.submit(QUESTION, now=start)
    assert inbox.waiting() == 1


# ------------------------------------------------------------------------------------------------ importing


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_import_brings_each_question_in_once_and_files_it_away(box, con):
    receipt = inbox.submit(QUESTION, NAME, CONTACT)
    assert moderation.import_inbox(con, ANALYST) == 1
    assert waiting_files(box) == [] and [p.name[:8] for p in (box / "imported").iterdir()] == [receipt]
    [sub] = moderation.pending(con)
    assert (sub.receipt, sub.body, sub.name, sub.contact) == (receipt, QUESTION, NAME, CONTACT)
    assert moderation.import_inbox(con, ANALYST) == 0  # nothing new
    assert len(rows(con, "SELECT * FROM public_submission")) == 1
    [(detail,)] = rows(con, "SELECT detail FROM audit_event WHERE action = 'import_submissions'")
    assert detail.startswith("1 new question from the public imported") and NAME not in detail


def test_a_stop_between_the_commit_and_filing_away_loses_nothing_and_a_rerun_finishes(box, con, monkeypatch):
    inbox.submit(QUESTION, NAME, CONTACT)
    inbox.submit("A second question about live investigations.")
    real_move = moderation.move_to

    def stop_after_commit(path, sub):
        if sub == moderation.IMPORTED:
            raise KeyboardInterrupt  # as a stop would, after the rows were committed
        return real_move(path, sub)

    monkeypatch.setattr(moderation, "move_to", stop_after_commit)
    with pytest.raises(KeyboardInterrupt):
        moderation.import_inbox(con, ANALYST)
    assert len(rows(con, "SELECT * FROM public_submission")) == 2
    assert len(waiting_files(box)) == 2  # still in the inbox: nothing lost
    monkeypatch.setattr(moderation, "move_to", real_move)
    assert moderation.import_inbox(con, ANALYST) == 0  # already imported: just filed away
    assert waiting_files(box) == [] and len(list((box / "imported").iterdir())) == 2
    assert len(rows(con, "SELECT * FROM public_submission")) == 2


def test_a_stop_before_the_commit_keeps_nothing_and_leaves_the_files(box, con, monkeypatch):
    inbox.submit(QUESTION)

    def fail(*args, **kwargs):
        raise RuntimeError("the audit trail could not be written")

    monkeypatch.setattr(moderation.audit, "record", fail)
    with pytest.raises(RuntimeError):
        moderation.import_inbox(con, ANALYST)
    assert rows(con, "SELECT * FROM public_submission") == [] and len(waiting_files(box)) == 1


def test_a_broken_file_is_set_aside_and_the_rest_imported(box, con, tmp_path):
    good = inbox.submit(QUESTION)
    ident = uuid.uuid4().hex
    (box / "notjson.json").write_text("{", encoding="utf-8")
    (box / "list.json").write_text("[1, 2]", encoding="utf-8")
    (box / f"{uuid.uuid4().hex}.json").write_text(json.dumps(
        {"id": ident, "received_at": "2026-11-21T09:00:00+00:00", "body": "id is not the name"}), encoding="utf-8")
    (box / f"{ident}.json").write_text(json.dumps(
        {"id": ident, "received_at": "2026-11-21T09:00:00+00:00", "body": "<script>alert(1)</script>"}),
        encoding="utf-8")
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"id": "x"}), encoding="utf-8")
    (box / "link.json").symlink_to(secret)
    assert moderation.import_inbox(con, ANALYST) == 1
    assert [s.receipt for s in moderation.pending(con)] == [good]
    assert len(moderation.set_aside()) == 5 and waiting_files(box) == []
    assert secret.read_text(encoding="utf-8") == json.dumps({"id": "x"})  # a link is moved, never followed


def test_only_the_office_imports(box, con):
    inbox.submit(QUESTION)
    with pytest.raises(NotAllowed):
        moderation.import_inbox(con, NO_ROLE)
    assert len(waiting_files(box)) == 1


# ------------------------------------------------------------------------------------------------ moderating


@pytest.fixture
def sent(box, con):
    """A question with a name and contact, imported; and a Board to put it to."""
    receipt = inbox.submit(QUESTION + " My neighbour's daughter was affected.", NAME, CONTACT)
    moderation.import_inbox(con, ANALYST)
    board = acc.add_meeting(con, PCC, held_on="2026-12-17")
    return receipt, board


EDITED = "Why did CSE charges in Rotherham fall in July 2015, and what is being done about it?"


def test_an_accepted_question_is_put_to_the_meeting_as_edited_by_a_member_of_the_public(con, sent):
    receipt, board = sent
    question_id = moderation.accept(con, ANALYST, receipt, edited_body=EDITED, meeting_id=board.meeting_id)
    [q] = acc.questions(con, board.meeting_id)
    assert (q.question_id, q.source, q.body, q.asked_by, q.meeting.meeting_id) == (
        question_id, "public", EDITED, "A member of the public", board.meeting_id)
    assert q.submission_id.startswith(receipt)
    [m] = moderation.moderated(con)
    assert (m.outcome, m.edited_body, m.question_id, m.moderated_by) == (
        "accepted", EDITED, question_id, "analyst@example.org")
    assert m.words().startswith("Accepted by analyst@example.org on ") and moderation.pending(con) == []
    # the sender's name and contact are in their submission's row and nowhere else
    for table in ("board_question", "submission_moderation", "audit_event", "meeting"):
        dump = json.dumps([list(map(str, r)) for r in rows(con, f"SELECT * FROM {table}")])
        assert NAME not in dump and CONTACT not in dump, table
    assert "neighbour" not in json.dumps([list(map(str, r)) for r in rows(con, "SELECT * FROM board_question")])


def test_a_question_is_moderated_once(con, sent):
    receipt, board = sent
    moderation.accept(con, PCC, receipt, edited_body=EDITED, meeting_id=board.meeting_id)
    with pytest.raises(moderation.AlreadyModerated, match=f"{receipt} was already accepted by pcc@example.org on "
                                                          "[0-9]+ [A-Z][a-z]+ 20[0-9]{2}; a question from the public "
                                                          "is accepted or rejected once"):
        moderation.reject(con, ANALYST, receipt, reason="Duplicate")
    with pytest.raises(moderation.AlreadyModerated):
        moderation.accept(con, ANALYST, receipt, edited_body=EDITED, meeting_id=board.meeting_id)
    assert len(acc.questions(con)) == 1 and len(moderation.moderated(con)) == 1


def test_a_rejected_question_keeps_its_reason_and_becomes_no_question(con, sent):
    receipt, _ = sent
    moderation.reject(con, ANALYST, receipt, reason="It is about one family's case: referred to the force's "
                                                    "complaints team.")
    [m] = moderation.moderated(con)
    assert (m.outcome, m.question_id, m.edited_body) == ("rejected", None, None)
    assert m.words().endswith(": It is about one family's case: referred to the force's complaints team.")
    assert acc.questions(con) == [] and moderation.pending(con) == []
    with pytest.raises(moderation.AlreadyModerated):
        moderation.reject(con, ANALYST, receipt, reason="again")


@pytest.mark.parametrize("reason", [f"One family's case: we wrote to {CONTACT} with where to report it.",
                                    f"One family's case; {NAME} was told by phone where to report it.",
                                    f"We wrote to {CONTACT.upper()} instead."])
def test_a_reason_for_rejecting_that_repeats_the_senders_name_or_contact_is_refused(con, sent, reason):
    """Regression: a rejection's reason naming the sender ("we wrote to jo@... with where to report it") was kept in
    the moderation record and on the audit trail, where the sender's name and contact are never kept: erasing them,
    on request or after the retention period, left them there, on the page and in its CSV download."""
    receipt, _ = sent
    with pytest.raises(acc.LoopError, match="The reason repeats the sender's name or contact.*kept on the audit trail"
                                            ".*say why without them"):
        moderation.reject(con, ANALYST, receipt, reason=reason)
    assert moderation.moderated(con) == [] and len(moderation.pending(con)) == 1
    for table in ("submission_moderation", "audit_event"):
        dump = json.dumps([list(map(str, r)) for r in rows(con, f"SELECT * FROM {table}")]).casefold()
        assert NAME.casefold() not in dump and CONTACT.casefold() not in dump, table
    moderation.reject(con, ANALYST, receipt, reason="One family's case: we wrote to the sender with where to report "
                                                    "it.")
    assert [m.outcome for m in moderation.moderated(con)] == ["rejected"]


@pytest.mark.parametrize("edit", ["<b>Why</b> did charges fall?", "Fish &amp; chips?"])
def test_the_edited_text_is_plain_words_too(con, sent, edit):
    receipt, board = sent
    with pytest.raises(BadText, match="looks like web page code"):
        moderation.accept(con, ANALYST, receipt, edited_body=edit, meeting_id=board.meeting_id)
    assert acc.questions(con) == [] and len(moderation.pending(con)) == 1


def test_a_question_giving_an_email_address_is_not_put_until_the_address_is_taken_out(con, sent):
    """Regression: a question accepted with the sender's address in its text ("contact me at ...") was put to the
    meeting as written; no address is published, and the force's answer and the decision on it quote the question
    as put, so neither could ever be approved for publication (approving the question with another text did not
    help them)."""
    receipt, board = sent
    with pytest.raises(acc.LoopError, match=r"holds an e-mail address \(jo\.f@example\.com\).*take the address out"):
        moderation.accept(con, ANALYST, receipt, edited_body=EDITED + " Contact me at jo.f@example.com.",
                          meeting_id=board.meeting_id)
    assert acc.questions(con) == [] and len(moderation.pending(con)) == 1
    held = acc.add_meeting(con, PCC, held_on="2026-11-19")
    question_id = moderation.accept(con, ANALYST, receipt, edited_body=EDITED, meeting_id=held.meeting_id)
    answer = acc.record_answer(con, PCC, question_id, body="Charges vary from month to month.",
                               answered_by="The Chief Constable", answered_on="2026-11-19")
    release(con, PCC, "answer", answer)  # the answer quotes a question it may publish
    with pytest.raises(acc.LoopError, match="e-mail address"):  # the office's own question too
        acc.ask(con, ANALYST, board.meeting_id, "Write to jo.f@example.com about it?")


def test_a_reject_needs_a_reason_and_an_unknown_question_is_named(con, sent):
    receipt, board = sent
    with pytest.raises(Exception, match="The reason for rejecting it is empty"):
        moderation.reject(con, ANALYST, receipt, reason="  ")
    with pytest.raises(acc.NotFound, match='no question from the public "ffffffff"'):
        moderation.accept(con, ANALYST, "ffffffff", edited_body=EDITED, meeting_id=board.meeting_id)
    with pytest.raises(NotAllowed):
        moderation.accept(con, NO_ROLE, receipt, edited_body=EDITED, meeting_id=board.meeting_id)


def test_formula_text_is_kept_as_written_and_neutralised_in_the_csv_download(monkeypatch, box, wh):
    receipt = inbox.submit(FORMULA, NAME, CONTACT)
    with warehouse.connect(wh) as c:
        moderation.import_inbox(c, ANALYST)
        board = acc.add_meeting(c, PCC, held_on="2026-12-17")
        moderation.accept(c, ANALYST, receipt, edited_body=FORMULA, meeting_id=board.meeting_id)
        assert acc.questions(c)[0].body == FORMULA  # kept as the person wrote it
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    [(name, data)] = [(n, d) for n, d in served if n == "questions-from-the-public.csv"]
    table = pd.read_csv(io.BytesIO(data))
    assert table["As written"].tolist() == ["'" + FORMULA] == table["As accepted, or why rejected"].tolist()
    assert NAME not in data.decode("utf-8") and CONTACT not in data.decode("utf-8")


def test_the_moderated_table_gives_each_question_its_whole_number_and_a_rejected_one_none(monkeypatch, box, wh):
    """Regression: the Question column read 5.0, 4.0, since a rejected question has no number."""
    put, dropped = inbox.submit(QUESTION, NAME, CONTACT), inbox.submit("Not about CSE at all?")
    with warehouse.connect(wh) as c:
        moderation.import_inbox(c, ANALYST)
        board = acc.add_meeting(c, PCC, held_on="2026-12-17")
        number = moderation.accept(c, ANALYST, put, edited_body=QUESTION, meeting_id=board.meeting_id)
        moderation.reject(c, ANALYST, dropped, reason="Not about the Board's work")
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    [data] = [d for n, d in served if n == "questions-from-the-public.csv"]
    table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert dict(zip(table["Reference"], table["Question"], strict=True)) == {put: str(number), dropped: ""}
    [shown] = [d.value for d in at.dataframe if "Question" in d.value.columns]
    assert dict(zip(shown["Reference"], shown["Question"], strict=True)) == {put: str(number), dropped: ""}


# ------------------------------------------------------------------------------------------------ personal data


NAMES_A_CHILD = ("Why is nothing done about the men on Ferham Road? My daughter Chloe (14) at Oakwood school was "
                 "approached.")


def test_what_may_identify_someone_is_pointed_out_in_a_sentence_and_ordinary_questions_pass():
    said = personal_data_warnings(NAMES_A_CHILD)
    assert said.startswith("This text may identify someone: it gives ")
    for words in ("a street (\u201cFerham Road\u201d)", "a school (\u201cOakwood school\u201d)",
                  "a person's age (\u201cChloe (14)\u201d)", "a relative (\u201cMy daughter\u201d)"):
        assert words in said, words
    assert "before it is put or published" in said
    more = personal_data_warnings("A girl called Amy, aged 13, lives at S60 2TH; ring me on 07700 900123.")
    for words in ("called Amy", "aged 13", "S60 2TH", "07700 900123"):
        assert words in more, words
    for ordinary in (QUESTION, EDITED, "What is the school doing about it? How many schools in Rotherham took part?",
                     "CSE charges in Rotherham (22) and Sheffield (14) in July 2015: why the gap?",
                     "Pam mae nifer yr arestiadau wedi gostwng yn Rotherham?", "Operation Stovewood (2014): when?"):
        assert personal_data_warnings(ordinary) is None, ordinary


def test_a_child_named_in_welsh_is_pointed_out_as_in_english(monkeypatch, tmp_path, box):
    """Regression: "Mae fy merch Cerys yn 12 oed" (my daughter Cerys is 12) was sent, imported and approved with no
    warning, and a question the office put as sent was published naming the child and her age."""
    said = personal_data_warnings("Pam fod yr arestiadau wedi gostwng? Mae fy merch Cerys yn 12 oed, ac mae ein "
                                  "plentyn o’r enw Dylan, 9 mlwydd oed, yn mynd i Ysgol Gymraeg Bro Alaw.")
    assert said is not None
    for words in ("a relative (\u201cfy merch\u201d, \u201cein plentyn\u201d)", "\u201c12 oed\u201d",
                  "\u201c9 mlwydd oed\u201d", "a name (\u201co’r enw Dylan\u201d)",
                  "a school (\u201cYsgol Gymraeg Bro Alaw\u201d)"):
        assert words in said, words
    for ordinary in ("Pam fod nifer yr arestiadau yn Rotherham wedi gostwng dros 12 mis?",
                     "Beth yw oed y plant a gefnogwyd yn Sheffield?"):
        assert personal_data_warnings(ordinary) is None, ordinary
    at = send(ask_page(monkeypatch, tmp_path), "Pam? Mae fy merch Cerys yn 12 oed 🙏")  # the sender is told first
    assert "It seems to give a person's age (\u201c12 oed\u201d) and a relative (\u201cfy merch\u201d)" in texts(at)
    assert not box.exists() or waiting_files(box) == []


def test_an_email_address_or_a_landline_in_the_text_is_pointed_out():
    """Regression: a question giving the sender's e-mail address or home phone in its text ("contact me at
    jane@example.com", "ring 0114 296 3000") was read as naming no one, though either finds the person."""
    said = personal_data_warnings("My son was approached; contact me at jane.r@example.com or ring 0114 296 3000.")
    assert said and "an e-mail address (\u201cjane.r@example.com\u201d)" in said
    assert "a phone number (\u201c0114 296 3000\u201d)" in said
    assert "+44 114 296 3000" in personal_data_warnings("Ring +44 114 296 3000 please.")
    for ordinary in ("Call the NSPCC on 0808 800 5000 for advice?", "Why did 1,214 referrals lead to 54 charges?",
                     "Referrals rose from 2014 to 2015: 20150 in all?"):
        assert personal_data_warnings(ordinary) is None, ordinary


def test_the_office_is_warned_of_a_question_naming_a_child_on_the_page_the_list_and_the_approval(
        monkeypatch, box, wh, run_cli):
    """Regression: a question naming a child, her age, her school and her street was accepted as sent and approved
    for publication without a word, though the page asks the office to take such things out."""
    receipt = inbox.submit(NAMES_A_CHILD, NAME, CONTACT)
    plain = inbox.submit(QUESTION)
    with warehouse.connect(wh) as c:
        moderation.import_inbox(c, ANALYST)
        board = acc.add_meeting(c, PCC, held_on="2026-12-17")
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    [warned] = [w.value for w in at.warning]
    assert "This text may identify someone" in warned and "Ferham Road" in warned
    listed = run_cli("inbox", "list", "--db", wh).stdout
    assert listed.count("Note: This text may identify someone") == 1
    assert listed.index("Note: This text may identify someone") > listed.index(receipt)
    assert listed.index("Note: This text may identify someone") < listed.index(plain)
    with warehouse.connect(wh) as c:
        question_id = moderation.accept(c, ANALYST, receipt, edited_body=NAMES_A_CHILD, meeting_id=board.meeting_id)
        form = release_form_defaults(c, "question", question_id)
        assert form.warning and "This text may identify someone" in form.warning and "Chloe (14)" in form.warning
    out = run_cli("release", "question", question_id, "--db", wh, "--as", "pcc@example.org")
    assert out.exit_code == 0 and "Note: This text may identify someone" in out.stderr
    out = run_cli("release", "question", question_id, "--text", "What is being done about men approaching children "
                  "near schools?", "--db", wh, "--as", "pcc@example.org")
    assert out.exit_code == 0 and "may identify someone" not in out.stderr


def test_a_question_sent_again_names_the_earlier_ones_and_where_they_stand(monkeypatch, box, wh, run_cli):
    """Regression: the same question sent twice, or sent again after it was rejected, read as new, and the office had
    to find the earlier one by eye among all the others."""
    first = inbox.submit(QUESTION, NAME, CONTACT)
    with warehouse.connect(wh) as c:
        moderation.import_inbox(c, ANALYST)
        moderation.reject(c, ANALYST, first, reason="About one family's case.")
    again = inbox.submit("  why did CSE charges in Rotherham fall in July 2015 and what is being done about it ", NAME)
    other = inbox.submit("Why did CSE charges in Sheffield fall in July 2015?")
    third = inbox.submit(QUESTION.upper())
    with warehouse.connect(wh) as c:
        moderation.import_inbox(c, ANALYST)
        said = moderation.repeats(c)
        [again_id, other_id, third_id] = [s.submission_id for s in moderation.pending(c)]
    assert again_id.startswith(again) and other_id.startswith(other) and third_id.startswith(third)
    assert said == {again_id: f"The same words were sent before: {first} (rejected).",
                    third_id: f"The same words were sent before: {first} (rejected); {again} (waiting)."}
    listed = run_cli("inbox", "list", "--db", wh).stdout
    assert f"    The same words were sent before: {first} (rejected).\n" in listed
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    assert [i.value for i in at.info if i.value.startswith("The same words")] == [said[again_id], said[third_id]]


# ------------------------------------------------------------------------------------------------ the pages


ASK = "public_pages/ask.py"


def ask_page(monkeypatch, tmp_path):
    return public(monkeypatch, tmp_path / "nothing-published", ASK)


def send(at, body, name="", contact=""):
    at.text_area(key="ask_body").input(body)
    at.text_input(key="ask_name").input(name)
    at.text_input(key="ask_contact").input(contact)
    at.button[0].click()
    at.run()
    return at


def test_the_public_page_explains_itself_and_works_with_nothing_published(monkeypatch, tmp_path, box):
    at = ask_page(monkeypatch, tmp_path)
    assert not at.exception
    said = texts(at)
    for words in ("meets in public every month", "reads every question before any is put",
                  "unless the office accepts your question, and then it may be edited", "never published",
                  "Do not use this form to report a crime or a concern about a child", "999", "101",
                  "0808 800 5000", "0800 1111"):
        assert words in said, words
    assert [b.label for b in at.button] == ["Send the question"]


def test_the_public_page_takes_a_question_and_gives_a_receipt(monkeypatch, tmp_path, box):
    at = send(ask_page(monkeypatch, tmp_path), QUESTION, NAME, CONTACT)
    assert not at.exception and not at.error
    [name] = waiting_files(box)
    assert f"Its reference is {name[:8]}" in at.success[0].value
    assert json.loads((box / name).read_text(encoding="utf-8"))["contact"] == CONTACT
    assert at.text_area(key="ask_body").value == ""  # cleared, so it is not sent twice
    assert NAME not in texts(at) and CONTACT not in texts(at)


@pytest.mark.parametrize(("body", "said"), [
    ("<script>alert(1)</script>", "looks like web page code"),
    ("", "Write your question in the box first. It may be at most 1,500 characters; a longer text pasted in is "
         "not taken"),
    (" \n ", "Write your question in the box first."),
    ("\u200b\u200b \u2060", "Write your question in the box first."),  # zero-width characters only: nothing to read
])
def test_the_public_page_refuses_hostile_text_with_a_sentence_and_keeps_what_was_typed(monkeypatch, tmp_path, box,
                                                                                          body, said):
    at = send(ask_page(monkeypatch, tmp_path), body, NAME, CONTACT)
    assert not at.exception and not at.success
    assert said in texts(at) and texts(at).count("Not sent.") == 1
    assert at.text_input(key="ask_name").value == NAME  # nothing typed is lost
    assert not box.exists() or waiting_files(box) == []


def test_the_public_page_takes_no_more_than_the_limit_of_a_long_paste_and_says_so(monkeypatch, tmp_path, box):
    at = ask_page(monkeypatch, tmp_path)
    at.text_area(key="ask_body").set_value("=1+1 " + "x" * 100_000)  # past the box's own limit, as a forged request
    at.button[0].click()
    at.run()
    assert not at.exception and not at.error
    assert "It reached the limit of 1,500 characters: anything after that was not sent." in at.success[0].value
    [name] = waiting_files(box)
    assert len(json.loads((box / name).read_text(encoding="utf-8"))["body"]) <= inbox.LIMITS["body"]
    send(at, QUESTION)
    assert "reached the limit" not in at.success[0].value


def test_the_receipt_says_what_happens_next_and_where_the_answer_will_be(monkeypatch, tmp_path, box):
    """Regression: the receipt said only "The office will read it before the Board": not whether the sender would
    hear back, nor where to look for the question and its answer, and the same to one who gave no way to reply."""
    at = send(ask_page(monkeypatch, tmp_path), QUESTION, NAME, CONTACT)
    said = at.success[0].value.replace("\\", "")
    assert "reads it before the next Public Accountability Board" in said
    assert "it appears under Questions and decisions on these pages, with the force's answer" in said
    assert "The office will use the contact details you gave only to reply to you." in said
    assert "cannot reply" not in said
    said = send(at, QUESTION + " And in Sheffield?").success[0].value.replace("\\", "")
    assert ("You gave no contact details, so the office cannot reply to you: look for your question under "
            "Questions and decisions after the Board.") in said
    assert "contact details you gave" not in said


def test_sending_again_after_a_question_was_received_says_it_was_received(monkeypatch, tmp_path, box):
    """Regression: the box is emptied once a question is received, and pressing Send again (a double click, or to be
    sure) read only "Not sent. Write your question in the box first", as if the question sent had been lost: it was
    received, and the sender was led to write it out and send it again. The refusal now says the question before it
    was received, with its reference, and that nothing more was sent."""
    at = send(ask_page(monkeypatch, tmp_path), QUESTION, NAME, CONTACT)
    [name] = waiting_files(box)
    at.button[0].click()
    at.run()
    assert not at.exception
    said = at.error[0].value.replace("\\", "")
    assert said.startswith("Not sent. Write your question in the box first.")
    assert f"The question you sent before was received: its reference is {name[:8]}. Nothing more was sent." in said
    assert waiting_files(box) == [name]
    at.button[0].click()  # pressed a third time: still said
    at.run()
    assert f"its reference is {name[:8]}" in at.error[0].value
    send(at, QUESTION + " And in Sheffield?")  # a new question is sent as ever, and its receipt given alone
    assert len(waiting_files(box)) == 2 and not at.error and "Nothing more was sent" not in at.success[0].value


def test_the_same_question_sent_twice_is_sent_once_and_the_sender_given_its_first_reference(monkeypatch, tmp_path,
                                                                                              box):
    """Regression: the same words sent twice from one page were taken twice, with two references, for the office to
    read twice. The second time the sender is told it was sent already, with its reference, and nothing is sent;
    changed, it is a new question and is sent."""
    at = send(ask_page(monkeypatch, tmp_path), QUESTION, NAME, CONTACT)
    [first] = waiting_files(box)
    send(at, "  " + QUESTION.upper().replace(" ", "  ") + "\n")  # the same words, however spaced or capitalised
    assert not at.exception and not at.error and not at.success
    assert f"You have sent this question already: its reference is {first[:8]}. It was not sent again." in texts(at)
    assert waiting_files(box) == [first]
    send(at, QUESTION + " And in Sheffield?")
    assert len(waiting_files(box)) == 2 and at.success and "sent this question already" not in texts(at)


@pytest.mark.parametrize(("body", "found"), [
    ("Why were CSE charges in Rotherham so low? Ring me on 0114 296 3000.", "a phone number (“0114 296 3000”)"),
    ("Why were CSE charges so low? Write to jo@example.com", "an e-mail address (“jo@example.com”)"),
    (NAMES_A_CHILD, "a person's age (“Chloe (14)”)"),
])
def test_a_question_giving_personal_details_is_sent_only_once_the_sender_was_told_they_are_taken_out(
        monkeypatch, tmp_path, box, body, found):
    """Regression: a question giving a phone number, an e-mail address or a child's name and age was taken with an
    ordinary receipt; only the office was warned, at import. The sender is now told first, kindly, what was found,
    that anything that could identify someone is taken out before anything is published, and to leave it out; it is
    a warning, not a refusal: pressed again unchanged, the question is sent."""
    at = send(ask_page(monkeypatch, tmp_path), body, NAME, CONTACT)
    assert not at.exception and not at.error and not at.success
    warned = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "Your question has not been sent yet." in warned and found in warned, warned
    assert "is taken out before anything is published, so please leave such details out" in warned
    assert "To send the question as it is, press Send again." in warned
    assert not box.exists() or waiting_files(box) == []
    assert at.text_area(key="ask_body").value == body  # kept, to be changed
    at.button[0].click()
    at.run()
    assert at.success and len(waiting_files(box)) == 1 and "has not been sent yet" not in texts(at)


def test_a_question_changed_to_leave_its_personal_details_out_is_sent_at_once(monkeypatch, tmp_path, box):
    at = send(ask_page(monkeypatch, tmp_path), QUESTION + " Call 07700 900123.")
    assert "Your question has not been sent yet." in texts(at) and not at.success
    send(at, QUESTION)
    assert at.success and len(waiting_files(box)) == 1 and "not been sent yet" not in texts(at)
    # an ordinary question, and a figure in brackets after a district's name, are sent without a word
    send(at, "Why did CSE charges in Rotherham (14) fall in July 2015?")
    assert at.success and len(waiting_files(box)) == 2 and not at.warning[1:]


def test_the_public_page_stops_a_fourth_question_within_the_hour(monkeypatch, tmp_path, box):
    at = ask_page(monkeypatch, tmp_path)
    for i in range(3):
        send(at, f"{QUESTION} ({i})")
        assert at.success
    send(at, QUESTION)
    assert "You have sent 3 questions in the last hour; please wait before sending another." in texts(at)
    assert len(waiting_files(box)) == 3


def test_the_office_fetches_reads_and_accepts_a_question_on_the_page(monkeypatch, box, wh):
    receipt = inbox.submit("Is **this** [bold](http://evil.example)?\nSecond line =1+1", NAME, CONTACT)
    with warehouse.connect(wh) as c:
        board = acc.add_meeting(c, PCC, held_on="2026-12-17")
        acc.add_meeting(c, PCC, held_on="2015-08-20")
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    assert "1 question waiting in the inbox to be fetched." in texts(at)
    at.button(key="fetch_questions").click().run()
    assert not at.exception and not at.error
    assert f"Reference {receipt}" in texts(at)
    assert [t.value for t in at.text] == ["Is **this** [bold](http://evil.example)?\nSecond line =1+1"]  # inert
    assert f"From: {NAME}; {CONTACT}. Kept for the office's reply only: never published." in texts(at)
    with warehouse.connect_read_only(wh) as c:
        [sub_id] = [s.submission_id for s in moderation.pending(c)]
    assert at.selectbox(key=f"meeting_{sub_id}").options[0] == board.label  # the next meeting first
    at.text_area(key=f"edited_{sub_id}").input("Is this right?")
    next(b for b in at.button if b.label == "Accept and put to the meeting").click().run()
    assert not at.exception and not at.error
    with warehouse.connect_read_only(wh) as c:
        [q] = acc.questions(c)
    assert (q.body, q.source, q.meeting.meeting_id) == ("Is this right?", "public", board.meeting_id)
    assert "No question from the public is waiting to be accepted or rejected." in texts(at)


def test_the_page_is_refused_to_an_account_without_a_role(monkeypatch, box, wh):
    inbox.submit(QUESTION, NAME, CONTACT)
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", NO_ROLE)
    assert [t.value for t in at.title] == ["Not allowed"]
    assert QUESTION not in texts(at) and CONTACT not in texts(at)


# ------------------------------------------------------------------------------------------------ the command


def test_the_command_refuses_an_inbox_folder_that_does_not_exist(box, wh, run_cli, tmp_path):
    """Regression: a mistyped --inbox read as an empty inbox: "0 new question(s) ... imported", exit code 0."""
    out = run_cli("inbox", "import", "--inbox", tmp_path / "nowhere", "--db", wh, "--as", "analyst@example.org")
    assert out.exit_code == 1 and f'There is no folder "{tmp_path / "nowhere"}" (--inbox)' in out.output


def test_the_command_says_in_words_why_an_inbox_file_was_set_aside(wh, run_cli, tmp_path, monkeypatch):
    """Regression: it said Python's error as it stood: 'not JSON ('utf-8' codec can't decode byte 0xff in position
    0: invalid start byte)', or 'not JSON (Expecting value: line 1 column 8 (char 7))', and only to the log. The
    folder it went to is named whole, however deep the office's inbox is (cut short at 80 characters, it could not
    be found)."""
    box = tmp_path / "shared drive" / "Office of the Police and Crime Commissioner" / "Public questions" / "inbox"
    monkeypatch.setenv("PCCDASH_INBOX_DIR", str(box))
    assert len(str(box / "rejected")) > 80
    inbox.submit(QUESTION)
    (box / "saved-by-word.json").write_bytes(b"\xff\xfeq\x00")
    (box / "cut-short.json").write_text('{"id": ', encoding="utf-8")
    out = run_cli("inbox", "import", "--db", wh, "--as", "analyst@example.org")
    assert out.exit_code == 0 and out.stdout.startswith("1 new question from the public imported")
    said = " ".join(out.stderr.split())
    rejected = box / "rejected"
    assert ('The inbox file "saved-by-word.json" is not a question the public app wrote: it is not readable text '
            "(the public app writes UTF-8 text; byte 1 of this file is not). It was moved to "
            f'"{rejected}" and nothing in it was imported; open it there to see what it is.') in said
    assert ('The inbox file "cut-short.json" is not a question the public app wrote: it is text, but not in the '
            "form the public app writes (JSON): it breaks off or goes wrong at line 1, character 8.") in said
    assert "codec" not in said and "Expecting" not in said and "Traceback" not in out.output
    assert sorted(p.name for p in rejected.iterdir()) == ["cut-short.json", "saved-by-word.json"]


def test_the_command_imports_and_lists_with_the_contact_for_the_office(box, wh, run_cli):
    receipt = inbox.submit(QUESTION, NAME, CONTACT)
    out = run_cli("inbox", "list", "--db", wh)
    assert out.exit_code == 0 and "1 more in the inbox not yet imported" in out.stdout
    done = run_cli("inbox", "import", "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0 and done.stdout.startswith("1 new question from the public imported")
    listed = run_cli("inbox", "list", "--db", wh).stdout
    assert f"{receipt}  received " in listed and f"from: {NAME}; {CONTACT}" in listed and QUESTION in listed
    assert "1 question from the public waiting" in listed
    again = run_cli("inbox", "import", "--db", wh, "--as", "analyst@example.org")
    assert again.stdout.startswith("0 new questions")
    with warehouse.connect_read_only(wh) as c:  # the second run found nothing: no event
        assert c.execute("SELECT identity, channel FROM audit_event WHERE action = 'import_submissions' "
                         "ORDER BY event_id").fetchall() == [("analyst@example.org", "cli")]


def test_the_command_lists_the_oldest_waiting_and_says_how_many_in_all(box, wh, run_cli):
    """An inbox left for years holds hundreds of questions: the list printed every one of them."""
    for n in range(27):
        inbox.submit(f"Question number {n:02d} for the Board?", session=f"visitor-{n}",
                     now=dt.datetime(2026, 5, 1, 9) + dt.timedelta(minutes=n))
    assert run_cli("inbox", "import", "--db", wh, "--as", "analyst@example.org").exit_code == 0
    listed = run_cli("inbox", "list", "--db", wh).stdout
    assert listed.count("  received ") == 25  # the oldest 25, as the page shows them
    assert "Question number 00" in listed and "Question number 24" in listed and "number 25" not in listed
    assert listed.splitlines()[-1] == ("27 questions from the public waiting to be accepted or rejected; the oldest "
                                       "25 listed (--limit 0 lists every one).")
    assert run_cli("inbox", "list", "--db", wh, "--limit", "0").stdout.count("  received ") == 27
    assert run_cli("inbox", "list", "--db", wh, "--limit", "3").stdout.count("  received ") == 3


def test_the_command_refuses_an_identity_it_may_not_act_as(box, wh, run_cli):
    inbox.submit(QUESTION)
    out = run_cli("inbox", "import", "--db", wh, "--as", "visitor@example.org")
    assert out.exit_code != 0 and "may not act as" in out.output
    assert len(waiting_files(box)) == 1


# ------------------------------------------------------------------------------------------------ publishing


def test_a_published_question_is_the_edited_one_and_its_sender_is_on_no_public_page_download_or_table(
        monkeypatch, box, wh, tmp_path):
    original = QUESTION + " My neighbour's girl at Thornhill Academy was one of them."
    receipt = inbox.submit(original, NAME, CONTACT)
    folder = tmp_path / "published"
    with warehouse.connect(wh) as c:
        moderation.import_inbox(c, ANALYST)
        board = acc.add_meeting(c, PCC, held_on="2015-08-20")
        question_id = moderation.accept(c, ANALYST, receipt, edited_body=EDITED, meeting_id=board.meeting_id)
        release(c, PCC, "question", question_id)
        approve(c, ["2015-06", "2015-07"], PCC)
        publish(c, PCC, folder)

    snapshot = public_side.current_snapshot(folder)
    snap = duckdb.connect(str(snapshot), read_only=True)
    try:
        tables = [t for (t,) in snap.execute("SHOW TABLES").fetchall()]
        held = {t: snap.execute(f'SELECT * FROM "{t}"').df().astype(str).to_csv(index=False) for t in tables}
    finally:
        snap.close()
    assert any(EDITED in text for text in held.values())
    for table, text in held.items():
        for secret in (NAME, CONTACT, "Thornhill", receipt):
            assert secret not in text, (table, secret)
    raw = snapshot.read_bytes()
    assert NAME.encode() not in raw and CONTACT.encode() not in raw

    served = downloads_of(monkeypatch)
    seen = []
    for page in PUBLIC_PAGES:
        at = public(monkeypatch, folder, page)
        assert not at.exception, page
        frames = [t.to_csv() for t in html_tables(at)] + [d.value.to_csv() for d in at.dataframe]
        seen.append((page, texts(at) + "\n".join(frames)))
    board_page = dict(seen)["public_pages/board.py"]
    assert EDITED in board_page and "asked by a member of the public" in board_page
    assert served and any(EDITED.encode() in data for _, data in served if isinstance(data, bytes))
    for page, text in seen:
        for secret in (NAME, CONTACT, "Thornhill"):
            assert secret not in text, (page, secret)
    for name, data in served:
        body = data if isinstance(data, bytes) else str(data).encode()
        for secret in (NAME, CONTACT, "Thornhill"):
            assert secret.encode() not in body, (name, secret)


def test_with_no_meeting_to_come_the_page_says_the_meetings_offered_were_held(monkeypatch, box, wh):
    """Regression: with only past meetings recorded, the page chose the last one held without a word, and a
    question received after it was put to it, as if it had been asked there."""
    inbox.submit(QUESTION, NAME, CONTACT)
    with warehouse.connect(wh) as c:
        board = acc.add_meeting(c, PCC, held_on="2015-08-20")
        moderation.import_inbox(c, ANALYST)
        [sub_id] = [s.submission_id for s in moderation.pending(c)]
    at = internal(monkeypatch, wh, "internal_pages/public_questions.py", ANALYST)
    assert not at.exception
    assert at.selectbox(key=f"meeting_{sub_id}").options == [f"{board.label} (held)"]
    assert [w.value for w in at.warning] == [
        "No meeting to come is recorded, so every meeting offered below has been held already: a question accepted "
        "now is put to one of them, as if it had been asked there. To put it to the next Board, record that meeting "
        "on the Meetings and questions page first."]
    with warehouse.connect(wh) as c:
        acc.add_meeting(c, PCC, held_on="2026-12-17")
    at.run()
    assert not at.warning
    assert at.selectbox(key=f"meeting_{sub_id}").options[0] == "Public Accountability Board, 17 December 2026"
