"""What of the accountability loop the public may read: the Commissioner approves a question, an answer, an
assurance decision, a question's withdrawal or a recommendation's status for publication, and the next publication
carries it.

An approval keeps the item's public record as it stood when approved (JSON in loop_release), as an approval
of a month keeps its figures: a later answer or decision is a new item and needs its own approval. A public
record holds what the public may read and nothing more: never who in the office approved or recorded it, never
an e-mail address, and for a question from the public only the text the office accepted in moderation, never
the original or the name and contact given with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from .. import audit, settings
from ..access import require
from ..catalogue import listed
from ..inbox import personal_details
from ..plaintext import clean
from ..public import BOARD_COLUMNS
from ..publish.language import WELSH, language_told
from ..uk_time import MONTHS, uk_day, uk_day_words
from ..warehouse import utc_now
from . import welsh as cy
from .records import (
    DECISIONS,
    EMAIL,
    EVIDENCE_KINDS,
    LIMITS,
    PUBLIC_ASKER,
    LoopError,
    NotFound,
    meeting_name,
    withdrawals,
)

ITEM_KINDS = {"question": "Question", "answer": "Answer", "decision": "Assurance decision",
              "withdrawal": "Question's withdrawal", "recommendation": "Recommendation's status"}
# What public_text replaces in each kind's record: the text the Commissioner may edit for publication. A withdrawal's
# reason was written for the office: it goes out only as approved, in words for the public where they differ.
EDITABLE = {"question": "question", "answer": "answer", "decision": "rationale", "withdrawal": "withdrawn_reason",
            "recommendation": "status_evidence"}
# the kinds whose record quotes a question (its question_ref and its words as published)
QUOTES_A_QUESTION = ("answer", "decision", "withdrawal")

_EMAIL = EMAIL
_WHOLE = re.compile(r"(?<![\w.,£$€/-])(\d+)(?![\w£%]|[.,:/]\d)")
# A number followed by a unit of time is a length of time ("within 12 weeks", "12 months to July", "for 8 months in a
# row"), not a count a figure could be
_DURATION = re.compile(r"[\s-]+(?:day|week|month|year|hour|minute)s?\b", re.IGNORECASE)
# A count written in words, as the force's answers and the office's plain English write small numbers ("one person
# was charged"): each is a whole number as its digits are. "No one", "the one", "one another" are not counts.
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split(), start=1)}
_NOT_A_COUNT_BEFORE = "".join(rf"(?<!\b{w} )" for w in ("no", "any", "some", "the", "this", "that", "every", "each",
                                                       "which"))
_WORDED = re.compile(r"(?<![\w'’-])" + _NOT_A_COUNT_BEFORE + "(" + "|".join(_NUMBER_WORDS) + r")(?![\w'’-])"
                     r"(?! another\b)", re.IGNORECASE)


def _numbers_said(written: str, welsh: bool, durations: bool = False):
    """Each whole number the text says, as (its match, its value): in digits, in English words and, in a Welsh text
    (`welsh`), in Welsh words ("tri", "un ar ddeg", "tri phlentyn ar ddeg"). A number followed by a unit of time (in
    either language, in a Welsh text), or a teen said with one inside it ("tri mis ar ddeg"), is left out unless
    `durations`."""
    patterns = (_WHOLE, _WORDED, cy.welsh().number_run) if welsh else (_WHOLE, _WORDED)
    for pattern in patterns:
        for m in pattern.finditer(written):
            said = m.group(1)
            if said.isdigit():
                if len(said) >= 7:
                    continue
                value = int(said)
            elif pattern is _WORDED:
                value = _NUMBER_WORDS[said.lower()]
            elif (value := cy.number_of(said)) is None:
                continue  # a bigger number in words ("tri deg"): no small count
            if not durations and (_DURATION.match(written, m.end())
                                  or welsh and cy.welsh().duration.match(written, m.end())
                                  # "tri mis ar ddeg": 13 months, a length of time said with its noun inside
                                  or pattern is not _WHOLE and pattern is not _WORDED
                                  and cy.welsh().duration.fullmatch(f" {cy.noun_inside(said)}")):
                continue
            yield m, value


def whole_numbers(text: object, *, durations: bool = False, welsh: bool | None = None) -> list[tuple[int, str]]:
    """The whole numbers a text says, in order, each once: (its value, as written), in digits ("3") or in words
    ("three"; in a Welsh text, "tri" too: `welsh`, told from the text when not given). A number followed by a unit
    of time is a length of time, not a count, and is left out unless `durations`."""
    written = str(text or "")
    found: dict[int, str] = {}
    for m, value in _numbers_said(written, cy.in_welsh(written) if welsh is None else welsh, durations):
        found.setdefault(value, m.group(1))
    return sorted(found.items(), key=lambda kv: written.find(kv[1]))


class CannotRelease(LoopError):
    """An item of the loop that cannot be approved for publication as it stands."""


def _number(value: object, what: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        where = ('"pccdash released" lists the approvals' if what == "release" else
                 "\"pccdash recommendations\" gives each current status's number"
                 if what == "recommendation status" else
                 '"pccdash meetings show N" lists a meeting\'s questions, answers and decisions')
        article = "an" if what[0] in "aeiou" else "a"
        raise NotFound(f'"{value}" is not {article} {what} number; {where}.') from None


def _iso(day: object) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.isoformat()


def _stamp(when: dt.datetime) -> str:
    """A recorded time (UTC, to the microsecond), so that two judgements of one day keep their order."""
    return when.isoformat(timespec="microseconds")


def long_date(iso: object) -> str:
    """"2015-08-20" -> "20 August 2015"; a recorded time (ISO, UTC) -> its day in England; empty for nothing."""
    if iso is None or str(iso) in ("", "nan", "None", "NaT"):
        return ""
    return uk_day_words(uk_day(str(iso).strip()) or dt.date.fromisoformat(str(iso)[:10]))


def _meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> dict:
    title, held_on, kind = con.execute("SELECT title, held_on, kind FROM meeting WHERE meeting_id = ?",
                                       [meeting_id]).fetchall()[0]
    return {"meeting_title": meeting_name(kind, title), "meeting_date": _iso(held_on)}


def _given(con: duckdb.DuckDBPyConnection, meeting_id: int | None) -> dict:
    """The meeting an answer was given at or a decision taken at (both empty for an answer given in writing)."""
    if meeting_id is None:
        return {"given_meeting": "", "given_meeting_date": ""}
    found = _meeting(con, meeting_id)
    return {"given_meeting": found["meeting_title"], "given_meeting_date": found["meeting_date"]}


def given_words(record: Mapping) -> str:
    """"decided at the Public Accountability Board of 18 June 2026", "given at the ..." (an answer); empty for an
    answer given in writing."""
    if not record.get("given_meeting"):
        return ""
    verb = "decided" if record.get("kind") == "decision" else "given"
    return f"{verb} at the {record['given_meeting']} of {long_date(record.get('given_meeting_date'))}"


# where a person finds the number of a question, an answer or a decision
SHOWN_BY_MEETING = ('"pccdash meetings show MEETING" gives the numbers of the questions put at a meeting, '
                    "their answers and decisions.")


def _question(con: duckdb.DuckDBPyConnection, question_id: int) -> dict:
    """The question as the public reads it: a public one only as the office accepted it, edited."""
    rows = con.execute("SELECT meeting_id, source, body, submission_id, office_name FROM board_question "
                       "WHERE question_id = ?", [question_id]).fetchall()
    if not rows:
        raise NotFound(f"The record holds no question {question_id}; " + SHOWN_BY_MEETING)
    meeting_id, source, body, submission_id, office_then = rows[0]
    withdrawn = withdrawals(con).get(question_id)
    if withdrawn is not None:  # taken off the record of what is asked: nothing of it is newly published
        said = withdrawn.sentence
        raise CannotRelease(f"Question {question_id} was withdrawn ({said[:1].lower()}{said[1:]}), so neither it nor "
                            "an answer or decision on it is approved for publication from then on. An approval given "
                            'before it was withdrawn stays in force until withdrawn ("pccdash released" lists them, '
                            '"pccdash unrelease N" withdraws one).')
    if source == "public":
        accepted = con.execute(
            "SELECT edited_body FROM submission_moderation WHERE outcome = 'accepted' AND edited_body IS NOT NULL "
            "AND (question_id = ? OR submission_id = ?) ORDER BY moderation_id DESC LIMIT 1",
            [question_id, submission_id]).fetchall()
        if not accepted:
            raise CannotRelease(f"Question {question_id} came from a member of the public and was not accepted in "
                                "moderation; accept it (with the text to publish) on \"Questions from the public\" "
                                "first.")
        body = accepted[0][0]
    return {"question_ref": str(question_id), **_meeting(con, meeting_id), "question": body,
            "asked_by": PUBLIC_ASKER if source == "public" else _office_asker(office_then)}


def _withdrawal(con: duckdb.DuckDBPyConnection, question_id: int) -> dict:
    """A question's withdrawal as the public reads it: the day and the reason, under the question as the public already
    has it. Only a question something of which is approved for publication (the question, or an answer or decision
    quoting it) has a withdrawal to publish; one never approved stays unpublished, withdrawal and all. The question's
    words are those approved, never newly read from the record."""
    rows = con.execute("SELECT meeting_id FROM board_question WHERE question_id = ?", [question_id]).fetchall()
    if not rows:
        raise NotFound(f"The record holds no question {question_id}; " + SHOWN_BY_MEETING)
    withdrawn = withdrawals(con).get(question_id)
    if withdrawn is None:
        raise CannotRelease(f"Question {question_id} has not been withdrawn, so there is no withdrawal of it to "
                            f'publish ("pccdash meetings withdraw-question {question_id} --reason TEXT" withdraws it).')
    carried = carrying(released(con), question_id)
    if not carried:
        raise CannotRelease(f"Nothing of question {question_id} is approved for publication (neither it nor an answer "
                            "or decision on it), so the public has no question to be told is withdrawn: it stays "
                            "unpublished, and so does its withdrawal.")
    quoted = next((r for r in carried if r.kind == "question"), carried[0]).record
    return {"question_ref": str(question_id), **_meeting(con, rows[0][0]), "question": quoted.get("question", ""),
            "asked_by": quoted.get("asked_by", ""), "withdrawn_on": _iso(withdrawn.on_day),
            "withdrawn_reason": withdrawn.reason}


def _office_asker(office_then: str | None) -> str:
    """Who put a question the office wrote, as the public reads it: the office as force.yaml named it when the
    question was put (as it names it now, for a question recorded before that was kept)."""
    from ..office import cap, configured, office

    return cap(office(office_then).name if office_then else configured().name)


def _holder_then(title_then: str | None) -> str:
    """The title of who held the role when a decision was taken, as force.yaml gave it then (as it gives it now, for
    a decision recorded before that was kept): "Mayor (Police and Crime Commissioner functions)"."""
    from ..office import configured, office

    return office(None, title_then).title if title_then else configured().title


def _answer(con: duckdb.DuckDBPyConnection, answer_id: int) -> dict:
    rows = con.execute("SELECT question_id, state, body, answered_by, answered_on, awaited_by, meeting_id "
                       "FROM question_answer WHERE answer_id = ?", [answer_id]).fetchall()
    if not rows:
        raise NotFound(f"The record holds no answer {answer_id}; " + SHOWN_BY_MEETING)
    question_id, state, body, by, on, awaited, given_at = rows[0]
    if state != "answered":
        raise CannotRelease(f"Answer {answer_id} records only that an answer is awaited (by {long_date(awaited)}); "
                            "approve the force's answer once it is recorded.")
    return {**_question(con, question_id), "answer": body, "answered_by": by, "answered_on": _iso(on),
            **_given(con, given_at)}


def _decision(con: duckdb.DuckDBPyConnection, decision_id: int) -> dict:
    rows = con.execute("SELECT meeting_id, question_id, theme, decision, rationale, evidence, decided_at, "
                       "holder_title, follow_up FROM assurance_decision WHERE decision_id = ?",
                       [decision_id]).fetchall()
    if not rows:
        raise NotFound(f"The record holds no assurance decision {decision_id}; " + SHOWN_BY_MEETING)
    meeting_id, question_id, theme, decision, rationale, evidence, decided_at, title_then, follow_up = rows[0]
    about = _question(con, question_id) if question_id is not None else {**_meeting(con, meeting_id), "theme": theme}
    considered = [{"kind": EVIDENCE_KINDS.get(e.get("kind"), "Other evidence"), "text": e.get("text", "")}
                  for e in json.loads(evidence or "[]")]
    return {**about, "decision": DECISIONS[decision], "decided_by": _holder_then(title_then), "rationale": rationale,
            "evidence": considered, "decided_on": _stamp(decided_at), **_given(con, meeting_id),
            # the day the decision is to be looked at again, which the public is told
            **({"follow_up": _iso(follow_up)} if follow_up is not None else {})}


def _recommendation(con: duckdb.DuckDBPyConnection, status_id: int) -> dict:
    from .register import FILE, STATUSES, RegisterError, load_register  # read only when a status is published

    rows = con.execute("SELECT recommendation, status, evidence, judged_at FROM recommendation_status "
                       "WHERE status_id = ?", [status_id]).fetchall()
    if not rows:
        raise NotFound(f'The record holds no recommendation status {status_id}; "pccdash recommendations" gives the '
                       "number of each recommendation's current status (a status is recorded on the Recommendations "
                       "page).")
    rec_id, status, evidence, judged_at = rows[0]
    try:
        rec = load_register().get(rec_id)
    except RegisterError:  # taken out of the file: its report, number and title are there, and nowhere else
        raise CannotRelease(f"Status {status_id} is of recommendation {rec_id}, which {FILE} no longer holds, so "
                            "the report, number and title to publish it with are not known. Put the recommendation "
                            f'back under `recommendations:` with the same id ("pccdash check" names it), then '
                            "approve the status again.") from None
    return {"recommendation_ref": rec.id, "source": rec.source.title, "number": rec.number or "",
            "recommendation": rec.title, "status": STATUSES.get(status, status), "judged_on": _stamp(judged_at),
            "status_evidence": evidence}


_BUILDERS = {"question": _question, "answer": _answer, "decision": _decision, "withdrawal": _withdrawal,
             "recommendation": _recommendation}


def public_record(con: duckdb.DuckDBPyConnection, kind: str, item_id: object) -> dict:
    """The item's public record as it stands now: exactly what the public pages would show of it."""
    if kind not in ITEM_KINDS:
        raise CannotRelease(f'"{kind}" is not something of the loop that can be published; it is one of '
                            f'{", ".join(ITEM_KINDS)}.')
    # a withdrawal is the question's: it goes by the question's number
    number = _number(item_id, {"recommendation": "recommendation status", "withdrawal": "question"}.get(kind, kind))
    return {"kind": kind, **_BUILDERS[kind](con, number)}


