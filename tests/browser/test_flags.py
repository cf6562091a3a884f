"""The Flags page walked as an analyst would: filter, assign, resolve two at once; and no e-mail address on the
Flags page or the Overview (a flagger's, an assignee's, one inside a reason) is ever a mailto link."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from pipelines import warehouse
from pipelines.audit import system_actor
from pipelines.flags import flags, raise_flag, resolve_flags

from .conftest import go_to, pick, rerun_awaited, settle, settle_after

MARCH = "2026-03"  # the sample's latest month, which the Overview briefs on the fixed today
REASONS = ("Two notices counted twice; ask data.team@example.org",
           "The district's recording system was down for a week",
           "Sent before the month closed")


def main(page):
    return page.get_by_test_id("stMain")


def metric(page, label: str):
    labelled = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return main(page).get_by_test_id("stMetric").filter(has=labelled).get_by_test_id("stMetricValue")


def no_mailto(page) -> None:
    settle(page)
    expect(page.locator('a[href^="mailto:"]')).to_have_count(0)


def raise_three(db) -> list[int]:
    actor = system_actor("analyst@example.org")
    with warehouse.connect(db, create=False) as con:
        [(file_id,)] = con.execute("SELECT file_id FROM figure WHERE period = ? AND district = 'Doncaster' AND measure "
                                   "= 'cawn_issued'", [f"{MARCH}-01"]).fetchall()
        return [raise_flag(con, actor, scope="figure", reason=REASONS[0], period=MARCH, district="Doncaster",
                           measure="cawn_issued"),
                raise_flag(con, actor, scope="district_month", reason=REASONS[1], period=MARCH, district="Rotherham"),
                raise_flag(con, actor, scope="file", reason=REASONS[2], file_id=file_id)]


def open_flags(db) -> int:
    """Open flags on the shared server's warehouse: another test may leave its own open."""
    with warehouse.connect_read_only(db) as con:
        return len(flags(con, status="open"))


def test_flags_are_filtered_assigned_and_resolved_two_at_once_with_no_mailto_link(page, served, signed_in_as, shots):
    before = open_flags(served.db)
    numbers = raise_three(served.db)
    try:
        signed_in_as(page, "analyst@example.org")
        go_to(page, "Flags")
        expect(main(page).get_by_role("heading", name="Flags", level=1)).to_be_visible()
        expect(metric(page, "Open")).to_have_text(str(before + 3))
        grid = main(page).get_by_test_id("stDataFrame").first
        expect(grid.locator('td[role="gridcell"]', has_text="Doncaster's CAWNs issued in March 2026: Two notices")
               ).to_be_attached()
        no_mailto(page)

        settle_after(page, pick(page, "District", "Doncaster"))
        expect(grid.locator('td[role="gridcell"]', has_text="Every measure for Rotherham")).to_have_count(0)
        # the flag chosen is the one the form below assigns once the choice's run has drawn it
        settle_after(page, pick(page, "Flag", re.compile("^Doncaster's CAWNs issued"), typed="Doncaster's"))
        main(page).get_by_label("Assign to (an e-mail address or a name)").fill("data.team@example.org")
        with rerun_awaited(page):
            main(page).get_by_role("button", name="Assign", exact=True).click()
        history = main(page).get_by_test_id("stDataFrame").nth(1)
        expect(history.locator('td[role="gridcell"]', has_text="Assigned to data.team@example.org")).to_be_attached()
        show = main(page).get_by_role("radiogroup", name="Show")
        with rerun_awaited(page):  # the radio shows "Assigned" at once; the list is the run's, read once it is over
            show.get_by_role("radio", name="Assigned", exact=True).click()
        expect(show.get_by_role("radio", checked=True)).to_have_text("Assigned")
        expect(grid.locator('td[role="gridcell"]', has_text="assigned to data.team@example.org")).to_be_attached()
        no_mailto(page)
        page.screenshot(path=shots / "internal-flags-assigned.png", full_page=True)

        # the Overview carries the open flags' caveats, the flagger's address and the one in a reason as text
        go_to(page, "Overview")
        caveats = main(page).get_by_test_id("stAlert").filter(has_text="Caveats on this briefing's figures")
        expect(caveats).to_contain_text("flagged by analyst@example.org")
        no_mailto(page)

        go_to(page, "Flags")  # the filters start afresh
        resolve = main(page).get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Resolve flags"))
        pick(page, "Flags", re.compile("^Every measure for Rotherham"), typed="Every measure")
        pick(page, "Flags", re.compile("^The whole file"), typed="The whole file")
        page.keyboard.press("Escape")  # the list left open hides the rest of the page from a reader
        resolve.get_by_label("What was found and done").fill("Checked with the force: both were right.")
        with rerun_awaited(page):
            resolve.get_by_role("button", name="Resolve flags").click()
        expect(metric(page, "Open")).to_have_text(str(before + 1))
        no_mailto(page)
        with warehouse.connect_read_only(served.db) as con:
            done = flags(con, status="resolved")
        assert set(numbers[1:]) <= set(done["flag_id"])
        assert set(done[done["flag_id"].isin(numbers[1:])]["resolution_note"]) == {
            "Checked with the force: both were right."}
    finally:  # the shared server's other tests expect no open flag of this test's
        with warehouse.connect(served.db, create=False) as con:
            still = [n for n in numbers if n in set(flags(con, status="open")["flag_id"])]
            if still:
                resolve_flags(con, system_actor("analyst@example.org"), still, "Closed at the end of the test")
