"""A caveat published on a figure (an analyst's flag, a data check) follows the figure into every public table that
shows it, as it does into the downloads: the summary's, the Tables page's and each earlier financial year's page's,
on the month's own figure and on each quarter, year and 12 months the month is part of. The figure's cell is marked
"[note 1]", the caveat's words are listed under the table, and the page says once what the marker means; in the
Streamlit public app and on the static site alike."""

from __future__ import annotations

import re
from html import escape, unescape

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import ANALYST, PCC, copy_warehouse, html_tables, public, tables_in, texts
from helpers import blocks_of
from test_public_years import years_snapshot

from pipelines import warehouse
from pipelines.publish import pages, site
from pipelines.publish.approval import approve
from pipelines.publish.content import Chart, Heading, Paragraph, SnapshotView, Table
from pipelines.publish.snapshot import publish

FLAGGED = "An analyst has flagged this figure for a data-quality check."
MOVED = "This figure moved sharply from the latest month before it; it was checked before publication."
NOTE = re.compile(r"\[notes? [^\]]+\]")


def with_caveats(view: SnapshotView, rows: list[tuple[str, str, str, str]]) -> SnapshotView:
    """The snapshot with a caveat table of (measure, area, month, text), read afresh."""
    con = duckdb.connect(str(view.path))
    con.register("frame", pd.DataFrame(rows, columns=["measure", "area", "period", "text"]))
    con.execute("CREATE TABLE caveat AS SELECT * FROM frame")
    con.close()
    return SnapshotView(view.path, view.pointer)


def period_tables(page) -> list[Table]:
    return [t for t in blocks_of(page.blocks, Table) if t.caption.endswith(": figures by area")]


def months_of(view: SnapshotView, table: Table) -> list[str]:
    """The months a table by area's period is made of."""
    kind, period = next((r.period_type, r.period) for r in view.table("figure").itertuples()
                        if f"{pages.period_text(r.period)}: figures by area" == table.caption)
    return pages.months_in(kind, period)


@pytest.fixture
def view(tmp_path):
    # North's October 2014 is shown, and its quarter and financial year are hidden; North's May 2017 is shown
    return with_caveats(years_snapshot(tmp_path / "s.duckdb"), [("cse_charges", "North", "2014-10", FLAGGED),
                                                                ("cse_charges", "North", "2017-05", MOVED)])


def test_every_period_table_marks_the_figures_whose_months_carry_a_caveat_and_lists_it_under_it(view):
    caveats = {("North", "2014-10"): f"People charged, North, October 2014: {FLAGGED}",
               ("North", "2017-05"): f"People charged, North, May 2017: {MOVED}"}
    checked = set()
    every = [pages.summary_page(view), *(p for p in site.site_pages(view) if p.slug.startswith("tables"))]
    for page in every:
        for table in period_tables(page):
            months = months_of(view, table)
            kind = next(r.period_type for r in view.table("figure").itertuples()
                        if f"{pages.period_text(r.period)}: figures by area" == table.caption)
            for row in table.rows:
                for area, cell in zip(table.columns[1:], row[1:], strict=True):
                    lines = [line for (a, month), line in caveats.items() if a == area and month in months]
                    assert NOTE.sub("", cell.text) == cell.text, "the figure's text stays the figure as published"
                    if not lines:
                        assert cell.note == "", (page.slug, table.caption, area)
                        continue
                    assert cell.note == "[note 1]", (page.slug, table.caption, area)
                    assert table.notes == tuple(f"[note 1] {line}" for line in lines)
                    assert table.notes_title == "Caveats published with these figures:"
                    checked.add((page.slug, kind))
            if not any(c.note for row in table.rows for c in row):
                assert table.notes == ()
    # the month's own table, its quarter, its year and the 12 months it is part of, wherever each is shown
    assert {("tables-2014-15", k) for k in ("month", "quarter", "financial_year", "rolling_12_months")} <= checked
    assert {("tables-2015-16", "rolling_12_months"), ("tables", "month"), ("tables", "quarter"),
            ("tables", "rolling_12_months"), ("index", "quarter"), ("index", "rolling_12_months")} <= checked


def test_a_hidden_figure_keeps_its_marker_and_shows_no_number_beside_its_note(view):
    """North's quarter and year holding October 2014 are hidden: the cell still shows only the marker [c], with the
    note of the month shown in it, as the downloads' row for the quarter gives the month's caveat."""
    year = pages.tables_year_page(view, "2014-15")
    quarter = next(t for t in period_tables(year) if "Q3 2014/15" in t.caption)
    cell = quarter.rows[0][quarter.columns.index("North")]
    assert (cell.text, cell.value, cell.suppressed, cell.note) == ("[c]", None, True, "[note 1]")


