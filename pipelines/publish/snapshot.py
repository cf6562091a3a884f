"""`pccdash publish`: write an immutable snapshot of what the public may see, then switch to it in one rename.

A snapshot holds the approved months only, each as its figures stood when approved, after disclosure
control; public wording for caveats (never an analyst's note or a value a caveat would give away);
and what a re-publication revised. It is built beside the others as a temporary file, checked, and
renamed into place; then `current.json` is replaced, in one rename, to name it. Earlier snapshots stay.
`preview_publication` builds the same cells without writing anything, for the person to confirm first;
`withdraw` switches the pointer back to the snapshot before, and the pointer carries the withdrawal notices and the
release calendar as of the withdrawal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import pickle
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .. import audit, faults, filestore, pointer_switch, settings
from ..access import require
from ..accountability.release import (
    ITEM_KINDS,
    Quoted,
    Release,
    board_table,
    counted_texts,
    quoted_hidden_figures,
    record_text,
    released,
    said_on,
    whole_numbers,
    withdrawn_questions,
)
from ..catalogue import catalogue, counted, dimensions, district_now, force, held_as_one_district, listed
from ..contracts.contract import ContractError, load_contract
from ..contracts.recheck import PERCENTAGE_RULE  # compares a percentage with its numerator and denominator
from ..disclosure import (
    BREAKDOWN_SEPARATOR,
    ROLLING_PREFIX,
    DisclosureSettings,
    EarlierCell,
    breakdown_key,
    build_table,
    force_year_table,
    fy_label,
    quarter_label,
    rolling_label,
    suppress_system,
)
from ..errors import ConfigError, PccDashError, shown
from ..events import public_events
from ..office import in_sentence
from ..public import (
    BOARD_COLUMNS,
    MANAGEMENT_INFORMATION,
    ZEROS_CHANGES,
    ZEROS_HIDDEN,
    current_snapshot,
    hidden_count_words,
    month_text,
    months_phrase,
    period_text,
    pointer,
    published_dir,
    spelled_out,
    trend_sentence,
    zeros_changes,
    zeros_hidden,
)
from ..public import read as public_read
from ..uk_time import uk_day, uk_day_words
from ..warehouse import finish_switches, new_file, utc_now
from . import breakdowns as published_breakdowns
from . import lp_audit
from .approval import (
    APPROVAL_WITHDRAWN,
    APPROVALS_AT_EACH_MADE,
    HELD_BY_DISCLOSURE,
    approval_days,
    approval_reasons,
    open_blocking_flags,
    period_states,
    stopped,
)
from .content import SnapshotView
from .info import FILE_NAME as PUBLIC_INFO_FILE
from .info import load_public_info, statement_review_due
from .pages import REVISES_NOTE, dimensions_meta, months_in, table_name

log = logging.getLogger(__name__)

BANNER = (MANAGEMENT_INFORMATION + " Small numbers are "
          "not shown so that no child can be identified.")
# What the public reads for a caveat: the rule's meaning, never its message (which may quote a count).
PUBLIC_CAVEATS = {
    "month_on_month_change": "This figure moved sharply from the latest month before it; it was checked before "
                             "publication.",
    "headcount_change": "This figure moved sharply from the latest month before it; it was checked before publication.",
    "arrested_within_12_weeks_change": "This figure moved sharply from the latest month before it; it was checked "
                                       "before publication.",
    "charges_within_arrests": "More people were charged than were arrested this month (a charge can follow an earlier "
                              "month's arrest); it was checked before publication.",
    "cce_referrals_same_month_last_year": "This figure is very different from the same month last year; it was "
                                          "checked before publication.",
    "every_district_every_month": "Not every district reported this measure for this month.",
    "percentage_matches_its_parts": "This percentage does not quite agree with the counts it is built from.",
    "published_month_changed": REVISES_NOTE,
    "breakdown_completeness_drop": "Fewer of the people or offences behind this figure had their details recorded "
                                   "than the month before.",
    "breakdown_not_sent": "The force sent this figure without the breakdown it sent the month before.",
}
FLAG_CAVEAT = "An analyst has flagged this figure for a data-quality check."
# on the force's total, for a flag on a district's figure it adds up (which district is not said: it may be hidden)
FLAG_IN_TOTAL_CAVEAT = "An analyst has flagged a figure within this total for a data-quality check."
# on a percentage, for a flag on a count it is worked out from (which count, or district, is not said either)
FLAG_IN_PARTS_CAVEAT = "An analyst has flagged a figure this percentage is worked out from for a data-quality check."
FLAG_RULES = {"__flag__": FLAG_CAVEAT, "__flag_in_total__": FLAG_IN_TOTAL_CAVEAT,
              "__flag_in_parts__": FLAG_IN_PARTS_CAVEAT}


CELL_KEYS = ["measure", "area", "period", "period_type"]


class NothingToPublish(PccDashError):
    """No month has been approved, or nothing has changed since the snapshot the public reads."""


def _approved(con: duckdb.DuckDBPyConnection, held: Collection[str] = ()) -> pd.DataFrame:
    """The approved months (less those `held` back, "YYYY-MM"), with when each was approved and first published."""
    return con.execute(
        """SELECT period, approved_at, published_at FROM period_status
           WHERE approved_at IS NOT NULL AND NOT list_contains($held, strftime(period, '%Y-%m')) ORDER BY period""",
        {"held": list(held)}).df()


def approved_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each approved month's figures as they stood at its approval: the latest revision loaded by then, each
    district under the name force.yaml gives it now."""
    figures = con.execute(
        "SELECT strftime(period, '%Y-%m') AS period, district, measure, value FROM approved_figure ORDER BY ALL").df()
    return _districts_as_named(figures)


def _measure_name(measure: str) -> str:
    return next((m.short_name for m in catalogue().measures if m.id == measure), measure)


