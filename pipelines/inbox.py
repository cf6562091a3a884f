"""The inbox of questions the public sends for a Board: a folder the public app writes into and the office imports
from (`pccdash inbox import`, the *Questions from the public* page), so the public app never opens the warehouse.

Each question is one JSON file, written whole or not at all and readable by this account only. Nothing in it is
shown to the public: the office reads it first. Only the standard library, pipelines.plaintext and
pipelines.errors: the public app imports this.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path

from .errors import PccDashError
from .plaintext import BadText, clean

ENV = "PCCDASH_INBOX_DIR"
DEFAULT_DIR = Path("var") / "inbox"
LIMITS = {"body": 1_500, "name": 100, "contact": 200}
PER_SESSION = 3     # questions one visitor (one browser session) may send in WINDOW
PER_INBOX = 60      # questions the inbox takes in WINDOW from everyone together
WINDOW = 3_600      # seconds
CONTACT_HELP = "an e-mail address or phone number if you would like a reply"


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# What in a text can point to one person, a child above all: each kind with the words that say it, in English and in
# Welsh. A question from the public often names the street, the school, the child or a relative ("my daughter Chloe
# (14) at Oakwood school", "fy merch Cerys, 12 oed"); nothing here is refused (a street may be the right place to
# name), it is pointed out for a person to judge before the text is put or published.
_NAME = r"[A-Z][\w'’-]+"
_NOT_A_NAME = {"A", "An", "The", "My", "Our", "Her", "His", "Their", "Your", "This", "That", "Which", "What", "Every",
               "Any", "Each", "Local", "Primary", "Secondary", "High", "Junior", "Infant", "Special", "Why", "How",
               "When", "Where", "Is", "Are", "Will", "Do", "Does", "In", "At", "On", "Near", "By", "From", "To"}
_PERSONAL = (
    ("a street", re.compile(rf"\b(?:{_NAME}\s+){{1,3}}(?:Road|Street|Lane|Avenue|Close|Drive|Crescent|Grove|Terrace|"
                            r"Place|Gardens|Walk|Row|Square|Mews|Rise|Parade|Way)\b")),
    ("a school", re.compile(rf"\b(?:{_NAME}\s+){{1,4}}(?i:school|academy|college|primary|infants|juniors|nursery)\b"
                            rf"|\bYsgol(?:\s+{_NAME}){{1,3}}")),  # in Welsh the school comes first: "Ysgol Gymraeg Bro"
    ("a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")),
    ("a person's age", re.compile(rf"(?i:\b(?:aged?|age of)\s+\d{{1,2}}\b|\b\d{{1,2}}[- ]?(?:years?|yrs?)[- ]old\b)"
                                  rf"|\b{_NAME}\s?\(\s*\d{{1,2}}\s*\)"  # "Chloe (14)", not "Sheffield (14)"
                                  r"|(?i:\b\d{1,2}\s+(?:(?:mlwydd|blwydd|mlynedd)\s+)?oed\b)")),  # Welsh: "12 oed"
    ("a relative", re.compile(r"(?i:\b(?:my|our|her|his|their)\s+(?:(?:step|grand)?(?:daughter|son|child|children|kids?"
                              r"|girl|boy)|niece|nephew|sister|brother|neighbour(?:'s|’s|s)?"
                              r"(?:\s+(?:daughter|son|child|girl|boy|kids?))?)\b)"
                              # in Welsh, "my", "our", "his/her", "their" and the word as each mutates it after them
                              r"|(?i:\b(?:fy|ein|ei|eu)\s+(?:merch|ferch|mab|fab|mhlentyn|plentyn|blentyn|mhlant|plant|"
                              r"blant|wyres|ŵyr|wyr|nith|nai|chwaer|mrawd|brawd|frawd|nghymydog|cymydog|gymydog)\b)")),
    ("a name", re.compile(rf"\b(?i:called|named|o['’]r\s+enw)\s+{_NAME}|\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+{_NAME}")),
    ("a mobile number", re.compile(r"(?:\+44\s?7|\b07)\d{3}\s?\d{3}\s?\d{3}\b")),
    # a landline: 01 or 02 and nine or ten more digits, spaced as people write them ("0114 296 3000")
    ("a phone number", re.compile(r"(?:\+44\s?\(?0?\)?\s?|\b0)[12](?:[\s-]?\d){8,9}\b")),
    ("an e-mail address", EMAIL),
)


def personal_details(text: object, figure_label: Callable[[str], bool] | None = None) -> list[tuple[str, list[str]]]:
    """What in a text seems to name a person or where one can be found: (kind, the words found) for each kind found
    ("a phone number", ["0114 296 3000"]), in the order of `_PERSONAL`; empty when nothing is. `figure_label` says
    whether a word before a number in brackets is a place or month a figure is given for ("Rotherham (14)"), not a
    person's name and age. Read by the office when a question is imported or a text approved, and by the Ask page
    before a question is sent."""
    said = str(text or "")
    found = []
    for kind, pattern in _PERSONAL:
        hits: list[str] = []
        for match in pattern.finditer(said):
            words = match.group(0).strip()
            first = words.split()[0] if words.split() else ""
            while first in _NOT_A_NAME and len(words.split()) > 2:  # "The Oakwood school" quotes "Oakwood school"
                words = words.split(None, 1)[1]
                first = words.split()[0]
            if kind in ("a street", "a school") and first in _NOT_A_NAME:
                continue  # "the school", "My Road" at the start of a sentence: no place named
            if (kind == "a person's age" and words.endswith(")") and figure_label is not None
                    and figure_label(words.split("(")[0].strip())):
                continue  # "Rotherham (14)", "July (14)": a figure in brackets, not a person's age
            if words not in hits:
                hits.append(words)
        if hits:
            found.append((kind, hits))
    return found


class SubmissionRefused(PccDashError):
    """A question from the public that cannot be taken as sent: empty, too long, markup, or too many too fast."""


def inbox_dir(explicit: str | os.PathLike | None = None) -> Path:
    """`PCCDASH_INBOX_DIR`, else `var/inbox` under the working folder."""
    return Path(explicit or os.environ.get(ENV) or DEFAULT_DIR)


# When each visitor's questions were taken, by the session key the page keeps; in this process's memory only.
_SENT: dict[str, deque[float]] = {}
_LOCK = threading.Lock()


def _epoch(now: dt.datetime | None) -> float:
    if now is None:
        return time.time()
    return (now if now.tzinfo else now.replace(tzinfo=dt.UTC)).timestamp()


def _recent(stamps: deque[float], at: float) -> deque[float]:
    while stamps and stamps[0] <= at - WINDOW:
        stamps.popleft()
    return stamps


def waiting(folder: str | os.PathLike | None = None, *, since: float | None = None) -> int:
    """How many questions wait in the inbox to be imported (only those written after `since`, epoch seconds, if
    given). One directory listing: the files' own times, nothing opened."""
    root = inbox_dir(folder)
    count = 0
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                if not entry.name.endswith(".json") or entry.name.startswith(".") or not entry.is_file():
                    continue
                if since is None or entry.stat().st_mtime > since:
                    count += 1
    except FileNotFoundError:
        return 0
    return count


