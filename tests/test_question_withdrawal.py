"""A question the Board will not take further (put by mistake, overtaken, or answered another way) is withdrawn with a
reason: it leaves "Still open from earlier meetings" and the drafted questions, says so wherever its state is said
(the pack, "pccdash meetings show", the Meetings page), is withdrawn once, is on the audit trail, and nothing of it is
newly approved for publication."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse, internal, texts

from pipelines import accountability as acc
from pipelines import audit, inbox, warehouse
from pipelines.access import NotAllowed
from pipelines.accountability import moderation
from pipelines.accountability.release import CannotRelease, release
from pipelines.briefing.loop_section import since_last_meeting
from pipelines.briefing.pack import build_pack
from pipelines.briefing.questions import draft_questions
from pipelines.errors import PccDashError
from pipelines.figures import plan_figures
from pipelines.plan import PlanAnalytics

QUESTION = "Why did charges fall in Rotherham?"
REASON = "Answered by the force's report to the September Board"


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


@pytest.fixture
def box(tmp_path, monkeypatch):
    """The inbox folder the public app and the office share in this test."""
    folder = tmp_path / "inbox"
    monkeypatch.setenv("PCCDASH_INBOX_DIR", str(folder))
    return folder


@pytest.fixture
def con(wh):
    with warehouse.connect(wh) as c:
        yield c


@pytest.fixture
def board(con):
    """Boards on 20 August, 17 September and 15 October 2015; a question put at the first."""
    first = acc.add_meeting(con, PCC, held_on="2015-08-20")
    second = acc.add_meeting(con, PCC, held_on="2015-09-17")
    third = acc.add_meeting(con, PCC, held_on="2015-10-15")
    question = acc.ask(con, PCC, first.meeting_id, QUESTION, measure="cse_charges", area="Rotherham",
                       period="2015-07-01")
    return first, second, third, question


def still_open(con, day: dt.date) -> list[int]:
    return [c.question.question_id for c in acc.carried_forward(con, day).still_open]


def test_a_withdrawn_question_leaves_still_open_from_the_day_after_it_was_withdrawn(con, board):
    """Regression: a question put by mistake, or answered another way, had no way off the record: it was carried
    "No answer recorded yet" to every pack for ever."""
    first, second, third, question = board
    assert still_open(con, third.held_on) == [question]
    withdrawal = acc.withdraw_question(con, ANALYST, question, reason=REASON, on="2015-09-17")
    assert withdrawal.sentence == f"Withdrawn on 17 September 2015 by analyst@example.org: {REASON}"
    assert still_open(con, third.held_on) == []
    # the September Board opened with it still to be asked: a pack made again for it says so, as it did then
    september = since_last_meeting(con, second.held_on)
    (asked,) = next(t for t in september.tables if t.heading.startswith("Asked at the last meeting")).rows
    assert asked[1] == "No answer recorded yet."
    (q,) = acc.questions(con)
    assert q.settled and q.where() == f"Withdrawn on 17 September 2015 by analyst@example.org: {REASON}"
    assert not q.withdrawn_before(second.held_on) and q.withdrawn_before(third.held_on)


def test_the_pack_says_a_question_asked_last_time_was_withdrawn_and_awaits_no_answer(con, board):
    first, second, _, question = board
    acc.record_answer(con, PCC, question, body="A review is under way.", answered_by="ACC Jones",
                      answered_on="2015-08-20", meeting_id=first.meeting_id)
    other = acc.ask(con, PCC, first.meeting_id, "How many cases were dropped?")
    acc.withdraw_question(con, PCC, other, reason="Put by mistake.", on="2015-08-21")
    section = since_last_meeting(con, second.held_on)
    rows = next(t for t in section.tables if t.heading.startswith("Asked at the last meeting")).rows
    stands = {r[0].split("\n")[0]: r[1] for r in rows}
    assert stands["How many cases were dropped?"] == "Withdrawn on 21 August 2015 by pcc@example.org: Put by mistake."
    assert stands[QUESTION].startswith("Answered by ACC Jones on 20 August 2015")
    assert "2 questions asked last time (1 withdrawn since), none still awaiting an answer" in section.counts


def test_the_pack_counts_a_question_asked_last_time_and_withdrawn_since_apart(con, board):
    """Regression: "3 questions asked last time, 2 still awaiting an answer" counted a question withdrawn since among
    those asked as any other, while "pccdash meetings" and the Meetings page count it apart."""
    first, second, _, question = board
    other = acc.ask(con, PCC, first.meeting_id, "How many cases were dropped?")
    late = acc.ask(con, PCC, first.meeting_id, "How many hubs are open?")
    acc.withdraw_question(con, PCC, other, reason="Put by mistake.", on="2015-08-21")
    acc.withdraw_question(con, PCC, late, reason="Overtaken.", on=second.held_on)  # still asked as it opened
    counts = since_last_meeting(con, second.held_on).counts
    assert "3 questions asked last time (1 withdrawn since), 2 still awaiting an answer" in counts
    acc.withdraw_question(con, PCC, question, reason="Answered another way.", on="2015-08-22")
    counts = since_last_meeting(con, second.held_on).counts
    assert "3 questions asked last time (2 withdrawn since), 1 still awaiting an answer" in counts


def test_a_question_is_withdrawn_once_and_what_cannot_be_withdrawn_is_refused_in_a_sentence(con, board,
                                                                                           monkeypatch):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-01")
    *_, question = board
    with pytest.raises(acc.NotFound, match='The record holds no question 999; "pccdash meetings show MEETING"'):
        acc.withdraw_question(con, PCC, 999, reason="x")
    with pytest.raises(acc.NotFound, match='"first" is not a question number'):
        acc.withdraw_question(con, PCC, "first", reason="x")
    with pytest.raises(PccDashError, match="reason for withdrawing the question is empty"):
        acc.withdraw_question(con, PCC, question, reason="  ")
    with pytest.raises(acc.LoopError, match="1 January 2030 is after today \\(1 October 2015\\)"):
        acc.withdraw_question(con, PCC, question, reason="x", on="2030-01-01")
    with pytest.raises(NotAllowed):
        acc.withdraw_question(con, NO_ROLE, question, reason="x")
    acc.withdraw_question(con, ANALYST, question, reason=REASON)
    with pytest.raises(acc.LoopError, match=f"Question {question} is already withdrawn: Withdrawn on 1 October 2015 "
                                            "by analyst@example.org"):
        acc.withdraw_question(con, PCC, question, reason="Again")
    assert con.execute("SELECT count(*) FROM question_withdrawal").fetchall()[0][0] == 1
    trail = audit.events(con, action="withdraw_question")
    assert trail["identity"].tolist() == ["analyst@example.org"]
    assert trail["subject"].tolist() == [f"question {question}"]
    assert trail["detail"].tolist() == [f"withdrawn on 2015-10-01: {REASON}"]


def test_a_withdrawn_question_is_not_newly_approved_for_publication(con, board):
    first, _, _, question = board
    answer = acc.record_answer(con, PCC, question, body="Explained.", answered_by="ACC Jones",
                               answered_on="2015-08-20", meeting_id=first.meeting_id)
    acc.withdraw_question(con, PCC, question, reason=REASON)
    for kind, number in (("question", question), ("answer", answer)):
        with pytest.raises(CannotRelease, match=f"Question {question} was withdrawn \\(withdrawn on .* so neither it "
                                                "nor an answer or decision on it is approved for publication"):
            release(con, PCC, kind, number)
    assert con.execute("SELECT count(*) FROM loop_release").fetchall()[0][0] == 0


def test_a_draft_whose_earlier_question_was_withdrawn_is_not_drafted_again_while_its_figures_stand(wh):
    """The pack's drafted questions weigh a withdrawn question as settled: the draft on its measure and area is not
    put again unless its figures have moved since."""
    month, board = dt.date(2015, 7, 1), dt.date(2015, 8, 20)
    with warehouse.connect(wh) as con:
        analytics = PlanAnalytics(plan_figures(con))
        draft = draft_questions(analytics.status(month))[0]
        earlier = acc.add_meeting(con, PCC, held_on="2015-08-13")
        number = acc.ask(con, PCC, earlier.meeting_id, draft.text, source="drafted", measure=draft.measure_id,
                         area=draft.areas[0], period=month,
                         figures=acc.figures_for(analytics, draft.measure_id, draft.areas[0], month))
        assert any(q.startswith(draft.text) for q in build_pack(con, board, "pccdash tests").questions)
        acc.withdraw_question(con, PCC, number, reason="Overtaken by the force's own review", on="2015-08-14")
        pack = build_pack(con, board, "pccdash tests")
    assert not any(draft.text in q for q in pack.questions)


def test_a_question_withdrawn_before_the_meeting_it_was_put_to_is_not_carried_into_its_pack(con, monkeypatch):
    board = acc.add_meeting(con, PCC, held_on="2015-08-20")
    with monkeypatch.context() as clock:  # drafted on 5 August for the Board of 20 August
        clock.setattr("pipelines.accountability.records.utc_now", lambda: dt.datetime(2015, 8, 5, 10, 0))
        number = acc.ask(con, PCC, board.meeting_id, "Prepared by mistake: how many hubs are open?")
    assert any("how many hubs are open" in q for q in build_pack(con, board.held_on, "pccdash tests").questions)
    acc.withdraw_question(con, PCC, number, reason="Put by mistake", on="2015-08-10")
    assert not any("how many hubs are open" in q for q in build_pack(con, board.held_on, "pccdash tests").questions)


def test_meetings_withdraw_question_and_show_say_it_withdrawn(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
    result = run_cli("meetings", "withdraw-question", str(question), "--reason", REASON, "--on", "2015-09-01",
                     "--db", wh, "--as", "analyst@example.org")
    assert result.exit_code == 0, result.stderr
    assert " ".join(result.stdout.split()) == (
        f"Question {question}: Withdrawn on 1 September 2015 by analyst@example.org: {REASON}.")
    again = run_cli("meetings", "withdraw-question", str(question), "--reason", "Again", "--db", wh,
                    "--as", "analyst@example.org")
    assert again.exit_code != 0 and "Traceback" not in again.stderr + again.stdout
    assert f"Question {question} is already withdrawn" in again.stderr
    shown = run_cli("meetings", "show", str(first.meeting_id), "--db", wh)
    assert shown.exit_code == 0, shown.stderr
    out = " ".join(shown.stdout.split())
    assert f"Where it stands: Withdrawn on 1 September 2015 by analyst@example.org: {REASON}" in out
    assert "No answer recorded yet" not in out and 'For "pccdash release"' not in out
    helped = run_cli("meetings", "withdraw-question", "--help")
    assert helped.exit_code == 0 and "pccdash meetings withdraw-question 4 --reason" in helped.stdout
    assert "pccdash meetings withdraw-question" in run_cli("meetings", "--help").stdout


def test_a_question_is_withdrawn_from_the_meetings_page_with_a_reason(monkeypatch, wh):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-01")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
    at = internal(monkeypatch, wh, "internal_pages/meetings.py", ANALYST)
    assert not at.exception
    (button,) = [b for b in at.button if b.label == "Withdraw question"]
    button.click().run()  # no reason given: refused in a sentence, nothing kept
    assert "reason for withdrawing the question is empty" in texts(at)
    with warehouse.connect(wh, create=False) as con:
        assert acc.questions(con)[0].withdrawal is None
    at.text_input(key=f"withdraw_reason_{question}").set_value(REASON)
    (button,) = [b for b in at.button if b.label == "Withdraw question"]
    button.click().run()
    assert not at.exception, at.exception
    with warehouse.connect(wh, create=False) as con:
        (q,) = acc.questions(con)
    assert q.withdrawal is not None and q.withdrawal.reason == REASON and q.withdrawal.withdrawn_by == ANALYST["email"]
    shown = texts(at).replace("**", "")
    assert f"Where it stands: Withdrawn on 1 September 2015 by analyst@example.org: {REASON}" in shown
    assert not [b for b in at.button if b.label == "Withdraw question"], "withdrawn once: no control offered again"



def test_the_list_of_meetings_counts_the_questions_withdrawn_apart(monkeypatch, wh, run_cli):
    """Regression: "pccdash meetings" and the Meetings page's list of meetings counted a withdrawn question among
    the questions put at its meeting as any other, with nothing to say that it awaits nothing more."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-01")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        acc.ask(con, PCC, first.meeting_id, "How many cases were dropped?")
        acc.ask(con, PCC, second.meeting_id, "What did victims say?")
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-01")
    result = run_cli("meetings", "--db", wh)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Meeting", "Date", "Title", "Reporting", "month", "Questions", "Of", "which",
                                "withdrawn", "Open", "actions", "Of", "which", "overdue"]
    # the newest first: the second meeting's one question stands, the first's two were put and one withdrawn
    assert lines[1].split()[0] == str(second.meeting_id) and lines[1].split()[-4:] == ["1", "0", "0", "0"]
    assert lines[2].split()[0] == str(first.meeting_id) and lines[2].split()[-4:] == ["2", "1", "0", "0"]
    helped = " ".join(run_cli("meetings", "--help").stdout.split())
    assert "how many of those were withdrawn since" in helped

    at = internal(monkeypatch, wh, "internal_pages/meetings.py", ANALYST)
    assert not at.exception, at.exception
    listed = at.dataframe[0].value
    counts = {int(r["Meeting"]): (int(r["Questions put"]), int(r["Of which withdrawn"])) for _, r in listed.iterrows()}
    assert counts == {first.meeting_id: (2, 1), second.meeting_id: (1, 0)}


