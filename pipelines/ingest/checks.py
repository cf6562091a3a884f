"""Checks that belong to the return format rather than to the figures (the contract has those)."""

from __future__ import annotations

import datetime as dt

import duckdb

from .. import settings
from ..errors import Problem


def current_month(today: dt.date | None = None) -> dt.date:
    """The first day of the current month: the latest month a return may hold (`PCCDASH_TODAY` fixes it)."""
    return (today or settings.today()).replace(day=1)


def check_totals(con: duckdb.DuckDBPyConnection, label: str,
                 totals: list[tuple[str | None, int, str, str, str, str]]) -> list[Problem]:
    """A wide sheet's Total column must equal the sum of its districts, for counts. A row with a district cell that
    is not a number is not summed: that cell is the error (the contract names it), not the total."""
    if not totals:
        return []
    _stage_totals(con, totals)
    rows = con.execute(
        """SELECT t.sheet, t.row, t.heading, t.total_text, sum(b.value), bool_or(b.dimension IS NOT NULL)
        FROM totals_given t
        JOIN batch b ON b.source_sheet IS NOT DISTINCT FROM t.sheet AND b.source_row = t.row
        WHERE b.value_type = 'integer'
        GROUP BY ALL
        HAVING count(b.value) = count(*) AND TRY_CAST(t.total_text AS DOUBLE) IS DISTINCT FROM sum(b.value)
        ORDER BY t.sheet, t.row"""
    ).fetchall()
    con.execute("DROP TABLE totals_given")
    # a breakdown block's row is one district's categories; a measure block's, one month's districts
    return [Problem(label, f'the total "{text}" does not equal the sum of the '
                    f'{"categories" if parts else "districts"} ({int(total):,}). Correct the total or the '
                    f'{"category" if parts else "district"} figures.', sheet=sheet, row=row, column=heading)
            for sheet, row, heading, text, total, parts in rows]


def keep_totals(con: duckdb.DuckDBPyConnection, file_id: int,
                totals: list[tuple[str | None, int, str, str, str, str]]) -> int:
    """Keep the totals an accepted file stated (those `check_totals` checks: counts), each with its cell, in
    `force_total`; the period and measure are the batch's, as its districts' figures on that row were read.
    Runs inside the file's load transaction, while `batch` still holds the file. Returns how many were kept."""
    if not totals:
        return 0
    _stage_totals(con, totals)
    kept = con.execute(
        """INSERT INTO force_total
        SELECT $file_id, b.period, b.measure, CAST(t.total_text AS DOUBLE), t.sheet, t.row, t.heading
        FROM totals_given t
        JOIN batch b ON b.source_sheet IS NOT DISTINCT FROM t.sheet AND b.source_row = t.row
        WHERE b.value_type = 'integer' AND b.period IS NOT NULL AND b.dimension IS NULL
        GROUP BY ALL""",
        {"file_id": file_id},
    ).fetchall()[0][0]
    con.execute("DROP TABLE totals_given")
    return kept


def _stage_totals(con: duckdb.DuckDBPyConnection, totals: list[tuple[str | None, int, str, str, str, str]]) -> None:
    # list parameters, not an Arrow table: registering one makes DuckDB import pandas
    con.execute(
        """CREATE OR REPLACE TEMP TABLE totals_given AS
        SELECT unnest($sheet::VARCHAR[]) AS sheet, unnest($row::INTEGER[]) AS row,
               unnest($heading::VARCHAR[]) AS heading, unnest($total_text::VARCHAR[]) AS total_text""",
        {"sheet": [t[0] for t in totals], "row": [t[1] for t in totals], "heading": [t[2] for t in totals],
         "total_text": [t[5] for t in totals]},
    )
