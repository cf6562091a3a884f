"""The pages a member of the public needs beside the figures, and the reference file that says them.

`pipelines/reference/public_info.yaml` holds every word: what each figure of the force's return counts, the
words those definitions use, where the figures come from and how they are checked, revised and protected,
the licence, the office's contact details, the accessibility statement, and how to report a concern about a
child and where to get support (per district). `load_public_info` reads and checks it (a problem is named
with the file, the line and the key, and `pccdash check` reports it); publishing stores the checked copy in
the snapshot's meta as "public_info", so a published page says what was configured when it was published.

The page-content functions here each take a `SnapshotView` and return a `Page` of plain blocks
(`pipelines.publish.content`), which the static site and the Streamlit public app draw: definitions,
methodology, release-calendar, licence, contact, accessibility and report-a-concern, in that order
(`pages`), and `signpost`, the short box on every page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from pathlib import Path

import yaml

from .. import office as office_words
from .. import settings
from ..catalogue import catalogue, counted, force, former_name, listed, reference_dir, reference_file
from ..errors import ConfigError
from ..public import (
    MANAGEMENT_INFORMATION_SECTION,
    REVISIONS_SECTION,
    hidden_count_words,
    spelled_out,
    zeros_change_lines,
    zeros_hidden,
)
from ..uk_time import month_words, uk_day, uk_day_words
from ..yaml_lines import key_lines
from .content import Bullets, Cell, Details, Heading, Link, Notice, Page, Paragraph, SnapshotView, Table

FILE_NAME = "public_info.yaml"
COMPLIANCE = ("fully compliant", "partially compliant", "not compliant")
CONCERN_SLUG = "report-a-concern"

# --------------------------------------------------------------------------------------------------
# public_info.yaml: what it must hold
# --------------------------------------------------------------------------------------------------
# A field's kind: "text" (one piece of text), "texts" (text or a list of texts: paragraphs), "int",
# "date" (YYYY-MM-DD), "bool", "url" (https://...), "app_url" (the public app's address: https:// or http://, with
# no ? or #, since its pages' paths are added to it), a dict (a mapping: key -> (kind, required)), or
# ("list", kind) (a list of that kind).

_SERVICE = {"name": ("text", True), "phone": ("text", True), "website": ("url", True),
            "description": ("text", True)}
_SCHEMA: dict = {
    "release": ({"working_days_after_due": ("int", True), "upcoming_months": ("int", True),
                 "months_ahead": ("int", False)}, True),
    "definitions": ("definitions", True),
    "terms": (("list", {"term": ("text", True), "meaning": ("text", True)}), True),
    "methodology": ({"sources": ("texts", True), "quality": ("texts", True), "revisions": ("texts", True),
                     "disclosure_control": ("texts", True), "spc": ("text", True)}, True),
    "licence": ({"name": ("text", True), "url": ("url", True), "attribution": ("text", True),
                 "summary": ("texts", True)}, True),
    "contact": ({"example_values": ("bool", False), "name": ("text", True), "email": ("text", True),
                 "phone": ("text", True), "address": (("list", "text"), True), "response_time": ("text", True),
                 "note": ("text", False), "public_app_url": ("app_url", False)}, True),
    "accessibility": ({"compliance_status": ("compliance", True), "standard": ("text", True),
                       "known_issues": (("list", "text"), True), "prepared": ("date", True),
                       "reviewed": ("date", True), "last_tested": ("date", True), "tested_how": ("text", True),
                       "without_javascript": ("text", True), "other_formats": ("text", True),
                       "how_to_contact": ("text", True), "enforcement": ("text", True),
                       "enforcement_url": ("url", True)}, True),
    "signpost": ({"emergency": ("text", True), "non_emergency": ("text", True), "councils": ("councils", True),
                  "crimestoppers": (_SERVICE, True), "nspcc": (_SERVICE, True), "childline": (_SERVICE, True),
                  "support": (("list", {**_SERVICE, "phone": ("text", False)}), True)}, True),
}
# The public app's address as public_info.yaml's contact gives it: http(s), a host (a port), a path; nothing a link
# or Markdown would read otherwise (a space, a quote, a bracket), and no query or fragment, since a page's path is
# added to it.
_APP_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[^\s?#<>()\[\]\"'`\\]*)?",
                      re.IGNORECASE)
_DEFINITION = {"counts": ("text", True), "includes": ("text", False), "excludes": ("text", False)}
_COUNCIL = {"name": ("text", True), "website": ("url", True), "phone": ("text", False)}




def _key_words(path: tuple) -> str:
    """A key's path as the file reads it: signpost > councils > Rotherham > website; terms entry 2 > meaning."""
    parts = []
    for p in path:
        if isinstance(p, int):
            parts[-1] = f"{parts[-1]} entry {p + 1}" if parts else f"entry {p + 1}"
        else:
            parts.append(str(p))
    return " > ".join(parts)


