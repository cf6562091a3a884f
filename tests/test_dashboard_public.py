"""The public app shows only what was published, suppressed, with its caveats and dates, and nothing before that."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from dashboard_helpers import (
    ANALYST,
    PCC,
    PUBLIC,
    PUBLIC_PAGES,
    ROOT,
    copy_warehouse,
    heading_problems,
    headings,
    html_tables,
    public,
    tables_in,
    texts,
)
from streamlit.testing.v1 import AppTest

from pipelines import warehouse
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import publish

APPROVED = [f"2014-{m:02d}" for m in range(4, 13)] + [f"2015-{m:02d}" for m in range(1, 8)]


@pytest.fixture(scope="module")
def published(sample_db, tmp_path_factory):
    """The sample with April 2014 to July 2015 approved and published; later months stay drafts."""
    folder = tmp_path_factory.mktemp("published")
    db = copy_warehouse(sample_db, folder.parent)
    with warehouse.connect(db) as con:
        approve(con, APPROVED, PCC)
        publish(con, PCC, folder / "out")
    return folder / "out"


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_renders_with_the_banner(monkeypatch, published, page):
    at = public(monkeypatch, published, page)
    assert not at.exception
    if page.endswith("accessibility.py"):
        assert at.title[0].value == "Accessibility statement"
        assert "Web Content Accessibility Guidelines" in texts(at) and "compliant" in texts(at)
    elif page.endswith(("board.py", "ask.py")):  # the Board's record and its questions: words, not figures
        assert at.title[0].value in ("Questions and decisions", "Ask the Board a question")
    else:
        assert "management information: unaudited and subject to revision" in texts(at)
        assert "management information" in at.info[0].value
    assert "999" in texts(at)  # the signpost to report a concern about a child, on every page


@pytest.mark.parametrize("page", [*PUBLIC_PAGES, *(f"public_pages/{name}.py" for name in (
    "report_a_concern", "definitions", "methodology", "release_calendar", "licence", "contact"))])
def test_every_public_page_has_one_h1_and_skips_no_heading_level(monkeypatch, published, page):
    """WCAG 1.3.1: a screen reader's list of a page's headings is its outline, so it opens with the one h1 and
    never goes down more than one level at a time."""
    at = public(monkeypatch, published, page)
    assert not at.exception
    found = headings(at)
    assert heading_problems(found) == [], found


@pytest.mark.parametrize("page", PUBLIC_PAGES[:2])
def test_before_anything_is_published_the_pages_say_so_and_show_no_figures(monkeypatch, tmp_path, sample_db, page):
    monkeypatch.setenv("PCCDASH_DB", str(sample_db))  # even with a warehouse at hand
    at = public(monkeypatch, tmp_path / "nothing", page)
    assert not at.exception
    assert "Nothing has been published yet" in texts(at)
    assert not html_tables(at) and not at.get("plotly_chart") and not at.metric and not at.get("download_button")


def test_summary_shows_headlines_trends_with_sentences_and_tables_and_caveats(monkeypatch, published):
    at = public(monkeypatch, published, "public_pages/summary.py")
    shown = texts(at)
    assert "The latest month: July 2015" in shown and "August 2015" not in shown  # drafts never appear
    charts = at.get("plotly_chart")
    assert len(charts) >= 5
    # every chart has a sentence beside it and a data table in an expander
    assert shown.count("each month from April 2014 to July 2015") == len(charts)
    assert sum(e.proto.label.startswith("Data table: ") for e in at.expander) == len(charts)
    at.selectbox(key="period_type").select("month").run()
    months = at.selectbox(key="period").options
    assert months[0] == "July 2015" and "August 2015" not in months
    at.selectbox(key="period_type").select("financial_year").run()
    assert at.selectbox(key="period").options == ["April 2014 to March 2015 (financial year 2014/15)"]
    assert "2014/15" in texts(at) and not at.exception
    # a district chosen: its figures and charts, and the signpost names its council
    at.selectbox(key="trend_area").select("Rotherham").run()
    assert not at.exception and "Rotherham" in texts(at)
    assert all(list(t.columns) == ["Rotherham"] for t in html_tables(at) if "Rotherham" in t.columns)


def test_each_chart_is_announced_by_its_title_and_its_sentence_is_said_once_under_it(monkeypatch, published):
    """WCAG 1.1.1: a screen reader met each chart as an unnamed graphic (or its axes' ticks read one by one). Each
    chart is named by its title (measure, area and how it is counted), as the static site names its charts; the
    sentence saying what it shows over which months is the text under it, not in its name too (read twice)."""
    at = public(monkeypatch, published, "public_pages/summary.py")
    charts = at.get("plotly_chart")
    assert len(charts) >= 5
    sentences = [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown]
    for chart in charts:
        title = html.unescape(json.loads(chart.proto.spec)["layout"]["title"]["text"].replace("<br>", " "))
        assert title.endswith(", South Yorkshire, by month"), title
        assert chart.proto.alt == title, (title, chart.proto.alt)
    said = [s for s in sentences if "each month from April 2014 to July 2015" in s]
    assert said and not any(s in c.proto.alt for s in said for c in charts), said


def test_the_summary_calls_nothing_a_trend_until_a_second_month_is_published(monkeypatch, sample_db, tmp_path):
    """Regression: with its first month published, the summary's last section was headed "Trends" over a chart of one
    point for each measure. Until a measure's second month is published it is given as its figure, and with no
    measure charted the section is "Latest figures"; once two months are, the trends are charted as before."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, ["2014-04"], PCC)
        publish(con, PCC, tmp_path / "out")
    at = public(monkeypatch, tmp_path / "out", "public_pages/summary.py")
    assert not at.exception
    heads = [h for _level, h in headings(at)]
    assert "Latest figures" in heads and "Trends" not in heads and not at.get("plotly_chart")
    shown = texts(at)
    assert "Only April 2014 is published so far, so there is no trend to show" in shown
    assert "South Yorkshire, April 2014. It was " in shown and "month by month for South Yorkshire" not in shown
    with warehouse.connect(db) as con:
        approve(con, ["2014-05"], PCC)
        publish(con, PCC, tmp_path / "out")
    at = public(monkeypatch, tmp_path / "out", "public_pages/summary.py")
    assert not at.exception
    heads = [h for _level, h in headings(at)]
    assert "Trends" in heads and "Latest figures" not in heads and len(at.get("plotly_chart")) >= 5
    assert "Only April 2014" not in texts(at)


def test_a_measure_s_page_charts_no_area_until_a_second_month_is_published(monkeypatch, sample_db, tmp_path):
    """Regression: with its first month published, a measure's own page opened "..., month by month" over a chart of
    one point for every area, where the summary gave the measure as its figure. Until a second month is published
    the page gives that month's figure for each area in a table and says there is no trend yet; once two months are,
    every area is charted as before."""
    db = copy_warehouse(sample_db, tmp_path)

    def arrests():
        at = public(monkeypatch, tmp_path / "out", "public_pages/measure.py")
        at.query_params["measure"] = "cse_arrests"
        at.run()
        assert not at.exception and not at.error
        return at

    with warehouse.connect(db) as con:
        approve(con, ["2014-04"], PCC)
        publish(con, PCC, tmp_path / "out")
    at = arrests()
    assert at.title[0].value == "Child sexual exploitation arrests" and not at.get("plotly_chart")
    shown = texts(at)
    assert ("for South Yorkshire and each district. Only April 2014 is published so far, so there is no trend to "
            "show") in shown and "month by month, for South Yorkshire" not in shown
    assert (2, "April 2014") in headings(at)
    [table] = [t for t in html_tables(at) if "Area" == t.index.name]
    assert list(table.index) == ["South Yorkshire", "Barnsley", "Doncaster", "Rotherham", "Sheffield"]

    with warehouse.connect(db) as con:
        approve(con, ["2014-05"], PCC)
        publish(con, PCC, tmp_path / "out")
    at = arrests()
    assert len(at.get("plotly_chart")) == 5
    shown = texts(at)
    assert "month by month, for South Yorkshire and each district" in shown and "no trend" not in shown
    assert (2, "April 2014") not in headings(at) and (2, "Rotherham") in headings(at)


def test_a_district_chosen_on_the_summary_lists_only_the_caveats_of_its_own_figures(monkeypatch, published):
    """Regression: with a district chosen, the summary's tables showed that district's figures only, but the caveats
    under them were every area's of those months (Sheffield's under Rotherham's figures). They are now the notes
    listed under each table, marking the figures they are published on."""
    from pipelines import public as public_side

    caveats = public_side.read("SELECT measure, area, period, text FROM caveat",
                               snapshot=public_side.current_snapshot(published))
    names = dict(public_side.read("SELECT id, name FROM measure", snapshot=public_side.current_snapshot(published))
                 .itertuples(index=False, name=None))
    window = [f"2014-{m:02d}" for m in range(8, 13)] + [f"2015-{m:02d}" for m in range(1, 8)]  # the latest 12 months
    lines = {a: [f"{public_side.spelled_out(names[r.measure])}, {a}, {public_side.month_text(r.period)}: {r.text}"
                 for r in caveats[(caveats["area"] == a) & caveats["period"].isin(window)].itertuples()]
             for a in set(caveats["area"])}
    assert lines.get("Rotherham") and lines.get("Sheffield"), "the sample has caveats for both in the 12 months"
    at = public(monkeypatch, published, "public_pages/summary.py")
    assert all(line in texts(at) for line in lines["Rotherham"] + lines["Sheffield"])  # every area: all of them
    at.selectbox(key="trend_area").select("Rotherham").run()
    assert not at.exception
    shown = texts(at)
    assert all(line in shown for line in lines["Rotherham"])
    others = [line for a, found in lines.items() if a != "Rotherham" for line in found]
    assert not [line for line in others if line in shown], "another area's caveat under Rotherham's figures"
    # each listed under the table as a note, its figure's cell marked with it
    assert all(re.search(rf"\[note \d+\] {re.escape(line)}", shown) for line in lines["Rotherham"])
    at.selectbox(key="trend_area").select("Barnsley").run()
    assert "Caveats published with these figures" not in texts(at) or lines.get("Barnsley")


def test_district_table_shows_suppression_markers_and_downloads_hold_no_small_count(monkeypatch, published):
    at = public(monkeypatch, published, "public_pages/tables.py")
    assert "July 2015" in texts(at) and "August 2015" not in texts(at)
    tables = [t for t in html_tables(at) if "Barnsley" in t.columns]  # each period by area
    assert len(tables) >= 16
    for table in tables:  # the force total first (seen on a phone without scrolling), then the districts
        assert list(table.columns[1:5]) == ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    # a figure with a caveat published on it is followed by its marker ("12 [note 1]")
    cells = [re.sub(r" \[notes? [^\]]+\]$", "", c) for table in tables for c in table.to_numpy().ravel().tolist()]
    assert "[c]" in cells
    for cell in cells:
        if cell not in ("[c]", "", "nan") and not cell.endswith("%"):
            assert float(cell.replace(",", "")) == 0 or float(cell.replace(",", "")) > 4
    from dashboard import public_data  # the table the download buttons serve

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    df = public_data.download_table()
    assert set(df["period"].str[:4]) <= {"2014", "2015", "Q1 2", "Q2 2", "Q3 2", "Q4 2", "12 m"}
    assert set(df[df["period_type"] == "rolling_12_months"]["period"]) == {"12 months to 2015-07"}, \
        "the 12 months to the latest published month, and no later"
    assert not any(p >= "2015-08" for p in df[df["period_type"] == "month"]["period"])
    numbers = df[~df["suppressed"] & ~df["value"].str.endswith("%")]["value"].str.replace(",", "").astype(float)
    assert not ((numbers >= 1) & (numbers <= 4)).any()
    assert json.loads(df.to_json(orient="records"))[0].keys() >= {"measure", "area", "period", "value"}


@pytest.mark.parametrize("measure", ["nonexistent", "cse_suspects_identified", None])
def test_a_measure_not_published_is_said_so_with_a_link_to_the_summary(monkeypatch, published, measure):
    """Regression: an unknown measure, one outside the published months (suspects are counted from 2023) or none
    at all said "Nothing has been published yet" although a snapshot was live."""
    from dashboard_helpers import PUBLIC
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    at = AppTest.from_file(PUBLIC, default_timeout=60)
    at.run()
    at.switch_page("public_pages/measure.py")
    if measure is not None:
        at.query_params["measure"] = measure
    at.run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert "Nothing published yet" not in shown and "Nothing has been published yet" not in shown
    assert at.title[0].value == "Measure not found"
    assert ("No measure was chosen." if measure is None else "There is no published measure by that name.") in shown
    links = {link.proto.label for link in at.get("page_link")}
    assert "Summary of the published figures" in links and "Child sexual exploitation arrests" in links


EVERY_PUBLIC_PAGE = sorted(f"public_pages/{p.name}" for p in (ROOT / "dashboard" / "public_pages").glob("*.py"))


def test_every_public_page_reads_the_snapshot_alone_never_the_reference_files(monkeypatch, published, tmp_path):
    """Regression: the pages read public_info.yaml and dimensions.yaml as they are now, so one broken file took
    every page down (report a concern and ask a question too); they now read what the snapshot was published with."""
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(tmp_path / "no-reference-files"))
    for page in EVERY_PUBLIC_PAGE:
        at = public(monkeypatch, published, page)
        assert not at.exception and not at.error, (page, [e.value for e in at.error])
        assert "999" in texts(at), page
    assert "Who is counted: breakdowns" in texts(public(monkeypatch, published, "public_pages/methodology.py"))
    concern = texts(public(monkeypatch, published, "public_pages/report_a_concern.py"))
    assert "Rotherham Council children's services" in concern


