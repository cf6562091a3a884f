"""Public summary: the headline figures for the latest period of each kind (or the period and area chosen), the
caveats and dates published with them, and a trend chart of each count with its sentence and data table (its
sentence alone while fewer than two of its months are published).

What the page says is decided by `pipelines.publish.pages.summary_page`, the same function the static site's
front page is written from; this page adds only the pickers for exploring, and draws the cached result.
"""

import streamlit as st

from dashboard import public_data, public_render, public_view
from pipelines.public import period_text

SUMMARY = "pipelines.publish.pages.summary_page"
KINDS = {"rolling_12_months": "12 months at a time", "month": "Months", "quarter": "Financial quarters",
         "financial_year": "Financial years"}

from pipelines.publish import pages  # noqa: E402 -- the published periods and areas the pickers offer

view = public_data.view()
page = public_data.page(SUMMARY)
st.title(public_view.plain(page.title), anchor=False)
if not view.published:
    public_view.signpost()
    public_render.render(page, title=False)
    st.stop()

kinds = [k for k in KINDS if pages.periods(view, k)]
c1, c2 = st.columns(2)
ptype = c1.selectbox("Period", [None, *kinds], key="period_type",
                     format_func=lambda k: "The latest of each kind" if k is None else KINDS[k])
period = None
if ptype:
    period = c2.selectbox(KINDS[ptype], pages.periods(view, ptype)[::-1], format_func=period_text, key="period")
force = pages.force_area(view)
area = st.selectbox("Area", [None, force, *pages.districts(view)], key="trend_area",
                    format_func=lambda a: f"{force} and every district" if a is None else a)
public_view.signpost(area if area and area != force else None)
if ptype or area:
    page = public_data.page(SUMMARY, ptype, period, area)
public_render.render(page, title=False)
