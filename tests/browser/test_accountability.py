"""The Commissioner keeps the accountability loop in a real browser: records a meeting, puts a question, records an
assurance decision with its evidence, adds an action and closes it with a note; and hostile text typed into the loop
is shown as typed, never acted on. Meetings here are in 2016, a year no other browser test records; nothing is
published."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .conftest import full_shot, go_to, runs_begun, settle, settle_after


def main(page):
    return page.get_by_test_id("stMain")


def type_date(page, scope, label: str, ddmmyyyy: str) -> None:
    """Type a date into the date input labelled `label`, as a person would (it takes the value on leaving it)."""
    scope.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(ddmmyyyy)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def select(page, scope, label: str, option: str, *, in_form: bool = False) -> None:
    """Open the select box or multiselect labelled `label` inside `scope` and click `option`. Opened while the page
    was still redrawing (an expander just opened), the list can be replaced under the pointer: then it is opened
    again. Outside a form the choice reruns the app: that run is waited for, begun and ended (the page says it is
    not running until the run begins)."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        settle(page)
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.click()
        begun = runs_begun(page)
        try:
            wanted.click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            box.press("Escape")
    if in_form:
        settle(page)
    else:
        settle_after(page, begun)


def record_meeting(page, ddmmyyyy: str, label: str) -> None:
    main(page).get_by_text("Record a meeting", exact=True).click()
    form = main(page).get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Record meeting"))
    type_date(page, form, "Date", ddmmyyyy)
    form.get_by_role("button", name="Record meeting").click()
    expect(main(page).get_by_role("heading", name=label, level=2)).to_be_visible()
    settle(page)


def put_question(page, text: str):
    """Put the office's own question at the meeting shown; the bordered block that shows it."""
    form = main(page).get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Put question"))
    form.get_by_label("The office's own question").fill(text)
    form.get_by_role("button", name="Put question").click()
    block = main(page).locator('[class*="st-key-question_"]').filter(has_text=text)
    expect(block).to_be_visible()
    settle(page)
    return block


def add_action(page, text: str, owner: str) -> None:
    form = main(page).get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add action"))
    form.get_by_label("Action", exact=True).fill(text)
    form.get_by_label("Owner", exact=True).fill(owner)
    select(page, form, "Due by", "The date beside", in_form=True)
    type_date(page, form, "Due date (when due by a date)", "16062016")
    form.get_by_role("button", name="Add action").click()
    expect(main(page).get_by_text(re.compile(r"Action \d+\. " + re.escape(text)))).to_be_visible()
    settle(page)


def test_the_commissioner_records_a_decision_and_closes_an_action(page, signed_in_as, shots):
    question = "Why did the Rotherham charges fall in the winter of 2015?"
    action = "Report to the Board on the charging backlog in Rotherham"
    signed_in_as(page, "pcc@example.org")
    go_to(page, "Meetings and questions")
    expect(main(page).get_by_role("heading", name="Meetings and questions", level=1)).to_be_visible()
    expect(main(page).get_by_text(re.compile("Holding the force to account is a loop"))).to_be_visible()

    record_meeting(page, "17032016", "Public Accountability Board, 17 March 2016")
    expect(main(page).get_by_text("Reporting month: February 2016")).to_be_visible()
    block = put_question(page, question)
    expect(block).to_contain_text("Asked by pcc@example.org, from the office")
    expect(block).to_contain_text("Where it stands: No answer recorded yet")

    block.get_by_text("Assurance decision", exact=True).click()
    select(page, block, "Decision", "Partly assured")
    block.get_by_label("Rationale").fill("The force has a plan; its effect on the figures is not yet seen.")
    select(page, block, "Evidence considered", "Figures")
    select(page, block, "Evidence considered", "A visit")
    block.locator('textarea[aria-label="Figures"]').fill("Charges, Rotherham, February 2016")
    block.locator('textarea[aria-label="A visit"]').fill("The Commissioner's visit to the Rotherham hub")
    block.get_by_role("button", name="Record decision").click()
    expect(block).to_contain_text("decision: Partly assured")
    expect(block).to_contain_text("Evidence considered: Figures: Charges, Rotherham, February 2016; A visit: "
                                  "The Commissioner's visit to the Rotherham hub")
    settle(page)

    add_action(page, action, "ACC Jones")
    full_shot(page, shots / "accountability-01-meeting.png")

    go_to(page, "Actions")
    expect(main(page).get_by_role("heading", name="Actions", level=1)).to_be_visible()
    card = main(page).locator('[class*="st-key-action_"]').filter(has_text=action)
    expect(card).to_contain_text("Owner: ACC Jones")
    expect(card).to_contain_text("the Public Accountability Board, 17 March 2016")
    expect(card).to_contain_text("Overdue")  # due 16 June 2016; today is 21 November 2026
    full_shot(page, shots / "accountability-02-actions-open.png")
    card.get_by_text("Closed", exact=True).click()
    card.get_by_label("Note (what was done; closing needs one)").fill("Report received and read at the June Board.")
    card.get_by_role("button", name="Save").click()
    expect(card).to_have_count(0)
    settle(page)
    closed = main(page).get_by_test_id("stExpander").filter(has_text="Closed actions")
    closed.get_by_text(re.compile(r"Closed actions \(\d+\)")).click()
    grid = closed.get_by_test_id("stDataFrame")
    expect(grid.locator('td[role="gridcell"]', has_text=action)).to_be_attached()
    full_shot(page, shots / "accountability-03-actions-closed.png")


HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) =1+1"


def test_hostile_text_in_the_loop_is_shown_as_typed_and_never_acted_on(page, signed_in_as, shots):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    signed_in_as(page, "pcc@example.org")
    go_to(page, "Meetings and questions")
    record_meeting(page, "19052016", "Public Accountability Board, 19 May 2016")
    block = put_question(page, HOSTILE)
    expect(block.locator("p").filter(has_text=re.compile(r"^Question \d+\. ")).first).to_have_text(
        re.compile(r"^Question \d+\. " + re.escape(HOSTILE) + "$"))
    add_action(page, HOSTILE, "<b>owner</b>")
    expect(main(page).get_by_text(re.compile(r"owner <b>owner</b>"))).to_be_visible()
    assert main(page).locator('img[src="x"]').count() == 0
    assert main(page).locator('a[href^="javascript"]').count() == 0
    assert main(page).locator("b", has_text="owner").count() == 0
    full_shot(page, shots / "accountability-04-hostile-meeting.png")

    go_to(page, "Actions")
    card = main(page).locator('[class*="st-key-action_"]').filter(has_text=HOSTILE)
    expect(card).to_contain_text(HOSTILE)
    expect(card).to_contain_text("Owner: <b>owner</b>")
    assert main(page).locator('img[src="x"]').count() == 0
    assert main(page).locator('a[href^="javascript"]').count() == 0
    page.wait_for_timeout(500)  # an onerror handler would have fired by now
    assert dialogs == []
    full_shot(page, shots / "accountability-05-hostile-actions.png")
