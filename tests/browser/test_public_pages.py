"""The public pages show only published figures, with small counts hidden, readable on a phone and by assistive tech."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from pipelines import public
from pipelines.chart_text import spoken

from .conftest import full_shot, go_to, open_page, whole_page_in_view

BANNER = "management information: unaudited and subject to revision"
PAGES = [("", "Summary", "public-01-summary"), ("/tables", "Tables and downloads", "public-02-tables"),
         ("/accessibility", "Accessibility statement", "public-03-accessibility"),
         ("/board", "Questions and decisions", "public-06-board"),
         ("/ask", "Ask the Board a question", "public-07-ask")]
WORDS_ONLY = ("Questions and decisions", "Ask the Board a question")  # the Board's record and the form: no figures
DISTRICTS = ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
PHONE = {"width": 390, "height": 844}


def main(page):
    return page.get_by_test_id("stMain")


def published_months(served) -> list[str]:
    """The months the public snapshot holds now: April 2014 to July 2015, and August 2015 once a test publishes it."""
    snapshot = public.current_snapshot(served.published_dir)
    assert snapshot is not None, "the demo published nothing"
    df = public.read("SELECT DISTINCT period FROM figure WHERE period_type = 'month' ORDER BY period",
                     snapshot=snapshot)
    return df["period"].tolist()


def month_text(period: str) -> str:
    return pd.Timestamp(f"{period}-01").strftime("%B %Y")


def number(text: str) -> float | None:
    """A published value as a number ("1,344" -> 1344), or None for a marker or a percentage."""
    return float(text.replace(",", "")) if re.fullmatch(r"[0-9][0-9,]*(\.[0-9]+)?", text) else None


def assert_axe_finds_nothing(page, title: str) -> None:
    """axe-core on the whole page as it stands (not only what is above the fold): no violation at all, the moderate
    and minor ones too (the order of headings, the landmarks, every part of the page in one). The public app's
    navigation is one list of pages, not Streamlit's sectioned one (whose section headings sit straight in its list,
    breaking axe's list rules), so nothing here is Streamlit's alone to answer for."""
    with whole_page_in_view(page):
        violations = Axe().run(page).response["violations"]
    summary = "\n".join(f"{v['impact']} {v['id']}: {v['help']}:\n" + "\n".join(
        f"    {n['html'][:120]} {n['failureSummary']}" for n in v["nodes"][:5]) for v in violations)
    assert not violations, f"axe on {title}:\n{summary}"


def summary_content(served):
    """The summary page as the shared page-content function decides it for the served snapshot."""
    from pipelines.publish.content import Chart, SnapshotView, Table
    from pipelines.publish.pages import summary_page

    view = SnapshotView(public.current_snapshot(served.published_dir), public.pointer(served.published_dir))
    built = summary_page(view)
    return (built, [b for b in built.blocks if isinstance(b, Table)],
            [b for b in built.blocks if isinstance(b, Chart)])


def test_the_summary_shows_headlines_charts_sentences_and_data_tables(page, served, shots):
    months = published_months(served)
    assert months[0] == "2014-04" and months[-1] >= "2015-07"
    built, tables, charts_said = summary_content(served)
    assert tables and len(charts_said) >= 8
    open_page(page, served.public_url)
    expect(main(page).get_by_text(BANNER).first).to_be_visible()
    expect(main(page).get_by_role("heading", name=built.title, level=1)).to_be_visible()
    expect(main(page).get_by_text("999").first).to_be_visible()  # how to report a concern about a child
    for table in tables:
        expect(main(page).get_by_text(table.caption, exact=True).first).to_be_visible()
    if any(c.suppressed for t in tables for row in t.rows for c in row):
        expect(main(page).get_by_text("[c]", exact=True).first).to_be_attached()
    charts = main(page).get_by_test_id("stPlotlyChart")
    expect(charts.first.locator(".scatterlayer .trace .point").first).to_be_visible()
    expect(charts).to_have_count(len(charts_said))  # (Streamlit draws them one by one: waited for, not counted once)
    for i in range(charts.count()):  # no empty chart: each draws its points
        assert charts.nth(i).locator(".scatterlayer .trace .point").count() > 0, f"chart {i} is empty"
    sentence = main(page).get_by_text(charts_said[0].sentence, exact=True)
    expect(sentence).to_be_visible()
    # a screen reader meets each chart as a figure named by its title, not an unnamed graphic; its sentence is the
    # text under it, said once
    for said in charts_said:
        named = main(page).get_by_role("figure", name=spoken(said.title), exact=True)
        expect(named).to_have_attribute("data-testid", "stPlotlyChart")
    said = charts_said[0].sentence  # with months hidden, it names no lowest or highest among those left
    assert "hidden" not in said or not re.search(r"\bthe (lowest|highest)\b", said), said
    full_shot(page, shots / "public-01-summary.png")
    assert_axe_finds_nothing(page, "Summary")


# each plotly chart's title as drawn: its lines' words, and where it lies against its chart and the chart's plot
CHART_TITLES = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
    const title = chart.querySelector('.gtitle');
    const lines = title ? [...title.querySelectorAll('tspan.line')] : [];
    const box = title ? title.getBoundingClientRect() : null;
    const frame = chart.querySelector('.main-svg').getBoundingClientRect();
    const plot = chart.querySelector('.nsewdrag').getBoundingClientRect();
    return {lines: lines.length,
            text: lines.length ? lines.map(t => t.textContent).join(' ') : (title ? title.textContent : ''),
            left: box ? box.left : 0, right: box ? box.right : 0, bottom: box ? box.bottom : 0,
            frameLeft: frame.left, frameRight: frame.right, plotTop: plot.top, screen: window.innerWidth};
})"""


