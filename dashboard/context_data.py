"""The police.uk context page's parts, each kept on its own: the months and measures loaded, one month's table,
one measure's months. Each is made from the kept answer of every context figure (`data.call` inside), so the
figures are worked out once after a load, and a page run carries only what it shows."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard import data
from pipelines.policeuk import by_place, context_figures

stamp = data.context_stamp


def _figures() -> pd.DataFrame:
    return data.call(context_figures, _also=stamp())


def index(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """The months with context figures ("YYYY-MM", newest first) and the measures they hold."""
    figs = _figures()
    return sorted(figs["period"].unique(), reverse=True), sorted(figs["measure"].unique())


def month_table(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """`by_place` of one month, its values to one decimal place."""
    return by_place(_figures(), month).round(1)


def series(con: duckdb.DuckDBPyConnection, measure_id: str) -> pd.DataFrame:
    """Every month of one context measure, by place."""
    figs = _figures()
    return figs[figs["measure"] == measure_id].reset_index(drop=True)