def test_a_decision_on_a_question_withdrawn_since_is_not_due_to_be_looked_at_again(con, board):
    """Regression: a decision awaiting evidence "to be looked at again by 10 October 2015" on a question withdrawn
    since was carried under "Decisions due to be looked at again", said overdue and counted, at every later Board,
    though nothing more is asked of a withdrawn question."""
    first, second, third, question = board
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="awaiting_evidence",
               rationale="The review's findings are needed.", evidence=[], follow_up="2015-10-10")
    later = acc.add_meeting(con, PCC, held_on="2015-11-19")
    assert [d.question_id for d in acc.carried_forward(con, later.held_on).follow_ups] == [question]
    acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-10-01")
    assert acc.carried_forward(con, later.held_on).follow_ups == []
    section = since_last_meeting(con, later.held_on)
    assert "looked at again" not in section.counts
    assert not any(t.heading.startswith("Decisions due to be looked at again") for t in section.tables)
    # the October Board, which the decision came to, lists it among the decisions since, and not as late
    section = since_last_meeting(con, third.held_on)
    (row,) = next(t for t in section.tables if t.heading.startswith("Decisions since")).rows
    assert row[4].endswith("to be looked at again by 10 October 2015 (not needed: the question was withdrawn on "
                           "1 October 2015).")
    assert "due to be looked at again" not in section.counts


