"""Data-quality flags: every open and resolved flag, and resolving one with a note."""

import streamlit as st

from dashboard import auth, data, ui
from dashboard.flagging import flag_label, flags_shown
from pipelines.flags import flags, resolve_flag

user = auth.signed_in()
st.title("Flags")
data.no_warehouse_guard()
st.write("A flag follows its figure onto the briefing, the measure page and the pack until it is resolved. "
         "Raise one from the Provenance page, where the figure and its source are shown.")
df = data.call(flags)
open_ = df[df["open"]]
c1, c2, c3 = st.columns(3)
c1.metric("Open", len(open_))
c2.metric("Blocking approval", int(open_["blocking"].sum()))
c3.metric("Resolved", int((~df["open"]).sum()))
show = st.segmented_control("Show", ["Open", "Resolved", "All"], default="Open", key="flags_show") or "Open"
shown = open_ if show == "Open" else df[~df["open"]] if show == "Resolved" else df
if shown.empty:
    st.info(f"No {show.lower()} flags." if show != "All" else "No flag has been raised yet.")
else:
    ui.table(flags_shown(shown.drop(columns=["open"])), "flags_table", f"flags-{show.lower()}.csv")

if not open_.empty:
    st.subheader("Resolve a flag")
    labels = {int(r.flag_id): flag_label(r) for r in open_.itertuples()}
    with st.form("resolve_form", clear_on_submit=True):
        fid = st.selectbox("Flag", list(labels), format_func=labels.get, key="resolve_flag")
        note = st.text_area("What was found and done", key="resolve_note", max_chars=2000)
        if st.form_submit_button("Resolve flag", type="primary", disabled=not user.may("resolve")):
            ui.act(resolve_flag, user.claims, fid, note, done=f"Flag #{fid} resolved by {user.email}.")
