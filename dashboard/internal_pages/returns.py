"""The return calendar: for each month, which measures of the force's return arrived (for every district, or only
some), are missing, overdue, refused or superseded, and a sentence on the latest month."""

import streamlit as st

from dashboard import auth, data, ui
from pipelines import return_calendar as returns
from pipelines import settings
from pipelines.catalogue import catalogue, listed
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
st.caption(f'Each month\'s return is due by a working day of the following month, as the return calendar '
           f'"{calendar.path}" declares; today is {uk_day_words(today)}.')
notices = data.call(returns.incomplete_notices, latest, today, calendar=calendar)
for line in notices:
    st.warning(line, icon=":material/schedule:")
if not notices:
    st.success(f"Every figure due for {latest:%B %Y} has arrived.", icon=":material/check:")
unlisted = returns.holidays_unlisted(months, today, calendar=calendar)
if unlisted:
    st.warning(unlisted, icon=":material/event_busy:")
grid = data.call(returns.grid, months, today, calendar=calendar)
shown = ui.readable(grid)
# Two dozen measures are more than a laptop's screen holds side by side: the grid scrolls sideways, the month kept in
# view, and each column is as wide as its heading (and its widest state), where the headings were cut short at 1280
# pixels ("Suspects arrested wi...").
parts: dict[str, list[str]] = {}
for part in calendar.returns:
    for measure in part.measures:
        parts.setdefault(measure, []).append(f'"{part.name}"')
headings = {"Month": st.column_config.TextColumn(width=ui.heading_width("September 2026"), pinned=True)}
for measure, heading in zip(grid.columns[1:], shown.columns[1:], strict=True):
    part_of = listed(list(dict.fromkeys(parts[measure])))
    widest = max([heading, *shown[heading].astype(str)], key=len)  # "partial (overdue)" under "CSE arrests"
    headings[heading] = st.column_config.TextColumn(width=ui.heading_width(widest),
                                                    help=f"{catalogue().get(measure).name}: part of {part_of}.")
ui.table(shown, "returns_grid", "returns-calendar.csv", column_config=headings)

month = st.selectbox("Month", months[::-1], format_func=lambda m: f"{m:%B %Y}", key="returns_month")
statuses = returns.status_frame(data.call(returns.return_status, month, today, calendar=calendar))
detail = ui.readable(statuses, {"return": "Part of the return", "due": "Due"})
# the day in words, as the sentences above write it ("due 7 April 2028"); the download keeps the date itself
detail["Due"] = statuses["due"].map(uk_day_words).to_numpy()
ui.table(detail, "return_status", f"return-{month:%Y-%m}.csv")