def test_a_snapshot_published_before_the_words_were_kept_reads_the_reference_files(monkeypatch, published,
                                                                                    tmp_path):
    import shutil

    import duckdb

    folder = tmp_path / "published"
    shutil.copytree(published, folder)
    con = duckdb.connect(str(next(folder.glob("snapshot-*.duckdb"))))
    con.execute("DELETE FROM meta WHERE key IN ('public_info', 'dimensions')")
    con.close()
    for page in ("public_pages/report_a_concern.py", "public_pages/summary.py", "public_pages/methodology.py"):
        at = public(monkeypatch, folder, page)
        assert not at.exception and not at.error, (page, [e.value for e in at.error])
    assert "Who is counted: breakdowns" in texts(at)  # the methodology's, the last page drawn


def test_the_public_app_never_loads_the_warehouse_code():
    """Run every public page in a fresh interpreter and list what it imported: no warehouse module."""
    script = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
os.environ["PCCDASH_PUBLISHED_DIR"] = "/nonexistent"
from streamlit.testing.v1 import AppTest
for page in {PUBLIC_PAGES!r}:
    at = AppTest.from_file({str(ROOT / "dashboard" / "public_app.py")!r}, default_timeout=60)
    at.run(); at.switch_page(page); at.run()
    assert not at.exception, at.exception
