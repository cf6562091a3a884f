"""While `pccdash ingest`, `approve` and `publish` run against the warehouse being served, every internal and public
page keeps loading whole, with its title and without an exception or error box, and the server stays healthy."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import DEMO_FILES, ROOT, TIMEOUT_MS, Served, child_env, serve_demo, settle, sign_in_at

DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
MEASURES = ("cse_arrests", "cse_charges", "cse_live_investigations", "cse_referrals", "cawn_issued",
            "shpo_sro_issued", "cce_referrals", "victims_supported", "online_grooming_offences")
RETURN_NAME = "zz-serving-during-load.csv"
FIRST_YEAR = 1960  # the return's months run from January of this year to March 2013, before the sample's first
APPROVED = ("2015-08", "2015-09")  # months the sample leaves as drafts; the demo published 2014-04 .. 2015-07
PCC, ANALYST = "pcc@example.org", "analyst@example.org"
INTERNAL = {"": "Public Accountability Board briefing", "/files": "Files loaded", "/checks": "Validation runs",
            "/measure": "Measure"}
PUBLIC = {"": "child sexual exploitation figures", "/tables": "Tables and downloads"}
PROBLEMS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
MIN_LOADS_DURING_INGEST = 5  # each a whole page; beside the other test worker a page takes seconds


@pytest.fixture(scope="module")
def own_server(tmp_path_factory, demo_provider, demo_build) -> Iterator[Served]:
    """`pccdash serve --app both` on a demo warehouse of this module's own (a copy of the demo built for the run),
    so no other module sees its loads."""
    yield from serve_demo(tmp_path_factory.mktemp("serving_during_loads"), demo_provider, demo_build)


def write_big_return(path: Path) -> int:
    """Every month from FIRST_YEAR to March 2013 for the four districts and nine measures: all new figures."""
    rng = random.Random(7)
    lines = ["period,district,measure,value"]
    for year in range(FIRST_YEAR, 2014):
        for mon in range(1, 13 if year < 2013 else 4):
            lines += [f"{year}-{mon:02d},{d},{m},{rng.randint(20, 30)}" for d in DISTRICTS for m in MEASURES]
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def sign_in(context: BrowserContext, served: Served, email: str) -> None:
    page = context.new_page()
    sign_in_at(page, served.internal_url, email)
    page.close()


class Pages:
    """Browser pages, each showing one dashboard page, reloaded together round after round."""

    def __init__(self, shots: Path):
        self.tabs: list[tuple[Page, str, str]] = []  # page, address, title
        self.loads = 0
        self.shots = shots

    def add(self, context: BrowserContext, url: str, title: str) -> None:
        self.tabs.append((context.new_page(), url, title))

    def round(self) -> None:
        """Start every page loading, then wait for each to finish and check it."""
        for page, url, _ in self.tabs:
            page.goto(url, wait_until="commit")
        for page, url, title in self.tabs:
            heading = page.get_by_role("heading", level=1, name=title)
            try:
                # slow is allowed while a load competes for the 2 cores (a page's first run after a new read
                # copy rebuilds its cached analysis); an error or a blank page is not
                expect(heading).to_be_visible(timeout=30_000)
                settle(page)
                problems = page.locator(PROBLEMS)
                assert problems.count() == 0, f"{url} shows: {problems.first.inner_text()[:2000]}"
                expect(heading).to_be_visible()
            except Exception:
                page.screenshot(path=self.shots / "serving-during-loads-failure.png", full_page=True)
                raise
            self.loads += 1


class Health:
    """Threads asking the servers' health endpoints, as a load balancer would, until stopped."""

    def __init__(self, urls: list[str]):
        self.ok, self.failures = 0, []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._ask, args=(u,), daemon=True) for u in urls]

    def _ask(self, url: str) -> None:
        while not self._stop.is_set():
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=15) as r:
                    body = r.read().decode()
                if r.status == 200 and body == "ok":
                    self.ok += 1
                else:
                    self.failures.append(f"{url}: {r.status} {body[:200]}")
            except Exception as exc:  # any refusal or time-out is a failure of serving
                self.failures.append(f"{url}: {exc!r}")
            time.sleep(0.05)

    def __enter__(self) -> Health:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)


