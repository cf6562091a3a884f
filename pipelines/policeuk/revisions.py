"""Revisions of police.uk months: what changed in the counts when a force republished a month."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb

from ..catalogue import listed
from ..uk_time import month_words, uk_day_words
from ..warehouse import one
from .reference import reference

if TYPE_CHECKING:  # imported where the frame is made: loading a return needs no pandas
    import pandas as pd

# A street file's category for the crimes (anti-social behaviour left out) whose last outcome is a charge or
# summons, by district: the count police_uk_charged and the charge share are made of. A month republished
# because cases moved on keeps its crimes and changes their last outcomes, and this count is what it changes.
CHARGED_CATEGORY = "Charged or summonsed"

CHANGE_COLUMNS = ("kind", "falls_within", "period", "district", "category", "previous_revision", "revision",
                  "before", "after", "change")


def _changes_sql(where_month: str) -> str:
    """Each count of the target revisions (police_uk_month rows matching `where_month`) against the revision
    before it: one row per (kind, force, month, district, category), category being the crime type of a
    street file and the outcome type of an outcomes file; a street file also has CHARGED_CATEGORY, its crimes
    whose last outcome is a charge or summons ($asb, $charged and $charged_category: `_charged_params`). `before`
    is empty for a first revision."""
    return f"""
    WITH target AS (SELECT kind, falls_within, period, revision FROM police_uk_month m WHERE {where_month}),
    kept AS (
        SELECT c.*, t.revision AS target
        FROM police_uk_count_revision c
        JOIN target t ON t.kind = c.kind AND t.falls_within = c.falls_within AND t.period = c.period
                     AND c.revision IN (t.revision, t.revision - 1)),
    cells AS (
        SELECT kind, falls_within, period, target, revision, district,
               coalesce(crime_type, outcome) AS category, sum(records)::BIGINT AS records
        FROM kept GROUP BY ALL
        UNION ALL
        SELECT kind, falls_within, period, target, revision, district, $charged_category AS category,
               coalesce(sum(records) FILTER (WHERE crime_type <> $asb AND list_contains($charged, outcome)), 0)::BIGINT
        FROM kept WHERE kind = 'street' GROUP BY ALL),
    a AS (SELECT * FROM cells WHERE revision = target - 1),
    b AS (SELECT * FROM cells WHERE revision = target)
    SELECT coalesce(b.kind, a.kind) AS kind, coalesce(b.falls_within, a.falls_within) AS falls_within,
           coalesce(b.period, a.period) AS period, coalesce(b.district, a.district) AS district,
           coalesce(b.category, a.category) AS category,
           coalesce(b.target, a.target) - 1 AS previous_revision, coalesce(b.target, a.target) AS revision,
           CASE WHEN coalesce(b.target, a.target) > 1 THEN coalesce(a.records, 0) END AS before,
           coalesce(b.records, 0) AS after,
           coalesce(b.records, 0) - coalesce(a.records, 0) AS change
    FROM b FULL JOIN a ON a.kind = b.kind AND a.falls_within = b.falls_within AND a.period = b.period
                      AND a.target = b.target AND a.district = b.district AND a.category = b.category"""


def _charged_params() -> dict[str, object]:
    ref = reference()
    return {"asb": ref.anti_social_behaviour, "charged": list(ref.charged), "charged_category": CHARGED_CATEGORY}


def change_counts(con: duckdb.DuckDBPyConnection, file_id: int) -> tuple[int, int, int]:
    """(new, revised, unchanged) counts of the revisions a file made, against the revisions before them: its crime
    types' and outcomes' counts by district, so that every load of a month counts the same figures. The charged count
    (CHARGED_CATEGORY) is made of the crime types' records and is not among them: `charged_changes` gives those a
    republished month changed, which the load says apart."""
    row = one(con, f"""SELECT count(*) FILTER (WHERE before IS NULL OR (before = 0 AND change > 0)),
                              count(*) FILTER (WHERE before > 0 AND change <> 0),
                              count(*) FILTER (WHERE change = 0)
                       FROM ({_changes_sql("m.file_id = $file_id")}) WHERE category <> $charged_category""",
              {"file_id": file_id, **_charged_params()})
    return int(row[0]), int(row[1]), int(row[2])


def charged_changes(con: duckdb.DuckDBPyConnection, file_id: int) -> list[tuple[str, dt.date, str, int, int]]:
    """The charged counts (CHARGED_CATEGORY) a file changed of months loaded before, as (force, month, district,
    before, after), in order: what a month republished as cases move on changes, besides its crime types' counts."""
    rows = con.execute(f"""SELECT falls_within, period, district, before, after
                           FROM ({_changes_sql("m.file_id = $file_id")})
                           WHERE category = $charged_category AND before IS NOT NULL AND change <> 0
                           ORDER BY falls_within, period, district""",
                       {"file_id": file_id, **_charged_params()}).fetchall()
    return [(force, period, district, int(before), int(after)) for force, period, district, before, after in rows]


