"""Only what the Commissioner approved of the accountability loop reaches the public, as approved, through the
published snapshot: no e-mail address, no submitter's name or contact, hostile text inert on the page and
neutralised in the download; a publication needs something new, and a withdrawn approval leaves the next one."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import ANALYST, PCC, downloads_of, internal, public, texts
from helpers import write_csv

from pipelines import public as public_side
from pipelines import warehouse
from pipelines.access import NotAllowed
from pipelines.accountability import add_meeting, ask, await_answer, decide, record_answer, withdraw_question
from pipelines.accountability.moderation import accept, import_inbox
from pipelines.accountability.release import (
    BOARD_COLUMNS,
    CannotRelease,
    board_items,
    hidden_number_warnings,
    release,
    release_form_defaults,
    released,
    small_number_warnings,
    unrelease,
)
from pipelines.inbox import submit
from pipelines.ingest import ingest
from pipelines.publish import pages
from pipelines.publish.approval import approve
from pipelines.publish.info import load_public_info
from pipelines.publish.snapshot import NothingToPublish, preview_publication, publish

HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HOSTILE = "=cmd|' /C calc'!A0\n<script>alert(1)</script>\n[click here](javascript:alert(1)) and **bold**"
SUBMITTER, CONTACT = "Jane Quietly-Sender", "jane.sender@example.net"


@pytest.fixture
def loop(db, tmp_path, monkeypatch):
    """A small warehouse with one approved month and a Board: an office question answered and decided on, a
    theme decided on, and a question left unanswered."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    monkeypatch.setenv("PCCDASH_INBOX_DIR", str(tmp_path / "inbox"))
    text = HEADER + "".join(f"2015-07,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (11, 21, 31, 41), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)
        board = add_meeting(con, PCC, held_on="2015-08-20").meeting_id
        asked = ask(con, PCC, board, "Why did arrests in Rotherham fall in July?")
        answer = record_answer(con, PCC, asked, body="Two officers moved to the new hub; cover is restored.",
                               answered_by="ACC Jones", answered_on="2015-09-02")
        decision = decide(con, PCC, meeting_id=board, question_id=asked, decision="partly_assured",
                          rationale="Cover is back, but the figures have not yet recovered.",
                          evidence=[("answer", "The force's written answer"), ("figures", "July's arrests")])
        theme = decide(con, PCC, meeting_id=board, theme="Protecting Vulnerable People", decision="not_assured",
                       rationale="Referrals still wait too long.", evidence=[("visit", "A visit to the hub")])
        other = ask(con, PCC, board, "When will the missing-children protocol be signed?")
    return {"db": db, "folder": tmp_path / "published", "meeting": board, "question": asked, "answer": answer,
            "decision": decision, "theme": theme, "other": other}


def snapshot_tables(path) -> dict[str, list[tuple]]:
    """Every row of every table of a snapshot file, each cell as text."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    finally:
        con.close()


def every_text(path) -> str:
    return "\n".join(str(cell) for rows in snapshot_tables(path).values() for row in rows for cell in row)


def file_text(name: str, data) -> str:
    """A download's text: a spreadsheet's every cell, any other file decoded."""
    if str(name).endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def board(path=None) -> list[dict]:
    df = public_side.read("SELECT * FROM board_item", snapshot=path)
    return df.to_dict("records")


def test_an_approved_decision_is_published_with_its_question_and_words_and_nothing_unapproved(loop, monkeypatch):
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        version, path = publish(con, PCC)
    rows = board(path)
    assert [(r["kind"], r["decision"]) for r in rows] == [("decision", "Partly assured")]
    only = rows[0]
    assert only["question"] == "Why did arrests in Rotherham fall in July?"
    assert only["asked_by"] == "The South Yorkshire Mayoral Combined Authority"  # the office as force.yaml names it
    assert (only["meeting_title"], only["meeting_date"]) == ("Public Accountability Board", "2015-08-20")
    assert only["rationale"] == "Cover is back, but the figures have not yet recovered."
    assert "A visit to the hub" not in every_text(path), "the theme's decision was not approved"
    assert "missing-children protocol" not in every_text(path), "the unanswered question was not approved"
    assert "Two officers moved" not in every_text(path), "the answer was not approved"

    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    shown = texts(at)
    assert "Why did arrests in Rotherham fall in July?" in shown
    # the holder as force.yaml titles the office: the Mayor, with Police and Crime Commissioner functions
    assert ("The Mayor's decision: Partly assured. Decided at the Public Accountability Board of 20 August "
            "2015.") in shown
    assert "Cover is back, but the figures have not yet recovered." in shown
    assert "The force's answer: The force's written answer" in shown
    assert "Public Accountability Board, 20 August 2015" in shown
    assert "Referrals still wait too long" not in shown
    for word in ("Assured", "Partly assured", "Not assured", "Awaiting evidence"):
        assert f"\n{word}: " in shown or f"- {word}: " in shown, f"the page explains {word!r}"


def test_the_board_download_counts_its_rows_in_words_that_fit_one(loop, monkeypatch):
    """Regression: a record of one published item offered its download as "(1 rows)"."""
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
    shown = texts(public(monkeypatch, loop["folder"], "public_pages/board.py"))
    assert "decision and recommendation's status (1 row), as CSV." in shown
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "answer", loop["answer"])
        publish(con, PCC)
    assert "(2 rows), as CSV." in texts(public(monkeypatch, loop["folder"], "public_pages/board.py"))


def test_the_static_sites_questions_and_decisions_page_offers_the_record_as_the_apps_page_does(loop, monkeypatch):
    """Regression: the app's Questions and decisions page offered the published record as CSV, and the static site's
    same page had no download, so a reader of the site could not take the record away."""
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        release(con, PCC, "answer", loop["answer"])
        publish(con, PCC)
    site = loop["folder"] / "public" / "site"
    page = (site / "board.html").read_text(encoding="utf-8")
    said = "Every published question, answer, decision and recommendation&#x27;s status (2 rows), as CSV."
    assert said in page
    assert '<a href="questions-and-decisions.csv">Questions and decisions (CSV)</a>' in page
    served = downloads_of(monkeypatch)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert said.replace("&#x27;", "'") in texts(at)
    assert [b.proto.label for b in at.get("download_button")] == ["Questions and decisions (CSV)"]
    (name, data), = [(n, d) for n, d in served if n.endswith(".csv")]
    assert (site / name).read_bytes() == data, "the site's file is the app's, byte for byte"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert sorted(r["kind"] for r in rows) == ["answer", "decision"]
    (decided,) = [r for r in rows if r["kind"] == "decision"]
    assert decided["evidence"] == "The force's answer: The force's written answer\nFigures: July's arrests"


def test_a_question_for_a_meeting_not_yet_held_is_to_be_asked_not_asked(loop, monkeypatch):
    """Regression: a question published for a coming meeting read "Question (asked by ...)" before the meeting."""
    from pipelines.publish.content import SnapshotView

    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        coming = add_meeting(con, PCC, held_on="2099-06-01").meeting_id
        later = ask(con, PCC, coming, "Will the hub keep its cover over the summer?")
        release(con, PCC, "question", later)
        publish(con, PCC)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    shown = texts(at)
    assert ("Question (to be asked by the South Yorkshire Mayoral Combined Authority): Will the hub keep its cover "
            "over the summer?") in shown, shown
    assert "Question (asked by" in shown and "Why did arrests in Rotherham fall in July?" in shown  # held in 2015
    # read months later, with nothing published since, the page says when "to be asked" was true
    created = pages.day(SnapshotView(public_side.current_snapshot(loop["folder"])).meta.get("created_at"))
    assert shown.count("This meeting was still to be held") == 1, "a meeting held is not said to be ahead"
    assert f"This meeting was still to be held when this was published, on {created}." in shown
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    coming, held = site.index("1 June 2099"), site.index("20 August 2015")
    said = site.index("This meeting was still to be held")
    assert coming < said < site.index("Will the hub keep its cover") < held, "under the coming meeting's heading"


def test_after_many_meetings_the_latest_are_shown_and_the_earlier_folded_by_financial_year(loop, monkeypatch):
    """Regression: the Board page showed every meeting open, one after another; after two years of monthly Boards
    the latest was followed by twenty more screens of earlier ones. The latest six are shown, the page says how many
    there are, and the earlier ones are folded under their financial year, newest first, in the app and on the
    static site."""
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])  # the fixture's Board of 20 August 2015
        for month in pd.period_range("2015-09", "2016-11", freq="M"):  # 15 more, to November 2016
            held = add_meeting(con, PCC, held_on=f"{month}-15").meeting_id
            release(con, PCC, "question", ask(con, PCC, held, f"What changed in {month:%B %Y}?"))
        publish(con, PCC)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    assert ("16 meetings have published questions or decisions. The latest 6 are shown first; the 10 before them "
            "are folded by financial year (April to March) under them.") in texts(at)
    shown = [h.value for h in at.subheader]
    assert shown[:6] == [f"Public Accountability Board, 15 {m} 2016"
                         for m in ("November", "October", "September", "August", "July", "June")], shown
    labels = [re.sub(r"\\(.)", r"\1", e.label) for e in at.expander]  # as read: Markdown's escapes removed
    assert [label for label in labels if "earlier meeting" in label] == [
        "Financial year 2016/17: 2 earlier meetings, April 2016 to May 2016",
        "Financial year 2015/16: 8 earlier meetings, August 2015 to March 2016"]
    folded = at.expander[labels.index("Financial year 2015/16: 8 earlier meetings, August 2015 to March 2016")]
    inside = "\n".join(m.value for m in folded.markdown)
    assert "Why did arrests in Rotherham fall in July?" in inside and "What changed in March 2016?" in inside
    assert "What changed in April 2016?" not in inside
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    latest, fold = site.index("15 November 2016"), site.index("<summary>Financial year 2015/16: 8 earlier meetings")
    assert latest < site.index("<summary>Financial year 2016/17: 2 earlier meetings") < fold
    assert fold < site.index("Why did arrests in Rotherham fall in July?") < site.index("Recommendations")


def test_a_published_question_with_no_published_answer_says_so_on_the_page_and_the_static_site(loop, monkeypatch):
    """Regression: a question put at a Board held, with no answer published, was shown alone, leaving the reader to
    guess whether the force had answered; it now says that no answer has been published yet, and as of when."""
    from pipelines.publish.content import SnapshotView

    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "answer", loop["answer"])
        release(con, PCC, "question", loop["other"])
        coming = ask(con, PCC, add_meeting(con, PCC, held_on="2099-06-01").meeting_id, "Will cover hold?")
        release(con, PCC, "question", coming)
        publish(con, PCC)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    shown = texts(at)
    lines = shown.splitlines()
    said = [i for i, line in enumerate(lines) if line.startswith("No answer from the force has been published yet")]
    assert len(said) == 1, shown  # the unanswered question held in 2015; not the answered one, nor the one to come
    assert lines[said[0] - 1] == "Question (asked by the South Yorkshire Mayoral Combined Authority): When will the " \
                                 "missing-children protocol be signed?"
    created = public_side.current_snapshot(loop["folder"])
    day = pages.day(SnapshotView(created).meta.get("created_at"))
    assert lines[said[0]] == f"No answer from the force has been published yet (as of this publication, {day}).", shown
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    assert "No answer from the force has been published yet" in site


def test_a_published_question_quoting_process_limits_is_explained_in_plain_words(loop, monkeypatch):
    """Questions drafted from the office's charts quote its process limits and averages: a member of the public who
    has never heard of them is told what they are where the question is published."""
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
    plain = texts(public(monkeypatch, loop["folder"], "public_pages/board.py"))
    assert "process limit" not in plain.lower()  # nothing to explain yet
    drafted = ("Live CSE investigations across South Yorkshire were 120 at the end of July 2015, below the lower "
               "process limit (120.4), with Rotherham (35) below its average for 22 months in a row. What explains "
               "the fall in live CSE investigations?")
    with warehouse.connect(loop["db"]) as con:
        asked = ask(con, PCC, loop["meeting"], drafted, source="drafted")
        release(con, PCC, "question", asked)
        publish(con, PCC)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    shown = texts(at)
    assert drafted in shown
    explained = [p for p in shown.split("\n") if "process limits" in p and p != drafted]
    assert explained, shown
    words = explained[0]
    for meaning in ("usually fall within", "average", "chance"):  # what the limits are, and why they matter
        assert meaning in words, words
    assert "Methodology and quality" in [link.proto.label for link in at.get("page_link")]


def test_no_email_address_and_no_submitters_details_reach_the_snapshot_or_the_page(loop, monkeypatch):
    submit("Is there a   named officer for my school? I am jane.sender@example.net", SUBMITTER, CONTACT,
           session="s1")
    with warehouse.connect(loop["db"]) as con:
        assert import_inbox(con, ANALYST) == 1
        (submission_id,) = con.execute("SELECT submission_id FROM public_submission").fetchone()
        # a public question with no accepted moderation behind it (as a half-finished accept would leave)
        raw = con.execute("INSERT INTO board_question (meeting_id, source, body, asked_by, submission_id, created_by, "
                          "created_at) VALUES (?, 'public', 'unmoderated', 'A member of the public', 'elsewhere', "
                          "'x', now()) RETURNING question_id", [loop["meeting"]]).fetchone()[0]
        with pytest.raises(CannotRelease, match="not accepted in moderation"):
            release(con, PCC, "question", raw)
        question = accept(con, ANALYST, submission_id, edited_body="Does every school have a named officer?",
                          meeting_id=loop["meeting"])
        answer = record_answer(con, PCC, question, body="Yes: each school has one, listed on the force's site.",
                               answered_by="Superintendent, Rotherham", answered_on="2015-09-02")
        release(con, PCC, "question", question)
        release(con, PCC, "answer", answer)
        release(con, PCC, "decision", loop["decision"])
        _, path = publish(con, PCC)
    everything = every_text(path)
    assert "Does every school have a named officer?" in everything
    assert "A member of the public" in everything
    for secret in (SUBMITTER, CONTACT, "jane.sender", "Is there a", "pcc@example.org", "analyst@example.org"):
        assert secret not in everything
    office = load_public_info()["contact"]["email"]  # the office's own published address, kept with the snapshot
    assert not EMAIL.search(everything.replace(office, "")), EMAIL.search(everything.replace(office, ""))

    served = downloads_of(monkeypatch)
    for page in ("public_pages/board.py", "public_pages/summary.py", "public_pages/tables.py"):
        at = public(monkeypatch, loop["folder"], page)
        assert not at.exception
        shown = texts(at)
        assert SUBMITTER not in shown and CONTACT not in shown and not EMAIL.search(shown)
    assert served, "the pages offered their downloads"
    for name, data in served:
        body = file_text(name, data).replace(office, "")
        assert SUBMITTER not in body and CONTACT not in body and not EMAIL.search(body), name


def test_an_email_address_in_the_text_is_refused_until_edited_out(loop):
    with warehouse.connect(loop["db"]) as con:
        with pytest.raises(CannotRelease, match="e-mail address"):
            release(con, PCC, "decision", loop["decision"], public_text="Ask acc.jones@force.example for more.")
        assert released(con) == []
        release(con, PCC, "decision", loop["decision"], public_text="Ask the force's press office for more.")
        assert released(con)[0].record["rationale"] == "Ask the force's press office for more."


def test_republishing_nothing_new_is_refused_and_one_more_approval_makes_it_possible(loop):
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
        with pytest.raises(NothingToPublish, match="Nothing to publish"):
            publish(con, PCC)
        release(con, PCC, "answer", loop["answer"])
        preview = preview_publication(con)
        assert preview.problem is None
        assert "Accountability items approved for publication: 2 (1 new)." in preview.summary
        version, path = publish(con, PCC, expected=preview.fingerprint)
    assert version == 2
    assert sorted(r["kind"] for r in board(path)) == ["answer", "decision"]


def test_approving_again_replaces_the_approval_and_is_a_change_to_publish(loop):
    with warehouse.connect(loop["db"]) as con:
        first = release(con, PCC, "answer", loop["answer"])
        publish(con, PCC)
        second = release(con, PCC, "answer", loop["answer"], public_text="Cover is restored.")
        assert [r.release_id for r in released(con)] == [second] and second != first
        # the same answer, read otherwise: one item changed, not one new and one no longer published
        assert "Accountability items approved for publication: 1 (0 new, 1 changed)." in preview_publication(
            con).summary
        _, path = publish(con, PCC)
    assert [r["answer"] for r in board(path)] == ["Cover is restored."]


def test_withdrawing_an_approval_removes_it_from_the_next_snapshot(loop):
    with warehouse.connect(loop["db"]) as con:
        kept = release(con, PCC, "decision", loop["decision"])
        gone = release(con, PCC, "decision", loop["theme"])
        _, first = publish(con, PCC)
        assert {r["decision"] for r in board(first)} == {"Partly assured", "Not assured"}
        with pytest.raises(NotAllowed):
            unrelease(con, ANALYST, gone, "Not for publication yet.")
        unrelease(con, PCC, gone, "The theme is to be discussed again in public first.")
        assert [r.release_id for r in released(con)] == [kept]
        preview = preview_publication(con)
        assert preview.problem is None and "(0 new, 1 no longer published)" in preview.summary[-1]
        _, second = publish(con, PCC)
        detail = con.execute("SELECT detail FROM audit_event WHERE action = 'unrelease'").fetchall()
    assert [r["decision"] for r in board(second)] == ["Partly assured"]
    assert "Referrals still wait too long" not in every_text(second)
    assert detail and "discussed again in public" in detail[0][0]


def test_with_no_approved_month_the_loop_waits_and_says_why(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    with warehouse.connect(db) as con:
        meeting = add_meeting(con, PCC, held_on="2015-08-20").meeting_id
        decision = decide(con, PCC, meeting_id=meeting, theme="Missing children", decision="awaiting_evidence",
                          rationale="The audit is not finished.", evidence=[])
        release(con, PCC, "decision", decision)
        with pytest.raises(NothingToPublish, match=r" The accountability item approved for publication is published "
                                                   r"with the approved months, so it waits for a month's approval "
                                                   r"too\.$"):
            publish(con, PCC)
        release(con, PCC, "decision", decide(con, PCC, meeting_id=meeting, theme="Stop and search",
                                             decision="awaiting_evidence", rationale="Figures asked for.", evidence=[]))
        with pytest.raises(NothingToPublish, match=r" The 2 accountability items approved for publication are "
                                                   r"published with the approved months, so they wait"):
            publish(con, PCC)
    assert public_side.current_snapshot() is None


def test_a_snapshot_written_before_the_loop_was_published_still_renders_the_board_page(loop, monkeypatch):
    with warehouse.connect(loop["db"]) as con:
        _, path = publish(con, PCC)
    old = duckdb.connect(str(path))
    old.execute("DROP TABLE board_item")  # as a snapshot from before the loop's publication was
    old.close()
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    assert "Nothing from the Public Accountability Board has been published yet" in texts(at)
    assert "Awaiting evidence: the Mayor cannot decide yet" in texts(at)
    # no promise of meetings "below" a record that has none
    assert "Below are the meetings" not in texts(at)


def test_hostile_text_in_an_approved_answer_is_inert_on_the_page_and_neutralised_in_the_download(loop, monkeypatch):
    with warehouse.connect(loop["db"]) as con:
        hostile = record_answer(con, PCC, loop["other"], body=HOSTILE, answered_by="=HYPERLINK(\"http://x\")",
                                answered_on="2015-09-03")
        release(con, PCC, "answer", hostile)
        publish(con, PCC)
    served = downloads_of(monkeypatch)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    raw = "\n".join(str(m.value) for m in at.markdown)
    assert "<script>" not in raw and "\\<script\\>" in raw
    assert "](javascript" not in raw and "\\[click here\\]\\(javascript" in raw
    assert "**bold**" not in raw
    shown = texts(at)
    assert "<script>alert(1)</script>" in shown and "[click here](javascript:alert(1))" in shown, \
        "shown as typed, as words"
    (name, data), = [(n, d) for n, d in served if n.endswith(".csv")]
    assert name == "questions-and-decisions.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    (row,) = [r for r in rows if r["kind"] == "answer"]
    assert row["answer"].startswith("'=cmd|")
    assert row["answered_by"].startswith("'=HYPERLINK")
    assert set(rows[0]) == set(BOARD_COLUMNS) - {"question_ref"}


def test_the_analyst_may_not_release(loop):
    with warehouse.connect(loop["db"]) as con:
        with pytest.raises(NotAllowed, match="may not release"):
            release(con, ANALYST, "decision", loop["decision"])
        assert released(con) == [] and board_items(con).empty


def test_what_cannot_be_published_is_refused_in_a_sentence(loop):
    with warehouse.connect(loop["db"]) as con:
        awaited = await_answer(con, PCC, loop["other"], awaited_by="2015-09-30")
        with pytest.raises(CannotRelease, match="awaited"):
            release(con, PCC, "answer", awaited)
        with pytest.raises(CannotRelease, match="is not something of the loop"):
            release(con, PCC, "minutes", 1)
        with pytest.raises(Exception, match="no answer 999"):
            release(con, PCC, "answer", 999)


def test_small_numbers_in_the_text_are_pointed_out_before_approving(loop):
    assert small_number_warnings("3 children were referred in July 2015.") == (
        "This text mentions 3: check it cannot identify a child (counts from 1 to 4 are not published in the "
        "figures).")
    assert small_number_warnings("Referrals rose from 12 to 40 in 2015-16 (Q3); 1.5 per day.") is None
    assert "mentions 1 and 2" in small_number_warnings("1 in Barnsley and 2 in Sheffield")
    with warehouse.connect(loop["db"]) as con:
        record_answer(con, PCC, loop["other"], body="It will be signed once 2 partners agree.",
                      answered_by="ACC Jones", answered_on="2015-09-04")
        answer = con.execute("SELECT max(answer_id) FROM question_answer").fetchone()[0]
        form = release_form_defaults(con, "answer", answer)
        assert form.editable == "It will be signed once 2 partners agree."
        assert form.warning and "mentions 2" in form.warning
        assert form.record["answered_by"] == "ACC Jones" and form.current is None
        # regression: the item's own number is not a count ("question 2" warned "mentions 2")
        assert release_form_defaults(con, "question", loop["other"]).record["question_ref"] == "2"
        assert release_form_defaults(con, "question", loop["other"]).warning is None
        assert release_form_defaults(con, "question", loop["question"]).warning is None


def test_a_figure_the_publication_hides_is_pointed_out_in_a_text_before_approving_it(db, tmp_path, monkeypatch):
    """A question drafted from the figures quotes them as they are: one hidden to protect a small count beside it is
    above the threshold, and published in the text it would be recovered, so the approval form names it."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + "".join(f"2015-07,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 21, 31, 41), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        hidden = public_side.read("SELECT area FROM figure WHERE suppressed AND period = '2015-07' "
                                  "AND period_type = 'month' ORDER BY area")["area"].tolist()
        assert hidden == ["Barnsley", "Doncaster"]  # Barnsley's 3, and Doncaster's 21 so that 3 cannot be worked out
        board = add_meeting(con, PCC, held_on="2015-08-20").meeting_id
        quoting = ask(con, PCC, board, "CSE arrests in Doncaster were 21 in July 2015, and 31 in Rotherham: why?")
        shown = ask(con, PCC, board, "CSE arrests in Rotherham were 31 in July 2015: why so many?")
        warning = release_form_defaults(con, "question", quoting).warning
        assert warning == ("This text quotes a figure the next publication hides so that a small number cannot be "
                           "worked out: 21 (CSE arrests for Doncaster in July 2015). Leave it out of the text as "
                           "published (approve it again with the text to publish), or publishing is refused while it "
                           "is approved."), warning
        assert release_form_defaults(con, "question", shown).warning is None
        # regression: a length of time is not a count ("over 21 weeks" was said to mention Doncaster's hidden 21)
        for text in ("Fourteen cases have waited over 21 weeks.", "Charges in the 21 months to July 2015 rose.",
                     "A 21-day review is under way."):
            assert hidden_number_warnings(con, text) is None, text
        assert "21 (CSE arrests for Doncaster" in hidden_number_warnings(con, "21 arrests in 21 weeks")


