"""The accountability record's writers: what they refuse, in sentences; who may write; nothing half-kept; nothing
overwritten; and typed text kept safe (pipelines.plaintext)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse

from pipelines import accountability as acc
from pipelines import audit, warehouse
from pipelines.access import NotAllowed
from pipelines.errors import PccDashError
from pipelines.plaintext import BadText, clean


@pytest.fixture
def con(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as c:
        yield c


@pytest.fixture
def board(con):
    """Two Boards a month apart, a question at the first."""
    first = acc.add_meeting(con, PCC, held_on="2015-08-20")
    second = acc.add_meeting(con, PCC, held_on="2015-09-17")
    question = acc.ask(con, PCC, first.meeting_id, "Why did charges fall in Rotherham?", measure="cse_charges",
                       area="Rotherham", period="2015-07-01")
    return first, second, question


def test_a_meeting_takes_its_reporting_month_and_title_from_its_kind(con):
    pab = acc.add_meeting(con, PCC, held_on="2015-08-20")
    assert (pab.title, pab.reporting_month.isoformat(), pab.label) == (
        "Public Accountability Board", "2015-07-01", "Public Accountability Board, 20 August 2015")
    district = acc.add_meeting(con, ANALYST, held_on="2015-08-27", kind="district", district="Rotherham")
    assert district.title == "Rotherham quarterly report" and district.district == "Rotherham"
    themed = acc.add_meeting(con, PCC, held_on="2015-09-03", kind="themed", title="Protecting Vulnerable People")
    assert themed.title == "Protecting Vulnerable People" and themed.district is None
    assert [m.meeting_id for m in acc.meetings(con)] == [pab.meeting_id, district.meeting_id, themed.meeting_id]


def test_a_question_settled_after_a_meeting_is_still_open_in_that_meetings_loop(con, board):
    """Regression: a pack made again for a Board already held dropped from "Still open from earlier meetings" a
    question decided on at a later Board, and counted one question fewer than the pack the Board was given, while
    its answers, decisions and actions were said as they stood when the Board opened."""
    first, second, question = board  # 20 August and 17 September 2015, a question at the first
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    acc.record_answer(con, PCC, question, body="A review is under way.", answered_by="ACC Jones",
                      answered_on="2015-09-17", meeting_id=second.meeting_id)
    before = acc.carried_forward(con, october.held_on)
    # answered at the September Board: listed once, as answered there, not also as still open
    assert [c.question.question_id for c in before.answered_last_time] == [question] and not before.still_open
    acc.decide(con, PCC, meeting_id=october.meeting_id, question_id=question, decision="assured",
               rationale="The review answers it.", evidence=[("answer", "ACC Jones")])
    assert [c.question.question_id for c in acc.carried_forward(con, october.held_on).answered_last_time] == [question]
    november = acc.carried_forward(con, dt.date(2015, 11, 19))
    assert question not in [c.question.question_id for c in november.still_open]  # settled by then


def test_a_question_the_commissioner_was_not_assured_of_is_carried_until_assured(con, board):
    """Regression: a question answered and decided "Not assured" was read as settled, so after one Board it left
    "Still open from earlier meetings" and the Meetings page's carried questions, while the pack's drafted questions
    counted it as still to be satisfied: a Board asking the same question twice, not assured either time, opened
    the third month with neither."""
    from pipelines.briefing.loop_section import since_last_meeting

    first, second, question = board  # 20 August and 17 September 2015, a question at the first
    acc.record_answer(con, PCC, question, body="Two officers left the team.", answered_by="ACC Jones",
                      answered_on="2015-08-20", meeting_id=first.meeting_id)
    acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=question, decision="not_assured",
               rationale="No plan to restore the team was given.", evidence=[("answer", "ACC Jones")])
    assert not acc.questions(con)[0].settled
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    carried = acc.carried_forward(con, october.held_on)
    assert [c.question.question_id for c in carried.still_open] == [question]
    (row,) = next(t for t in since_last_meeting(con, october.held_on).tables
                  if t.heading == "Still open from earlier meetings").rows
    assert row[1] == ("Answered by ACC Jones on 20 August 2015: Two officers left the team. Decision: Not "
                      "assured.")
    # assured at the October Board: the November Board lists it as decided since, and no longer as still open
    acc.decide(con, PCC, meeting_id=october.meeting_id, question_id=question, decision="assured",
               rationale="A plan with dates was given.", evidence=[("answer", "ACC Jones, 15 October")])
    assert acc.questions(con)[0].settled
    november = acc.carried_forward(con, dt.date(2015, 11, 19))
    assert not november.still_open and [d.question_id for d in november.decisions] == [question]


def test_a_themed_session_is_called_a_session_on_its_theme_wherever_it_is_named(con):
    """Regression: a themed session's title is its theme, and the pack, pccdash actions and the public record said
    "Asked at the Online grooming, 5 November 2026", "from the Online grooming", "decided at the Online grooming of
    5 November 2026"."""
    from pipelines.accountability.release import given_words, public_record
    from pipelines.briefing.loop_section import since_last_meeting

    themed = acc.add_meeting(con, PCC, held_on="2026-11-05", kind="themed", title="Online grooming")
    assert themed.title == "Online grooming"  # kept as given
    assert themed.label == "Themed scrutiny session on Online grooming, 5 November 2026"
    named = acc.add_meeting(con, PCC, held_on="2026-11-12", kind="themed", title="Scrutiny session: county lines")
    assert named.label == "Scrutiny session: county lines, 12 November 2026"  # already says what it is
    q = acc.ask(con, PCC, themed.meeting_id, "How many online grooming offences reach a charge?")
    decision = acc.decide(con, PCC, meeting_id=themed.meeting_id, theme="Online grooming", decision="partly_assured",
                          rationale="Outcomes unclear.", evidence=[("visit", "Digital forensics unit")])
    acc.add_action(con, PCC, meeting_id=themed.meeting_id, body="Outcome data", owner="Head of Performance",
                   due_on="2027-01-31")
    section = since_last_meeting(con, acc.meetings(con)[-1].held_on.replace(day=19))
    cells = " ".join(c for t in section.tables for row in t.rows for c in row)
    assert "Asked at the Themed scrutiny session on Online grooming, 5 November 2026" in cells
    assert any(t.heading.endswith("(taken at the Themed scrutiny session on Online grooming, 5 November 2026)")
               for t in section.tables)
    assert "At the Online grooming" not in cells and q
    record = {**public_record(con, "decision", decision), "kind": "decision"}
    assert given_words(record) == "decided at the Themed scrutiny session on Online grooming of 5 November 2026"


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"held_on": "20/08/2015"}, "is not a date; write it as YYYY-MM-DD"),
    ({"held_on": "2015-08-20", "kind": "gala"}, '"gala" is not a kind of meeting'),
    ({"held_on": "2015-08-20", "kind": "district"}, "names its district, one of Barnsley"),
    ({"held_on": "2015-08-20", "kind": "district", "district": "Leeds"}, '"Leeds" is not one'),
    ({"held_on": "2015-08-20", "kind": "themed"}, "needs its theme as its title"),
])
def test_a_meeting_that_cannot_be_recorded_is_refused_in_a_sentence(con, kwargs, said):
    with pytest.raises(PccDashError, match=said):
        acc.add_meeting(con, PCC, **kwargs)
    assert acc.meetings(con) == []


