"""Text a person typed, made safe to keep: the one place that decides what such text may hold and how long it
may be, for the office's records and for what the public sends in.

Text is kept as written (it is shown escaped everywhere, and exports neutralise formulas), with only what no
one means to type taken out: control characters other than line breaks and tabs, and the marks that reorder
text on screen. Markup is refused from the public (``markup_allowed=False``): a question is plain words.
Only the standard library: the public app imports this (through ``pipelines.inbox``).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import PccDashError

# Control characters but \t and \n, and the bidirectional marks that could make text read differently on screen
_STRIP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&#?\w+;|\]\(\s*(?:javascript|data|vbscript):", re.IGNORECASE)


def blank(value: object) -> bool:
    """Whether text has nothing to read: only spaces, line breaks and characters that show nothing (a zero-width
    space, a joiner, a control character), as a "question" pasted from a chat or typed by a script may be."""
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") for ch in str(value or ""))


class BadText(PccDashError):
    """Typed text that cannot be kept as given: empty, too long, or (from the public) markup."""


def clean(value: object, what: str, *, limit: int, required: bool = True, markup_allowed: bool = True,
          one_line: bool = False) -> str:
    """`value` as it is kept: line breaks made plain, unprintable characters taken out, ends trimmed.

    Raises BadText, in a sentence naming `what`, when it is empty (and `required`), longer than `limit`
    characters, or holds markup where none is allowed.
    """
    text = "" if value is None else str(value)
    if len(text) > 4 * limit:  # measured before any work on it: a flood is refused without being scanned
        raise BadText(f"The {what} is {len(text):,} characters long; it may be at most {limit:,}. Shorten it.")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _STRIP.sub("", text)
    if one_line:
        text = " ".join(text.split())
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if blank(text):
        if required:
            raise BadText(f"The {what} is empty; write it, then save.")
        text = ""
    if len(text) > limit:
        raise BadText(f"The {what} is {len(text):,} characters long; it may be at most {limit:,}. Shorten it.")
    if not markup_allowed and _MARKUP.search(text):
        raise BadText(f"The {what} holds what looks like web page code (such as <b> or &amp;). Write it as plain "
                      "words, without angle brackets.")
    return text