def test_the_figures_a_text_may_not_quote_are_kept_beside_the_warehouse_for_the_next_text_checked(
        db, tmp_path, monkeypatch):
    """The next publication's disclosure control, worked out to check a text, is kept beside the warehouse: the next
    command checking a text against the same figures reads it and warns as it would have, one after the figures
    change works it out again, and a publication always works out and audits its own. Regression: each "pccdash
    release" worked it all out again, 17 s on two years of publications."""
    from pipelines.publish import snapshot

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    monkeypatch.setattr(snapshot, "_PROTECTED", {})  # nothing another test worked out in this process
    worked_out, work = [], snapshot._protect
    monkeypatch.setattr(snapshot, "_protect", lambda *a, **k: worked_out.append(1) or work(*a, **k))
    text = HEADER + "".join(f"2015-07,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 21, 31, 41), strict=True))
    said = "CSE arrests in Doncaster were 21 in July 2015."
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)
        hidden, small = snapshot.figures_a_text_may_not_quote(con)
        warned = hidden_number_warnings(con, said)
        assert len(worked_out) == 1 and "21 (CSE arrests for Doncaster in July 2015)" in warned, warned
        assert list(snapshot.kept_protections(db).glob("*.pickle"))
        snapshot._PROTECTED.clear()  # as the next command finds it: nothing worked out in this process
        kept = snapshot.figures_a_text_may_not_quote(con)
        pd.testing.assert_frame_equal(kept[0], hidden)
        pd.testing.assert_frame_equal(kept[1], small)
        snapshot._PROTECTED.clear()
        assert hidden_number_warnings(con, said) == warned and len(worked_out) == 1
        # a publication works out its own protection, and audits it, whatever was read from beside the warehouse
        preview = preview_publication(con)
        assert len(worked_out) == 2 and preview.audit is not None and preview.audit.passed
        publish(con, PCC)
        # the figures revised: what is kept is for figures that no longer stand, and is not read
        revised = HEADER + "".join(f"2015-07,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (4, 22, 31, 41),
                                                                                     strict=True))
        assert ingest(con, [write_csv(tmp_path / "r2.csv", revised)]).ok
        approve(con, ["2015-07"], PCC)
        snapshot._PROTECTED.clear()
        count = len(worked_out)
        warned = hidden_number_warnings(con, "CSE arrests in Doncaster were 22 in July 2015.")
        assert len(worked_out) == count + 1 and "22 (CSE arrests for Doncaster in July 2015)" in warned, warned
        assert hidden_number_warnings(con, said) is None


