"""The public pages' only data: the current published snapshot, through `pipelines.public`.

Nothing here (or in anything it imports) can name the warehouse: the public app reads what publishing
put in the snapshot and nothing else. Answers are cached per snapshot file, so a new publication is
picked up on the next page load.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import public
from pipelines.exports import safe_frame

PERIOD_TYPES = {"month": "Month", "quarter": "Financial quarter", "financial_year": "Financial year"}


def snapshot_key() -> str | None:
    path = public.current_snapshot()
    return None if path is None else str(path)


@st.cache_data(show_spinner=False, max_entries=64)
def _read(sql: str, params: tuple, snapshot: str) -> pd.DataFrame:
    return public.read(sql, params, snapshot=Path(snapshot))


def read(sql: str, params: tuple = ()) -> pd.DataFrame:
    key = snapshot_key()
    return pd.DataFrame() if key is None else _read(sql, tuple(params), key)


def meta() -> dict[str, str]:
    df = read("SELECT key, value FROM meta")
    return dict(zip(df["key"], df["value"], strict=True)) if not df.empty else {}


def districts(m: dict) -> list[str]:
    return json.loads(m.get("districts", "[]"))


def measures() -> pd.DataFrame:
    return read("SELECT id, name, short_name, unit, kind FROM measure WHERE id IN (SELECT DISTINCT measure FROM figure)"
                " ORDER BY rowid")


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


def events(measure: str) -> pd.DataFrame:
    """The public events a measure's chart draws (date, month, title, line); none from a snapshot older than them."""
    if read("SELECT 1 FROM information_schema.tables WHERE table_name = 'event'").empty:
        return pd.DataFrame(columns=["date", "month", "title", "line"])
    return read("SELECT date, month, title, line FROM event WHERE measure = ? ORDER BY date", (measure,))


def publication() -> pd.DataFrame:
    return read("SELECT period, first_published_at, last_revised_at FROM period ORDER BY period")


def withdrawals() -> pd.DataFrame:
    """Publications withdrawn (published_at, withdrawn_at, reason), newest first, as the pointer carries them."""
    return public.withdrawals()


def revisions() -> pd.DataFrame:
    return read("SELECT measure, area, period, period_type, previous_display, new_display, revised_at, version "
                "FROM revision ORDER BY revised_at DESC, measure, area, period")


def download_table() -> pd.DataFrame:
    """Every published cell, as the downloads give it: a suppressed count is its marker, never a number."""
    df = read("""SELECT f.measure, m.name AS measure_name, f.area, f.period_type, f.period, f.display AS value,
                        f.suppressed FROM figure f JOIN measure m ON m.id = f.measure
                 ORDER BY f.measure, f.period_type, f.period, f.area""")
    return safe_frame(df)


BOARD_COLUMNS = ["kind", "question_ref", "meeting_title", "meeting_date", "question", "asked_by", "answer",
                 "answered_by", "answered_on", "theme", "decision", "rationale", "evidence", "decided_on",
                 "recommendation_ref", "source", "number", "recommendation", "status", "judged_on", "status_evidence"]


def board_items() -> pd.DataFrame:
    """The accountability record the Commissioner approved for publication (the snapshot's board_item table,
    every column text, empty where it does not apply); none from a snapshot older than it."""
    if read("SELECT 1 FROM information_schema.tables WHERE table_name = 'board_item'").empty:
        return pd.DataFrame(columns=BOARD_COLUMNS)
    df = read("SELECT * FROM board_item")
    return df.reindex(columns=BOARD_COLUMNS).fillna("").astype(str)


def evidence_list(value: str) -> list[dict]:
    """A decision's evidence, [{"kind", "text"}], from its board_item column."""
    try:
        items = json.loads(value or "[]")
    except json.JSONDecodeError:
        return []
    return [{"kind": str(e.get("kind", "")), "text": str(e.get("text", ""))} for e in items if isinstance(e, dict)]


def board_download() -> pd.DataFrame:
    """The published accountability record as its download gives it: one row per item, evidence as lines of text,
    formulas neutralised."""
    df = board_items()
    df = df.assign(evidence=df["evidence"].map(
        lambda v: "\n".join(f"{e['kind']}: {e['text']}" for e in evidence_list(v))))
    return safe_frame(df.drop(columns=["question_ref", "recommendation_ref"]))