# pipelines.errors is the standard library's only (the sentences a fault is told in), and so is
# pipelines.uk_time (times in UK time); pipelines.yaml_lines reads YAML and nothing else; pipelines.settings reads
# environment variables (today's date, for the release calendar's months now late); pipelines.publish.language tells
# Welsh text by its words alone; pipelines.chart_text words a chart's accessible name, with the standard library alone
bad = sorted(m for m in sys.modules if m.startswith("pipelines") and m not in
             ("pipelines", "pipelines.public", "pipelines.exports", "pipelines.errors", "pipelines.inbox",
              "pipelines.plaintext", "pipelines.catalogue", "pipelines.publish", "pipelines.publish.content",
              "pipelines.publish.pages", "pipelines.publish.info", "pipelines.publish.downloads",
              "pipelines.publish.site", "pipelines.yaml_lines", "pipelines.office", "pipelines.uk_time",
              "pipelines.settings", "pipelines.publish.language", "pipelines.chart_text"))
print(bad)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_pages_are_built_once_per_publication_and_the_next_load_reads_a_new_one(monkeypatch, published, tmp_path):
    import shutil

    from dashboard import public_data

    folder = tmp_path / "published"
    shutil.copytree(published, folder)
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    first = public_data.page("pipelines.publish.pages.tables_page")
    assert public_data.page("pipelines.publish.pages.tables_page") is first  # shared, not built per visitor
    assert public_data.view() is public_data.view()
    assert public_data.file("pipelines.publish.downloads.to_csv") == public_data.file(
        "pipelines.publish.downloads.to_csv")
    # a withdrawal carried by the pointer changes what every visitor sees, from the next page load
    pointer = json.loads((folder / "current.json").read_text())
    pointer["withdrawals"] = [{"published_at": "2026-05-05T10:00:00", "withdrawn_at": "2026-05-06T09:00:00",
                               "reason": "A district's figures were entered twice."}]
    (folder / "current.json").write_text(json.dumps(pointer))
    again = public_data.page("pipelines.publish.pages.tables_page")
    assert again is not first and "entered twice" in repr(again.blocks) and "entered twice" not in repr(first.blocks)
    # nothing published any more: the pages say so, from the next load
    (folder / "current.json").unlink()
    gone = public_data.page("pipelines.publish.pages.tables_page")
    assert "Nothing has been published yet" in repr(gone.blocks) and not public_data.view().published