def test_a_number_in_a_recommendations_own_title_is_not_pointed_out_and_one_in_its_status_is(
        db, tmp_path, monkeypatch, ref, run_cli):
    """Regression: "pccdash release recommendation N" of "Recommendation 3 of the 2024 inspection" said its title
    "mentions 3", a small count, equal to Barnsley's hidden 3, though the number is the recommendation's own, and so
    did the preview of the publication carrying it. The numbers of the report's title and the recommendation's are
    its reference; the status's evidence is still checked, and read beside them."""
    import yaml

    from pipelines.accountability.register import record_status

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    register = yaml.safe_load((ref / "recommendations.yaml").read_text(encoding="utf-8"))
    register["sources"]["inspection_2024"] = {
        "title": "The 2024 inspection of child protection in 4 districts", "author": "HM Inspectorate",
        "published": "2024-03", "link": "https://www.justiceinspectorates.gov.uk/hmicfrs/", "short": "HMI 2024"}
    register["recommendations"].append({
        "id": "I24-3", "source": "inspection_2024", "number": "3", "owner": "South Yorkshire Police",
        "title": "Recommendation 3 of the 2024 inspection: every district reviews its CSE arrests",
        "measures": []})
    (ref / "recommendations.yaml").write_text(yaml.safe_dump(register, sort_keys=False), encoding="utf-8")
    text = HEADER + "".join(f"2015-07,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 21, 31, 41), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)  # Barnsley's 3 hidden, and Doncaster's 21 so that it cannot be worked out
        begun = record_status(con, PCC, "I24-3", status="in_progress", evidence="Every district has begun.",
                              analytics=None)
        counted = record_status(con, PCC, "I24-3", status="in_progress",
                                evidence="Barnsley has begun: 3 CSE arrests in July 2015 were reviewed.",
                                analytics=None)
        assert release_form_defaults(con, "recommendation", begun).warning is None
        assert "mentions 3" in str(release_form_defaults(con, "recommendation", counted).warning)
    result = run_cli("release", "recommendation", begun, "--db", db, "--as", "pcc@example.org")
    assert result.exit_code == 0 and "Note:" not in result.output, result.output
    result = run_cli("release", "recommendation", begun, "--db", db, "--as", "pcc@example.org",
                     "--text", "Work has begun in all 4 districts.")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "mentions 4" in said and "mentions 3" not in said, said
    with warehouse.connect(db) as con:
        assert not [q for q in preview_publication(con).quoted if "mentions 3" in q]
    # the evidence is read beside the title, which names the measure; the next publication's hidden figures, its
    # own work, are worked out once, for the text given: the recorded one, which it replaces, is not read for them
    from pipelines.publish import snapshot

    worked_out, work = [], snapshot.figures_a_text_may_not_quote
    monkeypatch.setattr(snapshot, "figures_a_text_may_not_quote", lambda *a, **k: worked_out.append(1) or work(*a, **k))
    result = run_cli("release", "recommendation", begun, "--db", db, "--as", "pcc@example.org",
                     "--text", "Barnsley's 3 in July 2015 were reviewed.")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "This text quotes a figure the next publication hides so that a small number " \
        "cannot be worked out: 3 (CSE arrests for Barnsley in July 2015)" in said, said
    assert len(worked_out) == 1
    worked_out.clear()  # a recorded text with a number of its own, replaced: read for the text given alone
    result = run_cli("release", "recommendation", counted, "--db", db, "--as", "pcc@example.org",
                     "--text", "Barnsley has begun its review.")
    assert result.exit_code == 0 and "Note:" not in result.output and not worked_out, result.output


def _answered(con, tmp_path, measure: str, values, question: str, *bodies: str) -> list[int]:
    """July 2015 of `measure` loaded (`values` for the four districts) and approved, a Board on 20 August 2015,
    `question` put at it and each of `bodies` recorded as the force's answer, a day apart: the answers' ids."""
    text = HEADER + "".join(f"2015-07,{d},{measure},{v}\n" for d, v in zip(DISTRICTS, values, strict=True))
    assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
    approve(con, ["2015-07"], PCC)
    board = add_meeting(con, PCC, held_on="2015-08-20").meeting_id
    asked = ask(con, PCC, board, question)
    return [record_answer(con, PCC, asked, body=body, answered_by="ACC Jones", answered_on=f"2015-09-0{2 + i}")
            for i, body in enumerate(bodies)]


def test_a_hidden_count_written_in_words_is_pointed_out_and_stops_the_publication(db, tmp_path, monkeypatch):
    """Answers are written in plain English, which spells small numbers out: "only three arrests in
    Barnsley in July 2015" publishes Barnsley's hidden 3 as surely as the digit does. Regression: only digits were
    looked for, so the answer was approved without a word and published beside the [c] it gives away."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    with warehouse.connect(db) as con:
        [answer] = _answered(con, tmp_path, "cse_arrests", (3, 21, 31, 41),
                             "Why were so few people arrested in Barnsley?",
                             "There were only three arrests in Barnsley in July 2015.")
        warning = release_form_defaults(con, "answer", answer).warning
        assert warning and "mentions three" in warning, warning
        assert "3 (CSE arrests for Barnsley in July 2015)" in warning and "publishing is refused" in warning, warning
        approval = release(con, PCC, "answer", answer)
        preview = preview_publication(con)
        # the number as the answer writes it, for the office to find: "3" is nowhere in its text
        assert preview.problem and (
            f"(approval {approval}, answer {answer}) quotes 3 (written “three”), the figure this publication hides for "
            "CSE arrests for Barnsley in July 2015, and its record names that figure's area, period and measure: "
            "published in its text") in preview.problem, preview.problem
        with pytest.raises(NothingToPublish, match="quotes 3"):
            publish(con, PCC)
        # "no one", "the one", a length of time and a number bigger than any small count are not such counts
        assert small_number_warnings("No one was charged; the one officer left two weeks ago.") is None
        assert small_number_warnings("Twelve people were charged.") is None


def test_a_hidden_count_said_with_its_verb_is_tied_to_its_figure(db, tmp_path, monkeypatch):
    """An answer says a count with the verb of its measure ("1 person was charged in Rotherham in July 2015"), not the
    measure's noun: it still names the figure, and publishing is refused. Regression: only "charge" or "charges" named
    CSE charges, so such an answer was merely said to equal a hidden value and was published, giving it away."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    with warehouse.connect(db) as con:
        [answer] = _answered(con, tmp_path, "cse_charges", (9, 8, 1, 12), "Why so few in Rotherham?",
                             "Only 1 person was charged in Rotherham in July 2015.")
        warning = release_form_defaults(con, "answer", answer).warning
        assert warning and "1 (CSE charges for Rotherham in July 2015)" in warning, warning
        assert "publishing is refused" in warning, warning
        release(con, PCC, "answer", answer)
        with pytest.raises(NothingToPublish, match="quotes 1, the figure this publication hides for CSE charges"):
            publish(con, PCC)


def test_a_hidden_count_quoted_in_welsh_stops_the_publication(db, tmp_path, monkeypatch):
    """A question sent in Welsh, answered in Welsh with Barnsley's hidden count, publishes that count as its English
    would. Regression: the check knew English months, numbers and measures only, so the answer was merely said to
    equal a hidden value, approved, and published beside the [c] it gives away."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    with warehouse.connect(db) as con:
        [answer] = _answered(con, tmp_path, "cse_arrests", (3, 21, 31, 41),
                             "Faint o arestiadau CSE oedd yn Barnsley ym mis Gorffennaf 2015?",
                             "Roedd tri.")
        warning = release_form_defaults(con, "answer", answer).warning
        assert warning and "3 (CSE arrests for Barnsley in July 2015)" in warning, warning
        assert "publishing is refused" in warning, warning
        release(con, PCC, "answer", answer)
        with pytest.raises(NothingToPublish, match=r"quotes 3 \(written “tri”\), the figure this publication hides"):
            publish(con, PCC)


def test_a_text_quoting_a_hidden_quarter_is_pointed_out_and_stops_the_publication_until_edited(
        db, tmp_path, monkeypatch, run_cli):
    """Barnsley's arrests are 1 a month, so its quarter is hidden and Doncaster's quarter (66) with it. A question
    quoting Doncaster's quarter is warned of when approved (not only a month's figure is checked, and against the
    publication to be made, not the one in force); publishing refuses while it is approved as it stands, naming
    the item, the figure and what to do; approved again with its text edited, it is published. A number that only
    equals a hidden figure's value is pointed out in the preview, and does not stop the publication."""
    folder = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(folder))
    values = {"2015-04": (1, 21, 31, 41), "2015-05": (1, 22, 32, 42), "2015-06": (1, 23, 33, 43)}
    text = HEADER + "".join(f"{p},{d},cse_arrests,{v}\n" for p, vs in values.items()
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, list(values), PCC)  # nothing published yet: the publication to be made hides the quarter
        board = add_meeting(con, PCC, held_on="2015-08-20").meeting_id
        quoting = ask(con, PCC, board, "CSE arrests in Doncaster were 66 in Q1 2015/16: why so few?")
        other = ask(con, PCC, board, "The partnership met 66 times last year: is that enough?")
        single = ask(con, PCC, board, "Only 1 partnership meeting was held in the summer: why?")
        warning = release_form_defaults(con, "question", quoting).warning
        assert warning and "66 (CSE arrests for Doncaster in Q1 2015/16)" in warning, warning
        assert "publishing is refused" in warning
        coincidence = release_form_defaults(con, "question", other).warning
        assert coincidence and "mentions a number equal to a figure the next publication hides" in coincidence
        approval = release(con, PCC, "question", quoting)
        release(con, PCC, "question", other)
        release(con, PCC, "question", single)
        preview = preview_publication(con)
        assert preview.problem == (
            f"Nothing can be published: the question approved for publication (approval {approval}, question "
            f"{quoting}) quotes 66, the figure this publication hides for CSE arrests for Doncaster in Q1 2015/16, and "
            "its record names that figure's area, period and measure: published in its text, the hidden figure would "
            "be published with it. To publish, approve it again with "
            f'the text to publish without it ("pccdash release question {quoting} --text TEXT", or its approval form '
            f'on the Meetings page) or withdraw its approval ("pccdash unrelease {approval} --reason TEXT"), then '
            "publish again."), preview.problem
        with pytest.raises(NothingToPublish, match="quotes 66"):
            publish(con, PCC)
    assert public_side.current_snapshot() is None
    out = run_cli("release", "question", quoting, "--text", "CSE arrests in Doncaster fell in Q1 2015/16: why?",
                  "--db", db, "--as", "pcc@example.org")
    assert out.exit_code == 0, out.stderr
    with warehouse.connect(db) as con:
        preview = preview_publication(con)
        assert preview.problem is None, preview.problem
        notes = [line for line in preview.summary if line.startswith("Check:")]
        assert len(notes) == 2 and "mentions 66" in notes[0] and "(CSE arrests for Doncaster in Q1 2015/16)" in \
            notes[0], preview.summary
        # regression: a "1" equal to each of Barnsley's hidden months gave a line for each, hundreds in a real office
        assert "mentions 1, which is also the value of 3 figures this publication hides (CSE arrests for " \
               "Barnsley in " in notes[1] and "; and 1 more); the text names none of them" in notes[1], notes[1]
        publish(con, PCC)
    assert "fell in Q1 2015/16" in every_text(public_side.current_snapshot())


def test_the_publishing_page_lists_the_approvals_and_withdraws_one(loop, monkeypatch):
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        target = release(con, PCC, "decision", loop["theme"])
    at = internal(monkeypatch, loop["db"], "internal_pages/publishing.py", PCC)
    assert not at.exception
    shown = texts(at)
    assert "The accountability record to publish" in shown
    assert "Assurance decision (Not assured)" in shown and "Protecting Vulnerable People" in shown
    assert "Accountability items approved for publication: 2 (2 new)." in shown
    at.text_input(key="unrelease_reason").input("Not ready").run()
    at.button(key=f"unrelease_{target}").click().run()
    assert not at.exception and not at.error
    with warehouse.connect(loop["db"]) as con:
        assert [r.record["decision"] for r in released(con)] == ["Partly assured"]
        question = release(con, PCC, "question", loop["question"])
    # a question whose approved decision quotes it says so beside its own approval
    at = internal(monkeypatch, loop["db"], "internal_pages/publishing.py", PCC)
    assert not at.exception
    decision = next(r.release_id for r in released_now(loop["db"]) if r.kind == "decision")
    assert f"its words are published with the approved decision ({decision}) too" in texts(at), question


def released_now(db):
    with warehouse.connect_read_only(db) as con:
        return released(con)


def test_the_command_line_approves_and_lists(loop, run_cli):
    out = run_cli("release", "decision", loop["decision"], "--db", loop["db"], "--as", "pcc@example.org")
    assert out.exit_code == 0, out.stderr
    assert f"Approved decision {loop['decision']} for the next publication" in out.stdout
    listed = run_cli("released", "--db", loop["db"])
    assert "Assurance decision (Partly assured)" in listed.stdout
    assert "1 item of the accountability record approved" in listed.stdout
    refused = run_cli("release", "answer", "999", "--db", loop["db"], "--as", "pcc@example.org")
    assert refused.exit_code == 1 and "no answer 999" in refused.stderr and "Traceback" not in refused.stderr


def test_the_command_line_lists_the_newest_approvals_and_says_how_many_more(loop, run_cli):
    """Regression: `pccdash released` printed every approval ever in force, with no --limit as the other lists have."""
    db, pcc = loop["db"], ("--as", "pcc@example.org")
    for kind in ("question", "answer", "decision"):
        assert run_cli("release", kind, loop[kind], "--db", db, *pcc).exit_code == 0
    listed = run_cli("released", "--limit", "2", "--db", db)
    assert listed.exit_code == 0, listed.stderr
    numbers = [line.split(".")[0] for line in listed.stdout.splitlines() if line[:1].isdigit() and ". " in line]
    assert numbers == ["3", "2"], listed.stdout  # the newest first
    assert "3 items of the accountability record approved for publication; the newest 2 listed (--limit 0 lists " \
           "every one)." in listed.stdout
    every = run_cli("released", "--limit", "0", "--db", db).stdout
    assert "Question" in every and "listed (--limit 0" not in every and every.count("approved by ") == 3


def test_the_command_line_withdraws_an_approval_and_says_what_still_quotes_a_question(loop, run_cli):
    db, pcc = loop["db"], ("--as", "pcc@example.org")
    assert run_cli("release", "question", loop["question"], "--db", db, *pcc).exit_code == 0
    assert run_cli("release", "answer", loop["answer"], "--db", db, *pcc).exit_code == 0
    with warehouse.connect_read_only(db) as con:
        numbers = {r.kind: r.release_id for r in released(con)}
    out = run_cli("unrelease", numbers["question"], "--reason", "It names a school", "--db", db, *pcc)
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith(f"Withdrew approval {numbers['question']} (") and "next publication does not " \
        "carry it" in out.stdout
    # the answer quotes the question: it stays public through it until that approval goes too
    assert f"approval {numbers['answer']} (answer)" in out.stderr, out.stderr
    with warehouse.connect_read_only(db) as con:
        assert [r.kind for r in released(con)] == ["answer"]
    again = run_cli("unrelease", numbers["question"], "--reason", "Twice", "--db", db, *pcc)
    assert again.exit_code == 1 and "already withdrawn" in again.stderr and "Traceback" not in again.stderr
    analyst = run_cli("unrelease", numbers["answer"], "--reason", "No", "--db", db, "--as", "analyst@example.org")
    assert analyst.exit_code == 1 and "Traceback" not in analyst.stderr


def test_a_recommendations_status_history_is_published_as_approved_and_shown_newest_first(loop, monkeypatch):
    from pipelines.accountability.register import load_register, record_status

    rec = next(r for r in load_register().recommendations if not r.measures and r.number)
    with warehouse.connect(loop["db"]) as con:
        earlier = record_status(con, PCC, rec.id, status="in_progress", evidence="A plan agreed with partners.",
                                analytics=None)
        later = record_status(con, PCC, rec.id, status="implemented", evidence="Every file audited in October.",
                              decision_ids=[loop["decision"]], analytics=None)
        release(con, PCC, "recommendation", earlier)
        release(con, PCC, "recommendation", later)
        _, path = publish(con, PCC)
    rows = sorted(board(path), key=lambda r: r["judged_on"])
    assert [(r["recommendation_ref"], r["number"], r["status"]) for r in rows] == [
        (rec.id, rec.number, "In progress"), (rec.id, rec.number, "Implemented")]
    assert {(r["source"], r["recommendation"]) for r in rows} == {(rec.source.title, rec.title)}
    assert "pcc@example.org" not in every_text(path)
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    shown = texts(at)
    assert f"{rec.source.title}, recommendation {rec.number}\n" in shown and rec.title in shown
    assert shown.index(f"{rec.source.title}, recommendation {rec.number}") < shown.index(rec.title)
    assert "Status: Implemented (judged on" in shown and "Every file audited in October." in shown
    assert shown.index("Implemented") < shown.index("In progress, ")


def test_a_recommendation_its_report_does_not_number_is_headed_by_the_report_alone(loop, monkeypatch):
    """Regression: a recommendation with no number was headed "South Yorkshire Police: National Child Protection
    Inspection, recommendation", the sentence cut off where its number would be."""
    from pipelines.accountability.register import load_register, record_status
    from pipelines.publish import pages
    from pipelines.publish.content import SnapshotView

    rec = next(r for r in load_register().recommendations if not r.number)
    with warehouse.connect(loop["db"]) as con:
        status = record_status(con, PCC, rec.id, status="in_progress", evidence="A plan agreed with partners.",
                               analytics=None)
        release(con, PCC, "recommendation", status)
        _, path = publish(con, PCC)
    headings = [b.text for b in pages.board_page(SnapshotView(path)).blocks if type(b).__name__ == "Heading"]
    assert rec.source.title in headings
    assert not [h for h in headings if h.rstrip().endswith("recommendation")]
    shown = texts(public(monkeypatch, loop["folder"], "public_pages/board.py"))
    assert f"\n{rec.source.title}\n" in shown and rec.title in shown
    assert f"{rec.source.title}, recommendation" not in shown


