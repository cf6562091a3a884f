"""The Streamlit public app's renderer: draws a `pipelines.publish.content.Page` with Streamlit's elements.

One place decides what a public page says (the page-content functions, which return `Page` objects of plain
blocks); the static site and this module only draw them. Nothing here chooses a word or a figure: every text
comes from a block and is escaped before Streamlit reads it as Markdown.

`render(page)` draws a whole page; `draw(block)` one block. A chart's plotly figure is built once per chart
(`figure(chart)`, kept while the chart is the same), so a visitor's page run only hands the built figure over.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.public_view import BLUE, EVENT, GREY, plain, small
from pipelines.chart_text import spoken
from pipelines.publish.content import (
    Bullets,
    Cell,
    Chart,
    Details,
    Heading,
    Link,
    Notice,
    Page,
    Paragraph,
    Table,
    tick_every,
)
from pipelines.publish.site import Ids, render_notes, render_table

SUPPRESSED_GREY = "#505A5F"  # GOV.UK's secondary text colour: 7:1 on white, and a marker unlike the line's
OUTSIDE = ("https://", "http://", "tel:", "mailto:")
MIME = {"csv": "text/csv", "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# A box's heading (`notice`) drawn at the size of the body's bold text, as its title was before it was a heading, and
# without the link-to-heading mark Streamlit puts beside a heading: the app's pages set it once
NOTICE_CSS = ("<style>div[data-testid='stAlertContainer'] :is(h2, h3, h4) { font-size: 1rem; font-weight: 700; "
              "line-height: 1.6; padding: 0; margin: 0 0 1rem; } div[data-testid='stAlertContainer'] "
              "[data-testid='stHeaderActionElements'] { display: none; }</style>")
# Pages of the app by slug (set by dashboard/public_app.py), so that a Link to a page slug becomes a page link
# ("measure-" names the one page that shows any measure, given as ?measure=<id>; "tables-" the one that shows any
# earlier financial year's tables, given as ?year=2014-15).
PAGES: dict[str, object] = {}
# A slug's start naming one page of the app that shows any of its kind, and the query parameter telling it which
# ("measure-cse_arrests" is the measure page with ?measure=cse_arrests, "tables-2014-15" a year's tables with
# ?year=2014-15).
ONE_PAGE_EACH = {"measure-": "measure", "tables-": "year"}
# Files a Link may name, by file name: a function giving the file's bytes (set by the app from the downloads).
FILES: dict[str, Callable[[], bytes]] = {}


def render(page: Page, *, title: bool = True) -> None:
    """Draw a page: its title, then each block in order."""
    if title:
        st.title(plain(page.title), anchor=False)
    for block in page.blocks:
        draw(block)


def draw(block) -> None:
    """Draw one block with the Streamlit element that fits it."""
    if isinstance(block, Heading):
        # a section a link goes to keeps its name as its anchor ("methodology#quality"); no other heading has one
        (st.header if block.level <= 2 else st.subheader)(plain(block.text), anchor=block.anchor or False)
    elif isinstance(block, Paragraph):
        lead, part, lang, after = block.parts()
        if part:  # the part in another language marked with it (WCAG 3.1.2): escaped as HTML and as Markdown
            said = (f'{plain(lead)}<span lang="{html.escape(lang)}">{plain(html.escape(part, quote=False))}'
                    f"</span>{plain(html.escape(after, quote=False))}")
            st.markdown(f":small[{said}]" if block.small else said, unsafe_allow_html=True)
        elif block.small:
            small(block.text)
        else:
            st.markdown(plain(block.text))
    elif isinstance(block, Bullets):
        if block.items:
            st.markdown("\n".join(f"- {plain(item)}" for item in block.items))
    elif isinstance(block, Link):
        link(block)
    elif isinstance(block, Table):
        table(block)
    elif isinstance(block, Chart):
        chart(block)
    elif isinstance(block, Notice):
        notice(block)
    elif isinstance(block, Details):
        with st.expander(plain(block.summary)):
            for inner in block.blocks:
                draw(inner)
    else:  # a block type this renderer does not know yet: its text, if it has any, rather than nothing
        text = getattr(block, "text", "")
        if text:
            st.markdown(plain(text))


def address(href: str) -> str | None:
    """An outside address safe to put in a Markdown link (https, http, tel or mailto; no space or bracket), or None."""
    href = str(href).strip()
    if not href.lower().startswith(OUTSIDE) or any(ch in href for ch in " \t\n<>()[]\"'`\\"):
        return None
    return href


def address_safe(section: str) -> bool:
    """Whether a section's anchor is letters, digits and hyphens only, as the pages name them."""
    return all(ch.isalnum() or ch == "-" for ch in section)


