"""Meetings and questions: each meeting of the accountability loop, the questions put to the force there with their
figures, the force's answers, the Commissioner's assurance decisions and the actions agreed
(pipelines.accountability)."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines import accountability as acc
from pipelines import audit, filestore, office, settings
from pipelines.accountability.release import (
    EDITABLE,
    long_date,
    record_text,
    release,
    release_form_defaults,
    said_on,
    text_warnings,
    who_text,
)
from pipelines.briefing.archive import archived
from pipelines.briefing.notes import saved_questions
from pipelines.briefing.pack import question_record
from pipelines.briefing.questions import draft_questions
from pipelines.catalogue import catalogue, counted, force, reference_stamp
from pipelines.errors import PccDashError
from pipelines.flags import day_words
from pipelines.uk_time import uk_words

user = auth.signed_in()
st.title("Meetings and questions")
said = office.configured()  # the office holder's title as force.yaml gives it
st.write("Holding the force to account is a loop. The office records each meeting and the questions put to the "
         "force there, each kept with the figures it was about; then what the force answered, or that an answer is "
         f"awaited by a date. {office.cap(said.holder_short)} records an assurance decision on each question or "
         "theme (assured, partly assured, not assured, awaiting evidence) with the rationale and the evidence "
         "considered, and the actions agreed get an owner and a due meeting or date. Questions not yet settled "
         "and actions not yet closed are carried forward to every later meeting until closed with a note: the next "
         "meeting's overview and pack open with them, with the figures then and now. Actions are followed up on the "
         "Actions page.")
data.no_warehouse_guard()
may_record, may_decide = user.may("record"), user.may("decide")
cat, f = catalogue(), force()
today = settings.today()


def _words(day) -> str:
    return day_words(day) if day else ""


def _meeting_recorded(meeting: acc.Meeting) -> str:
    st.session_state["meeting_pick"] = meeting.meeting_id  # the new meeting is the one shown next
    return f"Recorded {meeting.label}."


with st.expander("Record a meeting", icon=":material/event:", expanded=False):
    with ui.form("meeting_form"):
        held_on = st.date_input("Date", value=today, format="DD/MM/YYYY", key="meeting_day",
                                min_value=dt.date(2000, 1, 1), max_value=today + dt.timedelta(days=3 * 366))
        kind = st.selectbox("Kind", list(acc.KINDS), format_func=acc.KINDS.get, key="meeting_kind")
        district = st.selectbox("District (for a district's quarterly report)", f.districts, key="meeting_district")
        title = st.text_input("Theme or title (a themed session's theme; the others need none)", key="meeting_title",
                              max_chars=200)
        if not may_record:
            st.caption(f"Recording a meeting needs the analyst's role or {said.holders} (analyst or pcc).")
        if st.form_submit_button("Record meeting", type="primary", disabled=not may_record):
            ui.act(acc.add_meeting, user.claims, held_on=held_on, kind=kind, title=title.strip() or None,
                   district=district if kind == "district" else None, done=_meeting_recorded,
                   clear=("meeting_day", "meeting_kind", "meeting_district", "meeting_title"))

held = data.call(acc.meetings) or []
if not held:
    st.info("No meeting is recorded yet. Record one above: its date, and what kind of meeting it is.")
    st.stop()
by_id = {m.meeting_id: m for m in held}
everything = data.call(acc.questions) or []
agreed_all = data.call(acc.actions) or []
with st.expander(f"Every meeting recorded ({len(held)})", icon=":material/list:"):
    ui.table(pd.DataFrame({
        "Meeting": [m.meeting_id for m in reversed(held)],
        "Date": [_words(m.held_on) for m in reversed(held)],
        "Title": [m.title for m in reversed(held)],
        "Kind": [acc.KINDS[m.kind] for m in reversed(held)],
        "Reporting month": [f"{m.reporting_month:%B %Y}" if m.reporting_month else "" for m in reversed(held)],
        "Questions put": [sum(q.meeting.meeting_id == m.meeting_id for q in everything) for m in reversed(held)],
        "Of which withdrawn": [sum(q.meeting.meeting_id == m.meeting_id and q.withdrawal is not None
                                   for q in everything) for m in reversed(held)],
        "Actions open": [sum(a.meeting.meeting_id == m.meeting_id and not a.closed for a in agreed_all)
                         for m in reversed(held)],
        "Of which overdue": [sum(a.meeting.meeting_id == m.meeting_id and a.overdue(today) for a in agreed_all)
                            for m in reversed(held)],
    }), "meetings_table", "meetings.csv")
    for gone in [m for m in data.call(acc.meetings, cancelled=True) or [] if m.cancelled]:
        st.caption(ui.md_escape(gone.cancelled_sentence()))
coming = [m for m in held if m.held_on >= today]
if st.session_state.get("meeting_pick") not in by_id:
    st.session_state["meeting_pick"] = (coming[0] if coming else held[-1]).meeting_id
pick = st.selectbox("Meeting", [m.meeting_id for m in reversed(held)], format_func=lambda i: by_id[i].label,
                    key="meeting_pick", help="The next meeting on or after today is chosen first.")
meeting = by_id[pick]
month = meeting.reporting_month

st.header(meeting.label)
facts = [f"**Reporting month:** {month:%B %Y}" if month else
         "**Reporting month:** none (no month before it has accepted figures)"]
if meeting.district:
    facts.append(f"**District:** {ui.md_escape(meeting.district)}")
packs = data.call(archived, meeting.held_on) or []
if packs:
    facts.append("**Packs produced for its date:** " + "; ".join(
        f"pack {p.pack_id}, by {ui.md_escape(p.produced_by)} on {_words(p.produced_at)}" for p in packs))
else:
    facts.append("**Packs produced for its date:** none yet (the Briefing pack page produces one)")
st.markdown("  \n".join(facts))
for move in data.call(acc.moves, pick) or []:
    st.caption(ui.md_escape(move.sentence))

with st.expander("Move this meeting to another day", icon=":material/event_repeat:"):
    st.caption("When the meeting is put back or brought forward, or its date was entered wrongly. Its questions, the "
               "actions due by it, its reporting month and the answers given at it on its day go with it (to a day "
               "still to come, those answers keep their day, as papers put to it); the day it was on is kept, with "
               "the reason. A pack produced for the old day stays in the archive under that day.")
    with ui.form(f"move_form_{pick}"):
        c1, c2 = st.columns([1, 2])
        to_day = c1.date_input("New date", value=meeting.held_on, format="DD/MM/YYYY", key=f"move_day_{pick}",
                               min_value=dt.date(2000, 1, 1), max_value=today + dt.timedelta(days=3 * 366))
        why = c2.text_input("Why it moves", key=f"move_reason_{pick}", max_chars=500,
                            placeholder="The hall was not free on the 18th")
        if not may_record:
            st.caption(f"Moving a meeting needs the analyst's role or {said.holders} (analyst or pcc).")
        if st.form_submit_button("Move meeting", disabled=not may_record):
            ui.act(acc.move_meeting, user.claims, pick, to=to_day, reason=why,
                   done=lambda m: f"Moved to {m.label}. {m.answers_sentence}".rstrip(),
                   clear=(f"move_day_{pick}", f"move_reason_{pick}"))

with st.expander("Cancel this meeting", icon=":material/event_busy:"):
    st.caption("When the meeting is called off and will not be held. The questions put to it and the open actions "
               "due by it go to the later meeting chosen here (each action's move is kept in its history). A "
               "meeting at which an action was agreed, an answer given or a decision taken was held: move it if "
               "its date is wrong. The next pack's \"Since the last meeting\" goes back to the meeting before it.")
    with ui.form(f"cancel_form_{pick}"):
        after = [m.meeting_id for m in held if m.held_on > meeting.held_on]
        c1, c2 = st.columns([1, 2])
        carry = c1.selectbox("What was put to it goes to", [0, *after], key=f"cancel_carry_{pick}",
                             format_func=lambda i: by_id[i].label if i else "No meeting (nothing was put to it)")
        why = c2.text_input("Why it is cancelled", key=f"cancel_reason_{pick}", max_chars=500,
                            placeholder="The pre-election period")
        if not may_record:
            st.caption(f"Cancelling a meeting needs the analyst's role or {said.holders} (analyst or pcc).")
        if st.form_submit_button("Cancel meeting", disabled=not may_record):
            ui.act(acc.cancel_meeting, user.claims, pick, reason=why, carry_to=carry or None,
                   done=lambda m: f"Cancelled the {m.named}.", clear=(f"cancel_carry_{pick}", f"cancel_reason_{pick}"))

put_here = [q for q in everything if q.meeting.meeting_id == pick]


def _touched_here(q: acc.Question) -> bool:
    return (any(a.meeting_id == pick for a in q.answers) or any(d.meeting_id == pick for d in q.decisions))


carried = [q for q in everything if q.meeting.held_on < meeting.held_on and (not q.settled or _touched_here(q))]


def _evidence_inputs(prefix: str, disabled: bool) -> list[tuple[str, str]]:
    """The evidence considered: the kinds chosen, each with its own words."""
    kinds = st.multiselect("Evidence considered", list(acc.EVIDENCE_KINDS), format_func=acc.EVIDENCE_KINDS.get,
                           key=f"{prefix}_kinds", disabled=disabled)
    return [(k, st.text_area(acc.EVIDENCE_KINDS[k], key=f"{prefix}_ev_{k}", max_chars=5000, disabled=disabled,
                             height=80)) for k in kinds]


def _decision_form(prefix: str, **about) -> None:
    """An assurance decision on a question or a theme: the Commissioner's; shown disabled to everyone else."""
    ui.forget_saved()  # a decision just recorded leaves an empty form, not one a second press records again
    if not may_decide:
        st.caption(f"{office.cap(said.holder_short)} decides on assurance; this form is for the pcc role.")
    scale = st.selectbox("Decision", list(acc.DECISIONS), format_func=acc.DECISIONS.get, key=f"{prefix}_scale",
                         disabled=not may_decide)
    why = st.text_area("Rationale", key=f"{prefix}_why", max_chars=10_000, disabled=not may_decide, height=100)
    evidence = _evidence_inputs(prefix, not may_decide)
    follow = None
    if st.checkbox("Follow up by a date", key=f"{prefix}_follows", disabled=not may_decide):
        follow = st.date_input("Follow up by", value=meeting.held_on + dt.timedelta(days=91), format="DD/MM/YYYY",
                               key=f"{prefix}_follow")
    if st.button("Record decision", key=f"{prefix}_save", type="primary", disabled=not may_decide):
        ui.act(acc.decide, user.claims, meeting_id=pick, decision=scale, rationale=why, evidence=evidence,
               follow_up=follow, done=f"Decision recorded: {acc.DECISIONS[scale]}.",
               clear=(f"{prefix}_scale", f"{prefix}_why", f"{prefix}_kinds", f"{prefix}_follows", f"{prefix}_follow",
                      *(f"{prefix}_ev_{k}" for k in acc.EVIDENCE_KINDS)), **about)


