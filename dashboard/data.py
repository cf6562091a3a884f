"""Data access for the internal pages: per-query connections to the warehouse's read copy, cached by mtime.

The pages never hold the warehouse open: a load holds it locked. Each load swaps in a new read copy
(`pipelines.warehouse.publish_read_copy`), so a page sees one whole load or the one before, never half.
A page's few writes (a flag, a commentary, an approval) open the warehouse itself for a moment and then
swap in a new read copy, which changes the mtime and so invalidates every cached answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pipelines import warehouse
from pipelines.errors import WarehouseError
from pipelines.figures import current_figures
from pipelines.figures import plan_figures as plan_figures_of
from pipelines.plan import PlanAnalytics


def db() -> Path:
    return warehouse.db_path(os.environ.get("PCCDASH_DB"))


def read_copy() -> Path:
    return warehouse.read_copy_path(db())


def version() -> int | None:
    """The read copy's mtime: a new load changes it, and so every cached query is asked again."""
    try:
        return read_copy().stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _sql(con: duckdb.DuckDBPyConnection, sql: str, params: tuple) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


# Functions pages call through `call`, by name: the cache key holds the name, not the function.
_FUNCTIONS: dict[str, Callable] = {}


# The version is part of the cache key: it must not be named `_version`, since Streamlit leaves
# parameters that start with an underscore out of the key, and a page would then see old answers.
@st.cache_data(show_spinner=False, max_entries=256)
def _call(fn_name: str, args: tuple, kwargs: tuple, version_: int | None, path: str) -> Any:
    con = duckdb.connect(path, read_only=True)
    try:
        return _FUNCTIONS[fn_name](con, *args, **dict(kwargs))
    finally:
        con.close()


def call(fn: Callable, *args, **kwargs) -> Any:
    """`fn(connection, *args)` on the current read copy, cached until the next load or write; None when
    there is no warehouse yet."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _FUNCTIONS.setdefault(name, fn)
    v = version()
    if v is None:
        return None
    return _call(name, tuple(args), tuple(sorted(kwargs.items())), v, str(read_copy()))


def read(fn: Callable, *args, **kwargs) -> Any:
    """`fn(connection, *args)` on the current read copy, not cached: for work done once on a person's asking
    (drawing a pack), which holds no lock a load would wait for."""
    con = duckdb.connect(str(read_copy()), read_only=True)
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


def plan_figures() -> pd.DataFrame:
    """The figures the plan is judged on: the force's, and the police.uk context measures a plan lists."""
    out = call(plan_figures_of)
    return pd.DataFrame() if out is None else out


@st.cache_resource(show_spinner=False, max_entries=4)
def _analytics(version_: int | None, path: str) -> PlanAnalytics | None:
    # an analysis object, not a connection: safe to share; a new version builds a new one. It judges
    # the force's figures and the police.uk context measures the plan lists.
    if figures().empty:
        return None
    return PlanAnalytics(plan_figures())


def analytics() -> PlanAnalytics | None:
    return _analytics(version(), str(read_copy()))


class Busy(Exception):
    """The warehouse is held by a load in another process."""


def write(fn: Callable, *args, **kwargs) -> Any:
    """Run `fn(read-write connection, ...)`, then swap in the new read copy (each fn is atomic itself)."""
    try:
        with warehouse.connect(db(), create=False) as con:
            return fn(con, *args, **kwargs)
    except WarehouseError as exc:
        raise Busy(str(exc)) from exc


def months() -> list[str]:
    figs = figures()
    return sorted(figs["period"].unique()) if not figs.empty else []


def no_warehouse_guard() -> None:
    """Explain what is missing and how to fix it, then stop the page."""
    if version() is None:
        st.info('There is no warehouse yet. Run "pccdash demo --no-serve" (the sample) or '
                '"pccdash ingest PATH" (the force\'s returns), then reload this page.')
        st.stop()


NO_FIGURES = 'The warehouse holds no accepted figures yet. Load the force\'s returns with "pccdash ingest PATH".'


def figures_or_stop() -> pd.DataFrame:
    """The accepted figures; or, when there are none, say how to load some and stop the page."""
    no_warehouse_guard()
    figs = figures()
    if figs.empty:
        st.info(NO_FIGURES)
        st.stop()
    return figs