def info_from_text(text: str, path: str | Path = FILE_NAME) -> dict:
    """Read and check public_info.yaml's text; a ConfigError names the file, the line and the key."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc}). Correct the "
                          "file; its layout is described at its top.") from None
    lines = key_lines(text)

    def fail(at: tuple, message: str):
        line = next((lines[at[:n]] for n in range(len(at), -1, -1) if at[:n] in lines), None)
        key = f'"{_key_words(at)}"' if at else "the file"
        raise ConfigError(f"{path}{f', line {line}' if line else ''}: {key} {message}")

    if not isinstance(data, dict):
        fail((), "should hold a mapping with release, definitions, terms, methodology, licence, contact, "
                 "accessibility and signpost at its top level.")
    return _mapping(data, _SCHEMA, (), fail)


def _mapping(raw, spec: dict, at: tuple, fail) -> dict:
    if not isinstance(raw, dict):
        fail(at, f"should be a mapping with {listed(list(spec))}.")
    unknown = sorted(str(k) for k in raw if k not in spec)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], list(spec), n=1)
        extra = f' (did you mean "{hint[0]}"?)' if hint else ""
        fail((*at, unknown[0]), f"is not a field here{extra}; the fields are {listed(list(spec))}.")
    out = {}
    for key, (kind, required) in spec.items():
        value = raw.get(key)
        if value is None or value == "" or value == []:
            if required:
                fail((*at, key) if key in raw else at, f'needs "{key}", which is missing or empty.')
            continue
        out[key] = _value(value, kind, (*at, key), fail)
    return out


def _value(value, kind, at: tuple, fail):
    if isinstance(kind, dict):
        return _mapping(value, kind, at, fail)
    if isinstance(kind, tuple):
        if not isinstance(value, list):
            fail(at, "should be a list.")
        return [_value(v, kind[1], (*at, i), fail) for i, v in enumerate(value)]
    if kind == "text":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            fail(at, "should be text.")
        text = " ".join(str(value).split())
        if not text:
            fail(at, "should not be empty.")
        return text
    if kind == "texts":
        return [_value(v, "text", (*at, i), fail) for i, v in enumerate(value if isinstance(value, list) else [value])]
    if kind == "url":
        text = _value(value, "text", at, fail)
        if not re.fullmatch(r"https://[^\s/]+\.[^\s]+", text):
            fail(at, f'"{text}" should be a web address starting https://.')
        return text
    if kind == "app_url":
        text = _value(value, "text", at, fail)
        if not _APP_URL.fullmatch(text):
            fail(at, f'"{text}" should be the public app\'s web address, starting https:// (or http://) and with '
                     "nothing after its path (no ? or #), such as https://figures.example.org/; the static site "
                     "links to the app's Ask page there.")
        return text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
            fail(at, f"{value!r} should be a whole number from 0 to 60.")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            fail(at, f"{value!r} should be true or false.")
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, dt.date):
            fail(at, f"{value!r} is not a date; write it as YYYY-MM-DD.")
        return value.isoformat()
    if kind == "compliance":
        text = _value(value, "text", at, fail).lower()
        if text not in COMPLIANCE:
            fail(at, f'"{value}" should be one of: {", ".join(COMPLIANCE)}.')
        return text
    if kind == "definitions":
        return _definitions(value, at, fail)
    if kind == "councils":
        return _councils(value, at, fail)
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover - the schema above names only these


def _definitions(raw, at: tuple, fail) -> dict:
    cat = catalogue()
    own = cat.ids("force_return")
    if not isinstance(raw, dict):
        fail(at, "should be a mapping from each measure id of the force's return to its definition.")
    for key in raw:
        if key not in own:
            hint = difflib.get_close_matches(str(key), own, n=1)
            extra = f' (did you mean "{hint[0]}"?)' if hint else ""
            kind = ("is a police.uk measure, which this file does not define" if key in cat.ids()
                    else "is not a measure of the force's return")
            fail((*at, key), f'{kind}{extra}. Use an id from "{reference_file("measures.yaml")}" whose source '
                             "is force_return.")
    missing = [m for m in own if m not in raw]
    if missing:
        fail(at, f'has no definition of "{missing[0]}" ({cat.get(missing[0]).name}); every measure of the '
                 "force's return needs one, with at least counts: (what is counted).")
    return {m: _mapping(raw[m], _DEFINITION, (*at, m), fail) for m in own}


def _councils(raw, at: tuple, fail) -> dict:
    districts = list(force().districts)
    if not isinstance(raw, dict):
        fail(at, f"should be a mapping from each district ({listed(districts)}) to its council.")
    for key in raw:
        if key not in districts and (renamed := former_name(key)):
            fail((*at, key), renamed)
        if key not in districts:
            hint = difflib.get_close_matches(str(key), districts, n=1)
            extra = f' (did you mean "{hint[0]}"?)' if hint else ""
            fail((*at, key), f"is not a district of force.yaml{extra}; the districts are {listed(districts)}.")
    missing = [d for d in districts if d not in raw]
    if missing:
        fail(at, f'has no council for "{missing[0]}"; every district needs its council\'s name and website.')
    return {d: _mapping(raw[d], _COUNCIL, (*at, d), fail) for d in districts}


@functools.cache
def _load(path: str, mtime: float, stamp: tuple) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f'Reference file "{path}" cannot be read ({exc}); save it as UTF-8 text.') from None
    return info_from_text(text, path)


def load_public_info(path: str | Path | None = None) -> dict:
    """public_info.yaml (in the reference folder, or `path`), checked; a plain dict that `json.dumps` takes.

    Cached on the file's path and modification time (and those of measures.yaml and force.yaml, which it is
    checked against), so an edited file is read again without a restart. Callers must not change the dict.
    """
    from ..catalogue import reference_stamp

    file = Path(path) if path is not None else reference_dir() / FILE_NAME
    try:
        mtime = file.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f'Reference file "{file}" is missing: copy pipelines/reference/{FILE_NAME} there; it '
                          "holds what the public pages say beside the figures.") from None
    return _load(str(file), mtime, reference_stamp("measures.yaml", "force.yaml"))


def a_year_before(today: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def statement_review_due(info: dict, today: dt.date) -> str:
    """What is to be done when the accessibility statement was last reviewed (`accessibility.reviewed`) more than a
    year before `today`, in a sentence for the office; "" otherwise. The public sector accessibility regulations
    (2018) ask a public body to keep its statement under regular review, and at least once a year is the usual
    practice; the public Accessibility page prints the date of the last review, so a stale one is read by anyone."""
    acc = info.get("accessibility") or {}
    try:
        reviewed = dt.date.fromisoformat(str(acc.get("reviewed") or ""))
    except ValueError:
        return ""
    if reviewed >= a_year_before(today):
        return ""
    return (f'"accessibility > reviewed" says the accessibility statement was last reviewed on {_date(reviewed)}, '
            f"more than a year before today ({_date(today)}), and the public Accessibility page prints that date. "
            "The statement is to be kept under regular review, at least once a year: read it through against the "
            "pages as they are now (its known issues, how they were tested, the contact details), correct what has "
            'changed, then set "reviewed" (and "last_tested", if the pages were tested again) to the day of the '
            "review, as YYYY-MM-DD; the public pages carry it from the next publication.")


# --------------------------------------------------------------------------------------------------
# Reading a snapshot
# --------------------------------------------------------------------------------------------------

def info_of(view: SnapshotView) -> dict:
    """What the snapshot was published with (its meta "public_info"), else the reference file as it is now."""
    stored = view.meta.get("public_info")
    if stored:
        try:
            found = json.loads(stored)
        except (TypeError, ValueError):
            found = None
        if isinstance(found, dict) and all(found.get(key) for key in _SCHEMA):
            return found
    return load_public_info()


def _districts(view: SnapshotView, info: dict) -> list[str]:
    try:
        names = json.loads(view.meta.get("districts") or "[]")
    except (TypeError, ValueError):
        names = []
    return [d for d in names if d in info["signpost"]["councils"]] or list(info["signpost"]["councils"])


def _force_name(view: SnapshotView) -> str:
    return view.meta.get("force") or view.pointer.get("force") or force().force_name


def _date(value) -> str:
    """A date in words ("2 December 2026") from a date, a stored (UTC) timestamp (its day in England) or ISO text;
    "" when there is none; text that is neither, as it was."""
    if value is None or value == "" or value != value:  # NaN and NaT are not equal to themselves
        return ""
    return uk_day_words(value) or str(value)


def _tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def _service_line(s: dict) -> str:
    return f"{s['name']}: {s['phone']}" if s.get("phone") else s["name"]


# --------------------------------------------------------------------------------------------------
# The signpost and the report-a-concern page
# --------------------------------------------------------------------------------------------------

def signpost(view: SnapshotView, district: str | None = None) -> Notice:
    """The short box on every page: who to call about a child, and where victims and survivors find support."""
    info = info_of(view)
    sp = info["signpost"]
    councils = sp["councils"]
    if district in councils:
        council = f"{councils[district]['name']} ({councils[district]['website']})"
    else:
        names = _districts(view, info)
        council = "the children's services of your local council: " + (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1])
    lines = (
        f"In an emergency, or if a child is in danger now, call {sp['emergency']}.",
        f"Otherwise call the police on {sp['non_emergency']}, or contact {council}.",
        f"To pass on information without giving your name, call {sp['crimestoppers']['name']} on "
        f"{sp['crimestoppers']['phone']}. Adults can call the {sp['nspcc']['name']} on {sp['nspcc']['phone']}; "
        f"children can call {sp['childline']['name']} on {sp['childline']['phone']}.",
        "Support for victims and survivors: " + "; ".join(_service_line(s) for s in sp["support"]) + ".",
    )
    return Notice("Worried about a child?", lines, "signpost",
                  (Link("How to report a concern and where to get support", CONCERN_SLUG),))


def support_page(view: SnapshotView) -> Page:
    """Report a concern about a child: everything in the signpost, in full, with each district's council."""
    info = info_of(view)
    sp = info["signpost"]
    blocks: list = [
        Heading("If a child is in danger now"),
        Paragraph(f"Call {sp['emergency']} and ask for the police."),
        Link(f"Call {sp['emergency']}", _tel(sp["emergency"])),
        Heading("If you are worried about a child"),
        Paragraph(f"Call the police on {sp['non_emergency']}, or contact the children's services of the council "
                  "where the child lives. You do not need to be sure that something is wrong: say what you have "
                  "seen or heard, and they will decide what to do."),
        Link(f"Call the police on {sp['non_emergency']}", _tel(sp["non_emergency"])),
        Table("Children's services in each council area", ("Area", "Council", "How to contact"),
              tuple((Cell(d), Cell(c["name"]),
                     Cell(f"Phone {c['phone']}, or see {c['website']}" if c.get("phone")
                          else f"Phone the council's children's services (see the council's website: "
                               f"{c['website']})"))
                    for d, c in ((d, sp["councils"][d]) for d in _districts(view, info)))),
    ]
    for d in _districts(view, info):
        blocks.append(Link(f"{sp['councils'][d]['name']} website", sp["councils"][d]["website"]))
    blocks += [Heading("If you want to stay anonymous, or want advice")]
    for key in ("crimestoppers", "nspcc", "childline"):
        s = sp[key]
        blocks += [Heading(s["name"], 3), Paragraph(f"{s['description']} Phone {s['phone']}."),
                   Link(f"Call {s['name']} on {s['phone']}", _tel(s["phone"])),
                   Link(f"{s['name']} website", s["website"])]
    blocks += [Heading("Support for victims and survivors"),
               Paragraph("If you were abused as a child, or someone close to you was, support is available now or "
                         "at any time later, whether or not it was reported to the police.")]
    for s in sp["support"]:
        blocks += [Heading(s["name"], 3),
                   Paragraph(s["description"] + (f" Phone {s['phone']}." if s.get("phone") else ""))]
        if s.get("phone"):
            blocks.append(Link(f"Call {s['name']} on {s['phone']}", _tel(s["phone"])))
        blocks.append(Link(f"{s['name']} website", s["website"]))
    blocks.append(Paragraph("The office that publishes these figures cannot take reports of crime or concerns "
                            "about a child: please use the numbers above.", small=True))
    return Page(CONCERN_SLUG, "Report a concern about a child", tuple(blocks),
                "How to report a concern about a child, and where victims and survivors can get support.")


