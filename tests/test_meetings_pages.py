"""The Meetings and questions and Actions pages keep the accountability loop as a person works it (a meeting recorded,
questions put with their figures, answers awaited and given, decisions by the Commissioner only, actions added and
closed), show what people typed as inert text, and refuse an account without a role; and a question is carried
through three meetings as pipelines.accountability.carried_forward says."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dashboard_helpers import ANALYST, NO_ROLE, PCC, copy_warehouse, internal, texts

from pipelines import accountability as acc
from pipelines import warehouse

MEETINGS, ACTIONS = "internal_pages/meetings.py", "internal_pages/actions.py"


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


def said(at) -> str:
    """What the page says, as read: Markdown's bold marks taken out too."""
    return texts(at).replace("**", "")


def press(at, label: str):
    """Press the (form's or page's) button labelled `label`; exactly one must show."""
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def record(wh, fn, *args, **kwargs):
    with warehouse.connect(wh, create=False) as con:
        return fn(con, *args, **kwargs)


def read(wh, fn, *args):
    with warehouse.connect(wh, create=False) as con:
        return fn(con, *args)


def test_the_commissioner_keeps_the_loop_from_the_pages(monkeypatch, wh):
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert not at.exception
    assert "Holding the force to account is a loop" in said(at) and "No meeting is recorded yet" in said(at)

    # a meeting
    at.date_input(key="meeting_day").set_value(dt.date(2015, 8, 20))
    at.selectbox(key="meeting_kind").set_value("pab")
    press(at, "Record meeting")
    (meeting,) = read(wh, acc.meetings)
    assert meeting.label == "Public Accountability Board, 20 August 2015"
    assert at.selectbox(key="meeting_pick").value == meeting.meeting_id
    shown = said(at)
    assert "Reporting month: July 2015" in shown and "none yet (the Briefing pack page produces one)" in shown

    # the drafted questions, each with its figures as they stood
    (put,) = [b for b in at.button if b.label.startswith("Put these questions")]
    drafted = int(put.label.split("(")[1].rstrip(")"))
    assert drafted > 0
    press(at, put.label)
    asked = read(wh, acc.questions)
    assert len(asked) == drafted and {q.source for q in asked} == {"drafted"}
    assert [t.value for t in at.toast] == [f"{drafted} question{'' if drafted == 1 else 's'} put."]
    assert all(q.measure and q.area and q.period == dt.date(2015, 7, 1) and q.figures for q in asked)
    assert asked[0].figures[0]["label"] == "July 2015"
    assert not [b for b in at.button if b.label.startswith("Put these questions")]  # none put twice
    shown = said(at)
    assert f"Question {asked[0].question_id}. {asked[0].body}" in shown
    assert f"Figures when asked: {acc.figures_line(asked[0].figures, asked[0].measure)}" in shown
    assert "No answer recorded yet" in shown

    # an answer awaited, then given
    q = asked[0].question_id
    at.date_input(key=f"await_by_{q}").set_value(dt.date(2015, 9, 10))
    _press_in(at, f"await_form_{q}")
    assert "Answer awaited by 10 September 2015" in said(at)
    at.text_area(key=f"answer_body_{q}").input("Charges follow the investigations opened a year before.")
    at.text_input(key=f"answer_by_{q}").input("ACC Jones")
    at.date_input(key=f"answer_on_{q}").set_value(dt.date(2015, 9, 2))
    _press_in(at, f"answer_form_{q}")  # "Given at this meeting", ticked: the Board was over by 2 September
    assert [e.value for e in at.error] == [
        f"An answer given at a meeting is dated on or before its day: the {meeting.label} was held before 2 September "
        "2015, the day of the answer. Give the day the force answered, or record the answer as given in writing, or "
        "at the meeting it was given at."]
    at.checkbox(key=f"answer_here_{q}").uncheck()  # given in writing
    _press_in(at, f"answer_form_{q}")
    (question,) = [x for x in read(wh, acc.questions) if x.question_id == q]
    assert [a.state for a in question.answers] == ["awaited", "answered"]
    assert question.answer.answered_by == "ACC Jones" and question.answer.meeting_id is None
    assert "Answered by ACC Jones on 2 September 2015" in said(at)

    # the Commissioner's decision, with the evidence considered
    at.selectbox(key=f"decision_{q}_scale").set_value("partly_assured")
    at.text_area(key=f"decision_{q}_why").input("Progress, but the figures have not yet moved.")
    at.multiselect(key=f"decision_{q}_kinds").select("answer").select("figures")
    at.run()
    at.text_area(key=f"decision_{q}_ev_answer").input("ACC Jones's answer of 2 September")
    at.text_area(key=f"decision_{q}_ev_figures").input("Charges, July 2015")
    at.checkbox(key=f"decision_{q}_follows").check()
    at.run()
    at.date_input(key=f"decision_{q}_follow").set_value(dt.date(2015, 12, 17))
    at.button(key=f"decision_{q}_save").click().run()
    assert not at.exception
    (decision,) = read(wh, acc.decisions)
    assert (decision.question_id, decision.decision, decision.follow_up) == (q, "partly_assured", dt.date(2015, 12, 17))
    assert decision.evidence == [{"kind": "answer", "text": "ACC Jones's answer of 2 September"},
                                 {"kind": "figures", "text": "Charges, July 2015"}]
    shown = said(at)
    assert "decision: Partly assured" in shown and "Follow up by 17 December 2015" in shown

    # a decision on a theme
    at.text_input(key="theme_name").input("Protecting Vulnerable People")
    at.selectbox(key="decision_theme_scale").set_value("awaiting_evidence")
    at.text_area(key="decision_theme_why").input("The hub's review reports in October.")
    at.run()
    at.button(key="decision_theme_save").click().run()
    assert not at.exception, at.exception
    assert [d.theme for d in read(wh, acc.decisions)] == [None, "Protecting Vulnerable People"]
    assert "Protecting Vulnerable People: Awaiting evidence" in said(at)

    # an action, closed on the Actions page
    at.text_area(key="action_body").input("Report on the charging backlog")
    at.text_input(key="action_owner").input("ACC Jones")
    at.date_input(key="action_due_on").set_value(dt.date(2015, 10, 15))
    at.selectbox(key="action_question").set_value(q)
    press(at, "Add action")
    (action,) = read(wh, acc.actions)
    assert (action.body, action.owner, action.due_on, action.question_id) == (
        "Report on the charging backlog", "ACC Jones", dt.date(2015, 10, 15), q)
    assert "Overdue, due by 15 October 2015" in said(at)  # today is 21 November 2026

    at = internal(monkeypatch, wh, ACTIONS, PCC)
    assert not at.exception
    shown = said(at)
    assert "Action 1. Report on the charging backlog" in shown and "Overdue" in shown
    assert "the Public Accountability Board, 20 August 2015, on question" in shown
    at.radio(key="action_status_1").set_value("in_progress")
    at.text_area(key="action_note_1").input("Draft report seen.")
    press(at, "Save")
    assert read(wh, acc.actions)[0].status == "in_progress"
    at.radio(key="action_status_1").set_value("closed")
    at.text_area(key="action_note_1").input("Report received and read.")
    press(at, "Save")
    (action,) = read(wh, acc.actions)
    assert action.closed and [u.status for u in action.updates] == ["open", "in_progress", "closed"]
    assert "No action is open" in said(at)
    assert at.dataframe[0].value["Closing note"].tolist() == ["Report received and read."]


