"""What a meeting already asked: each drafted question weighed against the questions put at earlier meetings on its
measure and area, so that the pack never reads a question already put as new.

A draft on a measure and area with a question still open as the meeting opens (not answered, an answer awaited, no
decision yet, awaiting evidence, or not assured) is kept and says so, pointing to that question by its number
("pccdash meetings show" gives it). One on a question answered and decided (assured or partly assured), or
withdrawn, is not drafted again unless its figures have moved since: the month's figure further the way the question
is about, or its variation changed, which it then says. One on a measure and area with no question put, drafted for an
earlier meeting and left out of the questions the office saved for its pack, says so: it was weighed and not put then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ..accountability import Meeting, Question, figures_for, meetings, questions
from ..accountability.records import OPEN_DECISIONS
from .notes import saved_questions
from .questions import DraftQuestion


@dataclass(frozen=True)
class Weighed:
    """A draft as weighed against the record: whether to put it, and what the pack says of the earlier question."""

    keep: bool
    note: str = ""


@dataclass
class AskedBefore:
    """The questions put at meetings held before `held_on`, as that meeting opens, and the figures for its reporting
    `month` (from `analytics`) to tell whether a question's figures have moved since it was put."""

    held_on: dt.date
    asked: list[Question] = field(default_factory=list)
    held: dict[int, Meeting] = field(default_factory=dict)
    analytics: object = None
    month: object = None
    left_out: dict[tuple[str, str], Meeting] = field(default_factory=dict)  # (measure, area) -> the latest meeting
    # held before whose pack's questions, as saved for its reporting month, left out the draft on them

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, held_on: dt.date, *, analytics=None,
             month: object = None) -> AskedBefore:
        held = {m.meeting_id: m for m in meetings(con) if m.held_on < held_on}
        asked = [q for q in questions(con) if q.meeting.meeting_id in held and q.measure and q.area]
        left_out, saved = {}, {}
        for m in held.values():  # earliest first; a month's list is the one its meeting's pack is made again with
            if m.reporting_month is None or m.reporting_month == month:  # this meeting's own list: being made
                continue
            if m.reporting_month not in saved:
                saved[m.reporting_month] = saved_questions(con, m.reporting_month)
            for d in saved[m.reporting_month].left_out if saved[m.reporting_month] else ():
                left_out[(d.measure, d.area)] = m
        return cls(held_on, asked, held, analytics, month, left_out)

    def earlier(self, draft: DraftQuestion) -> Question | None:
        """The latest question put before on the draft's measure and its lead area."""
        same = [q for q in self.asked if q.measure == draft.measure_id and q.area == draft.areas[0]]
        return max(same, key=lambda q: (q.meeting.held_on, q.question_id)) if same else None

    def weigh(self, draft: DraftQuestion) -> Weighed:
        q = self.earlier(draft)
        if q is None:
            left = self.left_out.get((draft.measure_id, draft.areas[0]))
            return Weighed(True, f"Drafted before, for the {left.label}, and left out of its questions." if left
                           else "")
        answer, decision = self._as_it_stood(q)
        withdrawn = q.withdrawn_before(self.held_on)  # settled as much as one answered and decided
        where = (q.withdrawal.sentence[:1].lower() + q.withdrawal.sentence[1:] if withdrawn
                 else self._where(answer, decision))
        asked = f"Asked before, at the {q.meeting.label} (question {q.question_id})"
        if not withdrawn and (answer is None or answer.state != "answered" or decision is None
                              or decision.decision in OPEN_DECISIONS):
            return Weighed(True, f"{asked}, and still open: {where}.")
        if not q.figures:
            return Weighed(True, f"{asked}: {where}; no figures were kept with it to tell whether they have moved.")
        moved = self._moved(q, draft)
        if not moved:
            return Weighed(False, f"{asked}: {where}; its figures have not moved since.")
        return Weighed(True, f"{asked}: {where}. Since then {moved}.")

    def _as_it_stood(self, q: Question):
        """Its answer and decision as the meeting opens: one given on its day or later is not yet said."""
        answers = [a for a in q.answers if a.state != "answered" or a.answered_on < self.held_on]
        decided = [d for d in q.decisions if d.meeting_id in self.held]
        return (answers[-1] if answers else None), (decided[-1] if decided else None)

    def _where(self, answer, decision) -> str:
        if answer is None:
            said = "no answer recorded yet"
        else:
            said = answer.words(self.held_on)
            said = said[0].lower() + said[1:]
        if answer is not None and answer.state == "answered":
            said += f"; decision: {decision.words}" if decision is not None else "; no decision yet"
        return said

    def _moved(self, q: Question, draft: DraftQuestion) -> str:
        """How the figures the question was put about have moved since, the way the draft is about: "the figure
        for April 2026 is 0, against 1 for March 2026 when asked"; "" when they have not (or cannot be told)."""
        now = figures_for(self.analytics, draft.measure_id, draft.areas[0], self.month)
        if not now:
            return ""
        then_month, now_month = q.figures[0], now[0]
        out = []
        was, is_now = then_month.get("value"), now_month.get("value")
        if (was is not None and is_now is not None and draft.direction
                and (float(is_now) - float(was)) * draft.direction > 0 and then_month["text"] != now_month["text"]):
            out.append(f"the figure for {now_month['label']} is {now_month['text']}, against "
                       f"{then_month['text']} for {then_month['label']} when asked")
        var_then = next((f["text"] for f in q.figures if f["label"] == "Variation"), None)
        var_now = next((f["text"] for f in now if f["label"] == "Variation"), None)
        if var_then and var_now and var_then != var_now:
            out.append(f"its variation is {var_now}, against {var_then} when asked")
        return "; ".join(out)
