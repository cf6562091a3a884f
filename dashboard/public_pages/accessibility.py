"""Accessibility statement, as the Public Sector Bodies Accessibility Regulations 2018 ask of a public body."""

import streamlit as st

from dashboard import public_data, public_view

if public_data.info_page("accessibility") is not None:  # the statement as the reference configuration sets it out
    public_view.info("accessibility")
    st.stop()
meta = public_data.meta()
office = public_data.office().name
# The banner, as on every public page, shown whether or not anything is published yet.
public_view.banner(meta)
st.title("Accessibility statement")
st.markdown(f"""
This statement covers these published figures pages, run by {office}.

We want as many people as possible to be able to use them. You should be able to:

- read every page on a phone, and zoom to 400% without text spilling off the screen;
- read every chart as a sentence and as a data table beside it;
- tell every figure apart without relying on colour;
- move through every page with a keyboard and with a screen reader;
- download every published table as CSV or JSON.

## How accessible these pages are

We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. Every page is checked
with the axe-core accessibility engine each time the software changes. Charts use the Government Analysis
Function's accessible colour palette, with lines and markers that contrast at least 3:1 with their background.

Known limits: the interactive charts' hover labels need a mouse or touch; the same numbers are in the data table
under each chart.

## Feedback and contact

If you cannot use any part of these pages, or you need the figures in another format, contact {office}. We will
reply within 10 working days.

## Enforcement

The Equality and Human Rights Commission enforces the Public Sector Bodies (Websites and Mobile Applications)
(No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the
Equality Advisory and Support Service (EASS).
""")
