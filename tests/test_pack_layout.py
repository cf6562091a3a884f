"""The briefing pack's PDF prints cleanly: no table text crosses its cell, no figure is broken across lines, no
page is left nearly empty, and no sentence is printed twice on a page; and the checks catch each fault."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from dashboard_helpers import ANALYST, copy_warehouse
from pdf_layout import (
    Fault,
    cell_overflows,
    ink_on_grid_lines,
    missing_figures,
    nearly_empty_pages,
    page_fill,
    render_pages,
    repeated_sentences,
    split_figures,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipelines import warehouse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "pack-2015-08-20"
MEETING = dt.date(2015, 8, 20)
SENTENCE = ("CSE referrals across South Yorkshire in July 2015 (105) are within the expected range: "
            "no significant change.")
STYLES = getSampleStyleSheet()


# --- small hand-made PDFs, each with one fault ------------------------------------------------------------

def pdf_of(story: list) -> bytes:
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm).build(story)
    return buf.getvalue()


def grid(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#B1B4B6"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
    return table


def cell(text: str) -> Paragraph:
    return Paragraph(text, STYLES["BodyText"])


def test_text_running_out_of_its_cell_is_caught_in_the_pdf_and_in_the_image(tmp_path):
    # a plain string in a cell is not wrapped: ReportLab draws it on across the next column's rule
    overflowing = pdf_of([grid([["Area", "Change"], ["Rotherham district and its neighbours", "+18 (+150.0%)"]],
                               [25 * mm, 60 * mm])])
    faults = cell_overflows(overflowing)
    assert [(f.page, f.check, f.text) for f in faults] == [(1, "overflow", "Rotherham district and its neighbours")]
    ink = ink_on_grid_lines(overflowing, render_pages(overflowing, tmp_path / "over"))
    assert ink and all(f.page == 1 for f in ink)
    assert any("Rotherham" in f.text for f in ink), [str(f) for f in ink]

    fitting = pdf_of([grid([["Area", "Change"], [cell("Rotherham district and its neighbours"), "+18 (+150.0%)"]],
                           [25 * mm, 60 * mm])])
    assert cell_overflows(fitting) == []
    assert ink_on_grid_lines(fitting, render_pages(fitting, tmp_path / "fit")) == []


def test_a_figure_wrapped_inside_its_cell_is_caught_and_a_whole_one_passes():
    narrow = pdf_of([grid([["Area", "Change"], ["Force", cell("+58 (+123.4%)")]], [30 * mm, 14 * mm])])
    faults = split_figures(narrow, ["+58 (+123.4%)", "Force"])
    assert {f.check for f in faults} >= {"split figure"}
    assert all(f.page == 1 and f.text for f in faults)
    assert missing_figures(narrow, ["+58 (+123.4%)"]) == ["+58 (+123.4%)"]

    wide = pdf_of([grid([["Area", "Change"], ["Force", cell("+58 (+123.4%)")]], [30 * mm, 40 * mm])])
    assert split_figures(wide, ["+58 (+123.4%)"]) == []
    assert missing_figures(wide, ["+58 (+123.4%)", "+58"]) == []


def test_a_line_ending_with_a_numbers_open_bracket_is_caught():
    # the way the pack broke it: the bracket opened on one line and closed on the next
    broken = pdf_of([cell("Referrals in Rotherham +18 (+15<br/>0.0%) on last year.")])
    faults = split_figures(broken, [])
    assert [(f.check, f.text) for f in faults] == [("unclosed bracket", "Referrals in Rotherham +18 (+15")]
    assert split_figures(broken, ["+18 (+150.0%)"])[-1].check == "split figure"
    assert split_figures(pdf_of([cell("Referrals (in Rotherham) rose, as did charges (by 18<br/>in all).")]),
                         []) == []


def heading(text: str) -> Paragraph:
    return Paragraph(text, STYLES["Heading1"])


def lines_of(n: int) -> list[Paragraph]:
    return [cell(f"Line {i} of the section, written out to take up a line of its own.") for i in range(n)]


def test_a_page_holding_one_line_carried_over_is_caught_and_a_short_last_section_passes():
    # enough lines for the first page and one more: the last is carried over onto a page of its own
    per_page = len(_pages_of(pdf_of([heading("Section A"), *lines_of(80)]))[0])
    orphan = pdf_of([heading("Section A"), *lines_of(per_page + 1), PageBreak(), heading("Section B"),
                     *lines_of(30)])
    fills = page_fill(orphan)
    assert fills[1].fill < 0.1 and not fills[1].starts_with_heading
    assert [f.page for f in nearly_empty_pages(orphan)] == [2]

    tidy = pdf_of([heading("Section A"), *lines_of(30), PageBreak(), heading("Section B"), *lines_of(3),
                   PageBreak(), heading("Questions"), *lines_of(2)])
    assert [f.fill < 0.25 for f in page_fill(tidy)] == [False, True, True]
    assert nearly_empty_pages(tidy) == []


def test_the_running_head_and_foot_do_not_count_as_a_pages_content():
    def furniture(canvas, doc):
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, "OFFICIAL-SENSITIVE: not for publication")
        canvas.drawRightString(A4[0] - 18 * mm, 8 * mm, f"Page {doc.page}")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm).build(
        [heading("Section A"), *lines_of(30), PageBreak(), cell("One line carried over.")],
        onFirstPage=furniture, onLaterPages=furniture)
    fills = page_fill(buf.getvalue())
    assert fills[0].starts_with_heading and fills[0].fill > 0.5
    assert fills[1].fill < 0.05
    assert [f.page for f in nearly_empty_pages(buf.getvalue())] == [2]


def _pages_of(pdf: bytes) -> list[list[str]]:
    """Each page's lines of the form "Line N ...", to size a page in lines."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [[line["text"] for line in p.extract_text_lines() if line["text"].startswith("Line")]
                for p in doc.pages]


