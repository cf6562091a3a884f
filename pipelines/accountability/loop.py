"""What a meeting opens with: what was asked last time, what came back, the decisions taken, and everything still
open or overdue from earlier meetings, with the figures each question was about then and now.

The overview page and the briefing pack both read `carried_forward`, so they say the same thing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb

from ..catalogue import catalogue
from ..plan.narrative import format_number, time_phrase
from ..plan.periods import month_label, month_number
from ..plan.spc import variation_words
from .records import OPEN_DECISIONS, Action, Decision, Meeting, Question, actions, decisions, meetings, questions


def figures_for(analytics, measure_id: str, area: str, month: object) -> list[dict]:
    """The figures a question is about, as they stand for `month`: the month's value, the 12 months to it and
    the variation, each {"label", "text"} (and "value" for a number), ready to keep with the question."""
    if analytics is None or month is None or measure_id is None:
        return []
    m = catalogue().get(measure_id)
    # the measure's figures whichever plan is in force: one the month's plan leaves out is followed all the same
    status = analytics.measure_status(month, measure_id, area)
    if status is None:
        return []
    label = month_label(month_number(status.month))
    out = [{"label": label, "value": status.value,
            "text": "no figure" if status.value is None else format_number(status.value, m)}]
    if status.rolling12 is not None:
        out.append({"label": f"12 months to {label}", "value": status.rolling12,
                    "text": format_number(status.rolling12, m) + ("" if status.rolling12_complete else
                                                                  " (months missing)")})
    if status.variation not in ("no data",):
        out.append({"label": "Variation", "text": variation_words(status.variation_icon,
                                                                  judged=status.variation != "too few months")})
    return out


ROLLING = "12 months to "


def _a_level(measure) -> bool:
    """A stock (live investigations), or a percentage of one (officers trained of the headcount): a level at the end
    of a month, which a period is said at its last month, never added up (pipelines.plan.narrative.time_phrase)."""
    return time_phrase(measure, "").startswith("at the end of")


def _revised(then: dict, now: dict | None) -> str:
    """", since revised to 9" for a figure kept with a question ("2") that a later load has revised: the question
    was put about the figure as it was, and the Board should know it is not what it reads now. Empty otherwise."""
    if now is None or "value" not in then or "value" not in now:
        return ""
    was, is_now = then["value"], now["value"]
    if was is None and is_now is None:
        return ""
    if was is not None and is_now is not None and math.isclose(float(was), float(is_now), rel_tol=1e-9):
        return ""
    return ", no figure now" if is_now is None else f", since revised to {now['text']}"


def figures_line(figures: list[dict], measure_id: str | None = None, now: list[dict] | None = None) -> str:
    """"July 2015: 12; 12 months to July 2015: 54; Variation: Common cause" for a count. A stock is said as its
    level at the end of the month ("at the end of March 2026: 113"), without its 12 months, which are that same
    level, not a total; a percentage's 12 months are said across them ("across the 12 months to March 2026:
    26.6%"). `measure_id` is the measure the figures are of (kept with the question); without it they are said
    as kept. `now` is the same figures as they stand today (`figures_for` the question's month): a figure revised
    since is said with what it is now ("July 2015: 2, since revised to 9")."""
    measure = catalogue().by_id.get(measure_id) if measure_id else None
    level = measure is not None and _a_level(measure)
    current = {f["label"]: f for f in now or []}
    out = []
    for f in figures:
        label = f["label"]
        revised = _revised(f, current.get(label))
        if label.startswith(ROLLING) and measure is not None:
            if level:
                continue
            if measure.kind == "percentage":
                label = f"across the {label}"
        elif "value" in f and level:  # the month's figure
            label = f"at the end of {label}"
        out.append(f"{label}: {f['text']}{revised}")
    return "; ".join(out)


def question_figures(question: Question, analytics=None) -> str:
    """The figures a question was about, as they were when it was put, each one revised since said with what it is
    now (from `analytics`, the figures as they stand; without it, as kept)."""
    now = (figures_for(analytics, question.measure, question.area, question.period)
           if question.measure and question.period else [])
    return figures_line(question.figures, question.measure, now)


@dataclass
class CarriedQuestion:
    question: Question
    then: str            # the figures as they stood when asked
    now: str             # the same figures for this meeting's month ("" when it has none)


@dataclass
class Loop:
    """What a meeting on `held_on` opens with. Empty lists where there is nothing to say."""

    held_on: dt.date
    previous: Meeting | None                                   # the latest meeting of the same kind before it
    asked_last_time: list[CarriedQuestion] = field(default_factory=list)
    still_open: list[CarriedQuestion] = field(default_factory=list)   # from earlier meetings, not yet settled
    # put at a meeting before the previous one and answered at the previous one (listed there, not as still open)
    answered_last_time: list[CarriedQuestion] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)          # taken at the previous meeting or since
    open_actions: list[Action] = field(default_factory=list)         # not closed, due later
    overdue_actions: list[Action] = field(default_factory=list)      # not closed, due before this meeting
    closed_since: list[Action] = field(default_factory=list)         # closed since the previous meeting
    reopened_since: list[Action] = field(default_factory=list)  # of the open and overdue, those reopened since it
    follow_ups: list[Decision] = field(default_factory=list)  # to be looked at again by now, and not decided on since
    cancelled_since: list[Meeting] = field(default_factory=list)  # of its series, called off since the previous one

    @property
    def empty(self) -> bool:
        """Nothing to carry into the meeting: no previous meeting of its series and not one thing of any list (a
        decision taken since, or a meeting called off since, is carried as a question or an action is)."""
        return self.previous is None and not any(
            (self.asked_last_time, self.still_open, self.answered_last_time, self.decisions, self.open_actions,
             self.overdue_actions, self.closed_since, self.reopened_since, self.follow_ups, self.cancelled_since))


def same_series(a: Meeting, b: Meeting) -> bool:
    """Two meetings of one series: Boards; one district's quarterly reports; themed sessions on one theme."""
    if a.kind != b.kind:
        return False
    if a.kind == "district":
        return a.district == b.district
    if a.kind == "themed":
        return a.title.casefold() == b.title.casefold()
    return True


def _settled_before(q: Question, held_on: dt.date, earlier: set[int]) -> bool:
    """``Question.settled`` as a meeting on `held_on` opens: an answer given that day or later, or a decision taken
    at it or at a later meeting, does not yet settle it (a pack made again for a Board already held lists what was
    still open when it opened, as it says the answers, decisions and actions). One withdrawn before that day is
    settled: nothing more is asked of it."""
    if q.withdrawn_before(held_on):
        return True
    answers = [a for a in q.answers if a.state != "answered" or a.answered_on < held_on]
    decided = [d for d in q.decisions if d.meeting_id in earlier]
    a, d = (answers[-1] if answers else None), (decided[-1] if decided else None)
    return a is not None and a.state == "answered" and d is not None and d.decision not in OPEN_DECISIONS


def previous_meeting(held: list[Meeting], held_on: dt.date, *, kind: str = "pab",
                     meeting: Meeting | None = None) -> Meeting | None:
    """Of the meetings `held` (in the order held), the last before `held_on` of the series of a meeting of `kind` on
    that day, or of the `meeting` given (a district's quarterly report, a themed session): the "last meeting" a pack
    goes back to."""
    same = [m for m in held if m.held_on < held_on
            and (same_series(m, meeting) if meeting is not None else m.kind == kind)]
    return same[-1] if same else None


def carried_forward(con: duckdb.DuckDBPyConnection, held_on: dt.date, *, kind: str = "pab",
                    analytics=None, month: object = None, meeting: Meeting | None = None) -> Loop:
    """The loop as it stands for a meeting of `kind` on `held_on` (recorded or not yet): the previous meeting
    of that kind, its questions and what came back, the decisions since, questions from any earlier meeting
    not yet settled, and every action from an earlier meeting still open (overdue ones apart) or closed since.
    `month` is the meeting's reporting month, for the figures now (none without `analytics`). Given the
    `meeting` recorded (a district's quarterly report, a themed session), the previous meeting is the last of its
    own series: that district's last report, the last session on its theme."""
    before = [m for m in meetings(con) if m.held_on < held_on]
    previous = previous_meeting(before, held_on, kind=kind, meeting=meeting)
    earlier_ids = {m.meeting_id for m in before}
    loop = Loop(held_on, previous)
    # a meeting of its series called off since the previous one: the pack says a Board was missed, and why
    loop.cancelled_since = [m for m in meetings(con, cancelled=True) if m.cancelled and m.held_on < held_on
                            and (previous is None or m.held_on > previous.held_on)
                            and (same_series(m, meeting) if meeting is not None else m.kind == kind)]

    def carried(q: Question) -> CarriedQuestion:
        then = question_figures(q, analytics)
        now = figures_line(figures_for(analytics, q.measure, q.area, month), q.measure) if q.measure and month else ""
        return CarriedQuestion(q, then, now if now != then else "")

    asked = questions(con)
    for q in asked:
        if q.meeting.meeting_id not in earlier_ids:
            continue
        if previous is not None and q.meeting.meeting_id == previous.meeting_id:
            loop.asked_last_time.append(carried(q))
        elif previous is not None and any(a.meeting_id == previous.meeting_id for a in q.answers):
            loop.answered_last_time.append(carried(q))
        elif not _settled_before(q, held_on, earlier_ids):
            loop.still_open.append(carried(q))
    since = previous.held_on if previous else None
    held = {m.meeting_id: m.held_on for m in before}
    taken = [d for d in decisions(con) if d.meeting_id in held]
    loop.decisions = [d for d in taken if since is None or held[d.meeting_id] >= since]
    # a decision to be looked at again by this meeting is carried to it, and to every later one, until the
    # Commissioner decides on its question or theme again (its latest decision then stands instead), or its question
    # is withdrawn: nothing more is asked of it
    latest: dict[tuple, Decision] = {}
    for d in sorted(taken, key=lambda d: (held[d.meeting_id], d.decision_id)):
        latest[("question", d.question_id) if d.question_id is not None else ("theme", d.theme)] = d
    withdrawn = {q.question_id for q in asked if q.withdrawn_before(held_on)}
    loop.follow_ups = [d for d in latest.values() if d.follow_up is not None and d.follow_up <= held_on
                       and d.question_id not in withdrawn]
    for a in actions(con):
        if a.meeting.meeting_id not in held:
            continue
        a = a.as_of(held_on)  # as it stood when this meeting opened: what was done at or after it comes later
        if a.closed:
            if since is None or a.closed_on >= since:  # closed since the last meeting: said once, then dropped
                loop.closed_since.append(a)
        elif a.overdue(held_on):
            loop.overdue_actions.append(a)
        else:
            loop.open_actions.append(a)
        if a.reopened is not None and (since is None or a.reopened.on_day >= since):
            loop.reopened_since.append(a)  # perhaps listed as closed last time: open again, and said so
    return loop
