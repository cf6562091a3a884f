"""Quarantine: every row of a refused batch that broke an error rule, with its reasons. Nothing is dropped."""

import streamlit as st

from dashboard import auth, data, ui, workbench
from pipelines.catalogue import counted
from pipelines.resubmission import file_registry

user = auth.signed_in()
st.title("Quarantine")
data.no_warehouse_guard()
q = workbench.quarantine()
if q.empty:
    st.success("Nothing is in quarantine: no loaded file had a row that broke an error rule.")
    st.stop()
# Where each refused file stands now (Files loaded says the same): a file a later return has covered, or one marked
# withdrawn or superseded, blocks nothing, and its rows stay here only as the record of what was refused.
registry = data.call(file_registry)
standing = ({} if registry is None else
            {int(r.file_id): r for r in registry.itertuples() if int(r.file_id) in set(q["file_id"].dropna())})
still_open = [r for r in standing.values() if r.refusal == "open"]
they = "it" if len(q) == 1 else "they"
if standing and not still_open:
    blocks = "None of those files blocks a month" if len(standing) > 1 else "The file blocks no month"
    st.write(f"{counted(len(q), 'row')} from refused files, kept with every rule {they} broke as the record of "
             f"what was refused. {blocks} any longer: nothing here is waiting to be corrected.")
else:
    st.write(f"{counted(len(q), 'row')} from refused batches, kept with every rule {they} broke. Correct the file "
             'and load it again on the "Upload a return" page (or with "pccdash ingest", which a police.uk file '
             "needs); the corrected rows are then accepted and these stay as the record.")
    st.page_link("internal_pages/upload.py", label="Upload the corrected file", icon=":material/upload_file:")
if standing:
    st.markdown("\n".join(f"- File #{fid}, {ui.md_escape(ui.name_shown(r.name))}: {ui.md_escape(r.status)}"
                          for fid, r in sorted(standing.items(), reverse=True)))
files = sorted(q["source_file"].dropna().unique())
chosen = st.multiselect("Files", files, default=[], key="quarantine_files", placeholder="Every file",
                        format_func=ui.name_shown)
shown = q[q["source_file"].isin(chosen)] if chosen else q
ui.table(ui.readable(shown.drop(columns="file_id"), {"rules": "Rules broken", "reasons": "What was wrong"}),
         "quarantine_table", "quarantine.csv")
