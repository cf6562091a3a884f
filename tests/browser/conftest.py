"""Fixtures for the real-browser tests: Debian's chromium, the local sign-in provider, and both apps served.

They last for this folder's tests only (package scope), so a whole-suite run does not keep the servers up.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from pipelines import signin
from pipelines.cli import SAMPLE_POLICE_UK, SAMPLE_RETURNS

# the files `pccdash demo` loads: the sample returns and the police.uk sample; each is one validation run
DEMO_FILES = sum(1 for folder in (SAMPLE_RETURNS, SAMPLE_POLICE_UK) for f in folder.iterdir()
                 if f.suffix in (".csv", ".xlsx"))

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# Without the networking switches chromium waits on update and sync services that an offline machine never reaches.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TODAY = "2026-11-21"  # as tests/conftest.py fixes it, so the apps' "latest month" is the same in every run
TIMEOUT_MS = 30_000  # a cold Streamlit page runs its first DuckDB queries before it shows anything
# What an assertion waits for a page to show: longer than Playwright's 5 s, because a page redrawing on a busy
# two-core machine (the other test worker running beside it) can take that long; a passing check waits no longer.
expect.set_options(timeout=15_000)


def pytest_configure(config):
    config.addinivalue_line("markers", "publishes: publishes a new snapshot on the shared server, so runs after the "
                                       "other browser tests")


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(items):
    ours = [item for item in items if Path(str(item.path)).is_relative_to(HERE)]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    # A test that publishes changes what the shared public app shows: it goes after this folder's other tests.
    last = [item for item in ours if item.get_closest_marker("publishes")]
    if last and len(last) < len(ours):
        for item in last:
            items.remove(item)
        at = max(items.index(item) for item in ours if item not in last) + 1
        items[at:at] = last


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> dict[str, str]:
    """The environment for the servers: none of the developer's own warehouse or settings, and a fixed today."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCCDASH_")}
    return {**env, "PCCDASH_TODAY": TODAY, **extra}


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing ({CHROMIUM}); the browser tests need it. Run `make browser-deps`.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A fresh page in its own context, so no sign-in cookie passes from one test to the next."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    new = context.new_page()
    count_runs(new)
    yield new
    _RUNS.pop(new, None)
    context.close()


@pytest.fixture(scope="package")
def demo_provider(tmp_path_factory) -> Iterator[str]:
    """The URL of a local oidc-provider-mock offering the demo users (signin.DEMO_USERS)."""
    port = free_port()
    log = tmp_path_factory.mktemp("provider") / "provider.log"
    proc = signin.start_demo_provider(port, log_path=log)
    yield signin.provider_url(port)
    signin.stop(proc)


@dataclass
class Served:
    internal_url: str
    public_url: str
    db: Path
    published_dir: Path
    stderr_path: Path
    proc: subprocess.Popen

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def build_demo(tmp: Path) -> Path:
    """Run `pccdash demo --no-serve` into `tmp` (the warehouse, its read copy and the published folder); `tmp`."""
    db, published = tmp / "wh.duckdb", tmp / "published"
    # The demo publishes its months into the folder the public app will read (not the work tree's var/published).
    env = child_env(PCCDASH_PUBLISHED_DIR=str(published))
    built = subprocess.run([sys.executable, "-m", "pipelines.cli", "demo", "--no-serve", "--db", str(db)],
                           capture_output=True, text=True, env=env, cwd=tmp, timeout=300)
    assert built.returncode == 0, built.stderr
    assert (published / "current.json").is_file(), "the demo published nothing into the served folder"
    return tmp


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Path:
    """The folder `pccdash demo --no-serve` built once for this run (half a minute): each server starts from a copy
    of it, so no module's loads or publications reach another's."""
    return build_demo(tmp_path_factory.mktemp("demo_build"))


