"""The briefing pack as a Word document, for Board papers assembled in Word: the same content, order and
words as the HTML and PDF (pipelines.briefing.render), laid out with Word's own headings, lists and tables."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .model import LoopSection, LoopTable, Pack, PackMeasure
from .render import (
    EVENTS_HEADING,
    GENERAL_CAVEATS_HEADING,
    NO_COMMENTARY,
    PROVISIONAL_NOTE,
    SUMMARY_HEADING,
    TOO_FEW_MONTHS,
    commentary_lead,
    generated,
    is_provisional,
    pack_title,
    paragraphs,
    period,
    period_line,
    png,
    questions_lead,
    words_fit,
)
from .tables import (
    EVENTS_SECTION,
    area_table,
    incomplete_notes,
    pack_events,
    short_event,
    summary_table,
    table_caption,
)

FONT = "Arial"
BODY_PT = 11
TABLE_PT = 8.5
MARGIN = Mm(15)
TEXT_WIDTH_MM = 180                 # A4's 210 mm less the two margins
HEADER_FILL = "E8ECF1"
NBSP = "\u00a0"
# the space between a number and its bracketed change, "+58 (+14.4%)"; not before a note, "131 (10 of 12 months)"
_SPLIT_FIGURE = re.compile(r"(?<=[\d%]) (?=\([+\-\u2212]?[\d,.]+%?\))")
QUESTIONS = "Questions for the Chief Constable"
NO_CAVEATS = "No caveats on this measure for the period."
# Column widths in millimetres, fixed for figures so that Word never squeezes one; words share what is left.
FIGURE_MM, CHANGE_MM = 14, 22
# The loop's tables' text as measured to fit their columns: Arial has Helvetica's widths. A cell's margins are Word's
# 0.19 cm each side (the "Table Grid" style's), and a point to spare.
_CELL = ParagraphStyle("docx_cell", fontName="Helvetica", fontSize=TABLE_PT)
_CELL_BOLD = ParagraphStyle("docx_cell_bold", fontName="Helvetica-Bold", fontSize=TABLE_PT)
CELL_PAD_PT = 2 * 5.4 + 1


def render_docx(pack: Pack) -> bytes:
    """The pack as a .docx: A4 portrait, the marking in the header and footer of every page."""
    doc = Document()
    _page_setup(doc, pack)
    _styles(doc)
    props = doc.core_properties
    props.title, props.author, props.subject = f"{pack_title(pack)}: {pack.force}", pack.office, period(pack)
    props.comments = pack.marking

    _para(doc, pack.marking, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, fill="FFF3C4")
    _para(doc, pack.office, bold=True)
    _para(doc, pack.force)
    doc.add_heading(pack_title(pack), level=0)
    _para(doc, period(pack), size=BODY_PT + 1)
    if pack.banner:
        _para(doc, pack.banner, fill="EEF2F7")
    for notice in pack.notices:
        _para(doc, notice, fill="FFF4EC")
    if pack.caveats:
        doc.add_heading(GENERAL_CAVEATS_HEADING, level=1)
        for caveat in pack.caveats:
            doc.add_paragraph(caveat, style="List Bullet")
    if pack.loop is not None:
        _loop(doc, pack.loop)

    if pack.headings is not None:
        doc.add_heading(SUMMARY_HEADING, level=1)
        _summary_table(doc, pack)
        _para(doc, period_line(pack), italic=True, size=BODY_PT - 1)
        if events := pack_events(pack):
            doc.add_heading(EVENTS_SECTION, level=2)
            for line in events:
                doc.add_paragraph(line, style="List Bullet")
    if pack.recommendations is not None:  # after the headline figures, which the pack leads with
        _loop(doc, pack.recommendations)

    for priority in pack.priorities:
        doc.add_heading(priority, level=1)
        for m in pack.measures:
            if m.priority == priority:
                _measure(doc, pack, m)

    doc.add_heading(QUESTIONS, level=1)
    if lead := questions_lead(pack):
        doc.add_paragraph(lead)
    questions = [q.strip() for q in pack.questions if q.strip()]
    for q in questions:
        doc.add_paragraph(q, style="List Number")
    if not questions:
        doc.add_paragraph("No questions set.")

    _para(doc, generated(pack), italic=True, space_before=14)  # with the load the figures come from
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- the tables ------------------------------------------------------------------------------------------------

def figure(text: str) -> str:
    """A figure as one unbreakable unit: "+58 (+14.4%)" never splits across lines, while a note after it
    ("131 (10 of 12 months)") may wrap inside its cell."""
    return _SPLIT_FIGURE.sub(NBSP, str(text))


def _widths(headings: list[str], words: int, first: float) -> list[float]:
    """The first column, the figures (the last of them the change), then `words` columns of words sharing the
    rest of the text width."""
    figures = [*([FIGURE_MM] * (len(headings) - 2 - words)), CHANGE_MM]
    share = (TEXT_WIDTH_MM - first - sum(figures)) / words
    return [first, *figures, *([share] * words)]


def _fit(headings: list[str], rows: list[list[str]], widths_mm: list[float]) -> list[float]:
    """A table's column widths in millimetres, each widened where needed to hold the longest word of its heading and
    cells, the others narrowed but never below their own, as the PDF's are (`render.words_fit`): a district named
    "Stockton-on-Tees" broke mid-word in an Area column sized for "Rotherham". A figure held whole by its
    non-breaking space ("+58 (+14.4%)") is measured whole, the space as a full stop (Arial gives both one width)."""
    cells = [[(h, _CELL_BOLD), *((str(row[i]).replace(NBSP, "."), _CELL_BOLD if i == 0 else _CELL) for row in rows)]
             for i, h in enumerate(headings)]
    fractions = [w / TEXT_WIDTH_MM for w in widths_mm]
    return [TEXT_WIDTH_MM * f for f in words_fit(cells, fractions, TEXT_WIDTH_MM * mm, pad=CELL_PAD_PT)]


def _summary_table(doc, pack: Pack) -> None:
    headings, rows = summary_table(pack)
    words = 3  # variation, assurance, aspiration
    rows = [[r[0], *(figure(c) for c in r[1:-words]), *r[-words:]] for r in rows]
    _table(doc, headings, rows, _fit(headings, rows, _widths(headings, words, first=26)),
           caption=f"Every measure for {pack.force}: headline "
           "figures, variation, assurance and aspiration")


def _area_table(doc, pack: Pack, m: PackMeasure) -> None:
    headings, rows = area_table(pack, m)
    words = 2  # variation, assurance
    rows = [[r[0], *(figure(c) for c in r[1:-words]), *r[-words:]] for r in rows]
    _table(doc, headings, rows, _fit(headings, rows, _widths(headings, words, first=28)),
           caption=table_caption(m))
    notes = incomplete_notes(m)
    if notes:
        _para(doc, "Months missing: " + ". ".join(notes) + ".", italic=True, size=TABLE_PT + 0.5)


def _table(doc, headings: list[str], rows: list[list[str]], widths_mm: list[float], caption: str) -> None:
    _para(doc, caption, bold=True, keep_with_next=True, space_before=6)
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    head = table.rows[0]
    _row_flags(head, header=True)
    for cell, text in zip(head.cells, headings, strict=True):
        _cell(cell, text, bold=True, fill=HEADER_FILL)
    for values in rows:
        row = table.add_row()
        _row_flags(row, header=False)
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, text, bold=(i == 0))
    # the widths twice: Word reads each cell's, LibreOffice the table's grid (python-docx makes its columns equal)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    doc.add_paragraph()


def _row_flags(row, *, header: bool) -> None:
    """A row never splits across pages; the header row repeats at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    flags = ["w:cantSplit", *(["w:tblHeader"] if header else [])]
    for tag in flags:
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _cell(cell, text: str, *, bold: bool = False, fill: str | None = None) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(str(text))
    run.font.size = Pt(TABLE_PT)
    run.bold = bold
    if fill:
        _shade(cell._tc.get_or_add_tcPr(), fill)


