"""The briefing pack: the meeting's questions, editable, and the pack itself as PDF and self-contained HTML."""

import streamlit as st

from dashboard import auth, data, ui
from pipelines.briefing import save_text
from pipelines.briefing.notes import latest_texts, questions_list
from pipelines.briefing.pack import assemble, drafted_questions, pack_notices, pack_stem
from pipelines.flags import caveats

user = auth.signed_in()
st.title("Briefing pack")
period = ui.reporting_period_or_stop("pack_meeting")
meeting = period.meeting

analytics = data.analytics()
statuses = analytics.status(period.month)
notices = pack_notices(analytics, period, data.months())
for text in notices:
    st.info(text, icon=":material/info:")
texts = data.call(latest_texts, period.month)
saved = texts.get(("questions", None))
st.subheader("Questions for the Chief Constable")
if saved:
    st.caption(f"Last saved by {saved[1]} on {saved[2]:%d %B %Y at %H:%M} (UTC). One question per line.")
    start = saved[0]
else:
    st.caption("Drafted from the plan's signals: edit, add or delete, one question per line, then save.")
    start = "\n".join(drafted_questions(statuses))
draft = st.text_area("Questions", value=start, height=260, key=f"questions_{period.month}",
                     disabled=not user.may("comment"))
if st.button("Save questions", key="save_questions", type="primary", disabled=not user.may("comment")):
    ui.act(save_text, user.claims, period=period.month, kind="questions", body=draft,
           done=f"Questions saved by {user.email}.")
st.caption(f"{len(questions_list(draft))} question(s).")

st.subheader("The pack")
st.write("One file with every plan measure's figures, chart, sentence, caveats and commentary, and the questions "
         "as saved. It is marked OFFICIAL-SENSITIVE: small counts are not suppressed in it.")
if st.button("Prepare the pack", key="prepare_pack", icon=":material/description:"):
    from pipelines.briefing.render import render_html, render_pdf  # heavy: only when a pack is made

    with st.spinner("Drawing the charts and laying out the pack..."):
        cav = data.call(caveats, start=period.month_key, end=period.month_key)
        pack = assemble(period, statuses, cav, texts, user.email, notices=notices)
        st.session_state["pack_files"] = (meeting, render_pdf(pack), render_html(pack).encode("utf-8"))
files = st.session_state.get("pack_files")
if files and files[0] == meeting:
    stem = pack_stem(meeting)
    c1, c2 = st.columns(2)
    c1.download_button("Download PDF", files[1], file_name=f"{stem}.pdf", mime="application/pdf",
                       key="download_pdf", icon=":material/download:")
    c2.download_button("Download HTML", files[2], file_name=f"{stem}.html", mime="text/html",
                       key="download_html", icon=":material/download:")