def _decision_lines(decided: list[acc.Decision]) -> str:
    lines = []
    for d in decided:
        said = "; ".join(f"{acc.EVIDENCE_KINDS.get(e['kind'], e['kind'])}: {e['text']}" for e in d.evidence)
        line = (f"- **{d.words}**, by {ui.md_escape(d.decided_by)} on {_words(d.decided_at)} at the "
                f"{ui.md_escape(by_id[d.meeting_id].label)}: {ui.md_escape(d.rationale)}")
        if said:
            line += f"  \n  Evidence considered: {ui.md_escape(said)}"
        if d.follow_up:
            line += f"  \n  Follow up by {_words(d.follow_up)}"
        lines.append(line)
    return "\n".join(lines)


def _answer_lines(q: acc.Question) -> str:
    lines = []
    for a in q.answers:
        # only the answer in force can be overdue: one awaited that an answer (or a later date) followed is history
        said = a.words(meeting.held_on if a is q.answers[-1] else None)
        line = f"- {ui.md_escape(said)} (recorded by {ui.md_escape(a.recorded_by)})"
        if a.body:
            line += f"  \n  {ui.md_escape(a.body)}"
        if a.document_name:
            line += (f"  \n  Document: {ui.md_escape(a.document_name)} ({a.document_bytes:,} bytes, sha256 "
                     f"{a.document_sha256[:12]}…, kept in the file store)")
        lines.append(line)
    return "\n".join(lines)


