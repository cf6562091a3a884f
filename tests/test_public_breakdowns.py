"""A published breakdown is shown to the public as the snapshot holds it: on its measure's page (static site and app)
a table of its categories in the stored order by financial year, "not recorded" as a row, the share recorded as a
labelled row of "% of all", a hidden cell as the marker; the same rows are in every download; and a snapshot from
before breakdowns were published, or one whose breakdown is wholly hidden, still builds and renders."""

from __future__ import annotations

import csv
import io
import json
import shutil
from html import unescape
from pathlib import Path

import duckdb
import pytest
from dashboard_helpers import PCC, PUBLIC, copy_warehouse, downloads_of, html_tables, public, tables_in, texts
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from pipelines import warehouse
from pipelines.catalogue import dimensions
from pipelines.publish import pages, site
from pipelines.publish.approval import approve
from pipelines.publish.content import SnapshotView, Table
from pipelines.publish.snapshot import publish

pytestmark = pytest.mark.slow  # builds and publishes the sample warehouse

YEAR = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)]
SUSPECTS = "cse_suspects_identified"
SHARE_ROW = "Share recorded (% of all)"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def published(sample_db, tmp_path_factory) -> Path:
    """The sample with 2023/24 approved and published: the first year every breakdown was sent."""
    base = tmp_path_factory.mktemp("public-breakdowns")
    db = copy_warehouse(sample_db, base)
    with warehouse.connect(db) as con:
        approve(con, YEAR, PCC)
        publish(con, PCC, base / "published")
    return base / "published"


def view_of(folder: Path) -> SnapshotView:
    from pipelines import public as reader

    return SnapshotView(reader.current_snapshot(folder), reader.pointer(folder))


def altered(folder: Path, dest: Path, *sql: str) -> Path:
    """A copy of the publication whose current snapshot has been changed by `sql` (an older or another snapshot)."""
    shutil.copytree(folder, dest)
    snap = view_of(dest).path
    con = duckdb.connect(str(snap))
    try:
        for statement in sql:
            con.execute(statement)
    finally:
        con.close()
    return dest


def built_site(folder: Path, out: Path) -> dict[str, Path]:
    out.mkdir()
    return {f.name: f for f in site.build_site(view_of(folder), out)}


def stored(folder: Path, measure: str):
    rows = view_of(folder).table("breakdown")
    return rows[rows["measure"] == measure]


def breakdown_table(tables, dimension_name: str):
    found = [t for t in tables if t.index.name == dimension_name]
    assert len(found) == 1, [t.index.name for t in tables]
    return found[0]


def measure_app(monkeypatch, folder: Path, measure: str) -> AppTest:
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    monkeypatch.delenv("PCCDASH_DB", raising=False)
    at = AppTest.from_file(PUBLIC, default_timeout=60)
    at.run()
    at.switch_page("public_pages/measure.py")
    at.query_params["measure"] = measure
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_static_page_shows_the_categories_by_year_with_not_recorded_and_the_share_recorded(published, tmp_path):
    files = built_site(published, tmp_path / "site")
    html = files[f"measure-{SUSPECTS}.html"].read_text(encoding="utf-8")
    rows = stored(published, SUSPECTS)
    table = breakdown_table(tables_in(html), "Ethnicity of the suspect")
    assert list(table.columns) == ["2023/24"], "the force by financial year: no district, no month"
    counts = rows[rows["category"] != "share_recorded"]
    assert list(table.index) == [*counts["label"], SHARE_ROW], "the stored order, the share recorded last"
    assert "Not recorded" in table.index and "Not stated" in table.index and "White" in table.index
    for r in rows.itertuples():
        shown = table.loc[SHARE_ROW if r.category == "share_recorded" else r.label, r.period]
        assert shown == r.display
    assert table.loc[SHARE_ROW, "2023/24"].endswith("%")
    text = " ".join(html.replace("&#x27;", "'").split())
    assert "Child sexual exploitation suspects identified by ethnicity of the suspect" in text
    assert ("Share recorded: the percentage of all the people counted here for whom the force recorded the ethnicity "
            "of the suspect") in text
    assert "for South Yorkshire as a whole, for each financial year" in text
    assert view_of(published).meta["footnote"] in text, "the marker's meaning, in the words used everywhere"
    assert "published-breakdowns.csv" in files["tables.html"].read_text(encoding="utf-8")


