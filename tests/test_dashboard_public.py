"""The public app shows only what was published, suppressed, with its caveats and dates, and nothing before that."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from dashboard_helpers import PCC, PUBLIC_PAGES, ROOT, copy_warehouse, public, texts

from pipelines import warehouse
from pipelines.publish.approval import approve
from pipelines.publish.snapshot import publish

APPROVED = [f"2014-{m:02d}" for m in range(4, 13)] + [f"2015-{m:02d}" for m in range(1, 8)]


@pytest.fixture(scope="module")
def published(sample_db, tmp_path_factory):
    """The sample with April 2014 to July 2015 approved and published; later months stay drafts."""
    folder = tmp_path_factory.mktemp("published")
    db = copy_warehouse(sample_db, folder.parent)
    with warehouse.connect(db) as con:
        approve(con, APPROVED, PCC)
        publish(con, PCC, folder / "out")
    return folder / "out"


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_renders_with_the_banner(monkeypatch, published, page):
    at = public(monkeypatch, published, page)
    assert not at.exception
    if page.endswith("accessibility.py"):
        assert at.title[0].value == "Accessibility statement"
        assert "WCAG" in texts(at)
    elif page.endswith(("board.py", "ask.py")):  # the Board's record and its questions: words, not figures
        assert at.title[0].value in ("Questions and decisions", "Ask the Board a question")
    else:
        assert "management information: unaudited and subject to revision" in at.info[0].value


@pytest.mark.parametrize("page", PUBLIC_PAGES[:2])
def test_before_anything_is_published_the_pages_say_so_and_show_no_figures(monkeypatch, tmp_path, sample_db, page):
    monkeypatch.setenv("PCCDASH_DB", str(sample_db))  # even with a warehouse at hand
    at = public(monkeypatch, tmp_path / "nothing", page)
    assert not at.exception
    assert [h.value for h in at.header] == ["Nothing published yet"]
    assert not at.table and not at.get("plotly_chart") and not at.metric


def test_summary_shows_headlines_trends_with_sentences_and_tables_and_caveats(monkeypatch, published):
    at = public(monkeypatch, published, "public_pages/summary.py")
    months = at.selectbox(key="period").options
    assert months[0] == "July 2015" and "August 2015" not in months  # drafts never appear
    shown = texts(at)
    assert "Headlines for July 2015" in shown
    charts = at.get("plotly_chart")
    assert len(charts) >= 5
    # every chart has a sentence beside it and a data table
    assert shown.count("each month from April 2014 to July 2015") == len(charts)
    assert len(at.table) == len(charts)
    at.selectbox(key="period_type").select("financial_year").run()
    assert at.selectbox(key="period").options == ["2014/15"]


def test_district_table_shows_suppression_markers_and_downloads_hold_no_small_count(monkeypatch, published):
    at = public(monkeypatch, published, "public_pages/tables.py")
    at.selectbox(key="table_period").select("2015-07").run()
    table = at.table[0].value
    assert list(table.columns[:4]) == ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    cells = table.to_numpy().ravel().tolist()
    assert "[c]" in cells
    for cell in cells:
        if cell not in ("[c]", "", "nan") and not cell.endswith("%"):
            assert float(cell.replace(",", "")) == 0 or float(cell.replace(",", "")) > 4
    from dashboard import public_data  # the table the download buttons serve

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(published))
    df = public_data.download_table()
    assert set(df["period"].str[:4]) <= {"2014", "2015", "Q1 2", "Q2 2", "Q3 2", "Q4 2"}
    assert not any(p >= "2015-08" for p in df[df["period_type"] == "month"]["period"])
    numbers = df[~df["suppressed"] & ~df["value"].str.endswith("%")]["value"].str.replace(",", "").astype(float)
    assert not ((numbers >= 1) & (numbers <= 4)).any()
    assert json.loads(df.to_json(orient="records"))[0].keys() >= {"measure", "area", "period", "value"}


def test_the_public_app_never_loads_the_warehouse_code():
    """Run every public page in a fresh interpreter and list what it imported: no warehouse module."""
    script = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
os.environ["PCCDASH_PUBLISHED_DIR"] = "/nonexistent"
from streamlit.testing.v1 import AppTest
for page in {PUBLIC_PAGES!r}:
    at = AppTest.from_file({str(ROOT / "dashboard" / "public_app.py")!r}, default_timeout=60)
    at.run(); at.switch_page(page); at.run()
    assert not at.exception, at.exception
# pipelines.errors is the standard library's only (the sentences a fault is told in)
bad = sorted(m for m in sys.modules if m.startswith("pipelines") and m not in
             ("pipelines", "pipelines.public", "pipelines.exports", "pipelines.errors", "pipelines.inbox",
              "pipelines.plaintext"))
print(bad)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
