"""Context measures from police.uk: monthly counts by district and crime type, and the charge share.

Computed from the current revision of each month of the configured force (police_uk.yaml `force`),
for every district a record can be placed in: the force's districts, "Outside force area" and
"No location". A month that is loaded has a value for every district and measure (zero included);
the charge share is left out where a district had no crimes.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .reference import reference

MEASURE_COLUMNS = ("period", "district", "measure", "value")


def measure_metadata() -> dict[str, dict]:
    """measure id -> catalogue-style metadata (name, short_name, unit, kind, increase_is, value_type,
    source: police_uk, numerator/denominator for the share, caveats), from police_uk.yaml."""
    return {k: dict(v) for k, v in reference().measures.items()}


def context_measures(con: duckdb.DuckDBPyConnection, force: str | None = None) -> pd.DataFrame:
    """DataFrame(period, district, measure, value) of the police.uk context measures for `force`
    ("Falls within"; the configured force by default), from the current revision of each month."""
    ref = reference()
    types = [(name, measure) for name, measure in ref.crime_types.items()]
    params = {
        "force": force or ref.force, "places": list(ref.placements), "type_names": [t for t, _ in types],
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
