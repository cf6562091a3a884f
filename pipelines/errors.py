"""The domain's errors. Each says what is wrong, where, and how to put it right."""

from __future__ import annotations

import errno
import re
import tempfile
import traceback
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

QUOTED_LIMIT = 80  # characters of a cell a message quotes
# Control characters (a terminal's escape sequences, line breaks) and the marks that reorder text on screen
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(value: object, limit: int | None = QUOTED_LIMIT) -> str:
    """Text read from a file as a message may quote it: at most `limit` characters, then "…", and every
    control character written as its escape (\\x1b, \\n), so that a cell cannot flood or drive a terminal."""
    text = str(value)
    cut = limit is not None and len(text) > limit
    if cut:
        text = text[:limit]
    text = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text + "\u2026" if cut else text


# The latest faults this process told its user of as a sentence, so a test fails on one a message hid.
FAULTS: deque[BaseException] = deque(maxlen=20)


def record_fault(exc: BaseException) -> Path:
    """Keep an unexpected error's details in the log (var/log/pccdash.log, else the temporary folder) and
    in FAULTS; returns the log file, for the sentence that tells the user where to look."""
    FAULTS.append(exc)
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for folder in (Path("var") / "log", Path(tempfile.gettempdir())):
        path = folder / "pccdash.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"{stamp} {text}\n")
            return path.resolve()
        except OSError:
            continue
    return Path("(no writable log folder)")


def interrupted(exc: BaseException) -> bool:
    """Whether `exc` is a person stopping the command (Ctrl+C): Python's KeyboardInterrupt, or the error DuckDB
    raises instead when the signal arrives while it runs a query ("Query interrupted")."""
    return (isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "InterruptException"
            or (isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted"))


_NAMED_FILE = re.compile(r'file "([^"]+)"')


def environment_fault(exc: BaseException) -> str | None:
    """What to tell a person of a fault of the machine rather than of the program (a full disk; a file cut short
    by a copy, a full disk or a restore that did not finish), with what to do; None for any other fault. The errors
    it was raised while handling count too: a rollback after a full disk fails in words of its own."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 10:
        seen.append(exc)
        said = _machine_fault(exc)
        if said is not None:
            return said
        exc = exc.__cause__ or exc.__context__
    return None


def _machine_fault(exc: BaseException) -> str | None:
    text = str(exc)
    named = _NAMED_FILE.search(text)
    where = (f'"{named.group(1)}"' if named else f'"{exc.filename}"' if isinstance(exc, OSError) and exc.filename
             else "a file it needed")
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "no space left on device" in text.lower():
        return (f"The disk is full: {where} could not be written. What the command had finished is kept whole, and "
                "what it had not is not kept at all. Free some space on that disk (the warehouse needs room for a "
                "copy of itself beside it), then run the command again to finish the job.")
    if "could not read enough bytes from file" in text.lower():
        return (f"{where if where.startswith(chr(34)) else 'A file it needed'} is damaged: it is shorter than its own "
                "contents say (cut short by a copy, a full disk or a restore that did not finish), so it cannot be "
                "read and nothing in it was changed. Restore it from the office's backup, with the files beside it "
                "whose names start the same, then run this again.")
    return None


class PccDashError(Exception):
    """Base class: an error the command line turns into a clean message and a non-zero exit."""


class ConfigError(PccDashError):
    """A reference or configuration file is missing or malformed."""


class WarehouseError(PccDashError):
    """The warehouse cannot be opened, is locked by another process, or is newer than this code."""


class WarehouseLocked(WarehouseError):
    """Another process holds the warehouse for a write and did not let go in time: trying again later helps."""


class WarehouseUnwritable(WarehouseError):
    """The account running pccdash may not change the warehouse file or its folder: trying again does not help."""


class Problem:
    """One thing wrong with one place in a file."""

    __slots__ = ("file", "sheet", "row", "column", "text")

    def __init__(self, file: str, text: str, *, sheet: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.text = text

    def where(self) -> str:
        parts = [f'file "{shown(self.file, None)}"']
        if self.sheet is not None:
            parts.append(f'sheet "{shown(self.sheet)}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f'column "{shown(self.column)}"')
        return ", ".join(parts)

    def message(self) -> str:
        return f"{self.where()}: {self.text}"

    def as_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "problem": self.text}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Problem({self.message()!r})"
