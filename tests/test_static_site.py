"""The static public site built from a published snapshot holds every published figure and nothing else: every
HTML, CSV, JSON and spreadsheet file it writes is parsed back; a suppressed cell shows its marker, never its value;
no unpublished month appears; the downloads carry numbers as numbers and the licence; no page needs a script."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import PCC, copy_warehouse
from dashboard_helpers import public as public_app
from helpers import blocks_of, write_tables
from openpyxl import load_workbook

from pipelines import public, warehouse
from pipelines.publish import info, pages, site
from pipelines.publish.approval import approve
from pipelines.publish.content import Chart, ChartPoint, Link, Notice, SnapshotView, Table
from pipelines.publish.snapshot import approved_figures, publish
from pipelines.sample_data import DEMO_PUBLISHED_MONTHS

LICENCE = "Open Government Licence v3.0"


class Parsed(HTMLParser):
    """A page's tables (caption, header cells, body rows of cell texts), tags seen, scripts and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._table: dict | None = None
        self._cell: list[str] | None = None
        self._row: list | None = None
        self._in = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in ("meta", "link", "br", "img", "input", "line", "circle", "rect", "polyline"):
            self._stack.append(tag)
        if tag == "table":
            self._table = {"caption": "", "head": [], "rows": [], "scopes": []}
        elif tag == "caption":
            self._in = "caption"
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []
            self._table["scopes"].append((tag, a.get("scope")))
        elif tag == "script":
            self._in = "script"
            self.scripts.append("")

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
        if tag == "caption":
            self._in = ""
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append(("".join(self._cell).strip(), tag))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if all(t == "th" for _x, t in self._row) and not self._table["head"]:
                self._table["head"] = [x for x, _t in self._row]
            else:
                self._table["rows"].append([x for x, _t in self._row])
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "script":
            self._in = ""

    def handle_data(self, data):
        self.text.append(data)
        if self._in == "caption" and self._table is not None:
            self._table["caption"] += data
        elif self._in == "script":
            self.scripts[-1] += data
        if self._cell is not None:
            self._cell.append(data)


def parse(path: Path) -> Parsed:
    p = Parsed()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def true_values(con, measures: pd.DataFrame, force: str) -> dict:
    """Every cell's true value from the warehouse, worked out here from the approved district months (flow: a
    period is the sum of its months; stock: its last month), independent of the publishing code."""
    months = approved_figures(con)
    kinds = dict(zip(measures["id"], measures["kind"], strict=True))
    out = {}
    for (m, d), rows in months.groupby(["measure", "district"]):
        if kinds.get(m) not in ("flow", "stock"):
            continue
        series = dict(zip(rows["period"], rows["value"], strict=True))
        for p, v in series.items():
            out[(m, d, "month", p)] = v
            out[(m, force, "month", p)] = out.get((m, force, "month", p), 0) + v
    published = sorted({p for (_m, _a, t, p) in out if t == "month"})
    spans = {}
    for first in published:
        start = pd.Period(first, freq="M")
        if start.month in (4, 7, 10, 1):
            fy = start.year if start.month >= 4 else start.year - 1
            q = {4: 1, 7: 2, 10: 3, 1: 4}[start.month]
            spans[("quarter", f"Q{q} {fy}/{str(fy + 1)[2:]}")] = [str(start + i) for i in range(3)]
        if start.month == 4:
            spans[("financial_year", f"{start.year}/{str(start.year + 1)[2:]}")] = [str(start + i) for i in range(12)]
        end = start + 11
        spans[("rolling_12_months", f"12 months to {end}")] = [str(start + i) for i in range(12)]
    for (t, label), span in spans.items():
        if not set(span) <= set(published):
            continue
        for (m, a) in {(m, a) for (m, a, tt, _p) in list(out) if tt == "month"}:
            vals = [out[(m, a, "month", p)] for p in span if (m, a, "month", p) in out]
            if len(vals) == len(span):
                out[(m, a, t, label)] = sum(vals) if kinds[m] == "flow" else vals[-1]
    return out


@pytest.fixture(scope="module")
def built(sample_db, tmp_path_factory):
    """The sample with the demo's months approved and published, and the site built from that snapshot."""
    base = tmp_path_factory.mktemp("static_site")
    db = copy_warehouse(sample_db, base)
    with warehouse.connect(db) as con:
        approve(con, list(DEMO_PUBLISHED_MONTHS), PCC)
        publish(con, PCC, base / "published")
        view = SnapshotView(public.current_snapshot(base / "published"), public.pointer(base / "published"))
        truth = true_values(con, view.table("measure"), pages.force_area(view))
        later = [str(p) for p in pd.period_range("2013-04", "2026-03", freq="M") if str(p) not in
                 set(DEMO_PUBLISHED_MONTHS)]
    out = base / "site"
    out.mkdir()
    files = site.build_site(view, out)
    return {"view": view, "out": out, "files": files, "truth": truth, "unpublished": later}


def cells(view: SnapshotView) -> pd.DataFrame:
    return view.table("figure")


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_the_site_writes_every_page_the_stylesheet_and_the_downloads(built):
    names = {f.name for f in built["files"]}
    assert {"index.html", "tables.html", "board.html", "site.css", "published-figures.csv",
            "published-figures.json", "published-figures.xlsx"} <= names
    for m in pages.measures(built["view"]):
        assert (f"measure-{m.id}.html" in names) == (m.kind != "percentage")
    assert sorted(names) == sorted(p.name for p in built["out"].iterdir()), "the list returned is what was written"


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_every_page_is_a_whole_accessible_document_that_needs_no_script(built):
    for path in sorted(built["out"].glob("*.html")):
        text = path.read_text(encoding="utf-8")
        page = parse(path)
        assert text.startswith("<!DOCTYPE html>") and ('html', {"lang": "en-GB"}) in page.tags, path.name
        assert ("a", {"class": "skip-link", "href": "#main"}) in page.tags
        assert [t for t, a in page.tags if t == "main" and a.get("id") == "main"], path.name
        assert sum(1 for t, _a in page.tags if t == "h1") == 1, path.name
        assert not [s for s in page.scripts if s.strip()] and "<script" not in text.lower(), path.name
        assert not [a for t, a in page.tags if t == "link" and a.get("href", "").startswith(("http:", "https:"))]
        assert LICENCE in "".join(page.text), path.name
        for table in page.tables:
            assert table["caption"].strip(), path.name
            assert all(scope in ("col", "row") for tag, scope in table["scopes"] if tag == "th"), path.name
        for t, a in page.tags:
            if a.get("role") == "region" and a.get("class") == "table-wrap":
                assert a.get("tabindex") == "0" and a.get("aria-labelledby"), "a region that may scroll is focusable"
            if t == "svg":
                assert a.get("role") == "img" and a.get("aria-labelledby"), path.name
        ids = [a["id"] for _t, a in page.tags if "id" in a]
        assert len(ids) == len(set(ids)), f"{path.name}: an id used twice"


def _figure(text: str) -> str:
    """A cell's figure without the marker of the caveats published on it (" [note 1]"), which follows it."""
    return re.sub(r" \[notes? \d[^\]]*\]$", "", text)


