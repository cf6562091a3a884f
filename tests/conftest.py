"""Shared fixtures: a fresh warehouse per test, the sample warehouse once per session, file writers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines import warehouse
from pipelines.cli import SAMPLE_RETURNS, main
from pipelines.ingest import ingest

TODAY = dt.date(2026, 11, 21)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the group into each test's id
def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite on two workers (pytest-xdist, --dist loadgroup), with three long groups while
    the other tests fill in around them:
    - "browser_signed_in" and "browser_other": the browser tests on a demo server (`served`, one per worker), those
      that sign in through the `sign_in` or `signed_in_as` fixture and the others. Each group has more tests than
      any other, so the two start first, one on each worker; within each, a test that publishes runs last
      (tests/browser/conftest.py), and neither sees what the other's tests changed.
    - "year_and_own_servers": the year scenario's two tests, so its session fixture (minutes to build) is built
      once for both, and the browser tests that serve a warehouse of their own; the first worker to finish its
      browser group takes it.
    All three were one group, which kept one worker busy for most of the run while the other sat idle."""
    browser_dir = Path(__file__).resolve().parent / "browser"
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "office_year" in names:
            group = "year_and_own_servers"
        elif item.get_closest_marker("browser") or Path(str(item.path)).is_relative_to(browser_dir):
            if "served" not in names:
                group = "year_and_own_servers"
            elif {"sign_in", "signed_in_as"} & set(names):
                group = "browser_signed_in"
            else:
                group = "browser_other"
        else:
            continue
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session", autouse=True)
def _installed_components_scanned_once():
    """Streamlit's AppTest looks through every installed package for components each time a page is opened
    in a new AppTest (about a second on a busy machine, hundreds of times a run); what is installed does not
    change while the tests run, so the first answer is kept."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    kept: list = []

    def scan_once(*args, **kwargs):
        if not kept:
            kept.append(scan(*args, **kwargs))
        return list(kept[0])

    manifest_scanner.scan_component_manifests = scan_once
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture(scope="session", autouse=True)
def command_line_reference(tmp_path_factory) -> Path:
    """The bundled reference files, except that access.yaml lets the account running the tests act as the
    demo's two identities from the command line (the bundled file lets root only), so `--as` works under
    any account: here, and in the pccdash processes tests start, which inherit PCCDASH_REFERENCE_DIR."""
    import shutil

    import yaml

    from pipelines.audit import os_account
    from pipelines.catalogue import REFERENCE_DIR

    folder = tmp_path_factory.mktemp("reference") / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    access = yaml.safe_load((folder / "access.yaml").read_text(encoding="utf-8"))
    access["command_line"] = {os_account(): ["pcc@example.org", "analyst@example.org"]}
    (folder / "access.yaml").write_text(yaml.safe_dump(access, sort_keys=False), encoding="utf-8")
    before = os.environ.get("PCCDASH_REFERENCE_DIR")
    os.environ["PCCDASH_REFERENCE_DIR"] = str(folder)  # session fixtures read it too, before any test's own
    # nothing a test publishes, nor any question it sends, lands in the work tree's var/ (shared by every worker)
    outside = tmp_path_factory.mktemp("outside_the_work_tree")
    os.environ.setdefault("PCCDASH_PUBLISHED_DIR", str(outside / "published"))
    os.environ.setdefault("PCCDASH_INBOX_DIR", str(outside / "inbox"))
    yield folder
    if before is None:
        os.environ.pop("PCCDASH_REFERENCE_DIR", None)
    else:
        os.environ["PCCDASH_REFERENCE_DIR"] = before


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path, command_line_reference):
    """No test reads the developer's own warehouse or settings."""
    for var in ("PCCDASH_DB", "PCCDASH_FAILPOINT", "PCCDASH_MAX_FILE_MB", "PCCDASH_MAX_XLSX_UNPACKED_MB",
                "PCCDASH_CONTRACTS_DIR", "PCCDASH_REFERENCE_DIR", "PCCDASH_DUCKDB_MEMORY_LIMIT", "PCCDASH_USER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(command_line_reference))
    monkeypatch.setenv("PCCDASH_TODAY", TODAY.isoformat())


@pytest.fixture(autouse=True)
def _no_hidden_page_faults(request):
    """A fault is shown to a page's reader or a command's user as a sentence; a test fails on it all the same,
    with the traceback, unless it is marked `page_fault` (it provokes one on purpose)."""
    from pipelines.errors import FAULTS

    FAULTS.clear()
    yield
    if FAULTS and request.node.get_closest_marker("page_fault") is None:
        import traceback

        exc = FAULTS[-1]
        pytest.fail("A page or command hid a fault behind a sentence:\n"
                    + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


@pytest.fixture(scope="session")
def office_year(tmp_path_factory, command_line_reference):
    """The office after fourteen monthly cycles from the demo warehouse (tests/office_year.py), lived once."""
    from office_year import live_through_a_year

    runner = CliRunner()

    def run(*args: str, env: dict | None = None):
        return runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PCCDASH_REFERENCE_DIR", str(command_line_reference))
        for var in ("PCCDASH_DB", "PCCDASH_FAILPOINT", "PCCDASH_CONTRACTS_DIR", "PCCDASH_USER"):
            mp.delenv(var, raising=False)
        return live_through_a_year(tmp_path_factory.mktemp("office_year"), run, mp)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "wh.duckdb"


@pytest.fixture
def ref(tmp_path, monkeypatch):
    """A private copy of the bundled reference folder, in force for the test, for a test to edit."""
    import shutil

    from pipelines.catalogue import REFERENCE_DIR

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    return folder


@pytest.fixture
def con(db):
    with warehouse.connect(db) as c:
        yield c


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The warehouse built from the bundled sample returns; read-only for the tests that use it."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    os.environ["PCCDASH_TODAY"] = TODAY.isoformat()
    with warehouse.connect(path) as c:
        report = ingest(c, [SAMPLE_RETURNS])
    assert report.ok, [p.message() for f in report.files for p in f.problems]
    return path


@pytest.fixture
def run_cli():
    """Run `pccdash ARGS` in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, env: dict | None = None):
        return runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)

    return run
