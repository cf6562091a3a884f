"""Questions and decisions (public)."""

import streamlit as st

st.title("Questions and decisions")
st.info("This page is being set up.")