# --------------------------------------------------------------------------------------------------
# Definitions, methodology, release calendar, licence, contact, accessibility
# --------------------------------------------------------------------------------------------------

_KIND_WORDS = {"flow": "Counted over the month: a quarter or a year adds its months up.",
               "stock": "A count on the last day of the month: a quarter or a year shows its last month.",
               "percentage": "A percentage: worked out from the totals, never by adding percentages up."}


def definitions_page(view: SnapshotView) -> Page:
    """What each published figure counts (the percentage too), then the words those definitions use."""
    info = info_of(view)
    defs = info["definitions"]
    published = view.table("measure")
    figures = view.table("figure")
    shown = set(figures["measure"]) if not figures.empty and "measure" in figures else None
    if not published.empty and "id" in published:
        rows = [(r["id"], r["name"], r.get("short_name") or r["name"], r["unit"], r["kind"])
                for r in published.to_dict("records") if shown is None or r["id"] in shown]
    else:
        rows = [(m.id, m.name, m.short_name or m.name, m.unit, m.kind) for m in catalogue().of_source("force_return")]
    blocks: list = [Paragraph("What each published figure counts, and what it does not. The figures are management "
                              "information from the force's monthly return: see Methodology and quality."),
                    Link("Methodology and quality", "methodology")]
    for mid, name, short, unit, kind in rows:
        d = defs.get(mid)
        if d is None:
            continue
        items = [("What is counted", d["counts"])]
        if d.get("includes"):
            items.append(("Included", d["includes"]))
        if d.get("excludes"):
            items.append(("Not included", d["excludes"]))
        items += [("Unit", unit), ("Over time", _KIND_WORDS.get(kind, ""))]
        if spelled_out(short) != short:  # the name the force's reports and the Board's questions may use
            items.append(("Short name", short))
        # named in words, as the other pages name it (the abbreviations are in "Words used on these pages")
        blocks += [Heading(spelled_out(short)),
                   Table(f"{spelled_out(name)}: definition", ("About the figure", "Definition"),
                         tuple((Cell(k), Cell(v)) for k, v in items if v))]
    blocks += [Heading("Words used on these pages"),
               Table("Words used on these pages", ("Word", "What it means"),
                     tuple((Cell(t["term"]), Cell(t["meaning"])) for t in info["terms"]), caption_hidden=True)]
    return Page("definitions", "Definitions", tuple(blocks),
                "What each published figure counts, and what the words used on these pages mean.")