def _areas_now(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (cells an earlier snapshot published, by `area`) with each district under the name force.yaml gives
    it now: a snapshot published before a district was renamed shows it under its former name, which force.yaml
    keeps among its aliases, and its reader knows the two for one district. Compared under the former name, every
    figure it showed would be new to disclosure control, and none of it known to the reader it protects against."""
    if frame is None or frame.empty or "area" not in frame.columns:
        return frame
    lookup = force().district_lookup()
    renamed = {str(a): lookup[str(a).strip().lower()] for a in pd.unique(frame["area"])
               if str(a).strip().lower() in lookup and lookup[str(a).strip().lower()] != str(a)}
    return frame.assign(area=frame["area"].map(lambda a: renamed.get(str(a), a))) if renamed else frame


def _districts_as_named(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures under the names force.yaml gives their districts now: a figure kept under a district's former
    name that force.yaml keeps among its aliases is that district's (as the plan and the pages read it). A name
    force.yaml no longer knows, or a district held under two names for one month, stops the publication with a
    sentence saying what to put right in force.yaml."""
    if figures.empty:
        return figures
    f = force()
    lookup = f.district_lookup()
    names = {str(d): lookup.get(str(d).strip().lower()) for d in pd.unique(figures["district"])}
    unknown = sorted(d for d, canonical in names.items() if canonical is None)
    if unknown:
        counts = figures["district"].value_counts()
        held = "; ".join(f'{counted(int(counts[d]), "approved figure")} for "{d}"' for d in unknown)
        raise ConfigError(
            f"force.yaml: the warehouse holds {held}, which force.yaml no longer names as a district or an alias "
            f"(its districts are {', '.join(f.districts)}). If the district was renamed, keep its former name "
            f'among the new name\'s aliases (aliases: [{unknown[0]}]) and publish again; nothing was published.')
    held = figures["district"]
    figures = figures.assign(district=figures["district"].map(names))
    twice = figures[figures.duplicated(["period", "district", "measure"], keep=False)]
    if not twice.empty:
        row = twice.iloc[0]
        same = twice[(twice["period"] == row["period"]) & (twice["measure"] == row["measure"])
                     & (twice["district"] == row["district"])]
        raise ConfigError(held_as_one_district(
            held[same.index], row["district"], f"{_measure_name(row['measure'])} in {month_text(row['period'])}")
            + " Nothing was published.")
    return figures.sort_values(["period", "district", "measure"], ignore_index=True)


# Which figures each public rule compared a figure with. A caveat whose firing depends on values is published
# only where its figure and every figure the rule compared it with are shown in the same publication, so whether
# one can appear is decided from what is public, and neither a caveat nor its absence says anything about a
# hidden count. The contract's change, same-month and ratio rules are read from the contract itself.
VALUE_FREE_RULES = {"every_district_every_month", "breakdown_not_sent"}  # fire on what was sent, not its size
# compares the share recorded of a district's month's breakdown, which is never published (only the force's
# year is): nothing the public can see decides it, so it is never published
UNPUBLISHED_COMPARISON_RULES = {"breakdown_completeness_drop"}
REVISION_RULE = "published_month_changed"  # compares a figure with what an earlier publication showed for it


def rule_checks() -> dict[str, tuple[str, str | None, str | None]]:
    """rule id -> (check, measure, against) for the force return contract's change, same_month_last_year and
    ratio rules (what each compares a figure with), as the contract's loader reads them; empty when the contract
    cannot be read."""
    try:
        contract = load_contract("force_cse_return")
    except ContractError:
        return {}
    return {r.id: r.compares for r in contract.set_rules if r.compares is not None}


def _month_shift(period: str, months: int) -> str:
    y, m = map(int, period.split("-"))
    k = y * 12 + m - 1 + months
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _public_caveats(con: duckdb.DuckDBPyConnection, cells: pd.DataFrame,
                    hidden_before: set[tuple[str, str, str]] | None = None) -> pd.DataFrame:
    """The caveats the public reads, each on a month's figure that `cells` shows.

    A rule's caveat is published only where the figure it sits on is shown and, when the rule fires on values,
    every figure the rule compared it with is shown too and none of them was revised after the rule ran (the
    caveat would describe figures the public never read). An analyst's flag (on a figure, a district's month or
    a file) is published on each shown figure it covers, as approved (a file's flag on a figure the public reads
    from that file); never on a hidden one, as a person raises it after looking at the value; while the public
    reads a figure revised since its approval, a flag on it resolved after that approval stays (the correction that
    settled it is not public until the month is approved again); on the force's total it adds up, without saying
    which district's figure it is; and on a percentage worked out from the flagged count (the district's, or the
    force's from the force's totals), saying only that a figure it is worked out from is flagged, where the
    percentage does not say so of itself already.
    `hidden_before` holds the month figures an earlier snapshot hid: a "revises" caveat
    on one of those would compare today's figure with a hidden one, so it is not published.

    A month's rule caveats are those that stood when it was approved: made by then and not yet ended. A load after
    the approval that changes what a figure of the month is compared with (a month loaded late before it, a
    correction, the same month last year) ends a caveat or adds one (pipelines/contracts/recheck.py) with a time
    after the approval, so the month the public reads does not change by itself: like a figure revised after its
    approval, the month shows as "changed" (`period_states`) until it is approved again, and the next publication
    after that carries the caveats as they then stand."""
    out_cols = ["measure", "area", "period", "text"]
    if cells is None or cells.empty:
        return pd.DataFrame(columns=out_cols)
    months = cells[cells["period_type"] == "month"]
    shown = {(r.measure, r.area, r.period) for r in months.itertuples() if not bool(r.suppressed)}
    # a district renamed since has earlier months, their caveats and flags under its former name: each is the
    # district's under the name it is published with
    c_district, a_district, f_district = (district_now(c) for c in ("c.district", "a.district", "f.district"))
    rows = con.execute(
        f"""SELECT c.measure, {c_district} AS area, strftime(c.period, '%Y-%m') AS period, c.rule_id,
                  max(c.created_at) AS created_at
           FROM figure_caveat c JOIN period_status s ON s.period = c.period AND c.created_at <= s.approved_at
                AND (c.ended_at IS NULL OR c.ended_at > s.approved_at)
           GROUP BY ALL
           UNION ALL
           SELECT DISTINCT a.measure, {a_district}, strftime(a.period, '%Y-%m'), '__flag__', NULL::TIMESTAMP
           FROM figure_flag f
           JOIN approved_figure a
             ON (f.scope = 'figure' AND a.period = f.period AND {a_district} = {f_district} AND a.measure = f.measure)
             OR (f.scope = 'district_month' AND a.period = f.period AND {a_district} = {f_district})
             OR (f.scope = 'file' AND a.file_id = f.file_id)
           LEFT JOIN figure x ON x.period = a.period AND x.district = a.district AND x.measure = a.measure
           WHERE f.resolved_at IS NULL
              OR (f.resolved_at > a.approved_at AND x.revision IS DISTINCT FROM a.revision)""").df()
    # the force's total carries its districts' flags, as it does inside the office: it adds up a figure in doubt; the
    # force's percentage is no total (it is rebuilt from every district's parts), so a flag on a district's
    # percentage is said on it as one on a figure it is worked out from
    cat = catalogue()
    parts = {m.id: (m.numerator, m.denominator) for m in cat.measures if m.kind == "percentage"}
    flagged = rows[rows["rule_id"] == "__flag__"]
    rows = pd.concat([rows, flagged.assign(area=force().force_short_name, rule_id=[
        "__flag_in_parts__" if m in parts else "__flag_in_total__" for m in flagged["measure"]])], ignore_index=True)
    # and a percentage carries the flags on the counts it is worked out from, as its figures do inside the office
    on_parts = rows[rows["rule_id"].isin(["__flag__", "__flag_in_total__"])]
    own = {(m, a, p) for m, a, p, r in zip(rows["measure"], rows["area"], rows["period"], rows["rule_id"], strict=True)
           if r == "__flag__"}
    built = pd.concat([on_parts.iloc[:0], *(on_parts[on_parts["measure"].isin(pair)].assign(
        measure=pct, rule_id="__flag_in_parts__") for pct, pair in parts.items())], ignore_index=True)
    said = pd.Series([(m, a, p) in own for m, a, p in zip(built["measure"], built["area"], built["period"],
                                                          strict=True)], index=built.index, dtype=bool)
    rows = pd.concat([rows, built[~said].drop_duplicates(["measure", "area", "period"])], ignore_index=True)
    on_shown = pd.Series([(m, a, p) in shown for m, a, p in zip(rows["measure"], rows["area"], rows["period"],
                                                                 strict=True)], index=rows.index, dtype=bool)
    rows = rows[on_shown & rows["rule_id"].map(lambda r: r in FLAG_RULES or r in PUBLIC_CAVEATS).astype(bool)]
    if rows.empty:
        return pd.DataFrame(columns=out_cols)
    # when each shown month figure was loaded, as approved; and the months each district's measure has figures for
    district = district_now("district")
    loads = {(m, d, p): t for m, d, p, t in con.execute(
        f"SELECT measure, {district}, strftime(period, '%Y-%m'), loaded_at FROM approved_figure").fetchall()}
    had: dict[tuple[str, str], list[str]] = {}
    for m, d, p in con.execute(f"SELECT DISTINCT measure, {district}, strftime(period, '%Y-%m') FROM figure_revision "
                               "ORDER BY 3").fetchall():
        had.setdefault((m, d), []).append(p)
    checks = rule_checks()
    hidden_before = hidden_before or set()

    def compared(rule: str, measure: str, area: str, period: str) -> list[tuple[str, str, str]] | None:
        """The figures the rule compared this one with; None when that cannot be told."""
        check, rule_measure, against = checks.get(rule, (None, None, None))
        if check == "change":
            earlier = [p for p in had.get((measure, area), []) if p < period]
            return [(measure, area, earlier[-1])] if earlier else []
        if check == "same_month_last_year":
            return [(measure, area, _month_shift(period, -12))]
        if check == "ratio" and measure in (rule_measure, against):
            return [(against if measure == rule_measure else rule_measure, area, period)]
        if rule == PERCENTAGE_RULE and measure in parts:
            return [(part, area, period) for part in parts[measure]]
        return None

    keep = []
    for r in rows.itertuples():
        key = (r.measure, r.area, r.period)
        if r.rule_id in (*FLAG_RULES, *VALUE_FREE_RULES):
            keep.append(True)
        elif r.rule_id in UNPUBLISHED_COMPARISON_RULES:
            keep.append(False)
        elif r.rule_id == REVISION_RULE:
            keep.append(key not in hidden_before)
        else:
            others = compared(r.rule_id, *key)
            if others is None:  # a rule whose comparison is not known: nothing near it in its row may be hidden
                others = [(r.measure, r.area, p) for p in had.get((r.measure, r.area), [])
                          if _month_shift(r.period, -12) <= p <= _month_shift(r.period, 12)]
            together = [key, *others]
            keep.append(all(k in shown for k in together)
                        and all(loads.get(k) is not None and loads[k] <= r.created_at for k in together))
    rows = rows[pd.Series(keep, index=rows.index, dtype=bool)]
    rows = rows.assign(text=rows["rule_id"].map(lambda r: FLAG_RULES.get(r) or PUBLIC_CAVEATS.get(r)))
    return (rows.dropna(subset=["text"])[out_cols].drop_duplicates()
            .sort_values(out_cols).reset_index(drop=True))


# What each snapshot file gave `hidden_before` and `earlier_public`, by file and its size and time: a snapshot is
# written once, so a preview reads only the snapshots it has not read before, however many months were published.
_PER_SNAPSHOT: dict[tuple[str, str, int, int], object] = {}


def _per_snapshot(kind: str, path: Path, read):
    """`read(path)`, kept for the file as it stands (a file replaced under the same name is read again)."""
    stat = path.stat()
    key = (kind, str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _PER_SNAPSHOT:
        _PER_SNAPSHOT[key] = read(path)
    return _PER_SNAPSHOT[key]


_FIGURE_COLUMNS = ["measure", "area", "period", "period_type", "value", "suppressed"]


def _read_snapshot(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A snapshot's published cells (measure, area, period, period_type, value, suppressed) and its breakdowns' table
    (empty in an older snapshot that has none), read through one connection: all that disclosure control takes from
    an earlier snapshot, which opening the file once for each use made cost the most of a preview after years of
    monthly publications."""
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
    try:
        cells = con.execute(f"SELECT {', '.join(_FIGURE_COLUMNS)} FROM figure").df()
        found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'breakdown'"
                            ).fetchall()[0][0]
        parts = con.execute('SELECT * FROM "breakdown"').df() if found else pd.DataFrame()
    finally:
        con.close()
    return cells, parts


def _snapshot_read(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`_read_snapshot`, once per file as it stands."""
    return _per_snapshot("read", path, _read_snapshot)


def _is(column: pd.Series, value: bool) -> pd.Series:
    """Where a boolean column is `value` (as SQL's WHERE reads it: a NULL is neither)."""
    return column.map(lambda v: v is not None and v is not pd.NA and v == v and bool(v) is value).astype(bool)


def _hidden_in(path: Path) -> frozenset[tuple[str, str, str]]:
    cells = _snapshot_read(path)[0]
    hidden = cells[(cells["period_type"] == "month") & _is(cells["suppressed"], True)]
    return frozenset(hidden[["measure", "area", "period"]].itertuples(index=False, name=None))


def hidden_before(folder: Path) -> set[tuple[str, str, str]]:
    """The month figures (measure, area, period) any snapshot in the folder hid."""
    out: set[tuple[str, str, str]] = set()
    for path in sorted(folder.glob("snapshot-*.duckdb")):
        out |= _per_snapshot("hidden", path, _hidden_in)
    keys = _areas_now(pd.DataFrame(sorted(out), columns=["measure", "area", "period"]))
    return set(keys.itertuples(index=False, name=None))


def _shown_in(path: Path) -> list[pd.DataFrame]:
    cells, parts = _snapshot_read(path)
    frames = [cells[_is(cells["suppressed"], False) & cells["value"].notna()][
        ["measure", "area", "period", "period_type", "value"]].reset_index(drop=True)]
    # a breakdown's categories, as the cells disclosure control knows them (an older snapshot has none)
    if not parts.empty:
        parts = parts[~parts["suppressed"].astype(bool) & parts["value"].notna()
                      & (parts["category"] != "share_recorded")]
        frames.append(parts.assign(measure=parts["measure"] + "|" + parts["dimension"] + "|" + parts["category"])[
            ["measure", "area", "period", "period_type", "value"]])
    return frames


def earlier_public(folder: Path) -> pd.DataFrame:
    """Every figure any snapshot in the folder showed (measure, area, period, period_type, value): each stays
    public once published, withdrawn or not, so each is something a reader of the next one can use."""
    frames = []
    for path in sorted(folder.glob("snapshot-*.duckdb")):
        frames += _per_snapshot("shown", path, _shown_in)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["measure", "area", "period", "period_type", "value"])
    out = _areas_now(pd.concat(frames, ignore_index=True))
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out.drop_duplicates(ignore_index=True)


def _all_cells_in(path: Path) -> pd.DataFrame:
    return _snapshot_read(path)[0]


def _breakdown_cells_in(path: Path) -> pd.DataFrame:
    cols = ["measure", "dimension", "category", "area", "period", "shown", "suppressed"]
    parts = _snapshot_read(path)[1]
    if parts.empty:
        return pd.DataFrame(columns=cols)
    parts = parts[parts["category"] != "share_recorded"]
    return parts.assign(shown=pd.to_numeric(parts["value"], errors="coerce"),
                        suppressed=parts["suppressed"].astype(bool))[cols].reset_index(drop=True)


class EarlierSnapshots(list):
    """What `earlier_snapshots` gives: the list, with the text `protected_tables` makes its key of worked out once
    however many builds of one publication ask with it (its frames are read, never changed)."""

    @functools.cached_property
    def text(self) -> bytes:
        return b"".join(frame.to_csv(index=False).encode("utf-8") for pair in self for frame in pair)


# Each snapshot's month figures as it was made from them (`earlier_snapshots`): the latest revision of each figure of
# its months loaded by each month's approval in force when it was made. One query for every snapshot in the folder.
_FIGURES_AS_MADE = f"""
    SELECT a.version, strftime(r.period, '%Y-%m') AS period, r.district, r.measure, r.value
    FROM figure_revision r
    JOIN ({APPROVALS_AT_EACH_MADE}) a ON a.period = r.period AND r.loaded_at <= a.approved_at
    QUALIFY r.revision = max(r.revision) OVER (PARTITION BY a.version, r.period, r.district, r.measure)
    ORDER BY ALL"""


def earlier_snapshots(con: duckdb.DuckDBPyConnection, folder: Path) -> EarlierSnapshots:
    """Every snapshot in the folder this warehouse published (withdrawn ones too: each stays public once out), as
    (the month figures it was made from: period, district, measure, value; its cells as published: measure, area,
    period, period_type, value, suppressed; its breakdowns' categories: measure, dimension, category, area, period,
    value as it was made from them, shown (the value published, NaN when hidden), suppressed). Each month's figures
    are those of its latest approval before the snapshot was written, as the snapshot was made from them: read for
    every snapshot at once, however many months have been published."""
    made_at = {(version, name): at for version, name, at in con.execute(
        "SELECT version, file_name, created_at FROM snapshot").fetchall()}
    found = []
    for path in sorted(folder.glob("snapshot-*.duckdb")):
        version = _version_of(path)
        if (version, path.name) not in made_at:
            continue
        cells = _areas_now(_per_snapshot("cells", path, _all_cells_in))
        found.append((path, version, cells, sorted(set(cells.loc[cells["period_type"] == "month", "period"]
                                                        .astype(str)))))
    if not found:
        return EarlierSnapshots([])
    every = con.execute(_FIGURES_AS_MADE, {"versions": [v for _, v, _, _ in found],
                                           "months": [months for *_, months in found]}).df()
    by_version = dict(iter(every.groupby("version", sort=False)))
    parts_of = {version: _areas_now(_per_snapshot("breakdown_cells", path, _breakdown_cells_in))
                for path, version, _, _ in found}
    made_from = published_breakdowns.breakdowns_as_made(
        con, {version: months for _, version, _, months in found if not parts_of[version].empty})
    out = []
    for _, version, cells, _ in found:
        figures = by_version.get(version, every.iloc[0:0])
        figures = figures.drop(columns="version").reset_index(drop=True)
        parts = parts_of[version]
        if not parts.empty:
            parts = parts.merge(made_from[version], on=["measure", "dimension", "category", "period"], how="left")
        else:
            parts = parts.assign(value=pd.Series(dtype="float64"))
        out.append((_districts_as_named(figures), cells, parts))
    return EarlierSnapshots(out)


def _earlier_relations(snapshots: list[tuple[pd.DataFrame, ...]], truth: dict, earlier: pd.DataFrame,
                       cat, f) -> list[tuple[object, tuple[object, ...]]]:
    """The relations earlier snapshots let a reader write that the tables suppressed now do not hold: each of an
    earlier snapshot's relations (force = districts; a quarter, a year, a 12 months = its months; a measure's year =
    its breakdown's categories; a part at most its whole, as whole = part + a rest never published) that holds a
    figure revised since, or a period no longer published, with its terms as
    the reader has them: a cell of now where its value is unchanged, a known `EarlierCell` where it was shown, an
    unknown one where it was hidden."""
    shown_before = {(r.measure, r.area, r.period, float(r.value)) for r in earlier.itertuples()
                    if pd.notna(pd.to_numeric(r.value, errors="coerce"))}
    out: list[tuple[object, tuple[object, ...]]] = []
    seen: set[tuple] = set()
    counts = {m.id for m in cat.measures if m.source == "force_return" and m.kind != "percentage"}
    for figures, cells, *rest in snapshots:
        parts = rest[0] if rest else pd.DataFrame(columns=["measure", "dimension", "category", "area", "period",
                                                           "value", "shown", "suppressed"])
        part_keys = {(breakdown_key(r.measure, r.dimension, r.category), r.area, r.period): r
                     for r in parts.itertuples()}
        # by columns, not rows, and by sets: every earlier snapshot's every cell passes here at each build of each
        # publication, and most snapshots hold nothing the tables do not
        keys = list(zip(cells["measure"].tolist(), cells["area"].tolist(), cells["period"].tolist(), strict=True))
        if truth.keys() >= {k for k in keys if k[0] in counts} and all(
                truth.get((m, d, p)) == round(v) for p, d, m, v in zip(
                    figures["period"].tolist(), figures["district"].tolist(), figures["measure"].tolist(),
                    figures["value"].tolist(), strict=True) if m in counts) and all(
                pd.notna(r.value) and truth.get(k) == round(r.value) for k, r in part_keys.items()):
            continue  # every figure as it is now, every period published now: nothing the tables do not hold
        flags = dict(zip(keys, zip(cells["suppressed"].astype(bool).tolist(), cells["value"].tolist(), strict=True),
                         strict=True))
        found: list[tuple[object, tuple[object, ...]]] = []
        consistent = True
        built = {}
        windows_of: dict[str, set[str]] = {}  # measure -> the months its published 12 months end with
        for mid, _a, p in flags:
            if str(p).startswith(ROLLING_PREFIX):
                windows_of.setdefault(mid, set()).add(str(p)[len(ROLLING_PREFIX):])
        for m, monthly in _count_months(figures, cat):
            windows = windows_of.get(m.id, set())
            try:
                table = build_table(monthly, m.kind, list(f.districts), f.force_short_name, rolling=bool(windows),
                                    windows_to=windows)
            except ValueError:
                consistent = False
                break

            def term(a: str, p: str, mid: str = m.id, table=table, flags=flags):
                key, value = (mid, a, p), table.values[(a, p)]
                if truth.get(key) == value:
                    return key
                hidden, shown = flags[key]
                if not hidden or (mid, a, p, float(value)) in shown_before:
                    return EarlierCell((mid, a, p, value), value, True)
                return EarlierCell((mid, a, p, value), value, False)
            if any(k not in flags for k in ((m.id, a, p) for a, p in table.cells)) or any(
                    not flags[(m.id, a, p)][0] and float(flags[(m.id, a, p)][1]) != table.values[(a, p)]
                    for a, p in table.cells):
                consistent = False  # the warehouse's record does not give back what was published: not used
                break
            built[m.id] = (table, term)
            for r in table.relations:
                terms = (term(*r.total), *(term(*p) for p in r.parts))
                if all(isinstance(t, tuple) for t in terms):
                    continue  # every figure as it is now: a relation of the tables suppressed now
                if terms not in seen:
                    seen.add(terms)
                    found.append((terms[0], terms[1:]))
        # a measure that is part of another (grooming arrests within CSE arrests) at most it, as the snapshot had them
        for m in cat.measures:
            if not consistent or m.id not in built or m.part_of not in built:
                continue
            (part_table, part_term), (whole_table, whole_term) = built[m.id], built[m.part_of]
            for a, p in part_table.cells:
                if (a, p) not in whole_table.values:
                    continue
                terms = (whole_term(a, p), part_term(a, p))
                if all(isinstance(t, tuple) for t in terms) or all(
                        not isinstance(t, tuple) and t.known for t in terms):
                    continue  # held by the tables suppressed now, or by figures all public
                rest = whole_table.values[(a, p)] - part_table.values[(a, p)]
                if rest < 0:
                    consistent = False  # the warehouse's record does not give back what was published: not used
                    break
                terms += (EarlierCell((f"rest of {m.part_of}", a, p, rest, len(seen)), rest, False, rest=True),)
                if ("part of", *terms[:2]) not in seen:
                    seen.add(("part of", *terms[:2]))
                    found.append((terms[0], terms[1:]))
        # a measure's year is the sum of its breakdown's categories, as the snapshot published them
        for (measure, _dimension, area, period), group in (parts.groupby(["measure", "dimension", "area", "period"])
                                                          if consistent and not parts.empty else ()):
            if measure not in built or (area, period) not in built[measure][0].values:
                continue
            table, whole_term = built[measure]
            if group["value"].isna().any() or int(group["value"].sum()) != table.values[(area, period)] or any(
                    not bool(r.suppressed) and float(r.shown) != float(r.value) for r in group.itertuples()):
                consistent = False  # the warehouse's record does not give back what was published: not used
                break
            terms = [whole_term(area, period)]
            for r in group.itertuples():
                key, value = (breakdown_key(r.measure, r.dimension, r.category), area, period), int(r.value)
                if truth.get(key) == value:
                    terms.append(key)
                else:
                    terms.append(EarlierCell((*key, value), value, not bool(r.suppressed)
                                             or (*key, float(value)) in shown_before))
            terms = tuple(terms)
            if not all(isinstance(t, tuple) for t in terms) and terms not in seen:
                seen.add(terms)
                found.append((terms[0], terms[1:]))
        if consistent:
            out += found
        else:
            log.warning("an earlier snapshot's figures could not be rebuilt from the warehouse; its relations are "
                        "left out of disclosure control")
    return out


BREAKDOWN_COLUMNS = ["measure", "dimension", "category", "label", "area", "period", "period_type", "value",
                     "display", "suppressed"]
# a hidden count with its true value; a breakdown's category with its dimension, category and label (else empty)
HIDDEN_COLUMNS = ["measure", "area", "period", "period_type", "value", "dimension", "category", "label"]


@dataclass
class Protected:
    """What disclosure control makes of the approved figures: every cell as published, and the audit of it."""

    cells: pd.DataFrame
    audit: lp_audit.AuditResult | None
    breakdowns: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*BREAKDOWN_COLUMNS, "reason"]))
    # every count it hides, with its true value (for the office only, never published): what a text published with
    # it must not quote (`release.quoted_hidden_figures`)
    hidden: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=HIDDEN_COLUMNS))


def protected_tables(figures: pd.DataFrame, earlier: pd.DataFrame | None = None,
                     breakdowns: pd.DataFrame | None = None,
                     snapshots: list[tuple[pd.DataFrame, ...]] | None = None, *,
                     suppress_zero: bool | None = None, kept: Path | None = None) -> Protected:
    """Every published cell of every measure after disclosure control, audited.

    Months, financial quarters, financial years and the 12 months to the latest month (with every 12 months
    an earlier snapshot published, so their figures stay consistent) of every count are protected together
    as one system: force = districts, periods = their months, and a measure that is part of another (grooming
    arrests within CSE arrests) at most the other. What earlier snapshots showed that is still true is
    known to the reader, and so is every relation an earlier snapshot holds (`snapshots`, from `earlier_snapshots`):
    a month total shown before one of its figures was revised still ties the others, as they were and are, together,
    and so does a year's breakdown shown before one of its categories was corrected.
    Percentages are hidden where a count they are built from is. The audit then works
    out, independently, every hidden cell's range from everything public. `suppress_zero` stands in for the setting
    (what hiding zeros too would make of the figures). `kept`: the folder beside the warehouse where an answer is
    kept for the next command that checks a text (`kept_protections`), read and written; a publication gives none,
    and never takes up an answer read from it.
    """
    cat, f = catalogue(), force()
    threshold = settings.get_int("suppression_threshold")
    if suppress_zero is None:
        suppress_zero = _zeros_hidden()
    marker = settings.get("suppression_marker")
    protection = max(1, settings.get_int("disclosure_protection"))
    earlier = earlier if earlier is not None else pd.DataFrame(
        columns=["measure", "area", "period", "period_type", "value"])
    # the preview and the publication that follows it in one process ask the same question: answered once
    digest = hashlib.sha256(repr((threshold, suppress_zero, marker, protection, f.force_short_name, f.districts,
                                  [(m.id, m.kind, m.source, m.part_of, m.numerator, m.denominator)
                                   for m in cat.measures])).encode("utf-8"))
    breakdowns = breakdowns if breakdowns is not None else pd.DataFrame(columns=published_breakdowns.COLUMNS)
    digest.update(repr(dimensions()).encode("utf-8"))
    snapshots = snapshots if isinstance(snapshots, EarlierSnapshots) else EarlierSnapshots(snapshots or [])
    for frame in (figures, earlier, breakdowns):
        digest.update(frame.to_csv(index=False).encode("utf-8"))
    digest.update(snapshots.text)
    key = digest.hexdigest()
    if key in _PROTECTED:
        cells, result, parts, hidden = _PROTECTED[key]
        return Protected(cells.copy(), result, parts.copy(), hidden.copy())
    # an answer read from beside the warehouse is not kept in memory, where a publication would take it up
    if kept is not None and (found := _kept_answer(kept, key)) is not None:
        return Protected(*found)
    done = _protect(figures, earlier, cat, f, threshold, suppress_zero, marker, protection, breakdowns, snapshots)
    if kept is not None:
        _keep_answer(kept, key, (done.cells, done.audit, done.breakdowns, done.hidden))
    # four answers kept: those the publication after a preview needs (with the months the disclosure check holds
    # back, the preview asks with them, as if nothing were published before, without them, and with zeros hidden)
    while len(_PROTECTED) >= 4:
        _PROTECTED.pop(next(iter(_PROTECTED)))
    _PROTECTED[key] = (done.cells.copy(), done.audit, done.breakdowns.copy(), done.hidden.copy())
    return done


_PROTECTED: dict[str, tuple[pd.DataFrame, lp_audit.AuditResult | None, pd.DataFrame, pd.DataFrame]] = {}
# answers of `protected_tables` kept beside the warehouse, the newest first
_KEPT_ANSWERS = 8


def kept_protections(db: Path) -> Path:
    """The folder beside the warehouse at `db` (WAREHOUSE.protections) where the disclosure control of the next
    publication is kept for the next command that checks a text against it (`figures_a_text_may_not_quote`): each
    answer by everything it is worked out from, so one is read only for the same figures, earlier snapshots,
    settings, reference files and code. Deleting it loses nothing but time."""
    return db.with_name(f"{db.stem}.protections")