def _texts(record: dict) -> list[tuple[str, str]]:
    out = []
    for key, value in record.items():
        if key == "evidence":
            out += [("evidence", str(e.get("text", ""))) for e in value]
        elif isinstance(value, str):
            out.append((key, value))
    return out


# what the office did not write as a count: item numbers and dates, left out of the small-number check
_REFERENCES = {"kind", "question_ref", "recommendation_ref", "number", "meeting_date", "answered_on", "decided_on",
               "judged_on", "given_meeting_date", "decided_by", "follow_up", "withdrawn_on"}


def public_texts(record: dict) -> list[tuple[str, str]]:
    """The texts of a public record the office wrote or approved (its question, answer, rationale, evidence...),
    each with its key: not the item numbers and dates, which are no counts."""
    return [(k, t) for k, t in _texts(record) if k not in _REFERENCES]


# the texts of a record that name the item rather than say anything of the figures: a recommendation's report title
# and its own title (the register's, "Recommendation 3 of the 2024 inspection"), whose numbers are its reference
_NAMING = {"recommendation": ("source", "recommendation")}


# who asked, answered or decided: a person's or a body's name ("The South Yorkshire Mayoral Combined Authority"),
# neither a count nor the area of a figure, read only for what may identify someone (`who_text`)
_WHO = frozenset({"asked_by", "answered_by", "decided_by"})


