"""PAB briefing overview: what the meeting opens with since the last one (questions, answers, decisions, actions),
the summary table of every plan measure's headline figures for a meeting, then each priority's measures with their
districts. The same content as the pack (pipelines.briefing.pack.assemble)."""

import re

import streamlit as st

from dashboard import auth, data, ui
from pipelines import office
from pipelines.briefing.loop_section import EMPTY_SHORT, since_last_meeting
from pipelines.briefing.pack import (
    add_caveats,
    assemble,
    behind_caveats,
    cancelled_notices,
    caveat_months,
    district_gaps,
    headline_windows,
    meeting_for,
    meeting_notice,
    period_notices,
    republished_said,
    return_notices,
)
from pipelines.briefing.tables import GENERAL_CAVEATS_HEADING, area_table, incomplete_notes, summary_table
from pipelines.catalogue import catalogue, force, listed
from pipelines.flags import caveats
from pipelines.plan.narrative import format_change, format_number
from pipelines.policeuk import latest_behind
from pipelines.uk_time import month_words

user = auth.signed_in()
st.title("Public Accountability Board briefing")
st.caption("Management information: unaudited and subject to revision.")
period = ui.reporting_period_or_stop("meeting_date")

analytics = data.analytics()
# a district's quarterly report or a themed session that day, and no Board: the pack is for it, and so is this
for_meeting = data.call(meeting_for, period.meeting)
for text in data.call(cancelled_notices, period.meeting) or []:  # as the pack for that day says first
    st.warning(text, icon=":material/event_busy:")
if for_meeting is not None:
    st.info(data.call(meeting_notice, for_meeting), icon=":material/info:")
lapse, warnings = period_notices(analytics, period, data.months())
if lapse:
    st.info(lapse, icon=":material/info:")
for text in warnings:
    st.warning(text, icon=":material/event_busy:")
for text in data.call(return_notices, period.month, period.meeting):
    st.warning(text, icon=":material/assignment_late:")
# the quarter, the year to date and the 12 months carry the caveats of the earlier months they include
cav = data.call(caveats, start=caveat_months(period)[0], end=period.month_key)
statuses = analytics.status(period.month)
loop = data.with_analytics(since_last_meeting, period.meeting, month=period.month, meeting=for_meeting)
pack = assemble(period, analytics, cav, {}, user.email, charts=False, statuses=statuses, loop=loop)
# as the pack says it beside each police.uk measure: which months of its figures police.uk republished
add_caveats(pack, data.call(republished_said, tuple(m.measure_id for m in pack.measures),
                                *caveat_months(period)) or {})
# as the pack says it beside each police.uk measure: how old police.uk's latest month loaded is at the meeting, once
# over three months
behind_caveats(pack, data.call(latest_behind, period.meeting, against="the meeting's month"))
cat, f = catalogue(), force()
# a district with no figure for the month: said where its figure's source would be linked (the Provenance page would
# open its latest month with one, another month's figure), with when it was due
gaps = data.call(district_gaps, period.month, period.meeting) or {}
no_figure = {(s.measure_id, s.area) for s in statuses if not s.is_force and s.value is None}


def source_link(measure_id: str, area: str) -> str | None:
    """The Provenance page's address on an area's figure for the month; None for a district that has none."""
    return None if (measure_id, area) in no_figure else ui.provenance_link(measure_id, area, period.month)


if pack.caveats:
    ui.caveat_box(pack.caveats, label=GENERAL_CAVEATS_HEADING)

# Compact, in a box rather than under a heading of its own: the summary stays the page's first heading.
with st.container(border=True):
    st.markdown(f"**{loop.heading}:** " + (ui.md_escape(EMPTY_SHORT) if loop.empty else
                                          f"{ui.md_escape(loop.counts)}."))
    st.caption("Holding the force to account is a loop: questions put at a Board, what the force answered, "
               f"{office.configured().holders} assurance decisions and the actions agreed are carried to every later "
               "meeting until settled or closed. The briefing pack opens with the same.")
    if loop.overdue:
        st.warning(f"**Overdue ({len(loop.overdue)})**\n\n" + "\n".join(f"- {ui.md_escape(a)}" for a in loop.overdue),
                   icon=":material/alarm:")
    if not loop.empty:
        with st.expander("What was asked, what came back, the decisions and the actions"):
            for t in loop.tables:
                st.markdown(f"**{ui.md_escape(t.heading)}**")
                if t.rows:
                    st.markdown(ui.markdown_table(t.columns, t.rows))
                else:
                    st.caption(ui.md_escape(t.none))

st.header("Summary")
areas = [f.force_short_name, *f.districts]
area = st.segmented_control("Area", areas, default=areas[0], key="summary_area",
                            help="The summary for the force, or for one district.") or areas[0]
headings, rows = summary_table(pack, area)
meeting = f"{period.meeting:%Y-%m-%d}"
links = [ui.measure_link(m.measure_id, meeting, area) for m in pack.measures]
sources = [source_link(m.measure_id, area) for m in pack.measures]
windows = headline_windows(period)[0]  # the month, its quarter, the year to date, the 12 months: the figures' columns


