"""The public pages' only data: the current published snapshot, through `pipelines.public`.

Nothing here (or in anything it imports) can name the warehouse: the public app reads what publishing
put in the snapshot and nothing else. Answers are cached per snapshot file, so a new publication is
picked up on the next page load.

What is the same for every visitor of a snapshot is built once and shared: the `SnapshotView`, every page
(`page(name, *args)`, a page-content function's `Page`) and every download file, each kept under the key
`snapshot_state()` (the snapshot's file, and the pointer's withdrawals and names). Publishing or withdrawing changes the
key, so the next page load builds from the new snapshot.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import public, settings
from pipelines.errors import PccDashError
from pipelines.exports import safe_frame
from pipelines.publish.content import Page, SnapshotView

PERIOD_TYPES = {"month": "Month", "quarter": "Financial quarter", "financial_year": "Financial year"}


# what the pages read from the pointer beside the snapshot
POINTER_KEYS = ("withdrawals", "force", "office", "holder_title", "contact", "release")


# the publication one run of the public app reads from start to end (see `one_publication`), per thread: a run's
# pages are drawn in the thread that runs it
_run = threading.local()


@contextlib.contextmanager
def one_publication() -> Iterator[None]:
    """Every read of one run of the public app from the one publication: the one in force at its first read. A
    publication or withdrawal switching the pointer while a page is drawn then shows on the next page load, never
    half on this one (the old snapshot's figures under the new withdrawal's notice, or pickers offering the old
    months over the new figures)."""
    _run.pinned, _run.state = True, None
    try:
        yield
    finally:
        _run.pinned, _run.state = False, None


def snapshot_state() -> tuple[str | None, str]:
    """The key of what every visitor of the current publication sees: the snapshot file (None when nothing is
    published) and, as JSON, what the pages read from the pointer: the withdrawals it carries, the force's
    and the office's names (which a withdrawal that leaves nothing published keeps), and the release calendar a
    withdrawal carries. Within `one_publication`, the same for the whole run."""
    if not getattr(_run, "pinned", False):
        return _state_now()
    if _run.state is None:
        _run.state = _state_now()
    return _run.state


def _state_now() -> tuple[str | None, str]:
    folder = public.published_dir()
    found = public.pointer(folder)  # read once: the snapshot and what is said beside it come from one pointer
    path = public.snapshot_named(found, folder)
    said = {key: found[key] for key in POINTER_KEYS if found.get(key) or (key == "release" and key in found)}
    said["withdrawals"] = said.get("withdrawals") or []
    return (None if path is None else str(path)), json.dumps(said, sort_keys=True, default=str)


@st.cache_resource(show_spinner=False, max_entries=4)
def _view(snapshot: str | None, said: str) -> SnapshotView:
    return SnapshotView(snapshot, {**json.loads(said), "file": snapshot})


def view() -> SnapshotView:
    """The current publication as the page-content functions read it: one shared view per snapshot."""
    return _view(*snapshot_state())


def _function(name: str):
    module, attribute = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), attribute)


def has(name: str) -> bool:
    """Whether a page-content function (dotted name, e.g. "pipelines.publish.info.pages") exists."""
    try:
        _function(name)
    except (ImportError, AttributeError):
        return False
    return True


@st.cache_resource(show_spinner=False, max_entries=512)
def _page(name: str, args: tuple, snapshot: str | None, said: str, day: str):
    return _function(name)(_view(snapshot, said), *args)


def _today() -> str:
    """Today's date, part of what a page says (the release calendar: a month whose planned day has passed is late)."""
    try:
        return settings.today().isoformat()
    except PccDashError:  # a PCCDASH_TODAY that is not a date: the page that reads it says so
        return ""


def page(name: str, *args):
    """What a page-content function (dotted name) returns for the current publication, `args` and today: built once
    per snapshot, arguments and day, then shared by every visitor (a Page is immutable). Built again the next day,
    since the release calendar says a month is late once its planned day has passed."""
    return _page(name, tuple(args), *snapshot_state(), _today())


def info_page(slug: str) -> Page | None:
    """The information page with this slug (definitions, methodology, ...) from `pipelines.publish.info.pages`."""
    if has("pipelines.publish.info.page_of"):  # that page alone: another's problem does not stop it
        return page("pipelines.publish.info.page_of", slug)
    if not has("pipelines.publish.info.pages"):
        return None
    return next((p for p in page("pipelines.publish.info.pages") if p.slug == slug), None)


@st.cache_data(show_spinner=False, max_entries=16)
def _file(name: str, snapshot: str | None, said: str) -> bytes:
    return _function(name)(_view(snapshot, said))


def file(name: str) -> bytes:
    """A download file's bytes from a function of the view (dotted name, e.g. pipelines.publish.downloads.to_csv),
    made once per snapshot."""
    return _file(name, *snapshot_state())


def snapshot_key() -> str | None:
    return snapshot_state()[0]


