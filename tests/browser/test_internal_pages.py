"""Every internal page shows a signed-in person its figures, charts and tables, and does what its controls say."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pipelines import warehouse
from pipelines.flags import flags

from .conftest import (
    DEMO_FILES,
    choose,
    full_shot,
    go_to,
    grid_cells,
    open_page,
    pick,
    settle,
    settle_after,
    whole_page_in_view,
)

CHARGES = "People charged with child sexual exploitation related offences"
DISTRICTS = ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]


def main(page):
    return page.get_by_test_id("stMain")


def titled(text: str, *, whole: bool = True) -> re.Pattern[str]:
    """A chart's title (`whole`) or part of it, as its SVG holds it: the lines a long title is broken into are
    joined with no space."""
    words = r"\s*".join(map(re.escape, text.split()))
    return re.compile(f"^{words}$" if whole else words)


def metric_value(page, label: str):
    """The value of the metric labelled exactly `label`, in the page's main area."""
    labelled = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return main(page).get_by_test_id("stMetric").filter(has=labelled).get_by_test_id("stMetricValue")


def reporting_period(page):
    return main(page).locator('[data-testid="stMarkdownContainer"] p', has_text="Reporting period:")


def set_meeting_date(page, ddmmyyyy: str) -> None:
    """Type the date into the meeting date as a person would.

    Streamlit 1.67's date input is a field of day, month and year segments that takes the value when it loses
    focus or is closed with Escape; Enter alone keeps it pending (it selects a day only inside the calendar).
    """
    main(page).get_by_role("spinbutton", name="day, Meeting date").click()
    page.keyboard.type(ddmmyyyy)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


# axe's rules that Streamlit's own sidebar breaks and the app cannot mend: its navigation in sections ("PAB briefing",
# "Accountability", ...) writes each section's heading straight inside the <ul> of pages ("list"), and the pages
# after it as <li> that axe then takes for items outside a list ("listitem"). Only there are they Streamlit's own.
STREAMLITS_OWN = {"list", "listitem"}
IN_SIDEBAR_NAV = "selector => { const e = document.querySelector(selector); " \
                 "return !!e && !!e.closest('[data-testid=\"stSidebarNav\"]'); }"