def link(block: Link, *, key: str = "") -> None:
    """A page slug becomes a link to that page of the app; a download file a download button; an outside address
    a Markdown link. Anything else is shown as text, never as a dead link."""
    description = f" {plain(block.description)}" if block.description else ""
    href = str(block.href)
    page, hashed, section = href.partition("#")
    if hashed and page in PAGES and section and address_safe(section):
        # a section of a page: a page link cannot name a section, so a link to the page's address with the section's
        # anchor, in this tab (the heading with that anchor is scrolled to when the page opens)
        target = f"{PAGES[page].url_path}#{section}"
        words = plain(html.escape(block.text, quote=False))
        said = f" {plain(html.escape(block.description, quote=False))}" if block.description else ""
        st.markdown(f'<a href="{html.escape(target)}" target="_self">{words}</a>{said}', unsafe_allow_html=True)
    elif href in PAGES or any(href.startswith(one) and one in PAGES for one in ONE_PAGE_EACH):
        if href in PAGES:
            st.page_link(PAGES[href], label=block.text)
        else:  # a measure's page, or a financial year's tables: one page of the app, told which in its address
            one = next(one for one in ONE_PAGE_EACH if href.startswith(one))
            st.page_link(PAGES[one], label=block.text, query_params={ONE_PAGE_EACH[one]: href[len(one):]})
        if block.description:
            small(block.description)
    elif href in FILES:
        extension = href.rsplit(".", 1)[-1].lower()
        try:
            data = FILES[href]()
        except Exception as exc:  # noqa: BLE001 -- a file that cannot be made is said in words, details to the log
            from pipelines.errors import record_fault

            record_fault(exc)
            st.markdown(f"{plain(block.text)}: this file cannot be made just now. Please try again later.")
            return
        st.download_button(block.text, data, file_name=href, mime=MIME.get(extension, "application/octet-stream"),
                           key=key or f"file_{href}", icon=":material/download:")
        if block.description:
            small(block.description)
    elif address(href):
        st.markdown(f"[{plain(block.text)}]({address(href)}){description}")
    else:
        st.markdown(f"{plain(block.text)}{description}")


def frame(block: Table) -> pd.DataFrame:
    """The table's cell texts as a frame, its first column heading the rows."""
    columns = list(block.columns)
    width = max([len(columns), *(len(r) for r in block.rows)]) if block.rows or columns else 0
    columns += [""] * (width - len(columns))
    rows = [[c.text if isinstance(c, Cell) else str(c) for c in r] + [""] * (width - len(r)) for r in block.rows]
    df = pd.DataFrame(rows, columns=columns)
    return df.set_index(columns[0]) if width > 1 else df


# The static site's table look, for the same table markup in the app (colours for Streamlit's light theme).
TABLE_CSS = """<style>
.pcc-table { overflow-x: auto; margin: 0 0 1rem; }
.pcc-table:focus { outline: 3px solid #ffdd00; box-shadow: 0 0 0 6px #0b0c0c; }
.pcc-table table { border-collapse: collapse; width: 100%; margin: 0; }
.pcc-table caption { caption-side: top; text-align: left; font-weight: 700; padding-bottom: .5rem; color: inherit;
  position: sticky; left: 0; max-width: calc(100vw - 3rem); }
.pcc-table caption.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: 0; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); border: 0; white-space: nowrap; }
.pcc-table th, .pcc-table td { padding: .5rem 1rem .5rem 0; border-bottom: 1px solid #b1b4b6; text-align: left;
  vertical-align: top; }
.pcc-table th:last-child, .pcc-table td:last-child { padding-right: 0; }
.pcc-table tbody th { font-weight: 400; min-width: 8em; }
.pcc-table .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pcc-table thead th.num { white-space: normal; }
.pcc-table td.noted { white-space: normal; }
.pcc-table .note-ref { white-space: nowrap; display: inline-block; }
.table-notes-title { margin-bottom: .25rem; }
.table-notes { margin-top: 0; padding-left: 1.25rem; }
@media (max-width: 40em) { .pcc-table th, .pcc-table td { padding: .5rem .625rem .5rem 0; font-size: .875rem; } }
.pcc-small { font-size: .875rem; color: #505a5f; }
</style>"""
_TABLE_IDS = Ids()


