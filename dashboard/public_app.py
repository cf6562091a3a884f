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

# one publication for the whole run, whatever a publication or withdrawal switches meanwhile
with public_data.one_publication():
    try:
        meta = public_data.meta()
    except Exception:  # noqa: BLE001 -- the page itself says what is wrong; the tab keeps a plain title
        meta = {}
    title = f"{meta['force']}: published figures" if meta else "Published figures"
    st.set_page_config(page_title=title, layout="centered", page_icon=":material/bar_chart:")

    # Each page under the slug the static site gives it, so that a page's links work in both.
    pages = {
        "index": st.Page("public_pages/summary.py", title="Summary", icon=":material/bar_chart:", default=True),
        "tables": st.Page("public_pages/tables.py", title="Tables and downloads", icon=":material/table_chart:",
                          url_path="tables"),
        "board": st.Page("public_pages/board.py", title="Questions and decisions", icon=":material/gavel:",
                         url_path="board"),
        "ask": st.Page("public_pages/ask.py", title="Ask the Board a question", icon=":material/contact_support:",
                       url_path="ask"),
        "report-a-concern": st.Page("public_pages/report_a_concern.py", title="Report a concern about a child",
                                    icon=":material/emergency:", url_path="report-a-concern"),
        "definitions": st.Page("public_pages/definitions.py", title="Definitions", icon=":material/menu_book:",
                               url_path="definitions"),
        "methodology": st.Page("public_pages/methodology.py", title="Methodology and quality",
                               icon=":material/fact_check:", url_path="methodology"),
        "release-calendar": st.Page("public_pages/release_calendar.py", title="Release calendar",
                                    icon=":material/calendar_month:", url_path="release-calendar"),
        "licence": st.Page("public_pages/licence.py", title="Licence", icon=":material/copyright:", url_path="licence"),
        "contact": st.Page("public_pages/contact.py", title="Contact", icon=":material/mail:", url_path="contact"),
        "accessibility": st.Page("public_pages/accessibility.py", title="Accessibility statement",
                                 icon=":material/accessibility:", url_path="accessibility"),
    }
    if not public_data.has("pipelines.publish.info.pages"):  # the information pages come with their content module
        for slug in ("report-a-concern", "definitions", "methodology", "release-calendar", "licence", "contact"):
            del pages[slug]
    pages["measure-"] = st.Page("public_pages/measure.py", title="Measure", url_path="measure", visibility="hidden")
    pages["tables-"] = st.Page("public_pages/tables_year.py", title="Tables for a financial year",
                               url_path="tables-year", visibility="hidden")
    public_render.PAGES.update(pages)  # the same for every run: updated, never emptied under a run in another thread
    try:
        public_render.FILES.update(public_data.download_files())
    except Exception as exc:  # noqa: BLE001 -- every page still runs: a download link then shows as its name only
        failsafe.log_public(exc)
    # Streamlit writes a link to a page on one line and cuts what does not fit ("... where to get suppor" on a phone):
    # the public app's links wrap instead.
    st.html("<style>[data-testid='stPageLink-NavLink'] span, [data-testid='stPageLink-NavLink'] p "
            "{ white-space: normal; overflow: visible; text-overflow: clip; }</style>" + public_render.NOTICE_CSS)
    with failsafe.public_guarded():
        st.navigation(list(pages.values())).run()
