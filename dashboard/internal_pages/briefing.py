"""PAB briefing overview: each plan priority's measures for the reporting period of a meeting."""

import streamlit as st

from dashboard import auth, data, ui
from pipelines.briefing.pack import period_notices, return_notices
from pipelines.catalogue import catalogue, force
from pipelines.flags import caveats, caveats_by_figure, force_caveats
from pipelines.plan.narrative import format_change, format_number

user = auth.signed_in()
st.title("Public Accountability Board briefing")
st.caption("Management information: unaudited and subject to revision.")
period = ui.reporting_period_or_stop("meeting_date")

analytics = data.analytics()
statuses = analytics.status(period.month)
lapse, warnings = period_notices(analytics, period, data.months())
if lapse:
    st.info(lapse, icon=":material/info:")
for text in warnings:
    st.warning(text, icon=":material/event_busy:")
for text in data.call(return_notices, period.month, period.meeting):
    st.warning(text, icon=":material/assignment_late:")
cav = data.call(caveats, start=period.month_key, end=period.month_key)
by_figure = caveats_by_figure(cav)
cat, districts = catalogue(), force().districts

priorities = list(dict.fromkeys(s.priority for s in statuses))
choice = st.segmented_control("Priority", priorities, default=priorities[0], key="priority")
for measure_id in dict.fromkeys(s.measure_id for s in statuses if s.priority == (choice or priorities[0])):
    group = [s for s in statuses if s.measure_id == measure_id]
    m = cat.get(measure_id)
    top = next(s for s in group if s.is_force)
    with st.container(border=True):
        head, go = st.columns([5, 1])
        head.subheader(m.name)
        if go.button("Open chart", key=f"open_{measure_id}", icon=":material/monitoring:"):
            st.session_state["measure"] = measure_id
            st.switch_page("internal_pages/measure.py")
        st.markdown(" ".join(b for b in (ui.variation_badge(top.variation_icon),
                                         ui.assurance_badge(top.assurance_icon)) if b))
        st.write(top.sentence)
        ui.caveat_box([*m.caveats, *force_caveats(cav, period.month_key, measure_id)])
        cols = st.columns(len(group))
        for col, s in zip(cols, group, strict=True):
            with col:
                delta = format_change(s.change, s.change_pct, m) if s.change is not None else None
                col.metric(s.area, format_number(s.value, m), delta=delta,
                           delta_color="off" if s.increase_is == "neutral" else
                           ("normal" if s.increase_is == "good" else "inverse"),
                           help=f"{period.month_text}; change on the same month last year "
                                f"({format_number(s.last_year_value, m)}).")
                st.markdown(ui.variation_badge(s.variation_icon, short=True))  # badges keep their contrast
                if not s.is_force:
                    n = len(by_figure.get((period.month_key, s.area, measure_id), []))
                    if n:
                        st.markdown(f":orange-badge[:material/flag: {n} caveat{'s' if n > 1 else ''}]")