def test_a_meeting_recorded_in_advance_follows_the_figures_that_arrive_before_it(con, tmp_path, monkeypatch):
    """Regression: the reporting month was fixed when the meeting was recorded, so a Board entered in advance kept
    saying March after April's figures arrived, while its pack said "Figures to April 2026". Once held, a meeting
    keeps the month it reported on: May's figures, arriving after it, do not move it."""
    from helpers import write_csv

    from pipelines.briefing.period import reporting_period
    from pipelines.figures import accepted_months
    from pipelines.ingest import ingest

    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-20")
    board = acc.add_meeting(con, PCC, held_on="2026-06-11")
    assert board.reporting_month.isoformat() == "2026-03-01"
    rows = "".join(f"2026-04,{d},cse_arrests,{v}\n" for d, v in (("Barnsley", 5), ("Doncaster", 6),
                                                                  ("Rotherham", 7), ("Sheffield", 8)))
    assert ingest(con, [write_csv(tmp_path / "apr.csv", "period,district,measure,value\n" + rows)]).ok
    assert acc.get_meeting(con, board.meeting_id).reporting_month.isoformat() == "2026-04-01"
    assert [m.reporting_month.isoformat() for m in acc.meetings(con)] == ["2026-04-01"]
    assert reporting_period(board.held_on, accepted_months(con)).month.isoformat() == "2026-04-01", "as its pack"
    monkeypatch.setenv("PCCDASH_TODAY", "2026-07-10")  # the Board has met; May's return arrives after it
    may = "".join(f"2026-05,{d},cse_arrests,{v}\n" for d, v in (("Barnsley", 5), ("Doncaster", 6), ("Rotherham", 7),
                                                              ("Sheffield", 8)))
    assert ingest(con, [write_csv(tmp_path / "may.csv", "period,district,measure,value\n" + may)]).ok
    assert acc.get_meeting(con, board.meeting_id).reporting_month.isoformat() == "2026-04-01", "as it reported"


def test_the_same_meeting_is_not_recorded_twice(con):
    acc.add_meeting(con, PCC, held_on="2015-08-20")
    with pytest.raises(acc.LoopError, match="already holds the Public Accountability Board of 20 August 2015"):
        acc.add_meeting(con, ANALYST, held_on="2015-08-20")


def test_who_may_do_what(con, board):
    first, _, question = board
    with pytest.raises(NotAllowed):
        acc.add_meeting(con, NO_ROLE, held_on="2015-10-15")
    with pytest.raises(NotAllowed, match="needs the role pcc"):
        acc.decide(con, ANALYST, meeting_id=first.meeting_id, question_id=question, decision="assured",
                   rationale="r", evidence=[("answer", "a")])
    # the analyst keeps the record: an answer and an action
    acc.await_answer(con, ANALYST, question, awaited_by="2015-09-10")
    acc.add_action(con, ANALYST, meeting_id=first.meeting_id, body="Report back", owner="ACC", due_on="2015-09-30")
    assert acc.decisions(con) == []


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"decision": "reassured"}, '"reassured" is not on the scale'),
    ({"theme": "Protecting Vulnerable People"}, "on a question or on a theme: give one of them, not both"),
    ({"evidence": []}, "Say what evidence was considered"),
    ({"evidence": [("rumour", "heard it")]}, '"rumour" is not a kind of evidence'),
    ({"rationale": "  "}, "The rationale is empty"),
    ({"follow_up": "next month"}, 'The follow-up date "next month" is not a date'),
])
def test_a_decision_that_cannot_be_recorded_is_refused_in_a_sentence(con, board, kwargs, said):
    first, _, question = board
    given = {"meeting_id": first.meeting_id, "question_id": question, "decision": "assured",
             "rationale": "The answer was full.", "evidence": [("answer", "The ACC's answer")], **kwargs}
    with pytest.raises(PccDashError, match=said):
        acc.decide(con, PCC, **given)
    assert acc.decisions(con) == []


def test_awaiting_evidence_needs_no_evidence_yet(con, board):
    first, _, question = board
    acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=question, decision="awaiting_evidence",
               rationale="The force will report next month.", evidence=[])
    assert acc.questions(con)[0].decision.words == "Awaiting evidence"
    assert not acc.questions(con)[0].settled


@pytest.mark.parametrize(("kwargs", "said"), [
    ({}, "due by a meeting or by a date: give one of them"),
    ({"due_on": "2015-09-30", "due_meeting_id": "second"}, "due by a meeting or by a date"),
    ({"due_meeting_id": "first"}, "is not after"),
    # regression: a date before the meeting was taken, and the action read as overdue the moment it was agreed
    ({"due_on": "2015-08-01"}, "An action is due after the meeting that agreed it; 1 August 2015 is not after the "
                              "Public Accountability Board, 20 August 2015"),
    ({"due_on": "2015-08-20"}, "is not after"),
    ({"due_on": "2015-09-30", "owner": ""}, "action's owner is empty"),
])
def test_an_action_that_cannot_be_recorded_is_refused_in_a_sentence(con, board, kwargs, said):
    first, second, _ = board
    ids = {"first": first.meeting_id, "second": second.meeting_id}
    given = {"body": "Report on charging delays", "owner": "ACC Crime",
             **{k: ids.get(v, v) for k, v in kwargs.items()}}
    with pytest.raises(PccDashError, match=said):
        acc.add_action(con, PCC, meeting_id=first.meeting_id, **given)
    assert acc.actions(con) == []


def test_an_action_is_closed_only_with_a_note_and_keeps_its_history(con, board):
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charging delays",
                            owner="ACC Crime", due_meeting_id=second.meeting_id)
    with pytest.raises(PccDashError, match="closing note is empty"):
        acc.update_action(con, PCC, action, status="closed", note="")
    with pytest.raises(acc.LoopError, match='"done" is not an action\'s status'):
        acc.update_action(con, PCC, action, status="done", note="x")
    with pytest.raises(acc.NotFound, match="no action 999"):
        acc.update_action(con, PCC, 999, status="closed", note="x")
    acc.update_action(con, ANALYST, action, status="in_progress", note="Files with the CPS.")
    acc.update_action(con, PCC, action, status="closed", note="Report received at the Board.")
    kept = acc.actions(con)[0]
    assert [u.status for u in kept.updates] == ["open", "in_progress", "closed"]
    assert kept.closed and kept.where(second.held_on).startswith("Closed on ")


def test_an_action_is_closed_once_and_never_on_a_day_to_come(con, board, monkeypatch):
    """Regression: a closing dated 2030 read as closed in "pccdash actions" and as overdue in the packs, and could
    not be corrected; closing a closed action again replaced its closing note."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-10")
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charging delays",
                            owner="ACC Crime", due_meeting_id=second.meeting_id)
    for status in ("closed", "in_progress"):
        with pytest.raises(acc.LoopError, match="1 January 2030 is after today \\(10 September 2015\\)"):
            acc.update_action(con, PCC, action, status=status, note="Report received.", on="2030-01-01")
    acc.update_action(con, PCC, action, status="closed", note="Report received.", on="2015-09-01")
    with pytest.raises(acc.LoopError, match=f"Action {action} is already closed \\(on 1 September 2015: Report "
                                            "received.\\)"):
        acc.update_action(con, PCC, action, status="closed", note="Another note", on="2015-09-05")
    kept = acc.actions(con)[0]
    assert [(u.status, u.note) for u in kept.updates] == [("open", "Agreed at the meeting."),
                                                          ("closed", "Report received.")]


def test_answers_and_decisions_are_added_never_overwritten(con, board, tmp_path):
    first, second, question = board
    acc.await_answer(con, PCC, question, awaited_by="2015-09-10", note="The ACC will write.")
    acc.record_answer(con, ANALYST, question, body="Two files went to the CPS.", answered_by="ACC Jones",
                      answered_on="2015-09-15", meeting_id=second.meeting_id,
                      document=("../../answer.pdf", b"%PDF-1.4 the answer"), db_path=con_path(con))
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="partly_assured",
               rationale="Progress, but slow.", evidence=[("answer", "The ACC's letter"), ("figures", "Charges")])
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="assured",
               rationale="The charging backlog is cleared.", evidence=[("visit", "Visited the hub")])
    q = acc.questions(con)[0]
    assert [a.state for a in q.answers] == ["awaited", "answered"]
    assert [d.decision for d in q.decisions] == ["partly_assured", "assured"]
    assert q.settled and q.where().startswith("Answered by ACC Jones on 15 September 2015; decision: Assured")
    answer = q.answer
    assert answer.document_name == "answer.pdf"  # a name only: no folders from what was uploaded
    from pipelines import filestore
    assert filestore.get(con_path(con), answer.document_sha256) == b"%PDF-1.4 the answer"
    trail = audit.events(con)
    assert set(trail["action"]) >= {"meeting", "ask", "answer", "decide"}


def con_path(con) -> str:
    return con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]


def test_a_fault_mid_write_keeps_neither_the_record_nor_its_audit_event(con, board, monkeypatch):
    first, _, question = board
    before = len(audit.events(con))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC", due_on="2015-09-30")
    with pytest.raises(RuntimeError):
        acc.record_answer(con, PCC, question, body="x", answered_by="ACC", answered_on="2015-09-01")
    monkeypatch.undo()
    assert acc.actions(con) == [] and acc.questions(con)[0].answers == []
    assert len(audit.events(con)) == before
    # nothing of the failed action is left behind: not even its first status
    assert con.execute("SELECT count(*) FROM action_update").fetchall()[0][0] == 0


def test_an_answer_dated_before_its_question_was_put_is_refused(con, board):
    """Regression: an answer of 1 January 1999 to a question put in 2015 was kept, and published as given then."""
    _, _, question = board
    with pytest.raises(acc.LoopError, match="question .* was put at the Public Accountability Board of 20 August "
                                            "2015, and the answer is dated 1 January 1999"):
        acc.record_answer(con, PCC, question, body="x", answered_by="ACC", answered_on="1999-01-01")
    assert acc.questions(con)[0].answers == []
    acc.record_answer(con, PCC, question, body="Given at the Board.", answered_by="ACC", answered_on="2015-08-20")
    assert [a.answered_on.isoformat() for a in acc.questions(con)[0].answers] == ["2015-08-20"]


def test_an_answer_is_never_dated_on_a_day_to_come(con, board, monkeypatch):
    """Regression: an answer received in writing before a Board was kept dated the Board's day (the form's
    default), so the pack for that Board, which says what came back before it, said no answer was recorded."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-10")
    _, second, question = board
    with pytest.raises(acc.LoopError, match="17 September 2015 is after today \\(10 September 2015\\)"):
        acc.record_answer(con, PCC, question, body="x", answered_by="ACC", answered_on=second.held_on)
    assert acc.questions(con)[0].answers == []
    acc.record_answer(con, PCC, question, body="In writing.", answered_by="ACC", answered_on="2015-09-10")
    assert acc.questions(con)[0].answer.answered_on.isoformat() == "2015-09-10"


