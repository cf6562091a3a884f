"""The "Since the last meeting" section: the accountability loop as a meeting's overview and pack open with it,
decided once for every format (the page, HTML, PDF, Word): what was asked last time and what came back, the
questions still open from earlier meetings, the decisions, the actions overdue and open, and those closed since.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from ..accountability import (
    ACTION_STATUSES,
    DECISIONS,
    EVIDENCE_KINDS,
    Action,
    Answer,
    Decision,
    Loop,
    Meeting,
    Question,
    carried_forward,
    meetings,
    questions,
)
from ..accountability.loop import CarriedQuestion
from ..accountability.records import meeting_name
from ..catalogue import catalogue, counted
from ..flags import day_words
from .model import LoopSection, LoopTable

HEADING = "Since the last meeting"
EMPTY = "No earlier meeting is recorded: record meetings, questions and actions on the Meetings page."
EMPTY_SHORT = "No earlier meeting is recorded: record them on the Meetings page."
# A cell of the pack shows this much of a long answer, rationale or note; the record keeps it whole.
EXCERPT = 600
IN_FULL = " … (in full on the Meetings page)"
# A question printed above in the section is named again by its number and at most this many of its first words
# (and characters): enough to tell apart questions that open alike.
OPENING_WORDS = 6
OPENING = 40

QUESTION_COLUMNS = ["Question", "Where it stands", "Figures then", "Figures now"]
QUESTION_WIDTHS = [0.32, 0.28, 0.2, 0.2]
ACTION_COLUMNS = ["Action", "Owner", "Due", "Status", "Agreed at"]
ACTION_WIDTHS = [0.28, 0.17, 0.19, 0.18, 0.18]
DECISION_COLUMNS = ["On", "Decision", "Rationale", "Evidence considered", "Decided"]
DECISION_WIDTHS = [0.24, 0.11, 0.25, 0.22, 0.18]


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    """Typed text as a table cell shows it: whole when short, else cut at a word and said to be cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + IN_FULL


def _as_it_stood(q: Question, as_of: dt.date, held: dict[int, Meeting]) -> tuple[Answer | None, Decision | None]:
    """A question's answer and decision as a meeting on `as_of` opens: one given at it or later is not yet said."""
    answers = [a for a in q.answers if a.state != "answered" or a.answered_on < as_of]
    decided = [d for d in q.decisions if d.meeting_id in held and held[d.meeting_id].held_on < as_of]
    return (answers[-1] if answers else None), (decided[-1] if decided else None)


def _sentence(text: str) -> str:
    """Typed text ended as a sentence, for another to follow it: "... at strength" -> "... at strength."."""
    return text if text.rstrip().endswith((".", "!", "?", ")")) else text.rstrip() + "."


def _stands(q: Question, as_of: dt.date, held: dict[int, Meeting]) -> str:
    """Where a question stands, and what came back: "Answered by ACC Jones on 2 September 2015: ... No decision on it
    yet."; one withdrawn before the meeting opened says so first ("Withdrawn on 3 June 2026 by analyst@example.org:
    put by mistake.")."""
    answer, decision = _as_it_stood(q, as_of, held)
    withdrawn = f"{q.withdrawal.sentence}." if q.withdrawn_before(as_of) else ""
    late_by = None if withdrawn else as_of  # an answer awaited of a question withdrawn is awaited no more: not late
    if answer is None:
        text = withdrawn or "No answer recorded yet."
        withdrawn = ""
    elif answer.state == "answered":
        text = f"{answer.words(as_of)}: {excerpt(answer.body)}"
        if answer.document_name:
            text += f" (document: {answer.document_name})"
    else:
        text = answer.words(late_by) + (f": {excerpt(answer.body)}" if answer.body else ".")
    if decision is not None:
        text = _sentence(text) + f" Decision: {decision.words}."
    elif answer is not None and answer.state == "answered" and not withdrawn:
        # what it waits for: answered, it is carried until the Commissioner decides on it (one on a theme is not)
        text = _sentence(text) + " No decision on it yet."
    return f"{withdrawn} {text}" if withdrawn else text


