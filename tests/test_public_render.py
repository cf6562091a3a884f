"""The public app's renderer draws every block of a page with Streamlit, and its charts say what is hidden."""

from __future__ import annotations

import sys

import pytest
from dashboard_helpers import ROOT, heading_problems, headings, html_tables, texts
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(ROOT))

from dashboard import public_render  # noqa: E402
from pipelines.publish.content import (  # noqa: E402
    Bullets,
    Cell,
    Chart,
    ChartEvent,
    ChartPoint,
    Details,
    Heading,
    Link,
    Notice,
    Page,
    Paragraph,
    Table,
)


def series_table(points: tuple[ChartPoint, ...]) -> Table:
    return Table("Arrests, South Yorkshire, by month", ("Month", "People"),
                 tuple((Cell(p.period), Cell(p.display, p.value, p.status == "suppressed", True)) for p in points),
                 note="[c] means the figure is hidden because it is small enough that a child could be identified.")


POINTS = (ChartPoint("2015-04", 12, "published", "12"), ChartPoint("2015-05", None, "suppressed", "[c]"),
          ChartPoint("2015-06", None, "not published", ""), ChartPoint("2015-07", 3000, "published", "3,000"))
CHART = Chart("Arrests", "people", True, POINTS, "Arrests, South Yorkshire: 1 of the 3 published months is hidden.",
              series_table(POINTS), events=(ChartEvent("2015-04-10", "Operation <Stovewood>", "10 April 2015: a *new* "
                                                                                               "operation began."),),
              key="cse_arrests-force")


def every_block_page() -> Page:
    return Page("index", "South Yorkshire: figures [draft] <b>", blocks=(
        Notice("", ("These figures are management information: unaudited and subject to revision.",), "info"),
        Notice("Worried about a child?", ("In an emergency call 999.", "Otherwise call 101."), "signpost",
               links=(Link("How to report a concern", "report-a-concern"),
                      Link("NSPCC", "https://www.nspcc.org.uk/"))),
        Notice("Withdrawn", ("Publication of 5 May 2026 withdrawn on 6 May 2026: an error.",), "warning"),
        Heading("Headlines for July 2015"),
        Heading("By district", level=3),
        Paragraph("Charged: 54 people *in* the [12 months] to July 2015 <script>x</script>."),
        Paragraph("First published 10 August 2015.", small=True),
        Bullets(("Arrests: 76 # people", "Charged: [c]")),
        Link("Definitions", "definitions", "What each figure counts."),
        Link("Published figures (CSV)", "published-figures.csv"),
        Link("Call us", "tel:01142964150"),
        Link("Bad address", "javascript:alert(1)"),
        Table("Figures, July 2015", ("Measure", "Barnsley", "South Yorkshire"),
              ((Cell("Arrests"), Cell("[c]", None, True, True), Cell("76", 76, False, True)),),
              note="[c]: hidden to protect privacy."),
        CHART,
        Details("Older months", (Paragraph("Inside the fold."), Table("Old", ("Month", "People"),
                                                                      ((Cell("April 2014"), Cell("8", 8)),)))),
    ))


def run(page: Page, **files) -> AppTest:
    """Render `page` in a Streamlit script run; `files` names download files and their bytes."""
    def script(page, files):
        import streamlit as st  # noqa: F401

        from dashboard import public_render

        public_render.FILES.clear()
        public_render.FILES.update({name: (lambda data=data: data) for name, data in files.items()})
        public_render.render(page)

    at = AppTest.from_function(script, args=(page, files), default_timeout=30)
    at.run()
    return at