def table(block: Table, notes: bool = True) -> None:
    """The table as the static site writes it (caption, headings, a region a keyboard can scroll on a phone),
    the note under it and (unless `notes` is false) the caveats its figures carry. Every text is escaped by the
    site's renderer."""
    if block.rows:
        markup = render_table(block, _TABLE_IDS, notes).replace('class="table-wrap"', 'class="pcc-table"', 1).replace(
            'class="small"', 'class="pcc-small"').replace("small table-notes", "pcc-small table-notes")
        st.html(TABLE_CSS + markup)
    else:
        if block.caption and not block.caption_hidden:  # a hidden caption is the heading above, said already
            st.markdown(f"**{plain(block.caption)}**")
        if block.note:
            small(block.note)


def notice(block: Notice) -> None:
    """"info" and "warning" as Streamlit's own boxes; "signpost" as a bordered box that stands out on every page."""
    body = "\n\n".join(plain(line) for line in block.lines)
    if block.kind == "signpost":
        with st.container(border=True):
            # a second-level heading, as the static site gives it: it comes straight after the page's title, and a
            # screen reader's list of headings would otherwise skip from h1 to h4 (WCAG 1.3.1); drawn at h4's size
            if block.title:
                st.html(f'<h2 style="font-size: 1.5rem; font-weight: 600; margin: 0; padding: 0.25rem 0">'
                        f"{html.escape(block.title)}</h2>")
            for line in block.lines:
                st.markdown(plain(line))
            for i, each in enumerate(block.links):
                link(each, key=f"signpost_link_{i}")
        return
    # its title a real heading at its level in the page's outline, as the static site gives it (an h2 for a box of the
    # page's own, an h4 for a withdrawal listed under Revisions > Publications withdrawn), so that a screen reader's
    # list of headings finds it (WCAG 1.3.1); NOTICE_CSS draws it at the size of the bold title it was
    level = min(max(int(block.level), 2), 4)
    text = (f"{'#' * level} {plain(block.title)}\n\n" if block.title else "") + body
    if block.kind == "warning":
        st.warning(text, icon=":material/warning:")
    else:
        st.info(text, icon=":material/info:")
    for i, each in enumerate(block.links):
        link(each, key=f"notice_{block.kind}_{i}")


def chart(block: Chart) -> None:
    """The chart, named for a screen reader by its title (WCAG 1.1.1); the sentence saying what it shows under it,
    read once as the text after the chart, never in its name too; the events it marks, its data table folded under
    it, and the caveats published on its figures under that, in sight (the table's cells inside the fold are marked
    with them)."""
    if any(p.status != "not published" for p in block.points):
        st.plotly_chart(figure(block), width="stretch", key=f"chart_{block.key or block.title}",
                        config={"displayModeBar": False}, alt=spoken(block.title))
    if block.sentence:
        st.markdown(plain(block.sentence))
    if block.events:
        st.markdown("**Events on this chart**\n\n" + "\n".join(f"- {plain(e.line)}" for e in block.events))
    with st.expander(f"Data table: {plain(block.title)}"):
        table(block.table, notes=False)
    if block.table.notes:
        st.html(TABLE_CSS + render_notes(block.table).replace("small table-notes", "pcc-small table-notes"))


def nice_step(top: float) -> int:
    """A tick step of 1, 2 or 5 times a power of ten, at least 1, giving at most six steps up to `top`."""
    power = 1
    while True:
        for m in (1, 2, 5):
            if top <= 6 * m * power:
                return m * power
        power *= 10


TITLE_WIDTH = 40  # characters of a chart's title on one line: 15-pixel letters across a phone's chart
TITLE_LINE = 20  # pixels a title's second line takes
MONTH_WIDTH_MS = 0.8 * 30 * 24 * 3600 * 1000  # a hidden month's band: most of a month wide, centred on the month