def _html_cells(built) -> list[tuple[tuple, str, str]]:
    """Every figure cell the HTML pages show, as ((measure, area, period_type, period), text, page)."""
    view = built["view"]
    words = {}
    for t, p in {(t, p) for t, p in zip(cells(view)["period_type"], cells(view)["period"], strict=True)}:
        words[public.period_text(p)] = (t, p)
    by_name = {pages.name_of(m): m.id for m in pages.measures(view)}
    by_name.update({f"{pages.name_of(m)} (per cent)": m.id for m in pages.measures(view)})
    by_short = {pages.title_of(m): m.id for m in pages.measures(view)}
    month_words = {public.month_text(p): p for p in set(cells(view)["period"]) if re.fullmatch(r"\d{4}-\d{2}", p)}
    found = []
    for path in sorted(built["out"].glob("*.html")):
        for table in parse(path).tables:
            cap = table["caption"]
            if cap.endswith(": figures by area"):
                t, p = words[cap[: -len(": figures by area")]]
                for row in table["rows"]:
                    for area, text in zip(table["head"][1:], row[1:], strict=True):
                        found.append(((by_name[row[0]], area, t, p), _figure(text), path.name))
            elif cap.endswith(", by month"):
                short, area = cap[: -len(", by month")].rsplit(", ", 1)
                for month, text in table["rows"]:
                    found.append(((by_short[short], area, "month", month_words[month]), _figure(text), path.name))
    return found


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_every_figure_a_page_shows_is_the_published_one_and_a_suppressed_cell_shows_only_its_marker(built):
    view, truth = built["view"], built["truth"]
    fig = cells(view).set_index(["measure", "area", "period_type", "period"])
    marker = view.meta["marker"]
    shown = _html_cells(built)
    assert len(shown) > 1000
    suppressed_seen = 0
    for key, text, page in shown:
        row = fig.loc[key]
        if row["suppressed"]:
            suppressed_seen += 1
            assert text == marker, f"{page}: {key} shows {text!r} where it is suppressed"
            real = truth.get(key)
            assert real is None or text != pages.number(real)
        else:
            assert text == row["display"], f"{page}: {key} shows {text!r}, published {row['display']!r}"
    assert suppressed_seen > 100, "the sample has many suppressed cells: the check must meet them"


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_the_summary_gives_the_force_figures_of_the_latest_month(built):
    view = built["view"]
    latest = pages.periods(view, "month")[-1]
    force = pages.force_area(view)
    index = parse(built["out"] / "index.html")
    table = next(t for t in index.tables if t["caption"] == f"{public.month_text(latest)}: figures by area")
    assert table["head"][1] == force, "the force total is the first figure column, seen first on a phone"
    fig = cells(view)
    want = fig[(fig["period_type"] == "month") & (fig["period"] == latest) & (fig["area"] == force)]
    names = {m.id: pages.name_of(m) for m in pages.measures(view)}
    got = {r[0]: r[1] for r in table["rows"]}
    assert len(want) >= 10
    for r in want.itertuples():
        shown = got[names[r.measure]] if names[r.measure] in got else got[f"{names[r.measure]} (per cent)"]
        assert shown == r.display