def test_unknown_references_are_refused_by_name(con, board):
    first, _, question = board
    with pytest.raises(acc.NotFound, match="no meeting 42"):
        acc.ask(con, PCC, 42, "A question")
    with pytest.raises(acc.NotFound, match='"x" is not a meeting number'):
        acc.get_meeting(con, "x")
    with pytest.raises(acc.NotFound, match="no question 77"):
        acc.record_answer(con, PCC, 77, body="a", answered_by="b", answered_on="2015-09-01")
    with pytest.raises(acc.LoopError, match='"cse_everything" is not a measure'):
        acc.ask(con, PCC, first.meeting_id, "Q", measure="cse_everything", area="Rotherham", period="2015-07-01")
    with pytest.raises(acc.LoopError, match='"Leeds" is not the force or one of its districts'):
        acc.ask(con, PCC, first.meeting_id, "Q", measure="cse_charges", area="Leeds", period="2015-07-01")


def test_typed_text_is_kept_as_written_less_what_no_one_means_to_type():
    assert clean("  Why?\r\nBecause\x1b[31m red\u202e  \n", "question", limit=100) == "Why?\nBecause[31m red"
    assert clean("a\n  b  c", "name", limit=100, one_line=True) == "a b c"
    assert clean("=1+1", "question", limit=100) == "=1+1"  # kept; every export neutralises it
    assert clean("", "note", limit=10, required=False) == ""
    with pytest.raises(BadText, match="The question is empty"):
        clean(" \n\t", "question", limit=100)
    with pytest.raises(BadText, match="11 characters long; it may be at most 10"):
        clean("x" * 11, "question", limit=10)


@pytest.mark.parametrize("markup", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a &lt; b",
                                    "[x](javascript:alert(1))", "< /b>", "<!-- hidden -->"])
def test_the_public_may_not_send_markup(markup):
    with pytest.raises(BadText, match="looks like web page code"):
        clean(f"My question {markup}", "question", limit=1000, markup_allowed=False)
    assert clean("Is 3 < 5 and 7 > 2?", "question", limit=1000, markup_allowed=False)  # arithmetic is not markup


def test_a_flood_is_refused_by_its_length_before_anything_else():
    with pytest.raises(BadText, match="5,000,000 characters long; it may be at most 1,500"):
        clean("<" * 5_000_000, "question", limit=1_500, markup_allowed=False)


def test_a_meeting_sees_an_action_as_it_stood_when_the_meeting_opened(con, board):
    """An action closed on 1 October is open at the September Board, closed since the last meeting at the October
    Board, and gone after that; a Board made again for September still sees it open, as it was."""
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charging delays",
                            owner="ACC Crime", due_on="2015-09-30")
    acc.update_action(con, PCC, action, status="closed", note="Report received.", on="2015-10-01")
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    november = acc.add_meeting(con, PCC, held_on="2015-11-19")
    at_second = acc.carried_forward(con, second.held_on)
    assert [a.action_id for a in at_second.open_actions] == [action] and not at_second.closed_since
    at_october = acc.carried_forward(con, october.held_on)
    assert [a.action_id for a in at_october.closed_since] == [action]
    assert not at_october.open_actions and not at_october.overdue_actions
    assert at_october.closed_since[0].where(october.held_on) == "Closed on 1 October 2015: Report received."
    at_november = acc.carried_forward(con, november.held_on)
    assert not (at_november.closed_since or at_november.open_actions or at_november.overdue_actions)
    with pytest.raises(PccDashError, match="cannot come before its last one"):
        acc.update_action(con, PCC, action, status="open", note="Reopened", on="2015-09-01")


def test_dates_before_the_question_or_the_decision_are_refused_in_a_sentence(con, board):
    """Regression: an answer awaited by a day before its question was put (overdue at once), a decision's follow-up
    before the meeting that took it, and an answer, a decision or an action on the question recorded at a meeting
    held before the question was put were all kept."""
    first, second, _ = board
    later = acc.ask(con, PCC, second.meeting_id, "Has the review of closed cases begun?")
    with pytest.raises(acc.LoopError, match="question .* was put at the Public Accountability Board of 17 September "
                                            "2015, and 1 September 2015 is before it.*Give the day"):
        acc.await_answer(con, PCC, later, awaited_by="2015-09-01")
    with pytest.raises(acc.LoopError, match="followed up after the meeting that took it; 1 September 2015 is not "
                                            "after the Public Accountability Board, 17 September 2015.*Give a later"):
        acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=later, decision="assured",
                   rationale="Begun.", evidence=[("answer", "The ACC")], follow_up="2015-09-01")
    with pytest.raises(acc.LoopError, match="question .* was put at the Public Accountability Board of 17 September "
                                            "2015, and the Public Accountability Board, 20 August 2015 was held "
                                            "before it.*that meeting or a later one"):
        acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=later, decision="assured",
                   rationale="Begun.", evidence=[("answer", "The ACC")])
    with pytest.raises(acc.LoopError, match="question .* was put at the Public Accountability Board of 17 September "
                                            "2015, and the Public Accountability Board, 20 August 2015 was held "
                                            "before it.*that meeting or a later one"):
        acc.record_answer(con, PCC, later, body="Yes.", answered_by="ACC Jones", answered_on="2015-09-17",
                          meeting_id=first.meeting_id)
    with pytest.raises(acc.LoopError, match=f"An action on a question is recorded at the meeting its question was "
                                            f"put at or a later one: question {later} was put at the Public "
                                            "Accountability Board of 17 September 2015, and the Public "
                                            "Accountability Board, 20 August 2015 was held before it.*that meeting "
                                            "or a later one"):
        acc.add_action(con, PCC, meeting_id=first.meeting_id, question_id=later, body="Report on the review",
                       owner="ACC Jones", due_on="2015-10-01")
    assert [(q.answers, q.decisions) for q in acc.questions(con)] == [([], []), ([], [])]
    assert acc.actions(con) == []

    # the days and meetings that can be right are kept
    acc.await_answer(con, PCC, later, awaited_by="2015-09-17")
    acc.record_answer(con, PCC, later, body="Yes.", answered_by="ACC Jones", answered_on="2015-09-17",
                      meeting_id=second.meeting_id)
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=later, decision="partly_assured",
               rationale="Begun, not finished.", evidence=[("answer", "The ACC")], follow_up="2015-12-17")
    assert [len(q.answers) + len(q.decisions) for q in acc.questions(con)] == [0, 3]
    action = acc.add_action(con, PCC, meeting_id=second.meeting_id, question_id=later, body="Report on the review",
                            owner="ACC Jones", due_on="2015-10-01")
    assert [(a.action_id, a.question_id) for a in acc.actions(con)] == [(action, later)]


