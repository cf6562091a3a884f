"""Where a figure comes from: a district's figure to its file, sheet, row and column; a force figure to the
districts' figures it is built from (or to its own row, where the force gave it); every value it had before.

The Provenance page shows it; `provenance_link` is the address that opens that page on one figure, from the
overview, the Measure page, the pack's HTML and the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import duckdb
import pandas as pd

from .catalogue import DERIVED, catalogue, completeness_id, dimensions, district_now, force, listed, recorded_id
from .errors import PccDashError, shown
from .office import in_sentence, possessive
from .plan.periods import month_key, month_number

PAGE = "provenance"  # the Provenance page's address in the internal app


class LineageError(PccDashError):
    """A figure asked for names no measure, area or month with a loaded figure."""


@dataclass(frozen=True)
class Source:
    """One accepted value as its file gave it."""

    measure: str
    area: str
    value: float
    revision: int
    file_id: int
    file: str
    sheet: str | None
    row: int
    column: str | None
    loaded_at: str
    category: str | None = None  # a breakdown's category (its label), for a figure counted from a breakdown

    @property
    def where(self) -> str:
        """'file "2015-16-cse-return.xlsx", sheet "cse_charges", row 7, column Rotherham'."""
        return (f'file "{self.file}"' + (f', sheet "{self.sheet}"' if self.sheet else "") + f", row {self.row}"
                + (f", column {self.column}" if self.column else ""))


@dataclass(frozen=True)
class StatedTotal:
    """A total the force wrote for itself in a wide return's Total column, as its latest accepted file gave it."""

    value: float
    file_id: int
    file: str
    sheet: str | None
    row: int
    column: str
    loaded_at: str

    @property
    def where(self) -> str:
        """'2015-16-cse-return.xlsx, sheet "CSE charges", row 8, column "Total"'."""
        return (shown(self.file, None) + (f', sheet "{shown(self.sheet, None)}"' if self.sheet else "")
                + f', row {self.row}, column "{shown(self.column, None)}"')


@dataclass(frozen=True)
class Lineage:
    """A figure and what it is made of.

    ``how``: "district" (a district's figure, ``sources`` its own row), "given" (a figure the force gave for
    itself, ``sources`` its own row), "sum" (a force figure adding up ``sources``, one per district), "ratio"
    (a force percentage rebuilt from the districts' numerators and denominators, ``sources`` both), "recorded"
    (the count of a breakdown whose value was recorded, ``sources`` the rows of its recorded categories, of the
    area or of every district for the force) or "share" (that count's share of the measure broken down,
    ``sources`` those rows and the measure's own rows).
    ``revisions``: every earlier value of the figure or of its parts, with the file that gave it.
    ``stated``: for a force "sum", the total the force wrote for itself in the latest accepted file that gave one.
    """

    measure: str
    area: str
    month: str
    value: float
    how: str
    sources: tuple[Source, ...]
    missing: tuple[str, ...]
    revisions: pd.DataFrame
    stated: StatedTotal | None = None

    @property
    def is_force(self) -> bool:
        return self.area == force().force_short_name

    @property
    def stated_agrees(self) -> bool:
        return self.stated is not None and self.stated.value == self.value

    def later_files(self) -> tuple[Source, ...]:
        """The districts' current figures that came after the force's stated total (what it no longer adds up)."""
        if self.stated is None:
            return ()
        return tuple(s for s in self.sources if s.file_id > self.stated.file_id)

    def stated_sentence(self) -> str | None:
        """The force's own total beside the districts' sum, in words: 'South Yorkshire's own total in
        2015-16-cse-return.xlsx, sheet "CSE charges", row 8, column "Total": 155, the same as the districts' sum.'
        None when no file stated one."""
        if self.stated is None:
            return None
        from .plan.narrative import format_number

        m = catalogue().get(self.measure)
        said = f"{possessive(self.area)} own total in {self.stated.where}: {format_number(self.stated.value, m)}"
        if self.stated_agrees:
            return f"{said}, the same as the districts' sum."
        now = f"{said}; the districts now sum to {format_number(self.value, m)}"
        later = self.later_files()
        if not later:
            return f"{now}."
        kind = "correction" if all(s.revision > 1 for s in later) else "figure"
        files = listed([shown(s.file, None) for s in later])
        return f"{now} after {f'later {kind}s' if len(later) > 1 else f'a later {kind}'} in {files}."