@lru_cache(maxsize=512)
def figure(block: Chart) -> go.Figure:
    """The chart as a plotly figure: published months as a line (a month not published is a gap), each hidden month
    a hatched band the full height of the chart labelled with the marker at its top where it fits (never a point at
    a value, so never read as zero), and each event a dated line. A count's axis shows whole numbers only, and an axis
    with no month shown no numbers at all; a single month shows as that month.

    Built once per chart (a Chart is immutable), and never changed afterwards: Streamlit only reads it."""
    points = sorted(block.points, key=lambda p: p.period)
    one_month = len(points) == 1
    x = [pd.Timestamp(f"{p.period}-01").strftime("%B %Y") if one_month else pd.Timestamp(f"{p.period}-01")
         for p in points]
    shown = [p.value if p.status == "published" and p.value is not None else None for p in points]
    unit = block.unit[:1].upper() + block.unit[1:]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=shown, mode="lines+markers", name=html.escape(unit or "Published"), connectgaps=False,
        line={"color": BLUE, "width": 2.5}, marker={"size": 7, "color": BLUE, "symbol": "circle"},
        hovertemplate=("%{x}" if one_month else "%{x|%B %Y}") + ": %{y}<extra></extra>", showlegend=False))
    hidden = [(xi, p) for xi, p in zip(x, points, strict=True) if p.status == "suppressed"]
    if hidden:
        marker = next((p.display for _, p in hidden if p.display), "[c]")
        # on an axis of its own (0 to 1, not shown), so that the band says nothing of the figure's size
        fig.add_trace(go.Bar(
            x=[xi for xi, _ in hidden], y=[1] * len(hidden), yaxis="y2",
            width=None if one_month else [MONTH_WIDTH_MS] * len(hidden),
            # the key in lines that fit a phone's width (plotly does not wrap a legend)
            name="<br>".join(html.escape(line) for line in textwrap.wrap(f"{marker} {block.hidden_key}", 44)),
            text=[html.escape(marker)] * len(hidden),
            textposition="inside", insidetextanchor="end", textangle=0,
            textfont={"color": GREY, "size": 11},
            marker={"color": "rgba(80, 90, 95, 0.10)", "line": {"color": SUPPRESSED_GREY, "width": 1},
                    "pattern": {"shape": "/", "fgcolor": SUPPRESSED_GREY, "fgopacity": 0.45, "size": 8}},
            hovertemplate=("%{x}" if one_month else "%{x|%B %Y}")
            + f": hidden ({html.escape(marker)}), {html.escape(block.hidden_hover)}<extra></extra>", showlegend=True))
    # the title in lines that fit a phone's width (plotly does not wrap a title: it runs off the chart's edge)
    title = textwrap.wrap(block.title, TITLE_WIDTH) or [""]
    fig.update_layout(title={"text": "<br>".join(html.escape(line) for line in title), "font": {"size": 15}},
                      height=340 + TITLE_LINE * (len(title) - 1), plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 50 + TITLE_LINE * (len(title) - 1), "b": 10}, font={"color": GREY},
                      yaxis_title=html.escape(unit), xaxis_title="Month", showlegend=bool(hidden),
                      legend={"orientation": "h", "yanchor": "top", "y": -0.25, "xanchor": "left", "x": 0})
    fig.update_xaxes(showline=True, linecolor=GREY, gridcolor="#E5E5E5")
    if one_month:
        fig.update_xaxes(type="category")
    else:
        fig.update_xaxes(tickformat="%b %Y", hoverformat="%B %Y")
        first, last = pd.Period(points[0].period, "M"), pd.Period(points[-1].period, "M")
        step = tick_every((last - first).n)
        if step is not None:  # each tick on a month, not "Apr 2026" four times over the weeks of one
            fig.update_xaxes(tick0=pd.Timestamp(f"{points[0].period}-01"), dtick=f"M{step}")
    values = [v for v in shown if v is not None]
    top = max(values, default=0)
    fig.layout.yaxis.update(showline=True, linecolor=GREY, gridcolor="#E5E5E5", rangemode="tozero")
    if block.whole_numbers:
        step = nice_step(max(top, 1))
        fig.layout.yaxis.update(tickformat=",d", tick0=0, dtick=step,
                                range=[0, max(top, 1) * 1.12 + (0.5 if top < 1 else 0)])
    if not values:
        # no month shown (every month hidden): the columns keep their marks, but numbers on the value axis (0 to 1)
        # would suggest figures near 1, so it has none
        fig.layout.yaxis.update(showticklabels=False, showgrid=False, range=[0, 1])
    if hidden:
        # a band too narrow for its marker shows none, rather than printing it over its neighbours' (months hidden
        # side by side over many years); the key under the chart and the data table say what a band is
        fig.update_layout(yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
                          uniformtext={"mode": "hide", "minsize": 11})
    for i, event in enumerate(block.events):
        when = pd.Timestamp(event.date)
        if one_month:
            continue  # a category axis has no dates to place a line at; the event is listed under the chart
        fig.add_shape(type="line", xref="x", yref="paper", x0=when, x1=when, y0=0, y1=1,
                      line={"color": EVENT, "width": 1.5, "dash": "dashdot"})
        fig.add_annotation(x=when, xref="x", y=1 - 0.1 * (i % 3), yref="paper", text=html.escape(event.title),
                           showarrow=False, xanchor="left", yanchor="top", xshift=3,
                           font={"size": 11, "color": EVENT}, bgcolor="rgba(255,255,255,0.85)")
    return fig
