"""Reading accepted figures back out of the warehouse, filtered, with their source and revisions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from .catalogue import catalogue, force
from .errors import PccDashError

if TYPE_CHECKING:  # pandas is imported where a frame is made: a command that loads a file needs none
    import pandas as pd


class BadFilter(PccDashError):
    """A filter on the figures names no measure, district or month."""


@dataclass(frozen=True)
class FigureFilter:
    measures: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None


def parse_month(text: str | None, option: str) -> dt.date | None:
    """`YYYY-MM` to the first day of that month; a clear error naming the option otherwise."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadFilter(f'{option} "{text}" is not a month; write it as YYYY-MM, such as 2015-07.')
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def parse_day(value: object, what: str, error: type[PccDashError]) -> dt.date:
    """A date, or YYYY-MM-DD, as a day; otherwise `error`, naming `what` and how to write it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise error(f'The {what} "{value}" is not a date; write it as YYYY-MM-DD (2015-08-20).') from None


def make_filter(measures=(), districts=(), start: str | None = None, end: str | None = None) -> FigureFilter:
    cat = catalogue()
    own = set(cat.ids("force_return"))  # the figures are the force's own; police.uk context is kept apart
    lookup = {label: m for label, m in cat.lookup().items() if m in own}
    ms = []
    for m in measures:
        if m.strip().lower() not in lookup:
            if (context := cat.lookup().get(m.strip().lower())) is not None:
                # in the catalogue, but police.uk's: its figures are counted from police.uk's records, not returns
                raise BadFilter(f'--measure "{m}" is a police.uk context measure, "{cat.get(context).name}" '
                                f"({context}): police.uk's figures are kept apart from the force's own, which are all "
                                'this command reads, and are on the internal app\'s "police.uk context" page. The '
                                "force's own measures: " + ", ".join(cat.ids("force_return")) + ".")
            raise BadFilter(f'--measure "{m}" is not in the measure catalogue; known measures: '
                            + ", ".join(cat.ids("force_return")) + ".")
        ms.append(lookup[m.strip().lower()])
    dlookup = force().district_lookup()
    ds = []
    for d in districts:
        if d.strip().lower() not in dlookup:
            raise BadFilter(f'--district "{d}" is not a district; known districts: '
                            + ", ".join(force().districts) + ".")
        ds.append(dlookup[d.strip().lower()])
    f = FigureFilter(tuple(ms), tuple(ds), parse_month(start, "--from"), parse_month(end, "--to"))
    if f.start and f.end and f.start > f.end:
        raise BadFilter(f"--from {start} is after --to {end}: swap them, so that --from gives the first month.")
    return f


def where_clause(f: FigureFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    if f.measures:
        clauses.append("measure IN (SELECT unnest($measures))")
        params["measures"] = list(f.measures)
    if f.districts:
        # a district's figures held under a former name (kept among its aliases in force.yaml) are its figures too
        lookup = force().district_lookup()
        names = {d.lower() for d in f.districts} | {label for label, d in lookup.items() if d in f.districts}
        clauses.append("lower(district) IN (SELECT unnest($districts))")
        params["districts"] = sorted(names)
    if f.start:
        clauses.append("period >= $start")
        params["start"] = f.start
    if f.end:
        clauses.append("period <= $end")
        params["end"] = f.end
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _plain_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Whole values as integers (12, not 12.0), so that printed and exported counts read as counts. The column is
    kept as objects: a first revision's empty previous value would otherwise turn the others back into 12.0."""
    import pandas as pd

    for col in ("value", "previous_value"):
        if col in df:
            df[col] = pd.Series([None if v is None or v != v else (int(v) if float(v).is_integer() else v)
                                 for v in df[col].astype(object)], index=df.index, dtype=object)
    return df


def current_figures(con: duckdb.DuckDBPyConnection, f: FigureFilter = FigureFilter()) -> pd.DataFrame:
    """The current figure for each (period, district, measure), with the file and row it came from."""
    where, params = where_clause(f)
    return con.execute(
        f"""SELECT strftime(fg.period, '%Y-%m') AS period, fg.district, fg.measure, fg.value, fg.revision,
                   r.name AS source_file, fg.source_sheet, fg.source_row, fg.source_column
            FROM (SELECT * FROM figure{where}) fg JOIN file_registry r USING (file_id)
            ORDER BY fg.measure, fg.district, fg.period""",
        params,
    ).df().pipe(_plain_numbers)