def _document_button(a: acc.Answer) -> None:
    """The document attached to an answer, from the file store, checked against its hash before it is handed out."""
    try:
        body = filestore.get(data.db(), a.document_sha256)
    except PccDashError as exc:
        st.error(str(exc))
        return
    st.download_button(f"Download {a.document_name}", body, file_name=a.document_name,
                       mime="application/octet-stream", key=f"answer_document_{a.answer_id}",
                       icon=":material/download:", on_click="ignore")


# What the public record of an answer or decision holds, in the order the public pages give it.
PUBLIC_FIELDS = [("meeting_title", "Meeting"), ("meeting_date", "Held on"), ("question", "Question"),
                 ("asked_by", "Asked by"), ("answer", "Answer"), ("answered_by", "Answered by"),
                 ("answered_on", "Answered on"), ("theme", "Theme"), ("decision", "Decision"),
                 ("decided_by", "Decided by"), ("rationale", "Rationale"), ("evidence", "Evidence considered"),
                 ("decided_on", "Decided on"), ("given_meeting", "Given at"), ("withdrawn_on", "Withdrawn on"),
                 ("withdrawn_reason", "Why it was withdrawn")]


def _public_lines(record: dict) -> str:
    lines = []
    for key, label in PUBLIC_FIELDS:
        value = record.get(key)
        if key == "given_meeting" and value:
            label = "Decided at" if record.get("kind") == "decision" else label
            value = f"{value}, {long_date(record.get('given_meeting_date'))}"
        elif key == "evidence" and value:
            value = "; ".join(f"{e.get('kind', '')}: {e.get('text', '')}" for e in value)
        elif key.endswith(("_date", "_on")):
            value = long_date(value)
        if value:
            lines.append(f"- **{label}:** {ui.md_escape(value)}")
    return "\n".join(lines)