def test_a_meeting_moved_takes_its_questions_and_actions_and_keeps_the_day_it_was_on(con, board, monkeypatch):
    """A Board put back a week: what was put to it goes with it (its questions, the actions due by it, its reporting
    month as of its new day), the day it was on is kept with the reason, and the audit trail says who moved it."""
    first, second, question = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                            due_meeting_id=second.meeting_id)
    moved = acc.move_meeting(con, ANALYST, second.meeting_id, to="2015-10-01", reason="  The hall was not free  ")
    assert (moved.held_on.isoformat(), moved.reporting_month.isoformat()) == ("2015-10-01", "2015-09-01")
    assert moved.label == "Public Accountability Board, 1 October 2015"
    (kept,) = acc.moves(con, second.meeting_id)
    assert (kept.from_day.isoformat(), kept.to_day.isoformat(), kept.reason, kept.moved_by) == (
        "2015-09-17", "2015-10-01", "The hall was not free", "analyst@example.org")
    assert kept.sentence == ("Moved from 17 September 2015 to 1 October 2015 by analyst@example.org: The hall was not "
                             "free")
    assert acc.moves(con, first.meeting_id) == []
    (due,) = [a for a in acc.actions(con) if a.action_id == action]
    assert due.due_meeting.held_on.isoformat() == "2015-10-01", "an action due by the meeting is due by its new day"
    assert [q.meeting.meeting_id for q in acc.questions(con)] == [first.meeting_id]
    trail = audit.events(con, action="move_meeting")
    assert trail["detail"].tolist() == [
        "Public Accountability Board, from 17 September 2015 to 1 October 2015: The hall was not free"]
    assert trail["identity"].tolist() == ["analyst@example.org"]
    # moved back: each move is kept
    acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-17", reason="The hall is free after all")
    assert [(m.from_day.isoformat(), m.to_day.isoformat()) for m in acc.moves(con)] == [
        ("2015-09-17", "2015-10-01"), ("2015-10-01", "2015-09-17")]
    assert acc.get_meeting(con, second.meeting_id).reporting_month.isoformat() == "2015-08-01"


@pytest.mark.parametrize(("to", "reason", "said"), [
    ("2015-09-17", "Put back", "is already on that day"),
    ("2015-08-20", "Put back", "already holds the Public Accountability Board of 20 August 2015 (meeting 1)"),
    ("17/09/2015", "Put back", "is not a date"),
    ("2015-10-01", "  ", "reason for moving the meeting is empty"),
])
def test_a_move_that_cannot_be_made_is_refused_in_a_sentence_and_nothing_changes(con, board, to, reason, said):
    first, second, _ = board
    with pytest.raises(PccDashError, match=re.escape(said)):
        acc.move_meeting(con, PCC, second.meeting_id, to=to, reason=reason)
    assert acc.get_meeting(con, second.meeting_id).held_on.isoformat() == "2015-09-17"
    assert acc.moves(con) == [] and audit.events(con, action="move_meeting").empty


def test_an_account_without_a_role_may_not_move_a_meeting(con, board):
    with pytest.raises(NotAllowed):
        acc.move_meeting(con, NO_ROLE, board[1].meeting_id, to="2015-10-01", reason="Put back")
    assert acc.moves(con) == []


def test_a_move_that_would_date_its_records_before_the_meeting_is_refused_naming_each(con, board):
    """Regression: a Board put back past the meeting its actions were due by, and past the day its question's answer
    was awaited by, was moved; its action then read as overdue at the meeting that agreed it, and the answer as
    overdue before the question was put: the records add_action and await_answer refuse."""
    first, second, question = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                            due_meeting_id=second.meeting_id)
    acc.await_answer(con, PCC, question, awaited_by="2015-08-27")
    with pytest.raises(acc.LoopError, match=re.escape(
            f"action {action} agreed at it is due by 17 September 2015, not after its new day; the answer to question "
            f"{question} put at it is awaited by 27 August 2015")) as refused:
        acc.move_meeting(con, PCC, first.meeting_id, to="2015-09-24", reason="Put back")
    assert "Give another day" in str(refused.value)
    assert acc.get_meeting(con, first.meeting_id).held_on.isoformat() == "2015-08-20" and acc.moves(con) == []
    # the later meeting cannot come before the one its action was agreed at
    with pytest.raises(acc.LoopError, match=f"action {action} is due by it and was agreed on 20 August 2015"):
        acc.move_meeting(con, PCC, second.meeting_id, to="2015-08-13", reason="Brought forward")
    # put right first, the move goes ahead: the answer awaited by a later day, the later meeting moved first
    acc.await_answer(con, PCC, question, awaited_by="2015-10-01")
    acc.move_meeting(con, PCC, second.meeting_id, to="2015-10-15", reason="Put back")
    acc.move_meeting(con, PCC, first.meeting_id, to="2015-09-24", reason="Put back")
    assert acc.get_meeting(con, first.meeting_id).held_on.isoformat() == "2015-09-24"
    # an answer given in writing before the new day keeps the meeting where it can be (one given at it, on its day,
    # would go with it)
    acc.record_answer(con, PCC, question, body="Charges fell with fewer referrals.", answered_by="ACC Jones",
                      answered_on="2015-09-24")
    with pytest.raises(acc.LoopError, match=f"question {question} put at it was answered on 24 September 2015"):
        acc.move_meeting(con, PCC, first.meeting_id, to="2015-10-01", reason="Put back")


def test_a_move_that_would_put_a_question_after_an_action_agreed_on_it_is_refused_naming_it(con, board):
    """An action on a question is agreed at the meeting the question was put at or a later one, as add_action
    refuses otherwise; a move of either meeting that would put the question after the meeting that agreed the action
    is refused too, naming both."""
    first, second, question = board
    action = acc.add_action(con, PCC, meeting_id=second.meeting_id, question_id=question, body="Report on charges",
                            owner="ACC Jones", due_on="2015-10-30")
    with pytest.raises(acc.LoopError, match=re.escape(
            f"question {question} put at it was given action {action} at the meeting of 17 September 2015")):
        acc.move_meeting(con, PCC, first.meeting_id, to="2015-10-01", reason="Put back")
    with pytest.raises(acc.LoopError, match=re.escape(
            f"question {question}, answered, decided on or given an action at it, was put on 20 August 2015")):
        acc.move_meeting(con, PCC, second.meeting_id, to="2015-08-13", reason="Brought forward")
    assert acc.moves(con) == []
    acc.move_meeting(con, PCC, first.meeting_id, to="2015-09-10", reason="Put back")
    assert acc.get_meeting(con, first.meeting_id).held_on == dt.date(2015, 9, 10)


def test_a_move_that_would_date_an_actions_updates_before_the_meeting_that_agreed_it_is_refused_naming_each(con,
                                                                                                          board):
    """Regression: a Board put back past the days its action was handed over, moved on and closed, or given a new
    due date (still after the new day), was moved: those updates then came before the meeting that agreed the
    action, which no update may (closed before the meeting that agreed it, no pack ever said it closed). The refusal
    names each action's first such update and the latest day the meeting can move to; a day on or before it moves."""
    first, _, _ = board  # the Board of 20 August 2015
    handed = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                            due_on="2015-12-31")
    acc.hand_over_action(con, PCC, handed, owner="Supt Khan", reason="ACC Jones has retired", on="2015-08-25")
    acc.update_action(con, PCC, handed, status="in_progress", note="Begun", on="2015-09-01")
    acc.update_action(con, PCC, handed, status="closed", note="Reported", on="2015-09-10")
    moved = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Visit the hub", owner="ACC Jones",
                           due_on="2015-10-31")
    acc.move_action_due(con, PCC, moved, due_on="2015-11-30", reason="The hub opens later", on="2015-08-28")
    with pytest.raises(acc.LoopError) as refused:
        acc.move_meeting(con, PCC, first.meeting_id, to="2015-09-24", reason="Put back")
    assert str(refused.value) == (
        f"The Public Accountability Board, 20 August 2015 cannot move to 24 September 2015: action {handed} agreed at "
        "it was handed over on 25 August 2015 (the first of 3 updates before its new day); action "
        f"{moved} agreed at it was given a new due date on 28 August 2015. An action's updates keep the days they "
        "were made, after the meeting that agreed it: give a day no later than 25 August 2015.")
    assert acc.get_meeting(con, first.meeting_id).held_on.isoformat() == "2015-08-20" and acc.moves(con) == []
    with pytest.raises(acc.LoopError, match=f"action {moved} agreed at it was given a new due date on 28 August"):
        acc.move_meeting(con, PCC, first.meeting_id, to="2015-08-29", reason="Put back")
    # an update on the meeting's own day comes after it, as one recorded on the day an action is agreed does
    acc.move_meeting(con, PCC, first.meeting_id, to="2015-08-25", reason="Its date put right")
    assert acc.get_meeting(con, first.meeting_id).held_on.isoformat() == "2015-08-25"