def _audit_sentence(view: SnapshotView) -> str:
    audit = view.table("disclosure_audit")
    m = view.meta
    if audit.empty or m.get("audit_cells") in (None, "") or str(m.get("audit_passed", "")).lower() not in (
            "true", "1", "yes"):
        return ""
    try:
        cells = int(float(m["audit_cells"]))
        width = float(m.get("audit_min_width") or 0)
    except (TypeError, ValueError):
        return ""
    if cells == 0:
        return "No figure is hidden in this publication."
    def words(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"

    # in words a reader with no statistics follows: what the published figures tell of a hidden one, at most
    it = "it" if cells == 1 else "each"
    bound = f"lies somewhere between two numbers at least {words(width)} apart"
    if width >= 1:  # a count between two numbers 1 apart or more can be either: never only one number
        found = ("The one hidden figure cannot" if cells == 1 else f"None of the {cells:,} hidden figures can") + (
            f" be worked out exactly: the published figures only show that {it} {bound}.")
    else:
        found = f"The published figures show that {it} {bound}."
    sentence = ("Before publication, a check separate from the one that hides figures tried to work out every hidden "
                f"figure from everything published, including earlier publications. {found}")
    try:
        needed = float(m.get("audit_protection") or "")
    except ValueError:
        return sentence
    if needed == 1:  # closer than 1 apart, a count can be only one number
        return sentence + " The figures are not published if any hidden figure could be worked out exactly."
    return sentence + (f" The figures are not published if any hidden figure could be narrowed down to between two "
                       f"numbers less than {words(needed)} apart.")


def methodology_page(view: SnapshotView) -> Page:
    """Where the figures come from, their quality, revisions, disclosure control (with the audit's result) and
    SPC in one paragraph."""
    info = info_of(view)
    meth = info["methodology"]
    # what the page is for, before its first heading, as every other information page opens
    blocks: list = [Paragraph("How the figures on these pages are made: where they come from, how they are checked "
                              "and corrected, how small numbers are hidden so that no child can be identified, and "
                              "how to tell a real change from an ordinary rise or fall."),
                    Heading("Where the figures come from")]
    blocks += [Paragraph(t) for t in meth["sources"]]
    # the section every page's banner links to, for what "management information" means
    blocks += [Heading("Quality", anchor=MANAGEMENT_INFORMATION_SECTION)] + [Paragraph(t) for t in meth["quality"]]
    blocks += [Heading("Revisions")] + [Paragraph(t) for t in meth["revisions"]]
    blocks += [Heading("Keeping people from being identified")] + [Paragraph(t) for t in meth["disclosure_control"]]
    marker, threshold = view.meta.get("marker"), view.meta.get("threshold")
    if marker and threshold:
        zeros = zeros_hidden(view.meta)
        blocks.append(Paragraph(f"In this publication, {hidden_count_words(threshold, zeros)} is hidden"
                                + (" (zeros are hidden too, so that a hidden figure may be a zero)" if zeros else "")
                                # the paragraph above says a hidden figure is shown as a marker: here, which
                                + ", and so is any figure from which a hidden count could be worked out; the marker "
                                f"is \u201c{marker}\u201d."))
    blocks += [Paragraph(line) for line in zeros_change_lines(view.meta, marker or "[c]")]
    audit = _audit_sentence(view)
    if audit:
        blocks.append(Paragraph(audit))
    blocks += _breakdown_blocks(view)
    blocks += [Heading("Telling real change from ordinary ups and downs"), Paragraph(meth["spc"])]
    blocks.append(Link("What each figure counts", "definitions"))
    return Page("methodology", "Methodology and quality", tuple(blocks),
                "Where the figures come from, how they are checked and revised, and how people are kept from "
                "being identified.")


def _breakdown_blocks(view: SnapshotView | None = None) -> list:
    """Who is counted (ethnicity, sex and the like): what is published of it and what never is, and why, as the
    snapshot was published (`pipelines.publish.pages.declared_dimensions`)."""
    from .pages import declared_dimensions

    declared = declared_dimensions(view)
    if not declared["published"] and not declared["never_published"]:
        return []
    blocks: list = [Heading("Who is counted: breakdowns")]
    blocks.append(Paragraph(
        "Some figures are also given by a characteristic of the people or offences counted, such as the ethnic "
        "group of the suspects. These are published only for the force as a whole and for whole financial years, "
        "never by district or month, because the numbers are small. “Not recorded” and “Not "
        "stated” are always shown as rows of their own, with the share of people or offences whose "
        "characteristic was recorded beside them, so that gaps in the force's recording stay visible. Hidden "
        "figures are hidden together with the force's total for the year where that is needed."))
    for name, reason in declared["never_published"]:
        reason = str(reason)
        blocks.append(Paragraph(f"{name} is never published: {reason[0].lower() + reason[1:]}"))
    return blocks


# {since}: since when, where the publications recorded it (`_status_words`); nothing when they did not
_HELD_DISCLOSURE = ("Approved, and held back{since} so that no one can be identified: published now, with what is "
                    "already public, it would let a hidden figure be worked out. Waiting will not change that: it is "
                    "given a date only if its figures are corrected or the way figures are hidden changes")
_RELEASE_WORDS = {"published": "Published", "approved": "Checked and approved; to be published",
                  "held_flag": "Approved, then held back while some of its figures are checked again",
                  "held_disclosure": _HELD_DISCLOSURE.format(since=""),
                  "expected": "Expected", "late": "Not yet published: later than planned",
                  "withdrawn": "Withdrawn; to be published again once checked and approved"}
# A release to come with no date: "Not yet set", unless no date is coming. A month the disclosure check holds back is
# not waiting for one: as its figures stand no later publication will publish it (`approval.HeldBack.words`), so
# "Not yet set" would promise, for as long as it stands, a date that waiting never brings. Said alike of every such
# month: nothing of what it holds back is told
_NO_DATE = {"held_disclosure": "None: it cannot be published as its figures stand"}


def _status_words(status: str, held_since) -> str:
    """A release's status in words; a month the disclosure check holds back says since when, from the day the first
    publication to leave it out recorded (`calendar.release_calendar`), and no more when none is recorded."""
    since = _date(held_since) if status == "held_disclosure" else ""
    if since:
        return _HELD_DISCLOSURE.format(since=f" since {since}, when a publication first left it out,")
    return _RELEASE_WORDS.get(status, str(status).capitalize())


def release_of(view: SnapshotView):
    """The release calendar the public reads: the one a withdrawal's pointer carries (made when the publication was
    withdrawn), else the one the snapshot was published with."""
    import pandas as pd

    carried = view.pointer.get("release")
    if isinstance(carried, list):
        rows = [r for r in carried if isinstance(r, dict) and r.get("month") and r.get("status")]
        return pd.DataFrame([{"month": str(r["month"]), "expected_on": r.get("expected_on") or None,
                              "status": str(r["status"]), "held_since": r.get("held_since") or None} for r in rows],
                            columns=["month", "expected_on", "status", "held_since"])
    return view.table("release")


RECENT_MONTHS = 12  # the months published listed as they are; those before them folded by financial year
_PUBLISHED_COLUMNS = ("Month", "First published", "Last revised")
_REVISIONS_NOTE = ("A revised month's earlier figures are listed, with the date and the reason of each change, under "
                   "Revisions on the Tables and downloads page, with any publication withdrawn.")


def _published_rows(records: list[dict]) -> tuple:
    from ..public import month_text

    return tuple((Cell(month_text(str(r["period"]))), Cell(_date(r.get("first_published_at"))),
                  Cell(_date(r.get("last_revised_at")) or "Not revised")) for r in records)


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first} to {last}"