def _approval(kind: str, item_id: int, what: str) -> None:
    """For the Commissioner: what the public record of an answer or decision would say, and approving it for the
    next publication (with its text edited for the public, if need be)."""
    if not user.may("release"):
        return
    with st.expander(f"Approve {what} for publication", icon=":material/public:"):
        try:
            # the record names the office and its holder as force.yaml did then, else as it does now
            form = data.call(release_form_defaults, kind, item_id, quoted_hidden=False,
                             _also=reference_stamp("force.yaml"))
            quoted = data.quoted_hidden_warning(record_text(form.record), said_on(form.record))
        except PccDashError as exc:
            st.caption(str(exc))
            return
        if form.current is not None:
            st.caption(f"Approved for publication (approval {form.current}); approving again replaces it.")
        st.markdown("**What the public record would say**\n\n" + _public_lines(form.record))
        key = f"release_{kind}_{item_id}"
        # the text given in place of the recorded one is what is published: it is the one checked, beside the rest
        # of its record and by the days it was said on, as "pccdash release --text" and publishing read it
        typed = str(st.session_state.get(key, form.editable) or "")
        edit = typed if typed.strip() and typed.strip() != form.editable.strip() else None
        if edit is None:
            warning = " ".join(w for w in (form.warning, quoted) if w)
        else:
            warning = _edited_text_warning(form, edit)
        if warning:
            st.warning(("The text as edited: " if edit is not None else "") + warning, icon=":material/warning:")
        edited = st.text_area(form.editable_label, value=form.editable, key=key, max_chars=20_000, height=100)
        pressed = st.button("Approve for publication", key=f"{key}_save", type="primary")
        # an edited text's note is read before it is approved: pressed with the edit it was not yet shown for, the
        # note is said and a second press approves the text as it is
        seen = st.session_state.get(f"{key}_warned")
        if pressed and edit is not None and warning and seen != edit:
            st.warning("Not approved yet: read the note on the text as edited above, and change the text or press "
                       "Approve for publication again to approve it as it is.", icon=":material/warning:")
        elif pressed:
            ui.act(release, user.claims, kind, item_id,
                   public_text=edited if edited.strip() != form.editable.strip() else None,
                   done=f"Approved {what} for the next publication.")
        st.session_state[f"{key}_warned"] = edit if warning else None


