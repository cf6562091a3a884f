"""Data access for the internal pages: per-query connections to the warehouse's read copy, cached by the
tables each answer was read from.

The pages never hold the warehouse open: a load holds it locked. Each load swaps in a new read copy
(`pipelines.warehouse.publish_read_copy`), so a page sees one whole load or the one before, never half.
A page's few writes (a flag, a commentary, an approval) open the warehouse itself for a moment and then
swap in a new read copy.

An answer is kept with the tables (and views) its queries named, and a fingerprint of each (its row count
and the sum of its rows' hashes, taken once for each new read copy). It is given again while none of those
tables has changed: a flag throws away the answers that read the flags, not the police.uk context page's.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pipelines import warehouse
from pipelines.catalogue import reference_folder_stamp, reference_stamp
from pipelines.errors import WarehouseError, WarehouseLocked
from pipelines.figures import current_figures
from pipelines.figures import plan_figures as plan_figures_of
from pipelines.plan import PlanAnalytics

KEPT_ANSWERS = 256


def db() -> Path:
    return warehouse.db_path(os.environ.get("PCCDASH_DB"))


def read_copy() -> Path:
    return warehouse.read_copy_path(db())


def version() -> tuple[int, int, int] | None:
    """Which read copy is in place: each load or write swaps in a new file (a new inode, a new mtime), and the
    tables' fingerprints are then taken again."""
    try:
        st = read_copy().stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _sql(con: duckdb.DuckDBPyConnection, sql: str, params: tuple) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


@dataclass(frozen=True)
class Marks:
    """Each table's fingerprint in one read copy, and the tables each view reads (through other views too)."""

    tables: dict[str, str]
    views: dict[str, frozenset[str]]
    schema: int = 0  # the read copy's schema version

    def read_by(self, statements: list[str]) -> dict[str, str]:
        """The fingerprints of the tables these statements name, directly or through a view."""
        text = " ".join(statements).lower()
        named = set(re.findall(r"[a-z_][a-z0-9_]*", text))
        read = {t for t in named if t in self.tables}
        for v in named & self.views.keys():
            read |= self.views[v]
        return {t: self.tables[t] for t in sorted(read)}


