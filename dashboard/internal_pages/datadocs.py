"""Data Docs: Great Expectations' own report of the latest loads, built beside the warehouse and shown here,
for analysts who know that tool (the Validation runs page says the same in the office's words)."""

import streamlit as st

from dashboard import auth, data, ui
from pipelines.contracts import datadocs
from pipelines.contracts.runs import when
from pipelines.errors import PccDashError

user = auth.signed_in()
st.title("Data Docs")
data.no_warehouse_guard()
st.caption("Great Expectations' Data Docs: the contract's rules run again by Great Expectations, as a second, "
           "independent engine, over the latest files loaded (an accepted file's figures, a refused file's "
           "quarantined rows). Each row rule's verdict is checked against the one the Validation runs page shows; "
           "the rules that need the warehouse's history are DuckDB queries, shown on that page only.")
site = datadocs.folder(data.db())

if user.may("view_internal") and st.button("Build Data Docs", key="build_docs", icon=":material/build:",
                                           help="Takes about ten seconds: Great Expectations starts first."):
    bar = st.progress(0.0, text="Starting Great Expectations")
    try:
        built = data.read(datadocs.build_data_docs, site,
                          progress=lambda fraction, words: bar.progress(fraction, text=words))
    except PccDashError as exc:
        st.error(str(exc))
    else:
        st.toast(f"Data Docs built for {len(built.pages) - 1} loads.", icon=":material/check:")
    bar.empty()

built = datadocs.latest_build(site)
if built is None:
    st.info('No Data Docs have been built yet. Press "Build Data Docs" above, or run "pccdash datadocs" where the '
            "warehouse is; the pages then appear here.")
    st.stop()
st.markdown(f"Built {when(built.built_at)}, from the latest {len(built.pages) - 1} loads.")
for line in built.disagreements:
    st.warning(f"Great Expectations disagrees with the stored check: {ui.md_escape(line)}", icon=":material/warning:")
titles = {p.path: p.title for p in built.pages}
page = st.selectbox("Page", list(titles), format_func=titles.get, key="docs_page",
                    help="The overview lists each load's result; choose a load to see each rule's result.")
try:
    html = datadocs.page_html(site, page)
except FileNotFoundError:
    st.info("That page is no longer there: the Data Docs were built again meanwhile. Reload this page.")
    st.stop()
st.iframe(html, height=900)  # its own document: Great Expectations' styles stay inside it