def _press_in(at, form: str):
    """Press the submit button of the form `form`."""
    (button,) = [b for b in at.button if b.form_id == form]
    button.click().run()
    assert not at.exception, at.exception


def test_an_analyst_sees_the_decision_form_disabled_and_still_records_an_answer(monkeypatch, wh):
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert not at.exception
    assert at.button(key=f"decision_{q}_save").disabled and at.button(key="decision_theme_save").disabled
    assert at.selectbox(key=f"decision_{q}_scale").disabled
    assert "The Mayor decides on assurance" in said(at)
    at.text_area(key=f"answer_body_{q}").input("A written answer.")
    at.text_input(key=f"answer_by_{q}").input("DCI Smith")
    _press_in(at, f"answer_form_{q}")
    (question,) = read(wh, acc.questions)
    assert question.answer.body == "A written answer." and question.answer.recorded_by == "analyst@example.org"
    assert read(wh, acc.decisions) == []


def test_the_form_for_a_decision_on_a_theme_says_it_settles_no_question(monkeypatch, wh):
    """Regression: the form for a decision on a theme said nothing of what it settles, and a decision on a theme
    was taken to settle the questions under it, which stay open until a decision on each of them."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20", kind="themed",
                     title="Protecting Vulnerable People")
    record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert not at.exception, at.exception
    (form,) = [e for e in at.expander if e.label == "Record a decision on a theme"]
    assert [c.value for c in form.caption] == [
        "A decision on a theme is the Mayor's view of the theme as a whole and settles no question: a "
        "question is settled by a decision on it, recorded with the question above."]


def test_a_refusal_is_said_and_nothing_is_kept(monkeypatch, wh):
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    at.text_input(key=f"answer_by_{q}").input("ACC Jones")
    _press_in(at, f"answer_form_{q}")
    assert "The answer is empty; write it, then save." in [e.value for e in at.error]
    at.text_area(key="action_body").input("Report back")
    press(at, "Add action")
    assert "The action's owner is empty; write it, then save." in [e.value for e in at.error]
    assert read(wh, acc.actions) == [] and read(wh, acc.questions)[0].answers == []
    # what was typed stays for the person to put right (the forms are not emptied on submit, which the browser
    # does whatever the answer); once saved, the form is empty again
    assert at.text_input(key=f"answer_by_{q}").value == "ACC Jones" and at.text_area(key="action_body").value == (
        "Report back")
    at.text_input(key="action_owner").input("ACC Jones")
    press(at, "Add action")
    assert [a.body for a in read(wh, acc.actions)] == ["Report back"]
    assert at.text_area(key="action_body").value == "" and at.text_input(key="action_owner").value == ""


def _uploader_in(at, form: str):
    """The file uploader of the form `form` (drawn under a key that moves on each time a save empties it)."""
    (uploader,) = [u for u in at.file_uploader if u.form_id == form]
    return uploader


def test_an_answers_document_stays_on_a_refusal_and_goes_once_the_answer_is_saved(monkeypatch, wh):
    """Regression: the other fields of the answer form were emptied after a save, but the attached document stayed
    in its uploader, so the next answer recorded carried it again."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    _uploader_in(at, f"answer_form_{q}").upload("review.pdf", b"%PDF-1.4 the review", "application/pdf")
    at.text_input(key=f"answer_by_{q}").input("ACC Jones")
    _press_in(at, f"answer_form_{q}")  # no answer written: refused, and the document kept
    assert "The answer is empty; write it, then save." in [e.value for e in at.error]
    assert read(wh, acc.questions)[0].answers == []
    assert _uploader_in(at, f"answer_form_{q}").value.name == "review.pdf"

    at.text_area(key=f"answer_body_{q}").input("The review is attached.")
    _press_in(at, f"answer_form_{q}")
    (answer,) = read(wh, acc.questions)[0].answers
    assert (answer.body, answer.document_name) == ("The review is attached.", "review.pdf")
    assert _uploader_in(at, f"answer_form_{q}").value is None and at.text_area(key=f"answer_body_{q}").value == ""

    at.text_area(key=f"answer_body_{q}").input("A second answer, with nothing attached.")
    at.text_input(key=f"answer_by_{q}").input("ACC Jones")
    _press_in(at, f"answer_form_{q}")
    assert [(a.body, a.document_name) for a in read(wh, acc.questions)[0].answers] == [
        ("The review is attached.", "review.pdf"), ("A second answer, with nothing attached.", None)]


def test_an_assurance_decision_is_recorded_once_however_often_its_button_is_pressed(monkeypatch, wh):
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    at.text_area(key=f"decision_{q}_why").input("Plausible; the figures are awaited.")
    at.selectbox(key=f"decision_{q}_scale").set_value("awaiting_evidence")
    at.button(key=f"decision_{q}_save").click().run()
    assert not at.exception and at.text_area(key=f"decision_{q}_why").value == "", "the form is empty once saved"
    with pytest.raises(acc.LoopError, match="already recorded"):  # and the same decision again is refused
        record(wh, acc.decide, PCC, meeting_id=meeting.meeting_id, question_id=q, decision="awaiting_evidence",
               rationale="Plausible; the figures are awaited.", evidence=[])
    assert len(read(wh, acc.decisions)) == 1


