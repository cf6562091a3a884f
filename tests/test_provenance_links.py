"""Every figure links to its provenance with its measure, area and month, and the Provenance page opens on exactly
that figure: a district's to its file and row, a force total to the districts it adds up and their files, a figure
the force gave itself to its own row; a wrong or stale link gives a sentence and the page's pickers."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import warehouse
from pipelines.briefing.pack import build_pack
from pipelines.briefing.render import render_html
from pipelines.lineage import LineageError, lineage, provenance_link, read_link
from tests.dashboard_helpers import ANALYST, INTERNAL, copy_warehouse, internal, texts

pytestmark = pytest.mark.slow  # the sample warehouse
MEETING = dt.date(2015, 8, 20)
CHARGES = "People charged with child sexual exploitation related offences"
LIVE = "Live child sexual exploitation investigations at month end"


def named(link: str) -> dict[str, str]:
    """The page and the (measure, area, month) a provenance link names."""
    parts = urlsplit(link)
    return {"page": parts.path.rsplit("/", 1)[-1], **{k: v[0] for k, v in parse_qs(parts.query).items()}}


def provenance(monkeypatch, db, params: dict[str, str] | None = None) -> AppTest:
    """The Provenance page as an analyst opens it from a link carrying `params`."""
    monkeypatch.setenv("PCCDASH_DB", str(db))
    at = AppTest.from_file(INTERNAL, default_timeout=60)
    at.user = dict(ANALYST)
    at.run()
    at.switch_page("internal_pages/provenance.py")
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def shown_figure(at: AppTest) -> tuple[str, str]:
    return at.metric[0].label, at.metric[0].value


def test_a_link_names_the_figure_and_is_read_back(monkeypatch):
    link = provenance_link("cse_charges", "Rotherham", "2015-07", base="http://pcc.example:8501/")
    assert named(link) == {"page": "provenance", "measure": "cse_charges", "area": "Rotherham", "month": "2015-07"}
    assert link.startswith("http://pcc.example:8501/provenance?")
    assert read_link({"measure": "cse_charges", "area": "rotherham", "month": "2015-07"}) == (
        "cse_charges", "Rotherham", "2015-07")
    for bad, said in (({"measure": "nonsense", "area": "Rotherham", "month": "2015-07"}, '"nonsense"'),
                      ({"measure": "cse_charges", "area": "Leeds", "month": "2015-07"}, '"Leeds"'),
                      ({"measure": "cse_charges", "area": "Rotherham", "month": "July"}, '"July"')):
        with pytest.raises(LineageError, match=said):
            read_link(bad)


def test_the_pack_s_html_links_each_month_figure_to_its_provenance_in_the_internal_app(monkeypatch, sample_db):
    monkeypatch.setenv("PCCDASH_INTERNAL_URL", "https://dashboard.pcc.example")
    with warehouse.connect_read_only(sample_db) as con:
        page = render_html(build_pack(con, MEETING, "analyst@example.org"))
    links = [named(html.unescape(href.split('"')[0]))
             for href in page.split('href="https://dashboard.pcc.example/')[1:]]
    assert {"page": "provenance", "measure": "cse_live_investigations", "area": "South Yorkshire",
            "month": "2015-07"} in links
    assert {"page": "provenance", "measure": "cse_charges", "area": "Rotherham", "month": "2015-07"} in links
    assert all(link["month"] == "2015-07" for link in links if "from" not in link)
    assert '>155</a></td>' in page.replace("\u00a0", " ")  # the figure itself is the link


def test_the_overview_links_each_area_s_month_figure(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    at.button_group(key="summary_area").set_value("Rotherham").run()
    assert not at.exception
    summary = next(m.value for m in at.markdown if m.value.startswith("| Measure"))
    assert "(provenance?measure=cse_charges&area=Rotherham&month=2015-07)" in summary
    assert "provenance?measure=cse_live_investigations&area=Rotherham&month=2015-07" in summary
    # the force and each district's figure under every measure of the priority shown
    sources = "\n".join(m.value for m in at.markdown if "figure](provenance?" in m.value)
    for area in ("South+Yorkshire", "Barnsley", "Rotherham", "Sheffield"):
        assert f"&area={area}&month=2015-07" in sources


def test_the_measure_page_s_table_and_trace_link_carry_the_area_chosen(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    at.selectbox(key="view").select("month").run()
    assert not at.exception
    table = at.dataframe[0].value
    july = table[table["Month"] == "July 2015"]["Source"].iloc[0]
    assert named(july) == {"page": "provenance", "measure": "cse_charges", "area": "Rotherham", "month": "2015-07"}
    assert all(named(link)["area"] == "Rotherham" for link in table["Source"])
    trace = next(p for p in at.get("page_link") if "Trace" in p.proto.label)
    assert "Rotherham" in trace.proto.label and trace.proto.page.endswith("provenance")
    assert "area=Rotherham" in trace.proto.query_string and "measure=cse_charges" in trace.proto.query_string


def test_opened_from_a_link_the_page_shows_that_figure_and_rotherham_stays_rotherham(monkeypatch, sample_db):
    at = provenance(monkeypatch, sample_db, {"measure": "cse_charges", "area": "Rotherham", "month": "2015-07"})
    assert shown_figure(at)[0] == f"{CHARGES}, Rotherham, July 2015"
    assert at.selectbox(key="prov_district").value == "Rotherham"
    assert 'from file "2015-16-cse-return.xlsx", sheet "cse_charges", row' in texts(at)
    assert at.dataframe[0].value["File"].iloc[0] == "2015-16-cse-return.xlsx"
    assert [p.proto.label for p in at.get("page_link")] == ["File #3, 2015-16-cse-return.xlsx, in Files loaded"]
    # the person's own choice then holds, and the address follows it
    at.selectbox(key="prov_period").select("2015-06").run()
    assert shown_figure(at)[0] == f"{CHARGES}, Rotherham, June 2015"
    assert at.query_params["month"] == "2015-06" and at.query_params["area"] == "Rotherham"


def test_a_force_total_shows_its_four_districts_adding_up_to_it_with_their_files(monkeypatch, sample_db):
    at = provenance(monkeypatch, sample_db,
                    {"measure": "cse_live_investigations", "area": "South Yorkshire", "month": "2015-07"})
    assert shown_figure(at) == (f"{LIVE}, South Yorkshire, July 2015", "155")
    assert "25 + 35 + 46 + 49 = 155" in texts(at)
    parts = at.dataframe[0].value
    assert list(parts["District"]) == ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    assert sum(int(v) for v in parts["Value"]) == 155
    assert set(parts["File"]) == {"2015-16-cse-return.xlsx"} and parts["Row"].notna().all()
    rotherham = parts[parts["District"] == "Rotherham"]["Provenance"].iloc[0]
    assert named(rotherham)["area"] == "Rotherham" and named(rotherham)["month"] == "2015-07"


def test_a_force_figure_lists_its_parts_earlier_values_with_their_files(sample_db):
    with warehouse.connect_read_only(sample_db) as con:
        revised = con.execute("SELECT measure, district, strftime(period, '%Y-%m') FROM figure_revision "
                              "WHERE revision > 1 ORDER BY ALL LIMIT 1").fetchone()
        measure, district, month = revised
        lin = lineage(con, measure, "South Yorkshire", month)
        own = lineage(con, measure, district, month)
    assert lin.how == "sum" and len(lin.sources) == 4
    assert lin.value == sum(s.value for s in lin.sources)
    earlier = lin.revisions[lin.revisions["area"] == district]
    assert len(earlier) >= 1 and earlier["file"].iloc[0] != own.sources[0].file
    assert own.sources[0].revision > 1 and len(own.revisions) == len(earlier)


def test_a_figure_the_force_gave_itself_shows_its_own_file_and_row(monkeypatch, sample_db, tmp_path):
    db = copy_warehouse(sample_db, tmp_path)
    for path in (db, warehouse.read_copy_path(db)):
        con = duckdb.connect(str(path))
        con.execute("""INSERT INTO file_registry (sha256, name, size_bytes, received_at, outcome)
                       VALUES ('ab', 'force-total-2015-07.csv', 10, TIMESTAMP '2015-08-03 09:00', 'accepted')""")
        con.execute("""INSERT INTO figure_revision (period, district, measure, revision, value, file_id, source_row,
                                                    source_column, loaded_at)
                       SELECT DATE '2015-07-01', 'South Yorkshire', 'cse_referrals', 1, 321, max(file_id), 9, 'value',
                              TIMESTAMP '2015-08-03 09:00' FROM file_registry""")
        con.close()
    at = provenance(monkeypatch, db, {"measure": "cse_referrals", "area": "South Yorkshire", "month": "2015-07"})
    assert shown_figure(at)[1] == "321"
    shown = texts(at)
    assert 'from file "force-total-2015-07.csv", row 9, column value' in shown
    assert "gave this figure itself" in shown and "adds up" not in shown


@pytest.mark.parametrize(("params", "said"), [
    ({"measure": "no_such_measure", "area": "Rotherham", "month": "2015-07"}, '"no_such_measure"'),
    ({"measure": "cse_charges", "area": "Rotherham", "month": "2031-01"}, "in January 2031 has been loaded"),
    ({"measure": "cse_charges", "area": "Rotherham", "month": "July"}, '"July", which is not a month'),
    ({"area": "Rotherham"}, "names no measure"),
])
def test_a_wrong_or_stale_link_is_told_in_a_sentence_and_the_pickers_open(monkeypatch, sample_db, params, said):
    at = provenance(monkeypatch, sample_db, params)
    assert said in texts(at)
    assert [s.key for s in at.selectbox][:3] == ["prov_measure", "prov_district", "prov_period"]
    assert at.metric  # a figure is shown all the same: the one the pickers open on


def files_loaded(monkeypatch, db, file: str) -> AppTest:
    monkeypatch.setenv("PCCDASH_DB", str(db))
    at = AppTest.from_file(INTERNAL, default_timeout=60)
    at.user = dict(ANALYST)
    at.run()
    at.switch_page("internal_pages/files.py")
    at.query_params["file"] = file
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_file_link_opens_files_loaded_on_that_file_and_a_wrong_one_is_said(monkeypatch, sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    fid, name = con.execute("SELECT file_id, name FROM file_registry ORDER BY file_id DESC LIMIT 1").fetchone()
    con.close()
    at = files_loaded(monkeypatch, sample_db, str(fid))
    assert [s.value for s in at.header][:1] == [f"File #{fid}, {name}"]
    assert at.dataframe[0].value["File"].tolist() == [name]
    at = files_loaded(monkeypatch, sample_db, "99999")
    assert "No file numbered 99999 is in the registry" in texts(at)
    assert not [s.value for s in at.header if s.value.startswith("File #")]


def measure_page(monkeypatch, db, params: dict[str, str]) -> AppTest:
    """The Measure page as an analyst opens it from a link carrying `params`."""
    monkeypatch.setenv("PCCDASH_DB", str(db))
    at = AppTest.from_file(INTERNAL, default_timeout=60)
    at.user = dict(ANALYST)
    at.run()
    at.switch_page("internal_pages/measure.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("params", "said"), [
    ({"measure": "nope", "area": "Atlantis", "meeting": "2015-99-99"},
     ['its measure "nope" is not in the measure catalogue', 'its area "Atlantis" is not South Yorkshire',
      'its meeting date "2015\\-99\\-99" is not a date']),
    ({"measure": "police_uk_total_crime", "area": "Rotherham"}, ["this page has no figures for its measure"]),
])
def test_a_wrong_link_to_the_measure_page_is_told_and_the_usual_measure_shown(monkeypatch, sample_db, params, said):
    # regression: the page opened on its usual measure and area with no word that the link was not followed
    at = measure_page(monkeypatch, sample_db, params)
    notices = " ".join(i.value for i in at.info)
    assert "This link could not be followed in full" in notices
    assert all(words in notices for words in said), notices
    assert at.selectbox(key="measure").value == "cse_arrests"  # the usual measure, shown all the same
    assert at.get("plotly_chart")


def test_a_good_link_to_the_measure_page_opens_on_it_with_no_notice(monkeypatch, sample_db):
    at = measure_page(monkeypatch, sample_db, {"measure": "cse_charges", "area": "Rotherham", "meeting": "2015-08-20"})
    assert at.selectbox(key="measure").value == "cse_charges" and at.selectbox(key="area").value == "Rotherham"
    assert "could not be followed" not in " ".join(i.value for i in at.info)


def test_a_measures_name_inside_a_sentence_keeps_its_abbreviations(monkeypatch, sample_db):
    """Regression: the Provenance page lower-cased a name whole inside a sentence, so "CSE" read "cse": "13 suspects
    arrested within 12 weeks of 52 cse suspects identified", "No figure for victims and survivors of cse supported"."""
    at = provenance(monkeypatch, sample_db, {"measure": "cse_suspects_arrested_12w_pct", "area": "South Yorkshire",
                                             "month": "2025-06"})
    said = texts(at)
    assert "suspects arrested within 12 weeks of " in said and " CSE suspects identified is " in said, said
    assert " cse " not in said
    at = provenance(monkeypatch, sample_db, {"measure": "victims_supported", "area": "Rotherham", "month": "2010-01"})
    assert "No figure for victims and survivors of CSE supported by commissioned services in Rotherham in January " \
           "2010 has been loaded" in texts(at)
    with pytest.raises(LineageError, match="No figure for officers and staff trained in CSE awareness"):
        with warehouse.connect_read_only(sample_db) as con:
            lineage(con, "officers_trained_pct", "Rotherham", "2010-01")