def _edited_text_warning(form, text: str) -> str | None:
    """What to point out in a text given to publish in place of the recorded one (`text_warnings`): read as the
    public reads it, beside the rest of its record ("There were 3 in August." answering a question about Barnsley's
    CSE arrests is Barnsley's count of August), a month named alone by the days the record was said on."""
    published = {**form.record, EDITABLE[form.kind]: text}
    whole = record_text(published)
    return " ".join(w for w in (text_warnings(None, whole, quoted_hidden=False, who=who_text(published)),
                                data.quoted_hidden_warning(whole, said_on(published))) if w) or None


def _answer_forms(qid: int, *, awaited: bool) -> None:
    """Recording the force's answer to question `qid`, and (with `awaited`) that an answer is awaited by a day."""
    with ui.form(f"answer_form_{qid}"):
        body = st.text_area("The answer", key=f"answer_body_{qid}", max_chars=20_000)
        who = st.text_input("Who answered for the force", key=f"answer_by_{qid}", max_chars=200,
                            placeholder="e.g. ACC Jones")
        # a meeting to come: the answer is one received before it, on a day up to today
        on = st.date_input("Answered on", value=min(meeting.held_on, today), max_value=today,
                           format="DD/MM/YYYY", key=f"answer_on_{qid}")
        here = st.checkbox("Given at this meeting", value=meeting.held_on <= today, key=f"answer_here_{qid}")
        upload = ui.file_uploader("Attached document (optional)", key=f"answer_doc_{qid}")
        if st.form_submit_button("Record answer", type="primary", disabled=not may_record):
            document = (upload.name, upload.getvalue()) if upload is not None else None
            ui.act(acc.record_answer, user.claims, qid, body=body, answered_by=who, answered_on=on,
                   meeting_id=pick if here else None, document=document, db_path=data.db(),
                   done=f"Answer to question {qid} recorded.",
                   clear=(f"answer_body_{qid}", f"answer_by_{qid}", f"answer_on_{qid}", f"answer_here_{qid}",
                          f"answer_doc_{qid}"))
    if not awaited:
        return
    with ui.form(f"await_form_{qid}"):
        due = st.date_input("Or: an answer is awaited by", value=meeting.held_on + dt.timedelta(days=28),
                            format="DD/MM/YYYY", key=f"await_by_{qid}")
        note = st.text_input("Note (optional)", key=f"await_note_{qid}", max_chars=5000)
        if st.form_submit_button("Record answer awaited", disabled=not may_record):
            ui.act(acc.await_answer, user.claims, qid, awaited_by=due, note=note,
                   done=f"Answer to question {qid} awaited by {_words(due)}.",
                   clear=(f"await_by_{qid}", f"await_note_{qid}"))


