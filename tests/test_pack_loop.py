"""A meeting's pack and overview open with the loop since the last meeting: what was asked there with its figures
then and now, what came back, the decisions, and the actions still open or overdue, carried to every later meeting
until closed (and said closed once, at the next). The same in HTML, PDF and Word, and typed text stays inert."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from html.parser import HTMLParser

import docx
import pdfplumber
import pytest
from dashboard_helpers import PCC, copy_warehouse, internal, texts
from pdf_layout import cell_overflows, nearly_empty_pages, repeated_sentences

from dashboard.ui import md_escape
from pipelines import accountability as acc
from pipelines import warehouse
from pipelines.audit import cli_actor
from pipelines.briefing.loop_section import EMPTY, EMPTY_SHORT, HEADING, IN_FULL
from pipelines.briefing.pack import build_pack
from pipelines.figures import plan_figures
from pipelines.plaintext import BadText
from pipelines.plan import PlanAnalytics

QUESTION = "Why did charges fall in Rotherham in July?"
ACTION = "Report on the fall in charges in Rotherham"
HOSTILE = "<script>alert(1)</script> **bold** =1+1"
# near the question's limit, with a word far wider than any column
LONG = "Why " + "x" * 300 + " " + "and what next " * 120


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def table(pack, heading: str):
    """The loop's table whose heading starts with `heading`, or None when the pack has none."""
    return next((t for t in pack.loop.tables if t.heading.startswith(heading)), None)


def rows_naming(pack, text: str) -> dict[str, list[list[str]]]:
    """Every row of the loop's tables whose first cell holds `text`, by table heading."""
    out = {}
    for t in pack.loop.tables:
        rows = [r for r in t.rows if text in r[0]]
        if rows:
            out[t.heading] = rows
    return out


@pytest.fixture
def wh(sample_db, tmp_path):
    return copy_warehouse(sample_db, tmp_path)


@pytest.fixture
def who():
    return cli_actor("pcc@example.org")


def record_first_meetings(con, who, *, hostile: bool = False) -> dict:
    """Boards on 20 August, 17 September and 15 October 2015; a question with its figures at the first and an
    action agreed there, due by the third."""
    analytics = PlanAnalytics(plan_figures(con))
    first = acc.add_meeting(con, who, held_on="2015-08-20")
    second = acc.add_meeting(con, who, held_on="2015-09-17")
    third = acc.add_meeting(con, who, held_on="2015-10-15")
    figures = acc.figures_for(analytics, "cse_charges", "Rotherham", first.reporting_month)
    question = acc.ask(con, who, first.meeting_id, QUESTION, measure="cse_charges", area="Rotherham",
                       period="2015-07-01", figures=figures)
    if hostile:
        acc.ask(con, who, first.meeting_id, HOSTILE)
        acc.ask(con, who, first.meeting_id, LONG)
    action = acc.add_action(con, who, meeting_id=first.meeting_id, body=ACTION, owner="ACC Jones",
                            due_meeting_id=third.meeting_id, question_id=question)
    return {"first": first, "second": second, "third": third, "question": question, "action": action,
            "figures": acc.figures_line(figures)}


def test_a_question_and_an_action_are_carried_through_the_meetings_until_settled_and_closed(wh, who):
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)

        # 17 September: asked last time, with its figures then (July) and now (August); the action open
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
        asked = table(pack, "Asked at the last meeting")
        assert asked.heading == "Asked at the last meeting (Public Accountability Board, 20 August 2015)"
        (row,) = asked.rows
        assert row[0].startswith(QUESTION) and "Asked by pcc@example.org" in row[0]
        assert row[1] == "No answer recorded yet."
        assert row[2] == "CSE charges, Rotherham: " + rec["figures"] and "July 2015: 2;" in row[2]
        assert row[3].startswith("CSE charges, Rotherham: August 2015: ") and "12 months to August 2015" in row[3]
        assert rows_naming(pack, ACTION) == {"Actions open": [
            [ACTION, "ACC Jones", "Public Accountability Board, 15 October 2015", "Open",
             "Public Accountability Board, 20 August 2015"]]}
        assert pack.loop.counts == ("1 action open, none overdue; 1 question asked last time, 1 still awaiting "
                                    "an answer")
        assert table(pack, "Decisions since").none and not table(pack, "Decisions since").rows

        # an answer is awaited; on 15 October the question is still open from an earlier meeting, the wait overdue
        acc.await_answer(con, who, rec["question"], awaited_by="2015-10-01", note="The force is gathering figures.")
        pack = build_pack(con, day("2015-10-15"), "pccdash tests")
        assert table(pack, "Asked at the last meeting").rows == []
        (row,) = table(pack, "Still open from earlier meetings").rows
        assert "Asked at the Public Accountability Board, 20 August 2015" in row[0]
        assert row[1] == "Answer awaited by 1 October 2015 (overdue): The force is gathering figures."
        assert "September 2015" in row[3]
        assert rows_naming(pack, ACTION)["Actions open"][0][3] == "Open"

        # the force answers at the third meeting and the Commissioner decides; on 19 November the action, due by the
        # third meeting and still open, is overdue, and the decision names the question it was on, printed whole just
        # above it as answered at the last meeting, by its number and first words
        acc.record_answer(con, who, rec["question"], body="Two cases were re-charged in August.",
                          answered_by="ACC Jones", answered_on="2015-10-15", meeting_id=rec["third"].meeting_id)
        acc.decide(con, PCC, meeting_id=rec["third"].meeting_id, question_id=rec["question"],
                   decision="partly_assured", rationale="The fall is explained; the trend needs watching.",
                   evidence=[("answer", "The force's answer of 15 October"), ("figures", "Charges by month")],
                   follow_up="2016-01-21")
        pack = build_pack(con, day("2015-11-19"), "pccdash tests")
        assert table(pack, "Still open from earlier meetings") is None, "a settled question is not carried"
        (answered,) = table(pack, "Answered at the last meeting").rows
        assert answered[0].startswith(QUESTION)
        decided = table(pack, "Decisions since")
        assert decided.heading == ("Decisions since the last meeting (taken at the Public Accountability Board, 15 "
                                   "October 2015)")
        (decision,) = decided.rows
        assert decision[:3] == [f'Question {rec["question"]}: "Why did charges fall in Rotherham…" (above)',
                                "Partly assured", "The fall is explained; the trend needs watching."]
        assert decision[3] == "The force's answer: The force's answer of 15 October; Figures: Charges by month"
        assert decision[4] == "By pcc@example.org; to be looked at again by 21 January 2016."
        assert rows_naming(pack, ACTION) == {"Actions overdue": [
            [ACTION, "ACC Jones", "Public Accountability Board, 15 October 2015", "Overdue",
             "Public Accountability Board, 20 August 2015"]]}
        assert pack.loop.counts.startswith("1 action overdue, no other open;")
        assert table(pack, "Actions open").none == "No other action is open."
        assert pack.loop.overdue == [f"{ACTION} (owner ACC Jones; due Public Accountability Board, 15 October 2015)"]

        # still overdue while only in progress, with its latest note
        acc.update_action(con, who, rec["action"], status="in_progress", note="Draft report seen.", on="2015-11-02")
        pack = build_pack(con, day("2015-11-19"), "pccdash tests")
        assert rows_naming(pack, ACTION)["Actions overdue"][0][3] == "Overdue: Draft report seen."

        # closed with a note: at the next meeting only under closed since, with the note; then not at all
        acc.update_action(con, who, rec["action"], status="closed", note="Report received and published.",
                          on="2015-11-10")
        pack = build_pack(con, day("2015-11-19"), "pccdash tests")
        closed = rows_naming(pack, ACTION)
        assert list(closed) == ["Actions closed since the last meeting"]
        assert closed["Actions closed since the last meeting"] == [
            [ACTION, "ACC Jones", "On 10 November 2015 by pcc@example.org", "Report received and published."]]
        assert not pack.loop.overdue and pack.loop.counts.startswith("No action is open or overdue;")

        acc.add_meeting(con, who, held_on="2015-11-19")
        pack = build_pack(con, day("2015-12-17"), "pccdash tests")
        assert rows_naming(pack, ACTION) == {}, "a closed action is said closed once, then no more"
        assert table(pack, "Asked at the last meeting").heading.endswith("(Public Accountability Board, "
                                                                         "19 November 2015)")
        # due to be looked at again in January, with the question printed nowhere above it: quoted whole
        january = build_pack(con, day("2016-01-21"), "pccdash tests")
        (again,) = table(january, "Decisions due to be looked at again").rows
        assert again[0] == QUESTION and "(overdue)" not in again[4]


