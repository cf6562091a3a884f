"""The overview's figures show their change on the same month last year; no change is said without an arrow or a
colour, so that "+0" never reads as a rise."""

from __future__ import annotations

import datetime as dt
import re

from dashboard_helpers import internal
from streamlit.proto.Metric_pb2 import Metric


def no_change(delta: str) -> bool:
    """A change that shows as zero ("+0", "+0 (+0.0%)", "+0.0 pts")."""
    return not re.search(r"[1-9]", delta.split(" (")[0])


def test_a_figure_unchanged_on_last_year_shows_no_arrow_and_no_colour(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2015, 8, 20)).run()
    seen = []
    for priority in at.button_group(key="priority").proto.options:
        at.button_group(key="priority").set_value(priority.content).run()
        seen += [m.proto for m in at.metric if m.proto.delta]
    flat = [m for m in seen if no_change(m.delta)]
    moved = [m for m in seen if not no_change(m.delta)]
    assert flat and moved, [m.delta for m in seen]  # the sample has both
    for m in flat:
        assert m.direction == Metric.MetricDirection.NONE and m.color == Metric.MetricColor.GRAY, (m.label, m.delta)
    for m in moved:  # a real change keeps its arrow
        assert m.direction != Metric.MetricDirection.NONE, (m.label, m.delta)