def test_the_records_download_links_each_recommendations_statuses_by_its_reference(loop):
    """Regression: the Questions and decisions download left out the recommendation's reference, so its status rows
    could not be linked: two recommendations of a report that does not number them had rows alike but for their
    titles, which a recommendation reworded between statuses changes. Each row carries recommendation_ref, the same
    on every status of one recommendation, and the page's download paragraph says what it is."""
    from pipelines.accountability.register import load_register, record_status

    first, second = [r for r in load_register().recommendations if not r.number][:2]
    assert first.source == second.source, "two recommendations of one report that does not number them"
    with warehouse.connect(loop["db"]) as con:
        for rec, status in ((first, "in_progress"), (first, "implemented"), (second, "in_progress")):
            release(con, PCC, "recommendation", record_status(con, PCC, rec.id, status=status,
                                                              evidence=f"{status} evidence.", analytics=None))
        _, path = publish(con, PCC)
    data = (loop["folder"] / "public" / "site" / "questions-and-decisions.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(data)) if r["kind"] == "recommendation"]
    assert {(r["source"], r["number"]) for r in rows} == {(first.source.title, "")}  # alike but for the reference
    assert sorted((r["recommendation_ref"], r["status"]) for r in rows) == sorted(
        [(first.id, "In progress"), (first.id, "Implemented"), (second.id, "In progress")])
    said = board_texts(path)
    assert (f"with its reference in the column recommendation_ref (such as {first.id}), the same on every row of "
            "that recommendation") in said, said
    for rec in (first, second):  # and the page names the reference beside each recommendation, as the column holds it
        assert f"Its reference in the download: {rec.id}." in said, said


def test_an_approved_recommendation_status_is_listed_with_its_reports_number_in_words(loop, run_cli):
    """Regression: "pccdash released" listed a recommendation's status as on "...", "National Audit on Group-based
    Child Sexual Exploitation and Abuse 4", the report's number tacked on to its title."""
    from pipelines.accountability.register import load_register, record_status

    numbered = next(r for r in load_register().recommendations if r.number)
    unnumbered = next(r for r in load_register().recommendations if not r.number)
    with warehouse.connect(loop["db"]) as con:
        for rec in (numbered, unnumbered):
            status = record_status(con, PCC, rec.id, status="in_progress", evidence="A plan agreed.", analytics=None)
            release(con, PCC, "recommendation", status)
        labels = [r.label for r in released(con) if r.kind == "recommendation"]
    assert labels[0].endswith(f", {numbered.source.title}, recommendation {numbered.number}"), labels
    assert labels[1].endswith(f"\u201d, {unnumbered.source.title}"), labels
    listed = run_cli("released", "--db", loop["db"])
    assert f"{numbered.source.title}, recommendation {numbered.number}" in listed.stdout
    assert f"{numbered.source.title} {numbered.number}" not in listed.stdout


def test_a_publications_check_names_a_recommendations_status_by_its_status_and_recommendation(loop, tmp_path):
    """Regression: the preview named an approved status "(approval 2, recommendation 1)", the status's number read as
    a recommendation's (J1's, or a report's recommendation 1), where it was status 1 of H14-1."""
    from pipelines.accountability.register import load_register, record_status

    rec = next(r for r in load_register().recommendations if r.number and r.number != "3")
    small = HEADER + "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (3, 21, 31, 41), strict=True))
    with warehouse.connect(loop["db"]) as con:
        assert ingest(con, [write_csv(tmp_path / "june.csv", small)]).ok
        approve(con, ["2015-06"], PCC)  # Barnsley's 3 is hidden
        status = record_status(con, PCC, rec.id, status="in_progress", evidence="Three districts have begun.",
                               analytics=None)
        approval = release(con, PCC, "recommendation", status)
        said = "\n".join(preview_publication(con).summary)
    assert (f"the recommendation's status approved for publication (approval {approval}, status {status} of "
            f"recommendation {rec.id}) mentions 3") in said, said
    assert f"recommendation {status})" not in said


def test_a_number_said_in_a_recommendations_title_and_evidence_is_pointed_out_once(loop, tmp_path):
    """Regression: a status whose evidence said "four" of a recommendation whose title says "four" too was pointed out
    in two lines alike, "mentions 4, which is also the value of ...", one for each text."""
    from pipelines.accountability.register import load_register, record_status

    rec = next(r for r in load_register().recommendations if " four " in f" {r.title} ")
    small = HEADER + "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (4, 21, 31, 41), strict=True))
    with warehouse.connect(loop["db"]) as con:
        assert ingest(con, [write_csv(tmp_path / "june.csv", small)]).ok
        approve(con, ["2015-06"], PCC)  # Barnsley's 4 is hidden
        status = record_status(con, PCC, rec.id, status="in_progress", evidence="All four districts have begun.",
                               analytics=None)
        release(con, PCC, "recommendation", status)
        said = preview_publication(con).summary
    lines = [x for x in said if " mentions 4, " in x]
    assert len(lines) == 1, said
    # the one figure, named once, though both texts say it
    assert "which is also the value of a figure this publication hides (CSE arrests for Barnsley in June 2015);" \
        in lines[0], lines[0]


def test_the_audit_trail_names_an_approved_recommendations_status_by_its_status_and_recommendation(loop):
    """Regression: approving status 1 of a recommendation, and withdrawing that approval, went on the audit trail as
    about "recommendation 1", the status's number read as a recommendation's (J1's, or a report's recommendation 1),
    beside "recommendation H14-1" for the status recorded; "pccdash audit --text H14-1" did not find the approval."""
    from pipelines import audit
    from pipelines.accountability.register import load_register, record_status

    rec = next(r for r in load_register().recommendations if r.number and r.number != "1")
    with warehouse.connect(loop["db"]) as con:
        status = record_status(con, PCC, rec.id, status="in_progress", evidence="Every district has begun.",
                               analytics=None)
        approval = release(con, PCC, "recommendation", status)
        unrelease(con, PCC, approval, "Not yet to be published.")
        with pytest.raises(CannotRelease) as again:
            unrelease(con, PCC, approval, "Not yet to be published.")
        said = {row["action"]: row["subject"] for row in audit.events(con, text=rec.id).to_dict("records")
                if row["action"] in ("release", "unrelease")}
    assert said == {"release": f"status {status} of recommendation {rec.id}",
                    "unrelease": f"status {status} of recommendation {rec.id}"}, said
    assert f"(status {status} of recommendation {rec.id}) was already withdrawn" in str(again.value)


def test_the_audit_trail_names_an_approved_withdrawal_as_its_questions(loop):
    """The approval of a question's withdrawal is on the audit trail as "pccdash release" says it, "the withdrawal of
    question N", not "withdrawal N", a withdrawal numbered as none is."""
    from pipelines import audit

    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "question", loop["question"])
        withdraw_question(con, PCC, loop["question"], reason="Answered in the force's September report.")
        release(con, PCC, "withdrawal", loop["question"])
        said = audit.events(con, action="release")["subject"].tolist()
    assert said[0] == f"the withdrawal of question {loop['question']}", said


def test_a_decision_taken_at_a_later_board_is_published_as_taken_there(loop, monkeypatch, tmp_path, run_cli):
    """Regression: a question put at the April Board and decided on at the June Board was published under April
    with the day the decision was typed in, and no word of the June Board; `pccdash released` named April only."""
    from pipelines.publish import pages, site
    from pipelines.publish.content import SnapshotView

    monkeypatch.setenv("PCCDASH_TODAY", "2026-06-20")
    with warehouse.connect(loop["db"]) as con:
        april = add_meeting(con, PCC, held_on="2026-04-16").meeting_id
        june = add_meeting(con, PCC, held_on="2026-06-18").meeting_id
        asked = ask(con, PCC, april, "Why are fewer suspects arrested within 12 weeks?")
        answer = record_answer(con, PCC, asked, body="Custody time is now tracked weekly.", answered_by="ACC Jones",
                               answered_on="2026-06-18", meeting_id=june)
        decided = decide(con, PCC, meeting_id=june, question_id=asked, decision="assured",
                         rationale="The weekly tracking is in place and working.",
                         evidence=[("answer", "The force's answer at the Board")])
        release(con, PCC, "answer", answer)
        release(con, PCC, "decision", decided)
        labels = [r.label for r in released(con)]
        _, path = publish(con, PCC)
    assert labels[1].endswith("Public Accountability Board, 16 April 2026; decided at the Public Accountability "
                              "Board of 18 June 2026")
    assert labels[0].endswith("; given at the Public Accountability Board of 18 June 2026")
    listed = run_cli("released", "--db", loop["db"])
    assert "decided at the Public Accountability Board of 18 June 2026" in listed.stdout
    with warehouse.connect(loop["db"]) as con:  # an approval kept before its record named the meeting
        con.execute("UPDATE loop_release SET public_text = json_object('kind', 'decision', 'question', 'Q', "
                    "'decision', 'Assured') WHERE item_kind = 'decision' AND item_id = ?", [str(decided)])
        assert released(con)[1].label.endswith("; decided at the Public Accountability Board of 18 June 2026")

    rows = {r["kind"]: r for r in board(path)}
    assert (rows["decision"]["meeting_title"], rows["decision"]["meeting_date"]) == ("Public Accountability Board",
                                                                                     "2026-04-16")
    assert (rows["decision"]["given_meeting"], rows["decision"]["given_meeting_date"]) == (
        "Public Accountability Board", "2026-06-18")
    assert rows["answer"]["given_meeting_date"] == "2026-06-18"

    said = "The Mayor's decision: Assured. Decided at the Public Accountability Board of 18 June 2026."
    answered = "The force's answer, given by ACC Jones at the Public Accountability Board of 18 June 2026:"
    shown = texts(public(monkeypatch, loop["folder"], "public_pages/board.py"))
    assert said in shown and answered in shown
    built = tmp_path / "site"
    built.mkdir()
    site.build_site(SnapshotView(path), built)
    html = (built / "board.html").read_text(encoding="utf-8")
    assert "Decided at the Public Accountability Board of 18 June 2026" in html

    # a snapshot written before the column was added is still read, and says what it holds
    old = duckdb.connect(str(path))
    old.execute("ALTER TABLE board_item DROP COLUMN given_meeting")
    old.execute("ALTER TABLE board_item DROP COLUMN given_meeting_date")
    old.close()
    page = pages.board_page(SnapshotView(path))
    words = "\n".join(getattr(b, "text", "") for b in page.blocks)
    assert "The Mayor's decision, " in words and "Decided at" not in words
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception and "Why are fewer suspects arrested within 12 weeks?" in texts(at)


def test_a_question_approved_in_edited_words_is_published_in_them_beside_its_answer_and_decision(loop):
    """The answer and decision were approved first, each carrying the question as it was put; the question approved
    afterwards in other words (a figure left out) is published in those words alone, on every row of it."""
    edited = "Why did arrests in one district fall in July?"
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "answer", loop["answer"])
        release(con, PCC, "decision", loop["decision"])
        release(con, PCC, "question", loop["question"], public_text=edited)
        _, path = publish(con, PCC)
    rows = board(path)
    assert sorted(r["kind"] for r in rows) == ["answer", "decision", "question"]
    assert {r["question"] for r in rows} == {edited}
    assert "arrests in Rotherham" not in every_text(path)


def test_a_number_is_tied_to_a_hidden_figure_only_where_the_text_names_its_area_period_and_measure():
    """Every kind of hidden count is checked (a 12 months, a financial year, a breakdown's category), and a number is
    tied to one only where the text names the figure; a number merely equal to it is not."""
    import pandas as pd

    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    hidden = pd.DataFrame([
        ("cse_charges", "Rotherham", "12 months to 2015-07", "rolling_12_months", 22, "", "", ""),
        ("grooming_arrests", "South Yorkshire", "2015/16", "financial_year", 76, "", "", ""),
        ("cse_suspects_identified", "South Yorkshire", "2023/24", "financial_year", 9, "suspect_ethnicity",
         "pakistani", "Pakistani")], columns=HIDDEN_COLUMNS)

    def said(text):
        return [(q.number, q.figure, q.tied) for q in quoted_hidden_figures(text, hidden)]

    assert said("CSE charges in Rotherham were 22 in the 12 months to July 2015.") == [
        (22, "CSE charges for Rotherham in the 12 months to July 2015", True)]
    assert said("Rotherham charged 22 people in July 2015.") == [
        (22, "CSE charges for Rotherham in the 12 months to July 2015", False)], "no 12 months named"
    assert said("Grooming arrests reached 76 in 2015-16 across the force.")[0][2] is True
    assert said("Grooming arrests in Sheffield reached 76 in 2015-16.")[0][2] is False, "a district, not the force"
    assert said("9 of the suspects identified in 2023/24 were Pakistani.") == [
        (9, "CSE suspects identified, Pakistani, for South Yorkshire in the financial year 2023/24", True)]
    assert said("9 Pakistanis were among the suspects identified in 2023/24.")[0][2] is True, "the label's plural"
    assert said("The Board met 9 times in 2023/24.")[0][2] is False
    assert said("Referrals rose by 9.5% and 22.1 a month; 76% were seen.") == []


def test_the_board_page_spells_out_the_abbreviations_its_questions_use(loop, monkeypatch):
    """Regression: a question drafted with the figures' short names ("CSE charges", "CAWNs issued") was published with
    them unexplained; the page now spells out each abbreviation the record uses and links to the Definitions."""
    from pipelines.publish.content import SnapshotView

    edited = "Why did CSE charges fall while CAWNs issued rose in July?"
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "question", loop["question"], public_text=edited)
        _, path = publish(con, PCC)
    page = pages.board_page(SnapshotView(path))
    words = [getattr(b, "text", "") for b in page.blocks]
    said = "Abbreviations used below: CSE, child sexual exploitation; CAWN, child abduction warning notice."
    assert said in words
    assert words.index(said) < next(i for i, w in enumerate(words) if edited in w), "said before the question"
    assert any(getattr(b, "href", "") == "definitions" for b in page.blocks)
    shown = texts(public(monkeypatch, loop["folder"], "public_pages/board.py"))
    assert said in shown and edited in shown

    # a record with no abbreviation says nothing of them
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "question", loop["question"], public_text="Why did arrests in one district fall in July?")
        _, path = publish(con, PCC)
    assert not [b for b in pages.board_page(SnapshotView(path)).blocks if "Abbreviations" in getattr(b, "text", "")]


def test_an_approved_question_is_published_at_the_meeting_it_is_put_at_now(loop, monkeypatch):
    """A question approved for the September Board, which was then called off and its questions carried to October,
    was published under the September Board ("still to be held"), a meeting that never would be; and one approved
    for a Board put back a week was published on the day it was no longer held. Each is published at its meeting
    as the record holds it now, in the words approved; an answer to a question of a Board whose date was put right
    says that Board's day."""
    from pipelines.accountability import cancel_meeting, move_meeting

    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-01")
    with warehouse.connect(loop["db"]) as con:
        september = add_meeting(con, PCC, held_on="2015-09-17").meeting_id
        october = add_meeting(con, PCC, held_on="2015-10-15").meeting_id
        prepared = ask(con, PCC, september, "How many reviews of closed cases have begun?")
        release(con, PCC, "question", prepared)
        release(con, PCC, "answer", loop["answer"])
        cancel_meeting(con, PCC, september, reason="Pre-election period", carry_to=october)
        move_meeting(con, PCC, october, to="2015-10-22", reason="Put back a week")
        move_meeting(con, PCC, loop["meeting"], to="2015-08-27", reason="Its date put right")
        version, path = publish(con, PCC)
    rows = {r["kind"]: r for r in board(path)}
    assert (rows["question"]["question"], rows["question"]["meeting_title"], rows["question"]["meeting_date"]) == (
        "How many reviews of closed cases have begun?", "Public Accountability Board", "2015-10-22")
    assert rows["answer"]["meeting_date"] == "2015-08-27"
    assert "2015-09-17" not in {r["meeting_date"] for r in rows.values()}