def test_each_charts_title_names_its_measure_area_and_view_and_fits_a_phone(page, served):
    """Regression: each chart was titled with its measure's name alone, so that a chart saved or shared on its own did
    not say whose figures it drew or how; its title now names the measure, the area and the view ("..., South
    Yorkshire, by month"). On a 390-pixel phone the longer title is drawn whole, in lines within the chart and above
    its plot, on the summary and on the page of the measure with the longest name."""
    from pipelines.publish.content import Chart, SnapshotView
    from pipelines.publish.pages import is_percentage, measure_page, measures, title_of

    view = SnapshotView(public.current_snapshot(served.published_dir), public.pointer(served.published_dir))
    _built, _tables, summary_charts = summary_content(served)
    longest = max((m for m in measures(view) if not is_percentage(m.kind)), key=lambda m: len(title_of(m)))
    said = {"": [c.title for c in summary_charts],
            f"/measure?measure={longest.id}": [b.title for b in measure_page(view, longest.id).blocks
                                               if isinstance(b, Chart)]}
    assert all(said.values()) and all(t.endswith(", by month") for titles in said.values() for t in titles)
    page.set_viewport_size(PHONE)
    lines = []
    for path, titles in said.items():
        open_page(page, served.public_url + path)
        charts = main(page).get_by_test_id("stPlotlyChart")
        expect(charts).to_have_count(len(titles))
        expect(charts.last.locator(".gtitle")).to_be_attached()
        drawn = page.evaluate(CHART_TITLES)
        assert [d["text"] for d in drawn] == titles, path
        for d in drawn:
            assert d["frameRight"] <= d["screen"] + 1, f"a chart runs past a phone's edge: {d}"
            assert d["frameLeft"] - 1 <= d["left"] and d["right"] <= d["frameRight"] + 1, f"a title is cut: {d}"
            assert d["bottom"] <= d["plotTop"] + 1, f"a title runs into its plot: {d}"
        lines += [d["lines"] for d in drawn]
    assert max(lines) > 1, "no title long enough to take two lines on a phone: nothing checked of a long one"


def test_tables_show_each_district_with_hidden_counts_and_the_downloads_hold_no_small_number(
        page, served, shots, tmp_path):
    from pipelines.publish.content import SnapshotView, Table
    from pipelines.publish.pages import tables_page

    months = published_months(served)
    view = SnapshotView(public.current_snapshot(served.published_dir), public.pointer(served.published_dir))
    said = [b for b in tables_page(view).blocks if isinstance(b, Table)]
    assert said
    open_page(page, served.public_url)
    go_to(page, "Tables and downloads")
    expect(main(page).get_by_role("heading", name="Tables and downloads", level=1)).to_be_visible()
    expect(main(page).get_by_text(said[0].caption, exact=True).first).to_be_visible()
    table = main(page).locator(".pcc-table table").first
    heads = [t.strip() for t in table.get_by_role("columnheader").all_inner_texts()]
    assert set(DISTRICTS) <= set(heads) and "South Yorkshire" in heads, heads
    for cell in main(page).locator(".pcc-table table").get_by_role("cell").all_inner_texts():
        value = number(cell.strip())
        assert value is None or not 1 <= value <= 4, f"a small count is shown: {cell!r}"
    full_shot(page, shots / "public-02-tables.png")
    assert_axe_finds_nothing(page, "Tables and downloads")

    with page.expect_download() as got:
        main(page).get_by_role("button", name="Published figures (CSV)").click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    check_downloaded(rows, months)

    with page.expect_download() as got:
        main(page).get_by_role("button", name="Published figures (JSON)").click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    records = json.loads(path.read_text(encoding="utf-8"))["rows"]
    assert len(records) == len(rows)
    check_downloaded([{k: "" if v is None else str(v) for k, v in r.items()} for r in records], months)