def test_an_answer_awaited_of_a_question_withdrawn_since_is_not_said_overdue(wh, run_cli):
    """Regression: a question withdrawn while its answer was awaited read "Withdrawn on ...; Answer awaited by 5
    October 2015 (overdue)" in the pack, on the Meetings page and in "pccdash meetings show", as if the force were
    late with an answer no longer asked for."""
    with warehouse.connect(wh, create=False) as con:
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        third = acc.add_meeting(con, PCC, held_on="2015-10-15")
        question = acc.ask(con, PCC, second.meeting_id, QUESTION)
        acc.await_answer(con, PCC, question, awaited_by="2015-10-05", note="The force will report in writing.")
        assert "Answer awaited by 5 October 2015 (overdue)" in acc.questions(con)[0].where(as_of=third.held_on)
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-10-01")
        (q,) = acc.questions(con)
        assert q.where(as_of=third.held_on) == (f"Withdrawn on 1 October 2015 by pcc@example.org: {REASON}; Answer "
                                                "awaited by 5 October 2015")
        (row,) = next(t for t in since_last_meeting(con, third.held_on).tables
                      if t.heading.startswith("Asked at the last meeting")).rows
    assert row[1] == (f"Withdrawn on 1 October 2015 by pcc@example.org: {REASON}. Answer awaited by 5 October 2015: "
                      "The force will report in writing.")
    shown = run_cli("meetings", "show", str(second.meeting_id), "--db", wh)
    assert shown.exit_code == 0, shown.stderr
    out = " ".join(shown.stdout.split())
    assert "Answer awaited by 5 October 2015: The force will report in writing" in out and "(overdue)" not in out