def test_the_commissioner_approves_an_answer_and_a_decision_after_reading_their_public_record(monkeypatch, wh):
    from pipelines.accountability.release import released

    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    awaited = record(wh, acc.await_answer, PCC, q, awaited_by="2015-09-01")
    answer = record(wh, acc.record_answer, PCC, q, body="A review is under way.", answered_by="ACC Jones",
                    answered_on="2015-09-02")
    decision = record(wh, acc.decide, PCC, meeting_id=meeting.meeting_id, question_id=q, decision="assured",
                      rationale="The review answers it.", evidence=[("answer", "ACC Jones")])
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert not [b for b in at.button if b.label == "Approve for publication"]  # the analyst may not release

    at = internal(monkeypatch, wh, MEETINGS, PCC)
    shown = said(at)
    assert "What the public record would say" in shown
    assert "Answer: A review is under way." in shown and "Answered on: 2 September 2015" in shown
    assert "Decision: Assured" in shown and "Rationale: The review answers it." in shown
    assert "Decided at: Public Accountability Board, 20 August 2015" in shown
    assert f"release_answer_{awaited}_save" not in [b.key for b in at.button]  # only an answer given is published
    at.text_area(key=f"release_decision_{decision}").input("The force's review answers the question.")
    at.button(key=f"release_decision_{decision}_save").click().run()
    assert not at.exception
    at.button(key=f"release_answer_{answer}_save").click().run()
    assert not at.exception
    approved = read(wh, released)
    assert [(r.kind, r.item_id) for r in approved] == [("decision", str(decision)), ("answer", str(answer))]
    assert approved[0].record["rationale"] == "The force's review answers the question."
    assert approved[1].record["answer"] == "A review is under way."
    assert "approving again replaces it" in said(at)


def test_the_commissioner_approves_a_published_questions_withdrawal_in_words_for_the_public(monkeypatch, wh):
    """A question approved for publication and then withdrawn: the page shows what the public would read of the
    withdrawal, with the office's reason to put in words for the public, and approves it; one never approved says it
    stays unpublished."""
    from pipelines.accountability.release import release, released

    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    other = record(wh, acc.ask, PCC, meeting.meeting_id, "How many cases were dropped?")
    record(wh, release, PCC, "question", q)
    record(wh, acc.withdraw_question, PCC, q, reason="Sgt Brown says the July report covers it", on="2015-09-10")
    record(wh, acc.withdraw_question, PCC, other, reason="Put by mistake", on="2015-09-10")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    shown = said(at)
    assert "Withdrawn on: 10 September 2015" in shown
    assert "Why it was withdrawn: Sgt Brown says the July report covers it" in shown
    assert (f"Nothing of question {other} is approved for publication (neither it nor an answer or decision on it), "
            "so the public has no question to be told is withdrawn: it stays unpublished") in shown
    assert f"release_withdrawal_{other}_save" not in [b.key for b in at.button]
    at.text_area(key=f"release_withdrawal_{q}").input("Answered in the force's July report.")
    at.button(key=f"release_withdrawal_{q}_save").click().run()
    assert not at.exception
    approved = [r for r in read(wh, released) if r.kind == "withdrawal"]
    assert [(r.item_id, r.record["withdrawn_reason"]) for r in approved] == [
        (str(q), "Answered in the force's July report.")]


@pytest.mark.parametrize("page", [MEETINGS, ACTIONS])
def test_an_account_without_a_role_is_refused(monkeypatch, wh, page):
    record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    at = internal(monkeypatch, wh, page, NO_ROLE)
    assert not at.exception
    assert [t.value for t in at.title] == ["Not allowed"]
    assert "Public Accountability Board" not in said(at)


HOSTILE = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
           "=HYPERLINK(\"http://evil.example\")", "**bold** :red[red] $x^2$"]
# each hostile piece as Markdown would act on it: not preceded by the backslash that makes it plain text
UNESCAPED = [r"(?<!\\)<(script|img|b>|i>|u>)", r"(?<!\\)\]\(javascript", r"(?<!\\)\*\*bold", r"(?<!\\):red\[",
             r"(?<!\\)\$x"]


def test_typed_text_is_shown_escaped_everywhere(monkeypatch, wh):
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    body = " ".join(HOSTILE)
    q = record(wh, acc.ask, PCC, meeting.meeting_id, body, asked_by="<b>Someone</b>")
    record(wh, acc.record_answer, PCC, q, body=body, answered_by="<i>ACC</i>", answered_on="2015-09-01")
    record(wh, acc.decide, PCC, meeting_id=meeting.meeting_id, question_id=q, decision="not_assured", rationale=body,
           evidence=[("other", body)])
    record(wh, acc.add_action, PCC, meeting_id=meeting.meeting_id, body=body, owner="<u>owner</u>",
           due_on="2027-01-01")
    for page in (MEETINGS, ACTIONS):
        at = internal(monkeypatch, wh, page, PCC)
        assert not at.exception
        markdown = [str(e.value) for kind in ("markdown", "caption") for e in getattr(at, kind)]
        assert any(body.replace("\n", " ") in m.replace("\\", "") for m in markdown)  # shown as typed
        for m in markdown:
            for raw in UNESCAPED:
                assert not re.search(raw, m), (page, raw, m)


def test_a_question_is_carried_through_three_meetings(wh):
    """Asked with its figures at the first Board, its answer awaited at the second and overdue at the third, where it
    is answered and decided on, and the action from the first Board is closed."""
    first = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    second = record(wh, acc.add_meeting, PCC, held_on="2015-09-17")
    third = record(wh, acc.add_meeting, ANALYST, held_on="2015-10-15")
    figures = [{"label": "July 2015", "value": 2, "text": "2"}]
    q = record(wh, acc.ask, PCC, first.meeting_id, "Why did charges fall in Rotherham?", measure="cse_charges",
               area="Rotherham", period="2015-07-01", figures=figures)
    action = record(wh, acc.add_action, PCC, meeting_id=first.meeting_id, body="Report on charging",
                    owner="ACC Jones", due_meeting_id=third.meeting_id)

    def loop(meeting):
        return read(wh, lambda con: acc.carried_forward(con, meeting.held_on))

    at_first = loop(first)
    assert at_first.previous is None and at_first.empty

    record(wh, acc.await_answer, ANALYST, q, awaited_by="2015-10-01")
    at_second = loop(second)
    assert at_second.previous == first
    assert [c.question.question_id for c in at_second.asked_last_time] == [q]
    carried = at_second.asked_last_time[0]
    assert carried.then == "July 2015: 2"
    assert carried.question.where(as_of=second.held_on) == "Answer awaited by 1 October 2015"
    assert [a.action_id for a in at_second.open_actions] == [action] and not at_second.overdue_actions

    at_third = loop(third)  # nothing came back by 1 October
    assert at_third.previous == second and not at_third.asked_last_time
    assert [c.question.question_id for c in at_third.still_open] == [q]
    assert at_third.still_open[0].question.where(as_of=third.held_on) == "Answer awaited by 1 October 2015 (overdue)"
    assert [a.action_id for a in at_third.open_actions] == [action]  # due by this meeting: not yet overdue

    record(wh, acc.record_answer, ANALYST, q, body="A joint review is under way.", answered_by="ACC Jones",
           answered_on="2015-10-15", meeting_id=third.meeting_id)
    record(wh, acc.decide, PCC, meeting_id=third.meeting_id, question_id=q, decision="partly_assured",
           rationale="The review is credible; results awaited.", evidence=[("answer", "ACC Jones, 15 October")])
    record(wh, acc.update_action, ANALYST, action, status="closed", note="Report received at the October Board.",
           on="2015-10-15")

    (question,) = read(wh, acc.questions)
    assert question.settled and question.where(third.held_on) == (
        "Answered by ACC Jones on 15 October 2015; decision: Partly assured")
    fourth = record(wh, acc.add_meeting, PCC, held_on="2015-11-19")
    after = loop(fourth)
    assert after.previous == third and not after.still_open and not after.open_actions and not after.overdue_actions
    assert [d.question_id for d in after.decisions] == [q]
    assert [a.action_id for a in after.closed_since] == [action]
    # the meeting after that one no longer carries what was settled and closed
    later = read(wh, lambda con: acc.carried_forward(con, dt.date(2015, 12, 17)))
    assert later.previous == fourth
    assert not later.still_open and not later.closed_since and not later.open_actions


