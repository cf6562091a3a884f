"""The office's own words for a briefing: a commentary per measure and the questions, kept with who and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb

from .. import audit
from ..access import require
from ..catalogue import catalogue
from ..errors import PccDashError
from ..warehouse import utc_now

KINDS = ("commentary", "questions")
MAX_CHARS = 20_000


class BadText(PccDashError):
    """A commentary or question list that cannot be saved as given."""


def save_text(con: duckdb.DuckDBPyConnection, claims: Mapping, *, period: dt.date, kind: str, body: str,
              measure: str | None = None) -> None:
    """Add a new version; earlier ones stay (the latest is shown and goes into the pack)."""
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
    with audit.transaction(con):
        con.execute("INSERT INTO briefing_text (period, kind, measure, body, written_by, written_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [period, kind, measure, body, who, utc_now()])
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