def _figures(cq: CarriedQuestion) -> tuple[str, str]:
    q = cq.question
    if not q.measure or not cq.then:
        return "No figures kept with it", "n/a"
    m = catalogue().get(q.measure)
    about = f"{m.short_name or m.name}, {q.area}: "
    return about + cq.then, (about + cq.now) if cq.now else "Unchanged"


def _question_row(cq: CarriedQuestion, as_of: dt.date, held: dict[int, Meeting], *, at: bool) -> list[str]:
    q = cq.question
    # the meeting's date set off by commas, as a decisions table's heading "(taken at the ..., 20 August 2015)" is
    asked = f"Asked at the {q.meeting.label}, by {q.asker}" if at else f"Asked by {q.asker}"
    then, now = _figures(cq)
    return [f"{q.body}\n({asked}.)", _stands(q, as_of, held), then, now]


def _due(a: Action) -> str:
    now = a.due_meeting.label if a.due_meeting else day_words(a.due_on)
    if not a.due_moved:
        return now
    first = a.first_due_words.removeprefix("by ") if a.agreed_due_meeting else day_words(a.agreed_due_on)
    return f"{now} (first due by {first})"


def _action_status(a: Action, as_of: dt.date, since: dt.date | None = None) -> str:
    """"Overdue: reopened on 3 June 2026 (the report covered Sheffield only)": where an action stands and its latest
    update; one reopened since the last meeting (`since`) says so, whatever came after, as the last pack may have
    listed it as closed. One whose question was withdrawn says so first: it is followed up on its own until closed,
    and the Board may close it or keep it knowingly."""
    state = "Overdue" if a.overdue(as_of) else ACTION_STATUSES[a.status]
    said = [a.question_withdrawn_words] if a.question_withdrawn_words else []
    if len(a.updates) > 1:
        latest, reopened = a.updates[-1], a.reopened
        if reopened is not None and (reopened is latest or since is None or reopened.on_day >= since):
            said.append(f"reopened on {day_words(reopened.on_day)} ({excerpt(reopened.note)})")
        if reopened is not latest:
            # the Due column gives the date a move set, and the Owner column who holds it: the status says it moved,
            # or was handed over from whom, and why
            said.append(f"due date moved ({excerpt(latest.note)})" if latest.moves_due else
                        f"handed over from {latest.from_owner} ({excerpt(latest.note)})" if latest.hands_over else
                        excerpt(latest.text))
    return f"{state}: {'; '.join(said)}" if said else state


def _action_row(a: Action, as_of: dt.date, since: dt.date | None = None) -> list[str]:
    return [a.body, a.owner_words, _due(a), _action_status(a, as_of, since), a.meeting.label]


def _evidence(d: Decision) -> str:
    return "; ".join(f"{EVIDENCE_KINDS.get(e.get('kind'), 'Evidence')}: {excerpt(e.get('text'), 300)}"
                     for e in d.evidence) or "None given (awaiting evidence)."


def _looked_at_again(decisions: list[Decision], held: dict[int, Meeting]) -> dict[int, Meeting]:
    """Of `decisions`, those followed by a later decision on the same question or theme among them: each decision's
    number -> the meeting that took the next one (its "to be looked at again" was done, not overdue)."""
    def when(d: Decision) -> tuple:
        meeting = held.get(d.meeting_id)
        return (meeting.held_on if meeting else dt.date.max, d.decision_id)

    out: dict[int, Meeting] = {}
    ordered = sorted(decisions, key=when)
    for n, d in enumerate(ordered):
        key = ("question", d.question_id) if d.question_id is not None else ("theme", d.theme)
        later = next((e for e in ordered[n + 1:]
                      if (("question", e.question_id) if e.question_id is not None else ("theme", e.theme)) == key),
                     None)
        if later is not None and later.meeting_id in held:
            out[d.decision_id] = held[later.meeting_id]
    return out


def _named(q: Question) -> str:
    """A question printed above, named where it comes again by its number and first words: 'Question 3: "Why did
    charges fall in Rotherham…" (above)'; a 45-word question quoted whole again would fill its column twice."""
    words = " ".join(q.body.split())
    start = ""
    for word in words.split(" ")[:OPENING_WORDS]:
        if start and len(start) + 1 + len(word) > OPENING:
            break
        start = f"{start} {word}" if start else word[:OPENING]
    return f'Question {q.question_id}: "{start}{"" if start == words else "…"}" (above)'


