"""Publishing is a deliberate act: a preview of exactly what the public will see comes first, nothing approved (or
nothing changed) publishes nothing, a publication can be withdrawn back to the one before, each is in the audit
trail, and the public pages never join or describe months that were not published."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from click.testing import CliRunner
from dashboard_helpers import PCC as PCC_USER
from dashboard_helpers import claims_of, html_tables, internal, public, tables_in, texts
from helpers import write_csv

from pipelines import public as public_side
from pipelines import warehouse
from pipelines.access import NotAllowed
from pipelines.catalogue import catalogue
from pipelines.cli import main
from pipelines.ingest import ingest
from pipelines.publish.approval import approve, period_states
from pipelines.publish.snapshot import (
    CannotWithdraw,
    NothingToPublish,
    PreviewOutdated,
    earlier_snapshots,
    preview_publication,
    publish,
    withdraw,
    withdrawal_headline,
    withdrawal_words,
)

PCC = claims_of("pcc@example.org")
ANALYST = claims_of("analyst@example.org")
HEADER = "period,district,measure,value\n"
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")


def test_a_withdrawal_leaves_an_approval_given_after_the_withdrawn_snapshot_was_made(loaded, folder, tmp_path):
    """Regression: June published in snapshot 1, July added in snapshot 2, then both corrected and approved again
    before snapshot 2 was withdrawn. Snapshot 2 never carried those approvals, but the withdrawal took June's back
    (June read "changed", its correction to approve again) and July's (July read "withdrawn"), and said so."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        fix = HEADER + month_rows("2015-06", (10, 20, 30, 45)) + month_rows("2015-07", (11, 21, 31, 46))
        assert ingest(con, [write_csv(tmp_path / "fix.csv", fix)]).ok
        approve(con, ["2015-06", "2015-07"], PCC, "The force corrected Sheffield's arrests")
        given = {f"{s.period:%Y-%m}": s.approved_at for s in period_states(con)}
        done = withdraw(con, PCC, "Published too early")
        assert (done.unpublished, done.taken_back, done.approved_since, done.unpublished_approved) == (
            [], [], ["2015-06"], ["2015-07"])
        said = withdrawal_headline(done)
        assert "taken back" not in said and "no longer approved" not in said
        # of the notes standing now, those on a month the public reads (June) are said not to be shown; none on July,
        # which the public no longer reads at all
        notes = [line for line in withdrawal_words(done, preview_publication(con, folder), [])
                 if "standing, not" in line]
        assert notes and all("June 2015" in line for line in notes), notes
        assert ("No longer published, and still approved, as approved again after snapshot 2 was made (the next "
                "publication carries them): 2015-07.") in said
        assert ("Back to the figures published before, their approval given after snapshot 2 was made standing (the "
                "next publication carries it): 2015-06.") in said
        states = {f"{s.period:%Y-%m}": s for s in period_states(con)}
        for month in ("2015-06", "2015-07"):
            assert (states[month].status, states[month].approved_at) == ("approved", given[month]), states[month]
        assert states["2015-07"].published_at is None, "July is no longer published"
        assert audit_rows(con, "unapprove") == []
        assert publish(con, PCC)[0] == 3  # as approved: no approval again needed
        rebuilt = {path.name: figures for path, (figures, *_rest) in zip(
            sorted(folder.glob("snapshot-*.duckdb")), earlier_snapshots(con, folder), strict=True)}
    sheffield = public_side.read("SELECT period, value FROM figure WHERE period_type = 'month' AND area = 'Sheffield' "
                                 "AND measure = 'cse_arrests' ORDER BY period").values.tolist()
    assert sheffield == [["2015-06", 45], ["2015-07", 46]]
    # each snapshot rebuilt with the approvals it was made from, as disclosure control reads them
    assert {name: figures.loc[figures["district"] == "Sheffield"].sort_values("period")["value"].tolist()
            for name, figures in rebuilt.items()} == {"snapshot-0001.duckdb": [40], "snapshot-0002.duckdb": [40, 41],
                                                      "snapshot-0003.duckdb": [45, 46]}


def month_rows(period: str, values, measure: str = "cse_arrests") -> str:
    return "".join(f"{period},{d},{measure},{v}\n" for d, v in zip(DISTRICTS, values, strict=True))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    out = tmp_path / "published"
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(out))
    return out


@pytest.fixture
def loaded(db, tmp_path, folder):
    """June, July and August 2015 of one measure, all four districts; nothing approved."""
    text = HEADER + month_rows("2015-06", (10, 20, 30, 40)) + month_rows("2015-07", (11, 21, 31, 41)) + month_rows(
        "2015-08", (12, 22, 32, 42))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", text)]).ok
    return db


def snapshots(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("snapshot-*.duckdb")) if folder.exists() else []


def audit_rows(con, action: str) -> list[tuple]:
    return con.execute("SELECT identity, channel, subject, detail FROM audit_event WHERE action = ? ORDER BY event_id",
                       [action]).fetchall()


def test_the_preview_writes_nothing_and_says_what_publishing_would_add_revise_and_hide(loaded, folder, tmp_path):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        first = preview_publication(con)
        assert first.problem is None and snapshots(folder) == [] and public_side.current_snapshot() is None
        assert (first.months, first.added, first.current_version) == (["2015-06"], ["2015-06"], None)
        assert first.sentences["cse_arrests"].startswith(
            "People arrested on suspicion of child abuse offences, South Yorkshire, June 2015.")
        assert "It was 100." in first.sentences["cse_arrests"]
        publish(con, PCC, expected=first.fingerprint)
        # June corrected to a small count in Barnsley, July approved: one revision, one new month, new hiding
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-06", (3, 20, 30, 40)))]).ok
        approve(con, ["2015-06", "2015-07"], PCC)
        second = preview_publication(con)
    assert second.added == ["2015-07"] and second.current_version == 1 and not second.dropped
    revised = second.revised.set_index(["area", "period", "period_type"])
    assert revised.loc[("Barnsley", "2015-06", "month"), ["was", "now"]].tolist() == ["10", "[c]"]
    # Doncaster, Rotherham and Sheffield stay public, unchanged, in snapshot 1: showing the force's new 93
    # would give Barnsley's 3 back (93 - 20 - 30 - 40), so the force's June is hidden with it
    assert revised.loc[("South Yorkshire", "2015-06", "month"), ["was", "now"]].tolist() == ["100", "[c]"]
    hidden = second.newly_suppressed
    assert {("Barnsley", "2015-06"), ("South Yorkshire", "2015-06")} <= set(
        zip(hidden["area"], hidden["period"], strict=True))
    assert hidden["display"].eq("[c]").all()
    # June's two were shown to the public; the rest are July's, new to it: said apart, as the summary counts them
    shown_now = set(zip(hidden.loc[hidden["shown_now"], "area"], hidden.loc[hidden["shown_now"], "period"],
                        strict=True))
    assert {(a, p) for a, p in shown_now if p == "2015-06"} == {("Barnsley", "2015-06"), ("South Yorkshire", "2015-06")}
    assert not hidden.loc[hidden["period"].str.startswith("2015-07"), "shown_now"].any()
    assert (f"Figures newly hidden to protect privacy: {len(hidden)} ({len(hidden) - len(shown_now)} new to the "
            f"public, {len(shown_now)} shown to it now).") in second.summary
    assert any("Published figures revised: " in line for line in second.summary)
    assert snapshots(folder) == ["snapshot-0001.duckdb"], "a preview writes no snapshot"
    # what was previewed is what is published: a stale preview publishes nothing
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-08"], PCC)
        with pytest.raises(PreviewOutdated, match="changed since the preview"):
            publish(con, PCC, expected=second.fingerprint)
        assert snapshots(folder) == ["snapshot-0001.duckdb"]
        version, _ = publish(con, PCC, expected=preview_publication(con).fingerprint)
    assert version == 2
    cell = public_side.read("SELECT display FROM figure WHERE area = 'Barnsley' AND period = '2015-06'")
    assert cell["display"].tolist() == ["[c]"]


