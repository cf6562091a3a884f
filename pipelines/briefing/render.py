"""Draw a briefing pack for the Public Accountability Board: one self-contained HTML page and a PDF.

Both carry the same content, in the same order; the XmR charts come from one matplotlib function.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
import threading
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..errors import PccDashError
from ..files import write_atomically
from ..plan.periods import broken_at_gaps, month_start
from ..uk_time import MONTHS, uk_words
from .model import LoopSection, LoopTable, Pack, PackChart, PackMeasure
from .tables import (
    EVENTS_SECTION,
    GENERAL_CAVEATS_HEADING,
    area_table,
    incomplete_notes,
    pack_events,
    short_event,
    summary_table,
    table_caption,
)

__all__ = ["render_html", "render_pdf", "write_pack", "xmr_figure"]

INK = "#0B0C0C"
VALUE_COLOUR = "#12436D"
LIMIT_COLOUR = "#3D3D3D"
# Each kind of special cause has its own marker shape as well as its colour, so that the chart still reads
# in greyscale print and for readers who cannot tell orange from teal.
SPECIAL_CAUSE = (
    ("concern", "Concern", "#F46A25", "^"),
    ("improvement", "Improvement", "#28A197", "s"),
    ("neutral", "Neutral", "#801650", "D"),
)
TOO_FEW_MONTHS = "Too few months to chart."
TARGET_COLOUR = "#28A197"
NO_COMMENTARY = "No commentary written."
PROVISIONAL_NOTE = "Process limits are provisional: they rest on fewer than 12 months."
EVENT_COLOUR = "#801650"
EVENTS_HEADING = "Events on this chart"


# --- words shared by both formats ----------------------------------------------------------------------------

def _long_date(d: dt.date) -> str:
    # Month names by hand rather than strftime("%B"), which follows the server's locale.
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _long_datetime(t: dt.datetime) -> str:
    """A stored (UTC) time as the Board reads it, in UK time naming the clock: "12 August 2015 at 15:30 BST"."""
    return uk_words(t, "words")


def pack_title(pack: Pack) -> str:
    """The pack's title: the meeting it is for and its date."""
    return f"Briefing pack for {pack.meeting_name}, {_long_date(pack.meeting_date)}"


def period(pack: Pack) -> str:
    """The months the pack's figures run to, and the quarter, said under its title."""
    if pack.quarter_label:
        return f"Figures to {pack.period_label}; quarter {pack.quarter_label}"
    return f"Figures to {pack.period_label}; no complete quarter yet"


def _attributed(lead: str, by: str, at: dt.datetime | None) -> str:
    """"Commentary by X on 21 November 2026 at 10:00", with whichever of who and when is known."""
    return lead + (f" by {by}" if by else "") + (f" on {_long_datetime(at)}" if at is not None else "")


def commentary_lead(m: PackMeasure) -> str:
    """The line before a measure's commentary: who wrote it and when, where known."""
    return _attributed("Commentary", m.commentary_by, m.commentary_at) + ":"


def questions_lead(pack: Pack) -> str:
    """The line saying who set the pack's questions and when; empty when neither is known."""
    if not (pack.questions_by or pack.questions_at):
        return ""
    return _attributed("Questions set", pack.questions_by, pack.questions_at) + "."


def generated(pack: Pack) -> str:
    """The pack's closing line: when it was generated, by whom, and the version of the data it shows."""
    by = f" by {pack.generated_by}" if pack.generated_by else ""
    version = f" {pack.data_version}" if pack.data_version else ""
    return f"Generated on {_long_datetime(pack.generated_at)}{by}.{version}"


def paragraphs(text: str) -> list[str]:
    """User-typed text split at blank lines; single line breaks stay inside a paragraph."""
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return [p for p in parts if p]


def is_provisional(chart: PackChart) -> bool:
    """Whether any of a chart's process limits are provisional, resting on fewer than 12 months."""
    if "provisional" not in chart.frame.columns or chart.frame.empty:
        return False
    return bool(chart.frame["provisional"].fillna(False).astype(bool).any())


SUMMARY_HEADING = "Summary"


def period_line(pack: Pack) -> str:
    """What each headline period is, said once under the summary table."""
    h = pack.headings
    quarter = (f"{h.quarter} is the latest complete financial quarter; " if h.quarter
               else "No financial quarter is complete yet; ")
    return (f"{quarter}figures for a period are totals for counts, the month-end level for a stock such as live "
            "investigations, and rebuilt from their parts for a percentage. A figure with months missing says how "
            "many it has.")


# --- the chart ---------------------------------------------------------------------------------------------

def _month_label(x: float, _pos=None) -> str:
    d = mdates.num2date(x)
    return f"{MONTHS[d.month - 1][:3]} {d.year}"