def test_every_block_type_renders_with_its_text_escaped():
    at = run(every_block_page(), **{"published-figures.csv": b"measure,value\narrests,76\n"})
    assert not at.exception
    shown = texts(at)
    assert at.title[0].value.replace("\\", "") == "South Yorkshire: figures [draft] <b>"
    assert [h.value.replace("\\", "") for h in at.header] == ["Headlines for July 2015"]
    assert [h.value.replace("\\", "") for h in at.subheader] == ["By district"]
    # typed text is shown as itself: Markdown and HTML in it are escaped, not obeyed
    body = next(m.value for m in at.markdown if "54 people" in m.value)
    assert "\\*in\\*" in body and "\\[12 months\\]" in body and "\\<script\\>" in body
    assert "management information" in at.info[0].value
    assert "Withdrawn" in at.warning[0].value
    assert "In an emergency call 999." in shown and "Otherwise call 101." in shown
    assert "[NSPCC](https://www.nspcc.org.uk/)" in "\n".join(m.value for m in at.markdown)
    assert not any("javascript:" in m.value and "](" in m.value for m in at.markdown)
    assert "Bad address" in shown
    bullets = next(m.value for m in at.markdown if m.value.startswith("- Arrests"))
    assert bullets.count("\n- ") == 1 and "76 \\# people" in bullets and "\\[c\\]" in bullets
    # the download file is a download button; the small print is in the body's colour (not st.caption's grey)
    assert [b.proto.label for b in at.get("download_button")] == ["Published figures (CSV)"]
    assert not at.caption
    assert any(m.value.startswith(":small[") and "First published" in m.value for m in at.markdown)
    # the table of figures keeps the marker, and its first column heads the rows
    tables = html_tables(at)
    figures = next(t for t in tables if "Barnsley" in t.columns)
    assert figures.index.name == "Measure" and figures.loc["Arrests", "Barnsley"] == "[c]"
    assert figures.loc["Arrests", "South Yorkshire"] == "76"
    # the chart, its sentence, its events and its data table in an expander
    assert len(at.get("plotly_chart")) == 1
    assert "1 of the 3 published months is hidden" in shown
    assert "Events on this chart" in shown and "a *new* operation began" in shown
    assert [e.proto.label for e in at.expander] == ["Data table: Arrests", "Older months"]
    assert "Inside the fold." in shown
    assert any(list(t.index) == ["April 2014"] for t in tables)


def test_a_screen_reader_hears_a_chart_s_sentence_once_after_the_chart_named_by_its_title():
    """Regression: the chart was named by its title and its sentence, and the sentence was shown under it too, so a
    screen reader read it twice. The chart is named by its title (WCAG 1.1.1: it keeps a name); the sentence is the
    text under it, said once."""
    at = run(Page("index", "Figures", blocks=(CHART,)))
    assert not at.exception
    assert [c.proto.alt for c in at.get("plotly_chart")] == ["Arrests"]
    assert [m.value for m in at.markdown if "published months is hidden" in m.value] == [
        public_render.plain(CHART.sentence)]


def test_the_signpost_box_is_headed_at_the_second_level_so_no_heading_level_is_skipped():
    """Regression: the signpost's heading was an h4 straight after the page's h1 on every public page, so a screen
    reader's list of headings skipped two levels (axe: heading-order); the static site has it as an h2."""
    at = run(every_block_page())
    found = headings(at)
    assert (2, "Worried about a child?") in found
    assert heading_problems(found) == [], found


def test_a_withdrawal_box_is_headed_at_its_level_in_the_pages_outline_as_the_static_site_heads_it():
    """Regression: a box's title was bold text in the box, so a screen reader's list of headings did not find a
    withdrawal notice (nor the banner), while the static site gives each a heading at its place in the outline: the
    box in force at the top an h2, one listed under Revisions > Publications withdrawn an h4."""
    page = Page("tables", "Tables and downloads", blocks=(
        Notice("About these figures", ("These figures are management information.",), "info"),
        Notice("Publication withdrawn", ("Publication 3 of 5 May 2026 was withdrawn on 6 May 2026.",), "warning"),
        Heading("Revisions"),
        Heading("Publications withdrawn", level=3),
        Notice("Publication withdrawn", ("Publication 2 of 1 May 2026 was withdrawn on 2 May 2026.",), "warning",
               level=4),
    ))
    at = run(page)
    assert not at.exception
    found = headings(at)
    assert found == [(1, "Tables and downloads"), (2, "About these figures"), (2, "Publication withdrawn"),
                     (2, "Revisions"), (3, "Publications withdrawn"), (4, "Publication withdrawn")], found
    assert heading_problems(found) == []
    # still the warning box, its words under its heading
    assert [w.value.splitlines()[0] for w in at.warning] == ["## Publication withdrawn", "#### Publication withdrawn"]
    assert "was withdrawn on 2 May 2026" in at.warning[1].value and "**" not in at.warning[1].value