def _in_months(days) -> str:
    """The months some days fall in: "in May 2026", "from May 2026 to March 2027"; "" for no day."""
    months = sorted({(d.year, d.month) for d in days if d is not None})
    if not months:
        return ""
    first, last = (month_words(dt.date(y, m, 1)) for y, m in (months[0], months[-1]))
    return f"in {first}" if first == last else f"from {first} to {last}"


def _months_published(periods) -> list:
    """The months published, newest first: every one in one table while there are RECENT_MONTHS or fewer; beyond
    that the latest RECENT_MONTHS, then each earlier financial year's months folded under one line saying how many,
    which, and when they were first published ("Financial year 2014/15: 12 earlier months, April 2014 to March 2015,
    first published in April 2026"), as the Questions and decisions page folds its earlier meetings."""
    from ..public import month_text
    from .pages import financial_year_of

    records = periods.sort_values("period", ascending=False).to_dict("records")
    # the revisions are on another page: named, and linked, so that "Last revised" leads to what changed and why
    revisions = Link("Revisions and publications withdrawn, on the Tables and downloads page",
                     f"tables#{REVISIONS_SECTION}")
    if len(records) <= RECENT_MONTHS:
        return [Table("Months published", _PUBLISHED_COLUMNS, _published_rows(records), note=_REVISIONS_NOTE,
                      caption_hidden=True), revisions]
    recent, earlier = records[:RECENT_MONTHS], records[RECENT_MONTHS:]
    out: list = [Paragraph(f"{len(records)} months have been published. The latest {RECENT_MONTHS} are listed "
                           f"first; the {len(earlier)} before them are folded by financial year (April to March) under "
                           "them, each year saying how many months it holds and when they were first published."),
                 Table(f"The latest {RECENT_MONTHS} months published", _PUBLISHED_COLUMNS, _published_rows(recent),
                       note=_REVISIONS_NOTE)]
    years: dict[str, list[dict]] = {}
    for r in earlier:
        years.setdefault(financial_year_of("month", str(r["period"])), []).append(r)
    for year, in_year in years.items():
        months = _span(month_text(str(in_year[-1]["period"])), month_text(str(in_year[0]["period"])))
        published = _in_months(uk_day(r.get("first_published_at")) for r in in_year)
        when = f", first published {published}" if published else ""
        revised = sum(bool(_date(r.get("last_revised_at"))) for r in in_year)
        since = f", {revised} of them revised since" if revised else ""
        named = f"Financial year {year}" if year else "Earlier"
        # the line says what is folded under it: a screen reader hears it before choosing to open it
        out.append(Details(f"{named}: {counted(len(in_year), 'earlier month')}, {months}{when}{since}",
                           (Table(f"Months published in {'financial year ' + year if year else 'earlier years'}",
                                  _PUBLISHED_COLUMNS, _published_rows(in_year), caption_hidden=True),)))
    return [*out, revisions]