def test_a_download_row_for_a_quarter_year_or_12_months_carries_the_caveats_of_its_months(monkeypatch, published):
    """The pages list a month's caveat under every table whose period holds it (the 12 months, the financial year);
    the download gave it only on the month's own row, so the year's figure read as clean there."""
    import io

    import pandas as pd

    from dashboard import public_data

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    df = pd.read_csv(io.BytesIO(public_data.download_files()["published-figures.csv"]()), dtype=str,
                     keep_default_na=False).rename(columns={"measure_id": "measure"})
    rows = df[df["measure"].eq("victims_supported") & df["caveats"].astype(str).str.contains("moved sharply")]
    month = rows[rows["period_type"] == "month"].iloc[0]
    area, period = month["area"], month["period"]
    words = pd.Timestamp(f"{period}-01").strftime("%B %Y")
    year = f"{int(period[:4]) - (int(period[5:]) < 4)}/"
    fy = df[df["measure"].eq("victims_supported") & df["area"].eq(area) & df["period_type"].eq("financial_year")
            & df["period"].str.startswith(year)].iloc[0]
    assert f"{words}: " in fy["caveats"] and "moved sharply" in fy["caveats"]
    quarter = df[df["measure"].eq("victims_supported") & df["area"].eq(area) & df["period_type"].eq("quarter")
                 & df["caveats"].str.contains(words)]
    assert len(quarter) == 1
    assert month["caveats"].startswith("This figure moved sharply")  # the month's own row says it as before


def test_the_spreadsheet_notes_say_the_marker_once_and_where_earlier_values_are(monkeypatch, published):
    """Note 1 read "[c] Suppressed: [c] Not shown: ..."; note 3 said "Earlier releases stay available", though the
    pages offer no earlier release: a revised figure's earlier value is in the revisions on the tables page."""
    import io

    from openpyxl import load_workbook

    from dashboard import public_data

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    wb = load_workbook(io.BytesIO(public_data.download_files()["published-figures.xlsx"]()))
    notes = {row[0]: row[1] for row in wb["Notes"].iter_rows(values_only=True) if row[0]}
    assert notes["[note 1]"].startswith("[c] Not shown: ") and notes["[note 1]"].count("Not shown: ") == 1
    assert "Earlier releases" not in notes["[note 3]"] and "Tables and downloads" in notes["[note 3]"]


def test_the_spreadsheet_says_a_revised_figure_hidden_since_is_marked_by_its_date_not_its_status(tmp_path):
    """Regression: a figure revised and hidden since (Sheffield's charges corrected from 0 to a small number) has the
    status "suppressed" and a Last revised date, but the spreadsheet said "the Status column says revised" and
    "Revised figures are marked in the Status column": a reader looked for "revised" and found none."""
    import io

    import pandas as pd
    from helpers import write_tables
    from openpyxl import load_workbook

    from pipelines.publish import downloads
    from pipelines.publish.content import SnapshotView

    path = tmp_path / "snapshot-0001.duckdb"
    tables = {
        "meta": pd.DataFrame({"key": ["marker", "force", "districts"],
                              "value": ["[c]", "Shire Police", '["Northtown", "Southtown"]']}),
        "measure": pd.DataFrame({"id": ["cse_charges"], "name": ["CSE charges"], "short_name": ["CSE charges"],
                                 "unit": ["people"], "kind": ["flow"]}),
        "figure": pd.DataFrame({"measure": ["cse_charges"] * 3, "area": ["Shire", "Northtown", "Southtown"],
                                "period": ["2026-04"] * 3, "period_type": ["month"] * 3, "value": [None, None, 12.0],
                                "display": ["[c]", "[c]", "12"], "suppressed": [True, True, False]}),
        "revision": pd.DataFrame({"measure": ["cse_charges"], "area": ["Northtown"], "period": ["2026-04"],
                                  "period_type": ["month"], "previous_display": ["0"], "new_display": ["[c]"],
                                  "revised_at": pd.to_datetime(["2026-06-12 10:00"]), "version": [2],
                                  "reason": ["The force corrected the charges"]}),
    }
    write_tables(path, tables)
    view = SnapshotView(str(path))
    [row] = downloads.frame(view).query("area == 'Northtown'").to_dict("records")
    assert (row["status"], row["last_revised"]) == ("suppressed", "12 June 2026")
    wb = load_workbook(io.BytesIO(downloads.to_xlsx(view)))
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(values_only=True) if r[0]}
    assert "Its Status column says Revised, or Not shown when the revised figure is hidden" in notes["[note 3]"]
    assert "Last revised gives the date" in notes["[note 3]"]
    intro = wb["Months"]["A2"].value
    assert "marked in the Status column" not in intro and "in the Last revised column [note 3]" in intro


