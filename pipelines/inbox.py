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
import tempfile
import threading
import time
import uuid
from collections import deque
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
        _write(root, f"{ident}.json", json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"), at)
        if session:
            sent.append(at)
            for key in [k for k, v in _SENT.items() if not _recent(v, at)]:  # forget visitors gone quiet
                del _SENT[key]
    return ident[:8]


def _write(root: Path, name: str, data: bytes, stamp: float) -> None:
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
