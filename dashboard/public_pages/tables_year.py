"""Public tables of one earlier financial year (`?year=2014-15`): its year, quarters, months and the 12-month periods
ending in it by area, as `pipelines.publish.pages.tables_year_page` says them (the static site's tables-2014-15)."""

import streamlit as st

from dashboard import public_data, public_view

year = str(st.query_params.get("year", ""))[:20]
public_view.show(public_data.page("pipelines.publish.pages.tables_year_page", year))