def test_a_long_sentence_printed_twice_on_a_page_is_caught_and_a_short_one_is_not():
    twice = pdf_of([heading("Referrals"), cell(SENTENCE), Spacer(1, 20), cell("None."), cell("None."),
                    Paragraph(SENTENCE, STYLES["Italic"])])
    assert [(f.page, f.text) for f in repeated_sentences(twice)] == [(1, SENTENCE)]
    # once on each of two pages is a running reminder, not a repeat
    apart = pdf_of([heading("Referrals"), cell(SENTENCE), PageBreak(), heading("Arrests"), cell(SENTENCE)])
    assert repeated_sentences(apart) == []


# --- the pack for the meeting of 20 August 2015 ------------------------------------------------------------

def row_figures(pack) -> list[str]:
    """Every figure the pack's tables print: the formatted strings of each row that hold a digit."""
    out = []
    for m in pack.measures:
        for row in m.rows:
            for f in dataclasses.fields(row):
                value = getattr(row, f.name)
                if f.name != "area" and isinstance(value, str) and any(ch.isdigit() for ch in value):
                    out.append(value)
    return list(dict.fromkeys(out))


@pytest.fixture(scope="module")
def built(sample_db, tmp_path_factory):
    """The pack's PDF, its page images in test-artifacts/pack-2015-08-20/, and the figures its rows print."""
    from pipelines.briefing.pack import build_pack
    from pipelines.briefing.render import render_pdf

    wh = copy_warehouse(sample_db, tmp_path_factory.mktemp("pack_layout"))
    with warehouse.connect(wh) as con:
        pack = build_pack(con, MEETING, "pccdash tests")
    pdf = render_pdf(pack)
    # checked in a folder of this process's own (each test worker builds the pack), then kept for people to
    # look at in test-artifacts/, each file replaced whole so a worker never reads another's half-written page
    pngs = render_pages(pdf, tmp_path_factory.mktemp("pack_pages"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for source in [*pngs, None]:
        name, data = ("pack.pdf", pdf) if source is None else (source.name, source.read_bytes())
        part = ARTIFACTS / f".{name}.{os.getpid()}.part"
        part.write_bytes(data)
        os.replace(part, ARTIFACTS / name)
    return pdf, pngs, row_figures(pack)


def report(faults: list[Fault]) -> str:
    return "\n".join(str(f) for f in faults)


@pytest.mark.slow
def test_every_page_of_the_pack_is_drawn(built):
    pdf, pngs, figures = built
    assert len(pngs) == len(page_fill(pdf)) >= 2
    assert [p.name for p in pngs] == [f"page-{n:02d}.png" for n in range(1, len(pngs) + 1)]
    assert all(p.stat().st_size > 10_000 for p in pngs)  # a drawn page, not a blank one
    assert figures, "the pack's rows hold no figures"


@pytest.mark.slow
def test_no_table_text_in_the_pack_crosses_its_cell(built):
    pdf, pngs, _ = built
    faults = cell_overflows(pdf) + ink_on_grid_lines(pdf, pngs)
    assert not faults, report(faults)


@pytest.mark.slow
def test_no_figure_in_the_pack_is_broken_across_lines(built):
    pdf, _, figures = built
    faults = split_figures(pdf, figures)
    assert not faults, report(faults)
    assert missing_figures(pdf, figures) == []


@pytest.mark.slow
def test_no_page_of_the_pack_is_left_nearly_empty(built):
    pdf, _, _ = built
    faults = nearly_empty_pages(pdf)
    fills = ", ".join(f"page {f.page}: {f.fill:.0%}" for f in page_fill(pdf))
    assert not faults, report(faults) + f"\nHow full each page is: {fills}"


@pytest.mark.slow
def test_no_sentence_is_printed_twice_on_a_page_of_the_pack(built):
    pdf, _, _ = built
    faults = repeated_sentences(pdf)
    assert not faults, report(faults)


@pytest.mark.slow
def test_a_whole_file_flag_adds_no_repeated_sentence_or_empty_page(sample_db, tmp_path):
    """Regression: a flag on the file holding the month's figures was printed once per district on every page."""
    from pipelines.briefing.pack import build_pack
    from pipelines.briefing.render import render_pdf
    from pipelines.flags import raise_flag

    wh = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(wh) as con:
        (file_id,) = con.execute("SELECT file_id FROM file_registry WHERE name = '2015-16-cse-return.xlsx'").fetchone()
        raise_flag(con, ANALYST, scope="file", file_id=file_id,
                   reason="All figures in this return are provisional until the force's audit in October.")
        pack = build_pack(con, MEETING, "pccdash tests")
    pdf = render_pdf(pack)
    faults = repeated_sentences(pdf) + nearly_empty_pages(pdf)
    assert not faults, report(faults)


def test_a_district_named_by_a_long_word_stays_within_the_area_column():
    """Regression: the area column was sized for "Sheffield"; a force whose district is "Wolverhampton" (West
    Midlands Police) had the name run into the month's figure in every measure's table."""
    from handmade_pack import make_pack

    from pipelines.briefing.render import render_pdf

    pack = make_pack()
    for m in pack.measures:
        m.rows[1].area = "Wolverhampton"
    pdf = render_pdf(pack)
    assert not cell_overflows(pdf), report(cell_overflows(pdf))


def test_a_figure_with_months_missing_never_leaves_its_bracket_open_at_a_line_end():
    """Regression: a percentage whose 12 months had two months without a figure (a breakdown not sent) printed
    "83.8% (10" / "of 12" / "months)" in its table cell, in the summary and the measure's own table."""
    from handmade_pack import make_pack

    from pipelines.briefing.pack import period_figure
    from pipelines.briefing.render import render_pdf
    from pipelines.plan.headline import PeriodFigure

    class Percentage:
        unit, kind, id = "per cent", "percentage", "officers_trained_pct"

    pack = make_pack()
    part = period_figure(PeriodFigure(label="12 months to May 2026", value=83.8, months_present=10,
                                      months_expected=12), Percentage())
    assert part.startswith("83.8%")
    for m in pack.measures:
        for r in m.rows:
            r.rolling12, r.rolling12_change = part, ""
    pdf = render_pdf(pack)
    assert not split_figures(pdf, ["83.8%"]), report(split_figures(pdf, ["83.8%"]))
    assert not cell_overflows(pdf), report(cell_overflows(pdf))


def test_the_questions_heading_is_never_left_at_a_pages_foot_without_its_first_question():
    """Regression: a heading kept with what follows it (keepWithNext) is not kept with a list in ReportLab, so
    "Questions for the Chief Constable" (and "Events on this chart") could end one page with its questions on the
    next. Whatever the length of the measures before them, the heading's page holds the first question."""
    import pdfplumber
    from handmade_pack import QUESTIONS, make_pack

    from pipelines.briefing.render import render_pdf

    first = QUESTIONS[0].split()[:3]
    for n in range(1, 60, 2):  # a line at a time, two by two: the heading moves down the page to its foot
        pack = make_pack()
        pack.questions_by, pack.questions_at = "", None
        pack.measures[-1].commentary = "\n\n".join(["The office asked the force for the figures."] * n)
        with pdfplumber.open(io.BytesIO(render_pdf(pack))) as doc:
            pages = [p.extract_text() or "" for p in doc.pages]
        [at] = [i for i, t in enumerate(pages) if "Questions for the Chief Constable" in t and i > 0]
        assert " ".join(first) in " ".join(pages[at].split()), (n, pages[at][-300:])


def test_no_commentary_written_never_opens_a_page_cut_off_from_its_measure():
    """Regression: a measure's closing "No commentary written." was kept with nothing, so when its chart (or the note
    that it has too few months to chart) ended a page, the line opened the next page alone, above the next measure's
    heading, read as said of it. Whatever the length of the measures before it, the line shares its page with what is
    said above it."""
    import pdfplumber
    from handmade_pack import make_pack

    from pipelines.briefing.render import NO_COMMENTARY, render_pdf

    opened = []
    for n in range(52):  # a line at a time down about a page: each measure's end passes every page's foot
        pack = make_pack()
        for m in pack.measures:
            m.chart = None  # drawn quickly; the note said in its place ends the measure as a chart's words do
        pack.measures[0].commentary = "\n".join(["The office asked the force for the figures."] * (n + 1))
        with pdfplumber.open(io.BytesIO(render_pdf(pack))) as doc:
            for number, page in enumerate(doc.pages, start=1):
                lines = [x["text"] for x in page.extract_text_lines() if 60 < x["top"] < page.height - 60]
                if lines and lines[0] == NO_COMMENTARY:
                    opened.append((n, number))
    assert not opened, f"(lines of commentary, page) opening with {NO_COMMENTARY!r}: {opened}"
