"""Context measures from police.uk: monthly counts by district and crime type, and the charge share.

Computed from the current revision of each month of the configured force (police_uk.yaml `force`),
for every district a record can be placed in: the force's districts, "Outside force area" and
"No location". A month that is loaded has a value for every district and measure (zero included);
the charge share is left out where a district had no crimes. The measures, and the caveats each
carries wherever it is shown, are the measure catalogue's (measures.yaml, source: police_uk).

For the dashboard: `context_figures(con, district)` gives the figures with months as "YYYY-MM",
`context_caveats()` what to print beside them, `by_place(figures, month)` one month's figures as a
table of measures by place, `loaded_months(con)` each month loaded with its revision and file, and
`missing_months(con)` the months within those loaded that a street or outcomes file is missing for (said by
`missing_in_words`); `months_span` says the months loaded and `behind_in_words` how far the latest is behind today
(`latest_behind`, the configured force's latest).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import duckdb

from ..catalogue import catalogue, counted, listed
from ..catalogue import force as configured_force
from ..errors import PccDashError
from .reference import SOURCE, reference

if TYPE_CHECKING:  # imported where a frame is made: loading a return needs no pandas
    import pandas as pd

MEASURE_COLUMNS = ("period", "district", "measure", "value")


class UnknownPlace(PccDashError):
    """A district that no police.uk record can be placed in."""


def measure_metadata() -> dict[str, dict]:
    """measure id -> the catalogue's entry for each police.uk context measure as a dict (id, name, short_name,
    unit, kind, increase_is, value_type, source: police_uk, numerator/denominator for the share, and
    caveats: a list of texts), in catalogue order."""
    out = {}
    for m in catalogue().of_source(SOURCE):
        entry = {k: v for k, v in dataclasses.asdict(m).items() if v not in (None, ())}
        entry["caveats"] = list(m.caveats)
        entry.pop("aliases", None)
        out[m.id] = entry
    return out


def context_caveats() -> dict[str, list[str]]:
    """measure id -> the caveats its figures carry wherever they are shown (approximate locations, broad
    categories, revised months, and the measure's own), for every police.uk context measure."""
    return {m.id: list(m.caveats) for m in catalogue().of_source(SOURCE)}


def place(district: str) -> str:
    """The place a police.uk count is kept under, from a district name or alias of force.yaml or one of
    police_uk.yaml's "Outside force area" and "No location" (any case)."""
    ref = reference()
    names = {**{p.lower(): p for p in ref.placements}, **configured_force().district_lookup()}
    found = names.get(district.strip().lower())
    if found is None or found not in ref.placements:
        raise UnknownPlace(f'"{district}" is not a district police.uk records are counted in; expected one of '
                           f"{', '.join(ref.placements)}.")
    return found


def context_figures(con: duckdb.DuckDBPyConnection, district: str | None = None) -> pd.DataFrame:
    """The police.uk context figures for the dashboard: DataFrame(period "YYYY-MM", district, measure, value),
    for every district a record can be placed in or only `district` (a name or alias), ordered by period,
    measure and district. The current revision of each loaded month of the configured force; every value a
    float (the counts are whole). Empty, with those columns, when no police.uk file is loaded. The caveats
    to show beside them: `context_caveats()`."""
    import pandas as pd

    df = context_measures(con, district=None if district is None else place(district))
    df["period"] = pd.Series([p.strftime("%Y-%m") for p in df["period"]], dtype=object)
    return df


def context_measures(con: duckdb.DuckDBPyConnection, force: str | None = None,
                     district: str | None = None) -> pd.DataFrame:
    """DataFrame(period, district, measure, value) of the police.uk context measures for `force`
    ("Falls within"; the configured force by default), from the current revision of each month; `period`
    is the month's first day (a date). `district`: only that place (as police_uk_count names it)."""
    import pandas as pd

    ref = reference()
    types = [(name, measure) for name, measure in ref.crime_types.items()]
    params = {
        # a district no prefix places records in has no figure, rather than a count of 0
        "force": force or ref.force,
        "places": [p for p in ([district] if district else ref.placements) if p not in ref.unplaced],
        "type_names": [t for t, _ in types],
        "type_measures": [m for _, m in types], "asb": ref.anti_social_behaviour, "charged": list(ref.charged),
    }
    rows = con.execute(
        """
        WITH places AS (SELECT unnest($places) AS district),
        types AS (SELECT unnest($type_names) AS crime_type, unnest($type_measures) AS measure),
        street_months AS (SELECT DISTINCT period FROM police_uk_month_current
                          WHERE kind = 'street' AND falls_within = $force),
        outcome_months AS (SELECT DISTINCT period FROM police_uk_month_current
                           WHERE kind = 'outcomes' AND falls_within = $force),
        street AS (SELECT period, district, crime_type, outcome, records FROM police_uk_count
                   WHERE kind = 'street' AND falls_within = $force),
        outcomes AS (SELECT period, district, outcome, records FROM police_uk_count
                     WHERE kind = 'outcomes' AND falls_within = $force),
        by_type AS (
            SELECT m.period, p.district, t.measure, coalesce(sum(s.records), 0) AS value
            FROM street_months m CROSS JOIN places p CROSS JOIN types t
            LEFT JOIN street s ON s.period = m.period AND s.district = p.district AND s.crime_type = t.crime_type
            GROUP BY ALL),
        crimes AS (
            SELECT m.period, p.district,
                   coalesce(sum(s.records) FILTER (WHERE s.crime_type <> $asb), 0) AS total,
                   coalesce(sum(s.records) FILTER (WHERE s.crime_type <> $asb
                                                   AND list_contains($charged, s.outcome)), 0) AS charged
            FROM street_months m CROSS JOIN places p
            LEFT JOIN street s ON s.period = m.period AND s.district = p.district
            GROUP BY ALL),
        outs AS (
            SELECT m.period, p.district, coalesce(sum(o.records), 0) AS recorded,
                   coalesce(sum(o.records) FILTER (WHERE list_contains($charged, o.outcome)), 0) AS charged
            FROM outcome_months m CROSS JOIN places p
            LEFT JOIN outcomes o ON o.period = m.period AND o.district = p.district
            GROUP BY ALL)
        SELECT period, district, measure, value::DOUBLE AS value FROM by_type
        UNION ALL SELECT period, district, 'police_uk_total_crime', total FROM crimes
        UNION ALL SELECT period, district, 'police_uk_charged', charged FROM crimes
        UNION ALL SELECT period, district, 'police_uk_charge_share', 100.0 * charged / total
                  FROM crimes WHERE total > 0
        UNION ALL SELECT period, district, 'police_uk_outcomes_recorded', recorded FROM outs
        UNION ALL SELECT period, district, 'police_uk_outcomes_charged', charged FROM outs
        ORDER BY period, measure, district
        """,
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))