def test_a_decision_to_be_looked_at_again_is_carried_until_decided_on_again(wh, who):
    """Regression: a decision "to be looked at again by 30 September 2026" (a theme awaiting evidence, a question
    partly assured) was said once, at the next meeting, and never again: the Boards after its day opened with no word
    of it. It is now carried, said overdue after its day, until the Commissioner decides on it again."""
    with warehouse.connect(wh) as con:
        first = acc.add_meeting(con, who, held_on="2026-04-16")
        for held in ("2026-05-21", "2026-09-17", "2026-10-22", "2026-11-19"):
            acc.add_meeting(con, who, held_on=held)
        acc.decide(con, PCC, meeting_id=first.meeting_id, theme="Victim support", decision="awaiting_evidence",
                   rationale="The survey is due in the summer.", evidence=[], follow_up="2026-09-30")
        pack = build_pack(con, day("2026-05-21"), "pccdash tests")
        assert table(pack, "Decisions due to be looked at again") is None  # not due yet: said among the decisions
        assert table(pack, "Decisions since").rows[0][4].endswith("to be looked at again by 30 September 2026.")
        pack = build_pack(con, day("2026-09-17"), "pccdash tests")
        assert table(pack, "Decisions due to be looked at again") is None and not table(pack, "Decisions since").rows
        pack = build_pack(con, day("2026-10-22"), "pccdash tests")
        (row,) = table(pack, "Decisions due to be looked at again").rows
        assert row[:2] == ["Theme: Victim support", "Awaiting evidence"]
        assert row[4].endswith("to be looked at again by 30 September 2026 (overdue).")
        assert pack.loop.counts.endswith("; 1 decision due to be looked at again")
        # decided on again at the October Board: the new decision stands, said once among the decisions since
        october = [m for m in acc.meetings(con) if m.held_on == day("2026-10-22")][0]
        acc.decide(con, PCC, meeting_id=october.meeting_id, theme="Victim support", decision="partly_assured",
                   rationale="The survey shows progress.", evidence=[("feedback", "The survey")])
        pack = build_pack(con, day("2026-11-19"), "pccdash tests")
        assert table(pack, "Decisions due to be looked at again") is None
        assert [r[1] for r in table(pack, "Decisions since").rows] == ["Partly assured"]


def test_a_decision_taken_last_time_and_due_again_by_this_meeting_is_said_once_where_it_is_taken_up(wh, who):
    """Regression: an extraordinary Board's decision awaiting evidence, to be looked at again by the next Board's
    day, was listed twice in that Board's pack, under "Decisions since the last meeting" and again under "Decisions
    due to be looked at again", and counted twice. It is said once, among those due to be looked at again."""
    with warehouse.connect(wh) as con:
        october = acc.add_meeting(con, who, held_on="2026-10-29", title="Extraordinary Public Accountability Board")
        acc.add_meeting(con, who, held_on="2026-12-17")
        asked = acc.ask(con, who, october.meeting_id, "What happened in the Rotherham case reported in the press?")
        acc.decide(con, PCC, meeting_id=october.meeting_id, question_id=asked, decision="awaiting_evidence",
                   rationale="The review's findings are needed.", evidence=[], follow_up="2026-12-17")
        pack = build_pack(con, day("2026-12-17"), "pccdash tests")
        decided = {h: rows for h, rows in rows_naming(pack, "Rotherham case").items() if h.startswith("Decisions")}
        assert list(decided) == ["Decisions due to be looked at again (taken at the Extraordinary Public "
                                 "Accountability Board, 29 October 2026)"] and len(decided[list(decided)[0]]) == 1
        since = table(pack, "Decisions since")
        assert not since.rows and "due to be looked at again" in since.none
        assert "decision since" not in pack.loop.counts
        assert pack.loop.counts.endswith("; 1 decision due to be looked at again (taken since the last meeting)")
        # a second decision since, not due again, is listed and counted among the decisions since
        acc.decide(con, PCC, meeting_id=october.meeting_id, theme="Victim support", decision="partly_assured",
                   rationale="Progress shown.", evidence=[("figures", "The charts")])
        pack = build_pack(con, day("2026-12-17"), "pccdash tests")
        assert [r[0] for r in table(pack, "Decisions since").rows] == ["Theme: Victim support"]
        assert "1 decision since" in pack.loop.counts