def test_nothing_approved_or_nothing_changed_publishes_nothing(loaded, folder):
    with warehouse.connect(loaded) as con:
        with pytest.raises(NothingToPublish, match="No month has been approved"):
            publish(con, PCC)
        assert snapshots(folder) == []
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        assert preview_publication(con).problem.startswith("Nothing to publish")
        with pytest.raises(NothingToPublish, match="already reads every approved month"):
            publish(con, PCC)
        approve(con, ["2015-06"], PCC)  # approved again, unchanged: still nothing new for the public
        with pytest.raises(NothingToPublish):
            publish(con, PCC)
        assert con.execute("SELECT count(*) FROM snapshot").fetchall() == [(1,)]
        assert len(audit_rows(con, "publish")) == 1
    assert snapshots(folder) == ["snapshot-0001.duckdb"]


def test_a_withdrawal_returns_the_public_to_the_snapshot_before_and_is_recorded(loaded, folder):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        for who, reason, refusal in ((ANALYST, "wrong", NotAllowed), (PCC, "   ", CannotWithdraw)):
            with pytest.raises(refusal):
                withdraw(con, who, reason)
        done = withdraw(con, PCC, "July's figures were double counted.")
        assert (done.version, done.restored, done.unpublished) == (2, 1, ["2015-07"])
        status = con.execute("SELECT strftime(period, '%Y-%m'), status, published_at IS NULL, snapshot_version "
                             "FROM period_status ORDER BY 1").fetchall()
        assert status == [("2015-06", "published", False, 1), ("2015-07", "withdrawn", True, None)]
        # its approval went with the publication: the next publication of anything does not bring it back
        assert con.execute("SELECT approved_at FROM period_status WHERE period = DATE '2015-07-01'").fetchall() == [
            (None,)]
        [july] = [s for s in period_states(con) if s.period.isoformat() == "2015-07-01"]
        assert july.status == "withdrawn" and july.note.startswith("withdrawn on ")
        assert july.note.endswith(": July's figures were double counted. Approve again to publish.")
        with pytest.raises(NothingToPublish):
            publish(con, PCC)
        [(subject, detail)] = [(s, d) for _, _, s, d in audit_rows(con, "unapprove")]
        assert subject == "2015-07" and "double counted" in detail
    listed = CliRunner().invoke(main, ["periods", "--db", str(loaded)], catch_exceptions=False).output
    [line] = [x for x in listed.splitlines() if x.startswith("2015-07")]
    assert "withdrawn" in line and "July's figures were double counted. Approve again to publish." in line
    # a month's note is said on its own line only: the other lines are not padded out to its length
    others = [x for x in listed.splitlines()[1:] if "note:" not in x]
    assert others and all(x == x.rstrip() and len(x) < line.index("note:") for x in others), listed
    with warehouse.connect(loaded) as con:
        assert con.execute("SELECT version, withdrawn_by, reason, restored_version FROM snapshot_withdrawal"
                           ).fetchall() == [(2, "pcc@example.org", "July's figures were double counted.", 1)]
        events = con.execute("SELECT strftime(period, '%Y-%m'), action FROM publication_event "
                             "WHERE action = 'withdrawn' ORDER BY 1").fetchall()
        assert events == [("2015-06", "withdrawn"), ("2015-07", "withdrawn")]
        assert [(i, s) for i, _, s, _ in audit_rows(con, "publish")] == [
            ("pcc@example.org", "snapshot 1"), ("pcc@example.org", "snapshot 2")]
        [(who, channel, subject, detail)] = audit_rows(con, "withdraw")
        assert (who, channel, subject) == ("pcc@example.org", "app", "snapshot 2")
        assert "double counted" in detail and "snapshot 1" in detail
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"
    assert (folder / "snapshot-0002.duckdb").is_file(), "a withdrawn snapshot is kept"
    months = public_side.read("SELECT DISTINCT period FROM figure WHERE period_type = 'month'")
    assert months["period"].tolist() == ["2015-06"]
    [notice] = public_side.withdrawals().to_dict("records")
    assert public_side.withdrawal_notice(notice).startswith("Publication 2 of ")
    assert ", which added the figures for July 2015, withdrawn on " in public_side.withdrawal_notice(notice)
    said = (folder / public_side.POINTER).read_text()  # whom to contact is the office's public address, as published
    assert "pcc@example.org" not in said and "analyst@example.org" not in said, "the public reads no names"

    with warehouse.connect(loaded) as con:
        last = withdraw(con, PCC, "June is under review.")
        assert (last.version, last.restored, last.unpublished) == (1, None, ["2015-06"])
        assert public_side.current_snapshot() is None
        with pytest.raises(CannotWithdraw, match="Nothing is published"):
            withdraw(con, PCC, "again")
        assert preview_publication(con).months == [], "a withdrawn month waits for a new approval"
        approve(con, ["2015-06", "2015-07"], PCC)
        assert preview_publication(con).added == ["2015-06", "2015-07"]
        version, _ = publish(con, PCC)
    assert version == 3, "a version number is never used twice"
    assert len(public_side.withdrawals()) == 2


def _correction_published_then_withdrawn(con, tmp_path):
    """June 2015 approved and published, then a correction to Sheffield's figure approved and published, then that
    publication withdrawn; the withdrawal."""
    approve(con, ["2015-06"], PCC)
    publish(con, PCC)
    assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-06", (10, 20, 30, 45)))]).ok
    approve(con, ["2015-06"], PCC)
    publish(con, PCC)
    return withdraw(con, PCC, "The Sheffield correction was wrong.")