def _downloads(built):
    out = built["out"]
    rows = list(csv.DictReader(io.StringIO((out / "published-figures.csv").read_text(encoding="utf-8"))))
    body = json.loads((out / "published-figures.json").read_text(encoding="utf-8"))
    wb = load_workbook(out / "published-figures.xlsx")
    return rows, body, wb


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_the_downloads_hold_every_published_figure_as_a_number_and_no_suppressed_one(built):
    view, truth = built["view"], built["truth"]
    marker = view.meta["marker"]
    fig = cells(view)
    rows, body, wb = _downloads(built)
    assert len(rows) == len(body["rows"]) == len(fig)
    csv_by = {(r["measure_id"], r["area"], r["period_type"], r["period"]): r for r in rows}
    json_by = {(r["measure_id"], r["area"], r["period_type"], r["period"]): r for r in body["rows"]}
    xlsx_by = {}
    for ws in wb.worksheets[2:]:
        assert ws.title in ("Months", "Quarters", "Financial_years", "Rolling_12_months")
        assert isinstance(ws["A1"].value, str) and ws["A1"].value
        grid = list(ws.iter_rows(values_only=True))
        head = next(i for i, r in enumerate(grid) if r and r[0] == "Measure")
        cols = list(grid[head])
        assert not ws.merged_cells.ranges
        for r in grid[head + 1:]:
            assert any(v is not None for v in r), f"{ws.title}: a blank row inside the table"
            rec = dict(zip(cols, r, strict=True))
            period_type = {"Months": "month", "Quarters": "quarter", "Financial_years": "financial_year",
                           "Rolling_12_months": "rolling_12_months"}[ws.title]
            xlsx_by[(rec["Measure code"], rec["Area"], period_type, rec["Period"])] = rec
    assert len(xlsx_by) == len(fig)
    for r in fig.itertuples():
        key = (r.measure, r.area, r.period_type, r.period)
        c, j, x = csv_by[key], json_by[key], xlsx_by[key]
        if r.suppressed:
            assert c["value"] == "" and c["status"] == "suppressed" and c["marker"] == marker
            assert j["value"] is None and j["status"] == "suppressed"
            assert x["Value"] == marker and (x["Status"], x["Status code"]) == ("Not shown", "suppressed")
            real = truth.get(key)
            if real is not None:
                assert pages.number(real) not in (c["value"], str(j["value"]))
        else:
            assert float(c["value"]) == pytest.approx(r.value) and c["status"] in ("published", "revised")
            assert isinstance(j["value"], int | float) and not isinstance(j["value"], bool)
            assert j["value"] == pytest.approx(r.value)
            assert isinstance(x["Value"], int | float) and x["Value"] == pytest.approx(r.value)
            if key in truth:
                assert r.value == truth[key], f"{key}: published {r.value}, true {truth[key]}"
        assert c["licence"] == j["licence"] == LICENCE
        if "." not in c["value"] and c["value"] and not r.measure.endswith("_pct"):
            assert c["value"] == str(int(r.value)), "a whole number is written whole"
    assert body["licence"] == LICENCE and body["publisher"] and body["created_at"] and body["marker"] == marker
    cover = " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value)
    notes = " ".join(str(c.value) for row in wb["Notes"].iter_rows() for c in row if c.value)
    assert LICENCE in cover and view.meta["office"] in cover
    assert "[note 1]" in notes and marker in notes


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_no_unpublished_month_appears_in_any_file(built):
    later = built["unpublished"]
    texts = {}
    for path in built["out"].iterdir():
        if path.suffix == ".xlsx":
            wb = load_workbook(path)
            texts[path.name] = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                                        if c.value is not None)
        elif path.suffix != ".css":
            texts[path.name] = path.read_text(encoding="utf-8")
    assert len(texts) >= 6
    for month in later:
        for name, text in texts.items():
            assert month not in text, f"{name} names the unpublished month {month}"
            assert public.month_text(month) not in text, f"{name} names the unpublished month {month}"


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_a_signpost_is_near_the_top_of_every_page(built, tmp_path, monkeypatch):
    notice = Notice("Worried about a child?", ("In an emergency call 999.", "Otherwise call 101."), "signpost")
    monkeypatch.setattr(site, "signpost", lambda view: notice)
    site.build_site(built["view"], tmp_path)
    for path in sorted(tmp_path.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert "Worried about a child?" in text and "In an emergency call 999." in text, path.name
        assert text.index("<h1>") < text.index("Worried about a child?") < text.index("</main>"), path.name
        if "About these figures" in text:  # the banner: the first of the page's own blocks
            assert text.index("Worried about a child?") < text.index("About these figures"), path.name


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_the_real_signpost_when_configured_is_on_every_page(built):
    found = site.signpost(built["view"])
    texts = [p.read_text(encoding="utf-8") for p in sorted(built["out"].glob("*.html"))]
    if found is None:
        assert not any("notice-signpost" in t for t in texts), "no signpost drawn without one configured"
    else:
        assert all(found.title in t and "notice-signpost" in t for t in texts)


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_the_definitions_explain_no_chart_word_that_no_page_uses(built):
    """Regression: Definitions listed "Process limits", a word of the office's own charts that no public page uses
    (a published question that quotes the charts has their words explained beside it, on Questions and decisions)."""
    for path in sorted(built["out"].glob("*.html")):
        text = " ".join(" ".join(parse(path).text).split()).lower()
        assert "process limit" not in text, path.name
    assert "Management information" in " ".join(parse(built["out"] / "definitions.html").text)


@pytest.mark.slow  # builds and publishes the sample warehouse
def test_text_from_the_snapshot_is_escaped(built):
    page = pages.Page("x", "<b>Title</b>", (pages.Paragraph("<script>alert(1)</script> & more"),))
    html = site.render_page(page, [page], built["view"])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html


# --------------------------------------------------------------------------------------------------
# Page content from a small snapshot made here: rolling 12 months, suppressed months, percentages
# --------------------------------------------------------------------------------------------------

def small_snapshot(path: Path, withdrawals=()) -> SnapshotView:
    """Charges for two districts, April 2014 to July 2015, with August 2014 not published and some months
    suppressed; a percentage; the rolling 12 months to July 2015."""
    months = [str(p) for p in pd.period_range("2014-04", "2015-07", freq="M") if str(p) != "2014-08"]
    rows = []
    for i, p in enumerate(months):
        hidden = i % 3 == 0
        rows += [("cse_charges", "North", p, "month", None if hidden else 5.0 + i, "[c]" if hidden else str(5 + i),
                  hidden),
                 ("cse_charges", "South", p, "month", None if hidden else 6.0 + i, "[c]" if hidden else str(6 + i),
                  hidden),
                 ("cse_charges", "Shire", p, "month", 20.0 + i, str(20 + i), False),
                 ("trained_pct", "Shire", p, "month", 46.4, "46.4%", False)]
    rows += [("cse_charges", "Shire", "12 months to 2015-07", "rolling_12_months", 54.0, "54", False),
             ("cse_charges", "North", "12 months to 2015-07", "rolling_12_months", 22.0, "22", False),
             ("cse_charges", "South", "12 months to 2015-07", "rolling_12_months", 32.0, "32", False)]
    fig = pd.DataFrame(rows, columns=["measure", "area", "period", "period_type", "value", "display", "suppressed"])
    measure = pd.DataFrame([("cse_charges", "People charged", "Charges", "people", "flow", "good"),
                            ("trained_pct", "Officers trained (per cent)", "Trained (%)", "per cent", "percentage",
                             "good")], columns=["id", "name", "short_name", "unit", "kind", "increase_is"])
    meta = {"marker": "[c]", "force": "Shire Police", "office": "Shire PCC",
            "districts": json.dumps(["North", "South"]),
            "banner": "Management information.", "footnote": "[c] hidden.", "created_at": "2026-01-02T03:04:05"}
    write_tables(path, {"figure": fig, "measure": measure,
                        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    return SnapshotView(path, {"withdrawals": list(withdrawals)})


def test_the_figures_download_says_in_words_what_the_pages_say_beside_the_codes_re_users_rely_on(tmp_path):
    """Regression: published-figures.csv gave a hidden figure's status only as "suppressed" where every page says
    "[c] Not shown", and named a measure "Victims and survivors of CSE supported by commissioned services" where the
    pages spell out "child sexual exploitation". The codes stay as they were, in the same columns; a column in words
    stands beside the status, the measure's name is the pages' own, and the JSON file describes every column."""
    from pipelines.publish import downloads

    small = small_snapshot(tmp_path / "small.duckdb")
    measure = small.table("measure").assign(name=["Victims and survivors of CSE supported by commissioned services",
                                                  "Officers trained in CSE awareness (per cent)"])
    write_tables(tmp_path / "s.duckdb", {"figure": small.table("figure"), "measure": measure,
                                         "meta": small.table("meta")})
    view = SnapshotView(tmp_path / "s.duckdb", {"withdrawals": []})
    rows = list(csv.DictReader(io.StringIO(downloads.to_csv(view).decode("utf-8"))))
    header = list(rows[0])
    was = ["measure_id", "measure_name", "unit", "definition", "area", "period_type", "period", "period_in_words",
           "value", "status", "marker", "caveats", "last_revised", "licence"]
    assert [c for c in header if c in was] == was and header.index("status_in_words") == header.index("status") + 1
    hidden = next(r for r in rows if r["marker"])
    assert (hidden["status"], hidden["status_in_words"], hidden["value"]) == ("suppressed", "Not shown", "")
    assert {r["status_in_words"] for r in rows if not r["marker"]} == {"Published"}
    names = {r["measure_id"]: r["measure_name"] for r in rows}
    assert names == {"cse_charges": "Victims and survivors of child sexual exploitation supported by commissioned "
                                    "services",
                     "trained_pct": "Officers trained in child sexual exploitation awareness (per cent)"}
    shown = " ".join(c.text for t in blocks_of(pages.tables_page(view).blocks, Table) for row in t.rows for c in row)
    assert names["cse_charges"] in shown and "CSE" not in shown
    described = json.loads(downloads.to_json(view))["columns"]
    assert list(described) == header and all(described.values())
    assert "Not shown" in described["status_in_words"] and "suppressed" in described["status"]


def test_the_downloads_are_described_in_plain_words(tmp_path):
    """Regression: the Tables and downloads page said "Numbers are numbers" and "each code re-users filter on (the
    measure's, the period's, the status's) has the same in words beside it", words a reader new to data files could
    not follow."""
    view = small_snapshot(tmp_path / "s.duckdb")
    blocks = pages.tables_page(view).blocks
    at = next(i for i, b in enumerate(blocks) if isinstance(b, pages.Heading) and b.text.startswith("Download"))
    said = blocks[at + 1].text
    assert "re-users" not in said and "Numbers are numbers" not in said
    assert "Each figure is given as a number a spreadsheet can add up; a hidden figure has no number and is marked " \
           "[c]." in said
    assert "the short code of each measure, period and status has its meaning in words in the column beside it" in said


def test_the_summary_leads_with_the_rolling_12_months_and_charts_suppressed_months_as_suppressed(tmp_path):
    view = small_snapshot(tmp_path / "s.duckdb")
    page = pages.summary_page(view)
    assert page.blocks[0] == Notice("About these figures", ("Management information.",), "info",
                                    links=(Link("What management information means", "methodology#quality"),))
    headings = [b.text for b in page.blocks if isinstance(b, pages.Heading)]
    assert headings[0] == "The latest 12 months: August 2014 to July 2015"
    first = next(b for b in page.blocks if isinstance(b, Table))
    assert first.columns == ("Measure", "Shire", "North", "South")
    assert [c.text for c in first.rows[0]] == ["People charged", "54", "22", "32"]
    charts = [b for b in page.blocks if isinstance(b, Chart)]
    assert [c.title for c in charts] == ["Charges, Shire, by month"], "a percentage is never charted as a count"
    chart = pages.chart(view, next(m for m in pages.measures(view) if m.id == "cse_charges"), "North")
    status = {p.period: p.status for p in chart.points}
    assert status["2014-08"] == "not published" and status["2014-04"] == "suppressed"
    assert status["2014-05"] == "published" and chart.whole_numbers
    assert all(p.value is None for p in chart.points if p.status != "published")
    assert [r[1].text for r in chart.table.rows][:2] == ["[c]", "6"]
    assert "lowest" not in chart.sentence.replace("no lowest or highest", "")
    assert ("5 of the 15 months are hidden so that no child can be identified: a hidden figure is either a small "
            "number, or one that would let a small number elsewhere be worked out.") in chart.sentence
    svg = site.render_chart(chart, site.Ids())
    # regression: a hidden month was a circle on the axis, read as a zero; it is now its month's whole column
    columns = re.findall(r'<rect class="hidden-month" x="[\d.]+" y="(\d+)" width="[\d.]+" height="(\d+)"', svg)
    assert len(columns) == 5, "each suppressed month is marked on the chart"
    assert "<circle" in svg and svg.count("<circle") == 15 - 5, "a point for each month shown only"
    axis = re.search(r'<line x1="\d+" x2="\d+" y1="([\d.]+)" y2="[\d.]+" stroke="#0b0c0c"/>', svg)
    assert all(int(y) + int(height) == float(axis.group(1)) and int(y) < 20 for y, height in columns)
    assert svg.count(">[c]</text>") == 5
    assert svg.count("<rect") == 6 and svg.count('fill="#dddcdb"') == 1, "the month not published is shown as such"
    key = re.search(r'<span class="key-hidden"></span>([^<]+)</li>', render := site.render_chart(chart, site.Ids()))
    assert key and key.group(1).strip() == ("[c] hidden, not zero: a small number, or hidden so that a small number "
                                            "elsewhere cannot be worked out") and "too few" not in render
    ticks = re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)
    assert ticks and all(re.fullmatch(r"[\d,]+", t) for t in ticks), f"whole-number ticks only: {ticks}"
    whole = pages.chart(view, next(m for m in pages.measures(view) if m.id == "cse_charges"), "Shire")
    assert "The lowest published month was April 2014 (20) and the highest July 2015 (34)" in whole.sentence
    tables = pages.tables_page(view)
    pct = [r for b in tables.blocks if isinstance(b, Table) for r in b.rows if r[0].text.startswith("Officers")]
    assert pct and pct[0][1].text == "46.4%"


def test_the_summary_s_first_sentence_says_what_the_page_gives(tmp_path):
    """Regression: under the banner the summary's first words were "Published by the Shire PCC. Each figure here was
    approved ...", so nothing said what the figures were or where they came from before the tables began."""
    view = small_snapshot(tmp_path / "s.duckdb")
    first = next(b for b in pages.summary_page(view).blocks if isinstance(b, pages.Paragraph))
    assert first.text.startswith("This page gives the latest published figures on child sexual exploitation from "
                                 "Shire Police's monthly return. Published by the Shire PCC."), first.text


def test_every_page_s_banner_links_to_the_methodology_section_saying_what_management_information_is(tmp_path):
    """Regression: the banner said "These figures are management information" on every page, and only the
    Methodology page said what that is, with nothing leading there. The banner's words are kept in each snapshot,
    so an earlier snapshot's banner (here "Management information.") still shows, with the link beside it."""
    view = small_snapshot(tmp_path / "s.duckdb")
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    meaning = '<a href="methodology.html#quality">What management information means</a>'
    banners = 0
    site_pages = site.site_pages(view)
    for page in site_pages:
        if page.blocks and isinstance(page.blocks[0], Notice) and page.blocks[0].kind == "info":
            banners += 1
            html = (out / f"{page.slug}.html").read_text(encoding="utf-8")
            assert "<p>Management information.</p>" in html and meaning in html, page.slug
    assert banners >= 4, [p.slug for p in site_pages]
    methodology = (out / "methodology.html").read_text(encoding="utf-8")
    section = methodology.split('<h2 id="quality">Quality</h2>', 1)[1].split("<h2", 1)[0]
    assert "These are management information" in section and "have not been audited" in section
    nothing = pages.summary_page(SnapshotView(None, {}))
    assert nothing.blocks[0].lines == (public.MANAGEMENT_INFORMATION,)
    assert nothing.blocks[0].links == (Link("What management information means", "methodology#quality"),)


def test_the_release_calendar_links_to_the_revisions_section_and_every_link_to_a_section_finds_it(tmp_path):
    """Regression: the release calendar's "Revisions and publications withdrawn, on the Tables and downloads page"
    opened the top of that long page, leaving the reader to look for the Revisions heading. It goes to the heading;
    every link from one page of the site to a section of another (or its own) finds an element with that id."""
    view = small_snapshot(tmp_path / "s.duckdb")
    write_tables(tmp_path / "s.duckdb", {"period": pd.DataFrame(
        {"period": ["2015-06", "2015-07"], "first_published_at": ["2015-07-10", "2015-08-10"],
         "last_revised_at": [None, None]})})
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    calendar = (out / "release-calendar.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]*)">Revisions and publications withdrawn', calendar) == ["tables.html#revisions"]
    assert '<h2 id="revisions">Revisions</h2>' in (out / "tables.html").read_text(encoding="utf-8")
    ids = {path.name: {a["id"] for _t, a in parse(path).tags if "id" in a} for path in out.glob("*.html")}
    sections = [(path.name, a["href"]) for path in sorted(out.glob("*.html")) for t, a in parse(path).tags
                if t == "a" and "#" in a.get("href", "") and not a["href"].startswith(("http:", "https:"))]
    assert len(sections) > len(ids), sections
    for name, href in sections:
        page, _, section = href.partition("#")
        assert section in ids[page or name], (name, href)


def test_the_signpost_on_the_report_a_concern_page_does_not_link_to_that_page(tmp_path):
    """Regression: the "Worried about a child?" box at the top of the Report a concern page linked to the page the
    reader was already on. The box stays there, without that link, and keeps it on every other page."""
    view = small_snapshot(tmp_path / "s.duckdb")
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    link = '<a href="report-a-concern.html">How to report a concern and where to get support</a>'
    slugs = [p.slug for p in site.site_pages(view)]
    assert "report-a-concern" in slugs and len(slugs) >= 6
    for slug in slugs:
        html = (out / f"{slug}.html").read_text(encoding="utf-8")
        box = html.split('class="notice notice-signpost"', 1)[1].split("</section>", 1)[0]
        assert "Worried about a child?" in box and "call 999" in box, slug
        assert (link in box) == (slug != "report-a-concern"), slug


def test_each_page_s_browser_title_names_the_page_then_the_site_and_the_summary_names_the_site_once(tmp_path):
    """Regression: the summary's browser title (its tab, a bookmark, a search result) read "Shire Police: child sexual
    exploitation figures - Shire Police: child sexual exploitation figures", the site's name twice."""
    view = small_snapshot(tmp_path / "s.duckdb")
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    name = pages.site_title(view)

    def title(slug: str) -> str:
        return re.search(r"<title>([^<]*)</title>", (out / f"{slug}.html").read_text(encoding="utf-8")).group(1)

    assert title("index") == name
    assert title("tables") == f"Tables and downloads - {name}"
    for page in site.site_pages(view):
        assert title(page.slug).count(name) == 1, page.slug


def test_a_chart_with_every_month_hidden_keeps_its_columns_and_puts_no_number_on_its_value_axis():
    """Regression: an office's two months of a measure, both hidden, drew their columns over a value axis numbered 0
    and 1 with no point on it, which read as figures near 1."""
    points = (ChartPoint("2026-12", None, "suppressed", "[c]"), ChartPoint("2027-01", None, "suppressed", "[c]"))
    table = Table("Cautions, Shire, by month", ("Month", "People"), ())
    for whole in (True, False):
        svg = site.render_chart(Chart("Cautions, Shire", "people", whole, points, "Every month is hidden.", table),
                                site.Ids())
        assert svg.count('<rect class="hidden-month"') == 2 and svg.count(">[c]</text>") == 2
        assert "<circle" not in svg
        assert re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg) == [], "no number on the value axis"
        assert svg.count("<line") == 1, "the baseline only: no grid line stands for a value"
    shown = (ChartPoint("2026-12", 4, "published", "4"), ChartPoint("2027-01", None, "suppressed", "[c]"))
    svg = site.render_chart(Chart("Cautions, Shire", "people", True, shown, "", table), site.Ids())
    assert re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg) == ["0", "1", "2", "3", "4"]


def test_a_screen_reader_hears_a_chart_s_sentence_once_after_the_picture_named_by_its_title():
    """Regression: the picture's name was its title and its sentence, and the caption under it said the sentence
    again, so a screen reader read it twice. The picture is named by its title (WCAG 1.1.1: it keeps a name) and the
    sentence is the caption, said once."""
    points = (ChartPoint("2026-12", 4, "published", "4"), ChartPoint("2027-01", 6, "published", "6"))
    said = "People cautioned, Shire, each month from December 2026 to January 2027. It went up."
    out = site.render_chart(Chart("Cautions, Shire, by month", "people", True, points, said,
                                  Table("Cautions, Shire, by month", ("Month", "People"), ())), site.Ids())
    named = re.search(r'<svg[^>]* aria-labelledby="([^"]+)"', out).group(1)
    assert re.findall(rf'<title id="{named}">([^<]*)</title>', out) == ["Cautions, Shire, by month"]
    assert out.count(said) == 1 and f"<figcaption>{said}</figcaption>" in out


def _words(page) -> list[str]:
    found = [getattr(b, "text", "") for b in page.blocks]
    return found + [x for b in page.blocks for x in getattr(b, "lines", ())]


def test_nothing_published_says_so(tmp_path):
    view = SnapshotView(None, {})
    for fn in (pages.summary_page, pages.tables_page, pages.board_page):
        assert "Nothing has been published yet. Figures appear here once the office of the Police and Crime " \
               "Commissioner has approved them for publication." in _words(fn(view))


def test_a_withdrawal_that_leaves_nothing_published_says_so_when_and_why_under_the_force_s_name(tmp_path):
    """Regression: "Nothing published yet" above "Publication of ... withdrawn", "No month has been published yet"
    on the release calendar, and a summary heading without the force's name."""
    view = SnapshotView(None, {"force": "Shire Police", "withdrawals": [
        {"version": 1, "published_at": "2026-05-05T10:00:00", "withdrawn_at": "2026-05-06T10:00:00",
         "reason": "A wrong return"}]})
    for fn in (pages.summary_page, pages.tables_page, pages.board_page, info.calendar_page,
               lambda v: pages.measure_page(v, "cse_charges")):
        page = fn(view)
        words = _words(page)
        assert not any("Nothing" in t and "published yet" in t for t in words), page.slug
        assert "No month has been published yet." not in words, page.slug
        assert "Publication 1 of 5 May 2026 withdrawn on 6 May 2026: A wrong return" in words, page.slug
        assert ("No earlier publication is available, so no figures are published at the moment. Figures appear here "
                "again once the office of the Police and Crime Commissioner publishes them.") in words, page.slug
        assert not any(isinstance(b, Table | Chart) for b in page.blocks), page.slug
    assert pages.summary_page(view).title == "Shire Police: child sexual exploitation figures"
    assert "No month is published at the moment: the publication was withdrawn (see above)." in _words(
        info.calendar_page(view))
    written = {f.name for f in site.build_site(view, tmp_path)}
    assert {"index.html", "tables.html", "board.html"} <= written and not any(n.startswith("published-figures")
                                                                           for n in written)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Nothing has been published yet" not in index and "withdrawn on 6 May 2026: A wrong return" in index
    assert "Shire Police: child sexual exploitation figures" in index


def test_a_withdrawal_that_brings_back_an_earlier_publication_says_so_and_an_old_one_stays_history(tmp_path):
    earlier = {"version": 1, "published_at": "2025-12-01T10:00:00", "withdrawn_at": "2025-12-02T10:00:00",
               "reason": "An old mistake"}
    later = {"version": 3, "published_at": "2026-02-01T10:00:00", "withdrawn_at": "2026-02-02T10:00:00",
             "reason": "A wrong return"}
    shown = small_snapshot(tmp_path / "s.duckdb", withdrawals=[earlier, later])  # published 2 January 2026
    with duckdb.connect(str(shown.path)) as con:
        con.execute("INSERT INTO meta VALUES ('version', '2')")
    shown = SnapshotView(shown.path, shown.pointer)
    now = "The figures shown now are those of the earlier publication of 2 January 2026 (publication 2)."
    for fn in (pages.summary_page, pages.tables_page, pages.board_page, info.calendar_page,
               lambda v: pages.measure_page(v, "cse_charges")):
        page = fn(shown)
        top = next(b for b in page.blocks if isinstance(b, Notice) and b.kind == "warning")
        assert top.lines == ("Publication 3 of 1 February 2026 withdrawn on 2 February 2026: A wrong return", now), \
            page.slug
        assert _words(page).count(now) == 1, page.slug
    # a withdrawal before the publication shown is history: no page says an earlier publication is shown
    history = SnapshotView(shown.path, {"withdrawals": [earlier]})
    for fn in (pages.summary_page, pages.tables_page, pages.board_page, info.calendar_page):
        assert now not in _words(fn(history))
    for fn in (pages.summary_page, pages.board_page, info.calendar_page):
        # nor opens with it: a publication since has been read month after month (the revisions page keeps it)
        assert not any(isinstance(b, Notice) and b.kind == "warning" for b in fn(history).blocks), fn
    assert "Publication 1 of 1 December 2025 withdrawn on 2 December 2025: An old mistake" in _words(
        pages.tables_page(history))


def test_a_one_month_series_says_its_month_and_a_wholly_hidden_one_says_why():
    one = pd.DataFrame({"period": ["2015-07"], "value": [8.0], "display": ["8"], "suppressed": [False]})
    assert public.trend_sentence("Charges", "Shire", one) == "Charges, Shire, July 2015. It was 8."
    hidden = pd.DataFrame({"period": ["2015-06", "2015-07"], "value": [None, None], "display": ["[c]", "[c]"],
                           "suppressed": [True, True]})
    text = public.trend_sentence("Charges", "Shire", hidden)
    assert text.endswith("Every month is hidden so that no child can be identified: a hidden figure is either a "
                         "small number, or one that would let a small number elsewhere be worked out.")
    assert "lowest" not in text


def test_a_series_of_equal_months_says_so_rather_than_naming_one_month_lowest_and_highest():
    """Regression: two published months of 10 read "The lowest published month was March 2026 (10) and the highest
    March 2026 (10)"."""
    same = pd.DataFrame({"period": ["2026-02", "2026-03"], "value": [10.0, 10.0], "display": ["10", "10"],
                         "suppressed": [False, False]})
    assert public.trend_sentence("Orders", "Shire", same) == (
        "Orders, Shire, each month from February 2026 to March 2026. Every published month was 10. In March 2026 it "
        "was 10, the same as in February 2026.")


def test_the_lowest_and_highest_name_every_month_that_ties():
    """Regression: the summary read "The lowest published month was July 2026 (6) and the highest April 2026 (7)"
    when April, May and June 2026 were all 7: one month named as the highest hid the two that tied with it."""
    tie = pd.DataFrame({"period": ["2026-04", "2026-05", "2026-06", "2026-07"], "value": [7.0, 7.0, 7.0, 6.0],
                        "display": ["7", "7", "7", "6"], "suppressed": [False] * 4})
    assert public.trend_sentence("Orders", "Shire", tie) == (
        "Orders, Shire, each month from April 2026 to July 2026. The lowest published month was July 2026 (6) and "
        "the highest were April, May and June 2026 (7 in each). In July 2026 it was 6, down from 7 in June 2026.")
    low = tie.assign(value=[5.0, 9.0, 5.0, 5.0], display=["5", "9", "5", "5"])
    assert "The lowest published months were April, June and July 2026 (5 in each) and the highest May 2026 (9)." in (
        public.trend_sentence("Orders", "Shire", low))
    years = pd.DataFrame({"period": ["2015-07", "2026-04", "2026-05"], "value": [3.0, 8.0, 3.0],
                          "display": ["3", "8", "3"], "suppressed": [False] * 3})
    assert "The lowest published months were July 2015 and May 2026 (3 in each) and the highest April 2026 (8)." in (
        public.trend_sentence("Orders", "Shire", years))
    # percentages that read the same are the same to the reader: both named, or every month when all read alike
    pct = pd.DataFrame({"period": ["2026-04", "2026-05", "2026-06"], "value": [95.51, 95.54, 97.0],
                        "display": ["95.5%", "95.5%", "97.0%"], "suppressed": [False] * 3})
    assert "The lowest published months were April and May 2026 (95.5% in each) and the highest June 2026 (97.0%)." in (
        public.trend_sentence("Trained", "Shire", pct))
    alike = pct.assign(value=[95.51, 95.54, 95.52], display=["95.5%"] * 3)
    assert "Every published month was 95.5%." in public.trend_sentence("Trained", "Shire", alike)


def test_a_percentage_series_names_its_lowest_and_highest_months_as_percentages():
    """Regression: a percentage measure's page read "The lowest published month was April 2014 (5.7) and the highest
    November 2026 (96.9). In February 2028 it was 95.5%": the lowest and highest lost their per cent sign, which the
    latest month and every table keep."""
    pct = pd.DataFrame({"period": ["2026-01", "2026-02", "2026-03"], "value": [5.7, 96.9, 95.5],
                        "display": ["5.7%", "96.9%", "95.5%"], "suppressed": [False, False, False]})
    assert public.trend_sentence("Trained", "Shire", pct).endswith(
        "The lowest published month was January 2026 (5.7%) and the highest February 2026 (96.9%). In March 2026 it "
        "was 95.5%, down from 96.9% in February 2026.")
    same = pct.assign(value=[90.0] * 3, display=["90.0%"] * 3)
    assert "Every published month was 90.0%." in public.trend_sentence("Trained", "Shire", same)


def test_a_sentence_says_which_way_the_latest_month_went_from_the_month_before_only_when_both_are_shown():
    """Regression: a chart's sentence gave the latest month alone ("In June 2026 it was 31."), never whether that was
    up or down on the month before, the first thing a reader asks of it. Beside a hidden month, or across a gap of
    months not published, no direction is given: it would narrow what a hidden figure can be."""
    def sentence(periods, values, hidden=()):
        return public.trend_sentence("Arrests", "Shire", pd.DataFrame({
            "period": periods, "value": [None if p in hidden else v for p, v in zip(periods, values, strict=True)],
            "display": ["[c]" if p in hidden else f"{v:,}" for p, v in zip(periods, values, strict=True)],
            "suppressed": [p in hidden for p in periods]}))

    months = ["2026-04", "2026-05", "2026-06"]
    assert sentence(months, [31, 42, 31]).endswith("In June 2026 it was 31, down from 42 in May 2026.")
    assert sentence(months, [31, 2_042, 3_100]).endswith("In June 2026 it was 3,100, up from 2,042 in May 2026.")
    assert sentence(["2025-12", "2026-01"], [5, 9]).endswith("In January 2026 it was 9, up from 5 in December 2025.")
    assert sentence(months, [31, 3, 31], hidden={"2026-05"}).endswith("In June 2026 it was 31.")
    assert sentence(["2026-04", "2026-06"], [40, 31]).endswith("In June 2026 it was 31.")


def months_snapshot(path: Path, charges: list[str], arrests: list[str]) -> SnapshotView:
    """Charges and arrests for Shire and its district North, published for the months given of each."""
    rows = [(measure, area, p, "month", 10.0 + i, str(10 + i), False)
            for measure, months in (("cse_charges", charges), ("cse_arrests", arrests))
            for i, p in enumerate(months) for area in ("Shire", "North")]
    fig = pd.DataFrame(rows, columns=["measure", "area", "period", "period_type", "value", "display", "suppressed"])
    measure = pd.DataFrame([("cse_charges", "People charged", "Charges", "people", "flow", "good"),
                            ("cse_arrests", "People arrested", "Arrests", "people", "flow", "good")],
                           columns=["id", "name", "short_name", "unit", "kind", "increase_is"])
    meta = {"marker": "[c]", "force": "Shire Police", "office": "Shire PCC", "districts": json.dumps(["North"]),
            "banner": "Management information.", "footnote": "[c] hidden.", "created_at": "2026-12-07T03:04:05"}
    write_tables(path, {"figure": fig, "measure": measure,
                        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    return SnapshotView(path, {"withdrawals": []})


def test_with_one_month_published_the_summary_gives_each_figure_and_calls_nothing_a_trend(tmp_path):
    """Regression: an office's first publication, of one month, headed its summary's last section "Trends" and drew a
    chart of one point for each measure. A measure is charted only once two of its months are published; until then
    it is given as its figure, in the sentence that goes under its chart, and with no measure charted the section is
    headed "Latest figures" and says why. On the static site as in the app, which both draw this page."""
    def summary(name, charges, arrests):
        view = months_snapshot(tmp_path / f"{name}.duckdb", charges, arrests)
        page = pages.summary_page(view)
        out = tmp_path / name
        out.mkdir()
        site.build_site(view, out)
        return page, (out / "index.html").read_text(encoding="utf-8"), view

    page, html, _view = summary("one", ["2026-12"], ["2026-12"])
    heads = [b.text for b in page.blocks if isinstance(b, pages.Heading)]
    assert "Trends" not in heads and "Latest figures" in heads
    assert not any(isinstance(b, Chart) for b in page.blocks)
    words = _words(page)
    assert ("Only December 2026 is published so far, so there is no trend to show: each measure is charted here "
            "month by month once a second month of it is published. Each measure has its own page with its figure "
            "for every district.") in words
    assert "People charged, Shire, December 2026. It was 10." in words
    assert "People arrested, Shire, December 2026. It was 10." in words
    assert heads[heads.index("Latest figures") + 1:] == ["Charges", "Arrests"]
    assert "Trends" not in html and "<h2>Latest figures</h2>" in html and "<svg" not in html
    assert "People charged, Shire, December 2026. It was 10." in html

    page, html, view = summary("two", ["2026-12", "2027-01"], ["2026-12", "2027-01"])
    heads = [b.text for b in page.blocks if isinstance(b, pages.Heading)]
    assert "Trends" in heads and "Latest figures" not in heads
    assert [c.title for c in page.blocks if isinstance(c, Chart)] == ["Charges, Shire, by month",
                                                                      "Arrests, Shire, by month"]
    assert "<h2>Trends</h2>" in html and html.count("<svg") == 2 and "Latest figures" not in html
    assert not any("A measure with only one month published" in w for w in _words(page))

    # a measure new to this publication is given as its figure beside the others' charts, and the section says so
    page, html, _view = summary("mixed", ["2026-12", "2027-01"], ["2027-01"])
    heads = [b.text for b in page.blocks if isinstance(b, pages.Heading)]
    assert "Trends" in heads and "Latest figures" not in heads
    assert [c.title for c in page.blocks if isinstance(c, Chart)] == ["Charges, Shire, by month"]
    words = _words(page)
    assert "People arrested, Shire, January 2027. It was 10." in words
    assert any("A measure with only one month published is given as its figure, and charted once a second month is "
               "published." in w for w in words)
    assert html.count("<svg") == 1 and "People arrested, Shire, January 2027. It was 10." in html


def test_with_one_month_published_a_measure_s_page_gives_each_area_s_figure_and_promises_no_trend(tmp_path):
    """Regression: with one month of a measure published, its own page opened "..., month by month, for Shire and
    each district" over a chart of one point for every area, when the summary already gave that measure as its
    figure. The page now follows the summary's rule: until a second month is published it gives that month's figure
    for each area in one table (with the events noted in it), and its opening says there is no trend yet; with two
    months it charts every area as before. On the static site as in the app, which both draw this page."""
    def measure(name, charges, arrests, noted=(), then=""):
        path = tmp_path / f"{name}.duckdb"
        view = months_snapshot(path, charges, arrests)
        if noted or then:
            with duckdb.connect(str(path)) as con:
                con.execute("CREATE TABLE event (measure VARCHAR, date VARCHAR, title VARCHAR, line VARCHAR)")
                if noted:
                    con.executemany("INSERT INTO event VALUES (?, ?, ?, ?)", list(noted))
                if then:
                    con.execute(then)
            view = SnapshotView(path, {"withdrawals": []})
        page = pages.measure_page(view, "cse_arrests")
        out = tmp_path / name
        out.mkdir()
        site.build_site(view, out)
        return page, (out / "measure-cse_arrests.html").read_text(encoding="utf-8")

    def opening(page) -> str:
        return next(b.text for b in page.blocks if isinstance(b, pages.Paragraph))

    page, html = measure("one", ["2026-12"], ["2026-12"],
                         [("cse_arrests", "2026-12-03", "Operation", "3 December 2026: an operation began.")])
    words = _words(page)
    assert ("Arrests: people arrested, for Shire and each district. Only December 2026 is published so far, so "
            "there is no trend to show: this page charts the measure month by month once a second month of it is "
            "published.") in opening(page)
    assert not any(isinstance(b, Chart) for b in page.blocks)
    assert [b.text for b in page.blocks if isinstance(b, pages.Heading)] == ["December 2026"]
    [table] = [b for b in page.blocks if isinstance(b, Table)]
    assert table.caption == "Arrests, December 2026, by area" and table.columns == ("Area", "People")
    assert [tuple(c.text for c in row) for row in table.rows] == [("Shire", "10"), ("North", "10")]
    assert "Events noted on this measure in December 2026:" in words
    assert "<svg" not in html and "month by month, for Shire" not in html and "<h2>December 2026</h2>" in html
    read = Parsed()
    read.feed(html)
    [drawn] = read.tables
    assert drawn["caption"] == "Arrests, December 2026, by area" and drawn["rows"] == [["Shire", "10"],
                                                                                        ["North", "10"]]
    assert "3 December 2026: an operation began." in html
    # every figure shown: the opening does not explain a marker the page never uses
    assert "marked [c]" not in opening(page) and "[c]" not in html

    # a hidden figure in the month: the opening says what its marker means, as the footnote under the table does
    page, html = measure("hidden", ["2026-12"], ["2026-12"],
                         then="UPDATE figure SET value = NULL, display = '[c]', suppressed = TRUE "
                              "WHERE measure = 'cse_arrests' AND area = 'North'")
    assert opening(page).endswith("A figure marked [c] is hidden so that no child can be identified: a hidden figure "
                                  "is either a small number, or one that would let a small number elsewhere be "
                                  "worked out.")
    [table] = [b for b in page.blocks if isinstance(b, Table)]
    assert [tuple(c.text for c in row) for row in table.rows] == [("Shire", "10"), ("North", "[c]")]

    page, html = measure("two", ["2026-12", "2027-01"], ["2026-12", "2027-01"])
    assert opening(page).startswith("Arrests: people arrested, month by month, for Shire and each district.")
    assert [c.title for c in page.blocks if isinstance(c, Chart)] == ["Arrests, Shire, by month",
                                                                     "Arrests, North, by month"]
    assert [b.text for b in page.blocks if isinstance(b, pages.Heading)] == ["Shire", "North"]
    assert html.count("<svg") == 2 and "no trend" not in html and "published so far" not in html

    # a measure new to a publication of several months says its own month is the only one of it published
    page, html = measure("mixed", ["2026-12", "2027-01"], ["2027-01"])
    assert "Of this measure, only January 2027 is published so far, so there is no trend to show" in opening(page)
    assert "<svg" not in html and "Arrests, January 2027, by area" in html

    # an area with one month of it published beside areas with more is given as its figure, and the opening says so
    page, html = measure("district", ["2026-12"], ["2026-12", "2027-01"],
                         then="DELETE FROM figure WHERE measure = 'cse_arrests' AND area = 'North' "
                              "AND period = '2026-12'")
    assert [c.title for c in page.blocks if isinstance(c, Chart)] == ["Arrests, Shire, by month"]
    assert "People arrested, North, January 2027. It was 11." in _words(page)
    assert opening(page).endswith("An area with only one month of it published is given as its figure, and charted "
                                  "once a second month is published.")
    assert html.count("<svg") == 1 and "<h2>North</h2>" in html


def test_a_measure_given_as_its_one_month_on_the_summary_keeps_the_events_its_chart_would_mark(tmp_path):
    """Regression: on the summary a measure with one month published is given as its figure, not charted; the events
    its chart would have marked in that month went with the chart. They are listed under its figure, as on its own
    page; a measure charted still marks them on its chart, not in a list."""
    path = tmp_path / "one.duckdb"
    months_snapshot(path, ["2026-12"], ["2026-12", "2027-01"])
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE event (measure VARCHAR, date VARCHAR, title VARCHAR, line VARCHAR)")
        con.executemany("INSERT INTO event VALUES (?, ?, ?, ?)",
                        [("cse_charges", "2026-12-03", "Operation", "3 December 2026: an operation began."),
                         ("cse_arrests", "2027-01-05", "Review", "5 January 2027: a review began.")])
    view = SnapshotView(path, {"withdrawals": []})
    blocks = pages.summary_page(view).blocks
    at = next(i for i, b in enumerate(blocks) if getattr(b, "text", "") == "People charged, Shire, December 2026. "
              "It was 10.")
    said, listed = blocks[at + 1:at + 3]
    assert said.text == "Events noted on this measure in December 2026:"
    assert listed.items == ("3 December 2026: an operation began.",)
    # arrests are charted: their chart marks January's event, as before, and no list repeats it
    assert "Events noted on this measure in January 2027:" not in _words(pages.summary_page(view))
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    assert "3 December 2026: an operation began." in (out / "index.html").read_text(encoding="utf-8")


def test_an_event_is_described_once_on_a_measure_s_page_and_named_under_each_later_chart_that_marks_it(tmp_path):
    """Regression: a measure's page repeated the paragraph about an event (the Jay report) under each area's chart,
    five times. It is said in full under the first chart that marks it; each later chart that marks it names it by
    its date and title and says where it is described."""
    path = tmp_path / "events.duckdb"
    months_snapshot(path, ["2026-12", "2027-01", "2027-02"], ["2026-12", "2027-01"])
    said = "5 January 2027: Review published. A review of the force's work was published."
    with duckdb.connect(str(path)) as con:
        con.execute('CREATE TABLE event (measure VARCHAR, date VARCHAR, "when" VARCHAR, title VARCHAR, line VARCHAR)')
        con.execute("INSERT INTO event VALUES (?, ?, ?, ?, ?)",
                    ["cse_charges", "2027-01-05", "5 January 2027", "Review published", said])
    view = SnapshotView(path, {"withdrawals": []})
    charts = [b for b in pages.measure_page(view, "cse_charges").blocks if isinstance(b, Chart)]
    assert [[ev.line for ev in c.events] for c in charts] == [
        [said], ["5 January 2027: Review published (described under the Shire chart above)."]]
    out = tmp_path / "site"
    out.mkdir()
    site.build_site(view, out)
    page = (out / "measure-cse_charges.html").read_text(encoding="utf-8")
    assert page.count("A review of the force&#x27;s work was published.") == 1
    assert page.count("5 January 2027: Review published") == 2


def _with_contact(view_path: Path, contact: dict | None) -> Path:
    """A published folder holding the small snapshot, published with public_info.yaml's contact replaced by `contact`
    (None: the bundled file's example details)."""
    folder = view_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    small_snapshot(view_path)
    said = info.load_public_info()
    if contact is not None:
        said = {**said, "contact": contact}
    con = duckdb.connect(str(view_path))
    con.execute("INSERT INTO meta VALUES ('public_info', ?), ('version', '1')", [json.dumps(said)])
    con.close()
    (folder / "current.json").write_text(json.dumps({"file": view_path.name, "withdrawals": []}))
    return folder


SHIRE_CONTACT = {"name": "the Shire Office", "email": "questions@shire.example", "phone": "01234 000 111",
                 "address": ["1 High Street", "Shire", "SH1 1AA"], "response_time": "We reply within a week."}


def test_the_site_s_board_page_says_how_to_send_the_board_a_question(tmp_path):
    """Regression: the site's Questions and decisions page said questions come from members of the public, but the
    site has no Ask page and gave no way to send one. It now gives the office's contact details (the Contact page's)
    and links to that page; the public app links to its Ask page instead."""
    folder = _with_contact(tmp_path / "pub" / "snapshot-0001.duckdb", SHIRE_CONTACT)
    view = SnapshotView(public.current_snapshot(folder), public.pointer(folder))
    page = pages.board_page(view)
    assert ("To send a question for a forthcoming Board, contact the Shire Office: email questions@shire.example, "
            "phone 01234 000 111 or write to 1 High Street, Shire, SH1 1AA. Say that it is a question for the Board."
            ) in _words(page)
    html = site.render_page(page, site.site_pages(view), view)
    assert '<a href="contact.html">Contact</a>' in html.split("<main", 1)[1]
    assert "ask.html" not in html, "the site has no Ask page to link to"
    app = pages.board_page(view, True)
    assert [b for b in app.blocks if isinstance(b, Link) and b.href == "ask"]
    assert not [w for w in _words(app) if "questions@shire.example" in w]


def test_with_the_public_app_s_address_set_the_site_s_board_page_links_to_the_app_s_ask_page(tmp_path):
    """The site cannot take a question in; with public_info.yaml's contact > public_app_url set, its Questions and
    decisions page links to the public app's Ask page (the app's address and its Ask page's path, "ask"), then gives
    the contact details as the other way. Unset, the page reads as before, with no link to an Ask page."""
    contact = {**SHIRE_CONTACT, "public_app_url": "https://figures.shire.example/app/"}
    folder = _with_contact(tmp_path / "pub" / "snapshot-0001.duckdb", contact)
    view = SnapshotView(public.current_snapshot(folder), public.pointer(folder))
    page = pages.board_page(view)
    asks = [b for b in page.blocks if isinstance(b, Link) and b.text == "Ask the Board a question"]
    assert [b.href for b in asks] == ["https://figures.shire.example/app/ask"]
    assert ("To send one another way, contact the Shire Office: email questions@shire.example, phone 01234 000 111 "
            "or write to 1 High Street, Shire, SH1 1AA. Say that it is a question for the Board.") in _words(page)
    assert page.blocks.index(asks[0]) < page.blocks.index(Link("Contact", "contact"))
    main = site.render_page(page, site.site_pages(view), view).split("<main", 1)[1]
    assert '<a href="https://figures.shire.example/app/ask">Ask the Board a question</a>' in main
    assert '<a href="contact.html">Contact</a>' in main
    # the app itself links to its own Ask page, as before
    app = pages.board_page(view, True)
    assert [b.href for b in app.blocks if isinstance(b, Link) and b.text == "Ask the Board a question"] == ["ask"]

    unset = _with_contact(tmp_path / "unset" / "snapshot-0001.duckdb", SHIRE_CONTACT)
    view = SnapshotView(public.current_snapshot(unset), public.pointer(unset))
    page = pages.board_page(view)
    assert not [b for b in page.blocks if isinstance(b, Link) and b.text == "Ask the Board a question"]
    assert not [w for w in _words(page) if "another way" in w]
    assert "/ask" not in site.render_page(page, site.site_pages(view), view)


def test_while_the_contact_details_are_examples_the_board_page_sends_the_reader_to_the_contact_page(tmp_path):
    folder = _with_contact(tmp_path / "pub" / "snapshot-0001.duckdb", None)
    view = SnapshotView(public.current_snapshot(folder), public.pointer(folder))
    page = pages.board_page(view)
    said = [w for w in _words(page) if w.startswith("To send a question for a forthcoming Board")]
    assert said and said[0].endswith(": the Contact page says how.") and "example.org" not in said[0]
    assert Link("Contact", "contact") in page.blocks


def test_the_app_s_board_page_links_to_its_ask_page(monkeypatch, tmp_path):
    folder = _with_contact(tmp_path / "pub" / "snapshot-0001.duckdb", SHIRE_CONTACT)
    at = public_app(monkeypatch, folder, "public_pages/board.py")
    assert not at.exception
    assert "Ask the Board a question" in [link.proto.label for link in at.get("page_link")]


def test_the_app_s_signpost_links_to_report_a_concern_except_on_that_page(monkeypatch, tmp_path):
    folder = _with_contact(tmp_path / "pub" / "snapshot-0001.duckdb", None)
    label = "How to report a concern and where to get support"
    for page, linked in (("public_pages/report_a_concern.py", False), ("public_pages/definitions.py", True)):
        at = public_app(monkeypatch, folder, page)
        assert not at.exception and "Worried about a child?" in str(at.get("html")[0].proto), page
        assert (label in [link.proto.label for link in at.get("page_link")]) == linked, page
