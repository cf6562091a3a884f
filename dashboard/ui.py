"""What the pages share: the accessible palette, Making Data Count icons in words, charts and caveat boxes."""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data
from pipelines import settings
from pipelines.catalogue import catalogue, measure_namer, with_measure_names
from pipelines.chart_text import set_title, spoken
from pipelines.errors import PccDashError, shown
from pipelines.exports import csv_bytes, display_frame
from pipelines.plan.periods import broken_at_gaps, month_label, month_number, month_start, quarter_label, quarter_start
from pipelines.plan.spc import ASSURANCE_WORDS, VARIATION_WORDS
from pipelines.publish.content import PERIOD_TYPE_WORDS, tick_every
from pipelines.uk_time import UK, uk_time

# The Government Analysis Function's accessible categorical palette, in its order.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = PALETTE

# Variation and assurance in a symbol and words as well as colour (WCAG 1.4.1: colour is never alone).
VARIATION = {icon: (symbol, VARIATION_WORDS[icon], colour) for icon, symbol, colour in (
    ("common_cause", ":material/horizontal_rule:", "gray"),
    ("improvement_high", ":material/trending_up:", "blue"),
    ("improvement_low", ":material/trending_down:", "blue"),
    ("concern_high", ":material/trending_up:", "orange"),
    ("concern_low", ":material/trending_down:", "orange"),
    ("neutral_high", ":material/trending_up:", "violet"),
    ("neutral_low", ":material/trending_down:", "violet"),
)}
ASSURANCE = {icon: (symbol, ASSURANCE_WORDS[icon], colour) for icon, symbol, colour in (
    ("pass", ":material/check_circle:", "blue"),
    ("fail", ":material/cancel:", "orange"),
    ("hit_and_miss", ":material/help:", "gray"),
)}
POINT_STYLE = {  # point type -> (legend name, colour, marker symbol)
    "concern": ("Concern", ORANGE, "triangle-up"),
    "improvement": ("Improvement", TURQUOISE, "square"),
    "neutral": ("Special cause, neither better nor worse", DARK_PINK, "diamond"),
}


SHORT = {"common_cause": "Common cause", "improvement_high": "Improving", "improvement_low": "Improving",
         "concern_high": "Concern", "concern_low": "Concern", "neutral_high": "Special cause",
         "neutral_low": "Special cause"}


def variation_badge(icon: str | None, *, short: bool = False, no_figure: bool = False) -> str:
    """The variation as a badge: a symbol and words (the short words fit a district's narrow column). With
    `no_figure` (no figure for the month: a return not yet in, or a district that did not report) it says so, as
    the tables beside it do, rather than that too few months are charted."""
    unjudged = "No figure" if no_figure else "Not enough months to judge"
    sym, words, colour = VARIATION.get(icon or "", (":material/remove:", unjudged, "gray"))
    if short:
        words = SHORT.get(icon or "", "No figure" if no_figure else "Too few months")
        if icon and icon != "common_cause":
            words += " (high)" if icon.endswith("high") else " (low)"
    return f":{colour}-badge[{sym} {words}]"


def assurance_badge(icon: str | None) -> str:
    if not icon:
        return ""
    sym, words, colour = ASSURANCE[icon]
    return f":{colour}-badge[{sym} {words}]"


def _per_segment(frame: pd.DataFrame, col: str) -> tuple[list, list]:
    """x and y of one line per segment, broken between segments: each segment has its own limits, and a line
    joining them would draw a slope that no limit ever had."""
    if "segment" not in frame or frame.empty:
        return list(frame["period"]), list(frame[col])
    xs: list = []
    ys: list = []
    for _, part in frame.groupby("segment", sort=True):
        if xs:
            xs.append(None)
            ys.append(None)
        xs += list(part["period"])
        ys += list(part[col])
    return xs, ys


def period_words(number: int, step: int = 1) -> str:
    """A chart's period, `step` months from the month `number`, as the pages name it: the month ("July 2015"), the
    financial quarter ("Q2 2015/16", as the quarterly view's axis and table), else its first and last months."""
    if step == 1:
        return month_label(number)
    if step == 3 and quarter_start(number) == number:
        return quarter_label(number)
    return f"{month_label(number)} to {month_label(number + step - 1)}"