def test_a_decision_looked_at_again_by_a_later_one_is_not_said_overdue(wh, who):
    """A themed session's first pack lists every decision so far: one "to be looked at again by 16 July 2026" that
    the July Board did look at again (its later decision listed beside it) is not overdue, and says where it was."""
    with warehouse.connect(wh) as con:
        april = acc.add_meeting(con, who, held_on="2026-04-16")
        july = acc.add_meeting(con, who, held_on="2026-07-16")
        acc.add_meeting(con, who, held_on="2026-10-01", kind="themed", title="Online grooming")
        acc.decide(con, PCC, meeting_id=april.meeting_id, theme="Victim support", decision="partly_assured",
                   rationale="Progress, not yet shown.", evidence=[("figures", "The charts")],
                   follow_up="2026-07-16")
        acc.decide(con, PCC, meeting_id=july.meeting_id, theme="Victim support", decision="assured",
                   rationale="The survey shows it.", evidence=[("feedback", "The survey")])
        acc.add_action(con, who, meeting_id=july.meeting_id, body=ACTION, owner="ACC Jones", due_on="2026-12-31")
        pack = build_pack(con, day("2026-10-01"), "pccdash tests")
        (first,), (later,) = [t.rows for t in pack.loop.tables if t.heading.startswith("Decisions since")]
        assert "(overdue)" not in first[4]
        assert first[4].endswith("to be looked at again by 16 July 2026 (looked at again at the Public "
                                 "Accountability Board, 16 July 2026).")
        assert later[1] == "Assured" and table(pack, "Decisions due to be looked at again") is None


def test_a_question_answered_and_carried_for_want_of_a_decision_on_it_says_so(wh, who):
    """Regression: a question answered, with the Commissioner's decision taken on its theme and none on it, was carried
    under "Still open from earlier meetings" reading only as answered, so nothing said why it was still open. A decision
    on a theme settles no question: the row says no decision is taken on the question, until one is."""
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)
        acc.record_answer(con, who, rec["question"], body="Two cases were re-charged in August",
                          answered_by="ACC Jones", answered_on="2015-09-17", meeting_id=rec["second"].meeting_id)
        acc.decide(con, PCC, meeting_id=rec["second"].meeting_id, theme="CSE charges", decision="assured",
                   rationale="Charges are explained across the districts.", evidence=[("answer", "The answer")])
        acc.add_meeting(con, who, held_on="2015-11-19")
        pack = build_pack(con, day("2015-11-19"), "pccdash tests")
        (row,) = table(pack, "Still open from earlier meetings").rows
        assert row[1] == ("Answered by ACC Jones on 17 September 2015: Two cases were re-charged in August. No "
                          "decision on it yet.")
        acc.decide(con, PCC, meeting_id=rec["third"].meeting_id, question_id=rec["question"], decision="assured",
                   rationale="As decided on CSE charges.", evidence=[("answer", "The answer")])
        pack = build_pack(con, day("2015-11-19"), "pccdash tests")
        assert table(pack, "Still open from earlier meetings") is None


def test_a_question_from_the_public_is_said_asked_by_a_member_of_the_public_mid_sentence(wh, who):
    """A question carried from an earlier meeting sets the meeting's date off by commas, as a decision's row does:
    "Asked at the Public Accountability Board, 16 April 2026 by ..." read as if the day asked."""
    with warehouse.connect(wh) as con:
        first = acc.add_meeting(con, who, held_on="2026-04-16")
        acc.add_meeting(con, who, held_on="2026-05-21")
        third = acc.add_meeting(con, who, held_on="2026-06-18")
        acc.ask(con, who, first.meeting_id, "Why are fewer people charged?", source="public")
        (row,) = table(build_pack(con, day("2026-05-21"), "pccdash tests"), "Asked at the last meeting").rows
        assert row[0].endswith("(Asked by a member of the public.)")
        (row,) = table(build_pack(con, third.held_on, "pccdash tests"), "Still open").rows
        assert row[0].endswith("(Asked at the Public Accountability Board, 16 April 2026, by a member of the public.)")


def test_with_no_earlier_meeting_the_pack_says_so_in_one_line(wh):
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_html

    with warehouse.connect(wh) as con:
        pack = build_pack(con, day("2015-08-20"), "pccdash tests")
    assert pack.loop.empty == EMPTY and pack.loop.tables == []
    page = render_html(pack)
    assert page.index(EMPTY) < page.index('id="summary-h"')
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(pack))).paragraphs)
    assert text.index(HEADING) < text.index(EMPTY) < text.index("Summary")


def test_a_long_text_in_a_cell_is_cut_and_said_to_be_cut(wh, who):
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)
        acc.record_answer(con, who, rec["question"], body="Because " * 2000, answered_by="ACC Jones",
                          answered_on="2015-09-01")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    stands = table(pack, "Asked at the last meeting").rows[0][1]
    assert stands.startswith("Answered by ACC Jones on 1 September 2015: Because Because")
    assert stands.endswith(IN_FULL + " No decision on it yet.") and len(stands) < 700


def test_text_of_100_kb_never_reaches_a_pack(wh, who):
    with warehouse.connect(wh) as con:
        first = acc.add_meeting(con, who, held_on="2015-08-20")
        with pytest.raises(BadText, match="may be at most 2,000"):
            acc.ask(con, who, first.meeting_id, "A" * 100_000)
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    assert table(pack, "Asked at the last meeting").rows == []


# --- the three formats --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def drawn(sample_db, tmp_path_factory):
    """The pack for 17 September 2015, after a Board that put an ordinary, a hostile and a very long question, in
    HTML, PDF and Word."""
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_html, render_pdf

    wh = copy_warehouse(sample_db, tmp_path_factory.mktemp("pack_loop"))
    with warehouse.connect(wh) as con:
        record_first_meetings(con, cli_actor("pcc@example.org"), hostile=True)
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    return pack, render_html(pack), render_pdf(pack), render_docx(pack)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def cells_of_pdf(pdf: bytes) -> list[str]:
    """Every cell of every ruled table in the PDF, its lines joined by spaces (a cell's text wraps)."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for t in page.extract_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
                out += [" ".join(c.split()) for row in t for c in row if c]
    return out


def test_the_word_packs_tables_have_their_columns_widths_in_the_grid_every_reader_lays_out_by(drawn):
    """Regression: each cell of the Word pack's tables carried its column's width, but the table's grid, which
    LibreOffice lays the table out by, made every column equal: the actions' Owner column as wide as Status, the
    Action column narrower than the PDF's. The grid now gives each column its share, as the cells and the PDF do."""
    from pipelines.briefing.docx import TEXT_WIDTH_MM
    from pipelines.briefing.loop_section import ACTION_WIDTHS

    document = docx.Document(io.BytesIO(drawn[3]))
    for table in document.tables:
        grid = [round(c.width.mm, 1) for c in table.columns]
        assert all([round(c.width.mm, 1) for c in row.cells] == grid for row in table.rows), grid
        assert abs(sum(grid) - TEXT_WIDTH_MM) < 1
    (actions,) = [t for t in document.tables if t.rows[0].cells[1].text == "Owner"]
    assert [round(c.width.mm, 1) for c in actions.columns] == [round(TEXT_WIDTH_MM * w, 1) for w in ACTION_WIDTHS]


