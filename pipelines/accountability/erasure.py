"""Erasing the name and contact a member of the public gave with a question: on their request, and once they have been
kept for the retention period, so that the office keeps them no longer than it needs them to reply.

A sender's name and contact are kept in the warehouse (their question's row in `public_submission`) and in the inbox's
JSON copy of what they sent (in the inbox folder while it waits, in `imported/` once imported; a copy in `rejected/`
too); the backups taken meanwhile hold them until those are deleted. Erasing them blanks the row and every copy in the
inbox, and has the warehouse written anew so that its file keeps nothing of them in its unused space. The question as
written and what became of it stay, and the audit trail says who erased them, when and why, without them.

A question the office rejected is never put or published, and its words may name a child, a school or a street: they
go with its sender's name and contact (on request, and once kept for the retention period after it was rejected, even
when no name or contact was given), from its row and every copy in the inbox. That it was received and rejected, when
and why, and its reference stay. An accepted question's words are the record of what was asked, and stay.

A sender who wrote their own e-mail address or telephone number (the contact they gave) into their question has it
taken out of the question's words too, wherever they are kept: as sent (the row, the inbox's copies), as accepted and
put to a meeting, on the audit trail of its putting, and in the text approved for publication of the question and of
its answers and decisions, which the next publication carries. A published snapshot is never changed (its SHA-256 is
its proof): the public side shows the words without it from the next publication.

Every erasure is also noted in the record of erasures beside the warehouse (`ledger_path`): the question's id and when,
nothing of the sender. A backup does not hold it and a restore does not replace it, so a restore from a backup taken
before an erasure makes the erasure again (`on_record`, `reapply`).
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import datetime as dt
import html
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import audit, filestore, settings
from ..access import require
from ..catalogue import counted
from ..inbox import inbox_dir, write
from ..plaintext import clean
from ..uk_time import uk_day, uk_day_words
from ..warehouse import rewrite_on_close, utc_now
from .moderation import (
    IMPORTED,
    REASON_LIMIT,
    REJECTED,
    SUBMISSION_COLS,
    SUBMISSION_ID,
    Submission,
    Unreadable,
    import_inbox,
    parse,
    repeats_name_or_contact,
    squeezed,
    submission,
)
from .records import APPROVAL_FIRST_PUBLISHED, EMAIL, LoopError, NotFound

RETENTION = "contact_retention_months"
SHORTEST_QUERY = 3
REMOVED = "[removed]"  # what a sender's own contact in their question's words becomes


class NothingToErase(LoopError):
    """A question from the public whose sender's name and contact are not kept (none given, or already erased)."""


def retention_months() -> int:
    """How many months after a question was answered, withdrawn or rejected its sender's name and contact are kept."""
    return settings.get_int(RETENTION)


def retention_words(months: int | None = None) -> str:
    """"12 months", "1 month"."""
    n = retention_months() if months is None else months
    return counted(n, "month")


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day: 29 February is 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def kept_words(sub: Submission) -> str:
    """What is kept of a sender's name and contact, in a word: "kept", "erased on 3 March 2027", "none given"."""
    if sub.erased_at is not None:
        return f"erased on {uk_day_words(sub.erased_at)}"
    return "kept" if sub.name or sub.contact else "none given"


def words_shown(sub: Submission) -> str:
    """A question's words as sent, or what became of them once erased (a rejected question's, `_erase`)."""
    if sub.words_erased_at is not None:
        return f"(erased on {uk_day_words(sub.words_erased_at)}: rejected, and never published)"
    return sub.body


def _words_to_erase(con: duckdb.DuckDBPyConnection, idents: list[str]) -> set[str]:
    """Those of these questions the office rejected whose words are still kept."""
    if not idents:
        return set()
    return {ident for (ident,) in con.execute(
        "SELECT s.submission_id FROM public_submission s WHERE s.submission_id IN (SELECT unnest(?)) "
        "AND s.words_erased_at IS NULL AND (SELECT m.outcome FROM submission_moderation m WHERE m.submission_id = "
        "s.submission_id ORDER BY m.moderation_id LIMIT 1) = 'rejected'", [idents]).fetchall()}


def kept(con: duckdb.DuckDBPyConnection) -> list[Submission]:
    """The questions from the public whose sender's name or contact is kept, newest first."""
    rows = con.execute(f"SELECT {SUBMISSION_COLS} FROM public_submission s WHERE s.name IS NOT NULL OR "
                       "s.contact IS NOT NULL ORDER BY s.received_at DESC, s.submission_id").fetchall()
    return [Submission(*r) for r in rows]