# what a list of files says, under it, of the charged counts it gives beside each file's figures
CHARGED_COUNT_WORDS = ("A charged count is police.uk's count of the crimes charged or summonsed in a district's month, "
                       "which the charge share is worked out from: a police.uk file counts it apart from its figures")


def charged_counts_changed(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """How many charged counts each police.uk file changed of months loaded before (`charged_changes`, for every file
    at once), by file number; a file that changed none is left out. A list of files counts them beside its figures,
    which do not hold them."""
    rows = con.execute(f"""SELECT m.file_id, count(*)
                           FROM ({_changes_sql("m.kind = 'street' AND m.revision >= 2")}) c
                           JOIN police_uk_month m ON m.kind = c.kind AND m.falls_within = c.falls_within
                                                 AND m.period = c.period AND m.revision = c.revision
                           WHERE c.category = $charged_category AND c.before IS NOT NULL AND c.change <> 0
                           GROUP BY m.file_id""", _charged_params()).fetchall()
    return {int(file_id): int(n) for file_id, n in rows}


def _month(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(f"{value[:7]}-01")


def revision_changes(con: duckdb.DuckDBPyConnection, *, kind: str = "street", falls_within: str | None = None,
                     period: str | dt.date | None = None, revision: int | None = None,
                     changed_only: bool = True, every_revision: bool = False) -> pd.DataFrame:
    """The change in counts between a revision of a month and the revision before it.

    By default: the current revision of every republished month (revision 2 or later) of `kind`, against
    the one before, for the counts that changed. `period` is a date or "YYYY-MM"; `revision` picks a
    revision other than the current one; `every_revision` has each republication of a month (2 against 1,
    3 against 2, ...), so a month republished twice keeps what its first republication changed. Columns:
    kind, falls_within, period, district, category (crime type, or outcome type for outcomes files; for
    street files also CHARGED_CATEGORY, the crimes whose last outcome is a charge or summons),
    previous_revision, revision, before, after, change.
    """
    where = ["m.kind = $kind", "m.revision >= 2"]
    params: dict[str, object] = {"kind": kind, **_charged_params()}
    if falls_within is not None:
        where.append("m.falls_within = $falls_within")
        params["falls_within"] = falls_within
    if period is not None:
        where.append("m.period = $period")
        params["period"] = _month(period)
    if revision is not None:
        where.append("m.revision = $revision")
        params["revision"] = revision
    elif not every_revision:
        where.append("m.revision = (SELECT max(x.revision) FROM police_uk_month x WHERE x.kind = m.kind "
                     "AND x.falls_within = m.falls_within AND x.period = m.period)")
    sql = (f"SELECT * FROM ({_changes_sql(' AND '.join(where))}) "
           f"{'WHERE change <> 0 ' if changed_only else ''}ORDER BY falls_within, period, revision, district, category")
    rows = con.execute(sql, params).fetchall()
    import pandas as pd

    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def put_back_revisions(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, dt.date, int]]:
    """The revisions (kind, falls_within, period, revision) that put an earlier download of their month back in
    force: the office's choice of a file loaded before for the month (its very bytes), not police.uk's
    republication, though each is a revision of the month like any other."""
    rows = con.execute(
        """SELECT m.kind, m.falls_within, m.period, m.revision
           FROM police_uk_month m JOIN file_registry f ON f.file_id = m.file_id
           WHERE EXISTS (SELECT 1 FROM police_uk_month e JOIN file_registry g ON g.file_id = e.file_id
                         WHERE e.kind = m.kind AND e.falls_within = m.falls_within AND e.period = m.period
                           AND e.revision < m.revision AND g.sha256 = f.sha256)""").fetchall()
    return {(kind, force, period, revision) for kind, force, period, revision in rows}


# the measures counted from the outcomes file; every other police.uk measure is counted from the street file
OUTCOMES_MEASURES = frozenset({"police_uk_outcomes_recorded", "police_uk_outcomes_charged"})


def kind_of(measure_id: str) -> str:
    """The police.uk file ("street" or "outcomes") a context measure is counted from."""
    return "outcomes" if measure_id in OUTCOMES_MEASURES else "street"


def republished_words(con: duckdb.DuckDBPyConnection, kind: str, first: str | dt.date, last: str | dt.date,
                      falls_within: str | None = None) -> str:
    """In one sentence, the months `first` to `last` ("YYYY-MM" or dates) of `kind` police.uk has republished with
    counts changed since they were first loaded (those the police.uk context page lists), each with the revision its
    figures are from now and when that was loaded; "" for none. `falls_within`: the configured force by default.

    A month whose latest revision is an earlier download loaded again to put it back in force
    (`put_back_revisions`) is said as the context page says it: that download, loaded again, not police.uk's
    republication; its counts changed all the same, so a reader of the figures before is told."""
    force = falls_within or reference().force
    changes = revision_changes(con, kind=kind, falls_within=force, every_revision=True)
    periods = sorted({p for p in changes["period"] if _month(first) <= p <= _month(last)})
    if not periods:
        return ""
    rows = con.execute(
        """SELECT period, max(revision), arg_max(loaded_at, revision), arg_min(loaded_at, revision)
           FROM police_uk_month WHERE kind = ? AND falls_within = ? AND list_contains(?, period)
           GROUP BY period ORDER BY period""", [kind, force, periods]).fetchall()
    back = {(period, revision) for k, f, period, revision in put_back_revisions(con) if (k, f) == (kind, force)}
    theirs = [row for row in rows if (row[0], row[1]) not in back]
    ours = [row for row in rows if (row[0], row[1]) in back]
    said: list[str] = []
    _one_or_many(said, theirs,
                 lambda _opens, period, revision, latest, earliest: (
                     f"police.uk republished {month_words(period)} after it was first loaded on "
                     f"{uk_day_words(earliest)}: these figures are from its revision {revision}, loaded on "
                     f"{uk_day_words(latest)}"),
                 lambda _opens, n, months: (f"police.uk republished {n} of these figures' months after they were first "
                                        f"loaded: {months}; these figures are from the latest revision of each"))
    _one_or_many(said, ours,
                 lambda opens, period, revision, latest, _earliest: (
                     f"{'A' if opens else 'a'}n earlier download of {month_words(period)} was loaded again on "
                     f"{uk_day_words(latest)} to put it back in force, not police.uk's republication: these figures "
                     f"are from it (revision {revision})"),
                 lambda opens, n, months: (
                     f"{'E' if opens else 'e'}arlier downloads of {n} of these figures' months were loaded again to "
                     f"put them back in force, not police.uk's republication: {months}; these figures are from "
                     "those downloads"))
    return "; and ".join(said) + "; the police.uk context page lists each count that changed."


def _one_or_many(said: list[str], rows: list[tuple], one, many) -> None:
    """Adds to `said` the sentence of `republished_words` for `rows` (period, revision, loaded last, loaded first):
    `one(opens, *row)` of a single month, `many(opens, n, months listed)` of several; nothing for none. `opens`: the
    sentence comes first, and begins with a capital."""
    if not rows:
        return
    if len(rows) == 1:
        said.append(one(not said, *rows[0]))
        return
    months = listed([f"{month_words(p)} (revision {r}, loaded on {uk_day_words(latest)})" for p, r, latest, _ in rows])
    said.append(many(not said, len(rows), months))
