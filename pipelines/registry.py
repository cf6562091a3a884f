"""A loaded file found by what a person calls it: its number (57 or #57) or its name, as the Files loaded page
and "pccdash calendar" list them. Flags, resubmissions and a re-check of accepted figures all find it so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import duckdb


class LoadedFile(NamedTuple):
    file_id: int
    name: str
    outcome: str  # accepted | rejected
    received_at: dt.datetime


def find_file(con: duckdb.DuckDBPyConnection, file: object, *,
              missing: Callable[[str, str | None], Exception], outcome: str | None = None, only: bool = False,
              several: Callable[[list[LoadedFile]], Exception] | None = None) -> LoadedFile:
    """The file of that number, or else the latest loaded of that name.

    Of the files it may be, those whose outcome is `outcome` are taken if there are any (and only those, if
    `only`). When `several` is given, none of several files of that name is guessed: `several(files)`, oldest
    first, is raised. When there is none, `missing(text, digits)` is raised: what was given, trimmed, and
    the digits of the number in it (None if it is not a number)."""
    text = str(file if file is not None else "").strip()
    digits = text.lstrip("#")
    digits = digits if digits.isdecimal() and len(digits) < 40 else None  # a longer one is no file's number

    def chosen(sql: str, value: str) -> list[LoadedFile]:
        rows = [LoadedFile(int(i), str(n), str(o), at) for i, n, o, at in con.execute(
            "SELECT file_id, name, outcome, received_at FROM file_registry WHERE " + sql
            + " ORDER BY received_at DESC, file_id DESC", [value]).fetchall()]
        kept = [r for r in rows if r.outcome == outcome]
        return kept if kept or only else rows

    files = chosen("file_id::VARCHAR = ?", str(int(digits))) if digits is not None else []
    if not files:
        files = chosen("name = ?", text)
    if several is not None and len(files) > 1:
        raise several(sorted(files))
    if not files:
        raise missing(text, digits)
    return files[0]
