"""The Word pack says what the HTML and PDF say, in the same order: the summary table's headline figures under
the meeting's period headings, every measure and question, the marking on every page, no figure breakable."""

from __future__ import annotations

import io

import docx
import pytest
from handmade_pack import FILE_CAVEAT, HEADINGS, MARKING, QUESTIONS, make_pack

from pipelines.briefing.docx import NBSP, render_docx
from pipelines.briefing.render import GENERAL_CAVEATS_HEADING
from pipelines.briefing.tables import CHANGE_HEADING


def _read(data: bytes):
    return docx.Document(io.BytesIO(data))


def _cells(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


@pytest.fixture(scope="module")
def pack():
    return make_pack()


@pytest.fixture(scope="module")
def document(pack):
    return _read(render_docx(pack))


def test_summary_table_holds_each_measures_headline_figures_under_the_meetings_headings(document):
    summary = _cells(document.tables[0])
    assert summary[0][:5] == ["Measure", HEADINGS.month, HEADINGS.quarter, HEADINGS.fytd, HEADINGS.rolling12]
    assert summary[0][5:] == [CHANGE_HEADING, "Variation", "Assurance", "Aspiration"]
    by_name = {r[0]: r for r in summary[1:]}
    assert [by_name[n][4] for n in ("CSE arrests", "Arrests for grooming", "CSE charges",
                                    "Live CSE investigations")] == ["460", "76", "54", "155"]
    assert by_name["CSE arrests"][5] == f"+58{NBSP}(+14.4%)", "a figure never breaks at its space"
    assert by_name["CSE arrests"][8] == "At least 420 arrests in any 12 months"
    assert by_name["Live CSE investigations"][8] == "None set"
    rotherham = [r[4] for t in document.tables[1:] for r in _cells(t)[1:] if r[0] == "Rotherham"]
    assert "22" in rotherham and "46" in rotherham


def test_every_measure_priority_and_question_is_a_real_heading_or_list_item_in_the_packs_order(pack, document):
    paras = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [(s, t) for s, t in paras if s.startswith("Heading") or s == "Title"]
    expected = [("Title", "Briefing pack for the Public Accountability Board, 20 August 2015"),
                ("Heading 1", GENERAL_CAVEATS_HEADING), ("Heading 1", "Summary")]
    for priority in pack.priorities:
        expected.append(("Heading 1", priority))
        expected += [("Heading 2", m.name) for m in pack.measures if m.priority == priority]
    expected.append(("Heading 1", "Questions for the Chief Constable"))
    assert headings == expected
    assert [t for s, t in paras if s == "List Number"] == QUESTIONS
    text = "\n".join(t for _, t in paras)
    for needle in (FILE_CAVEAT, "Aspiration: At least 60 charges a year", "Arrests rose after the Jay report.",
                   "Sheffield's July return was resent on 5 August.", "Too few months to chart.",
                   "Months missing: Rotherham: 12 months to July 2014: 10 of 12 months reported.",
                   "Generated on 14 August 2015",
                   pack.data_version, pack.notices[0], pack.banner):
        assert needle in text, needle
    assert text.index("Summary") < text.index("CSE arrests") < text.index("Questions for the Chief Constable")
    assert text.count(FILE_CAVEAT) == 1, "a caveat on every figure is said once"


def test_marking_heads_and_foots_every_page_and_the_page_is_a4_portrait(document):
    section = document.sections[0]
    assert MARKING in section.header.paragraphs[0].text
    assert MARKING in section.footer.paragraphs[0].text
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_table_header_rows_repeat_and_no_row_splits_across_pages(document):
    for table in document.tables:
        head = table.rows[0]._tr.trPr.xml
        assert "tblHeader" in head and "cantSplit" in head
        assert all("cantSplit" in r._tr.trPr.xml for r in table.rows[1:])


def test_charts_are_pictures_one_for_each_measure_with_enough_months(pack, document):
    charted = sum(1 for m in pack.measures if m.chart is not None)
    assert len(document.inline_shapes) == charted == 3


def test_quarter_column_is_left_out_when_no_quarter_is_complete():
    document = _read(render_docx(make_pack(quarter=False)))
    summary = _cells(document.tables[0])
    assert summary[0][:4] == ["Measure", "July 2015", HEADINGS.fytd, HEADINGS.rolling12]
    assert len(summary[0]) == 8
    assert all(len(r) == 7 for t in document.tables[1:] for r in _cells(t))


def test_a_figure_is_kept_whole_but_its_months_missing_note_may_wrap_after_it():
    """A bracketed change stays on the figure's line; a note of months missing starts a line of its own rather
    than leaving "83.8% (10" at a line's end in a narrow cell."""
    from pipelines.briefing.docx import figure

    assert figure("+58 (+14.4%)") == f"+58{NBSP}(+14.4%)"
    assert figure("-2,493 (-10.4%)") == f"-2,493{NBSP}(-10.4%)"
    assert figure(f"83.8% (10{NBSP}of{NBSP}12 months)") == f"83.8% (10{NBSP}of{NBSP}12 months)"
    assert figure("131 (10 of 12 months)") == "131 (10 of 12 months)"


def test_a_loop_tables_column_widens_for_a_word_longer_than_it_as_in_the_pdf():
    """Regression: the Word pack gave the loop's tables their columns' shares of the page whatever they held, so an
    action's owner typed as an e-mail address ("khan@southyorks.pnn.police.uk", some 40 mm at the table's 8.5 pt)
    broke mid-word in an Owner column of about 27 mm, where the PDF widens the column for it. Now the column widens,
    in the table's grid and in every cell, the others narrowed but each still holding its own longest word; a word
    longer than two fifths of the page (which no column could hold beside the others) is left to break, as the
    PDF leaves it."""
    from reportlab.pdfbase import pdfmetrics

    from pipelines.briefing.docx import TABLE_PT, TEXT_WIDTH_MM
    from pipelines.briefing.loop_section import ACTION_COLUMNS, ACTION_WIDTHS
    from pipelines.briefing.model import LoopSection, LoopTable

    address = "khan@southyorks.pnn.police.uk"
    too_long = "detective.superintendent.khan@southyorks.pnn.police.uk"
    pack = make_pack()
    rows = [["Publish the charging review", address, "by 15 October 2015", "Open", "Board, 20 August 2015"],
            ["Meet the victims' panel", "ACC Jones", "by 15 October 2015", "Open", "Board, 20 August 2015"]]
    pack.loop = LoopSection("Since the last meeting", "2 actions open",
                            [LoopTable("Actions open", ACTION_COLUMNS, rows, ACTION_WIDTHS)])
    document = _read(render_docx(pack))
    (table,) = [t for t in document.tables if t.rows[0].cells[0].text == "Action"]
    grid = [round(c.width.mm, 1) for c in table.columns]
    assert all([round(c.width.mm, 1) for c in r.cells] == grid for r in table.rows), "each cell as the grid"
    assert abs(sum(grid) - TEXT_WIDTH_MM) < 0.5
    padding_mm = 2 * 1.9  # Word's cell margins, left and right
    word_mm = pdfmetrics.stringWidth(address, "Helvetica", TABLE_PT) * 25.4 / 72
    assert grid[1] >= word_mm + padding_mm, (grid, word_mm)
    assert grid[1] > TEXT_WIDTH_MM * ACTION_WIDTHS[1] + 5, "the Owner column widened"
    for i, heading in enumerate(ACTION_COLUMNS):  # the others narrowed, each still holding its longest word
        words = [(w, "Helvetica-Bold") for w in heading.split()]
        words += [(w, "Helvetica-Bold" if i == 0 else "Helvetica") for r in rows for w in r[i].split()]
        longest = max(pdfmetrics.stringWidth(w, font, TABLE_PT) for w, font in words) * 25.4 / 72
        assert grid[i] >= longest + padding_mm, (heading, grid)

    rows[0][1] = too_long
    document = _read(render_docx(pack))
    (table,) = [t for t in document.tables if t.rows[0].cells[0].text == "Action"]
    grid = [round(c.width.mm, 1) for c in table.columns]
    assert grid == [round(TEXT_WIDTH_MM * w, 1) for w in ACTION_WIDTHS], "too long for any column: left to break"


def test_an_area_tables_first_column_widens_for_a_long_district_name_as_in_the_pdf():
    """Regression: the Word pack's per-measure tables (and its summary) had fixed column widths, so a district named
    "Stockton-on-Tees" broke mid-word in an Area column of 28 mm sized for "Rotherham", where the PDF widens its first
    column for it. Now the column widens, in the grid and every cell, the others narrowed but each still holding its
    longest word, a figure held whole by its non-breaking space measured whole."""
    from reportlab.pdfbase import pdfmetrics

    from pipelines.briefing.docx import TABLE_PT, TEXT_WIDTH_MM

    district = "Stockton-on-Tees"
    pack = make_pack()
    for m in pack.measures:
        m.rows[1].area = district
    document = _read(render_docx(pack))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Area"]
    assert len(tables) == len(pack.measures)
    padding_mm = 2 * 1.9  # Word's cell margins, left and right

    def mm(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(text, font, TABLE_PT) * 25.4 / 72

    for table in tables:
        grid = [round(c.width.mm, 1) for c in table.columns]
        assert all([round(c.width.mm, 1) for c in r.cells] == grid for r in table.rows), "each cell as the grid"
        assert abs(sum(grid) - TEXT_WIDTH_MM) < 0.5
        assert grid[0] >= mm(district, "Helvetica-Bold") + padding_mm > 28, grid
        rows = _cells(table)
        for i in range(1, len(grid)):  # the others narrowed, each still holding its longest word or whole figure
            words = [(w, "Helvetica-Bold") for w in rows[0][i].split()]
            words += [(w, "Helvetica") for r in rows[1:] for w in r[i].replace(NBSP, ".").split()]
            assert grid[i] >= max(mm(w, font) for w, font in words) + padding_mm, (rows[0][i], grid)


def test_a_tables_caption_says_the_measures_unit_once_as_in_the_pdf():
    """Regression: the Word pack wrote its own caption for each measure's table, so a measure named with its unit
    read "Officers and staff trained in CSE awareness (per cent) (per cent): force and districts", where the PDF and
    the web page say the unit once."""
    from pipelines.briefing.tables import table_caption

    pack = make_pack()
    named = pack.measures[0]
    named.name, named.unit = "Officers and staff trained in CSE awareness (per cent)", "per cent"
    text = [p.text for p in _read(render_docx(pack)).paragraphs]
    assert "Officers and staff trained in CSE awareness (per cent): force and districts" in text
    assert "Arrests for grooming (people): force and districts" in text
    assert [t for t in text if t.endswith(": force and districts")] == [table_caption(m) for m in pack.measures]


def test_the_load_the_figures_come_from_is_said_once_at_the_end(pack, document):
    """Regression: the Word pack ended "Generated on ... by ... Figures from load 14 ..." and then said the load again
    in a paragraph of its own, where the PDF and the web page say it once."""
    text = [p.text for p in document.paragraphs]
    assert sum(t.count(pack.data_version) for t in text) == 1
    assert text[-1].startswith("Generated on 14 August 2015") and text[-1].endswith(pack.data_version)
