"""Stored times as people in England read them: the clock in England, saying which clock it is.

Every time is kept in UTC: the warehouse's timestamps (naive, meaning UTC), a snapshot's and the pointer's ISO
texts. What a person reads is UK time: British Summer Time (UTC+1) from the last Sunday of March to the last Sunday
of October, Greenwich Mean Time (UTC) otherwise, and the words name it ("at 02:06 BST", "at 01:06 GMT"), so a time
read in summer is never an hour out. A day in words is the day in England: 23:30 UTC on 31 May is 1 June there.

Only what a person reads goes through here; machine-readable outputs (CSV and JSON timestamps, ISO stamps in file
names, what a snapshot stores) stay UTC. Standard library alone, with the IANA time zone database (the system's, or
the `tzdata` package where the system has none): the public app imports it.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
# Month names by hand rather than strftime("%B"), which follows the server's locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def uk_time(value: object) -> dt.datetime | None:
    """A stored time as an aware datetime in UK time: from a datetime or pandas Timestamp (naive means UTC) or ISO
    text ("2026-12-05T01:06:00", "2026-12-05 01:06", with or without an offset). None for nothing (None, NaN, NaT,
    "") or for text that is not a time; a date alone (no time of day) is not a moment, and is None too."""
    try:  # NaN and NaT are not equal to themselves; pandas' NA says neither
        if value is None or isinstance(value, float) or bool(value != value):
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(value, "to_pydatetime") and isinstance(value, dt.datetime):  # a pandas Timestamp
        value = value.to_pydatetime(warn=False)
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            return None
        text = str(value).strip()
        if not text or _DAY.fullmatch(text):
            return None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(UK)


def uk_day(value: object) -> dt.date | None:
    """The day in England of a stored time; a date (or "YYYY-MM-DD") is that day, as it was. None for nothing."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        return dt.date.fromisoformat(value.strip())
    local = uk_time(value)
    return None if local is None else local.date()


def uk_day_words(value: object) -> str:
    """"5 May 2026": the day in England of a stored time, or a date; "" for nothing."""
    day = uk_day(value)
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_words(day: dt.date) -> str:
    """The month a date is in, in words: "July 2015"."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def month_text(text: str | None) -> str | None:
    """A month written as a return and the public tables write it ("2015-07") in words ("July 2015"); any other
    text as it is."""
    if text and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return f"{MONTHS[int(text[5:]) - 1]} {text[:4]}"
    return text


def uk_words(value: object, form: str = "numeric", *, seconds: bool = False) -> str:
    """A stored time in UK time, naming the clock: "2026-05-05 11:04 BST" (`form` "numeric", for tables and terminal
    lines) or "5 May 2026 at 11:04 BST" ("words", for sentences); `seconds` adds them ("11:04:09 BST"). "" for
    nothing."""
    local = uk_time(value)
    if local is None:
        return ""
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    zone = local.tzname()  # BST or GMT
    if form == "words":
        return f"{local.day} {MONTHS[local.month - 1]} {local.year} at {clock} {zone}"
    if form != "numeric":
        raise ValueError(f'form is "numeric" or "words", not "{form}"')
    return f"{local:%Y-%m-%d} {clock} {zone}"


def uk_day_start(day: dt.date) -> dt.datetime:
    """When a day in England begins, as a stored time (naive UTC): 1 June 2026 begins at 2026-05-31 23:00. For
    narrowing stored times to days as people in England count them."""
    return dt.datetime.combine(day, dt.time(), UK).astimezone(dt.UTC).replace(tzinfo=None)


_MONTH_NAME = re.compile(r"([A-Za-z]{3,9})[ \-]+(\d{4}|\d{2})")
_MONTH_NUMBERS = {name[:3].lower(): i for i, name in enumerate(MONTHS, start=1)}
_FULL_NAMES = {name.lower() for name in MONTHS} | {"sept"}


def month_named(text: str | None) -> str | None:
    """`YYYY-MM` for a month written with its name and year, "Jul 2015", "July 2015" or "Jul-15" (a two-digit
    year is this century's); None for any other text."""
    m = _MONTH_NAME.fullmatch((text or "").strip())
    if not m:
        return None
    name, year = m.group(1).lower(), int(m.group(2))
    if name[:3] not in _MONTH_NUMBERS or (len(name) > 3 and name not in _FULL_NAMES):
        return None
    return f"{year + 2000 if year < 100 else year:04d}-{_MONTH_NUMBERS[name[:3]]:02d}"
