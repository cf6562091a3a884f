"""Breakdowns read back out of the warehouse: a measure's figures by a dimension's categories, over time for the
force or by district, with the share recorded (completeness) beside them and every percentage said two ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from .catalogue import catalogue, dimensions, force, recorded_id
from .plan.periods import financial_year, financial_year_label, month_key, month_label, month_number

if TYPE_CHECKING:
    import pandas as pd

# The two denominators a share of a breakdown may have, as every table and chart names them.
OF_ALL = "% of all"
OF_RECORDED = "% of recorded values"
SHOWN = {"number": "Number", "of_all": OF_ALL, "of_recorded": OF_RECORDED}
SHARE_RECORDED = f"Share recorded ({OF_ALL})"
SHARE_DECIMALS = 1  # the places every share is rounded and shown to


def _declared() -> list[tuple[str, str]]:
    """Every (measure, dimension) a return may send, in catalogue order."""
    return [(m.id, b.dimension) for m in catalogue().measures for b in m.breakdowns]


def recorded_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The count with the value recorded of each declared breakdown, per district and month it was sent:
    DataFrame(period "YYYY-MM", district, measure = `recorded_id(measure, dimension)`, value).

    The value is the sum over every category but those the dimension declares `recorded: false` ("Not
    recorded", "Not stated"). A month for which a district sent no breakdown has no row: its completeness is
    missing, not nought. A breakdown sent with every category at nought gives 0."""
    import pandas as pd

    declared = _declared()
    columns = ["period", "district", "measure", "value"]
    if not declared:
        return pd.DataFrame(columns=columns)
    dims = dimensions()
    unrecorded = [(m, d, c) for m, d in declared for c in dims.get(d).unrecorded()]
    out = con.execute(
        """WITH declared AS (SELECT unnest($measures) AS measure, unnest($dimensions) AS dimension),
                unrecorded AS (SELECT unnest($u_measures) AS measure, unnest($u_dimensions) AS dimension,
                                      unnest($u_categories) AS category)
           SELECT strftime(b.period, '%Y-%m') AS period, b.district, b.measure, b.dimension,
                  coalesce(sum(b.value) FILTER (WHERE u.category IS NULL), 0)::DOUBLE AS value
           FROM figure_breakdown b
           JOIN declared USING (measure, dimension)
           LEFT JOIN unrecorded u USING (measure, dimension, category)
           GROUP BY ALL
           ORDER BY b.measure, b.dimension, b.district, period""",
        {"measures": [m for m, _ in declared], "dimensions": [d for _, d in declared],
         "u_measures": [m for m, _, _ in unrecorded], "u_dimensions": [d for _, d, _ in unrecorded],
         "u_categories": [c for _, _, c in unrecorded]},
    ).df()
    out["measure"] = [recorded_id(m, d) for m, d in zip(out["measure"], out["dimension"], strict=True)]
    return out[columns].reset_index(drop=True)


