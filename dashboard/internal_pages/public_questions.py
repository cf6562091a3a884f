"""Questions from the public: part of the accountability loop (pipelines.accountability)."""

import streamlit as st

from dashboard import auth

user = auth.signed_in()
st.title("Questions from the public")
st.info("This page is being set up.")
