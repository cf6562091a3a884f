"""Events drawn on the charts (an inquiry's report, a change in recording, an operation), from a reference file.

``pipelines/reference/events.yaml`` lists what happened when, with the measures each event concerns and
whether the public may read it. Every chart of those measures draws the event and lists it underneath,
in the words this module gives it, so the Measure page, the briefing pack and the public pages agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .catalogue import catalogue, optional_file_mtime, reference_file
from .errors import ConfigError

FILE = "events.yaml"
FIELDS = ("date", "title", "description", "measures", "public")
TITLE_LIMIT = 50  # a title is the line's label on a chart; more than this runs over the next event's
EXAMPLE = ("- date: 2014-08-26\n    title: Rotherham inquiry report published\n    description: ...\n"
           "    measures: all\n    public: true")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Event:
    """Something that happened on a day (or in a month), the measures it concerns, and whether it is public."""

    date: dt.date
    title: str
    description: str
    measures: tuple[str, ...] | None  # None: every measure
    public: bool
    month_only: bool = False          # the file gave only its month

    @property
    def month(self) -> str:
        return f"{self.date:%Y-%m}"

    @property
    def when(self) -> str:
        """"26 August 2014", or "December 2014" when only the month is known (month names by hand, not locale)."""
        month = f"{calendar.month_name[self.date.month]} {self.date.year}"
        return month if self.month_only else f"{self.date.day} {month}"

    @property
    def line(self) -> str:
        """The event as every chart lists it underneath."""
        return f"{self.when}: {self.title}. {self.description}"

    def concerns(self, measure_id: str) -> bool:
        return self.measures is None or measure_id in self.measures


# --- reading the file ----------------------------------------------------------------------------------------

def _lines(text: str) -> tuple[int | None, list[tuple[int, dict[str, int]]]]:
    """The line of the `events:` key, and each event's line with the line of each of its fields (from 1)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None, []
    if not isinstance(root, yaml.MappingNode):
        return None, []
    top, items = None, []
    for key, value in root.value:
        if key.value != "events":
            continue
        top = key.start_mark.line + 1
        for node in value.value if isinstance(value, yaml.SequenceNode) else []:
            fields = ({k.value: k.start_mark.line + 1 for k, _ in node.value}
                      if isinstance(node, yaml.MappingNode) else {})
            items.append((node.start_mark.line + 1, fields))
    return top, items


def _date(value: object) -> tuple[dt.date, bool] | None:
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    found = _MONTH.match(str(value).strip()) if isinstance(value, str) else None
    if found and 1 <= int(found.group(2)) <= 12:
        return dt.date(int(found.group(1)), int(found.group(2)), 1), True
    return None