def test_meetings_show_counts_the_questions_withdrawn_apart(wh, run_cli):
    """Regression: "pccdash meetings show N" headed its list "Questions (2)" when one of the two was withdrawn,
    counting it as any other, where "pccdash meetings" and the pack count it apart."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        acc.ask(con, PCC, first.meeting_id, "How many cases were dropped?")
        acc.ask(con, PCC, second.meeting_id, "What did victims say?")
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-01")
    shown = run_cli("meetings", "show", str(first.meeting_id), "--db", wh)
    assert shown.exit_code == 0, shown.stderr
    assert "Questions (2, 1 withdrawn)" in shown.stdout.splitlines()
    shown = run_cli("meetings", "show", str(second.meeting_id), "--db", wh)
    assert shown.exit_code == 0, shown.stderr
    assert "Questions (1)" in shown.stdout.splitlines()


def test_meetings_show_counts_apart_a_question_answered_at_it_and_withdrawn_since(wh, run_cli):
    """Regression: "Answered at it, asked at earlier meetings (2)" counted a question withdrawn since as any other,
    where the list of questions put at a meeting counts it apart."""
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        other = acc.ask(con, PCC, first.meeting_id, "How many cases were dropped?")
        for asked in (question, other):
            acc.record_answer(con, PCC, asked, body="A review is under way.", answered_by="ACC Jones",
                              answered_on="2015-09-17", meeting_id=second.meeting_id)
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-20")
    shown = run_cli("meetings", "show", str(second.meeting_id), "--db", wh)
    assert shown.exit_code == 0, shown.stderr
    assert "Answered at it, asked at earlier meetings (2, 1 withdrawn)" in shown.stdout.splitlines()


def test_an_action_on_a_question_withdrawn_since_says_so_wherever_it_is_shown(monkeypatch, wh, run_cli):
    """Regression: an action agreed on a question withdrawn since stayed overdue, rightly, as actions are followed up
    on their own until closed, but nothing where it was shown (the Actions page, the pack, "pccdash actions") said
    that its question was withdrawn, for the office to close it or keep it knowingly."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-01")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        second = acc.add_meeting(con, PCC, held_on="2015-09-17")
        third = acc.add_meeting(con, PCC, held_on="2015-10-15")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        action = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on the charging backlog",
                                owner="ACC Jones", due_on="2015-09-10", question_id=question)
        other = acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Meet the victims' groups",
                               owner="ACC Jones", due_on="2015-09-10")
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-17")
        # the September Board opened with the question still to be asked: its pack says nothing of a withdrawal
        september = since_last_meeting(con, second.held_on)
        october = since_last_meeting(con, third.held_on)
    rows = {r[0]: r[3] for r in next(t for t in september.tables if t.heading == "Actions overdue").rows}
    assert rows == {"Report on the charging backlog": "Overdue", "Meet the victims' groups": "Overdue"}
    rows = {r[0]: r[3] for r in next(t for t in october.tables if t.heading == "Actions overdue").rows}
    assert rows == {"Report on the charging backlog": "Overdue: its question was withdrawn on 17 September 2015",
                    "Meet the victims' groups": "Overdue"}

    listed = run_cli("actions", "--db", wh)
    assert listed.exit_code == 0, listed.stderr
    out = " ".join(listed.stdout.split())
    assert (f"{action}. Report on the charging backlog Owner ACC Jones; from the {first.label} Overdue, due by 10 "
            "September 2015; its question was withdrawn on 17 September 2015") in out
    assert f"{other}. Meet the victims' groups" in out and out.count("withdrawn") == 1  # the other's question stands

    at = internal(monkeypatch, wh, "internal_pages/actions.py", ANALYST)
    assert not at.exception, at.exception
    shown = texts(at).replace("**", "")
    assert shown.count("Question withdrawn: on 17 September 2015; the action stays open until it is closed.") == 1

    with warehouse.connect(wh, create=False) as con:  # closed: nothing more to say of it
        acc.update_action(con, PCC, action, status="closed", note="Nothing more is wanted of it.", on="2015-10-01")
        (closed,) = [a for a in acc.actions(con) if a.action_id == action]
    assert closed.where(dt.date(2015, 10, 1)) == "Closed on 1 October 2015: Nothing more is wanted of it."