def check_downloaded(rows: list[dict[str, str]], months: list[str]) -> None:
    assert rows, "the download is empty"
    monthly = {r["period"] for r in rows if r["period_type"] == "month"}
    assert monthly == set(months), f"months published {months}, downloaded {sorted(monthly)}"
    for r in rows:
        value = number(r["value"])
        assert value is None or not 1 <= value <= 4, f"a small count is given as a number: {r}"
        if r["status"] == "suppressed":
            assert r["value"] == "" and r["marker"] == "[c]", r
    assert any(r["status"] == "suppressed" for r in rows)


def test_the_accessibility_statement_says_how_the_pages_can_be_used(page, served, shots):
    open_page(page, served.public_url)
    go_to(page, "Accessibility statement")
    from pipelines.publish.content import Heading, SnapshotView
    from pipelines.publish.info import accessibility_page

    built = accessibility_page(SnapshotView(public.current_snapshot(served.published_dir),
                                            public.pointer(served.published_dir)))
    expect(main(page).get_by_role("heading", name=built.title, level=1)).to_be_visible()
    for heading in [b for b in built.blocks if isinstance(b, Heading)][:4]:
        expect(main(page).get_by_role("heading", name=heading.text).first).to_be_visible()
    expect(main(page).get_by_text("compliant", exact=False).first).to_be_visible()
    full_shot(page, shots / "public-03-accessibility.png")
    assert_axe_finds_nothing(page, "Accessibility statement")


@pytest.mark.parametrize("path,title,shot", [p for p in PAGES if p[1] in WORDS_ONLY],
                         ids=[p[2] for p in PAGES if p[1] in WORDS_ONLY])
def test_the_boards_record_and_the_question_form_pass_axe(page, served, shots, path, title, shot):
    open_page(page, served.public_url + path)
    expect(main(page).get_by_role("heading", name=title, level=1)).to_be_visible()
    full_shot(page, shots / f"{shot}.png")
    assert_axe_finds_nothing(page, title)


@pytest.mark.parametrize("path,title,shot", PAGES, ids=[p[2] for p in PAGES])
def test_a_public_page_fits_a_phone_without_scrolling_sideways(page, served, shots, path, title, shot):
    page.set_viewport_size(PHONE)
    open_page(page, served.public_url + path)
    if title not in (*WORDS_ONLY, "Accessibility statement"):  # a statement about the pages, not figures
        expect(main(page).get_by_text(BANNER).first).to_be_visible()
    expect(main(page).get_by_role("heading", level=1)).to_be_visible()
    widths = page.evaluate("""() => {
        const m = document.querySelector('[data-testid="stMain"]');
        return {doc: document.documentElement.scrollWidth, win: window.innerWidth,
                main: m.scrollWidth, mainClient: m.clientWidth};
    }""")
    assert widths["doc"] <= widths["win"] + 1, f"{title} scrolls sideways on a phone: {widths}"
    assert widths["main"] <= widths["mainClient"] + 1, f"{title}'s main area scrolls sideways on a phone: {widths}"
    full_shot(page, shots / f"{shot}-phone.png")


CUT_OFF = """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e => {
    const s = getComputedStyle(e);
    const clips = s.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(s.overflowX);
    return clips && e.scrollWidth > e.clientWidth + 1 && e.innerText && e.innerText.trim();
}).map(e => e.innerText.trim())"""


@pytest.mark.parametrize("path,title,shot", PAGES, ids=[p[2] for p in PAGES])
def test_no_words_on_a_public_page_are_cut_off_on_a_phone(page, served, path, title, shot):
    """Regression: on a phone the signpost's link read "How to report a concern and where to get suppor"."""
    page.set_viewport_size(PHONE)
    open_page(page, served.public_url + path)
    expect(main(page).get_by_role("heading", level=1)).to_be_visible()
    expect(main(page).get_by_role("link", name="How to report a concern and where to get support")).to_be_visible()
    try:  # the page's styles may arrive a moment after its last element
        page.wait_for_function(f"() => ({CUT_OFF})().length === 0", timeout=10_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"{title}: words cut off on a phone: {page.evaluate(CUT_OFF)}")


