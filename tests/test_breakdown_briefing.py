"""The briefing for the last month of the sample carries the completeness of the suspects' ethnicity (a breakdown's
share recorded) against the plan's aspiration, with its SPC status, in the pack and on the overview; the figure is
the one an independent count of the return gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.briefing.render import render_html
from pipelines.catalogue import catalogue, dimensions
from tests.dashboard_helpers import internal

pytestmark = pytest.mark.slow

MEETING = dt.date(2026, 4, 16)  # reports on March 2026, the sample's last month
MEASURE = "cse_suspects_identified__suspect_ethnicity_completeness"
RETURN = Path(__file__).resolve().parent.parent / "pipelines" / "sample" / "returns" / "2025-26-cse-return.xlsx"


def counted_from_the_return(month: str) -> dict[str, tuple[int, int]]:
    """district -> (suspects identified, of them with their ethnicity recorded), read from the sample's own
    workbook row by row: the figure, and every category but those dimensions.yaml says are not recorded."""
    unrecorded = {v.label.lower() for v in dimensions().get("suspect_ethnicity").values if not v.recorded}
    sheet = openpyxl.load_workbook(RETURN, read_only=True)["Return"]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip().lower() if c is not None else "" for c in next(rows)]
    at = {name: i for i, name in enumerate(header)}
    other_dimensions = [i for name, i in at.items()
                        if name not in ("period", "district", "measure", "value", "note", "suspect_ethnicity")]
    out: dict[str, list[int]] = {}
    for row in rows:
        if str(row[at["period"]])[:7] != month or row[at["measure"]] != "cse_suspects_identified":
            continue
        counts = out.setdefault(row[at["district"]], [0, 0])
        category = row[at["suspect_ethnicity"]]
        if category is None and not any(row[i] for i in other_dimensions):  # the figure itself
            counts[0] += int(row[at["value"]])
        elif category is not None and str(category).strip().lower() not in unrecorded:
            counts[1] += int(row[at["value"]])
    return {d: (total, recorded) for d, (total, recorded) in out.items()}


@pytest.fixture(scope="module")
def pack(sample_db):
    with warehouse.connect_read_only(sample_db) as con:
        return build_pack(con, MEETING, "analyst@example.org")


def test_the_pack_judges_suspect_ethnicity_recorded_against_the_plans_aspiration(pack):
    assert pack.period_label == "March 2026"
    m = next(m for m in pack.measures if m.measure_id == MEASURE)
    assert "90" in m.aspiration
    # an SPC status in words, and the aspiration's assurance beside it
    assert any(w in m.sentence for w in ("expected range", "process limit", "in a row", "significant"))
    assert any(w in m.sentence for w in ("meet", "miss", "aspiration"))
    assert m.chart is not None and m.chart.target == pytest.approx(90.0)
    assert len(m.chart.frame) == 36, "a point for each month from April 2023, when the breakdown began"

    counted = counted_from_the_return("2026-03")
    total = sum(t for t, _ in counted.values())
    recorded = sum(r for _, r in counted.values())
    assert m.force_row.month == f"{100 * recorded / total:.1f}%"
    for row in m.rows[1:]:
        t, r = counted[row.area]
        assert row.month == f"{100 * r / t:.1f}%"
    html = render_html(pack)
    assert html.count(catalogue().get(MEASURE).name) >= 1, html[:300]


def test_the_overview_shows_it_with_its_status(monkeypatch, sample_db, tmp_path):
    from tests.dashboard_helpers import copy_warehouse, texts

    at = internal(monkeypatch, copy_warehouse(sample_db, tmp_path), "internal_pages/briefing.py")
    assert not at.exception
    shown = texts(at)
    assert catalogue().get(MEASURE).short_name in shown or catalogue().get(MEASURE).name in shown