def test_a_withdrawn_months_note_reads_as_sentences_whether_or_not_the_reason_ends_with_a_full_stop(loaded, folder):
    """The reason as typed was followed by "; approve again to publish": a reason ending with a full stop read ".;"."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "July's figures were double counted")
        [july] = [s for s in period_states(con) if s.period.isoformat() == "2015-07-01"]
        assert july.note.endswith(": July's figures were double counted. Approve again to publish.")
        [(_, detail)] = [(s, d) for _, _, s, d in audit_rows(con, "unapprove")]
        assert detail.endswith(": July's figures were double counted. Approve again to publish.")
        assert ".;" not in july.note + detail


def test_withdrawing_a_published_correction_takes_its_approval_back_too(loaded, folder, tmp_path):
    """A correction to a published month, approved and published, then withdrawn: the public reads the month as
    published before, and the next publication of anything must not bring the correction back unapproved."""
    with warehouse.connect(loaded) as con:
        done = _correction_published_then_withdrawn(con, tmp_path)
        assert (done.version, done.restored, done.unpublished, done.taken_back) == (2, 1, [], ["2015-06"])
        [june] = [s for s in period_states(con) if s.period.isoformat() == "2015-06-01"]
        assert june.status == "changed", "the correction waits for approval again"
        [(subject, detail)] = [(s, d) for _, _, s, d in audit_rows(con, "unapprove")]
        assert subject == "2015-06" and "correction was wrong" in detail
        approve(con, ["2015-07"], PCC)  # the next publication, of another month
        publish(con, PCC)
    june_sheffield = public_side.read("SELECT value FROM figure WHERE period = '2015-06' AND period_type = 'month' "
                                      "AND area = 'Sheffield' AND measure = 'cse_arrests'")["value"].tolist()
    assert june_sheffield == [40], "the withdrawn correction stays withdrawn"


def test_a_snapshot_after_a_withdrawal_is_rebuilt_with_the_approval_it_was_made_from(loaded, folder, tmp_path):
    """Regression: disclosure control rebuilds every earlier snapshot from the warehouse, each month at its latest
    approval then; a correction's approval taken back by a withdrawal was still read as in force, so a snapshot
    published after it was rebuilt with the correction it did not carry, found not to give back what it published,
    and its relations were left out of disclosure control from then on (a warning in the log only)."""
    with warehouse.connect(loaded) as con:
        _correction_published_then_withdrawn(con, tmp_path)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)  # snapshot 3: June as snapshot 1 had it, and July
        rebuilt = {path.name: figures for path, (figures, *_rest) in zip(
            sorted(folder.glob("snapshot-*.duckdb")), earlier_snapshots(con, folder), strict=True)}
    june = {name: figures.loc[(figures["period"] == "2015-06") & (figures["district"] == "Sheffield"),
                              "value"].tolist() for name, figures in rebuilt.items()}
    assert june == {"snapshot-0001.duckdb": [40], "snapshot-0002.duckdb": [45], "snapshot-0003.duckdb": [40]}


def test_the_public_pages_show_withdrawals_and_nothing_published_after_the_last_is_withdrawn(
        loaded, folder, monkeypatch):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "July [2015] was *wrong*.")
    at = public(monkeypatch, folder, "public_pages/tables.py")
    assert not at.exception
    shown = texts(at)
    assert "Publications withdrawn" in shown
    assert "withdrawn on " in shown and "July [2015] was *wrong*." in shown
    # the snapshot before, which never held July: only the notice of what was withdrawn names it
    told = ("which added the figures for July 2015,", "the figures for July 2015 have not been published again yet")
    assert "June 2015" in shown and "July 2015" not in shown.replace(told[0], "").replace(told[1], "")
    # each page says, at its top, that a publication was withdrawn and that an earlier one is shown instead
    for page in ("public_pages/summary.py", "public_pages/tables.py", "public_pages/board.py",
                 "public_pages/release_calendar.py"):
        at = public(monkeypatch, folder, page)
        assert not at.exception and not at.error
        notice = next(w.value for w in at.warning if "withdrawn on" in w.value)  # the first box of its kind
        assert "July \\[2015\\] was \\*wrong\\*" in notice, notice
        assert "The figures shown now are those of the earlier publication of " in texts(at), page

    with warehouse.connect(loaded) as con:
        withdraw(con, PCC, "June is under review.")
    # regression: "Nothing published yet" above "Publication of ... withdrawn", the calendar silent about it, and
    # the summary's heading without the force's name
    for page in ("public_pages/summary.py", "public_pages/tables.py", "public_pages/board.py",
                 "public_pages/measure.py", "public_pages/release_calendar.py"):
        at = public(monkeypatch, folder, page)
        assert not at.exception and not at.error
        shown = texts(at)
        assert "Nothing published yet" not in shown and "Nothing has been published yet" not in shown, page
        assert "No month has been published yet" not in shown, page
        assert "June is under review." in shown and not at.get("plotly_chart"), page
        assert "No earlier publication is available, so no figures are published at the moment." in shown, page
        if page.endswith("release_calendar.py"):
            assert "No month is published at the moment: the publication was withdrawn (see above)." in shown
        else:
            assert [h.value for h in at.header] == ["Publication withdrawn"], page
    at = public(monkeypatch, folder, "public_pages/summary.py")
    assert at.title[0].value == "South Yorkshire Police\\: child sexual exploitation figures"


def test_the_tables_page_tells_the_withdrawal_in_force_once_and_lists_only_the_others(loaded, folder, monkeypatch):
    """Regression: the Tables page opened with the box of the withdrawal in force and showed the same box again under
    Revisions > "Publications withdrawn", so the reader met it twice. The list now points up to the box at the top
    and holds only the earlier withdrawals; in the app and on the static site."""
    import re

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "July was double counted.")
    up = "The withdrawal of publication 2, and what is shown instead, is set out in the notice at the top of this page."
    at = public(monkeypatch, folder, "public_pages/tables.py")
    assert not at.exception and not at.error
    shown = texts(at)
    assert [w.value for w in at.warning].count(next(w.value for w in at.warning if "withdrawn on" in w.value)) == 1
    assert shown.count("July was double counted.") == 1 and shown.count("Publication 2 of ") == 1, shown
    assert "Publications withdrawn" in shown and up in shown
    site = " ".join(site_texts(folder)["tables.html"].split())
    assert site.count("July was double counted.") == 1 and site.index("double counted") < site.index(up), site

    # a later publication ends the withdrawal's force: its box leaves the top and is listed under Revisions alone
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    at = public(monkeypatch, folder, "public_pages/tables.py")
    shown = texts(at)
    assert shown.count("July was double counted.") == 1 and "Publications withdrawn" in shown
    assert up not in shown and "at the top of this page" not in shown
    site = " ".join(site_texts(folder)["tables.html"].split())
    assert site.count("July was double counted.") == 1 and "at the top of this page" not in site
    assert re.search(r"Publications withdrawn .*July was double counted\.", site)


def site_headings(folder, page: str) -> list[tuple[int, str]]:
    """The headings of a page of the static site in force, as a screen reader lists them: (level, text)."""
    import html
    import re

    text = (folder / "public" / "site" / page).read_text(encoding="utf-8")
    return [(int(level), " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split()))
            for level, inner in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", text, flags=re.S)]


def test_a_withdrawal_s_box_is_a_heading_below_the_one_it_is_listed_under(loaded, folder):
    """Regression: on the Tables page a withdrawal listed under Revisions > "Publications withdrawn" (an h3) had its
    box titled "Publication withdrawn" as an h2, so the headings went back up inside the list (WCAG 1.3.1); with no
    publication left, the boxes under the h2 "Publication withdrawn" were h2s beside it."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "July was double counted.")
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
    outline = site_headings(folder, "tables.html")
    listed = outline.index((3, "Publications withdrawn"))
    assert outline[listed - 1] == (2, "Revisions") and outline[listed + 1] == (4, "Publication withdrawn"), outline
    assert all(later <= earlier + 1 for (earlier, _a), (later, _b) in zip(outline, outline[1:], strict=False)), outline

    with warehouse.connect(loaded) as con:
        withdraw(con, PCC, "July is under review.")
        withdraw(con, PCC, "June is under review.")
    outline = site_headings(folder, "tables.html")
    at = outline.index((2, "Publication withdrawn"))
    assert outline[at + 1:] == [(3, "Publication withdrawn")] * 3, outline


PUBLIC_PAGES_WITH_NOTICE = ("public_pages/summary.py", "public_pages/tables.py", "public_pages/board.py",
                            "public_pages/measure.py", "public_pages/release_calendar.py")
DAY_AND_TIME = r"\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d (?:GMT|BST)"  # UK time, naming the clock