def events_from_text(text: str, path: str | Path = FILE) -> tuple[Event, ...]:
    """The events of a file's text, validated against the catalogue, in date order.

    A problem is a ConfigError naming the file, the line and the fix.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f'"{path}"{at}: is not valid YAML ({getattr(exc, "problem", None) or exc}). Correct it '
                          'and run "pccdash check" again.') from None
    if data is None:
        return ()
    top, lines = _lines(text)

    def where(i: int | None = None, name: str | None = None) -> str:
        if i is None:
            return f'"{path}"' + (f", line {top}" if top else "")
        line, fields = lines[i] if i < len(lines) else (None, {})
        line = fields.get(name, line) if name else line
        return f'"{path}"' + (f", line {line}" if line else "") + f", event {i + 1}"

    if not isinstance(data, dict) or set(data) - {"events"}:
        extra = sorted(str(k) for k in set(data) - {"events"}) if isinstance(data, dict) else []
        said = f'unknown top-level field "{extra[0]}"; ' if extra else ""
        raise ConfigError(f'"{path}": {said}the file should hold one list, events:, e.g.\nevents:\n  {EXAMPLE}')
    raw = data.get("events")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where()}: events should be a list, one entry per event, e.g.\nevents:\n  {EXAMPLE}")
    known = catalogue().ids()
    out: list[Event] = []
    seen: dict[tuple[dt.date, str], int] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ConfigError(f"{where(i)}: should be a mapping with the fields {', '.join(FIELDS)}, e.g.\n  {EXAMPLE}")
        unknown = sorted(str(k) for k in set(item) - set(FIELDS))
        if unknown:
            hint = difflib.get_close_matches(unknown[0], FIELDS, n=1)
            extra = f' (did you mean "{hint[0]}"?)' if hint else ""
            raise ConfigError(f'{where(i, unknown[0])}: unknown field "{unknown[0]}"{extra}; the fields are '
                              f"{', '.join(FIELDS)}.")
        missing = [f for f in FIELDS if f not in item]
        if missing:
            raise ConfigError(f'{where(i)}: the field "{missing[0]}" is required (the fields are '
                              f"{', '.join(FIELDS)}), e.g.\n  {EXAMPLE}")
        date = _date(item["date"])
        if date is None:
            raise ConfigError(f'{where(i, "date")}: the date "{item["date"]}" is not a date. Write it as YYYY-MM-DD '
                              "(or YYYY-MM when only the month is known), e.g. date: 2014-08-26.")
        title = item["title"]
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f'{where(i, "title")}: give the event a title of a few words (its label on the chart).')
        title = " ".join(title.split())
        if len(title) > TITLE_LIMIT:
            raise ConfigError(f'{where(i, "title")}: the title "{title}" has {len(title)} characters; a chart '
                              f"label takes at most {TITLE_LIMIT}. Shorten it and put the rest in the description.")
        text_ = item["description"]
        if not isinstance(text_, str) or not text_.strip():
            raise ConfigError(f'{where(i, "description")}: say in a sentence or two what happened and why it '
                              "matters to the figures (the chart lists it underneath).")
        measures = _measures(item["measures"], known, where(i, "measures"))
        public = item["public"]
        if not isinstance(public, bool):
            raise ConfigError(f'{where(i, "public")}: public should be true (also drawn on the public charts) or '
                              f'false (internal only), not "{public}".')
        event = Event(date[0], title, " ".join(text_.split()), measures, public, month_only=date[1])
        if (event.date, title) in seen:
            raise ConfigError(f'{where(i)}: "{title}" on {event.when} is already event {seen[(event.date, title)]}; '
                              "give each event once.")
        seen[(event.date, title)] = i + 1
        out.append(event)
    return tuple(sorted(out, key=lambda e: e.date))


def _measures(raw: object, known: list[str], where: str) -> tuple[str, ...] | None:
    if isinstance(raw, str) and raw.strip().lower() == "all":
        return None
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items or not all(isinstance(m, str) for m in items):
        raise ConfigError(f'{where}: measures should be all, or a list of measure ids from '
                          f'"{reference_file("measures.yaml")}", e.g. measures: [cse_arrests, cse_charges].')
    for m in items:
        if m not in known:
            hint = difflib.get_close_matches(m, known, n=1)
            extra = f' (did you mean "{hint[0]}"?)' if hint else ""
            raise ConfigError(f'{where}: "{m}" is not in the measure catalogue{extra}; list measure ids from '
                              f'"{reference_file("measures.yaml")}", or write measures: all.')
    return tuple(dict.fromkeys(items))


@functools.cache
def _load(path: str, mtime: float) -> tuple[Event, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f'"{path}": is not UTF-8 text. Save it as UTF-8 and run "pccdash check" again.') from None
    return events_from_text(text, path)


def load_events(path: str | Path | None = None) -> tuple[Event, ...]:
    """The events in ``events.yaml`` (or ``path``), validated, in date order.

    Cached on the file's path and modification time, so an edited file is read again without a restart.
    A reference folder without the file has no events.
    """
    file, mtime = optional_file_mtime(path, FILE)
    return () if mtime is None else _load(str(file), mtime)


# --- what a chart draws ----------------------------------------------------------------------------------------

def _month(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return f"{pd.Timestamp(value if not isinstance(value, str) or len(value) > 7 else value + '-01'):%Y-%m}"


def events_for(measure_id: str, start: object = None, end: object = None, *, public_only: bool = False,
               events: Iterable[Event] | None = None) -> list[Event]:
    """The events a chart of `measure_id` from month `start` to month `end` draws (either open), in date order;
    only those marked public when `public_only`."""
    first, last = _month(start), _month(end)
    return [e for e in (load_events() if events is None else events)
            if e.concerns(measure_id) and (not public_only or e.public)
            and (first is None or e.month >= first) and (last is None or e.month <= last)]


PUBLIC_COLUMNS = ["measure", "date", "month", "when", "title", "description", "line"]


def public_events(months: list[str], measure_ids: Iterable[str]) -> pd.DataFrame:
    """The public events within the published months' span, one row per measure each concerns: what a
    published snapshot carries (an event marked public: false never leaves the warehouse's side)."""
    rows = []
    if months:
        for measure in measure_ids:
            rows += [{"measure": measure, "date": e.date.isoformat(), "month": e.month, "when": e.when,
                      "title": e.title, "description": e.description, "line": e.line}
                     for e in events_for(measure, min(months), max(months), public_only=True)]
    return pd.DataFrame(rows, columns=PUBLIC_COLUMNS)