def test_an_action_agreed_at_a_meeting_moved_since_is_agreed_on_the_meetings_new_day(con, board):
    """Regression: a Board put back from 20 August to 24 September 2015 left each action agreed at it agreed on 20
    August: its history read "Open, 20 August 2015 ... Agreed at the meeting." for a meeting held on 24 September,
    and an update dated between the two days was kept, before the meeting that agreed the action. The agreement goes
    with the meeting, either way it moves; the record's rows stay as they were written."""
    first, second, question = board  # 20 August and 17 September 2015, a question at the first
    acc.move_meeting(con, PCC, second.meeting_id, to="2015-10-15", reason="Put back")
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                            due_meeting_id=second.meeting_id, question_id=question)
    acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=question, decision="awaiting_evidence",
               rationale="The report is awaited.", evidence=[])
    kept = con.execute("SELECT * FROM action_update").fetchall()
    acc.move_meeting(con, PCC, first.meeting_id, to="2015-09-24", reason="Put back")
    (agreed,) = acc.actions(con)
    assert [(u.on_day.isoformat(), u.note) for u in agreed.updates] == [("2015-09-24", "Agreed at the meeting.")]
    assert con.execute("SELECT * FROM action_update").fetchall() == kept, "no row is changed"
    # what else is dated by the meeting goes with it: the question put, the decision taken
    (asked,) = acc.questions(con)
    assert asked.meeting.held_on.isoformat() == "2015-09-24"
    before, after = acc.carried_forward(con, dt.date(2015, 9, 17)), acc.carried_forward(con, dt.date(2015, 10, 15))
    assert (before.previous, before.asked_last_time, before.decisions, before.open_actions) == (None, [], [], [])
    assert after.previous.meeting_id == first.meeting_id
    assert [c.question.question_id for c in after.asked_last_time] == [question]
    assert [(d.meeting_id, d.question_id) for d in after.decisions] == [(first.meeting_id, question)]
    assert [a.action_id for a in after.open_actions] == [action]
    for update in (lambda: acc.update_action(con, PCC, action, status="in_progress", note="Begun", on="2015-09-01"),
                   lambda: acc.hand_over_action(con, PCC, action, owner="Supt Khan", reason="Retired", on="2015-09-01"),
                   lambda: acc.move_action_due(con, PCC, action, due_on="2015-12-31", reason="More time",
                                               on="2015-09-01")):
        said = "cannot come before the meeting that agreed it (24 September 2015)"
        with pytest.raises(acc.LoopError, match=re.escape(said)):
            update()
    assert len(acc.actions(con)[0].updates) == 1
    # brought forward, an update after its new day and before the one it was on is the action's own
    acc.move_meeting(con, PCC, first.meeting_id, to="2015-08-13", reason="Its date put right")
    acc.update_action(con, PCC, action, status="in_progress", note="Begun", on="2015-08-17")
    assert [u.on_day.isoformat() for u in acc.actions(con)[0].updates] == ["2015-08-13", "2015-08-17"]


# A question's figures as they were kept before a stock's were said as its level: its 12 months the same level, and
# labelled as if a total.
KEPT_STOCK = [{"label": "March 2026", "value": 113, "text": "113"},
              {"label": "12 months to March 2026", "value": 113, "text": "113"},
              {"label": "Variation", "text": "Common cause: no significant change"}]


def test_a_stock_is_said_as_its_level_at_the_end_of_the_month_never_as_a_12_month_total(con):
    """Regression: a question about live investigations (a stock) read "March 2026: 113; 12 months to March 2026:
    113", a 12-month total by the look of it; a stock is a level at the end of a month, as the pack's summary takes
    it, and its 12 months are that same level."""
    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    assert acc.figures_line(KEPT_STOCK, "cse_live_investigations") == (
        "at the end of March 2026: 113; Variation: Common cause: no significant change")
    analytics = PlanAnalytics(plan_figures(con))
    month = "2026-03-01"
    live = acc.figures_for(analytics, "cse_live_investigations", "Rotherham", month)
    said = acc.figures_line(live, "cse_live_investigations")
    assert said.startswith(f"at the end of March 2026: {live[0]['text']}; Variation: ")
    assert "12 months" not in said
    # a percentage of a stock (officers trained of the headcount) is a level too; one of a flow is over its 12 months
    trained = acc.figures_line(acc.figures_for(analytics, "officers_trained_pct", "Rotherham", month),
                               "officers_trained_pct")
    assert trained.startswith("at the end of March 2026: ") and "12 months" not in trained
    arrested = acc.figures_line(acc.figures_for(analytics, "cse_suspects_arrested_12w_pct", "Rotherham", month),
                                "cse_suspects_arrested_12w_pct")
    assert re.match(r"March 2026: [\d.]+%; across the 12 months to March 2026: [\d.]+%; Variation: ", arrested)
    # a count is said as before: the month and the 12 months' total
    charges = acc.figures_for(analytics, "cse_charges", "Rotherham", month)
    assert acc.figures_line(charges, "cse_charges") == acc.figures_line(charges)
    assert re.match(r"March 2026: \d+; 12 months to March 2026: \d+; Variation: ", acc.figures_line(charges))


def test_a_figure_revised_since_the_question_was_put_is_said_with_what_it_is_now(con, tmp_path):
    """Regression: a question's figures are kept as they were when it was put (Rotherham's charges 2), and nothing
    said when that month was revised since (now 9): the Board read the old figure as if it stood."""
    from helpers import revise_figure

    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    board = acc.add_meeting(con, PCC, held_on="2026-04-16")
    kept = acc.figures_for(PlanAnalytics(plan_figures(con)), "cse_charges", "Rotherham", board.reporting_month)
    q = acc.ask(con, PCC, board.meeting_id, "Why did charges fall?", measure="cse_charges", area="Rotherham",
                period=board.reporting_month, figures=kept)
    (question,) = acc.questions(con)
    analytics = PlanAnalytics(plan_figures(con))
    assert acc.question_figures(question, analytics) == acc.figures_line(kept, "cse_charges"), "none revised yet"
    was, total = kept[0]["value"], kept[1]["value"]
    revise_figure(con, tmp_path, "2026-03", "Rotherham", "cse_charges", was + 7)
    (question,) = [x for x in acc.questions(con) if x.question_id == q]
    said = acc.question_figures(question, PlanAnalytics(plan_figures(con)))
    assert said.startswith(f"March 2026: {was:g}, since revised to {was + 7:g}; 12 months to March 2026: {total:g}, "
                           f"since revised to {total + 7:g}; Variation: ")
    assert question.figures == kept, "the figures as they were when asked are kept"
    assert acc.question_figures(question) == acc.figures_line(kept, "cse_charges"), "without the figures, as kept"


