"""An e-mail address on any page reads as text, never as a mailto link: Markdown makes a link of a bare address, so
every address a page writes in Markdown is escaped (the sign-in's own, a flag's raiser, an approver)."""

from __future__ import annotations

import re

import pytest
from dashboard_helpers import ANALYST, INTERNAL_PAGES, PCC, internal

MARKDOWN = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "toast")
BARE_ADDRESS = re.compile(r"(?<![\u200b\w.+-])[\w.+-]+@[\w-]+(?:\\?\.[\w-]+)+")  # not broken by the unseen space


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_no_page_writes_an_address_markdown_would_make_a_link_of(monkeypatch, sample_db, page):
    for user in (PCC, ANALYST):
        at = internal(monkeypatch, sample_db, page, user)
        assert not at.exception, at.exception
        written = [str(e.value) for kind in MARKDOWN for e in getattr(at, kind, [])]
        written += [str(e.value) for e in at.sidebar.caption]
        bare = [w for w in written if BARE_ADDRESS.search(w)]
        assert not bare, (page, user["email"], bare)


def test_the_note_that_an_approval_was_made_names_the_approver_as_text(monkeypatch, sample_db, tmp_path):
    from dashboard_helpers import copy_warehouse

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    at = internal(monkeypatch, copy_warehouse(sample_db, tmp_path), "internal_pages/publishing.py", PCC)
    at.multiselect(key="approve_months").select("2015-07").run()
    at.button(key="approve").click().run()
    assert not at.exception
    notes = [str(t.value) for t in at.toast]
    assert any("Approved July 2015 as pcc" in n for n in notes), notes
    assert not [n for n in notes if BARE_ADDRESS.search(n)], notes