def xmr_chart(frame: pd.DataFrame, title: str, unit: str, target: float | None = None,
              rebases: Iterable = (), target_label: str = "Aspiration", target_from: object = None,
              step: int = 1) -> go.Figure:
    """An XmR chart: values, mean, process limits (one line per segment), special-cause points marked by shape
    and colour, and each rebase (``rebases``: pipelines.plan.history.Rebase) as a dated line whose label says
    that the limits were recalculated, with the reason on hover. The values' line is broken where a period
    (``step`` months long) is missing, rather than drawn across it as if the periods either side were consecutive."""
    fig = go.Figure()
    frame = frame.assign(lower=frame["lower"].clip(lower=0))  # a count cannot fall below zero: nor can its limit
    vx, vy = broken_at_gaps(frame["period"], frame["value"], step)
    fig.add_trace(go.Scatter(x=vx, y=vy, name=unit.capitalize(), mode="lines+markers", connectgaps=False,
                             line={"color": DARK_BLUE, "width": 2}, marker={"size": 6, "color": DARK_BLUE}))
    mx, my = _per_segment(frame, "mean")
    fig.add_trace(go.Scatter(x=mx, y=my, name="Mean", mode="lines", connectgaps=False,
                             line={"color": DARK_GREY, "width": 1.5}))
    for col, name in (("upper", "Upper process limit"), ("lower", "Lower process limit")):
        lx, ly = _per_segment(frame, col)
        fig.add_trace(go.Scatter(x=lx, y=ly, name=name, mode="lines", connectgaps=False,
                                 line={"color": DARK_GREY, "width": 1.5, "dash": "dash"}))
    if not frame.empty:
        first, last = frame["period"].min(), frame["period"].max()
        for rebase in rebases:
            when = pd.Timestamp(month_start(rebase.month))
            if first < when <= last:
                fig.add_vline(x=when, line={"color": DARK_PINK, "width": 1.5, "dash": "dashdot"})
                fig.add_annotation(x=when, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                   text=f"Limits recalculated, {rebase.label}", hovertext=rebase.text,
                                   font={"size": 11, "color": DARK_PINK})
    kinds = frame["point_type"].astype(str).str.split("_").str[0]
    for kind, (name, colour, symbol) in POINT_STYLE.items():
        pts = frame[frame["special_cause"] & (kinds == kind)]
        if not pts.empty:
            fig.add_trace(go.Scatter(x=pts["period"], y=pts["value"], name=name, mode="markers",
                                     marker={"size": 12, "color": colour, "symbol": symbol,
                                             "line": {"color": DARK_GREY, "width": 1}}))
    if "caveats" in frame:
        flagged = frame[frame["caveats"] != ""]
        if not flagged.empty:
            fig.add_trace(go.Scatter(x=flagged["period"], y=flagged["value"], name="Has a caveat (listed below)",
                                     mode="markers", marker={"size": 18, "color": "rgba(0,0,0,0)", "symbol": "circle",
                                                             "line": {"color": DARK_PINK, "width": 2}}))
    # each point's hover names its period as the axis and the table do ("July 2015", "Q2 2015/16"), not the day it
    # is dated at, which plotly writes for a date ("Jul 1, 2015"); the trace's name shows beside it
    for trace in fig.data:
        trace.customdata = [period_words(month_number(x), step) if x is not None and not pd.isna(x) else ""
                            for x in trace.x]
        trace.hovertemplate = "%{customdata}: %{y}"
    if target is not None and not frame.empty:
        add_target(fig, target, target_label, frame["period"].min() if target_from is None else target_from,
                   frame["period"].max())
    fig.update_layout(height=400, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.12, "yanchor": "top"}, yaxis_title=unit.capitalize(),
                      plot_bgcolor="white",
                      font={"color": DARK_GREY})
    fig.update_xaxes(showline=True, linecolor=DARK_GREY, gridcolor="#E5E5E5")
    if step == 1:  # a month, whatever the ticks: where plotly writes the x of a hover itself, it says the month
        fig.update_xaxes(hoverformat="%B %Y")
    if step in (1, 3) and not frame.empty:
        first, last = month_number(frame["period"].min()), month_number(frame["period"].max())
        # a tick at the start of every month (quarter), or every other or third as they grow, each labelled with its
        # month and year ("Q3 2026/27")
        every = tick_every((last - first) // step)
        if every is not None and step == 1:
            fig.update_xaxes(tick0=month_start(first), dtick=f"M{every}", tickformat="%b %Y")
        elif every is not None:
            ticks = range(first, last + 1, 3 * every)
            fig.update_xaxes(tickmode="array", tickvals=[month_start(n) for n in ticks],
                             ticktext=[quarter_label(n) for n in ticks])
    fig.update_yaxes(showline=True, linecolor=DARK_GREY, gridcolor="#E5E5E5", rangemode="tozero")
    return set_title(fig, title)


def chart(fig: go.Figure, key: str, said: object = "") -> None:
    """Draw `fig` across the page, named for a screen reader by its title as drawn (WCAG 1.1.1: without a name it
    is met as a graphic with no name, its axes' ticks read out one by one), and `said`, a sentence saying what it
    shows over which periods, as the caption under it: read once, after the chart, never in its name too."""
    title = fig.layout.title.text or ""
    title = html.unescape(re.sub(r"<br\s*/?>", " ", title))
    st.plotly_chart(fig, width="stretch", key=key, alt=spoken(title) or None)
    if said:
        st.caption(md_escape(said))


def add_target(fig: go.Figure, target: float, label: str, first: object, last: object) -> go.Figure:
    """The plan's aspiration as a named line across the chart (in the legend, so that it is read as well as
    seen), in a colour and dash no limit uses; from `first` to `last` (one period alone: a marker)."""
    fig.add_trace(go.Scatter(x=[first, last], y=[target, target], name=label,
                             mode="lines" if first != last else "lines+markers",
                             line={"color": TURQUOISE, "width": 2, "dash": "dot"}, hoverinfo="name"))
    return fig


_MD_SPECIAL = "\\`*_{}[]<>()#+-.!|~$:"


def md_escape(text: object) -> str:
    """User-typed text shown as itself in Markdown: no links, images, emphasis or icons from it. An e-mail
    address gets a zero-width space before its "@": Markdown turns an address into a mailto link even when
    escaped, and the space, unseen, stops it."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else "\u200b@" if ch == "@" else ch for ch in str(text))


def table(frame: pd.DataFrame, key: str, download_name: str | None = None, *,
          download_also: pd.DataFrame | None = None, **grid) -> None:
    """A table of what files and people wrote, safe to read and to download: the grid shows text with control
    characters escaped and formulas neutralised (so its own copy and export, where a server leaves them on,
    hand out inert text), and the download button gives the rows as a CSV whose formulas are neutralised too.

    `key` names the grid (and `key + "_download"` the button); `grid` passes st.dataframe's own options.
    `download_also`: columns only the download holds, one row for each of the table's, in its order (a figure's
    open flags and caveats in words, `pipelines.flags.download_notes`, where the grid marks them or the page says
    them beside it); one of a heading the table has takes that column's place.
    """
    grid.setdefault("hide_index", True)
    grid.setdefault("width", "stretch")
    # a missing value is left blank: the grid writes "None" for one, as in a column of times where a month has
    # no approval yet (readable() blanks text and numbers itself, but a time column keeps its missing times)
    grid.setdefault("placeholder", "")
    if frame.attrs.get("column_config"):  # a readable() frame's times, shown as UK time in words (`time_column`)
        grid["column_config"] = _merged(frame.attrs["column_config"], grid.get("column_config") or {})
    shown_frame, download = _table_parts(frame, _download_rows(frame, download_also) if download_name else None)
    st.dataframe(shown_frame, key=key, **grid)
    if download_name:
        _download_button(download, key, download_name)


def widths(pixels: dict[str, int]) -> dict[str, dict]:
    """Columns' widths in pixels, as a table's `column_config`: a column of times keeps its words."""
    return {heading: st.column_config.Column(width=w) for heading, w in pixels.items()}


# A grid's heading is 14-pixel text with room around it for the sort arrow and the column's menu: a width that holds
# the widest letters (capitals, "m", "w") of a heading this long, so that it is read whole.
HEADING_PIXELS_PER_CHARACTER = 8
HEADING_PADDING = 36


def heading_width(heading: str, at_least: int = 80) -> int:
    """The width in pixels a grid's column needs for `heading` to be read whole, and at least `at_least`."""
    return max(at_least, HEADING_PIXELS_PER_CHARACTER * len(heading) + HEADING_PADDING)


