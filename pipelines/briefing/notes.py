"""The office's own words for a briefing: a commentary per measure and the questions, kept with who and when; and,
with the questions, the drafts they were made from (their measures and areas) and the drafts left out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from .. import audit
from ..access import require
from ..catalogue import catalogue
from ..errors import PccDashError
from ..warehouse import utc_now
from .questions import DraftQuestion

KINDS = ("commentary", "questions")
MAX_CHARS = 20_000


class BadText(PccDashError):
    """A commentary or question list that cannot be saved as given."""


def save_text(con: duckdb.DuckDBPyConnection, claims: Mapping, *, period: dt.date, kind: str, body: str,
              measure: str | None = None, drafts: Sequence[DraftQuestion] = ()) -> None:
    """Add a new version; earlier ones stay (the latest is shown and goes into the pack). The questions are kept with
    the `drafts` offered for them (the pack's, ``pipelines.briefing.pack.drafts_for``): each question made from one, as
    drafted or edited, keeps its measure and area, and a draft none was made from is kept as left out."""
    who = require(claims, "comment")
    if kind not in KINDS:
        raise BadText(f'Kind is one of {", ".join(KINDS)}, not "{kind}".')
    if kind == "commentary" and measure not in catalogue().ids():
        raise BadText(f'"{measure}" is not a measure in the catalogue.')
    if kind == "questions":
        measure = None
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_CHARS:
        raise BadText(f"That is {len(body):,} characters; a {kind} is kept to {MAX_CHARS:,}.")
    made = made_from(questions_list(body), drafts, saved_questions(con, period)) if kind == "questions" else []
    with audit.transaction(con):
        text_id = con.execute("INSERT INTO briefing_text (period, kind, measure, body, written_by, written_at) "
                              "VALUES (?, ?, ?, ?, ?, ?) RETURNING text_id",
                              [period, kind, measure, body, who, utc_now()]).fetchall()[0][0]
        for d in made:
            con.execute("INSERT INTO briefing_question_draft (text_id, measure, area, direction, draft, position) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [text_id, d.measure, d.area, d.direction, d.draft,
                                                      None if d.position is None else d.position + 1])
        audit.record(con, claims, kind, subject=str(period)[:7] + (f", {measure}" if measure else ""),
                     detail=body)


LATEST_SQL = """
SELECT kind, measure, body, written_by, written_at FROM briefing_text WHERE period = ?
QUALIFY text_id = max(text_id) OVER (PARTITION BY kind, measure)
"""


def latest_texts(con: duckdb.DuckDBPyConnection, period: dt.date) -> dict[tuple[str, str | None], tuple]:
    """(kind, measure) -> (body, written_by, written_at) of the current version for the month."""
    return {(k, m): (b, by, at) for k, m, b, by, at in con.execute(LATEST_SQL, [period]).fetchall()}


def questions_list(body: str) -> list[str]:
    """One question per non-empty line, with any list numbering the writer typed taken off."""
    out = []
    for line in body.splitlines():
        text = line.strip().lstrip("-*•").strip()
        head, _, rest = text.partition(".")
        if head.isdigit() and rest:
            text = rest.strip()
        if text:
            out.append(text)
    return out


SIMILAR = 0.6  # a question this like a draft (difflib's ratio, as its close matches take it) was edited from it


@dataclass(frozen=True)
class Drafted:
    """A question drafted from the figures, as a saved list of questions keeps it: its measure, lead area and
    direction (``DraftQuestion``), its words as drafted, and the saved question it became (0 the first; None: left
    out of the list)."""

    measure: str
    area: str
    direction: int
    draft: str
    position: int | None = None

    def as_draft(self, text: str) -> DraftQuestion:
        """The question `text` made from it, as the draft it was made from (what ``AskedBefore.weigh`` takes)."""
        return DraftQuestion(text=text, measure_id=self.measure, areas=(self.area,), rule="", strength=0,
                             direction=self.direction)


@dataclass(frozen=True)
class SavedQuestions:
    """The questions for the Chief Constable as last saved for a month, with who saved them and when, and the drafts
    they were made from (`drafted`, by the question's place in `questions`) and those left out."""

    questions: list[str]
    written_by: str
    written_at: dt.datetime
    drafted: dict[int, Drafted] = field(default_factory=dict)
    left_out: list[Drafted] = field(default_factory=list)

    def made_from(self, text: str) -> Drafted | None:
        """The draft the saved question `text` was made from; None for one the office wrote, or not saved."""
        words = _words(text)
        return next((self.drafted[i] for i, q in enumerate(self.questions) if _words(q) == words and i in self.drafted),
                    None)


def _words(text: str) -> str:
    return " ".join(text.split())


def saved_questions(con: duckdb.DuckDBPyConnection, period: dt.date) -> SavedQuestions | None:
    """The questions as last saved for the month `period`, with the drafts they were made from; None when none was."""
    row = con.execute("SELECT text_id, body, written_by, written_at FROM briefing_text WHERE period = ? AND "
                      "kind = 'questions' ORDER BY text_id DESC LIMIT 1", [period]).fetchall()
    if not row:
        return None
    text_id, body, by, at = row[0]
    drafted, left_out = {}, []
    for measure, area, direction, draft, position in con.execute(
            "SELECT measure, area, direction, draft, position FROM briefing_question_draft WHERE text_id = ? "
            "ORDER BY position NULLS LAST, draft", [text_id]).fetchall():
        d = Drafted(measure, area, direction, draft, None if position is None else position - 1)
        if d.position is None:
            left_out.append(d)
        else:
            drafted[d.position] = d
    return SavedQuestions(questions_list(body), by, at, drafted, left_out)


def made_from(lines: list[str], drafts: Sequence[DraftQuestion], earlier: SavedQuestions | None = None
              ) -> list[Drafted]:
    """Which of `drafts` each question of `lines` was made from, and the drafts left out: a question is made from a
    draft when it is the draft's words, or the words of a question of the `earlier` list made from it, or close to
    either (an edit: `SIMILAR`); one draft makes one question at most, the closest first. A draft of the earlier list
    is offered with today's drafts, so that a question edited again goes on being about its measure and area."""
    offered: dict[tuple[str, str], tuple[Drafted, set[str]]] = {}
    for d in drafts:
        offered.setdefault((d.measure_id, d.areas[0]),
                           (Drafted(d.measure_id, d.areas[0], d.direction, d.text), set()))[1].add(_words(d.text))
    for i, d in (earlier.drafted.items() if earlier else ()):
        _, texts = offered.setdefault((d.measure, d.area), (d, set()))
        texts.update({_words(d.draft), _words(earlier.questions[i])})
    pairs = []
    for i, line in enumerate(lines):
        words = _words(line)
        for key, (_, texts) in offered.items():
            score = 2.0 if words in texts else max(
                difflib.SequenceMatcher(None, words, t, autojunk=False).ratio() for t in texts)
            if score >= SIMILAR:
                pairs.append((-score, i, key))
    made, taken = {}, set()
    for _, i, key in sorted(pairs):
        if i not in made and key not in taken:
            made[i], taken = key, taken | {key}
    kept = [dataclasses.replace(offered[key][0], position=i) for i, key in sorted(made.items())]
    # a draft is left out when it was offered today and no question was made from it
    today = {(d.measure_id, d.areas[0]) for d in drafts}
    return kept + [offered[key][0] for key in offered if key in today and key not in taken]