def print_axe_findings(page, capsys, where: str) -> list[dict]:
    """axe on an internal page, printed for a person to read; returns the violations that are the app's own: every
    one but STREAMLITS_OWN's rules where each element it names lies in Streamlit's sidebar navigation."""
    with whole_page_in_view(page):
        violations = Axe().run(page).response["violations"]
    with capsys.disabled():
        print(f"\naxe on {where} (for information): {len(violations)} kind(s) of violation")
        for v in violations:
            print(f"  {v['impact']:>9} {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
    return [v for v in violations if v["id"] not in STREAMLITS_OWN
            or not all(page.evaluate(IN_SIDEBAR_NAV, n["target"][-1]) for n in v["nodes"])]


def summary_overflow(page) -> int:
    """How many pixels of the overview's summary table lie beyond its box, to be scrolled to sideways."""
    table = main(page).locator("table").filter(has=page.get_by_role("columnheader", name="Aspiration"))
    return table.evaluate("t => t.scrollWidth - t.clientWidth")


def test_overview_briefs_the_meeting_date_chosen(page, signed_in_as, shots, capsys):
    signed_in_as(page, "pcc@example.org")
    # on a laptop's screen the summary's every column is in view, its aspirations not cut at the right edge
    assert summary_overflow(page) <= 1
    expect(main(page).get_by_role("heading", name="Public Accountability Board briefing", level=1)).to_be_visible()
    expect(main(page).get_by_test_id("stMetric").first).to_be_visible()
    # every rule, the moderate and minor too, but Streamlit's own sidebar list (the app's own colours: its small
    # print was Streamlit's faded grey, 3.9:1 on white)
    found = print_axe_findings(page, capsys, "the internal overview")
    assert not found, [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in found]
    # today is 21 November 2026 and the sample's figures end in March 2026
    expect(reporting_period(page)).to_have_text("Reporting period: March 2026; latest complete quarter Q4 2025/26")

    set_meeting_date(page, "20082015")
    expect(reporting_period(page)).to_have_text("Reporting period: July 2015; latest complete quarter Q1 2015/16")
    settle(page)
    # each measure's card: the force's figure and each district's, side by side
    labels = main(page).get_by_test_id("stMetricLabel")
    expect(labels.first).to_have_text("South Yorkshire")
    assert labels.all_inner_texts()[:5] == ["South Yorkshire", *DISTRICTS]
    assert all(v.strip() for v in main(page).get_by_test_id("stMetricValue").all_inner_texts()[:5])
    # each figure's words are read whole: none is cut short with an ellipsis in its column a fifth of the page wide
    cut = main(page).get_by_test_id("stMetric").evaluate_all("""metrics => metrics
        .flatMap(m => [m, ...m.querySelectorAll('*')])
        .filter(e => getComputedStyle(e).overflowX !== 'visible' && (e.textContent || '').trim()
                     && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent.trim())""")
    assert not cut, cut
    assert summary_overflow(page) <= 1
    expect(main(page).get_by_text("across South Yorkshire in July 2015").first).to_be_visible()
    # the variation in words as well as colour: "Common cause: ..." or "Special cause: ..."
    expect(main(page).locator(".stMarkdownBadge").filter(has_text=re.compile(r"(Common|Special) cause")).first
           ).to_be_visible()
    full_shot(page, shots / "internal-01-overview.png")

    priorities = main(page).get_by_role("radiogroup", name="Priority")
    expect(priorities.get_by_role("radio", checked=True)).to_have_text("Protecting vulnerable people")
    # the summary's and the priorities' headings (h2) come first; then each measure's card (h3)
    expect(main(page).get_by_role("heading", name="Summary", level=2)).to_be_visible()
    heading = main(page).get_by_role("heading", level=3).first
    before = heading.inner_text()
    other = priorities.get_by_role("radio", checked=False).first  # July 2015 has fewer priorities than 2026
    name = other.inner_text().strip()
    other.click()
    expect(priorities.get_by_role("radio", checked=True)).to_have_text(name)
    expect(heading).not_to_have_text(before)
    settle(page)
    expect(reporting_period(page)).to_contain_text("July 2015")  # the meeting date holds
    expect(main(page).get_by_test_id("stMetricLabel").first).to_have_text("South Yorkshire")
    full_shot(page, shots / "internal-01-overview-second-priority.png")


def test_measure_draws_the_chart_switches_view_and_saves_commentary(page, signed_in_as, shots):
    signed_in_as(page, "pcc@example.org")
    go_to(page, "Measure")
    expect(main(page).get_by_role("heading", name="Measure", level=1)).to_be_visible()
    choose(page, "Measure", CHARGES)
    choose(page, "Area", "Rotherham")
    charts = main(page).get_by_test_id("stPlotlyChart")
    chart = charts.first  # the SPC chart; the districts' funnel plot comes after it
    # Rotherham's charges are mostly 5 or fewer a month: the page opens on quarters and says why
    expect(chart.locator(".gtitle")).to_have_text(titled(f"{CHARGES}, Rotherham, by financial quarter"))
    expect(main(page).get_by_text(re.compile(r"mostly 5 or fewer")).first).to_be_visible()
    expect(charts.nth(1).locator(".gtitle")).to_contain_text(titled("March 2026", whole=False))
    choose(page, "View", "Monthly (SPC chart)")
    # once the old chart is gone
    expect(chart.locator(".gtitle")).to_have_text(titled(f"{CHARGES}, Rotherham, by month"))
    expect(main(page).get_by_text("Rotherham inquiry report published").first).to_be_attached()
    expect(chart.locator(".scatterlayer .trace").first).to_be_visible()
    assert chart.locator(".scatterlayer .trace .point").count() > 100  # a point a month from April 2013
    expect(chart.locator(".legendtext")).to_contain_text(["People", "Mean", "Upper process limit"])
    expect(main(page).get_by_text(re.compile(r"\d+ months to March 2026; mean"))).to_be_visible()
    full_shot(page, shots / "internal-02-measure-monthly.png")

    choose(page, "View", "Financial years")
    expect(chart.locator(".gtitle")).to_have_text(titled(f"{CHARGES}, Rotherham, financial years"))
    expect(chart.locator(".barlayer .point").first).to_be_visible()
    # the years' title is drawn by the run for that view, which may still be going: the monthly view's table, a
    # different element, stays on the page until the run ends
    settle(page)
    expander = main(page).get_by_test_id("stExpander").filter(has_text="The chart's figures as a table")
    expect(expander).to_have_count(1)
    expander.get_by_text("The chart's figures as a table").click()
    table = expander.get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    expect(table.locator('td[role="gridcell"]', has_text="2014/15").first).to_be_attached()
    assert "2014/15" in grid_cells(table) and "2015/16" in grid_cells(table)

    box = main(page).get_by_role("textbox", name="Commentary (goes into the briefing pack)")
    box.fill("Charges in Rotherham held steady; the force will explain the dip in 2016.")
    main(page).get_by_role("button", name="Save commentary").click()
    expect(main(page).get_by_text("Last saved by pcc@example.org")).to_be_visible()
    expect(box).to_have_value("Charges in Rotherham held steady; the force will explain the dip in 2016.")
    full_shot(page, shots / "internal-02-measure-financial-years.png")


def test_a_flag_raised_on_provenance_shows_beside_the_figure_and_is_resolved_on_flags(page, signed_in_as, served,
                                                                                     shots):
    reason = "Two charges counted twice in the Rotherham return; the force is checking."
    with warehouse.connect_read_only(served.db) as con:  # another test on the shared server may leave its own
        before = len(flags(con, status="open"))
    signed_in_as(page, "analyst@example.org")
    go_to(page, "Provenance")
    choose(page, "Measure", CHARGES)
    choose(page, "Area", "Rotherham")
    choose(page, "Month", "July 2015")
    expect(main(page).get_by_test_id("stMetricLabel")).to_have_text(f"{CHARGES}, Rotherham, July 2015")
    expect(main(page).get_by_role("heading", name="Revision history")).to_be_visible()
    source = main(page).get_by_text(re.compile(r'Revision \d+, from file "2015-16-[^"]+", .*row \d+'))
    expect(source).to_be_visible()
    history = main(page).get_by_test_id("stDataFrame")
    expect(history.locator('td[role="gridcell"]', has_text="2015-16-").first).to_be_attached()
    full_shot(page, shots / "internal-07-provenance.png")

    form = main(page).get_by_test_id("stForm")
    form.get_by_label("This figure").check(force=True)
    form.get_by_label("Reason (shown next to the figure wherever it appears)").fill(reason)
    form.get_by_role("button", name="Raise flag").click()
    caveats = main(page).get_by_test_id("stAlert").filter(has_text="Caveats")
    expect(caveats).to_contain_text(reason)
    expect(caveats).to_contain_text("analyst@example.org")
    full_shot(page, shots / "internal-07-provenance-flagged.png")

    go_to(page, "Flags")
    expect(main(page).get_by_role("heading", name="Flags", level=1)).to_be_visible()
    opened = metric_value(page, "Open")
    expect(opened).to_have_text(str(before + 1))
    resolved_before = int(metric_value(page, "Resolved").inner_text())  # other tests may have resolved theirs
    listed = main(page).get_by_test_id("stDataFrame").first  # the flags; the chosen flag's history follows
    expect(listed.locator('td[role="gridcell"]', has_text=reason).first).to_be_attached()
    listed.locator(".dvn-scroller").evaluate("e => { e.scrollLeft = e.scrollWidth; }")  # to "raised_by"
    expect(listed.locator('td[role="gridcell"]', has_text="analyst@example.org").first).to_be_attached()
    full_shot(page, shots / "internal-08-flags-open.png")

    resolve = main(page).get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Resolve flags"))
    pick(page, "Flags", re.compile(re.escape(reason[:40])), typed=reason[:20])
    page.keyboard.press("Escape")  # the multiselect's list left open hides the rest of the page from a reader
    resolve.get_by_label("What was found and done").fill("Checked with the force: the return was right.")
    resolve.get_by_role("button", name="Resolve flags").click()
    expect(opened).to_have_text(str(before))
    if not before:
        expect(main(page).get_by_text("No open flags.")).to_be_visible()
    resolved = metric_value(page, "Resolved")
    expect(resolved).to_have_text(str(resolved_before + 1))
    full_shot(page, shots / "internal-08-flags-resolved.png")


def test_the_briefing_pack_downloads_as_pdf_and_self_contained_html(page, signed_in_as, shots, tmp_path):
    signed_in_as(page, "pcc@example.org")
    go_to(page, "Briefing pack")
    expect(main(page).get_by_role("heading", name="Briefing pack", level=1)).to_be_visible()
    expect(main(page).get_by_role("heading", name="Questions for the Chief Constable")).to_be_visible()
    expect(main(page).get_by_role("textbox", name="Questions", exact=True)).to_have_value(re.compile(r"\?"))
    main(page).get_by_role("button", name="Prepare the pack").click()
    pdf_button = main(page).get_by_role("button", name="Download PDF")
    expect(pdf_button).to_be_visible(timeout=90_000)
    settle(page)
    full_shot(page, shots / "internal-03-briefing-pack.png")

    with page.expect_download() as pdf:
        pdf_button.click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    saved = tmp_path / pdf.value.suggested_filename
    pdf.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000, (data[:20], len(data))

    with page.expect_download() as html:
        main(page).get_by_role("button", name="Download HTML").click()
    assert html.value.suggested_filename.endswith(".html")
    saved = tmp_path / html.value.suggested_filename
    html.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "Questions for the Chief Constable" in text
    assert "<script" not in text.lower()
    assert 'src="http' not in text  # self-contained: no image, font or script fetched from anywhere


def test_police_uk_context_shows_each_district_and_the_records_placed_in_none(page, signed_in_as, shots, capsys):
    signed_in_as(page, "pcc@example.org")
    go_to(page, "police.uk context")
    expect(main(page).get_by_role("heading", name="police.uk context", level=1)).to_be_visible()
    expect(main(page).get_by_text("About police.uk figures (4)")).to_be_visible()
    expect(main(page).get_by_role("heading", name="By district, November 2017")).to_be_visible()
    table = main(page).get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    expect(main(page).get_by_text(re.compile(r'"All records" counts every record falling within'))).to_be_visible()
    expect(table.locator('td[role="gridcell"]', has_text="Violence and sexual").first).to_be_attached()
    assert "No location" not in grid_cells(table)  # a column, not a row: every row is a measure
    expect(main(page).get_by_test_id("stPlotlyChart")).to_be_visible()
    found = print_axe_findings(page, capsys, "the police.uk context page")
    assert not found, [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in found]
    full_shot(page, shots / "internal-03b-police-uk-context.png")


def test_validation_runs_quarantine_and_files_loaded_show_their_tables(page, signed_in_as, shots):
    signed_in_as(page, "analyst@example.org")
    go_to(page, "Validation runs")
    expect(main(page).get_by_role("heading", name="Validation runs", level=1)).to_be_visible()
    runs = metric_value(page, "Files checked")
    expect(runs).to_have_text(str(DEMO_FILES))
    warned = metric_value(page, "Files with warnings")
    expect(warned).not_to_have_text("0")
    table = main(page).get_by_test_id("stDataFrame").first
    # newest first: the demo's police.uk files, then the returns (the table draws only the rows in view)
    expect(table.locator('td[role="gridcell"]', has_text="2017-11-south-yorkshire-street").first).to_be_attached()

    run = main(page).get_by_role("combobox", name="Run", exact=True)
    begun = pick(page, "Run", re.compile(r'"2023-24-cse-return\.csv": passed with warnings$'), typed="2023-24-cse")
    expect(run).to_have_value(re.compile(r"2023-24-cse-return\.csv"))
    settle_after(page, begun)  # the box shows the run chosen before the page's run for it has begun
    expect(main(page).get_by_role("heading", name="Failing rows")).to_be_visible()
    rules, failing = main(page).get_by_test_id("stDataFrame").nth(1), main(page).get_by_test_id("stDataFrame").nth(2)
    expect(rules.locator('td[role="gridcell"]', has_text="Month on month change").first).to_be_attached()
    expect(failing.locator('td[role="gridcell"]', has_text="2023-24-cse-return.csv").first).to_be_attached()
    assert "Month on month change" in grid_cells(failing)
    full_shot(page, shots / "internal-04-validation-runs.png")

    go_to(page, "Quarantine")
    expect(main(page).get_by_role("heading", name="Quarantine", level=1)).to_be_visible()
    expect(main(page).get_by_text("Nothing is in quarantine")).to_be_visible()
    full_shot(page, shots / "internal-05-quarantine.png")

    go_to(page, "Files loaded")
    expect(main(page).get_by_role("heading", name="Files loaded", level=1)).to_be_visible()
    accepted = metric_value(page, "Accepted")
    expect(accepted).to_have_text(str(DEMO_FILES))
    refused = metric_value(page, "Refused")
    expect(refused).to_have_text("0")
    expect(metric_value(page, "Refused and still open")).to_have_text("0")
    files = main(page).get_by_test_id("stDataFrame")
    expect(files.locator('td[role="gridcell"]', has_text="2025-26-cse-return.xlsx").first).to_be_attached()
    assert "accepted" in grid_cells(files)
    full_shot(page, shots / "internal-06-files-loaded.png")


def test_an_analyst_sees_the_publishing_page_but_cannot_approve(page, signed_in_as, shots):
    signed_in_as(page, "analyst@example.org")
    go_to(page, "Approve and publish")
    expect(main(page).get_by_role("heading", name="Approve and publish", level=1)).to_be_visible()
    expect(main(page).get_by_text("analyst@example.org can see this page but not approve or publish")).to_be_visible()
    expect(main(page).get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(main(page).get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    full_shot(page, shots / "internal-09-approve-and-publish-analyst.png")


@pytest.mark.publishes
def test_the_pcc_approves_and_publishes_a_month_and_the_public_app_offers_it(page, signed_in_as, served, shots):
    signed_in_as(page, "pcc@example.org")
    go_to(page, "Approve and publish")
    published = metric_value(page, "Published")
    expect(published).to_have_text("16")  # April 2014 to July 2015
    begun = pick(page, "Months to approve", "August 2015")
    page.keyboard.press("Escape")
    expect(main(page).get_by_test_id("stMultiSelect").filter(has_text="Months to approve")).to_contain_text(
        "August 2015")
    settle_after(page, begun)
    full_shot(page, shots / "internal-09-approve-and-publish-chosen.png")
    main(page).get_by_role("button", name="Approve", exact=True).click()
    approved = metric_value(page, "Approved")
    expect(approved).to_have_text("1")
    # the preview: disclosure control of every table and its audit take a few seconds
    expect(main(page).get_by_text("Months added: August 2015.")).to_be_visible(timeout=90_000)
    expect(main(page).get_by_role("button", name="Publish", exact=True)).to_be_disabled()
    main(page).get_by_text("I have checked what the public will see").click()
    main(page).get_by_role("button", name="Publish", exact=True).click()
    expect(published).to_have_text("17")
    expect(approved).to_have_text("0")
    full_shot(page, shots / "internal-09-approve-and-publish-done.png")

    page.goto(served.public_url)  # the public app offers the month at once
    expect(main(page).get_by_role("heading", name="The latest month: August 2015")).to_be_visible()
    settle_after(page, pick(page, "Period", "Months"))  # the box of months is drawn by that choice's run
    settle_after(page, pick(page, "Months", "July 2015"))  # an earlier month, chosen
    expect(main(page).get_by_role("heading", name="Month: July 2015")).to_be_visible()
    full_shot(page, shots / "public-04-summary-after-publishing.png")


def test_a_link_to_another_page_wraps_on_a_phone_rather_than_being_cut(page, signed_in_as):
    """Streamlit writes a page link on one line and cut "Trace South Yorkshire's figure for March 2026 to its
    source" at a phone's width, mid-word; the link wraps, whole."""
    page.set_viewport_size({"width": 390, "height": 844})
    signed_in_as(page, "pcc@example.org")
    open_page(page, page.url.split("?")[0].rstrip("/") + "/measure")
    link = main(page).get_by_test_id("stPageLink-NavLink").filter(has_text="Trace South Yorkshire's figure")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    label = link.locator("p, span").filter(has_text="to its source").last
    cut = label.evaluate("e => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis'"
                         " && getComputedStyle(e).whiteSpace === 'nowrap'")
    assert not cut, "the link's words are cut at a phone's width"
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390


def test_the_measure_page_reads_whole_on_a_phone(page, signed_in_as):
    """Plotly never wraps a title: a measure's name with its area ran past the chart's right edge on a phone, cut
    mid-word. Each chart's title is broken into lines that fit, and none is drawn outside its chart; the funnel
    plot's labels lie clear of each other; each caveat reads whole."""
    page.set_viewport_size({"width": 390, "height": 844})
    signed_in_as(page, "pcc@example.org")
    open_page(page, page.url.split("?")[0].rstrip("/") + "/measure")  # the sidebar is folded away on a phone
    choose(page, "Measure", CHARGES)
    charts = main(page).get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)  # the SPC chart and the districts' funnel plot
    # the choice's run may begin after the wait above saw the run before it end: its charts are the ones measured
    expect(charts.nth(1).locator(".gtitle")).to_contain_text(titled(CHARGES, whole=False))
    settle(page)
    for chart in charts.all():
        expect(chart.locator(".gtitle")).to_contain_text(titled(CHARGES, whole=False))
        chart.scroll_into_view_if_needed()
        edge, title = chart.bounding_box(), chart.locator(".gtitle").bounding_box()
        assert edge and title, "a chart or its title is not drawn"
        assert edge["x"] <= title["x"] and title["x"] + title["width"] <= edge["x"] + edge["width"], (
            f"a chart's title runs past its edge on a phone: {chart.locator('.gtitle').text_content()}")
    # the funnel plot's names of districts, and what is written on it, lie clear of each other
    boxes = charts.nth(1).locator(".textpoint text, .annotation-text").evaluate_all(
        "ts => ts.map(t => { const r = t.getBoundingClientRect();"
        " return [t.textContent, r.left, r.top, r.right, r.bottom]; })")
    assert len(boxes) >= 4, boxes
    over = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]
    assert not over, f"labels lie over each other on the funnel plot on a phone: {over}"
    # each caveat is a sentence, read whole: wrapped within the page, not cut at its column's width
    caveats = main(page).get_by_test_id("stTable").filter(has_text="Caveat")
    caveats.scroll_into_view_if_needed()
    cut = caveats.locator("td").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > innerWidth)"
        ".map(c => c.textContent)")
    assert caveats.locator("td").count() and not cut, f"caveats cut on a phone: {cut[:3]}"