def counted_texts(record: dict) -> list[tuple[str, str]]:
    """The texts of a public record whose numbers may be counts (`public_texts` less those that name the item,
    `_NAMING`, and who asked, answered or decided, `_WHO`): those the small-number and hidden-figure checks point out
    the numbers of. The rest of the record is still read beside them, where a figure's area, period or measure may be
    named (`record_text`)."""
    naming = _NAMING.get(str(record.get("kind", "")), ())
    return [(k, t) for k, t in public_texts(record) if k not in naming and k not in _WHO]


def small_number_warnings(text: object) -> str | None:
    """A sentence when the text holds a whole number from 1 (0, when zeros are hidden as small counts are: the
    "suppress zero" setting) to the suppression threshold, for the person approving to check that it cannot identify
    a child; None when it holds none."""
    threshold = settings.get_int("suppression_threshold")
    low = 0 if settings.get_flag("suppress_zero") else 1
    found = []
    written = str(text or "")
    for match in _WHOLE.finditer(written):
        n = int(match.group(1)) if len(match.group(1)) < 6 else -1
        if low <= n <= threshold and str(n) not in found:
            found.append(str(n))
    for n, said in whole_numbers(written):  # a small count in words ("one person") as much as in digits
        if not said.isdigit() and low <= n <= threshold and said.lower() not in found:
            found.append(said.lower())
    if not found:
        return None
    return (f"This text mentions {listed(found)}: check it cannot identify a child (counts from {low} to {threshold} "
            "are not published in the figures).")


@dataclass(frozen=True)
class Quoted:
    """A whole number in a text that is the value of a figure the next publication hides."""

    number: int
    figure: str    # the figure in words: "CSE arrests for Doncaster in July 2015"
    tied: bool     # the text names the figure's area, period and measure (or category) beside the number
    written: str = ""  # the number as the text writes it ("Two"), when not in digits

    @property
    def said(self) -> str:
        """The number, and how the text writes it when not in digits: "2 (written “Two”)", for the office to find."""
        return f"{self.number} (written “{self.written}”)" if self.written and not self.written.isdigit() else \
            str(self.number)


def _words_pattern(phrase: str) -> re.Pattern:
    """A phrase as whole words, any case, any run of spaces between them."""
    return re.compile(r"(?<![\w])" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?![\w])", re.IGNORECASE)


def _label_pattern(label: str) -> re.Pattern:
    """A breakdown category's label as whole words, its last word in the singular or the plural ("Pakistani",
    "Pakistanis"; "White British"): a text counts people of a category by either."""
    words = [re.escape(w) for w in label.split()]
    return re.compile(r"(?<![\w])" + r"\s+".join(words) + r"(?:e?s)?(?![\w])", re.IGNORECASE)


def _month_forms(ym: str) -> list[str]:
    name = MONTHS[int(ym[5:7]) - 1]
    return [f"{name} {ym[:4]}", f"{name[:3]} {ym[:4]}", ym]


# the days a public record's texts were said on, by which a month named without a year is read
_SAID_ON = ("meeting_date", "answered_on", "decided_on", "given_meeting_date", "judged_on", "withdrawn_on")


def said_on(record: Mapping) -> tuple[dt.date, ...]:
    """The days a public record's texts were said on: the meeting's a question was put at, the day an answer was
    given or a decision taken (and the meeting's it was given or taken at), the day a question was withdrawn, the day
    a status was judged."""
    days = (uk_day(record.get(k)) if record.get(k) else None for k in _SAID_ON)
    return tuple(sorted({d for d in days if d is not None}))


def _months_called(month: int, day: dt.date) -> set[str]:
    """The months "YYYY-MM" a text said on `day` means by the month's name alone: the last month of that name to begin
    on or before the day, and, when the day falls in that month (not over yet), the one a year before too."""
    year = day.year if month <= day.month else day.year - 1
    named = {f"{year:04d}-{month:02d}"}
    if month == day.month:
        named.add(f"{year - 1:04d}-{month:02d}")
    return named


def _bare_month_named(text: str, ym: str, days: tuple[dt.date, ...] = (), welsh: bool = False) -> bool:
    """Whether the text names the month "YYYY-MM" by its name alone ("charged in April", said at the May Board): the
    month of that name in a year the text names elsewhere; when it names none, the month of that name a reader takes it
    for on the days it was said (`days`: `_months_called`), or any year's when no day is known. Written with a capital,
    as a month is ("may" is not May). In a Welsh text (`welsh`), by its Welsh name too ("ym mis Mawrth";
    `welsh.month_pattern`)."""
    name = MONTHS[int(ym[5:7]) - 1]
    if not (re.search(rf"(?<![\w]){name}(?!\s+\d{{4}})(?![\w])", text)
            or welsh and cy.month_pattern(int(ym[5:7]), None).search(text)):
        return False
    years = set(re.findall(r"(?<![\d/-])(?:19|20)\d{2}(?![\d/-])", text))
    if years:
        return ym[:4] in years
    return not days or any(ym in _months_called(int(ym[5:7]), d) for d in days)


