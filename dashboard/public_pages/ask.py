"""Ask the Board a question (public)."""

import streamlit as st

st.title("Ask the Board a question")
st.info("This page is being set up.")
