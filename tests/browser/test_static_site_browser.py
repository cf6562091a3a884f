"""The static public site in a real browser: every page passes axe at desktop and phone widths, works with
JavaScript switched off (its tables, the signpost to report a concern, each chart's data table, its links),
and fits a phone without scrolling sideways or hiding the force total.

The site is built here from the snapshot the demo published (`pipelines.publish.site.build_site`) and served
over loopback by Python's http.server, as any web server would serve it.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from helpers import blocks_of
from playwright.sync_api import expect

from pipelines.public import current_snapshot, pointer
from pipelines.publish.content import Chart, Page, SnapshotView
from pipelines.publish.site import build_site, signpost, site_pages

from .conftest import TIMEOUT_MS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = (("desktop", DESKTOP), ("phone", PHONE))

pytestmark = pytest.mark.slow  # every page, twice over, with axe


@dataclass
class Site:
    folder: Path
    url: str
    pages: list[Page]           # what the page-content functions say each page holds
    html: list[str]             # every HTML file written, by name
    signpost_title: str | None
    force_area: str
    districts: list[str]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(served, tmp_path_factory) -> Iterator[Site]:
    """The static site built from the demo's current snapshot, served on a free loopback port."""
    snapshot = current_snapshot(served.published_dir)
    assert snapshot is not None, "the demo published nothing"
    view = SnapshotView(snapshot, pointer(served.published_dir))
    folder = tmp_path_factory.mktemp("static-site")
    build_site(view, folder)
    html = sorted(p.name for p in folder.rglob("*.html"))
    assert "index.html" in html, html
    notice = signpost(view)
    districts = json.loads(view.meta["districts"])
    areas = set(view.table("figure")["area"])
    (force_area,) = areas - set(districts)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(folder, f"http://127.0.0.1:{server.server_address[1]}", site_pages(view), html,
                   notice.title if notice is not None else None, force_area, districts)
    finally:
        server.shutdown()
        server.server_close()


def charts_of(blocks) -> list[Chart]:
    return blocks_of(blocks, Chart)


def open_all_details(page) -> None:
    """Open every folded section, as a reader who wants everything would (details opens without JavaScript)."""
    closed = page.locator("details:not([open]) > summary")
    for _ in range(500):  # the first closed one is always in view: any closed section around it comes before it
        if not closed.count():
            return
        closed.first.click()
    raise AssertionError("a folded section does not open when its summary is clicked")


def axe_findings(page) -> list[str]:
    """Every violation axe finds on the page, of any impact: the moderate and minor ones too (the order of headings,
    the landmarks, every part of the page in one), which a page written whole by the site can meet."""
    violations = Axe().run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']}:\n" + "\n".join(
        f"    {n['html'][:140]} {n['failureSummary']}" for n in v["nodes"][:5]) for v in violations]


def test_the_site_has_a_page_for_every_page_the_content_functions_give(site):
    assert sorted(f"{p.slug}.html" for p in site.pages) == site.html
    assert site.signpost_title, "the site has no signpost to report a concern about a child"
    for slug in ("index", "tables", "report-a-concern", "definitions", "methodology", "accessibility"):
        assert f"{slug}.html" in site.html, f"the site has no {slug}.html"


def test_every_static_page_passes_axe_at_desktop_and_phone_widths(browser, site, shots):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    failures = []
    try:
        for name in site.html:
            for width, size in WIDTHS:
                page.set_viewport_size(size)
                page.goto(f"{site.url}/{name}")
                expect(page.get_by_role("heading", level=1)).to_be_visible()
                open_all_details(page)  # axe checks what folded sections hold too
                found = axe_findings(page)
                if found:
                    failures.append(f"axe on {name} at {width} ({size['width']} px):\n" + "\n".join(found))
                page.screenshot(path=shots / f"static-{name.removesuffix('.html')}-{width}.png", full_page=True)
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


def test_every_static_page_works_without_javascript(browser, site):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        for content in site.pages:
            name = f"{content.slug}.html"
            answer = page.goto(f"{site.url}/{name}")
            assert answer is not None and answer.ok, f"{name} did not load"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert site.signpost_title
            expect(page.get_by_role("heading", name=site.signpost_title, exact=True),
                   f"{name} shows no signpost").to_be_visible()
            # the signpost comes before the page's own content, where a worried reader sees it first
            assert page.locator("main h2").first.inner_text().strip() == site.signpost_title, name
            open_all_details(page)
            for table in page.locator("main table").all():
                expect(table).to_be_visible()
                assert table.locator("caption").count() == 1, f"a table on {name} has no caption"
                assert table.locator("tbody tr").count() > 0, f"a table on {name} has no rows"
            charts = charts_of(content.blocks)
            assert page.locator("main svg[role='img']").count() == len(charts), name
            captions = [c.strip() for c in page.locator("main table caption").all_inner_texts()]
            for chart in charts:  # the chart's data table is there, as a real table, whatever the chart draws
                assert chart.table.caption in captions, f"{name}: no data table for the chart {chart.title!r}"
            nav = page.get_by_role("navigation", name="Pages").get_by_role("link")
            assert nav.count() == sum(p.in_navigation for p in site.pages), name
    finally:
        context.close()


