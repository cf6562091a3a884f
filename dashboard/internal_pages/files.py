"""The file registry: every file offered to ingestion, with its outcome, what superseded a refused one and what
was wrong with it; an analyst marks a refused file withdrawn or superseded."""

import streamlit as st

from dashboard import auth, data, ui, workbench
from pipelines.resubmission import REASON_LIMIT, file_registry, supersede

user = auth.signed_in()
st.title("Files loaded")
data.no_warehouse_guard()
df = data.call(file_registry)
if df is None or df.empty:
    st.info('No file has been ingested yet. Run "pccdash ingest PATH".')
    st.stop()
refused = df[df["outcome"] != "accepted"]
c1, c2, c3 = st.columns(3)
c1.metric("Accepted", int((df["outcome"] == "accepted").sum()))
c2.metric("Refused", len(refused))
c3.metric("Refused and still open", int((refused["refusal"] == "open").sum()))
st.caption("A refused file stops blocking its months once a later accepted file (any name, any format) covers "
           "its months and measures, or once it is marked withdrawn or superseded below.")

# a link from Provenance (or anywhere) names one file: it is shown first, and chosen below if refused
asked = st.query_params.get("file")
asked_id = int(asked) if asked and asked.isdigit() else None
if asked and (asked_id is None or not (df["file_id"] == asked_id).any()):
    st.warning(f"No file numbered {ui.md_escape(asked)} is in the registry; every file is listed below.")
    asked_id = None
if asked_id is not None:
    one = df[df["file_id"] == asked_id]
    st.header(f"File #{asked_id}, {ui.name_shown(one['name'].iloc[0])}")
    ui.table(workbench.files_shown(one), "file_asked_table", f"file-{asked_id}.csv",
             column_config={"SHA-256": st.column_config.TextColumn(width="small")})
    st.header("Every file")
ui.table(workbench.files_shown(df), "files_table", "files-loaded.csv",
         column_config={"SHA-256": st.column_config.TextColumn(width="small")})
if refused.empty:
    st.stop()

labels = {int(r.file_id): f"#{r.file_id}, {ui.name_shown(r.name)}" for r in refused.itertuples()}
fid = st.selectbox("Problems in refused file", list(labels), format_func=labels.get, key="refused_file",
                   index=list(labels).index(asked_id) if asked_id in labels else 0)
st.markdown(f"**Status:** {ui.md_escape(refused.loc[refused['file_id'] == fid, 'status'].iloc[0])}")
ui.table(ui.readable(workbench.file_problems(fid)), "file_problems_table", f"file-{fid}-problems.csv")

st.header("Mark a refused file withdrawn or superseded")
if not user.may("supersede"):
    st.caption("Your role cannot mark files.")
    st.stop()
st.write("Mark a refused file when no later file can clear it by itself (rows whose month or measure could not be "
         "read) or when the force withdrew it. The marking is kept with who, when and why.")
accepted = {int(r.file_id): f"#{r.file_id}, {ui.name_shown(r.name)}"
            for r in df[df["outcome"] == "accepted"].itertuples()}
with ui.form("supersede_form", border=True):
    target = st.selectbox("Refused file", list(labels), format_func=labels.get, key="supersede_file")
    state = st.radio("The file is", ["superseded", "withdrawn"], key="supersede_state", horizontal=True,
                     format_func={"superseded": "Superseded by a later file",
                                  "withdrawn": "Withdrawn by the force"}.get)
    later = st.selectbox("Superseded by (an accepted file after it; leave empty if none)", [None, *accepted],
                         format_func=lambda f: "" if f is None else accepted[f], key="supersede_by")
    reason = st.text_area("Reason (kept with the marking)", key="supersede_reason", max_chars=REASON_LIMIT)
    if st.form_submit_button("Mark file", type="primary"):
        ui.act(supersede, target, user.claims, reason, by=None if state == "withdrawn" else later,
               withdrawn=state == "withdrawn",
               done=lambda mark: f"File #{target} marked {mark.state} by {ui.md_escape(user.email)}.",
               clear=("supersede_file", "supersede_state", "supersede_by", "supersede_reason"))
