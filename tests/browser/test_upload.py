"""Upload a return, in a real browser: a refused file shows its failing cell and is recorded as refused; a
resubmission under another name says it supersedes it and which published figure it revises (was, now), loads on
accepting, and Files loaded then shows the refusal cleared."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from helpers import write_xlsx
from playwright.sync_api import expect

from pipelines import warehouse

from .conftest import (
    Served,
    child_env,
    full_shot,
    go_to,
    grid_cells,
    rerun_awaited,
    serve_warehouse,
    settle,
    sign_in_at,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MONTH = "2015-06"  # published by the demo
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


@pytest.fixture(scope="module")
def own_server(served, tmp_path_factory, demo_provider) -> Iterator[Served]:
    """The demo warehouse copied and served on its own, so that no other test sees the files loaded here."""
    tmp = tmp_path_factory.mktemp("upload")
    db, published = tmp / "wh.duckdb", tmp / "published"
    shutil.copyfile(served.db, db)
    shutil.copyfile(warehouse.read_copy_path(served.db), warehouse.read_copy_path(db))
    shutil.copytree(served.published_dir, published)
    yield from serve_warehouse(tmp, db, published, demo_provider, child_env(PCCDASH_PUBLISHED_DIR=str(published)))


def main(page):
    return page.get_by_test_id("stMain")


def upload(page, *paths) -> None:
    """Choose the files in the uploader, and wait for the run that checks them to begin and end: until it begins,
    the page still shows the check of the file before."""
    with rerun_awaited(page):
        main(page).get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(p) for p in paths])


def test_a_refused_return_then_its_resubmission_are_checked_before_loading(page, own_server, tmp_path, shots):
    with warehouse.connect_read_only(own_server.db) as con:
        current = dict(con.execute("SELECT district, value FROM figure WHERE measure = 'cse_arrests' AND period = ? "
                                   "ORDER BY district", [f"{MONTH}-01"]).fetchall())
    values = [int(current[d]) for d in DISTRICTS]
    refused = write_xlsx(tmp_path / "2015-06-arrests.xlsx",
                         {"cse_arrests": [["Period", *DISTRICTS], [MONTH, values[0], values[1], "twelve", values[3]]]})
    resent = write_xlsx(tmp_path / "2015-06-arrests-v2.xlsx",
                        {"cse_arrests": [["Period", *DISTRICTS], [MONTH, values[0], values[1] + 1, values[2],
                                                                  values[3]]]})

    sign_in_at(page, own_server.internal_url, "analyst@example.org")
    go_to(page, "Upload a return")
    expect(main(page).get_by_role("heading", name="Upload a return", level=1)).to_be_visible()

    upload(page, refused)
    expect(main(page).get_by_text('"2015-06-arrests.xlsx" would be refused: nothing from it would be loaded.')
           ).to_be_visible()
    failing = main(page).get_by_test_id("stDataFrame").first
    expect(failing.locator('td[role="gridcell"]', has_text='"twelve" is not a number')).to_be_attached()
    assert {"cse_arrests", "2", "Rotherham", "June 2015"} <= set(grid_cells(failing))
    preview = main(page).get_by_test_id("stDataFrame").last
    expect(preview.locator('td[role="gridcell"]', has_text="\u26a0 twelve")).to_be_attached()
    full_shot(page, shots / "upload-01-refused.png")
    main(page).get_by_role("button", name="Record the refusal (nothing is loaded)").click()
    expect(main(page).get_by_text("0 files loaded, 1 refused and recorded")).to_be_visible()
    settle(page)

    upload(page, resent)
    sentence = main(page).get_by_text('"2015-06-arrests-v2.xlsx" passes the contract')
    expect(sentence).to_contain_text("revise 1 (1 in published months)")
    expect(sentence).to_contain_text('it would supersede refused file "2015-06-arrests.xlsx"')
    revisions = main(page).get_by_test_id("stDataFrame").first
    expect(revisions.locator('td[role="gridcell"]', has_text="Doncaster")).to_be_attached()
    cells = grid_cells(revisions)
    at = cells.index("Doncaster")
    assert cells[at:at + 5] == ["Doncaster", "June 2015", str(values[1]), str(values[1] + 1), "Yes"]  # was, now
    full_shot(page, shots / "upload-02-resubmission.png")
    main(page).get_by_role("button", name="Accept and load").click()
    expect(main(page).get_by_text("1 file loaded.")).to_be_visible()

    main(page).get_by_role("link", name="See them in Files loaded").click()
    expect(main(page).get_by_role("heading", name="Files loaded", level=1)).to_be_visible()
    settle(page)  # the heading is the new page's run's: its end is waited for before its figures are read
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Refused and still open")).to_contain_text("0")
    files = main(page).get_by_test_id("stDataFrame").first
    expect(files.locator('td[role="gridcell"]', has_text="2015-06-arrests-v2.xlsx").first).to_be_attached()
    full_shot(page, shots / "upload-03-files-loaded.png")
