"""Provenance of a figure: the file, sheet, row and column it came from, its revisions, its caveats; flag it here."""

import streamlit as st

from dashboard import auth, data, ui, workbench
from dashboard.flagging import flag_form
from pipelines.catalogue import catalogue, force
from pipelines.flags import caveats

user = auth.signed_in()
st.title("Provenance")
figs = data.figures_or_stop()

cat, f = catalogue(), force()
c1, c2, c3 = st.columns([3, 2, 2])
measure_id = ui.measure_select(c1, figs, "prov_measure")
district = c2.selectbox("District", list(f.districts), key="prov_district")
months = sorted(figs[(figs["measure"] == measure_id) & (figs["district"] == district)]["period"], reverse=True)
if not months:
    st.info(f"No figure for {cat.get(measure_id).name.lower()} in {district} has been loaded.")
    st.stop()
if st.session_state.get("prov_period") not in months:
    st.session_state["prov_period"] = months[0]
period = c3.selectbox("Month", months, key="prov_period", format_func=ui.month_words)

hist = workbench.history(measure_id, district, period)
current = hist.iloc[0]
sheet, column = (v if isinstance(v, str) and v else None for v in (current.source_sheet, current.source_column))
where = f'file "{current.source_file}"' + (f', sheet "{sheet}"' if sheet else "")
st.metric(f"{cat.get(measure_id).name}, {district}, {ui.month_words(period)}", f"{current.value:,.10g}")
st.markdown(f"Revision {int(current.revision)}, from {ui.md_escape(where)}, row {int(current.source_row)}"
            + (f", column {ui.md_escape(column)}" if column else "")
            + f"; loaded {current.loaded_at} (UTC).")
cav = data.call(caveats, measure=measure_id, start=period, end=period)
ui.caveat_box([ui.measure_words(t) for t in cav[cav["district"] == district]["text"]])
st.subheader("Revision history")
ui.table(ui.readable(hist, {"value": "Value", "note": "Note"}), "history_table",
         f"provenance-{measure_id}-{district}-{period}.csv")
flag_form(user, key="provenance", period=period, district=district, measure=measure_id,
          file_id=int(current.file_id))
