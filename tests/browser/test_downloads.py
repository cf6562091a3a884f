"""The internal app's tables offer only the project's own CSV download, whose formulas are neutralised: the
grid's toolbar shows no "Download as CSV" of its own."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from pipelines.exports import FORMULA_START

from .conftest import go_to


def test_the_files_table_offers_the_projects_download_and_not_the_grids_own(page, signed_in_as, tmp_path):
    signed_in_as(page, "analyst@example.org")
    go_to(page, "Files loaded")
    main = page.get_by_test_id("stMain")
    grid = main.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    grid.hover()
    # the toolbar appears on hover (its search is there), without the grid's own export
    expect(main.get_by_role("button", name=re.compile("Search")).first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Download as CSV"))).to_have_count(0)

    with page.expect_download() as info:
        main.get_by_role("button", name="Download CSV").first.click()
    saved = tmp_path / "files-loaded.csv"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "files-loaded.csv"
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"), newline="")))
    assert rows[0][:3] == ["File number", "File", "Outcome"] and len(rows) > 1
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