SHARE = "cse_suspects_identified__suspect_ethnicity_completeness"
SHARE_MEETING = dt.date(2025, 10, 16)


def share_of_plan(db, area: str, month: str) -> float:
    """The share recorded as the overview and the pack state it (the plan's analysis)."""
    from pipelines.figures import plan_figures
    from pipelines.plan.status import PlanAnalytics

    with warehouse.connect_read_only(db) as con:
        statuses = PlanAnalytics(plan_figures(con)).status(month)
    return next(s.value for s in statuses if s.measure_id == SHARE and s.area == area)


def test_the_ethnicity_recorded_share_traces_to_its_breakdown_rows_and_the_figure_it_is_a_share_of(sample_db):
    # regression: the share recorded, built from a breakdown rather than from one figure row, had no provenance
    with warehouse.connect_read_only(sample_db) as con:
        district = lineage(con, SHARE, "Rotherham", "2025-09")
        whole = lineage(con, SHARE, "South Yorkshire", "2025-09")
        rows = con.execute("""SELECT category, value, source_row FROM figure_breakdown
                              WHERE measure = 'cse_suspects_identified' AND dimension = 'suspect_ethnicity'
                                AND district = 'Rotherham' AND period = DATE '2025-09-01'""").fetchall()
        figure = con.execute("""SELECT value, source_row FROM figure WHERE measure = 'cse_suspects_identified'
                                AND district = 'Rotherham' AND period = DATE '2025-09-01'""").fetchone()
    assert district.how == "share" and whole.how == "share"
    assert district.value == pytest.approx(share_of_plan(sample_db, "Rotherham", "2025-09"))
    assert whole.value == pytest.approx(share_of_plan(sample_db, "South Yorkshire", "2025-09"))
    counted = [s for s in district.sources if s.category is not None]
    recorded = {(v, r) for c, v, r in rows if c not in ("not_stated", "not_recorded")}
    assert {(s.value, s.row) for s in counted} == recorded  # every recorded category's own row, and no other
    assert all(s.file and s.column == "suspect_ethnicity" for s in counted)
    own = [s for s in district.sources if s.category is None]
    assert [(s.measure, s.value, s.row) for s in own] == [("cse_suspects_identified", figure[0], figure[1])]
    assert {s.area for s in whole.sources} == {"Barnsley", "Doncaster", "Rotherham", "Sheffield"}