@pytest.mark.parametrize("width", [390, 1024])
def test_the_overview_and_provenance_do_not_scroll_sideways_and_the_figure_is_named_whole(page, signed_in_as, width):
    """The overview's summary table (870 px wide on a phone, 1,234 px on a tablet) made the whole page scroll
    sideways, so the Commissioner read the briefing's sentences by dragging it; it now scrolls within itself. The
    Provenance page named its figure "People arrested on suspicion of child abuse offences, Barns…", cutting the
    area and the month."""
    page.set_viewport_size({"width": width, "height": 900})
    signed_in_as(page, "pcc@example.org")
    settle(page)
    expect(main(page).get_by_role("heading", name="Summary")).to_be_visible()
    wide = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert wide <= 1, f"the overview scrolls {wide} px sideways at {width} px"
    table = main(page).locator("table").first  # the summary: within the screen, its own columns scrolled to
    assert table.evaluate("t => t.getBoundingClientRect().right <= innerWidth + 1"), "the summary runs off the screen"
    open_page(page, page.url.split("?")[0].rstrip("/") + "/provenance")
    label = main(page).get_by_test_id("stMetricLabel").first
    expect(label).to_be_visible()
    cut = label.locator("*").evaluate_all(
        "es => es.some(e => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis')")
    assert not cut, f"the figure's name is cut: {label.text_content()}"
    assert page.evaluate("() => document.documentElement.scrollWidth - innerWidth") <= 1
