"""The record of holding the force to account: meetings, the questions put at them, the force's answers, the
Commissioner's assurance decisions and the actions agreed.

Every writer checks the role, keeps the change and its audit event in one transaction, and only ever adds
rows: a new answer, decision or action update is current, and every earlier one stays.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from .. import audit, filestore, settings
from ..access import require
from ..catalogue import catalogue, force
from ..errors import PccDashError
from ..figures import parse_day
from ..inbox import EMAIL  # no address is published (release.py refuses one)
from ..plaintext import clean
from ..uk_time import uk_day
from ..warehouse import utc_now

KINDS = {"pab": "Public Accountability Board", "district": "District quarterly report",
         "themed": "Themed scrutiny session"}
SOURCES = {"drafted": "drafted from the figures", "office": "from the office", "public": "from the public"}
DECISIONS = {"assured": "Assured", "partly_assured": "Partly assured", "not_assured": "Not assured",
             "awaiting_evidence": "Awaiting evidence"}
# decided on, and still to be satisfied: a question with one of these as its latest decision is not settled, and is
# carried to every later meeting until the Commissioner is assured (or partly assured) of it
OPEN_DECISIONS = ("awaiting_evidence", "not_assured")
EVIDENCE_KINDS = {"answer": "The force's answer", "figures": "Figures", "visit": "A visit",
                  "feedback": "Victims' and survivors' feedback", "other": "Other evidence"}
ACTION_STATUSES = {"open": "Open", "in_progress": "In progress", "closed": "Closed"}
PUBLIC_ASKER = "A member of the public"

LIMITS = {"question": 2_000, "answer": 20_000, "rationale": 10_000, "evidence": 5_000, "action": 2_000,
          "owner": 200, "title": 200, "name": 200, "note": 5_000, "theme": 200}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Of an approval of a loop item for publication (a loop_release row, `r`): when the first publication made while it
# stood was made, at or after its approval and before its withdrawal, NULL until one was. A publication withdrawn
# since counts: the public read it. Unlike flags.REVISION_PUBLISHED_SQL (a month's approval, publication_event), which
# counts no withdrawn publication and only once the approval in force carries the figure.
APPROVAL_FIRST_PUBLISHED = """(SELECT min(carried.created_at) FROM snapshot carried
    WHERE carried.created_at >= r.approved_at AND (r.withdrawn_at IS NULL OR carried.created_at < r.withdrawn_at))"""


class LoopError(PccDashError):
    """Something asked of the accountability record that cannot be done as given."""


class NotFound(LoopError):
    """A meeting, question or action the record does not hold."""


def _day(value: object, what: str, *, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise LoopError(f"Give the {what} as a date, YYYY-MM-DD.")
        return None
    return parse_day(value, what, LoopError)


def _long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def meeting_name(kind: str, title: str) -> str:
    """What a meeting is called in a sentence ("asked at the ...", "decided at the ..."): its title, and a themed
    session's as a session on its theme, which its title is ("Themed scrutiny session on Online grooming", not
    "the Online grooming") unless the title says it is a session already."""
    if kind == "themed" and not any(word in title.lower() for word in ("session", "scrutiny", "meeting", "board")):
        return f"{KINDS['themed']} on {title}"
    return title


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    held_on: dt.date
    kind: str
    title: str
    district: str | None
    reporting_month: dt.date | None  # the latest month with accepted figures before it, as they stand (as its pack)
    created_by: str
    created_at: dt.datetime
    cancel: Cancel | None = None  # called off before it was held

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None

    @property
    def label(self) -> str:
        """"Public Accountability Board, 20 August 2015"; "Themed scrutiny session on Online grooming, 5 November
        2026"; "Public Accountability Board, 21 May 2026 (cancelled)"."""
        return self.named + (" (cancelled)" if self.cancel else "")

    @property
    def named(self) -> str:
        """Its name and day, cancelled or not: "Public Accountability Board, 21 May 2026"."""
        return f"{meeting_name(self.kind, self.title)}, {_long_date(self.held_on)}"

    def cancelled_sentence(self, *, reporting_month: bool = False) -> str:
        """A meeting called off, as one sentence: "Meeting 2 (Public Accountability Board, 21 May 2026) was cancelled
        by analyst@example.org: Pre-election period; what was put to it went to meeting 3." With `reporting_month`,
        the month it would have reported on goes in the brackets, after its day."""
        month = (f", reporting month {self.reporting_month:%B %Y}" if reporting_month and self.reporting_month
                 else "")
        went = f"; what was put to it went to meeting {self.cancel.carried_to}" if self.cancel.carried_to else ""
        return (f"Meeting {self.meeting_id} ({self.named}{month}) was cancelled by {self.cancel.cancelled_by}: "
                f"{self.cancel.reason.rstrip().rstrip('.')}{went}.")


@dataclass(frozen=True)
class Cancel:
    reason: str
    carried_to: int | None  # the meeting its questions and the actions due by it went to
    cancelled_by: str
    cancelled_at: dt.datetime

    @property
    def sentence(self) -> str:
        """"Cancelled by pcc@example.org: the pre-election period"."""
        return f"Cancelled by {self.cancelled_by}: {self.reason}"


_MEETING_COLS = "meeting_id, held_on, kind, title, district, reporting_month, created_by, created_at"
# each meeting with its cancellation, if it was called off: the columns of _MEETING_COLS, then Cancel's
_MEETING_ROWS = (f"SELECT {', '.join('m.' + c for c in _MEETING_COLS.split(', '))}, c.reason, c.carried_to, "
                 "c.cancelled_by, c.cancelled_at FROM meeting m LEFT JOIN meeting_cancel c USING (meeting_id)")


def _meeting_on(con: duckdb.DuckDBPyConnection, day: dt.date, kind: str, title: str) -> int | None:
    """The meeting of this kind and title the record holds on `day`, if any: two cannot be on one day (one called off
    leaves its day free)."""
    found = con.execute("SELECT meeting_id FROM meeting WHERE held_on = ? AND kind = ? AND title = ? "
                        "AND meeting_id NOT IN (SELECT meeting_id FROM meeting_cancel)",
                        [day, kind, title]).fetchall()
    return found[0][0] if found else None


def add_meeting(con: duckdb.DuckDBPyConnection, who: Mapping, *, held_on: object, kind: str = "pab",
                title: str | None = None, district: str | None = None) -> Meeting:
    """Record a meeting. Its reporting month is the latest month with accepted figures before it: until the meeting
    is held it follows the figures as they arrive, then it stays (`_with_reporting_months`)."""
    from ..briefing.period import reporting_period
    from ..figures import accepted_months

    identity = require(who, "record")
    day = _day(held_on, "meeting date")
    if kind not in KINDS:
        raise LoopError(f'"{kind}" is not a kind of meeting; it is one of {", ".join(KINDS)} '
                        f'({"; ".join(f"{k}: {v}" for k, v in KINDS.items())}).')
    districts = list(force().districts)
    if kind == "district":
        if district not in districts:
            raise LoopError(f'A district\'s quarterly report names its district, one of {", ".join(districts)}; '
                            f'"{district or ""}" is not one.')
        title = title or f"{district} quarterly report"
    else:
        district = None
    if kind == "themed" and not (title or "").strip():
        raise LoopError('A themed scrutiny session needs its theme as its title, e.g. "Protecting Vulnerable '
                        'People".')
    title = clean(title or KINDS[kind], "meeting's title", limit=LIMITS["title"], one_line=True)
    same = _meeting_on(con, day, kind, title)
    if same:
        raise LoopError(f"The record already holds the {title} of {_long_date(day)} (meeting {same}).")
    month = reporting_period(day, accepted_months(con)).month
    with audit.transaction(con):
        meeting_id = con.execute(
            "INSERT INTO meeting (held_on, kind, title, district, reporting_month, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING meeting_id",
            [day, kind, title, district, month, identity, utc_now()]).fetchall()[0][0]
        audit.record(con, who, "meeting", subject=f"meeting {meeting_id}",
                     detail=f"{title}, {_long_date(day)}")
    return get_meeting(con, meeting_id)


@dataclass(frozen=True)
class Move:
    meeting_id: int
    from_day: dt.date
    to_day: dt.date
    reason: str
    moved_by: str
    moved_at: dt.datetime

    @property
    def sentence(self) -> str:
        """"Moved from 18 June 2026 to 25 June 2026 by pcc@example.org: the hall was not free."."""
        return (f"Moved from {_long_date(self.from_day)} to {_long_date(self.to_day)} by {self.moved_by}: "
                f"{self.reason}")


@dataclass(frozen=True)
class MovedMeeting(Meeting):
    """A meeting as `move_meeting` leaves it, with what became of the answers given at it on the day it was on."""
    from_day: dt.date | None = None
    answers_moved: tuple[int, ...] = ()  # the questions whose answers given at it on that day went with it
    answers_kept: tuple[int, ...] = ()   # ... or kept that day, as papers put to it before a day still to come

    @property
    def answers_sentence(self) -> str:
        """What the move did to the answers given at it on the day it was on, in a sentence, "" when there were
        none: "The answers to questions 3 and 5 given at it on 17 September 2015 are now dated 24 September 2015,
        its new day, as given at it." """
        return _answers_sentence(self.answers_moved, self.answers_kept, self.from_day, self.held_on)


def _answers_sentence(moved: tuple[int, ...], kept: tuple[int, ...], from_day: dt.date, to_day: dt.date) -> str:
    said = []
    if moved:
        said.append(f"{_answers_to(moved)} given at it on {_long_date(from_day)} "
                    f"{'are' if len(moved) > 1 else 'is'} now dated {_long_date(to_day)}, its new day, as given at it.")
    if kept:
        said.append(f"{_answers_to(kept)} given at it on {_long_date(from_day)} {'keep' if len(kept) > 1 else 'keeps'} "
                    "that day, as papers put to it before its new day, which is still to come.")
    return " ".join(said)