def test_an_actions_due_date_moved_keeps_what_it_was_first_due_by_and_each_meeting_sees_it_as_it_stood(
        con, board, monkeypatch):
    """The Board gives the force more time: the action is due by the new date from the day it was moved, is no
    longer overdue, says what it was first due by, keeps the reason in its history and the audit trail; a meeting
    held before the move still sees it due (and overdue) as it was then."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charging delays",
                            owner="ACC Crime", due_on="2015-09-30")
    assert acc.actions(con)[0].overdue(dt.date(2015, 10, 20)), "past its first due date"
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    december = acc.add_meeting(con, PCC, held_on="2015-12-17")
    acc.move_action_due(con, ANALYST, action, due_meeting_id=december.meeting_id, on="2015-10-15",
                        reason="The Board gave the force until December")
    (kept,) = acc.actions(con)
    assert (kept.due_day.isoformat(), kept.due_on, kept.agreed_due_on.isoformat()) == ("2015-12-17", None,
                                                                                      "2015-09-30")
    assert kept.due_words == ("by the Public Accountability Board, 17 December 2015 (first due by 30 September "
                              "2015)")
    assert not kept.overdue(dt.date(2015, 10, 20)) and kept.status == "open"
    assert kept.where(dt.date(2015, 10, 20)).startswith("Open, due by the Public Accountability Board, 17 December")
    assert kept.updates[-1].text == ("Due date moved to the Public Accountability Board, 17 December 2015: The Board "
                                     "gave the force until December")
    # the October Board opened before the move was recorded on its day: it saw the action overdue, due 30 September
    at_october = acc.carried_forward(con, october.held_on)
    assert [a.action_id for a in at_october.overdue_actions] == [action]
    assert at_october.overdue_actions[0].due_words == "by 30 September 2015"
    trail = audit.events(con, action="action_due")
    assert trail["detail"].tolist() == ["due by 30 September 2015 -> due by the Public Accountability Board, 17 "
                                        "December 2015: The Board gave the force until December"]
    # the meeting it is due by moved: the action goes with it, and the meeting cannot move before the move's day
    acc.move_meeting(con, PCC, december.meeting_id, to="2015-12-10", reason="Christmas")
    assert acc.actions(con)[0].due_day.isoformat() == "2015-12-10"
    with pytest.raises(acc.LoopError, match=f"action {action} was made due by it on 15 October 2015"):
        acc.move_meeting(con, PCC, december.meeting_id, to="2015-10-10", reason="Sooner")


@pytest.mark.parametrize(("kwargs", "said"), [
    ({}, "An action is due by a meeting or by a date: give one of them."),
    ({"due_on": "2015-12-31", "due_meeting_id": "second"}, "give one of them"),
    ({"due_on": "2015-08-10"}, "An action is due after the meeting that agreed it; 10 August 2015 is not after the "
                               "Public Accountability Board, 20 August 2015"),
    ({"due_on": "2015-10-01"}, "A due date moved on 20 October 2015 must be after that day; 1 October 2015 is not"),
    ({"due_meeting_id": "second"}, "the Public Accountability Board, 17 September 2015 is not"),
    ({"due_on": "2015-09-30"}, "Action 1 is already due by 30 September 2015."),
    ({"due_on": "2015-12-31", "reason": "  "}, "reason for moving the due date is empty"),
    ({"due_on": "2015-12-31", "on": "2015-11-01"}, "1 November 2015 is after today \\(20 October 2015\\)"),
    ({"due_on": "2015-12-31", "on": "2015-08-01"},
     "cannot come before the meeting that agreed it \\(20 August 2015\\)"),
    ({"due_on": "2015-12-31", "action": 9}, "The record holds no action 9."),
])
def test_a_due_date_that_cannot_be_moved_is_refused_in_a_sentence(con, board, monkeypatch, kwargs, said):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC Crime",
                            due_on="2015-09-30")
    ids = {"second": second.meeting_id}
    given = {"reason": "More time", **{k: ids.get(v, v) for k, v in kwargs.items()}}
    with pytest.raises(PccDashError, match=said):
        acc.move_action_due(con, PCC, given.pop("action", action), **given)
    assert [len(a.updates) for a in acc.actions(con)] == [1]


def test_a_closed_actions_due_date_is_not_moved_and_no_role_may_not_move_one(con, board):
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC Crime",
                            due_on="2015-09-30")
    with pytest.raises(NotAllowed):
        acc.move_action_due(con, NO_ROLE, action, due_on="2027-01-31", reason="More time")
    acc.update_action(con, PCC, action, status="closed", note="Done.", on="2015-09-01")
    with pytest.raises(acc.LoopError, match="was closed on 1 September 2015, so it is not due by anything. If it is "
                                            "open again, reopen it first, saying why"):
        acc.move_action_due(con, PCC, action, due_on="2027-01-31", reason="More time")


def test_an_action_handed_to_a_new_owner_keeps_who_held_it_and_each_meeting_sees_the_owner_as_it_stood(
        con, board, monkeypatch):
    """The owner of an action leaves: it is handed to a new owner with the reason, held by the new owner from that day
    on, and says who held it first; its history says who handed it from whom to whom, when and why, as the audit
    trail does; a meeting held before the handover still sees the owner as it was then, and the action stays as due
    (and overdue) as it was."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charging delays",
                            owner="ACC Crime", due_on="2015-09-30")
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    november = acc.add_meeting(con, PCC, held_on="2015-11-19")
    acc.hand_over_action(con, ANALYST, action, owner="Supt Khan", reason="ACC Crime has retired", on="2015-10-15")
    (kept,) = acc.actions(con)
    assert (kept.owner, kept.agreed_owner, kept.status) == ("Supt Khan", "ACC Crime", "open")
    assert kept.owner_words == "Supt Khan (since 15 October 2015; first owner ACC Crime)"
    assert (kept.updates[-1].text, kept.updates[-1].updated_by, kept.updates[-1].on_day.isoformat()) == (
        "Handed from ACC Crime to Supt Khan: ACC Crime has retired", "analyst@example.org", "2015-10-15")
    assert kept.overdue(dt.date(2015, 10, 20)) and kept.due_words == "by 30 September 2015", "due as it was"
    acc.hand_over_action(con, PCC, action, owner="DCI Lee", reason="Moved to the Public Protection Unit")
    (kept,) = acc.actions(con)
    assert kept.owner_words == "DCI Lee (since 20 October 2015; first owner ACC Crime)"
    assert [u.text for u in kept.updates] == [
        "Agreed at the meeting.", "Handed from ACC Crime to Supt Khan: ACC Crime has retired",
        "Handed from Supt Khan to DCI Lee: Moved to the Public Protection Unit"]
    # the October Board opened before the handover recorded on its day: it saw the owner it was agreed with
    (at_october,) = acc.carried_forward(con, october.held_on).overdue_actions
    assert (at_october.owner, at_october.owner_words) == ("ACC Crime", "ACC Crime")
    (at_november,) = acc.carried_forward(con, november.held_on).overdue_actions
    assert at_november.owner == "DCI Lee"
    trail = audit.events(con, action="action_owner")
    assert sorted(trail["detail"].tolist()) == [
        "owner ACC Crime -> Supt Khan: ACC Crime has retired",
        "owner Supt Khan -> DCI Lee: Moved to the Public Protection Unit"]
    # moving its due date or closing it later keeps who holds it
    acc.move_action_due(con, PCC, action, due_on="2015-12-31", reason="More time")
    acc.update_action(con, PCC, action, status="closed", note="Received.")
    assert acc.actions(con)[0].owner == "DCI Lee"


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"action": 9}, "The record holds no action 9."),
    ({"action": "x"}, '"x" is not an action number.'),
    ({"owner": "acc  crime"}, "Action 1 is already held by ACC Crime. Give the new owner it is handed to."),
    ({"owner": "  "}, "action's new owner is empty"),
    ({"reason": " "}, "reason for handing the action over is empty"),
    ({"on": "2015-11-01"}, "1 November 2015 is after today \\(20 October 2015\\)"),
    ({"on": "2015-08-01"}, "cannot come before the meeting that agreed it \\(20 August 2015\\)"),
])
def test_an_action_that_cannot_be_handed_over_is_refused_in_a_sentence(con, board, monkeypatch, kwargs, said):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, _, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC Crime",
                            due_on="2015-09-30")
    given = {"owner": "Supt Khan", "reason": "ACC Crime has retired", **kwargs}
    with pytest.raises(PccDashError, match=said):
        acc.hand_over_action(con, PCC, given.pop("action", action), **given)
    assert [(len(a.updates), a.owner) for a in acc.actions(con)] == [(1, "ACC Crime")]
    assert audit.events(con, action="action_owner").empty


