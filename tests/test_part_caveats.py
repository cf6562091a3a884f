"""A percentage is worked out from its numerator's and denominator's figures: the Measure page and the Provenance
page carry the flags and data-check warnings on those parts with the percentage's own, in the months shown, worded as
the pack words them (Panel.sources, through pipelines.flags.included_figures and arrange_caveats). A count's page
keeps its own caveats only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dashboard_helpers import ANALYST, PCC, copy_warehouse, internal, texts

from pipelines import warehouse
from pipelines.flags import raise_flag

HEADCOUNT = ("Officer headcount for Rotherham in June 2015, which Officers trained (%) is worked out from: Leavers "
             "counted twice (flagged by analyst@example.org on")
TRAINED = ("Officers trained for Doncaster in July 2015, which Officers trained (%) is worked out from: A course "
           "counted before it ended (flagged by analyst@example.org on")
CHECK = ("Data check on Officer headcount, which Officers trained (%) is worked out from, change in headcount: Officer "
         "headcount in Sheffield went from 700 to 70")


@pytest.fixture
def wh(sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Leavers counted twice", period="2015-06",
                   district="Rotherham", measure="officer_headcount")
        raise_flag(con, ANALYST, scope="figure", reason="A course counted before it ended", period="2015-07",
                   district="Doncaster", measure="officers_trained")
        # a count the percentage is not worked out from
        raise_flag(con, ANALYST, scope="figure", reason="Not one of its parts", period="2015-06",
                   district="Rotherham", measure="cse_charges")
        con.execute("INSERT INTO figure_caveat (period, district, measure, run_id, file_id, rule_id, severity, "
                    "message, created_at) VALUES (DATE '2015-07-01', 'Sheffield', 'officer_headcount', 1, NULL, "
                    "'headcount_change', 'warning', 'Officer headcount in Sheffield went from 700 to 70', "
                    "TIMESTAMP '2015-08-10 09:00:00')")
    return db


def measure_page(monkeypatch, db, measure_id: str, area: str):
    at = internal(monkeypatch, db, "internal_pages/measure.py", PCC)
    at.selectbox(key="measure").select(measure_id).run()
    at.selectbox(key="area").select(area).run()
    assert not at.exception, at.exception
    return at


def caveat_table(at):
    return at.table[-1].value


def ringed(at) -> list[str]:
    """The months the monthly chart rings as having a caveat (YYYY-MM)."""
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    found = next((t for t in traces if t["name"].startswith("Has a")), {"x": []})
    return sorted(x[:7] for x in found["x"])


def test_the_measure_page_carries_a_percentages_parts_caveats_in_its_table_and_on_its_chart(monkeypatch, wh):
    at = measure_page(monkeypatch, wh, "officers_trained_pct", "Rotherham")
    table = caveat_table(at)
    said = " ".join(table["Caveat"])
    assert HEADCOUNT in said
    assert "A course counted" not in said and "Not one of its parts" not in said and "700 to 70" not in said
    assert list(table.loc[table["Caveat"].str.startswith(HEADCOUNT), "Kind"]) == ["Flag"]
    assert "2015-06" in ringed(at) and "2015-07" not in ringed(at)

    # the force's figure is made of every district's parts
    at.selectbox(key="area").select("South Yorkshire").run()
    assert not at.exception, at.exception
    said = " ".join(caveat_table(at)["Caveat"])
    assert HEADCOUNT in said and TRAINED in said and CHECK in said
    assert "Not one of its parts" not in said
    assert {"2015-06", "2015-07"} <= set(ringed(at))


def test_a_caveat_is_shown_whole_in_a_table_that_wraps_it(monkeypatch, wh):
    """The grid (st.dataframe) cut a cell at its column's width, about 50 letters: a caveat is a sentence, so the
    table is one whose cells wrap (st.table), and holds each caveat whole."""
    at = measure_page(monkeypatch, wh, "officers_trained_pct", "South Yorkshire")
    assert not any("Caveat" in grid.value.columns for grid in at.dataframe)
    said = list(caveat_table(at)["Caveat"])
    assert any(text.startswith(HEADCOUNT) and len(text) > 100 for text in said), said


def test_a_counts_measure_page_keeps_its_own_caveats(monkeypatch, wh):
    at = measure_page(monkeypatch, wh, "officer_headcount", "Rotherham")
    said = " ".join(caveat_table(at)["Caveat"])
    assert "Leavers counted twice" in said and "worked out from" not in said
    at = measure_page(monkeypatch, wh, "cse_charges", "Rotherham")
    said = " ".join(caveat_table(at)["Caveat"])
    assert "Not one of its parts" in said and "Leavers counted twice" not in said


def test_a_percentage_with_no_caveat_on_it_or_its_parts_says_so(monkeypatch, sample_db):
    at = measure_page(monkeypatch, sample_db, "officers_trained_pct", "Rotherham")
    assert ("No open flag or data-check warning on officers and staff trained in CSE awareness (per cent) in "
            "Rotherham, nor on the figures it is worked out from.") in texts(at)


def provenance(monkeypatch, db, measure_id: str, area: str, month: str) -> str:
    at = internal(monkeypatch, db, "internal_pages/provenance.py", ANALYST)
    at.selectbox(key="prov_measure").select(measure_id).run()
    at.selectbox(key="prov_district").select(area).run()
    at.selectbox(key="prov_period").select(month).run()
    assert not at.exception, at.exception
    # as read: Markdown's backslash escapes and the unseen space that keeps an address from being a link taken out
    return " ".join(w.value for w in at.warning).replace("\\", "").replace("\u200b", "")


def test_the_provenance_page_carries_a_percentages_parts_caveats(monkeypatch, wh):
    assert HEADCOUNT in provenance(monkeypatch, wh, "officers_trained_pct", "Rotherham", "2015-06")
    assert "Leavers counted twice" not in provenance(monkeypatch, wh, "officers_trained_pct", "Doncaster", "2015-06")
    force = provenance(monkeypatch, wh, "officers_trained_pct", "South Yorkshire", "2015-07")
    assert TRAINED in force and CHECK in force
    assert "Leavers counted twice" not in force  # June's, not July's
    assert HEADCOUNT in provenance(monkeypatch, wh, "officers_trained_pct", "South Yorkshire", "2015-06")
    # a count's figure is its own: its page says its own flag as before
    count = provenance(monkeypatch, wh, "officer_headcount", "Rotherham", "2015-06")
    assert "Leavers counted twice" in count and "worked out from" not in count


def test_the_measure_page_reads_the_parts_caveats_up_to_the_reporting_month(monkeypatch, wh):
    """A meeting whose reporting month is June 2015 leaves July's flags and warnings on the parts off, as its own."""
    at = internal(monkeypatch, wh, "internal_pages/briefing.py", PCC)
    at.date_input(key="meeting_date").set_value(dt.date(2015, 7, 20)).run()  # reporting month June 2015
    at.switch_page("internal_pages/measure.py").run()
    at.selectbox(key="measure").select("officers_trained_pct").run()
    at.selectbox(key="area").select("South Yorkshire").run()
    assert not at.exception, at.exception
    said = " ".join(caveat_table(at)["Caveat"])
    assert HEADCOUNT in said and "A course counted" not in said and "700 to 70" not in said


