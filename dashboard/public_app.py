"""The public app (`pccdash serve --app public`): published summaries only, read from the published snapshot.

It has no sign-in and no path to the warehouse: its pages import `dashboard.public_data`, which reads
only the snapshot that `pccdash publish` wrote. Each page draws a `Page` from the page-content functions
(`pipelines.publish.pages` and `pipelines.publish.info`, which also write the static site) with
`dashboard.public_render`; what is the same for every visitor of a snapshot is built once and shared.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not add the root

from dashboard import failsafe, public_data, public_render  # noqa: E402

try:
    meta = public_data.meta()
except Exception:  # noqa: BLE001 -- the page itself says what is wrong; the tab keeps a plain title
    meta = {}
title = f"{meta['force']}: published figures" if meta else "Published figures"
st.set_page_config(page_title=title, layout="centered", page_icon=":material/bar_chart:")

# (slug, file, title, icon): the slugs are the static site's page names, so a page's links work in both.
PAGES = [
    ("index", "summary.py", "Summary", ":material/bar_chart:"),
    ("tables", "tables.py", "Tables and downloads", ":material/table_chart:"),
    ("board", "board.py", "Questions and decisions", ":material/gavel:"),
    ("ask", "ask.py", "Ask the Board a question", ":material/contact_support:"),
    ("report-a-concern", "report_a_concern.py", "Report a concern about a child", ":material/emergency:"),
    ("definitions", "definitions.py", "Definitions", ":material/menu_book:"),
    ("methodology", "methodology.py", "Methodology and quality", ":material/fact_check:"),
    ("release-calendar", "release_calendar.py", "Release calendar", ":material/calendar_month:"),
    ("licence", "licence.py", "Licence", ":material/copyright:"),
    ("contact", "contact.py", "Contact", ":material/mail:"),
    ("accessibility", "accessibility.py", "Accessibility statement", ":material/accessibility:"),
]
INFO = {"report-a-concern", "definitions", "methodology", "release-calendar", "licence", "contact"}
with_info = public_data.has("pipelines.publish.info.pages")
pages = {slug: st.Page(f"public_pages/{file}", title=name, icon=icon, default=slug == "index",
                       url_path=None if slug == "index" else slug)
         for slug, file, name, icon in PAGES if with_info or slug not in INFO}
pages["measure-"] = st.Page("public_pages/measure.py", title="Measure", url_path="measure", visibility="hidden")
public_render.PAGES.clear()
public_render.PAGES.update(pages)
public_render.FILES.clear()
public_render.FILES.update(public_data.download_files())
with failsafe.guarded():
    st.navigation(list(pages.values())).run()
