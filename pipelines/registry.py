"""A loaded file found by what a person calls it: its number (57 or #57) or its name, as the Files loaded page
and "pccdash files" list them. Flags, resubmissions and a re-check of accepted figures all find it so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import duckdb

# What each loaded file sent, by month and measure (file_id, period, measure): its figures, and the breakdowns it sent
# (a breakdown resent on its own, without the figure it breaks down, covers its month and measure too).
FILE_SENT = ("(SELECT file_id, period, measure FROM file_coverage "
             "UNION ALL SELECT file_id, period, measure FROM breakdown_coverage)")


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


OUTCOME_WORDS = {"accepted": "accepted", "rejected": "refused"}


def is_police_uk(layout: object) -> bool:
    return isinstance(layout, str) and layout.startswith("police_uk")


def not_kept(db_path, file_id: int, sha256: object, layout: object) -> str | None:
    """None when the file store beside the warehouse holds the file's bytes; else why it does not, in a sentence
    (the Files loaded page's reasons): police.uk's files are not kept, as police.uk keeps them; a file refused before
    its content was read (its type or its size) has no hash; a return loaded by an earlier version of pccdash was not
    kept."""
    from . import filestore

    if is_police_uk(layout):
        return (f"File #{file_id} is a police.uk file: police.uk's files are not kept as received, as police.uk "
                "keeps them. Download it again from data.police.uk.")
    if not sha256:
        return (f"File #{file_id} is not kept as received: it was refused before its content was read (for its type "
                "or its size, or as unreadable by an earlier version of pccdash), so the office's own copy is the "
                "only one.")
    if not filestore.has(db_path, str(sha256)):
        return (f"File #{file_id} is not kept as received: it was loaded by an earlier version of pccdash, which did "
                "not keep returns loaded from the command line, or the file store beside the warehouse "
                f'("{filestore.folder(db_path)}") has lost it; restore that folder from the backup taken with the '
                "warehouse.")
    return None


def figures_by_month(con: duckdb.DuckDBPyConnection, file_id: int, outcome: str, layout: object) -> list[tuple]:
    """What a file brought, month by month, oldest first: of an accepted return (month, new, revised, still
    current), of a police.uk file (month, kind, force, records: a file may hold another force's records, or every
    force's), of a refused return what it held though nothing of it was loaded (month, measures, figures)."""
    if is_police_uk(layout):
        return con.execute("SELECT period, kind, falls_within, records FROM police_uk_month WHERE file_id = ? "
                           "ORDER BY period, kind, falls_within", [file_id]).fetchall()
    if outcome != "accepted":
        return con.execute("SELECT period, count(DISTINCT measure), sum(figures) FROM refused_coverage "
                           "WHERE file_id = ? GROUP BY period ORDER BY period", [file_id]).fetchall()
    return con.execute(
        """SELECT r.period, count(*) FILTER (WHERE r.revision = 1), count(*) FILTER (WHERE r.revision > 1),
                  count(f.file_id)
           FROM figure_revision r
           LEFT JOIN figure f ON f.period = r.period AND f.district = r.district AND f.measure = r.measure
                             AND f.revision = r.revision
           WHERE r.file_id = ? GROUP BY r.period ORDER BY r.period""", [file_id]).fetchall()