def test_a_closed_action_is_not_handed_over_and_no_role_may_hand_one_over(con, board):
    first, _, _ = board
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC Crime",
                            due_on="2015-09-30")
    with pytest.raises(NotAllowed):
        acc.hand_over_action(con, NO_ROLE, action, owner="Supt Khan", reason="Retired")
    acc.update_action(con, PCC, action, status="closed", note="Done.", on="2015-09-01")
    with pytest.raises(acc.LoopError, match="was closed on 1 September 2015, so nobody holds it any more. If it is "
                                            "open again, reopen it first, saying why"):
        acc.hand_over_action(con, PCC, action, owner="Supt Khan", reason="Retired")
    assert acc.actions(con)[0].owner == "ACC Crime"


def test_a_meeting_cancelled_carries_its_questions_and_due_actions_to_a_later_one_and_is_held_by_no_pack(
        con, board, monkeypatch):
    """The May Board is called off: the question prepared for it and the action due by it go to the June Board,
    the action's history says why (what it was first due by kept), the June pack's "Since the last meeting" goes
    back to April, not to the Board that was never held, and nothing more can be recorded at or by it."""
    from pipelines.briefing.loop_section import since_last_meeting
    from pipelines.briefing.pack import cancelled_notices

    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-10")
    first, second, question = board  # 20 August and 17 September 2015
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    prepared = acc.ask(con, PCC, second.meeting_id, "How many reviews of closed cases have begun?")
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on charges", owner="ACC Jones",
                            due_meeting_id=second.meeting_id)
    with pytest.raises(acc.LoopError, match=f"cannot be cancelled yet: question {prepared} is put to it and action "
                                            f"{action} is due by it. Give the later meeting they go to"):
        acc.cancel_meeting(con, PCC, second.meeting_id, reason="Pre-election period")
    with pytest.raises(acc.LoopError, match="goes to a later meeting; the Public Accountability Board, 20 August 2015 "
                                            "is not later"):
        acc.cancel_meeting(con, PCC, second.meeting_id, reason="Pre-election period", carry_to=first.meeting_id)
    cancelled = acc.cancel_meeting(con, ANALYST, second.meeting_id, reason="Pre-election period",
                                   carry_to=october.meeting_id)
    assert cancelled.label == "Public Accountability Board, 17 September 2015 (cancelled)"
    assert cancelled.cancel.sentence == "Cancelled by analyst@example.org: Pre-election period"
    assert [m.meeting_id for m in acc.meetings(con)] == [first.meeting_id, october.meeting_id]
    assert [q.meeting.meeting_id for q in acc.questions(con) if q.question_id == prepared] == [october.meeting_id]
    (moved,) = acc.actions(con)
    assert moved.due_meeting.meeting_id == october.meeting_id
    assert moved.due_words == ("by the Public Accountability Board, 15 October 2015 (first due by the Public "
                               "Accountability Board, 17 September 2015, which was cancelled)")
    # a sentence where the pack quotes it ("due date moved (...)")
    assert moved.updates[-1].note == ("The meeting it was due by, the Public Accountability Board, 17 September "
                                      "2015, was cancelled: Pre-election period")
    # the October pack goes back to August, the last meeting held, and carries the prepared question as its own
    loop = acc.carried_forward(con, october.held_on)
    assert loop.previous.meeting_id == first.meeting_id
    section = since_last_meeting(con, october.held_on)
    headings = " ".join(t.heading for t in section.tables)
    assert "(Public Accountability Board, 20 August 2015)" in headings and "17 September" not in headings
    assert cancelled_notices(con, second.held_on) == [
        "The Public Accountability Board, 17 September 2015 was cancelled (Pre-election period): this pack is for a "
        "meeting that will not be held. What was put to it went to the Public "
        "Accountability Board, 15 October 2015."]
    assert cancelled_notices(con, october.held_on) == []
    # nothing more at or by it; its day is free for a meeting that is held
    for write in (lambda: acc.ask(con, PCC, second.meeting_id, "Another?"),
                  lambda: acc.add_action(con, PCC, meeting_id=first.meeting_id, body="x", owner="y",
                                         due_meeting_id=second.meeting_id),
                  lambda: acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-24", reason="Back on"),
                  lambda: acc.cancel_meeting(con, PCC, second.meeting_id, reason="Again")):
        with pytest.raises(acc.LoopError, match="was cancelled \\(Pre-election period\\), so nothing more is "
                                                "recorded at or by it. What was put to it went to meeting"):
            write()
    again = acc.add_meeting(con, PCC, held_on="2015-09-17")
    assert again.meeting_id != second.meeting_id and not again.cancelled
    trail = audit.events(con, action="cancel_meeting")
    assert trail["detail"].tolist() == [
        f"Public Accountability Board, 17 September 2015: Pre-election period; question {prepared} is put to it and "
        f"action {action} is due by it, carried to the Public Accountability Board, 15 October 2015"]


def test_the_next_meetings_pack_says_a_board_since_the_last_was_cancelled_and_why(con, board, monkeypatch):
    """Regression: with the September Board called off, the October pack's "Since the last meeting" went back to
    August and said nothing of September's: a member reading it could not tell a Board had been missed, or why.
    Its counts line now says so, once, and a district's report called off is not said in the Board's pack."""
    from pipelines.briefing.loop_section import since_last_meeting

    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-10")
    first, second, _ = board  # 20 August and 17 September 2015
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    november = acc.add_meeting(con, PCC, held_on="2015-11-19")
    district = acc.add_meeting(con, PCC, held_on="2015-09-24", kind="district", district="Rotherham")
    acc.cancel_meeting(con, PCC, second.meeting_id, reason="The Chief Constable cannot attend")
    acc.cancel_meeting(con, PCC, district.meeting_id, reason="Rotherham's report moves to the spring")
    said = since_last_meeting(con, october.held_on).counts
    assert said.endswith("; the Public Accountability Board, 17 September 2015 was cancelled (The Chief Constable "
                         "cannot attend)"), said
    assert "Rotherham" not in said
    assert "cancelled" not in since_last_meeting(con, november.held_on).counts  # said once: October went back past it
    assert [m.meeting_id for m in acc.carried_forward(con, october.held_on).cancelled_since] == [second.meeting_id]


def test_a_meeting_held_is_not_cancelled_and_one_with_nothing_put_to_it_needs_nowhere_to_carry(con, board):
    first, second, question = board
    acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC", due_on="2015-12-31")
    acc.decide(con, PCC, meeting_id=first.meeting_id, question_id=question, decision="assured",
               rationale="Explained.", evidence=[("answer", "The ACC")])
    with pytest.raises(acc.LoopError, match="cannot be cancelled: action 1 was agreed at it; decision 1 was taken at "
                                            "it, so it was held"):
        acc.cancel_meeting(con, PCC, first.meeting_id, reason="Never held")
    with pytest.raises(PccDashError, match="reason for cancelling the meeting is empty"):
        acc.cancel_meeting(con, PCC, second.meeting_id, reason=" ")
    with pytest.raises(NotAllowed):
        acc.cancel_meeting(con, NO_ROLE, second.meeting_id, reason="Hall flooded")
    assert acc.cancel_meeting(con, PCC, second.meeting_id, reason="Hall flooded").cancel.carried_to is None
    assert acc.get_meeting(con, first.meeting_id).cancel is None


