"""Building the batch a contract checks: one row per figure, typed where it can be, text kept as read.

A batch is the temporary table `batch`. Nothing is rejected here: a value that is not a number is
kept as text with an empty typed value, and the contract's rules say what is wrong with it.
"""

from __future__ import annotations

import duckdb

from ..catalogue import catalogue, dimensions, force, held_as_one_district, measure_namer
from ..errors import ConfigError
from ..figures import FigureFilter, where_clause

_TYPED = """
    p.period,
    {district} AS district,
    {measure} AS measure,
    m.kind, m.value_type,
    CASE WHEN r.value_text IS NOT NULL AND r.number IS NULL THEN r.value_text END AS value_unreadable,
    r.number AS value,
    CASE WHEN m.value_type = 'integer' THEN r.number END AS count_value,
    CASE WHEN m.value_type = 'integer' AND r.number >= 0 THEN r.value_text END AS count_text,
    CASE WHEN m.kind = 'percentage' THEN r.number END AS percent_value,
    r.dimension,
    coalesce(c.category, nullif(trim(r.category), '')) AS category,
    CASE WHEN r.dimension IS NOT NULL
         THEN r.dimension || '=' || coalesce(c.category, nullif(trim(r.category), ''), '') END AS breakdown_key,
    CASE WHEN r.dimension IS NOT NULL THEN {measure} || ':' || r.dimension END AS breakdown_of
"""
# a district or measure not in the reference lists is kept as written, trimmed
_AS_WRITTEN = {"district": "coalesce(d.district, nullif(trim(r.district), ''))",
               "measure": "coalesce(m.measure, nullif(trim(r.measure), ''))"}
# A breakdown row's category is matched like a district: the value's id, label or alias, any case.
_CATEGORY_JOIN = "LEFT JOIN category_lookup c ON c.dimension = r.dimension AND c.label = lower(trim(r.category))"


def register_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """District and measure names (with aliases, any case) to the reference spelling."""
    districts = force().district_lookup()
    cat = catalogue()
    labels = cat.lookup()
    categories = [(d.id, label, value) for d in dimensions().dimensions for label, value in d.lookup().items()]
    columns = {
        "district_lookup": {"label": list(districts), "district": list(districts.values())},
        "category_lookup": {"dimension": [c[0] for c in categories], "label": [c[1] for c in categories],
                            "category": [c[2] for c in categories]},
        "measure_lookup": {"label": list(labels), "measure": list(labels.values()),
                           "kind": [cat.get(m).kind for m in labels.values()],
                           "value_type": [cat.get(m).value_type for m in labels.values()]},
    }
    # lists as parameters, not Arrow tables: registering one makes DuckDB import pandas (half a second)
    for name, cols in columns.items():
        select = ", ".join(f"unnest(${c}::VARCHAR[]) AS {c}" for c in cols)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", cols)


def build_batch(con: duckdb.DuckDBPyConnection, label: str) -> int:
    """Make `batch` from the text rows a reader left in `staged_raw`; returns its row count."""
    register_lookups(con)
    # Periods, districts and measures repeat: each distinct text is read once, then joined back, a name not in the
    # reference lists with it (trimmed once per text, not once per row)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE period_map AS
        SELECT period AS period_text,
               CASE WHEN regexp_full_match(period, '[0-9]{4}-(0[1-9]|1[0-2])')
                    THEN strptime(period || '-01', '%Y-%m-%d')::DATE END AS period
        FROM (SELECT DISTINCT period FROM staged_raw)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE district_map AS
        SELECT t.district AS district_text, coalesce(d.district, nullif(trim(t.district), '')) AS district
        FROM (SELECT DISTINCT district FROM staged_raw) t
        LEFT JOIN district_lookup d ON d.label = lower(trim(t.district))"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE measure_map AS
        SELECT t.measure AS measure_text, coalesce(m.measure, nullif(trim(t.measure), '')) AS measure, m.kind,
               m.value_type
        FROM (SELECT DISTINCT measure FROM staged_raw) t
        LEFT JOIN measure_lookup m ON m.label = lower(trim(t.measure))"""
    )
    typed = _TYPED.format(district="d.district", measure="m.measure")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE batch AS
        SELECT $label AS source_file, r.source_sheet, r.source_row, r.source_column,
               r.period AS period_text, r.district AS district_text, r.measure AS measure_text, r.value_text,
               r.note, r.category AS category_text, r.category_column, {typed}
        FROM (SELECT *, CASE WHEN isfinite(TRY_CAST(value_text AS DOUBLE)) THEN TRY_CAST(value_text AS DOUBLE) END
                            AS number
              FROM (SELECT *, nullif(trim(value), '') AS value_text FROM staged_raw)) r
        LEFT JOIN period_map p ON p.period_text = r.period
        LEFT JOIN district_map d ON d.district_text = r.district
        LEFT JOIN measure_map m ON m.measure_text = r.measure
        {_CATEGORY_JOIN}""",
        {"label": label},
    )
    for table in ("period_map", "district_map", "measure_map"):
        con.execute(f"DROP TABLE {table}")
    split_views(con)
    return con.execute("SELECT count(*) FROM batch").fetchall()[0][0]


