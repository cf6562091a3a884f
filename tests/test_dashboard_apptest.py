"""Each dashboard page renders without an exception on the sample warehouse and on none at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def run_page(monkeypatch, db: Path, page: str) -> AppTest:
    monkeypatch.setenv("PCCDASH_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page(page)
    at.run()
    return at


def test_figures_page_charts_the_chosen_measure_with_its_sources(monkeypatch, sample_db):
    at = run_page(monkeypatch, sample_db, "pages/figures.py")
    assert not at.exception
    at.selectbox(key="measure").select("cse_charges").run()
    assert not at.exception
    assert at.title[0].value == "Accepted figures"
    df = at.dataframe[0].value
    assert {"source_file", "source_row"} <= set(df.columns)
    assert len(df) == 13 * 12 * 4
    assert len(at.get("plotly_chart")) == 1


def test_files_page_lists_every_file_with_its_outcome(monkeypatch, sample_db):
    at = run_page(monkeypatch, sample_db, "pages/files.py")
    assert not at.exception
    df = at.dataframe[0].value
    assert len(df) == 14 and set(df["outcome"]) == {"accepted"}


@pytest.mark.parametrize("page", ["pages/figures.py", "pages/files.py"])
def test_pages_explain_what_to_do_when_there_is_no_warehouse(monkeypatch, tmp_path, page):
    at = run_page(monkeypatch, tmp_path / "none.duckdb", page)
    assert not at.exception
    assert any("pccdash" in i.value for i in at.info)