def test_a_text_tying_a_small_count_of_a_month_not_published_to_its_figure_stops_the_publication(
        db, tmp_path, monkeypatch):
    """Regression: a question drafted at a Board quoted "CAWNs issued in Doncaster were 1 in April 2026"; April's
    approval was then withdrawn, and the decision on the question, approved for publication, went out with the
    next publication: a small count the public pages hide, published in words, for a month never published. Only
    the figures of the months published were looked at. A number that merely equals such a count does not stop it."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + "".join(f"{p},{d},cse_arrests,{v}\n" for p, vs in (("2015-07", (11, 21, 31, 41)),
                                                                       ("2015-08", (2, 22, 32, 42)))
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)  # August is not approved: none of its figures is in the publication
        board = add_meeting(con, PCC, held_on="2015-09-17").meeting_id
        quoting = ask(con, PCC, board, "CSE arrests in Barnsley were 2 in August 2015: why so few?")
        other = ask(con, PCC, board, "The force met the council 2 times in August 2015: is that enough?")
        approval = release(con, PCC, "question", quoting)
        release(con, PCC, "question", other)
        problem = preview_publication(con).problem
        assert problem and problem.startswith(
            f"Nothing can be published: the question approved for publication (approval {approval}, question "
            f"{quoting}) quotes 2, a small count of a month not published, hidden whenever its month is published, "
            "for CSE arrests for Barnsley in August 2015"), problem
        with pytest.raises(NothingToPublish, match="quotes 2"):
            publish(con, PCC)
        unrelease(con, PCC, approval, reason="It quotes a small count.")
        preview = preview_publication(con)
        assert preview.problem is None, preview.problem
        publish(con, PCC)
    assert "2 times in August 2015" in every_text(public_side.current_snapshot())


def test_a_small_count_of_a_month_not_yet_published_is_pointed_out_before_approving_a_text_that_quotes_it(
        db, tmp_path, monkeypatch, run_cli):
    """The force answers "There were 3 arrests in Barnsley in August." while August's figures are loaded and not yet
    approved: the 3 is a small count, hidden whenever August is published. Regression: neither the approval form
    (the Meetings page's, `release_form_defaults`) nor `pccdash release` said anything of it, since only the hidden
    figures of the months approved were read, and only `pccdash publish` then refused the approved answer. Now each
    names the figure and why, and approving still goes ahead; a number equal to such a count that the text does not
    tie to it ("3 meetings") says nothing of it."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + "".join(f"{p},{d},cse_arrests,{v}\n" for p, vs in (("2015-07", (11, 21, 31, 41)),
                                                                       ("2015-08", (3, 22, 32, 42)))
                            for d, v in zip(DISTRICTS, vs, strict=True))
    warned = ("This text quotes a small count of a month not yet published, hidden whenever its month is published "
              "so that it cannot identify a child: 3 (CSE arrests for Barnsley in August 2015). Leave it out of the "
              "text as published (approve it again with the text to publish), or publishing is refused while it is "
              "approved.")
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)  # August is loaded, not approved
        board = add_meeting(con, PCC, held_on="2015-09-17").meeting_id
        asked = ask(con, PCC, board, "Why did CSE arrests in Barnsley fall?")
        said = record_answer(con, PCC, asked, body="There were 3 arrests in Barnsley in August.",
                             answered_by="ACC Jones", answered_on="2015-09-17")
        met = ask(con, PCC, board, "How often does the team meet the council?")
        other = record_answer(con, PCC, met, body="The team met the council 3 times in August.",
                              answered_by="ACC Jones", answered_on="2015-09-18")
        warning = release_form_defaults(con, "answer", said).warning
        assert warning and warned in warning, warning
        assert "not yet published" not in (release_form_defaults(con, "answer", other).warning or "")
    result = run_cli("release", "answer", said, "--db", db, "--as", "pcc@example.org")
    assert result.exit_code == 0, result.output
    assert warned in " ".join(result.output.split()), result.output
    assert "Approved answer" in result.output
    result = run_cli("release", "answer", other, "--db", db, "--as", "pcc@example.org",
                     "--text", "In August there were 3 CSE arrests in Barnsley.")
    assert "3 (CSE arrests for Barnsley in August 2015)" in " ".join(result.output.split()), result.output
    at = internal(monkeypatch, db, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(board).run()
    assert not at.exception
    assert [w.value for w in at.warning if warned in w.value], [w.value for w in at.warning]
    with warehouse.connect(db) as con:
        with pytest.raises(NothingToPublish, match="quotes 3, a small count of a month not published"):
            publish(con, PCC)


def test_who_asked_or_answered_names_no_area_of_a_figure(db, tmp_path, monkeypatch, run_cli):
    """An office question is asked by "The South Yorkshire Mayoral Combined Authority": that names who asked, not the
    area of the figures its answer gives. "Barnsley made 3 arrests in August." is Barnsley's, not the force's 3 (a
    small count of August, not yet published). Regression: who asked was read as naming the force, so the approval
    form, "pccdash release" and publishing said the answer quoted the force's hidden count, and publishing was
    refused. An answer naming the force is still tied to it, and who answered is still read for what may identify
    someone."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    text = HEADER + "".join(f"{p},{d},cse_arrests,{v}\n" for p, vs in (("2015-07", (11, 21, 31, 41)),
                                                                       ("2015-08", (0, 1, 1, 1)))
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)  # August is loaded, not approved: the force's 3 is a small count hidden then
        board = add_meeting(con, PCC, held_on="2015-09-17").meeting_id
        asked = ask(con, PCC, board, "Why did CSE arrests in Barnsley fall?")
        said = record_answer(con, PCC, asked, body="Barnsley made 3 arrests in August.",
                             answered_by="ACC Jones, on 07700 900123", answered_on="2015-09-17")
        forced = record_answer(con, PCC, asked, body="The force made 3 arrests in August.",
                               answered_by="ACC Jones", answered_on="2015-09-18")
        form = release_form_defaults(con, "answer", said)
        assert form.record["asked_by"] == "The South Yorkshire Mayoral Combined Authority"
        assert "South Yorkshire" not in (form.warning or ""), form.warning
        assert form.warning and "mobile number (“07700 900123”)" in form.warning, form.warning
        assert "3 (CSE arrests for South Yorkshire in August 2015)" in release_form_defaults(
            con, "answer", forced).warning
    result = run_cli("release", "answer", said, "--db", db, "--as", "pcc@example.org",
                     "--text", "In August Barnsley made 3 arrests.")
    assert result.exit_code == 0, result.output
    said_out = " ".join(result.output.split())
    assert "South Yorkshire" not in said_out and "mobile number" in said_out, said_out
    at = internal(monkeypatch, db, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(board).run()
    assert not at.exception
    # the two answers' approval forms: only the one naming the force quotes its count
    shown = [w.value for w in at.warning]
    assert len([w for w in shown if "3 (CSE arrests for South Yorkshire in August 2015)" in w]) == 1, shown
    with warehouse.connect(db) as con:
        assert not [q for q in preview_publication(con).quoted if "South Yorkshire" in q]
        publish(con, PCC)


def answered_on_barnsley_with_august_unpublished(db, tmp_path) -> tuple[int, int]:
    """July and August 2015's CSE arrests loaded (Barnsley's August a small count, 3), July approved and August not;
    a Board on 17 September 2015 asked why Barnsley's CSE arrests fell, and answered: its meeting and answer."""
    text = HEADER + "".join(f"{p},{d},cse_arrests,{v}\n" for p, vs in (("2015-07", (11, 21, 31, 41)),
                                                                       ("2015-08", (3, 22, 32, 42)))
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2015-07"], PCC)
        board = add_meeting(con, PCC, held_on="2015-09-17").meeting_id
        asked = ask(con, PCC, board, "Why did CSE arrests in Barnsley fall?")
        said = record_answer(con, PCC, asked, body="Fewer were reported.", answered_by="ACC Jones",
                             answered_on="2015-09-17")
    return board, said


def test_the_text_release_is_given_to_publish_is_checked_beside_the_rest_of_its_record(db, tmp_path, monkeypatch,
                                                                                       run_cli):
    """`pccdash release answer N --text "There were 3 in August."`, the question asking about Barnsley's CSE arrests:
    published, the answer is read beside its question, which names the district and the measure, so the 3 is
    Barnsley's small count of August, and publishing is refused. Regression: the text given was checked alone, naming
    no district, so nothing was said of it when approving."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    _, said = answered_on_barnsley_with_august_unpublished(db, tmp_path)
    result = run_cli("release", "answer", said, "--db", db, "--as", "pcc@example.org",
                     "--text", "There were 3 in August.")
    assert result.exit_code == 0, result.output
    assert "3 (CSE arrests for Barnsley in August 2015)" in " ".join(result.output.split()), result.output
    with warehouse.connect(db) as con:
        with pytest.raises(NothingToPublish, match="quotes 3, a small count of a month not published, hidden whenever "
                                                   "its month is published, for CSE arrests for Barnsley in August"):
            publish(con, PCC)


def test_the_meetings_page_checks_the_text_edited_for_publication_before_approving_it(db, tmp_path, monkeypatch):
    """The Commissioner edits an answer for publication to "There were 3 in August.", the question asking about
    Barnsley's CSE arrests. Regression: the page warned of the recorded text only, and pressing Approve with the edit
    ran no check, so the answer was approved without a word and publishing was refused later. The edited text is
    checked beside its question: pressed with it, the page says what it quotes and approves nothing; pressed again,
    it approves the text as it is. An edit quoting nothing is approved at the first press."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    board, said = answered_on_barnsley_with_august_unpublished(db, tmp_path)
    at = internal(monkeypatch, db, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(board).run()
    assert not at.exception and not [w for w in at.warning if "small count" in w.value]  # the recorded text
    at.text_area(key=f"release_answer_{said}").input("There were 3 in August.")
    at.button(key=f"release_answer_{said}_save").click().run()
    assert not at.exception, at.exception
    warned = " ".join(w.value for w in at.warning)
    assert "The text as edited: " in warned and "3 (CSE arrests for Barnsley in August 2015)" in warned, warned
    assert "Not approved yet" in warned
    with warehouse.connect(db) as con:
        assert released(con) == []
    at.button(key=f"release_answer_{said}_save").click().run()  # read, and approved as it is
    assert not at.exception and not at.error
    with warehouse.connect(db) as con:
        assert [r.record["answer"] for r in released(con)] == ["There were 3 in August."]
    at.text_area(key=f"release_answer_{said}").input("Fewer offences were reported in August.")
    at.button(key=f"release_answer_{said}_save").click().run()
    assert not at.exception and "Not approved yet" not in " ".join(w.value for w in at.warning)
    with warehouse.connect(db) as con:
        assert [r.record["answer"] for r in released(con)] == ["Fewer offences were reported in August."]


def test_the_meetings_page_run_again_does_not_read_a_text_against_the_hidden_counts_again(db, tmp_path, monkeypatch):
    """An answer awaiting approval that holds a number is read against every count the next publication hides and
    every small count of a month it does not carry (thousands on a year of returns), at each click on the page.
    Regression: the Meetings page did it again at every run, its warm time half again what it was before the small
    counts were read; now it is kept until the warehouse changes, and the note is said at every run as before."""
    from pipelines.accountability import release as release_module

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    board, said = answered_on_barnsley_with_august_unpublished(db, tmp_path)
    with warehouse.connect(db) as con:
        question = con.execute("SELECT question_id FROM question_answer WHERE answer_id = ?", [said]).fetchone()[0]
        record_answer(con, PCC, question, body="There were 3 arrests in Barnsley in August.", answered_by="ACC Jones",
                      answered_on="2015-09-18")
    read = []
    real = release_module.hidden_number_warnings

    def counted(*args, **kwargs):
        read.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(release_module, "hidden_number_warnings", counted)
    at = internal(monkeypatch, db, "internal_pages/meetings.py", PCC)
    at.selectbox(key="meeting_pick").set_value(board).run()
    note = "3 (CSE arrests for Barnsley in August 2015)"
    assert not at.exception and [w for w in at.warning if note in w.value], [w.value for w in at.warning]
    first = len(read)
    assert first and any("There were 3 arrests" in t for t in read), read
    for _ in range(2):
        at.run()
        assert not at.exception and [w for w in at.warning if note in w.value], [w.value for w in at.warning]
    assert len(read) == first, read[first:]
    with warehouse.connect(db) as con:  # a change of the warehouse reads it again
        approve(con, ["2015-08"], PCC)
    at.run()
    assert not at.exception and len(read) > first


def test_a_decision_with_a_follow_up_day_tells_the_public_when_it_is_looked_at_again(loop, monkeypatch):
    """Regression: a decision the Commissioner set a day to look at again ("Awaiting evidence", follow-up 15
    October) was published without that day, so the public could not tell when it would be looked at again."""
    with warehouse.connect(loop["db"]) as con:
        later = decide(con, PCC, meeting_id=loop["meeting"], theme="Missing children", decision="awaiting_evidence",
                       rationale="The protocol is not yet signed.", evidence=[("answer", "The force's update")],
                       follow_up="2015-10-15")
        release(con, PCC, "decision", later)
        release(con, PCC, "decision", loop["decision"])
        _, path = publish(con, PCC)
    assert {r["theme"] or r["question"]: r["follow_up"] for r in board(path)} == {
        "Missing children": "2015-10-15", "Why did arrests in Rotherham fall in July?": ""}
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    shown = texts(at)
    assert "The protocol is not yet signed. A follow-up was set for 15 October 2015." in shown
    assert shown.count("A follow-up was set") == 1  # the decision with none says nothing of one


def test_a_hidden_count_said_with_its_month_named_alone_is_tied_to_its_figure(db, tmp_path, monkeypatch):
    """An answer given at the August Board says "in July", not "in July 2015": the month of that name is still
    named, and publishing is refused. Regression: only "July 2015" named the month, so the answer was merely said to
    equal a hidden value and was published, giving it away. A text naming another year does not tie July 2015."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    with warehouse.connect(db) as con:
        elsewhere, answer = _answered(con, tmp_path, "cse_charges", (9, 8, 1, 12), "Why so few in Rotherham?",
                                      "Only 1 charge was made in Rotherham in July 2014.",
                                      "Only 1 charge was made in Rotherham in July.")
        assert "publishing is refused" not in (release_form_defaults(con, "answer", elsewhere).warning or "")
        warning = release_form_defaults(con, "answer", answer).warning
        assert warning and "1 (CSE charges for Rotherham in July 2015)" in warning and "publishing is refused" in \
            warning, warning
        release(con, PCC, "answer", answer)
        with pytest.raises(NothingToPublish, match="quotes 1, the figure this publication hides for CSE charges"):
            publish(con, PCC)


def test_a_month_named_alone_is_the_last_of_that_name_before_the_day_said_not_every_years(db, tmp_path, monkeypatch):
    """An answer to "Why did CSE arrests in Rotherham fall in July?", put at the Board of August 2026, says "Two
    officers left the team; the force is recruiting.": its reader takes "July" as July 2026, never July 2014.
    Regression: a month named without a year was every year's month of that name, so the "two" was tied to the force's
    grooming arrests of July 2014 (2, a small count of a month not published) and publishing was refused. An answer
    naming July 2014 plainly still ties it."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    rows = {("2014-07", "cse_arrests"): (6, 7, 8, 9), ("2014-07", "grooming_arrests"): (1, 1, 0, 0),
            ("2026-07", "cse_arrests"): (16, 17, 18, 19), ("2026-07", "grooming_arrests"): (11, 12, 13, 14)}
    text = HEADER + "".join(f"{p},{d},{m},{v}\n" for (p, m), vs in rows.items()
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2026-07"], PCC)  # July 2014 is not published: its small counts are hidden whenever it is
        board = add_meeting(con, PCC, held_on="2026-08-20").meeting_id
        asked = ask(con, PCC, board, "Why did CSE arrests in Rotherham fall in July?")
        said = record_answer(con, PCC, asked, body="Two officers left the team; the force is recruiting.",
                             answered_by="ACC Jones", answered_on="2026-08-27")
        release(con, PCC, "answer", said)
        preview = preview_publication(con)
        assert preview.problem is None, preview.problem
        plain = record_answer(con, PCC, asked, body="Two arrests were made in July 2014; the force is recruiting.",
                              answered_by="ACC Jones", answered_on="2026-08-28")
        approval = release(con, PCC, "answer", plain)
        with pytest.raises(NothingToPublish, match="quotes 2 \\(written “Two”\\), a small count of a month not "
                                                   "published, hidden whenever "
                                                   "its month is published, for Grooming arrests for South Yorkshire "
                                                   "in July 2014"):
            publish(con, PCC)
        unrelease(con, PCC, approval, reason="It quotes a small count.")
        publish(con, PCC)
    assert "Two officers left the team; the force is recruiting." in every_text(public_side.current_snapshot())


def test_a_month_named_alone_is_read_by_the_day_the_text_was_said():
    """"In July", said on 20 August 2026, is July 2026; said on 2 July 2026, before that July is over, it may be July
    2025 too; a year named in the text is that year's July; with no day to read it by, every year's July, as before."""
    import datetime as dt

    import pandas as pd

    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    hidden = pd.DataFrame([("grooming_arrests", "South Yorkshire", p, "month", 2, "", "", "")
                           for p in ("2014-07", "2025-07", "2026-07")], columns=HIDDEN_COLUMNS)

    def tied(text, *days):
        return sorted(q.figure[-9:] for q in quoted_hidden_figures(text, hidden, days=days) if q.tied)

    text = "The force made two grooming arrests in July."
    assert tied(text, dt.date(2026, 8, 20)) == ["July 2026"]
    assert tied(text, dt.date(2027, 3, 1)) == ["July 2026"]
    assert tied(text, dt.date(2026, 7, 2)) == ["July 2025", "July 2026"]
    assert tied(text, dt.date(2014, 8, 20), dt.date(2026, 8, 20)) == ["July 2014", "July 2026"]  # each day's
    assert tied(text) == ["July 2014", "July 2025", "July 2026"]
    assert tied("The force made two grooming arrests in July; in 2014 it made more.", dt.date(2026, 8, 20)) == [
        "July 2014"]
    assert tied("The force made two grooming arrests in July 2014.", dt.date(2026, 8, 20)) == ["July 2014"]


def test_a_number_said_of_something_no_figure_counts_is_not_tied_to_a_hidden_figure(db, tmp_path, monkeypatch):
    """Asked why grooming arrests in Rotherham fell, the force answers "Two operations closed in June 2026.": the "two"
    counts operations, not arrests, and gives no figure away. Regression: it named Rotherham, June 2026 and (in the
    question) arrests, so it was tied to Rotherham's hidden grooming arrests of June 2026 (2) and `pccdash publish`
    refused. It is still pointed out as a number equal to a hidden figure; said of arrests, it still refuses."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    rows = {"cse_arrests": (16, 17, 18, 19), "grooming_arrests": (11, 12, 2, 14)}
    text = HEADER + "".join(f"2026-06,{d},{m},{v}\n" for m, vs in rows.items()
                            for d, v in zip(DISTRICTS, vs, strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        approve(con, ["2026-06"], PCC)
        board = add_meeting(con, PCC, held_on="2026-07-16").meeting_id
        asked = ask(con, PCC, board, "Why did grooming arrests in Rotherham fall?")
        said = record_answer(con, PCC, asked, body="Two operations closed in June 2026.", answered_by="ACC Jones",
                             answered_on="2026-07-20")
        warning = release_form_defaults(con, "answer", said).warning
        assert warning and "mentions a number equal to a figure the next publication hides" in warning, warning
        assert "2 (Grooming arrests for Rotherham in June 2026)" in warning and "publishing is refused" not in \
            warning, warning
        release(con, PCC, "answer", said)
        preview = preview_publication(con)
        assert preview.problem is None, preview.problem
        assert any(line.startswith("Check:") and "mentions 2" in line for line in preview.summary), preview.summary
        plain = record_answer(con, PCC, asked, body="Two arrests were made in June 2026.", answered_by="ACC Jones",
                              answered_on="2026-07-21")
        assert "publishing is refused" in release_form_defaults(con, "answer", plain).warning
        approval = release(con, PCC, "answer", plain)
        with pytest.raises(NothingToPublish, match="quotes 2 \\(written “Two”\\), the figure this publication hides "
                                                   "for Grooming arrests "
                                                   "for Rotherham in June 2026"):
            publish(con, PCC)
        unrelease(con, PCC, approval, reason="It quotes a hidden figure.")
        publish(con, PCC)
    assert "Two operations closed in June 2026." in every_text(public_side.current_snapshot())


def test_an_approved_item_of_a_question_withdrawn_since_that_quotes_a_hidden_figure_is_told_to_withdraw_its_approval(
        db, tmp_path, monkeypatch):
    """An answer approved, then its question withdrawn: when the answer quotes a figure the publication hides,
    publishing is refused. Regression: the refusal said to approve the answer again with its text edited, which is
    refused for a withdrawn question, as approving the question is; it now says the question was withdrawn and that
    withdrawing the approval ("pccdash unrelease N") is the way to publish. So for the question's own approval and its
    withdrawal's, which carry its words; the withdrawal's own reason can still be approved again edited."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    rows = {"cse_arrests": (16, 17, 18, 19), "grooming_arrests": (11, 12, 2, 14)}
    text = HEADER + "".join(f"2026-06,{d},{m},{v}\n" for m, vs in rows.items()
                            for d, v in zip(DISTRICTS, vs, strict=True))
    tail = (", the figure this publication hides for Grooming arrests for Rotherham in June 2026, and its record "
            "names that figure's area, period and measure: published in its text, the hidden figure would be "
            "published with it. Question {q} has been withdrawn, so neither it nor an answer or decision on it can be "
            'approved again with its text edited. To publish, withdraw its approval ("pccdash unrelease {n} --reason '
            'TEXT"), then publish again.')
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
        board = add_meeting(con, PCC, held_on="2026-07-16").meeting_id
        asked = ask(con, PCC, board, "Why did grooming arrests in Rotherham fall?")
        said = record_answer(con, PCC, asked, body="Two arrests were made in June 2026.", answered_by="ACC Jones",
                             answered_on="2026-07-20")
        answer = release(con, PCC, "answer", said)
        withdraw_question(con, PCC, asked, reason="Answered another way.")
        approve(con, ["2026-06"], PCC)
        problem = preview_publication(con).problem
        assert problem == (f"Nothing can be published: the answer approved for publication (approval {answer}, "
                           f"answer {said}) quotes 2 (written \u201cTwo\u201d)"
                           + tail.format(q=asked, n=answer)), problem
        with pytest.raises(CannotRelease, match=f"Question {asked} was withdrawn"):  # what it used to advise
            release(con, PCC, "answer", said, public_text="Arrests were made in June 2026.")
        unrelease(con, PCC, answer, reason="It quotes a hidden figure.")

        # the question's words quoting the figure, approved, then the question withdrawn and its withdrawal approved
        other = ask(con, PCC, board, "Rotherham made 2 grooming arrests in June 2026: why so few?")
        question = release(con, PCC, "question", other)
        withdraw_question(con, PCC, other, reason="Put by mistake.")
        withdrawal = release(con, PCC, "withdrawal", other)
        problem = preview_publication(con).problem
        assert problem.startswith(f"Nothing can be published: the question approved for publication (approval "
                                  f"{question}, question {other}) quotes 2" + tail.format(q=other, n=question)
                                  ), problem
        unrelease(con, PCC, question, reason="It quotes a hidden figure.")
        problem = preview_publication(con).problem
        assert problem == ("Nothing can be published: the question's withdrawal approved for publication (approval "
                           f"{withdrawal}, withdrawal {other}) quotes, in the question it carries (question {other}), 2"
                           + tail.format(q=other, n=withdrawal)), problem
        unrelease(con, PCC, withdrawal, reason="It quotes a hidden figure.")
        publish(con, PCC)


def test_a_number_is_not_the_figure_only_where_the_text_plainly_counts_something_else_by_it():
    """A number followed by a plural that is not what the figure counts, its clause naming no measure, counts that
    ("two operations", "two officers" beside arrests); counted in the figure's words, or in words for people or
    cases, or with its measure's verb after it, or followed by anything else, it may be the figure and stays tied."""
    import pandas as pd

    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    hidden = pd.DataFrame([
        ("grooming_arrests", "Rotherham", "2026-06", "month", 2, "", "", ""),
        ("officers_trained", "Rotherham", "2026-06", "month", 2, "", "", ""),
        ("cse_suspects_identified", "South Yorkshire", "2023/24", "financial_year", 9, "suspect_ethnicity",
         "pakistani", "Pakistani")], columns=HIDDEN_COLUMNS)

    def tied(text, context=None):
        return sorted(q.figure.split(" for ")[0] for q in quoted_hidden_figures(text, hidden, context) if q.tied)

    question = "Why did grooming arrests and officers trained in Rotherham fall in June 2026?"
    assert tied("Two operations closed in June 2026.", question) == []
    assert tied("Two operations closed in June 2026 and the team was moved.", question) == []
    assert tied("Arrests fell because two operations closed in June 2026.", question) == []
    assert tied("Two officers left the team in June 2026.", question) == ["Officers trained"]  # officers: its word
    for text in ("Two arrests were made in June 2026.", "Two grooming arrests in June 2026.",
                 "Grooming arrests were two in June 2026.", "Two people were arrested in June 2026.",
                 "Two offenders were arrested in June 2026.", "Two men were arrested in June 2026.",
                 "Two abusers were arrested in June 2026.", "Two new arrests were made in June 2026.",
                 "Two operations closed in June 2026; two were arrested.", "Two in June 2026.",
                 "The force made grooming arrests of two drivers in June 2026.",
                 "The force arrested two drivers in June 2026.", "Two brothers were held in June 2026."):
        assert "Grooming arrests" in tied(text, question), text
    assert tied("9 Pakistani suspects were identified in 2023/24.") == ["CSE suspects identified, Pakistani,"]
    assert tied("9 of the suspects identified in 2023/24 were Pakistani.") == ["CSE suspects identified, Pakistani,"]
    assert tied("9 operations closed in 2023/24; most suspects identified were Pakistani.") == []
    assert tied("9 operations found suspects in 2023/24; most were Pakistani.") != [], "its clause names suspects"


def test_one_thing_no_figure_counts_is_not_tied_to_a_hidden_figure_as_two_are_not():
    """"One operation was closed in June 2026" counts an operation, as "two operations closed" count operations: the
    number is not tied to a hidden figure of 1. Regression: only a plural after the number said it counted something
    else, so the singular was tied to Rotherham's hidden grooming arrests and publishing was refused. Said of one of
    the figure's words, or of a word for people or cases (after a word describing it too), or in a clause naming the
    measure, or of a verb or a word that is no thing counted, "one" may be the figure and stays tied."""
    import pandas as pd

    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    hidden = pd.DataFrame([("grooming_arrests", "Rotherham", "2026-06", "month", 1, "", "", "")],
                          columns=HIDDEN_COLUMNS)

    def tied(text, context="Why did grooming arrests in Rotherham fall in June 2026?"):
        return [q.figure for q in quoted_hidden_figures(text, hidden, context) if q.tied]

    for text in ("One operation was closed in June 2026.", "One operation closed in June 2026.",
                 "1 operation closed in June 2026.", "Arrests fell because one operation closed in June 2026.",
                 "One major operation was closed in June 2026."):
        assert tied(text) == [], text
    for text in ("One arrest was made in June 2026.", "One grooming arrest in June 2026.",
                 "One person was arrested in June 2026.", "One local man was arrested in June 2026.",
                 "One local man was held in June 2026.", "One further arrest was made in June 2026.",
                 "One operation led to arrests in June 2026.", "One remained in custody in June 2026.",
                 "One went missing in June 2026.", "One was arrested in June 2026.", "One in June 2026.",
                 "One still awaits trial in June 2026.", "The force arrested one driver in June 2026.",
                 "One operation closed in June 2026; one was arrested."):
        assert tied(text) == ["Grooming arrests for Rotherham in June 2026"], text


def test_a_number_said_of_another_measures_noun_is_not_tied_to_a_figure_named_beside_it(db, tmp_path, monkeypatch):
    """"There were 7 arrests in Barnsley in July 2015, and 3 charges.": the 3 counts charges, not Barnsley's hidden 3
    CSE arrests, though the sentence names arrests. A number said directly of a measure's own noun ("3 charges",
    "three referrals") is tied to a measure that noun names only. Regression: "arrests" elsewhere in the sentence tied
    the 3 to the arrests, and publishing the answer was refused. Said of the figure's own noun, of people, or with no
    noun of its own, the number stays tied."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    hidden = pd.DataFrame([(m, "Rotherham", "2026-06", "month", 3, "", "", "")
                           for m in ("grooming_arrests", "cse_charges", "cse_referrals")], columns=HIDDEN_COLUMNS)

    def tied(text):
        return sorted(q.figure.split(" for ")[0] for q in quoted_hidden_figures(text, hidden) if q.tied)

    assert tied("There were 7 arrests in Rotherham in June 2026, and 3 charges.") == ["CSE charges"]
    assert tied("Three referrals followed the grooming arrests in Rotherham in June 2026.") == ["CSE referrals"]
    assert tied("3 charge files were sent after arrests in Rotherham in June 2026.") == ["CSE charges"]
    for text, figures in (("3 grooming arrests in Rotherham in June 2026.", ["Grooming arrests"]),
                          ("3 suspects were arrested in Rotherham in June 2026.", ["Grooming arrests"]),
                          ("3 people were charged after arrests in Rotherham in June 2026.",
                           ["CSE charges", "Grooming arrests"]),
                          ("Arrests and charges in Rotherham were 3 in June 2026.",
                           ["CSE charges", "Grooming arrests"])):
        assert tied(text) == figures, text
    with warehouse.connect(db) as con:
        [answer] = _answered(con, tmp_path, "cse_arrests", (3, 21, 31, 41), "Why did CSE arrests in Barnsley fall?",
                             "There were 7 arrests in Barnsley in July 2015, and 3 charges.")
        warning = release_form_defaults(con, "answer", answer).warning
        assert warning and "mentions a number equal to a figure the next publication hides" in warning, warning
        assert "3 (CSE arrests for Barnsley in July 2015)" in warning and "publishing is refused" not in warning, \
            warning
        release(con, PCC, "answer", answer)
        publish(con, PCC)


def test_a_number_of_referrals_beside_victims_referred_is_the_figures():
    """Regression: "Victims referred in Barnsley in March 2015: 3 referrals." was not tied to Barnsley's hidden 3
    victims referred, and was published: a number said of another measure's noun is that measure's, and "referred" in
    the measure's names was not read as naming referrals (the verb was looked for as "referrred"). Its Welsh ("tri
    atgyfeiriad") is read as the English is; beside arrests, three referrals are still no arrests."""
    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    def tied(text, measure):
        hidden = pd.DataFrame([(measure, "Barnsley", "2015-03", "month", 3, "", "", "")], columns=HIDDEN_COLUMNS)
        return [q.figure for q in quoted_hidden_figures(text, hidden) if q.tied]

    victims = ["Victims referred for Barnsley in March 2015"]
    for text in ("Victims referred in Barnsley in March 2015: 3 referrals.",
                 "There were three referrals of victims to support in Barnsley in March 2015.",
                 "Cafodd dioddefwyr eu hatgyfeirio yn Barnsley ym mis Mawrth 2015: tri atgyfeiriad."):
        assert tied(text, "victims_referred") == victims, text
    assert tied("There were arrests in Barnsley in March 2015, and three referrals.", "cse_arrests") == []


def test_a_number_said_with_its_noun_is_tied_to_every_measure_that_noun_names():
    """"3 arrests in Rotherham in June 2026" quotes the hidden 3 suspects arrested within 12 weeks as surely as the
    hidden 3 CSE arrests, and "3 summonses" (or "3 people were summonsed") the hidden 3 outcomes of a charge or
    summons. Regression: the measure named "arrested", not "arrests", and "summons" was read as "summon", so the
    noun was taken for another measure's and the number left untied. A noun ties to a measure whose words name it
    (its short name, aliases and unit: "3 notices" to CAWNs, "3 orders" to SHPOs and SROs); a noun they do not name
    stays untied: CSE charges count people charged, their words name no summons."""
    from pipelines.accountability.release import quoted_hidden_figures
    from pipelines.publish.snapshot import HIDDEN_COLUMNS

    hidden = pd.DataFrame([(m, "Rotherham", "2026-06", "month", 3, "", "", "")
                           for m in ("cse_suspects_arrested_12w", "cse_arrests", "cse_outcome_charge", "cse_charges",
                                     "cawn_issued", "shpo_sro_issued")], columns=HIDDEN_COLUMNS)

    def tied(text):
        return sorted(q.figure.split(" for ")[0] for q in quoted_hidden_figures(text, hidden) if q.tied)

    assert tied("There were 3 arrests in Rotherham in June 2026.") == [
        "CSE arrests", "Suspects arrested within 12 weeks"]
    assert tied("There were three summonses in Rotherham in June 2026.") == ["Outcome charge or summons"]
    assert tied("3 people were summonsed in Rotherham in June 2026.") == ["Outcome charge or summons"]
    assert tied("There were 3 charges in Rotherham in June 2026.") == ["CSE charges", "Outcome charge or summons"]
    assert tied("There were 3 notices in Rotherham in June 2026.") == ["CAWNs issued"]
    assert tied("There were 3 orders in Rotherham in June 2026.") == ["SHPOs and SROs"]
    assert tied("There were 7 arrests in Rotherham in June 2026, and 3 summonses.") == ["Outcome charge or summons"]
    assert tied("Roedd 3 arestiad yn Rotherham ym mis Mehefin 2026.") == [
        "CSE arrests", "Suspects arrested within 12 weeks"]


def test_the_publishing_page_lists_the_approvals_latest_first_and_counts_them(loop, monkeypatch):
    """Regression: after two years of Boards the Approve and publish page listed two dozen approvals of the
    accountability record from the first ever given, the one just approved at the foot of the page."""
    with warehouse.connect(loop["db"]) as con:
        first = release(con, PCC, "decision", loop["decision"])
        second = release(con, PCC, "decision", loop["theme"])
        third = release(con, PCC, "question", loop["other"])
    at = internal(monkeypatch, loop["db"], "internal_pages/publishing.py", PCC)
    assert not at.exception, at.exception
    assert "3 approvals in force, the latest first." in texts(at)
    buttons = [b.key for b in at.button if str(b.key).startswith("unrelease_")]
    assert buttons == [f"unrelease_{third}", f"unrelease_{second}", f"unrelease_{first}"]


def test_nothing_to_publish_after_a_withdrawal_does_not_say_nothing_was_approved_since(loop):
    """Regression: once a withdrawal took back an answer approved after the snapshot before it, "pccdash publish" said
    "nothing has been approved since", then "Left out: approval 1 ... It was given after snapshot 1"."""
    from pipelines.publish.snapshot import withdraw

    with warehouse.connect(loop["db"]) as con:
        publish(con, PCC)
        first = release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
        withdraw(con, PCC, "The decision was published before the Board had agreed its words")
        with pytest.raises(NothingToPublish) as refused:
            publish(con, PCC)
    said = str(refused.value)
    assert "nothing has been approved since" not in said, said
    assert "in snapshot 1, and nothing approved since may go out." in said and f"Left out: approval {first}," in said


def test_an_item_approved_for_a_withdrawn_publication_goes_out_again_only_approved_again(loop):
    """Regression: a decision approved after snapshot 1 went out in snapshot 2; snapshot 2 was withdrawn, and a plain
    "publish" straight afterwards put the decision before the public again with no new approval."""
    from pipelines.publish.snapshot import withdraw

    with warehouse.connect(loop["db"]) as con:
        publish(con, PCC)  # July alone
        first = release(con, PCC, "decision", loop["decision"])
        assert publish(con, PCC)[0] == 2
        withdraw(con, PCC, "The decision was published before the Board had agreed its words")
        # nothing else to publish: said, with the approval left out and how to approve it again
        with pytest.raises(NothingToPublish, match=rf'Left out: approval {first}, of Assurance decision .* It was '
                           r'given after snapshot 1 was made and published in snapshot 2, which was withdrawn on .*'
                           rf'"pccdash release decision {loop["decision"]}".*"pccdash unrelease {first} --reason'):
            publish(con, PCC)
        # the next month approved goes out without it
        august = HEADER + "".join(f"2015-08,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (12, 22, 32, 42),
                                                                                   strict=True))
        assert ingest(con, [write_csv(loop["folder"].parent / "august.csv", august)]).ok
        approve(con, ["2015-08"], PCC)
        preview = preview_publication(con)
        assert preview.problem is None, preview.problem
        assert any(line.startswith(f"Left out: approval {first},") for line in preview.summary), preview.summary
        version, path = publish(con, PCC)
        assert version == 3 and board(path) == []
        from pipelines.publish.snapshot import releases_taken_back

        assert [r.release_id for r in releases_taken_back(con)] == [first]
        # approved again: published
        release(con, PCC, "decision", loop["decision"])
        assert releases_taken_back(con) == []
        version, path = publish(con, PCC)
    assert version == 4 and [r["kind"] for r in board(path)] == ["decision"]


def test_an_item_approved_before_the_publication_a_withdrawal_goes_back_to_is_not_taken_back(loop):
    from pipelines.publish.snapshot import releases_taken_back, withdraw

    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)  # July and the decision
        release(con, PCC, "answer", loop["answer"])
        assert publish(con, PCC)[0] == 2
        withdraw(con, PCC, "The answer was not agreed")
        assert [r.kind for r in releases_taken_back(con)] == ["answer"]  # the decision stands, as snapshot 1 had it
        with pytest.raises(NothingToPublish, match="pccdash release answer"):
            publish(con, PCC)


