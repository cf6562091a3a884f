"""Reading checks on a staged file: each check is the query for the rows that break it.

The text in `staged_raw` becomes typed rows in `staged`; every row that cannot be typed is a problem
naming its file, sheet, row and column. These are the format's own rules (docs/return-format.md);
the data contracts add the rules about what the figures say.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from .. import settings
from ..catalogue import catalogue, force
from ..errors import Problem
from ..warehouse import one

MAX_COUNT = 1_000_000_000
PROBLEMS_PER_CHECK = 50


def current_month(today: dt.date | None = None) -> dt.date:
    if today is None:
        configured = settings.get("today")
        today = dt.date.fromisoformat(configured) if configured[:1].isdigit() else dt.date.today()
    return today.replace(day=1)


def _register_lookups(con: duckdb.DuckDBPyConnection) -> None:
    districts = force().district_lookup()
    con.register("district_lookup_arrow", pa.table({"label": list(districts), "district": list(districts.values())}))
    con.execute("CREATE OR REPLACE TEMP TABLE district_lookup AS SELECT * FROM district_lookup_arrow")
    con.unregister("district_lookup_arrow")
    cat = catalogue()
    labels = cat.lookup()
    con.register("measure_lookup_arrow", pa.table({
        "label": list(labels), "measure": list(labels.values()),
        "value_type": [cat.get(m).value_type for m in labels.values()],
    }))
    con.execute("CREATE OR REPLACE TEMP TABLE measure_lookup AS SELECT * FROM measure_lookup_arrow")
    con.unregister("measure_lookup_arrow")


# Each check: a name, the SQL condition over `typed` that marks a broken row, the column it concerns,
# and the message (a DuckDB expression so that it can quote the row's own text).
_ROW_CHECKS: list[tuple[str, str, str, str]] = [
    ("period_missing", "period_text IS NULL", "'period'", "'the period is empty; expected a month as YYYY-MM.'"),
    ("period_format", "period_text IS NOT NULL AND period IS NULL", "'period'",
     "'\"' || period_text || '\" is not a month; expected YYYY-MM, such as 2015-07.'"),
    ("period_future", "period > $current_month", "'period'",
     "'\"' || period_text || '\" is in the future; the latest month a return can hold is ' "
     "|| strftime($current_month, '%Y-%m') || '.'"),
    ("district_missing", "district_text IS NULL", "'district'", "'the district is empty.'"),
    ("district_unknown", "district_text IS NOT NULL AND district IS NULL", "source_column_or('district')",
     "'\"' || district_text || '\" is not a district of the force; expected one of ' || $districts || '.'"),
    ("measure_missing", "measure_text IS NULL", "'measure'", "'the measure is empty.'"),
    ("measure_unknown", "measure_text IS NOT NULL AND measure IS NULL", "'measure'",
     "'\"' || measure_text || '\" is not in the measure catalogue (pipelines/reference/measures.yaml).'"),
    ("value_missing", "value_text IS NULL", "source_column", "'the value is empty; leave the row out if the "
     "figure is not reported.'"),
    ("value_not_number", "value_text IS NOT NULL AND number IS NULL", "source_column",
     "'\"' || value_text || '\" is not a number' || CASE WHEN value_type = 'integer' "
     "THEN '; expected a whole number such as 12.' ELSE '; expected a number such as 87.5.' END"),
    ("value_negative", "number < 0", "source_column",
     "'\"' || value_text || '\" is negative; a count cannot be below zero.'"),
    ("value_not_whole", "value_type = 'integer' AND number >= 0 AND NOT regexp_full_match(value_text, '[0-9]+')",
     "source_column", "'\"' || value_text || '\" is not a whole number; a count is written with digits only, "
     "such as 12.'"),
    ("value_too_large", "value_type = 'integer' AND number >= " + str(MAX_COUNT), "source_column",
     "'\"' || value_text || '\" is too large to be a monthly count (the limit is 999,999,999).'"),
]


def type_staged(con: duckdb.DuckDBPyConnection, label: str, today: dt.date | None = None) -> list[Problem]:
    """Type `staged_raw` into `staged`; return the problems of rows that cannot be typed, and duplicates."""
    _register_lookups(con)
    # Periods, districts and measures repeat: each distinct text is read once, then joined back.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE period_map AS
        SELECT period AS period_text,
               CASE WHEN regexp_full_match(period, '[0-9]{4}-(0[1-9]|1[0-2])')
                    THEN strptime(period || '-01', '%Y-%m-%d')::DATE END AS period
        FROM (SELECT DISTINCT period FROM staged_raw)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE district_map AS
        SELECT t.district AS district_text, d.district, dense_rank() OVER (ORDER BY d.district) AS district_id
        FROM (SELECT DISTINCT district FROM staged_raw) t
        LEFT JOIN district_lookup d ON d.label = lower(trim(t.district))"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE measure_map AS
        SELECT t.measure AS measure_text, m.measure, m.value_type,
               dense_rank() OVER (ORDER BY m.measure) AS measure_id
        FROM (SELECT DISTINCT measure FROM staged_raw) t
        LEFT JOIN measure_lookup m ON m.label = lower(trim(t.measure))"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE typed AS
        SELECT r.source_sheet, r.source_row, r.source_column,
               r.period AS period_text, r.district AS district_text, r.measure AS measure_text,
               r.value_text, r.note,
               p.period, d.district, m.measure, m.value_type, d.district_id, m.measure_id,
               CASE WHEN isfinite(r.number) THEN r.number END AS number
        FROM (SELECT *, TRY_CAST(value_text AS DOUBLE) AS number
              FROM (SELECT *, trim(value) AS value_text FROM staged_raw)) r
        LEFT JOIN period_map p ON p.period_text = r.period
        LEFT JOIN district_map d ON d.district_text = r.district
        LEFT JOIN measure_map m ON m.measure_text = r.measure"""
    )
    params = {"current_month": current_month(today), "districts": ", ".join(force().districts)}
    problems: list[Problem] = []
    # One pass counts every check; only the checks that fail are asked for their rows.
    filters = ", ".join(f"count(*) FILTER (WHERE {cond}) AS {name}" for name, cond, _, _ in _ROW_CHECKS)
    used = {k: v for k, v in params.items() if f"${k}" in filters}
    counts = dict(zip([c[0] for c in _ROW_CHECKS], one(con, f"SELECT {filters} FROM typed", used), strict=True))
    for name, cond, column, message in _ROW_CHECKS:
        if not counts.get(name):
            continue
        column_sql = (column.replace("source_column_or('district')",
                                     "CASE WHEN source_column = 'value' THEN 'district' ELSE source_column END"))
        sql = (f"SELECT source_sheet, source_row, {column_sql}, {message} FROM typed WHERE {cond} "
               f"ORDER BY source_sheet NULLS FIRST, source_row LIMIT {PROBLEMS_PER_CHECK}")
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        for sheet, row, col, text in con.execute(sql, used).fetchall():
            problems.append(Problem(label, text, sheet=sheet, row=row, column=col))
        more = counts[name] - PROBLEMS_PER_CHECK
        if more > 0:
            problems.append(Problem(label, f"... and {more:,} more rows with the same problem ({name}).",
                                    sheet="~", row=10**9))
    problems.sort(key=lambda p: (p.sheet or "", p.row or 0))
    for p in problems:
        if p.sheet == "~":
            p.sheet, p.row = None, None
    if problems:
        return problems
    # Find the repeated keys first (cheap), then list the places of those keys only.
    dupes = con.execute(
        f"""WITH repeated AS (
                SELECT period, district_id, measure_id FROM typed GROUP BY ALL HAVING count(*) > 1
                ORDER BY ALL LIMIT {PROBLEMS_PER_CHECK})
            SELECT strftime(period, '%Y-%m'), district, measure,
                   list(coalesce('sheet "' || source_sheet || '" ', '') || 'row ' || source_row
                        ORDER BY source_sheet, source_row) AS places,
                   min(source_sheet), min(source_row)
            FROM typed JOIN repeated USING (period, district_id, measure_id)
            GROUP BY period, district, measure
            ORDER BY min(source_sheet) NULLS FIRST, min(source_row)"""
    ).fetchall()
    for period, district, measure, places, sheet, row in dupes:
        problems.append(Problem(label, f"{measure} for {district} in {period} appears more than once "
                                f"({', '.join(places)}); a figure may appear once in a return.",
                                sheet=sheet, row=row))
    if problems:
        return problems
    con.execute(
        """CREATE OR REPLACE TEMP VIEW staged AS
        SELECT period, district, measure, number AS value, source_sheet, source_row, source_column, note
        FROM typed"""
    )
    return []