def period_links(measure_id: str, where: str, cells: list[str]) -> dict[int, str | None]:
    """A row's quarter, year-to-date and 12-month figures (columns 2 on) linked to the Provenance page on the months
    each adds up, with the figure as printed, which that page checks against the rows."""
    return {i + 1: ui.run_link(measure_id, where, first, last, cells[i + 1])
            for i, (_, first, last) in enumerate(windows) if i > 0}


st.markdown(ui.markdown_table(headings, rows, links=links, figure_links=sources,
                              cell_links=[period_links(m.measure_id, area, row)
                                          for m, row in zip(pack.measures, rows, strict=True)]))
# measures missing the same months are named together, once: a return sent without a whole group of measures
# would otherwise repeat each period's note for every measure of the group, a paragraph no one reads
missing: dict[tuple[str, ...], list[str]] = {}
for m in pack.measures:
    for r in m.rows:
        if r.area == area and r.incomplete:
            missing.setdefault(tuple(r.incomplete), []).append(m.short_name)
if missing:
    st.warning("Months missing, so these figures are not whole:\n\n" + "\n".join(
        f"- {listed(names)}: {'; '.join(notes)}" for notes, names in missing.items()),
        icon=":material/calendar_today:")
st.caption(f"Select a measure's name to open its chart for {area}, or a figure to see where it comes from (a "
           "period's, every month's rows it adds up). Figures for a period are totals for counts, "
           "the month-end level for a stock such as live investigations, and rebuilt from their parts for a "
           "percentage.")

st.header("By priority")
priorities = pack.priorities
choice = st.segmented_control("Priority", priorities, default=priorities[0], key="priority") or priorities[0]
for m in (m for m in pack.measures if m.priority == choice):
    group = [s for s in statuses if s.measure_id == m.measure_id]
    top = next(s for s in group if s.is_force)
    measure = cat.get(m.measure_id)
    with st.container(border=True):
        head, go = st.columns([5, 1])
        head.subheader(m.name)
        if go.button("Open chart", key=f"open_{m.measure_id}", icon=":material/monitoring:"):
            st.session_state["measure"] = m.measure_id
            st.switch_page("internal_pages/measure.py")
        st.markdown(" ".join(b for b in (ui.variation_badge(top.variation_icon, no_figure=top.variation == "no data"),
                                         ui.assurance_badge(top.assurance_icon)) if b))
        st.write(m.sentence)
        if m.aspiration:
            st.markdown(f"**Aspiration:** {ui.md_escape(m.aspiration)}")
        ui.caveat_box(m.caveats)
        year_before = month_words(period.month.replace(year=period.month.year - 1))
        # said once above the areas: beside each change, in a column a fifth of the page wide, the words were cut
        # to "on J…"
        if any(s.change is not None for s in group):
            st.caption(f"{period.month_text}, each area's figure; under it, its change on {year_before}.")
        cols = st.columns(len(group))
        for col, s in zip(cols, group, strict=True):
            with col:
                delta = format_change(s.change, s.change_pct, measure) if s.change is not None else None
                # no change ("+0", "+0.0 pts") is no rise: no arrow
                flat = delta is not None and not re.search(r"[1-9]", delta.split(" (")[0])
                # a change on one month a year ago is not coloured better or worse: two figures alone cannot say
                # whether it is more than the month-to-month variation, which the badge under it judges
                col.metric(s.area, format_number(s.value, measure), delta=delta, delta_color="off",
                           delta_arrow="off" if flat else "auto",
                           help=f"{period.month_text}; change on the same month last year "
                                f"({format_number(s.last_year_value, measure)}). Whether it is a significant "
                                "change is the badge's judgement, from the whole chart.")
                # badges keep their contrast
                st.markdown(ui.variation_badge(s.variation_icon, short=True, no_figure=s.variation == "no data"))
                if (m.measure_id, s.area) in no_figure and ui.provenance_link(m.measure_id, s.area, period.month):
                    st.caption(ui.md_escape(gaps.get((m.measure_id, s.area))
                                            or f"No figure from {s.area} for {period.month_text}."))
                elif source := ui.provenance_link(m.measure_id, s.area, period.month):
                    # each link named by its area: a screen reader lists the page's links by their text alone
                    whose = office.possessive(s.area)
                    st.markdown(f"[:material/account_tree: Source of {ui.md_escape(whose)} figure]({source})",
                                help=f"Where {whose} figure for {period.month_text} comes from.")
        with st.expander(f"Headline figures for the force and each district: {m.short_name}"):
            headings, rows = area_table(pack, m)
            st.markdown(ui.markdown_table(headings, rows, figure_links=[
                source_link(m.measure_id, r.area) for r in m.rows],
                cell_links=[period_links(m.measure_id, r.area, row) for r, row in zip(m.rows, rows, strict=True)]))
            for note in incomplete_notes(m):
                st.caption(f"Months missing: {note}")
