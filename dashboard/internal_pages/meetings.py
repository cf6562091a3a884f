"""Meetings and questions: part of the accountability loop (pipelines.accountability)."""

import streamlit as st

from dashboard import auth

user = auth.signed_in()
st.title("Meetings and questions")
st.info("This page is being set up.")