def _open_read_copy(path: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the read copy; a copy that is not a database is told as what to do about it."""
    try:
        return duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        if warehouse.refused_by_permissions(str(exc)):
            raise warehouse.unreadable(Path(path)) from exc
        if "not a valid duckdb database" in str(exc).lower() or "is a directory" in str(exc).lower():
            raise read_copy_damaged(Path(path)) from exc
        raise


def read_copy_damaged(copy: Path) -> WarehouseError:
    kind = "empty" if copy.is_file() and copy.stat().st_size == 0 else "damaged"
    return WarehouseError(
        f'The warehouse\'s read copy "{copy}", which these pages read, is {kind}. Run "pccdash init" to make it '
        "again from the warehouse, then reload this page.")


@st.cache_resource(show_spinner=False, max_entries=4)
def _marks(version_: tuple | None, path: str) -> Marks:
    con = _open_read_copy(path)
    try:
        names = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' ORDER BY 1").fetchall()]
        tables = {}
        if names:
            rows = con.execute(" UNION ALL ".join(
                f"SELECT '{t}', count(*) || ':' || coalesce(sum(hash(pccdash_row))::HUGEINT, 0) "
                f"FROM \"{t}\" pccdash_row"
                for t in names)).fetchall()
            tables = {t.lower(): mark for t, mark in rows}
        sql = {v.lower(): (text or "").lower() for v, text in con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() "
            "AND NOT internal").fetchall()}
        schema = warehouse.schema_version(con)
    finally:
        con.close()
    words = {v: set(re.findall(r"[a-z_][a-z0-9_]*", text)) - {v} for v, text in sql.items()}

    def base(view: str, seen: frozenset[str]) -> frozenset[str]:
        out = {w for w in words[view] if w in tables}
        for w in words[view] & sql.keys() - seen:
            out |= base(w, seen | {w})
        return frozenset(out)

    return Marks(tables, {v: base(v, frozenset({v})) for v in sql}, schema)


@functools.cache
def _latest_schema() -> int:
    """This version's schema version (its migrations do not change while it runs): looked up once, not on every read
    a page makes."""
    return warehouse.migrations()[-1][0]


def _current_marks() -> tuple[tuple[int, int, int], Marks] | None:
    """The read copy in place and its marks, once its schema is this version's: a warehouse an older version of
    pccdash made is brought up to date first (as any command does on opening it), or, when that cannot be done
    from here, said so with what to do, rather than each page failing on a table the older version lacked."""
    v = version()
    if v is None:
        return None
    marks = _marks(v, str(read_copy()))
    latest = _latest_schema()
    if not 0 < marks.schema < latest:  # 0: no schema version at all, so no version of pccdash made it
        return v, marks
    older = marks.schema
    try:
        with warehouse.connect(db(), create=False):  # upgrades the schema, then swaps in a new read copy
            pass
    except WarehouseError as exc:
        raise WarehouseError(
            f"The warehouse was made by an older version of pccdash (schema version {older}; this version needs "
            f"{latest}) and could not be brought up to date from this page: {exc} Run \"pccdash init\" to "
            "upgrade it, then reload this page.") from exc
    v = version()
    marks = _marks(v, str(read_copy())) if v is not None else None
    if marks is None or marks.schema < latest:
        raise WarehouseError(
            f"The warehouse's read copy \"{read_copy()}\", which these pages read, is still at schema version "
            f"{older if marks is None else marks.schema}, older than this version of pccdash needs ({latest}). "
            'Run "pccdash init" to upgrade the warehouse and make the copy again, then reload this page.')
    return v, marks


class _Recording:
    """A connection that notes every statement run on it (to learn which tables an answer read)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self.statements: list[str] = []

    def execute(self, sql, *args, **kwargs):
        self.statements.append(str(sql))
        return self._con.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self.statements.append(str(sql))
        return self._con.executemany(sql, *args, **kwargs)

    def sql(self, sql, *args, **kwargs):
        self.statements.append(str(sql))
        return self._con.sql(sql, *args, **kwargs)

    query = sql

    def table(self, name, *args, **kwargs):
        self.statements.append(str(name))
        return self._con.table(name, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


@dataclass
class _Answer:
    marks: dict[str, str]  # the fingerprint of each table it was read from
    value: Any  # pickled bytes, or the object itself when shared


class _Answers:
    """The kept answers, the least lately used dropped first; shared by every session of the server."""

    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.kept: OrderedDict[tuple, _Answer] = OrderedDict()
        self.worked: Counter[str] = Counter()  # answers worked out rather than given again, by function

    def get(self, key: tuple, marks: Marks) -> _Answer | None:
        with self.lock:
            answer = self.kept.get(key)
            if answer is None:
                return None
            if any(marks.tables.get(t) != m for t, m in answer.marks.items()):
                del self.kept[key]
                return None
            self.kept.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: _Answer) -> None:
        with self.lock:
            self.worked[key[1]] += 1
            self.kept[key] = answer
            self.kept.move_to_end(key)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)


@st.cache_resource(show_spinner=False)
def answers() -> _Answers:
    return _Answers(KEPT_ANSWERS)


# the tables read by the answers being worked out in this thread, innermost last: an answer built from another
# kept answer (`call` inside the function) is kept with the tables that one read too
_working = threading.local()


def _read_too(read: dict[str, str]) -> None:
    stack = getattr(_working, "stack", None)
    if stack:
        stack[-1].update(read)