def as_held(con: duckdb.DuckDBPyConnection, figure: str = "figure") -> int:
    """A figure the batch sends under a district's name for a month and measure the warehouse holds under another
    of that district's names (its former name, kept among its aliases in force.yaml when it was renamed) revises
    that figure: the batch's row, and its breakdown's, take the name the figure is held under. Otherwise the
    month would hold the district twice, and every total count it twice. `figure` is what the warehouse holds
    (the validated batch's `figure_now`, or the `figure` view). The names taken are left in the temporary table
    `held_name` (period, measure, named, held); returns how many."""
    # the figures held under a name other than their district's own come first: there are none in the usual
    # warehouse, and then the batch (a million rows, it may be) need not be looked at
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE held_name AS
        SELECT DISTINCT f.period, f.measure, l.district AS named, f.district AS held
        FROM {figure} f JOIN district_lookup l ON l.label = lower(trim(f.district))
        WHERE f.district <> l.district
          AND NOT EXISTS (SELECT 1 FROM {figure} g
                          WHERE g.period = f.period AND g.measure = f.measure AND g.district = l.district)""")
    if not con.execute("SELECT count(*) FROM held_name").fetchall()[0][0]:
        return 0
    con.execute("""DELETE FROM held_name h WHERE NOT EXISTS (
                   SELECT 1 FROM batch b
                   WHERE b.period = h.period AND b.measure = h.measure AND b.district = h.named)""")
    held = con.execute("SELECT count(*) FROM held_name").fetchall()[0][0]
    if not held:  # the usual case: every figure the batch revises is held under the name it sends
        return 0
    merged = con.execute("""SELECT named, strftime(period, '%Y-%m'), measure, list(held ORDER BY held) FROM held_name
                            GROUP BY ALL HAVING count(*) > 1 ORDER BY 2, 3 LIMIT 1""").fetchall()
    if merged:  # two districts' figures for the month, which force.yaml now makes one district's: neither is it
        from ..public import month_text

        named, month, measure, held = merged[0]
        raise ConfigError(held_as_one_district(held, named, f"{measure_namer()(measure)} in {month_text(month)}")
                          + " Nothing was loaded.")
    con.execute("""UPDATE batch SET district = h.held FROM held_name h
                   WHERE batch.period = h.period AND batch.measure = h.measure AND batch.district = h.named""")
    return held


def batch_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The columns the batch has (a police.uk batch has other columns than a return's)."""
    return {name for (name,) in con.execute("SELECT name FROM pragma_table_info('batch')").fetchall()}


def split_views(con: duckdb.DuckDBPyConnection, columns: set[str] | None = None) -> None:
    """`batch_total` (the measures' own figures, one per period, district and measure) and `batch_breakdown` (their
    breakdowns by category): the contract's ${object} and ${breakdown}. A batch with no breakdowns at all (police.uk's
    counts) is its own total. `columns`: the batch's (`batch_columns`), when already read."""
    split = "dimension" in (columns if columns is not None else batch_columns(con))
    total, parts = ("dimension IS NULL", "dimension IS NOT NULL") if split else ("true", "false")
    con.execute(f"CREATE OR REPLACE TEMP VIEW batch_total AS SELECT * FROM batch WHERE {total}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW batch_breakdown AS SELECT * FROM batch WHERE {parts}")


def build_accepted_batch(con: duckdb.DuckDBPyConnection, flt: FigureFilter | None = None,
                         file_id: int | None = None) -> int:
    """Make `batch` from accepted figures (all, filtered, or one file's), each with the file and row it came from."""
    register_lookups(con)
    where, params = where_clause(flt or FigureFilter())
    if file_id is not None:
        where += (" AND " if where else " WHERE ") + "file_id = $file_id"
        params["file_id"] = file_id
    # the figures, then their breakdowns (a category as its id: what was accepted was declared)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE batch AS
        SELECT f.name AS source_file, r.source_sheet, r.source_row, r.source_column,
               strftime(r.period, '%Y-%m') AS period_text, r.district AS district_text, r.measure AS measure_text,
               r.value_text, r.note, r.category_text, r.category_column, {_TYPED.format(**_AS_WRITTEN)}
        FROM (SELECT *, value AS number,
                     CASE WHEN value = trunc(value) THEN (value::BIGINT)::VARCHAR ELSE value::VARCHAR END AS value_text
              FROM (SELECT period, district, measure, value, file_id, source_sheet, source_row, source_column, note,
                           NULL::VARCHAR AS dimension, NULL::VARCHAR AS category, NULL::VARCHAR AS category_text,
                           NULL::VARCHAR AS category_column
                    FROM figure{where}
                    UNION ALL
                    SELECT period, district, measure, value, file_id, source_sheet, source_row, source_column, NULL,
                           dimension, category, category_text, source_column
                    FROM figure_breakdown{where})) r
        JOIN file_registry f USING (file_id)
        CROSS JOIN LATERAL (SELECT r.period) p
        -- a renamed district's months held under its former name (among its aliases) are the district's
        LEFT JOIN district_lookup d ON d.label = lower(trim(r.district))
        LEFT JOIN (SELECT DISTINCT measure, kind, value_type FROM measure_lookup) m ON m.measure = r.measure
        LEFT JOIN (SELECT DISTINCT dimension, category, category AS label FROM category_lookup) c
               ON c.dimension = r.dimension AND c.label = r.category""",
        params,
    )
    split_views(con)
    return con.execute("SELECT count(*) FROM batch").fetchall()[0][0]