def test_the_html_pack_opens_with_the_loop_and_shows_typed_text_inert(drawn):
    _, page, _, _ = drawn
    loop = page.index('<section class="loop"')
    assert page.index('class="banner"') < loop < page.index('id="summary-h"') < page.index('id="questions"')
    section = page[loop:page.index("</section>", loop)]
    for needle in ("Asked at the last meeting (Public Accountability Board, 20 August 2015)", QUESTION,
                   "July 2015: 2;", "August 2015: ", "Actions open", ACTION, "ACC Jones"):
        assert needle in section, needle
    parser = Elements()
    parser.feed(page)
    assert "script" not in parser.tags and "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** =1+1" in section


def test_the_pdf_pack_opens_with_the_loop_and_its_long_texts_wrap_in_their_cells(drawn):
    _, _, pdf, _ = drawn
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [p.extract_text() or "" for p in doc.pages]
    contents = pages[0][pages[0].index("Contents"):]
    assert contents.index(HEADING) < contents.index("Summary")
    first_loop = next(i for i, text in enumerate(pages) if HEADING in text.split("\n"))
    summary = next(i for i, text in enumerate(pages) if "Summary" in text.split("\n"))
    assert 0 < first_loop < summary
    assert ("Asked at the last meeting (Public Accountability Board, 20 August 2015)"
            in " ".join(pages[first_loop].split()))
    cells = cells_of_pdf(pdf)
    assert any(c.startswith(QUESTION) for c in cells)
    assert any(c.startswith(HOSTILE) for c in cells), "hostile text prints as itself"
    assert ACTION in cells and "ACC Jones" in cells
    assert any(c.startswith("CSE charges, Rotherham: July 2015: 2;") for c in cells)
    assert not cell_overflows(pdf), "a long question wraps inside its cell"
    assert not nearly_empty_pages(pdf) and not repeated_sentences(pdf)


def test_a_question_too_tall_for_a_page_still_prints(wh, who):
    """Regression: a table row taller than the page stopped ReportLab drawing the pack at all."""
    from pipelines.briefing.render import render_pdf

    with warehouse.connect(wh) as con:
        first = acc.add_meeting(con, who, held_on="2015-08-20")
        for _ in range(2):
            acc.ask(con, who, first.meeting_id, "W" * 2000)  # the longest question, of the widest letters
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    pack.measures = [dataclasses.replace(m, chart=None) for m in pack.measures]  # the loop is what is drawn here
    pdf = render_pdf(pack)
    assert not cell_overflows(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
    assert sum(len(run) for run in re.findall(r"(?<![A-Za-z])W+(?![A-Za-z])", text)) == 4000, "every letter printed"


def test_a_decision_on_a_question_printed_above_names_it_briefly_in_the_pdf_and_word_packs(wh, who):
    """Regression: a decision on a question asked at the last meeting quoted it whole (up to 300 characters) in the
    decisions' narrow "On" column, a 45-word question printed in 12 bold lines just below the same question under
    "Asked at the last meeting". It names it there by its number and first words; a decision on a question printed
    nowhere above it still quotes it whole."""
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_pdf

    asked = ("Why did charges for child sexual exploitation fall in Rotherham in July, when referrals rose across the "
             "district, and what has the force done since to make sure that every case referred by social care is "
             "investigated, charged where the evidence allows and reported back?")
    settled = "How many suspects were arrested within twelve weeks of a referral in Sheffield, and how many charged?"
    assert len(asked.split()) == 45
    with warehouse.connect(wh) as con:
        july = acc.add_meeting(con, who, held_on="2015-07-16")
        august = acc.add_meeting(con, who, held_on="2015-08-20")
        acc.add_meeting(con, who, held_on="2015-09-17")
        number = {}
        for meeting, text, decision in ((august, asked, "partly_assured"), (july, settled, "assured")):
            number[text] = q = acc.ask(con, who, meeting.meeting_id, text)
            acc.record_answer(con, who, q, body="Two cases were re-charged.", answered_by="ACC Jones",
                              answered_on=meeting.held_on.isoformat(), meeting_id=meeting.meeting_id)
            acc.decide(con, PCC, meeting_id=meeting.meeting_id, question_id=q, decision=decision,
                       rationale="The answer explains it.", evidence=[("answer", "The force's answer")],
                       follow_up="2015-09-17" if meeting is july else None)
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    named = f'Question {number[asked]}: "Why did charges for child sexual…" (above)'
    assert table(pack, "Asked at the last meeting").rows[0][0].startswith(asked)
    assert [r[0] for r in table(pack, "Decisions since").rows] == [named]
    assert [r[0] for r in table(pack, "Decisions due to be looked at again").rows] == [settled], "not printed above"

    pack.measures = [dataclasses.replace(m, chart=None) for m in pack.measures]  # the loop is what is drawn here
    pdf = render_pdf(pack)
    document = docx.Document(io.BytesIO(render_docx(pack)))
    words = [c.text for t in document.tables for r in t.rows for c in r.cells]
    for cells in (cells_of_pdf(pdf), words):
        assert named in cells and settled in cells
        assert sum(c.startswith(asked[:60]) for c in cells) == 1, "the question is printed once"
    assert not repeated_sentences(pdf) and not cell_overflows(pdf)


def test_a_question_still_open_comes_before_the_decisions_and_a_decision_on_it_names_it_briefly(wh, who):
    """Regression: a question from an earlier meeting still open, with a decision taken on it since, was quoted whole
    in the decision's row and whole again just below, under "Still open from earlier meetings", the same long
    sentence twice on the page. The questions still open now come before the decisions, with the other questions,
    and the decision names it by its number and first words, in the PDF and Word packs alike."""
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_pdf

    still = ("Why did referrals from social care in Doncaster fall by a third in June, and has the force asked the "
             "council whether its screening changed?")
    with warehouse.connect(wh) as con:
        july = acc.add_meeting(con, who, held_on="2015-07-16")
        august = acc.add_meeting(con, who, held_on="2015-08-20")
        acc.add_meeting(con, who, held_on="2015-09-17")
        number = acc.ask(con, who, july.meeting_id, still)
        acc.ask(con, who, august.meeting_id, QUESTION)
        acc.decide(con, PCC, meeting_id=august.meeting_id, question_id=number, decision="awaiting_evidence",
                   rationale="The council's figures are needed.", evidence=[])
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    headings = [t.heading.split(" (")[0] for t in pack.loop.tables]
    assert headings[:3] == ["Asked at the last meeting", "Still open from earlier meetings",
                            "Decisions since the last meeting"]
    (row,) = table(pack, "Still open from earlier meetings").rows
    assert row[0].startswith(still) and row[1] == "No answer recorded yet. Decision: Awaiting evidence."
    named = f'Question {number}: "Why did referrals from social care…" (above)'
    assert [r[0] for r in table(pack, "Decisions since").rows] == [named]

    pack.measures = [dataclasses.replace(m, chart=None) for m in pack.measures]  # the loop is what is drawn here
    pdf = render_pdf(pack)
    document = docx.Document(io.BytesIO(render_docx(pack)))
    words = [c.text for t in document.tables for r in t.rows for c in r.cells]
    for cells in (cells_of_pdf(pdf), words):
        assert named in cells
        assert sum(still[:60] in c for c in cells) == 1, "the question is printed once"
    assert not repeated_sentences(pdf) and not cell_overflows(pdf)


def test_the_meeting_decisions_were_taken_at_is_said_once_in_the_pdf_and_word_packs(wh, who):
    """Regression: two decisions taken at one Board each said "At the Public Accountability Board, 20 August 2015, by
    pcc@example.org." in their "Decided" cell, the same sentence twice on the page. The meeting is said once, in the
    heading of the decisions taken at it; each row says who decided and when it is to be looked at again."""
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_pdf

    with warehouse.connect(wh) as con:
        july = acc.add_meeting(con, who, held_on="2015-07-16")
        august = acc.add_meeting(con, who, held_on="2015-08-20")
        acc.add_meeting(con, who, held_on="2015-09-17")
        asked = acc.ask(con, who, august.meeting_id, QUESTION)
        acc.record_answer(con, who, asked, body="Two cases were re-charged.", answered_by="ACC Jones",
                          answered_on="2015-08-20", meeting_id=august.meeting_id)
        acc.decide(con, PCC, meeting_id=august.meeting_id, question_id=asked, decision="partly_assured",
                   rationale="The fall is explained.", evidence=[("answer", "The force's answer")])
        acc.decide(con, PCC, meeting_id=august.meeting_id, theme="Victim support", decision="awaiting_evidence",
                   rationale="The survey is due.", evidence=[], follow_up="2015-11-19")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
        heading = "Decisions since the last meeting (taken at the Public Accountability Board, 20 August 2015)"
        decided = table(pack, "Decisions since")
        assert decided.heading == heading
        assert [r[4] for r in decided.rows] == ["By pcc@example.org.",
                                                "By pcc@example.org; to be looked at again by 19 November 2015."]
        pack.measures = [dataclasses.replace(m, chart=None) for m in pack.measures]  # the loop is what is drawn here
        pdf = render_pdf(pack)
        document = docx.Document(io.BytesIO(render_docx(pack)))
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            text = " ".join(" ".join((p.extract_text() or "").split()) for p in doc.pages)
        words = " ".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells])
        for said in (text, words):
            assert heading in said and "20 August 2015, by pcc@example.org" not in said
        assert not repeated_sentences(pdf)

        # decisions taken at two meetings: each meeting heads the decisions taken at it, the earlier first
        acc.decide(con, PCC, meeting_id=july.meeting_id, theme="Online grooming", decision="assured",
                   rationale="The unit is staffed.", evidence=[("visit", "The unit")])
        acc.add_action(con, who, meeting_id=july.meeting_id, body=ACTION, owner="ACC Jones", due_on="2015-12-31")
        acc.add_meeting(con, who, held_on="2015-10-01", kind="themed", title="Online grooming")
        pack = build_pack(con, day("2015-10-01"), "pccdash tests")
        assert [(t.heading, [r[0] for r in t.rows]) for t in pack.loop.tables if t.heading.startswith("Decisions")] == [
            ("Decisions since the last meeting (taken at the Public Accountability Board, 16 July 2015)",
             ["Theme: Online grooming"]),
            ("Decisions since the last meeting (taken at the Public Accountability Board, 20 August 2015)",
             [QUESTION, "Theme: Victim support"])]