def force_totals(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, dict[str, float]]:
    """For every force with `month` ("YYYY-MM") loaded: its name ("Falls within") -> the count of each context
    measure over all its records, wherever placed (a share is left out: it is worked out from its parts). A
    measure counted from the outcomes files is there only when that file of the month is loaded."""
    import datetime as dt

    period = dt.date.fromisoformat(f"{month}-01")
    forces = [f for (f,) in con.execute("SELECT DISTINCT falls_within FROM police_uk_month_current WHERE period = ? "
                                        "ORDER BY falls_within", [period]).fetchall()]
    shares = {m.id for m in catalogue().of_source(SOURCE) if m.kind == "percentage"}
    out: dict[str, dict[str, float]] = {}
    for name in forces:
        figs = context_measures(con, force=name)
        month_figs = figs[(figs["period"] == period) & ~figs["measure"].isin(shares)]
        out[name] = {k: float(v) for k, v in month_figs.groupby("measure")["value"].sum().items()}
    return out


ALL_RECORDS = "All records"


def by_place(figures: pd.DataFrame, month: str) -> pd.DataFrame:
    """One month of `context_figures` as a table: a row per context measure (catalogue order, by name), a
    column per place (the force's districts, then "Outside force area" and "No location"), and
    "All records": every record falling within the force, wherever placed. A share is worked out from its
    numerator and denominator for "All records"; a place with nothing to share is left empty."""
    import pandas as pd

    ref = reference()
    month_figs = figures[figures["period"] == month]
    wide = month_figs.pivot_table(index="measure", columns="district", values="value", aggfunc="sum")
    places = [p for p in ref.placements if p in wide.columns]
    wide = wide.reindex(columns=places)
    measures = [m for m in catalogue().of_source(SOURCE) if m.id in wide.index]
    wide[ALL_RECORDS] = wide[places].sum(axis=1, min_count=1)
    for m in measures:
        if m.kind == "percentage" and m.numerator in wide.index and m.denominator in wide.index:
            den = wide.loc[m.denominator, ALL_RECORDS]
            wide.loc[m.id, ALL_RECORDS] = 100.0 * wide.loc[m.numerator, ALL_RECORDS] / den if den else float("nan")
    out = wide.loc[[m.id for m in measures]]
    out.index = pd.Index([m.name for m in measures], name="Measure")
    return out.reset_index()