def test_the_overview_and_the_pack_link_the_ethnicity_recorded_share_to_its_provenance(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(SHARE_MEETING).run()
    assert not at.exception
    summary = next(m.value for m in at.markdown if m.value.startswith("| Measure"))
    assert f"(provenance?measure={SHARE}&area=South+Yorkshire&month=2025-09)" in summary
    monkeypatch.setenv("PCCDASH_INTERNAL_URL", "https://dashboard.pcc.example")
    with warehouse.connect_read_only(sample_db) as con:
        page = render_html(build_pack(con, SHARE_MEETING, "analyst@example.org"))
    links = [named(html.unescape(href.split('"')[0]))
             for href in page.split('href="https://dashboard.pcc.example/')[1:]]
    assert {"page": "provenance", "measure": SHARE, "area": "Rotherham", "month": "2025-09"} in links


def test_the_provenance_page_opens_on_the_share_with_its_rows_and_earlier_values_after_a_correction(
        monkeypatch, sample_db, tmp_path):
    from pipelines.ingest import ingest

    db = copy_warehouse(sample_db, tmp_path)
    fix = tmp_path / "2025-09-ethnicity-correction.csv"
    fix.write_text("period,district,measure,value,suspect_ethnicity\n"
                   "2025-09,Rotherham,cse_suspects_identified,9,white_british\n"
                   "2025-09,Rotherham,cse_suspects_identified,1,not_recorded\n", encoding="utf-8")
    with warehouse.connect(db) as con:
        assert ingest(con, [fix]).ok
    at = provenance(monkeypatch, db, {"measure": SHARE, "area": "Rotherham", "month": "2025-09"})
    label, value = shown_figure(at)
    assert label.startswith("Ethnicity of the suspect recorded") and label.endswith("Rotherham, September 2025")
    assert value == "84.6%"  # 11 of 13, the correction counted
    parts = at.dataframe[0].value
    fixed = parts[parts["Category"] == "English, Welsh, Scottish, Northern Irish or British"]
    assert list(fixed["File"]) == [fix.name] and list(fixed["Value"].astype(int)) == [9]
    assert "CSE suspects identified" in set(parts["Figure"])  # the figure it is a share of, with its row
    earlier = at.dataframe[1].value
    before = earlier[earlier["Category"] == "English, Welsh, Scottish, Northern Irish or British"]
    assert list(before["Value"].astype(int)) == [7] and list(before["File"]) == ["2025-26-cse-return.xlsx"]


def test_the_overview_s_link_to_the_ethnicity_recorded_share_opens_its_chart_on_the_measure_page(monkeypatch,
                                                                                                   sample_db):
    # regression: the share has no figure row of its own, so the Measure page said it had no figures for it and
    # showed people arrested instead (the overview's "Open chart" did the same, with no word)
    at = measure_page(monkeypatch, sample_db, {"measure": SHARE, "area": "Rotherham", "meeting": "2025-10-16"})
    assert "could not be followed" not in " ".join(i.value for i in at.info)
    assert at.selectbox(key="measure").value == SHARE
    at.selectbox(key="view").select("month").run()
    table = at.dataframe[0].value
    september = table[table["Month"] == "September 2025"]
    assert float(september["Per cent"].iloc[0]) == pytest.approx(share_of_plan(sample_db, "Rotherham", "2025-09"),
                                                                 abs=0.01)
    assert named(september["Source"].iloc[0]) == {"page": "provenance", "measure": SHARE, "area": "Rotherham",
                                                  "month": "2025-09"}


def served_csv(served: list[tuple[str, bytes]], name: str):
    """The latest CSV of that name the page handed out, every cell as text."""
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO([d for n, d in served if n == name][-1]), dtype=str, keep_default_na=False)