def _decision_row(d: Decision, asked: dict[int, Question], as_of: dt.date | None = None,
                  again: dict[int, Meeting] | None = None, above: set[int] | None = None) -> list[str]:
    """A decision's row; one on a question among `above` (those the section has printed so far) names it briefly,
    one on another quotes it, which adds it to `above` for the rows after."""
    q = asked.get(d.question_id) if d.question_id is not None else None
    if q is not None and above is not None and q.question_id in above:
        on = _named(q)
    elif q is not None:
        on = excerpt(q.body, 300)
        if above is not None:
            above.add(q.question_id)
    elif d.question_id is not None:
        on = f"Question {d.question_id}"
    else:
        on = f"Theme: {d.theme}"
    who = f"By {d.decided_by}"  # the meeting it was taken at is said once, in its table's heading
    if d.follow_up:
        looked = (again or {}).get(d.decision_id)
        # a question withdrawn since asks nothing more: its decision is not looked at again, nor late
        withdrawn = q is not None and as_of is not None and q.withdrawn_before(as_of)
        who += f"; to be looked at again by {day_words(d.follow_up)}" + (
            f" (looked at again at the {looked.label})" if looked is not None else
            f" (not needed: the question was withdrawn on {day_words(q.withdrawal.on_day)})" if withdrawn else
            " (overdue)" if as_of is not None and d.follow_up < as_of else "")
    return [on, DECISIONS[d.decision], excerpt(d.rationale), _evidence(d), who + "."]


def _decision_tables(heading: str, decisions: list[Decision], held: dict[int, Meeting], row,
                     none: str = "") -> list[LoopTable]:
    """The `decisions` in one table for each meeting they were taken at, earliest first, the meeting said once in its
    heading ("Decisions since the last meeting (taken at the Public Accountability Board, 20 August 2015)") rather
    than in every row; `row` makes a decision's row, in the order printed. With no decisions, one table saying
    `none`."""
    if not decisions:
        return [LoopTable(heading, DECISION_COLUMNS, [], DECISION_WIDTHS, none=none)]
    at: dict[int | None, list[Decision]] = {}
    for d in decisions:
        at.setdefault(d.meeting_id if d.meeting_id in held else None, []).append(d)
    ordered = sorted(at.items(), key=lambda kv: (kv[0] is None, held[kv[0]].held_on if kv[0] is not None else None))
    return [LoopTable(f"{heading} (taken at the {held[m].label})" if m is not None else heading, DECISION_COLUMNS,
                      [row(d) for d in taken], DECISION_WIDTHS) for m, taken in ordered]


def _actions_said(overdue: int, still_open: int) -> str:
    """The actions carried, overdue and open (not yet due), with none said in words: "2 actions overdue, 1 open",
    "1 action overdue, no other open", "3 actions open, none overdue", "No action is open or overdue"."""
    if overdue and still_open:
        return f"{counted(overdue, 'action')} overdue, {still_open} open"
    if overdue:
        return f"{counted(overdue, 'action')} overdue, no other open"
    if still_open:
        return f"{counted(still_open, 'action')} open, none overdue"
    return "No action is open or overdue"


def _decisions_split(loop: Loop) -> tuple[list[Decision], list[Decision]]:
    """The decisions since the last meeting as the section lists them: those not due to be looked at again by this
    meeting, and those that are (said once, under "Decisions due to be looked at again", where the Commissioner
    takes them up: one taken last time and due again by now is not said twice)."""
    due = {d.decision_id for d in loop.follow_ups}
    return ([d for d in loop.decisions if d.decision_id not in due],
            [d for d in loop.decisions if d.decision_id in due])