def _question_block(q: acc.Question) -> None:
    qid = q.question_id
    with st.container(border=True, key=f"question_{qid}"):
        st.markdown(f"**Question {qid}.** {ui.md_escape(q.body)}")
        about = ""
        if q.measure:
            about = f"; about {cat.get(q.measure).short_name}, {ui.md_escape(q.area)}, {q.period:%B %Y}"
        first = "" if q.meeting.meeting_id == pick else f"; first put at the {ui.md_escape(q.meeting.label)}"
        if first and any(a.meeting_id == pick for a in q.answers):
            first += "; answered at this meeting"
        st.caption(f"{ui.md_escape(q.asked_words)}{about}{first}")
        if q.figures:
            # as they were when it was put, a figure revised since with what it is now
            st.markdown(f"**Figures when asked:** {ui.md_escape(acc.question_figures(q, data.analytics()))}")
        st.markdown(f"**Where it stands:** {ui.md_escape(q.where(as_of=today))}")
        if q.answers:
            st.markdown("**The force's answers**\n\n" + _answer_lines(q))
            for a in (a for a in q.answers if a.document_sha256):
                _document_button(a)
        if q.decisions:
            st.markdown("**Assurance decisions**\n\n" + _decision_lines(q.decisions))
        gone = q.withdrawal  # taken off on its day: what came by then may still be recorded, nothing after it
        with st.expander("Record the force's answer", icon=":material/reply:"):
            if gone is not None and gone.on_day < q.meeting.held_on:
                st.caption(f"Withdrawn on {_words(gone.on_day)}, before the meeting it was put to: it was not "
                           "asked, so no answer is recorded on it. If the Board takes the matter up again, put it "
                           "as a new question at the meeting it is taken up at.")
            else:
                if gone is not None:
                    st.caption(f"Withdrawn on {_words(gone.on_day)}: an answer the force gave by that day can still "
                               "be recorded; a withdrawn question is not taken further at the Board, so an answer "
                               "given after it is not, and none is awaited. If the Board takes the matter up again, "
                               "put it as a new question at the meeting it is taken up at.")
                _answer_forms(qid, awaited=gone is None)
        with st.expander("Assurance decision", icon=":material/gavel:"):
            if gone is not None and gone.on_day < meeting.held_on:
                st.caption(f"Withdrawn on {_words(gone.on_day)}, before this meeting: no decision on it is taken "
                           "here. If the Board takes the matter up again, put it as a new question at this meeting "
                           "and decide on that.")
            else:
                _decision_form(f"decision_{qid}", question_id=qid)
        if q.withdrawal is None:  # put by mistake, overtaken, or answered another way: no longer carried as open
            with st.expander("Withdraw the question", icon=":material/block:"):
                with ui.form(f"withdraw_form_{qid}"):
                    why = st.text_input("Why it is withdrawn", key=f"withdraw_reason_{qid}", max_chars=500,
                                        placeholder="Answered by the force's report to the July Board")
                    # the day it was taken off, up to today: from the day it stood to be asked (recorded ahead of its
                    # meeting, or its own days when typed in after it), and after what is recorded on it
                    day = st.date_input("Withdrawn on", value=today, format="DD/MM/YYYY",
                                        min_value=dt.date(2000, 1, 1), max_value=today, key=f"withdraw_on_{qid}")
                    if not may_record:
                        st.caption(f"Withdrawing a question needs the analyst's role or {said.holders} (analyst or "
                                   "pcc).")
                    if st.form_submit_button("Withdraw question", disabled=not may_record):
                        ui.act(acc.withdraw_question, user.claims, qid, reason=why, on=day,
                               done=f"Question {qid} withdrawn: later meetings no longer carry it as open.",
                               clear=(f"withdraw_reason_{qid}", f"withdraw_on_{qid}"))
        for a in q.answers:
            if a.state == "answered":
                _approval("answer", a.answer_id, f"the answer of {_words(a.answered_on)}")
        for d in q.decisions:
            _approval("decision", d.decision_id, f"the decision of {_words(d.decided_at)} ({d.words})")
        if q.withdrawal is not None:  # the public reads it withdrawn once approved, if it reads the question at all
            _approval("withdrawal", qid, "its withdrawal")