def test_pccdash_withdraw_says_which_approved_item_it_took_back(loop, run_cli):
    with warehouse.connect(loop["db"]) as con:
        publish(con, PCC)
        first = release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
    out = run_cli("withdraw", "--reason", "Too early", "--yes", "--as", "pcc@example.org", "--db", loop["db"])
    assert out.exit_code == 0, out.output
    said = " ".join(out.stdout.split())
    assert (f"Taken back with it, as approved after snapshot 1 was published: approval {first}, of Assurance decision "
            "(Partly assured)") in said
    assert f'No publication carries it until it is approved again ("pccdash release decision {loop["decision"]}").' \
        in said


def test_the_publishing_page_says_which_approved_item_a_withdrawal_took_back(loop, monkeypatch):
    """Regression: "pccdash withdraw" named the approval it took back and how to approve it again; the page's Withdraw
    button said only which snapshot the public reads."""
    with warehouse.connect(loop["db"]) as con:
        publish(con, PCC)
        first = release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
    at = internal(monkeypatch, loop["db"], "internal_pages/publishing.py", PCC)
    at.text_input(key="withdraw_reason").input("Too early").run()
    at.checkbox(key="withdraw_checked").check().run()
    at.button(key="withdraw").click().run()
    assert not at.exception, at.exception
    said = " ".join(texts(at).split())
    assert "Withdrew snapshot 2; the public side reads snapshot 1 again." in said
    assert (f"Taken back with it, as approved after snapshot 1 was published: approval {first}, of Assurance decision "
            "(Partly assured)") in said
    assert f'No publication carries it until it is approved again ("pccdash release decision {loop["decision"]}").' \
        in said
    at.run()  # said once, after the withdrawal, not on every page drawn since
    assert "Taken back with it" not in texts(at)