def test_the_questions_offered_are_the_packs_as_the_office_saved_them(monkeypatch, wh):
    """Once the office has edited the pack's questions (Briefing pack page), those are what it puts at the meeting:
    a drafted question kept as drafted keeps its figures; one the office added is its own, without."""
    from pipelines.briefing import save_text
    from pipelines.briefing.pack import drafted_questions
    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    statuses = PlanAnalytics(read(wh, plan_figures)).status(meeting.reporting_month)
    kept, *_ = drafted_questions(statuses)
    mine = "What has the force learnt from the Jay report's second anniversary review?"
    record(wh, save_text, ANALYST, period=meeting.reporting_month, kind="questions", body=f"1. {kept}\n2. {mine}")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert "The pack's questions for July 2015, as saved by analyst@example.org" in said(at)
    press(at, "Put these questions (2)")
    assert [t.value for t in at.toast] == ["2 questions put."]
    asked = {q.body: q for q in read(wh, acc.questions)}
    assert set(asked) == {kept, mine}
    assert asked[kept].source == "drafted" and asked[kept].figures and asked[kept].measure
    assert asked[mine].source == "office" and not asked[mine].figures and asked[mine].measure is None
    assert not [b for b in at.button if b.label.startswith("Put these questions")]


def test_a_document_attached_to_an_answer_downloads_as_it_was_kept(monkeypatch, wh):
    from dashboard_helpers import downloads_of

    from pipelines import filestore

    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    q = record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?")
    letter = b"%PDF-1.4 the Chief Constable's letter"
    record(wh, acc.record_answer, ANALYST, q, body="See the letter.", answered_by="Chief Constable",
           answered_on="2015-09-01", document=("letter.pdf", letter), db_path=wh)
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert "Document: letter.pdf" in said(at)
    assert ("letter.pdf", letter) in served
    # a document changed in the store after it was kept is not handed out; the page says why
    (answer,) = read(wh, acc.questions)[0].answers
    filestore.path_of(wh, answer.document_sha256).write_bytes(b"altered")
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert not at.exception and any("has been changed since it was stored" in e.value for e in at.error)


def test_no_form_of_the_app_is_emptied_on_submit():
    """The browser empties a form cleared on submit as soon as it is sent, whatever the answer: a refused save
    would lose what was typed. Forms are emptied by the page once the save succeeded (ui.form, ui.act)."""
    from helpers import ROOT

    found = [str(p.relative_to(ROOT)) for p in (ROOT / "dashboard").rglob("*.py")
             if re.search(r"clear_on_submit\s*=\s*True", p.read_text(encoding="utf-8"))]
    assert found == []


def test_an_answer_recorded_before_its_meeting_is_dated_today_and_not_given_there(monkeypatch, wh):
    """Regression: on a meeting to come the answer form offered the meeting's day, ticked as given at it, so a written
    answer received before the Board was kept as given there, and its pack said no answer had come."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-10")
    first = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    coming = record(wh, acc.add_meeting, PCC, held_on="2015-09-17")
    q = record(wh, acc.ask, PCC, first.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert at.selectbox(key="meeting_pick").value == coming.meeting_id
    assert at.date_input(key=f"answer_on_{q}").value == dt.date(2015, 9, 10)
    assert not at.checkbox(key=f"answer_here_{q}").value
    at.text_area(key=f"answer_body_{q}").input("A written answer.")
    at.text_input(key=f"answer_by_{q}").input("ACC Jones")
    _press_in(at, f"answer_form_{q}")
    (answer,) = read(wh, acc.questions)[0].answers
    assert (answer.answered_on, answer.meeting_id) == (dt.date(2015, 9, 10), None)


def test_a_meeting_is_moved_from_its_page_and_says_the_day_it_was_on(monkeypatch, wh):
    """A Board put back a week, from the Meetings page: the page shows it on its new day with its question, and says
    the day it was on and why; a move without a reason is refused and nothing changes."""
    first = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    record(wh, acc.ask, PCC, first.meeting_id, "Why did charges fall?")
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert not at.exception
    form = f"move_form_{first.meeting_id}"
    at.date_input(key=f"move_day_{first.meeting_id}").set_value(dt.date(2015, 8, 27))
    _press_in(at, form)
    assert "The reason for moving the meeting is empty; write it, then save." in [e.value for e in at.error]
    assert read(wh, acc.moves) == []
    at.text_input(key=f"move_reason_{first.meeting_id}").input("The hall was not free")
    _press_in(at, form)
    (moved,) = read(wh, acc.moves)
    assert (moved.to_day, moved.moved_by) == (dt.date(2015, 8, 27), "analyst@example.org")
    shown = said(at)
    assert "Public Accountability Board, 27 August 2015" in [h.value for h in at.header]
    assert "Moved from 20 August 2015 to 27 August 2015 by analyst@example.org: The hall was not free" in shown
    assert "Why did charges fall?" in shown


def test_a_meeting_moved_from_its_page_says_the_answers_given_at_it_on_its_day_went_with_it(monkeypatch, wh):
    """Regression: the Meetings page put back a Board whose answer was given at it on its day and said only "Moved to
    ...": the answer stayed dated before the meeting it was given at. It goes with it, and the page says so, as
    "pccdash meetings move" does."""
    first = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    second = record(wh, acc.add_meeting, PCC, held_on="2015-09-17").meeting_id
    question = record(wh, acc.ask, PCC, first.meeting_id, "Why did charges fall?")
    record(wh, acc.record_answer, PCC, question, body="Fewer referrals.", answered_by="ACC Jones",
           answered_on="2015-09-17", meeting_id=second)
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    at.selectbox(key="meeting_pick").set_value(second).run()
    at.date_input(key=f"move_day_{second}").set_value(dt.date(2015, 9, 24))
    at.text_input(key=f"move_reason_{second}").input("Its date put right")
    _press_in(at, f"move_form_{second}")
    assert not at.exception and not at.error
    assert [t.value for t in at.toast] == [
        f"Moved to Public Accountability Board, 24 September 2015. The answer to question {question} given at it on "
        "17 September 2015 is now dated 24 September 2015, its new day, as given at it."]
    assert [a.answered_on for a in read(wh, acc.questions)[0].answers] == [dt.date(2015, 9, 24)]


def test_an_action_agreed_at_a_meeting_moved_since_reads_as_agreed_on_its_new_day(monkeypatch, wh):
    """Regression: the history of an action agreed at a Board put back from 20 August to 24 September 2015 read
    "Open, 20 August 2015 ... Agreed at the meeting." under "From: the Public Accountability Board, 24 September
    2015"."""
    first = record(wh, acc.add_meeting, PCC, held_on="2015-08-20").meeting_id
    action = record(wh, acc.add_action, PCC, meeting_id=first, body="Report on charges", owner="ACC Jones",
                    due_on="2015-12-31")
    record(wh, acc.move_meeting, PCC, first, to="2015-09-24", reason="The hall was not free")
    shown = said(internal(monkeypatch, wh, ACTIONS, ANALYST))
    assert f"Action {action}. Report on charges" in shown
    assert "From: the Public Accountability Board, 24 September 2015" in shown
    assert "Open, 24 September 2015, by pcc@example.org: Agreed at the meeting." in shown
    assert "20 August 2015" not in shown


