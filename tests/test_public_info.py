"""The public information pages: every force-return measure is defined in public_info.yaml; a broken file is
refused with its file, line and key (and `pccdash check` says so); each page says what a member of the public
needs (the accessibility statement's status and dates, the signpost's numbers and councils); the snapshot's
stored copy of the file, its disclosure audit and its release table are what the pages say; the release
calendar lists the published months and the months to come."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import pandas as pd
import pytest
from dashboard_helpers import claims_of
from helpers import write_csv

from pipelines import public, warehouse
from pipelines.catalogue import REFERENCE_DIR, catalogue, force
from pipelines.errors import ConfigError
from pipelines.ingest import ingest
from pipelines.publish.approval import approve
from pipelines.publish.calendar import release_calendar
from pipelines.publish.content import Bullets, Heading, Link, Notice, Page, Paragraph, SnapshotView, Table
from pipelines.publish.info import (
    accessibility_page,
    ask_url,
    calendar_page,
    contact_page,
    definitions_page,
    info_from_text,
    licence_page,
    load_public_info,
    methodology_page,
    pages,
    signpost,
    support_page,
)
from pipelines.publish.snapshot import publish

PCC = claims_of("pcc@example.org")
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
TEXT = (REFERENCE_DIR / "public_info.yaml").read_text(encoding="utf-8")


def text_of(block) -> str:
    """Every word a block (or page) shows, as one string."""
    if isinstance(block, Page):
        return "\n".join([block.title, block.description, *map(text_of, block.blocks)])
    if isinstance(block, Heading | Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(block.items)
    if isinstance(block, Link):
        return f"{block.text} <{block.href}>"
    if isinstance(block, Table):
        cells = [c.text for row in block.rows for c in row]
        return "\n".join([block.caption, *block.columns, *cells, block.note])
    if isinstance(block, Notice):
        return "\n".join([block.title, *block.lines, *map(text_of, block.links)])
    raise AssertionError(f"a block the information pages should not use: {block!r}")


def line_of(text: str, needle: str, start: int = 0) -> int:
    return text[:text.index(needle, start)].count("\n") + 1


def snapshot(path, meta: dict, **tables: pd.DataFrame) -> SnapshotView:
    """A snapshot file holding a meta table and the given tables."""
    con = duckdb.connect(str(path))
    frames = {"meta": pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]}), **tables}
    for name, frame in frames.items():
        con.register("frame", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        con.unregister("frame")
    con.close()
    return SnapshotView(path)


# --------------------------------------------------------------------------------------------------
# The reference file
# --------------------------------------------------------------------------------------------------

def test_the_bundled_file_defines_every_measure_of_the_force_return():
    info = load_public_info()
    own = catalogue().ids("force_return")
    assert own and set(info["definitions"]) == set(own)
    assert all(info["definitions"][m]["counts"] for m in own)
    assert set(info["signpost"]["councils"]) == set(force().districts)
    assert json.loads(json.dumps(info)) == info, "the snapshot stores it as JSON"


@pytest.mark.parametrize(("edit", "key", "words"), [
    (lambda t: t.replace("  cce_referrals:\n", "  cce_referalls:\n"), "cce_referalls",
     '"definitions > cce_referalls" is not a measure of the force\'s return (did you mean "cce_referrals"?)'),
    (lambda t: t.replace("  cawn_issued:\n", "  police_uk_drugs:\n"), "police_uk_drugs",
     '"definitions > police_uk_drugs" is a police.uk measure'),
    (lambda t: t.replace("    website: https://www.rotherham.gov.uk/\n", "    webiste: https://www.rotherham.gov.uk/\n"),
     "webiste", '"signpost > councils > Rotherham > webiste" is not a field here (did you mean "website"?)'),
    (lambda t: t.replace("  reviewed: 2026-12-02", "  reviewed: last week"), "reviewed: last week",
     '"accessibility > reviewed" \'last week\' is not a date'),
    (lambda t: t.replace("  compliance_status: partially compliant", "  compliance_status: mostly fine"),
     "compliance_status: mostly", '"accessibility > compliance_status" "mostly fine" should be one of'),
])
def test_a_bad_key_is_refused_with_the_file_line_and_key(edit, key, words):
    bad = edit(TEXT)
    assert bad != TEXT
    with pytest.raises(ConfigError) as caught:
        info_from_text(bad, "somewhere/public_info.yaml")
    message = str(caught.value)
    assert message.startswith(f"somewhere/public_info.yaml, line {line_of(bad, key)}: "), message
    assert words in message


APP_AT = "  response_time: We aim to reply within 10 working days.\n"


@pytest.mark.parametrize("value", ["figures.example.org", "ftp://figures.example.org/", "https://",
                                   "https://figures.example.org/?from=site", "https://figures.example.org/#ask",
                                   "https://figures example.org/", "mailto:office@example.org"])
def test_a_public_app_address_that_is_not_one_is_refused_naming_the_file_and_the_field(value):
    bad = TEXT.replace(APP_AT, f"{APP_AT}  public_app_url: {value}\n")
    assert bad != TEXT
    with pytest.raises(ConfigError) as caught:
        info_from_text(bad, "somewhere/public_info.yaml")
    message = str(caught.value)
    assert message.startswith(f"somewhere/public_info.yaml, line {line_of(bad, 'public_app_url:')}: "
                              '"contact > public_app_url" '), message
    assert "should be the public app's web address, starting https:// (or http://)" in message


@pytest.mark.parametrize(("value", "ask"), [
    ("https://figures.example.org/", "https://figures.example.org/ask"),
    ("https://www.example.org/pcc/figures", "https://www.example.org/pcc/figures/ask"),
    ("http://localhost:8502", "http://localhost:8502/ask"),
])
def test_the_public_app_s_address_is_kept_and_gives_its_ask_page(value, ask):
    info = info_from_text(TEXT.replace(APP_AT, f"{APP_AT}  public_app_url: {value}\n"))
    assert info["contact"]["public_app_url"] == value
    assert ask_url(info["contact"]) == ask
    unset = info_from_text(TEXT)
    assert "public_app_url" not in unset["contact"] and ask_url(unset["contact"]) is None


def test_a_missing_definition_is_refused_naming_the_measure():
    start = TEXT.index("  shpo_sro_issued:\n")
    end = TEXT.index("  cce_referrals:\n")
    bad = TEXT[:start] + TEXT[end:]
    with pytest.raises(ConfigError) as caught:
        info_from_text(bad, "public_info.yaml")
    message = str(caught.value)
    assert f"public_info.yaml, line {line_of(bad, 'definitions:')}: " in message
    assert '"definitions" has no definition of "shpo_sro_issued"' in message


def test_a_missing_district_council_and_a_missing_section_are_refused():
    bad = TEXT.replace("    Sheffield:\n      name: Sheffield City Council children's services\n"
                       "      website: https://www.sheffield.gov.uk/\n", "")
    with pytest.raises(ConfigError, match=r'line \d+: "signpost > councils" has no council for "Sheffield"'):
        info_from_text(bad)
    start = TEXT.index("\nlicence:\n")
    end = TEXT.index("\ncontact:\n")
    with pytest.raises(ConfigError, match=r'"?the file"? needs "licence", which is missing or empty'):
        info_from_text(TEXT[:start] + TEXT[end:])


def test_pccdash_check_reports_a_broken_public_info_file(ref, run_cli):
    assert run_cli("check").exit_code == 0
    path = ref / "public_info.yaml"
    bad = TEXT.replace("  cse_charges:\n", "  cse_chargez:\n")
    path.write_text(bad, encoding="utf-8")
    result = run_cli("check")
    assert result.exit_code == 1
    assert f'public_info.yaml", line {line_of(bad, "cse_chargez")}:' in result.stderr
    assert 'did you mean "cse_charges"' in result.stderr
    path.unlink()
    result = run_cli("check")
    assert result.exit_code == 1 and "public_info.yaml" in result.stderr and "is missing" in result.stderr


# --------------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------------

def test_every_page_says_what_the_public_needs():
    view = SnapshotView(None)
    info = load_public_info()
    found = pages(view)
    assert found == [f(view) for f in (definitions_page, methodology_page, calendar_page, licence_page,
                                       contact_page, accessibility_page, support_page)]
    assert [p.slug for p in found] == ["definitions", "methodology", "release-calendar", "licence", "contact",
                                      "accessibility", "report-a-concern"]
    assert all(isinstance(p, Page) and p.title and p.description for p in found)
    text = {p.slug: text_of(p) for p in found}
    for m in catalogue().of_source("force_return"):
        assert m.short_name in text["definitions"] and info["definitions"][m.id]["counts"] in text["definitions"]
    assert "per cent" in text["definitions"]
    for term in ("CAWN", "SHPO", "SRO", "Live investigation", "CCE", "Referral"):
        assert term in text["definitions"], term
    for words in ("monthly return", "management information", "not been audited", "earlier value",
                  info["methodology"]["spc"]):
        assert words in text["methodology"], words
    assert "Open Government Licence v3.0" in text["licence"]
    assert "<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>" in text["licence"]
    assert info["licence"]["attribution"] in text["licence"]
    for words in (info["contact"]["email"], info["contact"]["phone"], *info["contact"]["address"][1:]):
        assert words in text["contact"], words
    # the examples are given in the name of the office the snapshot names (none published: the usual office)
    assert "contact the office of the Police and Crime Commissioner (example details" in text["contact"]
    assert "The office of the Police and Crime Commissioner, 1 Example Street" in text["contact"]
    acc = text["accessibility"]
    assert "These pages are partially compliant with the Web Content Accessibility Guidelines version 2.2" in acc
    assert all(issue in acc for issue in info["accessibility"]["known_issues"])
    assert "This statement was prepared on 2 December 2026. It was last reviewed on 2 December 2026." in acc
    assert "last tested on 2 December 2026" in acc and "without JavaScript" in acc
    assert "Equality Advisory and Support Service" in acc and info["contact"]["email"] in acc
    concern = text["report-a-concern"]
    for words in ("999", "101", "0800 555 111", "0808 800 5000", "0800 1111", "0808 801 0331", "NAPAC",
                  "Victim Support", "The Survivors Trust", "<tel:0800555111>"):
        assert words in concern, words
    for d in DISTRICTS:
        council = info["signpost"]["councils"][d]
        assert council["name"] in concern and council["website"] in concern
        assert d in concern


def test_the_statement_does_not_say_the_interactive_explorer_works_without_javascript():
    """The same statement is on the static site and in the Streamlit public app, which shows nothing without
    JavaScript: it said "Every page works without JavaScript", untrue of the page it was read on in the app."""
    acc = text_of(accessibility_page(SnapshotView(None)))
    assert "Every page works without JavaScript" not in acc
    assert "The plain pages work without JavaScript" in acc
    assert "The interactive explorer, where you can choose a period and an area, needs JavaScript" in acc


def test_the_signpost_is_short_and_names_the_numbers_and_each_council():
    view = SnapshotView(None)
    box = signpost(view)
    assert box.kind == "signpost" and 3 <= len(box.lines) <= 5
    words = text_of(box)
    for needle in ("call 999", "101", "0800 555 111", "Crimestoppers", "Childline", "NSPCC",
                   "Support for victims and survivors", *DISTRICTS):
        assert needle in words, needle
    assert [link.href for link in box.links] == ["report-a-concern"]
    rotherham = text_of(signpost(view, "Rotherham"))
    assert "Rotherham Council children's services (https://www.rotherham.gov.uk/)" in rotherham
    assert "Barnsley" not in rotherham


def test_the_pages_say_what_the_snapshot_was_published_with(tmp_path):
    info = json.loads(json.dumps(load_public_info()))
    info["contact"]["email"] = "figures@published-copy.example.org"
    info["signpost"]["crimestoppers"]["phone"] = "0800 000 000"
    view = snapshot(tmp_path / "s.duckdb", {"public_info": json.dumps(info), "threshold": "5", "marker": "[c]"})
    assert "figures@published-copy.example.org" in text_of(contact_page(view))
    assert "0800 000 000" in text_of(signpost(view))
    assert load_public_info()["contact"]["email"] not in text_of(contact_page(view))
    assert "These contact details are examples" in text_of(contact_page(view))
    info["contact"]["example_values"] = False
    del info["licence"]  # a copy stored by an older publication, lacking a section, gives way to the file
    view = snapshot(tmp_path / "t.duckdb", {"public_info": json.dumps(info)})
    assert load_public_info()["contact"]["email"] in text_of(contact_page(view))
    info = json.loads(json.dumps(load_public_info()))
    info["contact"]["example_values"] = False
    view = snapshot(tmp_path / "u.duckdb", {"public_info": json.dumps(info)})
    assert "These contact details are examples" not in text_of(contact_page(view))


def test_every_information_page_opens_with_a_sentence_saying_what_it_is_for():
    """Regression: the Methodology and quality page began at its first heading ("Where the figures come from"), with
    no sentence saying what a reader would find on it, where every other information page opens with one."""
    for page in pages(SnapshotView(None)):
        if page.slug == "report-a-concern":  # its headings are the calls to make, the signpost above says why
            continue
        first = page.blocks[0]
        assert isinstance(first, Paragraph) and first.text.endswith("."), page.slug
    opening = methodology_page(SnapshotView(None)).blocks[0].text
    assert opening.startswith("How the figures on these pages are made") and "no child can be identified" in opening


def test_the_methodology_page_gives_the_threshold_marker_and_the_audit_result(tmp_path):
    audit = pd.DataFrame({"measure": ["cse_charges"] * 2, "area": ["Rotherham", "Barnsley"],
                          "period": ["2015-07", "2015-07"], "period_type": ["month", "month"],
                          "lower": [0.0, 0.0], "upper": [6.0, 9.0]})
    meta = {"threshold": "4", "marker": "[c]", "audit_protection": "3", "audit_cells": "2", "audit_min_width": "6",
            "audit_passed": "true"}
    text = text_of(methodology_page(snapshot(tmp_path / "a.duckdb", meta, disclosure_audit=audit)))
    assert "a count from 1 to 4 is hidden" in text and "the marker is \u201c[c]\u201d" in text
    # said once: the disclosure paragraph says a hidden figure is shown as a marker, this one which marker
    assert text.count("A hidden figure is shown as") == 1, text
    # in plain words: what everything published (earlier publications too) tells of each hidden figure, at most
    assert ("tried to work out every hidden figure from everything published, including earlier publications. None "
            "of the 2 hidden figures can be worked out exactly: the published figures only show that each lies "
            "somewhere between two numbers at least 6 apart.") in text
    assert ("The figures are not published if any hidden figure could be narrowed down to between two numbers less "
            "than 3 apart.") in text
    one = text_of(methodology_page(snapshot(tmp_path / "d.duckdb", {**meta, "audit_cells": "1",
                                                                    "audit_protection": "1"}, disclosure_audit=audit)))
    assert ("The one hidden figure cannot be worked out exactly: the published figures only show that it lies "
            "somewhere between two numbers at least 6 apart. The figures are not published if any hidden figure could "
            "be worked out exactly.") in one
    without = text_of(methodology_page(snapshot(tmp_path / "b.duckdb", {"threshold": "4", "marker": "[c]"})))
    assert "worked out exactly" not in without and "a count from 1 to 4 is hidden" in without
    failed = text_of(methodology_page(snapshot(tmp_path / "c.duckdb", {**meta, "audit_passed": "false"},
                                               disclosure_audit=audit)))
    assert "worked out exactly" not in failed


def test_the_calendar_page_lists_months_published_and_releases_to_come(tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-20")
    period = pd.DataFrame({"period": ["2015-06", "2015-07"],
                           "first_published_at": pd.to_datetime(["2015-08-20 09:00", "2015-09-18 09:00"]),
                           "last_revised_at": pd.to_datetime([None, "2015-10-02 09:00"])})
    release = pd.DataFrame({"month": ["2015-07", "2015-08"], "expected_on": [dt.date(2015, 9, 18),
                                                                            dt.date(2015, 10, 1)],
                            "status": ["published", "expected"]})
    page = calendar_page(snapshot(tmp_path / "s.duckdb", {"threshold": "4"}, period=period, release=release))
    tables = {b.caption: b for b in page.blocks if isinstance(b, Table)}
    published = [[c.text for c in row] for row in tables["Months published"].rows]
    assert published == [["July 2015", "18 September 2015", "2 October 2015"],
                         ["June 2015", "20 August 2015", "Not revised"]]
    assert [[c.text for c in row] for row in tables["Releases to come"].rows] == [
        ["August 2015", "1 October 2015", "Expected"]]
    # regression: "listed ... in the revisions table", a table on another page, neither named nor linked
    assert "under Revisions on the Tables and downloads page" in tables["Months published"].note
    assert [b.href for b in page.blocks if isinstance(b, Link)] == ["tables#revisions"]
    empty = text_of(calendar_page(SnapshotView(None)))
    assert "No month has been published yet." in empty and "No release is planned at the moment." in empty


def test_a_release_expected_when_published_reads_late_once_its_day_has_passed(tmp_path, monkeypatch):
    """Regression: published in April with April's return still to come, the calendar said "April 2026: 22 May 2026,
    Expected" to the public in June too, the force's return still not in: the status the snapshot was published with
    was read as it stood then."""
    period = pd.DataFrame({"period": ["2026-03"], "first_published_at": pd.to_datetime(["2026-04-20 09:00"]),
                           "last_revised_at": pd.to_datetime([None])})
    release = pd.DataFrame({"month": ["2026-03", "2026-04"], "expected_on": [dt.date(2026, 4, 20),
                                                                            dt.date(2026, 5, 22)],
                            "status": ["published", "expected"]})
    view = snapshot(tmp_path / "s.duckdb", {"threshold": "4"}, period=period, release=release)

    def to_come(day: str) -> list[list[str]]:
        monkeypatch.setenv("PCCDASH_TODAY", day)
        tables = {b.caption: b for b in calendar_page(view).blocks if isinstance(b, Table)}
        return [[c.text for c in row] for row in tables["Releases to come"].rows]

    assert to_come("2026-05-22") == [["April 2026", "22 May 2026", "Expected"]]
    assert to_come("2026-06-10") == [["April 2026", "22 May 2026", "Not yet published: later than planned"]]
    # a page written once (the static site, at publication) says the day its statuses are of
    assert "Each status is as it stood on 10 June 2026." in text_of(calendar_page(view))


def test_after_years_the_months_published_list_the_latest_12_and_fold_earlier_ones_by_financial_year(
        tmp_path, monkeypatch):
    """Regression: after two years the calendar's "Months published" was one table of 39 rows (April 2014 to July
    2015, then April 2026 to February 2028), 12 more each year. The latest 12 are listed as they are, and each earlier
    financial year is folded under a line saying how many months, which, and when they were first published, on the
    static site as a <details> under the section's own heading."""
    from pipelines.publish.content import Details
    from pipelines.publish.site import Ids, render_block

    monkeypatch.setenv("PCCDASH_TODAY", "2028-03-25")
    sample = [str(p) for p in pd.period_range("2014-04", "2015-07", freq="M")]  # all first published 2 April 2026
    later = [str(p) for p in pd.period_range("2026-04", "2028-02", freq="M")]  # each the month after it
    first = [pd.Timestamp("2026-04-02 09:00")] * len(sample) + [
        (pd.Period(m, "M") + 1).to_timestamp() + pd.Timedelta(days=20, hours=9) for m in later]
    revised = [pd.Timestamp("2027-01-05 10:00") if m in ("2014-05", "2014-06") else pd.NaT for m in sample + later]
    period = pd.DataFrame({"period": sample + later, "first_published_at": first, "last_revised_at": revised})
    release = pd.DataFrame({"month": ["2028-03"], "expected_on": [dt.date(2028, 4, 20)], "status": ["expected"]})
    page = calendar_page(snapshot(tmp_path / "s.duckdb", {"threshold": "4"}, period=period, release=release))
    blocks = list(page.blocks)
    start = blocks.index(Heading("Months published"))
    said, latest = blocks[start + 1:start + 3]
    assert said.text.startswith("39 months have been published. The latest 12 are listed first; the 27 before them "
                                "are folded by financial year (April to March) under them")
    assert latest.caption == "The latest 12 months published" and not latest.caption_hidden
    assert [r[0].text for r in latest.rows] == [f"{m:%B %Y}" for m in pd.date_range("2027-03", "2028-02",
                                                                                     freq="MS")][::-1]
    assert [c.text for c in latest.rows[0]] == ["February 2028", "21 March 2028", "Not revised"]
    folds = [b for b in blocks if isinstance(b, Details)]
    assert [f.summary for f in folds] == [
        "Financial year 2026/27: 11 earlier months, April 2026 to February 2027, first published from May 2026 to "
        "March 2027",
        "Financial year 2015/16: 4 earlier months, April 2015 to July 2015, first published in April 2026",
        "Financial year 2014/15: 12 earlier months, April 2014 to March 2015, first published in April 2026, 2 of "
        "them revised since"]
    (year,) = folds[-1].blocks
    assert year.caption == "Months published in financial year 2014/15"
    assert [r[0].text for r in year.rows][:2] == ["March 2015", "February 2015"] and len(year.rows) == 12
    assert [c.text for c in year.rows[-2]] == ["May 2014", "2 April 2026", "5 January 2027"]
    # every month is listed once, shown or folded
    assert len(latest.rows) + sum(len(f.blocks[0].rows) for f in folds) == 39
    markup = "".join(render_block(b, Ids()) for b in blocks)
    assert markup.count("<details><summary>Financial year ") == 3
    assert re.search(r"<h2>Months published</h2><p>39 months .*?</p><div[^>]*><table><caption id=\"[^\"]+\">The "
                     r"latest 12 months published</caption>", markup)
    assert re.search(r"<summary>Financial year 2014/15: 12 earlier months[^<]*</summary><div class=\"details-body\">"
                     r"<div[^>]*><table><caption[^>]*>Months published in financial year 2014/15</caption>", markup)


