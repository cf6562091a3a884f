"""The briefing speaks in the periods the office uses: for a meeting, every measure's month, latest quarter, year
to date and rolling 12 months (against the 12 before), for the force and each district, on the overview and in
the pack; nothing after the reporting month shows, and a period with months missing says so."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from pypdf import PdfReader

from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.briefing.render import render_html, render_pdf
from pipelines.briefing.tables import area_table, summary_table
from tests.dashboard_helpers import internal, texts

MEETING = dt.date(2015, 8, 20)
# What South Yorkshire Police said in August 2015 of the 12 months to July 2015 (the sample matches them)
FORCE = {"cse_arrests": "460", "grooming_arrests": "76", "cse_charges": "54", "cse_live_investigations": "155"}
ROTHERHAM = {"cse_charges": "22", "cse_live_investigations": "46"}

pytestmark = pytest.mark.slow


def _numbers(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def pack(sample_db):
    with warehouse.connect_read_only(sample_db) as con:
        return build_pack(con, MEETING, "analyst@example.org")


def test_the_pack_model_has_the_force_s_headline_figures_for_the_12_months_to_july_2015(pack):
    headings, rows = summary_table(pack)
    assert headings[1:6] == ["July 2015", "Q1 2015/16", "2015/16 to date (April to July)", "12 months to July 2015",
                             "Change on the 12 months before"]
    by_measure = {m.measure_id: m for m in pack.measures}
    for measure_id, figure in FORCE.items():
        assert by_measure[measure_id].force_row.rolling12 == figure
    # a stock's period figure is its month-end level, not a sum of twelve months
    live = by_measure["cse_live_investigations"].force_row
    assert live.month == live.fytd == live.rolling12 == "155"
    for measure_id, figure in ROTHERHAM.items():
        rotherham = next(r for r in by_measure[measure_id].rows if r.area == "Rotherham")
        assert rotherham.rolling12 == figure
    # and the percentage is rebuilt from its parts, not summed
    assert by_measure["officers_trained_pct"].force_row.rolling12.endswith("%")


def test_the_pdf_and_html_packs_lead_with_the_headline_figures(pack):
    pdf = PdfReader(io.BytesIO(render_pdf(pack)))
    summary_page = _numbers(pdf.pages[1].extract_text())
    assert "Summary" in summary_page
    for figure in FORCE.values():
        assert re.search(rf"(?<![\d,]){figure}(?![\d,])", summary_page), figure
    everything = _numbers("\n".join(p.extract_text(extraction_mode="layout") for p in pdf.pages))
    rotherham_lines = [line.strip() for line in everything.splitlines() if line.strip().startswith("Rotherham ")]
    assert any(" 22 " in f" {line} " for line in rotherham_lines)
    assert any(" 46 " in f" {line} " for line in rotherham_lines)

    page = _numbers(render_html(pack))
    summary = page[page.index('id="summary-h"'):page.index('aria-labelledby="contents-h"')]
    summary = re.sub(r'<a [^>]*>|</a>', "", summary)  # a figure's cell links to its rows
    for figure in FORCE.values():
        assert f"<td>{figure}</td>" in summary
    for measure_id, figure in ROTHERHAM.items():
        m = next(m for m in pack.measures if m.measure_id == measure_id)
        _, rows = area_table(pack, m)
        assert next(r for r in rows if r[0] == "Rotherham")[4] == figure
        assert '<th scope="row">Rotherham</th>' in page


def test_every_aspiration_is_stated_and_drawn_in_the_pack(pack):
    charges = next(m for m in pack.measures if m.measure_id == "cse_charges")
    assert charges.aspiration.startswith("At least 21 people in any 12 months (+10% on the 19 in 2013/14)")
    assert "12 months to July 2015: 54, met" in charges.aspiration
    for m in pack.measures:
        if m.aspiration and m.chart is not None:
            assert m.chart.target is not None and m.chart.target_label.startswith("Aspiration"), m.measure_id
            from pipelines.briefing.render import xmr_figure

            legend = [t.get_text() for t in xmr_figure(m.chart).legends[0].get_texts()]
            assert m.chart.target_label in legend
    # no aspiration, no line
    assert all(m.chart.target is None for m in pack.measures if not m.aspiration and m.chart is not None)


def test_the_overview_leads_with_the_summary_and_districts_are_a_click_away(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Summary"
    summary = _numbers(at.markdown[[i for i, m in enumerate(at.markdown) if m.value.startswith("| Measure")][0]].value)
    figures = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", summary)  # each figure as read, its link to its source aside
    for figure in FORCE.values():
        assert f"| {figure} |" in figures
    assert "12 months to July 2015" in summary and "Aspiration" in summary
    assert "measure?measure=cse_charges&area=South+Yorkshire&meeting=2015-08-20" in summary
    at.button_group(key="summary_area").set_value("Rotherham").run()
    rotherham = _numbers(next(m.value for m in at.markdown if m.value.startswith("| Measure")))
    rotherham = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", rotherham)
    charges = next(line for line in rotherham.splitlines() if "charged" in line)
    live = next(line for line in rotherham.splitlines() if "Live child" in line)
    assert "| 22 |" in charges and live.count("| 46 |") >= 1


def test_a_meeting_whose_rolling_year_has_months_missing_marks_it(monkeypatch, sample_db):
    """The sample starts in April 2013: in December 2013 the 12 months to November hold eight."""
    with warehouse.connect_read_only(sample_db) as con:
        early = build_pack(con, dt.date(2013, 12, 10), "analyst@example.org")
    arrests = next(m for m in early.measures if m.measure_id == "cse_arrests")
    assert _numbers(arrests.force_row.rolling12).endswith("(8 of 12 months)")
    assert arrests.force_row.rolling12_change == ""
    assert "12 months to November 2013: 8 of 12 months reported" in arrests.force_row.incomplete
    assert "8 of 12 months" in _numbers(render_html(early))
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2013, 12, 10)).run()
    assert "8 of 12 months" in _numbers(texts(at))


def test_the_measure_page_s_period_views_end_at_the_meeting_s_month_and_mark_part_periods(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    at.switch_page("internal_pages/measure.py").run()
    at.selectbox(key="measure").select("cse_arrests").run()
    at.selectbox(key="view").select("rolling_12").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["Period"].iloc[-1] == "12 months to July 2015"  # nothing after the reporting month
    assert table.loc[table["Period"] == "12 months to July 2015", "People"].iloc[0] == "460"  # as the grid writes it
    first = table.iloc[0]
    assert first["Complete"] == "No: 1 of 12 months"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(t["name"] == "Incomplete: months missing" for t in chart["data"])
    at.selectbox(key="view").select("financial_year").run()
    table = at.dataframe[0].value
    assert table["Period"].iloc[-1] == "2015/16"
    assert table["Complete"].iloc[-1] == "No: 4 of 12 months"  # a year the meeting falls in is not whole


def test_every_chart_of_a_measure_with_an_aspiration_draws_it(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    at.switch_page("internal_pages/measure.py").run()
    at.selectbox(key="measure").select("cse_charges").run()
    assert "At least 21 people in any 12 months" in texts(at)
    for view, label in (("month", "a month"), ("quarter_spc", "a quarter"), ("quarter", "a quarter"),
                        ("financial_year", "in 12 months"), ("rolling_12", "in 12 months")):
        at.selectbox(key="view").select(view).run()
        names = [t.get("name", "") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
        assert any(n.startswith("Aspiration") and label in n for n in names), (view, names)
    at.selectbox(key="measure").select("cse_referrals").run()  # the plan sets none
    at.selectbox(key="view").select("month").run()
    names = [t.get("name", "") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert not any(n.startswith("Aspiration") for n in names)


def test_a_file_flag_is_said_once_in_the_pack_and_costs_at_most_a_page(sample_db, tmp_path, pack):
    from pipelines.flags import raise_flag
    from tests.dashboard_helpers import ANALYST, copy_warehouse

    wh = copy_warehouse(sample_db, tmp_path)
    reason = "All figures in this return are provisional until the force's audit."
    with warehouse.connect(wh) as con:
        file_id = con.execute("SELECT DISTINCT file_id FROM figure WHERE period = DATE '2015-07-01'").fetchone()[0]
        raise_flag(con, ANALYST, scope="file", reason=reason, file_id=file_id)
        flagged = build_pack(con, MEETING, "analyst@example.org")
    assert len([c for c in flagged.caveats if reason in c]) == 1
    assert not any(reason in c for m in flagged.measures for c in m.caveats)
    before, after = (PdfReader(io.BytesIO(render_pdf(p))) for p in (pack, flagged))
    text = " ".join(" ".join(p.extract_text().split()) for p in after.pages)
    assert text.count(reason) == 1
    assert len(after.pages) - len(before.pages) <= 1
    assert render_html(flagged).count(reason.replace("'", "&#x27;")) == 1


def test_a_month_missing_is_said_not_reported_not_0_of_1_months():
    """Regression: a district not reporting the reporting month left the overview saying "June 2026: 0 of 1 months
    reported" under each measure."""
    from pipelines.plan.headline import PeriodFigure

    month = PeriodFigure(label="June 2026", value=None, months_present=0, months_expected=1)
    assert month.missing_note == "June 2026: not reported"
    quarter = PeriodFigure(label="Q1 2026/27", value=None, months_present=2, months_expected=3)
    assert quarter.missing_note == "Q1 2026/27: 2 of 3 months reported"


