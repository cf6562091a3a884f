"""The file registry: every file offered to ingestion, with its outcome, what superseded a refused one and what
was wrong with it; an analyst marks a refused file withdrawn or superseded."""

from pathlib import PurePath

import streamlit as st

from dashboard import auth, data, ui, workbench
from pipelines import filestore
from pipelines.errors import PccDashError
from pipelines.policeuk.ingest import charged_note, replaced_since_note
from pipelines.policeuk.revisions import CHARGED_COUNT_WORDS
from pipelines.registry import is_police_uk, not_kept
from pipelines.resubmission import REASON_LIMIT, STATES, file_registry, supersede

SENTENCES = 100  # the most problems of a refused file shown as sentences, wrapped to be read whole
CHARGED_LINKS = 5  # the newest files that changed charged counts linked to on their own, under the list

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


def as_received(file_id: int, name: str, digest: str, key: str) -> None:
    """A download of the file exactly as it was received, from the file store, checked against its hash first."""
    try:
        body = filestore.get(data.db(), digest)
    except PccDashError as exc:
        st.error(str(exc))
        return
    st.download_button(f"Download file #{file_id} as received", body, file_name=PurePath(name).name,
                       mime="application/octet-stream", key=key, icon=":material/download:", on_click="ignore")
    st.caption("Handed back byte for byte as the force sent it, and so not made safe as the tables' downloads are: "
               "a spreadsheet may run a formula in it, so open it with care.")


def kept(rows) -> dict[int, tuple[str, str]]:
    """The files among `rows` whose bytes the file store holds: number to (name, SHA-256)."""
    return {int(r.file_id): (r.name, r.sha256) for r in rows.itertuples()
            if r.sha256 and filestore.has(data.db(), r.sha256)}


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
    if one["outcome"].iloc[0] == "accepted":
        # what its load said besides its counts, whole (the list leaves it out): a republication's charged counts,
        # which are not among the figures it counts as new, revised or unchanged, a download put back, columns
        # police.uk added; of a police.uk file loaded before its load's words were kept, the charged counts
        said = one["message"].iloc[0] if isinstance(one["message"].iloc[0], str) else ""
        if not said and is_police_uk(one["layout"].iloc[0]):
            said = data.call(charged_note, asked_id)
        if said:
            st.info(ui.md_escape(said), icon=":material/info:")
        # read later: the months of it another file is in force for since, whose counts it no longer gives
        if is_police_uk(one["layout"].iloc[0]) and (since := data.call(replaced_since_note, asked_id)):
            st.info(ui.md_escape(since), icon=":material/history:")
    for fid, (name, digest) in kept(one).items():
        as_received(fid, name, digest, key="file_asked_download")
    # no download: why not, as "pccdash files show" says it (a police.uk file is downloaded again from police.uk)
    if why := not_kept(data.db(), asked_id, one["sha256"].iloc[0], one["layout"].iloc[0]):
        st.caption(ui.md_escape(why))
    st.header("Every file")
ui.table(workbench.files_shown(df), "files_table", "files-loaded.csv",
         column_config={"SHA-256": st.column_config.TextColumn(width="small")})
if df["charged_counts_changed"].any():  # as "pccdash files" says under its list
    st.caption(f"{CHARGED_COUNT_WORDS}, and the file opened on its own says which it changed, from what to what.")
    for r in df[df["charged_counts_changed"] > 0].head(CHARGED_LINKS).itertuples():
        st.page_link("internal_pages/files.py", label=f"File #{r.file_id}, {ui.name_shown(r.name)}, on its own",
                     icon=":material/folder_open:", query_params={"file": str(r.file_id)})
held = kept(df.sort_values("file_id", ascending=False))
if held:
    chosen = st.selectbox("A file as received (the force's returns are kept exactly as they came; police.uk's "
                          "files are not, as police.uk keeps them)", list(held), key="received_file",
                          format_func=lambda f: f"#{f}, {ui.name_shown(held[f][0])}")
    as_received(chosen, *held[chosen], key="received_download")
