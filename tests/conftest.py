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


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test reads the developer's own warehouse or settings."""
    for var in ("PCCDASH_DB", "PCCDASH_FAILPOINT", "PCCDASH_MAX_FILE_MB", "PCCDASH_MAX_XLSX_UNPACKED_MB",
                "PCCDASH_CONTRACTS_DIR", "PCCDASH_REFERENCE_DIR", "PCCDASH_DUCKDB_MEMORY_LIMIT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PCCDASH_TODAY", TODAY.isoformat())


@pytest.fixture(autouse=True)
def _no_hidden_page_faults(request):
    """A page fault is shown to its reader as a sentence; a test fails on it all the same, with the traceback,
    unless it is marked `page_fault` (it provokes one on purpose)."""
    from dashboard import failsafe

    failsafe.FAULTS.clear()
    yield
    if failsafe.FAULTS and request.node.get_closest_marker("page_fault") is None:
        import traceback

        exc = failsafe.FAULTS[-1]
        pytest.fail("A page hid a fault behind an error box:\n"
                    + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "wh.duckdb"


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