def _charges_snapshot(path, meta: dict, more: dict | None = None) -> None:
    """A snapshot of April 2026's CSE charges in Shire (20), Northtown (not shown) and Southtown (12), with its `meta`
    keys and any `more` tables, for the spreadsheet's words."""
    import pandas as pd
    from helpers import write_tables

    write_tables(path, {
        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())}),
        "measure": pd.DataFrame({"id": ["cse_charges"], "name": ["CSE charges"], "short_name": ["CSE charges"],
                                 "unit": ["people"], "kind": ["flow"]}),
        "figure": pd.DataFrame({"measure": ["cse_charges"] * 3, "area": ["Shire", "Northtown", "Southtown"],
                                "period": ["2026-04"] * 3, "period_type": ["month"] * 3,
                                "value": [20.0, None, 12.0], "display": ["20", "[c]", "12"],
                                "suppressed": [False, True, False]}),
        **(more or {}),
    })


def test_the_spreadsheets_status_column_says_the_status_in_words_as_the_pages_do_with_its_code_beside(tmp_path):
    """A person reads the spreadsheet: its Months sheet's Status column said "suppressed", where every page says "Not
    shown" and the CSV gives status_in_words beside its code. Now the Status column says "Not shown", "Revised" or
    "Published", the code stays in a Status code column, and the Notes sheet says which is which."""
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from pipelines.publish import downloads
    from pipelines.publish.content import SnapshotView

    path = tmp_path / "snapshot-0002.duckdb"
    _charges_snapshot(path, {"marker": "[c]", "force": "Shire Police", "districts": '["Northtown", "Southtown"]'}, {
        "revision": pd.DataFrame({"measure": ["cse_charges"], "area": ["Southtown"], "period": ["2026-04"],
                                  "period_type": ["month"], "previous_display": ["10"], "new_display": ["12"],
                                  "revised_at": pd.to_datetime(["2026-06-12 10:00"]), "version": [2],
                                  "reason": ["The force corrected the charges"]}),
    })
    view = SnapshotView(str(path))
    wb = load_workbook(io.BytesIO(downloads.to_xlsx(view)))
    grid = list(wb["Months"].iter_rows(min_row=4, values_only=True))
    rows = {r[grid[0].index("Area")]: dict(zip(grid[0], r, strict=True)) for r in grid[1:]}
    said = {area: (r["Value"], r["Status"], r["Status code"]) for area, r in rows.items()}
    assert said == {"Shire": (20, "Published", "published"), "Northtown": ("[c]", "Not shown", "suppressed"),
                    "Southtown": (12, "Revised", "revised")}, said
    csv = pd.read_csv(io.BytesIO(downloads.to_csv(view)))
    in_csv = sorted(zip(csv["status_in_words"], csv["status"], strict=True))
    assert in_csv == sorted((s, c) for _v, s, c in said.values())
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(values_only=True) if r[0]}
    assert "its Status column says Not shown" in notes["[note 1]"]
    assert "published, revised, or suppressed for a figure not shown" in notes["[note 1]"]


@pytest.mark.parametrize("footnote", [None, "[c] Not shown: a count from 1 to 4, or a figure from which one could be "
                                            "worked out, so that no child can be identified.",
                                      "[c] Suppressed: a count from 1 to 4, or a figure that would let one be worked "
                                      "out, is not shown so that no child can be identified."])
def test_the_spreadsheet_says_a_figure_is_not_shown_in_the_words_of_the_pages_not_suppressed(tmp_path, footnote):
    """Regression: the spreadsheet's note 1 opened "[c] Suppressed:" and every sheet said "Figures shown as [c] are
    suppressed", where the pages, the CSV's and JSON's status in words and the spreadsheet's own Status column say
    "Not shown": a reader who had never met the word was told the figure's status in a code. The notes and the
    sheets say "not shown", of a publication made before the footnote said so too; "suppressed" is named only as
    the Status code column's code for it."""
    import io

    from openpyxl import load_workbook

    from pipelines.publish import downloads
    from pipelines.publish.content import SnapshotView

    path = tmp_path / "snapshot-0001.duckdb"
    meta = {"marker": "[c]", "force": "Shire Police", "districts": '["Northtown", "Southtown"]',
            **({"footnote": footnote} if footnote else {})}
    _charges_snapshot(path, meta)
    wb = load_workbook(io.BytesIO(downloads.to_xlsx(SnapshotView(str(path)))))
    note = next(r[1] for r in wb["Notes"].iter_rows(values_only=True) if r[0] == "[note 1]")
    assert note.startswith(("[c] Not shown", "[c] marks a figure not shown. A count from 1 to 4")), note
    assert note.count("[c]") == 2 and "A figure not shown has [c] in the Value column" in note, note
    # the code is named once, as the code it is, with what it means
    assert note.lower().count("suppress") == 1 and "or suppressed for a figure not shown." in note, note
    intro = wb["Months"]["A2"].value
    assert "A figure marked [c] is not shown [note 1]." in intro and "suppress" not in intro.lower(), intro