st.subheader("Questions put at this meeting")
if put_here:
    for q in put_here:
        _question_block(q)
else:
    st.info("No question has been put at this meeting yet. Put the drafted questions, or the office's own, below.")
if carried:
    st.subheader("Questions carried forward from earlier meetings")
    st.caption("Not yet settled (answered, and decided on as assured or partly assured), or answered or decided at "
               "this meeting.")
    for q in carried:
        _question_block(q)


def _put_questions(con, who, meeting_id: int, items: list[dict]) -> int:
    """Put each question in turn; a question already put at the meeting (the same words) is not put again."""
    already = {q.body for q in acc.questions(con, meeting_id)}
    count = 0
    with audit.transaction(con):  # all of them, or (on any refusal) none
        for item in items:
            if item["body"] not in already:
                acc.ask(con, who, meeting_id, item.pop("body"), **item)
                count += 1
    return count


st.subheader("Put questions")
analytics = data.analytics()
statuses = analytics.status(month) if analytics is not None and month is not None else []
put_texts = {q.body for q in put_here}
drafted = {d.text: d for d in draft_questions(statuses, limit=len(statuses))}
saved = data.call(saved_questions, month) if month is not None else None
# the questions as the office saved them for the pack (Briefing pack page), else as drafted from the figures (as the
# pack drafts them: a question answered and decided at an earlier meeting, its figures not moved since, is not)
texts = (saved.questions if saved else
         data.with_analytics(question_record, meeting.held_on, month=month)[0] if statuses else [])
drafts = [t for t in texts if t not in put_texts]
if drafts:
    heading = (f"The pack's questions for {month:%B %Y}, as saved by {saved.written_by}" if saved
               else f"Drafted from the figures for {month:%B %Y}")
    st.markdown(f"**{ui.md_escape(heading)}**\n\n" + "\n".join(f"- {ui.md_escape(t)}" for t in drafts))

    def item(text: str) -> dict:
        # a question drafted from the figures, as drafted or edited, keeps its measure, area and figures; one the
        # office wrote has none
        d = drafted.get(text)
        about = (d.measure_id, d.areas[0]) if d is not None else None
        made = saved.made_from(text) if saved and about is None else None
        if made is not None:
            about = (made.measure, made.area)
        if about is None:
            return {"body": text, "source": "office"}
        return {"body": text, "source": "drafted", "measure": about[0], "area": about[1], "period": month,
                "figures": acc.figures_for(analytics, *about, month)}

    if st.button(f"Put these questions ({len(drafts)})", key="put_drafted", type="primary", disabled=not may_record):
        ui.act(_put_questions, user.claims, pick, [item(t) for t in drafts],
               done=lambda n: f"{counted(n, 'question')} put.")
elif statuses:
    st.caption(f"Every question of the pack for {month:%B %Y}, as saved, has been put." if saved else
               f"Every question drafted from the figures for {month:%B %Y} has been put, or none was drafted.")
if saved and saved.left_out:  # weighed and not put: the record says so, as the next pack does
    st.caption(f"Drafted from the figures and left out of the pack's questions as {ui.md_escape(saved.written_by)} "
               f"saved them on {uk_words(saved.written_at, 'words')}: "
               + "; ".join(f"{cat.get(d.measure).short_name}, {ui.md_escape(d.area)}" for d in saved.left_out) + ".")