# --- since the last meeting -----------------------------------------------------------------------------------

def _loop(doc, loop: LoopSection) -> None:
    """"Since the last meeting", after the notices: its counts and tables, or its one line when empty."""
    doc.add_heading(loop.heading, level=1)
    if loop.empty:
        doc.add_paragraph(loop.empty)
        return
    _para(doc, loop.counts + ".", bold=True)
    for t in loop.tables:
        if t.rows:
            _table(doc, t.columns, t.rows, _loop_widths(t), caption=t.heading)
        elif t.none:
            _para(doc, t.heading, bold=True, keep_with_next=True, space_before=6)
            _para(doc, t.none, italic=True)


def _loop_widths(t: LoopTable) -> list[float]:
    """A loop table's column widths in millimetres: its columns' shares of the page, each widened where needed to hold
    the longest word of its heading and cells, the others narrowed but never below their own, as the PDF's are
    (`render.words_fit`); a word longer than two fifths of the page is left to break inside its cell, as there.
    Word's fixed columns do not widen for a word: "khan@southyorks.pnn.police.uk" as an owner broke mid-word."""
    return _fit(t.columns, t.rows, [TEXT_WIDTH_MM * f for f in t.widths])


# --- a measure -------------------------------------------------------------------------------------------------

def _measure(doc, pack: Pack, m: PackMeasure) -> None:
    doc.add_heading(m.name, level=2)
    doc.add_paragraph(m.sentence)
    if m.aspiration:
        p = doc.add_paragraph()
        p.add_run("Aspiration: ").bold = True
        p.add_run(m.aspiration)
    if m.caveats:
        _para(doc, "Caveats", bold=True, keep_with_next=True)
        for caveat in m.caveats:
            doc.add_paragraph(caveat, style="List Bullet")
    else:
        _para(doc, NO_CAVEATS, italic=True)
    _area_table(doc, pack, m)

    if m.chart is None:
        _para(doc, TOO_FEW_MONTHS, italic=True)
    else:
        doc.add_picture(io.BytesIO(png(m.chart)), width=Mm(TEXT_WIDTH_MM - 10))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _para(doc, m.chart.description, italic=True, size=BODY_PT - 1)
        if is_provisional(m.chart):
            _para(doc, PROVISIONAL_NOTE, italic=True, size=BODY_PT - 1)
        for rebase in m.chart.rebases:
            _para(doc, rebase.text, italic=True, size=BODY_PT - 1)
        if m.chart.events:
            _para(doc, EVENTS_HEADING, bold=True, keep_with_next=True)
            for event in m.chart.events:
                doc.add_paragraph(short_event(event), style="List Bullet")

    paras = paragraphs(m.commentary)
    if paras:
        _para(doc, commentary_lead(m), bold=True, keep_with_next=True)
        for text in paras:
            doc.add_paragraph(text)
    else:
        _para(doc, NO_COMMENTARY, italic=True)