def figure_history(con: duckdb.DuckDBPyConnection, f: FigureFilter = FigureFilter()) -> pd.DataFrame:
    """Every revision of the selected figures, oldest first, with the value each one replaced and the note its file
    gave it (a correction's reason: "4 duplicate referrals removed")."""
    where, params = where_clause(f)
    return con.execute(
        f"""SELECT strftime(fr.period, '%Y-%m') AS period, fr.district, fr.measure, fr.revision, fr.value,
                   fr.previous_value,
                   fr.revision = max(fr.revision) OVER (PARTITION BY fr.period, fr.district, fr.measure)
                       AS is_current,
                   r.name AS source_file, fr.source_sheet, fr.source_row,
                   strftime(fr.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at, coalesce(fr.note, '') AS note
            FROM (SELECT * FROM figure_revision{where}) fr JOIN file_registry r USING (file_id)
            ORDER BY fr.measure, fr.district, fr.period, fr.revision""",
        params,
    ).df().pipe(_plain_numbers)


def accepted_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every month ("YYYY-MM") with an accepted figure of the force's, oldest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT strftime(period, '%Y-%m') FROM figure ORDER BY 1").fetchall()]


def plan_figures(con: duckdb.DuckDBPyConnection, plans=None) -> pd.DataFrame:
    """What the Police and Crime Plan is judged on: DataFrame(period "YYYY-MM", district, measure, value).

    The force's current accepted figures, the count recorded of each breakdown it sent (the numerator of that
    breakdown's completeness, `catalogue.completeness_measures`), and for each police.uk context measure that a
    plan lists (with a percentage's numerator and denominator) its figures for each district and for the force as
    a whole (`district` the force's short name): every record falling within the force, those with no location
    or outside its districts included, which no district holds. `plans`: a PlanSet (plan.yaml by default).
    """
    from .breakdowns import recorded_rows
    from .plan.config import load_plans

    own = con.execute(
        "SELECT strftime(period, '%Y-%m') AS period, district, measure, value FROM figure").df()
    recorded = recorded_rows(con)  # each breakdown's count recorded: its completeness is worked out from it
    if not recorded.empty:
        import pandas as pd

        own = pd.concat([own, recorded], ignore_index=True) if not own.empty else recorded
    cat = catalogue()
    wanted: set[str] = set()
    for plan in (plans or load_plans()).plans:
        for pm in plan.measures():
            if pm.measure.from_police_uk:
                wanted.update(x for x in (pm.id, pm.measure.numerator, pm.measure.denominator) if x)
    wanted = {m for m in wanted if cat.get(m).kind != "percentage"}  # the plan works a share out itself
    if not wanted:
        return own
    from .policeuk import context_figures

    context = context_figures(con)
    context = context[context["measure"].isin(wanted)]
    districts = set(force().districts)
    in_districts = context[context["district"].isin(districts)]
    whole = context.groupby(["period", "measure"], as_index=False)["value"].sum()
    whole.insert(1, "district", force().force_short_name)
    parts = [df for df in (own, in_districts, whole[list(in_districts.columns)]) if not df.empty]
    import pandas as pd

    return pd.concat(parts, ignore_index=True) if parts else own


def held_as_one(con: duckdb.DuckDBPyConnection, period: dt.date | None = None) -> str | None:
    """The sentence for two districts the warehouse holds figures of for one month (in `period`, or any) that
    force.yaml now makes names of one district (a merge, which nothing supports: see
    `catalogue.held_as_one_district`); None when there are none."""
    from .catalogue import district_now, held_as_one_district, measure_namer
    from .public import month_text

    now = district_now("district")
    if now == "district":  # no district has another name: none can be held twice
        return None
    found = con.execute(
        f"""SELECT {now}, strftime(period, '%Y-%m'), measure, list(DISTINCT district)
            FROM figure_revision WHERE $period IS NULL OR period = $period
            GROUP BY ALL HAVING count(DISTINCT district) > 1 ORDER BY 2, 3 LIMIT 1""", {"period": period}).fetchall()
    if not found:
        return None
    district, month, measure, names = found[0]
    return held_as_one_district(names, district, f"{measure_namer()(measure)} in {month_text(month)}")