def test_a_withdrawal_dated_before_the_question_or_what_is_recorded_on_it_is_refused(con, board, monkeypatch):
    """Regression: a question could be withdrawn on a day before it was put, or before the answer or the decision
    recorded on it, and its record read backwards ("Withdrawn on 1 September 2015" of a question answered on 2
    September and decided on at the Board of 17 September)."""
    first, second, third, question = board
    with pytest.raises(acc.LoopError, match=f"^Question {question} cannot be withdrawn on 30 June 2015: it was put "
                                            f"to the {first.named}, on the figures for July 2015, so it stood to be "
                                            "asked from 1 July 2015, and a withdrawal comes after it. Give the day it "
                                            "was withdrawn, 1 July 2015 or later.$"):
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-06-30")
    acc.record_answer(con, PCC, question, body="A review is under way.", answered_by="ACC Jones",
                      answered_on="2015-09-02")
    with pytest.raises(acc.LoopError, match="cannot be withdrawn on 1 September 2015: it was answered by ACC Jones on "
                                            "2 September 2015, and a withdrawal comes after it. Give the day it was "
                                            "withdrawn, 2 September 2015 or later."):
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-01")
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="not_assured",
               rationale="The review has not reported.", evidence=[("answer", "The force's answer")])
    with pytest.raises(acc.LoopError, match=f'cannot be withdrawn on 16 September 2015: the decision on it \\("Not '
                                            f'assured"\\) was taken at the {second.named}, and a withdrawal comes '
                                            "after it. Give the day it was withdrawn, 17 September 2015 or later."):
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-16")
    assert con.execute("SELECT count(*) FROM question_withdrawal").fetchall()[0][0] == 0
    assert acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-17").on_day == dt.date(2015, 9, 17)

    # drafted ahead of its meeting: withdrawn before the meeting, from the day it was recorded
    with monkeypatch.context() as clock:
        clock.setattr("pipelines.accountability.records.utc_now", lambda: dt.datetime(2015, 10, 1, 10, 0))
        drafted = acc.ask(con, PCC, third.meeting_id, "How many hubs are open?")
    with pytest.raises(acc.LoopError, match=f"cannot be withdrawn on 30 September 2015: it was recorded on 1 October "
                                            f"2015, for the {third.named}, and a withdrawal comes after it. Give the "
                                            "day it was withdrawn, 1 October 2015 or later."):
        acc.withdraw_question(con, PCC, drafted, reason="Put by mistake", on="2015-09-30")
    assert acc.withdraw_question(con, PCC, drafted, reason="Put by mistake", on="2015-10-01").on_day < third.held_on


def test_meetings_withdraw_question_refuses_a_day_before_its_answer_or_after_today(wh, run_cli):
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        acc.record_answer(con, PCC, question, body="A review is under way.", answered_by="ACC Jones",
                          answered_on="2015-09-02")
    early = run_cli("meetings", "withdraw-question", str(question), "--reason", REASON, "--on", "2015-09-01",
                    "--db", wh, "--as", "analyst@example.org")
    assert early.exit_code != 0 and "Traceback" not in early.stderr + early.stdout
    said = " ".join(early.stderr.split())
    assert (f"Question {question} cannot be withdrawn on 1 September 2015: it was answered by ACC Jones on 2 "
            "September 2015, and a withdrawal comes after it. Give the day it was withdrawn, 2 September 2015 or "
            "later.") in said
    later = run_cli("meetings", "withdraw-question", str(question), "--reason", REASON, "--on", "2030-01-01",
                    "--db", wh, "--as", "analyst@example.org")
    assert later.exit_code != 0 and "Traceback" not in later.stderr + later.stdout
    assert "1 January 2030 is after today (21 November 2026)" in " ".join(later.stderr.split())
    with warehouse.connect(wh, create=False) as con:
        assert acc.questions(con)[0].withdrawal is None
    done = run_cli("meetings", "withdraw-question", str(question), "--reason", REASON, "--on", "2015-09-02",
                   "--db", wh, "--as", "analyst@example.org")
    assert done.exit_code == 0, done.stderr
    assert "Withdrawn on 2 September 2015" in " ".join(done.stdout.split())


