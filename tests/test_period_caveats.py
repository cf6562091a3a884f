"""A quarter, year-to-date or 12-month figure sums earlier months, so it carries their open flags: the briefing
pack and the overview page say them under the measure, naming the month, the district and the figures that include
it, as the Measure page's quarterly table marks the quarter. An earlier month's data-check warnings were read when
that month was reported: only the reporting month's are said."""

from __future__ import annotations

import datetime as dt

import pypdf
import pytest
from dashboard_helpers import ANALYST, PCC, copy_warehouse, internal, texts

from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.flags import raise_flag

MEETING = dt.date(2015, 8, 20)  # reporting month July 2015; latest complete quarter Q1 2015/16 (April to June)
IN_QUARTER = ("CSE charges for Rotherham in May 2015, in the figures for Q1 2015/16, 2015/16 to date and the 12 "
              "months to July 2015: Two charges counted twice")
IN_YEAR_BEFORE = ("CSE charges for Doncaster in March 2014, in the 12 months to July 2014 that the change is measured "
                  "against: A charge recorded in the wrong month")


@pytest.fixture
def wh(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Two charges counted twice", period="2015-05",
                   district="Rotherham", measure="cse_charges")
        raise_flag(con, ANALYST, scope="figure", reason="A charge recorded in the wrong month", period="2014-03",
                   district="Doncaster", measure="cse_charges")
        # before the 12 months the change compares with, and after the reporting month: in no figure of the pack
        raise_flag(con, ANALYST, scope="figure", reason="Too early to count", period="2013-06",
                   district="Rotherham", measure="cse_charges")
        raise_flag(con, ANALYST, scope="figure", reason="Too late to count", period="2015-08",
                   district="Rotherham", measure="cse_charges")
        raise_flag(con, ANALYST, scope="district_month", reason="The return came in late", period="2015-04",
                   district="Sheffield")
    return db


def caveats_of(pack, measure_id: str) -> list[str]:
    return next(m for m in pack.measures if m.measure_id == measure_id).caveats


def test_the_pack_says_the_flags_on_the_months_its_period_figures_sum(wh, tmp_path, run_cli):
    with warehouse.connect_read_only(wh) as con:
        pack = build_pack(con, MEETING, "tester")
    charges = caveats_of(pack, "cse_charges")
    assert [c for c in charges if "counted twice" in c] == [next(c for c in charges if c.startswith(IN_QUARTER))]
    assert any(c.startswith(IN_YEAR_BEFORE) for c in charges)
    assert not any("Too early" in c or "Too late" in c for m in pack.measures for c in m.caveats)
    assert not any("counted twice" in c for m in pack.measures if m.measure_id != "cse_charges" for c in m.caveats)
    checks = [c for m in pack.measures for c in m.caveats if c.startswith("Data check")]
    assert not any("; in the figure" in c or "measured against" in c for c in checks), checks
    # a district's earlier month touches every measure's period figures: said once, before any measure
    late = [c for c in pack.caveats if "came in late" in c]
    assert late == [next(c for c in pack.caveats if c.startswith(
        "On every figure for Sheffield in April 2015, and every figure of this briefing that includes that month: "
        "The return came in late"))]
    assert not any("came in late" in c for m in pack.measures for c in m.caveats)

    result = run_cli("pack", "--as", "analyst@example.org", "--db", wh, "--meeting", MEETING.isoformat(),
                     "--out", tmp_path / "packs")
    assert result.exit_code == 0, result.output
    pdf = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(
        tmp_path / "packs" / "pab-briefing-2015-08-20.pdf").pages).split())
    html = " ".join((tmp_path / "packs" / "pab-briefing-2015-08-20.html").read_text(encoding="utf-8").split())
    for text in (pdf, html):
        assert IN_QUARTER in text and IN_YEAR_BEFORE in text
        assert "On every figure for Sheffield in April 2015" in text
        assert "Too early" not in text and "Too late" not in text


def test_the_overview_says_the_flags_on_the_months_its_period_figures_sum(monkeypatch, wh):
    at = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(MEETING).run()
    shown = texts(at)
    for priority in [o.content for o in at.button_group(key="priority").proto.options]:
        at.button_group(key="priority").set_value(priority).run()
        shown += texts(at)
    assert not at.exception
    assert IN_QUARTER in shown and IN_YEAR_BEFORE in shown
    assert "On every figure for Sheffield in April 2015, and every figure of this briefing" in shown
    assert "Too early" not in shown and "Too late" not in shown
