"""Accepted figures by measure: a chart by district and the table with each figure's source."""

import plotly.express as px
import streamlit as st

from dashboard import data
from pipelines.catalogue import catalogue, force

st.title("Accepted figures")
st.caption("Management information: unaudited and subject to revision.")

if data.version() is None:
    st.info('No warehouse yet. Run "pccdash demo --no-serve" or "pccdash ingest PATH" and reload this page.')
    st.stop()

cat = catalogue()
measure_id = st.selectbox("Measure", cat.ids(), format_func=lambda m: cat.get(m).name, key="measure")
m = cat.get(measure_id)
df = data.figures(measure_id)
if df.empty:
    st.info(f"No figures for {m.name.lower()} have been loaded.")
    st.stop()

palette = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
fig = px.line(df, x="period", y="value", color="district", markers=True,
              category_orders={"district": list(force().districts)}, color_discrete_sequence=palette,
              labels={"period": "Month", "value": m.unit.capitalize(), "district": "District"})
st.plotly_chart(fig, width="stretch")
st.dataframe(df, hide_index=True, width="stretch")