def test_the_meetings_page_withdraws_a_question_on_the_day_given_and_not_before_its_answer(monkeypatch, wh):
    """Regression: the Meetings page withdrew a question on the day the button was pressed only, where "pccdash
    meetings withdraw-question --on" gives the day it was taken off."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-01")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        acc.record_answer(con, PCC, question, body="A review is under way.", answered_by="ACC Jones",
                          answered_on="2015-09-02")
    at = internal(monkeypatch, wh, "internal_pages/meetings.py", ANALYST)
    assert not at.exception, at.exception
    at.text_input(key=f"withdraw_reason_{question}").set_value(REASON)
    at.date_input(key=f"withdraw_on_{question}").set_value(dt.date(2015, 9, 1))
    (button,) = [b for b in at.button if b.label == "Withdraw question"]
    button.click().run()
    assert not at.exception, at.exception
    assert any(f"Question {question} cannot be withdrawn on 1 September 2015: it was answered by ACC Jones on 2 "
               "September 2015" in e.value for e in at.error)
    with warehouse.connect(wh, create=False) as con:
        assert acc.questions(con)[0].withdrawal is None
    at.date_input(key=f"withdraw_on_{question}").set_value(dt.date(2015, 9, 3))
    (button,) = [b for b in at.button if b.label == "Withdraw question"]
    button.click().run()
    assert not at.exception, at.exception
    with warehouse.connect(wh, create=False) as con:
        (q,) = acc.questions(con)
    assert q.withdrawal is not None and q.withdrawal.on_day == dt.date(2015, 9, 3)


def test_nothing_is_recorded_on_a_question_after_the_day_it_was_withdrawn(con, board, monkeypatch):
    """Regression: an answer given after a question was withdrawn, an answer awaited of it, and a decision on it at a
    later Board were all recorded, and the question read "Withdrawn on 1 September 2015 ...; decision: Assured", though
    a withdrawn question is not taken further at the Board. What came by the day it was withdrawn, recorded late,
    is still recorded."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, third, question = board
    acc.withdraw_question(con, PCC, question, reason="Overtaken by the force's review.", on="2015-09-17")
    withdrawn = f"^Question {question} was withdrawn on 17 September 2015 \\(Overtaken by the force's review\\), so "
    again = ("a withdrawn question is not taken further at the Board\\. What came on or before 17 September 2015 can "
             "still be recorded\\. If the Board takes the matter up again, put it as a new question at the meeting it "
             "is taken up at, and record this on that question\\.$")
    with pytest.raises(acc.LoopError, match=withdrawn + "an answer given on 18 September 2015 is not recorded on "
                                            "it: " + again):
        acc.record_answer(con, PCC, question, body="Late.", answered_by="ACC Jones", answered_on="2015-09-18")
    with pytest.raises(acc.LoopError, match=withdrawn + f"an answer given at the {third.label} is not recorded on "
                                            "it: " + again):
        acc.record_answer(con, PCC, question, body="Late.", answered_by="ACC Jones", answered_on="2015-09-17",
                          meeting_id=third.meeting_id)
    with pytest.raises(acc.LoopError, match=withdrawn + f"no decision on it is taken at the {third.label}: "
                                            + again):
        acc.decide(con, PCC, meeting_id=third.meeting_id, question_id=question, decision="assured",
                   rationale="Explained.", evidence=[("answer", "The force's answer")])
    with pytest.raises(acc.LoopError, match=withdrawn + "no answer is awaited of it: a withdrawn question is not "
                                            "taken further at the Board. If the Board takes the matter up again"):
        acc.await_answer(con, PCC, question, awaited_by="2015-11-01")
    assert con.execute("SELECT count(*) FROM question_answer").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM assurance_decision").fetchall()[0][0] == 0
    # what came by the day it was withdrawn is recorded late all the same
    acc.record_answer(con, PCC, question, body="A review is under way.", answered_by="ACC Jones",
                      answered_on="2015-09-17", meeting_id=second.meeting_id)
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="not_assured",
               rationale="The review has not reported.", evidence=[("answer", "The force's answer")])
    (q,) = acc.questions(con)
    assert q.where().startswith("Withdrawn on 17 September 2015 by pcc@example.org: Overtaken by the force's review")
    assert q.where().endswith("decision: Not assured")


