"""The public app (`pccdash serve --app public`): published summaries only, read from the published snapshot.

It has no sign-in and no path to the warehouse: its pages import `dashboard.public_data`, which reads
only the snapshot that `pccdash publish` wrote.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not add the root

from dashboard import failsafe, public_data  # noqa: E402

try:
    meta = public_data.meta()
except Exception:  # noqa: BLE001 -- the page itself says what is wrong; the tab keeps a plain title
    meta = {}
title = f"{meta['force']}: published figures" if meta else "Published figures"
st.set_page_config(page_title=title, layout="centered", page_icon=":material/bar_chart:")

pages = [
    st.Page("public_pages/summary.py", title="Summary", icon=":material/bar_chart:", default=True),
    st.Page("public_pages/tables.py", title="Tables and downloads", icon=":material/table_chart:"),
    st.Page("public_pages/board.py", title="Questions and decisions", icon=":material/gavel:"),
    st.Page("public_pages/ask.py", title="Ask the Board a question", icon=":material/contact_support:"),
    st.Page("public_pages/accessibility.py", title="Accessibility statement", icon=":material/accessibility:"),
]
with failsafe.guarded():
    st.navigation(pages).run()
