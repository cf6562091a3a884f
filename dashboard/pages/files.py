"""The file registry: every file offered to ingestion, with its outcome."""

import streamlit as st

from dashboard import data

st.title("Files loaded")
df = data.file_registry()
if df.empty:
    st.info('No file has been ingested yet. Run "pccdash ingest PATH".')
    st.stop()
st.dataframe(df, hide_index=True, width="stretch")