def command(served: Served, *args: str, log: Path) -> subprocess.Popen:
    env = child_env(PCCDASH_USER=PCC, PCCDASH_PUBLISHED_DIR=str(served.published_dir))
    with open(log, "ab") as fh:
        return subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args, "--db", str(served.db)],
                                stdout=fh, stderr=fh, env=env, cwd=ROOT)


def load_while_running(pages: Pages, proc: subprocess.Popen) -> tuple[int, float]:
    """Reload the pages until the command ends (and once more after); the loads started meanwhile and seconds."""
    began, loads = time.monotonic(), pages.loads
    while proc.poll() is None:
        pages.round()
    during = pages.loads - loads
    proc.wait()
    pages.round()  # the pages as the command left them
    return during, time.monotonic() - began


def test_pages_keep_loading_whole_while_files_load_and_months_are_published(own_server, browser: Browser, tmp_path,
                                                                              shots, capsys):
    served = own_server
    path = tmp_path / RETURN_NAME
    figures = write_big_return(path)
    log = tmp_path / "commands.log"

    internal = browser.new_context(viewport={"width": 1280, "height": 900})
    public = browser.new_context(viewport={"width": 1280, "height": 900})
    for context in (internal, public):
        context.set_default_timeout(TIMEOUT_MS * 2)  # two cores shared by a load, two apps and six pages
    try:
        sign_in(internal, served, ANALYST)
        pages = Pages(shots)
        for suffix, title in INTERNAL.items():
            pages.add(internal, served.internal_url + suffix, title)
        for suffix, title in PUBLIC.items():
            pages.add(public, served.public_url + suffix, title)
        pages.round()  # every page whole before anything runs

        with Health([served.internal_url, served.public_url]) as health:
            ingest = command(served, "ingest", str(path), log=log)
            during_ingest, ingest_seconds = load_while_running(pages, ingest)
            assert ingest.returncode == 0, log.read_text()
            approve = command(served, "approve", *APPROVED, log=log)
            during_approve, approve_seconds = load_while_running(pages, approve)
            assert approve.returncode == 0, log.read_text()
            publish = command(served, "publish", "--yes", log=log)
            during_publish, publish_seconds = load_while_running(pages, publish)
            assert publish.returncode == 0, log.read_text()

        text = log.read_text()
        assert f"{figures:,} figures read, {figures:,} new" in text and "1 file accepted" in text, text
        assert "Published snapshot 2" in text, text
        assert during_ingest >= MIN_LOADS_DURING_INGEST, (
            f"only {during_ingest} page loads during the {ingest_seconds:.1f} s ingest; make the return bigger")
        assert not health.failures, health.failures[:10]
        assert health.ok > 0

        files = pages.tabs[1][0]
        files.goto(served.internal_url + "/files")
        expect(files.get_by_role("heading", level=1, name="Files loaded")).to_be_visible()
        settle(files)
        registry = files.get_by_test_id("stDataFrame").first  # newest file first
        expect(registry.locator('td[role="gridcell"]', has_text=RETURN_NAME).first).to_be_attached()
        expect(files.get_by_test_id("stMetric").filter(has_text="Accepted")).to_contain_text(str(DEMO_FILES + 1))
        summary = pages.tabs[4][0]
        summary.goto(served.public_url)
        expect(summary.get_by_role("heading", name="The latest month: September 2015")).to_be_visible()
        settle(summary)
        assert summary.locator(PROBLEMS).count() == 0
    finally:
        internal.close()
        public.close()
    assert "Traceback" not in served.stderr(), served.stderr()[-5000:]
    with capsys.disabled():
        print(f"\npage loads: {during_ingest} during the {ingest_seconds:.1f} s ingest of {figures:,} figures, "
              f"{during_approve} during the {approve_seconds:.1f} s approve, {during_publish} during the "
              f"{publish_seconds:.1f} s publish ({pages.loads} in all); {health.ok} health checks answered")