def _answers_to(numbers: tuple[int, ...]) -> str:
    """"The answer to question 3", "The answers to questions 3 and 5"."""
    many = len(set(numbers)) > 1
    return f"The answer{'s' if len(numbers) > 1 else ''} to question{'s' if many else ''} {_and(sorted(set(numbers)))}"


def move_meeting(con: duckdb.DuckDBPyConnection, who: Mapping, meeting_id: object, *, to: object,
                 reason: object) -> MovedMeeting:
    """Move a meeting to another day (put back, brought forward, or its date put right), saying why. What was put to
    it goes with it: its questions, the actions due by it, its reporting month (the latest month with accepted
    figures before its new day), and the answers given at it on its day, given there in person, to a day that has
    come (to a day still to come, the meeting was not held on its day: what was given at it then was a paper put to
    it, and keeps its day). The day it was on before is kept (`moves`), and the audit trail says so."""
    from ..briefing.period import reporting_period
    from ..figures import accepted_months

    identity = require(who, "record")
    meeting = open_meeting(con, meeting_id)
    day = _day(to, "meeting's new date")
    why = clean(reason, "reason for moving the meeting", limit=LIMITS["note"], one_line=True)
    if day == meeting.held_on:
        raise LoopError(f"The {meeting.label} is already on that day; give the day it moves to.")
    same = _meeting_on(con, day, meeting.kind, meeting.title)
    if same:
        raise LoopError(f"The record already holds the {meeting.title} of {_long_date(day)} (meeting {same}); "
                        f"two of them cannot be on one day. Give another day.")
    clashes = _move_clashes(con, meeting, day)
    if clashes:
        agreed = actions(con, meeting_id=meeting.meeting_id)
        updated = [c for a in agreed for c in _updates_before(a, day)]
        withdrawn = _withdrawn_before(con, meeting.meeting_id, day)
        answered = _answered_after(con, meeting, day)
        taken = {*_withdrawn_clashes(withdrawn), *_answered_clashes(answered)}  # said as `_move_clashes` says them
        advice = [] if set(clashes) <= set(updated) | taken else [
            "Give another day, or put those right first (move first the meeting an action is due by; record the "
            "answer as awaited by a later day)."]
        # neither what was done on an action nor a withdrawal can be dated again: only an earlier day helps
        why, latest = [], []
        if updated:
            why.append("an action's updates keep the days they were made, after the meeting that agreed it")
            latest.append(min(u.on_day for a in agreed for u in a.updates[1:] if u.on_day < day))
        if withdrawn:
            why.append("what was done at it on a question came by the day the question was withdrawn")
            latest.append(min(on for _, _, on in withdrawn))
        if why:
            said = ", and ".join(why)
            advice.append(f"{said[:1].upper()}{said[1:]}: give a day no later than {_long_date(min(latest))}.")
        if answered:  # nor can an answer given at it be dated again: only a later day helps
            advice.append("An answer given at a meeting is dated on or before its day: give a day no earlier than "
                          f"{_long_date(max(on for _, on in answered))}.")
        raise LoopError(f"The {meeting.label} cannot move to {_long_date(day)}: " + "; ".join(clashes) + ". "
                        + " ".join(advice))
    month = reporting_period(day, accepted_months(con)).month
    on_its_day = _given_on_its_day(con, meeting)
    going = on_its_day if _answers_go(day) else []
    moved_to, kept = tuple(q for _, q in going), () if going else tuple(q for _, q in on_its_day)
    with audit.transaction(con):
        con.execute("UPDATE meeting SET held_on = ?, reporting_month = ? WHERE meeting_id = ?",
                    [day, month, meeting.meeting_id])
        if going:  # dated by the meeting, as its agreements and decisions are
            con.execute("UPDATE question_answer SET answered_on = ? WHERE answer_id IN (SELECT unnest(?))",
                        [day, [a for a, _ in going]])
        con.execute("INSERT INTO meeting_move (meeting_id, from_day, to_day, reason, moved_by, moved_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [meeting.meeting_id, meeting.held_on, day, why, identity, utc_now()])
        said = _answers_sentence(moved_to, kept, meeting.held_on, day)
        audit.record(con, who, "move_meeting", subject=f"meeting {meeting.meeting_id}",
                     detail=f"{meeting.title}, from {_long_date(meeting.held_on)} to {_long_date(day)}: {why}"
                     + (f". {said}" if said else ""))
    now = get_meeting(con, meeting.meeting_id)
    return MovedMeeting(**{f.name: getattr(now, f.name) for f in dataclasses.fields(now)},
                        from_day=meeting.held_on, answers_moved=moved_to, answers_kept=kept)


def _answers_go(day: dt.date) -> bool:
    """The answers given at a meeting on its day go with it to `day` when that day has come: it was held, and they
    were given at it there. A meeting put off to a day still to come was not held on its day, so what was given at it
    that day was a paper put to it, and keeps its day, before the meeting."""
    return day <= settings.today()


def _given_on_its_day(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> list[tuple[int, int]]:
    """The answers given at a meeting dated its day, each as its answer's number and its question's."""
    return con.execute("SELECT answer_id, question_id FROM question_answer WHERE meeting_id = ? AND state = "
                       "'answered' AND answered_on = ? ORDER BY answer_id",
                       [meeting.meeting_id, meeting.held_on]).fetchall()


# Each action with what it is due by now: the last update that moved its due date, else what was agreed; `moved_on`
# is the day of that update (NULL when never moved).
_CURRENT_DUE = """
    SELECT a.action_id, a.meeting_id,
           CASE WHEN u.update_id IS NULL THEN a.due_meeting_id ELSE u.due_meeting_id END AS due_meeting_id,
           CASE WHEN u.update_id IS NULL THEN a.due_on ELSE u.due_on END AS due_on, u.on_day AS moved_on
    FROM board_action a LEFT JOIN (
        SELECT * FROM action_update WHERE due_meeting_id IS NOT NULL OR due_on IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY update_id DESC) = 1) u USING (action_id)"""


def _move_clashes(con: duckdb.DuckDBPyConnection, meeting: Meeting, day: dt.date,
                  questions: set[int] | None = None) -> list[str]:
    """What a meeting moved to `day` would leave dated before the meeting it belongs to, in the words the records'
    own refusals use: an action due by a meeting or a day not after the meeting that agreed it, an answer awaited by
    (or given on) a day before its question was put, an answer, a decision or an action on a question recorded at a
    meeting held before the question was put, an answer given, a decision taken or an action agreed at it on a
    question withdrawn before `day`, an answer given at it dated after `day` (not one on its day that goes with it,
    `_going_with`), a decision followed up on or before the meeting that took it, an action agreed at it moved on,
    handed over, given a new due date or closed before it. `questions`: of the questions put at it, only these go
    with it (None: all)."""
    mid = meeting.meeting_id
    out = []

    def _goes(number: int) -> bool:  # a question put at it that goes with it
        return questions is None or number in questions

    for action_id, due_meeting, due_on in con.execute(
            f"SELECT a.action_id, d.held_on, a.due_on FROM ({_CURRENT_DUE}) a LEFT JOIN meeting d "
            "ON d.meeting_id = a.due_meeting_id WHERE a.meeting_id = ? ORDER BY a.action_id", [mid]).fetchall():
        due = due_meeting or due_on
        if due is not None and due <= day:
            out.append(f"action {action_id} agreed at it is due by {_long_date(due)}, not after its new day")
    for a in actions(con, meeting_id=mid):
        out += _updates_before(a, day)
    for action_id, agreed_on, moved_on in con.execute(
            f"SELECT a.action_id, m.held_on, a.moved_on FROM ({_CURRENT_DUE}) a JOIN meeting m "
            "ON m.meeting_id = a.meeting_id WHERE a.due_meeting_id = ? AND a.meeting_id <> ? ORDER BY a.action_id",
            [mid, mid]).fetchall():
        if agreed_on >= day:
            out.append(f"action {action_id} is due by it and was agreed on {_long_date(agreed_on)}, not before its "
                       "new day")
        elif moved_on is not None and moved_on >= day:
            out.append(f"action {action_id} was made due by it on {_long_date(moved_on)}, not before its new day")
    rows = con.execute(
        "SELECT q.question_id, a.awaited_by, a.answered_on, a.meeting_id, m.held_on, a.answer_id = max(a.answer_id) "
        "OVER (PARTITION BY q.question_id), a.answer_id FROM board_question q JOIN question_answer a "
        "USING (question_id) LEFT JOIN meeting m ON m.meeting_id = a.meeting_id WHERE q.meeting_id = ? "
        "ORDER BY a.answer_id", [mid]).fetchall()
    going = _going_with(con, meeting, day)
    for number, awaited_by, answered_on, at_meeting, at_day, latest, answer_id in rows:
        if not _goes(number) or answer_id in going:
            continue
        if latest and awaited_by is not None and awaited_by < day:
            out.append(f"the answer to question {number} put at it is awaited by {_long_date(awaited_by)}")
        elif answered_on is not None and answered_on < day:
            out.append(f"question {number} put at it was answered on {_long_date(answered_on)}")
        elif at_meeting not in (None, mid) and at_day < day:
            out.append(f"question {number} put at it was answered at the meeting of {_long_date(at_day)}")
    for number, at_day in con.execute(
            "SELECT q.question_id, m.held_on FROM board_question q JOIN assurance_decision d USING (question_id) "
            "JOIN meeting m ON m.meeting_id = d.meeting_id WHERE q.meeting_id = ? AND d.meeting_id <> ? "
            "ORDER BY d.decision_id", [mid, mid]).fetchall():
        if at_day < day and _goes(number):
            out.append(f"a decision on question {number} put at it was taken at the meeting of {_long_date(at_day)}")
    for action_id, number, at_day in con.execute(
            "SELECT a.action_id, q.question_id, m.held_on FROM board_question q "
            "JOIN board_action a USING (question_id) JOIN meeting m ON m.meeting_id = a.meeting_id "
            "WHERE q.meeting_id = ? AND a.meeting_id <> ? "
            "ORDER BY a.action_id", [mid, mid]).fetchall():
        if at_day < day and _goes(number):
            out.append(f"question {number} put at it was given action {action_id} at the meeting of "
                       f"{_long_date(at_day)}")
    for number, asked_on in con.execute(
            "SELECT q.question_id, m.held_on FROM board_question q JOIN meeting m ON m.meeting_id = q.meeting_id "
            "WHERE q.meeting_id <> ? AND (q.question_id IN (SELECT question_id FROM question_answer WHERE "
            "meeting_id = ?) OR q.question_id IN (SELECT question_id FROM assurance_decision WHERE meeting_id = ?) "
            "OR q.question_id IN (SELECT question_id FROM board_action WHERE meeting_id = ?)) "
            "ORDER BY q.question_id", [mid, mid, mid, mid]).fetchall():
        if asked_on > day:
            out.append(f"question {number}, answered, decided on or given an action at it, was put on "
                       f"{_long_date(asked_on)}")
    out += _withdrawn_clashes(_withdrawn_before(con, mid, day))
    out += _answered_clashes(_answered_after(con, meeting, day))
    for decision_id, follow_up in con.execute(
            "SELECT decision_id, follow_up FROM assurance_decision WHERE meeting_id = ? ORDER BY decision_id",
            [mid]).fetchall():
        if follow_up is not None and follow_up <= day:
            out.append(f"decision {decision_id} taken at it is followed up on {_long_date(follow_up)}")
    return list(dict.fromkeys(out))


def _withdrawn_clashes(withdrawn: list[tuple[int, str, dt.date]]) -> list[str]:
    """`_withdrawn_before`'s questions as a move's clashes: "question 3, answered at it, was withdrawn on ..."."""
    return [f"question {number}, {what}, was withdrawn on {_long_date(on)}" for number, what, on in withdrawn]


def _answered_clashes(answered: list[tuple[int, dt.date]]) -> list[str]:
    """`_answered_after`'s answers as a move's clashes: "the answer to question 3 given at it is dated ..."."""
    return [f"the answer to question {number} given at it is dated {_long_date(on)}, after its new day"
            for number, on in answered]


def _answered_after(con: duckdb.DuckDBPyConnection, meeting: Meeting, day: dt.date) -> list[tuple[int, dt.date]]:
    """The answers given at a meeting dated after `day`, each as its question and its day: an answer given at a
    meeting (in person, or a paper put to it) is dated on or before the meeting's day, so the meeting cannot be
    brought forward before it. Those given on its day that go with it (`_going_with`) are not."""
    going = _going_with(con, meeting, day)
    return [(number, on) for answer_id, number, on in con.execute(
        "SELECT answer_id, question_id, answered_on FROM question_answer WHERE meeting_id = ? AND answered_on > ? "
        "ORDER BY answer_id", [meeting.meeting_id, day]).fetchall() if answer_id not in going]


def _going_with(con: duckdb.DuckDBPyConnection, meeting: Meeting, day: dt.date) -> set[int]:
    """The answers (their numbers) given at a meeting on its day that a move to `day` takes with it (`_answers_go`)."""
    return {a for a, _ in _given_on_its_day(con, meeting)} if _answers_go(day) else set()


def _withdrawn_before(con: duckdb.DuckDBPyConnection, meeting_id: int,
                      day: dt.date) -> list[tuple[int, str, dt.date]]:
    """The questions answered, decided on or given an action at a meeting that were withdrawn before `day`, each with
    what was done at it ("answered at it") and the day it was withdrawn: nothing comes of a question after that day,
    so the meeting cannot be moved past it."""
    withdrawn = withdrawals(con)
    return [(number, what, withdrawn[number].on_day) for number, what in con.execute(
            "SELECT question_id, 'answered at it' FROM question_answer WHERE meeting_id = ? UNION "
            "SELECT question_id, 'decided on at it' FROM assurance_decision WHERE meeting_id = ? "
            "AND question_id IS NOT NULL UNION "
            "SELECT question_id, 'given an action at it' FROM board_action WHERE meeting_id = ? "
            "AND question_id IS NOT NULL ORDER BY 1, 2", [meeting_id] * 3).fetchall()
            if number in withdrawn and withdrawn[number].on_day < day]


def _updates_before(a: Action, day: dt.date) -> list[str]:
    """An action agreed at a meeting moved to `day`, as `_move_clashes` says it when its updates (after the
    agreement) were made before that day and so would come before the meeting that agreed it: "action 4 agreed at
    it was handed over on 22 August 2015 (the first of 2 updates before its new day)"."""
    before = [n for n in range(1, len(a.updates)) if a.updates[n].on_day < day]
    if not before:
        return []
    n = before[0]
    u = a.updates[n]
    what = ("reopened" if a.reopens(n) else "closed" if u.status == "closed" else
            "handed over" if u.hands_over else "given a new due date" if u.moves_due else
            f"marked {ACTION_STATUSES[u.status].lower()}")
    more = f" (the first of {len(before)} updates before its new day)" if len(before) > 1 else ""
    return [f"action {a.action_id} agreed at it was {what} on {_long_date(u.on_day)}{more}"]


def cancel_meeting(con: duckdb.DuckDBPyConnection, who: Mapping, meeting_id: object, *, reason: object,
                   carry_to: object = None) -> Meeting:
    """Call off a meeting not held, saying why. The questions put to it and the open actions due by it go to the
    later meeting `carry_to` (each action's move kept in its history, what it was first due by kept); with any of
    them and no meeting to carry them to, nothing is done and the sentence names them. A meeting at which anything
    was recorded (an action agreed, an answer given, a decision taken) was held: it is refused. The meeting's row
    stays, named "(cancelled)" where something still names it; it is offered for nothing more, and no pack or
    "since the last meeting" treats it as held."""
    identity = require(who, "record")
    meeting = open_meeting(con, meeting_id)
    mid = meeting.meeting_id
    why = clean(reason, "reason for cancelling the meeting", limit=LIMITS["note"], one_line=True)
    held = [f"action {n} was agreed at it" for (n,) in con.execute(
        "SELECT action_id FROM board_action WHERE meeting_id = ? ORDER BY action_id", [mid]).fetchall()]
    held += [f"an answer to question {n} was given at it" for (n,) in con.execute(
        "SELECT DISTINCT question_id FROM question_answer WHERE meeting_id = ? ORDER BY 1", [mid]).fetchall()]
    held += [f"decision {n} was taken at it" for (n,) in con.execute(
        "SELECT decision_id FROM assurance_decision WHERE meeting_id = ? ORDER BY 1", [mid]).fetchall()]
    if held:
        raise LoopError(f"The {meeting.label} cannot be cancelled: {'; '.join(held)}, so it was held. If its date "
                        "is wrong, move it to the right day instead.")
    # a question answered already (in writing) stays with the meeting it was put for; the others go on to be asked
    put = [n for (n,) in con.execute(
        "SELECT question_id FROM board_question WHERE meeting_id = ? AND question_id NOT IN (SELECT question_id FROM "
        "question_answer WHERE state = 'answered') ORDER BY 1", [mid]).fetchall()]
    due = [a for a in actions(con) if not a.closed and a.due_meeting and a.due_meeting.meeting_id == mid]
    named = ([f"question{'s' if len(put) > 1 else ''} {_and(put)} {'are' if len(put) > 1 else 'is'} put to it"]
             if put else []) + ([f"action{'s' if len(due) > 1 else ''} {_and([a.action_id for a in due])} "
                                 f"{'are' if len(due) > 1 else 'is'} due by it"] if due else [])
    target = None
    if carry_to not in (None, ""):
        target = open_meeting(con, carry_to)
        if target.held_on <= meeting.held_on:
            raise LoopError(f"What was put to the {meeting.label} goes to a later meeting; the {target.label} is not "
                            "later.")
        clashes = _move_clashes(con, meeting, target.held_on, questions=set(put))
        if clashes:
            advice = _carry_advice(clashes, target)
            raise LoopError(f"What was put to the {meeting.label} cannot go to the {target.label}: "
                            + "; ".join(clashes) + "." + (f" {advice}." if advice else ""))
    elif named:
        go = "they go" if len(put) + len(due) > 1 else "it goes"
        raise LoopError(f"The {meeting.label} cannot be cancelled yet: {' and '.join(named)}. Give the later "
                        f"meeting {go} to instead (on the command line, --carry-to MEETING).")
    carried_to = target.meeting_id if target and named else None
    today = settings.today()
    with audit.transaction(con):
        con.execute("INSERT INTO meeting_cancel (meeting_id, reason, carried_to, cancelled_by, cancelled_at) "
                    "VALUES (?, ?, ?, ?, ?)", [mid, why, carried_to, identity, utc_now()])
        if carried_to:
            if put:
                con.execute("UPDATE board_question SET meeting_id = ? WHERE question_id IN (SELECT unnest(?))",
                            [carried_to, put])
            for a in due:
                con.execute(
                    "INSERT INTO action_update (action_id, status, note, on_day, updated_by, updated_at, "
                    "due_meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [a.action_id, a.status, f"The meeting it was due by, the {meeting.label}, was cancelled: {why}",
                     max(today, a.updates[-1].on_day), identity, utc_now(), carried_to])
        audit.record(con, who, "cancel_meeting", subject=f"meeting {mid}",
                     detail=f"{meeting.label}: {why}" + (f"; {' and '.join(named)}, carried to the {target.label}"
                                                         if carried_to else ""))
    return get_meeting(con, mid)


def _carry_advice(clashes: list[str], target: Meeting) -> str:
    """What puts right the clashes `_move_clashes` found for a cancelled meeting's questions and actions carried to
    `target`: a later meeting helps an action, never an answer already awaited or given before `target`."""
    advice = []
    if any(c.startswith("action ") for c in clashes):
        advice.append("give a later meeting")
    if any(" is awaited by " in c for c in clashes):
        advice.append(f"record the answer as awaited by {_long_date(target.held_on)} or later first (on the "
                      "Meetings page)")
    if any(" was answered " in c for c in clashes):
        advice.append("give a meeting held by the day it was answered")
    if any(" was taken at the meeting of " in c or " was given action " in c for c in clashes):
        advice.append("give a meeting held no later than the one that decided on it or agreed an action on it")
    said = "; or ".join(advice)
    return said[:1].upper() + said[1:]


def _and(items: list) -> str:
    """"3", "3 and 4", "3, 4 and 5"."""
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def moves(con: duckdb.DuckDBPyConnection, meeting_id: object | None = None) -> list[Move]:
    """The moves of every meeting (or of one), earliest first."""
    where, params = ("WHERE meeting_id = ?", [int(meeting_id)]) if meeting_id is not None else ("", [])
    try:
        rows = con.execute("SELECT meeting_id, from_day, to_day, reason, moved_by, moved_at FROM meeting_move "
                           f"{where} ORDER BY move_id", params).fetchall()
    except duckdb.CatalogException:  # a read-only look at a warehouse older than the record of moves
        return []
    return [Move(*r) for r in rows]


def _with_reporting_months(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> list[Meeting]:
    """Meetings, each with its reporting month: a meeting not yet held follows the figures as they stand, as the
    pack for it does (one recorded in advance would otherwise keep saying March after April's figures arrived);
    a meeting held keeps the month it reported on, as the figures stood by its day (kept up to date as figures
    are accepted: `pipelines.ingest.load.refresh_reporting_months`), not one whose figures came after it."""
    from ..briefing.period import reporting_period
    from ..figures import accepted_months

    today = settings.today()
    found = [Meeting(*r[:8], cancel=Cancel(*r[8:]) if r[8] is not None else None) for r in rows]
    months = accepted_months(con) if any(m.held_on >= today for m in found) else []
    return [dataclasses.replace(m, reporting_month=reporting_period(m.held_on, months).month)
            if m.held_on >= today else m for m in found]


def meetings(con: duckdb.DuckDBPyConnection, *, cancelled: bool = False) -> list[Meeting]:
    """Every meeting recorded, earliest first: those held or to be held, and with `cancelled` those called off
    too (what names a meeting, as an action first due by one, reads them all)."""
    where = "" if cancelled else " WHERE c.meeting_id IS NULL"
    rows = con.execute(f"{_MEETING_ROWS}{where} ORDER BY m.held_on, m.meeting_id").fetchall()
    return _with_reporting_months(con, rows)


def get_meeting(con: duckdb.DuckDBPyConnection, meeting_id: object) -> Meeting:
    """The meeting with this number, held, to be held or cancelled (`open_meeting` refuses one cancelled)."""
    try:
        number = int(meeting_id)
    except (TypeError, ValueError):
        raise NotFound(f'"{meeting_id}" is not a meeting number; "pccdash meetings" lists them.') from None
    rows = con.execute(f"{_MEETING_ROWS} WHERE m.meeting_id = ?", [number]).fetchall()
    if not rows:
        raise NotFound(f'The record holds no meeting {number}; "pccdash meetings" lists them.')
    return _with_reporting_months(con, rows)[0]


def open_meeting(con: duckdb.DuckDBPyConnection, meeting_id: object) -> Meeting:
    """The meeting with this number, to record something at or by it: one cancelled is refused in a sentence."""
    meeting = get_meeting(con, meeting_id)
    if meeting.cancel:
        carried = (f" What was put to it went to meeting {meeting.cancel.carried_to}."
                   if meeting.cancel.carried_to else "")
        raise LoopError(f"Meeting {meeting.meeting_id}, the {meeting.named}, was cancelled "
                        f"({meeting.cancel.reason}), so nothing more is recorded at or by it.{carried} "
                        '"pccdash meetings" lists the meetings recorded.')
    return meeting


def _check_figures_ref(measure: str | None, area: str | None, period: object) -> tuple:
    if measure is None and area is None and period in (None, ""):
        return None, None, None
    if measure not in catalogue().ids():
        raise LoopError(f'"{measure}" is not a measure in the catalogue.')
    f = force()
    if area not in (f.force_short_name, *f.districts):
        raise LoopError(f'"{area}" is not the force or one of its districts ({", ".join(f.districts)}).')
    month = _day(period, "month the figures are for")
    return measure, area, month.replace(day=1)


def _office_now(part: str) -> str | None:
    """The office's name ("name") or its holder's title ("title") as force.yaml gives them now, kept with a question
    or a decision so that its public record goes on naming who held the role when it was put or taken, after the role
    changes hands; None when force.yaml cannot be read (`pccdash check` names why), read then as it is when published.
    """
    from ..office import configured

    try:
        return getattr(configured(), part)
    except PccDashError:
        return None


def ask(con: duckdb.DuckDBPyConnection, who: Mapping, meeting_id: int, body: str, *, source: str = "office",
        measure: str | None = None, area: str | None = None, period: object = None,
        figures: list[dict] | None = None, asked_by: str | None = None, submission_id: str | None = None) -> int:
    """Put a question to the force at a meeting, with the figures it is about as they stand now; its number."""
    identity = require(who, "record")
    meeting = open_meeting(con, meeting_id)
    if source not in SOURCES:
        raise LoopError(f'A question comes {", ".join(SOURCES.values())}; "{source}" is not one of them.')
    text = clean(body, "question", limit=LIMITS["question"])
    address = EMAIL.search(text)
    if address:  # an answer or a decision quotes its question as put: with an address, none could be published
        raise LoopError(f"The question holds an e-mail address ({address.group(0)}), and no address is published: "
                        "the force's answer and the decision on it quote the question as put, so take the address "
                        "out before it is put. A sender's contact details are kept apart, for the office's reply.")
    measure, area, month = _check_figures_ref(measure, area, period)
    asker = PUBLIC_ASKER if source == "public" else clean(asked_by or identity, "name of who asks",
                                                           limit=LIMITS["name"], one_line=True)
    with audit.transaction(con):
        question_id = con.execute(
            "INSERT INTO board_question (meeting_id, source, body, measure, area, period, figures, asked_by, "
            "submission_id, created_by, created_at, office_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING question_id",
            [meeting.meeting_id, source, text, measure, area, month, json.dumps(figures or []), asker, submission_id,
             identity, utc_now(), _office_now("name")]).fetchall()[0][0]
        audit.record(con, who, "ask", subject=f"question {question_id} at meeting {meeting.meeting_id}",
                     detail=text)
    return question_id


def _question_exists(con: duckdb.DuckDBPyConnection, question_id: object) -> int:
    try:
        number = int(question_id)
    except (TypeError, ValueError):
        raise NotFound(f'"{question_id}" is not a question number.') from None
    if not con.execute("SELECT count(*) FROM board_question WHERE question_id = ?", [number]).fetchall()[0][0]:
        raise NotFound(f'The record holds no question {number}; "pccdash meetings show MEETING" gives the '
                       "numbers of the questions put at a meeting.")
    return number


def _asked_at(con: duckdb.DuckDBPyConnection, number: int) -> tuple[dt.date, str]:
    """The day and title of the meeting a question was put at."""
    return tuple(con.execute("SELECT m.held_on, m.title FROM board_question q JOIN meeting m USING (meeting_id) "
                             "WHERE q.question_id = ?", [number]).fetchall()[0])


def _not_before_question(con: duckdb.DuckDBPyConnection, number: int, meeting: Meeting, what: str) -> None:
    """An answer is given, a decision taken and an action agreed at the meeting its question was put at or a later
    one."""
    asked = _asked_at(con, number)
    if meeting.held_on < asked[0]:
        raise LoopError(f"{what} is recorded at the meeting its question was put at or a later one: question "
                        f"{number} was put at the {asked[1]} of {_long_date(asked[0])}, and the {meeting.label} was "
                        "held before it. Choose that meeting or a later one.")


def _not_after_withdrawal(con: duckdb.DuckDBPyConnection, number: int, day: dt.date | None, what: str) -> None:
    """Refuse what `what` says is refused ("an answer given on 3 September 2015 is not recorded on it") on question
    `number` once it was withdrawn before `day` (None: recorded as of now, whatever its day): a withdrawn question is
    not taken further at the Board, so nothing comes of it after the day it was taken off. What came by that day,
    recorded late, stays welcome, as a withdrawal may be dated the day of the last answer or decision on it."""
    withdrawal = withdrawals(con).get(number)
    if withdrawal is None or (day is not None and day <= withdrawal.on_day):
        return
    # one withdrawn before the meeting it was put to was never asked there: nothing at all comes of it
    before = (f" What came on or before {_long_date(withdrawal.on_day)} can still be recorded."
              if day is not None and _asked_at(con, number)[0] <= withdrawal.on_day else "")
    raise LoopError(f"Question {number} was withdrawn on {_long_date(withdrawal.on_day)} "
                    f"({withdrawal.reason.rstrip().rstrip('.')}), so {what}: a withdrawn "
                    f"question is not taken further at the Board.{before} If the Board takes the matter up again, "
                    "put it as a new question at the meeting it is taken up at, and record this on that question.")


def _stood_from(con: duckdb.DuckDBPyConnection, question: Question) -> tuple[dt.date, str]:
    """The earliest day a question typed in once its meeting was held (an office back-filling the record) stood
    to be asked, and the words that say why: the record did not hold it before its meeting, so it goes on the
    question's own days. One from the public stood from the day its sender sent it, before its meeting; any other
    (or one sent on or after its meeting's day), from the day after the last meeting of its meeting's series before
    it (it was put to this meeting, not that one), or when none was recorded, from the first day of its meeting's
    reporting month. It may be withdrawn from that day, before its meeting as well, as a question withdrawn before
    the Board it was put to."""
    meeting = question.meeting
    if question.submission_id is not None:
        sent = con.execute("SELECT received_at FROM public_submission WHERE submission_id = ?",
                           [question.submission_id]).fetchall()
        if sent and uk_day(sent[0][0]) < meeting.held_on:  # one sent after its meeting stood from no earlier day
            day = uk_day(sent[0][0])
            return day, f"its sender sent it on {_long_date(day)}, for the {meeting.named}"
    from .loop import previous_meeting

    before = previous_meeting(meetings(con), meeting.held_on, meeting=meeting)
    if before is not None:
        day = before.held_on + dt.timedelta(days=1)
        return day, (f"it was put to the {meeting.named}, and not to the {before.named} before it, so it stood "
                     f"to be asked from {_long_date(day)}")
    if meeting.reporting_month is not None:
        day = meeting.reporting_month
        return day, (f"it was put to the {meeting.named}, on the figures for {day:%B %Y}, so it stood to be asked "
                     f"from {_long_date(day)}")
    return meeting.held_on, f"it was put at the {meeting.named}"


def _withdrawn_after_its_record(con: duckdb.DuckDBPyConnection, number: int, day: dt.date) -> None:
    """Refuse a withdrawal of question `number` dated `day` before the question itself, or before the last answer,
    decision or action recorded on it: the record would read backwards. A question drafted ahead of its meeting may be
    withdrawn from the day it was recorded, before the meeting; one recorded once its meeting was held was a
    question from its own earliest day (`_stood_from`): it may have been withdrawn before its meeting too."""
    question = next(q for q in questions(con) if q.question_id == number)
    meeting = question.meeting
    recorded = min(uk_day(question.created_at), settings.today())
    if recorded < meeting.held_on:
        came = [(recorded, f"it was recorded on {_long_date(recorded)}, for the {meeting.named}")]
    else:
        came = [_stood_from(con, question)]
    came += [(a.answered_on, f"it was answered by {a.answered_by} on {_long_date(a.answered_on)}")
             for a in question.answers if a.state == "answered"]
    for d in question.decisions:
        taken_at = get_meeting(con, d.meeting_id)
        came.append((taken_at.held_on, f'the decision on it ("{d.words}") was taken at the {taken_at.named}'))
    came += [(a.meeting.held_on, f"action {a.action_id} on it was agreed at the {a.meeting.named}")
             for a in actions(con) if a.question_id == number]
    last, said = max(came, key=lambda c: c[0])
    if day < last:
        raise LoopError(f"Question {number} cannot be withdrawn on {_long_date(day)}: {said}, and a withdrawal "
                        f"comes after it. Give the day it was withdrawn, {_long_date(last)} or later.")


def withdraw_question(con: duckdb.DuckDBPyConnection, who: Mapping, question_id: object, *, reason: object,
                      on: object = None) -> Withdrawal:
    """Withdraw a question on the day `on` (today by default), saying why: put by mistake, overtaken, or answered
    another way. Its row, its answers and its decisions stay; it reads "Withdrawn on ... by ...: ..." wherever its
    state is said, a meeting held after that day no longer carries it as still open, and it is not drafted again
    from the same figures. A question is withdrawn once."""
    identity = require(who, "record")
    number = _question_exists(con, question_id)
    already = withdrawals(con).get(number)
    if already is not None:
        raise LoopError(f"Question {number} is already withdrawn: {already.sentence}.")
    why = clean(reason, "reason for withdrawing the question", limit=LIMITS["note"], one_line=True)
    day = _day(on, "day the question was withdrawn", required=False) or settings.today()
    if day > settings.today():  # a day to come would read as withdrawn here and as still open in the packs till then
        raise LoopError(f"A question is withdrawn on the day it is taken off; {_long_date(day)} is after today "
                        f"({_long_date(settings.today())}).")
    _withdrawn_after_its_record(con, number, day)
    now = utc_now()
    with audit.transaction(con):
        con.execute("INSERT INTO question_withdrawal (question_id, reason, on_day, withdrawn_by, withdrawn_at) "
                    "VALUES (?, ?, ?, ?, ?)", [number, why, day, identity, now])
        audit.record(con, who, "withdraw_question", subject=f"question {number}",
                     detail=f"withdrawn on {day}: {why}")
    return Withdrawal(why, day, identity, now)


def record_answer(con: duckdb.DuckDBPyConnection, who: Mapping, question_id: int, *, body: str, answered_by: str,
                  answered_on: object, meeting_id: int | None = None, document: tuple[str, bytes] | None = None,
                  db_path: str | os.PathLike | None = None) -> int:
    """Record the force's answer to a question (with a document, kept in the file store by its sha256)."""
    identity = require(who, "record")
    number = _question_exists(con, question_id)
    text = clean(body, "answer", limit=LIMITS["answer"])
    by = clean(answered_by, "name of who answered for the force", limit=LIMITS["name"], one_line=True)
    on = _day(answered_on, "date of the answer")
    asked = _asked_at(con, number)
    if on < asked[0]:
        raise LoopError(f"An answer comes after its question: question {number} was put at the {asked[1]} of "
                        f"{_long_date(asked[0])}, and the answer is dated {_long_date(on)}. Give the day the force "
                        "answered.")
    if on > settings.today():  # a day to come would hide the answer from the packs of the meetings before it
        raise LoopError(f"An answer is recorded once it is given; {_long_date(on)} is after today "
                        f"({_long_date(settings.today())}). Give the day the force answered.")
    _not_after_withdrawal(con, number, on, f"an answer given on {_long_date(on)} is not recorded on it")
    if meeting_id is not None:
        given_at = open_meeting(con, meeting_id)
        _not_before_question(con, number, given_at, "An answer")
        if on > given_at.held_on:  # given at it, in person or as a paper put to it: not after its day
            raise LoopError(f"An answer given at a meeting is dated on or before its day: the {given_at.label} was "
                            f"held before {_long_date(on)}, the day of the answer. Give the day the force answered, "
                            "or record the answer as given in writing, or at the meeting it was given at.")
        _not_after_withdrawal(con, number, given_at.held_on,
                              f"an answer given at the {given_at.label} is not recorded on it")
    name = digest = size = None
    if document is not None:
        name, data = document
        name = clean(os.path.basename(str(name or "")), "document's name", limit=255, one_line=True)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise LoopError(f'"{name}" is {len(data) / 1024 / 1024:.1f} MB; a document attached to an answer may be '
                            f"at most {MAX_DOCUMENT_BYTES // 1024 // 1024} MB.")
        if db_path is None:
            raise LoopError("An attached document needs the warehouse's file store: give db_path.")
        digest, size = filestore.put(db_path, data), len(data)  # kept before its row: an unrecorded file is unseen
    with audit.transaction(con):
        answer_id = con.execute(
            "INSERT INTO question_answer (question_id, state, body, answered_by, answered_on, meeting_id, "
            "document_name, document_sha256, document_bytes, recorded_by, recorded_at) "
            "VALUES (?, 'answered', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING answer_id",
            [number, text, by, on, meeting_id, name, digest, size, identity, utc_now()]).fetchall()[0][0]
        audit.record(con, who, "answer", subject=f"question {number}",
                     detail=f"answered by {by} on {on}" + (f"; document {name} (sha256 {digest})" if name else ""))
    return answer_id


def await_answer(con: duckdb.DuckDBPyConnection, who: Mapping, question_id: int, *, awaited_by: object,
                 note: str = "") -> int:
    """Record that the force's answer is awaited, and by when."""
    identity = require(who, "record")
    number = _question_exists(con, question_id)
    due = _day(awaited_by, "date the answer is due")
    asked = _asked_at(con, number)
    if due < asked[0]:  # due before it was asked: it would read as overdue from the day it was recorded
        raise LoopError(f"An answer is awaited by a day on or after its question was put: question {number} was put "
                        f"at the {asked[1]} of {_long_date(asked[0])}, and {_long_date(due)} is before it. Give the "
                        "day by which the force is to answer.")
    _not_after_withdrawal(con, number, None, "no answer is awaited of it")
    text = clean(note, "note", limit=LIMITS["note"], required=False) or None
    with audit.transaction(con):
        answer_id = con.execute(
            "INSERT INTO question_answer (question_id, state, body, awaited_by, recorded_by, recorded_at) "
            "VALUES (?, 'awaited', ?, ?, ?, ?) RETURNING answer_id",
            [number, text, due, identity, utc_now()]).fetchall()[0][0]
        audit.record(con, who, "answer", subject=f"question {number}", detail=f"answer awaited by {due}")
    return answer_id


def decide(con: duckdb.DuckDBPyConnection, who: Mapping, *, meeting_id: int, decision: str, rationale: str,
           evidence: list[tuple[str, str]], question_id: int | None = None, theme: str | None = None,
           follow_up: object = None) -> int:
    """Record the Commissioner's assurance decision on a question or a theme, with the evidence considered."""
    identity = require(who, "decide")
    meeting = open_meeting(con, meeting_id)
    if decision not in DECISIONS:
        raise LoopError(f'"{decision}" is not on the scale; an assurance decision is one of '
                        f'{", ".join(DECISIONS.values())} ({", ".join(DECISIONS)}).')
    if (question_id is None) == (not (theme or "").strip()):
        raise LoopError("An assurance decision is on a question or on a theme: give one of them, not both.")
    number = _question_exists(con, question_id) if question_id is not None else None
    if number is not None:
        _not_before_question(con, number, meeting, "A decision on a question")
        _not_after_withdrawal(con, number, meeting.held_on, f"no decision on it is taken at the {meeting.label}")
    theme_text = clean(theme, "theme", limit=LIMITS["theme"], one_line=True) if number is None else None
    why = clean(rationale, "rationale", limit=LIMITS["rationale"])
    items = []
    for kind, text in evidence or []:
        if kind not in EVIDENCE_KINDS:
            raise LoopError(f'"{kind}" is not a kind of evidence; it is one of {", ".join(EVIDENCE_KINDS)}.')
        items.append({"kind": kind, "text": clean(text, "evidence", limit=LIMITS["evidence"])})
    if not items and decision != "awaiting_evidence":
        raise LoopError("Say what evidence was considered (the force's answer, figures, a visit, victims' and "
                        "survivors' feedback): a decision of assurance rests on it.")
    later = _day(follow_up, "follow-up date", required=False)
    if later is not None and later <= meeting.held_on:  # due already: it would read as late from the day it was taken
        raise LoopError(f"A decision is followed up after the meeting that took it; {_long_date(later)} is not after "
                        f"the {meeting.label}. Give a later follow-up date, or none.")
    latest = con.execute(
        "SELECT decision_id, decision, rationale, evidence, follow_up FROM assurance_decision WHERE meeting_id = ? "
        "AND question_id IS NOT DISTINCT FROM ? AND theme IS NOT DISTINCT FROM ? ORDER BY decision_id DESC LIMIT 1",
        [meeting.meeting_id, number, theme_text]).fetchall()
    if latest and latest[0][1:] == (decision, why, json.dumps(items), later):  # the button pressed a second time
        raise LoopError(f"That decision is already recorded (decision {latest[0][0]}): {DECISIONS[decision]}, with "
                        "the same rationale and evidence.")
    with audit.transaction(con):
        decision_id = con.execute(
            "INSERT INTO assurance_decision (meeting_id, question_id, theme, decision, rationale, evidence, "
            "follow_up, decided_by, decided_at, holder_title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING decision_id",
            [meeting.meeting_id, number, theme_text, decision, why, json.dumps(items), later, identity,
             utc_now(), _office_now("title")]).fetchall()[0][0]
        about = f"question {number}" if number is not None else f'theme "{theme_text}"'
        audit.record(con, who, "decide", subject=f"{about} at meeting {meeting.meeting_id}",
                     detail=f"{DECISIONS[decision]}: {why}")
    return decision_id


def add_action(con: duckdb.DuckDBPyConnection, who: Mapping, *, meeting_id: int, body: str, owner: str,
               due_meeting_id: int | None = None, due_on: object = None, question_id: int | None = None) -> int:
    """Record an action arising from a meeting, due by a later meeting or a date; it starts open."""
    identity = require(who, "record")
    meeting = open_meeting(con, meeting_id)
    text = clean(body, "action", limit=LIMITS["action"])
    owner_text = clean(owner, "action's owner", limit=LIMITS["owner"], one_line=True)
    due_day = _day(due_on, "due date", required=False)
    if (due_meeting_id is None) == (due_day is None):
        raise LoopError("An action is due by a meeting or by a date: give one of them.")
    if due_meeting_id is not None:
        due_meeting = open_meeting(con, due_meeting_id)
        if due_meeting.held_on <= meeting.held_on:
            raise LoopError(f"An action is due by a later meeting; {due_meeting.label} is not after "
                            f"{meeting.label}.")
    elif due_day <= meeting.held_on:  # due already: it would read as overdue from the day it was agreed
        raise LoopError(f"An action is due after the meeting that agreed it; {_long_date(due_day)} is not after the "
                        f"{meeting.label}. Give a later due date, or a later meeting.")
    number = _question_exists(con, question_id) if question_id is not None else None
    if number is not None:  # an action on a question takes it further, as an answer or a decision does
        _not_before_question(con, number, meeting, "An action on a question")
        _not_after_withdrawal(con, number, meeting.held_on, f"no action on it is agreed at the {meeting.label}")
    now = utc_now()
    with audit.transaction(con):
        action_id = con.execute(
            "INSERT INTO board_action (meeting_id, question_id, body, owner, due_meeting_id, due_on, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING action_id",
            [meeting.meeting_id, number, text, owner_text, due_meeting_id, due_day, identity, now]).fetchall()[0][0]
        con.execute("INSERT INTO action_update (action_id, status, note, on_day, updated_by, updated_at) "
                    "VALUES (?, 'open', 'Agreed at the meeting.', ?, ?, ?)",
                    [action_id, meeting.held_on, identity, now])
        audit.record(con, who, "action", subject=f"action {action_id} from meeting {meeting.meeting_id}",
                     detail=f"{text} (owner {owner_text})")
    return action_id


def _not_before_last(action: Action, day: dt.date) -> None:
    """Refuse an update of `action` dated before its last one: its agreement (on its meeting's day) when it has had
    no other, said as the meeting that agreed it."""
    last = action.updates[-1].on_day
    if day < last:
        if len(action.updates) == 1:
            raise LoopError(f"An action's update cannot come before the meeting that agreed it ({_long_date(last)}).")
        raise LoopError(f"An action's update cannot come before its last one ({_long_date(last)}).")


def update_action(con: duckdb.DuckDBPyConnection, who: Mapping, action_id: int, *, status: str, note: str,
                  on: object = None) -> int:
    """Move an action on (open, in progress) or close it on the day `on` (today by default); a note says what was
    done, and closing needs one."""
    identity = require(who, "record")
    day = _day(on, "day of the update", required=False) or settings.today()
    if status not in ACTION_STATUSES:
        raise LoopError(f'"{status}" is not an action\'s status; it is one of {", ".join(ACTION_STATUSES)}.')
    action = _action_of(con, action_id)  # its agreement on its meeting's day, which a move may have changed since
    number, last = action.action_id, action.updates[-1]
    if status == "closed" and last.status == "closed":  # a second close would replace the closing note people read
        raise LoopError(f"Action {number} is already closed (on {_long_date(last.on_day)}: {last.note}).")
    if day > settings.today():  # a day to come would read as closed here and as overdue in the packs until then
        raise LoopError(f"An action's update is recorded on the day it happened; {_long_date(day)} is after today "
                        f"({_long_date(settings.today())}).")
    _not_before_last(action, day)
    what = "closing note" if status == "closed" else "note"
    text = clean(note, what, limit=LIMITS["note"])
    with audit.transaction(con):
        update_id = con.execute(
            "INSERT INTO action_update (action_id, status, note, on_day, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING update_id", [number, status, text, day, identity, utc_now()]
        ).fetchall()[0][0]
        audit.record(con, who, "action_update", subject=f"action {number}",
                     detail=f"{ACTION_STATUSES[last.status]} -> {ACTION_STATUSES[status]}: {text}")
    return update_id


def _action_of(con: duckdb.DuckDBPyConnection, action_id: object) -> Action:
    """The action numbered `action_id` (as typed), or NotFound saying so."""
    try:
        number = int(action_id)
    except (TypeError, ValueError):
        raise NotFound(f'"{action_id}" is not an action number.') from None
    action = next((a for a in actions(con) if a.action_id == number), None)
    if action is None:
        raise NotFound(f'The record holds no action {number}; "pccdash actions --all" lists them.')
    return action


def reopen_action(con: duckdb.DuckDBPyConnection, who: Mapping, action_id: object, *, reason: object,
                  on: object = None) -> int:
    """Open a closed action again on the day `on` (today by default), saying why: its issue is back, or what closed
    it was not enough. It is open from then on, carried to every later meeting until closed again, and overdue at
    once if its due meeting or date has passed (move its due date with `move_action_due`); its closing stays in its
    history."""
    action = _action_of(con, action_id)
    number = action.action_id
    if not action.closed:
        raise LoopError(f"Action {number} is not closed: it is {ACTION_STATUSES[action.status].lower()}, due "
                        f"{action.due_words}. Only a closed action is reopened.")
    why = clean(reason, "reason for reopening the action", limit=LIMITS["note"])
    return update_action(con, who, number, status="open", note=why, on=on)


def _open_or_refuse(action: Action, why: str) -> None:
    """Refuse a change to `action` that only an open action takes, when it is closed: it was closed on its day, so
    `why` ("nobody holds it any more"), and reopening it, saying why, comes first."""
    if action.closed:
        number = action.action_id
        raise LoopError(f"Action {number} was closed on {_long_date(action.closed_on)}, so {why}. If it is open "
                        f'again, reopen it first, saying why ("pccdash actions reopen {number} --reason TEXT").')


def move_action_due(con: duckdb.DuckDBPyConnection, who: Mapping, action_id: object, *,
                    due_meeting_id: object = None, due_on: object = None, reason: object, on: object = None) -> int:
    """Move an open action's due date (the Board gave more time, or brought it forward) to a later meeting or a
    day, on the day `on` (today by default), saying why. What it was first due by is kept: the action reads "due
    by ... (first due by ...)", and a pack for a meeting before the move shows it due as it was then."""
    identity = require(who, "record")
    day = _day(on, "day the due date was moved", required=False) or settings.today()
    action = _action_of(con, action_id)
    number = action.action_id
    _open_or_refuse(action, "it is not due by anything")
    new_day = _day(due_on, "new due date", required=False)
    if (due_meeting_id is None or due_meeting_id == "") == (new_day is None):
        raise LoopError("An action is due by a meeting or by a date: give one of them.")
    if day > settings.today():
        raise LoopError(f"A due date is moved on the day it was agreed to move it; {_long_date(day)} is after today "
                        f"({_long_date(settings.today())}).")
    _not_before_last(action, day)
    due_meeting = open_meeting(con, due_meeting_id) if new_day is None else None
    due_day = due_meeting.held_on if due_meeting else new_day
    new_due = _due_words(due_meeting, new_day).removeprefix("by ")
    if (due_meeting and action.due_meeting and due_meeting.meeting_id == action.due_meeting.meeting_id) or (
            new_day is not None and action.due_meeting is None and new_day == action.due_on):
        raise LoopError(f"Action {number} is already due {_due_words(action.due_meeting, action.due_on)}.")
    if due_day <= action.meeting.held_on:
        raise LoopError(f"An action is due after the meeting that agreed it; {new_due} is not after the "
                        f"{action.meeting.label}.")
    if due_day <= day:  # due already: it would read as overdue from the day it was moved
        raise LoopError(f"A due date moved on {_long_date(day)} must be after that day; {new_due} is not. Give a "
                        "later date, or a later meeting.")
    why = clean(reason, "reason for moving the due date", limit=LIMITS["note"])
    before = _due_words(action.due_meeting, action.due_on)
    with audit.transaction(con):
        update_id = con.execute(
            "INSERT INTO action_update (action_id, status, note, on_day, updated_by, updated_at, due_meeting_id, "
            "due_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING update_id",
            [number, action.status, why, day, identity, utc_now(), due_meeting.meeting_id if due_meeting else None,
             new_day]).fetchall()[0][0]
        audit.record(con, who, "action_due", subject=f"action {number}",
                     detail=f"due {before} -> due {_due_words(due_meeting, new_day)}: {why}")
    return update_id


def hand_over_action(con: duckdb.DuckDBPyConnection, who: Mapping, action_id: object, *, owner: object,
                     reason: object, on: object = None) -> int:
    """Hand an open action to a new owner (the one who held it left, or the role changed hands) on the day `on`
    (today by default), saying why. Who held it before is kept: the action reads "Supt Khan (since 3 June 2026;
    first owner ACC Jones)", its history says who handed it from whom to whom, when and why, and a pack for a meeting
    before the handover names the owner as it was then."""
    identity = require(who, "record")
    day = _day(on, "day the action was handed over", required=False) or settings.today()
    action = _action_of(con, action_id)
    number = action.action_id
    _open_or_refuse(action, "nobody holds it any more")
    new_owner = clean(owner, "action's new owner", limit=LIMITS["owner"], one_line=True)
    if new_owner.casefold() == action.owner.casefold():
        raise LoopError(f"Action {number} is already held by {action.owner}. Give the new owner it is handed to.")
    why = clean(reason, "reason for handing the action over", limit=LIMITS["note"])
    if day > settings.today():  # a day to come would name the new owner in the packs of the meetings before it
        raise LoopError(f"An action is handed over on the day it changed hands; {_long_date(day)} is after today "
                        f"({_long_date(settings.today())}).")
    _not_before_last(action, day)
    with audit.transaction(con):
        update_id = con.execute(
            "INSERT INTO action_update (action_id, status, note, on_day, updated_by, updated_at, owner) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING update_id",
            [number, action.status, why, day, identity, utc_now(), new_owner]).fetchall()[0][0]
        audit.record(con, who, "action_owner", subject=f"action {number}",
                     detail=f"owner {action.owner} -> {new_owner}: {why}")
    return update_id


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Answer:
    answer_id: int
    state: str                      # answered | awaited
    body: str | None
    answered_by: str | None
    answered_on: dt.date | None
    awaited_by: dt.date | None
    meeting_id: int | None
    document_name: str | None
    document_sha256: str | None
    document_bytes: int | None
    recorded_by: str
    recorded_at: dt.datetime

    def words(self, as_of: dt.date | None = None) -> str:
        """"Answered by ACC Jones on 2 September 2015"; "Answer awaited by 30 September 2015 (overdue)"."""
        if self.state == "answered":
            return f"Answered by {self.answered_by} on {_long_date(self.answered_on)}"
        late = as_of is not None and self.awaited_by is not None and self.awaited_by < as_of
        return f"Answer awaited by {_long_date(self.awaited_by)}" + (" (overdue)" if late else "")


@dataclass(frozen=True)
class Decision:
    decision_id: int
    meeting_id: int
    question_id: int | None
    theme: str | None
    decision: str
    rationale: str
    evidence: list[dict]
    follow_up: dt.date | None
    decided_by: str
    decided_at: dt.datetime

    @property
    def words(self) -> str:
        return DECISIONS[self.decision]


@dataclass(frozen=True)
class Withdrawal:
    reason: str
    on_day: dt.date        # the day it took effect
    withdrawn_by: str
    withdrawn_at: dt.datetime

    @property
    def sentence(self) -> str:
        """"Withdrawn on 3 June 2026 by analyst@example.org: put by mistake"."""
        return f"Withdrawn on {_long_date(self.on_day)} by {self.withdrawn_by}: {self.reason.rstrip().rstrip('.')}"


@dataclass(frozen=True)
class Question:
    question_id: int
    meeting: Meeting
    source: str
    body: str
    measure: str | None
    area: str | None
    period: dt.date | None
    figures: list[dict]
    asked_by: str
    submission_id: str | None
    created_by: str
    created_at: dt.datetime
    answers: list[Answer] = field(default_factory=list)      # earliest first; the last is current
    decisions: list[Decision] = field(default_factory=list)  # earliest first; the last is current
    withdrawal: Withdrawal | None = None  # taken off what is still to be asked, and why

    def withdrawn_before(self, day: dt.date) -> bool:
        """Withdrawn before a meeting on `day` opened: one withdrawn that day or later was still to be asked then."""
        return self.withdrawal is not None and self.withdrawal.on_day < day

    @property
    def asker(self) -> str:
        """Who asked, as said after "Asked by": "a member of the public" for the public's question."""
        return PUBLIC_ASKER[:1].lower() + PUBLIC_ASKER[1:] if self.asked_by == PUBLIC_ASKER else self.asked_by

    @property
    def asked_words(self) -> str:
        """Who asked and where the question came from: "Asked by pcc@example.org, from the office"; the public's
        question "Asked by a member of the public", as the pack says it, its source once ("..., from the public"
        said it twice)."""
        if self.source == "public" and self.asked_by == PUBLIC_ASKER:
            return f"Asked by {self.asker}"
        return f"Asked by {self.asker}, {SOURCES[self.source]}"

    @property
    def answer(self) -> Answer | None:
        return self.answers[-1] if self.answers else None

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def settled(self) -> bool:
        """Answered, and decided on as assured or partly assured: nothing more is asked. One the Commissioner was not
        assured of, or is awaiting evidence on, is still to be satisfied (OPEN_DECISIONS). One withdrawn is settled
        too: nothing more is asked of it."""
        if self.withdrawal is not None:
            return True
        a, d = self.answer, self.decision
        return a is not None and a.state == "answered" and d is not None and d.decision not in OPEN_DECISIONS

    def where(self, as_of: dt.date | None = None) -> str:
        """Where the question stands, in words; one withdrawn says so first, with why ("Withdrawn on 3 June 2026 by
        analyst@example.org: put by mistake"), then what came back before it was, if anything did."""
        if self.withdrawal is not None:  # an answer it awaited is awaited no more: not said overdue
            parts = [self.withdrawal.sentence] + ([self.answer.words()] if self.answer else [])
        else:
            parts = [self.answer.words(as_of) if self.answer else "No answer recorded yet"]
        if self.decision:
            parts.append(f"decision: {self.decision.words}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ActionUpdate:
    status: str
    note: str
    on_day: dt.date       # the day it took effect
    updated_by: str
    updated_at: dt.datetime
    due_meeting: Meeting | None = None  # the meeting, or the day, the action is due by from this update on; both
    due_on: dt.date | None = None       # None: an update that left the due date as it was
    owner: str | None = None            # who holds the action from this update on; None: the owner stayed
    from_owner: str | None = None       # who held it until this update handed it over (read, not stored)

    @property
    def moves_due(self) -> bool:
        return self.due_meeting is not None or self.due_on is not None

    @property
    def hands_over(self) -> bool:
        return self.owner is not None

    @property
    def text(self) -> str:
        """The update's note, after what it moved the due date to, or whom it handed the action to, when it did."""
        said = []
        if self.hands_over:
            said.append(f"Handed from {self.from_owner} to {self.owner}")
        if self.moves_due:
            said.append(f"Due date moved to {_due_words(self.due_meeting, self.due_on).removeprefix('by ')}")
        return f"{'; '.join(said)}: {self.note}" if said else self.note


def _due_words(meeting: Meeting | None, day: dt.date | None) -> str:
    """"by the Public Accountability Board, 18 June 2026", "by 30 September 2026"; a meeting called off since is
    said so ("..., which was cancelled")."""
    if meeting is None:
        return f"by {_long_date(day)}"
    return f"by the {meeting.named}" + (", which was cancelled" if meeting.cancelled else "")


@dataclass(frozen=True)
class Action:
    action_id: int
    meeting: Meeting
    question_id: int | None
    body: str
    agreed_owner: str                   # who held it when agreed; an update may have handed it over since
    agreed_due_meeting: Meeting | None  # what it was due by when agreed; an update may have moved it since
    agreed_due_on: dt.date | None
    created_by: str
    created_at: dt.datetime
    updates: list[ActionUpdate] = field(default_factory=list)  # earliest first; the last is current
    # the day the question it was agreed on was withdrawn, if it was (read, not stored): the action is followed up on
    # its own, until closed, and says so, that the office may close it or keep it knowingly
    question_withdrawn_on: dt.date | None = None

    @property
    def status(self) -> str:
        return self.updates[-1].status

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    @property
    def _handed_over_by(self) -> ActionUpdate | None:
        return next((u for u in reversed(self.updates) if u.hands_over), None)

    @property
    def owner(self) -> str:
        """Who holds it now: the owner the last handover gave it, else the one it was agreed with."""
        handed = self._handed_over_by
        return handed.owner if handed else self.agreed_owner

    @property
    def owner_words(self) -> str:
        """Who holds it now and, once handed over, since when and who held it first: "Supt Khan (since 3 June 2026;
        first owner ACC Jones)"."""
        since = self.owner_since
        return f"{self.owner} ({since})" if since else self.owner

    @property
    def owner_since(self) -> str:
        """Once handed over, since when its owner holds it and who held it first ("since 3 June 2026; first owner ACC
        Jones"), for a sentence already in brackets: "(owner Supt Khan, since ...)"; empty when never handed over."""
        handed = self._handed_over_by
        return f"since {_long_date(handed.on_day)}; first owner {self.agreed_owner}" if handed else ""

    @property
    def owner_in_brackets(self) -> str:
        """"owner Supt Khan, since 3 June 2026; first owner ACC Jones" (or "owner ACC Jones"), to be put in brackets
        after the action: `owner_words` there would put brackets within brackets."""
        since = self.owner_since
        return f"owner {self.owner}, {since}" if since else f"owner {self.owner}"

    @property
    def _due_moved_by(self) -> ActionUpdate | None:
        return next((u for u in reversed(self.updates) if u.moves_due), None)

    @property
    def due_moved(self) -> bool:
        """Its due date has been moved since it was agreed."""
        return self._due_moved_by is not None

    @property
    def due_meeting(self) -> Meeting | None:
        """The meeting it is due by now (None when due by a day)."""
        moved = self._due_moved_by
        return moved.due_meeting if moved else self.agreed_due_meeting

    @property
    def due_on(self) -> dt.date | None:
        """The day it is due by now (None when due by a meeting)."""
        moved = self._due_moved_by
        return moved.due_on if moved else self.agreed_due_on

    @property
    def due_day(self) -> dt.date:
        return self.due_meeting.held_on if self.due_meeting else self.due_on

    @property
    def first_due_words(self) -> str:
        """What it was due by when agreed: "by the Board of 21 May 2026" or "by 30 June 2026"."""
        return _due_words(self.agreed_due_meeting, self.agreed_due_on)

    @property
    def due_words(self) -> str:
        """What it is due by now, and, once moved, what it was first due by."""
        now = _due_words(self.due_meeting, self.due_on)
        return f"{now} (first due {self.first_due_words})" if self.due_moved else now

    def overdue(self, as_of: dt.date) -> bool:
        """Open after the day it was due: a meeting it was due by has been held before `as_of`."""
        return not self.closed and self.due_day < as_of

    def as_of(self, day: dt.date) -> Action:
        """The action as it stood when a meeting on `day` opened: its updates before that day (its first, always)."""
        kept = [u for i, u in enumerate(self.updates) if i == 0 or u.on_day < day]
        # its question withdrawn that day or later was still to be asked then, as Question.withdrawn_before says
        withdrawn = self.question_withdrawn_on
        withdrawn = withdrawn if withdrawn is not None and withdrawn < day else None
        return dataclasses.replace(self, updates=kept, question_withdrawn_on=withdrawn)

    @property
    def closed_on(self) -> dt.date | None:
        return self.updates[-1].on_day if self.closed else None

    @property
    def reopened(self) -> ActionUpdate | None:
        """The update that last opened it again after it was closed, while it stays open (None when it is closed,
        or was never closed): an action reopened reads as such, not as one that was never closed."""
        if self.closed:
            return None
        return next((self.updates[n] for n in range(len(self.updates) - 1, 0, -1) if self.reopens(n)), None)

    def reopens(self, n: int) -> bool:
        """Its update `n` (0 the first) opened it again after it was closed."""
        return n > 0 and self.updates[n - 1].status == "closed" and self.updates[n].status != "closed"

    @property
    def reopened_words(self) -> str:
        """"reopened on 3 June 2026: the report covered Sheffield only" ("" when not reopened)."""
        r = self.reopened
        return f"reopened on {_long_date(r.on_day)}: {r.note}" if r is not None else ""

    @property
    def question_withdrawn_words(self) -> str:
        """"its question was withdrawn on 1 September 2015" ("" when it was not, or the action is closed): an open
        action stays open, and may be overdue, after its question is withdrawn."""
        if self.closed or self.question_withdrawn_on is None:
            return ""
        return f"its question was withdrawn on {_long_date(self.question_withdrawn_on)}"

    def where(self, as_of: dt.date) -> str:
        last = self.updates[-1]
        if self.closed:
            return f"Closed on {_long_date(last.on_day)}: {last.note}"
        state = "Overdue" if self.overdue(as_of) else ACTION_STATUSES[self.status]
        return (f"{state}, due {self.due_words}"
                + (f"; {self.question_withdrawn_words}" if self.question_withdrawn_words else "")
                + (f"; {self.reopened_words}" if self.reopened else ""))


def _answers(con: duckdb.DuckDBPyConnection) -> dict[int, list[Answer]]:
    out: dict[int, list[Answer]] = {}
    for row in con.execute(
            "SELECT question_id, answer_id, state, body, answered_by, answered_on, awaited_by, meeting_id, "
            "document_name, document_sha256, document_bytes, recorded_by, recorded_at FROM question_answer "
            "ORDER BY answer_id").fetchall():
        out.setdefault(row[0], []).append(Answer(*row[1:]))
    return out


def decisions(con: duckdb.DuckDBPyConnection, meeting_id: int | None = None) -> list[Decision]:
    """Every assurance decision (or a meeting's), earliest first."""
    where, params = ("WHERE meeting_id = ?", [int(meeting_id)]) if meeting_id is not None else ("", [])
    rows = con.execute(
        "SELECT decision_id, meeting_id, question_id, theme, decision, rationale, evidence, follow_up, decided_by, "
        f"decided_at FROM assurance_decision {where} ORDER BY decision_id", params).fetchall()
    return [Decision(*r[:6], json.loads(r[6] or "[]"), *r[7:]) for r in rows]


def questions(con: duckdb.DuckDBPyConnection, meeting_id: int | None = None) -> list[Question]:
    """Every question (or those first put at one meeting), in the order put, with its answers and decisions."""
    by_id = {m.meeting_id: m for m in meetings(con, cancelled=True)}
    answers = _answers(con)
    decided: dict[int, list[Decision]] = {}
    for d in decisions(con):
        if d.question_id is not None:
            decided.setdefault(d.question_id, []).append(d)
    withdrawn = withdrawals(con)
    where, params = ("WHERE meeting_id = ?", [int(meeting_id)]) if meeting_id is not None else ("", [])
    rows = con.execute(
        "SELECT question_id, meeting_id, source, body, measure, area, period, figures, asked_by, submission_id, "
        f"created_by, created_at FROM board_question {where} ORDER BY question_id", params).fetchall()
    return [Question(r[0], by_id[r[1]], r[2], r[3], r[4], r[5], r[6], json.loads(r[7] or "[]"), *r[8:],
                     answers=answers.get(r[0], []), decisions=decided.get(r[0], []), withdrawal=withdrawn.get(r[0]))
            for r in rows]


def withdrawals(con: duckdb.DuckDBPyConnection) -> dict[int, Withdrawal]:
    """Each withdrawn question's withdrawal (one a question: `withdraw_question` refuses a second)."""
    try:
        rows = con.execute("SELECT question_id, reason, on_day, withdrawn_by, withdrawn_at FROM question_withdrawal "
                           "ORDER BY withdrawn_at").fetchall()
    except duckdb.CatalogException:  # a read-only look at a warehouse older than the record of withdrawals
        return {}
    return {r[0]: Withdrawal(*r[1:]) for r in rows}


def actions(con: duckdb.DuckDBPyConnection, meeting_id: int | None = None) -> list[Action]:
    """Every action (or those from one meeting), in the order agreed, with their updates. Its first update, its
    agreement, is on the day of the meeting that agreed it as that meeting now stands: a meeting moved since takes
    the agreement with it (its row keeps the day the meeting was on then, as every row of the record is kept)."""
    by_id = {m.meeting_id: m for m in meetings(con, cancelled=True)}
    where, params = ("WHERE meeting_id = ?", [int(meeting_id)]) if meeting_id is not None else ("", [])
    rows = con.execute(
        "SELECT action_id, meeting_id, question_id, body, owner, due_meeting_id, due_on, created_by, created_at "
        f"FROM board_action {where} ORDER BY action_id", params).fetchall()
    held = {r[0]: r[4] for r in rows}  # who holds each, as its updates are read: the owner each handover took over
    agreed_on = {r[0]: by_id[r[1]].held_on for r in rows}
    updates: dict[int, list[ActionUpdate]] = {}
    for a_id, status, note, on_day, *rest, due_meeting_id, due_on, owner in con.execute(
            "SELECT action_id, status, note, on_day, updated_by, updated_at, due_meeting_id, due_on, owner "
            "FROM action_update ORDER BY update_id").fetchall():
        if a_id not in updates and a_id in agreed_on:  # its agreement: on the meeting's day
            on_day = agreed_on[a_id]
        due_meeting = by_id.get(due_meeting_id) if due_meeting_id is not None else None
        updates.setdefault(a_id, []).append(ActionUpdate(status, note, on_day, *rest, due_meeting=due_meeting,
                                                         due_on=due_on, owner=owner,
                                                         from_owner=held.get(a_id) if owner is not None else None))
        if owner is not None:
            held[a_id] = owner
    withdrawn = withdrawals(con)
    return [Action(r[0], by_id[r[1]], r[2], r[3], r[4], by_id.get(r[5]) if r[5] is not None else None, r[6], r[7],
                   r[8], updates=updates.get(r[0], []),
                   question_withdrawn_on=withdrawn[r[2]].on_day if r[2] in withdrawn else None) for r in rows]
