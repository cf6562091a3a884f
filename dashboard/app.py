"""The internal app (`pccdash serve`): PAB briefing, data-quality workbench and publishing, behind sign-in."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not add the root

from dashboard import auth, failsafe  # noqa: E402
from pipelines.catalogue import force  # noqa: E402
from pipelines.errors import PccDashError  # noqa: E402


def _title() -> str:
    try:
        return f"{force().force_short_name}: performance dashboard"
    except PccDashError:  # a broken force.yaml is told on the page itself, not as the tab's title
        return "Performance dashboard"


st.set_page_config(page_title=_title(), layout="wide", page_icon=":material/shield:")

PAGES = {
    "PAB briefing": [
        st.Page("internal_pages/briefing.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("internal_pages/measure.py", title="Measure", icon=":material/monitoring:"),
        st.Page("internal_pages/breakdowns.py", title="Breakdowns", icon=":material/stacked_bar_chart:"),
        st.Page("internal_pages/pack.py", title="Briefing pack", icon=":material/picture_as_pdf:"),
        st.Page("internal_pages/context.py", title="police.uk context", icon=":material/map:"),
    ],
    "Accountability": [
        st.Page("internal_pages/meetings.py", title="Meetings and questions", icon=":material/groups:"),
        st.Page("internal_pages/actions.py", title="Actions", icon=":material/task_alt:"),
        st.Page("internal_pages/recommendations.py", title="Recommendations", icon=":material/checklist:"),
        st.Page("internal_pages/public_questions.py", title="Questions from the public", icon=":material/forum:"),
    ],
    "Data quality": [
        st.Page("internal_pages/upload.py", title="Upload a return", icon=":material/upload_file:"),
        st.Page("internal_pages/checks.py", title="Validation runs", icon=":material/rule:"),
        st.Page("internal_pages/datadocs.py", title="Data Docs", icon=":material/description:"),
        st.Page("internal_pages/quarantine.py", title="Quarantine", icon=":material/block:"),
        st.Page("internal_pages/files.py", title="Files loaded", icon=":material/folder_open:"),
        st.Page("internal_pages/returns.py", title="Returns calendar", icon=":material/event_available:"),
        st.Page("internal_pages/provenance.py", title="Provenance", icon=":material/account_tree:"),
        st.Page("internal_pages/flags.py", title="Flags", icon=":material/flag:"),
    ],
    "Publishing": [
        st.Page("internal_pages/publishing.py", title="Approve and publish", icon=":material/publish:"),
        st.Page("internal_pages/audit.py", title="Audit trail", icon=":material/history:"),
    ],
}
# Small print (st.caption) in GOV.UK's secondary text colour, unfaded, 7:1 on white: Streamlit's grey faded to 60%
# is 3.9:1, under the 4.5:1 WCAG 1.4.3 asks of text (the public app writes its small print in the body's colour).
CAPTION = "#505A5F"
with failsafe.guarded():
    user = auth.signed_in()  # stops here for an anonymous visitor or an account without a role
    auth.sidebar(user)
    # Streamlit writes a link to a page on one line and cuts what does not fit ("Trace South Yorkshire's figure for
    # June 2026 to its sourc" on a phone): links wrap instead, as on the public app.
    # A metric's label is cut the same way ("People arrested on suspicion of child abuse offences, Barns…" on the
    # Provenance page, losing the area and month): it wraps too. A table of figures wider than a phone or a tablet
    # (the overview's summary) scrolls within itself, never the whole page sideways; its cells are padded less than
    # Streamlit's 12 pixels a side, so that on a laptop's screen the summary's nine columns fit, its last one
    # (the aspiration) not cut at the edge.
    st.html("<style>[data-testid='stPageLink-NavLink'] span, [data-testid='stPageLink-NavLink'] p "
            "{ white-space: normal; overflow: visible; text-overflow: clip; } "
            "[data-testid='stMetricLabel'] div, [data-testid='stMetricLabel'] p "
            "{ white-space: normal !important; overflow: visible; text-overflow: clip; } "
            "[data-testid='stMarkdownContainer'] table { display: block; max-width: 100%; overflow-x: auto; }"
            "[data-testid='stMarkdownContainer'] table th, [data-testid='stMarkdownContainer'] table td "
            "{ padding: 6px 8px; }"
            "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] p "
            f"{{ color: {CAPTION}; opacity: 1; }}"
            "</style>")
    st.navigation(PAGES, expanded=True).run()  # every page listed: no "View more" hiding the data-quality pages