def test_every_abbreviation_in_a_measures_name_is_spelled_out_as_the_definitions_page_says():
    """The public pages name measures in words: each abbreviation the catalogue's names use is known, and spelled out
    as public_info.yaml's "Words used on these pages" defines it."""
    import yaml

    from pipelines.catalogue import catalogue, reference_dir
    from pipelines.public import ABBREVIATIONS, spelled_out

    used = {w.rstrip("s") for m in catalogue().measures for text in (m.name, m.short_name)
            for w in re.findall(r"\b[A-Z]{2,}s?\b", text)}
    assert used and used <= set(ABBREVIATIONS), used - set(ABBREVIATIONS)
    terms = yaml.safe_load((reference_dir() / "public_info.yaml").read_text(encoding="utf-8"))["terms"]
    defined = {m[2]: m[1].lower() for t in terms if (m := re.fullmatch(r"(.+) \(([A-Z]{2,})\)", t["term"]))}
    assert {a: w for a, w in ABBREVIATIONS.items() if a in defined} == defined
    assert spelled_out("CAWNs issued") == "Child abduction warning notices issued"
    assert spelled_out("SHPOs and SROs") == "Sexual harm prevention orders and sexual risk orders"
    assert spelled_out("Live CSE investigations") == "Live child sexual exploitation investigations"
    assert spelled_out("Victims supported") == "Victims supported"
    assert spelled_out("CSEA") == "CSEA"  # a whole word only


ABBREVIATED = re.compile(r"\b(CSE|CCE|CAWN|SHPO|SRO|NFA|ASB)s?\b")


def test_the_public_pages_name_each_measure_in_words_not_by_its_abbreviation(monkeypatch, published):
    """Regression: chart titles, their tables, the links to a measure's page and that page's title named measures by
    their short names ("CAWNs issued", "SHPOs and SROs", "CSE charges"), each explained only on the Definitions
    page, and the tables' rows and the sentences under the charts used "CSE" unexplained."""
    from pipelines import public as public_side
    from pipelines.publish import pages
    from pipelines.publish.content import Chart, Details, Heading, Link, SnapshotView, Table

    view = SnapshotView(public_side.current_snapshot(published), public_side.pointer(published))

    def said(blocks):
        for b in blocks:
            if isinstance(b, Details):
                yield from said(b.blocks)
            elif isinstance(b, Heading | Link):
                yield b.text
            elif isinstance(b, Table | Chart):
                table = b if isinstance(b, Table) else b.table
                yield from (table.caption, *(row[0].text for row in table.rows))
                if isinstance(b, Chart):
                    yield from (b.title, b.sentence)

    built = [pages.summary_page(view), pages.tables_page(view), pages.no_such_measure(view, "measure-", ""),
             *(pages.summary_page(view, area=a) for a in pages.districts(view)),
             *(pages.measure_page(view, m.id) for m in pages.measures(view))]
    titles = [(p.title, t) for p in built for t in (p.title, *said(p.blocks))]
    assert len(titles) > 500
    assert not [pt for pt in titles if ABBREVIATED.search(pt[1])], [pt for pt in titles if ABBREVIATED.search(pt[1])]
    shpo = pages.measure_page(view, "shpo_sro_issued")
    assert shpo.title == "Sexual harm prevention orders and sexual risk orders"
    # as the app draws them: the measure's page title and every chart's title
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    at = AppTest.from_file(PUBLIC, default_timeout=60)
    at.run()
    at.switch_page("public_pages/measure.py")
    at.query_params["measure"] = "cawn_issued"
    at.run()
    assert at.title[0].value == "Child abduction warning notices issued"
    at = public(monkeypatch, published, "public_pages/summary.py")
    charts = [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
              for c in at.get("plotly_chart")]
    assert len(charts) >= 8 and not [t for t in charts if ABBREVIATED.search(t)], charts
    assert "Child abduction warning notices issued, South Yorkshire, by month" in charts


def chart_titles(at) -> list[str]:
    """The titles of the charts the app drew, each as one line (the app breaks a long one into lines)."""
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def test_each_chart_names_the_measure_under_its_heading_and_its_area_and_view_in_the_app_and_on_the_static_site(
        monkeypatch, published, tmp_path):
    """Regression: each public chart was titled with its measure's name alone ("Officer headcount"), the area and the
    months it shows said only in the heading and the paragraph above it, so that a chart saved or shared on its own
    (a screenshot, an image in a newspaper) did not say whose figures it drew; and the static site drew no title on
    its chart at all. Each chart's title now begins with the measure its heading names (the short name, as before:
    the summary once headed a chart with the full name over a chart titled with the short one, as if they were two
    measures), then names its area and its view ("Officer headcount, South Yorkshire, by month"), in the app and on
    the static site alike; the headings above stay as they were."""
    import html
    import re

    from pipelines import public as public_side
    from pipelines.publish import pages
    from pipelines.publish.content import Chart, Heading, SnapshotView
    from pipelines.publish.site import build_site

    view = SnapshotView(public_side.current_snapshot(published), public_side.pointer(published))
    force, districts = pages.force_area(view), pages.districts(view)
    assert force == "South Yorkshire" and "Rotherham" in districts

    def headed(page) -> list[tuple[str, Chart]]:
        blocks = list(page.blocks)
        found = [(blocks[i - 1], b) for i, b in enumerate(blocks) if isinstance(b, Chart)]
        assert found and all(isinstance(h, Heading) for h, _c in found), page.slug
        return [(h.text, c) for h, c in found]

    # the summary: each chart under the measure's name, titled with it, the area shown and the view
    for area in (None, "Rotherham"):
        charts = headed(pages.summary_page(view, area=area))
        assert len(charts) >= 8
        for heading, c in charts:
            assert c.title == f"{heading}, {area or force}, by month", (heading, c.title)
            assert c.table.caption == c.title  # its data table says the same
    assert ("Officer headcount", "Officer headcount, South Yorkshire, by month") in [
        (h, c.title) for h, c in headed(pages.summary_page(view))]
    # a measure's page: titled with the measure, each chart headed by its area; the chart names both and the view
    page = pages.measure_page(view, "officer_headcount")
    assert page.title == "Officer headcount"
    said = ("Officer headcount: officers and staff in post who need child sexual exploitation awareness training, "
            "month by month")
    assert any(getattr(b, "text", "").startswith(said) for b in page.blocks)
    charts = headed(page)
    assert [h for h, _c in charts] == [force, *districts]
    assert [c.title for _h, c in charts] == [f"Officer headcount, {a}, by month" for a in (force, *districts)]

    # the app draws those titles over its charts, under the headings the page gives
    at = public(monkeypatch, published, "public_pages/summary.py")
    assert not at.exception
    drawn = chart_titles(at)
    heads = [h.value.replace("\\", "") for h in at.subheader]
    assert len(drawn) >= 8 and [t for t in drawn if not any(t.startswith(f"{h}, ") for h in heads)] == [], (
        drawn, heads)
    assert all(t.endswith(f", {force}, by month") for t in drawn), drawn
    at.selectbox(key="trend_area").select("Rotherham").run()
    assert not at.exception
    assert chart_titles(at) and all(t.endswith(", Rotherham, by month") for t in chart_titles(at)), chart_titles(at)
    at.switch_page("public_pages/measure.py")
    at.query_params["measure"] = "officer_headcount"
    at.run()
    assert not at.exception
    assert chart_titles(at) == [c.title for _h, c in charts]

    # the static site draws each chart's title over it, the same words naming the picture
    build_site(view, tmp_path)
    chart_html = (r"<h3>([^<]*)</h3>\s*<figure class=\"chart\"><p class=\"chart-title\"[^>]*>([^<]*)</p>"
                  r"<svg[^>]*><title[^>]*>([^<]*)</title>")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    found = [tuple(html.unescape(x) for x in t) for t in re.findall(chart_html, index)]
    assert len(found) == len(headed(pages.summary_page(view))), found[:3]
    assert all(title == f"{heading}, {force}, by month" and named == title for heading, title, named in found), found
    measure = (tmp_path / "measure-officer_headcount.html").read_text(encoding="utf-8")
    found = [tuple(html.unescape(x) for x in t) for t in re.findall(chart_html.replace("h3", "h2"), measure)]
    assert [(h, t) for h, t, _n in found] == [(h, c.title) for h, c in charts], found
    assert all(named == title for _h, title, named in found)
    # the key under each chart names its line, the measure, as before: the area and view are in the title over it
    assert measure.count('<span class="key-line"></span> Officer headcount (') == len(charts)


