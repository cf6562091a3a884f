"""Data-quality flags: find them by status, measure, district, file and assignee; assign one, mark it awaiting
the force, link the resubmission that answered it; resolve several at once with one note; reopen a resolved one."""

import streamlit as st

from dashboard import auth, data, ui
from dashboard.flagging import flag_label, flags_shown, history_shown
from pipelines.catalogue import catalogue, counted, force
from pipelines.flags import (
    answer_flag,
    answer_gap,
    assign_flag,
    await_force,
    files_for_flags,
    flag_history,
    flags,
    reopen_flag,
    reopened_with,
    resolve_flags,
)

# The flags table's columns in pixels, those a person reads first together within the page's 820 at 1280 pixels.
FLAG_WIDTHS = {"Number": 65, "Flag": 280, "Covers": 95, "Where it stands": 165, "Raised by": 175}

user = auth.signed_in()
st.title("Flags")
data.no_warehouse_guard()
st.write("A flag follows its figure onto the briefing, the measure page and the pack until it is resolved, and a "
         "blocking one stops its month being approved. Raise one from the Provenance page, where the figure and its "
         "source are shown. A resolved flag whose issue is back can be reopened: show the resolved ones.")
every = data.call(flags)
open_ = every[every["open"]]
c1, c2, c3, c4 = st.columns(4)
c1.metric("Open", len(open_))
c2.metric("Blocking approval", int(open_["blocks_now"].sum()))
c3.metric("Awaiting the force", int((open_["status"] == "awaiting").sum()))
c4.metric("Resolved", int((~every["open"]).sum()))

SHOW = {"Open": "open", "New": "new", "Assigned": "assigned", "Awaiting the force": "awaiting",
        "Answered": "answered", "Reopened": "reopened", "Resolved": "resolved", "All": "all"}
show = st.segmented_control("Show", list(SHOW), default="Open", key="flags_show",
                            help="Open is every flag not yet resolved; New is one nobody has taken up yet.") or "Open"
f1, f2, f3, f4 = st.columns(4)
measure = f1.selectbox("Measure", list(catalogue().ids("force_return")), index=None, format_func=ui.measure_name,
                       placeholder="Any measure",
                       key="flags_measure")
district = f2.selectbox("District", list(force().districts), index=None, placeholder="Any district",
                        key="flags_district")
files = data.call(files_for_flags)
file_labels = dict(zip(files["file_id"].astype(int), files["label"], strict=True))
file_id = f3.selectbox("File", list(file_labels), index=None, format_func=lambda i: ui.name_shown(file_labels[i]),
                       placeholder="Any file", key="flags_file",
                       help="The file's own flags, the flags it answered, and flags on figures it gave.")
assignees = sorted({a for a in every["assignee"].dropna()}, key=str.lower)
assignee = f4.selectbox("Assigned to", assignees, index=None, format_func=ui.name_shown, placeholder="Anyone",
                        key="flags_assignee")
shown = data.call(flags, status=SHOW[show], measure=measure, district=district, file=file_id, assignee=assignee)
if shown.empty:
    filtered = any(v is not None for v in (measure, district, file_id, assignee))
    st.info("No flag has been raised yet." if every.empty else "No open flags." if show == "Open" and not filtered
            else "No flag matches these choices.")
else:
    # the flag cut to a third of the page, so that where it stands and who raised it are in view beside it on a
    # laptop's screen (1280 pixels), where the flag's whole sentence pushed them off it; the choice below gives it whole
    ui.table(flags_shown(shown), "flags_table", f"flags-{SHOW[show]}.csv", column_config=ui.widths(FLAG_WIDTHS))

workable = shown[shown["open"]]
labels = {int(r.flag_id): flag_label(r) for r in workable.itertuples(index=False)}
if labels:
    st.header("Work on a flag")
    fid = st.selectbox("Flag", list(labels), format_func=labels.get, key="work_flag")
    history = data.call(flag_history, fid)
    st.caption("What has been done about it so far")
    ui.table(history_shown(history), "flag_history")
    may = user.may("flag")
    assign, wait, answer = st.tabs(["Assign", "Awaiting the force", "Answered by a resubmission"])
    with assign, ui.form("assign_form"):
        to = st.text_input("Assign to (an e-mail address or a name)", key="assign_to", max_chars=200)
        note = st.text_area("Note (optional)", key="assign_note", max_chars=2000)
        if st.form_submit_button("Assign", type="primary", disabled=not may):
            ui.act(assign_flag, user.claims, fid, to, note, done="Flag assigned.", clear=("assign_to", "assign_note"))
    with wait, ui.form("await_form"):
        note = st.text_area("What the force was asked, and when", key="await_note", max_chars=2000)
        if st.form_submit_button("Mark awaiting the force", type="primary", disabled=not may):
            ui.act(await_force, user.claims, fid, note, done="Flag marked awaiting the force.",
                   clear=("await_note",))
    with answer, ui.form("answer_form"):
        loaded = files[files["outcome"] == "accepted"]
        answer_labels = dict(zip(loaded["file_id"].astype(int), loaded["label"], strict=True))
        by = st.selectbox("The file that answered it (from Files loaded)", list(answer_labels), index=None,
                          format_func=lambda i: ui.name_shown(answer_labels[i]), key="answer_file")
        note = st.text_area("Note (optional)", key="answer_note", max_chars=2000)
        st.caption("The flag stays open until it is resolved: the new file may or may not settle it.")
        if st.form_submit_button("Record the answer", type="primary", disabled=not may):
            ui.act(answer_flag, user.claims, fid, by, note, done="Resubmission linked to the flag.",
                   clear=("answer_file", "answer_note"))
    if gap := data.call(answer_gap, fid):  # the latest answer's file sent nothing for the flagged figure
        answer.warning(gap, icon=":material/warning:")

    st.header("Resolve flags")
    with ui.form("resolve_form"):
        chosen = st.multiselect("Flags", list(labels), format_func=labels.get, key="resolve_flags",
                                placeholder="Choose one or more flags")
        note = st.text_area("What was found and done (kept with every flag chosen)", key="resolve_note",
                            max_chars=2000)
        if st.form_submit_button("Resolve flags", type="primary", disabled=not user.may("resolve")):
            ui.act(resolve_flags, user.claims, chosen, note,
                   done=lambda done: f"{counted(len(done), 'flag')} resolved.",
                   clear=("resolve_flags", "resolve_note"))

closed = shown[~shown["open"]]
if not closed.empty:
    st.header("Reopen a flag")
    closed_labels = {int(r.flag_id): flag_label(r) for r in closed.itertuples(index=False)}
    holders = {int(r.flag_id): r.assignee for r in closed.itertuples(index=False)}  # whom each goes back to
    with ui.form("reopen_form"):
        chosen = st.selectbox("Resolved flag", list(closed_labels), index=None, format_func=closed_labels.get,
                              key="reopen_flag", placeholder="Choose a resolved flag")
        reason = st.text_area("Why it is open again (kept with the flag, beside its resolution)", key="reopen_reason",
                              max_chars=2000)
        st.caption("It follows its figures again, and a blocking one stops its month being approved again. It goes "
                   "back to whoever it was assigned to before it was resolved (Assign, under Work on a flag, gives "
                   "it to someone else); one never assigned is assigned to no one.")
        if st.form_submit_button("Reopen flag", type="primary", disabled=not user.may("flag")):
            ui.act(reopen_flag, user.claims, chosen, reason,
                   done=lambda number: f"Flag #{number} reopened, {ui.md_escape(reopened_with(holders.get(number)))}.",
                   clear=("reopen_flag", "reopen_reason"))
