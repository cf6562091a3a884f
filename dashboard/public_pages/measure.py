"""One measure month by month, for the force and each district (`?measure=<id>`), or its figure for each while
only one of its months is published, as `pipelines.publish.pages.measure_page` says it."""

import streamlit as st

from dashboard import public_data, public_view

measure = str(st.query_params.get("measure", ""))[:100]
public_view.show(public_data.page("pipelines.publish.pages.measure_page", measure))
