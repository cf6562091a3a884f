"""Questions from the public: imported from the public app's inbox, read by the office, then accepted (as edited)
and put to a meeting, or rejected with a reason.

Nothing a member of the public writes goes further than this record until the office accepts it, and then only as
edited. The name and contact they gave stay in `public_submission` (and the inbox's copy of what they sent): they are
for the office's reply, never a question's, an audit record's or the public's, and are erased on request or after the
retention period (`erasure`), with the words of a question rejected.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import audit
from ..access import require
from ..catalogue import counted
from ..errors import shown
from ..inbox import LIMITS as INBOX_LIMITS
from ..inbox import inbox_dir
from ..plaintext import BadText, clean
from ..uk_time import uk_day_words
from ..warehouse import utc_now
from .records import LIMITS, LoopError, NotFound, ask, open_meeting

log = logging.getLogger("pccdash.inbox")

IMPORTED, REJECTED = "imported", "rejected"
MAX_FILE_BYTES = 64 * 1024  # far above what submit() writes; a larger file is not one of its own
REASON_LIMIT = 2_000
SUBMISSION_ID = re.compile(r"[0-9a-f]{32}")  # a submission's id, which is also its inbox file's name


class AlreadyModerated(LoopError):
    """A question from the public that the office has already accepted or rejected."""


@dataclass(frozen=True)
class Submission:
    submission_id: str
    received_at: dt.datetime
    body: str                       # exactly as written; empty once a rejected question's words are erased
    name: str | None                # for the office's reply only: never published
    contact: str | None
    imported_at: dt.datetime
    erased_at: dt.datetime | None = None  # when the name and contact were erased (pipelines.accountability.erasure)
    words_erased_at: dt.datetime | None = None  # when a rejected question's words were erased (the same)

    @property
    def receipt(self) -> str:
        """What the sender was given: the id's first 8 characters."""
        return self.submission_id[:8]


@dataclass(frozen=True)
class Moderated:
    submission: Submission
    outcome: str                    # accepted | rejected
    edited_body: str | None
    reason: str | None
    question_id: int | None
    moderated_by: str
    moderated_at: dt.datetime

    def words(self) -> str:
        """"Accepted by analyst@example.org on 21 November 2026 as question 12"; "Rejected ...: reason"."""
        when = uk_day_words(self.moderated_at)
        if self.outcome == "accepted":
            return f"Accepted by {self.moderated_by} on {when} as question {self.question_id}"
        return f"Rejected by {self.moderated_by} on {when}: {self.reason}"


class Unreadable(Exception):
    """An inbox file that is not a question the public app wrote."""