# --- the page --------------------------------------------------------------------------------------------------

def _page_setup(doc, pack: Pack) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(8)
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(head, pack.marking, bold=True, size=9)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(foot, pack.marking, bold=True, size=9)
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(pages, "Page ", size=8)
    _field(pages, "PAGE")
    _run(pages, " of ", size=8)
    _field(pages, "NUMPAGES")


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C) if name == "Title" else RGBColor(0x12, 0x43, 0x6D)


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return run


def _para(doc, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
          align=None, fill: str | None = None, keep_with_next: bool = False, space_before: float | None = None):
    p = doc.add_paragraph()
    _run(p, text, bold=bold, italic=italic, size=size)
    if align is not None:
        p.alignment = align
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    if space_before is not None:
        p.paragraph_format.space_before = Pt(space_before)
    if fill:
        _shade(p._p.get_or_add_pPr(), fill)
    return p


# What may follow a shading in a paragraph's or a cell's properties: Word refuses a file whose order is wrong.
_AFTER_SHADING = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                  "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                  "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                  "w:sectPr", "w:pPrChange", "w:noWrap", "w:tcMar", "w:tcFitText", "w:vAlign", "w:hideMark")


def _shade(properties, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    properties.insert_element_before(shd, *_AFTER_SHADING)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in as it lays out the pages."""
    run = paragraph.add_run()
    run.font.size = Pt(8)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