def serve_demo(tmp: Path, provider_url: str, demo: Path | None = None) -> Iterator[Served]:
    """Run `pccdash serve --app both` on a demo warehouse in `tmp`, and stop it afterwards: a copy of the built `demo`
    folder (its warehouse, read copy and published folder), or one built here."""
    if demo is None:
        build_demo(tmp)
    else:
        for item in demo.iterdir():
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, tmp / item.name)
    db, published = tmp / "wh.duckdb", tmp / "published"
    env = child_env(PCCDASH_PUBLISHED_DIR=str(published))
    yield from serve_warehouse(tmp, db, published, provider_url, env)


def serve_warehouse(tmp: Path, db: Path, published: Path, provider_url: str, env: dict[str, str]) -> Iterator[Served]:
    """Run `pccdash serve --app both` on a built warehouse and its published folder, and stop it afterwards."""
    port, public_port = free_port(), free_port()
    # The browser must open the app at exactly the origin of redirect_uri, or Streamlit refuses the sign-in cookie.
    internal_url, public_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{public_port}"
    secrets = signin.write_auth_secrets(tmp / "secrets.toml", app_url=internal_url, provider_url=provider_url)
    out, err = tmp / "serve.out", tmp / "serve.err"
    cmd = [sys.executable, "-m", "pipelines.cli", "serve", "--app", "both", "--db", str(db), "--address", "127.0.0.1",
           "--port", str(port), "--public-port", str(public_port), "--auth-secrets", str(secrets)]
    with open(out, "wb") as o, open(err, "wb") as e:
        # Its own session, so that if it ever failed to stop its apps, teardown can stop the whole group.
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, env=env, cwd=tmp, start_new_session=True)
    result = Served(internal_url, public_url, db, published, err, proc)
    try:
        for url in (internal_url, public_url):
            signin.wait_for_http(url + "/_stcore/health", proc=proc, timeout=90, expect="ok", what="pccdash serve")
    except Exception as exc:
        _stop_group(proc)
        pytest.fail(f"{exc}\nIts stderr:\n{result.stderr()}")
    yield result
    died = proc.poll()
    left_behind = _stop_group(proc)
    if died is not None:
        pytest.fail(f"pccdash serve stopped during the tests (exit code {died}). Its stderr:\n{result.stderr()}")
    assert not left_behind, "pccdash serve left processes running after SIGTERM"


@pytest.fixture(scope="package")
def served(tmp_path_factory, demo_provider, demo_build) -> Iterator[Served]:
    """`pccdash serve --app both` on the sample warehouse, the internal app signing in with `demo_provider`."""
    yield from serve_demo(tmp_path_factory.mktemp("served"), demo_provider, demo_build)


def _stop_group(proc: subprocess.Popen) -> bool:
    """SIGTERM to `pccdash serve`, which stops its apps itself; True if any of its group had to be killed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group outlives its leader only if something was left behind
        left_behind = True
    except ProcessLookupError:
        left_behind = False
    proc.wait()
    return left_behind


def settle(page: Page) -> None:
    """Wait until the app's script has finished running, so the page shows everything it is going to."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    # what the run before drew and this run has not drawn again is kept, marked stale, until the run's end is taken in
    page.wait_for_function('!document.querySelector(\'[data-testid="stElementContainer"][data-stale="true"]\')')


@dataclass
class Runs:
    """The runs of the app's script the server has begun for a page (each begins with a "new session" message),
    whether one is going (its latest "session status changed" message) and when either last changed, read from the
    page's websocket."""
    begun: int = 0
    running: bool = False
    changed: float = 0.0


_RUNS: dict[Page, Runs] = {}


def count_runs(page: Page) -> Runs:
    """Count, from now on, the runs the server begins and ends for `page` (see Runs)."""
    runs = _RUNS[page] = Runs()

    def on_frame(payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        try:
            msg = ForwardMsg.FromString(payload)
        except DecodeError:
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # the status saying the run is going can come a moment after
            runs.begun += 1
            runs.running = True
        elif kind == "session_status_changed":
            runs.running = msg.session_status_changed.script_is_running
        else:
            return
        runs.changed = time.monotonic()

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame) if ws.url.endswith("/_stcore/stream") else None)
    return runs


