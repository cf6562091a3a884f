"""A chart's title fits a phone's width: plotly never wraps a title, so one longer than the chart ran past its
right edge, cut mid-word (a measure's name with its area and view, on the Measure page; a breakdown's; a funnel's)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import pytest

from pipelines.catalogue import catalogue, force
from pipelines.chart_text import LINE_PX, TITLE_CHARS, TOP, set_title, title_lines


def lines_of(fig: go.Figure) -> list[str]:
    return [html.unescape(line) for line in fig.layout.title.text.split("<br>")]


def test_a_long_title_is_broken_between_words_into_lines_that_fit_a_phone():
    text = ("CSE suspects whose investigation ended with no further action, with their reason for no further action "
            "recorded, Rotherham, rolling 12 months")
    fig = set_title(go.Figure(), text)
    lines = lines_of(fig)
    assert len(lines) > 1 and all(len(line) <= TITLE_CHARS for line in lines), lines
    assert " ".join(lines) == text  # every word kept, in order
    assert fig.layout.margin.t == TOP + LINE_PX * (len(lines) - 1)  # room above the plot for every line


def test_a_short_title_stays_on_one_line_and_is_drawn_as_text():
    fig = set_title(go.Figure(), "Arrests & charges <by month>")
    assert fig.layout.title.text == "Arrests &amp; charges &lt;by month&gt;"
    assert fig.layout.margin.t == TOP


def test_a_word_longer_than_a_line_is_kept_whole():
    assert title_lines("x" * 60 + " y") == ["x" * 60, "y"]


def test_the_top_margin_grows_from_the_one_the_chart_had():
    fig = go.Figure(layout={"margin": {"t": 70}})
    assert set_title(fig, "word " * 20).layout.margin.t == 70 + LINE_PX * (len(title_lines("word " * 20)) - 1)


@pytest.mark.parametrize("measure", [m for m in catalogue().measures], ids=lambda m: m.id)
def test_every_measures_chart_title_on_the_measure_page_fits_a_phone(measure):
    from dashboard import ui

    frame = pd.DataFrame({"period": pd.to_datetime(["2025-01-01", "2025-02-01"]), "value": [1.0, 2.0],
                          "mean": [1.5, 1.5], "upper": [3.0, 3.0], "lower": [0.0, 0.0], "special_cause": [False, False],
                          "point_type": ["common", "common"]})
    longest = max([force().force_short_name, *force().districts], key=len)
    fig = ui.xmr_chart(frame, f"{measure.name}, {longest}, by financial quarter", measure.unit)
    assert all(len(line) <= TITLE_CHARS for line in lines_of(fig)), lines_of(fig)