def test_a_long_list_of_releases_to_come_shows_the_next_few_and_folds_the_rest_by_financial_year(tmp_path,
                                                                                                 monkeypatch):
    """Regression: the months published were folded by financial year, but every release to come was listed in one
    table however many there were. The next 6 are listed; the later ones are folded by financial year under a line
    saying how many months, which, when they are planned, and how many of them are late or have no date, in plain
    HTML (no script needed to open a fold). A short list stays one table."""
    from pipelines.publish.site import Ids, render_block

    monkeypatch.setenv("PCCDASH_TODAY", "2026-09-20")
    period = pd.DataFrame({"period": ["2026-07"], "first_published_at": pd.to_datetime(["2026-08-20 09:00"]),
                           "last_revised_at": pd.to_datetime([None])})

    def to_come(name: str, months: list[str], **status: str) -> list:
        planned = [None if m in status else (pd.Period(m, "M") + 1).to_timestamp().date().replace(day=20)
                   for m in months]
        release = pd.DataFrame({"month": months, "expected_on": planned,
                                "status": [status.get(m, "expected") for m in months]})
        page = calendar_page(snapshot(tmp_path / f"{name}.duckdb", {"threshold": "4"}, period=period, release=release))
        blocks = list(page.blocks)
        return blocks[blocks.index(Heading("Releases to come")) + 1:blocks.index(Heading("Months published"))]

    ahead = [f"{m:%Y-%m}" for m in pd.date_range("2026-08", "2027-07", freq="MS")]
    blocks = to_come("long", ["2025-04", "2026-05", *ahead], **{"2025-04": "held_disclosure", "2026-05": "withdrawn"})
    said, shown, *folds, stood = blocks
    assert said.text == ("14 months are still to be published. The next 6 are listed first; the 8 after them are "
                         "folded by financial year (April to March) under them, each year saying how many months it "
                         "holds and when they are planned to be published.")
    assert shown.caption == "The next 6 months to be published" and not shown.caption_hidden
    assert [[c.text for c in r][:2] for r in shown.rows] == [
        ["April 2025", "None: it cannot be published as its figures stand"], ["May 2026", "Not yet set"],
        ["August 2026", "20 September 2026"], ["September 2026", "20 October 2026"],
        ["October 2026", "20 November 2026"], ["November 2026", "20 December 2026"]]
    assert [f.summary for f in folds] == [
        "Financial year 2026/27: 4 later months, December 2026 to March 2027, planned for publication from January "
        "2027 to April 2027",
        "Financial year 2027/28: 4 later months, April 2027 to July 2027, planned for publication from May 2027 to "
        "August 2027"]
    (year,) = folds[0].blocks
    assert year.caption == "Months to be published in financial year 2026/27" and year.caption_hidden
    assert [c.text for c in year.rows[0]] == ["December 2026", "20 January 2027", "Expected"]
    assert len(shown.rows) + sum(len(f.blocks[0].rows) for f in folds) == 14, "every month once, shown or folded"
    assert stood.text == "Each status is as it stood on 20 September 2026."
    markup = "".join(render_block(b, Ids()) for b in blocks)
    assert "<script" not in markup and markup.count("<details><summary>Financial year ") == 2
    assert re.search(r"<summary>Financial year 2027/28: 4 later months[^<]*</summary><div class=\"details-body\">"
                     r"<div[^>]*><table><caption[^>]*>Months to be published in financial year 2027/28</caption>",
                     markup)

    # a month late or with no date among those folded is counted in its year's line
    behind = [f"{m:%Y-%m}" for m in pd.date_range("2025-01", "2025-12", freq="MS")]
    _, _, *folds, _ = to_come("behind", behind, **{"2025-11": "withdrawn"})
    assert [f.summary for f in folds] == [
        "Financial year 2025/26: 6 later months, July 2025 to December 2025, planned for publication from August "
        "2025 to January 2026, 5 of them later than planned, 1 of them with no date set"]

    # 6 or fewer: one table, as before
    short = to_come("short", ahead[:6])
    assert [type(b) for b in short] == [Table, Paragraph] and short[0].caption == "Releases to come"
    assert len(short[0].rows) == 6 and short[0].caption_hidden