def check_totals(con: duckdb.DuckDBPyConnection, label: str,
                 totals: list[tuple[str | None, int, str, str, str, str]]) -> list[Problem]:
    """A wide sheet's Total column must equal the sum of its districts, for counts."""
    if not totals:
        return []
    con.register("totals_arrow", pa.table({
        "sheet": [t[0] for t in totals], "row": [t[1] for t in totals], "heading": [t[2] for t in totals],
        "period_text": [t[3] for t in totals], "measure_text": [t[4] for t in totals],
        "total_text": [t[5] for t in totals],
    }))
    rows = con.execute(
        """SELECT t.sheet, t.row, t.heading, t.total_text, sum(s.value)
        FROM totals_arrow t
        JOIN measure_lookup m ON m.label = lower(trim(t.measure_text))
        JOIN staged s ON s.source_sheet IS NOT DISTINCT FROM t.sheet AND s.source_row = t.row
        WHERE m.value_type = 'integer'
        GROUP BY ALL
        HAVING TRY_CAST(t.total_text AS DOUBLE) IS DISTINCT FROM sum(s.value)
        ORDER BY t.sheet, t.row"""
    ).fetchall()
    con.unregister("totals_arrow")
    return [Problem(label, f'the total "{text}" does not equal the sum of the districts ({int(total):,}). '
                    "Correct the total or the district figures.", sheet=sheet, row=row, column=heading)
            for sheet, row, heading, text, total in rows]