returns = df[~df["layout"].map(is_police_uk) & (df["sha256"].fillna("") != "")]
if len(returns) > len(kept(returns)):
    st.caption("A return loaded by an earlier version of pccdash from the command line was not kept: its path is in "
               "the table.")
if refused.empty:
    st.stop()

labels = {int(r.file_id): f"#{r.file_id}, {ui.name_shown(r.name)}" for r in refused.itertuples()}
fid = st.selectbox("Problems in refused file", list(labels), format_func=labels.get, key="refused_file",
                   index=list(labels).index(asked_id) if asked_id in labels else 0)
st.markdown(f"**Status:** {ui.md_escape(refused.loc[refused['file_id'] == fid, 'status'].iloc[0])}")
problems = ui.readable(workbench.file_problems(fid))
found_in_all = workbench.refused_problems(fid, len(problems))
if found_in_all > len(problems):  # the contract kept a sample of the rows each failed rule failed on
    st.caption(f"{found_in_all:,} problems were found; the {len(problems):,} below are kept with the file, the "
               "contract's sample of the rows each failed rule failed on. The Quarantine page lists every row refused.")
if len(problems) <= SENTENCES:  # each problem is a sentence, read whole; a file refused for hundreds scrolls in a grid
    ui.sentence_table(problems, "file_problems_table", f"file-{fid}-problems.csv")
else:
    ui.table(problems, "file_problems_table", f"file-{fid}-problems.csv")

st.header("Mark a refused file withdrawn or superseded")
if not user.may("supersede"):
    st.caption("Your role cannot mark files.")
    st.stop()
# as "pccdash supersede" takes them: a file still open, or one marked before (marked again, the later marking
# replaces it); a file later files cleared blocks nothing, and is not offered
still_open = refused[refused["refusal"] == "open"]
marked = refused[refused["refusal"].isin(STATES)]
if still_open.empty:
    st.info("No refused file is still open: each is cleared by a later file that covers what it refused"
            + (", so none is waiting to be marked." if marked.empty else
               ", or marked already (the table says which). The form below corrects a marking made before."))
    if marked.empty:
        st.stop()
else:
    st.write("Mark a refused file when no later file can clear it by itself (rows whose month or measure could not "
             "be read) or when the force withdrew it. The marking is kept with who, when and why.")
markable = {int(r.file_id): f"#{r.file_id}, {ui.name_shown(r.name)}" for r in still_open.itertuples()}
markable |= {int(r.file_id): f"#{r.file_id}, {ui.name_shown(r.name)} (marked {r.refusal} already: marking it "
                             "again replaces that marking)" for r in marked.itertuples()}
accepted = {int(r.file_id): f"#{r.file_id}, {ui.name_shown(r.name)}"
            for r in df[df["outcome"] == "accepted"].itertuples()}
with ui.form("supersede_form", border=True):
    target = st.selectbox("Refused file", list(markable), format_func=markable.get, key="supersede_file")
    state = st.radio("The file is", ["superseded", "withdrawn"], key="supersede_state", horizontal=True,
                     format_func={"superseded": "Superseded by a later file",
                                  "withdrawn": "Withdrawn by the force"}.get)
    later = st.selectbox("Superseded by (an accepted file after it; leave empty if none)", [None, *accepted],
                         format_func=lambda f: "" if f is None else accepted[f], key="supersede_by")
    reason = st.text_area("Reason (kept with the marking)", key="supersede_reason", max_chars=REASON_LIMIT)
    if st.form_submit_button("Mark file", type="primary"):
        ui.act(supersede, target, user.claims, reason, by=None if state == "withdrawn" else later,
               withdrawn=state == "withdrawn",
               done=lambda mark: f"File #{target} marked {mark.state}{ui.md_escape(mark.replaced_by())} (by "
                                 f"{ui.md_escape(user.email)}).",
               clear=("supersede_file", "supersede_state", "supersede_by", "supersede_reason"))