def erasable(con: duckdb.DuckDBPyConnection) -> list[tuple[Submission, bool]]:
    """The questions from the public `forget` has something to erase of, newest first, each with whether only its
    words are (a rejected question sent without a name or contact, its words still kept): those whose sender's name
    or contact is kept, and those rejected whose words are."""
    words = _words_to_erase(con, [ident for (ident,) in con.execute(
        "SELECT submission_id FROM public_submission").fetchall()])
    rows = con.execute(f"SELECT {SUBMISSION_COLS} FROM public_submission s ORDER BY s.received_at DESC, "
                       "s.submission_id").fetchall()
    subs = [Submission(*r) for r in rows]
    return [(s, not (s.name or s.contact)) for s in subs if s.name or s.contact or s.submission_id in words]


# ------------------------------------------------------------------------------------------------ finding


@dataclass(frozen=True)
class Match:
    """A question from the public whose sender's name, contact or words hold what was looked for."""
    submission_id: str
    received_at: dt.datetime
    name: str | None
    contact: str | None
    state: str                      # "waiting to be read", "accepted as question 12", "rejected", ...
    found_in: str                   # "contact", "name", "words" (the question's, as sent)
    erased_at: dt.datetime | None = None
    imported: bool = True           # False: still waiting in the inbox folder

    @property
    def receipt(self) -> str:
        return self.submission_id[:8]


_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def _phone_digits(text: str) -> str:
    """A telephone number's digits, +44 said as the 0 it stands for."""
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if text.strip().startswith("+44") or (digits.startswith("44") and len(digits) > 11) \
        else digits


def _holds(text: str | None, query: str) -> bool:
    """Whether `text` holds `query`: letters' case and spacing aside, a telephone number however it is spaced."""
    if not text:
        return False
    if _PHONE.fullmatch(query.strip()):
        wanted = _phone_digits(query)
        return any(wanted in _phone_digits(run) for run in _PHONE.findall(text))
    return squeezed(query) in squeezed(text)