def _merged(first: dict, then: dict) -> dict:
    """Two tables' column settings in one: where both set a column, what `then` sets (not None) over `first`."""
    out = dict(first)
    for heading, config in then.items():
        if isinstance(config, dict) and isinstance(out.get(heading), dict):
            config = {**out[heading], **{k: v for k, v in config.items() if v is not None}}
        out[heading] = config
    return out


def _download_rows(frame: pd.DataFrame, also: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows a table's CSV holds: a readable() frame downloads its data, not its display text; then the columns
    `also` gives (see `table`): one of a heading the table has in that column's place, the others before the first
    such column, or after the rest."""
    raw = frame.attrs.get("download")
    rows = raw.loc[frame.index, [c for c in frame.columns if c in raw.columns]] if raw is not None else frame
    if raw is not None and frame.attrs.get("download_headings"):  # a time shown as UK time is downloaded in UTC
        rows = rows.rename(columns=frame.attrs["download_headings"])
    for heading, code in (frame.attrs.get("download_codes") or {}).items() if raw is not None else ():
        if heading in frame.columns and code in raw.columns and code not in rows.columns:
            rows = rows.assign(**{code: raw.loc[frame.index, code].to_numpy()})  # a measure's id beside its name
    if also is None:
        return rows
    if len(also) != len(rows):
        raise ValueError(f"A table of {len(rows)} rows downloads {len(also)} rows of notes.")
    columns = list(rows.columns)
    at = next((columns.index(c) for c in also.columns if c in columns), len(columns))
    new = [c for c in also.columns if c not in columns]
    order = [*columns[:at], *new, *columns[at:]]
    return rows.assign(**{c: also[c].to_numpy() for c in also.columns})[order]


def _download_button(download: bytes | None, key: str, download_name: str) -> None:
    st.download_button("Download CSV", download, file_name=download_name, mime="text/csv",
                       key=f"{key}_download", icon=":material/download:", on_click="ignore")


def sentence_table(frame: pd.DataFrame, key: str | None = None, download_name: str | None = None) -> None:
    """A table of sentences (caveats, a refused file's problems), each cell wrapped to be read whole: the grid of
    `table` cuts a cell at its column's width, about 50 letters, and a sentence could not be read there, least of all
    on a phone. Its text is made safe to show, and its CSV (`download_name`, the button keyed by `key`) made safe to
    open, as `table` makes them."""
    shown_frame, download = _table_parts(frame, _download_rows(frame) if download_name else None)
    st.table(shown_frame, hide_index=True)
    if download_name:
        _download_button(download, key or download_name, download_name)


_KEPT_BY_CONTENT: OrderedDict[tuple, object] = OrderedDict()  # what tables were made into, by what they held
_KEPT_LOCK = threading.Lock()


def _by_content(key: tuple, make: Callable[[], object]) -> object:
    """`make()`, kept under `key` (a table's digest and how it is shown) for the next page run that asks for the
    same: the least lately used dropped first."""
    with _KEPT_LOCK:
        kept = _KEPT_BY_CONTENT.get(key)
        if kept is not None:
            _KEPT_BY_CONTENT.move_to_end(key)
            return kept
    kept = make()
    with _KEPT_LOCK:
        _KEPT_BY_CONTENT[key] = kept
        while len(_KEPT_BY_CONTENT) > 256:
            _KEPT_BY_CONTENT.popitem(last=False)
    return kept


def _digest(frame: pd.DataFrame) -> tuple | None:
    """What a table holds, in a few numbers (its cells' hashes, headings and types); None when a cell cannot be
    hashed (a list), and the table is then made afresh."""
    try:
        cells = pd.util.hash_pandas_object(frame, index=True, categorize=False).to_numpy()
    except TypeError:
        return None
    return (len(frame), int(cells.sum()), int((cells * 0x9E3779B1).sum()), tuple(map(str, frame.columns)),
            tuple(map(str, frame.dtypes)))


def _table_parts(frame: pd.DataFrame, rows: pd.DataFrame | None) -> tuple[pd.DataFrame, bytes | None]:
    """The grid's frame and the download's bytes for a table, kept for tables that hold the same as one made
    before (most page runs draw the same tables again): escaping and writing CSV cost several times the hash."""
    shown_key, rows_key = _digest(frame), None if rows is None else _digest(rows)

    def make() -> tuple[pd.DataFrame, bytes | None]:
        return display_frame(frame), None if rows is None else csv_bytes(rows)

    if shown_key is None or (rows is not None and rows_key is None):
        return make()
    return _by_content(("table", shown_key, rows_key), make)


def download_stem(name: str) -> str:
    """A file's name without its extension, fit to name a download: "2015-06 arrests.xlsx" -> "2015-06-arrests"."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name.rsplit(".", 1)[0]).strip("-.") or "file"


def name_shown(name: object) -> str:
    """A file's name (or anything a file or a person wrote) as a page shows it outside Markdown: control
    characters written as their escapes, so a name cannot break a line or carry an escape sequence."""
    return shown(name, None)


def caveat_box(texts: list[str], *, label: str = "Caveats") -> None:
    """Caveats right beside the figure they qualify."""
    if not texts:
        return
    lines = "\n".join(f"- {md_escape(t)}" for t in texts)
    st.warning(f"**{label} ({len(texts)})**\n\n{lines}", icon=":material/flag:")


_CLEAR = "_pccdash_clear_after_save"  # session key: the fields of a form saved, to empty on the next run
_FIRST = "_pccdash_first_values"  # session key: those fields' values when first drawn, to set them to
_UPLOADS = "_pccdash_uploader_rounds"  # session key: each uploader's key -> how many times a save emptied it


def forget_saved() -> None:
    """Empty the fields a save just succeeded with (`act(..., clear=fields)`); called before they are drawn. Each
    field is set to what it held when first drawn (`_first_values`): set, and not only forgotten, so that the browser
    shows it empty too, where a field forgotten by the server kept its text on the screen (and sent it again with the
    next press). An uploader (`file_uploader`) is emptied by drawing it anew under its next widget key."""
    rounds = st.session_state.get(_UPLOADS, {})
    first = st.session_state.get(_FIRST, {})
    for field_key in st.session_state.pop(_CLEAR, []):
        if field_key in rounds:
            rounds[field_key] += 1
        if field_key in first:
            st.session_state[field_key] = first[field_key]
        else:
            st.session_state.pop(field_key, None)


def _first_values(keys: Iterable[str]) -> dict[str, Any]:
    """Each field's value when first drawn (its default), by its key, for the fields drawn in this session; a field
    not drawn yet, an uploader, or one whose default Streamlit does not say is left out (and then only forgotten)."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    out: dict[str, Any] = {}
    try:
        state = get_session_state()._state
        for key in keys:
            widget_id = state.get_widget_id_from_key(key)
            meta = state.get_widget_metadata(widget_id) if widget_id else None
            if meta is not None and meta.value_type != "file_uploader_state_value":
                out[key] = meta.deserializer(None)
    except Exception:  # noqa: BLE001 - Streamlit's own state, read where it lets it be read; forgotten otherwise
        return {}
    return out


def file_uploader(label: str, *, key: str, **kwargs):
    """`st.file_uploader` in a form that `act(..., clear=(key, ...))` may empty: Streamlit does not let an
    uploader's files be set through the session state, so once a save succeeds the uploader is drawn under a new
    widget key (`key` and a count of the saves that emptied it) and the files chosen go with the old one. A refused
    save keeps the key, and the files."""
    rounds = st.session_state.setdefault(_UPLOADS, {})
    return st.file_uploader(label, key=f"{key}_{rounds.setdefault(key, 0)}", **kwargs)


def form(key: str, **kwargs):
    """A form that keeps what was typed until it is saved: a refused save leaves every field as it was (a form
    cleared on submit is emptied by the browser whatever the answer), and `act(..., clear=fields)` empties the
    fields named once the save succeeds."""
    forget_saved()
    return st.form(key, clear_on_submit=False, **kwargs)


def act(fn: Callable, *args, done: str | Callable[[Any], str], icon: str = ":material/check:",
        clear: Iterable[str] = (), **kwargs) -> None:
    """Make a change through `fn(read-write connection, ...)`; say what was done and show the page anew, with
    the fields in `clear` emptied (see `form`), or say why not and leave everything typed in place (a load
    holding the warehouse, a refusal)."""
    try:
        out = data.write(fn, *args, **kwargs)
    except data.Busy as exc:
        st.error(f"Not saved: {exc} Nothing you typed is lost; press the button again in a moment.")
        return
    except PccDashError as exc:
        st.error(str(exc))
        return
    st.session_state[_CLEAR] = list(clear)
    st.session_state[_FIRST] = _first_values(clear)
    st.toast(done(out) if callable(done) else done, icon=icon)
    st.rerun()




def meeting_date_input(key: str, first_month: str):
    """The meeting date, shared by every page of a session: set on one page, it holds on the others.

    It may be any day from the first month with figures (a meeting of 2015 can be briefed again) to a
    year ahead; Streamlit's own default allows only ten years back.
    """
    import datetime as dt

    lowest = dt.date.fromisoformat(f"{first_month}-01")
    highest = settings.today() + dt.timedelta(days=366)
    if key not in st.session_state:
        st.session_state[key] = meeting()

    def keep() -> None:
        st.session_state["meeting"] = st.session_state[key]

    return st.date_input("Meeting date", key=key, on_change=keep, format="DD/MM/YYYY", min_value=lowest,
                         max_value=highest,
                         help="The reporting period is the latest complete month (and financial quarter) before "
                              "this date whose figures are accepted.")


def meeting() -> object:
    """The meeting date chosen in this session; at first the next Public Accountability Board recorded (today or
    later), or today when none is."""
    return st.session_state.get("meeting") or next_board() or settings.today()


def next_board():
    """The day of the next Public Accountability Board recorded, today or later; None when none is."""
    from pipelines import accountability as acc

    today = settings.today()
    try:
        held = [m.held_on for m in data.call(acc.meetings) or [] if m.kind == "pab" and m.held_on >= today]
    except PccDashError:  # the meetings cannot be read: the page goes on with today
        return None
    return min(held, default=None)


def reporting_period_or_stop(key: str):
    """The meeting date input and the reporting period it gives, said in words; stops when there is none."""
    from pipelines.briefing import reporting_period

    data.figures_or_stop()
    months = data.months()
    meeting = meeting_date_input(key, months[0])
    period = reporting_period(meeting, months)
    if period.month is None:
        st.info(f"No month before {meeting.day} {meeting:%B %Y} has accepted figures. Choose a later meeting date.")
        st.stop()
    st.markdown(f"**Reporting period:** {period.month_text}"
                + (f"; latest complete quarter {period.quarter_text}" if period.quarter_text else ""))
    return period


def markdown_table(headings: list[str], rows: list[list[str]], links: list[str] | None = None,
                   figure_links: list[str | None] | None = None,
                   cell_links: list[dict[int, str | None]] | None = None) -> str:
    """A table as Markdown, every cell escaped; the first column's cells link to ``links`` where given, and the
    second's (the month's figure) to ``figure_links`` (its provenance) where given and not None; ``cell_links``
    gives each row's other cells' links (column number -> address, a period's figure to its provenance)."""
    def cell(text: object) -> str:
        return md_escape(text).replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in headings) + " |", "|" + "---|" * len(headings)]
    for i, row in enumerate(rows):
        first = f"[{cell(row[0])}]({links[i]})" if links else cell(row[0])
        rest = [cell(c) for c in row[1:]]
        if figure_links and figure_links[i] and rest:
            rest[0] = f"[{rest[0]}]({figure_links[i]})"
        for column, link in (cell_links[i] if cell_links else {}).items():
            if link and 1 <= column <= len(rest):
                rest[column - 1] = f"[{rest[column - 1]}]({link})"
        out.append("| " + " | ".join([first, *rest]) + " |")
    return "\n".join(out)


def provenance_params(measure_id: str, area: str, month: object) -> dict[str, str]:
    """The query parameters that open the Provenance page on one figure (for st.page_link, st.switch_page)."""
    from pipelines.lineage import link_params

    return link_params(measure_id, area, f"{month:%Y-%m}" if hasattr(month, "strftime") else str(month)[:7])


def provenance_link(measure_id: str, area: str, month: object) -> str | None:
    """The Provenance page's address on one figure (its measure, area and month, read by that page); None for
    a measure neither the force's return reports nor its breakdowns give (police.uk context has no file and row
    to trace)."""
    from urllib.parse import urlencode

    from pipelines.lineage import PAGE

    try:
        m = catalogue().get(measure_id)
        if not (m.from_force_return or m.derived):
            return None
    except PccDashError:
        return None
    return f"{PAGE}?{urlencode(provenance_params(measure_id, area, month))}"


def run_link(measure_id: str, area: str, first: object, last: object, shown_as: str = "") -> str | None:
    """The Provenance page's address on a figure over the months `first` to `last` (month numbers, dates or
    "YYYY-MM"): a quarter, a year to date, 12 months, with the figure as the page printed it (`shown_as`), which the
    Provenance page checks against the rows it adds up. None where `provenance_link` gives none, or for a cell
    that holds no figure ("n/a")."""
    from urllib.parse import urlencode

    from pipelines.lineage import PAGE, run_link_params
    from pipelines.plan.periods import month_start

    def key(month: object) -> str:
        if isinstance(month, (int, np.integer)):
            month = month_start(int(month))
        return f"{month:%Y-%m}" if hasattr(month, "strftime") else str(month)[:7]

    if provenance_link(measure_id, area, key(last)) is None or (shown_as and not re.search(r"\d", shown_as)):
        return None
    return f"{PAGE}?{urlencode(run_link_params(measure_id, area, key(first), key(last), shown_as))}"


def provenance_column(label: str = "Source") -> Any:
    """A table column of provenance links (``provenance_link``), each read as "Trace"."""
    return st.column_config.LinkColumn(label, display_text="Trace", help="Open the figure's source: its file and "
                                       "row, the districts it adds up, its earlier values.")


def measure_link(measure_id: str, meeting: str, area: str) -> str:
    """The Measure page's address opened on one measure, area and meeting (read by ``apply_link``)."""
    from urllib.parse import urlencode

    return "measure?" + urlencode({"measure": measure_id, "area": area, "meeting": meeting})


def apply_link() -> None:
    """Take the measure, area and meeting from the page's address (a link from the overview's summary), once;
    the page's own choices then hold. Anything unknown in the address is ignored."""
    import datetime as dt

    from pipelines.catalogue import force

    params = st.query_params
    if not params:
        return
    if params.get("measure") in catalogue().ids():
        st.session_state["measure"] = params["measure"]
    f = force()
    if params.get("area") in (f.force_short_name, *f.districts):
        st.session_state["area"] = params["area"]
    try:
        st.session_state["meeting"] = dt.date.fromisoformat(params.get("meeting", ""))
    except ValueError:
        pass
    st.query_params.clear()


def measure_select(where, figs: pd.DataFrame, key: str) -> str:
    """A choice of the measures that have figures, in catalogue order, by name; the first when the one
    chosen earlier in the session has none."""
    cat = catalogue()
    present = set(figs["measure"].unique())  # once: a set made inside the comprehension was made for every id
    loaded = [m for m in cat.ids() if m in present]
    if st.session_state.get(key) not in loaded:
        st.session_state[key] = loaded[0]
    return where.selectbox("Measure", loaded, format_func=lambda m: cat.get(m).name, key=key)


def add_events(fig: go.Figure, events: list, periods: pd.DataFrame | None = None) -> go.Figure:
    """Each event (pipelines.events.Event) as a dash-dot vertical line at its date, labelled with its title at
    the top; the full text goes under the chart (`event_list`), since a label cannot hold it.

    On a chart of one bar per period (`periods`: its period labels with their start and end months) an event
    is drawn at the bar of the period it fell in.
    """
    import html

    def place(event) -> object:
        when = pd.Timestamp(event.date)
        if periods is None:
            return when
        inside = periods[(periods["start"] <= when) & (when < periods["end"] + pd.offsets.MonthBegin())]
        return None if inside.empty else inside["period"].iloc[0]

    drawn = 0
    for event in events:
        x = place(event)
        if x is None:
            continue
        fig.add_shape(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line={"color": DARK_PINK, "width": 1.5, "dash": "dashdot"})
        # Staggered down the top so that labels of events a month or two apart do not print over each other.
        fig.add_annotation(x=x, xref="x", y=1 - 0.08 * (drawn % 3), yref="paper", text=html.escape(event.title),
                           hovertext=html.escape(event.line), showarrow=False, xanchor="left", yanchor="top",
                           xshift=3, font={"size": 11, "color": DARK_PINK}, bgcolor="rgba(255,255,255,0.85)")
        drawn += 1
    if drawn:  # shapes have no legend entry: one that says what the line is and where the words are
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="Event (listed under the chart)",
                                 line={"color": DARK_PINK, "width": 1.5, "dash": "dashdot"}))
    return fig


