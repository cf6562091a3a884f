"""The return calendar: for each month, which measures of the force's return arrived (for every district, or only
some), are missing, overdue, refused or superseded, and a sentence on the latest month."""

import streamlit as st

from dashboard import auth, data, ui
from pipelines import return_calendar as returns
from pipelines import settings
from pipelines.errors import ConfigError
from pipelines.uk_time import uk_day_words

user = auth.signed_in()
st.title("Returns calendar")
data.no_warehouse_guard()
try:
    calendar = returns.load_calendar()
except ConfigError as exc:
    st.info(f"The return calendar cannot be read, so nothing can be said about which returns are due: {exc}")
    st.stop()
today = settings.today()
count = st.slider("Months shown", min_value=3, max_value=36, value=12, key="returns_months")
months = tuple(returns.recent_months(count, today))
latest = months[-1]
st.caption(f"Each month's return is due by a working day of the following month, as "
           f"pipelines/reference/return_calendar.yaml declares; today is {uk_day_words(today)}.")
notices = data.call(returns.incomplete_notices, latest, today, calendar=calendar)
for line in notices:
    st.warning(line, icon=":material/schedule:")
if not notices:
    st.success(f"Every figure due for {latest:%B %Y} has arrived.", icon=":material/check:")
ui.table(ui.readable(data.call(returns.grid, months, today, calendar=calendar)), "returns_grid",
         "returns-calendar.csv")

month = st.selectbox("Month", months[::-1], format_func=lambda m: f"{m:%B %Y}", key="returns_month")
ui.table(ui.readable(returns.status_frame(data.call(returns.return_status, month, today, calendar=calendar)),
                     {"return": "Part of the return", "due": "Due"}), "return_status", f"return-{month:%Y-%m}.csv")
