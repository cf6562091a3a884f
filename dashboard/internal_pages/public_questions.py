"""Questions from the public: fetch what the public app took in, read each, accept it (as edited) for a meeting or
reject it with a reason; then the questions already moderated."""

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines import inbox, office, settings
from pipelines.accountability import erasure, meetings, moderation
from pipelines.accountability.release import personal_data_warnings
from pipelines.catalogue import counted
from pipelines.errors import PccDashError, shown
from pipelines.uk_time import uk_day_words

user = auth.signed_in()
SHOWN = 25  # pending questions shown at once; the rest follow as these are moderated
# the erase button's words, true of every question it erases (a form's button cannot follow its picker): one not
# rejected loses its sender's name and contact, a rejected one its words too, and one sent without them only its words
ERASE = "Erase what is kept of the sender"
ERASE_HELP = ("The sender's name and contact, out of the question's words too; of a rejected question, its words "
              "whole (all that is kept of one sent without a name or contact).")

st.title("Questions from the public")
data.no_warehouse_guard()
st.write(
    "Holding the force to account is a loop: questions are put to the force at a meeting, the force answers, "
    f"{office.configured().holder_short} records an assurance decision on the answer, and the actions agreed are "
    "carried to later meetings "
    "until closed. Members of the public may send a question for a forthcoming Board from the public app. Each is "
    "held here until the office reads it: accept it, edited as it should be put (take out names and anything that "
    "could identify a child), for a meeting, where it is asked by \"A member of the public\"; or reject it with a "
    "reason. Nothing a member of the public writes is published unless it is accepted, and then only as edited.")

may = user.may("moderate")
waiting = inbox.waiting()
c1, c2 = st.columns([3, 2], vertical_alignment="center")
c1.write(f"{counted(waiting, 'question')} waiting in the inbox to be fetched." if waiting else
         "No new question is waiting in the inbox.")
if c2.button("Fetch new questions", key="fetch_questions", icon=":material/download:", disabled=not may):
    ui.act(erasure.fetch, user.claims, done=erasure.fetched_words)
aside = moderation.set_aside()
if aside:
    st.warning(f"{counted(len(aside), 'file')} in the inbox could not be read as questions and "
               f"{'was' if len(aside) == 1 else 'were'} set aside in "
               f"{ui.md_escape(inbox.inbox_dir() / 'rejected')}; the server's log says why.")

pending = data.call(moderation.pending) or []
repeated = data.call(moderation.repeats) or {} if pending else {}
held = data.call(meetings) or []
today = settings.today()
# the meetings to come first, soonest first; then those held, latest first (a question may still be put at one)
choices = ([m for m in held if m.held_on >= today]
           + sorted((m for m in held if m.held_on < today), key=lambda m: m.held_on, reverse=True))
# a meeting already held says so: a question received after it was never put there
labels = {m.meeting_id: m.label + ("" if m.held_on >= today else " (held)") for m in choices}
coming = any(m.held_on >= today for m in choices)

st.header(f"Waiting to be read ({len(pending)})")
if not pending:
    st.info("No question from the public is waiting to be accepted or rejected.")
elif not choices:
    st.info("Record a meeting on the Meetings and questions page first: an accepted question is put to a meeting.")
elif not coming:
    st.warning("No meeting to come is recorded, so every meeting offered below has been held already: a question "
               "accepted now is put to one of them, as if it had been asked there. To put it to the next Board, "
               "record that meeting on the Meetings and questions page first.", icon=":material/event_busy:")
if pending and not may:
    st.info("Your role may read these questions but not accept or reject them.")
for sub in pending[:SHOWN]:
    key = sub.submission_id
    with st.container(border=True):
        st.markdown(f"**Reference {sub.receipt}**, received {uk_day_words(sub.received_at)}")
        st.text(sub.body)  # as the member of the public wrote it, shown inert
        if key in repeated:
            st.info(repeated[key], icon=":material/content_copy:")
        personal = personal_data_warnings(sub.body)
        if personal:
            st.warning(ui.md_escape(personal), icon=":material/person_alert:")
        if sub.erased_at is not None:
            st.caption(f"From: the sender's name and contact were erased on {uk_day_words(sub.erased_at)}.")
        else:
            sender = "; ".join(shown(v, None) for v in (sub.name, sub.contact) if v) or "no name or contact given"
            st.caption(f"From: {ui.md_escape(sender)}. Kept for the office's reply only: never published.")
        if not may:
            continue
        accept_tab, reject_tab = st.tabs(["Accept", "Reject"])
        with accept_tab, st.form(f"accept_{key}"):
            edited = st.text_area("The question as it will be put (and published, if it is approved)", value=sub.body,
                                  key=f"edited_{key}", max_chars=moderation.LIMITS["question"], height=120)
            meeting_id = st.selectbox("Put it to", list(labels), format_func=labels.get, key=f"meeting_{key}",
                                      disabled=not choices)
            if st.form_submit_button("Accept and put to the meeting", type="primary", disabled=not choices):
                chosen = labels.get(meeting_id)
                ui.act(moderation.accept, user.claims, key, edited_body=edited, meeting_id=meeting_id,
                       done=lambda q, at=chosen: f"Accepted: question {q} is put to the {at}.")
        with reject_tab, st.form(f"reject_{key}"):
            reason = st.text_input("Why it is not put (kept for the office; do not repeat the name or contact)",
                                   key=f"reason_{key}", max_chars=moderation.REASON_LIMIT)
            if st.form_submit_button("Reject"):
                ui.act(moderation.reject, user.claims, key, reason=reason, done=f"Rejected {sub.receipt}.")
