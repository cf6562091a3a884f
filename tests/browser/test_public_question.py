"""A member of the public can send the Board a question from the public app and is given a receipt; hostile text
(markup, a script, a formula, a 100 kB paste) is refused with a sentence or kept as inert text, and no script runs."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .conftest import full_shot, go_to, open_page, rerun_awaited

QUESTION = "Why did CSE charges in Rotherham fall in July 2015, and what is being done about it?"
NAME, CONTACT = "Jo Bloggs", "jo.bloggs@example.com"
SCRIPT = "<script>document.title = 'pwned'; alert('pwned')</script> Why?"
IMAGE = '<img src=x onerror="alert(1)">'
FORMULA = '=HYPERLINK("http://evil.example/","Click for the figures")'


def main(page):
    return page.get_by_test_id("stMain")


def inbox_files(served) -> dict[str, dict]:
    """The questions the public app wrote: its inbox is var/inbox under the folder `pccdash serve` runs in."""
    folder = served.db.parent / "var" / "inbox"
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


def fill_and_send(page, body: str, name: str = "", contact: str = "") -> None:
    main(page).get_by_role("textbox", name="Your question").fill(body)
    main(page).get_by_role("textbox", name="Your name (optional)").fill(name)
    main(page).get_by_role("textbox", name="Contact details (optional)").fill(contact)
    # the refusal of one hostile text reads as the refusal of the one before: its run, not the page, is waited for
    with rerun_awaited(page):
        main(page).get_by_role("button", name="Send the question").click()


def test_a_member_of_the_public_sends_a_question_and_hostile_text_goes_nowhere(page, served, shots):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, served.public_url)
    go_to(page, "Ask the Board a question")
    title = page.title()
    expect(main(page).get_by_role("heading", name="Ask the Board a question", level=1)).to_be_visible()
    for words in ("meets in public every month", "reads every question before any is put", "never published",
                  "0808 800 5000", "0800 1111"):
        expect(main(page).get_by_text(words).first).to_be_visible()
    before = inbox_files(served)

    fill_and_send(page, QUESTION, NAME, CONTACT)
    sent = main(page).get_by_test_id("stAlert").filter(has_text="your question has been received")
    expect(sent).to_contain_text("Its reference is ")
    receipt = sent.inner_text().split("Its reference is ")[1][:8]
    new = {k: v for k, v in inbox_files(served).items() if k not in before}
    assert [(v["id"][:8], v["body"], v["name"], v["contact"]) for v in new.values()] == [
        (receipt, QUESTION, NAME, CONTACT)]
    expect(main(page).get_by_role("textbox", name="Your question")).to_have_value("")  # cleared: not sent twice
    full_shot(page, shots / "public-04-ask-sent.png")

    for hostile in (SCRIPT, IMAGE):  # refused with a sentence; what was typed is kept to be corrected
        fill_and_send(page, hostile, NAME, CONTACT)
        refusal = main(page).get_by_test_id("stAlert").filter(has_text="Not sent.")
        expect(refusal).to_contain_text("looks like web page code (such as <b> or &amp;)")
        expect(main(page).get_by_role("textbox", name="Your question")).to_have_value(hostile)
    full_shot(page, shots / "public-05-ask-refused.png")

    fill_and_send(page, FORMULA)  # plain words to the inbox: kept as written, neutralised in every export
    expect(main(page).get_by_test_id("stAlert").filter(has_text="your question has been received")).to_be_visible()

    box = main(page).get_by_role("textbox", name="Your question")
    box.fill("")
    box.focus()
    page.keyboard.insert_text("=1+1 " + "x" * 100_000)  # a 100 kB paste: more than the box takes, so it takes none
    with rerun_awaited(page):
        main(page).get_by_role("button", name="Send the question").click()
    said = main(page).get_by_test_id("stAlert").filter(has_text=re.compile("has been received|Not sent"))
    expect(said).to_have_text(re.compile(r"Not sent\. Write your question in the box first\. It may be at most 1,500 "
                                          r"characters; a longer text pasted in is not taken"))

    bodies = [v["body"] for k, v in inbox_files(served).items() if k not in before]
    assert sorted(bodies) == sorted([QUESTION, FORMULA])
    assert not any("<" in b for b in bodies)
    assert dialogs == [] and page.title() == title  # no script ran
    assert page.locator("script", has_text="pwned").count() == 0 and page.locator("img[src='x']").count() == 0
