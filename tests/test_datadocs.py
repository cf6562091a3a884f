"""Data Docs are built from the stored loads with the verdicts they stored, open styled with nothing fetched from
the web, and are shown in the internal app to a signed-in user only, with a sentence on how to build them when
there are none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dashboard_helpers import ANALYST, ANONYMOUS, internal, texts
from helpers import write_csv

from pipelines import warehouse
from pipelines.contracts import datadocs
from pipelines.ingest.load import ingest

pytestmark = pytest.mark.slow  # Great Expectations starts and replays each load

HEADER = "period,district,measure,value\n"
CLEAN = HEADER + "".join(f"2015-07,{d},cse_charges,{v}\n" for d, v in
                         (("Barnsley", 1), ("Doncaster", 2), ("Rotherham", 3), ("Sheffield", 4)))
REFUSED = HEADER + "2015-08,Leeds,cse_charges,1\n2015-08,Barnsley,cse_charges,twelve\n"
# A request leaving the machine: a tag's address, a stylesheet's url(), an @import, or a protocol-relative one.
REMOTE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    db = folder / "wh.duckdb"
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(folder / "clean.csv", CLEAN)]).ok
        assert not ingest(con, [write_csv(folder / "refused.csv", REFUSED)]).ok
    return db


@pytest.fixture(scope="module")
def built(wh):
    """The page before and after an analyst presses "Build Data Docs" (the one build of this module)."""
    with pytest.MonkeyPatch.context() as mp:
        at = internal(mp, wh, "internal_pages/datadocs.py", ANALYST)
        before = texts(at)
        at.button(key="build_docs").click().run()
        return before, at


def test_the_page_says_how_to_build_docs_when_there_are_none(built):
    before, _ = built
    assert "No Data Docs have been built yet" in before and '"pccdash datadocs"' in before


def test_the_button_builds_docs_beside_the_warehouse_and_the_page_shows_them(built, wh):
    _, at = built
    assert not at.exception, at.exception
    assert re.search(r"Built \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (GMT|BST), from the latest 2 loads", texts(at))
    page = at.selectbox(key="docs_page")
    assert page.options[0] == "Overview of the latest loads"  # AppTest gives the options as the box shows them
    assert any(re.fullmatch(r'"refused\.csv", refused \(loaded .+\)', o) for o in page.options)
    frames = [e for e in at.main if getattr(e, "type", "") == "iframe"]
    assert frames and "Bootstrap v4.3.1" in frames[0].proto.srcdoc
    assert (datadocs.folder(wh) / "index.html").exists()


def test_no_page_of_the_site_asks_anything_of_the_web_and_styles_are_inline(built, wh):
    site = datadocs.folder(wh)
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 4  # the index, the suite and the two loads
    for path in [*pages, *site.rglob("*.css"), *site.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not REMOTE.search(text), (path, REMOTE.search(text).group(0))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "Bootstrap v4.3.1" in html and "bootstrap-table" in html  # their styles, inline
        assert 'src:url(data:font/woff2;base64,' in html  # the icons' font travels with the page
        assert "jQuery v3.7.1" in html


def test_great_expectations_reaches_the_verdicts_the_loads_stored(built, wh):
    manifest = json.loads((datadocs.folder(wh) / datadocs.MANIFEST).read_text())
    assert manifest["disagreements"] == []
    index = (datadocs.folder(wh) / "index.html").read_text()
    assert "clean.csv (accepted" in index and "refused.csv (rejected" in index
    refused = next(p for p in (datadocs.folder(wh) / "validations").rglob("*.html") if "refused.csv" in str(p))
    html = refused.read_text()
    assert "Failed" in html or "failed" in html


def test_a_link_to_another_docs_page_is_inert_inside_the_app(built, wh):
    html = datadocs.page_html(datadocs.folder(wh), "index.html")
    assert 'window.location = $element.data("href")' not in html
    assert not re.search(r'href="[^"#]+\.html"', html)
    with pytest.raises(FileNotFoundError):
        datadocs.page_html(datadocs.folder(wh), "../wh.duckdb")


def test_an_anonymous_visitor_sees_no_docs(monkeypatch, built, wh):
    at = internal(monkeypatch, wh, "internal_pages/datadocs.py", ANONYMOUS)
    assert "Sign in" in texts(at) and not [e for e in at.main if getattr(e, "type", "") == "iframe"]


def test_a_load_refused_before_any_rule_judged_it_has_no_docs_page(tmp_path):
    """A return refused unread (a required column missing) is kept as a run of no rules: Great Expectations has
    nothing of it to replay, so it is no load of the docs, which say none has been loaded yet."""
    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:
        missing = write_csv(tmp_path / "missing.csv", "period,district,measure\n2015-07,Barnsley,cse_charges\n")
        assert not ingest(con, [missing]).ok
        with pytest.raises(datadocs.NoRuns):
            datadocs.build_data_docs(con, tmp_path / "site")