NEXT_RELEASES = 6  # the releases to come listed as they are; those after them folded by financial year
_TO_COME_COLUMNS = ("Month", "Planned publication", "Status")


def _releases_to_come(upcoming, today: dt.date) -> list:
    """The months still to be published, oldest first: every one in one table while there are NEXT_RELEASES or
    fewer; beyond that the next NEXT_RELEASES, then each later financial year's months folded under one line saying
    how many, which, and when they are planned to be published ("Financial year 2027/28: 3 later months, April 2027
    to June 2027, planned for publication from May 2027 to July 2027"), as the months published are folded."""
    from ..public import month_text
    from .pages import financial_year_of

    records = []
    for r in upcoming.sort_values("month").to_dict("records"):
        status = r["status"]
        # the calendar is the one made when the snapshot was published: a month expected then whose planned
        # day has passed since, and that no later publication has brought, is late now, not still "Expected"
        planned = uk_day(r.get("expected_on"))
        if status == "expected" and planned is not None and planned < today:
            status = "late"
        when = _date(r.get("expected_on")) or _NO_DATE.get(status, "Not yet set")
        records.append({"month": str(r["month"]), "planned": planned, "status": status,
                        "row": (Cell(month_text(str(r["month"]))), Cell(when),
                                Cell(_status_words(status, r.get("held_since"))))})
    if len(records) <= NEXT_RELEASES:
        return [Table("Releases to come", _TO_COME_COLUMNS, tuple(r["row"] for r in records),
                      caption_hidden=True)]
    later = records[NEXT_RELEASES:]
    out: list = [Paragraph(f"{len(records)} months are still to be published. The next {NEXT_RELEASES} are listed "
                           f"first; the {len(later)} after them are folded by financial year (April to March) under "
                           "them, each year saying how many months it holds and when they are planned to be "
                           "published."),
                 Table(f"The next {NEXT_RELEASES} months to be published", _TO_COME_COLUMNS,
                       tuple(r["row"] for r in records[:NEXT_RELEASES]))]
    years: dict[str, list[dict]] = {}
    for r in later:
        years.setdefault(financial_year_of("month", r["month"]), []).append(r)
    for year, in_year in years.items():
        months = _span(month_text(in_year[0]["month"]), month_text(in_year[-1]["month"]))
        planned = _in_months(r["planned"] for r in in_year)
        when = f", planned for publication {planned}" if planned else ""
        late, undated = sum(r["status"] == "late" for r in in_year), sum(r["planned"] is None for r in in_year)
        also = (f", {late} of them later than planned" if late else "") + (
            f", {undated} of them with no date set" if undated else "")
        named = f"Financial year {year}" if year else "Later"
        # the line says what is folded under it: a screen reader hears it before choosing to open it
        out.append(Details(f"{named}: {counted(len(in_year), 'later month')}, {months}{when}{also}",
                           (Table(f"Months to be published in {'financial year ' + year if year else 'later years'}",
                                  _TO_COME_COLUMNS, tuple(r["row"] for r in in_year), caption_hidden=True),)))
    return out