def test_the_publishing_page_with_nothing_to_publish_still_names_an_approval_a_withdrawal_took_back(loop, monkeypatch):
    """Regression: a decision's approval that a withdrawal took back stays out of every later publication until
    approved again. "pccdash publish" said so each time ("Left out: approval N ..."), but the Approve and publish page,
    with nothing else to publish, said only "Nothing to publish", and no longer listed the approval: fourteen months
    on, the Commissioner had never been told that a January decision was missing from the public record."""
    from pipelines.publish.snapshot import withdraw

    with warehouse.connect(loop["db"]) as con:
        publish(con, PCC)
        first = release(con, PCC, "decision", loop["decision"])
        publish(con, PCC)
        withdraw(con, PCC, "Too early")
    at = internal(monkeypatch, loop["db"], "internal_pages/publishing.py", PCC)
    assert not at.exception, at.exception
    said = " ".join(texts(at).split())
    assert "Nothing to publish" in said
    assert f"Left out: approval {first}, of Assurance decision (Partly assured)" in said
    assert f'"pccdash release decision {loop["decision"]}"' in said


# ------------------------------------------------------------------------------------- a question's withdrawal

INTERNAL_REASON = "Signed on 1 September; Sgt Brown told analyst@example.org by phone"
PUBLIC_REASON = "The protocol was signed on 1 September 2015."
WITHDRAWN_SAID = f"This question was withdrawn on 10 September 2015 and awaits no answer: {PUBLIC_REASON}"


def board_texts(path) -> str:
    """What the board page of the snapshot at `path` says, as the static site writes it from the same blocks."""
    from pipelines.publish.content import SnapshotView

    return "\n".join(str(getattr(b, "text", "")) for b in pages.board_page(SnapshotView(path)).blocks)


def test_a_published_question_withdrawn_is_shown_withdrawn_once_its_withdrawal_is_approved_and_published(
        loop, monkeypatch):
    """Regression: a question withdrawn after it was published stayed on the public page as if still awaiting an
    answer, for ever, and a member of the public who asked it was never told. Its withdrawal is now approved for
    publication like an answer, in words for the public, and the next publication says it."""
    from pipelines.accountability import withdraw_question

    other = loop["other"]
    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "question", other, public_text="When will the protocol be signed?")
        publish(con, PCC)
        withdraw_question(con, ANALYST, other, reason=INTERNAL_REASON, on="2015-09-10")
        # withdrawn, not yet approved: the next publication carries the question as it was approved, not withdrawn
        release(con, PCC, "decision", loop["decision"])
        _, unapproved = publish(con, PCC)
        form = release_form_defaults(con, "withdrawal", other)
        assert form.editable == INTERNAL_REASON and form.editable_label == "Why it was withdrawn, as published"
        assert form.record["question"] == "When will the protocol be signed?", "the words the public already has"
        assert "analyst@example.org" not in str({k: v for k, v in form.record.items() if k != "withdrawn_reason"})
        with pytest.raises(CannotRelease, match="holds an e-mail address"):  # the office's words as they are
            release(con, PCC, "withdrawal", other)
        release(con, PCC, "withdrawal", other, public_text=PUBLIC_REASON)
    assert "withdrawn" not in board_texts(unapproved).lower()
    assert "No answer from the force has been published yet" in board_texts(unapproved)
    # approved, not yet published: the public reads what it read
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception and WITHDRAWN_SAID not in texts(at)
    assert "When will the protocol be signed?" in texts(at)

    with warehouse.connect(loop["db"]) as con:
        preview = preview_publication(con)
        assert preview.board_new == 1, "the withdrawal is new to the public"
        _, path = publish(con, PCC)
    rows = [r for r in board(path) if r["question_ref"] == str(other)]
    assert sorted(r["kind"] for r in rows) == ["question", "withdrawal"]
    (row,) = [r for r in rows if r["kind"] == "withdrawal"]
    assert (row["withdrawn_on"], row["withdrawn_reason"]) == ("2015-09-10", PUBLIC_REASON)
    assert row["question"] == "When will the protocol be signed?"
    for secret in ("Sgt Brown", "analyst@example.org"):
        assert secret not in every_text(path)

    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    lines = texts(at).splitlines()
    asked = lines.index("Question (asked by the South Yorkshire Mayoral Combined Authority): When will the protocol "
                        "be signed?")
    assert lines[asked + 1] == WITHDRAWN_SAID
    assert not lines[asked + 2].startswith("No answer from the force"), "a withdrawn question awaits no answer"
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    assert "This question was withdrawn on 10 September 2015 and awaits no answer" in site
    assert "The protocol was signed on 1 September 2015." in site
    assert "Sgt Brown" not in site