def parse(path: Path) -> tuple:
    """The row an inbox file gives, checked as strictly as the public app wrote it: its id, when it was received, its
    words, name and contact, and when the name and contact were erased (`erasure` writes that into a copy it blanks,
    which a restore may put back to be imported again), or None."""
    if path.is_symlink() or not path.is_file():
        raise Unreadable("it is not a plain file (a link, or a folder)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Unreadable(f"it is {path.stat().st_size:,} bytes, more than any question")
    try:
        found = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise Unreadable(f"it is not readable text (the public app writes UTF-8 text; byte {exc.start + 1:,} of "
                         "this file is not)") from None
    except json.JSONDecodeError as exc:
        raise Unreadable(f"it is text, but not in the form the public app writes (JSON): it breaks off or goes "
                         f"wrong at line {exc.lineno:,}, character {exc.colno:,}") from None
    if not isinstance(found, dict):
        raise Unreadable("it is JSON, but not the one record of a question the public app writes")
    ident = found.get("id")
    if not isinstance(ident, str) or not SUBMISSION_ID.fullmatch(ident) or path.stem != ident:
        raise Unreadable("its id is missing or is not its file's name")
    try:
        received = dt.datetime.fromisoformat(str(found.get("received_at")))
    except ValueError:
        raise Unreadable("its time of receipt is not a date and time") from None
    if received.tzinfo is not None:
        received = received.astimezone(dt.UTC).replace(tzinfo=None)
    texts = []
    for key, one_line in (("body", False), ("name", True), ("contact", True)):
        value = found.get(key, "")
        if not isinstance(value, str):
            raise Unreadable(f"its {key} is not text")
        try:
            texts.append(clean(value, key, limit=INBOX_LIMITS[key], required=key == "body", markup_allowed=False,
                               one_line=one_line) or None)
        except BadText as exc:  # its first clause, without the advice the page gives the one writing it
            said = re.split(r"[;.] ", str(exc))[0]
            raise Unreadable(f"its {key} is not what the public app accepts ({said[:1].lower()}{said[1:]})") from None
    return (ident, received, *texts, None if texts[1] or texts[2] else _erased_at(found.get("erased_at")))


def _erased_at(value: object) -> dt.datetime | None:
    """When an inbox copy says its sender's name and contact were erased, in UTC as the warehouse keeps it; None when
    it says nothing readable (the public app never writes it)."""
    try:
        at = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return at.astimezone(dt.UTC).replace(tzinfo=None) if at is not None and at.tzinfo is not None else at


def move_to(path: Path, sub: str) -> Path:
    """Move an inbox file into its `imported/` or `rejected/` folder (a file already there is replaced)."""
    target = path.parent / sub / path.name
    target.parent.mkdir(mode=0o700, exist_ok=True)
    os.replace(path, target)
    return target


def set_aside_words(name: str, why: str, folder: Path) -> str:
    """What an inbox file set aside is told as: the file, why it is no question, where it went and what to do. The
    folder is the office's own, named whole however long its path: cut short, it could not be found."""
    rejected = shown(str(folder / REJECTED), limit=None)
    return (f'The inbox file "{shown(name)}" is not a question the public app wrote: {why}. It was moved to '
            f'"{rejected}" and nothing in it was imported; open it there to see what it is. '
            "It is deleted once the retention period (PCCDASH_CONTACT_RETENTION_MONTHS) has passed since it was "
            "received.")


def import_inbox(con: duckdb.DuckDBPyConnection, who: Mapping, folder: str | os.PathLike | None = None,
                 told: Callable[[str], None] | None = None) -> int:
    """Bring every question waiting in the inbox into the record; how many were new.

    A file that is not a question the public app wrote is set aside in `rejected/`, and `told` a sentence saying
    which and why (the log, by default). Each
    imported file moves to `imported/` only after the rows are committed, so a stop part-way loses nothing, and
    running it again moves what was already imported without importing it twice.
    """
    require(who, "moderate")
    root = inbox_dir(folder)
    paths = sorted(p for p in root.glob("*.json") if not p.name.startswith(".")) if root.is_dir() else []
    rows, set_aside = [], []
    for path in paths:
        try:
            rows.append((path, parse(path)))
        except (Unreadable, OSError) as exc:
            why = str(exc) if isinstance(exc, Unreadable) else f"it cannot be read ({exc.strerror or exc})"
            move_to(path, REJECTED)
            (told or log.warning)(set_aside_words(path.name, why, root))
            set_aside.append(path.name)
    if not rows and not set_aside:
        return 0
    now = utc_now()
    with audit.transaction(con):
        new = 0
        # one erased before (a copy a restore put back) keeps the day it was erased: not "none given"
        for _, (ident, received, body, name, contact, erased) in rows:
            new += len(con.execute(
                "INSERT INTO public_submission (submission_id, received_at, body, name, contact, imported_at, "
                "erased_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING submission_id",
                [ident, received, body, name, contact, now, erased]).fetchall())
        detail = f"{counted(new, 'new question')} from the public imported from the inbox"
        if len(rows) > new:
            detail += f"; {len(rows) - new} already imported"
        if set_aside:
            detail += (f"; {counted(len(set_aside), 'unreadable file')} set aside in {REJECTED}/: "
                       + ", ".join(set_aside))
        audit.record(con, who, "import_submissions", subject="the inbox", detail=detail)
    for path, _ in rows:
        move_to(path, IMPORTED)
    return new


def set_aside(folder: str | os.PathLike | None = None) -> list[str]:
    """The names of the inbox files that could not be read, set aside in `rejected/` for a person to look at."""
    where = inbox_dir(folder) / REJECTED
    return sorted(p.name for p in where.glob("*.json")) if where.is_dir() else []


# a Submission's fields, in its order, from public_submission as `s`
SUBMISSION_COLS = ("s.submission_id, s.received_at, s.body, s.name, s.contact, s.imported_at, s.erased_at, "
                   "s.words_erased_at")


def pending(con: duckdb.DuckDBPyConnection) -> list[Submission]:
    """Questions from the public not yet accepted or rejected, oldest first."""
    rows = con.execute(
        f"SELECT {SUBMISSION_COLS} FROM public_submission s WHERE NOT EXISTS (SELECT 1 FROM submission_moderation m "
        "WHERE m.submission_id = s.submission_id) ORDER BY s.received_at, s.submission_id").fetchall()
    return [Submission(*r) for r in rows]


def _words(body: str) -> str:
    """A question's words as compared for a repeat: case, spacing and the punctuation around words set aside."""
    return " ".join(re.sub(r"[^\w\s]", " ", body.casefold()).split())


def repeats(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """For each question from the public not yet moderated whose words another sent earlier (the same question sent
    twice, or by two people): a sentence naming the earlier ones by receipt, with where each stands."""
    rows = con.execute(
        "SELECT s.submission_id, s.body, m.outcome, m.question_id FROM public_submission s LEFT JOIN "
        "(SELECT DISTINCT ON (submission_id) submission_id, outcome, question_id FROM submission_moderation "
        "ORDER BY submission_id, moderation_id) m USING (submission_id) "
        "ORDER BY s.received_at, s.submission_id").fetchall()
    seen: dict[str, list[str]] = {}
    out = {}
    for ident, body, outcome, question_id in rows:
        if not body:
            continue  # a rejected question's words, erased: nothing left to repeat
        key = _words(body)
        if outcome is None and seen.get(key):
            out[ident] = "The same words were sent before: " + "; ".join(seen[key]) + "."
        state = ("waiting" if outcome is None else f"accepted as question {question_id}" if outcome == "accepted"
                 else "rejected")
        seen.setdefault(key, []).append(f"{ident[:8]} ({state})")
    return out


def moderated(con: duckdb.DuckDBPyConnection) -> list[Moderated]:
    """Questions from the public the office accepted or rejected, latest decision first."""
    rows = con.execute(
        f"SELECT {SUBMISSION_COLS}, m.outcome, m.edited_body, m.reason, m.question_id, m.moderated_by, "
        "m.moderated_at FROM submission_moderation m JOIN public_submission s USING (submission_id) "
        "ORDER BY m.moderation_id DESC").fetchall()
    return [Moderated(Submission(*r[:8]), *r[8:]) for r in rows]


def submission(con: duckdb.DuckDBPyConnection, submission_id: object) -> Submission:
    """The submission with this id, or the one whose receipt (its first 8 characters) this is."""
    key = str(submission_id or "").strip().lower()
    rows = con.execute(f"SELECT {SUBMISSION_COLS} FROM public_submission s WHERE s.submission_id = ? "
                       "OR (length(?) = 8 AND starts_with(s.submission_id, ?))", [key, key, key]).fetchall()
    if len(rows) != 1:
        raise NotFound(f'The record holds no question from the public "{key[:40]}"; "pccdash inbox list" lists the '
                       "ones waiting, after \"pccdash inbox import\".")
    return Submission(*rows[0])


def squeezed(text: str) -> str:
    """`text` folded to lower case with its spaces taken out, to find a name or contact however it is spaced."""
    return "".join(text.casefold().split())


def repeats_name_or_contact(text: str, kept: str) -> bool:
    """Whether `text` repeats a name or contact: as a whole word when it is short ("Jo" is not in "journalist")."""
    if len(squeezed(kept)) >= 5:
        return squeezed(kept) in squeezed(text)
    return re.search(rf"(?<!\w){re.escape(kept.casefold())}(?!\w)", text.casefold()) is not None


def _not_yet_moderated(con: duckdb.DuckDBPyConnection, sub: Submission) -> None:
    done = con.execute("SELECT outcome, moderated_by, moderated_at FROM submission_moderation WHERE submission_id = ? "
                       "ORDER BY moderation_id LIMIT 1", [sub.submission_id]).fetchall()
    if done:
        outcome, by, at = done[0]
        raise AlreadyModerated(f"The question from the public {sub.receipt} was already {outcome} by {by} on "
                               f"{uk_day_words(at)}; a question from the public is accepted or rejected once.")


def accept(con: duckdb.DuckDBPyConnection, who: Mapping, submission_id: object, *, edited_body: object,
           meeting_id: int) -> int:
    """Put a question from the public to the force at a meeting, as the office edited it; the question's number.

    The edited text is plain words (no markup); the question is asked by "A member of the public", and neither
    the sender's name nor contact goes with it.
    """
    identity = require(who, "moderate")
    text = clean(edited_body, "question as edited", limit=LIMITS["question"], markup_allowed=False)
    meeting = open_meeting(con, meeting_id)
    sub = submission(con, submission_id)
    _not_yet_moderated(con, sub)
    with audit.transaction(con):  # the question and its moderation together (ask joins this transaction)
        # a question already put for this submission (by a warehouse older than this one transaction) is reused
        put = con.execute("SELECT question_id, body FROM board_question WHERE submission_id = ? ORDER BY "
                          "question_id LIMIT 1", [sub.submission_id]).fetchall()
        if put:
            question_id, text = put[0]
        else:
            question_id = ask(con, who, meeting.meeting_id, text, source="public", submission_id=sub.submission_id)
        con.execute("INSERT INTO submission_moderation (submission_id, outcome, edited_body, question_id, "
                    "moderated_by, moderated_at) VALUES (?, 'accepted', ?, ?, ?, ?)",
                    [sub.submission_id, text, question_id, identity, utc_now()])
        edited = "as edited" if text != sub.body else "as sent"
        audit.record(con, who, "moderate", subject=f"question from the public {sub.receipt}",
                     detail=f"accepted {edited}, put to the {meeting.label} as question {question_id}")
    return question_id


def reject(con: duckdb.DuckDBPyConnection, who: Mapping, submission_id: object, *, reason: object) -> int:
    """Decline a question from the public, with the reason (kept for the office); the moderation's number."""
    identity = require(who, "moderate")
    why = clean(reason, "reason for rejecting it", limit=REASON_LIMIT)
    sub = submission(con, submission_id)
    # the reason is kept with the moderation and on the audit trail, which keep nothing of the sender: erasing their
    # name and contact could not reach it there
    if any(kept and repeats_name_or_contact(why, kept) for kept in (sub.name, sub.contact)):
        raise LoopError("The reason repeats the sender's name or contact, and it is kept on the audit trail, where "
                        "they are never kept (erasing them could not reach it there): say why without them (such as "
                        '"we wrote to the sender with where to report it").')
    with audit.transaction(con):
        _not_yet_moderated(con, sub)
        moderation_id = con.execute(
            "INSERT INTO submission_moderation (submission_id, outcome, reason, moderated_by, moderated_at) "
            "VALUES (?, 'rejected', ?, ?, ?) RETURNING moderation_id",
            [sub.submission_id, why, identity, utc_now()]).fetchall()[0][0]
        audit.record(con, who, "moderate", subject=f"question from the public {sub.receipt}",
                     detail=f"rejected: {why}")
    return moderation_id