def test_a_counts_quarter_is_marked_by_the_caveats_on_its_months(monkeypatch, wh):
    """The quarterly SPC view of a count marks each quarter a caveat on one of its months is in, as before."""
    at = measure_page(monkeypatch, wh, "cse_charges", "Rotherham")
    at.selectbox(key="view").select("quarter_spc").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("Quarter")["Caveats"]
    marked = set(table[table != ""].index)
    assert set(table) <= {"", *map(str, range(1, 10))}  # how many caveats, where it said "yes"
    assert any("2015/16" in q and "Q1" in q for q in marked), marked
    assert not any("2015/16" in q and "Q2" in q for q in marked), marked


def test_a_missing_breakdown_of_a_part_is_not_said_on_the_percentage_worked_out_from_it(monkeypatch, sample_db,
                                                                                       tmp_path):
    """A part's breakdown not sent says nothing about the part's own figure, which the percentage is worked out
    from: "CSE suspects identified's breakdown by age of the suspect was not sent" is said under CSE suspects
    identified, not again under Suspects arrested within 12 weeks (%). A check on the part's figure still is."""
    from pipelines.flags import arrange_caveats, caveats

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        for rule, message in (
                ("breakdown_not_sent", "the breakdown by age of the suspect of CSE suspects identified for Sheffield "
                                       "was sent for February 2026 but not for March 2026."),
                ("month_on_month_change", "CSE suspects identified in Sheffield went from 18 in February 2026 to "
                                          "2 in March 2026: check the figure.")):
            con.execute("INSERT INTO figure_caveat (period, district, measure, run_id, file_id, rule_id, severity, "
                        "message, created_at) VALUES (DATE '2026-03-01', 'Sheffield', 'cse_suspects_identified', 1, "
                        "NULL, ?, 'warning', ?, TIMESTAMP '2026-04-10 09:00:00')", [rule, message])
        cav = caveats(con, start="2026-03", end="2026-03")
    pct, part = "cse_suspects_arrested_12w_pct", "cse_suspects_identified"
    included = {pct: {(part, "Sheffield", "2026-03"): "in the figure for March 2026"}}
    arranged = arrange_caveats(cav, "2026-03", [part, pct], ["Sheffield"], included=included)
    own = " ".join(arranged.by_measure[part])
    assert "breakdown by age" in own and "18 in February 2026 to 2" in own
    on_pct = " ".join(arranged.by_measure[pct])
    assert "18 in February 2026 to 2" in on_pct and "worked out from" in on_pct
    assert "breakdown" not in on_pct
    assert "breakdown" not in " ".join(arranged.by_figure.get((pct, "Sheffield"), []))

    # the Measure page says the part's check on its figure, and not its breakdown's
    at = measure_page(monkeypatch, db, pct, "Sheffield")
    said = " ".join(caveat_table(at)["Caveat"])
    assert "18 in February 2026 to 2" in said and "breakdown" not in said