def test_a_hidden_category_shows_the_marker_on_its_page_and_nothing_never_published_is_shown(published, tmp_path):
    files = built_site(published, tmp_path / "site")
    view = view_of(published)
    rows = view.table("breakdown")
    marker = view.meta["marker"]
    hidden = 0
    for measure, part in rows.groupby("measure"):
        name = pages.dimension_words(part["dimension"].iloc[0])[0]
        table = breakdown_table(tables_in(files[f"measure-{measure}.html"].read_text(encoding="utf-8")),
                                name[:1].upper() + name[1:])
        for r in part.itertuples():
            shown = table.loc[SHARE_ROW if r.category == "share_recorded" else r.label, r.period]
            if r.suppressed:
                hidden += 1
                assert shown == marker
            else:
                assert shown == r.display and shown != marker
    assert hidden, "the sample's 2023/24 hides a category: the check must meet one"
    # no page shows a never-published breakdown (the methodology may name one, to say it is never shown)
    never = {dimensions().get(d).name for d in dimensions().never_published}
    for path in files.values():
        if path.suffix == ".html" and path.stem != "methodology":
            assert not [n for n in never if n in path.read_text(encoding="utf-8")], path.name


def test_the_public_app_s_measure_page_shows_the_breakdown(monkeypatch, published):
    from dashboard_helpers import html_tables

    at = measure_app(monkeypatch, published, SUSPECTS)
    shown = " ".join(texts(at).split())
    assert "Child sexual exploitation suspects identified by ethnicity of the suspect" in shown
    assert "Share recorded: the percentage of all the people counted here" in shown
    table = breakdown_table(html_tables(at), "Ethnicity of the suspect")
    rows = stored(published, SUSPECTS)
    assert list(table.index) == [*rows["label"][rows["category"] != "share_recorded"], SHARE_ROW]
    assert table.loc["Not recorded", "2023/24"] == rows[rows["category"] == "not_recorded"]["display"].iloc[0]
    other = measure_app(monkeypatch, published, "cse_charges")
    assert "Share recorded" not in texts(other), "a measure without a published breakdown has no such section"


def test_the_downloads_carry_every_breakdown_row(published, tmp_path, monkeypatch):
    files = built_site(published, tmp_path / "site")
    view = view_of(published)
    rows = view.table("breakdown")
    marker = view.meta["marker"]
    key = list(zip(rows["measure"], rows["dimension"], rows["category"], rows["period"], strict=True))
    got_csv = list(csv.DictReader(io.StringIO(files["published-breakdowns.csv"].read_text(encoding="utf-8"))))
    body = json.loads(files["published-figures.json"].read_text(encoding="utf-8"))
    ws = load_workbook(files["published-figures.xlsx"])["Breakdowns"]
    grid = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(grid) if r and r[0] == "Measure")
    got_xlsx = [dict(zip(grid[head], r, strict=True)) for r in grid[head + 1:]]
    assert [(r["measure_id"], r["dimension"], r["category"], r["period"]) for r in got_csv] == key
    assert [(r["measure_id"], r["dimension"], r["category"], r["period"]) for r in body["breakdowns"]] == key
    assert [(r["Measure code"], r["Breakdown code"], r["Category code"], r["Financial year"]) for r in got_xlsx] == key
    assert len(body["rows"]) == len(view.table("figure")), "the figures' rows are the figures only"
    for r, c, j, x in zip(rows.itertuples(), got_csv, body["breakdowns"], got_xlsx, strict=True):
        assert c["area"] == j["area"] == x["Area"] == r.area
        if r.suppressed:
            assert c["value"] == "" and c["status"] == "suppressed" and c["marker"] == marker
            assert j["value"] is None and x["Value"] == marker
        else:
            assert float(c["value"]) == j["value"] == x["Value"] == pytest.approx(r.value)
            assert c["status"] == "published" and c["marker"] == ""
        share = r.category == "share_recorded"
        assert c["unit"].startswith("per cent of all") == share, "a percentage says what it is a percentage of"
    assert any(r["status"] == "suppressed" for r in got_csv)
    # the app offers the same file
    served = downloads_of(monkeypatch)
    at = public(monkeypatch, published, "public_pages/tables.py")
    assert not at.exception, at.exception
    offered = [b for b in at.get("download_button") if "breakdowns" in str(b.proto.label).lower()]
    assert offered
    assert any(name == "published-breakdowns.csv" and data == files["published-breakdowns.csv"].read_bytes()
               for name, data in served)