def test_the_parts_tables_download_carries_each_figures_open_flags_and_caveats(monkeypatch, sample_db, tmp_path):
    """The caveat box says a force total's flags, each district named; the parts table's CSV says them on the row of
    the district's figure they are on, the flag by its number, so that a table taken away keeps them."""
    from pipelines.flags import raise_flag
    from tests.dashboard_helpers import downloads_of

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        twice = raise_flag(con, ANALYST, scope="figure", reason="Two charges counted twice", period="2015-07",
                           district="Rotherham", measure="cse_charges", blocking=True)
        late = raise_flag(con, ANALYST, scope="district_month", reason="The return came in late", period="2015-07",
                          district="Sheffield")
        suspects = raise_flag(con, ANALYST, scope="figure", reason="One suspect counted twice", period="2025-09",
                              district="Rotherham", measure="cse_suspects_identified")
    served = downloads_of(monkeypatch)
    at = provenance(monkeypatch, db, {"measure": "cse_charges", "area": "South Yorkshire", "month": "2015-07"})
    parts = served_csv(served, "provenance-cse_charges-South Yorkshire-2015-07.csv").set_index("District")
    assert parts.loc["Rotherham", "Open flags"] == f"Flag {twice}: Two charges counted twice (blocks approval)"
    assert parts.loc["Rotherham", "Caveats"].startswith("Rotherham: Flagged by analyst@example.org on ")
    assert parts.loc["Sheffield", "Open flags"] == f"Flag {late}: The return came in late"
    assert parts.loc["Barnsley", "Open flags"] == ""
    for district in ("Rotherham", "Sheffield"):  # as the box above the table says them
        for line in parts.loc[district, "Caveats"].split("\n"):
            assert line in texts(at), line
    assert list(parts.columns[-2:]) == ["Open flags", "Caveats"]

    # a district's figure: the figure as it stands carries them in its revision history's download
    provenance(monkeypatch, db, {"measure": "cse_charges", "area": "Rotherham", "month": "2015-07"})
    history = served_csv(served, "provenance-cse_charges-Rotherham-2015-07.csv")
    assert history["Open flags"].iloc[0] == f"Flag {twice}: Two charges counted twice (blocks approval)"
    assert set(history["Open flags"].iloc[1:]) <= {""}

    # a share worked out from a breakdown: the row of the figure it is a share of carries that figure's flag
    provenance(monkeypatch, db, {"measure": SHARE, "area": "Rotherham", "month": "2025-09"})
    share = served_csv(served, f"provenance-{SHARE}-Rotherham-2025-09.csv")
    own = share[share["Category"] == ""]
    assert list(own["Open flags"]) == [f"Flag {suspects}: One suspect counted twice"]
    assert own["Caveats"].iloc[0].startswith("CSE suspects identified for Rotherham in September 2025, which CSE "
                                             "suspects identified with their ethnicity recorded (%) is worked out "
                                             "from: One suspect counted twice (flagged by analyst@example.org on ")
    assert set(share.loc[share["Category"] != "", "Open flags"]) == {""}  # the breakdown's rows are not flagged