def site_texts(folder) -> dict[str, str]:
    """The words of each page of the static site in force, as read."""
    import html
    import re

    return {p.name: html.unescape(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")))
            for p in sorted((folder / "public" / "site").glob("*.html"))}


def _june_corrected_then_withdrawn(loaded, tmp_path) -> None:
    """June 2015 published; then June corrected, approved with July and published (publication 2); then withdrawn."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-06", (10, 20, 30, 45)))]).ok
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "The Sheffield correction was wrong.")


def test_a_withdrawal_notice_names_the_months_withdrawn_and_tells_the_publications_apart(
        loaded, folder, monkeypatch, tmp_path):
    """Regression: the notice named no month, and with the publications made on one day it read "Publication of 5
    December 2026 withdrawn on 5 December 2026 ... the figures shown now are those of the earlier publication of 5
    December 2026". It now names the months the withdrawn publication added and revised, and tells the publications
    apart by their numbers and, on one day, their times; on every public page and the static site."""
    import re

    from pipelines.publish import info, pages
    from pipelines.publish.content import SnapshotView

    _june_corrected_then_withdrawn(loaded, tmp_path)
    told = re.compile(rf"Publication 2 of {DAY_AND_TIME}, which added the figures for July 2015 and revised those for "
                      rf"June 2015, withdrawn on {DAY_AND_TIME}: The Sheffield correction was wrong\.")
    instead = re.compile(rf"The figures shown now are those of the earlier publication of {DAY_AND_TIME} "
                         r"\(publication 1\)\.")
    for page in PUBLIC_PAGES_WITH_NOTICE:
        at = public(monkeypatch, folder, page)
        if page.endswith("measure.py"):  # a measure's page, as its link opens it
            at.query_params["measure"] = "cse_arrests"
            at.run()
        assert not at.exception and not at.error, page
        shown = texts(at)
        assert told.search(shown) and instead.search(shown), (page, shown[:2000])
    for name, words in site_texts(folder).items():
        if name.startswith(("index", "tables", "board", "release-calendar", "measure-")):
            words = " ".join(words.split())
            assert told.search(words) and instead.search(words), name
    # a pointer written before withdrawals said their number and months still reads as it did
    view = SnapshotView(public_side.current_snapshot(folder), {"withdrawals": [
        {"published_at": "2040-05-05T10:00:00", "withdrawn_at": "2040-05-06T09:00:00", "reason": "A wrong return"}]})
    for fn in (pages.summary_page, pages.tables_page, info.calendar_page):
        notice = next(b for b in fn(view).blocks if getattr(b, "kind", "") == "warning")
        assert notice.lines[0] == "Publication of 5 May 2040 withdrawn on 6 May 2040: A wrong return"
    assert public_side.withdrawal_notice({"version": 4, "published_at": "2026-05-05T10:00:00",
                                          "withdrawn_at": "2026-05-06T09:00:00", "reason": "A wrong return"}
                                         ) == "Publication 4 of 5 May 2026 withdrawn on 6 May 2026: A wrong return"


def test_a_withdrawal_notice_says_whether_the_months_it_withdrew_were_published_again(
        loaded, folder, monkeypatch, tmp_path):
    """Regression: "Publication 2 ..., which added the figures for July 2015 and revised those for June 2015,
    withdrawn ...: <reason>" stayed as it was after June's correction and July were published again in publication 3,
    leaving the reader to think them withdrawn still. It now says, in one sentence, that they were not published
    again yet, and then in which publication and when they were; in the app and on the static site."""
    import re

    _june_corrected_then_withdrawn(loaded, tmp_path)
    not_yet = ("Since the withdrawal, the revised figures for June 2015 have not been published again yet; the "
               "figures for July 2015 have not been published again yet.")
    at = public(monkeypatch, folder, "public_pages/tables.py")
    assert not at.exception and not at.error
    assert not_yet in " ".join(texts(at).split())
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC)
    again = re.compile(r"Since the withdrawal, the revised figures for June 2015 were published again in publication 3 "
                       r"of \d{1,2} [A-Z][a-z]+ \d{4}; the figures for July 2015 were published again in publication 3 "
                       r"of \d{1,2} [A-Z][a-z]+ \d{4}\.")
    at = public(monkeypatch, folder, "public_pages/tables.py")
    assert not at.exception and not at.error
    shown = " ".join(texts(at).split())
    assert "withdrawn on " in shown and again.search(shown) and not_yet not in shown, shown[:3000]
    site = " ".join(site_texts(folder)["tables.html"].split())
    assert again.search(site) and not_yet not in site


def test_after_a_withdrawal_the_public_release_calendar_is_the_one_of_the_day_of_the_withdrawal(
        loaded, folder, monkeypatch):
    """Regression: a withdrawal brought back the calendar of the day the earlier snapshot was published: July 2015
    "Expected" on a date long past, no month since listed, and the month withdrawn not listed as to come."""
    from pipelines.publish.calendar import release_calendar

    monkeypatch.setenv("PCCDASH_TODAY", "2015-07-20")
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        monkeypatch.setenv("PCCDASH_TODAY", "2015-08-28")
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        monkeypatch.setenv("PCCDASH_TODAY", "2015-11-20")
        withdraw(con, PCC, "July was double counted.")
        now = release_calendar(con)
    assert list(now.loc[now["status"] != "published", "month"]) == ["2015-07", "2015-09", "2015-10", "2015-11",
                                                                    "2015-12", "2016-01"]  # two announced ahead
    to_come = [["July 2015", "Not yet set", "Withdrawn; to be published again once checked and approved"]]
    for r in now[now["status"].isin(["expected", "late"])].to_dict("records"):
        to_come.append([public_side.month_text(r["month"]), f"{r['expected_on'].day} {r['expected_on']:%B %Y}",
                        "Expected" if r["status"] == "expected" else "Not yet published: later than planned"])
    assert to_come[1][2] == "Not yet published: later than planned"  # September's planned date has passed
    at = public(monkeypatch, folder, "public_pages/release_calendar.py")
    assert not at.exception and not at.error
    shown = html_tables(at)
    assert [[k, *v] for k, v in zip(shown[0].index, shown[0].values.tolist(), strict=True)] == to_come
    assert list(shown[1].index) == ["June 2015"], "only June is published now"
    site = tables_in((folder / "public" / "site" / "release-calendar.html").read_text(encoding="utf-8"))
    assert [[k, *v] for k, v in zip(site[0].index, site[0].values.tolist(), strict=True)] == to_come
    # nothing unpublished leaks: August 2015 was loaded, never published, and is not a month to come
    for name, words in {**site_texts(folder), "current.json": (folder / "current.json").read_text()}.items():
        assert "August 2015" not in words and "2015-08" not in words, name
    # the next publication carries its own calendar again, the month withdrawn still to come until approved again
    with warehouse.connect(loaded) as con:
        monkeypatch.setenv("PCCDASH_TODAY", "2015-12-01")
        approve(con, ["2015-08"], PCC)
        publish(con, PCC)
    assert "release" not in public_side.pointer(folder)
    release = dict(public_side.read("SELECT month, status FROM release").itertuples(index=False, name=None))
    assert (release["2015-07"], release["2015-08"]) == ("withdrawn", "published")


def test_the_public_release_calendar_lists_the_releases_to_come(loaded, folder, monkeypatch):
    """Regression: publishing never stored the release calendar, so the public page always said "No release is
    planned at the moment". Now it lists the months published, this publication's among them, and those to come."""
    monkeypatch.setenv("PCCDASH_TODAY", "2015-07-20")
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
    release = dict(public_side.read("SELECT month, status FROM release").itertuples(index=False, name=None))
    assert release["2015-06"] == "published", "the month this publication carries is published, not to come"
    assert release["2015-07"] in ("expected", "late")
    at = public(monkeypatch, folder, "public_pages/release_calendar.py")
    assert not at.exception and not at.error
    shown = texts(at)
    assert "No release is planned at the moment." not in shown
    # July, never published, can only be a release to come; June is in the months published
    assert "July 2015" in shown and ("Expected" in shown or "later than planned" in shown)
    assert "June 2015" in shown and "Checked and approved; to be published" not in shown


def test_months_published_out_of_order_leave_gaps_and_sentences_name_only_published_months(
        loaded, folder, monkeypatch):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-08"], PCC)  # July stays a draft
        publish(con, PCC)
    at = public(monkeypatch, folder, "public_pages/summary.py")
    assert not at.exception
    shown = texts(at)
    assert ("People arrested on suspicion of child abuse offences, South Yorkshire, each published month: June 2015, "
            "and August 2015.") in shown
    assert "each month from" not in shown and "July 2015" not in shown

    from dashboard import public_data, public_view

    series = public_data.monthly("cse_arrests", "South Yorkshire")
    figure = public_view.trend_chart(series, "Arrests", "people")
    xs = [pd.Timestamp(x).strftime("%Y-%m") for x in figure.data[0].x]
    ys = list(figure.data[0].y)
    assert xs == ["2015-06", "2015-07", "2015-08"] and figure.data[0].connectgaps is False
    assert ys[0] == 100 and math.isnan(ys[1]) and ys[2] == 108, "July is a gap, not a line from June to August"


def test_a_sentence_never_claims_a_lowest_or_highest_month_among_hidden_ones_without_saying_so():
    series = pd.DataFrame({"period": ["2014-04", "2014-05", "2014-06", "2026-04"], "value": [12, None, 30, 9],
                           "display": ["12", "[c]", "30", "9"], "suppressed": [False, True, False, False]})
    text = public_side.trend_sentence("Charges", "Rotherham", series)
    assert text.startswith("Charges, Rotherham, each published month: April 2014 to June 2014, and April 2026.")
    # regression: "because the numbers are small" was untrue of a month hidden only to protect another's small number
    assert ("1 of the 4 months is hidden so that no child can be identified: a hidden figure is either a small "
            "number, or one that would let a small number elsewhere be worked out.") in text
    assert "lowest" not in text.replace("no lowest or highest", "") and "highest" not in text.replace(
        "no lowest or highest", "")
    assert "In April 2026 it was 9." in text
    whole = public_side.trend_sentence("Charges", "Rotherham", series[series["period"] != "2014-05"].assign(
        suppressed=False))
    assert "The lowest published month was April 2026 (9)" in whole
    assert "With a month hidden, no lowest or highest month is given." in text


def test_with_one_month_shown_beside_hidden_ones_the_sentence_gives_it_and_no_lowest_or_highest():
    """Regression: an office's second month, hidden for a district, left the sentence under its chart saying "With
    months hidden, no lowest or highest month is given. The figure for January 2027 is hidden.": of two months, the
    one shown was never said in words, and no lowest or highest could be given of one month anyway."""
    def said(suppressed: list[bool]) -> str:
        series = pd.DataFrame({"period": ["2026-12", "2027-01"], "value": [None if s else v for s, v in
                                                                         zip(suppressed, [5, 7], strict=True)],
                               "display": ["[c]" if s else v for s, v in zip(suppressed, ["5", "7"], strict=True)],
                               "suppressed": suppressed})
        return public_side.trend_sentence("Arrests", "Barnsley", series)

    latest_hidden = said([False, True])
    assert latest_hidden.endswith("1 of the 2 months is hidden so that no child can be identified: a hidden figure "
                                  "is either a small number, or one that would let a small number elsewhere be "
                                  "worked out. In December 2026 it was 5. The figure for January 2027 is hidden.")
    first_hidden = said([True, False])
    assert "lowest" not in first_hidden and first_hidden.endswith("worked out. In January 2027 it was 7.")


def test_the_preview_says_apart_the_hidden_figures_of_a_month_new_to_the_public(loaded, folder, tmp_path):
    """Regression: a month added with small counts read "Figures newly hidden to protect privacy: N", as if N figures
    the public could see were to be taken from it; they are new to it, and are said apart from any it reads now."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "july.csv", HEADER + month_rows("2015-07", (11, 2, 31, 41)))]).ok
        approve(con, ["2015-07"], PCC)
        preview = preview_publication(con)
    hidden = preview.newly_suppressed
    assert ("Doncaster", "2015-07", "month") in set(zip(hidden["area"], hidden["period"], hidden["period_type"],
                                                       strict=True))
    assert not hidden["shown_now"].any()  # June, shown, is unchanged: each figure hidden is July's, or a period new
    assert (f"Figures newly hidden to protect privacy: {len(hidden)} ({len(hidden)} new to the public, 0 shown to it "
            "now).") in preview.summary


def test_the_command_previews_asks_and_needs_yes_without_a_terminal(loaded, folder, monkeypatch):
    runner = CliRunner()

    def cli(*args, input=None):
        return runner.invoke(main, [*map(str, args), "--db", str(loaded)], input=input, catch_exceptions=False)

    assert cli("approve", "2015-06", "--as", "pcc@example.org").exit_code == 0
    out = cli("publish", "--as", "pcc@example.org")
    assert out.exit_code == 1 and "--yes" in out.output and "Nothing was published" in out.output
    assert "Months added: June 2015." in out.output and "What the public will read:" in out.output
    read = out.output.split("What the public will read:", 1)[1].splitlines()[1:]
    said = [line for line in read if line.startswith("  - ")]
    names = [public_side.spelled_out(m.name) for m in catalogue().measures]  # as the public reads them
    assert said and not [line for line in said for n in names if f"{n}: {n}" in line], said[:2]  # the name once
    assert snapshots(folder) == []
    monkeypatch.setattr("pipelines.cli._interactive", lambda: True)
    out = cli("publish", "--as", "pcc@example.org", input="n\n")
    assert out.exit_code == 0 and "Publish? [y/N]" in out.output and "Nothing was published." in out.output
    assert snapshots(folder) == []
    out = cli("publish", "--as", "pcc@example.org", input="y\n")
    assert out.exit_code == 0 and "Published snapshot 1" in out.output
    out = cli("publish", "--as", "pcc@example.org", "--yes")
    assert out.exit_code == 1 and "Nothing to publish" in out.output and snapshots(folder) == ["snapshot-0001.duckdb"]

    assert cli("approve", "2015-07", "--as", "pcc@example.org").exit_code == 0
    assert cli("publish", "--as", "pcc@example.org", "--yes").exit_code == 0
    monkeypatch.setattr("pipelines.cli._interactive", lambda: False)
    out = cli("withdraw", "--reason", "July was wrong", "--as", "pcc@example.org")
    assert out.exit_code == 1 and "--yes" in out.output
    out = cli("withdraw", "--reason", "July was wrong", "--as", "pcc@example.org", "--yes")
    assert out.exit_code == 0, out.output
    assert ("Withdrew snapshot 2; the public side reads snapshot 1 again. No longer published, and no longer "
            "approved (approve them again to publish): 2015-07.") in out.output
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"
    with warehouse.connect_read_only(loaded) as con:
        rows = con.execute("SELECT action, identity, channel, os_account IS NOT NULL FROM audit_event "
                           "WHERE action IN ('publish', 'withdraw') ORDER BY event_id").fetchall()
    assert rows == [("publish", "pcc@example.org", "cli", True)] * 2 + [("withdraw", "pcc@example.org", "cli", True)]


def test_the_withdraw_command_names_what_it_asks_to_withdraw_and_asks_nothing_when_nothing_is_published(
        loaded, folder, monkeypatch):
    """Regression: with nothing published it asked "Withdraw the publication the public reads now (none)?" and only
    then said there was nothing to withdraw; with one published it named the snapshot's file, not its number."""
    monkeypatch.setattr("pipelines.cli._interactive", lambda: True)

    def cli(*args, input=None):
        return CliRunner().invoke(main, [*map(str, args), "--db", str(loaded)], input=input, catch_exceptions=False)

    out = cli("withdraw", "--reason", "July was wrong", "--as", "pcc@example.org", input="y\n")
    assert out.exit_code == 1 and "Nothing is published, so there is nothing to withdraw." in out.output
    assert "[y/N]" not in out.output
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
    out = cli("withdraw", "--reason", "July was wrong", "--as", "pcc@example.org", input="n\n")
    assert out.exit_code == 0 and "Withdraw snapshot 1, the publication the public reads now? [y/N]" in out.output
    assert "Nothing was withdrawn." in out.output and ".duckdb" not in out.output
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"


def test_the_command_names_each_revised_figure_by_its_measure_as_the_public_reads_it(loaded, folder, tmp_path):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-06", (10, 20, 30, 45)))]).ok
    out = CliRunner().invoke(main, ["approve", "2015-06", "--as", "pcc@example.org", "--db", str(loaded)])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(main, ["publish", "--as", "pcc@example.org", "--db", str(loaded)])
    assert "Published figures revised: " in out.output
    name = "People arrested on suspicion of child abuse offences"
    assert f"  - {name}, Sheffield, June 2015: was 40, now 45" in out.output, out.output
    assert "cse_arrests" not in out.output
    # under its count, not under the count of newly hidden figures that follows it
    revised_at = out.output.index("Published figures revised: ")
    assert revised_at < out.output.index(f"  - {name}, Sheffield") < out.output.index("Figures newly hidden")


def test_the_command_line_refuses_an_identity_its_account_may_not_act_as(loaded, folder, run_cli, monkeypatch):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
    monkeypatch.setattr("pipelines.audit.command_line_identities", lambda account: ["analyst@example.org"])
    for args in (("publish", "--yes"), ("withdraw", "--reason", "x", "--yes")):
        out = run_cli(*args, "--db", loaded, "--as", "pcc@example.org")
        assert out.exit_code == 1 and 'may not act as "pcc@example.org"' in out.output
    assert snapshots(folder) == ["snapshot-0001.duckdb"]
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"


def test_the_command_says_a_wrong_role_or_an_empty_reason_before_anything_else(loaded, folder, run_cli):
    """Regression: an analyst was told "Nothing to publish" (or shown the whole preview), and a withdrawal with no
    reason or by the wrong role was told "there is no terminal to confirm on"."""
    out = run_cli("publish", "--yes", "--as", "analyst@example.org", "--db", loaded)
    assert out.exit_code == 1 and "analyst@example.org may not publish" in out.output
    assert "Nothing to publish" not in out.output
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
    out = run_cli("publish", "--as", "analyst@example.org", "--db", loaded)
    assert out.exit_code == 1 and "may not publish" in out.output and "Months added" not in out.output
    for who, reason, said in (("analyst@example.org", "x", "analyst@example.org may not withdraw a publication: "
                                                           "that needs the role pcc"),
                              ("pcc@example.org", " ", "Give the reason for withdrawing")):
        out = run_cli("withdraw", "--reason", reason, "--as", who, "--db", loaded)
        assert out.exit_code == 1 and said in out.output and "terminal" not in out.output
    assert snapshots(folder) == []


def test_the_publishing_page_previews_asks_for_confirmation_and_withdraws(loaded, folder, monkeypatch):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py", PCC_USER)
    assert not at.exception
    shown = texts(at)
    assert "Months added: July 2015." in shown and "What the public will read of each count" in shown
    assert ("nor can a month whose measures lack a district's figure: a measure is published with every district's "
            "figure or not at all. A month with a part of its return still to come can be approved: it is published "
            "without that part, and shows as changed once it arrives.") in shown
    assert "each month from June 2015 to July 2015" in shown
    assert at.button(key="publish").disabled
    at.checkbox(key="publish_checked").check().run()
    at.button(key="publish").click().run()
    assert not at.exception and public_side.current_snapshot() == folder / "snapshot-0002.duckdb"
    assert "Nothing to publish" in texts(at)

    assert at.button(key="withdraw").disabled
    # the publication said as the page says it elsewhere ("Published snapshot 2"), not by its file's name
    assert "The public reads snapshot 2, published on " in texts(at) and ".duckdb" not in texts(at)
    assert at.checkbox(key="withdraw_checked").label == "Withdraw snapshot 2 from the public pages"
    at.text_input(key="withdraw_reason").input("July is being checked again.").run()
    assert at.button(key="withdraw").disabled, "withdrawing waits for its confirmation too"
    at.checkbox(key="withdraw_checked").check().run()
    at.button(key="withdraw").click().run()
    assert not at.exception
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"
    shown = texts(at)
    assert "Months added: July 2015." not in shown, "July's approval went with the publication"
    assert "July 2015: withdrawn on " in shown and "July is being checked again. Approve again to publish." in shown
    with warehouse.connect_read_only(loaded) as con:
        assert audit_rows(con, "withdraw")[0][:3] == ("pcc@example.org", "app", "snapshot 2")


def test_the_publishing_page_publishes_only_the_preview_it_showed(loaded, folder, monkeypatch):
    """Regression: the click's own run worked the preview out again, so a month approved in another session
    meanwhile was published unseen, under a tick given to the preview before."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py", PCC_USER)
    assert "Months added: June 2015." in texts(at)
    at.checkbox(key="publish_checked").check().run()
    with warehouse.connect(loaded) as con:  # another session approves July while this one reads June's preview
        approve(con, ["2015-07"], PCC)
    at.button(key="publish").click().run()
    assert not at.exception
    assert public_side.current_snapshot() is None, "nothing published that the page had not shown"
    shown = texts(at)
    assert "has changed since this page last showed it" in shown and "Months added: June 2015 to July 2015." in shown
    assert at.checkbox(key="publish_checked").value is False and at.button(key="publish").disabled
    at.checkbox(key="publish_checked").check().run()  # read again, ticked again: the preview shown is published
    at.button(key="publish").click().run()
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"
    months = public_side.read("SELECT DISTINCT period FROM figure WHERE period_type = 'month' ORDER BY 1")
    assert months["period"].tolist() == ["2015-06", "2015-07"]


def test_a_withdrawal_reason_on_the_publishing_page_reads_as_typed_not_as_markdown(loaded, folder, monkeypatch):
    """The withdrawn month's note quotes the reason as typed: it was written into the page as Markdown, so an
    address became a mailto link and asterisks emphasis."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)
        withdraw(con, PCC, "Ask data@example.org: *all* of July is [wrong](http://example.org).")
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py", PCC_USER)
    assert not at.exception
    [said] = [w.value for w in at.warning if w.value.startswith("July 2015: withdrawn on ")]
    assert "data\u200b@example\\.org" in said and "\\*all\\*" in said and "\\[wrong\\]\\(http" in said, said
    assert said.endswith("Approve again to publish\\.") and not said.endswith(".\\."), said
    assert "Ask data@example.org: *all* of July is [wrong](http://example.org). Approve again to publish." in texts(at)


def test_an_approval_on_the_publishing_page_undoes_the_tick_without_saying_the_preview_changed_meanwhile(
        loaded, folder, monkeypatch):
    """A month approved on the page itself changes the preview: the tick given before goes, but the page said the
    preview had changed "meanwhile", as if another window had approved it."""
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py", PCC_USER)
    at.checkbox(key="publish_checked").check().run()
    at.multiselect(key="approve_months").select("2015-07").run()
    at.button(key="approve").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Months added: June 2015 to July 2015." in shown
    assert "has changed since this page last showed it" not in shown
    assert at.checkbox(key="publish_checked").value is False and at.button(key="publish").disabled
    at.checkbox(key="publish_checked").check().run()
    at.button(key="publish").click().run()
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"


def test_a_withdrawal_stopped_before_the_switch_is_finished_by_running_it_again(loaded, folder, monkeypatch):
    """Regression guard: the record is written first, so running it again must finish the switch, not withdraw
    the snapshot before as well."""
    from pipelines.publish import snapshot

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        publish(con, PCC)
        approve(con, ["2015-07"], PCC)
        publish(con, PCC)

    def stop(name):
        if name == "withdraw_before_switch":
            raise KeyboardInterrupt

    monkeypatch.setattr(snapshot.faults, "point", stop)
    with warehouse.connect(loaded) as con, pytest.raises(KeyboardInterrupt):
        withdraw(con, PCC, "July was wrong.")
    assert public_side.current_snapshot() == folder / "snapshot-0002.duckdb"
    assert not list(folder.glob(".*.tmp")), "no half-written pointer is left behind"
    monkeypatch.setattr(snapshot.faults, "point", lambda name: None)
    with warehouse.connect(loaded) as con:
        done = withdraw(con, PCC, "July was wrong.")
        assert (done.version, done.restored) == (2, 1)
        assert con.execute("SELECT count(*) FROM snapshot_withdrawal").fetchall() == [(1,)]
        assert len(audit_rows(con, "withdraw")) == 1
    assert public_side.current_snapshot() == folder / "snapshot-0001.duckdb"
    assert len(public_side.withdrawals()) == 1


def test_the_publishing_page_names_a_month_held_back_by_a_blocking_flag(loaded, folder, monkeypatch):
    """Regression: the page previewed, and published, a month whose blocking flag was raised after its approval."""
    from pipelines.flags import raise_flag

    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06", "2015-07"], PCC)
        raise_flag(con, claims_of("analyst@example.org"), scope="district_month", period="2015-07",
                   district="Sheffield", reason="Duplicate *records* suspected", blocking=True)
    at = internal(monkeypatch, loaded, "internal_pages/publishing.py", PCC_USER)
    assert not at.exception
    shown = texts(at)
    assert "Months added: June 2015." in shown
    assert "Held back, not published: July 2015" in shown and "Duplicate *records* suspected" in shown
    at.checkbox(key="publish_checked").check().run()
    at.button(key="publish").click().run()
    assert not at.exception
    assert public_side.read("SELECT DISTINCT period FROM figure WHERE period_type = 'month'").values.tolist() == [
        ["2015-06"]]


def test_of_two_withdrawals_in_one_second_the_later_recorded_is_in_force():
    """Regression: the pointer gives each withdrawal's time to the second, and two withdrawals in the same second
    were told apart by chance: a page could show the first one's reason as the withdrawal in force."""
    from types import SimpleNamespace

    from pipelines.publish.pages import withdrawal_in_force

    same = "2026-12-04T22:59:53"
    view = SimpleNamespace(published=False, meta={}, withdrawals=[
        {"version": 2, "published_at": same, "withdrawn_at": same, "reason": "July was wrong."},
        {"version": 1, "published_at": same, "withdrawn_at": same, "reason": "June is under review."}])
    assert withdrawal_in_force(view)["reason"] == "June is under review."


def test_the_summary_says_why_its_latest_12_months_end_before_the_latest_month(sample_db, tmp_path, monkeypatch):
    """With August 2015 left behind and September published, the latest 12 months all published end in July and the
    latest quarter in June: the Summary says why. With no month left behind it says nothing of it."""
    from dashboard_helpers import copy_warehouse

    from pipelines.publish import pages
    from pipelines.publish.content import SnapshotView

    db = copy_warehouse(sample_db, tmp_path)
    year = [str(p) for p in pd.period_range("2014-08", "2015-07", freq="M")]
    said = ("These are the latest 12-month figures. There are none yet for the 12 months to September 2015, the latest "
            "month published, because not all of those 12 months have been published.")
    out = tmp_path / "published"

    def summary() -> str:
        view = SnapshotView(public_side.current_snapshot(out), public_side.pointer(out))
        return repr(pages.summary_page(view).blocks)

    with warehouse.connect(db) as con:
        approve(con, year, PCC)
        publish(con, PCC, out)
        whole = summary()
        assert "The latest 12 months: August 2014 to July 2015" in whole and said not in whole
        approve(con, ["2015-09"], PCC)
        publish(con, PCC, out)
    gap = summary()
    assert "The latest 12 months: August 2014 to July 2015" in gap and "The latest month: September 2015" in gap
    assert said in gap
    # so is the quarter: July to September would be over by September, but August is not published; the financial
    # year to come is not over yet, so nothing is said of it
    quarter = ("This is the latest financial quarter for which every month has been published. A later quarter will "
               "be shown when all of its months have been published.")
    assert quarter in gap and quarter not in whole and "latest financial year" not in gap
    at = public(monkeypatch, out, "public_pages/summary.py")
    assert not at.exception and said in texts(at)


def test_the_summary_does_not_call_its_12_months_the_latest_all_published_when_a_later_run_is(sample_db, tmp_path):
    """12 months are given as one figure only to the latest month of a publication. With August 2014 to July 2015
    published, then August 2015 to July 2016 and September 2016 (August 2016 left behind), the summary still shows
    August 2014 to July 2015: it must not say those are the latest 12 months whose every month is published, since
    August 2015 to July 2016 are all published too."""
    from dashboard_helpers import copy_warehouse

    from pipelines.publish import pages
    from pipelines.publish.content import SnapshotView

    db = copy_warehouse(sample_db, tmp_path)
    out = tmp_path / "published"
    with warehouse.connect(db) as con:
        approve(con, [str(p) for p in pd.period_range("2014-08", "2015-07", freq="M")], PCC)
        publish(con, PCC, out)
        approve(con, [str(p) for p in pd.period_range("2015-08", "2016-07", freq="M")] + ["2016-09"], PCC)
        publish(con, PCC, out)
    view = SnapshotView(public_side.current_snapshot(out), public_side.pointer(out))
    shown = repr(pages.summary_page(view).blocks)
    assert "The latest 12 months: August 2014 to July 2015" in shown
    assert "whose every month is published: the 12 months" not in shown
    assert ("These are the latest 12-month figures. There are none yet for the 12 months to September 2016, the "
            "latest month published, because not all of those 12 months have been published.") in shown


def test_the_command_names_a_revised_period_in_words_a_quarter_and_12_months_too(capsys):
    from types import SimpleNamespace

    from pipelines import cli

    revised = pd.DataFrame({"measure": ["cse_charges"] * 3, "area": ["Rotherham"] * 3,
                            "period": ["2015-07", "12 months to 2015-07", "Q1 2015/16"],
                            "was": ["2", "22", "9"], "now": ["19", "[c]", "[c]"]})
    cli._print_preview(SimpleNamespace(summary=["Published figures revised: 3."], revised=revised, sentences={},
                                       uncharted="", changed_lines=[]))
    said = capsys.readouterr().out
    name = "People charged with child sexual exploitation related offences"
    for period, was, now in (("July 2015", 2, 19), ("12 months to July 2015", 22, "[c]"),
                             ("April to June 2015 (Q1 2015/16)", 9, "[c]")):
        assert f"  - {name}, Rotherham, {period}: was {was}, now {now}\n" in said, said


def test_a_figure_hidden_before_and_shown_now_is_not_listed_as_a_published_figure_revised(loaded, folder, tmp_path):
    """Regression: a cell hidden in one publication and shown in the next ("[c]", then 25) was counted in "Published
    figures revised" and listed on the public revisions table as revised, though the public had never been shown a
    figure for it; a year of monthly publications filled that table with such rows, around the few real revisions."""
    with warehouse.connect(loaded) as con:
        # June with Barnsley's small count: Barnsley's June hidden, and the force's with it
        assert ingest(con, [write_csv(tmp_path / "small.csv", HEADER + month_rows("2015-06", (3, 20, 30, 40)))]).ok
        approve(con, ["2015-06"], PCC)
        first = preview_publication(con)
        publish(con, PCC, expected=first.fingerprint)
        # Barnsley corrected to a count that can be shown (Doncaster's June, hidden with it, revised too)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-06", (25, 21, 30, 40)))]).ok
        approve(con, ["2015-06"], PCC)
        second = preview_publication(con)
        publish(con, PCC, expected=second.fingerprint)
    june = ("2015-06", "month")
    revised = {(r.area, r.was, r.now) for r in second.revised.itertuples()
               if (r.period, r.period_type) == june}
    # the force's 93 was shown and is now 116; Barnsley's and Doncaster's Junes were hidden, so are shown afresh
    assert revised == {("South Yorkshire", "93", "116")}, revised
    assert not (second.revised["was"] == "[c]").any(), second.revised
    # the Commissioner still sees them before publishing: shown in the new snapshot, hidden in the one before
    shown = {(r.area, r.now) for r in second.newly_shown.itertuples() if (r.period, r.period_type) == june}
    assert shown == {("Barnsley", "25"), ("Doncaster", "21")}, second.newly_shown
    assert f"Figures hidden now and shown in the new snapshot: {len(second.newly_shown)}." in second.summary
    rows = public_side.read("SELECT area, previous_display, new_display FROM revision WHERE period = '2015-06' "
                            "AND period_type = 'month' ORDER BY area")
    assert rows.values.tolist() == [["South Yorkshire", "93", "116"]]


def test_the_tables_page_counts_the_earlier_periods_in_words(sample_db, tmp_path):
    """Two financial years published: the older one is folded under "Earlier: 1 more financial year", not "1 more
    financial years"; the quarters under "Earlier: 7 more financial quarters"."""
    from dashboard_helpers import copy_warehouse

    from pipelines.publish import pages
    from pipelines.publish.content import SnapshotView

    db = copy_warehouse(sample_db, tmp_path)
    out = tmp_path / "published"
    with warehouse.connect(db) as con:
        approve(con, [str(p) for p in pd.period_range("2014-04", "2016-03", freq="M")], PCC)
        publish(con, PCC, out)
    view = SnapshotView(public_side.current_snapshot(out), public_side.pointer(out))
    folded = [b.summary for b in pages.tables_page(view).blocks if type(b).__name__ == "Details"]
    assert "Earlier: 1 more financial year" in folded and "Earlier: 7 more financial quarters" in folded
    assert "Earlier: 23 more months" in folded
    assert not any("financial years" in s and s.startswith("Earlier: 1 ") for s in folded)


def test_pccdash_periods_shows_the_latest_months_and_counts_the_earlier_ones(db, tmp_path):
    """A warehouse holds every month since its first return, 200 and more: the table printed every one of them."""
    months = [f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(1, 27)]  # January 2024 to February 2026
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", HEADER + "".join(
            month_rows(m, (1, 2, 3, 4)) for m in months))]).ok
        approve(con, ["2024-01"], PCC)
    listed = CliRunner().invoke(main, ["periods", "--db", str(db)], catch_exceptions=False).output.splitlines()
    assert len(listed) == 1 + 24 + 1
    assert listed[1].startswith("2024-03") and listed[24].startswith("2026-02")
    assert listed[-1] == ("The latest 24 of 26 months; the 2 before them: 1 approved, 1 draft. See them with "
                          "--months N (--months 0 for every month).")
    every = CliRunner().invoke(main, ["periods", "--db", str(db), "--months", "0"]).output.splitlines()
    assert len(every) == 1 + 26 and every[1].startswith("2024-01")
    csv = CliRunner().invoke(main, ["periods", "--db", str(db), "--format", "csv"]).output.splitlines()
    assert len(csv) == 1 + 26