def event_list(events: list, *, heading: str = "Events on this chart") -> None:
    """The events a chart draws, each with its date and the office's words, under the chart."""
    if events:
        st.markdown(f"**{heading}**\n\n" + "\n".join(f"- {md_escape(e.line)}" for e in events))


def chart_events(measure_id: str, start: object, end: object) -> list:
    """The events a chart of the measure from `start` to `end` draws; a broken events file is said above the
    chart, which is then drawn without them (the figures do not depend on it)."""
    from pipelines.errors import ConfigError
    from pipelines.events import events_for

    try:
        return events_for(measure_id, start, end)
    except ConfigError as exc:
        st.warning(f"The chart's events cannot be drawn: {exc} Correct the file (\"pccdash check\" lists every "
                   "problem); the chart picks it up on the next reload.", icon=":material/event_busy:")
        return []


# Column headings people read, for the columns the internal tables share; a column not named here is
# written out from its identifier ("rows_checked" -> "Rows checked").
HEADINGS = {
    "run_id": "Run", "file_id": "File number", "flag_id": "Flag", "rule_id": "Rule", "name": "File",
    "source_file": "File", "source_sheet": "Sheet", "source_row": "Row", "source_column": "Column",
    "period": "Month", "period_text": "Month (as written)", "district_text": "District (as written)",
    "measure_text": "Measure (as written)", "value_text": "Value (as written)", "batch_label": "Batch",
    "contract_id": "Contract", "contract_version": "Contract version", "rows_checked": "Rows checked",
    "checked_count": "Rows checked", "failing_count": "Failing rows", "rows_read": "Rows read",
    "figures_new": "New figures", "figures_revised": "Revised figures", "figures_unchanged": "Unchanged figures",
    "charged_counts_changed": "Charged counts changed", "size_bytes": "Size (bytes)", "sha256": "SHA-256",
    "file_type": "Type", "loaded_by": "Loaded by", "loaded_at": "Loaded", "received": "Received", "started": "Started",
    "previous_value": "Replaced value", "raised_by": "Raised by", "raised_at": "Raised",
    "resolved_by": "Resolved by", "resolved_at": "Resolved", "resolution_note": "Resolution",
    "file_name": "File", "approved_by": "Approved by", "approved_at": "Approved",
    "first_published": "First published", "blocked_by": "Blocked by", "refusals_cleared": "Refusals cleared",
    "note": "Note",
    "previous_revision": "Previous revision", "falls_within": "Falls within", "seconds": "Seconds",
}

