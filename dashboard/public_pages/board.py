"""Questions and decisions (public): the questions put to the force at the Public Accountability Board, its
answers, the Commissioner's assurance decisions and the recommendations' progress, as the Commissioner approved
them for publication (`pipelines.publish.pages.board_page` decides every word), with the record as CSV."""

import streamlit as st

from dashboard import public_data, public_render, public_view
from pipelines.catalogue import counted
from pipelines.publish.content import Link

page = public_data.page("pipelines.publish.pages.board_page", True)  # with a link to the Ask page
public_view.show(page)
links = {b.href for b in page.blocks if hasattr(b, "href")}
table = public_data.board_download()
if not table.empty and "questions-and-decisions.csv" not in links:
    st.header("Download", anchor=False)
    rows = counted(len(table), "row")
    st.write(f"Every published question, answer, decision and recommendation's status ({rows}), as CSV.")
    public_render.link(Link("Download CSV", "questions-and-decisions.csv"), key="board_download_csv")
