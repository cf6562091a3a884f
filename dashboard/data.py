"""Data access for the internal pages: per-query connections to the warehouse's read copy, cached by mtime.

The pages never open the warehouse itself: a load holds it locked. Each load swaps in a new read copy
(`pipelines.warehouse.publish_read_copy`), so a page sees one whole load or the one before, never half.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.warehouse import db_path, read_copy_path


def read_copy() -> Path:
    return read_copy_path(db_path(os.environ.get("PCCDASH_DB")))


def version() -> float | None:
    """The read copy's mtime: a new load changes it, and so every cached query is asked again."""
    try:
        return read_copy().stat().st_mtime_ns
    except FileNotFoundError:
        return None


@st.cache_data(show_spinner=False, max_entries=256)
def _query(sql: str, params: tuple, _version: float | None, path: str) -> pd.DataFrame:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a parameterised read-only query against the current read copy."""
    v = version()
    if v is None:
        return pd.DataFrame()
    return _query(sql, tuple(params), v, str(read_copy()))


def figures(measure: str) -> pd.DataFrame:
    return query(
        """SELECT period, district, value, revision, r.name AS source_file, source_sheet, source_row
           FROM figure JOIN file_registry r USING (file_id) WHERE measure = ? ORDER BY period, district""",
        (measure,),
    )


def file_registry() -> pd.DataFrame:
    return query(
        """SELECT file_id, name, outcome, layout, rows_read, figures_new, figures_revised, figures_unchanged,
                  received_at, loaded_by, message FROM file_registry ORDER BY file_id DESC"""
    )