# Columns holding a stored time (UTC; a timestamp, or text such as "2026-05-05 10:04" a query wrote), besides any
# of a timestamp type: the grid shows each as UK time in words, naming the clock ("5 May 2026 at 11:04 BST"), and
# sorts it as time; the table's download keeps the stored UTC value, under the heading with " (UTC)" after it.
TIME_COLUMNS = frozenset({"loaded_at", "received", "started", "raised_at", "resolved_at", "approved_at",
                          "first_published"})
UTC_HEADING = " (UTC)"
MEASURE_CODE = "Measure code"  # the download's heading of a measure's id, beside its name, as the public downloads


# Columns holding where a figure came from, or what a file held, as the file has it: a sheet named "cse_arrests"
# is found in the workbook under that name, and "as written" is what the force wrote, so no measure is named in them.
AS_IN_THE_FILE = frozenset({"source_file", "source_sheet", "source_column", "file", "sheet", "column", "name",
                            "file_name", "batch_label", "period_text", "district_text", "measure_text",
                            "value_text"})


def month_words(value: object) -> object:
    """A month ("2015-07", a date or a timestamp) as people write it ("July 2015"); anything else as it was."""
    import datetime as dt
    import re

    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
        value = dt.date(int(value[:4]), int(value[5:]), 1)
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return f"{value:%B %Y}"
    return value