def test_a_run_of_months_adds_up_every_months_figure_as_each_month_is_traced(sample_db):
    from pipelines.lineage import run_lineage

    with warehouse.connect_read_only(sample_db) as con:
        arrests = run_lineage(con, "cse_arrests", "South Yorkshire", "2014-08", "2015-07")
        charges = run_lineage(con, "cse_charges", "Rotherham", "2014-08", "2015-07")
        live = run_lineage(con, "cse_live_investigations", "South Yorkshire", "2014-08", "2015-07")
        july = lineage(con, "cse_live_investigations", "South Yorkshire", "2015-07")
    # the figures the force gave the press for the 12 months to July 2015
    assert (arrests.how, arrests.value, len(arrests.months), arrests.missing) == ("sum", 460, 12, ())
    assert len(arrests.rows()) == 48 and sum(s.value for _, s in arrests.rows()) == 460
    twelve = [(2014, m) for m in range(8, 13)] + [(2015, m) for m in range(1, 8)]
    assert {month for month, _ in arrests.rows()} == {f"{y}-{m:02d}" for y, m in twelve}
    assert (charges.value, {s.area for _, s in charges.rows()}) == (22, {"Rotherham"})
    # a level is not added up over months: the run's is its last month's
    assert (live.how, live.value, [one.month for one in live.months]) == ("level", 155, ["2015-07"])
    assert [s.value for _, s in live.rows()] == [s.value for s in july.sources]