def test_a_quarter_first_published_after_a_correction_to_one_of_its_months_is_not_said_to_be_revised(
        loaded, folder, tmp_path):
    """Regression: the summary said of a quarter "Revised <day>: see the revisions on the tables page" because one of
    its months had been corrected, though the quarter was first published after the correction and no figure of it
    the public was shown ever changed (the revisions table has no row for it). A period is revised only when one of
    its own published figures is; the quarter is, once a month of it is corrected after it was published."""
    import re

    from pipelines.publish import pages
    from pipelines.publish.content import SnapshotView

    def quarter_dates() -> str:
        view = SnapshotView(public_side.current_snapshot(folder), public_side.pointer(folder))
        blocks = list(pages.summary_page(view, "quarter", "Q1 2015/16").blocks)
        assert any(getattr(b, "text", "").endswith("April to June 2015 (Q1 2015/16)") for b in blocks)
        return next(b.text for b in blocks if getattr(b, "text", "").startswith("First published"))

    spring = HEADER + month_rows("2015-04", (8, 18, 28, 38)) + month_rows("2015-05", (9, 19, 29, 39))
    with warehouse.connect(loaded) as con:
        assert ingest(con, [write_csv(tmp_path / "spring.csv", spring)]).ok
        approve(con, ["2015-04"], PCC)
        publish(con, PCC)
        assert ingest(con, [write_csv(tmp_path / "fix.csv", HEADER + month_rows("2015-04", (8, 18, 28, 44)))]).ok
        approve(con, ["2015-04"], PCC)
        publish(con, PCC)  # April revised, before its quarter is published
        approve(con, ["2015-05", "2015-06"], PCC)
        publish(con, PCC)  # the quarter April to June 2015, first published
    assert public_side.read("SELECT count(*) AS n FROM revision WHERE period_type = 'month'")["n"].tolist() == [2]
    said = quarter_dates()
    assert said.endswith("Not revised since.") and "Revised" not in said, said
    with warehouse.connect(loaded) as con:  # a month of the published quarter corrected: the quarter is revised
        assert ingest(con, [write_csv(tmp_path / "fix2.csv", HEADER + month_rows("2015-05", (9, 19, 29, 45)))]).ok
        approve(con, ["2015-05"], PCC)
        publish(con, PCC)
    assert re.search(r"Revised \d{1,2} [A-Z][a-z]+ \d{4}: see the revisions on the tables page\.$", quarter_dates())