def measure_words(text: object) -> object:
    """Every catalogue measure id in a text (a check's message, a caveat) replaced by the measure's short name."""
    return with_measure_names(text) if isinstance(text, str) else text


def measure_name(measure_id: object) -> str:
    """A measure as people name it (its short name), from its id; blank for none, the text itself if unknown."""
    if measure_id is None or (not isinstance(measure_id, str) and pd.isna(measure_id)):
        return ""
    try:
        return catalogue().get(str(measure_id)).short_name
    except (KeyError, PccDashError):
        return str(measure_id)


def readable(frame: pd.DataFrame, names: dict[str, str] | None = None, *,
             months: Iterable[str] = ("period", "month"),
             blank: str = "", decimals: dict[str, int] | None = None,
             row_decimals: dict[int, int] | None = None) -> pd.DataFrame:
    """`_readable`, kept for a frame that holds the same as one made readable before (each page run makes the
    same tables readable again): the caller gets its own copy."""
    digest = _digest(frame)
    if digest is None:
        return _readable(frame, names, months=months, blank=blank, decimals=decimals, row_decimals=row_decimals)
    key = ("readable", digest, tuple((names or {}).items()), tuple(months), blank, tuple((decimals or {}).items()),
           tuple(sorted((row_decimals or {}).items())), id(catalogue()))
    kept = _by_content(key, lambda: _readable(frame, names, months=months, blank=blank, decimals=decimals,
                                              row_decimals=row_decimals))
    out = kept.copy()
    out.attrs = {k: kept.attrs[k] for k in ("download", "download_headings", "download_codes", "column_config")
                 if k in kept.attrs}  # read by `table`
    return out