def test_the_actions_pages_counts_add_up_to_every_action_as_the_overview_counts_them(monkeypatch, wh):
    """Regression: with one action overdue and two open, the page said Open 3, Overdue 1, Closed 0 (four actions?)
    where the overview and the pack said "1 action overdue, 2 open"."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-09-17").meeting_id
    for body, due in (("Report on charging times", "2026-10-15"), ("Explain the fall in referrals", "2026-12-17"),
                      ("Bring the case review", "2027-01-21")):
        record(wh, acc.add_action, PCC, meeting_id=meeting, body=body, owner="ACC Crime", due_on=due)
    at = internal(monkeypatch, wh, ACTIONS, PCC)  # today is 21 November 2026: the first is overdue
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts == {"Open": 2, "Overdue": 1, "Closed": 0}
    assert sum(counts.values()) == 3
    with warehouse.connect(wh, create=False) as con:
        from pipelines.figures import plan_figures
        from pipelines.plan import PlanAnalytics

        loop = acc.carried_forward(con, dt.date(2026, 11, 21), analytics=PlanAnalytics(plan_figures(con)))
    assert len(loop.overdue_actions) == counts["Overdue"] and len(loop.open_actions) == counts["Open"]


@pytest.mark.parametrize("page,key", [("internal_pages/briefing.py", "meeting_date"),
                                      ("internal_pages/pack.py", "pack_meeting")], ids=["overview", "pack"])
def test_the_briefing_and_the_pack_open_on_the_next_board_recorded(monkeypatch, wh, page, key):
    """Regression: with the Board recorded for 10 December, both pages opened on today's date (21 November), so a pack
    prepared without changing it was for a meeting that does not exist."""
    for held, kind in (("2026-11-05", "pab"), ("2026-11-25", "district"), ("2026-12-10", "pab"),
                       ("2027-01-14", "pab")):
        record(wh, acc.add_meeting, PCC, held_on=held, kind=kind, district="Rotherham" if kind == "district" else None)
    at = internal(monkeypatch, wh, page, PCC)
    assert not at.exception, at.exception
    assert at.date_input(key=key).value == dt.date(2026, 12, 10)  # not the past one, nor the district's
    at.date_input(key=key).set_value(dt.date(2026, 11, 30)).run()  # a date chosen holds
    assert at.date_input(key=key).value == dt.date(2026, 11, 30)


def test_where_a_question_stands_is_said_as_of_today_as_the_pack_says_it(monkeypatch, wh):
    """Regression: an answer awaited by a day long gone read "Answer awaited by 31 May 2026" on the meeting's page,
    judged on the meeting's day, where the next pack and "pccdash meetings show" said it was overdue."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-04-16").meeting_id
    q = record(wh, acc.ask, PCC, meeting, "How many investigations wait more than 12 weeks?")
    record(wh, acc.await_answer, PCC, q, awaited_by="2026-05-31")
    at = internal(monkeypatch, wh, MEETINGS, PCC)  # today is 21 November 2026
    assert "Where it stands: Answer awaited by 31 May 2026 (overdue)" in said(at)


def test_every_meeting_recorded_says_how_many_of_its_open_actions_are_overdue(monkeypatch, wh):
    """Regression: the table of meetings gave each meeting's open actions but not how many were overdue, which the
    Actions page puts first."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-09-17").meeting_id
    for body, due in (("Report on charging times", "2026-10-15"), ("Explain the fall in referrals", "2026-12-17")):
        record(wh, acc.add_action, PCC, meeting_id=meeting, body=body, owner="ACC Crime", due_on=due)
    at = internal(monkeypatch, wh, MEETINGS, PCC)  # today is 21 November 2026: the first is overdue
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["Actions open"].tolist() == [2] and table["Of which overdue"].tolist() == [1]


def test_a_stocks_figures_when_asked_are_its_level_at_the_end_of_the_month(monkeypatch, wh):
    """Regression: a question about live investigations (a stock) showed "March 2026: 113; 12 months to March 2026:
    113" on the page, a 12-month total by the look of it."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-04-16")
    kept = [{"label": "March 2026", "value": 31, "text": "31"},
            {"label": "12 months to March 2026", "value": 31, "text": "31"}]
    record(wh, acc.ask, PCC, meeting.meeting_id, "Why are fewer investigations live?",
           measure="cse_live_investigations", area="Rotherham", period="2026-03-01", figures=kept)
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert not at.exception, at.exception
    assert "Figures when asked: at the end of March 2026: 31" in said(at)
    assert "12 months to March 2026" not in said(at)