def test_measures_missing_the_same_months_are_named_together_once(monkeypatch, sample_db):
    """In December 2013 every measure's 12 months to November hold eight: the overview says so once, naming the
    measures together, not once a measure (a return missing a group of measures made a paragraph of repeats)."""
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(dt.date(2013, 12, 10)).run()
    assert not at.exception, at.exception
    said = next(w.value for w in at.warning if w.value.startswith("Months missing"))
    note = "12 months to November 2013: 8 of 12 months reported"
    assert said.count(note) == 1, said
    line = next(line for line in said.splitlines() if note in line)
    assert line.startswith("- CSE referrals, Live CSE investigations, CSE arrests, ") and " and " in line


def test_a_years_aspiration_is_drawn_at_the_whole_figure_the_plan_states(monkeypatch, sample_db):
    """The 2013-17 plan's "+10% on the 19 in 2013/14" is stated as "at least 21 people in any 12 months": the
    rolling-year chart draws and names 21, not the 20.9 it is worked out from."""
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    at.switch_page("internal_pages/measure.py").run()
    at.selectbox(key="measure").select("cse_charges").run()
    assert "At least 21 people in any 12 months" in texts(at)
    for view in ("rolling_12", "financial_year"):
        at.selectbox(key="view").select(view).run()
        assert not at.exception, at.exception
        line = next(t for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
                    if t.get("name", "").startswith("Aspiration"))
        assert line["name"].startswith("Aspiration (21 in 12 months"), line["name"]
        assert set(line["y"]) == {21}