def _period_named(text: str, period: str, period_type: str, days: tuple[dt.date, ...] = (),
                  welsh: bool = False) -> bool:
    """Whether the text names the period as the figures and the pages write it: "July 2015", "Jul 2015" or
    "2015-07"; "Q1 2015/16" or "April to June 2015"; "2015/16" or "2015-16"; "12 months to July 2015"; a month by
    its name alone as read on the days the text was said (`_bare_month_named`). A Welsh text (`welsh`) names them in
    Welsh too: "Mawrth 2015" ("ym mis Mawrth 2015"), "Ch1 2015/16" or "Ebrill i Fehefin 2015", "12 mis hyd at
    Fawrth 2015"."""
    from ..public import ROLLING_PREFIX

    period = str(period)
    if period_type == "month" and _bare_month_named(text, period, days, welsh):
        return True
    if period_type == "month":
        forms = _month_forms(period)
        if welsh and cy.month_pattern(int(period[5:7]), period[:4]).search(text):
            return True
    elif period_type == "rolling_12_months":
        if not (re.search(r"(?i)\b(?:12|twelve)\s+months\b|\byear\s+to\b", text)
                or welsh and cy.twelve_months_named(text)):
            return False
        forms = _month_forms(period[len(ROLLING_PREFIX):])
        month = period[len(ROLLING_PREFIX):]
        if welsh and re.fullmatch(r"\d{4}-\d{2}", month) and cy.month_pattern(int(month[5:7]), month[:4]).search(text):
            return True
    elif period_type == "quarter" and (q := re.fullmatch(r"Q([1-4]) (\d{4})/(\d{2})", period)):
        n, start = int(q.group(1)), int(q.group(2))
        first, year = [(4, start), (7, start), (10, start), (1, start + 1)][n - 1]
        forms = [period, f"Q{n} {start}-{q.group(3)}", f"Q{n} of {start}/{q.group(3)}",
                 f"{MONTHS[first - 1]} to {MONTHS[first + 1]} {year}"]
        if welsh and cy.quarter_named(text, n, start, first, year, q.group(3)):
            return True
    elif period_type == "financial_year" and (y := re.fullmatch(r"(\d{4})/(\d{2})", period)):
        start = int(y.group(1))
        forms = [period, f"{start}-{y.group(2)}", f"{start}/{start + 1}", f"{start}-{start + 1}"]
    else:
        forms = [period]
    return any(_words_pattern(f).search(text) for f in forms)


def _area_named(text: str, area: str, whole: str, names: tuple[str, ...], districts: tuple[str, ...],
                aliases: Mapping[str, str] | None = None, welsh: bool = False) -> bool:
    """Whether the text names the area: a district by its name or an alias of it (force.yaml's `aliases`, where a
    district's Welsh name is given: "Sir Benfro"); the force by its name, as "the force", or by naming no district at
    all (a figure for no district named is the force's). A Welsh text (`welsh`) names a place in each of its
    mutations too ("ym Mhowys") and the force as "yr heddlu"."""
    aliases = aliases or {}

    def named(place: str) -> bool:
        called = (place, *(a for a, d in aliases.items() if d == place))
        if welsh:
            return bool(cy.cached_words_pattern(called).search(text))
        return any(_words_pattern(c).search(text) for c in called)

    if area != whole:
        return named(area)
    force_words = r"force|" + "|".join(re.escape(w) for w in cy.welsh().force) if welsh else r"force"
    return (any(_words_pattern(n).search(text) for n in names if n)
            or bool(re.search(rf"(?i)\b(?:{force_words})\b", text))
            or not any(named(d) for d in districts))


def _measure_named(text: str, short_name: str, welsh: tuple[str, ...] = ()) -> bool:
    """Whether the text names the measure: one of the words of its short name of four letters or more, singular or
    plural ("arrest" or "arrests" for CSE arrests), or as the verb a sentence says it with ("three people were
    arrested", "charged", "referred", "charging"); in a Welsh text, one of its Welsh words (`welsh`, measures.yaml's)
    in any mutation ("arestiadau", "eu harestio")."""
    if welsh and (pattern := cy.cached_words_pattern(tuple(welsh))) and pattern.search(text):
        return True
    words = re.findall(r"[A-Za-z][A-Za-z'-]{3,}", re.sub(r"\(.*?\)", "", short_name))
    forms = []
    for w in words:
        stem = re.escape(w[:-1] if w.lower().endswith("s") else w)
        forms.append(rf"{stem}(?:s|es|d|ed|ing)?")
        if w.lower().endswith("ns"):  # summons: summonses, summonsed
            forms.append(rf"{re.escape(w)}(?:es|ed|ing)")
        if stem.lower().endswith("e"):  # charge: charging
            forms.append(rf"{stem[:-1]}ing")
        if stem.lower().endswith("al"):  # referral: referred, referring
            forms.append(rf"{stem[:-2]}(?:ed|ing)")
    return any(re.search(rf"(?i)(?<![\w]){form}(?![\w])", text) for form in forms)


# Who and what the figures count, however a text says it: a number said of one of these may be any figure's
_COUNTED = frozenset("""person people child kid girl boy man men woman women adult youth youngster teenager teen
    juvenile minor young lad lass pupil student resident national citizen member relative sibling brother sister son
    daughter parent father mother partner friend family household
    offender suspect abuser groomer predator accused defendant perpetrator detainee prisoner victim survivor individual
    male female other case offence offense crime incident investigation referral report allegation arrest charge
    caution outcome notice order warning summons detention time occasion instance episode event""".split())
# words ending in "s" that are not the plural of a thing counted
_NOT_PLURAL = frozenset("this thus plus less across towards afterwards perhaps always sometimes besides unless whereas "
                        "does goes hers ours yours theirs".split())
# words of four letters or more that follow "one" as no thing counted by it: what it did ("one went missing", "one
# remained"), what is said of it ("one still awaits trial", "one more") and words of which it is one ("one other")
_NOT_A_THING = frozenset("went came fled left took gave made said told kept held sent spent found became knew felt "
                         "will would could should might must shall have been being also still only just more most "
                         "never later again even then once ever soon now into onto from with than that them they "
                         "their there where when what which while whom whose".split())
_CLAUSE_END = re.compile(r"[.;:?!,()\n]")
# what a measure counts, named by its own noun: a number said directly of one ("3 charges", "three referrals") is a
# figure of a measure that noun names, no other's, whatever else its sentence names ("7 arrests and 3 charges")
_MEASURE_NOUNS = frozenset("arrest charge referral caution summons investigation notice order".split())


def _inflections(noun: str) -> str:
    """A measure noun and the words it is said in, as a pattern: "arrest", "arrests", "arrested", "arresting";
    "charge", "charged", "charging"; "summons", "summonses", "summonsed"; "referral", "referred"."""
    forms = [rf"{noun}(?:s|es|d|ed|ing)?"]
    if noun.endswith("e"):
        forms.append(rf"{noun[:-1]}ing")
    if noun.endswith("ral"):  # referral: refer, referred, referring
        forms.append(rf"{noun[:-3]}(?:s|red|ring)?")
    return "|".join(forms)


