"""The HTML pack's "Since the last meeting" tables, read in a browser window as wide as a laptop's, a tablet's and a
phone's: every word wraps whole (an owner "Detective Chief Superintendent Khan (since 25 August 2015; first owner
ACC Jones)" is never broken mid-word), the columns take the shares the PDF gives them where the window allows, and a
table too wide for a phone scrolls inside its own box, never the page."""

from __future__ import annotations

import dataclasses

from dashboard_helpers import copy_warehouse
from test_pack_loop import day, record_first_meetings

from pipelines import accountability as acc
from pipelines import warehouse
from pipelines.audit import cli_actor
from pipelines.briefing.loop_section import ACTION_WIDTHS
from pipelines.briefing.pack import build_pack
from pipelines.briefing.render import UNBROKEN, render_html

from .conftest import TIMEOUT_MS

# Each word of the loop's cells (a run of letters and digits: a line may end at a hyphen or other punctuation, as in
# "Fotheringham-" / "Whittingstall") that the browser laid out over more than one line.
BROKEN_WORDS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('section.loop td, section.loop th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""

# Each actions table's columns as shares of its width, and whether the table scrolls inside its box.
ACTION_TABLES = """() => [...document.querySelectorAll('section.loop table')]
  .filter(t => t.querySelector('thead th:nth-child(2)').textContent === 'Owner')
  .map(t => ({caption: t.querySelector('caption').textContent,
              shares: [...t.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().width
                                                                 / t.getBoundingClientRect().width),
              scrolls: t.parentElement.scrollWidth > t.parentElement.clientWidth + 1}))"""


def test_the_html_packs_loop_tables_wrap_between_words_in_any_window(browser, sample_db, tmp_path):
    """Regression: the loop's cells broke anywhere (`overflow-wrap: anywhere`) in columns the browser sized as it
    pleased: at 1280 pixels the Status heading read "Statu" / "s", and in a window 600 pixels wide "Superintendent"
    broke mid-word in the Owner column, where the PDF wraps it between words."""
    who = cli_actor("pcc@example.org")
    wh = copy_warehouse(sample_db, tmp_path)
    with warehouse.connect(wh) as con:
        rec = record_first_meetings(con, who, hostile=True)  # a question with a run of 300 letters, too
        acc.add_action(con, who, meeting_id=rec["first"].meeting_id, body="Publish the charging review",
                       owner="DCI Fotheringham-Whittingstall", due_meeting_id=rec["third"].meeting_id)
        acc.hand_over_action(con, who, rec["action"], owner="Detective Chief Superintendent Khan",
                             reason="ACC Jones has retired", on="2015-08-25")
        pack = build_pack(con, day("2015-09-17"), "pccdash tests")
    pack.measures = [dataclasses.replace(m, chart=None) for m in pack.measures]  # the loop is what is read here
    page_html = render_html(pack)
    assert "Detective Chief Superintendent Khan (since 25 August 2015; first owner ACC Jones)" in page_html
    for width in (1280, 800, 600, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            page.set_content(page_html)
            broken = page.evaluate(BROKEN_WORDS)
            # only a run too long for any column breaks: the 300 letters of the long question
            assert [w for w in broken if len(w) <= UNBROKEN] == [], f"words broken at {width} pixels: {broken}"
            assert broken, f"the run of 300 letters is left to break at {width} pixels"
            assert page.evaluate("() => document.documentElement.scrollWidth - innerWidth") <= 1, (
                f"the page scrolls sideways at {width} pixels")
            tables = page.evaluate(ACTION_TABLES)
            assert tables, "the pack has an actions table"
            for t in tables:
                if width >= 800:  # room for every column's share, as the PDF gives them
                    assert not t["scrolls"], f"{t['caption']} scrolls sideways at {width} pixels"
                    assert all(abs(s - w) < 0.02 for s, w in zip(t["shares"], ACTION_WIDTHS, strict=True)), (
                        f"{t['caption']} at {width} pixels: {t['shares']}")
        finally:
            context.close()