@st.cache_data(show_spinner=False, max_entries=64)
def _read(sql: str, params: tuple, snapshot: str) -> pd.DataFrame:
    return public.read(sql, params, snapshot=Path(snapshot))


def read(sql: str, params: tuple = ()) -> pd.DataFrame:
    key = snapshot_key()
    return pd.DataFrame() if key is None else _read(sql, tuple(params), key)


def office():
    """The office and its holder's title as they stand now, for the pages' present-tense text (who holds the Chief
    Constable to account, whom to write to): the pointer in force's, which a withdrawal keeps while an earlier
    snapshot is read again (`office.current`); the snapshot's own when the pointer does not carry them."""
    from pipelines import office as words

    current = view()
    return words.current(current.meta, current.pointer)


def meta() -> dict[str, str]:
    df = read("SELECT key, value FROM meta")
    return dict(zip(df["key"], df["value"], strict=True)) if not df.empty else {}


def periods(period_type: str) -> list[str]:
    """Published periods of a type, newest first (quarters and years in time order, not text order)."""
    df = read("SELECT DISTINCT period FROM figure WHERE period_type = ?", (period_type,))
    if df.empty:
        return []
    def order(p: str) -> tuple:
        if p.startswith("Q"):
            q, fy = p.split(" ")
            return (fy, q)
        return (p, "")
    return sorted(df["period"], key=order, reverse=True)


def cells(period_type: str, period: str) -> pd.DataFrame:
    return read("SELECT measure, area, value, display, suppressed FROM figure WHERE period_type = ? AND period = ?",
                (period_type, period))


def monthly(measure: str, area: str) -> pd.DataFrame:
    return read("SELECT period, value, display, suppressed FROM figure WHERE period_type = 'month' AND measure = ? "
                "AND area = ? ORDER BY period", (measure, area))


def caveats(months: list[str]) -> pd.DataFrame:
    if not months:
        return pd.DataFrame(columns=["measure", "area", "period", "text"])
    marks = ", ".join("?" for _ in months)
    return read(f"SELECT DISTINCT measure, area, period, text FROM caveat WHERE period IN ({marks}) ORDER BY ALL",
                tuple(months))


def withdrawals() -> pd.DataFrame:
    """Publications withdrawn (published_at, withdrawn_at, reason), newest first, as the pointer carries them."""
    return public.withdrawals()


def download_table() -> pd.DataFrame:
    """Every published cell, as the downloads give it: a suppressed count is its marker, never a number."""
    df = read("""SELECT f.measure, m.name AS measure_name, f.area, f.period_type, f.period, f.display AS value,
                        f.suppressed FROM figure f JOIN measure m ON m.id = f.measure
                 ORDER BY f.measure, f.period_type, f.period, f.area""")
    return safe_frame(df)


def board_items() -> pd.DataFrame:
    """The accountability record the Commissioner approved for publication (the snapshot's board_item table,
    every column text, empty where it does not apply); none from a snapshot older than it."""
    if read("SELECT 1 FROM information_schema.tables WHERE table_name = 'board_item'").empty:
        return pd.DataFrame(columns=public.BOARD_COLUMNS)
    df = read("SELECT * FROM board_item")
    return df.reindex(columns=public.BOARD_COLUMNS, fill_value="").fillna("").astype(str)


def board_download() -> pd.DataFrame:
    """The published accountability record as its download gives it: one row per item, evidence as lines of text,
    formulas neutralised."""
    from pipelines.publish.downloads import board_frame

    return board_frame(board_items())


def download_files() -> dict:
    """The files the public pages offer, by file name: a function giving each one's bytes, made once per snapshot
    (`pipelines.publish.downloads` when this installation has it, else the published table as CSV and JSON)."""
    files = {"questions-and-decisions.csv": lambda: _board_csv(*snapshot_state())}
    if has("pipelines.publish.downloads.to_csv"):
        for ext in ("csv", "json", "xlsx"):
            files[f"published-figures.{ext}"] = lambda ext=ext: file(f"pipelines.publish.downloads.to_{ext}")
        if has("pipelines.publish.downloads.breakdowns_csv"):  # offered by the tables page when there are any
            files["published-breakdowns.csv"] = lambda: file("pipelines.publish.downloads.breakdowns_csv")
    else:
        files["published-figures.csv"] = lambda: _table_file("csv", *snapshot_state())
        files["published-figures.json"] = lambda: _table_file("json", *snapshot_state())
    return files


@st.cache_data(show_spinner=False, max_entries=8)
def _table_file(kind: str, snapshot: str | None, said: str) -> bytes:
    table = download_table()
    if kind == "csv":
        return table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return table.to_json(orient="records", indent=1).encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=8)
def _board_csv(snapshot: str | None, said: str) -> bytes:
    from pipelines.exports import csv_bytes

    return csv_bytes(board_download())