def link_params(measure: str, area: str, month: str) -> dict[str, str]:
    """The query parameters that name one figure to the Provenance page (read back by ``read_link``)."""
    return {"measure": measure, "area": area, "month": str(month)[:7]}


def provenance_link(measure: str, area: str, month: str, base: str = "") -> str:
    """The Provenance page's address opened on one figure: ``base`` (the internal app's address, for a link
    from outside the app such as the pack) then ``provenance?measure=...&area=...&month=YYYY-MM``."""
    query = urlencode(link_params(measure, area, month))
    return f"{base.rstrip('/')}/{PAGE}?{query}" if base else f"{PAGE}?{query}"


def read_link(params: dict) -> tuple[str, str, str]:
    """The (measure id, area, "YYYY-MM") a provenance link names; a LineageError saying what is wrong otherwise.
    A measure may be given by id or name, an area in any case or by an alias."""
    cat, f = catalogue(), force()
    measure_text = str(params.get("measure") or "").strip()
    own = set(cat.ids("force_return")) | set(cat.ids(DERIVED))  # a breakdown's completeness: its rows are traced
    measure = cat.lookup().get(measure_text.lower(), measure_text)
    if measure not in own:
        raise LineageError(f'The link names the measure "{measure_text}", which no return of the force reports.'
                           if measure_text else "The link names no measure.")
    area_text = str(params.get("area") or "").strip()
    areas = {f.force_short_name.lower(): f.force_short_name, **f.district_lookup()}
    if area_text.lower() not in areas:
        raise LineageError(f'The link names the area "{area_text}", which is neither {f.force_short_name} nor one '
                           f"of its districts." if area_text else "The link names no area.")
    month = str(params.get("month") or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise LineageError(f'The link names the month "{month}", which is not a month (it reads YYYY-MM).'
                           if month else "The link names no month.")
    return measure, areas[area_text.lower()], month


def _revisions(con: duckdb.DuckDBPyConnection, measures: list[str], areas: list[str], month: str) -> pd.DataFrame:
    # a renamed district's months held under its former name (kept among its aliases in force.yaml) are its own
    area = district_now("r.district")
    return con.execute(
        f"""SELECT r.measure, {area} AS area, r.revision, r.value, r.previous_value, r.file_id,
                  f.name AS file, r.source_sheet AS sheet, r.source_row AS "row", r.source_column AS "column",
                  strftime(r.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at,
                  r.revision = max(r.revision) OVER (PARTITION BY r.measure, {area}) AS is_current
           FROM figure_revision r JOIN file_registry f USING (file_id)
           WHERE r.measure IN (SELECT unnest($measures)) AND {area} IN (SELECT unnest($areas))
             AND r.period = CAST($month AS DATE)
           ORDER BY r.measure, area, r.revision DESC""",
        {"measures": measures, "areas": areas, "month": f"{month}-01"}).df()


def _source(row) -> Source:
    def text(v: object) -> str | None:
        return v if isinstance(v, str) and v else None

    return Source(measure=row.measure, area=row.area, value=float(row.value), revision=int(row.revision),
                  file_id=int(row.file_id), file=row.file, sheet=text(row.sheet), row=int(row.row),
                  column=text(row.column), loaded_at=row.loaded_at)


def lineage(con: duckdb.DuckDBPyConnection, measure: str, area: str, month: str) -> Lineage:
    """The figure of `measure` for `area` (the force or a district) in `month` ("YYYY-MM") and what it is made
    of; a LineageError when no such figure has been loaded."""
    cat, f = catalogue(), force()
    m = cat.get(measure)
    is_force = area == f.force_short_name
    if m.derived:
        return _from_breakdown(con, m, area, month)
    if is_force:
        own = _revisions(con, [measure], [area], month)
        if not own.empty:  # the force gave this figure itself: its own row is its source
            return _built(measure, area, month, "given", own, ())
        parts = [m.numerator, m.denominator] if m.kind == "percentage" and m.numerator and m.denominator \
            else [measure]
        rows = _revisions(con, parts, list(f.districts), month)
        current = rows[rows["is_current"]]
        have = {d for d in f.districts if all(((current["measure"] == p) & (current["area"] == d)).any()
                                              for p in parts)}
        missing = tuple(d for d in f.districts if d not in have)
        rows = rows[rows["area"].isin(have)]
        if rows.empty:
            raise LineageError(f"No figure for {in_sentence(m.name)} in any district of {area} in "
                               f"{_month_words(month)} has been loaded.")
        built = _built(measure, area, month, "ratio" if len(parts) == 2 else "sum", rows, missing, parts)
        return replace(built, stated=stated_total(con, measure, month)) if built.how == "sum" else built
    rows = _revisions(con, [measure], [area], month)
    if rows.empty:
        raise LineageError(f"No figure for {in_sentence(m.name)} in {area} in {_month_words(month)} has been loaded.")
    return _built(measure, area, month, "district", rows, ())


def breakdown_of(measure: str) -> tuple[str, str]:
    """The (measure broken down, dimension) a derived measure (a breakdown's count recorded or its share) is
    worked out from; a LineageError for any other measure."""
    for m in catalogue().measures:
        for b in m.breakdowns:
            if measure in (recorded_id(m.id, b.dimension), completeness_id(m.id, b.dimension)):
                return m.id, b.dimension
    raise LineageError(f'"{measure}" is not worked out from a breakdown.')


def _breakdown_revisions(con: duckdb.DuckDBPyConnection, measure: str, dimension: str, areas: list[str],
                         month: str) -> pd.DataFrame:
    """Every revision of each category of a breakdown in `month`, with its file, row and whether its category
    counts as recorded; `measure` in the frame is the derived count recorded, `category` the category's label."""
    d = dimensions().get(dimension)
    labels = {v.id: v.label for v in d.values}
    area = district_now("b.district")  # a renamed district's months held under its former name are its own
    rows = con.execute(
        f"""SELECT {area} AS area, b.category, b.revision, b.value, b.previous_value, b.file_id,
                  f.name AS file, b.source_sheet AS sheet, b.source_row AS "row", b.source_column AS "column",
                  strftime(b.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at,
                  b.revision = max(b.revision) OVER (PARTITION BY {area}, b.category) AS is_current
           FROM figure_breakdown_revision b JOIN file_registry f USING (file_id)
           WHERE b.measure = $measure AND b.dimension = $dimension AND {area} IN (SELECT unnest($areas))
             AND b.period = CAST($month AS DATE)
           ORDER BY area, b.category, b.revision DESC""",
        {"measure": measure, "dimension": dimension, "areas": areas, "month": f"{month}-01"}).df()
    rows["counted"] = ~rows["category"].isin(d.unrecorded())
    rows["measure"] = recorded_id(measure, dimension)
    order = {v.id: i for i, v in enumerate(d.values)}
    rows["rank"] = rows["category"].map(order).fillna(len(order))
    rows["category"] = rows["category"].map(labels).fillna(rows["category"])
    return rows


def _from_breakdown(con: duckdb.DuckDBPyConnection, m, area: str, month: str) -> Lineage:
    """A breakdown's count recorded, or its share of the measure broken down, for a district or the force: the
    rows of the recorded categories (every one but "Not recorded" and the like) and, for the share, the measure's
    own rows; the force's adds up the districts that sent the breakdown (and, for the share, the measure too)."""
    f = force()
    base, dimension = breakdown_of(m.id)
    areas = list(f.districts) if area == f.force_short_name else [area]
    cats = _breakdown_revisions(con, base, dimension, areas, month)
    share = m.kind == "percentage"
    figs = _revisions(con, [base], areas, month) if share else None
    sent = set(cats.loc[cats["is_current"], "area"])
    have = sent & set(figs.loc[figs["is_current"], "area"]) if share else sent
    missing = tuple(d for d in areas if d not in have)
    if not have:
        raise LineageError(f"No breakdown of {in_sentence(catalogue().get(base).name)} by "
                           f"{in_sentence(dimensions().get(dimension).name)} in {area} in {_month_words(month)} "
                           "has been loaded" + (" with a figure of the measure beside it." if share and sent else "."))
    order = {d: i for i, d in enumerate(f.districts)}
    cats = cats[cats["area"].isin(have) & cats["counted"]]
    cats = cats.assign(area_rank=cats["area"].map(order).fillna(-1)).sort_values(
        ["area_rank", "rank", "revision"], ascending=[True, True, False], kind="stable")
    counted = tuple(replace(_source(r), category=r.category) for r in cats[cats["is_current"]].itertuples())
    earlier = [cats[~cats["is_current"]]]
    sources = counted
    if share:
        figs = figs[figs["area"].isin(have)]
        own = sorted((_source(r) for r in figs[figs["is_current"]].itertuples()), key=lambda s: order.get(s.area, -1))
        sources = counted + tuple(own)
        earlier.append(figs[~figs["is_current"]])
    recorded = sum(s.value for s in counted)
    if share:
        total = sum(s.value for s in sources if s.measure == base)
        value = recorded / total * 100 if total else float("nan")
    else:
        value = recorded
    keep = ["measure", "area", "category", "revision", "value", "previous_value", "file_id", "file", "sheet", "row",
            "column", "loaded_at"]
    revisions = pd.concat([e.reindex(columns=keep) for e in earlier], ignore_index=True)
    return Lineage(m.id, area, month, value, "share" if share else "recorded", sources, missing, revisions)


def stated_total(con: duckdb.DuckDBPyConnection, measure: str, month: str) -> StatedTotal | None:
    """The force's own total of `measure` in `month` ("YYYY-MM") from the latest accepted file that stated one."""
    row = con.execute(
        """SELECT t.value, t.file_id, f.name, t.source_sheet, t.source_row, t.source_column,
                  strftime(f.received_at, '%Y-%m-%d %H:%M')
           FROM force_total t JOIN file_registry f USING (file_id)
           WHERE t.measure = $measure AND t.period = CAST($month AS DATE) AND f.outcome = 'accepted'
           ORDER BY t.file_id DESC LIMIT 1""",
        {"measure": measure, "month": f"{month}-01"}).fetchone()
    if row is None:
        return None
    value, file_id, name, sheet, source_row, column, loaded_at = row
    return StatedTotal(float(value), int(file_id), name, sheet or None, int(source_row), column, loaded_at)


def _built(measure: str, area: str, month: str, how: str, rows: pd.DataFrame, missing: tuple[str, ...],
           parts: list[str] | None = None) -> Lineage:
    current = rows[rows["is_current"]]
    order = {d: i for i, d in enumerate(force().districts)}
    sources = tuple(sorted((_source(r) for r in current.itertuples()),
                           key=lambda s: ((parts or [s.measure]).index(s.measure), order.get(s.area, -1))))
    if how == "ratio":
        num = sum(s.value for s in sources if s.measure == parts[0])
        den = sum(s.value for s in sources if s.measure == parts[1])
        value = num / den * 100 if den else float("nan")
    else:
        value = sum(s.value for s in sources)
    earlier = rows[~rows["is_current"]].drop(columns=["is_current"]).reset_index(drop=True)
    return Lineage(measure, area, month, value, how, sources, missing, earlier)


# A run of months the Provenance page traces at once: the longest period a page shows is a financial year or 12
# months; two years leaves room for the 12 months a change is measured against, and keeps the rows readable.
MOST_MONTHS = 24


@dataclass(frozen=True)
class RunLineage:
    """A figure over a run of months (a quarter, a year to date, 12 months) and the monthly figures it is made of.

    ``how``: "sum" (a count: every month's figure added up, ``months`` each month's Lineage), "level" (a stock: its
    level at the last month of the run with a figure, ``months`` that month's alone) or "ratio" (a percentage: its
    numerator's total over its denominator's, ``parts`` the two runs).
    ``missing``: the months of the run with no figure (YYYY-MM); a month's districts missing are its Lineage's.
    """

    measure: str
    area: str
    first: str
    last: str
    value: float
    how: str
    months: tuple[Lineage, ...]
    missing: tuple[str, ...]
    parts: tuple[RunLineage, RunLineage] | None = None

    def rows(self) -> tuple[tuple[str, Source], ...]:
        """(month, source) of every row the figure adds up, a percentage's numerator's then denominator's."""
        if self.parts is not None:
            return self.parts[0].rows() + self.parts[1].rows()
        return tuple((one.month, s) for one in self.months for s in one.sources)


def run_link_params(measure: str, area: str, first: str, last: str, shown_as: str = "") -> dict[str, str]:
    """The query parameters that name a figure over the months `first` to `last` to the Provenance page, with the
    figure as the page linking to it printed it (`shown_as`, checked there against the rows; read by ``read_run``)."""
    return {**link_params(measure, area, last), "from": str(first)[:7], **({"shown": shown_as} if shown_as else {})}


def run_provenance_link(measure: str, area: str, first: str, last: str, shown_as: str = "", base: str = "") -> str:
    """The Provenance page's address opened on a figure over the months `first` to `last`, as ``provenance_link``
    opens it on one month's (``base``: the internal app's address, for a link from outside the app such as the
    pack)."""
    query = urlencode(run_link_params(measure, area, first, last, shown_as))
    return f"{base.rstrip('/')}/{PAGE}?{query}" if base else f"{PAGE}?{query}"


def read_run(params: dict) -> tuple[str, str, str, str, str] | None:
    """The (measure id, area, first month, last month, figure as shown) a link to a run of months names; None for a
    link to one month (no "from"); a LineageError saying what is wrong otherwise."""
    if not str(params.get("from") or "").strip():
        return None
    measure, area, last = read_link(params)
    first = str(params.get("from")).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})", first)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise LineageError(f'The link names the first month "{first}", which is not a month (it reads YYYY-MM).')
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    if not 1 <= span <= MOST_MONTHS:
        raise LineageError(f"The link names the months {_month_words(first)} to {_month_words(last)}, which are not "
                           f"a run of 1 to {MOST_MONTHS} months.")
    return measure, area, first, last, str(params.get("shown") or "").strip()[:40]


