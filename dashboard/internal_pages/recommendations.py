"""Recommendations: the register of the reports' recommendations, their status history, and those flagged."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines import office, settings
from pipelines.accountability import register
from pipelines.accountability.release import (
    EDITABLE,
    hidden_number_warnings,
    long_date,
    record_text,
    release,
    release_form_defaults,
    said_on,
    text_warnings,
    whole_numbers,
)
from pipelines.catalogue import reference_file
from pipelines.errors import PccDashError
from pipelines.publish.snapshot import figures_a_text_may_not_quote

user = auth.signed_in()
today = settings.today()
st.title("Recommendations")
st.write("The recommendations of the reports that govern this work (the Jay inquiry, the Casey inspection, HMIC's "
         "inspections of the force and the 2025 national audit) are held in the register, each with who owns it "
         "and the plan measures whose figures evidence its progress. Its status (not started, in progress, "
         "implemented, evidenced, closed) is judged here with the evidence for it, and kept with the force's "
         "figures for its measures at the time. One marked implemented or evidenced whose measure shows special "
         f"cause of concern is flagged for {office.configured().holder_short}, who approves a status for "
         "publication here (\"pccdash release recommendation N\" takes its number). The titles are the office's "
         "summaries, not the "
         f'reports\' words; the register itself is "{ui.md_escape(str(reference_file(register.FILE)))}".')
data.no_warehouse_guard()
try:
    reg = register.load_register()
except PccDashError as exc:
    st.error(str(exc))
    st.stop()

# a recommendation judged but taken out of the file: its history is not on this page (read again as the file changes)
lost = register.unregistered_words(data.call(register.unregistered, _also=tuple(r.id for r in reg.recommendations))
                                   or [])
if lost:
    st.warning(lost, icon=":material/warning:")
analytics = data.analytics()
months = data.months()
month = st.selectbox("The force's figures of", months[::-1], format_func=ui.month_words, key="rec_month",
                     help="The month whose figures judge each recommendation's measures: the latest by default.") \
    if months else None
flags = data.with_analytics(register.flagged, month=month) if analytics is not None else []
for flag in flags or []:
    st.warning(flag.sentence, icon=":material/flag:")
if month is None:
    st.info(data.no_figures())

# a status judged after the one the public reads: the public page is behind until it is approved and published
lag = data.call(register.public_lag_words, _also=tuple(r.id for r in reg.recommendations)) or {}
if lag:
    st.info("\n".join(f"- **{ui.md_escape(rid)}**: {ui.md_escape(words)}." for rid, words in lag.items()),
            icon=":material/public:")
rows = data.with_analytics(register.register_rows, month=month, today=today)  # kept for today: overdue tomorrow
st.header(f"The register ({len(reg.recommendations)})")
if month:
    st.caption(f"Measures now: the force's figures for {ui.month_words(month)}.")
ui.table(pd.DataFrame(rows), "recommendations_table", "recommendations.csv")

st.header("One recommendation")
labels = {r.id: r.label for r in reg.recommendations}
chosen = st.selectbox("Recommendation", list(labels), format_func=labels.get, key="rec_chosen")
rec = reg.get(chosen)
st.markdown(f"**{ui.md_escape(rec.source.title)}** ({ui.md_escape(rec.source.author)}, published "
            f"{ui.md_escape(rec.source.published_words)}). Owner: {ui.md_escape(rec.owner)}.")
answers = data.call(register.answer_labels) or {}
decided = data.call(register.decision_labels) or {}
entries = data.call(register.history, rec.id) or []
if rec.id in lag:
    st.info(f"{ui.md_escape(lag[rec.id])}.", icon=":material/public:")
if not entries:
    st.info(f"No status has been recorded for {rec.id} yet; the register has it as "
            f"{register.STATUSES[rec.status].lower()}.")

def _approval(status_id: int) -> None:
    """For the Commissioner: what the public record of a status would say, and approving it for the next publication
    (with its evidence in words for the public, if need be), as "pccdash release recommendation N" does."""
    if not user.may("release"):
        return
    with st.expander(f"Approve status {status_id} for publication", icon=":material/public:"):
        try:
            form = data.call(release_form_defaults, "recommendation", status_id, quoted_hidden=False,
                             _also=tuple(r.id for r in reg.recommendations))
        except PccDashError as exc:
            st.caption(str(exc))
            return
        if form.current is not None:
            st.caption(f"Approved for publication (approval {form.current}); approving again replaces it.")
        r = form.record
        number = f", recommendation {r['number']}" if r.get("number") else ""
        st.markdown("**What the public record would say**\n\n"
                    + "\n".join(f"- **{label}:** {ui.md_escape(value)}" for label, value in (
                        ("Report", f"{r.get('source', '')}{number}"), ("Recommendation", r.get("recommendation")),
                        ("Status", r.get("status")), ("Judged on", long_date(r.get("judged_on"))),
                        ("Evidence", r.get("status_evidence"))) if value))
        key = f"release_recommendation_{status_id}"
        typed = str(st.session_state.get(key, form.editable) or "")
        edit = typed if typed.strip() and typed.strip() != form.editable.strip() else None
        record = {**r, EDITABLE["recommendation"]: edit} if edit is not None else r
        whole = record_text(record)
        hidden, small = data.call(figures_a_text_may_not_quote) if whole_numbers(whole) else (None, None)
        warning = " ".join(w for w in (text_warnings(None, whole, quoted_hidden=False), hidden is not None and
                                       hidden_number_warnings(None, whole, hidden, said_on(record), small)) if w)
        if warning:
            st.warning(("The text as edited: " if edit is not None else "") + warning, icon=":material/warning:")
        edited = st.text_area(form.editable_label, value=form.editable, key=key, max_chars=20_000, height=100)
        if st.button("Approve for publication", key=f"{key}_save", type="primary"):
            ui.act(release, user.claims, "recommendation", status_id,
                   public_text=edited if edited.strip() != form.editable.strip() else None,
                   done=f"Approved status {status_id} of {rec.id} for the next publication.")


for e in entries:
    linked = [answers.get(a, f"answer {a}") for a in e.answer_ids] + [decided.get(d, f"decision {d}")
                                                                        for d in e.decision_ids]
    with st.container(border=True):
        st.markdown(f"**{ui.md_escape(e.words)}** (status {e.status_id}), judged on {ui.md_escape(e.when)} by "
                    f"{ui.md_escape(e.judged_by)}")
        st.text(e.evidence)
        if linked:
            st.markdown("Relied on: " + "; ".join(ui.md_escape(x) for x in linked))
        if e.measures:
            st.markdown("The figures then: " + ui.md_escape(register.measures_line(e.measures)))
        _approval(e.status_id)

due_now = (data.call(register.due_dates) or {}).get(rec.id)
st.header("Due by")
st.caption(f"The day {rec.id} is due to be implemented by (a report's timescale, or one the Board agreed): "
           + (f"now {register.due_words(due_now, register.status_of(rec, data.call(register.current) or {}), today)}."
              if due_now else "none given yet.")
           + " It is listed as overdue, here and in the pack, once that day has passed while it is not yet implemented "
             "or closed.")
with ui.form("rec_due_form"):
    # the range holds the day given now, which the command line may have given beyond it
    earliest, latest = rec.source.published_from, today + dt.timedelta(days=20 * 366)
    # a box of its own for each recommendation: one shared kept the day of the one shown first, to be saved for another
    due_day = st.date_input("Due by", value=due_now, format="DD/MM/YYYY", key=f"rec_due_{rec.id}",
                            min_value=min(earliest, due_now or earliest), max_value=max(latest, due_now or latest))
    if st.form_submit_button("Save the due date", disabled=not user.may("record")):
        ui.act(register.set_due, user.claims, rec.id, due_on=due_day,
               done=lambda day: f"{rec.id} is due by {long_date(day.isoformat())}.", clear=(f"rec_due_{rec.id}",))

st.header("Record a status")
with ui.form("rec_status_form"):
    status = st.selectbox("Status", list(register.STATUSES), format_func=register.STATUSES.get, key="rec_status")
    evidence = st.text_area("Evidence", key="rec_evidence", max_chars=register.EVIDENCE_LIMIT,
                            help="What shows the recommendation stands where you judge it: what was done, seen or "
                                 "reported, and by whom.")
    answer_ids = st.multiselect("The force's answers relied on", list(answers), format_func=answers.get,
                                key="rec_answers")
    decision_ids = st.multiselect("Assurance decisions relied on", list(decided), format_func=decided.get,
                                  key="rec_decisions")
    if st.form_submit_button("Record status", type="primary", disabled=not user.may("record")):
        ui.act(register.record_status, user.claims, rec.id, status=status, evidence=evidence,
               answer_ids=answer_ids, decision_ids=decision_ids, analytics=analytics,
               done=f"{rec.id} recorded as {register.STATUSES[status].lower()}.",
               clear=("rec_status", "rec_evidence", "rec_answers", "rec_decisions"))
