"""The briefing pack: the meeting's questions, editable; the pack itself as PDF, Word and self-contained HTML;
and every pack produced, kept, to download again unchanged."""

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines import audit
from pipelines.briefing import archive, save_text
from pipelines.briefing.notes import latest_texts, questions_list
from pipelines.briefing.pack import (
    cancelled_notices,
    meeting_note,
    pack_notices,
    question_drafts,
    question_record,
)
from pipelines.catalogue import counted
from pipelines.errors import PccDashError
from pipelines.uk_time import uk_words

user = auth.signed_in()
st.title("Briefing pack")
period = ui.reporting_period_or_stop("pack_meeting")
meeting = period.meeting

analytics = data.analytics()
statuses = analytics.status(period.month)
notices = pack_notices(analytics, period, data.months())
for_meeting = data.call(meeting_note, meeting)  # a district's quarterly report or a themed session that day
if for_meeting:
    notices = [for_meeting, *notices]
for text in data.call(cancelled_notices, meeting) or []:  # as the pack for that day says first
    st.warning(text, icon=":material/event_busy:")
past = data.call(archive.past_meeting_note, meeting, on_page=True)  # held already: the pack it had is kept below
if past:
    st.warning(past, icon=":material/history:")
for text in notices:
    st.info(text, icon=":material/info:")
texts = data.call(latest_texts, period.month)
saved = texts.get(("questions", None))
# weighed against the questions put at earlier meetings: the pack says which were asked before, and where they stand
drafted, asked_notes = data.with_analytics(question_record, meeting, month=period.month)
st.header("Questions for the Chief Constable")
if saved:
    st.caption(f"Last saved by {saved[1]} on {uk_words(saved[2], 'words')}. One question per line.")
    start = saved[0]
elif drafted:
    st.caption("Drafted from the plan's signals: edit, add or delete, one question per line, then save.")
    start = "\n".join(drafted)
else:
    st.caption(f"Nothing in the figures for {period.month_text} drafts a question: write the office's own, one per "
               "line, then save.")
    start = ""
draft = st.text_area("Questions", value=start, height=260, key=f"questions_{period.month}",
                     disabled=not user.may("comment"))
if st.button("Save questions", key="save_questions", type="primary", disabled=not user.may("comment")):
    # kept with the drafts offered: a question edited from one stays about its measure and area
    ui.act(save_text, user.claims, period=period.month, kind="questions", body=draft,
           drafts=data.with_analytics(question_drafts, meeting, month=period.month),
           done=f"Questions saved by {ui.md_escape(user.email)}.")
asking = len(questions_list(draft))
st.caption("No question yet." if not asking else f"{counted(asking, 'question')}.")
asked_before = [(q, asked_notes[q]) for q in questions_list(draft) if q in asked_notes]
if asked_before:
    st.info("**Asked before, or left out before.** The pack says this after each of these questions:\n\n"
            + "\n".join(f"- {ui.md_escape(q[:120])}{'…' if len(q) > 120 else ''}: {ui.md_escape(n)}"
                         for q, n in asked_before), icon=":material/history:")

st.header("The pack")
st.write("One document with the summary table, every plan measure's figures, chart, sentence, caveats and "
         "commentary, and the questions as saved, as PDF, Word and self-contained HTML. It is marked "
         "OFFICIAL-SENSITIVE: small counts are not suppressed in it. Each pack prepared is kept, with who prepared "
         "it and the figures it came from, and can be downloaded again unchanged.")


def prepared(made) -> str:
    st.session_state["archived_pack"] = made.pack_id  # the new pack is the one offered for download
    return f"Pack {made.pack_id} prepared and kept in the archive."


if st.button("Prepare the pack", key="prepare_pack", icon=":material/description:"):
    try:
        with st.spinner("Drawing the charts and laying out the pack (PDF, Word and HTML)..."):
            drawn = data.read(archive.draw, meeting, audit.app_actor(user.claims))
    except PccDashError as exc:
        st.error(str(exc))
    else:
        ui.act(archive.keep, str(data.db()), drawn, done=prepared)

st.header("Packs produced for this meeting")
kept = data.call(archive.archived) or []
mine = {p.pack_id for p in data.call(archive.archived, meeting) or []}  # with those made before it moved to this day
these = [p for p in kept if p.pack_id in mine]
others = [p for p in kept if p.pack_id not in mine]
# which pack a meeting held had, those made after it, those for a meeting called off: said in words, as the command
which = data.call(archive.pack_notes) or {}


def packs_table(productions: list, key: str) -> None:
    """The packs produced, each's meeting and time in words as the page's sentences write them, sorted as days and
    times: the grid holds the meeting's date and words it, where a column of words sorted "1 April 2028" before
    "16 March 2028"."""
    shown = archive.readable(productions, which)
    shown = shown.assign(Meeting=pd.Series([p.meeting for p in productions], dtype=object))
    ui.table(shown.assign(Produced=ui.uk_times([p.produced_at for p in productions])), key,
             column_config={"Meeting": ui.day_column(), "Produced": ui.time_column()})


if these:
    packs_table(these, "packs_this_meeting")
else:
    st.caption("None yet: press Prepare the pack.")
if others:
    with st.expander(f"Packs produced for other meetings ({len(others)})"):
        packs_table(others, "packs_other_meetings")
if not kept:
    st.stop()

by_id = {p.pack_id: p for p in [*these, *others]}
if st.session_state.get("archived_pack") not in by_id:
    st.session_state.pop("archived_pack", None)
chosen = by_id[st.selectbox("Pack to download", list(by_id), format_func=lambda i: archive.label(by_id[i]),
                            key="archived_pack")]
st.caption(chosen.data_version)
columns = st.columns(len(archive.FORMATS))
for column, fmt in zip(columns, archive.FORMATS, strict=True):
    stored = chosen.files.get(fmt)
    if stored is None:
        continue
    try:
        body = archive.contents(data.db(), chosen, fmt)
    except PccDashError as exc:
        column.error(str(exc))
        continue
    column.download_button(f"Download {archive.FORMAT_NAMES[fmt]}", body, file_name=stored.file_name,
                           mime=archive.MIME[fmt], key=f"download_{fmt}", icon=":material/download:",
                           on_click="ignore")
