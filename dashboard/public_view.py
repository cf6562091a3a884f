"""Pieces of the public pages: the banner, the nothing-published state, plain sentences and accessible charts."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import public_data
from pipelines import public

BLUE, GREY, EVENT = "#12436D", "#3D3D3D", "#801650"
DEFAULT_BANNER = public.MANAGEMENT_INFORMATION


def banner(meta: dict[str, str]) -> None:
    """The banner every public page opens with: the snapshot's own words (an earlier snapshot's as published), and
    the link to the Methodology page's section saying what management information is."""
    from dashboard import public_render
    from pipelines.publish.pages import banner_notice

    public_render.notice(banner_notice(meta.get("banner") or DEFAULT_BANNER))


number = public.number
month_text = public.month_text
trend_sentence = public.trend_sentence  # one wording for the pages and the publishing preview


def with_gaps(series: pd.DataFrame) -> pd.DataFrame:
    """Every month from the first published to the last, unpublished ones empty, so a chart never joins
    published months across months the public has not been given."""
    if series.empty:
        return series
    months = pd.period_range(series["period"].min(), series["period"].max(), freq="M").strftime("%Y-%m")
    return pd.DataFrame({"period": months}).merge(series, on="period", how="left")


def published_events(events: pd.DataFrame | None, series: pd.DataFrame) -> pd.DataFrame:
    """The events that fall in a published month of the series (never one in a gap the public has not been given)."""
    if events is None or events.empty or series.empty:
        return pd.DataFrame(columns=["date", "month", "title", "line"])
    return events[events["month"].isin(set(series["period"]))]


def trend_chart(series: pd.DataFrame, name: str, unit: str, events: pd.DataFrame | None = None) -> go.Figure:
    """The published months as a line, gaps left as gaps, and each published event as a labelled dated line."""
    events = published_events(events, series)
    series = with_gaps(series)
    fig = go.Figure(go.Scatter(
        x=pd.to_datetime(series["period"] + "-01"), y=series["value"], mode="lines+markers", name=unit.capitalize(),
        line={"color": BLUE, "width": 2.5}, marker={"size": 7, "color": BLUE, "symbol": "circle"},
        connectgaps=False, hovertemplate="%{x|%B %Y}: %{y}<extra></extra>"))
    fig.update_layout(title={"text": name, "font": {"size": 15}}, height=320, plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, yaxis_title=unit.capitalize(), xaxis_title="Month",
                      font={"color": GREY}, showlegend=False)
    fig.update_xaxes(showline=True, linecolor=GREY, gridcolor="#E5E5E5")
    fig.update_yaxes(showline=True, linecolor=GREY, gridcolor="#E5E5E5", rangemode="tozero")
    for i, event in enumerate(events.itertuples()):
        when = pd.Timestamp(event.date)
        fig.add_shape(type="line", xref="x", yref="paper", x0=when, x1=when, y0=0, y1=1,
                      line={"color": EVENT, "width": 1.5, "dash": "dashdot"})
        # Staggered down from the top, so that labels of events a month or two apart stay readable.
        fig.add_annotation(x=when, xref="x", y=1 - 0.1 * (i % 3), yref="paper", text=html.escape(event.title),
                           showarrow=False, xanchor="left", yanchor="top", xshift=3,
                           font={"size": 11, "color": EVENT}, bgcolor="rgba(255,255,255,0.85)")
    return fig


def event_list(events: pd.DataFrame, series: pd.DataFrame) -> None:
    """The published events a chart draws, listed under it in the office's words."""
    shown = published_events(events, series)
    if not shown.empty:
        st.markdown("**Events on this chart**\n\n" + "\n".join(f"- {plain(line)}" for line in shown["line"]))


def withdrawal_notices() -> None:
    """Each publication withdrawn, with its reason, as the office gave it to the public."""
    for row in public_data.withdrawals().to_dict("records"):
        st.markdown("- " + plain(public.withdrawal_notice(row)))


def plain(text: str) -> str:
    """Text the office typed, shown as itself in Markdown: no link, image, emphasis or icon from it."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~$:" else ch for ch in str(text))


def small(text: str) -> None:
    """Small print in the body's colour: st.caption's faded grey is 3.9:1 on white, under WCAG 1.4.3's 4.5:1."""
    if text:
        st.markdown(":small[" + plain(text) + "]")


def footnote(meta: dict[str, str]) -> None:
    small(meta.get("footnote", ""))


def period_picker(prefix: str = "") -> tuple[str, str]:
    """The kind of period and a published period of that kind; stops when none of that kind is published."""
    c1, c2 = st.columns(2)
    ptype = c1.selectbox("Period", list(public_data.PERIOD_TYPES), format_func=public_data.PERIOD_TYPES.get,
                         key=f"{prefix}period_type")
    choices = public_data.periods(ptype)
    if not choices:
        st.info(f"No {public_data.PERIOD_TYPES[ptype].lower()} has been published in full yet. Choose months.")
        st.stop()
    return ptype, c2.selectbox(public_data.PERIOD_TYPES[ptype], choices, format_func=month_text,
                               key=f"{prefix}period")


def signpost(district: str | None = None, here: str = "") -> None:
    """How to report a concern about a child, and where to get support: the box near the top of every page (on
    the page `here`, without its link to that page)."""
    if public_data.has("pipelines.publish.info.signpost"):
        from dashboard import failsafe, public_render

        try:
            found = public_data.page("pipelines.publish.info.signpost", *((district,) if district else ()))
        except Exception as exc:  # noqa: BLE001 -- the page goes on (the form to ask a question, say) without it
            failsafe.log_public(exc)
            st.warning("In an emergency, or if a child is in danger now, call 999.", icon=":material/emergency:")
            return
        if found is not None:
            public_render.draw(found.on_page(here) if here else found)


def show(page, *, district: str | None = None, after_title=None) -> None:
    """A page of the public side: its title, the signpost to report a concern, then its blocks
    (`after_title`, if given, draws the page's own controls between the signpost and the blocks)."""
    from dashboard import public_render

    st.title(plain(page.title), anchor=False)
    signpost(district, page.slug)
    if after_title is not None:
        after_title()
    public_render.render(page, title=False)


def info(slug: str) -> None:
    """An information page (definitions, methodology, release calendar, licence, contact, accessibility, report a
    concern), as `pipelines.publish.info.pages` says it; a sentence when this installation does not have it."""
    found = public_data.info_page(slug)
    if found is None:
        st.title("Page not available", anchor=False)
        signpost()
        st.write("This page is not available yet. The published figures are on the Summary page.")
        return
    show(found)