def calendar_page(view: SnapshotView) -> Page:
    """The months published (first publication and latest revision) and the releases still to come."""
    from .pages import current_withdrawal

    withdrawn = current_withdrawal(view)
    blocks: list = [*withdrawn,
                    Paragraph("A month's figures are published after the force's return for the month has arrived, "
                              "been checked and been approved. Dates to come are planned and can move.")]
    release = release_of(view)
    upcoming = release[release["status"] != "published"] if not release.empty and "status" in release else release
    blocks.append(Heading("Releases to come"))
    if upcoming.empty:
        blocks.append(Paragraph("No release is planned at the moment."))
    else:
        today = settings.today()
        blocks += _releases_to_come(upcoming, today)
        # a page written once (the static site, at publication) keeps the statuses of its day: say which day
        blocks.append(Paragraph(f"Each status is as it stood on {_date(today)}."))
    blocks.append(Heading("Months published"))
    periods = view.table("period")
    if periods.empty:
        blocks.append(Paragraph("No month is published at the moment: the publication was withdrawn (see above)."
                                if withdrawn else "No month has been published yet."))
    else:
        blocks += _months_published(periods)
    return Page("release-calendar", "Release calendar", tuple(blocks),
                "The months published, when they were published and revised, and the releases to come.")


def licence_page(view: SnapshotView) -> Page:
    lic = info_of(view)["licence"]
    blocks: list = [Paragraph(f"The figures and text on these pages are published under the {lic['name']}.")]
    blocks += [Paragraph(t) for t in lic["summary"]]
    blocks += [Heading("How to say where the figures came from"), Paragraph(lic["attribution"]),
               Link(f"Read the {lic['name']}", lic["url"])]
    return Page("licence", "Licence", tuple(blocks), f"The figures are free to re-use under the {lic['name']}.")


