"""Pieces of the public pages: the banner, the nothing-published state, plain sentences and accessible charts."""

from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import public_data
from pipelines import public

BLUE, GREY = "#12436D", "#3D3D3D"
DEFAULT_BANNER = public.MANAGEMENT_INFORMATION


def header() -> dict[str, str]:
    """The banner every public page opens with; stops the page when nothing has been published."""
    meta = public_data.meta()
    st.info(meta.get("banner", DEFAULT_BANNER), icon=":material/info:")
    if not meta:
        st.header("Nothing published yet")
        st.write("No figures have been published yet. Figures appear here once the Commissioner's office has "
                 "approved and published them.")
        st.stop()
    return meta


def number(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"


def month_text(period: str) -> str:
    return pd.Timestamp(f"{period}-01").strftime("%B %Y") if re.fullmatch(r"\d{4}-\d{2}", period) else period


def trend_sentence(name: str, area: str, series: pd.DataFrame) -> str:
    """What the chart shows, in words, for a reader who cannot see it."""
    shown = series[~series["suppressed"]]
    if series.empty:
        return f"No figures for {name.lower()} have been published."
    first, last = month_text(series["period"].iloc[0]), month_text(series["period"].iloc[-1])
    text = f"{name}, {area}, each month from {first} to {last}. "
    if shown.empty:
        return text + "Every month is too small a number to publish."
    lo, hi = shown.loc[shown["value"].idxmin()], shown.loc[shown["value"].idxmax()]
    text += (f"The lowest published month was {month_text(lo['period'])} ({number(lo['value'])}) and the highest "
             f"{month_text(hi['period'])} ({number(hi['value'])}).")
    latest = series.iloc[-1]
    text += (f" In {last} it was {latest['display']}." if not latest["suppressed"]
             else f" The figure for {last} is too small to publish.")
    hidden = int(series["suppressed"].sum())
    if hidden:
        text += f" {hidden} month(s) are not shown to protect privacy."
    return text


def trend_chart(series: pd.DataFrame, name: str, unit: str) -> go.Figure:
    fig = go.Figure(go.Scatter(
        x=pd.to_datetime(series["period"] + "-01"), y=series["value"], mode="lines+markers", name=unit.capitalize(),
        line={"color": BLUE, "width": 2.5}, marker={"size": 7, "color": BLUE, "symbol": "circle"},
        connectgaps=False, hovertemplate="%{x|%B %Y}: %{y}<extra></extra>"))
    fig.update_layout(title={"text": name, "font": {"size": 15}}, height=320, plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, yaxis_title=unit.capitalize(), xaxis_title="Month",
                      font={"color": GREY}, showlegend=False)
    fig.update_xaxes(showline=True, linecolor=GREY, gridcolor="#E5E5E5")
    fig.update_yaxes(showline=True, linecolor=GREY, gridcolor="#E5E5E5", rangemode="tozero")
    return fig


def small(text: str) -> None:
    """Small print in the body's colour: st.caption's faded grey is 3.9:1 on white, under WCAG 1.4.3's 4.5:1."""
    if text:
        st.markdown(":small[" + text.replace("[", "\\[").replace("]", "\\]") + "]")


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