def test_a_wide_tables_caption_reads_on_a_phone_without_scrolling_it(page, served):
    """Regression: a table wider than a phone scrolls sideways, and its caption ran the table's width with it, so
    "April 2014 to March 2015 (financial year 2014/15): figures by area" was cut at the screen's edge."""
    page.set_viewport_size(PHONE)
    open_page(page, served.public_url + "/tables")
    expect(main(page).locator(".pcc-table caption").first).to_be_visible()
    page.wait_for_timeout(500)  # the table's styles in place
    spans = page.evaluate("""() => [...document.querySelectorAll('.pcc-table')].flatMap(w => {
        const c = w.querySelector('caption');
        if (!c || !c.innerText.trim() || w.scrollWidth <= w.clientWidth) return [];
        return [[c.innerText, c.getBoundingClientRect().right, w.getBoundingClientRect().right]];
    })""")
    assert spans, "no table is wider than a phone: nothing to check"
    cut = [text for text, right, edge in spans if right > edge + 1]
    assert not cut, f"captions running past the screen's edge: {cut[:3]}"


@pytest.mark.parametrize("path", ["/briefing", "/files"])  # addresses of internal pages
def test_the_public_app_never_shows_an_internal_page(page, served, path):
    open_page(page, served.public_url + path)
    expect(page.get_by_role("dialog").filter(has_text="Page not found")).to_be_visible()
    expect(main(page).get_by_role("heading", name="South Yorkshire Police: child sexual exploitation figures")
           ).to_be_visible()
    for internal in ("Public Accountability Board briefing", "Files loaded", "Validation runs", "Revision history",
                     "Approve and publish", "Sign in", "Signed in as"):
        expect(page.get_by_text(internal)).to_have_count(0)
    offered = {title for title, _ in navigation_pages(page, served.public_url)}
    assert {title for _, title, _ in PAGES} <= offered  # the public pages are offered
    assert not offered & {"Files loaded", "Validation runs", "Approve and publish", "Overview"}


def navigation_pages(page, public_url: str) -> list[tuple[str, str]]:
    """(title, address) of every page the public app's navigation offers, read from its sidebar as it stands."""
    open_page(page, public_url)
    nav = page.get_by_test_id("stSidebarNav")
    more = nav.get_by_test_id("stSidebarNavViewButton")  # a long navigation shows its first pages until asked
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    links = nav.get_by_role("link")
    # a link's text starts with its icon's name ("bar_chart"): the title is its last line
    found = [(links.nth(i).inner_text().strip().splitlines()[-1].strip(), links.nth(i).get_attribute("href"))
             for i in range(links.count())]
    assert found, "the public app's navigation offers no page"
    return found


@pytest.mark.slow
def test_every_page_of_the_public_apps_navigation_passes_axe_at_desktop_and_phone_widths(page, served, shots):
    """Every page the navigation offers now (not a list fixed here), at 1280 px and at 390 px."""
    failures = []
    for title, href in navigation_pages(page, served.public_url):
        slug = href.rstrip("/").rsplit("/", 1)[-1] if href.rstrip("/") != served.public_url else "summary"
        for width, size in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
            page.set_viewport_size(size)
            open_page(page, href)
            expect(main(page).get_by_role("heading", level=1)).to_be_visible()
            try:
                assert_axe_finds_nothing(page, f"{title} ({width}, {href})")
            except AssertionError as exc:
                failures.append(str(exc))
            full_shot(page, shots / f"public-nav-{slug}-{width}.png")
    assert not failures, "\n\n".join(failures)


TABLE_FIT = """() => [...document.querySelectorAll('[data-testid="stMain"] .pcc-table')].filter(w => w.offsetParent)
    .map(w => { const r = w.getBoundingClientRect();
        return {caption: (w.querySelector('caption') || {}).innerText, scroll: w.scrollWidth, client: w.clientWidth,
                heads: [...w.querySelectorAll('thead th')].map(h => [h.innerText.replace(/\\s+/g, ' '),
                                                                    h.getBoundingClientRect().right <= r.right + 1])};
    })"""


def test_the_summary_tables_fit_a_small_laptop_with_the_sidebar_open_and_show_more_areas_on_a_phone(page, served):
    """Regression: a figures-by-area table needed 596 px, each area's name kept on one line, so a 1024-px laptop
    zoomed to 110% (about 900 px wide, the sidebar open) scrolled it sideways, and a phone showed the measure, the
    force and a single district. An area's name now wraps between its words and a phone's table is set closer."""
    page.set_viewport_size({"width": 900, "height": 900})
    open_page(page, served.public_url)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()  # the sidebar is open
    expect(main(page).locator(".pcc-table caption").first).to_be_visible()
    page.wait_for_timeout(500)  # the table's styles in place
    tables = page.evaluate(TABLE_FIT)
    assert tables and all(t["scroll"] <= t["client"] + 1 for t in tables), \
        [(t["caption"], t["scroll"], t["client"]) for t in tables if t["scroll"] > t["client"] + 1]
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    first = page.evaluate(TABLE_FIT)[0]
    seen = [name for name, inside in first["heads"] if inside]
    assert seen[:4] == ["Measure", "South Yorkshire", "Barnsley", "Doncaster"], first["heads"]