def counts(loop: Loop, held: dict[int, Meeting]) -> str:
    """"2 actions overdue, 1 open; 3 questions asked last time (1 withdrawn since), 1 still awaiting an answer" (and
    what else there is: questions still open from earlier, decisions, actions closed and reopened since). A count of
    none is said in words: "No action is open or overdue; no question was asked at the last meeting"."""
    parts = [_actions_said(len(loop.overdue_actions), len(loop.open_actions))]
    if loop.previous is not None:
        # one withdrawn before this meeting awaits nothing, and is counted apart, as "pccdash meetings" counts it
        withdrawn = sum(1 for cq in loop.asked_last_time if cq.question.withdrawn_before(loop.held_on))
        answers = [_as_it_stood(cq.question, loop.held_on, held)[0] for cq in loop.asked_last_time
                   if not cq.question.withdrawn_before(loop.held_on)]
        waiting = sum(1 for a in answers if a is None or a.state != "answered")
        if not loop.asked_last_time:
            parts.append("no question was asked at the last meeting")
        else:
            parts.append(f"{counted(len(loop.asked_last_time), 'question')} asked last time"
                         + (f" ({withdrawn} withdrawn since)" if withdrawn else "")
                         + f", {waiting or 'none'} still awaiting an answer")
    if loop.answered_last_time:
        parts.append(f"{counted(len(loop.answered_last_time), 'question')} from earlier meetings answered last time")
    # in the order the section's tables come: the questions, then the decisions
    if loop.still_open:
        parts.append(f"{counted(len(loop.still_open), 'question')} still open from earlier meetings")
    since, again = _decisions_split(loop)
    if since:
        parts.append(f"{counted(len(since), 'decision')} since")
    if loop.closed_since:
        parts.append(f"{counted(len(loop.closed_since), 'action')} closed since")
    if loop.reopened_since:
        parts.append(f"{counted(len(loop.reopened_since), 'action')} reopened since")
    if loop.follow_ups:
        taken = ("taken since the last meeting" if len(again) == len(loop.follow_ups) else
                 f"{len(again)} taken since the last meeting")
        parts.append(f"{counted(len(loop.follow_ups), 'decision')} due to be looked at again"
                     + (f" ({taken})" if again else ""))
    parts += [f"the {m.named} was cancelled ({m.cancel.reason.rstrip().rstrip('.')})" for m in loop.cancelled_since]
    return "; ".join(parts)


def loop_section(loop: Loop, asked: dict[int, Question] | None = None,
                 held: dict[int, Meeting] | None = None, *, empty: str = EMPTY) -> LoopSection:
    """The section for a meeting from what it opens with (pipelines.accountability.carried_forward); ``asked``
    and ``held`` name the questions and meetings a decision was on and taken at; ``empty`` is what it says when
    there is nothing to carry."""
    if loop.empty:
        return LoopSection(HEADING, "", empty=empty)
    asked, held = asked or {}, held or {}
    as_of = loop.held_on
    again = _looked_at_again(loop.decisions, held)  # a follow-up done by a later decision is not overdue
    tables: list[LoopTable] = []
    above: set[int] = set()  # the questions printed so far, in the section's order: a decision names these briefly
    if loop.previous is not None:
        above |= {cq.question.question_id for cq in [*loop.asked_last_time, *loop.answered_last_time]}
        tables.append(LoopTable(f"Asked at the last meeting ({loop.previous.label})", QUESTION_COLUMNS,
                                [_question_row(cq, as_of, held, at=False) for cq in loop.asked_last_time],
                                QUESTION_WIDTHS, none="No question was recorded at it."))
        if loop.answered_last_time:
            tables.append(LoopTable("Answered at the last meeting, asked at earlier ones", QUESTION_COLUMNS,
                                    [_question_row(cq, as_of, held, at=True) for cq in loop.answered_last_time],
                                    QUESTION_WIDTHS))
    if loop.still_open:
        # every question before the decisions, each printed whole once: a decision on one names it briefly
        above |= {cq.question.question_id for cq in loop.still_open}
        tables.append(LoopTable("Still open from earlier meetings", QUESTION_COLUMNS,
                                [_question_row(cq, as_of, held, at=True) for cq in loop.still_open], QUESTION_WIDTHS))
    since_only, due_again = _decisions_split(loop)
    none = "No assurance decision is recorded since." if not due_again else (
        f"No other assurance decision is recorded since: the {'one' if len(due_again) == 1 else 'ones'} taken since "
        f"and due to be looked at again by this meeting {'is' if len(due_again) == 1 else 'are'} under \"Decisions "
        "due to be looked at again\".")
    tables += _decision_tables("Decisions since the last meeting", since_only, held,
                               lambda d: _decision_row(d, asked, as_of, again, above), none=none)
    if loop.follow_ups:
        tables += _decision_tables("Decisions due to be looked at again", loop.follow_ups, held,
                                   lambda d: _decision_row(d, asked, as_of, above=above))
    since = loop.previous.held_on if loop.previous is not None else None
    tables.append(LoopTable("Actions overdue", ACTION_COLUMNS,
                            [_action_row(a, as_of, since) for a in loop.overdue_actions],
                            ACTION_WIDTHS, none="No action is overdue."))
    tables.append(LoopTable("Actions open", ACTION_COLUMNS, [_action_row(a, as_of, since) for a in loop.open_actions],
                            ACTION_WIDTHS,
                            none="No other action is open." if loop.overdue_actions else "No action is open."))
    if loop.closed_since:
        tables.append(LoopTable("Actions closed since the last meeting", ["Action", "Owner", "Closed", "Closing note"],
                                [[a.body, a.owner, f"On {day_words(a.closed_on)} by {a.updates[-1].updated_by}",
                                  excerpt(a.updates[-1].note)]
                                 for a in loop.closed_since], [0.34, 0.14, 0.2, 0.32]))
    overdue = [f"{a.body} (owner {a.owner}; due {_due(a)})" for a in loop.overdue_actions]
    return LoopSection(HEADING, counts(loop, held), tables, overdue=overdue)