def test_the_preview_says_why_no_sentence_is_written_of_a_percentage(db, tmp_path, folder, run_cli, monkeypatch):
    """Regression: the preview listed what the public would read of each count, and nothing of the percentages the
    publication held (officers trained), which looked like figures left out. By design the public pages give a
    percentage as a figure in the tables and never chart it, so no sentence is written of it: the preview now says
    so, naming each percentage as the public tables do, on the publishing page and at the command line."""
    rows = HEADER + month_rows("2015-06", (10, 20, 30, 40)) + month_rows(
        "2015-06", (5, 6, 7, 8), "officers_trained") + month_rows("2015-06", (10, 12, 14, 16), "officer_headcount")
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", rows)]).ok
        approve(con, ["2015-06"], PCC)
        preview = preview_publication(con)
    said = ("Officers and staff trained in child sexual exploitation awareness (per cent) is a percentage, which the "
            "public pages give as figures in the tables and never chart, so no sentence is written of it.")
    assert "officers_trained_pct" in set(preview.cells["measure"]) and "officers_trained_pct" not in preview.sentences
    assert preview.uncharted == said
    at = internal(monkeypatch, db, "internal_pages/publishing.py", PCC_USER)
    assert not at.exception
    shown = texts(at)
    assert "What the public will read of each count" in shown and said in shown
    out = run_cli("publish", "--as", "pcc@example.org", "--db", db, "--yes")
    assert out.exit_code == 0 and said in " ".join(out.output.split())
    snapshot = public_side.current_snapshot(folder)
    assert snapshot is not None  # published: its percentage is in the tables, as the preview says
    from pipelines.publish import pages
    from pipelines.publish.content import Chart, SnapshotView
    page = pages.summary_page(SnapshotView(snapshot, public_side.pointer(folder)))
    assert not any(isinstance(b, Chart) for b in page.blocks)  # one month: no chart at all
    assert any(r[0].text.startswith("Officers and staff trained") and r[1].text.endswith("%")
               for b in page.blocks if hasattr(b, "rows") for r in b.rows)


def test_the_preview_of_counts_alone_says_nothing_of_percentages(loaded):
    with warehouse.connect(loaded) as con:
        approve(con, ["2015-06"], PCC)
        assert preview_publication(con).uncharted == ""