def test_the_word_pack_opens_with_the_loop(drawn):
    _, _, _, data = drawn
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings.index(HEADING) < headings.index("Summary")
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(c.startswith(QUESTION) for c in cells)
    assert any(c.startswith(HOSTILE) for c in cells)
    assert ACTION in cells
    firsts = [t.rows[0].cells[0].text for t in document.tables]
    # the loop's tables come before the summary, and the recommendations' after it
    assert firsts[:3] == ["Question", "Action", "Measure"], firsts
    assert firsts.index("Recommendation") > firsts.index("Measure"), firsts


# --- the overview page --------------------------------------------------------------------------------------------

def opening(markdown: list[str]) -> int:
    """Where the overview's "Since the last meeting" line is among its Markdown elements."""
    return next(i for i, v in enumerate(markdown) if v.startswith(f"**{HEADING}:**"))


def test_the_overview_opens_with_the_overdue_action(monkeypatch, wh, who):
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)
        acc.add_action(con, who, meeting_id=rec["first"].meeting_id, body="**Visit** the <b>team</b>", owner="=1+1",
                       due_on="2015-11-01")
    at = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(day("2015-11-19")).run()
    assert not at.exception
    shown = texts(at)
    md = [m.value for m in at.markdown]  # in the page's order
    assert opening(md) < next(i for i, v in enumerate(md) if v.startswith("| Measure")), "before the summary"
    assert ("2 actions overdue, no other open; no question was asked at the last meeting; 1 question still open "
            "from earlier meetings") in shown
    (warning,) = [w.value for w in at.warning if "Overdue (2)" in w.value]
    assert ACTION in warning
    assert r"\*\*Visit\*\* the \<b\>team\</b\> \(owner =1\+1;" in warning, "typed text is escaped"
    (expander,) = [e for e in at.expander if e.label.startswith("What was asked")]
    inside = "\n".join(m.value for m in expander.markdown)
    assert "Actions overdue" in inside and "Report on the fall in charges in Rotherham" in inside