def _states(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Where each imported question stands now, in words: rejected, or accepted as question N and, as the record holds
    it since, answered, withdrawn and first published ("accepted as question 1, answered on 28 May 2026, first
    published on 10 June 2026"), so that a sender asking after their question is told where it is."""
    rows = con.execute(
        "SELECT DISTINCT ON (submission_id) submission_id, outcome, question_id FROM submission_moderation "
        "ORDER BY submission_id, moderation_id").fetchall()
    answered = dict(con.execute("SELECT question_id, max(answered_on) FROM question_answer "
                                "WHERE state = 'answered' AND answered_on IS NOT NULL GROUP BY question_id").fetchall())
    withdrawn = dict(con.execute("SELECT question_id, max(on_day) FROM question_withdrawal "
                                 "GROUP BY question_id").fetchall())
    # the first publication made while an approval of the question stood, of any of its approvals: the public read
    # it then, whatever is in force now (`register.public_statuses` reads only the approval in force)
    published = dict(con.execute(
        f"""SELECT question, min(first_made) FROM (
              SELECT TRY_CAST(r.item_id AS INTEGER) AS question, {APPROVAL_FIRST_PUBLISHED} AS first_made
              FROM loop_release r WHERE r.item_kind = 'question')
            WHERE first_made IS NOT NULL GROUP BY question""").fetchall())

    def said(outcome: str, question: int | None) -> str:
        if outcome != "accepted":
            return "rejected"
        steps = [f"accepted as question {question}"]
        if question in answered:
            steps.append(f"answered on {uk_day_words(answered[question])}")
        if question in withdrawn:
            steps.append(f"withdrawn on {uk_day_words(withdrawn[question])}")
        if question in published:
            steps.append(f"first published on {uk_day_words(published[question])}")
        return ", ".join(steps)

    return {ident: said(outcome, question) for ident, outcome, question in rows}


def find(con: duckdb.DuckDBPyConnection, query: object, folder: str | os.PathLike | None = None) -> list[Match]:
    """The questions from the public whose sender's contact or name holds `query` (an e-mail address, a telephone
    number however spaced, a name), or whose words as sent do; those imported, oldest first, then any still waiting in
    the inbox folder. For meeting a person's request to see or erase what the office keeps about them."""
    text = str(query or "").strip()
    if len(squeezed(text)) < SHORTEST_QUERY:
        raise LoopError(f"Give the contact (an e-mail address or a telephone number) or the name to look for: at "
                        f"least {SHORTEST_QUERY} letters or digits.")
    states = _states(con)
    found = []
    rows = con.execute("SELECT submission_id, received_at, body, name, contact, erased_at FROM public_submission "
                       "ORDER BY received_at, submission_id").fetchall()
    known = set()
    for ident, received, body, name, contact, erased in rows:
        known.add(ident)
        where = ("contact" if _holds(contact, text) else "name" if _holds(name, text)
                 else "words" if _holds(body, text) else None)
        if where:
            found.append(Match(ident, received, name, contact, states.get(ident, "waiting to be read"), where, erased))
    root = inbox_dir(folder)
    waiting = sorted(p for p in root.glob("*.json") if not p.name.startswith(".")) if root.is_dir() else []
    for path in waiting:
        try:
            ident, received, body, name, contact, erased = parse(path)
        except (Unreadable, OSError):
            continue
        if ident in known:
            continue
        where = ("contact" if _holds(contact, text) else "name" if _holds(name, text)
                 else "words" if _holds(body, text) else None)
        if where:
            found.append(Match(ident, received, name, contact, "waiting in the inbox, not yet imported", where,
                               erased, imported=False))
    return found


# ------------------------------------------------------------------------------------------------ erasing


_SEP = r"[\s().-]*"  # what people write between a telephone number's digits


def _contact_patterns(contact: str | None) -> list[re.Pattern]:
    """The e-mail addresses and telephone numbers a sender gave as their contact, each as a pattern that finds it in a
    text however it is written there (an address in any case; a number however spaced, +44 for its 0); the contact
    as written when it is neither."""
    text = str(contact or "").strip()
    found = []
    for address in dict.fromkeys(m.group(0) for m in EMAIL.finditer(text)):
        found.append(re.compile(rf"(?<![\w.+-]){re.escape(address)}(?![\w-])", re.IGNORECASE))
    for run in dict.fromkeys(r for r in _PHONE.findall(text) if len(re.sub(r"\D", "", r)) >= 7):
        digits = _phone_digits(run)
        head, rest = ((rf"(?:\+{_SEP}44{_SEP}(?:0{_SEP})?|\(?0{_SEP})", digits[1:]) if digits.startswith("0")
                      else (rf"\+?{_SEP}", digits))
        found.append(re.compile(rf"(?<![\w+]){head}{_SEP.join(rest)}(?!\d)"))
    if not found and len(squeezed(text)) >= 5:
        found.append(re.compile(r"\s+".join(re.escape(w) for w in text.split()), re.IGNORECASE))
    return found


def redact(text: str | None, contact: str | None) -> str | None:
    """`text` with the contact a sender gave (`_contact_patterns`) replaced by "[removed]" wherever it is written."""
    if not text:
        return text
    for pattern in _contact_patterns(contact):
        text = pattern.sub(REMOVED, text)
    return text


def _erase_copies(root: Path, ident: str, at: dt.datetime, contact: str | None = None, *, words: bool = False) -> int:
    """Blank the name and contact in every copy of this question the inbox keeps (waiting, imported/, rejected/), and
    take the contact (the copy's own, and `contact`) out of its words, or blank its words too (`words`: a rejected
    question's), each written whole with the time it was received; a copy that cannot be read as one is deleted. How
    many copies were changed."""
    changed = 0
    for where in (root, root / IMPORTED, root / REJECTED):
        path = where / f"{ident}.json"
        if path.is_symlink() or not path.is_file():
            continue
        try:
            found = json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            found = None
        if not isinstance(found, dict):
            path.unlink()
            changed += 1
            continue
        stamp = at.replace(tzinfo=dt.UTC).isoformat()
        if words and found.get("body"):
            found.update(body="", words_erased_at=found.get("words_erased_at") or stamp)
        elif not found.get("name") and not found.get("contact") and found.get("erased_at"):
            continue
        body = found.get("body")
        if isinstance(body, str):
            for given in (found.get("contact"), contact):
                body = redact(body, given if isinstance(given, str) else None)
            found["body"] = body
        had = bool(found.get("name") or found.get("contact") or found.get("erased_at"))
        found.update(name="", contact="")
        if had or not words:  # a question sent without them, whose words alone go, keeps none given
            found["erased_at"] = found.get("erased_at") or stamp
        write(where, path.name, json.dumps(found, ensure_ascii=False, indent=1).encode("utf-8"),
              path.stat().st_mtime)
        changed += 1
    return changed


def _redact_kept(con: duckdb.DuckDBPyConnection, ident: str, contact: str | None) -> list[int]:
    """Take the sender's contact out of the words of their question wherever the warehouse keeps them beyond its row:
    as accepted, as put to a meeting (and the audit record of its putting), and in every text approved for
    publication that quotes it (the question's, its answers' and decisions'). The questions whose text approved for
    publication held it."""
    if not _contact_patterns(contact):
        return []
    for moderation_id, edited in con.execute("SELECT moderation_id, edited_body FROM submission_moderation "
                                             "WHERE submission_id = ? AND edited_body IS NOT NULL", [ident]).fetchall():
        if redact(edited, contact) != edited:
            con.execute("UPDATE submission_moderation SET edited_body = ? WHERE moderation_id = ?",
                        [redact(edited, contact), moderation_id])
    put = con.execute("SELECT question_id, body FROM board_question WHERE submission_id = ? UNION SELECT "
                      "q.question_id, q.body FROM board_question q JOIN submission_moderation m USING (question_id) "
                      "WHERE m.submission_id = ?", [ident, ident]).fetchall()
    published = []
    for question_id, body in put:
        if redact(body, contact) != body:
            con.execute("UPDATE board_question SET body = ? WHERE question_id = ?",
                        [redact(body, contact), question_id])
        for event_id, detail in con.execute("SELECT event_id, detail FROM audit_event WHERE subject = ? OR "
                                            "starts_with(subject, ?)",
                                            [f"question {question_id}", f"question {question_id} "]).fetchall():
            if redact(detail, contact) != detail:
                con.execute("UPDATE audit_event SET detail = ? WHERE event_id = ?", [redact(detail, contact), event_id])
        for release_id, text in con.execute("SELECT release_id, public_text FROM loop_release WHERE item_kind IN "
                                            "('question', 'answer', 'decision', 'withdrawal')").fetchall():
            record = json.loads(text)
            if str(record.get("question_ref")) != str(question_id):
                continue
            cleaned = _redact_record(record, contact)
            if cleaned != record:
                con.execute("UPDATE loop_release SET public_text = ? WHERE release_id = ?",
                            [json.dumps(cleaned, ensure_ascii=False), release_id])
                if question_id not in published:
                    published.append(question_id)
    return published


def _redact_record(value: object, contact: str | None) -> object:
    """A public record (JSON) with the contact taken out of every text in it."""
    if isinstance(value, str):
        return redact(value, contact)
    if isinstance(value, list):
        return [_redact_record(v, contact) for v in value]
    if isinstance(value, dict):
        return {k: _redact_record(v, contact) for k, v in value.items()}
    return value


def _erase(con: duckdb.DuckDBPyConnection, root: Path, idents: list[str], at: dt.datetime, *,
           note: bool = True, words: set[str] | frozenset[str] = frozenset()) -> list[int]:
    """Erase the name and contact of these questions from the inbox's copies, then from the warehouse (the caller's
    transaction), taking the contact out of the question's words wherever they are kept (`_redact_kept`), and the
    words themselves of those in `words` (rejected questions, never published), and have the warehouse written anew
    when its connection closes; the questions whose text approved for publication held it. The erasures are noted in
    the record of erasures first (with `note`), then the copies go: a stop between leaves the row, and erasing again
    finishes."""
    if note:
        _note(con, idents, at, words)
    given = {ident: (contact, body) for ident, contact, body in con.execute(
        "SELECT submission_id, contact, body FROM public_submission WHERE submission_id IN (SELECT unnest(?))",
        [idents]).fetchall()} if idents else {}
    for ident in idents:
        _erase_copies(root, ident, at, given.get(ident, (None, None))[0], words=ident in words)
    published = []
    for ident in idents:
        contact, body = given.get(ident, (None, None))
        published += _redact_kept(con, ident, contact)
        gone = ident in words
        # a question sent without a name or contact, whose words alone are erased, keeps "none given"
        con.execute("UPDATE public_submission SET body = ?, name = NULL, contact = NULL, erased_at = CASE WHEN name "
                    "IS NOT NULL OR contact IS NOT NULL THEN ? ELSE erased_at END, words_erased_at = CASE WHEN ? "
                    "THEN coalesce(words_erased_at, ?) ELSE words_erased_at END WHERE submission_id = ?",
                    ["" if gone else redact(body, contact) if body is not None else body, at, gone, at, ident])
    rewrite_on_close(con)
    return published


def _to_erase(con: duckdb.DuckDBPyConnection, submission_id: object, root: Path) -> Submission:
    """The question whose sender's name and contact are to be erased, by its reference; a sentence saying how to find
    it when there is none such (nothing given, a question still waiting in the inbox, a reference not known)."""
    key = str(submission_id or "").strip().lower()
    if not key:
        raise NotFound("Give the reference of the question whose sender's name and contact are to be erased: its "
                       'first 8 characters, as "pccdash inbox find CONTACT" lists it.')
    try:
        return submission(con, key)
    except NotFound:
        waiting = SUBMISSION_ID.fullmatch(key) or re.fullmatch(r"[0-9a-f]{8}", key)
        if waiting and root.is_dir() and any(not p.name.startswith(".") for p in root.glob(f"{key}*.json")):
            raise NotFound(f"The question from the public {key[:8]} still waits in the inbox, not yet imported: "
                           'import it ("pccdash inbox import --as EMAIL", or "Fetch new questions" on the page), '
                           "then erase its sender's name and contact.") from None
        raise NotFound(f'The record holds no question from the public "{key[:40]}". Give its reference, the first 8 '
                       'characters "pccdash inbox find CONTACT" lists it by.') from None


@dataclass(frozen=True)
class Erased(Submission):
    """A question from the public as it was before its sender's name and contact were erased, with what else went."""
    in_words: bool = False             # the question's words held the contact, now "[removed]" wherever kept
    published: tuple[int, ...] = ()    # the questions whose text approved for publication held it
    packs: tuple[int, ...] = ()        # the archived briefing packs whose pages hold it in the question's words
    words: bool = False                # a rejected question's words, erased with them
    had_contact: bool = True           # its sender's name and contact were kept, and are erased now

    def sentences(self) -> list[str]:
        """What was erased, for the office."""
        if self.words:
            what = (f"the name and contact the sender of the question from the public {self.receipt} gave, and the "
                    "question's words," if self.had_contact else
                    f"the words of the question from the public {self.receipt}")
            said = [f"Erased {what} from the warehouse and the inbox's copies: it was rejected, and is never "
                    "published. That it was received and rejected, when and why, and its reference are kept."]
        else:
            said = [f"Erased the name and contact the sender of the question from the public {self.receipt} gave, "
                    "from the warehouse and the inbox's copies; the question and what became of it are kept."]
        if self.in_words:
            said.append(f"The question's own words held the contact too: it is now \"{REMOVED}\" wherever they are "
                        "kept.")
        if self.published:
            numbers = ", ".join(str(n) for n in self.published)
            said.append(f"The text approved for publication of question {numbers} held it as well, and it is "
                        f"\"{REMOVED}\" there now; the public pages show the question without it from the next "
                        "publication (\"pccdash publish\"). Until then the snapshot in force shows it, and the "
                        "snapshots published before keep it (a withdrawal putting one back in force would show it "
                        "again).")
        if self.packs:
            said.append(packs_words(self.packs))
        said.append("Backups taken before keep them until they are deleted; a restore from one erases them again "
                    "(pccdash keeps a record of erasures beside the warehouse, without the name or contact).")
        return said


def forget(con: duckdb.DuckDBPyConnection, who: Mapping, submission_id: object, *, reason: object,
           folder: str | os.PathLike | None = None) -> Erased:
    """Erase the name and contact the sender of this question from the public gave (its reference, or its whole id),
    everywhere pccdash keeps them, saying why; the question as it was before, with what else went. The question's
    words and what became of it stay, but for the contact where the sender wrote it into them (`_redact_kept`); a
    rejected question's words go too (`_erase`), even when no name or contact was given. The audit trail says who
    erased them and why, and the reason may not repeat them."""
    require(who, "moderate")
    why = clean(reason, "reason for erasing them", limit=REASON_LIMIT)
    root = inbox_dir(folder)
    sub = _to_erase(con, submission_id, root)
    words = _words_to_erase(con, [sub.submission_id])
    contact = sub.name is not None or sub.contact is not None
    if not contact and not words:
        _erase_copies(root, sub.submission_id, sub.erased_at or utc_now())  # a copy an earlier stop left
        if sub.erased_at is not None:
            raise NothingToErase(f"The name and contact of the question from the public {sub.receipt} were already "
                                 f"erased on {uk_day_words(sub.erased_at)}.")
        raise NothingToErase(f"The sender of the question from the public {sub.receipt} gave no name or contact: there "
                             "is nothing to erase.")
    for kept in (sub.name, sub.contact):
        if kept and repeats_name_or_contact(why, kept):
            raise LoopError("The reason repeats the name or contact being erased, and the audit trail keeps the "
                            'reason: say why without them (such as "the sender asked by e-mail on 3 March").')
    at = utc_now()
    with audit.transaction(con):
        published = _erase(con, root, [sub.submission_id], at, words=words)
        in_words = not words and redact(sub.body, sub.contact) != sub.body
        packs = _in_packs(con, sub.contact) if in_words else ()
        what = " and ".join((["the sender's name and contact"] if contact else [])
                            + (["the words of the rejected question"] if words else []))
        audit.record(con, who, "erase_contact", subject=f"question from the public {sub.receipt}",
                     detail=f"{what} erased"
                            + (" (and the contact taken out of the question's words)" if in_words else "")
                            + f": {why}")
    return Erased(*dataclasses.astuple(sub), in_words=in_words, published=tuple(published), packs=packs,
                  words=bool(words), had_contact=contact)


def packs_words(packs: tuple[int, ...], whose: str = "the question") -> str:
    """The sentence saying which archived briefing packs still quote a contact erased from `whose` words."""
    many = len(packs) > 1
    return (f"Briefing pack{'s' if many else ''} {', '.join(str(n) for n in packs)} in the archive "
            f"quote{'' if many else 's'} {whose} as it was put, with the contact: the archive keeps each pack as the "
            "Board was given it, unchanged, so it is there still (\"pccdash packs --get\" hands it out so).")


def _in_packs(con: duckdb.DuckDBPyConnection, contact: str | None) -> tuple[int, ...]:
    """The archived briefing packs whose pages hold this contact (their HTML, made with the PDF and Word files from
    the same words): a pack is kept as it was produced, so a question put with the contact in its words stays so."""
    return _in_packs_of(con, {"": contact}).get("", ())


def _in_packs_of(con: duckdb.DuckDBPyConnection, contacts: Mapping[str, str | None]) -> dict[str, tuple[int, ...]]:
    """`_in_packs` for each of these contacts (by any key), each pack's page read once for them all; a key whose
    contact no pack holds is left out."""
    patterns = {key: found for key, contact in contacts.items() if (found := _contact_patterns(contact))}
    db = filestore.of_connection(con)
    if not patterns or db is None:
        return {}
    found: dict[str, list[int]] = {}
    for pack_id, digest in con.execute("SELECT pack_id, sha256 FROM pack_file WHERE format = 'html' "
                                       "ORDER BY pack_id").fetchall():
        with contextlib.suppress(OSError, filestore.StoredFileMissing, filestore.StoredFileAltered,
                                 filestore.StoredFileUnreadable):  # a pack not there to read holds nothing to say
            page = html.unescape(filestore.get(db, digest).decode("utf-8", "replace"))
            for key, held in patterns.items():
                if any(p.search(page) for p in held):
                    found.setdefault(key, []).append(pack_id)
    return {key: tuple(packs) for key, packs in found.items()}


# ------------------------------------------------------------------------------------------------ retention


@dataclass(frozen=True)
class Due:
    """A question from the public whose sender's name and contact have been kept for the retention period."""
    submission_id: str
    settled_on: dt.date             # the day it was answered, or rejected
    how: str                        # "answered on 3 March 2026 (question 12)", "rejected on 5 May 2026"
    erase_on: dt.date               # the day the retention period ended
    packs: tuple[int, ...] = ()     # the archived briefing packs quoting the contact the question's words held
    contact: bool = True            # its sender's name or contact is kept, and goes
    words: bool = False             # it was rejected, and its words go too (never published)

    @property
    def receipt(self) -> str:
        return self.submission_id[:8]


def due(con: duckdb.DuckDBPyConnection, folder: str | os.PathLike | None = None, *,
        today: dt.date | None = None) -> tuple[list[Due], list[str]]:
    """What the retention period has run out for, by `today` (settings.today()): the questions whose sender's name
    or contact is kept and which were answered (the force's latest word on the question they became is an answer),
    withdrawn (the question they became taken off the record) or rejected at least PCCDASH_CONTACT_RETENTION_MONTHS
    ago, and the questions rejected that long ago whose words are kept (with a name or contact or without), oldest
    first; and the unreadable files set aside in the inbox's rejected/ folder that long after they were received. A
    question still waiting, or accepted and neither answered nor withdrawn, keeps them: the office may still
    reply."""
    today = today or settings.today()
    months = retention_months()
    rows = con.execute(
        "WITH m AS (SELECT DISTINCT ON (submission_id) submission_id, outcome, question_id, moderated_at "
        "           FROM submission_moderation ORDER BY submission_id, moderation_id), "
        "a AS (SELECT DISTINCT ON (question_id) question_id, state, answered_on FROM question_answer "
        "      ORDER BY question_id, answer_id DESC), "
        "w AS (SELECT question_id, min(on_day) AS withdrawn_on FROM question_withdrawal GROUP BY question_id) "
        "SELECT s.submission_id, m.outcome, m.question_id, m.moderated_at, "
        "       CASE WHEN a.state = 'answered' THEN a.answered_on END, w.withdrawn_on, "
        "       s.name IS NOT NULL OR s.contact IS NOT NULL, m.outcome = 'rejected' AND s.words_erased_at IS NULL "
        "FROM public_submission s JOIN m USING (submission_id) LEFT JOIN a ON a.question_id = m.question_id "
        "LEFT JOIN w ON w.question_id = m.question_id "
        "WHERE ((s.name IS NOT NULL OR s.contact IS NOT NULL) "
        "       AND (m.outcome = 'rejected' OR a.state = 'answered' OR w.withdrawn_on IS NOT NULL)) "
        "   OR (m.outcome = 'rejected' AND s.words_erased_at IS NULL)"
    ).fetchall()
    found = []
    for ident, outcome, question_id, moderated_at, answered_on, withdrawn_on, contact, words in rows:
        # the first of the answer and the withdrawal settles the question: the office had nothing more to reply
        answered = answered_on is not None and (withdrawn_on is None or answered_on <= withdrawn_on)
        settled = (uk_day(moderated_at) if outcome == "rejected" else answered_on if answered else withdrawn_on)
        how = (f"rejected on {uk_day_words(settled)}" if outcome == "rejected"
               else f"{'answered' if answered else 'withdrawn'} on {uk_day_words(settled)} (question {question_id})")
        ends = months_after(settled, months)
        if ends <= today:
            found.append(Due(ident, settled, how, ends, contact=contact, words=words))
    found.sort(key=lambda d: (d.settled_on, d.submission_id))
    if found:  # a pack is kept as the Board was given it: one quoting a contact in the question's words keeps it
        in_words = {ident: contact for ident, contact, body in con.execute(
            "SELECT submission_id, contact, body FROM public_submission WHERE submission_id IN (SELECT unnest(?))",
            [[d.submission_id for d in found]]).fetchall() if body and redact(body, contact) != body}
        packs = _in_packs_of(con, in_words) if in_words else {}
        found = [dataclasses.replace(d, packs=packs[d.submission_id]) if d.submission_id in packs else d
                 for d in found]
    aside = []
    where = inbox_dir(folder) / REJECTED
    if where.is_dir():
        for path in sorted(where.glob("*.json")):
            with contextlib.suppress(OSError):
                received = dt.datetime.fromtimestamp(path.lstat().st_mtime, dt.UTC)
                if months_after(uk_day(received), months) <= today:
                    aside.append(path.name)
    return found, aside


def expire(con: duckdb.DuckDBPyConnection, who: Mapping, folder: str | os.PathLike | None = None, *,
           today: dt.date | None = None) -> tuple[list[Due], list[str]]:
    """Erase the names and contacts, and the rejected questions' words, the retention period has run out for (`due`),
    and delete the unreadable files set aside that long; what was erased and deleted. One audit record says how many,
    by reference, without them."""
    require(who, "moderate")
    found, aside = due(con, folder, today=today)
    if not found and not aside:
        return found, aside
    root = inbox_dir(folder)
    months = retention_words()
    with audit.transaction(con):
        _erase(con, root, [d.submission_id for d in found], utc_now(),
               words={d.submission_id for d in found if d.words})
        for name in aside:
            with contextlib.suppress(FileNotFoundError):
                (root / REJECTED / name).unlink()
        said = []
        contacts, words = [d for d in found if d.contact], [d for d in found if d.words]
        if contacts:
            said.append(f"the names and contacts of {counted(len(contacts), 'question')} from the public erased, "
                        f"kept {months} after each was answered, withdrawn or rejected: "
                        + ", ".join(d.receipt for d in contacts))
        if words:
            said.append(f"the words of {counted(len(words), 'rejected question')} from the public erased, kept "
                        f"{months} after each was rejected: " + ", ".join(d.receipt for d in words))
        if aside:
            said.append(f"{counted(len(aside), 'unreadable file')} set aside in {REJECTED}/ deleted, received "
                        f"more than {months} ago: " + ", ".join(aside))
        audit.record(con, who, "erase_contact", subject="questions from the public",
                     detail="; ".join(said) + f" (PCCDASH_CONTACT_RETENTION_MONTHS is {retention_months()})")
    return found, aside


def fetch(con: duckdb.DuckDBPyConnection, who: Mapping, folder: str | os.PathLike | None = None,
          told: Callable[[str], None] | None = None) -> tuple[int, list[Due], list[str]]:
    """Import the questions waiting in the inbox, then erase what the retention period has run out for (`expire`):
    how many were new, and what was erased and deleted. A retention period set wrongly is said before anything is
    imported, so that the import is not left unsaid behind the error. `told` hears of each file set aside, as
    `import_inbox` says it."""
    retention_months()
    new = import_inbox(con, who, folder, told)
    return (new, *expire(con, who, folder))


def fetched_words(done: tuple[int, list[Due], list[str]]) -> str:
    """What `fetch` did, in a sentence for the page."""
    new, erased, deleted = done
    said = f"{counted(new, 'new question')} from the public fetched from the inbox."
    contacts, words = [d for d in erased if d.contact], [d for d in erased if d.words]
    if contacts:
        said += (f" The names and contacts of {counted(len(contacts), 'question')} answered, withdrawn or rejected "
                 f"more than {retention_words()} ago were erased.")
    if words:
        said += (f" The words of {counted(len(words), 'question')} rejected more than {retention_words()} ago were "
                 "erased (never published; that each was received and rejected, when and why, are kept).")
    for due_ in erased:
        if due_.packs:
            said += " " + packs_words(due_.packs, f"the question from the public {due_.receipt}")
    if deleted:
        said += (f" {counted(len(deleted), 'unreadable file')} set aside more than {retention_words()} ago "
                 f"{'was' if len(deleted) == 1 else 'were'} deleted.")
    return said


# ------------------------------------------------------------------------------------------------ after a restore


def ledger_path(db: Path) -> Path:
    """The record of erasures beside the warehouse at `db` (`pccdash.erasures.jsonl`): a line for each question whose
    sender's name and contact (or, rejected, its words) were erased, with its id and when, whether its words went
    ("words": true), and nothing of the sender."""
    return db.with_name(f"{db.stem}.erasures.jsonl")


class OnRecord(dict):
    """The erasures on record: each question's id with when it was first erased; in `words`, the rejected questions
    whose words were erased, each with when."""

    def __init__(self) -> None:
        super().__init__()
        self.words: dict[str, dt.datetime] = {}


def _note(con: duckdb.DuckDBPyConnection, idents: list[str], at: dt.datetime,
          words: set[str] | frozenset[str] = frozenset()) -> None:
    """Add these erasures to the record of erasures beside the connection's warehouse, flushed to disk (with whether
    the question's words went, for those in `words`)."""
    db = filestore.of_connection(con)
    if db is None or not idents:
        return
    lines = "".join(json.dumps({"submission_id": ident, "erased_at": at.isoformat()}
                               | ({"words": True} if ident in words else {})) + "\n" for ident in idents)
    fd = os.open(ledger_path(db), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, lines.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def on_record(db: Path, replaced: Path | None = None) -> OnRecord | None:
    """The erasures known to have been made for the warehouse at `db`, each question's id with when (and, in its
    `words`, those whose words went): those the record of erasures beside it holds, and those the warehouse `replaced`
    (the one a restore set aside) had made. None when neither is there to ask: what was erased since a backup was taken
    cannot then be known here."""
    known = OnRecord()
    asked = False
    path = ledger_path(db)
    if path.is_file():
        asked = True
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                ident, at = entry["submission_id"], dt.datetime.fromisoformat(entry["erased_at"])
            except (ValueError, KeyError, TypeError):
                continue  # a line a stop cut short
            if isinstance(ident, str) and SUBMISSION_ID.fullmatch(ident):
                known.setdefault(ident, at)
                if entry.get("words") is True:
                    known.words.setdefault(ident, at)
    if replaced is not None and replaced.is_file():
        try:
            con = duckdb.connect(str(replaced), read_only=True, config={"autoload_known_extensions": False})
            try:
                try:
                    rows = con.execute("SELECT submission_id, erased_at FROM public_submission WHERE erased_at IS "
                                       "NOT NULL").fetchall()
                except (duckdb.CatalogException, duckdb.BinderException):
                    rows = []  # a warehouse older than erasures: it made none
                try:
                    worded = con.execute("SELECT submission_id, words_erased_at FROM public_submission WHERE "
                                         "words_erased_at IS NOT NULL").fetchall()
                except (duckdb.CatalogException, duckdb.BinderException):
                    worded = []  # a warehouse older than erasing a rejected question's words: it erased none
            finally:
                con.close()
            asked = True
            for ident, at in rows + worded:
                known.setdefault(ident, at)
            for ident, at in worded:
                known.words.setdefault(ident, at)
        except duckdb.Error:
            pass  # unreadable (the failure the restore mends, perhaps): the record of erasures says what it can
    return known if asked else None


class ErasedAgain(list):
    """The references of the questions whose erasures a restore made again (`reapply`): in `contacts`, those whose
    sender's name and contact were erased again; in `words`, the rejected questions whose words were."""

    def __init__(self, refs: list[str] = (), contacts: list[str] = (), words: list[str] = ()) -> None:
        super().__init__(refs)
        self.contacts, self.words = list(contacts), list(words)


def reapply(con: duckdb.DuckDBPyConnection, known: Mapping[str, dt.datetime],
            folder: str | os.PathLike | None = None) -> ErasedAgain:
    """Make again the erasures `known` names that a restored warehouse and inbox have undone (a backup taken before
    them): each sender's name and contact, and their contact in their question's words, as `forget` does, and the
    words of a rejected question whose words `known.words` says went, each dated as first made. The references of the
    questions erased again, with which had their sender's name and contact erased again and which their words; one
    audit record names them."""
    if not known:
        return ErasedAgain()
    root = inbox_dir(folder)
    worded: Mapping[str, dt.datetime] = getattr(known, "words", {})
    kept_here = {ident for (ident,) in con.execute(
        "SELECT submission_id FROM public_submission WHERE (name IS NOT NULL OR contact IS NOT NULL) AND "
        "submission_id IN (SELECT unnest(?))", [list(known)]).fetchall()}
    words_here = _words_to_erase(con, [ident for ident in known if ident in worded])
    again, contacts = [], set()
    with audit.transaction(con):
        for ident in sorted(known, key=lambda i: (known[i], i)):
            if ident in kept_here:
                _erase(con, root, [ident], known[ident], note=False)
                contacts.add(ident)
            if ident in words_here:
                _erase(con, root, [ident], worded[ident], note=False, words={ident})
            elif ident not in kept_here and _erase_copies(root, ident, known[ident]):
                contacts.add(ident)  # a copy the inbox took back, not yet imported
            if ident in contacts or ident in words_here:
                again.append(ident)
        if again:
            audit.record(con, audit.system_actor("pccdash"), "erase_contact", subject="questions from the public",
                         detail=f"the names and contacts of {counted(len(again), 'question')} from the public "
                                "erased again after a restore from a backup taken before they were erased"
                                + (f" (and the words of {counted(len(words_here), 'rejected question')})"
                                   if words_here else "") + ": " + ", ".join(i[:8] for i in again))
    return ErasedAgain([i[:8] for i in again], [i[:8] for i in again if i in contacts],
                       [i[:8] for i in again if i in words_here])
