"""The public pages as years of months are published: the tables page holds the periods of the latest two financial
years and links to a page per earlier year, which holds every period of that year; every published figure stays on
one page or another, as the snapshot has it (a suppressed one its marker), and the tables page stays the same size."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import blocks_of, write_tables

from pipelines.publish import pages, site
from pipelines.publish.content import Chart, Link, Paragraph, SnapshotView, Table


def _fy(month: pd.Period) -> str:
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def years_snapshot(path: Path, last: str = "2017-06", force: str = "Shire",
                   districts: tuple[str, ...] = ("North", "South")) -> SnapshotView:
    """Charges for two districts and the force, every month from April 2014 to `last`, with the quarters and
    financial years they complete and the 12 months to each month from March 2015; every fifth figure hidden."""
    areas = (force, *districts)
    months = list(pd.period_range("2014-04", last, freq="M"))
    rows, n = [], 0

    def add(period: str, kind: str) -> None:
        nonlocal n
        for area in areas:
            n += 1
            hidden = n % 5 == 0
            rows.append(("cse_charges", area, period, kind, None if hidden else float(n),
                         "[c]" if hidden else str(n), hidden))

    for i, m in enumerate(months):
        add(str(m), "month")
        if m.month in (6, 9, 12, 3):
            q = {6: 1, 9: 2, 12: 3, 3: 4}[m.month]
            add(f"Q{q} {_fy(m)}", "quarter")
        if m.month == 3:
            add(_fy(m), "financial_year")
        if i >= 11:
            add(f"12 months to {m}", "rolling_12_months")
    fig = pd.DataFrame(rows, columns=["measure", "area", "period", "period_type", "value", "display", "suppressed"])
    measure = pd.DataFrame([("cse_charges", "People charged", "Charges", "people", "flow", "good")],
                           columns=["id", "name", "short_name", "unit", "kind", "increase_is"])
    meta = {"marker": "[c]", "force": f"{force} Police", "office": f"{force} PCC",
            "districts": json.dumps(list(districts)),
            "banner": "Management information.", "footnote": "[c] hidden.", "created_at": "2026-01-02T03:04:05"}
    write_tables(path, {"figure": fig, "measure": measure,
                        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    return SnapshotView(path, {"withdrawals": []})


def tables_in(blocks) -> list[Table]:
    return blocks_of(blocks, Table)


def cells_shown(page_list) -> dict:
    """(caption, area) -> the cell's text, for every period table of the pages."""
    shown = {}
    for page in page_list:
        for t in tables_in(page.blocks):
            if not t.caption.endswith(": figures by area"):
                continue
            for row in t.rows:
                for area, cell in zip(t.columns[1:], row[1:], strict=True):
                    key = (t.caption, area)
                    assert shown.get(key, cell.text) == cell.text, key  # a period shown twice shows the same
                    shown[key] = cell.text
    return shown


def expected(view: SnapshotView) -> dict:
    fig = view.table("figure")
    return {(f"{pages.period_text(r.period)}: figures by area", r.area): r.display for r in fig.itertuples()}