@functools.lru_cache(maxsize=1024)
def _nouns_named(names: str) -> frozenset:
    """The measure nouns (`_MEASURE_NOUNS`) a measure's words name, in any of their forms: "Suspects arrested within
    12 weeks" names "arrest", "Outcome charge or summons" "charge" and "summons", "Charged or summonsed" both."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", names)}
    return frozenset(n for n in _MEASURE_NOUNS if any(re.fullmatch(_inflections(n), w) for w in words))


def _said_with_its_noun(written: str, number: int, nouns: frozenset, welsh: bool) -> bool:
    """Whether the text says `number` directly of one of `nouns` ("3 arrests", "three summonses"; in a Welsh text,
    `welsh`, "tri arestiad", "tri o arestiadau", "tri phlentyn ar ddeg" inside which the noun is said): of what the
    measure those nouns name counts, whatever else its sentence names."""
    for m, value in _numbers_said(written, welsh):
        if value != number:
            continue
        after = re.match(r"\s+([^\W\d_]+)" if welsh else r"\s+([A-Za-z]+)", written[m.end():])
        noun = (cy.noun_inside(m.group(1)) if welsh else "") or (after.group(1) if after else "")
        said_of = _nouns_of(noun, welsh) if noun else set()
        if welsh:
            said_of |= _nouns_of(_said_after_of(written, m.end()), welsh)
        if said_of & nouns:
            return True
    return False


# "o" (of) between a number and a plural, as Welsh often says a count ("tri o gyhuddiadau", three charges)
_WELSH_OF = re.compile(r"\s+o\s+([^\W\d_]+)")


def _said_after_of(written: str, end: int) -> str:
    """The word after "o" that follows a number ending at `end` in a Welsh text ("gyhuddiadau" of "tri o
    gyhuddiadau"); "" when none follows."""
    of = _WELSH_OF.match(written, end)
    return of.group(1) if of else ""


def _nouns_of(word: str, welsh: bool) -> set[str]:
    """The measure nouns (`_MEASURE_NOUNS`) a word said after a number is ("charges": charge); in a Welsh text
    (`welsh`), those a Welsh word is too, in any mutation ("a thri chyhuddiad": charge; welsh.yaml's
    `measure_nouns`)."""
    return _singulars(word) & _MEASURE_NOUNS | (set(cy.measure_nouns_of(word)) if welsh else set())


def _singulars(word: str) -> set[str]:
    w = word.lower()
    out = {w}
    if w.endswith("s"):
        out.add(w[:-1])
    if w.endswith("es"):
        out.add(w[:-2])
    if w.endswith("ies"):
        out.add(w[:-3] + "y")
    return out


def _figure_words(short_name: str, long_name: str, aliases: tuple[str, ...], unit: str, label: str) -> set[str]:
    """The words, singular, a text may count a figure's people or things by: its measure's names and unit, its
    category's label, and who and what any figure counts (`_COUNTED`)."""
    words = set(_COUNTED)
    for name in (short_name, long_name, *aliases, unit, label):
        for w in re.findall(r"[A-Za-z]+", str(name or "")):
            words |= _singulars(w)
    return words


def _counts_something_else(written: str, number: int, counted: set[str], short_name: str, label: str,
                           welsh: tuple[str, ...] | None = None, names: str = "") -> bool:
    """Whether every time the text says `number` it counts something a figure does not: the number is followed by a
    plural that is none of the figure's words (`counted`: "two operations", "three officers" beside arrests), or, for
    one, by such a thing in the singular ("one operation"; not what it did, "one went missing", nor a word describing
    a thing the figure counts, "one local man"), and neither the rest of its clause nor the two words before it name
    the measure or the category ("two operations closed", but not "two abusers were arrested" or "arrests of two
    drivers"). A number said directly of what another measure counts ("3 charges" beside arrests: `_MEASURE_NOUNS`, a
    noun `names`, the figure's measure's names and unit, does not name; in a Welsh text, its Welsh too, "tri
    chyhuddiad", "tri o gyhuddiadau") is that measure's, whatever its clause names.
    A number counted in the figure's words, or followed by anything else ("2 in June", "two new arrests"), may be the
    figure. In a Welsh text (`welsh`: the measure's Welsh words, None for an English text) its Welsh
    numbers are read too, and "un cyfarfod" (one meeting) counts something else as "one operation" does. Welsh says
    any number before a singular noun: on a line in Welsh, "dau swyddog" (two officers) counts something else as "two
    officers" does, and so does a teen with its noun inside ("tri swyddog ar ddeg"); a line too short to be told
    (`language.language_told`: "Dau swyddog.", "2 swyddog.") is read in Welsh unless its number is an English word."""
    said = False
    not_a_thing = _NOT_A_THING | cy.welsh().not_a_thing if welsh is not None else _NOT_A_THING
    for m, value in _numbers_said(written, welsh is not None):
        if value != number:
            continue
        said = True
        line = written[written.rfind("\n", 0, m.start()) + 1:]
        # a Welsh sentence says a number before a singular noun ("dau swyddog", two officers): read as English reads
        # a plural after one, where the line is Welsh. A line too short to be told ("Dau swyddog.") is in the language
        # of its number's words or, said in digits, in Welsh, as the text is read in Welsh (a question sent in Welsh
        # above the answer)
        told = language_told(line.split("\n", 1)[0])
        welsh_line = welsh is not None and (told == WELSH or told is None and m.re is not _WORDED)
        # the noun counted, and where the rest of its clause begins: "tri swyddog ar ddeg" has its noun inside the
        # number, its clause straight after it
        noun = cy.noun_inside(m.group(1)) if welsh is not None else ""
        noun_end = m.end()
        if not noun:
            after = re.match(r"\s+([^\W\d_][\w'’-]*)" if welsh_line else r"\s+([A-Za-z][A-Za-z'’-]*)",
                             written[m.end():])
            if after:
                noun, noun_end = after.group(1), m.end() + after.end()
        nouns = _nouns_of(noun, welsh is not None)
        if welsh is not None:
            nouns |= _nouns_of(_said_after_of(written, m.end()), True)  # "tri o gyhuddiadau", three charges
        if nouns and not nouns & _nouns_named(names):
            continue  # "3 charges", "tri chyhuddiad": a count of charges, not of the arrests named beside it
        plural = (len(noun) >= 4 and noun.lower().endswith("s") and not noun.lower().endswith(("ss", "us", "is"))
                  and noun.lower() not in _NOT_PLURAL and "'" not in noun and "’" not in noun)
        if (number == 1 or welsh_line) and not plural:  # "one operation": a thing, not what it did or is
            following = re.match(r"\s+([^\W\d_]+)", written[noun_end:])
            plural = (len(noun) >= 4 and noun.isalpha() and noun.lower() not in not_a_thing
                      and not noun.lower().endswith(("s", "ed", "ing", "ly"))
                      # a word describing the thing counted ("one local man") is no thing itself
                      and not (following and _singulars(following.group(1)) & counted))
        if not plural or _singulars(noun) & counted:
            return False
        rest = written[noun_end:]
        clause = rest[:end.start()] if (end := _CLAUSE_END.search(rest)) else rest
        before = _CLAUSE_END.split(written[:m.start()])[-1].split()[-2:]
        for near in (clause, " ".join(before)):
            if _measure_named(near, short_name, welsh or ()) or (label and _label_pattern(label).search(near)):
                return False
    return said


def _when(period: str, period_type: str) -> str:
    from ..public import ROLLING_PREFIX, month_text

    period = str(period)
    if period_type == "month":
        return f"in {month_text(period)}"
    if period_type == "rolling_12_months":
        return f"in the 12 months to {month_text(period[len(ROLLING_PREFIX):])}"
    if period_type == "financial_year":
        return f"in the financial year {period}"
    return f"in {period}"


def quoted_hidden_figures(text: object, hidden: pd.DataFrame, context: str | None = None,
                          days: tuple[dt.date, ...] = ()) -> list[Quoted]:
    """The whole numbers in a text that are the value of a count the publication hides (`hidden`: measure, area,
    period, period_type, value, and for a breakdown's category its dimension, category and label), each with the
    figure in words and whether the text ties the number to it.

    A number is tied to a hidden figure when the text names the figure's area (or, for the force, names no district),
    its period, and its measure (a word of its short name; for a breakdown's category, the category's label): then the
    text publishes the hidden figure, and publishing is refused (`snapshot.preview_publication`). A number that is
    merely equal to a hidden value ("3 meetings", a figure of another month) is said as a warning naming the figure,
    for the person approving to judge: refusing every number that happens to equal one of the many small counts hidden
    would refuse ordinary sentences. `context`: the whole text the public reads with it (an answer beside its
    question), where the area, period and measure may be named; the text itself when not given. `days`: the days the
    text was said on (`said_on`), by which a month named without a year is read: "in July" said at the Board of August
    2026 is July 2026, not July 2014; any year's July when no day is given. A number the text says only of something
    a figure does not count ("two operations closed", `_counts_something_else`) is not tied to it.

    A text in Welsh, or beside one (a question sent in Welsh: `welsh.in_welsh`), is read in Welsh as well: its
    numbers ("tri", "un ar ddeg"), months ("ym mis Mawrth 2015"), places in their mutations, "yr heddlu", and each
    measure's Welsh words (measures.yaml's `welsh`: "arestiadau", "eu harestio")."""
    from ..catalogue import catalogue, force

    written = str(text or "")
    said = written if context is None else f"{text}\n{context}"
    welsh = cy.in_welsh(said)
    as_written = dict(whole_numbers(written, welsh=welsh))
    numbers = list(as_written)
    if not numbers or hidden is None or hidden.empty:
        return []
    cat, f = catalogue(), force()
    known = {m.id: m for m in cat.measures}
    whole, districts = f.force_short_name, tuple(f.districts)
    names = (f.force_short_name, f.force_name)
    found: dict[tuple, Quoted] = {}
    other: dict[tuple, bool] = {}

    def _other_thing(number: int, measure, label: str) -> bool:
        key = (number, measure.id, label)
        if key not in other:
            counted = _figure_words(measure.short_name, measure.name, tuple(measure.aliases), measure.unit, label)
            if welsh:
                counted |= cy.welsh().counted | {f.lower() for w in measure.welsh for f in cy.mutations(w)}
            other[key] = _counts_something_else(
                written, number, counted, measure.short_name, label, measure.welsh if welsh else None,
                " ".join((measure.short_name, measure.name, *measure.aliases, measure.unit or "", label)))
        return other[key]

    rows = hidden[hidden["value"].isin(numbers)]
    for r in rows.itertuples():
        measure = known.get(r.measure)
        if measure is None:
            continue
        label = str(r.label or "") if isinstance(r.label, str) else ""
        what = f"{measure.short_name}, {label}," if label else measure.short_name
        figure = f"{what} for {r.area} {_when(r.period, r.period_type)}"
        tied = (_area_named(said, r.area, whole, names, districts, f.district_aliases, welsh)
                and _period_named(said, r.period, r.period_type, days, welsh)
                and (bool(_label_pattern(label).search(said)) if label else
                     _measure_named(said, measure.short_name, measure.welsh if welsh else ())
                     or _said_with_its_noun(written, int(r.value), _nouns_named(
                         " ".join((measure.short_name, *measure.aliases, measure.unit or ""))), welsh))
                and not _other_thing(int(r.value), measure, label))
        key = (int(r.value), figure)
        if key not in found or tied:
            found[key] = Quoted(int(r.value), figure, tied, as_written.get(int(r.value), ""))
    return sorted(found.values(), key=lambda q: (not q.tied, q.number, q.figure))


def hidden_number_warnings(con: duckdb.DuckDBPyConnection, text: object,
                           hidden: pd.DataFrame | None = None, days: tuple[dt.date, ...] = (),
                           unpublished: pd.DataFrame | None = None, context: str | None = None) -> str | None:
    """A sentence when the text holds a whole number that is the value of a count the next publication hides (a
    district's or the force's month, quarter, financial year or 12 months, or a breakdown's category), naming the
    figure; None when it holds none. `hidden`: the hidden counts with their values
    (`snapshot.figures_a_text_may_not_quote`, worked out from `con` when not given). A question drafted from the
    figures quotes them as they are, and a figure hidden to protect a small count elsewhere may be above the
    threshold, where `small_number_warnings` says nothing: published in the text, it would be recovered. One the
    text ties to its figure stops the publication. `days`: the days the text was said on (`quoted_hidden_figures`).

    `unpublished`: the small counts of the months the next publication does not carry (a month loaded and not yet
    approved), hidden whenever their month is published (`snapshot.figures_a_text_may_not_quote`, worked out with
    `hidden` when neither is given). One the text ties to its figure is said too, as publishing is refused over it
    once approved; a number merely equal to one is not (a "1" equals hundreds of them). `context`: the whole record
    the text is read beside (`quoted_hidden_figures`)."""
    if hidden is None:
        if not whole_numbers(text):
            return None
        from ..publish.snapshot import figures_a_text_may_not_quote

        hidden, unpublished = figures_a_text_may_not_quote(con)
    found = quoted_hidden_figures(text, hidden, context, days=days)
    small = [q for q in quoted_hidden_figures(text, unpublished, context, days=days) if q.tied] \
        if unpublished is not None else []
    said = []
    if found:
        listed_ = "; ".join(f"{q.number} ({q.figure})" for q in found[:3]) + ("; and more" if len(found) > 3 else "")
        said.append(
            f"This text quotes a figure the next publication hides so that a small number cannot be worked out: "
            f"{listed_}. Leave it out of the text as published (approve it again with the text to publish), or "
            "publishing is refused while it is approved." if any(q.tied for q in found) else
            f"This text mentions a number equal to a figure the next publication hides so that a small number cannot "
            f"be worked out: {listed_}. If the text means that figure, leave it out of the text as published, or the "
            "hidden figure is published with it.")
    if small:
        listed_ = "; ".join(f"{q.number} ({q.figure})" for q in small[:3]) + ("; and more" if len(small) > 3 else "")
        said.append(f"This text quotes a small count of a month not yet published, hidden whenever its month is "
                    f"published so that it cannot identify a child: {listed_}. Leave it out of the text as published "
                    "(approve it again with the text to publish), or publishing is refused while it is approved.")
    return " ".join(said) or None


def _place_or_month(word: str) -> bool:
    """Whether a word is the force's or a district's name, or a month's: what a figure in brackets follows."""
    from ..catalogue import force

    known = force()
    places = {w for name in (known.force_short_name, *known.districts) for w in str(name).split()}
    return word in places or word in MONTHS


def personal_data_warnings(text: object) -> str | None:
    """A sentence when the text seems to name a person or where one can be found (a street, a school, a postcode, an
    age, a relative, a name, a phone number, an e-mail address: `inbox.personal_details`), quoting what was found,
    for the person accepting or approving it to take out; None when nothing is found."""
    found = [f"{kind} ({', '.join(f'“{h}”' for h in hits[:3])})"
             for kind, hits in personal_details(text, _place_or_month)]
    if not found:
        return None
    return (f"This text may identify someone: it gives {listed(found)}. Take out whatever could identify a person, "
            "a child above all, before it is put or published.")


def text_warnings(con: duckdb.DuckDBPyConnection, text: object, *, quoted_hidden: bool = True,
                  days: tuple[dt.date, ...] = (), context: str | None = None, who: str = "") -> str | None:
    """What to point out in a text before it is approved for publication: what may identify someone, its small
    numbers and (with `quoted_hidden`) the hidden figures it quotes (`personal_data_warnings`,
    `small_number_warnings`, `hidden_number_warnings`, which reads a month named alone by `days`); None when
    nothing. `context`: the whole record the text is published in (`record_text`), read for what may identify
    someone and for a hidden figure's area, period and measure, when the text is only its texts whose numbers may be
    counts (`counted_text`). `who`: who asked, answered or decided (`who_text`), read only for what may identify
    someone."""
    personal = "\n".join(t for t in (str(text if context is None else context), who) if t)
    return " ".join(w for w in (personal_data_warnings(personal),
                                small_number_warnings(text),
                                hidden_number_warnings(con, text, days=days, context=context) if quoted_hidden
                                else None) if w) or None


@dataclass(frozen=True)
class ReleaseForm:
    """What an approve form shows before the Commissioner approves an item."""

    kind: str
    item_id: str
    record: dict               # the public record as it would be published now
    editable: str              # the text public_text would replace (the answer, rationale, question or evidence)
    editable_label: str        # what that text is, in words
    warning: str | None        # small_number_warnings and hidden_number_warnings over the record's texts
    current: int | None        # the approval in force for this item, which approving again replaces


def record_text(record: dict) -> str:
    """The texts of an item's public record, one to a line, as the approval's warnings read them: where a figure's
    area, period or measure may be named. Who asked, answered or decided is left out (`who_text`): the office that
    put a question names the force ("The South Yorkshire Mayoral Combined Authority") without the answer's numbers
    being the force's."""
    return "\n".join(t for k, t in public_texts(record) if k not in _WHO)


def who_text(record: dict) -> str:
    """Who asked, answered or decided, as the public record names them, one to a line: read beside `record_text` only
    for what may identify someone (`text_warnings`)."""
    return "\n".join(t for k, t in public_texts(record) if k in _WHO)


def counted_text(record: dict) -> str:
    """The texts of an item's public record whose numbers may be counts (`counted_texts`), one to a line: those whose
    numbers the approval's warnings point out, read beside the whole record (`record_text`)."""
    return "\n".join(t for _, t in counted_texts(record))


def release_form_defaults(con: duckdb.DuckDBPyConnection, kind: str, item_id: object, *,
                          quoted_hidden: bool = True) -> ReleaseForm:
    """What to show before approving: the public record, the editable text and any small-number warning.
    Raises a sentence (CannotRelease, NotFound) when the item cannot be published. Without `quoted_hidden` the
    warning leaves out the hidden figures the texts quote: a page showing many items works those out once
    (`snapshot.figures_a_text_may_not_quote`, the next publication's own work) and asks `hidden_number_warnings`
    itself."""
    record = public_record(con, kind, item_id)
    current = _current_release(con, kind, str(_number(item_id, kind)))
    labels = {"question": "The question as published", "answer": "The answer as published",
              "decision": "The rationale as published", "withdrawal": "Why it was withdrawn, as published",
              "recommendation": "The evidence as published"}
    return ReleaseForm(kind, str(_number(item_id, kind)), record, record.get(EDITABLE[kind]) or "", labels[kind],
                       text_warnings(con, counted_text(record), quoted_hidden=quoted_hidden, days=said_on(record),
                                     context=record_text(record), who=who_text(record)),
                       current)


def _current_release(con: duckdb.DuckDBPyConnection, kind: str, item_id: str) -> int | None:
    rows = con.execute("SELECT release_id FROM loop_release WHERE item_kind = ? AND item_id = ? AND withdrawn_at IS "
                       "NULL ORDER BY release_id DESC", [kind, item_id]).fetchall()
    return rows[0][0] if rows else None


def _item_named(kind: str, number: object, record: Mapping) -> str:
    """The item as "pccdash release" names it: a recommendation's status by its status's number and its
    recommendation's id ("recommendation 1" was status 1 of NA4, read as NA1), a withdrawal as its question's."""
    if kind == "recommendation":
        return f"status {number} of recommendation {record.get('recommendation_ref', '')}".rstrip()
    if kind == "withdrawal":
        return f"the withdrawal of question {number}"
    return f"{kind} {number}"


def release(con: duckdb.DuckDBPyConnection, who: Mapping, kind: str, item_id: object, *,
            public_text: str | None = None) -> int:
    """Approve an item of the loop for the next publication, as its public record stands now (with
    `public_text` in place of its answer, rationale, question or evidence, when given); the release's number.
    An approval in force for the same item is withdrawn and replaced, in the same transaction."""
    identity = require(who, "release")
    record = public_record(con, kind, item_id)
    number = str(_number(item_id, kind))
    if public_text is not None and str(public_text).strip():
        record[EDITABLE[kind]] = clean(public_text, f"{EDITABLE[kind].replace('_', ' ')} as published",
                                       limit=LIMITS["answer"])
    for key, text in _texts(record):
        if _EMAIL.search(text):
            words = key.replace("_", " ")
            fix = (" Give the text to publish without it." if key == EDITABLE[kind] else
                   " Record it again without the address, then approve that.")
            raise CannotRelease(f"The {words} of {kind} {number} holds an e-mail address, and no address is "
                                f"published.{fix}")
    now = utc_now()
    with audit.transaction(con):
        replaced = _current_release(con, kind, number)
        if replaced is not None:
            con.execute("UPDATE loop_release SET withdrawn_by = ?, withdrawn_at = ? WHERE release_id = ?",
                        [identity, now, replaced])
        release_id = con.execute(
            "INSERT INTO loop_release (item_kind, item_id, public_text, approved_by, approved_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING release_id",
            [kind, number, json.dumps(record, ensure_ascii=False), identity, now]).fetchall()[0][0]
        audit.record(con, who, "release", subject=_item_named(kind, number, record),
                     detail=f"release {release_id}" + (f", replacing release {replaced}" if replaced else "")
                            + (", with its text edited for publication" if public_text else ""))
    return release_id


def unrelease(con: duckdb.DuckDBPyConnection, who: Mapping, release_id: object, reason: str) -> None:
    """Withdraw an approval: the next publication no longer carries the item."""
    identity = require(who, "release")
    number = _number(release_id, "release")
    why = clean(reason, "reason for withdrawing the approval", limit=LIMITS["note"])
    rows = con.execute("SELECT item_kind, item_id, withdrawn_at, public_text FROM loop_release WHERE release_id = ?",
                       [number]).fetchall()
    if not rows:
        raise NotFound(f'The record holds no approval {number}; "pccdash released" lists those in force.')
    kind, item, withdrawn, text = rows[0]
    named = _item_named(kind, item, json.loads(text) if text else {})
    if withdrawn is not None:
        raise CannotRelease(f"Approval {number} ({named}) was already withdrawn on {long_date(withdrawn)}.")
    with audit.transaction(con):
        con.execute("UPDATE loop_release SET withdrawn_by = ?, withdrawn_at = ? WHERE release_id = ?",
                    [identity, utc_now(), number])
        audit.record(con, who, "unrelease", subject=named, detail=f"release {number}: {why}")


@dataclass(frozen=True)
class Release:
    release_id: int
    kind: str
    item_id: str
    record: dict
    approved_by: str
    approved_at: dt.datetime

    @property
    def label(self) -> str:
        """"Assurance decision (Assured) on "How many ...", Public Accountability Board, 20 August 2015"."""
        r = self.record
        about = r.get("question") or r.get("theme") or r.get("recommendation") or ""
        about = about if len(about) <= 80 else about[:77] + "..."
        word = r.get("decision") or r.get("status") or ""
        number = str(r.get("number") or "").strip()
        where = (f"{r['meeting_title']}, {long_date(r['meeting_date'])}" if r.get("meeting_title")
                 else f"{r.get('source', '')}, recommendation {number}" if number else str(r.get("source", "")))
        given = given_words({"kind": self.kind, **r})
        return (f"{ITEM_KINDS[self.kind]}{f' ({word})' if word else ''} on \u201c{about}\u201d, {where}"
                + (f"; {given}" if given else ""))


def released(con: duckdb.DuckDBPyConnection) -> list[Release]:
    """The approvals in force (not withdrawn), in the order approved: what the next publication carries.

    The words are as approved; the meetings are as the record holds them now, read in the same query: the meeting
    a question is put at (one moved since keeps its questions; one cancelled passed them to a later one, and no
    question is published under a meeting that will not be held), and the one an answer was given or a decision
    taken at (an answer or decision approved before its record said so gets it too)."""
    rows = con.execute("""
        SELECT r.release_id, r.item_kind, r.item_id, r.public_text, r.approved_by, r.approved_at,
               coalesce(a.answer_id, d.decision_id) IS NOT NULL AS recorded, m.title, m.held_on,
               p.kind, p.title, p.held_on
        FROM loop_release r
        LEFT JOIN question_answer a ON r.item_kind = 'answer' AND a.answer_id = TRY_CAST(r.item_id AS INTEGER)
        LEFT JOIN assurance_decision d
               ON r.item_kind = 'decision' AND d.decision_id = TRY_CAST(r.item_id AS INTEGER)
        LEFT JOIN meeting m ON m.meeting_id = coalesce(a.meeting_id, d.meeting_id)
        LEFT JOIN board_question q ON r.item_kind IN ('question', 'answer', 'decision', 'withdrawal')
               AND q.question_id = CASE WHEN r.item_kind IN ('question', 'withdrawal')
                                        THEN TRY_CAST(r.item_id AS INTEGER)
                                        ELSE coalesce(a.question_id, d.question_id) END
        LEFT JOIN meeting p ON p.meeting_id = coalesce(q.meeting_id, d.meeting_id)
        WHERE r.withdrawn_at IS NULL ORDER BY r.release_id""").fetchall()
    out = []
    for (release_id, kind, item_id, public_text, approved_by, approved_at, recorded, title, held_on, put_kind,
         put_title, put_on) in rows:
        record = json.loads(public_text)
        if kind in ("answer", "decision") and recorded:
            record = {**record, "given_meeting": title or "", "given_meeting_date": _iso(held_on)}
        if put_on is not None and record.get("meeting_title"):
            record = {**record, "meeting_title": meeting_name(put_kind, put_title), "meeting_date": _iso(put_on)}
        out.append(Release(release_id, kind, item_id, record, approved_by, approved_at))
    # a question approved for publication is published in the words approved for it (edited, perhaps, to leave out
    # a figure), and its answers, decisions and withdrawal, which carry the question as it stood when each was
    # approved, with it
    asked = {r.record.get("question_ref"): r.record.get("question") for r in out if r.kind == "question"}
    return [dataclasses.replace(r, record={**r.record, "question": asked[r.record["question_ref"]]})
            if r.kind in QUOTES_A_QUESTION and r.record.get("question_ref") in asked
            and r.record.get("question") != asked[r.record["question_ref"]] else r for r in out]


def quoting(approvals: list[Release], question: Release) -> list[Release]:
    """The approved answers, decisions and withdrawal that carry `question`'s words to the public (each quotes its
    question): withdrawing the question's approval alone leaves them publishing it."""
    if question.kind != "question":
        return []
    return [a for a in approvals if a.kind in QUOTES_A_QUESTION
            and a.record.get("question_ref") == question.record.get("question_ref")]


def withdrawn_questions(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The numbers of the questions withdrawn, as an approval's record names its question (question_ref): neither
    such a question nor an answer or decision on it can be approved again, with its words edited or not."""
    return {str(q) for q in withdrawals(con)}


def carrying(approvals: list[Release], question_id: object) -> list[Release]:
    """The approvals that carry question `question_id` to the public: its own, and the answers, decisions and
    withdrawal that quote it."""
    return [r for r in approvals if r.kind in ("question", *QUOTES_A_QUESTION)
            and r.record.get("question_ref") == str(question_id)]


def board_table(approvals: list[Release]) -> pd.DataFrame:
    """Approvals as the snapshot's board_item table (BOARD_COLUMNS, all text)."""
    rows = []
    for item in approvals:
        row = {c: "" for c in BOARD_COLUMNS}
        for key, value in item.record.items():
            if key in row:
                row[key] = json.dumps(value, ensure_ascii=False) if key == "evidence" else str(value or "")
        rows.append(row)
    return pd.DataFrame(rows, columns=BOARD_COLUMNS, dtype=object)


def board_items(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The approvals in force as the snapshot's board_item table (BOARD_COLUMNS, all text)."""
    return board_table(released(con))