def _two_publications(folder):
    """A published folder's two states around a withdrawal: snapshot 2 in force, then withdrawn back to 1."""
    folder.mkdir()
    for n in (1, 2):
        (folder / f"snapshot-000{n}.duckdb").write_bytes(b"")  # only their names are read here
    before = {"file": "snapshot-0002.duckdb", "version": 2, "withdrawals": []}
    after = {"file": "snapshot-0001.duckdb", "version": 1,
             "withdrawals": [{"version": 2, "published_at": "2026-11-20T10:00:00", "withdrawn_at":
                              "2026-11-21T10:00:00", "reason": "double counted"}]}
    return before, after


def test_the_snapshot_and_what_its_pointer_says_beside_it_come_from_one_reading(monkeypatch, tmp_path):
    """Regression: the snapshot was read from the pointer, then the pointer read again for the withdrawals beside it,
    so a withdrawal switching it in between showed the withdrawn snapshot's figures under its own withdrawal."""
    from dashboard import public_data
    from pipelines import public as public_side

    folder = tmp_path / "published"
    before, after = _two_publications(folder)
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    readings = iter([before, after, after, after])
    monkeypatch.setattr(public_side, "pointer", lambda folder=None: next(readings))  # switched after the first
    snapshot, said = public_data.snapshot_state()
    assert (snapshot, json.loads(said)["withdrawals"]) == (str(folder / "snapshot-0002.duckdb"), [])


def test_one_run_of_the_public_app_reads_one_publication_whatever_is_switched_meanwhile(monkeypatch, tmp_path):
    """A page reads the publication several times as it is drawn (the pickers' months, the page, the downloads): a
    switch in between showed part of the page from each publication."""
    from dashboard import public_data
    from pipelines import public as public_side

    folder = tmp_path / "published"
    before, after = _two_publications(folder)
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    (folder / public_side.POINTER).write_text(json.dumps(before))
    with public_data.one_publication():
        first = public_data.snapshot_state()
        (folder / public_side.POINTER).write_text(json.dumps(after))  # a withdrawal while the page is drawn
        assert public_data.snapshot_state() == first and public_data.snapshot_key() == first[0]
    assert public_data.snapshot_state()[0] == str(folder / "snapshot-0001.duckdb")  # the next run reads it
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "none yet"))
    readings = []
    real = public_data._state_now
    monkeypatch.setattr(public_data, "_state_now", lambda: readings.append(1) or real())
    at = AppTest.from_file(PUBLIC, default_timeout=60)
    at.run()
    assert not at.exception and len(readings) == 1  # the app's run reads the pointer once


def test_an_earlier_financial_year_s_tables_are_a_page_of_the_app_linked_from_the_tables_page(monkeypatch, sample_db,
                                                                                              tmp_path):
    """Three financial years published: the tables page shows the latest two and links to 2014/15's page, which
    the app shows (as the static site's tables-2014-15.html) with its figures by area."""
    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        approve(con, [f"{y}-{m:02d}" for y, m in [(2014, m) for m in range(4, 13)] + [(2015, m) for m in range(1, 13)]
                      + [(2016, m) for m in range(1, 6)]], PCC)
        publish(con, PCC, tmp_path / "out")
    at = public(monkeypatch, tmp_path / "out", "public_pages/tables.py")
    assert not at.exception
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    label = "Financial year 2014/15: April 2014 to March 2015"
    assert label in links, links
    at.switch_page("public_pages/tables_year.py")
    at.query_params["year"] = "2014-15"
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Tables for the financial year 2014/15"
    captions = texts(at)
    assert "April 2014 to March 2015 (financial year 2014/15)" in captions
    tables = [t for t in html_tables(at) if "Barnsley" in t.columns]
    assert len(tables) == 1 + 4 + 12  # the year, its quarters and its months (no 12 months end in it)


