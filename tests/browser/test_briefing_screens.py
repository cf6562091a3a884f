"""Briefed for the meeting of 20 August 2015, the overview leads with the figures the force gave the press (460
arrested, 76 for grooming, 54 charged, 22 in Rotherham, 155 live investigations, 46 in Rotherham), the Measure page
shows no month after July 2015, and both are kept as full-page screenshots in test-artifacts/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import ROOT, choose, full_shot, go_to, settle
from .test_internal_pages import main, reporting_period, set_meeting_date

ARTIFACTS = ROOT / "test-artifacts"
ARTIFACTS.mkdir(exist_ok=True)
CHARGES = "People charged with child sexual exploitation related offences"
FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# a month after July 2015, written "2016-01", "January 2016" or "August 2015"
LATER_MONTH = re.compile(rf"\b20(?:1[6-9]|2\d)-(?:0[1-9]|1[0-2])\b|\b(?:{MONTHS}) 20(?:1[6-9]|2\d)\b"
                         r"|\b(?:August|September|October|November|December) 2015\b")


def figures_in(text: str) -> set[str]:
    """The whole figures in a text: "1,460" holds 1,460, not 460."""
    return set(FIGURE.findall(text))


def rows_of(page: Page) -> list[str]:
    """The text of every table row in the page's main area, cell by cell ("Rotherham | 30 | 106"), those of a
    folded section included: an HTML table's rows and the rows an `st.dataframe` mirrors for assistive
    technology."""
    cells = "rows => rows.map(r => Array.from(r.children, c => c.textContent.trim()).join(' | '))"
    return [" ".join(t.split()) for t in main(page).locator('tr, [role="row"]').evaluate_all(cells)]


def brief_the_meeting(page: Page) -> None:
    set_meeting_date(page, "20082015")
    expect(reporting_period(page)).to_contain_text("July 2015")
    settle(page)


def test_the_overview_for_20_august_2015_leads_with_the_headline_figures(page, signed_in_as):
    signed_in_as(page, "pcc@example.org")
    brief_the_meeting(page)
    everything = " ".join([main(page).inner_text(), *rows_of(page)])
    # the rolling twelve months to July 2015, as the force gave them
    assert {"460", "76", "54", "155"} <= figures_in(everything), "the headline figures are not on the overview"
    rotherham = [row for row in rows_of(page) if "Rotherham" in row]
    assert any("22" in figures_in(row) for row in rotherham), f"Rotherham's 22 charged is not shown: {rotherham}"
    assert any("46" in figures_in(row) for row in rotherham), f"Rotherham's 46 investigations not shown: {rotherham}"
    full_shot(page, ARTIFACTS / "overview-2015-08-20.png")


def test_the_measure_page_for_20_august_2015_shows_no_later_month(page, signed_in_as):
    signed_in_as(page, "pcc@example.org")
    brief_the_meeting(page)
    go_to(page, "Measure")
    expect(main(page).get_by_role("heading", name="Measure", level=1)).to_be_visible()
    choose(page, "Measure", CHARGES)
    chart = main(page).get_by_test_id("stPlotlyChart").first
    expect(chart).to_be_visible()
    # the meeting date holds from the overview: the page briefs July 2015, not the latest month loaded
    expect(main(page).get_by_text(re.compile(r"July 2015")).first).to_be_visible()
    full_shot(page, ARTIFACTS / "measure-2015-08-20.png")
    later = sorted(set(LATER_MONTH.findall(" ".join([main(page).inner_text(), *rows_of(page)]))))
    assert not later, f"the page prepared for the meeting of 20 August 2015 shows later months: {later}"
