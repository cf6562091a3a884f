"""A figure's link opens Provenance on that figure: from the Measure page with Area = Rotherham a person lands on
Rotherham's figure (not Barnsley's), and the address they land on opens the same figure again."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import choose, full_shot, go_to, open_page, rerun_awaited, settle

CHARGES = "People charged with child sexual exploitation related offences"


def main(page):
    return page.get_by_test_id("stMain")


def test_a_figure_s_link_from_the_measure_page_lands_on_rotherham_s_figure(page, signed_in_as, served, shots):
    signed_in_as(page, "analyst@example.org")
    go_to(page, "Measure")
    choose(page, "Measure", CHARGES)
    choose(page, "Area", "Rotherham")
    link = main(page).get_by_role("link", name=re.compile(r"Trace Rotherham's figure for March 2026"))
    link.click()
    page.wait_for_url(re.compile(r"/provenance\?"))
    settle(page)
    label = main(page).get_by_test_id("stMetricLabel")
    expect(label).to_have_text(f"{CHARGES}, Rotherham, March 2026")
    expect(main(page).get_by_role("combobox", name="Area", exact=True)).to_have_value("Rotherham")
    expect(main(page).get_by_text(re.compile(r'Revision \d+, from file "2025-26-[^"]+", .*row \d+'))).to_be_visible()
    assert "area=Rotherham" in page.url and "month=2026-03" in page.url and "measure=cse_charges" in page.url
    full_shot(page, shots / "internal-07-provenance-from-measure.png")

    # the address is the figure's: opened afresh (a bookmark, a colleague's link), it shows the same figure
    open_page(page, page.url)
    expect(main(page).get_by_test_id("stMetricLabel")).to_have_text(f"{CHARGES}, Rotherham, March 2026")

    # the force's figure shows the four districts it adds up, each with its file
    go_to(page, "Overview")
    # the summary's first force figure (the page may open with other tables: the loop since the last meeting)
    force_figure = main(page).locator('table a[href*="provenance?"][href*="area=South+Yorkshire"]').filter(
        has_text=re.compile(r"^\d[\d,]*$")).first
    href = force_figure.get_attribute("href")
    assert href and "area=South+Yorkshire" in href and "month=2026-03" in href
    open_page(page, f"{served.internal_url}/{href.lstrip('/')}")
    expect(main(page).get_by_test_id("stMetricLabel")).to_contain_text("South Yorkshire, March 2026")
    expect(main(page).get_by_text(re.compile(r"adds up its districts' figures"))).to_be_visible()
    expect(main(page).get_by_role("heading", name="Where each district's figure comes from")).to_be_visible()
    full_shot(page, shots / "internal-07-provenance-force.png")


def test_a_flag_raised_on_the_provenance_page_leaves_its_reason_box_empty(page, signed_in_as, served, shots):
    """Once a flag is raised, its form is empty again: the reason stayed in the box, ready to raise a second flag of
    the same words by pressing the button again."""
    from pipelines import warehouse
    from pipelines.audit import system_actor
    from pipelines.flags import flags, resolve_flags

    signed_in_as(page, "analyst@example.org")
    open_page(page, f"{served.internal_url}/provenance?measure=cse_charges&area=Doncaster&month=2026-02")
    full_shot(page, shots / "internal-07-provenance-history.png")
    reason = main(page).get_by_role("textbox", name=re.compile("^Reason"))
    reason.fill("Checked in the browser: two charges counted twice")
    with rerun_awaited(page):  # the run that raises the flag, whole, before the page is read
        main(page).get_by_role("button", name="Raise flag").click()
    try:
        expect(main(page).get_by_text("Checked in the browser: two charges counted twice").first).to_be_visible()
        expect(reason).to_have_value("")
    finally:  # the shared server's other tests expect no open flag of this test's
        with warehouse.connect(served.db, create=False) as con:
            mine = flags(con, status="open")
            mine = mine[mine["reason"].str.startswith("Checked in the browser")]["flag_id"].tolist()
            if mine:
                resolve_flags(con, system_actor("analyst@example.org"), mine, "Closed at the end of the test")
    go_to(page, "Flags")
    with rerun_awaited(page):
        page.get_by_role("radiogroup", name="Show").get_by_role("radio", name="All", exact=True).click()
    full_shot(page, shots / "internal-08-flags-all.png")
    go_to(page, "police.uk context")
    full_shot(page, shots / "internal-03c-police-uk-by-district.png")