with ui.form("office_question_form"):
    text = st.text_area("The office's own question", key="office_question", max_chars=2000)
    c1, c2 = st.columns(2)
    measure = c1.selectbox("About a measure (optional)", ["", *cat.ids()], key="office_measure",
                           format_func=lambda m: cat.get(m).short_name if m else "No measure")
    area = c2.selectbox("Area", [f.force_short_name, *f.districts], key="office_area")
    if st.form_submit_button("Put question", disabled=not may_record):
        item = {"body": text, "source": "office"}
        if measure:
            if month is None:
                st.error("This meeting has no reporting month, so a question cannot keep figures; put it without a "
                         "measure.")
                st.stop()
            item.update(measure=measure, area=area, period=month,
                        figures=acc.figures_for(analytics, measure, area, month))
        ui.act(_put_questions, user.claims, pick, [item],
               done=lambda n: "Question put." if n else "That question was already put at this meeting.",
               clear=("office_question", "office_measure", "office_area"))

st.subheader("Decisions on a theme")
themes = [d for d in (data.call(acc.decisions, pick) or []) if d.question_id is None]
if themes:
    st.markdown("\n".join(
        _decision_lines([d]).replace("- **", f"- {ui.md_escape(d.theme)}: **", 1) for d in themes))
for d in themes:
    _approval("decision", d.decision_id,
              f"the decision on {ui.md_escape(d.theme)} of {_words(d.decided_at)} ({d.words})")
with st.expander("Record a decision on a theme", icon=":material/gavel:"):
    # a theme's decision was read as settling the questions under it: they stay open until decided on themselves
    st.caption(f"A decision on a theme is {said.holders} view of the theme as a whole and settles no question: "
               "a question is settled by a decision on it, recorded with the question above.")
    st.text_input("Theme", value=meeting.title if meeting.kind == "themed" else "", key="theme_name", max_chars=200,
                  disabled=not may_decide, placeholder="e.g. Protecting Vulnerable People")
    _decision_form("decision_theme", theme=st.session_state.get("theme_name", ""))

st.subheader("Actions arising")
agreed = [a for a in agreed_all if a.meeting.meeting_id == pick]
if agreed:
    st.markdown("\n".join(
        f"- **Action {a.action_id}.** {ui.md_escape(a.body)} ({ui.md_escape(a.owner_in_brackets)}"
        + (f"; on question {a.question_id}" if a.question_id else "") + f"): {ui.md_escape(a.where(today))}"
        for a in agreed))
    st.caption("Move an action on, hand it to a new owner or close it on the Actions page.")
else:
    st.caption("No action agreed at this meeting yet.")
later = [m.meeting_id for m in held if m.held_on > meeting.held_on]
# one withdrawn before this meeting is not taken further at it: no action is agreed on it here
asked_ids = [q.question_id for q in put_here + carried if not q.withdrawn_before(meeting.held_on)]
with ui.form("action_form"):
    body = st.text_area("Action", key="action_body", max_chars=2000)
    owner = st.text_input("Owner", key="action_owner", max_chars=200, placeholder="e.g. ACC Jones")
    c1, c2 = st.columns(2)
    due_meeting = c1.selectbox("Due by", [*later, 0], key="action_due_meeting",  # 0: by the date beside it
                               format_func=lambda i: by_id[i].label if i else "The date beside")
    due_on = c2.date_input("Due date (when due by a date)", value=meeting.held_on + dt.timedelta(days=28),
                           format="DD/MM/YYYY", key="action_due_on")
    question = st.selectbox("On a question (optional)", [0, *asked_ids], key="action_question",
                            format_func=lambda i: f"Question {i}" if i else "No question in particular")
    if st.form_submit_button("Add action", disabled=not may_record):
        ui.act(acc.add_action, user.claims, meeting_id=pick, body=body, owner=owner,
               due_meeting_id=due_meeting or None, due_on=None if due_meeting else due_on, question_id=question or None,
               done=lambda n: f"Action {n} added.",
               clear=("action_body", "action_owner", "action_due_meeting", "action_due_on", "action_question"))
