"""The flag form, shared by the provenance and flags pages, so a flag is raised the same way from both."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.auth import User
from pipelines.flags import raise_flag

SCOPE_WORDS = {"figure": "This figure", "district_month": "Every measure in this district and month",
               "file": "Every figure from this file"}


def flag_form(user: User, *, key: str, period: str | None = None, district: str | None = None,
              measure: str | None = None, file_id: int | None = None, scopes=("figure", "district_month", "file")):
    """A form to raise a flag on what the page shows; stores it with who and when."""
    if not user.may("flag"):
        st.caption("Your role cannot raise flags.")
        return
    with st.form(key=f"flag_form_{key}", clear_on_submit=True, border=True):
        st.markdown("**Flag a data-quality issue**")
        scope = st.radio("What does the issue affect?", scopes, format_func=SCOPE_WORDS.get, key=f"flag_scope_{key}",
                         horizontal=True)
        reason = st.text_area("Reason (shown next to the figure wherever it appears)", key=f"flag_reason_{key}",
                              max_chars=2000)
        blocking = st.checkbox("Blocking: the month cannot be approved for publication until this is resolved",
                               key=f"flag_blocking_{key}")
        if st.form_submit_button("Raise flag", type="primary", icon=":material/flag:"):
            ui.act(raise_flag, user.claims, scope=scope, reason=reason, period=period, district=district,
                   measure=measure, file_id=file_id, blocking=blocking, icon=":material/flag:",
                   done=lambda number: f"Flag #{number} raised by {user.email}.")