def _segments(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of rows sharing one mean and pair of limits: a rebase starts a new run, drawn as its own line."""
    if frame.empty:
        return []
    keys = frame[["mean", "upper", "lower"]].astype(float).round(9).fillna(np.inf)
    starts = (keys != keys.shift()).any(axis=1)
    run = starts.cumsum()
    return [part for _, part in frame.groupby(run, sort=False)]


def _text_width(text: str, size: float) -> float:
    """The width in points of a line of text in matplotlib's default font at ``size`` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    return TextToPath().get_text_width_height_descent(text, FontProperties(size=size), ismath=False)[0]


def _fill(text: str, size: float, room: float) -> str:
    """The text wrapped at spaces into lines no wider than ``room`` points (a word wider than that on its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _legend_columns(labels: list[str], size: float, room: float) -> int:
    """How many legend entries to a row (four at most) keep the row within ``room`` points: each entry is its
    line (2 em), the gap to its label (0.8 em) and the label, with 2 em between entries; counted on the widest
    labels, so a long aspiration ("Aspiration (146.4 a month: at least 1,758 people in the financial year, from
    April 2025)") takes a row of its own rather than running off the picture."""
    widths = sorted((_text_width(label, size) for label in labels), reverse=True)
    for across in range(min(4, len(widths)), 1, -1):
        if sum(widths[:across]) + across * 2.8 * size + (across - 1) * 2 * size <= room:
            return across
    return 1


def xmr_figure(chart: PackChart) -> Figure:
    """The XmR chart as a matplotlib Figure, built without pyplot so that threads can draw at once."""
    fig = Figure(figsize=(7, 2.8), layout="constrained")
    ax = fig.add_subplot()
    # A long measure name wraps rather than running off the picture's edge (the axes start about 45 points in).
    ax.set_title(_fill(chart.title, 10, 7 * 72 - 70), loc="left", fontsize=10, color=INK)
    ax.set_ylabel(chart.unit, fontsize=8, color=INK)
    ax.tick_params(labelsize=8, colors=INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)

    frame = chart.frame.copy()
    for col in ("value", "mean", "upper", "lower"):
        if col not in frame.columns:
            frame[col] = np.nan
    if "point_type" not in frame.columns:
        frame["point_type"] = "common_cause"
    frame["period"] = pd.to_datetime(frame["period"])
    frame = frame.sort_values("period").reset_index(drop=True)
    # every measure here is a count or a percentage: neither can fall below zero, nor can a limit drawn for it
    frame[["upper", "lower"]] = frame[["upper", "lower"]].astype(float).clip(lower=0)

    if frame.empty or frame["value"].isna().all():
        ax.text(0.5, 0.5, "No figures to chart.", transform=ax.transAxes, ha="center", va="center", fontsize=9)
        ax.set_yticks([])
        ax.set_xticks([])
        return fig

    handles: list[Line2D] = []
    x = frame["period"]
    # broken at a month with no figure, not drawn across it as if the months either side were consecutive
    vx, vy = broken_at_gaps(x, frame["value"])
    (value_line,) = ax.plot(vx, vy, color=VALUE_COLOUR, linewidth=1.5, marker="o", markersize=3,
                            zorder=3, label="Monthly figure")
    handles.append(value_line)

    drew_mean = drew_limits = False
    for part in _segments(frame):
        # A one-month run would be an invisible line; a short bar shows where its mean sits.
        style = {"marker": "_", "markersize": 10} if len(part) == 1 else {}
        if part["mean"].notna().any():
            ax.plot(part["period"], part["mean"], color=LIMIT_COLOUR, linewidth=1, zorder=2, **style)
            drew_mean = True
        for col in ("upper", "lower"):
            if part[col].notna().any():
                ax.plot(part["period"], part[col], color=LIMIT_COLOUR, linewidth=1, linestyle="--", zorder=2,
                        **style)
                drew_limits = True
    if drew_mean:
        handles.append(Line2D([], [], color=LIMIT_COLOUR, linewidth=1, label="Mean"))
    if drew_limits:
        label = "Process limits (provisional)" if is_provisional(chart) else "Process limits"
        handles.append(Line2D([], [], color=LIMIT_COLOUR, linewidth=1, linestyle="--", label=label))

    kinds = frame["point_type"].astype("string").fillna("")
    for prefix, label, colour, marker in SPECIAL_CAUSE:
        points = frame[kinds.str.startswith(prefix) & frame["value"].notna()]
        if points.empty:
            continue
        ax.scatter(points["period"], points["value"], s=46, marker=marker, color=colour, edgecolors=INK,
                   linewidths=0.6, zorder=4)
        handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=7, markerfacecolor=colour,
                              markeredgecolor=INK, markeredgewidth=0.6, label=label))

    for rebase in chart.rebases:
        when = pd.Timestamp(month_start(rebase.month))
        ax.axvline(when, color=LIMIT_COLOUR, linewidth=1, linestyle=":", zorder=1)
        ax.text(mdates.date2num(when), 0.02, f" Limits recalculated, {rebase.label}",
                transform=ax.get_xaxis_transform(), fontsize=6.5, color=LIMIT_COLOUR, va="bottom", ha="left", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5})
    if chart.target is not None:
        # a plan that began in the chart's last month sets its aspiration on that month alone: a line from there to
        # itself has no length, so it is a short bar at the month (and in the key), as the dashboard marks it
        one_month = chart.target_from is not None and pd.Timestamp(chart.target_from) >= frame["period"].max()
        if chart.target_from is None:
            ax.axhline(chart.target, color=TARGET_COLOUR, linewidth=1.4, linestyle=(0, (6, 2, 1, 2)), zorder=2)
        elif one_month:
            ax.plot([frame["period"].max()], [chart.target], linestyle="none", marker="_", markersize=16,
                    markeredgewidth=2, color=TARGET_COLOUR, zorder=2)
        else:  # from the month its plan began: an earlier plan judged the months before
            ax.hlines(chart.target, pd.Timestamp(chart.target_from), frame["period"].max(), color=TARGET_COLOUR,
                      linewidth=1.4, linestyles=[(0, (6, 2, 1, 2))], zorder=2)
        handles.append(Line2D([], [], color=TARGET_COLOUR, linewidth=1.4, linestyle=(0, (6, 2, 1, 2)),
                              label=chart.target_label or "Aspiration", **(
                                  {"marker": "_", "markersize": 12, "markeredgewidth": 2} if one_month else {})))

    for event in chart.events:
        ax.axvline(pd.Timestamp(event.date), color=EVENT_COLOUR, linewidth=1, linestyle="-.", zorder=1)
    if chart.events:
        handles.append(Line2D([], [], color=EVENT_COLOUR, linewidth=1, linestyle="-.", label="Event (listed below)"))

    first, last = frame["period"].iloc[0], frame["period"].iloc[-1]
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((k for k in (1, 2, 3, 4, 6, 12) if span / k <= 8), 24)
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=step))
    ax.xaxis.set_major_formatter(FuncFormatter(_month_label))
    if span == 1:
        ax.set_xlim(first - pd.Timedelta(days=20), first + pd.Timedelta(days=20))
    else:
        ax.margins(x=0.02)
    _label_events(ax, chart.events)

    # Below the axes rather than beside them, so every chart in a pack has a plot area of the same width.
    # four to a row, three when one is long (a period's aspiration and the month its plan began), so that the row
    # stays within the page's width
    across = _legend_columns([h.get_label() for h in handles], 7.5, 7 * 72 - 20)
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), across), fontsize=7.5,
               frameon=False)
    return fig


EVENT_FONT = 6.5  # points
EVENT_ROWS = 5  # the most rows of event labels, down from the top of the plot
AXES_POINTS = (7 - 0.75) * 72  # the plot's width in points, about: the figure's 7 inches less the axis and its label