def test_a_figure_revised_since_the_question_was_put_says_what_it_is_now(monkeypatch, wh, tmp_path):
    """Regression: the page showed a question's figures as they were when asked (2) with no word that the month had
    since been revised (now 9)."""
    from helpers import revise_figure

    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-04-16")
    kept = [{"label": "March 2026", "value": 2, "text": "2"}]
    record(wh, acc.ask, PCC, meeting.meeting_id, "Why did charges fall?", measure="cse_charges", area="Rotherham",
           period="2026-03-01", figures=kept)
    with warehouse.connect(wh, create=False) as con:
        revise_figure(con, tmp_path, "2026-03", "Rotherham", "cse_charges", 9)
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert not at.exception, at.exception
    assert "Figures when asked: March 2026: 2, since revised to 9" in said(at)


@pytest.mark.parametrize("page,key", [("internal_pages/briefing.py", "meeting_date"),
                                      ("internal_pages/pack.py", "pack_meeting")], ids=["overview", "pack"])
def test_the_pages_say_a_pack_is_for_the_district_meeting_recorded_that_day(monkeypatch, wh, page, key):
    """Regression: on the day of Rotherham's quarterly report, with no Board that day, the overview and the Briefing
    pack page gave no word that the pack was for that report, not a Board."""
    board = record(wh, acc.add_meeting, PCC, held_on="2026-09-17")
    record(wh, acc.ask, PCC, board.meeting_id, "Asked at the Board")
    record(wh, acc.add_meeting, PCC, held_on="2026-12-03", kind="district", district="Rotherham")
    at = internal(monkeypatch, wh, page, PCC)
    at.date_input(key=key).set_value(dt.date(2026, 12, 3)).run()
    assert not at.exception, at.exception
    assert any(i.value.startswith("This pack is for the Rotherham quarterly report (meeting 2); no Public "
                                  "Accountability Board is recorded that day.") for i in at.info)
    if page.endswith("briefing.py"):  # the overview opens as the pack does: no earlier Rotherham report to go back to
        assert "Asked at the last meeting" not in said(at) and "Still open from earlier meetings" in said(at)
    at.date_input(key=key).set_value(dt.date(2026, 12, 10)).run()
    assert not any("This pack is for" in i.value for i in at.info)
    if page.endswith("briefing.py"):
        assert "Asked at the last meeting (Public Accountability Board, 17 September 2026)" in said(at)


@pytest.mark.parametrize("page,key", [("internal_pages/briefing.py", "meeting_date"),
                                      ("internal_pages/pack.py", "pack_meeting")], ids=["overview", "pack"])
def test_the_pages_say_the_meeting_of_the_day_chosen_was_cancelled_as_its_pack_does(monkeypatch, wh, page, key):
    """The pack for the day of a Board called off opens by saying it will not be held and where what was put to it
    went; the overview and the Briefing pack page for that day said nothing of it."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-11-01")
    december = record(wh, acc.add_meeting, PCC, held_on="2026-12-10").meeting_id
    january = record(wh, acc.add_meeting, PCC, held_on="2027-01-14").meeting_id
    record(wh, acc.ask, PCC, december, "Prepared for December")
    record(wh, acc.cancel_meeting, PCC, december, reason="The venue is closed", carry_to=january)
    at = internal(monkeypatch, wh, page, PCC)
    at.date_input(key=key).set_value(dt.date(2026, 12, 10)).run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning if "was cancelled" in w.value] == [
        "The Public Accountability Board, 10 December 2026 was cancelled (The venue is closed): this pack is for a "
        "meeting that will not be held. What was put to it went to the Public "
        "Accountability Board, 14 January 2027."]
    at.date_input(key=key).set_value(dt.date(2027, 1, 14)).run()
    assert not [w.value for w in at.warning if "was cancelled" in w.value]


def test_an_actions_due_date_is_moved_on_the_actions_page_and_it_is_no_longer_overdue(monkeypatch, wh):
    """The Board gives the force more time: on the Actions page the due date moves to a later Board with the reason,
    the action stops counting as overdue, says what it was first due by, and its history keeps the move; a reason
    left empty is refused with nothing kept."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-09-17").meeting_id
    later = record(wh, acc.add_meeting, PCC, held_on="2026-12-17").meeting_id
    action = record(wh, acc.add_action, PCC, meeting_id=meeting, body="Report on charging times", owner="ACC Crime",
                    due_on="2026-10-15")
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)  # today is 21 November 2026: overdue
    assert {m.label: int(m.value) for m in at.metric}["Overdue"] == 1
    at.selectbox(key=f"action_due_meeting_{action}").set_value(later)
    press(at, "Move due date")
    assert "reason for moving the due date is empty" in said(at)
    assert len(read(wh, acc.actions)[0].updates) == 1
    at.text_input(key=f"action_due_reason_{action}").set_value("The Board gave the force until December")
    press(at, "Move due date")
    (moved,) = read(wh, acc.actions)
    assert moved.due_meeting.meeting_id == later and moved.updates[-1].updated_by == "analyst@example.org"
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)
    assert {m.label: int(m.value) for m in at.metric} == {"Open": 1, "Overdue": 0, "Closed": 0}
    shown = said(at)
    assert ("Due: by the Public Accountability Board, 17 December 2026 (first due by 15 October 2026)" in shown)
    assert ("Due date moved to the Public Accountability Board, 17 December 2026: The Board gave the force until "
            "December") in shown


