"""Public summary: headline figures for a published period, trend charts with their tables, caveats, dates."""

import pandas as pd
import streamlit as st

from dashboard import public_data, public_view

meta = public_view.header()
st.title(f"{meta['force']}: child sexual exploitation figures")
st.write(f"Published by {meta['office']}. Each figure below was approved for publication by the office; "
         f"small numbers are hidden so that no child can be identified.")

ptype, period = public_view.period_picker("")
force, districts = meta["force"].replace(" Police", ""), public_data.districts(meta)
measures = public_data.measures()
cells = public_data.cells(ptype, period)
area_force = next((a for a in cells["area"].unique() if a not in districts), force)

st.header(f"Headlines for {public_view.month_text(period)}")
for m in measures.itertuples():
    row = cells[(cells["measure"] == m.id) & (cells["area"] == area_force)]
    if row.empty:
        continue
    shown = row.iloc[0]
    if shown["suppressed"]:
        st.markdown(f"- **{m.name}**: too few to publish ({meta['marker']}).")
    else:
        st.markdown(f"- **{m.name}**: {shown['display']} across {area_force}.")

months = [period] if ptype == "month" else []
pubs = public_data.publication()
if ptype == "month":
    p = pubs[pubs["period"] == period]
    if not p.empty:
        first = pd.Timestamp(p.iloc[0]["first_published_at"])
        revised = p.iloc[0]["last_revised_at"]
        public_view.small(f"First published {first:%d %B %Y}."
                   + (f" Revised {pd.Timestamp(revised):%d %B %Y}: see Tables and downloads." if pd.notna(revised)
                      else " Not revised since."))
cav = public_data.caveats(months)
if not cav.empty:
    st.subheader("Caveats published with these figures")
    for c in cav.itertuples():
        name = measures.set_index("id")["name"].get(c.measure, c.measure)
        st.markdown(f"- {name}, {c.area}: {c.text}")

st.header("Trends")
area = st.selectbox("Area", [area_force, *districts], key="trend_area")
for m in measures.itertuples():
    if m.kind == "percentage":
        continue
    series = public_data.monthly(m.id, area)
    if series.empty:
        continue
    sentence = public_view.trend_sentence(m.name, area, series)
    events = public_data.events(m.id)
    st.plotly_chart(public_view.trend_chart(series, m.short_name, m.unit, events), width="stretch",
                    key=f"trend_{m.id}", config={"displayModeBar": False})
    st.write(sentence)
    public_view.event_list(events, series)
    with st.expander(f"Data table: {m.short_name}, {area}"):
        table = pd.DataFrame({"Month": series["period"].map(public_view.month_text),
                              m.unit.capitalize(): series["display"].astype(str)})
        st.table(table.set_index("Month"))
public_view.footnote(meta)