def test_every_link_of_the_static_site_leads_somewhere_without_javascript(browser, site):
    """Each page's navigation is followed by clicking; every other address on a page that stays on the site
    (pages, downloads, the stylesheet) answers."""
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{site.url}/index.html")
        titles = [p.title for p in site.pages if p.in_navigation]
        for link in page.get_by_role("navigation", name="Pages").get_by_role("link").all():
            text = link.inner_text().strip()
            href = link.get_attribute("href")
            page.goto(f"{site.url}/index.html")
            page.get_by_role("navigation", name="Pages").get_by_role("link", name=text, exact=True).click()
            page.wait_for_url(f"**/{href}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            current = page.get_by_role("navigation", name="Pages").locator("[aria-current='page']")
            expect(current).to_have_text(text)
            assert text in titles or href == "index.html", f"the navigation offers {text!r}, not a page of the site"
        addresses: set[str] = set()
        for name in site.html:
            page.goto(f"{site.url}/{name}")
            for a in page.locator("a[href], link[href]").all():
                href = a.get_attribute("href") or ""
                if not href.startswith(("http://", "https://", "tel:", "mailto:", "#")):
                    addresses.add(href.split("#")[0])
            assert page.locator("script").count() == 0, f"{name} has a script"
        broken = []
        for href in sorted(addresses - {""}):
            answer = context.request.get(f"{site.url}/{href}")
            if not answer.ok:
                broken.append(f"{href} ({answer.status})")
        assert not broken, f"links that lead nowhere: {broken}"
        for download in ("published-figures.csv", "published-figures.json", "published-figures.xlsx"):
            assert download in addresses, f"no page links to {download}"
    finally:
        context.close()


def test_no_static_page_scrolls_sideways_on_a_phone_nor_hides_the_force_total(browser, site):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems, district_tables = [], 0
    try:
        for name in site.html:
            page.goto(f"{site.url}/{name}")
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            widths = page.evaluate("() => ({doc: document.documentElement.scrollWidth, win: window.innerWidth})")
            if widths["doc"] > widths["win"] + 1:
                problems.append(f"{name} scrolls sideways on a phone: {widths}")
            # A table by district: every cell of the force's column lies within the screen, as it is drawn
            # (a force column scrolled off to the right inside the table's box does not)
            found = page.evaluate("""([force, districts]) => {
                const out = [];
                for (const table of document.querySelectorAll('main table')) {
                    const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
                    const col = heads.indexOf(force);
                    if (col < 0 || !districts.some(d => heads.includes(d))) continue;
                    const caption = table.querySelector('caption')?.innerText.trim() || '';
                    const cells = [...table.querySelectorAll('tbody tr')].map(tr => tr.children[col]);
                    const off = cells.filter(c => {
                        const r = c.getBoundingClientRect();
                        return r.width === 0 || r.left < 0 || r.right > window.innerWidth + 1;
                    }).map(c => c.innerText.trim());
                    out.push({caption, cells: cells.length, off});
                }
                return out;
            }""", [site.force_area, site.districts])
            district_tables += len(found)
            # a table wider than the phone scrolls inside its box; its caption must not scroll away with it
            cut = page.evaluate("""() => [...document.querySelectorAll('main caption')]
                .filter(c => c.innerText.trim() && c.getBoundingClientRect().right > window.innerWidth + 1)
                .map(c => c.innerText.trim())""")
            problems += [f"{name}: the caption '{c}' runs past the screen's edge on a phone" for c in cut]
            for t in found:
                if t["off"]:
                    problems.append(f"{name}: the {site.force_area} column of '{t['caption']}' is off-screen on a "
                                    f"phone in {len(t['off'])} of {t['cells']} rows")
    finally:
        context.close()
    assert district_tables, "no page has a table by district with the force's column"
    assert not problems, "\n".join(problems)


# each chart's drawn title: its words, whether it is seen, and where it lies against the screen and the chart under it
CHART_TITLES = """() => [...document.querySelectorAll('main figure.chart')].map(f => {
    const t = f.querySelector('.chart-title');
    const r = t ? t.getBoundingClientRect() : null;
    const svg = f.querySelector('svg').getBoundingClientRect();
    return {text: t ? t.innerText.trim() : '', height: r ? r.height : 0, left: r ? r.left : 0, right: r ? r.right : 0,
            bottom: r ? r.bottom : 0, svgTop: svg.top, screen: window.innerWidth,
            lines: r ? Math.round(r.height / parseFloat(getComputedStyle(t).lineHeight)) : 0};
})"""


def test_each_charts_title_is_drawn_over_it_and_reads_whole_on_a_phone(browser, site):
    """Regression: the site's charts drew no title of their own, and their picture was named with the measure alone,
    so that a chart saved or shared on its own did not say what it showed. Each chart is now titled, over it, with the
    measure, the area and the view, as the app's chart is ("Officer headcount, South Yorkshire, by month"); on a
    390-pixel phone a long title wraps between its words, within the screen, and stays above the chart."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems, lines = [], []
    try:
        for content in site.pages:
            charts = charts_of(content.blocks)
            if not charts:
                continue
            page.goto(f"{site.url}/{content.slug}.html")
            drawn = page.evaluate(CHART_TITLES)
            assert [d["text"] for d in drawn] == [c.title for c in charts], content.slug
            assert all(c.title.endswith(", by month") and any(a in c.title for a in (site.force_area, *site.districts))
                       for c in charts), [c.title for c in charts]
            for d in drawn:
                if not d["height"] or d["left"] < 0 or d["right"] > d["screen"] + 1 or d["bottom"] > d["svgTop"] + 1:
                    problems.append(f"{content.slug}: the title {d['text']!r} is not drawn whole over its chart: {d}")
            lines += [d["lines"] for d in drawn]
    finally:
        context.close()
    assert lines, "no page of the site has a chart"
    assert max(lines) > 1, "no title long enough to take two lines on a phone: nothing checked of a long one"
    assert not problems, "\n".join(problems)