if len(pending) > SHOWN:
    st.caption(f"{len(pending) - SHOWN} more are waiting; they are shown as these are moderated.")

st.header("Moderated")
done = data.call(moderation.moderated) or []
if not done:
    st.info("No question from the public has been accepted or rejected yet.")
else:
    frame = pd.DataFrame([{
        "Reference": m.submission.receipt,
        "Received": uk_day_words(m.submission.received_at),
        "Outcome": m.outcome.capitalize(),
        "As written": erasure.words_shown(m.submission),
        "As accepted, or why rejected": m.edited_body if m.outcome == "accepted" else m.reason,
        # a whole number, blank for a question rejected (a column of numbers with a gap would read 5.0)
        "Question": "" if m.question_id is None else str(m.question_id),
        "By": m.moderated_by,
        "On": uk_day_words(m.moderated_at),
        "Name and contact": erasure.kept_words(m.submission),
    } for m in done])
    ui.table(frame, "moderated_table", "questions-from-the-public.csv")

st.header("The senders' names and contacts")
st.write(
    "A sender's name and contact are kept for the office's reply, until "
    f"{erasure.retention_words()} after their question is answered, withdrawn or rejected; then they are erased when "
    "questions are next fetched (or by \"pccdash inbox expire\"), with the words of a question rejected, which is "
    "never published. The question and what became of it stay (of one rejected, that it was received and rejected, "
    "when and why). When "
    "someone asks for theirs to be erased, find their questions by the contact they gave, then erase it with the "
    "reason; the audit trail keeps who erased it and why. Backups taken before keep them until those are deleted; a "
    "restore from one erases them again.")
looked_for = st.text_input("Find a sender's questions by their e-mail address, telephone number or name",
                           key="find_sender", max_chars=inbox.LIMITS["contact"])
matches = []
if looked_for.strip():
    try:
        matches = data.read(erasure.find, looked_for)
    except PccDashError as exc:
        st.error(str(exc))
        matches = []
    if matches:
        st.dataframe(pd.DataFrame([{
            "Reference": m.receipt,
            "Received": uk_day_words(m.received_at),
            "Where it stands": m.state,
            "Found in its": m.found_in,
            "Name": "" if m.erased_at else (m.name or ""),
            "Contact": (f"erased on {uk_day_words(m.erased_at)}" if m.erased_at else (m.contact or "")),
        } for m in matches]), hide_index=True, key="found_senders")
        if any(m.found_in == "words" for m in matches):
            st.caption("A question found only in its words was sent with another name and contact, or none: "
                       "erasing takes out of a question's words only the contact its sender gave, so an accepted "
                       "question's words keep them as written; a rejected question's words are erased whole.")
        if any(not m.imported for m in matches):
            st.caption("A question still waiting in the inbox is erased once fetched.")
    else:
        st.info("No question from the public holds it.")
# what "pccdash inbox forget" erases: a sender's name and contact, and a rejected question's words, those of one sent
# without a name or contact as well
erasable = data.call(erasure.erasable) or []
kept = {s.submission_id: f"{s.receipt}, received {uk_day_words(s.received_at)}"
                         + (" (rejected, sent without a name or contact: its words)" if words_only else "")
        for s, words_only in erasable}
words_only = {s.submission_id for s, alone in erasable if alone}
# the questions just found by their sender's contact or name are the ones to erase: offered alone, so a person who
# found theirs and pressed the button does not erase the newest question's sender, someone else (one found by its
# words was sent by someone else too, unless it was sent without a name or contact: then only its words go)
found = {m.submission_id: kept[m.submission_id] for m in matches
         if m.submission_id in kept and (m.found_in in ("contact", "name") or m.submission_id in words_only)}
if may and kept:
    with ui.form("erase_contact"):
        offered, label = ((found, "The question found above (its reference)") if found
                          else (kept, "The question (its reference)"))
        chosen = st.selectbox(label, list(offered), format_func=offered.get, key="erase_which")
        why = st.text_input("Why it is erased (kept on the audit trail; do not repeat the name or contact)",
                            key="erase_reason", max_chars=moderation.REASON_LIMIT)
        if st.form_submit_button(ERASE, icon=":material/person_remove:", help=ERASE_HELP):
            ui.act(erasure.forget, user.claims, chosen, reason=why, clear=("erase_reason",),
                   done=lambda erased: " ".join(erased.sentences()))
elif may:
    st.caption("No sender's name or contact is kept, nor the words of a question rejected.")
