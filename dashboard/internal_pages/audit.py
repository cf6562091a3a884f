"""Audit trail: who loaded a return, flagged, resolved, approved, published or withdrew, produced a pack, or recorded
anything of the accountability loop; when; and how (signed in to the app, on the command line, or the program itself).
"""

import streamlit as st

from dashboard import auth, data, ui
from pipelines import office
from pipelines.audit import ACTIONS, CHANNELS, HOW, events, readable
from pipelines.catalogue import reference_file
from pipelines.errors import PccDashError
from pipelines.plan import history as spc_history
from pipelines.uk_time import uk_day

# What the trail holds, in words: every action of pipelines.audit.ACTIONS falls under one of them.
WHAT = ("Every return loaded or refused, flag and step on it, commentary, question edit, supersession, approval given "
        "or refused, publication and withdrawal, briefing pack produced, and every record of the accountability loop "
        "(meetings recorded, moved or cancelled, questions, answers, decisions, actions and their due dates, the "
        "public's questions, recommendations' statuses, approvals of items for publication and their withdrawal)")
user = auth.signed_in()
st.title("Audit trail")
if not user.may("audit"):
    st.info(f"{ui.md_escape(user.email)} may not read the audit trail: it is for {office.configured().holders} "
            f'role and the analysts\' (pcc and analyst in "{ui.md_escape(str(reference_file("access.yaml")))}").')
    st.stop()
data.no_warehouse_guard()
everything = data.call(events)
if everything is None or everything.empty:
    st.info(f"Nothing has been recorded yet. {WHAT} will be listed here, with who did it, when and how.")
    st.stop()
st.write(f"{WHAT}, newest first, with who did it, when (UK time: GMT, or BST in summer; the download gives UTC, to the "
         "second) and "
         "how: in this app (signed in), on the command line (with the computer account that ran it), or by the "
         "program itself (the demo's own set-up, a new version of the SPC history noticed, the switch to a "
         "publication finished after a stop).")

c1, c2, c3 = st.columns(3)
action = c1.selectbox("Action", list(ACTIONS), index=None, format_func=lambda a: ACTIONS[a].capitalize(),
                      placeholder="Every action", key="audit_action")
identity = c2.selectbox("Who", sorted(everything["identity"].unique()), index=None, placeholder="Everyone",
                        key="audit_identity")
channel = c3.selectbox("How", list(CHANNELS), index=None, format_func=lambda c: HOW[c].capitalize(),
                       placeholder="Any way", key="audit_channel")
c4, c5 = st.columns(2)
days = c4.date_input("Between", value=(), key="audit_days", format="DD/MM/YYYY",  # days in England, as shown
                     min_value=uk_day(everything["acted_at"].min()), max_value=uk_day(everything["acted_at"].max()))
text = c5.text_input("Text in what it was about or its detail", key="audit_text", max_chars=200,
                     help='Any case. A number at its end is that number: "meeting 1" finds meeting 1, not meeting 12.')

days = tuple(days) if isinstance(days, (tuple, list)) else (days,)
try:
    found = data.call(events, action=action, identity=identity, channel=channel,
                      start=days[0] if days else None, end=days[-1] if days else None, text=text or None)
except PccDashError as exc:
    st.error(str(exc))
    st.stop()
if found.empty:
    st.info("No record matches these filters. Clear one of them to see more.")
    st.stop()
st.metric("Records", f"{len(found):,}", help=f"of {len(everything):,} in the trail")
found = found.assign(detail=[spc_history.describe(d) if a == spc_history.AUDIT_ACTION else d  # the change in words
                             for a, d in zip(found["action"], found["detail"], strict=True)])
shown = readable(found).map(ui.measure_words)
download = shown.assign(When=readable(found, utc=True)["When"])  # the CSV keeps the stored UTC times
shown = shown.assign(When=ui.uk_times(found["acted_at"]).set_axis(shown.index))  # in words, sorted as times
shown.attrs["download"] = download
ui.table(shown, "audit", "audit-trail.csv", column_config={"When": ui.time_column()})
