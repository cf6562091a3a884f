"""The public charts' hidden months, drawn by plotly in a real browser: each hatched band's marker shows only where
it fits, so that markers side by side never print over each other."""

from __future__ import annotations

import plotly.io as pio
import pytest

from dashboard.public_render import figure
from pipelines.publish.content import Chart, ChartPoint, Table

# the titles of the charts on the page whose bar labels overlap
OVERLAPPING_LABELS = """() => [...document.querySelectorAll('.plotly-graph-div')].flatMap(chart => {
    const boxes = [...chart.querySelectorAll('.barlayer text')].filter(t => t.textContent.trim())
        .map(t => t.getBoundingClientRect());
    const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5
        && b.top < a.bottom - 0.5;
    return boxes.some((a, i) => boxes.slice(i + 1).some(b => overlap(a, b)))
        ? [chart.querySelector('.gtitle') ? chart.querySelector('.gtitle').textContent : '(untitled)'] : [];
})"""


def months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def chart(published: list[str], hidden: set[str]) -> Chart:
    """A count published over `published` (the months between not published), `hidden` of them suppressed."""
    every = months(published[0], published[-1])
    points = tuple(ChartPoint(p, None, "suppressed", "[c]") if p in hidden else
                   ChartPoint(p, 30.0 + i % 7, "published", str(30 + i % 7)) if p in published else
                   ChartPoint(p, None, "not published") for i, p in enumerate(every))
    return Chart("CSE arrests", "people", True, points, "", Table("CSE arrests", ("Month", "People"), ()))


# As an office publishes after a year: the first months it published, then a year of recent ones, many hidden.
EARLY, RECENT = months("2014-04", "2015-07"), months("2025-04", "2026-06")
LONG = chart(EARLY + RECENT, {"2014-04", "2014-05", "2014-06", "2014-08", *RECENT[::2], *RECENT[1:4]})
SHORT = chart(EARLY, {"2014-04", "2014-06", "2015-01"})  # a year and a bit: room for every marker


@pytest.mark.parametrize("width", [700, 340], ids=["desktop", "phone"])
@pytest.mark.parametrize("block", [LONG, SHORT], ids=["twelve-years", "sixteen-months"])
def test_hidden_months_markers_never_print_over_each_other(browser, width, block):
    page = browser.new_page(viewport={"width": width, "height": 500})
    try:
        page.set_content(pio.to_html(figure(block), include_plotlyjs=True, full_html=True,
                                     default_width=f"{width - 20}px", default_height="340px"))
        page.wait_for_selector(".barlayer .trace")
        assert page.evaluate(OVERLAPPING_LABELS) == []
        if block is SHORT and width == 700:  # where there is room, every hidden month says so
            shown = [t for t in page.locator(".barlayer text").all_text_contents() if t.strip()]
            assert shown == ["[c]"] * sum(p.status == "suppressed" for p in block.points)
    finally:
        page.close()
