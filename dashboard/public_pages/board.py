"""Questions and decisions (public): the questions put to the force at the Public Accountability Board, its
answers, the Commissioner's assurance decisions and the recommendations' progress, as the Commissioner approved
them for publication."""

import datetime as dt

import streamlit as st

from dashboard import public_data, public_view
from pipelines.exports import csv_bytes

meta = public_data.meta()
office = meta.get("office", "the office of the Police and Crime Commissioner")
st.info(meta.get("banner", public_view.DEFAULT_BANNER), icon=":material/info:")
st.title("Questions and decisions")
st.markdown(f"""
The Commissioner holds the Chief Constable to account for the force's work against child sexual exploitation.
Each month the **Public Accountability Board** meets in public: the Commissioner puts questions to the force
about its figures and its work, and the force answers, at the meeting or in writing afterwards. The questions
come from the Commissioner's office, often drafted from the published figures, and from members of the public,
who can send one in on "Ask the Board a question"; the office reads each one before it is put.

After hearing the answer the Commissioner records an **assurance decision**, saying how far the answer and the
evidence show that the force is making real progress, and not only words on a page:

- **Assured**: the evidence shows the work is done, or on track, and working.
- **Partly assured**: some of the evidence shows progress, but not all of it; the Commissioner will look again.
- **Not assured**: the evidence does not show progress; the force is asked to do more and to come back.
- **Awaiting evidence**: the Commissioner cannot decide yet, because the evidence asked for has not arrived.

Below are the meetings, newest first, with the questions, the force's answers and the decisions that
{office} has approved for publication, then the progress of the recommendations made to the force and its
partners by the reports that govern this work.
""")

items = public_data.board_items()
if items.empty:
    st.write("Nothing from the Public Accountability Board has been published yet. Questions, answers and "
             "decisions appear here once the Commissioner has approved them for publication.")
    st.stop()


def inert(text: str) -> str:
    """Typed text shown as itself: no link, markup or heading from it, its line breaks kept."""
    return "  \n".join(public_view.plain(line).replace("=", "\\=") for line in str(text).split("\n"))


def day(iso: str) -> str:
    if not iso:
        return ""
    when = dt.date.fromisoformat(iso[:10])
    return f"{when.day} {when:%B %Y}"


def ref_order(value: str) -> tuple:
    return (0, int(value)) if value.isdigit() else (1, value)


st.header("Meetings")
loop = items[items["meeting_title"] != ""]
for (held, title), meeting in sorted(loop.groupby(["meeting_date", "meeting_title"]), key=lambda g: g[0],
                                     reverse=True):
    st.subheader(f"{inert(title)}, {day(held)}")
    asked = meeting[meeting["question_ref"] != ""]
    for ref in sorted(asked["question_ref"].unique(), key=ref_order):
        rows = asked[asked["question_ref"] == ref]
        first = rows.iloc[0]
        asker = str(first["asked_by"])
        asker = asker[:1].lower() + asker[1:] if asker.startswith(("The ", "A ")) else asker  # within a sentence
        st.markdown(f"**Question** (asked by {inert(asker)}):  \n{inert(first['question'])}")
        for a in rows[rows["kind"] == "answer"].sort_values("answered_on").itertuples():
            st.markdown(f"**The force's answer**, given by {inert(a.answered_by)} on {day(a.answered_on)}:  \n"
                        f"{inert(a.answer)}")
        for d in rows[rows["kind"] == "decision"].sort_values("decided_on").itertuples():
            evidence = public_data.evidence_list(d.evidence)
            st.markdown(f"**The Commissioner's decision, {day(d.decided_on)}: {inert(d.decision)}**  \n"
                        f"{inert(d.rationale)}"
                        + ("\n\nEvidence considered:\n\n" + "\n".join(
                            f"- {inert(e['kind'])}: {inert(e['text'])}" for e in evidence) if evidence else ""))
    for d in meeting[(meeting["kind"] == "decision") & (meeting["question_ref"] == "")].itertuples():
        evidence = public_data.evidence_list(d.evidence)
        st.markdown(f"**The Commissioner's decision on {inert(d.theme)}, {day(d.decided_on)}: "
                    f"{inert(d.decision)}**  \n{inert(d.rationale)}"
                    + ("\n\nEvidence considered:\n\n" + "\n".join(
                        f"- {inert(e['kind'])}: {inert(e['text'])}" for e in evidence) if evidence else ""))
if loop.empty:
    st.write("No question, answer or decision from a meeting has been published yet.")

st.header("Recommendations")
recs = items[items["kind"] == "recommendation"]
if recs.empty:
    st.write("No recommendation's progress has been published yet.")
for _, history in sorted(recs.groupby("recommendation_ref"), key=lambda g: (g[1].iloc[0]["source"],
                                                                           ref_order(g[1].iloc[0]["number"]))):
    history = history.sort_values("judged_on", ascending=False, kind="stable")
    now = history.iloc[0]
    st.markdown(f"**{inert(now['source'])}, recommendation {inert(now['number'])}**: {inert(now['recommendation'])}"
                f"  \nStatus: **{inert(now['status'])}** (judged on {day(now['judged_on'])}).  \n"
                f"{inert(now['status_evidence'])}")
    if len(history) > 1:
        st.markdown("Earlier:\n\n" + "\n".join(f"- {inert(h.status)}, {day(h.judged_on)}: {inert(h.status_evidence)}"
                                               for h in history.iloc[1:].itertuples()))

st.header("Download")
table = public_data.board_download()
st.write(f"Every published question, answer, decision and recommendation's status ({len(table):,} rows), as CSV.")
st.download_button("Download CSV", csv_bytes(table), file_name="questions-and-decisions.csv", mime="text/csv",
                   key="board_download_csv", icon=":material/download:")