def test_the_breakdowns_are_named_as_published_whatever_dimensions_yaml_says_now(published, tmp_path, monkeypatch):
    """Regression: a breakdown's name and its not-recorded rows came from dimensions.yaml as it is now, so a broken
    file stopped the measure's page and the methodology; they now come from what the snapshot was published with."""
    before = built_site(published, tmp_path / "before")
    broken = tmp_path / "reference"
    shutil.copytree(ROOT / "pipelines" / "reference", broken)
    (broken / "dimensions.yaml").write_text("dimensions: 3\n", encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(broken))
    after = built_site(published, tmp_path / "after")
    for name in (f"measure-{SUSPECTS}.html", "tables.html", "methodology.html", "published-breakdowns.csv"):
        assert after[name].read_bytes() == before[name].read_bytes(), name
    at = measure_app(monkeypatch, published, SUSPECTS)
    assert not at.error and ("Child sexual exploitation suspects identified by ethnicity of the suspect"
                             in " ".join(texts(at).split()))
    method = public(monkeypatch, published, "public_pages/methodology.py")
    assert not method.error and "Who is counted: breakdowns" in texts(method)


def test_a_snapshot_without_the_breakdown_table_builds_and_renders_without_a_section(published, tmp_path,
                                                                                   monkeypatch):
    older = altered(published, tmp_path / "older", "DROP TABLE breakdown")
    files = built_site(older, tmp_path / "site")
    assert "published-breakdowns.csv" not in files
    for name in (f"measure-{SUSPECTS}.html", "tables.html"):
        text = files[name].read_text(encoding="utf-8")
        assert "Share recorded" not in text and "ethnicity of the suspect" not in text and "breakdowns" not in text
    assert tables_in(files[f"measure-{SUSPECTS}.html"].read_text(encoding="utf-8")), "its monthly tables remain"
    assert json.loads(files["published-figures.json"].read_text(encoding="utf-8"))["breakdowns"] == []
    assert "Breakdowns" not in load_workbook(files["published-figures.xlsx"]).sheetnames
    at = measure_app(monkeypatch, older, SUSPECTS)
    assert "Share recorded" not in texts(at) and "South Yorkshire" in texts(at)
    tables = public(monkeypatch, older, "public_pages/tables.py")
    assert not tables.exception, tables.exception
    assert "Published breakdowns" not in texts(tables)


def test_a_wholly_hidden_breakdown_shows_only_markers_and_says_so(published, tmp_path, monkeypatch):
    marker = view_of(published).meta["marker"]
    hidden = altered(published, tmp_path / "hidden",
                     f"UPDATE breakdown SET value = NULL, display = '{marker}', suppressed = true "
                     f"WHERE measure = '{SUSPECTS}'")
    files = built_site(hidden, tmp_path / "site")
    html = files[f"measure-{SUSPECTS}.html"].read_text(encoding="utf-8")
    table = breakdown_table(tables_in(html), "Ethnicity of the suspect")
    assert "Not recorded" in table.index and SHARE_ROW in table.index
    assert set(table["2023/24"]) == {marker}
    assert "every figure of this breakdown is hidden" in html
    rows = [r for r in csv.DictReader(io.StringIO(files["published-breakdowns.csv"].read_text(encoding="utf-8")))
            if r["measure_id"] == SUSPECTS]
    assert rows and all(r["value"] == "" and r["status"] == "suppressed" for r in rows)
    at = measure_app(monkeypatch, hidden, SUSPECTS)
    assert "every figure of this breakdown is hidden" in texts(at)


def test_the_methodology_says_what_is_never_published_and_why():
    text = " ".join((ROOT / "docs" / "methodology.md").read_text(encoding="utf-8").split())
    assert "## Breakdowns as published" in text
    for dimension, reason in dimensions().never_published.items():
        assert dimensions().get(dimension).name.lower() in text.lower(), dimension
        assert reason in text, dimension
    assert "share recorded" in text.lower()


