"""The pack's drafted questions know what the Board already asked: a draft on a measure and area with a question still
open from an earlier meeting says so and points to it; one answered and decided is not drafted again unless its
figures have moved since, and then it says how. The same in HTML, PDF and Word (one list of questions)."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from dashboard_helpers import copy_warehouse

from pipelines import accountability as acc
from pipelines import warehouse
from pipelines.audit import cli_actor
from pipelines.briefing.pack import build_pack, question_record
from pipelines.briefing.questions import draft_questions
from pipelines.figures import plan_figures
from pipelines.plan import PlanAnalytics

EARLIER, BOARD = "2015-08-13", dt.date(2015, 8, 20)  # both report on July 2015


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


@pytest.fixture
def who():
    return cli_actor("pcc@example.org")


def put_first_draft(con, who, *, figures=None):
    """The first question drafted for July 2015, put at a Board a week before the one the pack is for, with its
    figures (or `figures` instead), as the Meetings page puts it."""
    analytics = PlanAnalytics(plan_figures(con))
    month = dt.date(2015, 7, 1)
    draft = draft_questions(analytics.status(month))[0]
    meeting = acc.add_meeting(con, who, held_on=EARLIER)
    kept = acc.figures_for(analytics, draft.measure_id, draft.areas[0], month)
    number = acc.ask(con, who, meeting.meeting_id, draft.text, source="drafted", measure=draft.measure_id,
                     area=draft.areas[0], period=month, figures=kept if figures is None else figures(kept, draft))
    return draft, meeting, number, kept


def test_a_draft_with_a_question_still_open_says_it_was_asked_and_where_it_stands(wh, who):
    """Regression: the pack for 21 January 2027 drafted, as if new, the suspect-ethnicity question already put at the
    Board of 17 December 2026 (question 14), with no answer recorded."""
    with warehouse.connect(wh) as con:
        before = build_pack(con, BOARD, "pccdash tests").questions
        draft, _, number, _ = put_first_draft(con, who)
        pack = build_pack(con, BOARD, "pccdash tests")
    note = (f"(Asked before, at the Public Accountability Board, 13 August 2015 (question {number}), and still open: "
            "no answer recorded yet.)")
    assert pack.questions[0] == f"{draft.text} {note}"
    assert pack.questions[1:] == before[1:], "the others as drafted"


def test_a_draft_with_a_question_answered_and_decided_is_not_drafted_again_while_its_figures_stand(wh, who,
                                                                                                   monkeypatch):
    """Regression: the pack for 21 May 2026 drafted again April's Doncaster CAWNs question, answered and decided
    (partly assured) since, its figures unmoved; the next strongest signal takes its place."""
    monkeypatch.setenv("PCCDASH_MAX_QUESTIONS", "2")
    with warehouse.connect(wh) as con:
        everything = [d.text for d in draft_questions(PlanAnalytics(plan_figures(con)).status(dt.date(2015, 7, 1)),
                                                      limit=100)]
        draft, meeting, number, _ = put_first_draft(con, who)
        acc.record_answer(con, who, number, body="Explained.", answered_by="ACC Jones", answered_on=EARLIER,
                          meeting_id=meeting.meeting_id)
        acc.decide(con, who, meeting_id=meeting.meeting_id, decision="partly_assured", rationale="Partly explained.",
                   question_id=number, evidence=[("answer", "Explained.")])
        pack = build_pack(con, BOARD, "pccdash tests")
        drafted, _ = question_record(con, BOARD, analytics=PlanAnalytics(plan_figures(con)), month=dt.date(2015, 7, 1))
    assert not any(draft.text in q for q in pack.questions)
    assert len(everything) > 2
    assert pack.questions == everything[1:3] == drafted, "the next strongest fill the pack, as the page drafts them"


def test_a_draft_answered_and_decided_whose_figures_moved_since_is_asked_again_saying_how(wh, who):
    def further(kept, draft):  # when asked, the month's figure was short of today's the way the signal points
        month = dict(kept[0], value=kept[0]["value"] - draft.direction * 5,
                     text=f"{kept[0]['value'] - draft.direction * 5:g}", label="June 2015")
        return [month, *kept[1:]]

    with warehouse.connect(wh) as con:
        draft, meeting, number, kept = put_first_draft(con, who, figures=further)
        acc.record_answer(con, who, number, body="Explained.", answered_by="ACC Jones", answered_on=EARLIER,
                          meeting_id=meeting.meeting_id)
        acc.decide(con, who, meeting_id=meeting.meeting_id, decision="assured", rationale="Explained.",
                   question_id=number, evidence=[("answer", "Explained.")])
        pack = build_pack(con, BOARD, "pccdash tests")
    then = kept[0]["value"] - draft.direction * 5
    assert pack.questions[0] == (
        f"{draft.text} (Asked before, at the Public Accountability Board, 13 August 2015 (question {number}): answered "
        f"by ACC Jones on 13 August 2015; decision: Assured. Since then the figure for July 2015 is {kept[0]['text']}, "
        f"against {then:g} for June 2015 when asked.)")


def test_a_not_assured_decision_leaves_the_question_open(wh, who):
    with warehouse.connect(wh) as con:
        draft, meeting, number, _ = put_first_draft(con, who)
        acc.record_answer(con, who, number, body="Explained.", answered_by="ACC Jones", answered_on=EARLIER,
                          meeting_id=meeting.meeting_id)
        acc.decide(con, who, meeting_id=meeting.meeting_id, decision="not_assured", rationale="Not explained.",
                   question_id=number, evidence=[("answer", "Explained.")])
        pack = build_pack(con, BOARD, "pccdash tests")
    assert pack.questions[0].endswith(
        f"(question {number}), and still open: answered by ACC Jones on 13 August 2015; decision: Not assured.)")


def test_the_note_is_said_after_a_saved_question_kept_as_drafted_and_in_every_format(wh, who, tmp_path):
    from pipelines.briefing import save_text
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_html

    with warehouse.connect(wh) as con:
        draft, _, number, _ = put_first_draft(con, who)
        save_text(con, who, period=dt.date(2015, 7, 1), kind="questions", body=f"{draft.text}\nOur own question?")
        pack = build_pack(con, BOARD, "pccdash tests")
    assert pack.questions[:2] == [f"{draft.text} (Asked before, at the Public Accountability Board, 13 August 2015 "
                                  f"(question {number}), and still open: no answer recorded yet.)", "Our own question?"]
    assert f"(question {number}), and still open" in render_html(pack)
    document = docx.Document(io.BytesIO(render_docx(pack)))
    assert any(p.text == pack.questions[0] for p in document.paragraphs)


def save_edited(con, who, meeting: dt.date, edit, *, month=dt.date(2015, 7, 1)):
    """The pack's drafted questions for the meeting on `meeting` saved as the Briefing pack page saves them, with the
    drafts offered, the first in the office's words (`edit` of the draft's)."""
    from pipelines.briefing import save_text
    from pipelines.briefing.pack import question_drafts

    drafts = question_drafts(con, meeting, analytics=PlanAnalytics(plan_figures(con)), month=month)
    save_text(con, who, period=month, kind="questions", body="\n".join([edit(drafts[0].text)] +
                                                                       [d.text for d in drafts[1:]]), drafts=drafts)
    return drafts


def test_a_saved_question_edited_from_a_draft_keeps_its_measure_and_area_and_says_it_was_asked_before(wh, who):
    """Regression: a drafted question reworded by the office before the Board lost its measure and area, so the pack
    said nothing of the question still open on them; the same words as drafted said it."""
    from pipelines.briefing import save_text
    from pipelines.briefing.notes import saved_questions

    def reworded(text):
        return text.replace("What explains", "What, in the force's view, explains").replace("What has", "Tell us what")

    with warehouse.connect(wh) as con:
        draft, _, number, _ = put_first_draft(con, who)
        drafts = save_edited(con, who, BOARD, reworded)
        saved = saved_questions(con, dt.date(2015, 7, 1))
        pack = build_pack(con, BOARD, "pccdash tests")
        # edited again: still about them
        again = saved.questions[0].replace(", and ", "; and ") + " Please be specific."
        save_text(con, who, period=dt.date(2015, 7, 1), kind="questions", body="\n".join([again, "Our own?"]),
                  drafts=drafts)
        later = saved_questions(con, dt.date(2015, 7, 1))
        again_pack = build_pack(con, BOARD, "pccdash tests")
    edited = reworded(draft.text)
    assert edited != draft.text and saved.questions[0] == edited
    made = saved.made_from(edited)
    assert (made.measure, made.area, made.draft) == (draft.measure_id, draft.areas[0], draft.text)
    assert not saved.left_out and len(saved.drafted) == len(drafts)
    note = (f"(Asked before, at the Public Accountability Board, 13 August 2015 (question {number}), and still open: "
            "no answer recorded yet.)")
    assert pack.questions[0] == f"{edited} {note}"
    assert later.made_from(again).measure == draft.measure_id and later.made_from("Our own?") is None
    assert again_pack.questions[:2] == [f"{again} {note}", "Our own?"]


def test_a_question_the_office_wrote_is_not_taken_for_a_draft(wh, who):
    from pipelines.briefing import save_text
    from pipelines.briefing.notes import saved_questions
    from pipelines.briefing.pack import question_drafts

    with warehouse.connect(wh) as con:
        drafts = question_drafts(con, BOARD, analytics=PlanAnalytics(plan_figures(con)), month=dt.date(2015, 7, 1))
        save_text(con, who, period=dt.date(2015, 7, 1), kind="questions", drafts=drafts,
                  body="What has the force learnt from the Jay report's second anniversary review?")
        saved = saved_questions(con, dt.date(2015, 7, 1))
    assert saved.drafted == {}
    assert {d.measure for d in saved.left_out} == {d.measure_id for d in drafts}


def test_the_pack_page_saves_an_edited_draft_with_its_measure_and_says_it_was_asked_before(monkeypatch, wh, who):
    from dashboard_helpers import ANALYST, internal, texts

    from pipelines.briefing.notes import saved_questions

    with warehouse.connect(wh) as con:
        draft, _, number, _ = put_first_draft(con, who)
    at = internal(monkeypatch, wh, "internal_pages/pack.py", ANALYST)
    at.date_input(key="pack_meeting").set_value(BOARD).run()
    (box,) = [t for t in at.text_area if t.key.startswith("questions_")]
    lines = box.value.splitlines()
    assert lines[0] == draft.text
    edited = draft.text.rsplit(". ", 1)[0] + ". What is the force doing about it?"
    box.input("\n".join([edited, *lines[1:]]))
    at.button(key="save_questions").click().run()
    assert not at.exception, at.exception
    with warehouse.connect_read_only(wh) as con:
        made = saved_questions(con, dt.date(2015, 7, 1)).made_from(edited)
    assert (made.measure, made.area) == (draft.measure_id, draft.areas[0])
    box = texts(at).split("Asked before, or left out before.")[1]
    assert f"(question {number}), and still open: no answer recorded yet." in box


def test_a_draft_left_out_of_a_packs_questions_is_said_on_the_meetings_page_and_in_the_next_pack(monkeypatch, wh,
                                                                                                  who):
    """Regression: a drafted question the Commissioner took out of the pack's questions left no trace: the Meetings
    page offered the others as if nothing had been drafted besides, and the next month's pack drafted it again as
    new."""
    from dashboard_helpers import PCC, internal, texts

    from pipelines.briefing import save_text
    from pipelines.briefing.pack import question_drafts
    from pipelines.catalogue import catalogue

    july, august = dt.date(2015, 7, 1), dt.date(2015, 8, 1)
    with warehouse.connect(wh) as con:
        analytics = PlanAnalytics(plan_figures(con))
        board = acc.add_meeting(con, who, held_on=BOARD)
        drafts = question_drafts(con, BOARD, analytics=analytics, month=july)
        later = {(d.measure_id, d.areas[0]) for d in draft_questions(analytics.status(august))}
        (dropped, *_) = [d for d in drafts if (d.measure_id, d.areas[0]) in later]
        save_text(con, who, period=july, kind="questions", drafts=drafts,
                  body="\n".join(d.text for d in drafts if d is not dropped))
        next_board = dt.date(2015, 9, 17)
        pack = build_pack(con, next_board, "pccdash tests")
    at = internal(monkeypatch, wh, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(board.meeting_id).run()
    said = texts(at).split("Drafted from the figures and left out of the pack's questions as pcc@example.org saved "
                           "them on ")[1].splitlines()[0]
    assert said.endswith(f": {catalogue().get(dropped.measure_id).short_name}, {dropped.areas[0]}.")
    again = [q for q in pack.questions if q.startswith(dropped.text.split(" were ")[0])]
    assert len(again) == 1 and again[0].endswith(
        "(Drafted before, for the Public Accountability Board, 20 August 2015, and left out of its questions.)")