def test_a_month_the_disclosure_check_holds_back_is_not_promised_a_date_waiting_will_never_bring(tmp_path,
                                                                                                monkeypatch):
    """Regression: a month held back by the disclosure check cannot be published as its figures stand, now or later,
    yet the calendar listed it under "Releases to come" as "Not yet set", for as long as it stood, as if a date were
    coming. It now says that none is, and what would give it one, in words the same for every such month: nothing of
    the figures held back. A month held back by a flag, or withdrawn, is waiting for a date, and says "Not yet set"."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-09-20")
    period = pd.DataFrame({"period": ["2026-07"], "first_published_at": pd.to_datetime(["2026-08-20 09:00"]),
                           "last_revised_at": pd.to_datetime([None])})
    release = pd.DataFrame({"month": ["2025-04", "2026-05", "2026-06", "2026-07"],
                            "expected_on": [None, None, None, dt.date(2026, 8, 20)],
                            "status": ["held_disclosure", "held_flag", "withdrawn", "published"]})
    page = calendar_page(snapshot(tmp_path / "s.duckdb", {"threshold": "4"}, period=period, release=release))
    tables = {b.caption: b for b in page.blocks if isinstance(b, Table)}
    said = {row[0].text: [c.text for c in row[1:]] for row in tables["Releases to come"].rows}
    assert said["April 2025"] == [
        "None: it cannot be published as its figures stand",
        "Approved, and held back so that no one can be identified: published now, with what is already public, it "
        "would let a hidden figure be worked out. Waiting will not change that: it is given a date only if its "
        "figures are corrected or the way figures are hidden changes"]
    assert "Not yet set" not in " ".join(said["April 2025"])
    assert said["May 2026"][0] == said["June 2026"][0] == "Not yet set"


def test_a_month_held_back_by_the_disclosure_check_says_since_when_only_when_that_day_is_recorded(tmp_path,
                                                                                                  monkeypatch):
    """Regression: a month the disclosure check holds back never said since when; it says the day the first
    publication left it out, as the calendar records it. A calendar made before that day was recorded (an older
    snapshot's) says no more than it did: no day is made up."""
    monkeypatch.setenv("PCCDASH_TODAY", "2026-09-20")
    period = pd.DataFrame({"period": ["2026-07"], "first_published_at": pd.to_datetime(["2026-08-20 09:00"]),
                           "last_revised_at": pd.to_datetime([None])})
    recorded = pd.DataFrame({"month": ["2025-04", "2026-05", "2026-07"],
                             "expected_on": [None, None, dt.date(2026, 8, 20)],
                             "status": ["held_disclosure", "held_flag", "published"],
                             "held_since": pd.to_datetime(["2026-03-03", None, None])})
    older = recorded.drop(columns=["held_since"])
    said = {}
    for name, release in (("recorded", recorded), ("older", older)):
        page = calendar_page(snapshot(tmp_path / f"{name}.duckdb", {"threshold": "4"}, period=period,
                                      release=release))
        table = next(b for b in page.blocks if isinstance(b, Table) and b.caption == "Releases to come")
        said[name] = {row[0].text: [c.text for c in row[1:]] for row in table.rows}
    why = ("so that no one can be identified: published now, with what is already public, it would let a hidden figure "
           "be worked out. Waiting will not change that: it is given a date only if its figures are corrected or the "
           "way figures are hidden changes")
    assert said["recorded"]["April 2025"] == [
        "None: it cannot be published as its figures stand",
        f"Approved, and held back since 3 March 2026, when a publication first left it out, {why}"]
    assert said["older"]["April 2025"] == ["None: it cannot be published as its figures stand",
                                           f"Approved, and held back {why}"]
    # a month held back by a flag has no day recorded, and says nothing of one
    assert said["recorded"]["May 2026"] == said["older"]["May 2026"]
    assert "since" not in " ".join(said["recorded"]["May 2026"])


def test_a_table_under_a_heading_of_its_own_words_is_not_captioned_with_them_again(tmp_path, monkeypatch):
    """Regression: the release calendar's "Releases to come" and "Months published" (and the definitions' "Words used
    on these pages") were each said twice, as the heading and again as the caption of the table under it. The caption
    stays for a screen reader, which names a table by it, and is not shown; a caption of other words is shown."""
    from pipelines.publish.site import Ids, render_block

    monkeypatch.setenv("PCCDASH_TODAY", "2015-09-20")
    period = pd.DataFrame({"period": ["2015-07"], "first_published_at": pd.to_datetime(["2015-09-18 09:00"]),
                           "last_revised_at": pd.to_datetime([None])})
    release = pd.DataFrame({"month": ["2015-07", "2015-08"], "expected_on": [dt.date(2015, 9, 18),
                                                                            dt.date(2015, 10, 1)],
                            "status": ["published", "expected"]})
    view = snapshot(tmp_path / "s.duckdb", {"threshold": "4"}, period=period, release=release)
    headed = {}
    for page in pages(view):
        blocks = list(page.blocks)
        for before, table in zip(blocks, blocks[1:], strict=False):
            if isinstance(table, Table):
                headed[(page.slug, table.caption)] = isinstance(before, Heading) and before.text == table.caption
                assert table.caption_hidden == headed[(page.slug, table.caption)], (page.slug, table.caption)
    assert {k for k, v in headed.items() if v} >= {("release-calendar", "Releases to come"),
                                                   ("release-calendar", "Months published"),
                                                   ("definitions", "Words used on these pages")}
    markup = "".join(render_block(b, Ids()) for b in calendar_page(view).blocks)
    for words in ("Releases to come", "Months published"):
        assert f"<h2>{words}</h2>" in markup
        assert re.search(rf'<caption id="[^"]+" class="visually-hidden">{words}</caption>', markup), markup
        shown = re.sub(r'<caption[^>]*class="visually-hidden"[^>]*>.*?</caption>', "", markup)
        assert shown.count(words) == 1
    # a table whose caption is its own, not its heading's, keeps it shown
    assert '<caption id="contact' in "".join(render_block(b, Ids()) for b in contact_page(view).blocks)
    assert 'class="visually-hidden"' not in "".join(render_block(b, Ids()) for b in contact_page(view).blocks)


# --------------------------------------------------------------------------------------------------
# The release calendar, warehouse side
# --------------------------------------------------------------------------------------------------

def test_release_calendar_lists_published_approved_and_upcoming_months(db, tmp_path, monkeypatch):
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    rows = "".join(f"{p},{d},cse_arrests,{v}\n" for p in ("2015-06", "2015-07", "2015-08")
                   for d, v in zip(DISTRICTS, (10, 20, 30, 40), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", "period,district,measure,value\n" + rows)]).ok
        nothing = release_calendar(con)
        approve(con, ["2015-06", "2015-07"], PCC)
        publish(con, PCC)
        approve(con, ["2015-08"], PCC)
        today = dt.date(2026, 11, 21)
        cal = release_calendar(con, today=today)
    assert set(nothing["status"]) <= {"expected", "late"} and "2026-11" in set(nothing["month"])
    by_month = {r["month"]: (r["expected_on"], r["status"]) for r in cal.to_dict("records")}
    view = SnapshotView(public.current_snapshot())
    first = {r["period"]: r["first_published_at"].date() for r in view.table("period").to_dict("records")}
    assert by_month["2015-06"] == (first["2015-06"], "published")
    assert by_month["2015-07"] == (first["2015-07"], "published")
    assert by_month["2015-08"] == (today, "approved")
    # November 2026's return is due on its 5th working day of December (7 December 2026); publication is
    # planned 10 working days later, on 21 December 2026
    assert by_month["2026-11"] == (dt.date(2026, 12, 21), "expected")
    assert by_month["2026-10"][1] == "late" and by_month["2026-10"][0] < today
    # the two months after this one are announced ahead, so that a month coming due before the next publication is
    # on the public calendar (and late once its date has passed); none beyond
    assert [by_month[m][1] for m in ("2026-12", "2027-01")] == ["expected", "expected"]
    assert by_month["2026-12"][0] > by_month["2026-11"][0] and "2027-02" not in by_month
    assert list(cal["month"]) == sorted(cal["month"])
    # and the public page, read from the snapshot, lists the months published
    assert "July 2015" in text_of(calendar_page(view)) and "June 2015" in text_of(calendar_page(view))
    # the definitions page of that snapshot defines the measure it publishes, and no measure it does not
    defs = text_of(definitions_page(view))
    info = load_public_info()
    assert info["definitions"]["cse_arrests"]["counts"] in defs
    assert info["definitions"]["cse_charges"]["counts"] not in defs


def test_the_methodology_page_says_which_breakdowns_are_never_published_and_why():
    from pipelines.catalogue import dimensions
    from pipelines.publish.info import _breakdown_blocks

    text = " ".join(getattr(b, "text", "") for b in _breakdown_blocks())
    assert "Not recorded" in text and "financial years" in text
    for dimension, reason in dimensions().never_published.items():
        assert f"{dimensions().get(dimension).name} is never published" in text
        assert reason[1:] in text


def test_the_methodology_says_the_public_charts_draw_no_range_only_the_office_s_own_do():
    """Regression: it said "On the charts, the office uses ... the range that months usually fall within", but the
    public charts draw no range; it now says how the office reads its own charts when deciding what to ask."""
    import sys

    from dashboard_helpers import ROOT

    sys.path.insert(0, str(ROOT))
    from dashboard import public_render
    from pipelines.publish.content import Chart, ChartPoint

    spc = load_public_info()["methodology"]["spc"]
    assert spc in text_of(methodology_page(SnapshotView(None)))
    assert "The charts on these pages show the published figures only." in spc
    assert "When the office reads its own charts of the same figures, to decide what to ask the force" in spc
    assert "On the charts, the office uses" not in spc
    points = tuple(ChartPoint(f"2015-{m:02d}", 10 + m, "published", str(10 + m)) for m in range(1, 13))
    fig = public_render.figure(Chart("Arrests", "people", True, points, "", Table("t", ("Month",), ())))
    assert [t.type for t in fig.data] == ["scatter"] and not fig.layout.shapes, "a public chart draws no range"


def test_the_information_pages_name_the_office_and_its_holder_as_force_yaml_does():
    """The methodology, the definitions and the licence's attribution (the sentence re-users copy) name the office
    that publishes and its holder as force.yaml does, not an office of a Police and Crime Commissioner that the
    other pages never name."""
    view = SnapshotView(None)
    text = {p.slug: text_of(p) for p in pages(view)}
    office, holder = force().office_name, "Mayor"
    assert office in load_public_info()["licence"]["attribution"]
    for slug in ("definitions", "methodology", "licence"):
        assert "Commissioner's office" not in text[slug], slug
        assert "the Commissioner" not in text[slug] and "Police and Crime Commissioner." not in text[slug], slug
    assert office in text["methodology"] and holder in text["methodology"] and holder in text["definitions"]


def test_a_month_left_behind_when_a_later_one_is_published_first_stays_on_the_release_calendar(db, tmp_path,
                                                                                               monkeypatch):
    """May 2026's return came before April's and was published first: April is still to come, and late once its
    planned date has passed, not dropped from the calendar because a later month is out."""
    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    rows = "".join(f"{p},{d},cse_arrests,{v}\n" for p in ("2026-03", "2026-05")
                   for d, v in zip(DISTRICTS, (10, 20, 30, 40), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", "period,district,measure,value\n" + rows)]).ok
        approve(con, ["2026-03", "2026-05"], PCC)
        publish(con, PCC)
        cal = release_calendar(con, today=dt.date(2026, 6, 20))
        by_month = {r["month"]: (r["expected_on"], r["status"]) for r in cal.to_dict("records")}
        assert by_month["2026-04"][1] == "late" and by_month["2026-04"][0] < dt.date(2026, 6, 20)
        assert by_month["2026-05"][1] == "published" and by_month["2026-06"][1] == "expected"
        # before the first month published, nothing is to come: the office did not publish those months
        assert "2026-02" not in by_month and list(cal["month"]) == sorted(cal["month"])
        # once April is published it is listed as published, in its place
        rows = "".join(f"2026-04,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (1, 2, 3, 4), strict=True))
        assert ingest(con, [write_csv(tmp_path / "april.csv", "period,district,measure,value\n" + rows)]).ok
        approve(con, ["2026-04"], PCC)
        publish(con, PCC)
        after = {r["month"]: r["status"] for r in release_calendar(con, today=dt.date(2026, 6, 20)).to_dict("records")}
    assert after["2026-04"] == "published"


def test_the_definitions_page_names_each_measure_in_words_and_keeps_its_short_name():
    """Regression: the Definitions page headed each measure with its short name ("CAWNs issued", "SHPOs and SROs"),
    the abbreviation explained only at the foot of the page; it is headed in words, as the other pages name it, and
    says the short name the force's reports and the Board's questions may use."""
    found = definitions_page(SnapshotView(None))
    headings = [b.text for b in found.blocks if isinstance(b, Heading)]
    assert "Child abduction warning notices issued" in headings and "CAWNs issued" not in headings
    assert "Sexual harm prevention orders and sexual risk orders" in headings
    assert not [h for h in headings if re.search(r"\b(CSE|CCE|CAWN|SHPO|SRO|NFA)s?\b", h)], headings
    tables = {t.caption: {r[0].text: r[1].text for r in t.rows} for t in found.blocks if isinstance(t, Table)}
    assert tables["Child abduction warning notices issued: definition"]["Short name"] == "CAWNs issued"
    assert "Short name" not in tables["Victims and survivors of child sexual exploitation supported by commissioned "
                                      "services: definition"]  # its short name is in words already
    words = tables["Words used on these pages"]
    assert "Child abduction warning notice (CAWN)" in words  # the abbreviation is still explained


def test_the_publication_preview_and_the_publishing_page_say_the_statement_is_due_for_review(db, tmp_path,
                                                                                              monkeypatch):
    """The accessibility statement last reviewed more than a year ago (the bundled file's 2 December 2026, in April
    2028): the preview of a publication, which `pccdash publish` prints and the Publishing page shows, says so and
    what to do, as the file's other problems are said there; the Publishing page says it too when there is nothing
    to publish. The public page itself still prints the date as the file gives it."""
    from dashboard_helpers import PCC as PCC_USER
    from dashboard_helpers import internal, texts

    from pipelines.publish.snapshot import preview_publication

    monkeypatch.setenv("PCCDASH_PUBLISHED_DIR", str(tmp_path / "published"))
    rows = "".join(f"2015-06,{d},cse_arrests,{v}\n" for d, v in zip(DISTRICTS, (10, 20, 30, 40), strict=True))
    with warehouse.connect(db) as con:
        assert ingest(con, [write_csv(tmp_path / "r.csv", "period,district,measure,value\n" + rows)]).ok
        approve(con, ["2015-06"], PCC)
        monkeypatch.setenv("PCCDASH_TODAY", "2027-12-02")  # a year to the day: nothing to say
        assert preview_publication(con).info_lines == []
        monkeypatch.setenv("PCCDASH_TODAY", "2028-04-11")
        preview = preview_publication(con)
    said = ('public_info.yaml: "accessibility > reviewed" says the accessibility statement was last reviewed on 2 '
            "December 2026, more than a year before today (11 April 2028)")
    assert preview.problem is None and preview.summary[-1].startswith(said), preview.summary
    at = internal(monkeypatch, db, "internal_pages/publishing.py", PCC_USER)
    assert not at.exception and said in texts(at)
    with warehouse.connect(db) as con:
        publish(con, PCC)
    at = internal(monkeypatch, db, "internal_pages/publishing.py", PCC_USER)  # nothing more to publish
    assert not at.exception
    assert said in texts(at) and any("accessibility statement" in w.value for w in at.warning)
    assert "prepared on 2 December 2026. It was last reviewed on 2 December 2026." in text_of(
        accessibility_page(SnapshotView(public.current_snapshot())))


def test_live_investigations_say_once_how_a_year_s_figure_is_made():
    """Regression: the Definitions page's "Not included" line for live investigations repeated what its "Over time"
    line says: a count on one day, so months are not added up, and a year shows its last month."""
    found = definitions_page(SnapshotView(None))
    tables = {t.caption: {r[0].text: r[1].text for r in t.rows} for t in found.blocks if isinstance(t, Table)}
    live = tables["Live child sexual exploitation investigations at month end: definition"]
    assert live["Not included"] == "Investigations closed during the month."
    assert live["Over time"] == "A count on the last day of the month: a quarter or a year shows its last month."
    assert sum(bool(re.search(r"\byear\b|count on (one|the last) day|added up", v)) for v in live.values()) == 1, live


def test_a_count_on_one_day_says_once_under_over_time_that_months_are_not_added_up():
    """Regression: the Definitions page's "Not included" line for officers trained said "This is a count on one day,
    so months are not added up.", which its "Over time" line says already. Each figure counted on one day says it
    once, under "Over time"."""
    found = definitions_page(SnapshotView(None))
    tables = {t.caption: {r[0].text: r[1].text for r in t.rows} for t in found.blocks if isinstance(t, Table)}
    trained = tables["Officers and staff who have completed child sexual exploitation awareness training: definition"]
    assert trained["Not included"] == "People who have left the force."
    counted_on_a_day = {c: rows for c, rows in tables.items() if rows.get("Over time", "").startswith("A count on")}
    assert len(counted_on_a_day) >= 3, list(counted_on_a_day)
    for caption, rows in counted_on_a_day.items():
        said = [k for k, v in rows.items() if re.search(r"count on (one|the last) day|added up|last month", v)]
        assert said == ["Over time"], (caption, rows)