def test_a_breakdown_marks_each_year_with_the_caveats_on_its_months_listed_once_under_it(published, tmp_path,
                                                                                         monkeypatch):
    """A year's categories add up to the measure's figure for the year, so they carry the caveats published on its
    months for the force, as that figure does in the tables by area: each cell of the year marked (a hidden one keeps
    its marker), the caveats listed once under the table, and the page saying once what the marker means; a caveat
    on a district's figure, or on another measure, is not the breakdown's. In the app and on the static site."""
    view = view_of(published)
    area, marker = pages.force_area(view), view.meta["marker"]
    flag = "An analyst has flagged a figure within this total for a data-quality check."
    noted = altered(published, tmp_path / "noted", "DELETE FROM caveat",
                    f"INSERT INTO caveat (measure, area, period, text) VALUES ('{SUSPECTS}', '{area}', '2023-06', "
                    f"'{flag}'), ('{SUSPECTS}', 'Rotherham', '2023-07', 'Not this one.'), "
                    f"('cse_charges', '{area}', '2023-08', 'Nor this one.')",
                    # two of its smallest categories hidden, as a publication hides a small one with company
                    f"UPDATE breakdown SET value = NULL, display = '{marker}', suppressed = true "
                    f"WHERE measure = '{SUSPECTS}' AND category IN (SELECT category FROM breakdown "
                    f"WHERE measure = '{SUSPECTS}' AND category <> 'share_recorded' ORDER BY value LIMIT 2)")
    rows = stored(noted, SUSPECTS)
    suspects = next(m for m in pages.measures(view_of(noted)) if m.id == SUSPECTS)
    line = f"[note 1] {pages.name_of(suspects)}, {area}, June 2023: {flag}"
    [section] = [b for b in pages.breakdown_sections(view_of(noted), suspects) if isinstance(b, Table)]
    assert section.notes == (line,) and section.notes_title == "Caveats published with these figures:"
    assert {row[1].note for row in section.rows} == {"[note 1]"}
    assert [row[1].text for row in section.rows if row[1].suppressed] == [marker, marker]
    files = built_site(noted, tmp_path / "site")
    html = files[f"measure-{SUSPECTS}.html"].read_text(encoding="utf-8")
    at = measure_app(monkeypatch, noted, SUSPECTS)
    for shown, tables in ((texts(at), html_tables(at)), (unescape(html), tables_in(html))):
        table = breakdown_table(tables, "Ethnicity of the suspect")
        for r in rows.itertuples():
            cell = table.loc[SHARE_ROW if r.category == "share_recorded" else r.label, r.period]
            assert cell == f"{marker if r.suppressed else r.display} [note 1]", (r.label, cell)
        # under the breakdown's table, and under the force's chart's table, which marks June 2023 itself (Rotherham's
        # caveat is under Rotherham's chart's table only)
        assert shown.count(line) == 2 and shown.count("Not this one.") == 1 and "Nor this one." not in shown
        assert shown.count(pages.NOTES_SAID) == 1
    # and each of the year's rows in the downloads carries it, as the measure's own row for the year does
    year = f"June 2023: {flag}"
    got_csv = [r for r in csv.DictReader(io.StringIO(files["published-breakdowns.csv"].read_text(encoding="utf-8")))
               if r["measure_id"] == SUSPECTS]
    assert len(got_csv) == len(rows) and {r["caveats"] for r in got_csv} == {year}
    body = json.loads(files["published-figures.json"].read_text(encoding="utf-8"))
    assert {r["caveats"] for r in body["breakdowns"] if r["measure_id"] == SUSPECTS} == {year}
    assert {r["caveats"] for r in body["rows"] if (r["measure_id"], r["area"], r["period"]) == (
        SUSPECTS, area, "2023/24")} == {year}
    assert not any(r["caveats"] for r in body["breakdowns"] if r["measure_id"] != SUSPECTS)
    grid = list(load_workbook(files["published-figures.xlsx"])["Breakdowns"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(grid) if r and r[0] == "Measure")
    got_xlsx = [dict(zip(grid[head], r, strict=True)) for r in grid[head + 1:]]
    assert {r["Caveats"] for r in got_xlsx if r["Measure code"] == SUSPECTS} == {year}
