"""A chart's words: its title as plotly draws it on a page that may be read on a phone (plotly never wraps a title,
so a measure's long name ran past the chart's right edge at a phone's width, and a tablet's, cut mid-word), and the
name a screen reader announces for it (a chart is a picture, WCAG 1.1.1: without a name it is "graphic", or the
ticks of its axes read out one by one)."""

from __future__ import annotations

import html
import textwrap

TITLE_CHARS = 44  # letters a line of a title holds within a chart on a phone (about 360 pixels wide)
TITLE_SIZE = 15  # the title's font, as the public charts draw theirs
LINE_PX = 20  # the height each line after the first adds above the plot
TOP = 50  # a chart's top margin for a title of one line


def spoken(title: object) -> str:
    """The name a screen reader announces for a chart: its title (the measure, the area, how it is counted), in one
    line. What the chart shows is said once, in the sentence under it, which the reader reads next."""
    return " ".join(str(title).split())


def title_lines(text: object, width: int = TITLE_CHARS) -> list[str]:
    """The title's lines, broken between words (a word longer than a line is kept whole)."""
    return textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False) or [""]


def set_title(fig, text: object, *, width: int = TITLE_CHARS):
    """Give `fig` the title `text`, wrapped between words, and the top margin its lines need; `fig`."""
    lines = title_lines(text, width)
    top = fig.layout.margin.t if fig.layout.margin.t is not None else TOP
    # held at the top of the chart, so that what is drawn just above the plot (a label of the limits recalculated)
    # stays below its last line however many lines it has
    fig.update_layout(title={"text": "<br>".join(html.escape(line) for line in lines), "font": {"size": TITLE_SIZE},
                             "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10}},
                      margin={"t": top + LINE_PX * (len(lines) - 1)})
    return fig