QUIET_S = 0.25


# The page's own side: each change of the app's script state to "running" it draws, counted by an observer the first
# call installs in the page (a page loaded afresh starts again at 0). A quick run's messages are often taken in
# together and the page draws only their end, so this count confirms a run was taken in but cannot be waited on alone.
RUNS_DRAWN = """() => {
    if (window.__runsDrawn === undefined) {
        window.__runsDrawn = 0;
        new MutationObserver(records => records.forEach((r, i) => {
            const next = records.slice(i + 1).find(s => s.target === r.target);
            const now = next ? next.oldValue : r.target.getAttribute('data-test-script-state');
            if (r.oldValue !== 'running' && now === 'running') window.__runsDrawn += 1;
        })).observe(document.documentElement, {subtree: true, attributes: true, attributeOldValue: true,
                                               attributeFilter: ['data-test-script-state']});
    }
    return window.__runsDrawn;
}"""
# a page taking in its messages: a task for them to be handled, then two frames for what they change to be drawn
TAKEN_IN = "() => new Promise(done => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(done)), 0))"


@dataclass(frozen=True)
class Mark:
    """The runs counted for a page, on both sides, just before an interaction."""
    begun: int
    drawn: int


def runs_begun(page: Page) -> Mark:
    """Where the page's runs stand now, to give `settle_after` after an interaction that reruns the app."""
    assert page in _RUNS, "the page's runs are not counted: count_runs(page) before it opens the app"
    return Mark(_RUNS[page].begun, page.evaluate(RUNS_DRAWN))


def settle_after(page: Page, mark: Mark) -> None:
    """After an interaction that reruns the app, with `mark` = runs_begun(page) read just before it: wait until the
    server has begun a run since and is running none, then until the page has taken that in and finished drawing
    (settle). Until the server begins the run, the page still says "notRunning" from the run before, so `settle`
    alone would pass at once. A run that saves something ends by asking for another (st.rerun), which draws what
    was saved: the server says "not running" between the two, so it is taken as idle only after a quarter of a
    second without a run beginning."""
    runs, until = _RUNS[page], time.monotonic() + TIMEOUT_MS / 1000
    # the frames are counted while Playwright waits
    while runs.begun <= mark.begun or runs.running or time.monotonic() - runs.changed < QUIET_S:
        if time.monotonic() > until:
            pytest.fail("The app did not begin and end a run within 30 seconds of an interaction that asks for one.")
        page.wait_for_timeout(50)
    try:  # the page drew the run going, or took its messages in all together (see RUNS_DRAWN)
        page.wait_for_function(f"() => window.__runsDrawn > {mark.drawn}", timeout=1_000)
    except PlaywrightTimeoutError:
        page.evaluate(TAKEN_IN)
    settle(page)


@contextmanager
def rerun_awaited(page: Page) -> Iterator[None]:
    """`with rerun_awaited(page): <an interaction that reruns the app>`: afterwards, wait for that run to begin and
    end (settle_after), so nothing read next is left from the run before."""
    begun = runs_begun(page)
    yield
    settle_after(page, begun)


def open_page(page: Page, url: str) -> None:
    """Load `url` afresh and wait until its page has drawn its title and finished its run. A page just loaded says
    "notRunning" before its first run has begun, so `settle` alone would pass at once; its heading, drawn by that
    run, is waited for first (every page opens with one)."""
    page.goto(url)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible()
    settle(page)


