"""The file registry: every file offered to ingestion, with its outcome and what was wrong with a refused one."""

import streamlit as st

from dashboard import auth, data, workbench

user = auth.signed_in()
st.title("Files loaded")
data.no_warehouse_guard()
df = workbench.files()
if df.empty:
    st.info('No file has been ingested yet. Run "pccdash ingest PATH".')
    st.stop()
c1, c2 = st.columns(2)
c1.metric("Accepted", int((df["outcome"] == "accepted").sum()))
c2.metric("Refused", int((df["outcome"] != "accepted").sum()))
st.dataframe(df, hide_index=True, width="stretch", column_config={"sha256": st.column_config.TextColumn(width="small")})
refused = df[df["outcome"] != "accepted"]
if not refused.empty:
    labels = {int(r.file_id): f"#{r.file_id} {r.name}" for r in refused.itertuples()}
    fid = st.selectbox("Problems in refused file", list(labels), format_func=labels.get, key="refused_file")
    st.dataframe(workbench.file_problems(fid), hide_index=True, width="stretch")