def put_to_meeting(con: duckdb.DuckDBPyConnection, held_on: dt.date, already: list[str],
                   meeting: Meeting | None = None, notes: dict[str, str] | None = None) -> list[str]:
    """The questions the record already holds for the Board on `held_on` (or for the `meeting` given: a district's
    quarterly report, a themed session) (the office's own, one from the public accepted for it) that are not among
    `already`, each saying where it came from: the pack carries them with its own, or a question accepted for the
    meeting would be missing from the pack taken into it. `notes`: what the pack says after a question of the same
    words put at an earlier meeting on its measure and area (pipelines.briefing.asked)."""
    from ..accountability.records import SOURCES

    def for_it(m: Meeting) -> bool:
        return m.meeting_id == meeting.meeting_id if meeting is not None else (m.held_on == held_on and
                                                                               m.kind == "pab")

    known = {" ".join(q.split()) for q in already}
    out = []
    for q in questions(con):
        if q.withdrawal is not None and q.withdrawal.on_day <= q.meeting.held_on:  # taken off by its day: not put
            continue
        if for_it(q.meeting) and " ".join(q.body.split()) not in known:
            known.add(" ".join(q.body.split()))
            note = (notes or {}).get(q.body)
            out.append(f"{q.body} (Put to this meeting: {SOURCES[q.source]}." + (f" {note}" if note else "") + ")")
    return out


def series_words(meeting: Meeting) -> str:
    """A meeting's series in a sentence: "Rotherham quarterly report", "themed scrutiny session on Online
    grooming", "Public Accountability Board"."""
    name = meeting_name(meeting.kind, meeting.title)
    return name[0].lower() + name[1:] if meeting.kind == "themed" else name


def since_last_meeting(con: duckdb.DuckDBPyConnection, held_on: dt.date, *, analytics=None,
                       month: object = None, meeting: Meeting | None = None) -> LoopSection:
    """The section for a Board meeting on `held_on` (or for the `meeting` given, a district's quarterly report or a
    themed session, going back to the last of its own series), with each question's figures now for its reporting
    `month` (from `analytics`)."""
    loop = carried_forward(con, held_on, analytics=analytics, month=month, meeting=meeting)
    empty = EMPTY if meeting is None or meeting.kind == "pab" else (
        f"No earlier {series_words(meeting)} is recorded, and nothing from earlier meetings is still open.")
    return loop_section(loop, {q.question_id: q for q in questions(con)}, {m.meeting_id: m for m in meetings(con)},
                        empty=empty)