def test_the_overview_says_when_no_earlier_meeting_is_recorded(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(day("2015-09-17")).run()
    assert not at.exception
    md = [m.value for m in at.markdown]
    assert md[opening(md)] == f"**{HEADING}:** {md_escape(EMPTY_SHORT)}"
    assert at.header[0].value == "Summary", "the summary stays the page's first heading"


def test_a_loop_with_nothing_asked_and_no_action_says_so_in_words(monkeypatch, wh, who):
    """Regression: after a Board with no question and no action, the overview and the pack read "0 actions overdue,
    0 open; 0 questions asked last time, 0 still awaiting an answer.", and the pack's actions open said "No other
    action is open." with no action at all."""
    from pipelines.briefing.render import render_html

    said = "No action is open or overdue; no question was asked at the last meeting"
    with warehouse.connect(wh) as con:
        acc.add_meeting(con, who, held_on="2015-08-20")
        acc.add_meeting(con, who, held_on="2015-09-17")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    assert not pack.loop.empty and pack.loop.counts == said
    assert table(pack, "Actions open").none == "No action is open."
    assert table(pack, "Actions overdue").none == "No action is overdue."
    page = render_html(pack)
    assert f"{said}." in page and "0 open" not in page and "0 questions" not in page
    at = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(day("2015-09-17")).run()
    assert not at.exception
    md = [m.value for m in at.markdown]
    assert md[opening(md)] == f"**{HEADING}:** {md_escape(said)}."
    # a question asked and answered since: counted, with none awaiting said in words
    with warehouse.connect(wh) as con:
        first = next(m for m in acc.meetings(con) if m.held_on == day("2015-08-20"))
        asked = acc.ask(con, who, first.meeting_id, QUESTION)
        acc.record_answer(con, who, asked, body="Two cases were re-charged.", answered_by="ACC Jones",
                          answered_on="2015-09-01")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    assert pack.loop.counts == ("No action is open or overdue; 1 question asked last time, none still awaiting an "
                                "answer")


def test_the_pack_carries_the_questions_already_put_to_its_meeting(wh, who):
    """Regression: a question from the public accepted for a Board (or the office's own, put in advance) was in no
    part of the pack taken into that Board, which listed only the questions drafted from the figures."""
    public = "Why are fewer children being referred in Sheffield?"
    own = "How many cases closed with no further action were reviewed?"
    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, who, held_on="2015-09-17")
        acc.add_meeting(con, who, held_on="2015-09-17", kind="district", district="Rotherham")
        acc.ask(con, who, board.meeting_id, public, source="public")
        acc.ask(con, who, board.meeting_id, own)
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
        drafted = build_pack(con, day("2015-10-15"), "pccdash tests").questions
    assert pack.questions[-2:] == [f"{public} (Put to this meeting: from the public.)",
                                   f"{own} (Put to this meeting: from the office.)"]
    assert not any(public in q or own in q for q in drafted), "only the meeting the questions were put to"


def test_a_drafted_question_put_to_the_meeting_is_in_its_pack_once(wh, who):
    with warehouse.connect(wh) as con:
        first = build_pack(con, day("2015-09-17"), "pccdash tests").questions
        board = acc.add_meeting(con, who, held_on="2015-09-17")
        acc.ask(con, who, board.meeting_id, first[0], source="drafted")
        assert build_pack(con, day("2015-09-17"), "pccdash tests").questions == first


def test_a_stock_in_figures_then_and_now_is_its_level_at_the_end_of_the_month(wh, who):
    """Regression: the pack's "Figures then" and "Figures now" for a question about live investigations (a stock)
    read "March 2026: 113; 12 months to March 2026: 113", a 12-month total by the look of it, where the pack's
    summary says a stock's period figures are its month-end level."""
    with warehouse.connect(wh) as con:
        first = acc.add_meeting(con, who, held_on="2026-03-19")
        figures = acc.figures_for(PlanAnalytics(plan_figures(con)), "cse_live_investigations", "Rotherham",
                                  first.reporting_month)
        acc.ask(con, who, first.meeting_id, QUESTION, measure="cse_live_investigations", area="Rotherham",
                period=first.reporting_month, figures=figures)
        pack = build_pack(con, day("2026-04-16"), "pccdash tests")
    (row,) = table(pack, "Asked at the last meeting").rows
    assert row[2].startswith(f"Live CSE investigations, Rotherham: at the end of February 2026: {figures[0]['text']}; ")
    assert row[3].startswith("Live CSE investigations, Rotherham: at the end of March 2026: ")
    assert "12 months" not in row[2] + row[3]


def test_figures_then_say_a_figure_revised_since_the_question_was_put(wh, who, tmp_path):
    """Regression: "Figures then" kept Rotherham's charges as they were when asked (2), rightly, but said nothing when
    that month was revised since (now 9), so the Board read a figure that no longer stood."""
    from helpers import revise_figure

    with warehouse.connect(wh) as con:
        first = acc.add_meeting(con, who, held_on="2026-04-16")
        figures = acc.figures_for(PlanAnalytics(plan_figures(con)), "cse_charges", "Rotherham", first.reporting_month)
        acc.ask(con, who, first.meeting_id, QUESTION, measure="cse_charges", area="Rotherham",
                period=first.reporting_month, figures=figures)
        was = figures[0]["value"]
        revise_figure(con, tmp_path, "2026-03", "Rotherham", "cse_charges", was + 7)
        pack = build_pack(con, day("2026-05-21"), "pccdash tests")
    (row,) = table(pack, "Asked at the last meeting").rows
    assert row[2].startswith(f"CSE charges, Rotherham: March 2026: {was:g}, since revised to {was + 7:g}; ")
    assert row[3].startswith(f"CSE charges, Rotherham: March 2026: {was + 7:g}; ")


def test_a_pack_for_a_district_or_themed_meeting_says_which_meeting_it_is_for(wh, who):
    """Regression: "pccdash pack --meeting 2026-07-30" on the day of Rotherham's quarterly report, with no Board that
    day, was titled "Briefing pack for the Public Accountability Board, 30 July 2026" and its "Since the last meeting"
    went back to the last Board. It is the pack for the meeting recorded that day, going back to the last of its own
    series; a Board's pack is as it was."""
    from pipelines.briefing.docx import render_docx
    from pipelines.briefing.render import render_html, render_pdf

    at_board, at_district = "How many suspects were arrested within 12 weeks?", "Why are Rotherham's charges down?"
    with warehouse.connect(wh) as con:
        april_board = acc.add_meeting(con, who, held_on="2026-04-16")
        acc.ask(con, who, april_board.meeting_id, at_board)
        april = acc.add_meeting(con, who, held_on="2026-04-30", kind="district", district="Rotherham")
        acc.ask(con, who, april.meeting_id, at_district)
        acc.add_meeting(con, who, held_on="2026-06-18")
        july = acc.add_meeting(con, who, held_on="2026-07-30", kind="district", district="Rotherham")
        put = acc.ask(con, who, july.meeting_id, "What has the hub changed since April?")
        acc.add_meeting(con, who, held_on="2026-05-07", kind="themed", title="Online grooming")
        acc.add_meeting(con, who, held_on="2026-08-06", kind="themed", title="Online grooming")
        district = build_pack(con, day("2026-07-30"), "pccdash tests")
        themed = build_pack(con, day("2026-08-06"), "pccdash tests")
        board = build_pack(con, day("2026-06-18"), "pccdash tests")
        (asked,) = [q for q in acc.questions(con) if q.question_id == put]

    title = "Briefing pack for the Rotherham quarterly report, 30 July 2026"
    note = district.notices[0]
    assert note.startswith("This pack is for the Rotherham quarterly report (meeting 4); no Public Accountability "
                           "Board is recorded that day.")
    assert '"Since the last meeting" goes back to the last Rotherham quarterly report, on 30 April 2026' in note
    last = table(district, "Asked at the last meeting")
    assert last.heading == "Asked at the last meeting (Rotherham quarterly report, 30 April 2026)"
    assert [r[0].split("\n")[0] for r in last.rows] == [at_district]
    assert f"{asked.body} (Put to this meeting: from the office.)" in district.questions

    assert table(themed, "Asked at the last meeting").heading == ("Asked at the last meeting (Themed scrutiny session "
                                                                  "on Online grooming, 7 May 2026)")
    assert themed.notices[0].startswith("This pack is for the Themed scrutiny session on Online grooming")

    # the Board's pack is the Board's: its title, no such note, and its loop back to the last Board
    assert board.meeting_name == "the Public Accountability Board" and not board.notices[0].startswith("This pack")
    assert table(board, "Asked at the last meeting").heading.endswith("(Public Accountability Board, 16 April 2026)")

    small = dataclasses.replace(district, measures=district.measures[:1])  # one measure's chart is enough here
    page = render_html(small)
    assert f"<h1>{title}</h1>" in page and "This pack is for the Rotherham quarterly report" in page
    with pdfplumber.open(io.BytesIO(render_pdf(small))) as pdf:
        first = " ".join(pdf.pages[0].extract_text().split())
        assert title in first and "This pack is for the Rotherham quarterly report" in first
        assert pdf.metadata["Title"].startswith(title)
    document = docx.Document(io.BytesIO(render_docx(small)))
    words = [p.text for p in document.paragraphs]
    assert title in words and any(w.startswith("This pack is for the Rotherham quarterly report") for w in words)