# A time as a grid shows it, in Moment.js's words: as `uk_words(..., "words")` writes it in a sentence, "6 December 2026
# at 22:10 GMT", the clock named (GMT, or BST in summer). The column holds the time itself, so it sorts as time does.
TIME_FORMAT = "D MMMM YYYY [at] HH:mm z"


def time_column(label: str | None = None, **kwargs):
    """A grid column of stored times shown as UK time in words, "6 December 2026 at 22:10 GMT" (`uk_times` makes
    its values), sorted as times."""
    return st.column_config.DatetimeColumn(label, format=TIME_FORMAT, timezone=str(UK), **kwargs)


# A day as a grid shows it, as `uk_day_words` writes it in a sentence: "16 March 2028". The column holds the date
# itself, so it sorts as days do, where words sorted "1 April" before "16 March".
DAY_FORMAT = "D MMMM YYYY"


def day_column(label: str | None = None, **kwargs):
    """A grid column of dates shown in words, "16 March 2028", sorted as dates."""
    return st.column_config.DateColumn(label, format=DAY_FORMAT, **kwargs)


def uk_times(values: Iterable) -> pd.Series | None:
    """Stored times (UTC: timestamps, or text such as "2026-05-05 10:04" a query wrote) as UK times, for a grid's
    `time_column`; None if a value is neither a time nor blank (the column is then not one of times)."""
    out, seen = [], {}  # worked out once a distinct value: a table's times are mostly a few files' or runs'
    for v in values:
        try:
            local = seen[v] if v in seen else seen.setdefault(v, uk_time(v))
        except TypeError:  # a value that cannot be hashed
            local = uk_time(v)
        if local is None and not (v is None or v is pd.NaT or v is pd.NA or (isinstance(v, str) and not v.strip())
                                  or (isinstance(v, float) and pd.isna(v))):
            return None
        out.append(local)
    return pd.Series(pd.to_datetime(out, utc=True), dtype="datetime64[ns, UTC]").dt.tz_convert(str(UK))