def test_the_meetings_page_records_nothing_on_a_question_after_the_day_it_was_withdrawn(monkeypatch, wh):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-01")
    with warehouse.connect(wh, create=False) as con:
        first = acc.add_meeting(con, PCC, held_on="2015-08-20")
        board = acc.add_meeting(con, PCC, held_on="2015-09-17")
        question = acc.ask(con, PCC, first.meeting_id, QUESTION)
        acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-01")
        with monkeypatch.context() as clock:  # drafted on 5 September, withdrawn before its Board
            clock.setattr("pipelines.accountability.records.utc_now", lambda: dt.datetime(2015, 9, 5, 10, 0))
            drafted = acc.ask(con, PCC, board.meeting_id, "How many hubs are open?")
        acc.withdraw_question(con, PCC, drafted, reason="Put by mistake", on="2015-09-10")
    at = internal(monkeypatch, wh, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(first.meeting_id).run()
    assert not at.exception, at.exception
    assert ("Withdrawn on 1 September 2015: an answer the force gave by that day can still be recorded; a withdrawn "
            "question is not taken further at the Board") in texts(at)
    assert not [b for b in at.button if b.label == "Record answer awaited"]
    assert [b for b in at.button if b.key == f"decision_{question}_save"]  # at its own Board, before it was withdrawn
    at.text_area(key=f"answer_body_{question}").set_value("A review is under way.")
    at.text_input(key=f"answer_by_{question}").set_value("ACC Jones")
    at.date_input(key=f"answer_on_{question}").set_value(dt.date(2015, 9, 2))
    at.checkbox(key=f"answer_here_{question}").uncheck()
    (button,) = [b for b in at.button if b.label == "Record answer"]
    button.click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith(f"Question {question} was withdrawn on 1 September 2015 ({REASON}), so an answer "
                                  "given on 2 September 2015 is not recorded on it") for e in at.error)
    with warehouse.connect(wh, create=False) as con:
        assert acc.questions(con)[0].answers == []

    # withdrawn before the Board it was put to: it was never asked there, so neither an answer nor a decision
    at.selectbox(key="meeting_pick").set_value(board.meeting_id).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Withdrawn on 10 September 2015, before the meeting it was put to: it was not asked" in shown
    assert "Withdrawn on 10 September 2015, before this meeting: no decision on it is taken here." in shown
    assert not [b for b in at.button if b.label in ("Record answer", "Record answer awaited")
                or b.key == f"decision_{drafted}_save"]


def test_a_question_typed_in_after_its_meeting_may_be_recorded_as_withdrawn_before_it(con, board, box, monkeypatch):
    """Regression: an office back-filling last month's Board could not record that a question put to it was withdrawn
    the day before it: typed in after the meeting, the question stood only from the meeting's day. It stands from its
    own earliest day: the day after the last Board before its own, or the day its sender sent it."""
    first, second, third, question = board
    late = acc.ask(con, PCC, second.meeting_id, "How many hubs are open?")  # typed in long after the Board
    with pytest.raises(acc.LoopError, match=f"^Question {late} cannot be withdrawn on 20 August 2015: it was put to "
                                            f"the {second.named}, and not to the {first.named} before it, so it stood "
                                            "to be asked from 21 August 2015, and a withdrawal comes after it. Give "
                                            "the day it was withdrawn, 21 August 2015 or later.$"):
        acc.withdraw_question(con, PCC, late, reason="Put by mistake", on="2015-08-20")
    withdrawn = acc.withdraw_question(con, PCC, late, reason="Put by mistake", on="2015-09-16")
    assert withdrawn.on_day == dt.date(2015, 9, 16)
    # withdrawn before its Board: not carried into the pack made again for it, nor asked at it
    assert not any("How many hubs are open" in q for q in build_pack(con, second.held_on, "pccdash tests").questions)

    # from the public: it stood from the day its sender sent it, before the Board before its own as well
    receipt = inbox.submit("Why are CSE charges down in Rotherham?", None, None,
                           now=dt.datetime(2015, 8, 1, 9, 0, tzinfo=dt.UTC))
    moderation.import_inbox(con, ANALYST)
    public = moderation.accept(con, ANALYST, receipt, edited_body="Why are CSE charges down in Rotherham?",
                               meeting_id=second.meeting_id)
    with pytest.raises(acc.LoopError, match=f"^Question {public} cannot be withdrawn on 31 July 2015: its sender sent "
                                            f"it on 1 August 2015, for the {second.named}, and a withdrawal comes "
                                            "after it. Give the day it was withdrawn, 1 August 2015 or later.$"):
        acc.withdraw_question(con, PCC, public, reason="The sender asked", on="2015-07-31")
    assert acc.withdraw_question(con, PCC, public, reason="The sender asked", on="2015-08-10").on_day == dt.date(
        2015, 8, 10)
    # sent once its Board was held: the day it was sent says nothing earlier, so it goes as any other question does
    receipt = inbox.submit("Why are CSE arrests down in Barnsley?", None, None,
                           now=dt.datetime(2015, 9, 20, 9, 0, tzinfo=dt.UTC))
    moderation.import_inbox(con, ANALYST)
    after = moderation.accept(con, ANALYST, receipt, edited_body="Why are CSE arrests down in Barnsley?",
                              meeting_id=second.meeting_id)
    with pytest.raises(acc.LoopError, match=f"^Question {after} cannot be withdrawn on 20 August 2015: it was put to "
                                            f"the {second.named}, and not to the {first.named} before it"):
        acc.withdraw_question(con, PCC, after, reason="The sender asked", on="2015-08-20")


