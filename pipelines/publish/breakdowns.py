"""Breakdowns on the public side: what dimensions.yaml allows (`published`), for the force by financial year only,
each category a cell protected together with the measure's own published figures.

A year is published for a breakdown when its twelve months are approved and every district sent the breakdown
for every one of them, so that its categories add up to the measure's figure for the year, and the reader may
rely on it; "not recorded" and "not stated" are always rows of their own, never chosen to hide another cell, with
the share recorded beside them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import duckdb
import pandas as pd

from ..catalogue import PublishedBreakdown, catalogue, dimensions, force, reference_file
from ..disclosure import breakdown_key, fy_label
from ..errors import ConfigError

COLUMNS = ["measure", "dimension", "category", "period", "value"]


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    recorded: bool


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def categories(pb: PublishedBreakdown) -> list[Category]:
    """The published categories of a breakdown in the declared order: its values, or their groups (a value with
    no group, such as "Not recorded", stays itself)."""
    out: dict[str, Category] = {}
    for v in dimensions().get(pb.dimension).values:
        if pb.level == "group" and v.group:
            out.setdefault(_slug(v.group), Category(_slug(v.group), v.group, True))
        else:
            out.setdefault(v.id, Category(v.id, v.label, v.recorded))
    return list(out.values())


def _category_of(pb: PublishedBreakdown) -> dict[str, str]:
    """value id -> published category id."""
    return {v.id: (_slug(v.group) if pb.level == "group" and v.group else v.id)
            for v in dimensions().get(pb.dimension).values}


def published() -> list[PublishedBreakdown]:
    """The breakdowns dimensions.yaml publishes; a ConfigError names one whose measure may not be broken down so,
    or a measure published by two dimensions (its year could then be given away twice over)."""
    cat = catalogue()
    seen: set[str] = set()
    for pb in dimensions().published:
        m = cat.by_id.get(pb.measure)
        if m is None or not m.from_force_return or pb.dimension not in {b.dimension for b in m.breakdowns}:
            raise ConfigError(f'dimensions.yaml, published: "{pb.measure}" is not a measure of the return broken down '
                              f'by {pb.dimension} ("{reference_file("measures.yaml")}", breakdowns).')
        if pb.measure in seen:
            raise ConfigError(f'dimensions.yaml, published: "{pb.measure}" is published by more than one breakdown; '
                              "publish one breakdown of a measure.")
        seen.add(pb.measure)
    return list(dimensions().published)


def approved_breakdowns(con: duckdb.DuckDBPyConnection, held: Collection[str] = ()) -> pd.DataFrame:
    """Each published breakdown's force figure for every financial year whose twelve months are approved (and not
    `held` back, "YYYY-MM") and whose every district-month sent it, as they stood at each month's approval:
    DataFrame(measure, dimension, category (published id), period "2023/24", value). As earlier snapshots were made:
    `breakdowns_as_made`."""
    wanted = published()
    if not wanted:
        return pd.DataFrame(columns=COLUMNS)
    rows = con.execute(
        """SELECT r.period, r.district, r.measure, r.dimension, r.category, r.value
           FROM figure_breakdown_revision r
           JOIN period_status s ON s.period = r.period AND r.loaded_at <= s.approved_at
           WHERE list_contains($pairs, r.measure || ':' || r.dimension)
             AND NOT list_contains($held, strftime(r.period, '%Y-%m'))
           QUALIFY r.revision = max(r.revision) OVER (PARTITION BY r.period, r.district, r.measure, r.dimension,
                                                                  r.category)""",
        {"pairs": [f"{pb.measure}:{pb.dimension}" for pb in wanted], "held": list(held)}).df()
    return _by_year(rows, wanted)


def breakdowns_as_made(con: duckdb.DuckDBPyConnection, months_of: dict[int, list[str]]) -> dict[int, pd.DataFrame]:
    """`approved_breakdowns` as each earlier snapshot (version -> its months, "YYYY-MM") was made from them, each
    month at its latest approval before the snapshot was written: for every snapshot in one query."""
    wanted = published()
    if not wanted or not months_of:
        return {version: pd.DataFrame(columns=COLUMNS) for version in months_of}
    from .approval import APPROVALS_AT_EACH_MADE

    rows = con.execute(
        f"""SELECT s.version, r.period, r.district, r.measure, r.dimension, r.category, r.value
           FROM figure_breakdown_revision r
           JOIN ({APPROVALS_AT_EACH_MADE}) s ON s.period = r.period AND r.loaded_at <= s.approved_at
           WHERE list_contains($pairs, r.measure || ':' || r.dimension)
           QUALIFY r.revision = max(r.revision) OVER (PARTITION BY s.version, r.period, r.district, r.measure,
                                                                  r.dimension, r.category)""",
        {"pairs": [f"{pb.measure}:{pb.dimension}" for pb in wanted], "versions": list(months_of),
         "months": [list(m) for m in months_of.values()]}).df()
    by_version = dict(iter(rows.groupby("version", sort=False)))
    return {version: _by_year(by_version[version].drop(columns="version").reset_index(drop=True), wanted)
            if version in by_version else pd.DataFrame(columns=COLUMNS) for version in months_of}


def _by_year(rows: pd.DataFrame, wanted: list[PublishedBreakdown]) -> pd.DataFrame:
    """Breakdown figures (period, district, measure, dimension, category, value) summed for the force by financial
    year, for each year whose every district-month sent them, every published category a row."""
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    districts = set(force().districts)
    rows = rows[rows["district"].isin(districts)]
    rows["fy"] = [fy_label(p.year if p.month >= 4 else p.year - 1) for p in pd.to_datetime(rows["period"])]
    frames = []
    for pb in wanted:
        part = rows[(rows["measure"] == pb.measure) & (rows["dimension"] == pb.dimension)]
        sent = part.drop_duplicates(["fy", "period", "district"]).groupby("fy").size()  # district-months sent
        whole_years = [fy for fy, n in sent.items() if n == 12 * len(districts)]
        part = part[part["fy"].isin(whole_years)]
        if part.empty:
            continue
        part = part.assign(category=part["category"].map(_category_of(pb)).fillna(part["category"]))
        summed = part.groupby(["fy", "category"])["value"].sum().to_dict()
        for fy in whole_years:  # every published category is a row, at nought when none fell in it
            for c in categories(pb):
                frames.append({"measure": pb.measure, "dimension": pb.dimension, "category": c.id, "period": fy,
                               "value": int(round(summed.get((fy, c.id), 0)))})
    return pd.DataFrame(frames, columns=COLUMNS)


def key_of(measure: str, dimension: str, category: str) -> str:
    return breakdown_key(measure, dimension, category)


def share_key(measure: str, dimension: str) -> str:
    """The published share recorded of a breakdown, as a cell the audit checks beside its counts."""
    return breakdown_key(measure, dimension, "share_recorded")