def event_rows(starts: list[float], widths: list[float], rows: int = EVENT_ROWS) -> list[tuple[int, bool]]:
    """Where each event's label goes: (row, leftward) for labels starting at `starts` and `widths` wide, both as
    fractions of the plot's width, in date order. A label goes in the first row where it clears every label already
    there; one that would run past the plot's right edge runs leftward from its line instead. With no row clear, it
    goes in the row whose labels end soonest."""
    taken: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
    gap = 0.015
    out = []
    for start, width in zip(starts, widths, strict=True):
        leftward = start + width > 1 and start - width >= 0
        span = (start - width, start) if leftward else (start, start + width)
        clear = [r for r in range(rows) if all(span[1] + gap <= a or b + gap <= span[0] for a, b in taken[r])]
        row = clear[0] if clear else min(range(rows), key=lambda r: max(b for _, b in taken[r]))
        taken[row].append(span)
        out.append((row, leftward))
    return out


def _label_events(ax, events: list) -> None:
    """Each event's title beside its line, staggered down from the top so that no two labels overlap."""
    if not events:
        return
    left, right = ax.get_xlim()
    whens = [mdates.date2num(pd.Timestamp(e.date)) for e in events]
    texts = [f" {e.title} " for e in events]
    starts = [(w - left) / (right - left) for w in whens]
    widths = [(_text_width(t, EVENT_FONT) + EVENT_FONT / 2) / AXES_POINTS for t in texts]  # and the box's padding
    order = sorted(range(len(events)), key=lambda i: whens[i])
    placed = dict(zip(order, event_rows([starts[i] for i in order], [widths[i] for i in order]), strict=True))
    for i, text in enumerate(texts):
        row, leftward = placed[i]
        ax.text(whens[i], 0.98 - 0.1 * row, text, transform=ax.get_xaxis_transform(), fontsize=EVENT_FONT,
                color=EVENT_COLOUR, va="top", ha="right" if leftward else "left", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5})


