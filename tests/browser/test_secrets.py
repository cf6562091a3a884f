"""The sign-in secrets never reach a page, a download or the server's log."""

from __future__ import annotations

import tomllib

from .conftest import go_to, open_page

PAGES = ["Overview", "Measure", "Briefing pack", "police.uk context", "Validation runs", "Quarantine", "Files loaded",
         "Provenance", "Flags", "Approve and publish"]


def test_no_secret_appears_in_any_page_or_in_the_log(page, served, sign_in):
    auth = tomllib.loads((served.db.parent / "secrets.toml").read_text(encoding="utf-8"))["auth"]
    secrets = [auth["cookie_secret"], auth["client_secret"]]
    sign_in(page, "pcc@example.org")
    seen = []
    for title in PAGES:
        go_to(page, title)  # the page's own run drawn whole, not the page before it still showing
        html = page.content()
        seen.append(title)
        for secret in secrets:
            assert secret not in html, f"a secret is on the page {title}"
    cookies = " ".join(c["value"] for c in page.context.cookies())
    for secret in secrets:
        assert secret not in cookies
        assert secret not in served.stderr()
    for public_page in ("", "/tables", "/accessibility"):
        open_page(page, served.public_url + public_page)
        for secret in secrets:
            assert secret not in page.content()
    assert seen == PAGES