def _kept(fn: Callable, args: tuple, kwargs: dict, shared: bool, also: object = None) -> Any:
    current = _current_marks()
    if current is None:
        return None
    path, marks = str(read_copy()), current[1]
    key = (path, f"{fn.__module__}.{fn.__qualname__}", tuple(args), tuple(sorted(kwargs.items())), also)
    store = answers()
    found = store.get(key, marks)
    if found is not None:
        _read_too(found.marks)
        return found.value if shared else pickle.loads(found.value)
    stack = _working.__dict__.setdefault("stack", [])
    stack.append({})
    con = _open_read_copy(path)
    try:
        recording = _Recording(con)
        value = fn(recording, *args, **kwargs)
    finally:
        con.close()
        nested = stack.pop()
    read = {**marks.read_by(recording.statements), **nested}
    store.put(key, _Answer(read, value if shared else pickle.dumps(value)))
    _read_too(read)
    return value


def call(fn: Callable, *args, _also: object = None, **kwargs) -> Any:
    """`fn(connection, *args)` on the current read copy, kept until a table it read changes; None when there is
    no warehouse yet. Each caller gets its own copy of the answer. `_also`: what else the answer depends on
    (a published snapshot, say), part of its key and not passed to `fn`."""
    return _kept(fn, args, kwargs, shared=False, also=_also)


def read(fn: Callable, *args, **kwargs) -> Any:
    """`fn(connection, *args)` on the current read copy, not cached: for work done once on a person's asking
    (drawing a pack), which holds no lock a load would wait for."""
    _current_marks()
    con = _open_read_copy(str(read_copy()))
    try:
        return fn(con, *args, **kwargs)
    finally:
        con.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a parameterised read-only query against the current read copy."""
    out = call(_sql, sql, tuple(params))
    return pd.DataFrame() if out is None else out


def figures() -> pd.DataFrame:
    out = call(current_figures)
    return pd.DataFrame() if out is None else out


def context_stamp() -> tuple:
    """What the police.uk context figures are placed and counted by besides the warehouse: police_uk.yaml's district
    prefixes and crime types, force.yaml's districts and the catalogue's measures; edited, they are worked out again
    (a district given its prefix while the dashboard runs is counted at once)."""
    return reference_stamp("police_uk.yaml", "force.yaml", "measures.yaml")


def plan_figures() -> pd.DataFrame:
    """The figures the plan is judged on: the force's, and the police.uk context measures a plan lists."""
    out = call(plan_figures_of, _also=context_stamp())
    return pd.DataFrame() if out is None else out


def _plan_analytics(con: duckdb.DuckDBPyConnection) -> PlanAnalytics | None:
    # the force's figures and the police.uk context measures the plan lists, judged
    if current_figures(con).empty:
        return None
    return PlanAnalytics(plan_figures_of(con))


def analytics() -> PlanAnalytics | None:
    """The plan's analysis, one object shared by every page and session (it is not changed by its users)
    until a table it was built from changes."""
    return _kept(_plan_analytics, (), {}, shared=True, also=context_stamp())


def with_analytics(fn: Callable, *args, **kwargs) -> Any:
    """`fn(connection, *args, analytics=analytics(), **kwargs)`, kept as `call` keeps answers: until a table read
    by it or by the plan's analysis changes, or a reference file is edited (the analysis reads plan.yaml and
    spc_history.yaml as they are at each call, so that a plan adopted while the dashboard runs judges at once)."""
    return call(_analysed, fn, *args, _also=reference_folder_stamp(), **kwargs)


def _analysed(con: duckdb.DuckDBPyConnection, fn: Callable, *args, **kwargs) -> Any:
    return fn(con, *args, analytics=analytics(), **kwargs)  # a kept answer: its tables count as read here


PREVIEW_TABLES = ("revised", "newly_shown", "newly_suppressed", "cells")  # the preview's tables of figures


def preview_notes(folder: str, snapshot: str) -> dict[str, pd.DataFrame] | None:
    """For the downloads of the Approve and publish page's tables of figures (`PREVIEW_TABLES` of the preview of
    the next publication into `folder`, `snapshot` the one the public reads now, as the page asks for the preview):
    each figure's open flags and caveats in words (`pipelines.flags.period_figure_notes`), one frame a table, kept
    as the preview and the plan's analysis are."""
    return call(_preview_notes, folder, snapshot, _also=context_stamp())