def sign_in_at(page: Page, internal_url: str, email: str) -> None:
    """Open the internal app at `internal_url`, press "Sign in", authorize as `email` at the provider, return."""
    page.goto(internal_url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(internal_url + "/**")
    # Both the sidebar of a user with a role and the refusal of one without say "signed in as <email>".
    expect(page.get_by_text(f"signed in as {email}").first).to_be_visible()
    settle(page)


@pytest.fixture
def sign_in(served) -> Callable[[Page, str], None]:
    """`sign_in(page, email)`: open the internal app, press "Sign in", authorize as `email` at the provider, return.

    Any address may be typed at the provider; it becomes the account's `email` claim.
    """

    return lambda page, email: sign_in_at(page, served.internal_url, email)


@pytest.fixture(scope="package")
def _sign_in_cookies() -> dict[str, list]:
    return {}


@pytest.fixture
def signed_in_as(sign_in, served, _sign_in_cookies) -> Callable[[Page, str], None]:
    """`signed_in_as(page, email)`: like `sign_in`, but through the provider only the first time in this folder's
    run; afterwards the page's fresh context is given that sign-in's cookie, as a returning person's browser has."""

    def run(page: Page, email: str) -> None:
        cookies = _sign_in_cookies.get(email)
        if not cookies:
            sign_in(page, email)
            _sign_in_cookies[email] = page.context.cookies()
            return
        page.context.add_cookies(cookies)
        page.goto(served.internal_url)
        expect(page.get_by_text(f"signed in as {email}").first).to_be_visible()
        settle(page)

    return run


@pytest.fixture(scope="session")
def shots() -> Path:
    """The folder tests save screenshots into, for a person to look at."""
    folder = ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def go_to(page: Page, title: str) -> None:
    """Open a page by its link in the sidebar, as a person would, and wait until it has finished drawing."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    link.click()
    expect(link).to_have_attribute("aria-current", "page")
    # the app may still say "not running" from the page before for a moment after the click: every page opens
    # with its title, so its heading is waited for too, then the end of its run
    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible()
    settle(page)


def pick(page: Page, label: str, option: str | re.Pattern[str], typed: str | None = None) -> Mark:
    """Open the select box (or multiselect) labelled `label`, type to narrow a long list, and click `option`.

    `typed` is what to type (the option's first 40 letters by default). Typed while the page was still redrawing,
    the letters can be lost; then the list is closed and typed again. Returns runs_begun(page) as it was just before
    the click, for `settle_after` when the choice reruns the app (it does not inside a form).
    """
    box = page.get_by_test_id("stMain").get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=True)
    typed = typed or str(option)[:40]
    for attempt in range(3):
        settle(page)
        # mid-window, so the list has room to open below it (it cannot be scrolled to when it opens off-screen)
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.click()
        box.press_sequentially(typed)
        try:
            wanted.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            box.press("Escape")
    begun = runs_begun(page)
    wanted.click()
    return begun


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label` (outside a form), and wait for the page to redraw with it.

    The box shows the option at once, before the run it asks for has begun: so the wait is for that run to begin
    and end, not only for the page to say it is not running (the run before may still be saying so).
    """
    begun = pick(page, label, option)
    expect(page.get_by_test_id("stMain").get_by_role("combobox", name=label, exact=True)).to_have_value(option)
    settle_after(page, begun)


def grid_cells(grid: Locator) -> list[str]:
    """The text of every drawn cell of an `st.dataframe` (a canvas, with its cells mirrored in a hidden table)."""
    return [t.strip() for t in grid.locator('td[role="gridcell"]').all_text_contents()]


@contextmanager
def whole_page_in_view(page: Page) -> Iterator[None]:
    """Grow the window to the page's height for a while: Streamlit scrolls its main area, not the window, so a
    screenshot would stop at the fold and axe would skip what lies below it."""
    settle(page)
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                           " return Math.max(m ? m.scrollHeight : 0, document.documentElement.scrollHeight); }")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 20_000))})
    page.mouse.move(0, 0)  # no hover toolbar over a table, no tooltip
    try:
        page.wait_for_timeout(150)  # let the page lay itself out at the new height
        yield
    finally:
        page.set_viewport_size(size)


def full_shot(page: Page, path: Path) -> None:
    """A screenshot of the whole page, for a person to look at."""
    with whole_page_in_view(page):
        page.screenshot(path=path, full_page=True)