def test_a_page_slug_becomes_a_link_to_that_page_of_the_app(tmp_path):
    (tmp_path / "app.py").write_text(f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard import public_render
home = st.Page("home.py", title="Home", default=True)
definitions = st.Page("defs.py", title="Definitions", url_path="definitions")
public_render.PAGES.update({{"definitions": definitions}})
st.navigation([home, definitions]).run()
""")
    (tmp_path / "home.py").write_text("""
from dashboard import public_render
from pipelines.publish.content import Link, Page
public_render.render(Page("index", "Home", (Link("Definitions", "definitions", "What each figure counts."),)))
""")
    (tmp_path / "defs.py").write_text("import streamlit as st\nst.title('Definitions')\n")
    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    links = at.get("page_link")
    assert [link.proto.label for link in links] == ["Definitions"]
    assert "What each figure counts." in texts(at)
    public_render.PAGES.clear()


def test_the_banner_links_to_the_methodology_section_saying_what_management_information_is(tmp_path):
    """Regression: every page's banner said "These figures are management information" and nothing led to the
    Methodology page, the one page saying what that is. A page link cannot name a section, so the banner links to
    the page's address with the section's anchor, in the same tab, and the section's heading carries that anchor."""
    (tmp_path / "app.py").write_text(f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard import public_render
home = st.Page("home.py", title="Home", default=True)
methodology = st.Page("meth.py", title="Methodology and quality", url_path="methodology")
public_render.PAGES.update({{"methodology": methodology}})
st.navigation([home, methodology]).run()
""")
    (tmp_path / "home.py").write_text("""
from dashboard import public_view
public_view.banner({"banner": "Management information, as an earlier snapshot put it."})
""")
    (tmp_path / "meth.py").write_text("""
from dashboard import public_render
from pipelines.publish.content import Heading, Page, Paragraph
public_render.render(Page("methodology", "Methodology", (Heading("Where the figures come from"),
                     Heading("Quality", anchor="quality"), Paragraph("These are management information."))))
""")
    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    assert "Management information, as an earlier snapshot put it." in at.info[0].value.replace("\\", "")
    said = [m.value for m in at.markdown if "What management information means" in m.value]
    assert said == ['<a href="methodology#quality" target="_self">What management information means</a>']
    assert not at.get("page_link")
    at.switch_page(str(tmp_path / "meth.py")).run()
    assert not at.exception
    assert [(h.value, h.proto.anchor) for h in at.header] == [("Where the figures come from", ""),
                                                              ("Quality", "quality")]
    public_render.PAGES.clear()


def test_a_suppressed_month_is_marked_as_hidden_never_drawn_as_zero_and_a_gap_stays_a_gap():
    fig = public_render.figure(CHART)
    line, hidden = fig.data
    # the line has no value for the hidden month nor for the month not published: both break it
    assert list(line.y) == [12, None, None, 3000]
    assert line.connectgaps is False
    # regression: the hidden month was a marker at y = 0, read as a zero; it is now its month's whole column, on an
    # axis of its own that is not shown, labelled with the marker at its top and explained in the legend
    assert hidden.type == "bar" and len(hidden.x) == 1 and str(hidden.x[0])[:7] == "2015-05"
    assert list(hidden.y) == [1] and hidden.yaxis == "y2"
    assert fig.layout.yaxis2.range == (0, 1) and fig.layout.yaxis2.visible is False
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] > 3000
    assert list(hidden.text) == ["[c]"] and hidden.insidetextanchor == "end" and hidden.marker.pattern.shape == "/"
    assert "hidden ([c]), not zero" in hidden.hovertemplate
    assert fig.layout.showlegend and hidden.showlegend
    # the key gives both reasons a figure is hidden, and never says which one applies
    key = " ".join(hidden.name.split("<br>"))
    assert key == ("[c] hidden, not zero: a small number, or hidden so that a small number elsewhere cannot be "
                   "worked out")
    assert "too few" not in key
    # the month not published gets no marker at all
    assert not any(str(x)[:7] == "2015-06" for x in hidden.x)
    # text from the office reaches plotly escaped (plotly reads a subset of HTML in labels)
    assert fig.layout.annotations[0].text == "Operation &lt;Stovewood&gt;"


def test_a_series_with_nothing_hidden_has_no_hidden_marker_or_legend():
    points = (ChartPoint("2015-06", 5, "published", "5"), ChartPoint("2015-07", 7, "published", "7"))
    fig = public_render.figure(Chart("Charged", "people", True, points, "", series_table(points)))
    assert len(fig.data) == 1 and not fig.layout.showlegend


@pytest.mark.parametrize(("top", "step"), [(1, 1), (3, 1), (6, 1), (7, 2), (12, 2), (30, 5), (61, 20), (3000, 500)])
def test_a_count_axis_shows_whole_numbers_only(top, step):
    points = (ChartPoint("2015-06", 0, "published", "0"), ChartPoint("2015-07", top, "published", str(top)))
    fig = public_render.figure(Chart("Charged", "people", True, points, "", series_table(points)))
    axis = fig.layout.yaxis
    assert axis.tickformat == ",d" and axis.tick0 == 0
    assert axis.dtick == step and axis.dtick >= 1 and float(axis.dtick).is_integer()
    assert axis.range[1] > top  # the highest figure is inside the axis


def test_a_count_axis_with_only_zeros_and_hidden_months_still_counts_in_whole_numbers():
    points = (ChartPoint("2015-06", 0, "published", "0"), ChartPoint("2015-07", None, "suppressed", "[c]"))
    fig = public_render.figure(Chart("Charged", "people", True, points, "", series_table(points)))
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"


def test_a_chart_with_every_month_hidden_keeps_its_columns_and_puts_no_number_on_its_value_axis():
    """Regression: an office's two months of a measure, both hidden, drew their hatched columns over a value axis
    numbered 0 to 1 with no point on it, which read as figures near 1."""
    points = (ChartPoint("2026-12", None, "suppressed", "[c]"), ChartPoint("2027-01", None, "suppressed", "[c]"))
    for whole in (True, False):
        fig = public_render.figure(Chart("Cautions", "people", whole, points, "", series_table(points)))
        line, hidden = fig.data
        assert [v for v in line.y if v is not None] == []
        assert hidden.type == "bar" and len(hidden.x) == 2 and list(hidden.text) == ["[c]", "[c]"]
        assert hidden.marker.pattern.shape == "/"
        assert fig.layout.yaxis.showticklabels is False and fig.layout.yaxis.showgrid is False
    # beside one month shown the axis keeps its numbers
    shown = (ChartPoint("2026-12", 4, "published", "4"), ChartPoint("2027-01", None, "suppressed", "[c]"))
    fig = public_render.figure(Chart("Cautions", "people", True, shown, "", series_table(shown)))
    assert fig.layout.yaxis.showticklabels is not False and fig.layout.yaxis.dtick == 1


def test_a_percentage_axis_is_not_forced_to_whole_numbers():
    points = (ChartPoint("2015-06", 46.4, "published", "46.4%"), ChartPoint("2015-07", 50.5, "published", "50.5%"))
    fig = public_render.figure(Chart("Share", "per cent", False, points, "", series_table(points)))
    assert fig.layout.yaxis.tickformat is None and fig.layout.yaxis.dtick is None


def test_a_one_month_series_shows_the_month_not_a_time_of_day():
    points = (ChartPoint("2015-07", 54, "published", "54"),)
    fig = public_render.figure(Chart("Charged", "people", True, points, "", series_table(points)))
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[0].x) == ["July 2015"]


def test_a_long_series_labels_months_not_days():
    fig = public_render.figure(CHART)
    assert fig.layout.xaxis.tickformat == "%b %Y"


def test_the_figure_is_built_once_per_chart():
    assert public_render.figure(CHART) is public_render.figure(CHART)
    again = Chart(CHART.title, CHART.unit, CHART.whole_numbers, CHART.points, CHART.sentence, CHART.table,
                  CHART.events, CHART.key)
    assert public_render.figure(again) is public_render.figure(CHART)  # an equal chart of a later run: no rebuild


@pytest.mark.parametrize(("months", "step"), [(("2026-04", "2026-05"), "M1"), (("2026-01", "2026-05"), "M1"),
                                              (("2025-10", "2026-05"), "M2"), (("2025-05", "2026-05"), "M3")])
def test_a_short_series_ticks_each_month_once_not_each_week_under_one_month_name(months, step):
    """Two published months drew "Apr 2026" four times along the axis (plotly ticked by the week): a series of a year
    or less ticks on the first of its months, every one, or every second or third as it grows."""
    points = tuple(ChartPoint(m, 40 + i, "published", str(40 + i)) for i, m in enumerate(months))
    chart = Chart("CCE referrals", "referrals", True, points, "", series_table(points))
    axis = public_render.figure(chart).layout.xaxis
    assert axis.dtick == step and str(axis.tick0)[:10] == f"{months[0]}-01"
    assert axis.tickformat == "%b %Y"


def test_a_long_series_keeps_plotlys_own_ticks():
    points = (ChartPoint("2014-04", 40, "published", "40"), ChartPoint("2026-05", 41, "published", "41"))
    axis = public_render.figure(Chart("CSE arrests", "people", True, points, "", series_table(points))).layout.xaxis
    assert axis.dtick is None and axis.tickformat == "%b %Y"


def test_a_long_chart_title_is_drawn_in_lines_that_fit_a_phone():
    """Regression: plotly does not wrap a title, and a measure named in words ("Sexual harm prevention orders and
    sexual risk orders") ran past the edge of a chart on a phone."""
    long = Chart("Sexual harm prevention orders and sexual risk orders", "orders", True, POINTS, CHART.sentence,
                 CHART.table)
    fig = public_render.figure(long)
    lines = fig.layout.title.text.split("<br>")
    assert " ".join(lines) == long.title and len(lines) == 2
    assert all(len(line) <= public_render.TITLE_WIDTH for line in lines)
    short = public_render.figure(CHART)
    assert fig.layout.margin.t > short.layout.margin.t and fig.layout.height > short.layout.height  # room for it
    assert short.layout.title.text == "Arrests"
