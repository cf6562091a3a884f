"""Actions: every action agreed at a meeting of the accountability loop, open and overdue first, moved on or closed
with a note (pipelines.accountability)."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines import accountability as acc
from pipelines import office, settings
from pipelines.flags import day_words

user = auth.signed_in()
st.title("Actions")
st.write("Each action agreed at a meeting has an owner and is due by a later meeting or a date. Until it is closed "
         "with a note saying what was done it is carried forward to every later meeting's overview and pack, "
         "and once past its due meeting or date it is overdue. When the Board gives more time, move its due date "
         "with the reason: what it was first due by is kept. When its owner leaves or the role changes hands, hand "
         "it to the new owner with the reason: who held it before is kept. Actions are agreed on the Meetings and "
         "questions page.")
data.no_warehouse_guard()
today = settings.today()
agreed = data.call(acc.actions) or []
held = data.call(acc.meetings) or []  # the meetings an action may be made due by
by_id = {m.meeting_id: m for m in held}
still = sorted((a for a in agreed if not a.closed), key=lambda a: (not a.overdue(today), a.due_day, a.action_id))
# the latest closed first: after a few years of Boards, the one closed at the last meeting is the one looked for
closed = sorted((a for a in agreed if a.closed), key=lambda a: (a.closed_on, a.action_id), reverse=True)
overdue = [a for a in still if a.overdue(today)]
c1, c2, c3 = st.columns(3)
# counted as the overview and the pack count them: open and not yet due, overdue, closed (adding up to every action)
c1.metric("Open", len(still) - len(overdue), help="Not closed, and not yet past its due meeting or date.")
c2.metric("Overdue", len(overdue), help="Not closed, and past its due meeting or date.")
c3.metric("Closed", len(closed))
may_record = user.may("record")
if not may_record:
    st.caption("Moving an action on, handing it over or closing it needs the analyst's role or "
               f"{office.configured().holders} (analyst or pcc).")


def _history(a: acc.Action) -> str:
    """Each update, earliest first; one that opened a closed action again says "Reopened"."""
    return "\n".join(f"- {'Reopened' if a.reopens(n) else acc.ACTION_STATUSES[u.status]}, {day_words(u.on_day)}, "
                     f"by {ui.md_escape(u.updated_by)}: {ui.md_escape(u.text)}" for n, u in enumerate(a.updates))


if not still:
    st.info("No action is open." + (" The closed ones are listed below." if closed else
                                    " Actions are agreed at a meeting, on the Meetings and questions page."))
for a in still:
    late = a.overdue(today)
    with st.container(border=True, key=f"action_{a.action_id}"):
        badge = (":orange-badge[:material/schedule: Overdue]" if late else
                 f":blue-badge[{acc.ACTION_STATUSES[a.status]}]")
        st.markdown(f"{badge} **Action {a.action_id}.** {ui.md_escape(a.body)}")
        st.markdown(f"**Owner:** {ui.md_escape(a.owner_words)}  \n**From:** the {ui.md_escape(a.meeting.label)}"
                    + (f", on question {a.question_id}" if a.question_id else "")
                    + f"  \n**Due:** {ui.md_escape(a.due_words)}"
                    # followed up on its own until closed: said, that the office may close it or keep it knowingly
                    + (f"  \n**Question withdrawn:** on {day_words(a.question_withdrawn_on)}; the action stays open "
                       "until it is closed." if a.question_withdrawn_on else "")
                    + (f"  \n**Reopened:** on {day_words(a.reopened.on_day)} by {ui.md_escape(a.reopened.updated_by)}: "
                       f"{ui.md_escape(a.reopened.note)}" if a.reopened else ""))
        with st.expander("History"):
            st.markdown(_history(a))
        with ui.form(f"action_form_{a.action_id}"):
            status = st.radio("Now", ["in_progress", "closed"], format_func=lambda s: {
                "in_progress": "In progress", "closed": "Closed"}[s], horizontal=True,
                key=f"action_status_{a.action_id}")
            note = st.text_area("Note (what was done; closing needs one)", key=f"action_note_{a.action_id}",
                                max_chars=5000, height=80)
            on = st.date_input("On", value=today, max_value=today, format="DD/MM/YYYY",
                               key=f"action_on_{a.action_id}",
                               help="The day it was done: a meeting held after it sees the action as updated.")
            if st.form_submit_button("Save", type="primary", disabled=not may_record):
                ui.act(acc.update_action, user.claims, a.action_id, status=status, note=note, on=on,
                       done=f"Action {a.action_id} {'closed' if status == 'closed' else 'moved on'}.",
                       clear=(f"action_status_{a.action_id}", f"action_note_{a.action_id}",
                              f"action_on_{a.action_id}"))
        with st.expander("Move its due date"), ui.form(f"action_due_form_{a.action_id}"):
            later = [m.meeting_id for m in held if m.held_on > max(today, a.meeting.held_on)]
            c1, c2 = st.columns(2)
            due_meeting = c1.selectbox("Now due by", [*later, 0], key=f"action_due_meeting_{a.action_id}",
                                       format_func=lambda i: by_id[i].label if i else "The date beside")
            due_on = c2.date_input("New due date (when due by a date)", value=max(today, a.due_day)
                                   + dt.timedelta(days=28), format="DD/MM/YYYY", key=f"action_due_on_{a.action_id}")
            reason = st.text_input("Why it moves", key=f"action_due_reason_{a.action_id}", max_chars=5000,
                                   placeholder="e.g. The Board gave the force until September")
            if st.form_submit_button("Move due date", disabled=not may_record):
                ui.act(acc.move_action_due, user.claims, a.action_id, due_meeting_id=due_meeting or None,
                       due_on=None if due_meeting else due_on, reason=reason,
                       done=f"Action {a.action_id} moved: what it was first due by is kept in its history.",
                       clear=(f"action_due_meeting_{a.action_id}", f"action_due_on_{a.action_id}",
                              f"action_due_reason_{a.action_id}"))
        with st.expander("Hand it to a new owner"), ui.form(f"action_owner_form_{a.action_id}"):
            new_owner = st.text_input("New owner", key=f"action_owner_{a.action_id}", max_chars=200,
                                      placeholder="e.g. Supt Khan")
            why = st.text_input("Why it changes hands", key=f"action_owner_reason_{a.action_id}", max_chars=5000,
                                placeholder="e.g. ACC Jones has retired")
            on = st.date_input("On", value=today, max_value=today, format="DD/MM/YYYY",
                               key=f"action_owner_on_{a.action_id}",
                               help="The day it changed hands: a meeting held after it sees the new owner.")
            if st.form_submit_button("Hand over", disabled=not may_record):
                ui.act(acc.hand_over_action, user.claims, a.action_id, owner=new_owner, reason=why, on=on,
                       done=f"Action {a.action_id} handed over: who held it before is kept in its history.",
                       clear=(f"action_owner_{a.action_id}", f"action_owner_reason_{a.action_id}",
                              f"action_owner_on_{a.action_id}"))

with st.expander(f"Closed actions ({len(closed)})", icon=":material/task_alt:"):
    if closed:
        frame = pd.DataFrame({
            "Action": [a.action_id for a in closed],
            "What": [a.body for a in closed],
            "Owner": [a.owner_words for a in closed],
            "From": [a.meeting.label for a in closed],
            "Due": [a.due_words for a in closed],
            "Closed": [day_words(a.closed_on) for a in closed],
            "Closing note": [a.updates[-1].note for a in closed],
            "Closed by": [a.updates[-1].updated_by for a in closed],
        })
        ui.table(frame, "closed_actions", "closed-actions.csv")
        with ui.form("action_reopen_form"):  # its issue is back, or what closed it was not enough
            bodies = {a.action_id: a.body for a in closed}
            which = st.selectbox("Reopen an action", list(bodies), key="action_reopen_pick",
                                 format_func=lambda i: f"Action {i}. {bodies[i]}")
            why = st.text_input("Why it is open again", key="action_reopen_reason", max_chars=5000,
                                placeholder="e.g. The report covered Sheffield only")
            on = st.date_input("On", value=today, max_value=today, format="DD/MM/YYYY", key="action_reopen_on")
            if st.form_submit_button("Reopen", disabled=not may_record):
                ui.act(acc.reopen_action, user.claims, which, reason=why, on=on,
                       done=f"Action {which} reopened: it is carried to every later meeting until closed again.",
                       clear=("action_reopen_pick", "action_reopen_reason", "action_reopen_on"))
    else:
        st.caption("No action has been closed yet.")
