"""Fixtures for the real-browser tests: Debian's chromium, the local sign-in provider, and both apps served.

They last for this folder's tests only (package scope), so a whole-suite run does not keep the servers up.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from pipelines import signin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# Without the networking switches chromium waits on update and sync services that an offline machine never reaches.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TODAY = "2026-11-21"  # as tests/conftest.py fixes it, so the apps' "latest month" is the same in every run
TIMEOUT_MS = 30_000  # a cold Streamlit page runs its first DuckDB queries before it shows anything


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.path)).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


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
    yield context.new_page()
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


@pytest.fixture(scope="package")
def served(tmp_path_factory, demo_provider) -> Iterator[Served]:
    """`pccdash serve --app both` on the sample warehouse, the internal app signing in with `demo_provider`."""
    tmp = tmp_path_factory.mktemp("served")
    db, published = tmp / "wh.duckdb", tmp / "published"
    env = child_env()
    built = subprocess.run([sys.executable, "-m", "pipelines.cli", "demo", "--no-serve", "--db", str(db)],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert built.returncode == 0, built.stderr

    port, public_port = free_port(), free_port()
    # The browser must open the app at exactly the origin of redirect_uri, or Streamlit refuses the sign-in cookie.
    internal_url, public_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{public_port}"
    secrets = signin.write_auth_secrets(tmp / "secrets.toml", app_url=internal_url, provider_url=demo_provider)
    out, err = tmp / "serve.out", tmp / "serve.err"
    cmd = [sys.executable, "-m", "pipelines.cli", "serve", "--app", "both", "--db", str(db), "--address", "127.0.0.1",
           "--port", str(port), "--public-port", str(public_port), "--auth-secrets", str(secrets)]
    with open(out, "wb") as o, open(err, "wb") as e:
        # Its own session, so that if it ever failed to stop its apps, teardown can stop the whole group.
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, env=child_env(PCCDASH_PUBLISHED_DIR=str(published)),
                                cwd=tmp, start_new_session=True)
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


@pytest.fixture
def sign_in(served) -> Callable[[Page, str], None]:
    """`sign_in(page, email)`: open the internal app, press "Sign in", authorize as `email` at the provider, return.

    Any address may be typed at the provider; it becomes the account's `email` claim.
    """

    def run(page: Page, email: str) -> None:
        page.goto(served.internal_url)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/oauth2/authorize**")
        page.get_by_placeholder("sub").fill(email)
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(served.internal_url + "/**")
        # Both the sidebar of a user with a role and the refusal of one without say "signed in as <email>".
        expect(page.get_by_text(f"signed in as {email}").first).to_be_visible()
        settle(page)

    return run


@pytest.fixture(scope="session")
def shots() -> Path:
    """The folder tests save screenshots into, for a person to look at."""
    folder = ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