def test_an_action_is_handed_to_a_new_owner_on_the_actions_page_and_every_page_names_the_new_owner(monkeypatch, wh):
    """The owner of an action leaves: on the Actions page it is handed to a new owner with the reason; the action
    names the new owner and who held it first, on this page and on the Meetings page, and its history keeps the
    handover; an empty reason, or the owner who holds it already, is refused with nothing kept."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-09-17").meeting_id
    action = record(wh, acc.add_action, PCC, meeting_id=meeting, body="Report on charging times", owner="ACC Crime",
                    due_on="2026-10-15")
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)  # today is 21 November 2026: overdue
    at.text_input(key=f"action_owner_{action}").set_value("Supt Khan")
    press(at, "Hand over")
    assert "reason for handing the action over is empty" in said(at), said(at)
    at.text_input(key=f"action_owner_{action}").set_value("ACC Crime")
    at.text_input(key=f"action_owner_reason_{action}").set_value("ACC Crime has retired")
    press(at, "Hand over")
    assert f"Action {action} is already held by ACC Crime." in said(at)
    assert len(read(wh, acc.actions)[0].updates) == 1
    at.text_input(key=f"action_owner_{action}").set_value("Supt Khan")
    press(at, "Hand over")
    (handed,) = read(wh, acc.actions)
    assert (handed.owner, handed.updates[-1].updated_by) == ("Supt Khan", "analyst@example.org")
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)
    assert {m.label: int(m.value) for m in at.metric} == {"Open": 0, "Overdue": 1, "Closed": 0}
    shown = said(at)
    assert "Owner: Supt Khan (since 21 November 2026; first owner ACC Crime)" in shown
    assert ("Open, 21 November 2026, by analyst@example.org: Handed from ACC Crime to Supt Khan: ACC Crime has "
            "retired") in shown
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert "(owner Supt Khan, since 21 November 2026; first owner ACC Crime)" in said(at)


def test_a_closed_action_is_reopened_on_the_actions_page_and_counts_as_open_again(monkeypatch, wh):
    """Regression: an action closed too soon could not be opened again, on any page or command, while moving its due
    date said to "record it as in progress first (on the Actions page)", which offered closed actions as a table
    only. It is reopened with a reason: open again (overdue, its due date having passed), its closing kept in its
    history; a reason left empty is refused with nothing kept."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-09-17").meeting_id
    action = record(wh, acc.add_action, PCC, meeting_id=meeting, body="Report on charging times", owner="ACC Crime",
                    due_on="2026-10-15")
    record(wh, acc.update_action, PCC, action, status="closed", note="Report received.", on="2026-10-14")
    with pytest.raises(acc.LoopError, match=f'reopen it first, saying why \\("pccdash actions reopen {action} '):
        record(wh, acc.move_action_due, PCC, action, due_on="2026-12-31", reason="More time")
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)  # today is 21 November 2026
    assert {m.label: int(m.value) for m in at.metric} == {"Open": 0, "Overdue": 0, "Closed": 1}
    assert at.selectbox(key="action_reopen_pick").value == action
    press(at, "Reopen")
    assert "reason for reopening the action is empty" in said(at), said(at)
    assert read(wh, acc.actions)[0].closed
    at.text_input(key="action_reopen_reason").set_value("The report covered Sheffield only")
    press(at, "Reopen")
    (reopened,) = read(wh, acc.actions)
    assert not reopened.closed and [u.status for u in reopened.updates] == ["open", "closed", "open"]
    assert reopened.updates[-1].note == "The report covered Sheffield only"
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)
    assert {m.label: int(m.value) for m in at.metric} == {"Open": 0, "Overdue": 1, "Closed": 0}
    shown = said(at)
    assert "Closed, 14 October 2026, by pcc@example.org: Report received." in shown
    assert "Reopened, 21 November 2026, by analyst@example.org: The report covered Sheffield only" in shown
    # said on the action itself, not only in its history, which read "Open" as if it had never been closed
    assert ("Due: by 15 October 2026  \nReopened: on 21 November 2026 by analyst@example.org: The report covered "
            "Sheffield only") in shown


def test_a_closed_action_is_reopened_from_the_command_line(wh, run_cli):
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-09-17").meeting_id
    action = record(wh, acc.add_action, PCC, meeting_id=meeting, body="Report on charging times", owner="ACC Crime",
                    due_on="2026-12-15")
    refused = run_cli("actions", "reopen", str(action), "--reason", "Back", "--db", str(wh), "--as",
                      "analyst@example.org")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert f"Action {action} is not closed: it is open, due by 15 December 2026." in refused.stderr
    record(wh, acc.update_action, PCC, action, status="closed", note="Report received.", on="2026-10-14")
    done = run_cli("actions", "reopen", str(action), "--reason", "The report covered Sheffield only", "--db",
                   str(wh), "--as", "analyst@example.org")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip() == f"Reopened action {action}: Open, due by 15 December 2026."
    listed = " ".join(run_cli("actions", "--db", str(wh)).stdout.split())
    # the list said "Open, due by 15 December 2026", as if it had never been closed
    assert (f"{action}. Report on charging times Owner ACC Crime; from the Public Accountability Board, 17 September "
            "2026 Open, due by 15 December 2026; reopened on 21 November 2026: The report covered Sheffield only"
            ) in listed


