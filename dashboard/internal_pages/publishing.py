"""Approve months for publication and publish them: only the PCC role may; a blocked month cannot be approved."""

import streamlit as st

from dashboard import auth, data, ui
from pipelines.publish.approval import approve, period_states, states_frame
from pipelines.publish.snapshot import publish

user = auth.signed_in()
st.title("Approve and publish")
data.no_warehouse_guard()
st.write("A month goes from draft to approved (by the PCC, as its figures stand) to published (in a new public "
         "snapshot, after small counts are suppressed). A month with an unreplaced refused file or a blocking flag "
         "cannot be approved. A month revised after its approval shows as changed and needs approving again.")
states = states_frame(data.call(period_states))
if states.empty:
    st.info('The warehouse holds no accepted figures yet. Load the force\'s returns with "pccdash ingest PATH".')
    st.stop()
counts = states["status"].value_counts()
cols = st.columns(4)
for col, status in zip(cols, ("draft", "approved", "published", "changed"), strict=True):
    col.metric(status.capitalize(), int(counts.get(status, 0)))
status_filter = st.multiselect("Status", ["draft", "approved", "published", "changed"], key="status_filter",
                               placeholder="Every status")
shown = states[states["status"].isin(status_filter)] if status_filter else states
st.dataframe(shown.iloc[::-1], hide_index=True, width="stretch")

if not user.may("approve"):
    st.info(f"{user.email} can see this page but not approve or publish: that needs the PCC role.")
    st.stop()

st.subheader("Approve")
candidates = states[states["status"].isin(["draft", "changed"])]["period"].tolist()[::-1]
chosen = st.multiselect("Months to approve", candidates, key="approve_months",
                        placeholder="Choose months (newest first)")
if st.button("Approve", key="approve", type="primary", disabled=not chosen):
    ui.act(approve, chosen, user.claims, done=lambda months: f"Approved {len(months)} month(s) as {user.email}.")

st.subheader("Publish")
approved = int(states["status"].isin(["approved", "changed"]).sum())
st.write(f"{approved} month(s) approved and not yet published as they now stand. Publishing writes a new snapshot "
         "of every approved month and switches the public pages to it at once.")
nothing = approved == 0 and "published" not in set(states["status"])
if st.button("Publish", key="publish", type="primary", disabled=nothing):
    ui.act(publish, user.claims, done=lambda out: f"Published snapshot {out[0]}.", icon=":material/publish:")