def test_the_overviews_period_figures_open_the_rows_they_add_up_checked_against_the_figure_shown(monkeypatch,
                                                                                                sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    assert not at.exception
    summary = next(m.value for m in at.markdown if m.value.startswith("| Measure"))
    arrests = next(line for line in summary.split("\n") if "measure=cse_arrests&" in line)
    links = [named(html.unescape(part.split(")")[0])) for part in arrests.split("](")[1:]]
    twelve = {"page": "provenance", "measure": "cse_arrests", "area": "South Yorkshire", "month": "2015-07",
              "from": "2014-08", "shown": "460"}
    assert twelve in links
    assert {"from": "2015-04", "month": "2015-06"}.items() <= next(  # the quarter, Q1 2015/16
        link for link in links if link.get("from") == "2015-04" and link["month"] == "2015-06").items()
    assert any(link.get("from") == "2015-04" and link["month"] == "2015-07" for link in links)  # the year to date

    page = provenance(monkeypatch, sample_db, {k: v for k, v in twelve.items() if k != "page"})
    label, value = shown_figure(page)
    assert label.endswith("South Yorkshire, August 2014 to July 2015") and value == "460"
    said = texts(page)
    assert "The page you came from showed 460: the rows below add up to it." in said
    rows = page.dataframe[0].value
    assert len(rows) == 48 and sum(int(v) for v in rows["Value"]) == 460
    assert set(rows["District"]) == {"Barnsley", "Doncaster", "Rotherham", "Sheffield"}
    assert named(rows["Provenance"].iloc[0])["month"] == "2014-08"
    # a figure the rows no longer make is said, not passed over
    page = provenance(monkeypatch, sample_db, {**{k: v for k, v in twelve.items() if k != "page"}, "shown": "461"})
    assert "The page you came from showed 461; the rows below, as loaded now, make 460." in texts(page)
    # a run the page does not trace is said, and the month it ends with shown instead
    page = provenance(monkeypatch, sample_db, {"measure": "cse_arrests", "area": "Rotherham", "from": "2011-04",
                                               "month": "2015-06"})
    assert "The link names the months April 2011 to June 2015, which are not a run of 1 to 24 months." in texts(page)
    assert shown_figure(page)[0].endswith("Rotherham, June 2015")


def test_the_measure_pages_period_views_link_each_period_to_the_rows_it_adds_up(monkeypatch, sample_db):
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py")
    at.selectbox(key="measure").select("cse_charges").run()
    at.selectbox(key="area").select("Rotherham").run()
    at.selectbox(key="view").select("rolling_12").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("Period")
    assert named(table.loc["12 months to July 2015", "Source"]) == {
        "page": "provenance", "measure": "cse_charges", "area": "Rotherham", "month": "2015-07", "from": "2014-08",
        "shown": "22"}
    at.selectbox(key="view").select("quarter_spc").run()
    quarters = at.dataframe[0].value.set_index("Quarter")
    q1 = next(link for label, link in quarters["Source"].items() if "Q1" in label and "2015/16" in label)
    assert {k: named(q1)[k] for k in ("from", "month")} == {"from": "2015-04", "month": "2015-06"}
    page = provenance(monkeypatch, sample_db, {k: v for k, v in named(q1).items() if k != "page"})
    assert "the rows below add up to it" in texts(page)


def test_every_period_figure_of_the_overview_is_made_by_the_rows_its_link_lists(monkeypatch, sample_db):
    """Counts add up, a level is its last month's, a percentage is rebuilt from its parts: each as the overview
    worked it out, so that no linked figure reads "the page you came from showed" something else."""
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py")
    at.date_input(key="meeting_date").set_value(MEETING).run()
    summary = next(m.value for m in at.markdown if m.value.startswith("| Measure"))
    runs = [link for link in (named(html.unescape(p.split(")")[0])) for p in summary.split("](")[1:])
            if "from" in link]
    assert len(runs) >= 3 * 8  # the quarter, the year to date and the 12 months of every measure the force reports
    for link in runs:
        said = texts(provenance(monkeypatch, sample_db, {k: v for k, v in link.items() if k != "page"}))
        assert f"The page you came from showed {link['shown']}: the rows below " in said, link


def pack_run_links(page: str, base: str) -> list[dict[str, str]]:
    """Every link of a pack's HTML to the Provenance page on a run of months, with the cell text it is on."""
    out = []
    for chunk in page.split(f'<a href="{base}/')[1:]:
        href, rest = chunk.split('"', 1)
        link = named(html.unescape(href))
        if "from" in link:
            out.append({**link, "cell": html.unescape(rest.split(">", 1)[1].split("</a>")[0])})
    return out


@pytest.mark.parametrize("meeting", [MEETING, dt.date(2026, 2, 19)])
def test_the_packs_period_figures_link_to_the_rows_that_make_each_figure_shown(monkeypatch, sample_db, meeting):
    """The pack's HTML links its quarter, year-to-date and 12-month figures as the overview does: each link, read
    as the Provenance page reads it, names rows that make the very figure the pack printed (a count's months added
    up, a level its last month's, a percentage its parts' totals, a breakdown's share its categories')."""
    from pipelines.catalogue import catalogue
    from pipelines.lineage import read_run, run_lineage
    from pipelines.plan.narrative import format_number

    base = "https://dashboard.pcc.example"
    monkeypatch.setenv("PCCDASH_INTERNAL_URL", base)
    with warehouse.connect_read_only(sample_db) as con:
        pack = build_pack(con, meeting, "analyst@example.org")
        page = render_html(pack)
        runs = pack_run_links(page, base)
        # every figure after the month's, in the summary's row and each area's row of the measure's own table
        cells = sum(sum(bool(c and c != "n/a") for c in (r.quarter if pack.quarter_label else None, r.fytd,
                                                          r.rolling12))
                    for m in pack.measures if catalogue().get(m.measure_id).from_force_return
                    or catalogue().get(m.measure_id).derived for r in [m.force_row, *m.rows])
        assert len(runs) == cells
        for link in runs:
            measure, area, first, last, shown_as = read_run({k: v for k, v in link.items() if k != "page"})
            assert shown_as == link["cell"].replace("\u00a0", " "), link
            run = run_lineage(con, measure, area, first, last)
            assert shown_as.split(" (")[0] == format_number(run.value, catalogue().get(measure)), link
            assert run.rows(), link
    if meeting == MEETING:  # the figures the force gave the press, each linked on its months
        assert {"measure": "cse_arrests", "area": "South Yorkshire", "from": "2014-08", "month": "2015-07",
                "shown": "460", "cell": "460"}.items() <= next(
            r for r in runs if r["measure"] == "cse_arrests" and r["area"] == "South Yorkshire"
            and r["from"] == "2014-08").items()
        assert {(r["from"], r["month"]) for r in runs} == {("2015-04", "2015-06"), ("2015-04", "2015-07"),
                                                          ("2014-08", "2015-07")}
        twelve = next(r for r in runs if r["measure"] == "cse_charges" and r["area"] == "Rotherham"
                      and r["from"] == "2014-08")
        at = provenance(monkeypatch, sample_db, {k: v for k, v in twelve.items() if k not in ("page", "cell")})
        assert "The page you came from showed 22: the rows below add up to it." in texts(at)


def test_the_earlier_values_download_carries_the_open_flags_and_caveats_of_each_figure(monkeypatch, sample_db,
                                                                                      tmp_path):
    """A force figure's earlier values, taken away as a CSV, say on each row the open flags and caveats of the
    district's figure it is an earlier value of, as the parts table's download says them on its row: a flag follows
    the figure, and the table of earlier values said nothing of one."""
    from pipelines.flags import raise_flag
    from pipelines.ingest import ingest
    from tests.dashboard_helpers import downloads_of

    db = copy_warehouse(sample_db, tmp_path)
    fix = tmp_path / "2015-07-charges-correction.csv"
    fix.write_text("period,district,measure,value\n2015-07,Rotherham,cse_charges,3\n", encoding="utf-8")
    with warehouse.connect(db) as con:
        assert ingest(con, [fix]).ok
        number = raise_flag(con, ANALYST, scope="figure", reason="Corrected twice in a week", period="2015-07",
                            district="Rotherham", measure="cse_charges")
    served = downloads_of(monkeypatch)
    at = provenance(monkeypatch, db, {"measure": "cse_charges", "area": "South Yorkshire", "month": "2015-07"})
    parts = served_csv(served, "provenance-cse_charges-South Yorkshire-2015-07.csv").set_index("District")
    earlier = served_csv(served, "provenance-cse_charges-South Yorkshire-2015-07-earlier.csv")
    assert list(earlier.columns[-2:]) == ["Open flags", "Caveats"]
    rotherham = earlier[earlier["District"] == "Rotherham"]
    assert len(rotherham) >= 1 and set(rotherham["Open flags"]) == {f"Flag {number}: Corrected twice in a week"}
    assert set(rotherham["Caveats"]) == {parts.loc["Rotherham", "Caveats"]}
    assert parts.loc["Rotherham", "Caveats"].startswith("Rotherham: Flagged by analyst@example.org on ")
    assert set(earlier.loc[earlier["District"] != "Rotherham", "Open flags"]) <= {""}
    assert len(earlier) == len(at.dataframe[1].value)


def test_a_shares_run_of_months_leaves_out_the_categories_counted_0_and_says_how_many(monkeypatch, sample_db):
    """Six months of the force's share recorded listed 480 rows, most of them a category counted 0: they are left out
    of the list, the page says how many and that the totals add up every row, and a switch lists them all again."""
    from pipelines.lineage import run_lineage

    with warehouse.connect_read_only(sample_db) as con:
        run = run_lineage(con, SHARE, "South Yorkshire", "2025-04", "2025-09")
    every = run.rows()
    zeros = [s for _, s in every if s.category is not None and s.value == 0]
    assert len(every) == 480 and len(zeros) > 300
    at = provenance(monkeypatch, sample_db, {"measure": SHARE, "area": "South Yorkshire", "month": "2025-09",
                                             "from": "2025-04"})
    listed_rows = at.dataframe[0].value
    assert len(listed_rows) == len(every) - len(zeros)
    assert not ((listed_rows["Category"] != "") & (listed_rows["Value"].astype(float) == 0)).any()
    # what is listed still adds up to the parts' totals the page gives
    counted = listed_rows[listed_rows["Category"] != ""]["Value"].astype(float).sum()
    assert counted == run.parts[0].value
    said = " ".join(c.value for c in at.caption)
    assert (f"The totals above add up all 480 rows. {len(zeros)} of them are a category counted 0 in its month and "
            f"district, with no flag or caveat on it: they add nothing, and are left out of the list below, which "
            f"has the other {480 - len(zeros)}.") in said
    at.toggle(key="run_zeros").set_value(True).run()
    assert not at.exception and len(at.dataframe[0].value) == 480
    assert "The totals above add up all 480 rows. All 480 are listed." in " ".join(c.value for c in at.caption)
