"""Closing the accountability loop.

Holding the force to account runs in a loop, kept here with the figures: the office records each meeting
(the monthly Public Accountability Board, a district's quarterly report, a themed scrutiny session); the
questions put to the force there, drafted from the figures, written by the office or sent in by the public,
each kept with the figures it was about; what the force answered, or that an answer is awaited by a date;
the Commissioner's assurance decision (assured, partly assured, not assured, awaiting evidence) with the
rationale and the evidence considered; and the actions agreed, each with an owner and a due meeting or date,
carried forward to every later meeting until closed with a note. The next meeting's overview and pack open
with what was asked last time, what came back, the decisions, and what is still open or overdue.

`records` keeps the record, `loop` reads what a meeting opens with.
"""

from .loop import Loop, carried_forward, figures_for, figures_line, question_figures
from .records import (
                      ACTION_STATUSES,
                      DECISIONS,
                      EVIDENCE_KINDS,
                      KINDS,
                      PUBLIC_ASKER,
                      Action,
                      Answer,
                      Decision,
                      LoopError,
                      Meeting,
                      Move,
                      NotFound,
                      Question,
                      Withdrawal,
                      actions,
                      add_action,
                      add_meeting,
                      ask,
                      await_answer,
                      cancel_meeting,
                      decide,
                      decisions,
                      get_meeting,
                      hand_over_action,
                      meetings,
                      move_action_due,
                      move_meeting,
                      moves,
                      open_meeting,
                      questions,
                      record_answer,
                      reopen_action,
                      update_action,
                      withdraw_question,
)

__all__ = ["ACTION_STATUSES", "DECISIONS", "EVIDENCE_KINDS", "KINDS", "PUBLIC_ASKER", "Action", "Answer", "Decision",
           "Loop", "LoopError", "Meeting", "Move", "NotFound", "Question", "Withdrawal", "actions", "add_action",
           "add_meeting", "ask", "await_answer", "cancel_meeting", "carried_forward", "decide", "decisions",
           "figures_for", "figures_line", "get_meeting", "hand_over_action", "meetings", "move_action_due",
           "move_meeting", "moves", "open_meeting", "question_figures", "questions", "record_answer", "reopen_action",
           "update_action", "withdraw_question"]