def loaded(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The declared breakdowns with at least one value loaded, in catalogue order:
    DataFrame(measure, dimension, first "YYYY-MM", last "YYYY-MM", months)."""
    import pandas as pd

    found = con.execute(
        """SELECT measure, dimension, strftime(min(period), '%Y-%m') AS first, strftime(max(period), '%Y-%m') AS last,
                  count(DISTINCT period) AS months
           FROM figure_breakdown GROUP BY measure, dimension""").df()
    order = {pair: i for i, pair in enumerate(_declared())}
    keep = [(m, d) in order for m, d in zip(found["measure"], found["dimension"], strict=True)]
    found = found[keep]
    if found.empty:
        return pd.DataFrame(columns=["measure", "dimension", "first", "last", "months"])
    rank = [order[(m, d)] for m, d in zip(found["measure"], found["dimension"], strict=True)]
    return found.assign(rank=rank).sort_values("rank").drop(columns="rank").reset_index(drop=True)


@dataclass(frozen=True)
class Breakdown:
    """One measure broken down by one dimension, for each of a set of periods or areas (`key`).

    `cells`: one row per key and category, every declared category in its declared order (those not recorded
    too, at nought where nothing was sent for them): key, category, label, recorded (bool), value,
    of_all (100 * value / all) and of_recorded (100 * value / recorded, for a recorded category only).
    `completeness`: one row per key: all (the measure's figure for the district-months that sent the
    breakdown), recorded (the sum of the recorded categories), share (100 * recorded / all), sent (the
    district-months that sent the breakdown) and expected (those with a figure of the measure or a breakdown).
    `months`: each key -> the first and last month ("YYYY-MM") it adds up, whose caveats go with its figures."""

    measure: str
    dimension: str
    key: str  # "period" (a month "YYYY-MM" or a financial year, see force_over_time) or "area"
    cells: pd.DataFrame
    completeness: pd.DataFrame
    months: dict[str, tuple[str, str]] = field(default_factory=dict)


def _cells(con: duckdb.DuckDBPyConnection, measure_id: str, dimension_id: str, start: str | None,
           end: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The breakdown's values for each district and month it was sent, with the measure's figure beside each
    (NaN where none is loaded), and the district-months with a figure of the measure."""
    params = {"measure": measure_id, "dimension": dimension_id, "districts": list(force().districts),
              "start": f"{start}-01" if start else None, "end": f"{end}-01" if end else None}
    where = ("measure = $measure AND district IN (SELECT unnest($districts)) "
             "AND ($start IS NULL OR period >= $start::DATE) AND ($end IS NULL OR period <= $end::DATE)")
    values = con.execute(
        f"""SELECT strftime(b.period, '%Y-%m') AS period, b.district, b.category, b.value, f.value AS total
            FROM (SELECT * FROM figure_breakdown WHERE dimension = $dimension AND {where}) b
            LEFT JOIN (SELECT period, district, value FROM figure WHERE {where}) f USING (period, district)""",
        params).df()
    totals = con.execute(
        f"SELECT strftime(period, '%Y-%m') AS period, district FROM figure WHERE {where}",
        {k: v for k, v in params.items() if k != "dimension"}).df()
    return values, totals


def _summarise(measure_id: str, dimension_id: str, key: str, values: pd.DataFrame, totals: pd.DataFrame,
               keys: list[str]) -> Breakdown:
    """Add the district-months up to each `key` value (a column of both frames), in the order of `keys`."""
    import numpy as np
    import pandas as pd

    if values.empty:  # nothing sent: every key without a value (a frame of no rows keeps no column's type)
        values = pd.DataFrame({"period": pd.Series(dtype=object), "district": pd.Series(dtype=object),
                               "category": pd.Series(dtype=object), "value": pd.Series(dtype=float),
                               "total": pd.Series(dtype=float), key: pd.Series(dtype=object)})
    dim = dimensions().get(dimension_id)
    declared = [(v.id, v.label, v.recorded) for v in dim.values]
    extra = sorted(set(values["category"]) - {c for c, _, _ in declared})  # a value since taken out of the file
    categories = pd.DataFrame(declared + [(c, c, True) for c in extra], columns=["category", "label", "recorded"])

    sent = values.drop_duplicates(["period", "district"])
    columns = list(dict.fromkeys(["period", "district", key]))
    pairs = pd.concat([totals[columns], sent[columns]]).drop_duplicates(["period", "district"])
    by_key = pd.DataFrame({key: pd.Series(keys, dtype=object)})
    all_ = sent.groupby(key)["total"].agg(lambda t: t.sum() if t.notna().all() else np.nan)
    summary = by_key.assign(
        all=by_key[key].map(all_),
        sent=by_key[key].map(sent.groupby(key).size()).fillna(0).astype(int),
        expected=by_key[key].map(pairs.groupby(key).size()).fillna(0).astype(int))

    grid = by_key.merge(categories, how="cross")
    summed = values.groupby([key, "category"], as_index=False)["value"].sum()
    grid = grid.merge(summed, on=[key, "category"], how="left")
    has = grid[key].map(summary.set_index(key)["sent"]) > 0
    grid["value"] = grid["value"].where(grid["value"].notna() | ~has, 0.0)  # sent, and nought in this category
    recorded = grid[grid["recorded"]].groupby(key)["value"].sum(min_count=1)
    summary["recorded"] = summary[key].map(recorded).where(summary["sent"] > 0)
    summary["share"] = 100 * summary["recorded"] / summary["all"].where(summary["all"] > 0)
    totals_of = grid[key].map(summary.set_index(key)["all"])
    recorded_of = grid[key].map(summary.set_index(key)["recorded"])
    grid["of_all"] = 100 * grid["value"] / totals_of.where(totals_of > 0)
    grid["of_recorded"] = (100 * grid["value"] / recorded_of.where(recorded_of > 0)).where(grid["recorded"])
    summary = summary[[key, "all", "recorded", "share", "sent", "expected"]]
    return Breakdown(measure_id, dimension_id, key, grid[[key, "category", "label", "recorded", "value", "of_all",
                                                          "of_recorded"]], summary)


def force_over_time(con: duckdb.DuckDBPyConnection, measure_id: str, dimension_id: str,
                    by: str = "month") -> Breakdown:
    """The force's breakdown (its districts added up) for each month (`by="month"`, keys "YYYY-MM") or each
    financial year (`by="financial_year"`, keys "2023/24", or "2024/25 (April 2024 to June 2024)" for a year the
    breakdowns sent so far cover in part) from the first breakdown sent to the last.

    A month in which some district sent no breakdown adds up those that did: `sent` and `expected` say how
    many district-months that was, and `all` is the measure's figure for the same district-months."""
    if by not in ("month", "financial_year"):
        raise ValueError(f'by should be "month" or "financial_year", not "{by}".')
    values, totals = _cells(con, measure_id, dimension_id, None, None)
    if values.empty:
        return _summarise(measure_id, dimension_id, "period", values, totals, [])
    first, last = month_number(values["period"].min()), month_number(values["period"].max())
    totals = totals[totals["period"].map(month_number).between(first, last)]
    if by == "month":
        keys = [month_key(n) for n in range(first, last + 1)]
        months = {k: (k, k) for k in keys}
        values, totals = values.assign(key=values["period"]), totals.assign(key=totals["period"])
    else:
        def fy(p: str) -> str:
            label, part, _, _ = _year_part(financial_year(month_number(p)), first, last)
            return f"{label} ({part})" if part else label

        keys = list(dict.fromkeys(fy(month_key(n)) for n in range(first, last + 1)))
        months = {}
        for n in range(first, last + 1):
            key = fy(month_key(n))
            months[key] = (months.get(key, (month_key(n),))[0], month_key(n))
        values, totals = values.assign(key=values["period"].map(fy)), totals.assign(key=totals["period"].map(fy))
    out = _summarise(measure_id, dimension_id, "key", values, totals, keys)
    return Breakdown(measure_id, dimension_id, "period", out.cells.rename(columns={"key": "period"}),
                     out.completeness.rename(columns={"key": "period"}), months)


def by_district(con: duckdb.DuckDBPyConnection, measure_id: str, dimension_id: str, start: str,
                end: str) -> Breakdown:
    """Each district's breakdown, and the force's (its districts added up, last), over the months `start` to
    `end` ("YYYY-MM", both included): keys are the district names and the force's short name."""
    import pandas as pd

    f = force()
    values, totals = _cells(con, measure_id, dimension_id, start, end)
    parts = _summarise(measure_id, dimension_id, "district", values, totals, list(f.districts))
    whole = _summarise(measure_id, dimension_id, "area", values.assign(area=f.force_short_name),
                       totals.assign(area=f.force_short_name), [f.force_short_name])
    return Breakdown(measure_id, dimension_id, "area",
                     pd.concat([parts.cells.rename(columns={"district": "area"}), whole.cells], ignore_index=True),
                     pd.concat([parts.completeness.rename(columns={"district": "area"}), whole.completeness],
                               ignore_index=True),
                     {area: (start, end) for area in (*f.districts, f.force_short_name)})


def key_label(key: str) -> str:
    """A key as a table heads it: a month "YYYY-MM" as "April 2023"; a financial year or an area as itself."""
    try:
        return month_label(month_number(key)) if len(key) == 7 and key[4] == "-" else key
    except ValueError:
        return key


def table(b: Breakdown, shown: str = "number") -> pd.DataFrame:
    """The breakdown as a page shows it: one row per period or area, the completeness first (breakdowns sent,
    the measure's figure, the count recorded and the share recorded), then one column per category in the
    declared order, as a number, a share of all (`shown="of_all"`) or a share of recorded values
    (`"of_recorded"`; blank for a category that says it was not recorded). Every share's heading says which."""
    import pandas as pd

    if shown not in SHOWN:
        raise ValueError(f"shown should be one of {', '.join(SHOWN)}, not {shown!r}.")
    c = b.completeness
    out = pd.DataFrame({
        "Period" if b.key == "period" else "Area": c[b.key].map(key_label),
        "Breakdowns sent": [f"{s} of {e}" for s, e in zip(c["sent"], c["expected"], strict=True)],
        "All": c["all"], "Recorded": c["recorded"], SHARE_RECORDED: c["share"].round(SHARE_DECIMALS)})
    column = {"number": "value", "of_all": "of_all", "of_recorded": "of_recorded"}[shown]
    wide = b.cells.pivot(index=b.key, columns="category", values=column)
    labels = b.cells.drop_duplicates("category").set_index("category")["label"]
    for category in labels.index:
        heading = labels[category] if shown == "number" else f"{labels[category]} ({SHOWN[shown]})"
        values = pd.Series(wide[category].reindex(c[b.key]).to_numpy() if len(c) else [], index=out.index,
                           dtype=float)
        out[heading] = values if shown == "number" else values.round(SHARE_DECIMALS)
    # every share to the same places: a page writes 66.0 beside 68.1, not 66 (`share_columns`)
    out.attrs["shares"] = [SHARE_RECORDED, *(f"{label} ({SHOWN[shown]})" for label in labels if shown != "number")]
    return out


def share_columns(frame: pd.DataFrame) -> dict[str, int]:
    """The columns of a `table` that hold shares, each with the decimal places every one of its values is shown to."""
    return dict.fromkeys(frame.attrs.get("shares", ()), SHARE_DECIMALS)


@dataclass(frozen=True)
class Span:
    """A period a breakdown may be shown for: a financial year or a month, from `start` to `end` ("YYYY-MM")."""

    label: str  # "2023/24, financial year", "April 2023"
    start: str
    end: str


def _year_part(year: int, first: int, last: int) -> tuple[str, str, int, int]:
    """The financial year starting in April of `year` as far as the months `first` to `last` cover it: its label
    ("2024/25"), which months when only a part ("April 2024 to June 2024", else ""), and its first and last month
    numbers covered."""
    start, end = (year - 1970) * 12 + 3, (year - 1970) * 12 + 14
    a, b = max(start, first), min(end, last)
    part = "" if (a, b) == (start, end) else month_label(a) if a == b else f"{month_label(a)} to {month_label(b)}"
    return financial_year_label(year), part, a, b


def spans(first: str, last: str) -> list[Span]:
    """The financial years, then the months, from `first` to `last` ("YYYY-MM"), latest first in each; a year
    covered in part says which months ("2024/25, financial year (April 2024 to June 2024)")."""
    a, b = month_number(first), month_number(last)
    out = []
    for year in sorted({financial_year(n) for n in range(a, b + 1)}, reverse=True):
        label, part, start, end = _year_part(year, a, b)
        out.append(Span(f"{label}, financial year" + (f" ({part})" if part else ""), month_key(start),
                        month_key(end)))
    return out + [Span(month_label(n), month_key(n), month_key(n)) for n in range(b, a - 1, -1)]
