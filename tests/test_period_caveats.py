"""A quarter, year-to-date or 12-month figure sums earlier months, so it carries their open flags: the briefing
pack and the overview page say them under the measure, naming the month, the district and the figures that include
it, as the Measure page's quarterly table marks the quarter. An earlier month's data-check warnings were read when
that month was reported: only the reporting month's are said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


# Officers trained (%) is worked out from two stocks, officers trained and the headcount: its figure for Q1 2015/16
# from their June 2015 figures, for July 2015 (and the year to date and 12 months) from their July figures.
HEADCOUNT_IN_QUARTER = ("Officer headcount for Rotherham in June 2015, which Officers trained (%) is worked out from, "
                        "in the figure for Q1 2015/16: Leavers counted twice")
TRAINED_IN_MONTH = ("Officers trained for Doncaster in July 2015, which Officers trained (%) is worked out from: "
                    "A course counted before it ended")
HEADCOUNT_CHECK = ("Data check on Officer headcount, which Officers trained (%) is worked out from, change in "
                   "headcount: Officer headcount in Sheffield went from 700 to 70")


@pytest.fixture
def parts_wh(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Leavers counted twice", period="2015-06",
                   district="Rotherham", measure="officer_headcount")
        raise_flag(con, ANALYST, scope="figure", reason="A course counted before it ended", period="2015-07",
                   district="Doncaster", measure="officers_trained")
        # a stock's quarter is its last month: May is in no figure of the percentage's
        raise_flag(con, ANALYST, scope="figure", reason="Not in any figure", period="2015-05",
                   district="Rotherham", measure="officer_headcount")
        for period, words in (("2015-07", "700 to 70"), ("2015-06", "70 to 700")):  # June's was read in June
            con.execute("INSERT INTO figure_caveat (period, district, measure, run_id, file_id, rule_id, severity, "
                        "message, created_at) VALUES (?, 'Sheffield', 'officer_headcount', 1, NULL, "
                        "'headcount_change', 'warning', ?, TIMESTAMP '2015-08-10 09:00:00')",
                        [dt.date.fromisoformat(f"{period}-01"), f"Officer headcount in Sheffield went from {words}"])
    return db


def test_a_percentage_carries_the_flags_and_checks_on_the_counts_it_is_worked_out_from(parts_wh):
    """A percentage's figures are worked out from its numerator's and denominator's: a flag on either, in a month a
    figure of the percentage is worked out from, is said under the percentage, naming the part, the month and the
    figures; the month's data-check warnings on them too; an earlier month's warnings, and a flag in a month no
    figure uses, are not."""
    with warehouse.connect_read_only(parts_wh) as con:
        pack = build_pack(con, MEETING, "tester")
    pct = caveats_of(pack, "officers_trained_pct")
    assert HEADCOUNT_IN_QUARTER in " ".join(pct) and TRAINED_IN_MONTH in " ".join(pct)
    assert [c for c in pct if c.startswith("Data check")] == [HEADCOUNT_CHECK]
    assert not any("Not in any figure" in c or "70 to 700" in c for m in pack.measures for c in m.caveats)
    # the month's own, then its parts', then the earlier months'
    assert pct.index(next(c for c in pct if c.startswith(TRAINED_IN_MONTH))) < pct.index(
        next(c for c in pct if c.startswith(HEADCOUNT_IN_QUARTER)))


def test_the_overview_carries_a_percentages_parts_flags(monkeypatch, parts_wh):
    at = internal(monkeypatch, parts_wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(MEETING).run()
    at.button_group(key="priority").set_value("Treating people fairly").run()
    shown = texts(at)
    assert not at.exception
    assert HEADCOUNT_IN_QUARTER in shown and TRAINED_IN_MONTH in shown


def live_investigations(tmp_path, run_cli, *, missing: set[tuple[str, str]]) -> Path:
    """A warehouse of live investigations (a stock) for every district from April 2014 to July 2015, but `missing`
    (district, month)."""
    months = [f"{y}-{m:02d}" for y in (2014, 2015) for m in range(1, 13) if "2014-04" <= f"{y}-{m:02d}" <= "2015-07"]
    rows = "".join(f"{p},{d},cse_live_investigations,{40 + i}\n" for i, p in enumerate(months)
                   for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield") if (d, p) not in missing)
    path = tmp_path / "live.csv"
    path.write_text("period,district,measure,value\n" + rows, encoding="utf-8")
    db = tmp_path / "live.duckdb"
    result = run_cli("ingest", path, "--db", db)
    assert result.exit_code == 0, result.output
    return db


def test_a_stocks_period_figure_carries_the_flags_of_the_month_it_falls_back_to(tmp_path, run_cli):
    """Rotherham sent no live investigations for June 2015, so its Q1 2015/16 figure (a stock's, its last month's)
    is May's, and so is the force's, which adds the districts up: May's flags on Rotherham's figure and on
    Doncaster's (in the force's) go with the quarter. Doncaster's own quarter is June's, whose flag goes too."""
    db = live_investigations(tmp_path, run_cli, missing={("Rotherham", "2015-06")})
    with warehouse.connect(db) as con:
        for district, period, reason in (("Rotherham", "2015-05", "Cases closed late"),
                                         ("Doncaster", "2015-05", "A case counted twice"),
                                         ("Doncaster", "2015-06", "A case left out"),
                                         ("Sheffield", "2015-04", "Not in any figure")):
            raise_flag(con, ANALYST, scope="figure", reason=reason, period=period, district=district,
                       measure="cse_live_investigations")
    with warehouse.connect_read_only(db) as con:
        pack = build_pack(con, MEETING, "tester")
    live = " ".join(caveats_of(pack, "cse_live_investigations"))
    for said in ("for Rotherham in May 2015, in the figure for Q1 2015/16: Cases closed late",
                 "for Doncaster in May 2015, in the figure for Q1 2015/16: A case counted twice",
                 "for Doncaster in June 2015, in the figure for Q1 2015/16: A case left out"):
        assert f"Live CSE investigations {said}" in live, live
    assert "Not in any figure" not in live


def test_the_figures_of_one_area_are_made_of_its_own_months(tmp_path, run_cli):
    """A page that shows one area reads what that area's figures are made of: Doncaster's Q1 2015/16 (a stock's) is
    its June level, while the force's, Rotherham having sent no June, is May's, which Doncaster's is not made of."""
    from pipelines.catalogue import catalogue
    from pipelines.figures import plan_figures
    from pipelines.flags import included_figures
    from pipelines.plan import PlanAnalytics
    from pipelines.plan.periods import month_number

    db = live_investigations(tmp_path, run_cli, missing={("Rotherham", "2015-06")})
    with warehouse.connect_read_only(db) as con:
        panel = PlanAnalytics(plan_figures(con)).panel
    live = catalogue().get("cse_live_investigations")
    quarter = [("Q1 2015/16", month_number("2015-04"), month_number("2015-06"))]
    every = included_figures(panel, live, quarter)
    assert ("cse_live_investigations", "Doncaster", "2015-05") in every  # through the force's
    assert set(included_figures(panel, live, quarter, areas=["Doncaster"])) == {
        ("cse_live_investigations", "Doncaster", "2015-06")}
    assert set(included_figures(panel, live, quarter, areas=["South Yorkshire"])) == {
        ("cse_live_investigations", d, "2015-05") for d in ("Barnsley", "Doncaster", "Rotherham", "Sheffield")}


def test_plan_for_one_district_says_the_flags_of_its_own_figures_only(tmp_path, run_cli):
    """Rotherham sent no live investigations for June 2015, so the force's figure for June is May's; Doncaster's is
    its own June. `pccdash plan --district Doncaster` says the flag on Doncaster's June, not the one on its May,
    which only the force's figure is made of; the force's plan says both."""
    db = live_investigations(tmp_path, run_cli, missing={("Rotherham", "2015-06")})
    with warehouse.connect(db) as con:
        for period, reason in (("2015-05", "A case counted twice"), ("2015-06", "A case left out")):
            raise_flag(con, ANALYST, scope="figure", reason=reason, period=period, district="Doncaster",
                       measure="cse_live_investigations")
    one = run_cli("plan", "--db", db, "--month", "2015-06", "--district", "Doncaster")
    assert one.exit_code == 0, one.output
    assert "A case left out" in one.output and "A case counted twice" not in one.output, one.output
    whole = run_cli("plan", "--db", db, "--month", "2015-06", "--district", "South Yorkshire")
    assert "A case left out" in whole.output and "A case counted twice" in whole.output, whole.output


@pytest.mark.parametrize(("view", "ringed", "clear"), [
    ("quarter", "Q1 2015/16", "Q4 2014/15"),
    ("financial_year", "2015/16", "2014/15"),
    ("rolling_12", "12 months to July 2015", "12 months to May 2013"),
])
def test_the_measure_pages_quarter_and_year_views_ring_the_periods_a_flag_is_in(monkeypatch, wh, view, ringed, clear):
    """The flag on Rotherham's May 2015 charges is in Q1 2015/16, the year 2015/16 and the 12 months to July 2015:
    each view rings that bar and says how many caveats it has in its table's Caveats column (where it said a lowercase
    "yes"), as the monthly view rings the month."""
    import json

    at = internal(monkeypatch, wh, "internal_pages/measure.py", PCC)
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    at.selectbox(key="view").select(view).run()
    assert not at.exception
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    ring = next(t for t in traces if t.get("name", "").startswith("Has a caveat"))
    assert ringed in ring["x"], ring["x"]
    table = next(d.value for d in at.dataframe if "Caveats" in d.value.columns)
    marked = dict(zip(table["Period"], table["Caveats"], strict=True))
    assert marked[ringed].isdigit() and int(marked[ringed]) >= 1  # how many, where it said "yes"
    if clear is not None:
        assert marked[clear] == "" and clear not in ring["x"]


@pytest.mark.parametrize(("view", "period", "clear"), [
    ("month", "May 2015", "June 2015"),
    ("quarter_spc", "Q1 2015/16", None),
    ("rolling_12", "12 months to July 2015", "12 months to May 2013"),
])
def test_the_measure_pages_table_downloads_each_periods_open_flags_and_caveats_in_words(monkeypatch, wh, view,
                                                                                         period, clear):
    """The grid says how many caveats a period has in its Caveats column; its CSV says which flag (by number) and
    what it and each caveat say, the district and month named, as the Caveats table under the chart says them."""
    import io

    import pandas as pd
    from dashboard_helpers import downloads_of

    with warehouse.connect_read_only(wh) as con:
        twice = con.execute("SELECT flag_id FROM figure_flag WHERE reason = 'Two charges counted twice'").fetchone()[0]
    served = downloads_of(monkeypatch)
    at = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(MEETING).run()  # reporting month July 2015
    at.switch_page("internal_pages/measure.py").run()
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("South Yorkshire").run()
    at.selectbox(key="view").select(view).run()
    assert not at.exception, at.exception
    name = f"cse_charges-South Yorkshire-{view}-to-2015-07.csv"
    table = pd.read_csv(io.BytesIO([d for n, d in served if n == name][-1]), dtype=str, keep_default_na=False)
    table = table.set_index(table.columns[0])
    assert f"Flag {twice}: Two charges counted twice" in table.loc[period, "Open flags"].split("\n")
    said = table.loc[period, "Caveats"].split("\n")
    assert any(line.startswith("Rotherham, May 2015: Flagged by analyst@example.org on ")
               and line.endswith(": Two charges counted twice") for line in said), said
    if clear is not None:
        assert table.loc[clear, "Open flags"] == table.loc[clear, "Caveats"] == ""
    assert "Too late to count" not in " ".join(table["Caveats"])  # after the reporting month: in no figure shown
    assert set(table.columns) >= {"Open flags", "Caveats"} and "yes" not in set(table["Caveats"])