def _contact_blocks(contact: dict) -> list:
    rows = [("Email", contact["email"]), ("Phone", contact["phone"]), ("Post", ", ".join(contact["address"]))]
    blocks: list = [Table(f"Contact {contact['name']}", ("Way to contact", "Details"),
                          tuple((Cell(k), Cell(v)) for k, v in rows)),
                    Link(f"Email {contact['email']}", f"mailto:{contact['email']}"),
                    Paragraph(contact["response_time"])]
    return blocks


def contact_of(view: SnapshotView) -> dict:
    """The office's contact details as they stand now (`office.contact_now`: an earlier snapshot read again after a
    withdrawal gives the details of whoever holds the role now, as the newest publication gave them); while they are
    the file's examples, naming the office as it stands now (`office.contact`, `office.current`)."""
    return office_words.contact(office_words.contact_now(info_of(view)["contact"], view.pointer),
                                office_words.current(view.meta, view.pointer))


def ask_url(contact: dict) -> str | None:
    """The public app's Ask page ("https://figures.example.org/ask"), when the contact details give the app's
    address (`public_app_url`); None when they do not, or give one that is not a web address."""
    from .pages import ASK_SLUG

    url = str(contact.get("public_app_url") or "").strip()
    if not _APP_URL.fullmatch(url):
        return None
    return f"{url.rstrip('/')}/{ASK_SLUG}"


def contact_page(view: SnapshotView) -> Page:
    contact = contact_of(view)
    blocks: list = [Paragraph(f"To ask about these figures, contact {contact['name']}.")]
    if contact.get("example_values"):
        blocks.append(Notice("These contact details are examples", (
            "The office has not yet set its own contact details, so the details below will not reach anyone.",),
            "warning"))
    blocks += _contact_blocks(contact)
    if contact.get("note"):
        blocks.append(Paragraph(contact["note"]))
    blocks.append(Link("Report a concern about a child", CONCERN_SLUG))
    return Page("contact", "Contact", tuple(blocks), "How to contact the office about these figures.")


def accessibility_page(view: SnapshotView) -> Page:
    """The accessibility statement: compliance status, known issues, dates, contact and enforcement."""
    info = info_of(view)
    acc = info["accessibility"]
    status = acc["compliance_status"]
    blocks: list = [
        Paragraph(f"These pages publish {office_words.possessive(_force_name(view))} child sexual exploitation "
                  f"figures for {office_words.current(view.meta, view.pointer).name}. We want as many people as "
                  "possible to be able to use them."),
        Heading("Compliance status"),
        Paragraph(f"These pages are {status} with the {acc['standard']}"
                  + (", because of the issues listed below." if status != "fully compliant" else ".")),
        Heading("Known issues"),
    ]
    blocks.append(Bullets(tuple(acc["known_issues"])) if acc.get("known_issues")
                  else Paragraph("We know of no accessibility issue."))
    blocks += [Heading("Using the pages without JavaScript"), Paragraph(acc["without_javascript"]),
               Heading("Other formats"), Paragraph(acc["other_formats"]),
               Heading("Reporting a problem"), Paragraph(acc["how_to_contact"])]
    blocks += _contact_blocks(contact_of(view))
    blocks += [Heading("Enforcement procedure"), Paragraph(acc["enforcement"]),
               Link("Contact the Equality Advisory and Support Service", acc["enforcement_url"]),
               Heading("How we tested these pages"), Paragraph(acc["tested_how"]),
               Heading("Preparation of this statement"),
               Paragraph(f"This statement was prepared on {_date(acc['prepared'])}. It was last reviewed on "
                         f"{_date(acc['reviewed'])}. The pages were last tested on {_date(acc['last_tested'])}.")]
    return Page("accessibility", "Accessibility statement", tuple(blocks),
                "How accessible these pages are, the known issues, and how to report a problem.")


# Each information page's function by its slug, in the order the navigation lists them.
PAGES = {"definitions": definitions_page, "methodology": methodology_page, "release-calendar": calendar_page,
         "licence": licence_page, "contact": contact_page, "accessibility": accessibility_page,
         CONCERN_SLUG: support_page}


def pages(view: SnapshotView) -> list[Page]:
    """Every information page, in the order the navigation lists them."""
    return [make(view) for make in PAGES.values()]


def page_of(view: SnapshotView, slug: str) -> Page | None:
    """The information page with this slug, built alone (so that one page's problem never stops another), or None."""
    make = PAGES.get(slug)
    return None if make is None else make(view)