def test_a_page_says_once_what_the_marker_means_and_only_when_a_table_uses_it(view, tmp_path):
    for page in (pages.summary_page(view), pages.tables_page(view), pages.tables_year_page(view, "2014-15")):
        said = [b for b in page.blocks if isinstance(b, Paragraph) and b.text == pages.NOTES_SAID]
        assert len(said) == 1, page.slug
        assert page.blocks.index(said[0]) < page.blocks.index(next(b for b in page.blocks if isinstance(b, Table)
                                                                   or hasattr(b, "blocks")))
    clean = years_snapshot(tmp_path / "clean.duckdb")
    for page in (pages.summary_page(clean), pages.tables_page(clean), pages.tables_year_page(clean, "2014-15")):
        assert pages.NOTES_SAID not in repr(page.blocks) and "[note" not in repr(page.blocks)


def test_the_static_site_draws_the_marker_in_the_cell_and_the_caveat_under_the_table(view, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    html = (out / "tables-2014-15.html").read_text(encoding="utf-8")
    assert '<td class="num noted">26 <span class="note-ref">[note 1]</span></td>' in html
    assert '<td class="num suppressed noted">[c] <span class="note-ref">[note 1]</span></td>' in html
    assert f"<li>[note 1] People charged, North, October 2014: {FLAGGED}</li>" in html
    assert html.count(escape(pages.NOTES_SAID)) == 1
    october = [t.loc["People charged"] for t in tables_in(html) if t.loc["People charged", "North"] == "26 [note 1]"]
    assert [row["South"] for row in october] == ["27"]  # read as it shows: the figure, then its marker


@pytest.fixture(scope="module")
def flagged(sample_db, tmp_path_factory):
    """The sample, April 2014 to July 2015 published, with an analyst's flag on Rotherham's arrests in October 2014."""
    from pipelines.flags import raise_flag

    folder = tmp_path_factory.mktemp("flagged")
    db = copy_warehouse(sample_db, folder)
    with warehouse.connect(db) as con:
        raise_flag(con, ANALYST, scope="figure", reason="Arrests keyed twice?", period="2014-10",
                   district="Rotherham", measure="cse_arrests")
        approve(con, [f"2014-{m:02d}" for m in range(4, 13)] + [f"2015-{m:02d}" for m in range(1, 8)], PCC)
        publish(con, PCC, folder / "out")
    return folder / "out"


ARRESTS = "People arrested on suspicion of child abuse offences"


def test_the_public_app_and_the_site_mark_the_flagged_figure_in_every_table_that_shows_it(monkeypatch, flagged):
    from pipelines import public as public_side

    line = f"{ARRESTS}, Rotherham, October 2014: {FLAGGED}"
    in_total = f"{ARRESTS}, South Yorkshire, October 2014: An analyst has flagged a figure within this total"
    view = SnapshotView(public_side.current_snapshot(flagged), public_side.pointer(flagged))
    for app_page, page in (("public_pages/tables.py", pages.tables_page(view)),
                           ("public_pages/summary.py", pages.summary_page(view))):
        # which of its tables by area hold October 2014: the month, its quarter, its year (the latest), 12 months
        holds = ["2014-10" in months_of(view, t) for t in period_tables(page)]
        assert sum(holds) == (4 if page.slug == "tables" else 2), page.slug
        at = public(monkeypatch, flagged, app_page)
        assert not at.exception
        markup = (flagged / "public" / "site" / f"{page.slug}.html").read_text(encoding="utf-8")
        for shown, tables in ((texts(at), html_tables(at)), (markup, tables_in(markup))):
            if shown is markup:
                shown = unescape(markup)
            assert shown.count(pages.NOTES_SAID) == 1 and line in shown and in_total in shown
            by_area = [t for t in tables if {"Barnsley", "Rotherham"} <= set(t.columns)]
            assert len(by_area) == len(holds), page.slug
            for held, table in zip(holds, by_area, strict=True):
                arrests = table.loc[ARRESTS]
                marked = {a for a in table.columns if NOTE.search(str(arrests[a]))}
                assert marked == ({"Rotherham", "South Yorkshire"} if held else set()), (page.slug, dict(arrests))


def chart_tables(page) -> dict[str, Table]:
    """Each chart's data table on a page, by its area."""
    return {c.title.split(", ")[1]: c.table for c in blocks_of(page.blocks, Chart)}


def test_each_chart_s_data_table_marks_the_months_its_caveats_are_published_on(view, tmp_path):
    """The accessible table under each chart (a measure's page, the summary's trends) marks the month a caveat is
    published on and lists it under the table, as the tables by area do; the page says once what the marker means,
    and each caveat is given once, under the table that shows its figure."""
    october = f"People charged, North, October 2014: {FLAGGED}"
    may = f"People charged, North, May 2017: {MOVED}"
    for page in (pages.measure_page(view, "cse_charges"), pages.summary_page(view, area="North")):
        north = chart_tables(page)["North"]
        marked = {row[0].text: row[1].note for row in north.rows if row[1].note}
        assert marked == {"October 2014": "[note 1]", "May 2017": "[note 2]"}, page.slug
        assert north.notes == (f"[note 1] {october}", f"[note 2] {may}")
        assert [row[1].text for row in north.rows if row[0].text == "October 2014"] == ["26"]
        assert not any(t.notes for area, t in chart_tables(page).items() if area != "North")
        said = repr(page.blocks)
        assert said.count(pages.NOTES_SAID) == 1 and said.count(october) == 1, page.slug
    assert not any(t.notes for t in chart_tables(pages.summary_page(view)).values())  # the force's: none on it
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    html = (out / "measure-cse_charges.html").read_text(encoding="utf-8")
    assert '<td class="num noted">26 <span class="note-ref">[note 1]</span></td>' in html
    assert f"<li>[note 1] {escape(october)}</li>" in html and html.count(escape(pages.NOTES_SAID)) == 1


def test_a_measure_with_one_month_published_marks_it_in_that_month_s_table(tmp_path):
    view = with_caveats(years_snapshot(tmp_path / "s.duckdb", last="2014-04"),
                        [("cse_charges", "North", "2014-04", FLAGGED)])
    page = pages.measure_page(view, "cse_charges")
    [table] = blocks_of(page.blocks, Table)
    assert table.caption == "Charges, April 2014, by area"
    assert {row[0].text: row[1].note for row in table.rows} == {"Shire": "", "North": "[note 1]", "South": ""}
    assert table.notes == (f"[note 1] People charged, North, April 2014: {FLAGGED}",)
    assert repr(page.blocks).count(pages.NOTES_SAID) == 1


def test_an_area_given_as_its_one_month_s_figure_lists_its_caveat_under_it(tmp_path):
    """An area with one month of the measure published is given as its figure in a sentence, with no table to mark:
    its caveats are listed under the sentence, with no marker to refer to."""
    base = years_snapshot(tmp_path / "s.duckdb", last="2014-05")
    con = duckdb.connect(str(base.path))
    con.execute("DELETE FROM figure WHERE area = 'North' AND period = '2014-05'")
    con.close()
    view = with_caveats(base, [("cse_charges", "North", "2014-04", FLAGGED)])
    blocks = list(pages.measure_page(view, "cse_charges").blocks)
    at = blocks.index(next(b for b in blocks if isinstance(b, Heading) and b.text == "North"))
    sentence, title, listed = blocks[at + 1:at + 4]
    assert isinstance(sentence, Paragraph) and "April 2014" in sentence.text
    assert title.text == "Caveats published with these figures:"
    assert listed.items == (f"People charged, North, April 2014: {FLAGGED}",)


def test_the_public_app_lists_a_chart_s_caveats_in_sight_and_marks_its_table(monkeypatch, flagged):
    at = public(monkeypatch, flagged, "public_pages/measure.py")
    at.query_params["measure"] = "cse_arrests"
    at.run()
    assert not at.exception
    line = f"[note 1] {ARRESTS}, Rotherham, October 2014: {FLAGGED}"
    folded = " ".join(e.proto.body for x in at.expander for e in x.get("html"))
    assert line not in folded and line in texts(at)  # under the fold, not in it
    rotherham = [t for t in html_tables(at) if t.index.name == "Month" and NOTE.search(" ".join(t.iloc[:, 0]))]
    assert any(t.loc["October 2014"].iloc[0].endswith(" [note 1]") for t in rotherham)
    assert pages.NOTES_SAID in texts(at)


REVISES = "This figure revises one published earlier."
UNREPORTED = "Not every district reported this measure for this month."


def with_revisions(folder) -> SnapshotView:
    """A publication read from `folder` (`published_folder`) whose figures were revised: North's October 2014 twice,
    to 26 (the figure now, with a flag and the note that it revises one published earlier), its December, to 32 (with
    a caveat of its own), and their quarter, now hidden; South's October 2014, to a figure since changed again (27
    now), with a caveat of its own."""
    from test_public_years import published_folder

    view = published_folder(folder, last="2017-06")
    view = with_caveats(view, [("cse_charges", "North", "2014-10", FLAGGED),
                               ("cse_charges", "North", "2014-10", REVISES),
                               ("cse_charges", "North", "2014-12", UNREPORTED),
                               ("cse_charges", "South", "2014-10", MOVED)])
    rows = [("cse_charges", "North", "2014-10", "month", "20", "26", "2025-12-01 10:00:00", 3),
            ("cse_charges", "North", "2014-12", "month", "31", "32", "2025-12-01 10:00:00", 3),
            ("cse_charges", "North", "Q3 2014/15", "quarter", "30", "[c]", "2025-12-01 10:00:00", 3),
            ("cse_charges", "North", "2014-10", "month", "18", "20", "2025-11-01 10:00:00", 2),
            ("cse_charges", "South", "2014-10", "month", "25", "24", "2025-11-01 10:00:00", 2)]
    con = duckdb.connect(str(view.path))
    con.register("frame", pd.DataFrame(rows, columns=["measure", "area", "period", "period_type", "previous_display",
                                                      "new_display", "revised_at", "version"]))
    con.execute("CREATE TABLE revision AS SELECT * EXCLUDE (revised_at), revised_at::TIMESTAMP AS revised_at "
                "FROM frame")
    con.close()
    return SnapshotView(view.path, view.pointer)


def test_the_revisions_table_marks_each_figure_as_published_now_with_its_caveats(monkeypatch, tmp_path):
    """A revision's "Now" that is the figure the public reads now carries the caveats published on it, as every
    table showing the figure marks it, listed under the revisions table; a hidden one keeps its marker [c]. A
    revision since revised again, or one to a figure that is not the one published now, is not marked: its caveats
    were never of that figure. That a figure revises one published earlier is what the table says of every row, and
    is not listed under it. A caveat is listed once, with one number, however many rows it marks: October's and the
    quarter's made of it are marked with the same note, never with two notes saying the same."""
    view = with_revisions(tmp_path / "published")
    october = f"People charged, North, October 2014: {FLAGGED}"
    december = f"People charged, North, December 2014: {UNREPORTED}"
    table = pages.revisions_table(view)
    now = table.columns.index("Now")
    assert [(r[2].text, r[now].text, r[now].suppressed, r[now].note) for r in table.rows] == [
        ("October 2014", "26", False, "[note 1]"), ("December 2014", "32", False, "[note 2]"),
        ("October to December 2014 (Q3 2014/15)", "[c]", True, "[notes 1 and 2]"),
        ("October 2014", "20", False, ""), ("October 2014", "24", False, "")]
    assert table.notes == (f"[note 1] {october}", f"[note 2] {december}")
    assert table.notes_title == "Caveats published with these figures:"
    page = pages.tables_page(view)
    said = [b for b in page.blocks if isinstance(b, Paragraph) and b.text == pages.NOTES_SAID]
    assert len(said) == 1 and page.blocks.index(said[0]) < page.blocks.index(next(
        b for b in page.blocks if isinstance(b, Table) or hasattr(b, "blocks")))
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    markup = (out / "tables.html").read_text(encoding="utf-8")
    at = public(monkeypatch, tmp_path / "published", "public_pages/tables.py")
    assert not at.exception
    for shown, tables in ((texts(at), html_tables(at)), (unescape(markup), tables_in(markup))):
        [revised] = [t for t in tables if "Was" in t.columns]
        assert list(revised["Now"]) == ["26 [note 1]", "32 [note 2]", "[c] [notes 1 and 2]", "20", "24"]
        assert f"[note 1] {october}" in shown and f"[note 2] {december}" in shown
        assert shown.count(october) == 1 and shown.count(december) == 1
        assert shown.count(pages.NOTES_SAID) == 1 and REVISES not in shown and MOVED not in shown


@pytest.mark.parametrize(("numbers", "said"), [
    ([1], "[note 1]"), ([2, 3], "[notes 2 and 3]"), ([4, 5, 6, 7], "[notes 4 to 7]"), ([3, 1], "[notes 1 and 3]"),
    ([1, 3, 5, 6, 7], "[notes 1, 3 and 5 to 7]"), ([1, 2, 3, 5], "[notes 1 to 3 and 5]"), ([2, 2], "[note 2]")])
def test_a_figure_s_marker_names_each_of_its_notes_by_its_one_number(numbers, said):
    """A figure marked with notes listed earlier under its table (by another row) and new ones names each by the
    number it is listed with, in order, a run of three or more as "4 to 7"."""
    assert pages.note_marker(numbers) == said