@functools.cache
def _code_stamp() -> str:
    """What an answer of `protected_tables` depends on beyond its arguments and settings: pccdash's code and the
    libraries it works the protection out with. A kept answer is never read by another version of either."""
    import numpy
    import scipy

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(repr((sys.version, pd.__version__, numpy.__version__, scipy.__version__,
                                  duckdb.__version__)).encode("utf-8"))
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _kept_file(kept: Path, key: str) -> Path:
    return kept / f"{hashlib.sha256(f'{key} {_code_stamp()}'.encode()).hexdigest()}.pickle"


def _kept_answer(kept: Path, key: str) -> tuple | None:
    """The answer kept for `key` in `kept`, or None when there is none that can be read (it is worked out again)."""
    try:
        with _kept_file(kept, key).open("rb") as file:
            found = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return found if isinstance(found, tuple) and len(found) == 4 else None


def _keep_answer(kept: Path, key: str, answer: tuple) -> None:
    """Keep `answer` for `key` in `kept`, written whole or not at all, with the newest few others; a folder that
    cannot be written to (a warehouse read from a copy) keeps nothing, and the next command works it out again.
    Written only by pccdash, beside the warehouse and as private as it (the true values of hidden counts)."""
    part = None
    try:
        kept.mkdir(mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=kept, prefix=".", suffix=".part", delete=False) as file:
            part = Path(file.name)
            pickle.dump(answer, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, _kept_file(kept, key))
        part = None
        answers = sorted(kept.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in answers[_KEPT_ANSWERS:]:
            old.unlink(missing_ok=True)
    except OSError as e:
        log.info("the next publication's disclosure control could not be kept beside the warehouse: %s", e)
    finally:
        if part is not None:
            part.unlink(missing_ok=True)


def _zeros_hidden() -> bool:
    """Whether the office hides zeros as it hides small counts (the "suppress zero" setting)."""
    return settings.get_flag("suppress_zero")


def _count_months(figures: pd.DataFrame, cat):
    """Each count measure of the force's returns that `figures` (period, district, measure, value) holds, with its
    month figures (period, district, value) as whole numbers: what its table of published cells is built from."""
    for m in cat.measures:
        if m.source != "force_return" or m.kind == "percentage":
            continue
        monthly = figures[figures["measure"] == m.id][["period", "district", "value"]]
        if not monthly.empty:
            yield m, monthly.assign(value=monthly["value"].round().astype(int))


def _protect(figures: pd.DataFrame, earlier: pd.DataFrame, cat, f, threshold: int, suppress_zero: bool, marker: str,
             protection: int, breakdowns: pd.DataFrame,
             snapshots: list[tuple[pd.DataFrame, ...]] = ()) -> Protected:
    earlier_windows = {p[len(ROLLING_PREFIX):] for p in earlier.loc[
        earlier["period_type"] == "rolling_12_months", "period"]}
    tables, kinds, part_of = {}, {m.id: m.kind for m in cat.measures}, {}
    for m, monthly in _count_months(figures, cat):
        latest = max(monthly["period"])
        tables[m.id] = build_table(monthly, m.kind, list(f.districts), f.force_short_name, rolling=True,
                                   windows_to={latest, *earlier_windows})
        if m.part_of:
            part_of[m.id] = m.part_of
    part_of = {k: v for k, v in part_of.items() if v in tables}
    parts = _breakdown_tables(breakdowns, tables, f.force_short_name)
    tables.update(parts.tables)
    kinds.update(dict.fromkeys(parts.tables, "flow"))
    truth = {(mid, a, p): v for mid, t in tables.items() for (a, p), v in t.values.items()}
    was = {(r.measure, r.area, r.period): r.value for r in earlier.itertuples()}
    known = [k for k, v in was.items() if k in truth and v == truth[k]]
    before = _earlier_relations(list(snapshots), truth, earlier, cat, f)
    dset = DisclosureSettings(threshold=threshold, suppress_zero=suppress_zero, marker=marker)
    frames, counts = [], {}
    if tables:
        done = suppress_system(tables, dset, part_of=part_of, known=known, protection=protection, linear=True,
                               sums=parts.sums, keep=parts.keep, earlier=before)
        for mid, table in done.items():
            frame = table.to_frame()
            frame.insert(0, "measure", mid)
            counts[mid] = frame
            if mid not in parts.tables:
                frames.append(frame)
    percentages = {}
    for m in cat.measures:
        if m.kind != "percentage" or m.numerator not in counts or m.denominator not in counts:
            continue
        percentages[m.id] = (m.numerator, m.denominator)
        num, den = counts[m.numerator], counts[m.denominator]
        both = num.merge(den, on=["area", "period", "period_type"], suffixes=("_n", "_d"))
        pct = pd.DataFrame({
            "measure": m.id, "area": both["area"], "period": both["period"], "period_type": both["period_type"]})
        hidden = both["suppressed_n"] | both["suppressed_d"] | (both["value_d"].fillna(0) == 0)
        pct["value"] = (100 * both["value_n"] / both["value_d"]).round(1).where(~hidden)
        pct["suppressed"] = hidden
        pct["display"] = pct["value"].map(lambda v: f"{v:.1f}%" if v == v and v is not None else "")
        pct.loc[hidden, "display"] = marker
        pct["reason"] = hidden.map(lambda h: "built on a suppressed count" if h else "")
        frames.append(pct)
    cells = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if cells.empty:
        return Protected(cells, None)
    shares = _shares(parts, counts, f.force_short_name, marker)
    audited = pd.concat([cells, *(counts[k] for k in parts.tables), *shares.values()], ignore_index=True)
    how = {"part_of": part_of, "percentages": percentages, "truth": truth, "earlier": earlier,
           "low": 0 if suppress_zero else 1, "protection": protection, "sums": parts.whole,
           "completeness": parts.completeness, "relations": before}
    result = lp_audit.audit(audited, kinds, f.districts, f.force_short_name, **how)
    result = lp_audit.before_this(result, audited, kinds, f.districts, f.force_short_name, **how)
    return Protected(cells, result, _breakdown_cells(parts, counts, shares), _hidden_values(counts, parts, truth))


def _hidden_values(counts: dict, parts: _Parts, truth: dict) -> pd.DataFrame:
    """Every count hidden (months, quarters, years, 12 months, a breakdown's categories), with its true value."""
    rows = []
    for mid, frame in counts.items():
        measure, dimension, category, label = parts.labels.get(mid, (mid, "", "", ""))
        for r in frame[frame["suppressed"].astype(bool)].itertuples():
            value = truth.get((mid, r.area, r.period))
            if value is not None:
                rows.append((measure, r.area, r.period, r.period_type, int(value), dimension, category, label))
    return pd.DataFrame(rows, columns=HIDDEN_COLUMNS)


@dataclass
class _Parts:
    """The published breakdowns as disclosure control sees them: a force-by-year table per category, each year's
    measure figure the sum of its categories, the not-recorded cells never chosen as company."""

    tables: dict = field(default_factory=dict)   # category key -> Table
    sums: list = field(default_factory=list)     # ((measure, force, year), ((category key, force, year), ...))
    keep: list = field(default_factory=list)     # not-recorded cells
    whole: dict = field(default_factory=dict)    # measure -> its category keys (for the audit)
    completeness: dict = field(default_factory=dict)  # share key -> (measure, not-recorded keys)
    labels: dict = field(default_factory=dict)   # category key -> (measure, dimension, category, label)


def _breakdown_tables(breakdowns: pd.DataFrame, tables: dict, force_name: str) -> _Parts:
    out = _Parts()
    for pb in published_breakdowns.published():
        rows = breakdowns[(breakdowns["measure"] == pb.measure) & (breakdowns["dimension"] == pb.dimension)]
        if rows.empty or pb.measure not in tables or pb.measure in out.whole:
            continue
        table = tables[pb.measure]
        cats = published_breakdowns.categories(pb)
        by = {(r.period, r.category): int(r.value) for r in rows.itertuples()}
        # a year the measure publishes, whose categories add up to its figure for the year
        years = [fy for fy in sorted(set(rows["period"])) if table.period_types.get(fy) == "financial_year"
                 and sum(by.get((fy, c.id), 0) for c in cats) == table.values.get((force_name, fy))]
        if not years:
            continue
        keys = []
        for c in cats:
            k = published_breakdowns.key_of(pb.measure, pb.dimension, c.id)
            out.tables[k] = force_year_table({fy: by.get((fy, c.id), 0) for fy in years}, force_name)
            out.labels[k] = (pb.measure, pb.dimension, c.id, c.label)
            keys.append(k)
            if not c.recorded:
                out.keep += [(k, force_name, fy) for fy in years]
        out.sums += [((pb.measure, force_name, fy), tuple((k, force_name, fy) for k in keys)) for fy in years]
        out.whole[pb.measure] = keys
        share = published_breakdowns.share_key(pb.measure, pb.dimension)
        out.completeness[share] = (pb.measure, [k for k, c in zip(keys, cats, strict=True) if not c.recorded])
        out.labels[share] = (pb.measure, pb.dimension, "share_recorded", "Share recorded")
    return out


def _shares(parts: _Parts, counts: dict, force_name: str, marker: str) -> dict[str, pd.DataFrame]:
    """The share recorded of each published breakdown (per cent of all), hidden where the measure's figure or any
    not-recorded count is."""
    out = {}
    for share, (measure, unrecorded) in parts.completeness.items():
        whole = counts[measure]
        whole = whole[(whole["area"] == force_name) & (whole["period_type"] == "financial_year")]
        years = set(parts.tables[unrecorded[0]].periods) if unrecorded else set()
        rows = []
        for r in whole[whole["period"].isin(years)].itertuples():
            cells = [counts[k][counts[k]["period"] == r.period].iloc[0] for k in unrecorded]
            hidden = bool(r.suppressed) or any(bool(c["suppressed"]) for c in cells) or not r.value
            value = None if hidden else round(100 * (r.value - sum(c["value"] for c in cells)) / r.value, 1)
            rows.append({"measure": share, "area": force_name, "period": r.period, "period_type": "financial_year",
                         "value": value, "display": marker if hidden else f"{value:.1f}%", "suppressed": hidden,
                         "reason": "built on a suppressed count" if hidden else ""})
        out[share] = pd.DataFrame(rows, columns=["measure", "area", "period", "period_type", "value", "display",
                                                 "suppressed", "reason"])
    return out


def _breakdown_cells(parts: _Parts, counts: dict, shares: dict) -> pd.DataFrame:
    frames = []
    for key, (measure, dimension, category, label) in parts.labels.items():
        frame = shares[key] if category == "share_recorded" else counts[key]
        frames.append(frame.drop(columns=["measure"]).assign(measure=measure, dimension=dimension, category=category,
                                                              label=label))
    if not frames:
        return pd.DataFrame(columns=[*BREAKDOWN_COLUMNS, "reason"])
    return pd.concat(frames, ignore_index=True)[[*BREAKDOWN_COLUMNS, "reason"]]


def audit_table(result: lp_audit.AuditResult | None) -> pd.DataFrame:
    """The audit as a snapshot keeps it: for each measure and kind of period, how many figures are hidden and
    the narrowest range any of them could take given everything public (no cell's own range)."""
    cols = ["measure", "period_type", "hidden", "narrowest_range", "passed"]
    if result is None or result.cells.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "narrowest_range" else (
            "int64" if c == "hidden" else "bool" if c == "passed" else "object")) for c in cols})
    grouped = result.cells.groupby(["measure", "period_type"], sort=True)
    return pd.DataFrame({"hidden": grouped.size(), "narrowest_range": grouped["width"].min(),
                         "passed": grouped["passed"].all()}).reset_index()[cols]