def test_a_cancelled_meetings_question_awaited_before_the_meeting_it_goes_to_says_how_to_put_it_right(
        con, board, monkeypatch):
    """A question prepared for the cancelled Board has its answer awaited by a day before the next Board: no later
    meeting could take it, so the refusal says to record the answer as awaited by that Board's day or later, and
    once that is done the Board is cancelled."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-10")
    first, second, _ = board  # 20 August and 17 September 2015
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    prepared = acc.ask(con, PCC, second.meeting_id, "How many reviews of closed cases have begun?")
    acc.await_answer(con, PCC, prepared, awaited_by="2015-10-01")
    with pytest.raises(acc.LoopError) as refused:
        acc.cancel_meeting(con, PCC, second.meeting_id, reason="Pre-election period", carry_to=october.meeting_id)
    said = str(refused.value)
    assert f"the answer to question {prepared} put at it is awaited by 1 October 2015" in said
    assert "Give a later meeting" not in said  # a later meeting is later still than 1 October
    assert said.endswith("Record the answer as awaited by 15 October 2015 or later first (on the Meetings page).")
    acc.await_answer(con, PCC, prepared, awaited_by="2015-10-15")
    assert acc.cancel_meeting(con, PCC, second.meeting_id, reason="Pre-election period",
                              carry_to=october.meeting_id).cancel.carried_to == october.meeting_id


def test_a_cancelled_meetings_question_decided_on_at_a_meeting_between_says_which_meeting_to_give(con, board):
    """Regression: a question put to the cancelled Board was decided on at a meeting between it and the meeting its
    questions were to go to; the refusal named the clash and ended in ". ." with no advice."""
    _, second, _ = board  # 17 September 2015
    between = acc.add_meeting(con, PCC, held_on="2015-10-01")
    later = acc.add_meeting(con, PCC, held_on="2015-10-15")
    question = acc.ask(con, PCC, second.meeting_id, "How many reviews of closed cases have begun?")
    acc.decide(con, PCC, meeting_id=between.meeting_id, question_id=question, decision="awaiting_evidence",
               rationale="The review has not reported.", evidence=[])
    with pytest.raises(acc.LoopError) as refused:
        acc.cancel_meeting(con, PCC, second.meeting_id, reason="Not quorate", carry_to=later.meeting_id)
    said = str(refused.value)
    assert f"a decision on question {question} put at it was taken at the meeting of 1 October 2015" in said, said
    assert ". ." not in said and said.endswith(
        "Give a meeting held no later than the one that decided on it or agreed an action on it."), said
    assert acc.cancel_meeting(con, PCC, second.meeting_id, reason="Not quorate",
                              carry_to=between.meeting_id).cancel.carried_to == between.meeting_id


def test_a_meeting_whose_question_was_answered_in_writing_is_cancelled_and_the_question_stays_answered_with_it(
        con, board, monkeypatch):
    """The September Board was not held, and the force answered in writing, on 18 September, a question put to it:
    carrying the question to October would date its answer before the meeting it was put at, so the cancellation was
    refused for every later meeting. The answered question stays with the Board it was put for; only what is still
    to be asked goes on, and one action alone is named as one."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-20")
    first, second, _ = board
    october = acc.add_meeting(con, PCC, held_on="2015-10-15")
    written = acc.ask(con, PCC, second.meeting_id, "How many reviews of closed cases have begun?")
    acc.record_answer(con, PCC, written, body="Twelve.", answered_by="ACC Jones", answered_on="2015-09-18")
    action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report", owner="ACC",
                            due_meeting_id=second.meeting_id)
    with pytest.raises(acc.LoopError, match=f"cannot be cancelled yet: action {action} is due by it. Give the later "
                                            "meeting it goes to instead"):
        acc.cancel_meeting(con, PCC, second.meeting_id, reason="Pre-election period")
    acc.cancel_meeting(con, PCC, second.meeting_id, reason="Pre-election period", carry_to=october.meeting_id)
    (kept,) = [q for q in acc.questions(con) if q.question_id == written]
    assert kept.meeting.meeting_id == second.meeting_id and kept.meeting.cancelled and kept.answer.body == "Twelve."
    assert acc.actions(con)[0].due_meeting.meeting_id == october.meeting_id


def test_an_answer_given_at_a_meeting_is_dated_on_or_before_its_day(con, board, monkeypatch):
    """Regression: an answer dated 19 September could be recorded as given at the Board of 17 September, and a Board
    at which a letter dated 15 September was tabled could be brought forward to the 10th: either way the record read
    that the force answered at a meeting already over. An answer given at a meeting, in person or in a paper put to
    it (a letter of the 15th tabled at the Board of the 17th), is dated on or before the meeting's day; one given
    later was given in writing, or at a later meeting. One given at it on its day goes with it when it moves."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, question = board
    with pytest.raises(acc.LoopError, match=f"^An answer given at a meeting is dated on or before its day: the "
                                            f"{second.label} was held before 19 September 2015, the day of the "
                                            "answer\\. Give the day the force answered, or record the answer as given "
                                            "in writing, or at the meeting it was given at\\.$"):
        acc.record_answer(con, PCC, question, body="Two files went to the CPS.", answered_by="ACC Jones",
                          answered_on="2015-09-19", meeting_id=second.meeting_id)
    assert acc.questions(con)[0].answers == []
    acc.record_answer(con, PCC, question, body="Two files went to the CPS.", answered_by="ACC Jones",
                      answered_on="2015-09-19")  # in writing
    acc.record_answer(con, PCC, question, body="A letter.", answered_by="ACC Jones", answered_on="2015-09-15",
                      meeting_id=second.meeting_id)
    acc.record_answer(con, PCC, question, body="Said at the Board.", answered_by="ACC Jones",
                      answered_on="2015-09-17", meeting_id=second.meeting_id)
    with pytest.raises(acc.LoopError, match=f"^The {second.label} cannot move to 14 September 2015: the answer to "
                                            f"question {question} given at it is dated 15 September 2015, after its "
                                            "new day\\. An answer given at a meeting is dated on or before its day: "
                                            "give a day no earlier than 15 September 2015\\.$"):
        acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-14", reason="Brought forward")
    assert acc.get_meeting(con, second.meeting_id).held_on == dt.date(2015, 9, 17)
    # what was said at it on its day goes with it, either way it moves; the letter tabled at it keeps its day
    assert acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-16", reason="Its date put right").held_on == (
        dt.date(2015, 9, 16))
    assert acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-24", reason="Put back a week").held_on == (
        dt.date(2015, 9, 24))
    assert [a.answered_on.isoformat() for a in acc.questions(con)[0].answers] == [
        "2015-09-19", "2015-09-15", "2015-09-24"]


def test_a_meeting_put_back_takes_the_answers_given_at_it_on_its_day_and_says_so(con, board, monkeypatch):
    """Regression: a Board whose answers were given at it on 17 September was put back to the 24th, its date put
    right, and said nothing of them: they stayed dated the 17th, a week before the meeting they were given at, read
    as come before it (its pack listed them as answered before it opened). Those given at it on its day go with it
    and the move says so; a paper put to it before its day keeps its day, and so do those given on its day when it
    is put off to a day still to come (it was not held on its day: they were papers put to it)."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, question = board
    letter = acc.record_answer(con, PCC, question, body="A letter.", answered_by="ACC Jones",
                               answered_on="2015-09-15", meeting_id=second.meeting_id)
    said = acc.record_answer(con, PCC, question, body="Said at the Board.", answered_by="ACC Jones",
                             answered_on="2015-09-17", meeting_id=second.meeting_id)
    moved = acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-24", reason="Its date put right")
    assert moved.held_on == dt.date(2015, 9, 24) and moved.label == "Public Accountability Board, 24 September 2015"
    assert moved.answers_sentence == (f"The answer to question {question} given at it on 17 September 2015 is now "
                                      "dated 24 September 2015, its new day, as given at it.")
    (asked,) = acc.questions(con)
    assert [(a.answer_id, a.answered_on.isoformat()) for a in asked.answers] == [
        (letter, "2015-09-15"), (said, "2015-09-24")]
    # a pack reads an answer dated before a meeting as come before it opened: only the letter did
    assert [a.answer_id for a in asked.answers if a.answered_on < moved.held_on] == [letter]
    assert audit.events(con, action="move_meeting")["detail"].tolist() == [
        "Public Accountability Board, from 17 September 2015 to 24 September 2015: Its date put right. The answer to "
        f"question {question} given at it on 17 September 2015 is now dated 24 September 2015, its new day, as given "
        "at it."]
    # put off to a day still to come, it was not held on its day: what was given at it then was a paper put to it
    put_off = acc.move_meeting(con, PCC, second.meeting_id, to="2015-10-22", reason="Put off")
    assert put_off.answers_sentence == (f"The answer to question {question} given at it on 24 September 2015 keeps "
                                        "that day, as papers put to it before its new day, which is still to come.")
    assert [a.answered_on.isoformat() for a in acc.questions(con)[0].answers] == ["2015-09-15", "2015-09-24"]
    assert acc.move_meeting(con, PCC, first.meeting_id, to="2015-08-27", reason="Put back").answers_sentence == ""
