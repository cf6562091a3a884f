"""Public tables: each published period by district, revisions, and the published tables as CSV and JSON."""

import pandas as pd
import streamlit as st

from dashboard import public_data, public_view

meta = public_view.header()
st.title("Tables and downloads")
ptype, period = public_view.period_picker("table_")
districts = public_data.districts(meta)
measures = public_data.measures()
cells = public_data.cells(ptype, period)
areas = [*districts, *[a for a in cells["area"].unique() if a not in districts]]
wide = cells.pivot(index="measure", columns="area", values="display").reindex(columns=areas)
wide.index = wide.index.map(measures.set_index("id")["name"].to_dict())
wide.index.name = "Measure"
st.header(f"By district, {public_view.month_text(period)}")
st.table(wide.reindex([n for n in measures["name"] if n in set(wide.index)]).astype(str))
public_view.footnote(meta)

st.header("Revisions")
if not public_data.withdrawals().empty:
    st.subheader("Publications withdrawn")
    public_view.withdrawal_notices()
rev = public_data.revisions()
if rev.empty:
    st.write("No published figure has been revised.")
else:
    rev = rev.assign(revised=pd.to_datetime(rev["revised_at"]).dt.strftime("%d %B %Y"))
    st.write(f"{len(rev)} published figure(s) were revised after first publication:")
    st.table(rev[["revised", "measure", "area", "period", "previous_display", "new_display"]].rename(columns={
        "revised": "Revised on", "measure": "Measure", "area": "Area", "period": "Period",
        "previous_display": "Was", "new_display": "Now"}))

st.header("Download the published tables")
table = public_data.download_table()
st.write(f"Every published figure ({len(table):,} rows): measure, area, period and value. A hidden figure is "
         f"given as {meta['marker']}, never as a number.")
stamp = meta.get("created_at", "")[:10]
d1, d2 = st.columns(2)
d1.download_button("Download CSV", table.to_csv(index=False, lineterminator="\n").encode("utf-8"),
                   file_name=f"published-figures-{stamp}.csv", mime="text/csv", key="download_csv",
                   icon=":material/download:")
d2.download_button("Download JSON", table.to_json(orient="records", indent=1).encode("utf-8"),
                   file_name=f"published-figures-{stamp}.json", mime="application/json", key="download_json",
                   icon=":material/download:")
