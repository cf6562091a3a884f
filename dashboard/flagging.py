"""The flag form, shared by the provenance and flags pages, so a flag is raised the same way from both; flags
and their steps as the pages show them."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.auth import User
from pipelines.flags import day_words, raise_flag, status_sentence

SCOPE_WORDS = {"figure": "This figure", "district_month": "Every measure in this district and month",
               "file": "Every figure from this file"}


def flag_form(user: User, *, key: str, period: str | None = None, district: str | None = None,
              measure: str | None = None, file_id: int | None = None, scopes=("figure", "district_month", "file")):
    """A form to raise a flag on what the page shows; stores it with who and when."""
    if not user.may("flag"):
        st.caption("Your role cannot raise flags.")
        return
    with ui.form(f"flag_form_{key}", border=True):
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
                   clear=(f"flag_scope_{key}", f"flag_reason_{key}", f"flag_blocking_{key}"),
                   done=lambda number: f"Flag #{number} raised by {ui.md_escape(user.email)}.")


SCOPE_SHORT = {"figure": "one figure", "district_month": "a district's month", "file": "a whole file"}
LABEL_LIMIT = 90


def flag_label(flag) -> str:
    """A flag (a row of pipelines.flags.flags) as a choice reads: "Doncaster's CAWNs issued in March 2026: reason",
    the reason cut short, with who raised it and when, so that two flags of the same words can be told apart."""
    text = ui.name_shown(flag.label)
    text = text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 3] + "..."
    return f"{text} (raised by {ui.name_shown(flag.raised_by)}, {day_words(flag.raised_at)})"


def flags_shown(frame):
    """The flags table in words: the flag as a sentence, where it stands, who raised it and when, Yes/No."""
    shown = frame.assign(scope=frame["scope"].map(lambda s: SCOPE_SHORT.get(s, s)),
                         standing=[status_sentence(r) for r in frame.itertuples(index=False)],
                         raised_at=[day_words(w) for w in frame["raised_at"]])
    shown = shown.assign(blocking=shown["blocks_now"]) if "blocks_now" in shown else shown
    shown = shown[["flag_id", "label", "scope", "standing", "raised_by", "raised_at", "blocking"]]
    return ui.readable(shown, {"flag_id": "Number", "label": "Flag", "scope": "Covers", "standing": "Where it stands",
                               "raised_by": "Raised by", "raised_at": "Raised on", "blocking": "Blocks approval"})


def history_shown(frame):
    """One flag's steps in words, oldest first."""
    return ui.readable(frame.assign(when=[day_words(w) for w in frame["when"]]),
                       {"when": "On", "who": "By", "what": "Step", "note": "Note"})