def _preview_notes(con: duckdb.DuckDBPyConnection, folder: str, snapshot: str) -> dict[str, pd.DataFrame]:
    from pipelines.flags import caveats, period_figure_notes
    from pipelines.publish.snapshot import preview_publication

    preview = call(preview_publication, folder, _also=snapshot)  # the page's own, kept: its tables count as read here
    plan = analytics()
    cav = caveats(con)
    return {name: period_figure_notes(cav, plan.panel, getattr(preview, name)) for name in PREVIEW_TABLES
            if plan is not None and getattr(preview, name) is not None}


def quoted_hidden_warning(text: str, days: tuple) -> str | None:
    """What `hidden_number_warnings` says of a text of the accountability record read on `days` (`said_on`), against
    the figures the next publication hides and the small counts of the months it does not carry, kept as they are
    until a table they read changes: a number may equal thousands of hidden counts, each read against the text, and
    a page runs again at every click. None when the text holds no number."""
    from pipelines.accountability.release import whole_numbers

    return call(_quoted_hidden_warning, text, tuple(days)) if whole_numbers(text) else None


def _quoted_hidden_warning(con: duckdb.DuckDBPyConnection, text: str, days: tuple) -> str | None:
    from pipelines.accountability.release import hidden_number_warnings
    from pipelines.publish.snapshot import figures_a_text_may_not_quote

    # worked out once for every text of every page, not once each; kept, its tables count as read here
    hidden, small = call(figures_a_text_may_not_quote)
    return hidden_number_warnings(con, text, hidden, days, small)


class Busy(Exception):
    """The warehouse is held by a load in another process."""


def write(fn: Callable, *args, **kwargs) -> Any:
    """Run `fn(read-write connection, ...)`, then swap in the new read copy (each fn is atomic itself). Busy only
    when another process holds the warehouse; a warehouse that cannot be written at all raises its own error."""
    try:
        with warehouse.connect(db(), create=False) as con:
            return fn(con, *args, **kwargs)
    except WarehouseLocked as exc:
        raise Busy(str(exc)) from exc


def months() -> list[str]:
    figs = figures()
    return sorted(figs["period"].unique()) if not figs.empty else []


def no_warehouse_guard() -> None:
    """Explain what is missing or damaged and how to fix it, then stop the page."""
    if version() is not None:
        _current_marks()  # a read copy that is not a database, or an older version's, is said so here
        return
    path = db()
    if path.exists() and not warehouse.is_duckdb_file(path):
        st.error(str(warehouse.not_a_warehouse(path)))
    elif path.exists():
        st.error(f'The warehouse "{path}" is there, but its read copy "{read_copy()}", which these pages read, is '
                 'missing. Run "pccdash init" to make it again from the warehouse, then reload this page.')
    else:
        st.info('There is no warehouse yet. Run "pccdash demo --no-serve" (the sample) or '
                '"pccdash ingest PATH" (the force\'s returns), then reload this page.')
    st.stop()


NO_FIGURES = 'The warehouse holds no accepted figures yet. Load the force\'s returns with "pccdash ingest PATH".'
ONLY_CONTEXT = ("No figures from the force's returns are loaded yet: the warehouse holds only police.uk context data "
                '(on the police.uk context page). Load the force\'s returns with "pccdash ingest PATH" or on the '
                "Upload a return page.")


def _police_uk_files(con: duckdb.DuckDBPyConnection) -> int:
    return warehouse.scalar(con, "SELECT count(*) FROM file_registry WHERE outcome = 'accepted' "
                                 "AND layout LIKE 'police_uk%'")


def no_figures() -> str:
    """What a page says when the force's returns have given it no figures: true also when police.uk data is in."""
    return ONLY_CONTEXT if call(_police_uk_files) else NO_FIGURES


def figures_or_stop() -> pd.DataFrame:
    """The accepted figures; or, when there are none, say how to load some and stop the page."""
    no_warehouse_guard()
    figs = figures()
    if figs.empty:
        st.info(no_figures())
        st.stop()
    return figs