def test_a_pack_for_a_district_or_themed_meeting_is_kept_under_its_own_name(wh, who):
    """A district's or a themed session's pack was written and kept as "pab-briefing-DATE", taken for a Board's in the
    archive and the folder it was written to. Each is named for its meeting; a Board's is as it was."""
    from pipelines.briefing import archive
    from pipelines.briefing.pack import meeting_for, pack_stem

    with warehouse.connect(wh) as con:
        acc.add_meeting(con, who, held_on="2026-06-18")
        acc.add_meeting(con, who, held_on="2026-07-30", kind="district", district="Rotherham")
        acc.add_meeting(con, who, held_on="2026-08-06", kind="themed", title="Online grooming")
        stems = {d: pack_stem(day(d), meeting_for(con, day(d))) for d in ("2026-06-18", "2026-07-30", "2026-08-06",
                                                                           "2026-09-17")}
        kept = archive.keep(con, wh, archive.Drawn(day("2026-07-30"), who, "pcc@example.org", "load 1",
                                                   {"pdf": b"%PDF-1.4 a pack"}))
    assert stems == {"2026-06-18": "pab-briefing-2026-06-18",
                     "2026-07-30": "rotherham-quarterly-report-briefing-2026-07-30",
                     "2026-08-06": "themed-session-briefing-2026-08-06",
                     "2026-09-17": "pab-briefing-2026-09-17"}  # no meeting recorded yet: the next Board's
    assert kept.production.files["pdf"].file_name == "rotherham-quarterly-report-briefing-2026-07-30.pdf"


def test_a_pack_for_a_cancelled_district_meetings_day_is_for_that_meeting_not_a_board(wh, who):
    """Rotherham's quarterly report of 26 November is called off: a pack for its day was titled and named for a
    Public Accountability Board no one had recorded, under a notice that the Rotherham report was cancelled. It is
    the Rotherham report's pack still, saying it will not be held; a Board called off keeps a Board's pack."""
    from pipelines.briefing.pack import meeting_for, pack_stem

    with warehouse.connect(wh) as con:
        board = acc.add_meeting(con, who, held_on="2026-11-19")
        report = acc.add_meeting(con, who, held_on="2026-11-26", kind="district", district="Rotherham")
        acc.cancel_meeting(con, who, report.meeting_id, reason="The district commander is on leave")
        acc.cancel_meeting(con, who, board.meeting_id, reason="Not quorate")
        pack = build_pack(con, day("2026-11-26"), "pccdash tests")
        assert pack.meeting_short == "Rotherham quarterly report"
        assert pack_stem(day("2026-11-26"), meeting_for(con, day("2026-11-26"))) == (
            "rotherham-quarterly-report-briefing-2026-11-26")
        assert pack.notices[0].startswith("The Rotherham quarterly report, 26 November 2026 was cancelled")
        assert build_pack(con, day("2026-11-19"), "pccdash tests").meeting_short != "Rotherham quarterly report"
        assert meeting_for(con, day("2026-11-19")) is None


def test_an_action_given_more_time_is_open_not_overdue_in_the_next_pack_and_says_its_first_due_date(wh, who):
    """The Board of 17 September gave the action due by 15 October until 19 November: the October pack lists it as
    open (due by the November Board, first due by the October one), with the move as its latest update."""
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)
        november = acc.add_meeting(con, who, held_on="2015-11-19")
        acc.move_action_due(con, who, rec["action"], due_meeting_id=november.meeting_id, on="2015-09-17",
                            reason="The force asked for the CPS's figures first")
        pack = build_pack(con, day("2015-10-15"), "pccdash tests")
    rows = rows_naming(pack, ACTION)
    assert not any(h.startswith("Actions overdue") for h in rows), rows
    ((row,),) = [r for h, r in rows.items() if h.startswith("Actions open")]
    assert row[2] == ("Public Accountability Board, 19 November 2015 (first due by the Public "
                      "Accountability Board, 15 October 2015)")
    assert row[3] == "Open: due date moved (The force asked for the CPS's figures first)"  # the date is in row[2]


def test_an_action_handed_to_a_new_owner_names_its_owner_as_it_stood_in_each_pack(wh, who):
    """ACC Jones retired after the September Board: the September pack names ACC Jones, the October pack the new owner
    and who held it first, with the handover as its latest update."""
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)  # Boards on 20 August, 17 September, 15 October 2015
        acc.hand_over_action(con, who, rec["action"], owner="Supt Khan", reason="ACC Jones has retired",
                             on="2015-09-20")
        september = build_pack(con, day("2015-09-17"), "pccdash tests")
        october = build_pack(con, day("2015-10-15"), "pccdash tests")
    (row,) = rows_naming(september, ACTION)["Actions open"]
    assert (row[1], row[3]) == ("ACC Jones", "Open")
    (row,) = rows_naming(october, ACTION)["Actions open"]
    assert row[1] == "Supt Khan (since 20 September 2015; first owner ACC Jones)"
    assert row[3] == "Open: handed over from ACC Jones (ACC Jones has retired)"  # the names are in row[1]


