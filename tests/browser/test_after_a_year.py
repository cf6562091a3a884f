"""After the office's year (tests/office_year.py: fourteen monthly cycles past the demo), every page of both apps
opens in a real browser with no error box and no traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from .conftest import Served, child_env, go_to, open_page, serve_warehouse, sign_in_at

INTERNAL_PAGES = ("Overview", "Measure", "Breakdowns", "Briefing pack", "police.uk context", "Meetings and questions",
                  "Actions", "Recommendations", "Questions from the public", "Validation runs", "Quarantine",
                  "Files loaded", "Returns calendar", "Provenance", "Flags", "Approve and publish", "Audit trail")
PUBLIC_PAGES = ("Summary", "Tables and downloads", "Questions and decisions", "Ask the Board a question",
                "Accessibility statement")
PROBLEMS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


@pytest.fixture(scope="module")
def year_server(tmp_path_factory, office_year, demo_provider) -> Iterator[Served]:
    env = child_env(PCCDASH_PUBLISHED_DIR=str(office_year.published), PCCDASH_TODAY="2027-06-20",
                    PCCDASH_REFERENCE_DIR=str(office_year.ref))
    yield from serve_warehouse(tmp_path_factory.mktemp("after_a_year"), office_year.db, office_year.published,
                               demo_provider, env)


def test_every_page_opens_without_an_error_after_the_year(page, year_server, shots):
    sign_in_at(page, year_server.internal_url, "pcc@example.org")
    for title in INTERNAL_PAGES:
        go_to(page, title)
        expect(page.locator(PROBLEMS)).to_have_count(0)
        assert "Traceback" not in page.inner_text("body"), title
        page.screenshot(path=str(shots / f"after-a-year-{title.lower().replace(' ', '-').replace('.', '')}.png"))
    open_page(page, year_server.public_url)
    for title in PUBLIC_PAGES:
        go_to(page, title)
        expect(page.locator(PROBLEMS)).to_have_count(0)
        assert "Traceback" not in page.inner_text("body"), title