def _svg(chart: PackChart, prefix: str) -> str:
    """The chart as an <svg> element to put inline, its ids carrying ``prefix``.

    matplotlib numbers ids afresh in each file (figure_1, glyphs such as DejaVuSans-31), so two charts on
    one page would share ids, which HTML forbids and which would let one chart's references reach another's.
    """
    fig = xmr_figure(chart)
    buf = io.StringIO()
    # No metadata: matplotlib's default names its website and a Dublin Core URI, which a self-contained
    # page should not carry.
    fig.savefig(buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    fig.clear()
    text = buf.getvalue()
    text = text[text.index("<svg"):].strip()
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', text)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", text)


def png(chart: PackChart, dpi: int = 150) -> bytes:
    """The chart as a PNG image at `dpi`, drawn once for each resolution asked for."""
    if dpi not in chart.drawn:
        fig = xmr_figure(chart)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        fig.clear()
        chart.drawn[dpi] = buf.getvalue()
    return chart.drawn[dpi]


# --- HTML --------------------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #FFFFFF; color: #0B0C0C; line-height: 1.5; font-size: 1rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
.page { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
a { color: #1D4F91; }
a:focus { outline: 3px solid #FFDD00; background: #FFDD00; color: #0B0C0C; }
.marking { border: 3px solid #0B0C0C; background: #FFF3C4; font-weight: 700; text-align: center;
  padding: 0.5rem 0.75rem; margin: 0 0 1.25rem; letter-spacing: 0.02em; }
header .office { font-size: 1.05rem; font-weight: 600; margin: 0; }
header .force { margin: 0; color: #383F43; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 0.5rem; }
.period { font-size: 1.1rem; margin: 0 0 1rem; }
.notice { border-left: 6px solid #F46A25; background: #FFF4EC; padding: 0.6rem 0.9rem; margin: 0 0 1rem; }
.banner { border-left: 6px solid #12436D; background: #EEF2F7; padding: 0.6rem 0.9rem; margin: 1rem 0 1.5rem; }
nav.contents { border-top: 1px solid #B1B4B6; border-bottom: 1px solid #B1B4B6; padding: 0.5rem 0 0.75rem;
  margin-bottom: 1.5rem; }
nav.contents h2 { font-size: 1.2rem; margin: 0.5rem 0; padding: 0; border: 0; }
nav.contents ol { margin: 0; padding-left: 1.5rem; }
nav.contents ul { margin: 0.1rem 0 0.4rem; padding-left: 1.25rem; font-size: 0.95rem; }
h2 { font-size: 1.5rem; margin: 2.25rem 0 0.75rem; padding-top: 0.5rem; border-top: 4px solid #12436D; }
.measure { margin: 0 0 2.25rem; }
h3 { font-size: 1.2rem; margin: 1.25rem 0 0.4rem; }
.sentence { font-size: 1.05rem; margin: 0 0 0.75rem; }
.caveats { border-left: 6px solid #F46A25; background: #FDF0E8; padding: 0.4rem 0.9rem 0.5rem; margin: 0 0 1rem; }
.caveats h4 { font-size: 1rem; margin: 0 0 0.2rem; }
.caveats ul { margin: 0; padding-left: 1.25rem; }
.no-caveats { color: #383F43; margin: 0 0 1rem; }
.events { margin: 0.25rem 0 1rem; font-size: 0.95rem; }
.events h4 { font-size: 1rem; margin: 0 0 0.2rem; }
.events ul { margin: 0; padding-left: 1.25rem; }
.table-wrap { overflow-x: auto; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 0.4rem; }
th, td { border: 1px solid #B1B4B6; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #E8ECF1; }
tbody th { font-weight: 600; }
.aspiration { margin: 0 0 0.75rem; }
section.summary h2 { margin-top: 1rem; }
.caveats.general h2 { font-size: 1.1rem; border: 0; margin: 0 0 0.2rem; padding: 0; }
td ul { margin: 0; padding-left: 1rem; }
figure { margin: 0.5rem 0 0.5rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #383F43; margin-top: 0.25rem; }
.no-chart, .note { color: #383F43; font-style: italic; margin: 0.5rem 0; }
.commentary { margin: 0.75rem 0 0; }
.commentary .lead { font-weight: 600; margin: 0 0 0.25rem; }
.commentary p { margin: 0 0 0.5rem; white-space: pre-line; }
.commentary.empty { color: #383F43; font-style: italic; }
section.loop h3 { font-size: 1.1rem; }
section.loop td, section.loop th { white-space: pre-line; overflow-wrap: break-word; }
section.loop .unbroken { overflow-wrap: anywhere; }
section.loop .counts { font-size: 1.05rem; font-weight: 600; margin: 0 0 0.75rem; }
section.questions h2 { border-top-color: #801650; }
section.questions ol li { margin-bottom: 0.5rem; white-space: pre-line; }
footer { margin-top: 2.5rem; border-top: 1px solid #B1B4B6; padding-top: 1rem; }
footer .marking { margin: 0.75rem 0 0; }
@media print {
  @page { size: A4 portrait; margin: 15mm; }
  body { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  nav.contents { page-break-after: always; break-after: page; }
  .marking, .banner, .notice, .caveats, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  .measure, figure, tr, .caveats { page-break-inside: avoid; break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# A run of letters longer than this, typed without a space (an address, a reference), may break anywhere in the
# loop's tables: no column could hold it, as the PDF leaves a word wider than 40% of its frame to break. Every
# shorter word wraps whole, its column never narrower than it.
UNBROKEN = 40


def _words(text: object, *, wraps: bool) -> str:
    """Text escaped for a cell; with `wraps`, each run longer than UNBROKEN marked to break where it must (a run is
    escaped whole, so no entity is split)."""
    escaped = _e(text)
    if not wraps:
        return escaped
    return re.sub(rf"\S{{{UNBROKEN + 1},}}", lambda m: f'<span class="unbroken">{m.group(0)}</span>', escaped)


def _html_table(caption: str, headings: list[str], rows: list[list[str]], links: list[str] | None = None,
                figure_links: list[str | None] | None = None,
                cell_links: list[dict[int, str | None]] | None = None, widths: list[float] | None = None) -> str:
    """A table whose first column heads each row; numbers never wrap (their spaces are non-breaking).
    ``figure_links``: per row, the provenance of the month's figure (the second column), or None; ``cell_links``:
    per row, its other cells' links (column number -> address: a period's figure to the rows it adds up);
    ``widths``: the columns' shares of the table, as the PDF gives them (the loop's tables of words), each column
    kept no narrower than its longest word, so text wraps between words."""
    cols = ("<colgroup>" + "".join(f'<col style="width: {w * 100:.1f}%">' for w in widths) + "</colgroup>"
            if widths else "")
    out = ['<div class="table-wrap" tabindex="0" role="region" aria-label="' + _e(caption) + '"><table>',
           f"<caption>{_e(caption)}</caption>{cols}",
           "<thead><tr>" + "".join(f'<th scope="col">{_e(h)}</th>' for h in headings) + "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        head = f'<a href="#{links[i]}">{_e(row[0])}</a>' if links else _words(row[0], wraps=bool(widths))
        cells = [_words(c, wraps=bool(widths)) for c in row[1:]]
        if figure_links and figure_links[i] and cells:
            cells[0] = f'<a href="{_e(figure_links[i])}">{cells[0]}</a>'
        for column, link in (cell_links[i] if cell_links else {}).items():
            if link and 1 <= column <= len(cells):
                cells[column - 1] = f'<a href="{_e(link)}">{cells[column - 1]}</a>'
        out.append(f'<tr><th scope="row">{head}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _html_measure(pack: Pack, m: PackMeasure, anchor: str) -> str:
    out = [f'<section class="measure" id="{anchor}" aria-labelledby="{anchor}-h">',
           f'<h3 id="{anchor}-h">{_e(m.name)}</h3>', f'<p class="sentence">{_e(m.sentence)}</p>']
    if m.aspiration:
        out.append(f'<p class="aspiration"><strong>Aspiration:</strong> {_e(m.aspiration)}</p>')
    if m.caveats:
        out.append(f'<div class="caveats"><h4 id="{anchor}-cav">Caveats</h4><ul aria-labelledby="{anchor}-cav">')
        out.extend(f"<li>{_e(c)}</li>" for c in m.caveats)
        out.append("</ul></div>")
    else:
        out.append('<p class="no-caveats">No caveats on this measure for the period.</p>')

    headings, rows = area_table(pack, m)
    # a district with no figure for the month has none to trace: the Provenance page would open its latest month with
    # one, another month's figure (the force's, which adds up the districts that sent one, keeps its link)
    out.append(_html_table(table_caption(m), headings, rows,
                           figure_links=[None if r.month == "n/a" and r is not m.force_row
                                         else _provenance(pack, m.measure_id, r.area) for r in m.rows],
                           cell_links=[_period_links(pack, m.measure_id, r.area, row)
                                       for r, row in zip(m.rows, rows, strict=True)]))
    notes = incomplete_notes(m)
    if notes:
        out.append('<p class="note">Months missing: ' + _e(". ".join(notes)) + ".</p>")

    if m.chart is None:
        out.append(f'<p class="no-chart">{_e(TOO_FEW_MONTHS)}</p>')
    else:
        out.append(f'<figure role="img" aria-label="{_e(m.chart.description)}">{_svg(m.chart, f"{anchor}-")}'
                   f"<figcaption>{_e(m.chart.description)}</figcaption></figure>")
        if is_provisional(m.chart):
            out.append(f'<p class="note">{_e(PROVISIONAL_NOTE)}</p>')
        out.extend(f'<p class="note">{_e(r.text)}</p>' for r in m.chart.rebases)
        if m.chart.events:
            items = "".join(f"<li>{_e(short_event(e))}</li>" for e in m.chart.events)
            out.append(f'<div class="events"><h4 id="{anchor}-ev">{_e(EVENTS_HEADING)}</h4>'
                       f'<ul aria-labelledby="{anchor}-ev">{items}</ul></div>')

    paras = paragraphs(m.commentary)
    if paras:
        out.append(f'<div class="commentary"><p class="lead">{_e(commentary_lead(m))}</p>')
        out.extend(f"<p>{_e(p)}</p>" for p in paras)
        out.append("</div>")
    else:
        out.append(f'<div class="commentary empty"><p>{_e(NO_COMMENTARY)}</p></div>')
    out.append("</section>")
    return "\n".join(out)


def _html_general_caveats(pack: Pack) -> list[str]:
    if not pack.caveats:
        return []
    return ['<div class="caveats general"><h2 id="general-caveats">' + _e(GENERAL_CAVEATS_HEADING) + "</h2><ul>",
            *(f"<li>{_e(c)}</li>" for c in pack.caveats), "</ul></div>"]


def _html_loop(loop: LoopSection | None, key: str = "loop") -> list[str]:
    """"Since the last meeting", right after the notices: the loop's tables, or its one line when empty; the
    "Recommendations" section after it is drawn the same way (`key`: the start of its elements' ids)."""
    if loop is None:
        return []
    out = [f'<section class="loop" aria-labelledby="{key}-h"><h2 id="{key}-h">' + _e(loop.heading) + "</h2>"]
    if loop.empty:
        return [*out, f"<p>{_e(loop.empty)}</p>", "</section>"]
    out.append(f'<p class="counts">{_e(loop.counts)}.</p>')
    for i, t in enumerate(loop.tables, start=1):
        if t.rows:
            out.append(_html_table(t.heading, t.columns, t.rows, widths=t.widths))
        elif t.none:
            out.append(f'<h3 id="{key}-{i}">{_e(t.heading)}</h3><p class="note">{_e(t.none)}</p>')
    out.append("</section>")
    return out


def _html_summary(pack: Pack, measure_ids: list[str]) -> list[str]:
    if pack.headings is None:
        return []
    headings, rows = summary_table(pack)
    return ['<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h">' + _e(SUMMARY_HEADING) + "</h2>",
            _html_table(f"Every measure for {pack.force}: headline figures, variation, assurance and aspiration",
                        headings, rows, links=measure_ids,
                        figure_links=[_provenance(pack, m.measure_id, m.force_row.area) for m in pack.measures],
                        cell_links=[_period_links(pack, m.measure_id, m.force_row.area, row)
                                    for m, row in zip(pack.measures, rows, strict=True)]),
            f'<p class="note">{_e(period_line(pack))}</p>', *_html_events(pack), "</section>"]


def _provenance(pack: Pack, measure_id: str, area: str) -> str | None:
    """The internal app's Provenance page on the month's figure of a measure the force's return reports, or one
    worked out from its breakdowns (the share recorded)."""
    from ..catalogue import catalogue
    from ..lineage import provenance_link
    from ..settings import get

    try:
        month = dt.datetime.strptime(pack.period_label, "%B %Y")
        m = catalogue().get(measure_id)
        from_return = m.from_force_return or m.derived
    except (ValueError, KeyError, PccDashError):
        return None
    return provenance_link(measure_id, area, f"{month:%Y-%m}", base=get("internal_url")) if from_return else None


def _period_links(pack: Pack, measure_id: str, area: str, row: list[str]) -> dict[int, str | None]:
    """A table row's quarter, year-to-date and 12-month figures (the columns after the month's) linked to the
    internal app's Provenance page on the months each is made of, with the figure as the pack prints it, which that
    page checks against the rows; none for a measure whose month's figure has no provenance, or a cell with no
    figure ("n/a")."""
    from ..lineage import run_provenance_link
    from ..settings import get

    if _provenance(pack, measure_id, area) is None:
        return {}
    return {column: run_provenance_link(measure_id, area, first, last, row[column].replace("\u00a0", " "),
                                        base=get("internal_url")) if re.search(r"\d", row[column]) else None
            for column, (first, last) in enumerate(pack.runs, start=2) if column < len(row)}


def _html_events(pack: Pack) -> list[str]:
    events = pack_events(pack)
    if not events:
        return []
    return [f'<h3 id="events-h">{_e(EVENTS_SECTION)}</h3><ul aria-labelledby="events-h">',
            *(f"<li>{_e(line)}</li>" for line in events), "</ul>"]


def _anchors(pack: Pack) -> tuple[dict[str, str], list[str]]:
    priority_ids = {p: f"priority-{i}" for i, p in enumerate(pack.priorities, start=1)}
    measure_ids = [f"measure-{i}" for i, _ in enumerate(pack.measures, start=1)]
    return priority_ids, measure_ids


def render_html(pack: Pack) -> str:
    """The pack as one HTML5 document with nothing fetched from elsewhere: styles inline, charts as SVG."""
    priority_ids, measure_ids = _anchors(pack)
    title = pack_title(pack)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="author" content="{_e(pack.office)}">',
        f"<title>{_e(title)}: {_e(pack.force)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<div class="page">',
        "<header>",
        f'<p class="marking" role="note">{_e(pack.marking)}</p>',
        f'<p class="office">{_e(pack.office)}</p>',
        f'<p class="force">{_e(pack.force)}</p>',
        f"<h1>{_e(title)}</h1>",
        f'<p class="period">{_e(period(pack))}</p>',
        f'<p class="banner">{_e(pack.banner)}</p>' if pack.banner else "",
        *(f'<p class="notice" role="note">{_e(n)}</p>' for n in pack.notices),
        "</header>",
        *_html_general_caveats(pack),
        *_html_loop(pack.loop),
        *_html_summary(pack, measure_ids),
        # after the headline figures, which the pack leads with
        *_html_loop(pack.recommendations, "recs"),
        '<nav class="contents" aria-labelledby="contents-h"><h2 id="contents-h">Contents</h2><ol>',
    ]
    for priority in pack.priorities:
        out.append(f'<li><a href="#{priority_ids[priority]}">{_e(priority)}</a><ul>')
        out.extend(f'<li><a href="#{measure_ids[i]}">{_e(m.name)}</a></li>'
                   for i, m in enumerate(pack.measures) if m.priority == priority)
        out.append("</ul></li>")
    out.append('<li><a href="#questions">Questions for the Chief Constable</a></li></ol></nav>')

    out.append("<main>")
    for priority in pack.priorities:
        out.append(f'<section class="priority" aria-labelledby="{priority_ids[priority]}">')
        out.append(f'<h2 id="{priority_ids[priority]}">{_e(priority)}</h2>')
        out.extend(_html_measure(pack, m, measure_ids[i])
                   for i, m in enumerate(pack.measures) if m.priority == priority)
        out.append("</section>")

    out.append('<section class="questions" aria-labelledby="questions"><h2 id="questions">'
               "Questions for the Chief Constable</h2>")
    if lead := questions_lead(pack):
        out.append(f"<p>{_e(lead)}</p>")
    questions = [q.strip() for q in pack.questions if q.strip()]
    if questions:
        out.append("<ol>" + "".join(f"<li>{_e(q)}</li>" for q in questions) + "</ol>")
    else:
        out.append("<p>No questions set.</p>")
    out.append("</section></main>")

    out += [
        "<footer>",
        f"<p>{_e(generated(pack))}</p>",
        f'<p class="marking">{_e(pack.marking)}</p>',
        "</footer>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(line for line in out if line) + "\n"


# --- PDF ---------------------------------------------------------------------------------------------------

_FONT_LOCK = threading.Lock()


@functools.cache
def _fonts() -> tuple[str, str]:
    """Regular and bold font names: DejaVu Sans from matplotlib's own files, so that any character a user
    types (beyond the Latin-1 of the built-in Helvetica) prints, and the text matches the charts."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {"PackSans": "DejaVuSans.ttf", "PackSans-Bold": "DejaVuSans-Bold.ttf",
             "PackSans-Italic": "DejaVuSans-Oblique.ttf", "PackSans-BoldItalic": "DejaVuSans-BoldOblique.ttf"}
    try:
        with _FONT_LOCK:
            for name, file in faces.items():
                pdfmetrics.registerFont(TTFont(name, str(folder / file)))
            pdfmetrics.registerFontFamily("PackSans", normal="PackSans", bold="PackSans-Bold",
                                          italic="PackSans-Italic", boldItalic="PackSans-BoldItalic")
    except Exception:  # a matplotlib install without its fonts still gets a pack, in Helvetica
        return "Helvetica", "Helvetica-Bold"
    return "PackSans", "PackSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, textColor=colors.HexColor(INK),
                          alignment=TA_LEFT, spaceAfter=4)
    return {
        "body": base,
        "office": ParagraphStyle("office", parent=base, fontName=bold, fontSize=11, leading=14),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=18, leading=22, spaceBefore=6,
                                spaceAfter=8),
        "period": ParagraphStyle("period", parent=base, fontSize=11, leading=14, spaceAfter=8),
        "marking": ParagraphStyle("marking", parent=base, fontName=bold, fontSize=11, leading=14, alignment=1,
                                  spaceAfter=0),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=14, leading=18, spaceBefore=12,
                             spaceAfter=6, keepWithNext=1, textColor=colors.HexColor(VALUE_COLOUR)),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=12, leading=15, spaceBefore=10,
                             spaceAfter=4, keepWithNext=1),
        "caveat_head": ParagraphStyle("caveat_head", parent=base, fontName=bold, spaceAfter=1),
        # Cells wrap at spaces only: a word or figure too long for its column would rather show than be cut.
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5, spaceAfter=0, splitLongWords=0),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=bold, fontSize=7.5, leading=9.5,
                                    spaceAfter=0, splitLongWords=0),
        # Typed text in the loop's tables may hold a word longer than its column: it breaks rather than overflow.
        "loop_cell": ParagraphStyle("loop_cell", parent=base, fontSize=7.5, leading=9.5, spaceAfter=0,
                                    splitLongWords=1),
        "loop_head": ParagraphStyle("loop_head", parent=base, fontName=bold, fontSize=7.5, leading=9.5,
                                    spaceAfter=0, splitLongWords=1),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11,
                               textColor=colors.HexColor("#383F43")),
        "lead": ParagraphStyle("lead", parent=base, fontName=bold, spaceBefore=6, spaceAfter=2),
        "contents": ParagraphStyle("contents", parent=base, spaceAfter=1),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # User-typed text may hold <, > or &; line breaks inside it are kept.
    return Paragraph(xml_escape(text).replace("\n", "<br/>"), style)


def _bullets(texts: list[str], style: ParagraphStyle, numbered: bool = False, first: int = 1) -> ListFlowable:
    items = [ListItem(_p(t, style), leftIndent=14) for t in texts]
    if numbered:
        return ListFlowable(items, bulletType="1", bulletFormat="%s.", leftIndent=16, bulletFontName=style.fontName,
                            bulletFontSize=style.fontSize, start=first)
    return ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=12, bulletFontName=style.fontName,
                        bulletFontSize=style.fontSize)


def _headed_list(heads: list, texts: list[str], style: ParagraphStyle, numbered: bool = False) -> list:
    """A heading (and any lead under it) and a list, the heading kept with the list's first item: ReportLab keeps a
    heading with the next paragraph (keepWithNext) but not with a list, so a heading could end a page with its list
    on the next."""
    return [KeepTogether([*heads, _bullets(texts[:1], style, numbered)]),
            *([_bullets(texts[1:], style, numbered, first=2)] if texts[1:] else [])]


def _boxed(flowable, fill: str, edge: str, width: float, edge_width: float = 1.5) -> Table:
    box = Table([[flowable]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), edge_width, colors.HexColor(edge)),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(fill)),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return box


def _caveat_box(caveats: list[str], st: dict[str, ParagraphStyle], width: float, heading: str = "Caveats") -> Table:
    inner = [_p(heading, st["caveat_head"]), _bullets(caveats, st["body"])]
    box = Table([[inner]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FDF0E8")),
        ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor("#F46A25")),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return box


def _pdf_grid(headings: list[str], rows: list[list[str]], fractions: list[float], st: dict[str, ParagraphStyle],
              width: float, links: list[str] | None = None) -> Table:
    """A table with a repeated heading row; the first column heads each row (a link to the measure where
    ``links`` are given). Cell text wraps at spaces only: figures carry non-breaking spaces."""
    data = [[_p(h, st["cell_head"]) for h in headings]]
    for i, row in enumerate(rows):
        head = xml_escape(row[0])
        if links:
            head = f'<a href="#{links[i]}" color="{VALUE_COLOUR}">{head}</a>'
        data.append([Paragraph(head, st["cell_head"]), *(_p(c, st["cell"]) for c in row[1:])])
    fractions = _first_fits([row[0] for row in rows], fractions, st["cell_head"], width)
    table = Table(data, colWidths=[width * f for f in fractions], repeatRows=1, hAlign="LEFT")
    table.setStyle(_grid_style())
    return table


def _first_fits(heads: list[str], fractions: list[float], style: ParagraphStyle, width: float) -> list[float]:
    """The columns' fractions with the first widened, where needed, to hold the longest word of its rows (a district
    named "Wolverhampton" crossed a column sized for "Sheffield"), the other columns narrowed in proportion."""
    pad = 6 + 1  # the cell's left and right padding, and a point to spare
    longest = max((pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for h in heads for w in h.split()),
                  default=0)
    need = (longest + pad) / width
    if need <= fractions[0]:
        return fractions
    rest = sum(fractions[1:])
    return [need, *(f * (1 - need) / rest for f in fractions[1:])]


# where a cell's text may wrap: any space but a no-break one, which holds a figure or a day whole ("30 September 2026")
_BREAKS = re.compile(r"[^\S\u00a0]+")


def words_fit(columns: list[list[tuple[str, ParagraphStyle]]], fractions: list[float], width: float,
              most: float = 0.4, pad: float = 6 + 1) -> list[float]:
    """The columns' fractions with each widened, where needed, to hold the longest word of its texts (its heading and
    cells, each in the style it is printed in), the others narrowed in proportion but never below their own longest
    word: an owner "DCI Fotheringham-Whittingstall" broke mid-word in a column sized for "ACC Jones". Words joined by
    no-break spaces are measured as one, as they are printed. A word wider than `most` of the frame (a run of letters
    typed without a space) is left to break, as no column could hold it; so are all words when the columns' longest
    cannot share the frame. `pad`, in points, is a cell's left and right padding and a point to spare (the PDF's
    cells: 3 each side); the Word pack gives its own."""
    need = []
    for texts in columns:
        fits = [w for text, style in texts for word in _BREAKS.split(text) if word
                if (w := (pdfmetrics.stringWidth(word, style.fontName, style.fontSize) + pad) / width) <= most]
        need.append(max(fits, default=0.0))
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(fractions)) if i not in fixed]
        left, share = 1 - sum(fixed.values()), sum(fractions[i] for i in free)
        out = [fixed[i] if i in fixed else fractions[i] * left / share for i in range(len(fractions))]
        short = [i for i in free if out[i] < need[i]]
        if not short:
            return out
        fixed.update((i, need[i]) for i in short)
        if len(fixed) == len(fractions) or sum(fixed.values()) >= 1:
            return fractions


def _grid_style() -> TableStyle:
    """The pack's tables: light rules, a shaded heading row, text from the top of each cell."""
    return TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#B1B4B6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECF1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])


def _pdf_loop_table(t: LoopTable, st: dict[str, ParagraphStyle], width: float, room: float) -> Table:
    """One of the loop's tables. A row moves whole to the next page, unless it is taller than a page (the longest
    question, of wide letters): then rows may split, since ReportLab cannot draw it otherwise, at the cost of a
    heading row repeated part way down a page."""
    cells = [[(h, st["cell_head"]), *((row[i], st["loop_head" if i == 0 else "loop_cell"]) for row in t.rows)]
             for i, h in enumerate(t.columns)]
    widths = [width * f for f in words_fit(cells, t.widths, width)]
    data = [[_p(h, st["cell_head"]) for h in t.columns]]
    data += [[_p(row[0], st["loop_head"]), *(_p(c, st["loop_cell"]) for c in row[1:])] for row in t.rows]
    tallest = max((max(c.wrap(w - 6, room)[1] for c, w in zip(row, widths, strict=True)) for row in data[1:]),
                  default=0)
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=int(tallest > room * 0.85))
    table.setStyle(_grid_style())
    return table


def _pdf_loop(loop: LoopSection, st: dict[str, ParagraphStyle], width: float, room: float) -> list:
    """"Since the last meeting": its counts, then each table under its heading (or what is said in its place)."""
    # A table's heading starts a new page when little of this one is left: held to its table instead (keepWithNext),
    # a table taller than what is left would take both onto the next page and leave this one nearly empty.
    heading = ParagraphStyle("loop_h3", parent=st["h3"], keepWithNext=0)
    out: list = [_p(loop.heading, st["h2"]), _p(loop.counts + ".", st["lead"])]
    for t in loop.tables:
        out += [CondPageBreak(30 * mm), _p(t.heading, heading)]
        if t.rows:
            out += [_pdf_loop_table(t, st, width, room), Spacer(1, 4)]
        elif t.none:
            out.append(_p(t.none, st["note"]))
    return out


def _fractions(first: float, headings: list[str], rest: list[float]) -> list[float]:
    """Column widths as fractions of the frame: the first column, then the figures (the change on the 12
    months before, the widest figure, half as wide again as the others), then the status columns."""
    figures = len(headings) - 1 - len(rest)
    unit = (1 - first - sum(rest)) / (figures + 0.5)
    return [first, *([unit] * (figures - 1)), unit * 1.5, *rest]


def _pdf_summary(pack: Pack, st: dict[str, ParagraphStyle], width: float) -> list:
    headings, rows = summary_table(pack)
    links = [f"measure-{i}" for i, _ in enumerate(pack.measures, start=1)]
    table = _pdf_grid(headings, rows, _fractions(0.16, headings, [0.14, 0.13, 0.18]), st, width, links)
    return [_p(SUMMARY_HEADING, st["h2"]), table, Spacer(1, 4), _p(period_line(pack), st["note"])]


def _pdf_events(pack: Pack, st: dict[str, ParagraphStyle]) -> list:
    """The events drawn on the charts, in full and once, before the measures (each chart lists them short)."""
    events = pack_events(pack)
    return [*_headed_list([_p(EVENTS_SECTION, st["h3"])], events, st["note"]), Spacer(1, 8)] if events else []


def _pdf_measure(pack: Pack, m: PackMeasure, anchor: str, st: dict[str, ParagraphStyle], width: float,
                 heading: Paragraph | None = None) -> list:
    # The priority's heading travels with its first measure, so it never ends a page alone.
    top: list = [heading] if heading is not None else []
    top += [Paragraph(f'<a name="{anchor}"/>' + xml_escape(m.name), st["h3"]), _p(m.sentence, st["body"])]
    if m.aspiration:
        top.append(Paragraph("<b>Aspiration:</b> " + xml_escape(m.aspiration), st["body"]))
    if m.caveats:
        top.append(_caveat_box(m.caveats, st, width))
    else:
        top.append(_p("No caveats on this measure for the period.", st["note"]))
    headings, rows = area_table(pack, m)
    top += [Spacer(1, 4), _p(table_caption(m), st["lead"]),
            _pdf_grid(headings, rows, _fractions(0.13, headings, [0.17, 0.17]), st, width)]
    notes = incomplete_notes(m)
    if notes:
        top.append(_p("Months missing: " + ". ".join(notes) + ".", st["note"]))
    # The measure's words and table stay together, its chart and what is said under it together, and the
    # two may part at a page's end: keeping the whole measure on one page left a third of most pages empty.
    parts: list = [KeepTogether(top), Spacer(1, 6)]
    paras = paragraphs(m.commentary)
    # "No commentary written." goes with what is said above it: alone, it opened the next page, cut off from its measure
    none_written = [] if paras else [_p(NO_COMMENTARY, st["note"])]
    if m.chart is None:
        parts.append(KeepTogether([_p(TOO_FEW_MONTHS, st["note"]), *none_written]))
    else:
        chart: list = [Image(io.BytesIO(png(m.chart)), width=width, height=width * 2.8 / 7),
                       _p(m.chart.description, st["note"])]
        if is_provisional(m.chart):
            chart.append(_p(PROVISIONAL_NOTE, st["note"]))
        chart += [_p(r.text, st["note"]) for r in m.chart.rebases]
        if m.chart.events:
            chart += [_p(EVENTS_HEADING, st["caveat_head"]),
                      _bullets([short_event(e) for e in m.chart.events], st["note"])]
        parts.append(KeepTogether([*chart, *none_written]))
    if paras:
        parts.append(KeepTogether([_p(commentary_lead(m), st["lead"]), *(_p(t, st["body"]) for t in paras)]))
    return [*parts, Spacer(1, 12)]


def _page_canvas(marking: str, footer_left: str, regular: str, bold: str):
    """A canvas class that holds back each page until the count is known, for "Page N of M"."""
    def fitted(text: str, font: str, size: float, room: float) -> float:
        while size > 6 and pdfmetrics.stringWidth(text, font, size) > room:
            size -= 0.5
        return size

    class PackCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            page_w, page_h = self._pagesize  # the summary's page is landscape
            self.saveState()
            room = page_w - 36 * mm
            size = fitted(marking, bold, 9, room)
            self.setFont(bold, size)
            self.setFillColor(colors.HexColor(INK))
            self.drawCentredString(page_w / 2, page_h - 12 * mm, marking)
            self.setStrokeColor(colors.HexColor(INK))
            self.setLineWidth(0.8)
            self.line(18 * mm, page_h - 14 * mm, page_w - 18 * mm, page_h - 14 * mm)
            self.line(18 * mm, 17 * mm, page_w - 18 * mm, 17 * mm)
            self.setFont(bold, size)
            self.drawCentredString(page_w / 2, 12 * mm, marking)
            self.setFont(regular, 8)
            self.drawString(18 * mm, 7.5 * mm, footer_left)
            self.drawRightString(page_w - 18 * mm, 7.5 * mm, f"Page {number} of {total}")
            self.restoreState()

    return PackCanvas


def render_pdf(pack: Pack) -> bytes:
    """The pack as an A4 PDF: the marking at the head and foot of every page, and "Page N of M"."""
    regular, bold = _fonts()
    st = _styles()
    buf = io.BytesIO()
    title = pack_title(pack)
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
        title=f"{title}: {pack.force}", author=pack.office, subject=period(pack), creator=pack.office,
    )
    wide = landscape(A4)
    doc.addPageTemplates([
        PageTemplate("portrait", [Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="portrait")],
                     pagesize=A4),
        # The summary table has nine columns: on a landscape page each figure keeps to one line.
        PageTemplate("landscape", [Frame(18 * mm, 22 * mm, wide[0] - 36 * mm, wide[1] - 42 * mm, id="landscape")],
                     pagesize=wide),
    ])
    width = doc.width

    story: list = [
        _boxed(_p(pack.marking, st["marking"]), "#FFF3C4", INK, width, edge_width=2),
        Spacer(1, 10),
        _p(pack.office, st["office"]),
        _p(pack.force, st["body"]),
        _p(title, st["title"]),
        _p(period(pack), st["period"]),
    ]
    if pack.banner:
        story.append(_boxed(_p(pack.banner, st["body"]), "#EEF2F7", VALUE_COLOUR, width, edge_width=1))
        story.append(Spacer(1, 10))
    for notice in pack.notices:
        story.append(_boxed(_p(notice, st["body"]), "#FFF4EC", "#F46A25", width, edge_width=1))
        story.append(Spacer(1, 10))
    if pack.caveats:
        story.append(_caveat_box(pack.caveats, st, width, heading=GENERAL_CAVEATS_HEADING))
        story.append(Spacer(1, 10))
    loop = pack.loop
    if loop is not None and loop.empty:  # one line, on the cover
        story += [_p(loop.heading, st["h3"]), _p(loop.empty, st["body"]), Spacer(1, 6)]
    recs = pack.recommendations
    if recs is not None and recs.empty:  # one line, on the cover
        story += [_p(recs.heading, st["h3"]), _p(recs.empty, st["body"]), Spacer(1, 6)]
    kept = loop is not None and not loop.empty
    recs_kept = recs is not None and not recs.empty
    story.append(_p("Contents", st["h3"]))
    story.append(_bullets([*([loop.heading] if kept else []),
                           *([SUMMARY_HEADING] if pack.headings is not None else []),
                           *([recs.heading] if recs_kept else []),
                           *pack.priorities, "Questions for the Chief Constable"], st["contents"], numbered=True))
    if kept:  # on pages of its own after the cover, before the summary
        story += [PageBreak(), *_pdf_loop(loop, st, width, doc.height)]
    if pack.headings is not None:
        story += [NextPageTemplate("landscape"), PageBreak(), *_pdf_summary(pack, st, wide[0] - 36 * mm),
                  NextPageTemplate("portrait")]
    if recs_kept:  # after the headline figures, which the pack leads with
        story += [PageBreak(), *_pdf_loop(recs, st, width, doc.height)]
    story.append(PageBreak())
    story += _pdf_events(pack, st)

    for priority in pack.priorities:
        heading = _p(priority, st["h2"])
        for i, m in enumerate(pack.measures, start=1):
            if m.priority == priority:
                story += _pdf_measure(pack, m, f"measure-{i}", st, width, heading)
                heading = None

    heads = [_p("Questions for the Chief Constable", st["h2"])]
    if lead := questions_lead(pack):
        heads.append(_p(lead, st["body"]))
    questions = [q.strip() for q in pack.questions if q.strip()]
    if questions:
        story += _headed_list(heads, questions, st["body"], numbered=True)
    else:
        story += [*heads, _p("No questions set.", st["body"])]
    story += [Spacer(1, 14), _p(generated(pack), st["note"])]

    footer_left = f"{pack.office}: {pack.meeting_short} {_long_date(pack.meeting_date)}"
    doc.build(story, canvasmaker=_page_canvas(pack.marking, footer_left, regular, bold))
    return buf.getvalue()


# --- files -------------------------------------------------------------------------------------------------

def write_pack(pack: Pack, folder: Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.html`` and ``<stem>.pdf`` into ``folder``; a reader never sees a half-written file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Both drawn before either is written, so a failure leaves the previous pair as it was.
    page = render_html(pack).encode("utf-8")
    pdf = render_pdf(pack)
    html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
    write_atomically(html_path, page)
    write_atomically(pdf_path, pdf)
    return html_path, pdf_path