def test_an_overdue_action_handed_over_is_counted_and_listed_overdue_under_its_new_owner_until_given_more_time(
        wh, who):
    """The action due by the October Board, handed to a new owner after it: the November pack counts it overdue and
    its overdue line names the new owner; given more time, the next pack counts it open and none overdue."""
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)  # the action is due by the Board of 15 October 2015
        acc.hand_over_action(con, who, rec["action"], owner="Supt Khan", reason="ACC Jones has retired",
                             on="2015-10-20")
        november = build_pack(con, day("2015-11-19"), "pccdash tests")
        acc.move_action_due(con, who, rec["action"], due_on="2015-12-31", on="2015-10-21",
                            reason="The new owner asked for time to read in")
        given_time = build_pack(con, day("2015-11-19"), "pccdash tests")
    assert november.loop.counts.startswith("1 action overdue, no other open")
    assert november.loop.overdue == [f"{ACTION} (owner Supt Khan; due Public Accountability Board, 15 October 2015)"]
    assert list(rows_naming(november, ACTION)) == ["Actions overdue"]
    assert given_time.loop.counts.startswith("1 action open, none overdue") and not given_time.loop.overdue
    (row,) = rows_naming(given_time, ACTION)["Actions open"]
    assert row[1] == "Supt Khan (since 20 October 2015; first owner ACC Jones)"


def test_an_action_reopened_since_the_last_meeting_is_said_reopened_and_counted(wh, who):
    """Regression: an action the September pack listed as closed since the last meeting, reopened before October,
    came back in the October pack as open with its reason alone ("Open: the report covered Sheffield only"): no word
    that it had been reopened, nor a count of it. It now says "reopened on ... (...)", whatever came after, and "1
    action reopened since"; at the meeting after, it is said so only while the reopening is its latest update."""
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)  # Boards on 20 August, 17 September, 15 October 2015
        acc.update_action(con, who, rec["action"], status="closed", note="Report received.", on="2015-09-01")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
        assert list(rows_naming(pack, ACTION)) == ["Actions closed since the last meeting"]
        acc.reopen_action(con, who, rec["action"], reason="The report covered Sheffield only", on="2015-09-20")
        pack = build_pack(con, day("2015-10-15"), "pccdash tests")
        assert rows_naming(pack, ACTION)["Actions open"][0][3] == (
            "Open: reopened on 20 September 2015 (The report covered Sheffield only)")
        assert "; 1 action reopened since" in pack.loop.counts and "closed since" not in pack.loop.counts

        november = acc.add_meeting(con, who, held_on="2015-11-19")
        acc.move_action_due(con, who, rec["action"], due_meeting_id=november.meeting_id, on="2015-10-01",
                            reason="The other districts' figures are due in November")
        pack = build_pack(con, day("2015-10-15"), "pccdash tests")
        assert rows_naming(pack, ACTION)["Actions open"][0][3] == (
            "Open: reopened on 20 September 2015 (The report covered Sheffield only); due date moved (The other "
            "districts' figures are due in November)")
        assert "; 1 action reopened since" in pack.loop.counts

        pack = build_pack(con, day("2015-11-19"), "pccdash tests")  # reopened before the October Board
        assert rows_naming(pack, ACTION)["Actions open"][0][3] == (
            "Open: due date moved (The other districts' figures are due in November)")
        assert "reopened" not in pack.loop.counts


def test_a_long_owners_name_in_the_pdf_pack_wraps_between_words_not_within_one(wh, who, tmp_path):
    """Regression: the actions' Owner column was narrow enough that "Superintendent" broke mid-word ("Superintenden" /
    "t Khan"), and an action handed over names its new owner, since when, and who held it first. The PDF now wraps
    an owner between words only, a column widening for a word too long for it (a double-barrelled name), and every
    cell still stays inside its column."""
    import shutil
    import subprocess

    from pipelines.briefing.render import render_pdf

    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who)  # Boards on 20 August, 17 September, 15 October 2015
        acc.add_action(con, who, meeting_id=rec["first"].meeting_id, body="Publish the charging review",
                       owner="Detective Chief Superintendent Khan", due_meeting_id=rec["third"].meeting_id)
        acc.add_action(con, who, meeting_id=rec["first"].meeting_id, body="Meet the victims' panel",
                       owner="DCI Fotheringham-Whittingstall", due_meeting_id=rec["third"].meeting_id)
        acc.hand_over_action(con, who, rec["action"], owner="Detective Superintendent Khan",
                             reason="ACC Jones has retired", on="2015-08-25")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    pack.measures = [dataclasses.replace(m, chart=None) for m in pack.measures]  # the loop is what is drawn here
    pdf = render_pdf(pack)
    (tmp_path / "pack.pdf").write_bytes(pdf)
    assert shutil.which("pdftotext"), "pdftotext is missing: install Debian's poppler-utils"
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    words = text.split()
    assert words.count("Superintendent") == 2, "each owner's rank is printed whole"
    assert not [w for w in words if w != "Superintendent" and ("Supe" in w or w.endswith("ntendent"))], "not broken"
    cells = cells_of_pdf(pdf)
    assert "Detective Chief Superintendent Khan" in cells
    assert "Detective Superintendent Khan (since 25 August 2015; first owner ACC Jones)" in cells
    assert "DCI Fotheringham-Whittingstall" in cells, "a column widens for a word longer than it"
    assert not cell_overflows(pdf)


def test_a_meeting_with_only_decisions_or_a_meeting_called_off_to_carry_has_something_to_carry():
    """Regression: the loop counted itself empty when what it had to carry was only decisions taken since, or a
    meeting of its series called off since, and the pack then said there was nothing to carry into the meeting."""
    from pipelines.accountability.loop import Loop

    day = dt.date(2026, 3, 19)
    assert Loop(day, None).empty
    assert not Loop(day, None, decisions=[object()]).empty
    assert not Loop(day, None, cancelled_since=[object()]).empty
    assert not Loop(day, None, closed_since=[object()]).empty


def test_the_section_s_counts_name_the_questions_still_open_before_the_decisions_as_its_tables_come():
    """The line that counts what the section holds follows its tables: the questions still open from earlier
    meetings are listed before the decisions, and counted before them."""
    from types import SimpleNamespace

    from pipelines.accountability.loop import Loop
    from pipelines.briefing.loop_section import counts

    open_q = SimpleNamespace(question=SimpleNamespace(withdrawn_before=lambda day: False))
    line = counts(Loop(dt.date(2026, 3, 19), None, still_open=[open_q], decisions=[SimpleNamespace(decision_id=1)]),
                  {})
    assert line.index("1 question still open from earlier meetings") < line.index("1 decision since"), line