def test_a_meeting_is_cancelled_on_the_meetings_page_and_its_question_goes_to_the_next(monkeypatch, wh):
    """The May Board is called off on the page: without a meeting to carry its question to it is refused in a
    sentence, with the June Board chosen it is cancelled, listed apart with why, offered no more, and the page
    opens on the June Board, which now has the question."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-05-01")
    may = record(wh, acc.add_meeting, PCC, held_on="2026-05-21").meeting_id
    june = record(wh, acc.add_meeting, PCC, held_on="2026-06-18").meeting_id
    q = record(wh, acc.ask, PCC, may, "Prepared for May: how many reviews have begun?")
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert at.selectbox(key="meeting_pick").value == may
    at.text_input(key=f"cancel_reason_{may}").set_value("Pre-election period")
    press(at, "Cancel meeting")
    assert f"question {q} is put to it" in said(at) and not read(wh, acc.meetings)[0].cancelled
    at.selectbox(key=f"cancel_carry_{may}").set_value(june)
    press(at, "Cancel meeting")
    assert [m.meeting_id for m in read(wh, acc.meetings)] == [june]
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    assert at.selectbox(key="meeting_pick").options == ["Public Accountability Board, 18 June 2026"]
    assert "Prepared for May: how many reviews have begun?" in said(at)
    assert (f"Meeting {may} (Public Accountability Board, 21 May 2026) was cancelled by analyst@example.org: "
            f"Pre-election period; what was put to it went to meeting {june}.") in said(at)


def test_the_figures_the_next_publication_hides_are_worked_out_once_for_every_item_offered_for_approval(
        monkeypatch, wh):
    """Regression: each answer and decision's approval form worked out the next publication's hidden figures (the
    whole of a publication's disclosure control) to warn of one its text quotes: once per item, so that an office
    with years of questions carried forward waited minutes for the page, or it never opened. They are worked out once
    for the page; a text quoting one is still warned of."""
    from pipelines.publish import approval, snapshot

    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    for n in range(4):
        q = record(wh, acc.ask, PCC, meeting.meeting_id, f"Why did charges fall in {n + 2} districts?")
        record(wh, acc.record_answer, PCC, q, body=f"Arrests were 3 in Barnsley and {n + 10} elsewhere.",
               answered_by="ACC Jones", answered_on="2015-09-02")
        record(wh, acc.decide, PCC, meeting_id=meeting.meeting_id, question_id=q, decision="assured",
               rationale=f"Item {n + 1} is answered.", evidence=[("answer", "ACC Jones")])
    record(wh, approval.approve, ["2015-07"], PCC)  # a month approved: the next publication has figures to hide
    worked_out = []
    real = snapshot._next_publication
    monkeypatch.setattr(snapshot, "_next_publication", lambda *a, **k: worked_out.append(1) or real(*a, **k))
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert not at.exception
    assert said(at).count("What the public record would say") == 8  # four answers and four decisions
    assert len(worked_out) == 1, f"worked out {len(worked_out)} times"
    assert "small number" in said(at)  # the answers' "3 in Barnsley" is still pointed out


def test_a_question_from_the_public_says_once_that_the_public_asked_it(monkeypatch, wh, run_cli):
    """The Meetings page and `pccdash meetings show` read "Asked by a member of the public, from the public": the
    question's asker and its source said the same twice. They say it as the pack does; another's source stays."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    record(wh, acc.ask, PCC, meeting.meeting_id, "Why are fewer people charged?", source="public")
    record(wh, acc.ask, PCC, meeting.meeting_id, "What is being done about referrals?", source="office")
    at = internal(monkeypatch, wh, MEETINGS, ANALYST)
    captions = [c.value.replace("\u200b", "").replace("\\", "") for c in at.caption if c.value.startswith("Asked by")]
    assert captions == ["Asked by a member of the public", "Asked by pcc@example.org, from the office"]
    monkeypatch.setenv("PCCDASH_DB", str(wh))
    out = run_cli("meetings", "show", str(meeting.meeting_id)).stdout
    assert "Asked by a member of the public." in out and "from the public" not in out


def test_an_answer_awaited_then_given_is_not_said_overdue_in_the_questions_history(monkeypatch, wh):
    """Regression: the force promised an answer by 7 May and gave it on 6 May; at every later meeting the question's
    history on the page still read "Answer awaited by 7 May 2026 (overdue)" above the answer, as if still owed. Only
    the answer in force is judged overdue; one an answer came after is history."""
    first = record(wh, acc.add_meeting, PCC, held_on="2026-04-16")
    record(wh, acc.add_meeting, PCC, held_on="2026-06-18")
    q = record(wh, acc.ask, PCC, first.meeting_id, "How many charges came from Operation Stovewood?")
    still = record(wh, acc.ask, PCC, first.meeting_id, "How many reviews of closed cases have begun?")
    record(wh, acc.await_answer, ANALYST, q, awaited_by="2026-05-07")
    record(wh, acc.record_answer, ANALYST, q, body="Nine of the 23.", answered_by="Chief Constable",
           answered_on="2026-05-06")
    record(wh, acc.await_answer, ANALYST, still, awaited_by="2026-05-14")
    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-15")
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    assert at.selectbox(key="meeting_pick").value != first.meeting_id  # the June Board, with both carried to it
    shown = said(at)
    assert "Answer awaited by 7 May 2026 (recorded by analyst@example.org)" in shown, shown
    assert "7 May 2026 (overdue)" not in shown
    assert "Answer awaited by 14 May 2026 (overdue) (recorded by analyst@example.org)" in shown  # still owed


def test_a_question_edited_from_a_draft_is_put_with_its_measure_area_and_figures(monkeypatch, wh):
    """Regression: a drafted question the office reworded on the Briefing pack page was put at the Board as the
    office's own, without its measure, area or figures, so the next Board's pack did not say it had been asked."""
    from pipelines.briefing import save_text
    from pipelines.briefing.pack import build_pack, question_drafts
    from pipelines.figures import plan_figures
    from pipelines.plan import PlanAnalytics

    meeting = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    month = meeting.reporting_month
    drafts = record(wh, question_drafts, meeting.held_on, analytics=PlanAnalytics(read(wh, plan_figures)), month=month)
    edited = drafts[0].text.rsplit(". ", 1)[0] + ". What is the force doing about it?"
    record(wh, save_text, ANALYST, period=month, kind="questions", drafts=drafts,
           body="\n".join([edited, *(d.text for d in drafts[1:])]))
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    press(at, f"Put these questions ({len(drafts)})")
    asked = {q.body: q for q in read(wh, acc.questions)}
    q = asked[edited]
    assert (q.source, q.measure, q.area, q.period) == ("drafted", drafts[0].measure_id, drafts[0].areas[0], month)
    assert q.figures and q.figures == acc.figures_for(PlanAnalytics(read(wh, plan_figures)), q.measure, q.area, month)
    record(wh, acc.add_meeting, PCC, held_on="2015-08-27")  # the next Board, on the same month's figures
    pack = record(wh, build_pack, dt.date(2015, 8, 27), "pccdash tests")
    assert (f"(Asked before, at the Public Accountability Board, 20 August 2015 (question {q.question_id}), and still "
            "open: no answer recorded yet.)") in "\n".join(pack.questions)


def test_a_question_answered_at_a_later_meeting_says_so_on_that_meetings_page(monkeypatch, wh):
    first = record(wh, acc.add_meeting, PCC, held_on="2015-08-20")
    second = record(wh, acc.add_meeting, PCC, held_on="2015-09-17")
    q = record(wh, acc.ask, PCC, first.meeting_id, "Why did charges fall in Rotherham?")
    record(wh, acc.record_answer, PCC, q, body="A joint review is under way.", answered_by="ACC Jones",
           answered_on="2015-09-17", meeting_id=second.meeting_id)
    at = internal(monkeypatch, wh, MEETINGS, PCC)
    at.selectbox(key="meeting_pick").set_value(second.meeting_id).run()
    assert ("Asked by pcc@example.org, from the office; first put at the Public Accountability Board, 20 August 2015; "
            "answered at this meeting") in said(at)
    at.selectbox(key="meeting_pick").set_value(first.meeting_id).run()
    assert "answered at this meeting" not in said(at)


def test_closed_actions_are_listed_latest_closed_first_and_the_last_closed_is_offered_to_reopen(monkeypatch, wh):
    """Regression: after two years of Boards the closed actions were listed from the first ever agreed, so the one
    closed at the last Board was at the foot of a long table, and "Reopen an action" offered the oldest. They are
    listed by the day each was closed, latest first."""
    meeting = record(wh, acc.add_meeting, PCC, held_on="2026-05-21").meeting_id
    closings = {"Report on charging times": "2026-10-14", "Visit the hub": "2026-06-01",
                "Review the referral pathway": "2026-11-19"}
    ids = {}
    for body, on in closings.items():
        ids[body] = record(wh, acc.add_action, PCC, meeting_id=meeting, body=body, owner="ACC Crime",
                           due_on="2026-11-20")
        record(wh, acc.update_action, PCC, ids[body], status="closed", note="Done.", on=on)
    at = internal(monkeypatch, wh, ACTIONS, ANALYST)
    assert not at.exception, at.exception
    [table] = [d.value for d in at.dataframe if "Closing note" in d.value.columns]
    assert table["What"].tolist() == ["Review the referral pathway", "Report on charging times", "Visit the hub"]
    assert table["Closed"].tolist() == ["19 November 2026", "14 October 2026", "1 June 2026"]
    assert at.selectbox(key="action_reopen_pick").value == ids["Review the referral pathway"]
