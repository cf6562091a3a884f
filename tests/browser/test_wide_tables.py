"""A force of seven districts: its tables by area (eight columns of figures) fit a 1280-pixel screen without
scrolling sideways, each area's name over its figures, and still fit a phone's screen by scrolling inside their box;
an earlier financial year's page too, and each passes axe."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from test_public_years import years_snapshot

from pipelines.publish.site import build_site

from .conftest import TIMEOUT_MS
from .test_static_site_browser import axe_findings

WEST_MIDLANDS = ("Birmingham East", "Birmingham West", "Coventry", "Dudley", "Sandwell", "Walsall", "Wolverhampton")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_a_force_of_seven_districts_has_its_tables_fit_a_laptop_screen(browser, tmp_path):
    view = years_snapshot(tmp_path / "s.duckdb", last="2016-06", force="West Midlands", districts=WEST_MIDLANDS)
    out = tmp_path / "site"
    out.mkdir()
    build_site(view, out)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for viewport, fits in (({"width": 1280, "height": 900}, True), ({"width": 390, "height": 844}, False)):
            context = browser.new_context(viewport=viewport)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            try:
                for name in ("tables.html", "index.html", "tables-2014-15.html"):
                    page.goto(f"{url}/{name}")
                    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
                    found = page.evaluate("""() => [...document.querySelectorAll('main .table-wrap')]
                        .filter(w => w.querySelectorAll('thead th').length === 9)
                        .map(w => ({caption: w.querySelector('caption').innerText, scroll: w.scrollWidth,
                                    box: w.clientWidth}))""")
                    assert found, f"{name} has no table of the eight areas"
                    doc = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                    assert doc <= 1, f"{name} scrolls sideways at {viewport}"  # the page itself never
                    assert axe_findings(page) == [], name
                    wide = [t for t in found if t["scroll"] > t["box"] + 1]
                    if fits:
                        assert not wide, f"{name}: tables scroll sideways at 1280 pixels: {wide[:3]}"
                    else:  # on a phone they scroll inside their own box
                        assert wide
            finally:
                context.close()
    finally:
        server.shutdown()
        server.server_close()