def test_the_release_calendar_reads_late_in_the_running_app_once_a_planned_day_has_passed(monkeypatch, published):
    """The public app builds a page once and shares it: the release calendar built while November 2026 was expected
    (on 21 December 2026) went on saying "Expected" in January, the app still running, until the next publication."""
    def november(day: str) -> list[str]:
        monkeypatch.setenv("PCCDASH_TODAY", day)
        at = public(monkeypatch, published, "public_pages/release_calendar.py")
        [to_come] = [t for t in html_tables(at) if "Planned publication" in t.columns]
        return to_come.loc["November 2026"].tolist()

    assert november("2026-11-21") == ["21 December 2026", "Expected"]
    assert november("2027-01-05") == ["21 December 2026", "Not yet published: later than planned"]


def test_the_release_calendar_says_each_table_s_heading_once_in_the_running_app(monkeypatch, published):
    """Regression: each of the calendar's headings was shown again, in bold, as the caption of the table under it.
    The caption stays, for a screen reader, hidden from sight by the page's own style."""
    at = public(monkeypatch, published, "public_pages/release_calendar.py")
    assert not at.exception
    assert [h.value for h in at.header] == ["Releases to come", "Months published"]
    bodies = [e.proto.body for e in at.get("html") if "<table" in e.proto.body]
    assert all("caption.visually-hidden { position: absolute" in b for b in bodies)
    assert re.search(r'<caption id="[^"]+" class="visually-hidden">Releases to come</caption>', bodies[0])
    # the months published, more than 12, open with a sentence: the table under it is named by its own words, shown
    assert re.search(r'<caption id="[^"]+">The latest 12 months published</caption>', bodies[1])
    assert not any(re.search(r"<caption[^>]*>Months published</caption>", b) for b in bodies)


def test_the_release_calendar_folds_the_months_before_the_latest_12_in_the_running_app(monkeypatch, published):
    """The app folds the months published before the latest 12 by financial year, as the static site does: an
    expander whose label says how many months, which and when they were published, over their table."""
    at = public(monkeypatch, published, "public_pages/release_calendar.py")
    assert not at.exception
    assert ("16 months have been published. The latest 12 are listed first; the 4 before them are folded by "
            "financial year") in texts(at)
    latest = next(t for t in html_tables(at) if "First published" in t.columns)
    assert list(latest.index) == [f"{m:%B %Y}" for m in pd.date_range("2014-08", "2015-07", freq="MS")][::-1]
    (fold,) = at.expander
    label = re.sub(r"\\(.)", r"\1", fold.proto.label)  # as read: Markdown's escapes removed
    assert re.fullmatch(r"Financial year 2014/15: 4 earlier months, April 2014 to July 2014, first published in "
                        r"\w+ \d{4}", label), label
    inside = [e.proto.body for e in fold.get("html") if "<table" in e.proto.body]
    assert len(inside) == 1
    (folded,) = tables_in(inside[0])
    assert list(folded.index) == ["July 2014", "June 2014", "May 2014", "April 2014"]


def test_a_measures_page_gives_the_caveats_published_on_its_figures_under_each_areas_chart(monkeypatch, sample_db,
                                                                                           tmp_path):
    """Regression: an analyst's flag published on a month that is no longer the latest was read nowhere on the public
    pages: the summary lists the caveats of the latest period only, and the measure's own page, which shows every
    month published, listed none. Each area's chart there is now followed by the caveats published on its figures,
    listed under its data table, whose cells they mark."""
    from pipelines import public as public_side
    from pipelines.flags import raise_flag
    from pipelines.publish import pages
    from pipelines.publish.content import Chart, Heading, SnapshotView

    db = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(db) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Arrests keyed twice?", period="2014-10",
                   district="Rotherham", measure="cse_arrests")
        approve(con, APPROVED, PCC)
        publish(con, PCC, tmp_path / "out")
    flagged = "An analyst has flagged this figure for a data-quality check."
    in_total = "An analyst has flagged a figure within this total for a data-quality check."
    view = SnapshotView(public_side.current_snapshot(tmp_path / "out"), public_side.pointer(tmp_path / "out"))
    page = pages.measure_page(view, "cse_arrests")
    under: dict[str, list[str]] = {}
    area = None
    for b in page.blocks:
        if isinstance(b, Heading):
            area = b.text
        elif isinstance(b, Chart):
            under.setdefault(area, []).extend(b.table.notes)
    name = "People arrested on suspicion of child abuse offences"
    assert f"[note 1] {name}, Rotherham, October 2014: {flagged}" in under.get("Rotherham", [])
    assert f"[note 1] {name}, South Yorkshire, October 2014: {in_total}" in under.get("South Yorkshire", [])
    assert not [line for a, lines in under.items() if a != "Rotherham" for line in lines if "Rotherham" in line]
    # the app draws the same page: the flag is read there, folded under Rotherham's chart
    at = public(monkeypatch, tmp_path / "out", "public_pages/measure.py")
    at.query_params["measure"] = "cse_arrests"
    at.run()
    assert not at.exception
    assert f"{name}, Rotherham, October 2014: {flagged}" in texts(at)