def test_the_tables_page_shows_the_latest_two_financial_years_and_links_to_a_page_for_each_earlier_one(tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb")
    assert pages.financial_years(view) == ["2014/15", "2015/16", "2016/17", "2017/18"]
    tables = pages.tables_page(view)
    captions = [t.caption for t in tables_in(tables.blocks)]
    # the latest of each kind first, then the 2016/17 and 2017/18 ones; nothing of 2014/15 or 2015/16
    assert captions[0] == "12 months to June 2017: figures by area"
    assert "April 2016: figures by area" in captions and "March 2016: figures by area" not in captions
    assert "April 2016 to March 2017 (financial year 2016/17): figures by area" in captions
    assert not any("2015" in c for c in captions), captions
    links = [(b.text, b.href) for b in tables.blocks if isinstance(b, Link)]
    assert ("Financial year 2015/16: April 2015 to March 2016", "tables-2015-16") in links
    assert ("Financial year 2014/15: April 2014 to March 2015", "tables-2014-15") in links
    assert [h for _t, h in links].index("tables-2015-16") < [h for _t, h in links].index("tables-2014-15")
    year = pages.tables_year_page(view, "tables-2014-15")
    assert year.slug == "tables-2014-15" and year.title == "Tables for the financial year 2014/15"
    year_captions = [t.caption for t in tables_in(year.blocks)]
    assert year_captions[0] == "April 2014 to March 2015 (financial year 2014/15): figures by area"
    assert "April 2014: figures by area" in year_captions and "March 2015: figures by area" in year_captions
    assert "12 months to March 2015: figures by area" in year_captions
    assert "April 2015: figures by area" not in year_captions
    assert any(isinstance(b, Link) and b.href == "tables" for b in year.blocks)


def test_every_published_figure_is_on_the_tables_page_or_its_year_s_page_as_published(tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb")
    year_pages = [p for p in site.site_pages(view) if p.slug.startswith("tables-")]
    assert [p.slug for p in year_pages] == ["tables-2014-15", "tables-2015-16"]
    shown = cells_shown([pages.tables_page(view), *year_pages])
    assert shown == expected(view)  # every figure, and a hidden one as its marker only
    assert "[c]" in shown.values()


def test_a_year_not_published_is_said_so_and_leads_back_to_the_tables(tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb")
    for asked, said in (("2009-10", "No figure is published for the financial year 2009/10."),
                        ("", "No financial year was chosen."), ("nonsense", "No financial year was chosen.")):
        page = pages.tables_year_page(view, asked)
        assert page.title == "Financial year not found" and not tables_in(page.blocks)
        assert any(getattr(b, "text", "") == said for b in page.blocks), page.blocks
        assert any(isinstance(b, Link) and b.href == "tables" for b in page.blocks)


def test_two_financial_years_or_fewer_have_no_page_of_their_own(tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb", last="2015-07")
    assert pages.earlier_years(view) == []
    assert not [p for p in site.site_pages(view) if p.slug.startswith("tables-")]
    assert cells_shown([pages.tables_page(view)]) == expected(view)


def test_the_static_site_writes_each_year_s_page_and_the_tables_page_stays_the_same_size(tmp_path):
    sizes = {}
    for last in ("2017-06", "2021-06"):
        view = years_snapshot(tmp_path / f"{last}.duckdb", last=last)
        out = tmp_path / last
        out.mkdir()
        site.build_site(view, out)
        html = (out / "tables.html").read_text(encoding="utf-8")
        for y in pages.earlier_years(view):
            assert f'href="{pages.year_slug(y)}.html"' in html
            assert (out / f"{pages.year_slug(y)}.html").is_file()
        sizes[last] = len(html)
    # four more years published: the same two years' tables (the year links a few lines more)
    assert sizes["2021-06"] < sizes["2017-06"] * 1.1, sizes


@pytest.mark.parametrize(("text", "year"), [("tables-2014-15", "2014/15"), ("2014-15", "2014/15"),
                                            ("2014/15", "2014/15"), ("tables-", ""), ("x", "")])
def test_a_year_s_page_is_named_by_its_slug(text, year):
    assert pages.year_of_slug(text) == year


def charts_in(blocks) -> list:
    return [b for b in blocks if isinstance(b, Chart)]


def test_the_summary_charts_the_latest_36_months_and_each_measure_s_page_every_month(tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb", last="2021-06")
    summary = pages.summary_page(view)
    (trend,) = charts_in(summary.blocks)
    assert [p.period for p in trend.points] == [str(p) for p in pd.period_range("2018-07", "2021-06", freq="M")]
    assert [r[0].text for r in trend.table.rows][0] == "July 2018" and len(trend.table.rows) == 36
    assert "from July 2018" in trend.sentence
    said = " ".join(b.text for b in summary.blocks if isinstance(b, Paragraph))
    assert "over the latest 36 months, from July 2018" in said
    assert "Each measure has its own page with every month published" in said
    measure = pages.measure_page(view, "cse_charges")
    for c in charts_in(measure.blocks):  # the force's and each district's: every month since April 2014
        assert c.points[0].period == "2014-04" and c.points[-1].period == "2021-06"
        assert len(c.table.rows) == 87
    # the figures the summary charts are the snapshot's, a hidden one its marker
    fig = view.table("figure")
    published = {r.period: r.display for r in fig[(fig["period_type"] == "month") & (fig["area"] == "Shire")]
                 .itertuples()}
    assert {pages.month_text(p.period): p.display for p in trend.points} == {
        pages.month_text(k): v for k, v in published.items() if k >= "2018-07"}


def test_a_summary_of_36_months_or_fewer_charts_every_month(tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb", last="2017-03")
    summary = pages.summary_page(view)
    (trend,) = charts_in(summary.blocks)
    assert trend.points[0].period == "2014-04" and len(trend.points) == 36
    said = " ".join(b.text for b in summary.blocks if isinstance(b, Paragraph))
    assert "over the latest" not in said


def test_the_summary_names_the_published_months_of_its_36_when_some_are_not_published(tmp_path):
    """Regression: with April 2014 to July 2015 and April 2026 published (ten years of drafts between), the
    summary said its charts show each measure "over the latest 36 months, from May 2023", though the only
    month of those published was April 2026: a sentence must name exactly the published months it speaks of."""
    view = years_snapshot(tmp_path / "s.duckdb", last="2021-06")
    fig = view.table("figure")
    keep = (fig["period_type"] != "month") | (fig["period"] <= "2015-07") | (fig["period"] >= "2021-05")
    write_tables(tmp_path / "gap.duckdb", {"figure": fig[keep], "measure": view.table("measure"),
                                           "meta": view.table("meta")})
    summary = pages.summary_page(SnapshotView(tmp_path / "gap.duckdb", {"withdrawals": []}))
    said = " ".join(b.text for b in summary.blocks if isinstance(b, Paragraph))
    assert ("over the latest 36 months, from July 2018, of which May 2021 to June 2021 are published;"
            in said), said
    (trend,) = charts_in(summary.blocks)
    assert [p.period for p in trend.points] == ["2021-05", "2021-06"]
    full = pages.summary_page(years_snapshot(tmp_path / "full.duckdb", last="2021-06"))
    assert "of which" not in " ".join(b.text for b in full.blocks if isinstance(b, Paragraph))


def published_folder(folder: Path, last: str = "2021-06", gap: tuple[str, str] | None = None) -> SnapshotView:
    """`years_snapshot` as the public side reads it (a snapshot named by current.json in `folder`); with `gap`, the
    months after its first and before its second are unpublished."""
    folder.mkdir(parents=True)
    view = years_snapshot(folder / "whole.duckdb", last=last)
    fig = view.table("figure")
    if gap:
        fig = fig[(fig["period_type"] != "month") | (fig["period"] <= gap[0]) | (fig["period"] >= gap[1])]
    write_tables(folder / "snapshot-0001.duckdb", {"figure": fig, "measure": view.table("measure"),
                                                   "meta": view.table("meta")})
    (folder / "current.json").write_text(json.dumps({"file": "snapshot-0001.duckdb", "withdrawals": []}))
    return SnapshotView(folder / "snapshot-0001.duckdb", {"withdrawals": []})


def app_chart_titles(monkeypatch, folder: Path, page: str, measure: str | None = None) -> list[str]:
    """The titles of the charts the public app draws on `page` from the snapshot in `folder`, each as one line."""
    from dashboard_helpers import public

    at = public(monkeypatch, folder, page)
    if measure:
        at.query_params["measure"] = measure
        at.run()
    assert not at.exception
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
            for c in at.get("plotly_chart")]


def site_chart_titles(view: SnapshotView, out: Path, file: str) -> list[str]:
    """The titles the static site, built into `out` once, draws over the charts of its page `file`."""
    import html
    import re

    if not out.exists():
        out.mkdir()
        site.build_site(view, out)
    return [html.unescape(t) for t in re.findall(r'<p class="chart-title"[^>]*>([^<]*)</p>',
                                                 (out / file).read_text(encoding="utf-8"))]


def test_a_summary_chart_of_the_latest_36_months_says_so_in_its_title_in_the_app_and_on_the_static_site(
        monkeypatch, tmp_path):
    """Regression: the summary's charts show the latest 36 months of a longer series, but each was titled only
    "Charges, Shire, by month", so that a chart shared on its own (a screenshot) passed for the whole series. Its
    title, and its table's caption, now say it shows the latest 36 months published, in the app and on the static
    site; a measure's own page, which charts every month, keeps the title as it was."""
    view = published_folder(tmp_path / "latest-36")
    said = "Charges, Shire, by month: the latest 36 months published"
    (trend,) = charts_in(pages.summary_page(view).blocks)
    assert (trend.title, trend.table.caption) == (said, said) and len(trend.table.rows) == 36
    (north,) = charts_in(pages.summary_page(view, area="North").blocks)
    assert north.title == "Charges, North, by month: the latest 36 months published"
    assert app_chart_titles(monkeypatch, tmp_path / "latest-36", "public_pages/summary.py") == [said]
    assert site_chart_titles(view, tmp_path / "site", "index.html") == [said]
    every = ["Charges, Shire, by month", "Charges, North, by month", "Charges, South, by month"]
    assert [c.title for c in charts_in(pages.measure_page(view, "cse_charges").blocks)] == every
    assert app_chart_titles(monkeypatch, tmp_path / "latest-36", "public_pages/measure.py", "cse_charges") == every
    assert site_chart_titles(view, tmp_path / "site", "measure-cse_charges.html") == every


@pytest.mark.parametrize("last,gap,title", [
    # every month published charted: the title says nothing of a window
    ("2017-03", None, "Charges, Shire, by month"),
    # only May and June 2021 published of the latest 36 months: the two are counted, the 34 unpublished never are
    ("2021-06", ("2015-07", "2021-05"), "Charges, Shire, by month: the latest 2 months published"),
    ("2021-06", ("2015-07", "2021-06"), "Charges, Shire, by month: the latest month published"),
])
def test_a_summary_chart_s_title_counts_only_the_months_published(monkeypatch, tmp_path, last, gap, title):
    # a folder of each case's own: the app keeps what it built of a snapshot by its path, and a passing case's
    # tmp_path is removed and made again for the next
    folder = tmp_path / f"pub-{last}-{'-'.join(gap or ())}"
    view = published_folder(folder, last=last, gap=gap)
    (trend,) = charts_in(pages.summary_page(view).blocks)
    assert trend.title == title
    assert app_chart_titles(monkeypatch, folder, "public_pages/summary.py") == [title]
    assert site_chart_titles(view, tmp_path / "site", "index.html") == [title]


def folder_with_gap(folder: Path, last: str, gap: tuple[str, str], leave: tuple[str, ...] = ()) -> SnapshotView:
    """`years_snapshot` as the public side reads it, with no period of any kind that has a month after `gap[0]` and
    before `gap[1]` (years of drafts never published), nor any with a month of `leave` (one held back)."""
    folder.mkdir(parents=True)
    view = years_snapshot(folder / "whole.duckdb", last=last)
    fig = view.table("figure")
    unpublished = {str(m) for m in pd.period_range(gap[0], gap[1], freq="M")[1:-1]} | set(leave)
    keep = [not unpublished & set(pages.months_in(r.period_type, r.period)) for r in fig.itertuples()]
    write_tables(folder / "snapshot-0001.duckdb", {"figure": fig[keep], "measure": view.table("measure"),
                                                   "meta": view.table("meta")})
    (folder / "current.json").write_text(json.dumps({"file": "snapshot-0001.duckdb", "withdrawals": []}))
    return SnapshotView(folder / "snapshot-0001.duckdb", {"withdrawals": []})


def opening(page) -> str:
    return next(b.text for b in page.blocks if isinstance(b, Paragraph) and b.text.startswith("Every figure"))


def test_a_year_not_complete_says_so_naming_only_its_published_months(tmp_path):
    """Regression: the page of the financial year still running (April 2027 to February 2028 published) read
    "Every figure published for the financial year 2027/28 (April 2027 to March 2028), by area: the year as a
    whole, ..." with no year as a whole on it, and never said the year was not complete. It now says which of its
    months are published and that the year's total is given once every month of it is published; a month held back
    is neither named nor counted."""
    view = folder_with_gap(tmp_path / "pub", last="2022-06", gap=("2015-07", "2020-04"), leave=("2022-05",))
    assert pages.financial_years(view) == ["2014/15", "2015/16", "2020/21", "2021/22", "2022/23"]
    running = opening(pages.tables_year_page(view, "2022-23"))
    # no quarter of it: May 2022 is held back, and with it the first quarter
    assert running.startswith("Every figure published for the financial year 2022/23 (April 2022 to March 2023), "
                              "by area: its months and the 12-month periods ending in it. "
                              "The year is not complete: its months published so far are April and June 2022; the "
                              "year's total is given once every month of it is published."), running
    assert "May 2022" not in running and "2 months" not in running and "3 months" not in running
    # an earlier year of which only some months were ever published: the same, not "so far"
    earlier = opening(pages.tables_year_page(view, "tables-2015-16"))
    assert ("by area: its financial quarters, its months and the 12-month periods ending in it. Its months "
            "published run from April 2015 to July 2015; the year's total is given once every month of it is "
            "published.") in earlier, earlier
    # a whole year says nothing of it
    whole = opening(pages.tables_year_page(view, "2021-22"))
    assert "the year as a whole, its financial quarters, its months and the 12-month periods" in whole
    assert "not complete" not in whole and "total" not in whole
    tables = " ".join(b.text for b in pages.tables_page(view).blocks if isinstance(b, Paragraph))
    assert "and the year as a whole once every month of it is published." in tables


def test_a_year_not_complete_says_so_in_the_app_and_on_the_static_site(monkeypatch, tmp_path):
    from dashboard_helpers import public, texts

    folder = tmp_path / "pub"
    view = folder_with_gap(folder, last="2022-02", gap=("2015-07", "2020-04"))
    said = ("The year is not complete: its months published so far run from April 2021 to February 2022; the "
            "year's total is given once every month of it is published.")
    at = public(monkeypatch, folder, "public_pages/tables_year.py")
    at.query_params["year"] = "2021-22"
    at.run()
    assert not at.exception and at.title[0].value == "Tables for the financial year 2021/22"
    assert said in texts(at)
    # the static site has a page for each earlier year: 2015/16 has only April to July 2015 published
    page = site_words(view, tmp_path, "tables-2015-16.html")
    assert ("Its months published run from April 2015 to July 2015; the year's total is given once every month of "
            "it is published.") in page
    assert "by area: the year as a whole" not in page


def financial_years_note(page) -> str:
    """What the Tables page says under its "Financial years" table, up to the next heading."""
    from pipelines.publish.content import Heading

    after = False
    said = []
    for b in page.blocks:
        if isinstance(b, Heading):
            if after:
                break
            after = b.text == "Financial years"
        elif after and isinstance(b, Paragraph):
            said.append(b.text)
    return " ".join(said)


def site_words(view: SnapshotView, tmp_path: Path, file: str) -> str:
    """The words of one page of the static site built from `view`, tags taken out and spaces collapsed."""
    import html
    import re

    out = tmp_path / "site"
    out.mkdir(exist_ok=True)
    site.build_site(view, out)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", (out / file).read_text("utf-8"))).split())


def test_the_tables_page_says_a_later_year_is_given_once_each_of_its_months_is(monkeypatch, tmp_path):
    """Regression: the Tables page's "Financial years" table showed 2021/22, the latest year published as a whole,
    and said nothing of 2022/23, whose months to June 2022 were published (the summary says "a later year will be
    shown when all of its months have been published"). It now says so under the table and names the later year's
    published months only: May 2022, held back, is neither named nor counted, nor taken in by a run ("April 2022 to
    June 2022" told a reader May was published). In the app and on the static site."""
    from dashboard_helpers import public, texts

    folder = tmp_path / "pub"
    view = folder_with_gap(folder, last="2022-06", gap=("2015-07", "2020-04"), leave=("2022-05",))
    said = ("This is the latest financial year for which every month has been published. A later year will be shown "
            "when all of its months have been published. The financial year 2022/23 is not complete: its months "
            "published so far are April and June 2022.")
    page = pages.tables_page(view)
    assert financial_years_note(page) == said
    assert not any(w in said for w in ("May", "2 months", "3 months", "2 of", "except", " to June"))
    at = public(monkeypatch, folder, "public_pages/tables.py")
    assert not at.exception, at.exception
    assert said in texts(at)
    assert said in site_words(view, tmp_path, "tables.html")


def test_the_tables_page_says_nothing_of_a_later_year_when_none_has_a_month_published(tmp_path):
    view = folder_with_gap(tmp_path / "pub", last="2022-03", gap=("2015-07", "2020-04"))
    assert pages.periods(view, "financial_year")[-1] == "2021/22"
    assert financial_years_note(pages.tables_page(view)) == ""


def test_an_earlier_year_left_incomplete_is_named_with_its_published_months(tmp_path):
    """A year of which some months were published and then none (a gap to a later year): named, not "so far"."""
    view = folder_with_gap(tmp_path / "pub", last="2016-05", gap=("2015-07", "2016-04"))
    assert pages.periods(view, "financial_year")[-1] == "2014/15"
    assert financial_years_note(pages.tables_page(view)) == (
        "This is the latest financial year for which every month has been published. A later year will be shown when "
        "all of its months have been published. Of the financial year 2015/16, the months published run from April "
        "2015 to July 2015. The financial year 2016/17 is not complete: its months published so far run from April "
        "2016 to May 2016.")


def test_a_year_s_page_lists_its_published_months_when_one_between_is_held_back_in_the_app_and_on_the_static_site(
        monkeypatch, tmp_path):
    """Regression: a year's page gave its published months as a run, "April 2015 to July 2015", though May 2015 was
    held back: it told a reader May was published. A run broken by a month not published is now a list of the months
    published, and the month held back is neither named, counted nor hinted at. In the app and on the static site."""
    from dashboard_helpers import public, texts

    folder = tmp_path / "pub"
    view = folder_with_gap(folder, last="2022-06", gap=("2015-07", "2020-04"), leave=("2015-05", "2022-05"))
    earlier = ("Its months published are April, June and July 2015; the year's total is given once every month of it "
               "is published.")
    running = ("The year is not complete: its months published so far are April and June 2022; the year's total is "
               "given once every month of it is published.")
    assert earlier in opening(pages.tables_year_page(view, "2015-16"))
    assert running in opening(pages.tables_year_page(view, "2022-23"))
    for said in (earlier, running):
        assert not any(w in said for w in ("May", "2 of", "3 of", "except", " to July", " to June"))
    at = public(monkeypatch, folder, "public_pages/tables_year.py")
    at.query_params["year"] = "2022-23"
    at.run()
    assert not at.exception, at.exception
    assert running in texts(at)
    page = site_words(view, tmp_path, "tables-2015-16.html")
    assert earlier in page


@pytest.mark.parametrize("months,said", [
    (["2027-04"], "month published is April 2027"),
    (["2027-04", "2027-05", "2027-06"], "months published run from April 2027 to June 2027"),
    (["2027-06", "2027-04"], "months published are April and June 2027"),
    (["2027-04", "2027-05", "2027-07"], "months published are April, May and July 2027"),
    (["2027-11", "2028-01"], "months published are November 2027 and January 2028"),
    (["2027-12", "2028-01", "2028-03"], "months published are December 2027, January 2028 and March 2028"),
])
def test_a_year_s_published_months_are_a_run_only_when_unbroken(months, said):
    assert pages.months_published(months) == said


def test_the_tables_page_says_how_a_year_s_total_is_given_when_no_year_is_published_whole(monkeypatch, tmp_path):
    """Regression: with only months of the first financial year published (April to September 2014, July held back)
    the Tables page had no Financial years table and said nothing of why. It now says, where the table would be, that
    a financial year's total is given once each of its months is published, and names that year's published months
    only. In the app and on the static site."""
    from dashboard_helpers import public, texts

    folder = tmp_path / "pub"
    view = folder_with_gap(folder, last="2014-09", gap=("2014-09", "2014-10"), leave=("2014-07",))
    assert pages.periods(view, "financial_year") == []
    said = ("No financial year has been published in full yet. A year's total will be shown when all of its "
            "months have been published. The financial year 2014/15 is not complete: its months published so far "
            "are April, May, June, August and September 2014.")
    assert financial_years_note(pages.tables_page(view)) == said
    at = public(monkeypatch, folder, "public_pages/tables.py")
    assert not at.exception, at.exception
    assert said in texts(at)
    assert said in site_words(view, tmp_path, "tables.html")


def test_the_tables_page_has_no_financial_years_heading_when_no_month_is_published(tmp_path):
    view = folder_with_gap(tmp_path / "pub", last="2014-06", gap=("2014-03", "2014-07"))
    assert pages.periods(view, "month") == []
    assert pages.no_whole_year_note(view) == ""


def intro_of(page) -> str:
    return next(b.text for b in page.blocks if isinstance(b, Paragraph)
                and b.text.startswith(("The published figures by area", "Every published figure")))


def test_the_tables_page_opens_with_the_months_published_in_runs_with_their_gaps(tmp_path):
    """Regression: with April 2014 to July 2015 and April to July 2026 published, the Tables page opened "The
    published figures by area for each period of the financial years 2015/16 and 2026/27, from April 2015", which
    reads as every month since April 2015 published; the gap was said only far below, under Financial years."""
    view = folder_with_gap(tmp_path / "pub", last="2026-07", gap=("2015-07", "2026-04"))
    assert pages.earlier_years(view) == ["2014/15"]
    intro = intro_of(pages.tables_page(view))
    assert intro.startswith(
        "The published figures by area for each period of the financial years 2015/16 and 2026/27: the months "
        "published are April 2015 to July 2015, and April 2026 to July 2026; the months between these have not been "
        "published. Each earlier financial year has a page of its own"), intro
    assert "from April 2015" not in intro
    # one unbroken run is said as a run; a page with no earlier year says its months too
    whole = intro_of(pages.tables_page(years_snapshot(tmp_path / "s.duckdb")))
    assert "financial years 2016/17 and 2017/18: the months published run from April 2016 to June 2017." in whole
    gap = intro_of(pages.tables_page(folder_with_gap(tmp_path / "two", last="2015-06", gap=("2014-07", "2014-10"))))
    assert gap.startswith("Every published figure, by area, for each period: the months published are April 2014 "
                          "to July 2014, and October 2014 to June 2015; the months between these have not been "
                          "published."), gap


def test_the_summary_says_in_plain_words_why_its_latest_quarter_and_year_end_before_the_latest_month(tmp_path):
    """Regression: "This is the latest financial quarter whose every month is published: a later quarter is given
    once each of its months is." (and the same of the financial year) was hard to follow. With February and May 2022
    not published and June 2022 the latest month, the latest quarter and year all published end in December 2021 and
    March 2021: the summary says why in plain words, and the Tables page says the year's sentence the same way."""
    view = folder_with_gap(tmp_path / "pub", last="2022-06", gap=("2015-07", "2020-04"), leave=("2022-02", "2022-05"))
    said = [b.text for b in pages.summary_page(view).blocks
            if isinstance(b, Paragraph) and b.text.startswith("This is the latest")]
    year = ("This is the latest financial year for which every month has been published. A later year will be shown "
            "when all of its months have been published.")
    assert said == ["This is the latest financial quarter for which every month has been published. A later quarter "
                    "will be shown when all of its months have been published.", year], said
    assert pages.later_years_note(view, "2020/21").startswith(f"{year} Of the financial year 2021/22, ")