def _text(value: object, what: str, limit: int, *, required: bool, one_line: bool) -> str:
    try:
        return clean(value, what, limit=limit, required=required, markup_allowed=False, one_line=one_line)
    except BadText as exc:
        raise SubmissionRefused(str(exc)) from None


def submit(body: object, name: object = "", contact: object = "", *, folder: str | os.PathLike | None = None,
           session: str | None = None, now: dt.datetime | None = None) -> str:
    """Take a question for a forthcoming Board into the inbox; returns its receipt (the first 8 characters of its id).

    The question is plain words of at most 1,500 characters (a flood is refused by its length, unread); the name and the
    contact are optional, one line each, kept for the office's reply and never published. One session may send
    PER_SESSION questions an hour, and the inbox takes PER_INBOX an hour from everyone.
    """
    text = _text(body, "question", LIMITS["body"], required=True, one_line=False)
    who = _text(name, "name", LIMITS["name"], required=False, one_line=True)
    reach = _text(contact, "contact", LIMITS["contact"], required=False, one_line=True)
    at = _epoch(now)
    root = inbox_dir(folder)
    with _LOCK:
        sent = _recent(_SENT.setdefault(session, deque()), at) if session else deque()
        if len(sent) >= PER_SESSION:
            raise SubmissionRefused(f"You have sent {len(sent)} questions in the last hour; please wait before "
                                    "sending another.")
        if waiting(root, since=at - WINDOW) >= PER_INBOX:
            raise SubmissionRefused("The office has received many questions in the last hour and cannot take more "
                                    "just now; please try again in an hour.")
        ident = uuid.uuid4().hex
        received = dt.datetime.fromtimestamp(at, dt.UTC).isoformat()
        record = {"id": ident, "received_at": received, "body": text, "name": who, "contact": reach}
        write(root, f"{ident}.json", json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"), at)
        if session:
            sent.append(at)
            for key in [k for k, v in _SENT.items() if not _recent(v, at)]:  # forget visitors gone quiet
                del _SENT[key]
    return ident[:8]


def write(root: Path, name: str, data: bytes, stamp: float) -> None:
    """Write `data` as `root/name`, whole or not at all, readable by this account only, dated `stamp`."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".", suffix=".tmp")  # created 0600; ignored by readers
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.utime(tmp, (stamp, stamp))  # the inbox's hourly count reads these times
        os.replace(tmp, root / name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself kept across a power cut, where the system allows
        dir_fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
