"""Entry point of the dashboard: `pccdash serve` runs this with Streamlit."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not add the root

from pipelines.catalogue import force  # noqa: E402

st.set_page_config(page_title=f"{force().force_short_name} performance dashboard", layout="wide")

pages = [
    st.Page("pages/figures.py", title="Figures", icon=":material/table_chart:", default=True),
    st.Page("pages/files.py", title="Files loaded", icon=":material/folder_open:"),
]
st.navigation(pages).run()
