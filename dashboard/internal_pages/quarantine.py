"""Quarantine: every row of a refused batch that broke an error rule, with its reasons. Nothing is dropped."""

import streamlit as st

from dashboard import auth, data, ui, workbench

user = auth.signed_in()
st.title("Quarantine")
data.no_warehouse_guard()
q = workbench.quarantine()
if q.empty:
    st.success("Nothing is in quarantine: no loaded file had a row that broke an error rule.")
    st.stop()
st.write(f"{len(q):,} row(s) from refused batches, kept with every rule they broke. Correct the file and load it "
         'again on the "Upload a return" page (or with "pccdash ingest", which a police.uk file needs); the '
         "corrected rows are then accepted and these stay as the record.")
st.page_link("internal_pages/upload.py", label="Upload the corrected file", icon=":material/upload_file:")
files = sorted(q["source_file"].dropna().unique())
chosen = st.multiselect("Files", files, default=[], key="quarantine_files", placeholder="Every file",
                        format_func=ui.name_shown)
shown = q[q["source_file"].isin(chosen)] if chosen else q
ui.table(ui.readable(shown, {"rules": "Rules broken", "reasons": "What was wrong"}),
         "quarantine_table", "quarantine.csv")