def loaded_months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every police.uk month loaded, newest first: kind, falls_within, period ("YYYY-MM"), revision (the
    current one), revisions (how many loads), records, file, loaded_at."""
    import pandas as pd

    rows = con.execute(
        """SELECT m.kind, m.falls_within, strftime(m.period, '%Y-%m') AS period, m.revision,
                  count(*) OVER (PARTITION BY m.kind, m.falls_within, m.period) AS revisions, m.records,
                  r.name AS file, strftime(m.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at
           FROM police_uk_month m JOIN file_registry r USING (file_id)
           QUALIFY m.revision = max(m.revision) OVER (PARTITION BY m.kind, m.falls_within, m.period)
           ORDER BY m.period DESC, m.kind, m.falls_within""").fetchall()
    return pd.DataFrame(rows, columns=["kind", "falls_within", "period", "revision", "revisions", "records",
                                       "file", "loaded_at"])


KIND_WORDS = {"street": "street-level crime", "outcomes": "outcomes"}


def missing_months(con: duckdb.DuckDBPyConnection, force: str | None = None) -> dict[str, list[dt.date]]:
    """For `force` ("Falls within"; the configured force by default): each file kind ("street", "outcomes") with the
    months between the first and the last month loaded of either kind that no file of that kind is loaded for,
    oldest first; a kind with none is left out."""
    rows = con.execute(
        """WITH m AS (SELECT DISTINCT kind, period FROM police_uk_month_current WHERE falls_within = $force),
           every AS (SELECT unnest(generate_series(min(period), max(period), INTERVAL 1 MONTH))::DATE AS period
                     FROM m HAVING count(*) > 0)
           SELECT k.kind, e.period FROM every e CROSS JOIN (SELECT unnest(['street', 'outcomes']) AS kind) k
           WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.kind = k.kind AND m.period = e.period)
           ORDER BY k.kind DESC, e.period""", {"force": force or reference().force}).fetchall()
    out: dict[str, list[dt.date]] = {}
    for kind, period in rows:
        out.setdefault(kind, []).append(period)
    return out


def missing_in_words(missing: dict[str, list[dt.date]]) -> str:
    """`missing_months` as a clause: 'the street-level crime file of February 2018 and May to July 2018; the
    outcomes file of March 2018'. Empty when nothing is missing."""
    from ..uk_time import month_words

    parts = []
    for kind, months in missing.items():
        runs: list[list[dt.date]] = []
        for m in months:
            if runs and (runs[-1][-1].year * 12 + runs[-1][-1].month) + 1 == m.year * 12 + m.month:
                runs[-1].append(m)
            else:
                runs.append([m])
        said = []
        for run in runs:
            first, last = run[0], run[-1]
            if first == last:
                said.append(month_words(first))
            elif first.year == last.year:
                said.append(f"{month_words(first).split()[0]} to {month_words(last)}")
            else:
                said.append(f"{month_words(first)} to {month_words(last)}")
        parts.append(f"the {KIND_WORDS.get(kind, kind)} file of {listed(said)}")
    return "; ".join(parts)


PUBLISHED_AFTER = 2  # police.uk publishes a month's files about two months after it
BEHIND_AT = 3  # past this many months before today's month, the latest month loaded is said to be old


def months_span(first: dt.date, last: dt.date, count: int) -> str:
    """The `count` months loaded from `first` to `last` in words: "1 month loaded, November 2017"; "14 months
    loaded, November 2017 to December 2018"."""
    from ..uk_time import month_words

    if first == last:
        return f"1 month loaded, {month_words(first)}"
    return f"{count:,} months loaded, {month_words(first)} to {month_words(last)}"


_FEW = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")


def _months_words(n: int) -> str:
    """A number of months as years and months: "two months", "10 years and 5 months"."""
    years, months = divmod(n, 12)
    if not years:
        return f"{_FEW[months]} month{'s' if months != 1 else ''}"
    return " and ".join([counted(years, "year")] + ([counted(months, "month")] if months else []))


def behind_in_words(latest: dt.date, today: dt.date, force: str, *, to_load: bool = True,
                    against: str = "this month") -> str | None:
    """What to say when the latest month of `force`'s police.uk files loaded is more than BEHIND_AT months before
    the month of `today`: how far behind it is, which months police.uk had published by then, and (`to_load`) how
    to load them. `against` names that month in the sentence ("this month", or "the meeting's month" when `today`
    is a meeting's day). None while it is recent."""
    from ..office import possessive
    from ..uk_time import month_words

    behind = (today.year * 12 + today.month) - (latest.year * 12 + latest.month)
    if behind <= BEHIND_AT:
        return None
    total = today.year * 12 + today.month - 1 - PUBLISHED_AFTER
    published = dt.date(total // 12, total % 12 + 1, 1)
    return (f"The latest police.uk month loaded is {month_words(latest)}, {_months_words(behind)} before {against} "
            f"({month_words(today)}): the figures here are at least that old. police.uk publishes each month about "
            f"{_months_words(PUBLISHED_AFTER)} later, so it has {possessive(force)} months to about "
            f"{month_words(published)}." + (
                " Download the newer months' street and outcomes files from data.police.uk and load them with "
                '"pccdash ingest" (a month\'s folder at once, e.g. '
                f'"pccdash ingest {published:%Y-%m}/"; docs/police-uk.md says how).' if to_load else ""))


def latest_behind(con: duckdb.DuckDBPyConnection, today: dt.date, *, to_load: bool = True,
                  against: str = "this month") -> str | None:
    """`behind_in_words` for the configured force's latest police.uk month loaded: None while it is recent, or when
    no month of its files is loaded."""
    force = reference().force
    (latest,) = con.execute("SELECT max(period) FROM police_uk_month_current WHERE falls_within = ?",
                            [force]).fetchone()
    return None if latest is None else behind_in_words(latest, today, force, to_load=to_load, against=against)