def run_lineage(con: duckdb.DuckDBPyConnection, measure: str, area: str, first: str, last: str) -> RunLineage:
    """The figure of `measure` for `area` over the months `first` to `last` ("YYYY-MM") and every monthly figure it
    is made of (each month's as ``lineage`` traces it); a LineageError when no month of it has a figure."""
    m = catalogue().get(measure)
    if m.kind == "percentage" and m.numerator and m.denominator:
        num, den = (run_lineage(con, p, area, first, last) for p in (m.numerator, m.denominator))
        value = 100 * num.value / den.value if den.value else float("nan")
        return RunLineage(measure, area, first, last, value, "ratio", (),
                          tuple(sorted(set(num.missing) | set(den.missing))), (num, den))
    found, missing = [], []
    for n in range(month_number(first), month_number(last) + 1):
        month = month_key(n)
        try:
            found.append(lineage(con, measure, area, month))
        except LineageError:
            missing.append(month)
    if not found:
        raise LineageError(f"No figure for {in_sentence(m.name)} in {area} from {_month_words(first)} to "
                           f"{_month_words(last)} has been loaded.")
    if m.kind == "stock":  # a level is not added up: the period's is the last month's with a figure
        return RunLineage(measure, area, first, last, found[-1].value, "level", (found[-1],), tuple(missing))
    return RunLineage(measure, area, first, last, sum(one.value for one in found), "sum", tuple(found),
                      tuple(missing))


def _month_words(month: str) -> str:
    import datetime as dt

    return f"{dt.date(int(month[:4]), int(month[5:7]), 1):%B %Y}"