def _next_version(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """One more than any version in the folder or in the warehouse's record, so that publishing into a
    new or older folder never reuses a number the warehouse already holds."""
    return max(latest_held(con, folder)) + 1


def latest_held(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[int, int]:
    """The highest snapshot number the published folder holds (withdrawn or not: each was public while it stood)
    and the highest the warehouse records publishing, 0 for none."""
    found = [int(m.group(1)) for p in Path(folder).glob("snapshot-*.duckdb")
             if (m := re.fullmatch(r"snapshot-(\d+)\.duckdb", p.name))]
    recorded = con.execute("SELECT coalesce(max(version), 0) FROM snapshot").fetchall()[0][0]
    return max(found, default=0), int(recorded)


def _withdrawn_since(con: duckdb.DuckDBPyConnection, previous: Path | None, folder: Path) -> pd.DataFrame:
    """The cells of the publications withdrawn since the one the public reads now (`previous`) was made, each as the
    latest of them showed it (measure, area, period, period_type, display, suppressed): a figure they showed that the
    public does not read now was still read, and quoted, while they stood."""
    columns = [*CELL_KEYS, "display", "suppressed"]
    withdrawn = con.execute(
        """SELECT s.version, s.file_name FROM snapshot s JOIN snapshot_withdrawal w ON w.version = s.version
           WHERE s.version > ? ORDER BY s.version""", [_version_of(previous) or 0]).fetchall()
    frames = [_areas_now(public_read(f"SELECT {', '.join(columns)} FROM figure", snapshot=folder / name))
              for _, name in withdrawn if (folder / name).is_file()]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True).drop_duplicates(CELL_KEYS, keep="last")
    out["display"] = out["display"].astype(str)
    return out


def _with_revision_notes(caveats: pd.DataFrame, cells: pd.DataFrame, previous: Path | None,
                         withdrawn: pd.DataFrame | None = None) -> pd.DataFrame:
    """The caveats, with "This figure revises one published earlier" on every month figure shown whose value as
    shown now is one a publication revised it to: the force's total, or a percentage, that moved with a district's
    corrected figure, as well as the district's figure (whose caveat the load's check made). The public's table of
    revisions lists them all; the note beside each figure says so where the figure is read."""
    if (previous is None and (withdrawn is None or withdrawn.empty)) or cells.empty:
        return caveats
    revisions = _revisions(previous, cells, utc_now(), 2**31 - 1, withdrawn)  # those published before, this one's
    months = revisions[revisions["period_type"] == "month"].sort_values("version", kind="stable")
    latest = months.drop_duplicates(["measure", "area", "period"], keep="last")
    shown = cells[(cells["period_type"] == "month") & ~cells["suppressed"].astype(bool)]
    now = latest.merge(shown, on=["measure", "area", "period", "period_type"])
    now = now[now["new_display"].astype(str) == now["display"].astype(str)]
    text = PUBLIC_CAVEATS["published_month_changed"]
    notes = pd.DataFrame({"measure": now["measure"], "area": now["area"], "period": now["period"], "text": text})
    if notes.empty:
        return caveats
    return pd.concat([caveats, notes], ignore_index=True).drop_duplicates(
        ["measure", "area", "period", "text"], ignore_index=True)


def _revisions(previous: Path | None, cells: pd.DataFrame, now: dt.datetime, version: int,
               withdrawn: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cells whose shown value differs from the snapshot before, with both shown values; and, of those the snapshot
    before does not hold, those whose shown value differs from a publication withdrawn since (`_withdrawn_since`):
    a month published, withdrawn and published again changed is revised from what the withdrawn one showed."""
    cols = ["measure", "area", "period", "period_type", "previous_display", "new_display", "revised_at", "version"]
    withdrawn = withdrawn if withdrawn is not None else pd.DataFrame(columns=[*CELL_KEYS, "display", "suppressed"])
    if (previous is None and withdrawn.empty) or cells.empty:
        return pd.DataFrame(columns=cols)
    if previous is not None:
        old = _areas_now(public_read("SELECT measure, area, period, period_type, display, suppressed FROM figure",
                                     snapshot=previous))
        old["display"] = old["display"].astype(str)
        kept = public_read("SELECT column_name FROM information_schema.columns WHERE table_name = 'revision' "
                           "AND column_name = 'reason'", snapshot=previous)
        old_revs = _areas_now(public_read(f"SELECT {', '.join(cols)}{', reason' if len(kept) else ''} "
                                          "FROM revision", snapshot=previous))
    else:
        old, old_revs = pd.DataFrame(columns=[*CELL_KEYS, "display", "suppressed"]), pd.DataFrame(columns=cols)
    if not withdrawn.empty:  # what only a withdrawn publication showed stands for what the public read last
        gone = withdrawn.merge(old[CELL_KEYS], on=CELL_KEYS, how="left", indicator=True)
        old = pd.concat([old, gone[gone["_merge"] == "left_only"].drop(columns="_merge")], ignore_index=True)
    both = cells.merge(old, on=["measure", "area", "period", "period_type"], suffixes=("", "_old"))
    # a figure hidden before and shown now is shown for the first time, not a published figure revised
    changed = both[(both["display"] != both["display_old"]) & ~both["suppressed_old"].fillna(False).astype(bool)]
    new = pd.DataFrame({"measure": changed["measure"], "area": changed["area"], "period": changed["period"],
                        "period_type": changed["period_type"], "previous_display": changed["display_old"],
                        "new_display": changed["display"], "revised_at": now, "version": version})
    return pd.concat([old_revs, new], ignore_index=True) if not old_revs.empty else new


@dataclass
class Preview:
    """What a publication would put before the public, after disclosure control, against what it reads now."""

    months: list[str]                 # the months the new snapshot would hold, in time order
    added: list[str]                  # months the public does not see now
    dropped: list[str]                # months the public sees now that the new snapshot would not hold
    cells: pd.DataFrame               # every cell as published: measure, area, period, period_type, value, display,
                                      # suppressed (reason kept here for the office, never published)
    revised: pd.DataFrame             # cells already public whose shown value would change: ..., was, now
    newly_suppressed: pd.DataFrame    # cells that would be hidden and are not hidden now (new cells included), with
                                      # `shown_now`: whether the public reads the cell shown now
    caveats: pd.DataFrame             # the public caveats
    sentences: dict[str, str]         # measure id -> its trend sentence for the force, as the public reads it
    current_version: int | None       # the snapshot the public reads now
    fingerprint: str                  # of the cells, months, caveats and loop items: what the person confirmed
    problem: str | None = None        # why nothing would be published, if nothing would
    board: pd.DataFrame | None = None  # the accountability loop's approved items (the snapshot's board_item)
    approvals: list[Release] = field(default_factory=list)  # the approvals in force `board` is made from
    board_new: int = 0                # of those, items the public does not read now
    board_dropped: int = 0            # items the public reads now whose approval was withdrawn or replaced
    board_changed: int = 0            # items the public reads now that it would read changed (a question put to
                                      # another meeting, an answer replaced): not counted new or dropped
    audit: lp_audit.AuditResult | None = None  # the disclosure audit of `cells`
    breakdowns: pd.DataFrame | None = None  # the published breakdowns' cells (force by financial year), and shares
    # approved months with a blocking flag still open, "YYYY-MM" -> [(flag number, the flag in words)]: those the
    # public does not read are held back (not in the snapshot); those it reads stay as they are
    held: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # approved months the public does not read that the disclosure check holds back, "YYYY-MM" -> why, in words:
    # published now, with what earlier publications show, they would let a hidden figure be worked out. Like `held`,
    # they stay approved and are not in the snapshot.
    withheld: dict[str, str] = field(default_factory=dict)
    # the same months, each with what it would let be worked out, as the publication's record keeps it for the
    # months' status ("a count under 5 be worked out (CSE arrests in Rotherham, April to June 2025)")
    withheld_figures: dict[str, str] = field(default_factory=dict)
    flagged_public: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # cells the public reads hidden now that would be shown: not a revision of a figure it was shown, but a change
    # of what it reads all the same (..., now)
    newly_shown: pd.DataFrame | None = None
    public_info: str = ""             # public_info.yaml, checked, as JSON: what the public pages say beside the figures
    # what public_info.yaml wants doing, though correct (an accessibility statement not reviewed for over a year)
    info_lines: list[str] = field(default_factory=list)
    dimensions: str = ""              # what the pages say of the breakdowns' dimensions (`pages.dimensions_meta`)
    breakdowns_changed: int = 0       # breakdown cells (force by financial year) new, revised or no longer shown
    zeros_hidden: bool = False        # whether its zeros are hidden as small counts are (the setting in force)
    # the percentages it holds, which the public pages give as figures in the tables and never chart, so no
    # sentence is written of them: said in words, "" when it holds none (`uncharted_said`)
    uncharted: str = ""
    # the notes beside figures (an analyst's flag, a data check) the public would read that it does not read now, and
    # those it reads now that the new snapshot would not carry: measure, area, period, text
    caveats_added: pd.DataFrame | None = None
    caveats_removed: pd.DataFrame | None = None
    # every count it hides, with its true value: for the office only, never published (HIDDEN_COLUMNS)
    hidden: pd.DataFrame | None = None
    # an approved item's number equal to a hidden figure's value that its text does not tie to that figure, in words
    # (one the text ties to it refuses the publication: `problem`)
    quoted: list[str] = field(default_factory=list)
    # the approvals of the loop a withdrawal took back (`_releases_taken_back`), left out until approved again: why,
    # and how to approve each again
    left_out: list[str] = field(default_factory=list)
    # the reasons given with the months' approvals for what this publication revises in them ("YYYY-MM" -> reason),
    # published beside each figure revised (the public revisions page)
    reasons: dict[str, str] = field(default_factory=dict)
    # the cells of publications withdrawn since the one the public reads now (`_withdrawn_since`)
    withdrawn: pd.DataFrame | None = None
    # months it holds whose figures changed since their approval ("YYYY-MM" -> what changed): published as approved
    changed: dict[str, str] = field(default_factory=dict)

    @property
    def reason_lines(self) -> list[str]:
        """The reason the public will read beside the figures revised in each month that has one."""
        revised = self.revised if self.revised is not None else pd.DataFrame(columns=["period", "period_type"])
        touched = {m for t, p in zip(revised["period_type"], revised["period"], strict=True) for m in months_in(t, p)}
        return [f'Reason the public reads beside the figures revised in {month_text(m)}: "{why}"'
                for m, why in self.reasons.items() if m in touched]

    @property
    def summary(self) -> list[str]:
        """The preview in a few lines: what the command prints and the page heads its tables with."""
        if self.problem:
            return [self.problem, *self.left_out]
        now = (f"the public now reads snapshot {self.current_version}" if self.current_version
               else "nothing is published yet")
        lines = [f"The new snapshot would hold {counted(len(self.months), 'month')}: {months_phrase(self.months)} "
                 f"({now})."]
        lines.append("Months added: " + (months_phrase(self.added) if self.added else "none") + ".")
        if self.dropped:
            lines.append("Months no longer published: " + months_phrase(self.dropped) + ".")
        lines.append(f"Published figures revised: {len(self.revised)}.")
        if self.newly_shown is not None and len(self.newly_shown):
            lines.append(f"Figures hidden now and shown in the new snapshot: {len(self.newly_shown)}.")
        hidden = self.newly_suppressed
        shown_now = int(hidden["shown_now"].sum()) if "shown_now" in hidden.columns else 0
        # most are a new month's small counts, never shown: said apart from those the public reads now
        lines.append(f"Figures newly hidden to protect privacy: {len(hidden)}"
                     + (f" ({len(hidden) - shown_now} new to the public, {shown_now} shown to it now)" if len(hidden)
                        else "") + ".")
        if self.breakdowns_changed:
            lines.append(f"Breakdown figures (force by financial year) new or changed: {self.breakdowns_changed}.")
        added, removed = (len(f) if f is not None else 0 for f in (self.caveats_added, self.caveats_removed))
        if added or removed:
            lines.append(f"Notes beside figures (a flag, a data check) added: {added}; taken away: {removed}.")
        if self.board is not None and (len(self.board) or self.board_dropped):
            changed = f", {self.board_changed} changed" if self.board_changed else ""
            dropped = f", {self.board_dropped} no longer published" if self.board_dropped else ""
            lines.append(f"Accountability items approved for publication: {len(self.board)} ({self.board_new} new"
                         f"{changed}{dropped}).")
        return (lines + self.left_out + self.reason_lines + self.flag_lines + self.withheld_lines + self.quoted
                + self.exposed_lines + self.info_lines)

    @property
    def changed_lines(self) -> list[str]:
        """The months it publishes as approved whose figures have changed since: the change waits for an approval.
        `pccdash publish` says them; the Approve and publish page says each month's change with its status."""
        if not self.changed:
            return []
        named = "; ".join(f"{month_text(m)} ({why})" for m, why in self.changed.items())
        return [f"Changed since their approval, so published as approved, without the change: {named}. To publish "
                f'the change, approve {"it" if len(self.changed) == 1 else "them"} again first ("pccdash approve '
                f'{" ".join(self.changed)}", or the Approve and publish page).']

    @property
    def withheld_lines(self) -> list[str]:
        """Why the disclosure check holds back each month it holds back."""
        return list(self.withheld.values())

    @property
    def held_back(self) -> list[str]:
        """Every approved month the public does not read that this publication leaves out ("YYYY-MM"), whatever
        holds it back: a blocking flag or the disclosure check."""
        return sorted({*self.held, *self.withheld})

    @property
    def exposed_lines(self) -> list[str]:
        """Hidden figures that earlier publications already give away, which this one does not narrow."""
        exposed = self.audit.exposed_before if self.audit is not None else []
        if not exposed:
            return []
        them = "it" if len(exposed) == 1 else "them"
        return [f"{counted(len(exposed), 'hidden figure')} can already be worked out from earlier publications, "
                f"without this one (for example {exposed[0]}). This publication does not narrow {them}, and "
                f"withholding it would not take {them} back. Tell whoever handles data protection in the office; "
                "the details are in the log."]

    @property
    def flag_lines(self) -> list[str]:
        """What the approved months' open blocking flags do to this publication, month by month."""
        lines = []
        for month, flags in self.held.items():
            lines.append(f"Held back, not published: {month_text(month)}, approved before a flag that blocks it "
                         f"was raised or reopened: {_flags_phrase(flags)}. Once its figures are checked, resolve the "
                         "flag (Flags page, or "
                         f'"pccdash flags resolve {" ".join(str(n) for n, _ in flags)} --note TEXT") and publish '
                         "again; the other approved months are published without it.")
        for month, flags in self.flagged_public.items():
            lines.append(f"{month_text(month)} stays as the public reads it, its flagged figures marked as being "
                         f"checked: {_flags_phrase(flags)}. This publication does not change its figures.")
        return lines


def _reasons_for(con: duckdb.DuckDBPyConnection, previous: Path | None, months: list[str]) -> dict[str, str]:
    """The reasons given with the approvals of `months` since the publication the public reads now was made: what
    this publication revises in a month, it revises for the reason its approval gave."""
    if previous is None:  # nothing published, nothing revised
        return {}
    made = con.execute("SELECT created_at FROM snapshot WHERE version = ?", [_version_of(previous)]).fetchall()
    since = made[0][0] if made else None
    wanted = set(months)
    return {m: why for m, why in approval_reasons(con, since).items() if m in wanted}


def _reasons_quoting(reasons: dict[str, str], hidden: pd.DataFrame | None, unpublished: pd.DataFrame,
                     days: Mapping[str, dt.date] | None = None) -> list[tuple[str, Quoted, bool]]:
    """Each reason's whole numbers tied to a figure the publication hides, or to a small count of a month it does not
    publish (`unpublished`: `_unpublished_small_counts`): (the month, the figure, whether it is such a small count).
    A month a reason names without a year is read by the day the reason was given (`days`: "YYYY-MM" -> day,
    `approval.approval_days`): "July's figures", said in August 2026, are July 2026's, not every year's July."""
    days = days or {}
    return [(m, q, small) for m, text in reasons.items()
            for frame, small in ((hidden, False), (unpublished, True))
            for q in quoted_hidden_figures(text, frame, days=(days[m],) if m in days else ()) if q.tied]


def _reason_quoting_words(month: str, q: Quoted, unpublished: bool) -> str:
    """That the reason given with the approval of `month` ties a number to a figure hidden (`_reasons_quoting`)."""
    hides = ("a small count of a month not published, hidden whenever its month is published,"
             if unpublished else "the figure this publication hides")
    return (f"the reason given with the approval of {month_text(month)} quotes {q.said}, {hides} for {q.figure}, "
            "and names that figure's area, period and measure: published beside the figures it revises, the hidden "
            "figure would be published with it.")


def approval_reason_warnings(con: duckdb.DuckDBPyConnection, months: Collection[str],
                             folder: Path | str | None = None) -> list[str]:
    """For each of `months` ("YYYY-MM", just approved) whose reason in force the next publication would refuse, as
    `preview_publication` reads it (`_reasons_quoting`, a month named alone read by the day the reason was given): a
    sentence saying which figure it quotes, that publishing is refused while it is approved, and how to give
    another. A reason is published only beside what a publication revises, so none is read before the first
    publication (`_reasons_for`). Said at approval, which it does not stop: the reason may mean another number."""
    folder = Path(folder) if folder else published_dir()
    reasons = {m: why for m, why in _reasons_for(con, current_snapshot(folder), list(months)).items()
               if whole_numbers(why)}
    if not reasons:
        return []
    hidden, small = figures_a_text_may_not_quote(con, folder)
    said = {}
    for month, q, unpublished in _reasons_quoting(reasons, hidden, small, approval_days(con, reasons)):
        said.setdefault(month, "The approval is kept, but " + _reason_quoting_words(month, q, unpublished) + (
            " Publishing is refused while it is approved: approve the month again with a reason that leaves it out "
            f'("pccdash approve {month} --reason TEXT", or the Approve and publish page).'))
    return [said[m] for m in sorted(said)]


ZEROS_NOW_HIDDEN = "Zeros are hidden from this publication on, as small counts are."


def _with_reasons(revisions: pd.DataFrame, reasons: dict[str, str], version: int,
                  zeros_now_hidden: bool = False) -> pd.DataFrame:
    """The revisions, with the reason each was made for: those this publication (`version`) makes, the reasons given
    with the approvals of the months each revised figure covers; those made before, as they were published. A zero
    hidden now, by a publication that begins hiding zeros (`zeros_now_hidden`), says so when no reason was given."""
    revisions = revisions.copy()
    if "reason" not in revisions.columns:
        revisions["reason"] = None
    new = revisions["version"] == version
    revisions.loc[new, "reason"] = [
        " ".join(dict.fromkeys(reasons[m] for m in months_in(t, p) if m in reasons)) or None
        for t, p in zip(revisions.loc[new, "period_type"], revisions.loc[new, "period"], strict=True)]
    if zeros_now_hidden:
        marker = settings.get("suppression_marker")
        zero_hidden = (new & revisions["reason"].isna() & (revisions["previous_display"].astype(str) == "0")
                       & (revisions["new_display"].astype(str) == marker))
        revisions.loc[zero_hidden, "reason"] = ZEROS_NOW_HIDDEN
    revisions["reason"] = revisions["reason"].astype(object).where(revisions["reason"].notna(), None)
    return revisions


def _quoted_in_approvals(approvals: list[Release], hidden: pd.DataFrame) -> list[tuple[Release, str, Quoted]]:
    """Each approved item's whole numbers that are the value of a count `hidden` holds: (the approval, the field of
    its record that says it, the figure)."""
    out = []
    if hidden is None or hidden.empty:
        return out
    for item in approvals:
        # an answer is read beside its question: either may name the figure
        whole = record_text(item.record)  # not who asked or answered: "South Yorkshire" there is no figure's area
        # a month named alone ("in July") is read by the days the record says it was said on; a number in what names
        # the item (a recommendation's title: "Recommendation 3 of the 2024 inspection") is its reference, no count
        for key, text in counted_texts(item.record):
            out += [(item, key, q) for q in quoted_hidden_figures(text, hidden, whole, said_on(item.record))]
    return out


def _unpublished_small_counts(con: duckdb.DuckDBPyConnection, months: Collection[str]) -> pd.DataFrame:
    """The small counts (`HIDDEN_COLUMNS`) of the months this publication does not carry: each district's month of a
    count at or below the suppression threshold, and the force's made of them. No month of these is published, so
    none is in the publication's hidden figures; but an approved text that ties such a number to its figure would
    publish a small count that disclosure control hides whenever its month is published."""
    threshold = settings.get_int("suppression_threshold")
    low = 0 if _zeros_hidden() else 1
    counts = tuple(m.id for m in catalogue().measures if m.kind != "percentage")
    if not counts:
        return pd.DataFrame(columns=HIDDEN_COLUMNS)
    figures = con.execute(
        f"""SELECT strftime(period, '%Y-%m') AS period, district, measure, value FROM figure
            WHERE measure IN ({", ".join("?" for _ in counts)})""", list(counts)).df()
    figures = _districts_as_named(figures)
    figures = figures[~figures["period"].isin(set(months))]
    whole = figures.groupby(["period", "measure"], as_index=False)["value"].sum()
    whole["district"] = force().force_short_name
    both = pd.concat([figures, whole], ignore_index=True)
    small = both[(both["value"] >= low) & (both["value"] <= threshold) & (both["value"] % 1 == 0)]
    return pd.DataFrame({"measure": small["measure"], "area": small["district"], "period": small["period"],
                         "period_type": "month", "value": small["value"].astype(int), "dimension": "",
                         "category": "", "label": ""}, columns=HIDDEN_COLUMNS).reset_index(drop=True)


def _item_words(item: Release) -> str:
    if item.kind == "recommendation":  # its number is the status's, which is not the recommendation's
        which = f"status {item.item_id} of recommendation {item.record.get('recommendation_ref', '')}".rstrip()
    else:
        which = f"{item.kind} {item.item_id}"
    return f"the {ITEM_KINDS[item.kind].lower()} approved for publication (approval {item.release_id}, {which})"


def _quote_refusal(item: Release, where: str, q: Quoted, *, unpublished: bool = False,
                   withdrawn: Collection[str] = ()) -> str:
    """Why an approved item stops the publication, and what to do: it ties a number to a figure the publication
    hides (`unpublished`: a small count of a month it does not publish, which is hidden whenever that month is).
    An item of a question since withdrawn (a number of `withdrawn`) cannot be approved again with its text edited,
    nor can its question's words (a withdrawal's own reason can): withdrawing its approval is then the way out."""
    unrelease = f'withdraw its approval ("pccdash unrelease {item.release_id} --reason TEXT")'
    ref = item.record.get("question_ref")
    carried = where == "question" and item.kind != "question"  # the question it carries: approved with its words
    said = f"quotes, in the question it carries (question {ref})," if carried else "quotes"
    hides = ("a small count of a month not published, hidden whenever its month is published," if unpublished
             else "the figure this publication hides")
    why = (f"{_item_words(item)} {said} {q.said}, {hides} for {q.figure}, and its record names that figure's area, "
           "period and measure: published in its text, the hidden figure would be published with it.")
    if str(ref or "") in withdrawn and (item.kind != "withdrawal" or where == "question"):
        return (f"{why} Question {ref} has been withdrawn, so neither it nor an answer or decision on it can be "
                f"approved again with its text edited. To publish, {unrelease}, then publish again.")
    if carried:
        edit = (f'approve question {ref} with the text to publish without it ("pccdash release question {ref} --text '
                f'TEXT"; its approved answers and decisions carry the question\'s approved words)')
    else:
        page = "Recommendations" if item.kind == "recommendation" else "Meetings"
        edit = (f'approve it again with the text to publish without it ("pccdash release {item.kind} {item.item_id} '
                f'--text TEXT", or its approval form on the {page} page)')
    return f"{why} To publish, {edit} or {unrelease}, then publish again."


def _quote_notes(quotes: list[tuple[Release, str, Quoted]]) -> list[str]:
    """A warning for each number an item's text holds that equals the value of figures this publication hides without
    tying it to any of them: one line for the number, however many figures share it (a "1" in a text equals hundreds
    of hidden small counts), naming the first two."""
    grouped: dict[tuple, list[Quoted]] = {}
    for item, where, q in quotes:
        # one line for the number whichever of the item's own texts says it (a recommendation's title and its
        # evidence both saying "four" made two lines alike): only the question an item carries is told apart
        where = "question" if where == "question" and item.kind != "question" else "own"
        found = grouped.setdefault((item.release_id, where, q.number), [])
        found += [x for x in [q] if x.figure not in {f.figure for f in found}]
    items = {item.release_id: item for item, _, _ in quotes}
    lines = []
    for (release_id, where, number), found in grouped.items():
        item = items[release_id]
        what = " in the question it carries" if where == "question" and item.kind != "question" else ""
        figures = [q.figure for q in found]
        named = "; ".join(figures[:2]) + (f"; and {len(figures) - 2:,} more" if len(figures) > 2 else "")
        one = len(figures) == 1
        lines.append(f"Check: {_item_words(item)} mentions {number}{what}, which is also the value of "
                     f"{'a figure' if one else f'{len(figures):,} figures'} this publication hides ({named}); the text "
                     + ("does not name that figure's area, period and measure beside it" if one else
                        "names none of them by its area, period and measure beside it")
                     + ", so publishing goes ahead. If the text means such a figure, leave it out of the text as "
                     "published.")
    return lines


def _flags_phrase(flags: list[tuple[int, str]]) -> str:
    return "; ".join(words for _, words in flags)


def _version_of(path: Path | None) -> int | None:
    m = re.fullmatch(r"snapshot-(\d+)\.duckdb", path.name) if path is not None else None
    return int(m.group(1)) if m else None


def _fingerprint(months: list[str], cells: pd.DataFrame, caveats: pd.DataFrame,
                 board: pd.DataFrame | None = None) -> str:
    digest = hashlib.sha256("\n".join(months).encode("utf-8"))
    for frame in (cells, caveats, *([] if board is None else [board])):
        if not frame.empty:
            digest.update(frame.sort_values(list(frame.columns)).to_csv(index=False).encode("utf-8"))
    return digest.hexdigest()[:16]


def _recorded(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether the warehouse recorded this snapshot: a publication stopped after switching the pointer and
    before recording it is not finished, so publishing again must not be refused as a change of nothing."""
    return bool(con.execute("SELECT count(*) FROM snapshot WHERE version = ? AND file_name = ?",
                            [_version_of(path), path.name]).fetchall()[0][0])


def _board_rows(board: pd.DataFrame) -> set[tuple]:
    # a column a snapshot written before it was added lacks reads as empty, as the item's own empty column does
    shown = board.reindex(columns=BOARD_COLUMNS, fill_value="").fillna("").astype(str)
    return set(shown.itertuples(index=False, name=None))


# what one of the loop's items is, whatever the public reads of it: its kind and the question or recommendation it is
_BOARD_ITEM = [BOARD_COLUMNS.index(c) for c in ("kind", "question_ref", "theme", "recommendation_ref")]


def _board_changes(new_rows: set[tuple], old_rows: set[tuple]) -> dict[str, int]:
    """The loop's items new to the public, changed (the same question's or recommendation's item read otherwise: a
    question put to another meeting, an answer replaced) and no longer published."""
    def items(rows: set[tuple]) -> Counter:
        return Counter(tuple(row[i] for i in _BOARD_ITEM) for row in rows)

    added, gone = items(new_rows - old_rows), items(old_rows - new_rows)
    changed = sum((added & gone).values())
    return {"board_new": sum(added.values()) - changed, "board_changed": changed,
            "board_dropped": sum(gone.values()) - changed}


def _published_board(snapshot: Path) -> pd.DataFrame:
    """The loop's items a snapshot carries; none from a snapshot written before they were published."""
    if public_read("SELECT 1 FROM information_schema.tables WHERE table_name = 'board_item'", snapshot=snapshot).empty:
        return pd.DataFrame(columns=BOARD_COLUMNS)
    return public_read("SELECT * FROM board_item", snapshot=snapshot)


def _shown(cells: pd.DataFrame) -> pd.DataFrame:
    return cells[[*CELL_KEYS, "display"]].astype(str)


_BREAKDOWN_SHOWN = ["measure", "dimension", "category", "area", "period", "period_type", "display"]


def _shown_breakdowns(frame: pd.DataFrame | None) -> pd.DataFrame:
    """A snapshot's breakdown cells as the public reads them (each category's shown value or marker), in one
    order, so that two publications can be compared; empty for a snapshot that carries none."""
    if frame is None or frame.empty or not set(_BREAKDOWN_SHOWN) <= set(frame.columns):
        return pd.DataFrame(columns=_BREAKDOWN_SHOWN)
    return frame[_BREAKDOWN_SHOWN].astype(str).sort_values(_BREAKDOWN_SHOWN).reset_index(drop=True)


def uncharted_said(cells: pd.DataFrame) -> str:
    """Why the sentences the public reads name no percentage a publication holds: the public pages chart counts only
    (`pages.summary_page`, `pages.data_pages`), a percentage being a figure in the tables alone, so the preview's list
    of sentences leaves it out by design; "" when it holds none. Named as the public tables name them."""
    if cells.empty:
        return ""
    held = dict.fromkeys(cells["measure"])
    names = [table_name(m) for m in catalogue().measures if m.id in held and m.kind == "percentage"]
    if not names:
        return ""
    one = len(names) == 1
    return (f"{listed(names)} {'is a percentage' if one else 'are percentages'}, which the public pages give as "
            f"figures in the tables and never chart, so no sentence is written of {'it' if one else 'them'}.")


def _public_sentences(cells: pd.DataFrame) -> dict[str, str]:
    if cells.empty:
        return {}
    f, names = force(), {m.id: spelled_out(m.name) for m in catalogue().measures}  # as the public pages name them
    out = {}
    for measure, group in cells[(cells["period_type"] == "month") & (cells["area"] == f.force_short_name)].groupby(
            "measure", sort=False):
        if catalogue().get(measure).kind == "percentage":
            continue  # the public pages chart counts only
        series = group[["period", "value", "display", "suppressed"]].assign(
            value=pd.to_numeric(group["value"], errors="coerce"), suppressed=group["suppressed"].astype(bool))
        out[measure] = trend_sentence(names[measure], f.force_short_name, series, _zeros_hidden())
    return out


class _Earlier:
    """What the earlier publications in `folder` made public (`earlier_public`) and the snapshots they are
    (`earlier_snapshots`), each worked out at its first use and shared by every build of one publication
    (`_publication` builds the next one up to four times): neither the folder nor the warehouse changes within it.
    Made anew for each publication, so a snapshot written or replaced since the last one is read afresh."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path):
        self.con, self.folder = con, folder

    @functools.cached_property
    def public(self) -> pd.DataFrame:
        return earlier_public(self.folder)

    @functools.cached_property
    def snapshots(self) -> EarlierSnapshots:
        return earlier_snapshots(self.con, self.folder)


def _next_publication(con: duckdb.DuckDBPyConnection, folder: Path, old_months: list[str],
                      withheld: Collection[str] = (), *, suppress_zero: bool | None = None,
                      earlier: _Earlier | None = None, kept: Path | None = None
                      ) -> tuple[dict, dict, list[str], Protected]:
    """What the next publication into `folder` would be made of: the approved months' open blocking flags, those
    held back, the months it carries ("YYYY-MM") and its cells after disclosure control. `withheld`: approved months
    ("YYYY-MM") the public does not read yet that are left out too (`_publication`: the disclosure check's);
    `suppress_zero`: as `protected_tables`; `earlier`: what earlier publications in `folder` made public, when
    another build of the same publication has read it already; `kept`: as `protected_tables`."""
    # a blocking flag stops a month as it stops its approval: one the public does not read yet is held back, and
    # one it reads stays as it is (taking it away would be a withdrawal, which is the Commissioner's to decide)
    flagged = {f"{p:%Y-%m}": flags for p in _approved(con)["period"] if (flags := open_blocking_flags(con, p))}
    held = {m: flags for m, flags in flagged.items() if m not in old_months}
    left_out = {*held, *withheld}
    approved = _approved(con, left_out)
    months = [p.strftime("%Y-%m") for p in approved["period"]]
    if not months:
        return flagged, held, months, Protected(pd.DataFrame(columns=[*CELL_KEYS, "value", "display", "suppressed"]),
                                                None)
    figures = approved_figures(con)
    earlier = earlier if earlier is not None else _Earlier(con, folder)
    protected = protected_tables(figures[~figures["period"].isin(left_out)], earlier.public,
                                 published_breakdowns.approved_breakdowns(con, held=sorted(left_out)),
                                 earlier.snapshots, suppress_zero=suppress_zero, kept=kept)
    return flagged, held, months, protected


def _publication(con: duckdb.DuckDBPyConnection, folder: Path, old_months: list[str], *, kept: Path | None = None
                 ) -> tuple[dict, dict, dict[str, str], list[str], Protected, dict[str, str]]:
    """`_next_publication`, with the months the disclosure check holds back: when a hidden figure could be worked
    out and every such figure's period takes in a month this publication adds that is published after months that
    follow it (its figures, with the 12 months and quarters published before, give a hidden one away, and no
    suppression now can take those back), the publication is worked out again without those months. If the audit
    then passes, they are held back ("YYYY-MM" -> why, in words: the third item); otherwise nothing is held back and
    the audit's failure stands. Returns (flagged, held, withheld, months, protected, and for each month withheld,
    what it would let be worked out: `_withheld_figures`). `kept`: as `protected_tables`."""
    earlier = _Earlier(con, folder)  # read once, for each build below
    flagged, held, months, protected = _next_publication(con, folder, old_months, earlier=earlier, kept=kept)
    audited = protected.audit
    if audited is None or audited.passed:
        return flagged, held, {}, months, protected, {}
    # only a month the public reads later months of: a failure that earlier publications play no part in is the
    # suppression's to put right, and is refused as one
    added = [m for m in months if m not in set(old_months) and any(old > m for old in old_months)]
    blamed = _months_giving_away(audited, added)
    if not blamed and old_months and _earlier_publications_take_part(con, audited, old_months, kept):
        # a month published in order can do it too: a quarter's months hidden, their sum given by the 12 months
        # published before, and the quarter's last month a zero (always shown) give the quarter away
        blamed = _months_giving_away(audited, [m for m in months if m not in set(old_months)])
    if not blamed:
        return flagged, held, {}, months, protected, {}
    again = _next_publication(con, folder, old_months, withheld=blamed, earlier=earlier, kept=kept)
    if again[3].audit is not None and not again[3].audit.passed:
        return flagged, held, {}, months, protected, {}
    # nothing the suppression may hide can protect those figures, and what earlier publications showed stays public:
    # as its figures stand, no later publication can publish the month. Say what would (hiding zeros, when it would)
    hiding_zeros = None
    if not _zeros_hidden():
        audit_so = _next_publication(con, folder, old_months, suppress_zero=True, earlier=earlier, kept=kept)[3].audit
        hiding_zeros = audit_so is not None and audit_so.passed
    shown = _zeros_taking_part(con, blamed)
    reasons = {m: _withheld_reason(m, keys, protected.hidden, shown.get(m, []), hiding_zeros)
               for m, keys in blamed.items()}
    figures = {m: _withheld_figures(keys, protected.hidden) for m, keys in blamed.items()}
    return again[0], again[1], reasons, again[2], again[3], figures


def _earlier_publications_take_part(con: duckdb.DuckDBPyConnection, audited: lp_audit.AuditResult,
                                     old_months: list[str], kept: Path | None = None) -> bool:
    """Whether what earlier publications made public takes part in the figures `audited` finds could be worked out:
    the same approved months, protected as if nothing had been published before, leave none of them narrow. A
    failure they play no part in is the suppression's own."""
    with tempfile.TemporaryDirectory() as nothing_published:
        alone = _next_publication(con, Path(nothing_published), [], kept=kept)[3].audit
    return alone is not None and not set(audited.narrow) & set(alone.narrow)


def _months_in(snapshot: Path | None) -> list[str]:
    """The months a snapshot carries ("YYYY-MM"), in order; none without one."""
    return sorted(public_read("SELECT period FROM period", snapshot=snapshot)["period"]) if snapshot else []


def figures_a_text_may_not_quote(con: duckdb.DuckDBPyConnection, folder: Path | str | None = None
                                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a text approved for publication may not tie a number to, as `preview_publication` works it out: every
    count the next publication would hide (none when no month is approved), and the small counts of the months it
    does not carry (`_unpublished_small_counts`: a month loaded and not yet approved, or held back), hidden whenever
    their month is published; both `HIDDEN_COLUMNS`, with their true values (for the office only). The disclosure
    control worked out is kept beside the warehouse (`kept_protections`), so that the next text checked against the
    same figures takes a moment; a publication works its own out afresh, and audits it."""
    folder = Path(folder) if folder else published_dir()
    db = filestore.of_connection(con)
    *_, months, protected, _ = _publication(con, folder, _months_in(current_snapshot(folder)),
                                            kept=None if db is None else kept_protections(db))
    return protected.hidden, _unpublished_small_counts(con, months)


def _periods_of_month(month: str) -> set[str]:
    """The published periods a month ("YYYY-MM") is part of: itself, its quarter, its financial year and the 12
    months to each of the 12 months from it on."""
    year, mon = int(month[:4]), int(month[5:7])
    out = {month, quarter_label(year, mon), fy_label(year if mon >= 4 else year - 1)}
    for _ in range(12):
        out.add(rolling_label(year, mon))
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


def _months_giving_away(audited: lp_audit.AuditResult, added: list[str]) -> dict[str, list[tuple]]:
    """The months of `added` whose periods take in a figure the audit finds could be worked out ("YYYY-MM" -> those
    figures' (measure, area, period)), when every failure is such a figure and each is of a period that takes in one
    of them; else none."""
    if not added or set(audited.failures) != {message for _, message in audited.narrow.values()}:
        return {}
    periods = {m: _periods_of_month(m) for m in added}
    if not all(any(key[2] in p for p in periods.values()) for key in audited.narrow):
        return {}
    return {m: [key for key in audited.narrow if key[2] in p] for m, p in periods.items()
            if any(key[2] in p for key in audited.narrow)}


def _period_words(period: str) -> str:
    """A period in plain words, without its label: "April to June 2025", "April 2025 to March 2026"."""
    return re.sub(r" \((Q[1-4] |financial year )[^)]*\)$", "", period_text(period))


def _zeros_taking_part(con: duckdb.DuckDBPyConnection, blamed: Mapping[str, list[tuple]]) -> dict[str, list[tuple]]:
    """For each month held back ("YYYY-MM" -> the figures it would let be worked out), its zeros that take part: a
    month figure of 0 of the same measure, in the same district (or any district, for the force's figure). A zero is
    always shown (unless the office hides zeros too), so the suppression cannot hide it to protect another."""
    figures = approved_figures(con)
    figures = figures[figures["period"].isin(list(blamed)) & (figures["value"].round() == 0)]
    force_name = force().force_short_name
    out: dict[str, list[tuple]] = {}
    for month, keys in blamed.items():
        rows = figures[figures["period"] == month]
        tied = {(str(m), str(d)) for m, d in zip(rows["measure"], rows["district"], strict=True)
                if any(k[0] == m and k[1] in (d, force_name) for k in keys)}
        out[month] = sorted((m, d, month) for m, d in tied)
    return out


def _withheld_reason(month: str, keys: list[tuple], hidden: pd.DataFrame, zeros: list[tuple] = (),
                     hiding_zeros: bool | None = None) -> str:
    """Why the disclosure check holds `month` back, in words, from the figures (measure, area, period) it would let
    be worked out and the hidden counts' true values (`HIDDEN_COLUMNS`; for the office only), and what would let it be
    published: the month's zeros that take part (`_zeros_taking_part`) are named, and hiding zeros too is offered
    when it would publish the month (`hiding_zeros`: None when zeros are hidden already)."""
    if zeros:
        named = "; ".join(f"{in_sentence(_measure_name(m))} in {a}, {month_text(p)}" for m, a, p in zeros[:3])
        one, more = len(zeros) == 1, "; and more" if len(zeros) > 3 else ""
        cause = (f"What gives it away is its {'zero' if one else 'zeros'} ({named}{more}), which "
                 f"{'is' if one else 'are'} always shown, with what earlier publications showed")
    else:
        cause = "What gives it away is what it shows with what earlier publications showed"
    corrected = "its figures turn out wrong and are corrected (load the correction and approve the month again)"
    ways = (('the office decides to hide zeros as it hides small counts (the "suppress zero" setting, '
             "PCCDASH_SUPPRESS_ZERO=true: every publication from then on hides its zeros), or if " + corrected)
            if hiding_zeros else "only if " + corrected)
    return (f"{month_text(month)} is held back by the disclosure check: published now, with what is already public, "
            f"it would let {_withheld_figures(keys, hidden)}. {cause}: no figure that may be hidden can protect it, "
            "and what is public stays public, so it cannot be published as its figures stand, now or later. It stays "
            f"approved, and can be published {'if ' if hiding_zeros else ''}{ways}; the other approved months are "
            "published without it.")


def _withheld_figures(keys: list[tuple], hidden: pd.DataFrame) -> str:
    """What a month held back by the disclosure check would let be worked out, in words ("a count under 5 be worked
    out (CSE arrests in Rotherham, April to June 2025)"): the figures named, never their values."""
    threshold = settings.get_int("suppression_threshold")
    named, values = [], []
    for measure, area, period in keys:
        parts = str(measure).split(BREAKDOWN_SEPARATOR)
        rows = hidden[(hidden["area"] == area) & (hidden["period"] == period)] if hidden is not None else None
        if len(parts) == 3:  # a breakdown's category: its measure's name and the category's label
            if rows is not None:
                rows = rows[(rows["measure"] == parts[0]) & (rows["dimension"] == parts[1])
                            & (rows["category"] == parts[2])]
            labels = [str(v) for v in (rows["label"] if rows is not None else []) if pd.notna(v) and str(v)]
            label = labels[0] if labels else parts[2].replace("_", " ")
            what = f"{in_sentence(_measure_name(parts[0]))} ({label})"
        else:
            if rows is not None:
                rows = rows[(rows["measure"] == measure) & (rows["dimension"].fillna("") == "")]
            what = in_sentence(_measure_name(measure))
        values.append(int(rows["value"].iloc[0]) if rows is not None and len(rows) else None)
        named.append(f"{what} in {area}, {_period_words(period)}")
    small = all(v is not None and 0 < v <= threshold for v in values)
    which = f"a count under {threshold + 1}" if small else "a hidden figure"
    more = f"; and {len(named) - 3} more" if len(named) > 3 else ""
    return f"{which} be worked out ({'; '.join(named[:3])}{more})"


def _held_back_advice(narrow: Mapping, added: list[str]) -> str:
    """What the office can do about a refused disclosure check that holding back the months this publication adds
    after later ones (`added`: `_publication` holds them back when that is enough) does not put right: a figure that
    could be worked out of a period taking in none of them, or one still given away without them. The figures are
    not at fault: the suppression is."""
    months = [m for m in added if any(key[2] in _periods_of_month(m) for key in narrow)]
    tried = (f"Holding back {months_phrase(months)}, which this publication adds after later months and whose "
             "figures, with what earlier publications show, help work it out, would not put it right. " if months
             else "")
    return (tried + "The figures are not at fault: the suppression is. The details are in the log; please pass them "
            "to the office's administrator.")


def preview_publication(con: duckdb.DuckDBPyConnection, folder: Path | str | None = None) -> Preview:
    """Build what `publish` would write (nothing is written or switched) and compare it with what the public
    reads now. `problem` says why nothing would be published: no approved month, or nothing changed."""
    folder = Path(folder) if folder else published_dir()
    previous = current_snapshot(folder)
    old_months = _months_in(previous)
    flagged, held, withheld, months, protected, withheld_figures = _publication(con, folder, old_months)
    empty = pd.DataFrame(columns=[*CELL_KEYS, "value", "display", "suppressed"])
    cells = protected.cells if not protected.cells.empty else empty
    caveats = _public_caveats(con, cells, hidden_before(folder)) if months else pd.DataFrame(
        columns=["measure", "area", "period", "text"])
    withdrawn = _withdrawn_since(con, previous, folder)
    caveats = _with_revision_notes(caveats[~caveats["period"].isin([*held, *withheld])], cells, previous, withdrawn)
    audited = protected.audit
    if months and (unsafe := lp_audit.caveat_failures(cells, caveats)):  # a guard: no caveat on a hidden figure
        protection = max(1, settings.get_int("disclosure_protection"))
        audited = (dataclasses.replace(audited, failures=[*audited.failures, *unsafe]) if audited is not None
                   else lp_audit.AuditResult(lp_audit.empty_cells(), protection, unsafe))
    approvals = released(con)
    # what a withdrawal took back goes out again only once approved again: left out until then, and said
    taken = _releases_taken_back(con, approvals)
    approvals = [item for item in approvals if item.release_id not in {t.release_id for t, *_ in taken}]
    board = board_table(approvals)
    quotes = _quoted_in_approvals(approvals, protected.hidden)
    reasons = _reasons_for(con, previous, months)
    # a small count of a month not published, tied to its figure in an approved text (or a revision's reason),
    # refuses too
    small = _unpublished_small_counts(con, months) if approvals or reasons else None
    unpublished = [(item, where, q) for item, where, q in (_quoted_in_approvals(approvals, small) if approvals
                                                           else []) if q.tied]
    if previous is not None:
        old = _areas_now(public_read("SELECT measure, area, period, period_type, display, suppressed FROM figure",
                                     snapshot=previous))
        old_caveats = _areas_now(public_read("SELECT measure, area, period, text FROM caveat", snapshot=previous))
        old_board = _published_board(previous)
    else:
        old, old_months = pd.DataFrame(columns=[*CELL_KEYS, "display", "suppressed"]), []
        old_caveats = pd.DataFrame(columns=["measure", "area", "period", "text"])
        old_board = pd.DataFrame(columns=BOARD_COLUMNS)
    new_rows, old_rows = _board_rows(board), _board_rows(old_board)
    # the breakdowns published by financial year: a category sent or corrected after its months' approval is
    # published once they are approved again, and is then a change of what the public reads like a figure's
    new_parts = _shown_breakdowns(protected.breakdowns)
    old_parts = _shown_breakdowns(_areas_now(SnapshotView(previous).table("breakdown")) if previous is not None
                                  else None)
    parts = new_parts.merge(old_parts, on=_BREAKDOWN_SHOWN[:-1], how="outer", suffixes=("", "_was"))
    breakdowns_changed = int((parts["display"].fillna("") != parts["display_was"].fillna("")).sum())
    old["display"] = old["display"].astype(str)
    both = cells.merge(old.rename(columns={"display": "display_was", "suppressed": "suppressed_was"}),
                       on=CELL_KEYS, how="left", indicator=True)
    was_public = both["_merge"] == "both"
    # a figure the public was shown whose shown value changes (hidden now included); one hidden before is new to them
    shown_was = was_public & ~both["suppressed_was"].fillna(False).astype(bool)
    revised = both[shown_was & (both["display"].astype(str) != both["display_was"])]
    revised = revised[CELL_KEYS].assign(was=revised["display_was"], now=revised["display"].astype(str))
    if not withdrawn.empty:  # a figure only a publication withdrawn since showed, shown changed: revised from it
        gone = withdrawn.merge(old[CELL_KEYS], on=CELL_KEYS, how="left", indicator=True)
        gone = gone[(gone["_merge"] == "left_only") & ~gone["suppressed"].astype(bool)]
        again = cells.merge(gone[[*CELL_KEYS, "display"]].rename(columns={"display": "display_was"}), on=CELL_KEYS)
        again = again[again["display"].astype(str) != again["display_was"]]
        revised = pd.concat([revised, again[CELL_KEYS].assign(was=again["display_was"],
                                                              now=again["display"].astype(str))], ignore_index=True)
    shown = both[was_public & ~shown_was & ~both["suppressed"].astype(bool)]
    shown = shown[CELL_KEYS].assign(now=shown["display"].astype(str)).reset_index(drop=True)
    newly = both[both["suppressed"].astype(bool) & ~(was_public & both["suppressed_was"].fillna(False).astype(bool))]
    newly = newly[[*CELL_KEYS, "display"]].assign(shown_now=was_public[newly.index]).reset_index(drop=True)
    old_set, new_set = set(old_months), set(months)
    notes_now, notes_then = (frame[["measure", "area", "period", "text"]].astype(str).drop_duplicates()
                             for frame in (caveats, old_caveats))
    notes = notes_now.merge(notes_then, how="outer", indicator=True)
    preview = Preview(
        months=months, added=[m for m in months if m not in old_set],
        dropped=[m for m in old_months if m not in new_set], cells=cells, revised=revised.reset_index(drop=True),
        newly_suppressed=newly, caveats=caveats, sentences=_public_sentences(cells), uncharted=uncharted_said(cells),
        current_version=_version_of(previous), fingerprint=_fingerprint(months, cells, caveats, board),
        board=board, approvals=approvals, **_board_changes(new_rows, old_rows), audit=audited,
        breakdowns=protected.breakdowns, held=held, withheld=withheld, withheld_figures=withheld_figures,
        flagged_public={m: f for m, f in flagged.items() if m not in held}, newly_shown=shown,
        breakdowns_changed=breakdowns_changed, zeros_hidden=_zeros_hidden(),
        caveats_added=notes[notes["_merge"] == "left_only"].drop(columns="_merge").reset_index(drop=True),
        caveats_removed=notes[notes["_merge"] == "right_only"].drop(columns="_merge").reset_index(drop=True),
        hidden=protected.hidden,
        quoted=_quote_notes([(item, where, q) for item, where, q in quotes if not q.tied]))
    tied = [(item, where, q) for item, where, q in quotes if q.tied] + unpublished
    preview.reasons = reasons
    preview.withdrawn = withdrawn
    # a month changed since its approval goes out as approved: said, as the change is not published with it
    preview.changed = {f"{s.period:%Y-%m}": s.change for s in period_states(con)
                       if s.status == "changed" and f"{s.period:%Y-%m}" in new_set}
    if preview.reasons:
        preview.fingerprint = _fingerprint([*months, json.dumps(preview.reasons, sort_keys=True)], cells, caveats,
                                           board)
    reason_tied = _reasons_quoting(reasons, protected.hidden, small, approval_days(con, reasons)) if reasons else []
    # a hidden figure shown is a change of what the public reads too: a flag on its month stops it as a revision
    revised_flagged = {m: (int((preview.revised["period"] == m).sum()), int((shown["period"] == m).sum()))
                       for m in preview.flagged_public}
    revised_flagged = {m: n for m, n in revised_flagged.items() if sum(n)}
    if audited is not None and audited.exposed_before:
        log.warning("%d hidden figure(s) can already be worked out from earlier publications: %s",
                    len(audited.exposed_before), "; ".join(audited.exposed_before))
    if audited is not None and not audited.passed:
        failed = audited.failures
        log.error("disclosure audit failed for %d hidden figure(s): %s", len(failed), "; ".join(failed))
        preview.problem = (f"Nothing can be published: the disclosure check found "
                           f"{counted(len(failed), 'hidden figure')} that could be worked out too closely from "
                           f"everything that would be public (for example {failed[0]}). " + _held_back_advice(
                               audited.narrow, [m for m in preview.added if any(o > m for o in old_months)]))
    elif tied and months:
        item, where, q = tied[0]
        preview.problem = "Nothing can be published: " + _quote_refusal(
            item, where, q, unpublished=(item, where, q) in unpublished, withdrawn=withdrawn_questions(con)) + (
            f" {counted(len(tied) - 1, 'other quotation')} of a hidden figure in the approved items "
            f"{'needs' if len(tied) == 2 else 'need'} the same."
            if len(tied) > 1 else "")
    elif reason_tied and months:
        month, q, unpublished_count = reason_tied[0]
        preview.problem = (f"Nothing can be published: {_reason_quoting_words(month, q, unpublished_count)} To "
                           f"publish, approve the month again with a reason that leaves it out (\"pccdash approve "
                           f'{month} --reason TEXT", or the Approve and publish page), then publish again.')
    elif revised_flagged:
        month, (n, m) = next(iter(revised_flagged.items()))
        flags = preview.flagged_public[month]
        change = " and ".join(([f"revise {counted(n, 'published figure')}"] if n else [])
                              + ([f"show {counted(m, 'figure')} hidden now"] if m else []))
        preview.problem = (f"Nothing can be published: it would {change} of "
                           f"{month_text(month)}, approved again before {_flags_phrase(flags)}. Once the figures are "
                           f'checked, resolve the flag (Flags page, or "pccdash flags resolve '
                           f'{" ".join(str(f) for f, _ in flags)} --note TEXT") and publish again.')
    elif not months and (held or withheld):
        preview.problem = "Nothing can be published: every approved month not yet public is held back. " + " ".join(
            preview.flag_lines + preview.withheld_lines)
    elif not months:
        preview.problem = 'No month has been approved. Approve months first: "pccdash approve YYYY-MM".'
        if len(board):  # the loop's items go out with the figures, never in a snapshot without them
            preview.problem += (" The accountability item approved for publication is published with the approved "
                                "months, so it waits for a month's approval too." if len(board) == 1 else
                                f" The {len(board):,} accountability items approved for publication are published "
                                "with the approved months, so they wait for a month's approval too.")
    elif (previous is not None and _recorded(con, previous) and new_rows == old_rows and not breakdowns_changed
          and _fingerprint(months, _shown(cells), caveats.astype(str))
          == _fingerprint(old_months, _shown(old), old_caveats.astype(str))):
        if held or withheld:  # a month approved and held back is not "every approved month": say what holds it
            holds = ("no blocking flag or the disclosure check holds back" if held and withheld
                     else "no blocking flag holds back" if held else "the disclosure check does not hold back")
            preview.problem = (f"Nothing to publish: the public already reads, in snapshot {preview.current_version},"
                               f" every approved month that {holds}, as approved. "
                               + " ".join(preview.flag_lines + preview.withheld_lines))
        else:
            # an approval a withdrawn publication took back was given since, but goes out with nothing: said below
            since = "nothing approved since may go out" if taken else "nothing has been approved since"
            preview.problem = (f"Nothing to publish: the public already reads every approved month as approved, in "
                               f"snapshot {preview.current_version}, and {since}. Approve a "
                               "month first (a new one, or one revised since its approval), or an item of the "
                               "accountability record.")
    preview.left_out = _taken_back_lines(taken)
    # the pages beside the figures are published with them, from a file checked now; what it wants doing (a
    # statement to review) is said whether or not there is anything to publish
    try:
        info, info_problem = load_public_info(), None
    except ConfigError as exc:
        info, info_problem = None, exc
    due = statement_review_due(info, settings.today()) if info is not None else ""
    preview.info_lines = [f"{PUBLIC_INFO_FILE}: {due}"] if due else []
    if preview.problem is None:
        if info is None:
            preview.problem = (f"Nothing can be published until {PUBLIC_INFO_FILE}, which holds what the public "
                               f"pages say beside the figures, is put right: {info_problem} Then publish again "
                               "(\"pccdash check\" lists every problem in the reference files).")
        else:
            preview.public_info = json.dumps(info, ensure_ascii=False)
        preview.dimensions = dimensions_meta()
    return preview


def _releases_taken_back(con: duckdb.DuckDBPyConnection, approvals: list[Release]
                         ) -> list[tuple[Release, int, dt.datetime, int | None]]:
    """Of the loop's approvals in force, those a withdrawn publication carried that the snapshot it went back to did
    not: approved after that snapshot was made and before the withdrawn one was. The withdrawal took them back with
    it, as it took back its months' approvals, and they stay taken back through every later publication until
    approved again (a new approval, given after the withdrawn snapshot was made) or withdrawn: each is (the approval,
    the snapshot withdrawn, when, the snapshot the public went back to)."""
    rows = con.execute(
        """SELECT s.version, s.created_at, w.withdrawn_at, w.restored_version, r.created_at
           FROM snapshot_withdrawal w JOIN snapshot s ON s.version = w.version
           LEFT JOIN snapshot r ON r.version = w.restored_version
           ORDER BY s.version""").fetchall()
    out = []
    for item in approvals:
        found = next(((version, at, restored) for version, made, at, restored, before in rows
                      if item.approved_at <= made and (before is None or item.approved_at > before)), None)
        if found is not None:
            out.append((item, *found))
    return out


def _taken_back_lines(taken: list[tuple[Release, int, dt.datetime, int | None]]) -> list[str]:
    """For each of the loop's approvals a withdrawal took back (`_releases_taken_back`), that the publication leaves it
    out, and what approves it again."""
    lines = []
    for item, version, at, restored in taken:
        back = f"snapshot {restored}" if restored is not None else "nothing published"
        lines.append(f"Left out: approval {item.release_id}, of {item.label}. It was given after {back} was made and "
                     f"published in snapshot {version}, which was withdrawn on {uk_day_words(at)}, and the withdrawal "
                     "took it back: no publication carries it until it is approved again "
                     f'("pccdash release {item.kind} {item.item_id}", with --text for an edited text), or its approval '
                     f'is withdrawn ("pccdash unrelease {item.release_id} --reason TEXT").')
    return lines


def releases_taken_back(con: duckdb.DuckDBPyConnection, withdrawn: int | None = None) -> list[Release]:
    """The loop's approvals still in force that a withdrawal took back with its publication (`_releases_taken_back`):
    no publication carries them until each is approved again or its approval withdrawn. `withdrawn`: only those the
    withdrawal of that snapshot took back."""
    return [item for item, version, *_ in _releases_taken_back(con, released(con))
            if withdrawn is None or version == withdrawn]


class PreviewOutdated(PccDashError):
    """What would be published changed between the preview and the publication."""


def record_refused_holds(con: duckdb.DuckDBPyConnection, claims: Mapping, preview: Preview) -> None:
    """A publication tried and refused (nothing to publish) that the disclosure check held approved months back in:
    each hold kept, with what the month would let be worked out, as a publication keeps those it held back, so that
    the month's status says it was held back, when and why (`approval.held_by_disclosure`) rather than plain
    "approved"; and the refusal put on the audit trail. A refusal with no month held back by the check records
    nothing."""
    if not (preview.problem and preview.withheld_figures):
        return
    who, now = require(claims, "publish"), utc_now()
    with audit.transaction(con):
        con.executemany(
            "INSERT INTO publication_event (period, action, by_user, acted_at, note) VALUES (?, ?, ?, ?, ?)",
            [[f"{m}-01", HELD_BY_DISCLOSURE, who, now, what[:2000]]
             for m, what in sorted(preview.withheld_figures.items())])
        audit.record(con, claims, "publish", subject="no snapshot", detail=f"refused: {preview.problem}"[:2000])


class NumbersUnknown(PccDashError):
    """A warehouse restored into a new published folder: the numbers published since its backup are not known."""


class NumberAlreadyPassed(PccDashError):
    """A latest number the public has seen, given below a snapshot the published folder or the warehouse holds."""


def numbering_hold_path(db: Path) -> Path:
    """The record beside the warehouse at `db` that a restore into a new published folder leaves
    (`pccdash.numbering-hold.json`): the publications made since its backup was taken are not known here, so none is
    made until the office says the latest number the public has seen (`numbered_after`)."""
    return db.with_name(f"{db.stem}.numbering-hold.json")


def numbering_hold(con: duckdb.DuckDBPyConnection) -> dict | None:
    """What the record of a restore into a new published folder says, or None when there is none."""
    db = filestore.of_connection(con)
    return None if db is None else read_numbering_hold(numbering_hold_path(db))


def read_numbering_hold(path: Path) -> dict | None:
    """What the record of a hold on numbering at `path` says (`numbering_hold_path`): None when there is none, and
    nothing known (an empty record, still a hold) when it cannot be read."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        found = {}
    return found if isinstance(found, dict) else {}


def numbering_hold_words(hold: dict) -> str:
    """Why a hold on numbering (`numbering_hold`) stops the next publication, as a clause for the office ("this
    warehouse was restored from a backup ...")."""
    last = hold.get("last_in_backup")
    held = f"snapshot {last}" if isinstance(last, int) and last else "the backup's last"
    return (f"this warehouse was restored from a backup taken {hold.get('taken', 'earlier')} into a new published "
            f"folder, and any publication made after it from the machine the backup came from (after {held}) has a "
            "number the public has seen, which the next publication from here would take again.")


def numbered_after(con: duckdb.DuckDBPyConnection, after: int | None, folder: Path) -> int | None:
    """The number the next publication into `folder` comes after, beyond what the warehouse and the folder hold:
    `after`, the latest the public has seen as the office gives it. Refused, saying what to do, when the warehouse was
    restored into a new published folder and the office has not said it: a publication made from the machine the
    backup came from after it was taken has a number the public has seen, which the next would take again. Refused
    too when it is below a snapshot the folder or the warehouse holds: that one was published, so the number given
    is not the latest the public has seen (a mistyped number, or a folder other than the one meant)."""
    if after is not None:
        in_folder, recorded = latest_held(con, folder)
        if after < max(in_folder, recorded):
            latest = max(in_folder, recorded)
            where = (f'the published folder "{folder}" already holds' if in_folder >= recorded
                     else "this warehouse has already published")
            raise NumberAlreadyPassed(
                f"Nothing was published: {where} snapshot {latest}, so the latest number the public has seen is not "
                f"{after} but {latest} or above. Give the highest number on the public site's revisions page "
                f"(\"pccdash publish --after-snapshot {latest}\" if it is {latest}).")
    hold = numbering_hold(con)
    if hold is None or after is not None:
        return after
    raise NumbersUnknown(
        f"Nothing was published: {numbering_hold_words(hold)} Restore into the published folder that holds them "
        "(the public web server's: \"pccdash restore BACKUP "
        "--published FOLDER --replace\"), or give the number of the latest publication the public has seen (the "
        "public site's revisions page lists them) with \"pccdash publish --after-snapshot NUMBER\": the next is "
        "numbered after it.")


def publish(con: duckdb.DuckDBPyConnection, claims: Mapping, folder: Path | None = None, *,
            expected: str | None = None, after: int | None = None) -> tuple[int, Path]:
    """Write the next snapshot of every approved month and make it the current one; returns (version, path).

    `expected` is the fingerprint of the preview the person confirmed: if what would be published has
    changed since (a month approved meanwhile), nothing is published. `after`: the latest number the public has
    seen, which the new snapshot is numbered after (needed once the warehouse is restored into a new published
    folder, `numbered_after`). One publication or withdrawal at a time writes into a folder; another waits for it.
    """
    who = require(claims, "publish")
    folder = Path(folder or published_dir())
    # refused before anything is written. Asked once: only a restore makes a hold, and a restore neither begins on a
    # warehouse held open, as this one is (`warehouse.held_still`), nor lets one be opened before it has finished
    after = numbered_after(con, after, folder)
    with pointer_switch.folder_lock(folder):
        done = _publish(con, claims, who, folder, expected, after)
    db = filestore.of_connection(con)
    if db is not None:  # numbered past what the public has seen: the warehouse now holds the number to go on from
        numbering_hold_path(db).unlink(missing_ok=True)
    return done


def _publish(con: duckdb.DuckDBPyConnection, claims: Mapping, who: str, folder: Path,
             expected: str | None, after: int | None = None) -> tuple[int, Path]:
    """`publish` once the folder is this command's alone; `after` as `numbered_after` gave it."""
    finish_switches(con)  # a publication a stop interrupted is finished first, so the preview reads what is public
    preview = preview_publication(con, folder)
    finished = pointer_switch.finished_on_opening(con, "publish", folder)
    if preview.problem and finished is not None:  # the stopped publication, run again: finishing it was the job
        return finished, folder / f"snapshot-{finished:04d}.duckdb"
    if preview.problem:
        record_refused_holds(con, claims, preview)
        raise NothingToPublish(" ".join([preview.problem, *preview.left_out]))
    if expected is not None and expected != preview.fingerprint:
        raise PreviewOutdated("What would be published has changed since the preview was shown (a month was "
                              "approved or a flag changed meanwhile). Nothing was published: look at the preview "
                              "again and confirm it.")
    folder.mkdir(parents=True, exist_ok=True)
    approved = _approved(con, preview.held_back)  # held back by a blocking flag or the disclosure check
    cells = preview.cells
    now = utc_now()
    version = max(_next_version(con, folder), (after or 0) + 1)
    previous = current_snapshot(folder)
    revisions = _with_reasons(_revisions(previous, cells, now, version, preview.withdrawn), preview.reasons, version,
                              previous is not None and preview.zeros_hidden
                              and not zeros_hidden(SnapshotView(previous).meta))
    first_published = {p.strftime("%Y-%m"): fp for p, fp in zip(approved["period"], approved["published_at"],
                                                                   strict=True)}
    periods = pd.DataFrame({"period": sorted(first_published)})
    periods["first_published_at"] = periods["period"].map(lambda p: first_published[p] if pd.notna(
        first_published[p]) else now)
    last_rev = revisions.groupby("period")["revised_at"].max() if not revisions.empty else pd.Series(dtype=object)
    periods["last_revised_at"] = periods["period"].map(lambda p: last_rev.get(p))
    cat, f = catalogue(), force()
    measures = pd.DataFrame([{"id": m.id, "name": m.name, "short_name": m.short_name, "unit": m.unit,
                              "kind": m.kind, "increase_is": m.increase_is} for m in cat.measures
                             if m.source == "force_return"])
    meta = {"version": str(version), "created_at": now.isoformat(timespec="seconds"),
            "threshold": settings.get("suppression_threshold"), "marker": settings.get("suppression_marker"),
            "footnote": footnote(preview.zeros_hidden), ZEROS_HIDDEN: "true" if preview.zeros_hidden else "false",
            # each publication at which hiding zeros began or ended, for the pages on revisions and method
            ZEROS_CHANGES: zeros_changes(SnapshotView(previous).meta if previous is not None else None,
                                         preview.zeros_hidden, now.isoformat(timespec="seconds")),
            "banner": BANNER, "force": f.force_name, "office": f.office_name,
            "holder_title": f.holder_title, "districts": json.dumps(list(f.districts)),
            # the public pages read what they say from the snapshot alone, never from the reference files
            "public_info": preview.public_info, "dimensions": preview.dimensions}
    audited = preview.audit
    if audited is not None:
        meta.update(audited.summary())
    audit_rows = audit_table(audited)
    final = folder / f"snapshot-{version:04d}.duckdb"
    tmp = folder / f".snapshot-{version:04d}.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    new_file(tmp)  # in small blocks: the sample's is 0.3 MiB, not 2.6, in a folder that keeps them all
    out = duckdb.connect(str(tmp))
    try:
        # which suppressed cells are primary (a small count) and which secondary is itself disclosive
        public_cells = cells.drop(columns=["reason"], errors="ignore")
        for name, frame in (("figure", public_cells), ("period", periods), ("measure", measures),
                            ("caveat", preview.caveats), ("revision", revisions), ("disclosure_audit", audit_rows),
                            ("event", public_events(preview.months, measures["id"])),
                            ("breakdown", _public_breakdowns(preview)), ("release", _release_table(con, preview, now)),
                            ("meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}))):
            out.register("frame", frame)
            out.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            out.unregister("frame")
        # typed by name, so that a publication with no loop item still holds the (empty) table
        out.execute(f"CREATE TABLE board_item ({', '.join(f'{c} VARCHAR' for c in BOARD_COLUMNS)})")
        if len(preview.board):
            out.register("frame", preview.board[BOARD_COLUMNS])
            out.execute("INSERT INTO board_item SELECT * FROM frame")
            out.unregister("frame")
        out.execute("CHECKPOINT")
    finally:
        out.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    # An unpointed snapshot is harmless (a re-run writes the next version), so the file comes first; then
    # the publication and the pointer it needs are recorded together, and the pointer is switched last:
    # a stop after the record is finished by the next command that opens the warehouse.
    faults.point("publish_before_rename")
    os.replace(tmp, final)
    faults.point("publish_after_rename")
    digest = hashlib.sha256(final.read_bytes()).hexdigest()
    body = _pointer_body(con, {"version": version, "file": final.name, "sha256": digest,
                               "published_at": meta["created_at"], "force": meta["force"], "office": meta["office"],
                               "holder_title": meta["holder_title"]}, folder=folder)
    with audit.transaction(con):
        con.execute("INSERT INTO snapshot VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [version, now, who, final.name, digest, len(periods), len(cells)])
        con.execute("""UPDATE period_status SET status = 'published', published_at = coalesce(published_at, ?),
                       last_published_at = ?, snapshot_version = ? WHERE list_contains(?, strftime(period, '%Y-%m'))""",
                    [now, now, version, sorted(first_published)])
        con.execute("""INSERT INTO published_period SELECT period, ? FROM period_status
                       WHERE list_contains(?, strftime(period, '%Y-%m')) ON CONFLICT (period) DO NOTHING""",
                    [now, sorted(first_published)])
        _record_hidden(con, version, cells)
        con.executemany(
            "INSERT INTO publication_event (period, action, by_user, acted_at, note) VALUES (?, ?, ?, ?, ?)",
            [[p, "published", who, now, f"snapshot {version}"] for p in approved["period"]])
        # a month the disclosure check held back stays approved: its status says so, and why, from this record
        # (`approval.held_by_disclosure`) until it is published or its approval withdrawn, with no check run again
        if preview.withheld_figures:
            con.executemany(
                "INSERT INTO publication_event (period, action, by_user, acted_at, note) VALUES (?, ?, ?, ?, ?)",
                [[f"{m}-01", HELD_BY_DISCLOSURE, who, now, what[:2000]]
                 for m, what in sorted(preview.withheld_figures.items())])
        audit.record(con, claims, "publish", subject=f"snapshot {version}",
                     detail=f"{months_phrase(preview.months)}; months added: "
                            f"{months_phrase(preview.added) if preview.added else 'none'}; "
                            f"figures revised: {len(preview.revised)}; "
                            f"accountability items: {len(preview.board)} ({preview.board_new} new"
                            + (f", {preview.board_changed} changed" if preview.board_changed else "") + ")"
                            + (f"; held back by a blocking flag: {months_phrase(list(preview.held))}"
                               if preview.held else "")
                            + ("; " + " ".join(preview.withheld_lines) if preview.withheld else "")
                            + (f"; hidden figures earlier publications already give away: "
                               f"{len(preview.audit.exposed_before)}"
                               if preview.audit is not None and preview.audit.exposed_before else ""))
        pointer_switch.record(con, folder, "publish", version, body, now)
        faults.point("publish_before_record")
    faults.point("publish_after_record")
    pointer_switch.switch(con, folder, body, before="publish_before_switch", after="publish_after_switch")
    return version, final


def _record_hidden(con: duckdb.DuckDBPyConnection, version: int, cells: pd.DataFrame) -> None:
    """Record the month figures snapshot `version` shows hidden, and the marker shown instead (`published_hidden`):
    a correction of one is then said to revise a figure the public read hidden, with no snapshot file read."""
    hidden = cells.loc[(cells["period_type"] == "month") & cells["suppressed"].astype(bool),
                       ["period", "area", "measure", "display"]].drop_duplicates()
    if hidden.empty:
        return
    con.register("hidden_cells", hidden)
    try:
        con.execute("""INSERT INTO snapshot_hidden SELECT ?, CAST(period || '-01' AS DATE), area, measure, display
                       FROM hidden_cells""", [version])
    finally:
        con.unregister("hidden_cells")


def _public_breakdowns(preview: Preview) -> pd.DataFrame:
    """The breakdowns as the public reads them: which cells are primary and which secondary is not said."""
    frame = preview.breakdowns if preview.breakdowns is not None else pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    frame = frame[BREAKDOWN_COLUMNS].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for column in ("measure", "dimension", "category", "label", "area", "period", "period_type", "display"):
        frame[column] = frame[column].astype(str)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def _withdrawal_list(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> list[dict]:
    """The withdrawals as the public reads them: the snapshot's version, dates and reason, never who (the public
    sees no names); and, read from the snapshots in `folder`, the months the withdrawn publication added and
    revised against the one the public went back to (left out when either snapshot is not there to read)."""
    rows = con.execute(
        """SELECT s.version, s.created_at, w.withdrawn_at, w.reason, s.file_name, r.file_name
           FROM snapshot_withdrawal w JOIN snapshot s USING (version)
           LEFT JOIN snapshot r ON r.version = w.restored_version ORDER BY w.withdrawn_at, w.version""").fetchall()
    out = []
    for v, p, w, r, withdrawn_file, restored_file in rows:
        item = {"version": v, "published_at": p.isoformat(timespec="seconds"),
                "withdrawn_at": w.isoformat(timespec="seconds"), "reason": r}
        if folder is not None:
            item.update(_months_withdrawn(Path(folder), withdrawn_file, restored_file))
        out.append(item)
    return out


def _month_cells(path: Path) -> tuple[frozenset[str], dict[tuple[str, str, str], str]]:
    """A snapshot's months and each month figure's shown text, by (measure, area, period)."""
    months = frozenset(str(m) for m in public_read("SELECT period FROM period", snapshot=path)["period"])
    cells = _areas_now(public_read("SELECT measure, area, period, display FROM figure WHERE period_type = 'month'",
                                   snapshot=path))
    return months, {(m, a, str(p)): str(d) for m, a, p, d in cells.itertuples(index=False, name=None)}


def _months_withdrawn(folder: Path, withdrawn_file: str | None, restored_file: str | None) -> dict:
    """{"added": [...], "revised": [...]}: the months ("YYYY-MM") the withdrawn snapshot held and the one restored
    did not, and those both held whose month figures it showed otherwise; {} when a snapshot cannot be read."""
    withdrawn = folder / str(withdrawn_file or "")
    restored = folder / str(restored_file) if restored_file else None
    if not withdrawn_file or not withdrawn.is_file() or (restored is not None and not restored.is_file()):
        return {}
    try:
        months, cells = _per_snapshot("month_cells", withdrawn, _month_cells)
        before_months, before = (_per_snapshot("month_cells", restored, _month_cells) if restored is not None
                                 else (frozenset(), {}))
    except duckdb.Error as exc:
        log.warning("the months of a withdrawn publication could not be read: %s", exc)
        return {}
    both = months & before_months
    revised = {k[2] for k in set(cells) | set(before) if k[2] in both and cells.get(k) != before.get(k)}
    return {"added": sorted(months - before_months), "revised": sorted(revised)}


def _pointer_body(con: duckdb.DuckDBPyConnection, target: dict, names: Mapping | None = None,
                  folder: Path | None = None) -> dict:
    """The pointer's content: the snapshot the public reads, with every withdrawal notice, so the notice and
    the snapshot it sends readers back to change together, in one rename. `names` (the force and the office, as
    a withdrawn snapshot said them) stand in for the snapshot's own when a withdrawal leaves none to read."""
    return {**dict(names or {}), **target, "withdrawals": _withdrawal_list(con, folder)}


_NAMES = ("force", "office", "holder_title", "contact")  # what a withdrawal's pointer says as it stands now


def _names_of(snapshot: Path | None) -> dict:
    """The force's and the office's names, its holder's title and its contact details (public_info.yaml's contact) as
    a snapshot's meta gives them (none without a snapshot)."""
    if snapshot is None:
        return {}
    meta = public_read("SELECT key, value FROM meta WHERE key IN ('force', 'office', 'holder_title', 'public_info')",
                       snapshot=snapshot)
    found = {k: v for k, v in zip(meta["key"], meta["value"], strict=True) if v}
    info = None
    with contextlib.suppress(TypeError, ValueError):
        info = json.loads(found.pop("public_info", None) or "null")
    if isinstance(info, dict) and isinstance(info.get("contact"), dict):
        found["contact"] = info["contact"]
    return found


def _names_now(folder: Path, current: Path | None) -> dict:
    """The names a withdrawal's pointer keeps, with whom to contact: those of the pointer in force (the newest
    publication's, which an earlier withdrawal kept), else the withdrawn snapshot's own. Withdrawing again, back past a
    publication made before the role passed to another holder, then still names whoever holds it now, and gives their
    contact details, not the former office's that the snapshot read again was published with."""
    in_force = {k: v for k, v in pointer(folder).items() if k in _NAMES and v}
    return {**_names_of(current), **in_force}


class CannotWithdraw(PccDashError):
    """Nothing is published to withdraw, or no reason was given."""


@dataclass
class Withdrawal:
    version: int                 # the snapshot withdrawn
    restored: int | None         # the snapshot the public reads again (None: nothing published)
    unpublished: list[str]       # months that only the withdrawn snapshot carried: their approval withdrawn too
    taken_back: list[str] = field(default_factory=list)  # months both carried, approved again since: back as before
    # months the withdrawn snapshot carried, approved again after it was made: it never published that approval, so
    # it stands (those only the withdrawn snapshot carried are no longer published, and wait for the next publication)
    approved_since: list[str] = field(default_factory=list)
    unpublished_approved: list[str] = field(default_factory=list)
    # the months the snapshot gone back to carries (YYYY-MM), the only ones whose notes the public reads; None: not
    # read (a stopped withdrawal finished)
    public_months: frozenset[str] | None = None


def withdrawal_reason(reason: object) -> str:
    """The reason for a withdrawal as the public reads it, on one line; refused if there is none."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise CannotWithdraw("Give the reason for withdrawing (--reason TEXT): the public revisions page shows it.")
    return reason


def withdraw(con: duckdb.DuckDBPyConnection, claims: Mapping, reason: str, folder: Path | None = None) -> Withdrawal:
    """Withdraw the publication the public reads: it goes back to the snapshot before, in one switch.

    The withdrawn snapshot stays on disk and in the record. Months that only it carried lose their approval
    as well (status "withdrawn", recorded with the reason), so nothing published later brings them back until
    they are approved again; a month approved again after the withdrawn snapshot was made keeps that approval, which
    the withdrawn snapshot never published. The public revisions page shows the withdrawal with its reason. One
    command at a time writes into a folder; another waits for it.
    """
    who = require(claims, "publish", "withdraw a publication")  # the role that publishes may take it back
    reason = withdrawal_reason(reason)
    folder = Path(folder or published_dir())
    if not folder.is_dir():
        return withdraw_locked(con, claims, who, reason, folder)
    with pointer_switch.folder_lock(folder):
        return withdraw_locked(con, claims, who, reason, folder)


_EVENT = "INSERT INTO publication_event (period, action, by_user, acted_at, note) VALUES (?, ?, ?, ?, ?)"


def withdraw_locked(con: duckdb.DuckDBPyConnection, claims: Mapping, who: str, reason: str, folder: Path,
                    at: dt.datetime | None = None) -> Withdrawal:
    """`withdraw` once the folder is this command's alone; `at`, the time its notice gives when the withdrawal is
    made again as the public first read it (a restore), else now."""
    finish_switches(con)  # a switch a stop interrupted is finished first: it decides what the public reads now
    finished = pointer_switch.finished_on_opening(con, "withdraw", folder)
    if finished is not None:  # the stopped withdrawal, run again: finishing it was the job, not withdrawing another
        restored = con.execute("SELECT restored_version FROM snapshot_withdrawal WHERE version = ?",
                               [finished]).fetchall()[0][0]
        return Withdrawal(finished, restored, [])
    current = current_snapshot(folder)
    version = _version_of(current)
    if version is None:
        raise CannotWithdraw("Nothing is published, so there is nothing to withdraw.")
    if not con.execute("SELECT count(*) FROM snapshot WHERE version = ?", [version]).fetchall()[0][0]:
        raise CannotWithdraw(f'Snapshot {version} in "{folder}" was not published from this warehouse; withdraw it '
                             "with the warehouse that published it (--db).")
    done = con.execute("SELECT restored_version FROM snapshot_withdrawal WHERE version = ?", [version]).fetchall()
    if done:  # recorded before a stop, by a warehouse older than the record of switches: finish the switch only
        restored = done[0][0]
        body = _withdrawal_body(con, folder, restored, current)
        with audit.transaction(con):
            pointer_switch.record(con, folder, "withdraw", version, body, utc_now())
        pointer_switch.switch(con, folder, body, before="withdraw_before_switch", after="withdraw_after_switch")
        return Withdrawal(version, restored, [])
    restored = next((v for (v,) in con.execute(
        """SELECT version FROM snapshot s WHERE version < ?
           AND NOT EXISTS (SELECT 1 FROM snapshot_withdrawal w WHERE w.version = s.version)
           ORDER BY version DESC""", [version]).fetchall()
        if (folder / f"snapshot-{v:04d}.duckdb").is_file()), None)
    still = set() if restored is None else set(public_read(
        "SELECT period FROM period", snapshot=folder / f"snapshot-{restored:04d}.duckdb")["period"])
    carried = [p for (p,) in con.execute(
        "SELECT strftime(period, '%Y-%m') FROM period_status WHERE snapshot_version = ? ORDER BY period",
        [version]).fetchall()]
    # an approval given after the withdrawn snapshot was made is not one it published: the withdrawal leaves it be
    made = con.execute("SELECT created_at FROM snapshot WHERE version = ?", [version]).fetchall()[0][0]
    since = {p for (p,) in con.execute(
        """SELECT strftime(period, '%Y-%m') FROM period_status WHERE snapshot_version = ? AND approved_at > ?""",
        [version, made]).fetchall()}
    unpublished = [p for p in carried if p not in still and p not in since]
    unpublished_approved = [p for p in carried if p not in still and p in since]
    approved_since = [p for p in carried if p in still and p in since]
    taken_back = _approvals_taken_back(con, restored, [p for p in carried if p in still and p not in since])
    now = at or utc_now()
    with audit.transaction(con):
        con.execute("INSERT INTO snapshot_withdrawal VALUES (?, ?, ?, ?, ?)", [version, now, who, reason, restored])
        # their approval is withdrawn with the publication: the next publication of anything must not bring
        # them back unchanged, so each needs approving again
        for p in unpublished:
            con.execute("""UPDATE period_status SET status = 'withdrawn', approved_by = NULL, approved_at = NULL,
                           published_at = NULL, last_published_at = NULL, snapshot_version = NULL
                           WHERE snapshot_version = ? AND period = CAST(? AS DATE)""", [version, f"{p}-01"])
            con.execute(_EVENT, [f"{p}-01", APPROVAL_WITHDRAWN, who, now, reason[:2000]])
            # nor is it a published month any more: a change to it needs no revision notice
            con.execute("DELETE FROM published_period WHERE period = CAST(? AS DATE)", [f"{p}-01"])
            audit.record(con, claims, "unapprove", subject=p,
                         detail=f"with snapshot {version}: {stopped(reason)} Approve again to publish.")
        for p in unpublished_approved:  # no longer published; its approval given since waits for the next publication
            con.execute("""UPDATE period_status SET status = 'approved', published_at = NULL, last_published_at = NULL,
                           snapshot_version = NULL WHERE snapshot_version = ? AND period = CAST(? AS DATE)""",
                        [version, f"{p}-01"])
            con.execute("DELETE FROM published_period WHERE period = CAST(? AS DATE)", [f"{p}-01"])
        # a month the public still reads, as the snapshot restored shows it: the approval of what was withdrawn (a
        # correction approved since) is taken back too, so the figures approved since wait for approval again
        for p, (by, at) in taken_back.items():
            con.execute("UPDATE period_status SET approved_by = ?, approved_at = ? WHERE period = CAST(? AS DATE)",
                        [by, at, f"{p}-01"])
            con.execute(_EVENT, [f"{p}-01", APPROVAL_WITHDRAWN, who, now, reason[:2000]])
            audit.record(con, claims, "unapprove", subject=p,
                         detail=f"with snapshot {version}: {reason}; the public reads the figures approved on "
                                f"{at:%Y-%m-%d} again, and what changed since needs approving again")
        con.execute("UPDATE period_status SET snapshot_version = ? WHERE snapshot_version = ?", [restored, version])
        for p in carried:
            con.execute(_EVENT, [f"{p}-01", "withdrawn", who, now, f"snapshot {version} withdrawn: {reason}"[:2000]])
        gone = sorted(unpublished + unpublished_approved)
        audit.record(con, claims, "withdraw", subject=f"snapshot {version}",
                     detail=f"{reason} (the public side reads "
                            f"{f'snapshot {restored}' if restored else 'nothing published'} again; months no longer "
                            f"published: {months_phrase(gone) if gone else 'none'})")
        # recorded with the withdrawal, switched after it: a stop between is finished by the next command
        # with the notice just recorded, and the names the withdrawn snapshot gave
        body = _withdrawal_body(con, folder, restored, current)
        pointer_switch.record(con, folder, "withdraw", version, body, now)
        faults.point("withdraw_before_record")
    faults.point("withdraw_after_record")
    pointer_switch.switch(con, folder, body, before="withdraw_before_switch", after="withdraw_after_switch")
    return Withdrawal(version, restored, unpublished, sorted(taken_back), approved_since, unpublished_approved,
                      frozenset(still))


def withdrawal_headline(done: Withdrawal) -> str:
    """What a withdrawal did, in one sentence and what follows it: the snapshot the public reads again, the months
    no longer published (their approval gone with them) and those back to the figures published before."""
    back = f"snapshot {done.restored}" if done.restored else "nothing published"
    return (f"Withdrew snapshot {done.version}; the public side reads {back} again."
            + (f" No longer published, and no longer approved (approve them again to publish): "
               f"{', '.join(done.unpublished)}." if done.unpublished else "")
            + (f" Back to the figures published before, their later approval taken back (approve them again to "
               f"publish what changed): {', '.join(done.taken_back)}." if done.taken_back else "")
            + (f" No longer published, and still approved, as approved again after snapshot {done.version} was made "
               f"(the next publication carries them): {', '.join(done.unpublished_approved)}."
               if done.unpublished_approved else "")
            + (f" Back to the figures published before, their approval given after snapshot {done.version} was made "
               f"standing (the next publication carries it): {', '.join(done.approved_since)}."
               if done.approved_since else ""))


WITHDRAWAL_NOTES_SHOWN = 20  # notes beside figures named one by one after a withdrawal; the rest are counted


def withdrawal_words(done: Withdrawal, preview: Preview, taken: list[Release],
                     limit: int = WITHDRAWAL_NOTES_SHOWN) -> list[str]:
    """What "pccdash withdraw" and the Approve and publish page say once a publication is withdrawn, after its
    headline (`withdrawal_headline`): each of the loop's approvals the withdrawal took back (`taken`,
    `releases_taken_back`), with the command that approves it again; and what the public reads again that the
    warehouse now says otherwise, the notes beside figures (a flag, a data check) as the snapshot gone back to has
    them against those the flags and checks give now (`preview`, of the next publication, made after the withdrawal).
    A line beginning with two spaces details the sentence before it."""
    said: list[str] = []
    since = f"snapshot {done.restored}" if done.restored else "nothing"
    said += [f"Taken back with it, as approved after {since} was published: approval {item.release_id}, of "
             f"{item.label}. No publication carries it until it is approved again "
             f'("pccdash release {item.kind} {item.item_id}").' for item in taken]
    empty = pd.DataFrame()
    gone = preview.caveats_removed if preview.caveats_removed is not None else empty
    missing = preview.caveats_added if preview.caveats_added is not None else empty
    if done.public_months is not None and not missing.empty:  # a note on a month the public does not read is not
        # one it misses (a month approved since, or one the withdrawal took off the public side)
        missing = missing[missing["period"].astype(str).str[:7].isin(done.public_months)]
    if gone.empty and missing.empty:
        return said
    names = {m.id: m.short_name for m in catalogue().measures}
    which = f"snapshot {done.restored}" if done.restored else "nothing published"
    said.append(f"The public reads the notes beside figures (a flag, a data check) as {which} has them, not as the "
                f"flags and checks stand now: {len(gone)} of them no longer stand (a flag resolved, a check that no "
                f"longer fails), and {len(missing)} that stand now are not shown. The next publication puts them "
                'right ("pccdash publish" shows each before it asks).')
    for verb, frame in (("shown, no longer standing", gone), ("standing, not shown", missing)):
        said += [f"  - {verb}: {names.get(row.measure, row.measure)}, {row.area}, {period_text(row.period)}: "
                 f"{shown(row.text, None)}" for row in frame.head(limit).itertuples()]
        if len(frame) > limit:
            said.append(f"  ... and {len(frame) - limit} more {verb}.")
    return said


def _approvals_taken_back(con: duckdb.DuckDBPyConnection, restored: int | None, months: list[str]
                          ) -> dict[str, tuple[str, dt.datetime]]:
    """Of `months` (carried by the withdrawn snapshot and by the one restored), those approved again after the
    restored snapshot was made, each with the approval that snapshot was made from: (who, when)."""
    if restored is None or not months:
        return {}
    made = con.execute("SELECT created_at FROM snapshot WHERE version = ?", [restored]).fetchall()[0][0]
    rows = con.execute(
        """SELECT strftime(s.period, '%Y-%m'), e.by_user, e.acted_at FROM period_status s
           JOIN publication_event e ON e.period = s.period AND e.action = 'approved' AND e.acted_at <= $made
           WHERE list_contains($months, strftime(s.period, '%Y-%m')) AND s.approved_at > $made
           QUALIFY e.acted_at = max(e.acted_at) OVER (PARTITION BY s.period)""",
        {"made": made, "months": months}).fetchall()
    return {p: (by, at) for p, by, at in rows}


def _release_table(con: duckdb.DuckDBPyConnection, preview: Preview, now: dt.datetime) -> pd.DataFrame:
    """The release calendar the public reads with this publication (`calendar.release_calendar`): the months it
    carries as published (today, for those it publishes first), and the months to come with their planned dates."""
    from .calendar import COLUMNS, release_calendar

    try:
        frame = release_calendar(con, info=json.loads(preview.public_info) if preview.public_info else None)
    except PccDashError as exc:  # return_calendar.yaml unreadable: the page says no release is planned
        log.warning("release calendar not published: %s", exc)
        return pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    now_carried = frame["month"].isin(preview.months) & (frame["status"] != "published")
    frame.loc[now_carried, "expected_on"] = uk_day(now)
    frame.loc[now_carried, "status"] = "published"
    # an approved month this publication holds back is not "to be published" on a day anyone can name: it says what
    # holds it (a blocking flag, or the disclosure check), and never which figure
    for months, status in ((preview.held, "held_flag"), (preview.withheld, "held_disclosure")):
        # one an earlier publication held back by the disclosure check is held back again, or now by a flag
        held = frame["month"].isin(list(months)) & frame["status"].isin(["approved", "held_flag", "held_disclosure"])
        frame.loc[held, "expected_on"] = None
        if status == "held_disclosure":  # held back since the first publication to hold it back: this one, or earlier
            frame.loc[held & frame["held_since"].isna(), "held_since"] = pd.Timestamp(uk_day(now))
        else:
            frame.loc[held, "held_since"] = None
        frame.loc[held, "status"] = status
    return frame


def _withdrawal_body(con: duckdb.DuckDBPyConnection, folder: Path, restored: int | None,
                     current: Path | None) -> dict:
    """The pointer a withdrawal puts in force: the snapshot restored (or none), every withdrawal notice, and the
    release calendar as it stands now (`release`), since the one the restored snapshot holds was right when it was
    published, not now. Call it once the withdrawal is recorded in `con`."""
    body = _pointer_body(con, _pointer_to(con, folder, restored), _names_now(folder, current), folder)
    release = _release_now(con, folder / body["file"] if body.get("file") else None)
    if release is not None:
        body["release"] = release
    return body


def _release_now(con: duckdb.DuckDBPyConnection, snapshot: Path | None) -> list[dict] | None:
    """The release calendar for the public, as of now, beside `snapshot` (the one it reads; None: nothing): the
    months it carries as published, and the months to come (a month withdrawn among them). Read with the public
    information the snapshot was published with (else public_info.yaml as it is now); None when the calendar cannot
    be made, so that the snapshot's own stands."""
    from .calendar import release_calendar

    info = None
    if snapshot is not None:
        meta = public_read("SELECT value FROM meta WHERE key = 'public_info'", snapshot=snapshot)
        with contextlib.suppress(TypeError, ValueError):
            found = json.loads(meta["value"].iloc[0]) if len(meta) and meta["value"].iloc[0] else None
            info = found if isinstance(found, dict) and isinstance(found.get("release"), dict) else None
    try:
        frame = release_calendar(con, info=info)
    except (PccDashError, KeyError, TypeError) as exc:  # the page then reads the snapshot's calendar
        log.warning("release calendar not updated with the withdrawal: %s", exc)
        return None
    shown = set() if snapshot is None else set(public_read("SELECT period FROM period", snapshot=snapshot)["period"])
    # a month is published only if the public reads it now
    frame = frame[(frame["status"] != "published") | frame["month"].isin(shown)]

    def day(d) -> str | None:
        return None if d is None or pd.isna(d) else pd.Timestamp(d).date().isoformat()

    return [{"month": str(m), "expected_on": day(d), "status": str(st), "held_since": day(since)}
            for m, d, st, since in frame[["month", "expected_on", "status", "held_since"]].itertuples(index=False)]


def _pointer_to(con: duckdb.DuckDBPyConnection, folder: Path, version: int | None) -> dict:
    if version is None:
        return {"version": None, "file": None}
    created, name, digest = con.execute("SELECT created_at, file_name, sha256 FROM snapshot WHERE version = ?",
                                        [version]).fetchall()[0]
    return {"version": version, "file": name, "sha256": digest, "published_at": created.isoformat(timespec="seconds")}


def footnote(zeros: bool | None = None) -> str:
    """What the marker means, as a publication's pages and downloads say it: `zeros`, whether it hides its zeros too
    (the setting in force, when not given)."""
    zeros = _zeros_hidden() if zeros is None else zeros
    return (f"{settings.get('suppression_marker')} Not shown: "
            f"{hidden_count_words(settings.get('suppression_threshold'), zeros)}, or a figure from which one could be "
            "worked out, so that no child can be identified.")