def _readable(frame: pd.DataFrame, names: dict[str, str] | None = None, *,
              months: Iterable[str] = ("period", "month"),
              blank: str = "", decimals: dict[str, int] | None = None,
              row_decimals: dict[int, int] | None = None) -> pd.DataFrame:
    """A frame as people read it: headings in words (`names`, then HEADINGS, a measure's short name for a
    column named by its id, then the identifier written out),
    measure names for measure ids (in a "measure" column and inside any text but what a file holds, AS_IN_THE_FILE),
    `months` as "July 2015", stored (UTC) times (TIME_COLUMNS and timestamps) as UK times that `table` shows in words
    naming the clock (`time_column`, kept in the frame's attrs "column_config"),
    Yes/No for true/false, counts with thousands separators, and `blank` for a missing value (never "None",
    "nan" or "NaT"). A column `decimals` names is written with that many places in every row (a share rounded to
    one place reads "66.0" beside "68.1", not "66"), and every number of a row `row_decimals` names by its position
    (a table with a measure a row: a share's row to one place, a count's whole); any other number as many as it
    has."""
    ids = {m.id: m.short_name for m in catalogue().measures}
    named = measure_namer()
    out = pd.DataFrame(index=frame.index)
    timed: list[int] = []  # the positions of the time columns, whose download heading says UTC
    measured: list[int] = []  # the position of a column of measure ids, downloaded as names with the ids beside
    for col in frame.columns:
        values = frame[col]
        times = (uk_times(values) if col not in months and (col in TIME_COLUMNS
                                                            or pd.api.types.is_datetime64_any_dtype(values)) else None)
        is_time = times is not None and times.notna().any()  # not a column of days in words a page made of the times
        if is_time:
            timed.append(len(out.columns))
            values = times.set_axis(frame.index)
        elif col in months:
            values = values.map(month_words)
        elif values.dtype == object and values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                                                   or v is None or v is pd.NA).all() and values.notna().any():
            values = pd.to_numeric(values)  # numbers from a frame put together of empty and full parts
        if pd.api.types.is_bool_dtype(values) or (values.dtype == object and values.map(
                lambda v: isinstance(v, bool) or v is None or (isinstance(v, float) and pd.isna(v))).all()
                and values.map(lambda v: isinstance(v, bool)).any()):
            values = values.map(lambda v: blank if pd.isna(v) else "Yes" if v else "No")
        elif pd.api.types.is_numeric_dtype(values):
            # a number that names something (a run, a row, a revision) is written without separators
            sep = "" if str(col).endswith(("_id", "row", "revision", "version")) else ","
            whole = values.dropna().map(lambda v: float(v).is_integer()).all()
            places = (decimals or {}).get(col)
            by_row = {} if places is not None else row_decimals or {}

            def written(v, at: int, sep=sep, whole=whole, places=places, by_row=by_row) -> str:
                if pd.isna(v):
                    return blank
                dp = by_row.get(at, places)
                # a typographic minus: a cell starting with a hyphen is taken for a formula, and neutralised
                return (f"{v:{sep}.{dp}f}" if dp is not None else format(int(v), sep) if whole
                        else f"{v:{sep}.10g}").replace("-", "\u2212")

            values = pd.Series([written(v, at) for at, v in enumerate(values)], index=values.index, dtype=object)
        elif is_time:
            pass
        else:
            values = values.map(lambda v: blank if v is None or (not isinstance(v, (str, list, tuple, dict))
                                                                and pd.isna(v)) else v)
            if col == "measure":
                values = values.map(lambda v: ids.get(v, v) if isinstance(v, str) else v)
                measured.append(len(out.columns))
            elif col == "period_type":  # "rolling_12_months" as the public pages name it; the download keeps the code
                values = values.map(lambda v: PERIOD_TYPE_WORDS.get(v, v) if isinstance(v, str) else v)
            elif col in AS_IN_THE_FILE:
                pass
            else:  # each distinct text once
                texts = {v: named(v) for v in values.unique() if isinstance(v, str)}
                values = values.map(lambda v, texts=texts: texts.get(v, v) if isinstance(v, str) else v)
        # an identifier written out with its first letter a capital, the rest as it is: a district's name as a
        # heading ("Birmingham East") keeps its capitals, where str.capitalize made it "Birmingham east"
        written = str(col).replace("_", " ").strip()
        heading = ((names or {}).get(col) or HEADINGS.get(col) or ids.get(col) or written[:1].upper() + written[1:])
        while heading in out.columns:  # two columns of one name would hide one of them
            heading += " "
        out[heading] = values
    # What the table's download gives: the same headings, the values as data (numbers a spreadsheet can add
    # up, ISO months and dates, stored times in UTC), not the text the grid shows; `table` writes a time column's
    # heading with " (UTC)" after it. A measure is named there as the grid names it, and its id is given beside it,
    # last, under "Measure code", as the public downloads give it.
    download = frame.set_axis(list(out.columns), axis=1)
    codes: dict[str, str] = {}
    if measured and MEASURE_CODE not in out.columns:
        i = measured[0]
        download = download.copy()
        download.isetitem(i, frame.iloc[:, i].map(lambda v: ids.get(v, v) if isinstance(v, str) else v))
        download[MEASURE_CODE] = frame.iloc[:, i].to_numpy()
        codes[out.columns[i]] = MEASURE_CODE
    out.attrs["download"] = download
    out.attrs["download_headings"] = {out.columns[i]: out.columns[i].rstrip() + UTC_HEADING for i in timed}
    out.attrs["download_codes"] = codes
    out.attrs["column_config"] = {out.columns[i]: time_column() for i in timed}
    return out