def test_a_meeting_is_not_moved_past_the_withdrawal_of_a_question_answered_or_decided_at_it(con, board):
    """Regression: a Board at which a question was decided on could be moved to a day after the question was
    withdrawn, and the record read that a decision was taken on a question already withdrawn, which recording it
    there would have refused."""
    first, second, third, question = board
    acc.decide(con, PCC, meeting_id=second.meeting_id, question_id=question, decision="not_assured",
               rationale="The review has not reported.", evidence=[("answer", "The force's answer")])
    acc.withdraw_question(con, PCC, question, reason=REASON, on="2015-09-20")
    with pytest.raises(acc.LoopError, match=f"^The {second.label} cannot move to 24 September 2015: question "
                                            f"{question}, decided on at it, was withdrawn on 20 September 2015\\."):
        acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-24", reason="Put back a week")
    assert acc.get_meeting(con, second.meeting_id).held_on == second.held_on
    assert acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-20", reason="Put back").held_on == dt.date(
        2015, 9, 20)


def test_no_action_is_agreed_on_a_question_at_a_meeting_after_it_was_withdrawn(con, board, monkeypatch):
    """Regression: an action on a question withdrawn on 1 September could be agreed at the Board of 15 October, and
    the question read as taken further at a Board after it was taken off, which an answer or a decision there is
    refused. Nor does a meeting move past the withdrawal, nor a withdrawal go before the meeting, once an action on
    the question was agreed at it."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    first, second, third, question = board
    kept = acc.ask(con, PCC, first.meeting_id, "How many hubs are open?")
    acc.add_action(con, PCC, meeting_id=second.meeting_id, body="Report on the hubs", owner="ACC Jones",
                   due_on="2015-10-01", question_id=kept)
    with pytest.raises(acc.LoopError, match=f"^Question {kept} cannot be withdrawn on 16 September 2015: action 1 on "
                                            f"it was agreed at the {second.named}, and a withdrawal comes after it\\. "
                                            "Give the day it was withdrawn, 17 September 2015 or later\\.$"):
        acc.withdraw_question(con, PCC, kept, reason="Put by mistake", on="2015-09-16")
    acc.withdraw_question(con, PCC, kept, reason="Put by mistake", on="2015-09-17")
    with pytest.raises(acc.LoopError, match=f"^The {second.label} cannot move to 18 September 2015: question {kept}, "
                                            "given an action at it, was withdrawn on 17 September 2015\\."):
        acc.move_meeting(con, PCC, second.meeting_id, to="2015-09-18", reason="Put back a day")

    acc.withdraw_question(con, PCC, question, reason="Overtaken by the force's review.", on="2015-09-01")
    with pytest.raises(acc.LoopError, match=f"^Question {question} was withdrawn on 1 September 2015 \\(Overtaken by "
                                            f"the force's review\\), so no action on it is agreed at the "
                                            f"{third.label}: a withdrawn question is not taken further at the Board\\."
                                            " What came on or before 1 September 2015 can still be recorded\\. If the "
                                            "Board takes the matter up again, put it as a new question at the meeting "
                                            "it is taken up at, and record this on that question\\.$"):
        acc.add_action(con, PCC, meeting_id=third.meeting_id, body="Report on the charging backlog",
                       owner="ACC Jones", due_on="2015-11-01", question_id=question)
    assert [a.question_id for a in acc.actions(con)] == [kept]
    # agreed at its own Board, before it was withdrawn, and recorded late: still taken
    acc.add_action(con, PCC, meeting_id=first.meeting_id, body="Report on the charging backlog", owner="ACC Jones",
                   due_on="2015-09-10", question_id=question)


def test_the_meetings_page_offers_no_action_on_a_question_withdrawn_before_the_meeting(monkeypatch, wh):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-10-20")
    with warehouse.connect(wh, create=False) as con:
        acc.add_meeting(con, PCC, held_on="2015-09-17")
        board = acc.add_meeting(con, PCC, held_on="2015-10-15")
        with monkeypatch.context() as clock:  # drafted on 1 October, withdrawn before its Board
            clock.setattr("pipelines.accountability.records.utc_now", lambda: dt.datetime(2015, 10, 1, 10, 0))
            drafted = acc.ask(con, PCC, board.meeting_id, "How many hubs are open?")
        kept = acc.ask(con, PCC, board.meeting_id, QUESTION)
        acc.withdraw_question(con, PCC, drafted, reason="Put by mistake", on="2015-10-02")
    at = internal(monkeypatch, wh, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(board.meeting_id).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="action_question").options == ["No question in particular", f"Question {kept}"]