def test_a_withdrawn_question_with_a_published_answer_is_withdrawn_beside_it(loop, monkeypatch):
    from pipelines.accountability import withdraw_question

    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "answer", loop["answer"])  # the question is published through its answer alone
        withdraw_question(con, PCC, loop["question"], reason="Overtaken by the force's review", on="2015-09-10")
        number = release(con, PCC, "withdrawal", loop["question"])
        assert [r.label for r in released(con) if r.release_id == number] == [
            "Question's withdrawal on \u201cWhy did arrests in Rotherham fall in July?\u201d, Public Accountability "
            "Board, 20 August 2015"]
        _, path = publish(con, PCC)
    said = board_texts(path)
    assert "This question was withdrawn on 10 September 2015: Overtaken by the force's review." in said
    assert "The force's answer, given by ACC Jones on 2 September 2015" in said


def test_a_question_never_published_stays_unpublished_when_withdrawn(loop):
    from pipelines.accountability import NotFound, withdraw_question

    with warehouse.connect(loop["db"]) as con:
        with pytest.raises(CannotRelease, match="has not been withdrawn"):
            release(con, PCC, "withdrawal", loop["other"])
        withdraw_question(con, PCC, loop["other"], reason="Put by mistake", on="2015-09-10")
        with pytest.raises(CannotRelease, match=f"Nothing of question {loop['other']} is approved for publication "
                                                ".*it stays unpublished, and so does its withdrawal"):
            release(con, PCC, "withdrawal", loop["other"])
        with pytest.raises(CannotRelease, match="was withdrawn"):
            release(con, PCC, "question", loop["other"])
        with pytest.raises(NotFound, match='"first" is not a question number'):
            release(con, PCC, "withdrawal", "first")
        release(con, PCC, "decision", loop["decision"])
        _, path = publish(con, PCC)
    assert [r["kind"] for r in board(path)] == ["decision"]
    assert "missing-children protocol" not in every_text(path) and "Put by mistake" not in every_text(path)
    assert "withdrawn" not in board_texts(path).lower()


def test_the_command_line_approves_a_withdrawal_and_says_when_the_public_still_reads_it_open(loop, run_cli):
    db, pcc = loop["db"], ("--as", "pcc@example.org")
    assert run_cli("release", "question", loop["question"], "--db", db, *pcc).exit_code == 0
    out = run_cli("meetings", "withdraw-question", loop["question"], "--reason", "Overtaken", "--on", "2015-09-10",
                  "--db", db, *pcc)
    assert out.exit_code == 0, out.stderr
    assert (f'the public reads it as still open until its withdrawal is approved ("pccdash release withdrawal '
            f'{loop["question"]}"') in " ".join(out.stdout.split())
    quiet = run_cli("meetings", "withdraw-question", loop["other"], "--reason", "Put by mistake", "--db", db, *pcc)
    assert quiet.exit_code == 0 and "public" not in quiet.stdout, "never approved: nothing public to be told"
    approved = run_cli("release", "withdrawal", loop["question"], "--text", "Overtaken by the review.", "--db", db,
                       *pcc)
    assert approved.exit_code == 0, approved.stderr
    assert f"Approved the withdrawal of question {loop['question']} for the next publication" in approved.stdout
    assert "Question's withdrawal" in run_cli("released", "--db", db).stdout
    refused = run_cli("release", "withdrawal", loop["other"], "--db", db, *pcc)
    assert refused.exit_code == 1 and "stays unpublished" in refused.stderr and "Traceback" not in refused.stderr
    # the withdrawal quotes its question: withdrawing the question's approval alone leaves it published through it
    with warehouse.connect_read_only(db) as con:
        numbers = {r.kind: r.release_id for r in released(con)}
    out = run_cli("unrelease", numbers["question"], "--reason", "Names a school", "--db", db, *pcc)
    assert out.exit_code == 0 and f"approval {numbers['withdrawal']} (withdrawal)" in out.stderr, out.stderr


def test_an_older_snapshot_with_no_withdrawal_columns_still_loads_and_is_published_over(loop, monkeypatch, tmp_path):
    """A snapshot written before a question's withdrawal was published has no withdrawn_on or withdrawn_reason: the
    app and the static site read it as before, and the next publication reads its record as unchanged."""
    from pipelines.accountability import withdraw_question
    from pipelines.publish import site
    from pipelines.publish.content import SnapshotView

    with warehouse.connect(loop["db"]) as con:
        release(con, PCC, "question", loop["other"])
        _, path = publish(con, PCC)
    old = duckdb.connect(str(path))  # as a snapshot written before a question's withdrawal was published
    old.execute("ALTER TABLE board_item DROP COLUMN withdrawn_on")
    old.execute("ALTER TABLE board_item DROP COLUMN withdrawn_reason")
    old.close()
    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    assert "When will the missing-children protocol be signed?" in texts(at)
    assert "No answer from the force has been published yet" in texts(at)
    built = tmp_path / "site"
    built.mkdir()
    site.build_site(SnapshotView(path), built)
    assert "missing-children protocol" in (built / "board.html").read_text(encoding="utf-8")
    # the next publication reads it as the one before, and carries the withdrawal as the one change
    with warehouse.connect(loop["db"]) as con:
        withdraw_question(con, PCC, loop["other"], reason="Put by mistake", on="2015-09-10")
        release(con, PCC, "withdrawal", loop["other"])
        preview = preview_publication(con)
        assert (preview.board_new, preview.board_changed, preview.board_dropped) == (1, 0, 0)
        _, newer = publish(con, PCC)
    assert "This question was withdrawn on 10 September 2015 and awaits no answer: Put by mistake." in \
        board_texts(newer)


WELSH_QUESTION = "Pam mae'r heddlu'n arestio llai o bobl yn Rotherham ym mis Gorffennaf?"
WELSH_ANSWER = "Symudodd dau swyddog i'r hyb newydd; mae'r gwaith wedi ei adfer."


def test_a_question_and_answer_in_welsh_are_marked_as_welsh_on_the_site_and_in_the_app(loop, monkeypatch):
    """Regression: a question the public sent in Welsh, and the force's answer in Welsh, were published inside pages
    marked English (lang="en-GB") and nothing else, so a screen reader read the Welsh with English sounds (WCAG 3.1.2,
    Language of Parts). Each is now marked lang="cy" where it is published; the English words around it, and a
    question in English, are not."""
    with warehouse.connect(loop["db"]) as con:
        asked = ask(con, PCC, loop["meeting"], WELSH_QUESTION)
        answer = record_answer(con, PCC, asked, body=WELSH_ANSWER, answered_by="ACC Jones", answered_on="2015-09-02")
        release(con, PCC, "question", asked)
        release(con, PCC, "answer", answer)
        release(con, PCC, "question", loop["other"])
        publish(con, PCC)
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    assert ("<p>Question (asked by the South Yorkshire Mayoral Combined Authority): <span lang=\"cy\">Pam mae&#x27;r "
            "heddlu&#x27;n arestio llai o bobl yn Rotherham ym mis Gorffennaf?</span></p>") in site
    assert ("given by ACC Jones on 2 September 2015: <span lang=\"cy\">Symudodd dau swyddog i&#x27;r hyb newydd; "
            "mae&#x27;r gwaith wedi ei adfer.</span></p>") in site
    assert site.count('lang="cy"') == 2, "only the Welsh texts are marked"
    assert "): When will the missing-children protocol be signed?</p>" in site

    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    marked = [str(m.value) for m in at.markdown if 'lang="cy"' in str(m.value)]
    assert len(marked) == 2, marked
    assert marked[0].endswith("<span lang=\"cy\">Pam mae'r heddlu'n arestio llai o bobl yn Rotherham ym mis "
                              "Gorffennaf?</span>"), marked[0]
    english = [str(m.value) for m in at.markdown if "missing\\-children protocol" in str(m.value)]
    assert english and not [m for m in english if "lang=" in m], english


def test_only_a_text_in_welsh_is_taken_for_welsh_and_its_mark_escapes_it():
    """A place, a school or a force named in Welsh in an English sentence leaves it English; a text in Welsh, however
    short, is Welsh; the marked part is escaped like any other text."""
    from pipelines.publish.content import quoting
    from pipelines.publish.language import language_of
    from pipelines.publish.site import Ids, render_block

    for english in ("Why did arrests in Rotherham fall in July?", "Pam asked why the EU rules are not in the plan.",
                    "Why is Ysgol Gymraeg Bro Dinefwr not in the figures for Heddlu Dyfed-Powys?", "Diolch", ""):
        assert language_of(english) == "", english
    for welsh in (WELSH_QUESTION, WELSH_ANSWER, "Beth yw'r cynllun?", "Faint o blant sydd mewn perygl?",
                  "A fydd y Comisiynydd yn cyhoeddi’r ffigurau bob mis?"):
        assert language_of(welsh) == "cy", welsh
    said = render_block(quoting("Question: ", "Pam mae <script>hyn</script> yn digwydd?"), Ids())
    assert said == '<p>Question: <span lang="cy">Pam mae &lt;script&gt;hyn&lt;/script&gt; yn digwydd?</span></p>'
    english = render_block(quoting("Question: ", "Why <b>now</b>?"), Ids())
    assert english == "<p>Question: Why &lt;b&gt;now&lt;/b&gt;?</p>"


@pytest.mark.parametrize("typed", ["Is July's fall in Rotherham special cause variation?",
                                   "The SPC chart shows July outside the control limits: why?",
                                   "Was July a special-cause month or common cause?"])
def test_a_published_question_in_the_methods_own_words_is_explained_in_plain_words(loop, typed):
    """Regression: a question typed in the method's own names (SPC, special cause, control limits) rather than the
    drafted questions' "process limit" and "average" was published with nothing saying what they mean."""
    from pipelines.publish.content import SnapshotView

    with warehouse.connect(loop["db"]) as con:
        asked = ask(con, PCC, loop["meeting"], typed)
        release(con, PCC, "question", asked)
        publish(con, PCC)
    page = pages.board_page(SnapshotView(public_side.current_snapshot(loop["folder"])))
    said = [b.text for b in page.blocks if hasattr(b, "text")]
    assert pages.CHART_WORDS in said, said
    for term in ("statistical process control (SPC)", '"special cause"', '"common cause"', "control limits"):
        assert term in pages.CHART_WORDS
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    assert "The method is called statistical process control (SPC)." in site


WELSH_RATIONALE = "Nid yw'r protocol wedi ei lofnodi eto; mae'r heddlu'n aros am y bwrdd."
WELSH_REASON = "Gofynnwyd y cwestiwn hwn trwy gamgymeriad."


def test_a_rationale_and_a_withdrawal_reason_in_welsh_are_marked_as_welsh_on_the_site_and_in_the_app(loop,
                                                                                                    monkeypatch):
    """Regression: a question and its answer in Welsh were marked lang="cy", but a decision's rationale and a
    question's withdrawal reason written in Welsh were published in pages marked English, so a screen reader read them
    with English sounds (WCAG 3.1.2). Each is marked where it is published, and the pages' own words after it (the
    follow-up day) are not."""
    with warehouse.connect(loop["db"]) as con:
        later = decide(con, PCC, meeting_id=loop["meeting"], theme="Missing children", decision="awaiting_evidence",
                       rationale=WELSH_RATIONALE, evidence=[("answer", "The force's update")], follow_up="2015-10-15")
        release(con, PCC, "decision", later)
        release(con, PCC, "decision", loop["decision"])
        release(con, PCC, "question", loop["other"])
        withdraw_question(con, PCC, loop["other"], reason=WELSH_REASON, on="2015-09-10")
        release(con, PCC, "withdrawal", loop["other"])
        publish(con, PCC)
    site = (loop["folder"] / "public" / "site" / "board.html").read_text(encoding="utf-8")
    assert ("Decided at the Public Accountability Board of 20 August 2015. <span lang=\"cy\">Nid yw&#x27;r protocol "
            "wedi ei lofnodi eto; mae&#x27;r heddlu&#x27;n aros am y bwrdd.</span> A follow-up was set for 15 October "
            "2015.</p>") in site, site
    assert ("This question was withdrawn on 10 September 2015 and awaits no answer: <span lang=\"cy\">Gofynnwyd y "
            "cwestiwn hwn trwy gamgymeriad.</span></p>") in site
    assert site.count('lang="cy"') == 2, "only the Welsh texts are marked: the English rationale is not"

    at = public(monkeypatch, loop["folder"], "public_pages/board.py")
    assert not at.exception
    marked = [str(m.value) for m in at.markdown if 'lang="cy"' in str(m.value)]
    assert len(marked) == 2, marked
    assert any(m.endswith("<span lang=\"cy\">Gofynnwyd y cwestiwn hwn trwy gamgymeriad\\.</span>") for m in marked)
    assert any("<span lang=\"cy\">Nid yw'r protocol wedi ei lofnodi eto; mae'r heddlu'n aros am y bwrdd\\.</span> A "
               "follow\\-up was set for 15 October 2015\\." in m for m in marked), marked


def test_inbox_find_says_where_a_public_question_stands_now_answered_published_or_withdrawn(loop, run_cli):
    """Regression: "pccdash inbox find" said "accepted as question 3" of a public question answered at the Board and
    published since, so that the office, asked by its sender where it stood, was told only that it was accepted."""
    submit("Does every school have a named officer?", SUBMITTER, CONTACT, session="s1")
    submit("When will the protocol be signed?", "Another Sender", "another@example.net", session="s2")
    with warehouse.connect(loop["db"]) as con:
        assert import_inbox(con, ANALYST) == 2
        first, second = [s for (s,) in con.execute(
            "SELECT submission_id FROM public_submission ORDER BY body").fetchall()]
        answered = accept(con, ANALYST, first, edited_body="Does every school have a named officer?",
                          meeting_id=loop["meeting"])
        withdrawn = accept(con, ANALYST, second, edited_body="When will the protocol be signed?",
                           meeting_id=loop["meeting"])
    said = " ".join(run_cli("inbox", "find", CONTACT, "--db", loop["db"]).stdout.split())
    assert f"accepted as question {answered} " in said and "answered on" not in said
    with warehouse.connect(loop["db"]) as con:
        record_answer(con, PCC, answered, body="Yes, every school has one.", answered_by="ACC Jones",
                      answered_on="2015-09-02")
        release(con, PCC, "question", answered)
        publish(con, PCC)
        (first_published,) = con.execute("SELECT max(created_at) FROM snapshot").fetchone()
        withdraw_question(con, PCC, withdrawn, reason="The protocol was signed on 1 September.", on="2015-09-03")
    from pipelines.uk_time import uk_day_words

    said = " ".join(run_cli("inbox", "find", CONTACT, "--db", loop["db"]).stdout.split())
    assert (f"accepted as question {answered}, answered on 2 September 2015, first published on "
            f"{uk_day_words(first_published)}") in said, said
    other = " ".join(run_cli("inbox", "find", "another@example.net", "--db", loop["db"]).stdout.split())
    assert f"accepted as question {withdrawn}, withdrawn on 3 September 2015 " in other, other
    assert "published" not in other
