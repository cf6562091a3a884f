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


SCOPE_SHORT = {"figure": "one figure", "district_month": "a district's month", "file": "a whole file"}


def _given(value: object) -> bool:
    return isinstance(value, str) and value != ""


def flag_label(flag) -> str:
    """A flag (a row of pipelines.flags.flags) in words: "#2, Doncaster, CAWNs issued, March 2026: reason"."""
    if flag.scope == "file":
        where = f"whole file {ui.name_shown(flag.file_name) if _given(flag.file_name) else f'#{int(flag.file_id)}'}"
    else:
        measure = ui.measure_name(flag.measure) if _given(flag.measure) else "every measure"
        month = ui.month_words(flag.period) if _given(flag.period) else ""
        where = ", ".join(p for p in (flag.district if _given(flag.district) else "", measure, month) if p)
    reason = ui.name_shown(flag.reason)
    return f"#{flag.flag_id}, {where}: {reason[:60]}{'...' if len(reason) > 60 else ''}"


def flags_shown(frame):
    """The flags table in words: what each flag covers, measures by name, months, Yes/No."""
    shown = frame.assign(scope=frame["scope"].map(lambda s: SCOPE_SHORT.get(s, s)))
    return ui.readable(shown.drop(columns=["file_id"], errors="ignore"),
                       {"scope": "Covers", "file_name": "File", "reason": "Reason", "blocking": "Blocks approval",
                        "resolution_note": "Resolution"})
